"""Named yearly series that indicators are computed from: stored values, the projection, the budget.

Every indicator is computed the same way (STYLE point 4): ``value(t) = numerator(t) /
denominator(t)``, each a named series. Names are an indicator id (stored values), ``population``
(observed totals, then the projection), ``projection.<measure>`` or ``budget.<line>``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from byibalance.sustainability.values import Notation, ValueStatus, ValueStore


class ProjectionLike(Protocol):
    """What the account reads from a population projection (``byibalance.population``)."""

    @property
    def years(self) -> Any: ...

    @property
    def population(self) -> Any: ...


class BudgetLike(Protocol):
    """What the account reads from a budget (``byibalance.finance.Budget``): ``years`` whose
    items have ``year`` and the lines the registry names (``operating_balance``, ...)."""

    @property
    def years(self) -> Sequence[Any]: ...


@dataclass(frozen=True)
class Cell:
    """One year of a series: the value (``None`` = missing) and where it comes from."""

    year: int
    value: float | None
    status: ValueStatus
    source: str
    notation: Notation | None = None
    formula: str | None = None
    note: str | None = None

    @property
    def is_missing(self) -> bool:
        """True where no figure exists (shown as missing, never as 0)."""
        return self.value is None


Series = dict[int, Cell]

PROJECTION_MEASURES: dict[str, tuple[int, int]] = {
    "population": (0, 100),
    "age_0_5": (0, 5),
    "age_6_16": (6, 16),
    "age_0_17": (0, 17),
    "age_18_64": (18, 64),
    "age_65_plus": (65, 100),
    "age_80_plus": (80, 100),
}
"""Projection measures by name: persons aged ``lo..hi`` inclusive (100 = 100 and over)."""


def stored_series(values: ValueStore, indicator: str) -> Series:
    """The current vintage of each stored year of ``indicator``."""
    return {
        year: Cell(year, v.value, v.status, v.source, v.notation, None, v.note)
        for year, v in values.series(indicator).items()
    }


def projection_series(projection: ProjectionLike | None, measure: str) -> Series:
    """Persons in an age band per projected year (1 January), status derived."""
    if projection is None:
        return {}
    lo, hi = PROJECTION_MEASURES[measure]
    totals = projection.population[:, :, lo : hi + 1].sum(axis=(1, 2))
    source = (
        f"population projection, persons aged {lo}-{hi}"
        if measure != "population"
        else ("population projection, 1 January")
    )
    return {
        int(y): Cell(int(y), float(t), ValueStatus.derived, source)
        for y, t in zip(projection.years, totals, strict=True)
    }


def population_series(
    observed: Mapping[int, Cell] | None, projection: ProjectionLike | None
) -> Series:
    """Total population: observed totals where known (with their status), the projection after."""
    out = projection_series(projection, "population")
    out.update({int(year): cell for year, cell in (observed or {}).items()})
    return dict(sorted(out.items()))


def observed_cells(
    totals: Mapping[int, float], status: ValueStatus = ValueStatus.published, source: str = ""
) -> dict[int, Cell]:
    """Observed population totals as cells (1 January), all with one status and source."""
    text = source or "observed population, 1 January"
    return {int(y): Cell(int(y), float(v), status, text) for y, v in totals.items()}


def budget_series(budget: BudgetLike | None, line: str) -> Series:
    """One budget line per budget year, status derived; a line the budget lacks is missing."""
    if budget is None:
        return {}
    out: Series = {}
    for item in budget.years:
        year = int(item.year)
        value = getattr(item, line, None)
        if value is None:
            out[year] = Cell(
                year, None, ValueStatus.not_available, f"budget has no line '{line}'", Notation.NE
            )
        else:
            out[year] = Cell(year, float(value), ValueStatus.derived, f"budget line '{line}'")
    return out


def resolve(
    name: str,
    values: ValueStore,
    projection: ProjectionLike | None,
    budget: BudgetLike | None,
    observed_population: Mapping[int, Cell] | None,
) -> Series:
    """The series a name refers to (see the module docstring)."""
    if name == "population":
        return population_series(observed_population, projection)
    if name.startswith("projection."):
        return projection_series(projection, name.removeprefix("projection."))
    if name.startswith("budget."):
        return budget_series(budget, name.removeprefix("budget."))
    return stored_series(values, name)


def divide(numerator: Series, denominator: Series, formula: str) -> Series:
    """``numerator(t) / denominator(t)`` for every year of the numerator; missing stays missing."""
    out: Series = {}
    for year, num in numerator.items():
        den = denominator.get(year)
        if num.value is None or den is None or den.value is None or den.value == 0:
            why = num.source if num.value is None else f"no denominator for {year}"
            out[year] = Cell(
                year, None, ValueStatus.not_available, why, num.notation or Notation.NE, formula
            )
            continue
        out[year] = Cell(
            year, num.value / den.value, ValueStatus.derived,
            f"{num.source}; {den.source}", None, formula,
        )  # fmt: skip
    return out
