"""The sustainability account: every indicator's value, per-inhabitant figure and target status.

``compute_indicators(registry, values, projection, budget)`` is pure: the same inputs give the
same account, and a scenario's projection and budget move it (per-inhabitant figures use the
projection's population; economic indicators read the budget's own lines).

**Status against target and trajectory** (the rule, also in docs/sustainability.md). With the
target level ``L`` (for ``vs_baseline``: ``L = v(base_year) * (1 + target)``), the latest value
``v`` in year ``y`` and "better" meaning ``<=`` (direction lower) or ``>=`` (direction higher):

- no target: ``no_target``; no value: ``not_assessable``;
- a standing threshold (no year): ``on_track`` if ``v`` is better than ``L``, ``at_risk`` if it
  misses by at most :data:`AT_RISK_TOLERANCE` of ``|L|``, else ``off_track``;
- a dated target (year ``Y``): ``target_met`` if ``v`` is better than ``L``; else ``off_track``
  if ``y >= Y`` (deadline passed); else against the straight path from the start point
  ``(y0, s)`` (the base year, or the earliest value) to ``(Y, L)``: expected
  ``e = s + (L - s) * (y - y0) / (Y - y0)``; ``on_track`` if ``v`` is better than ``e``,
  ``at_risk`` if ``|v - e| <= AT_RISK_TOLERANCE * |L - s|``, else ``off_track``; with only one
  value (``y == y0``) no trajectory exists: ``not_assessable``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from byibalance.errors import ErrorLocation, IndicatorError
from byibalance.sustainability.registry import Basis, Dimension, Direction, Indicator, Registry
from byibalance.sustainability.series import (
    PROJECTION_MEASURES,
    BudgetLike,
    Cell,
    ProjectionLike,
    Series,
    divide,
    population_series,
    resolve,
)
from byibalance.sustainability.values import ValueStore

AT_RISK_TOLERANCE = 0.10
"""Share of the required change (or of a threshold) within which a miss counts as "at risk".

An assumption of byibalance, not a published rule; shown in the docs and the CLI footnote."""

EXTENSIVE_UNITS = {
    "tonnes_CO2e": "tonnes_CO2e_per_person",
    "MWh": "MWh_per_person",
    "DKK": "DKK_per_person",
}
"""Units whose absolute value is also shown per inhabitant (DOMAIN §6 rule 3)."""


class TrackStatus(StrEnum):
    """An indicator's position against its target and trajectory."""

    target_met = "target_met"
    on_track = "on_track"
    at_risk = "at_risk"
    off_track = "off_track"
    not_assessable = "not_assessable"
    no_target = "no_target"


@dataclass(frozen=True)
class IndicatorRow:
    """One indicator in the account: its latest value, per inhabitant, target and status."""

    indicator: Indicator
    latest: Cell | None
    per_capita: float | None
    target_level: float | None
    target_per_capita: float | None
    track: TrackStatus
    reason: str
    series: Series = field(default_factory=dict)

    @property
    def id(self) -> str:
        """The indicator id."""
        return self.indicator.id


@dataclass(frozen=True)
class IndicatorAccount:
    """The account of one municipality (and scenario): rows in registry order."""

    municipality: str
    as_of_year: int
    rows: tuple[IndicatorRow, ...]

    def row(self, indicator_id: str) -> IndicatorRow:
        """The row of one indicator (``KeyError`` if unknown)."""
        for row in self.rows:
            if row.id == indicator_id:
                return row
        raise KeyError(indicator_id)

    def by_dimension(self) -> dict[Dimension, list[IndicatorRow]]:
        """The balance view: the four dimensions side by side, no composite score."""
        out: dict[Dimension, list[IndicatorRow]] = {d: [] for d in Dimension}
        for row in self.rows:
            out[row.indicator.dimension].append(row)
        return out

    def records(self) -> list[dict[str, object]]:
        """One record per indicator and year (long format for CSV, JSON and Excel)."""
        out: list[dict[str, object]] = []
        for row in self.rows:
            ind = row.indicator
            for cell in row.series.values():
                out.append(
                    {
                        "municipality": self.municipality,
                        "dimension": ind.dimension.value,
                        "indicator": ind.id,
                        "name_da": ind.name_da,
                        "year": cell.year,
                        "value": cell.value,
                        "unit": ind.unit,
                        "status": cell.status.value,
                        "notation": cell.notation.value if cell.notation else None,
                        "formula": cell.formula,
                        "source": cell.source,
                    }
                )
        return out


def _check_names(indicator: Indicator) -> None:
    for name in (indicator.numerator, indicator.denominator):
        if name and name.startswith("projection."):
            measure = name.removeprefix("projection.")
            if measure not in PROJECTION_MEASURES:
                raise IndicatorError(
                    f"unknown projection measure '{measure}' in indicator '{indicator.id}'",
                    f"Use one of: {', '.join(PROJECTION_MEASURES)}",
                    ErrorLocation(field=f"{indicator.id}.numerator"),
                )


def indicator_series(
    indicator: Indicator,
    values: ValueStore,
    projection: ProjectionLike | None = None,
    budget: BudgetLike | None = None,
    observed_population: Mapping[int, Cell] | None = None,
) -> Series:
    """Every year of one indicator: ``numerator(t) / denominator(t)``, stored values first.

    Values stored under the indicator's own id take precedence for their years (a published
    figure is never replaced by a computed one); other years are computed and marked derived.
    """
    _check_names(indicator)
    numerator = resolve(indicator.numerator, values, projection, budget, observed_population)
    if indicator.denominator:
        denominator = resolve(
            indicator.denominator, values, projection, budget, observed_population
        )
        computed = divide(
            numerator, denominator, f"{indicator.numerator} / {indicator.denominator}"
        )
    else:
        computed = numerator
    own = (
        resolve(indicator.id, values, None, None, None)
        if indicator.numerator != indicator.id
        else {}
    )
    merged = {**computed, **{y: c for y, c in own.items()}}
    return dict(sorted(merged.items()))


def _latest(series: Series, as_of_year: int) -> Cell | None:
    known = [c for c in series.values() if c.value is not None]
    if not known:
        return None
    past = [c for c in known if c.year <= as_of_year]
    return past[-1] if past else known[0]


def _n(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def _better(a: float, b: float, direction: Direction) -> bool:
    return a <= b if direction is Direction.lower_better else a >= b


def target_level(indicator: Indicator, series: Series) -> float | None:
    """The target as a level in the indicator's unit (``None`` if the base value is missing)."""
    target = indicator.target
    if target is None:
        return None
    if target.basis is Basis.vs_baseline:
        assert target.base_year is not None  # guaranteed by Target's validator
        base = series.get(target.base_year)
        if base is None or base.value is None:
            return None
        return base.value * (1.0 + target.value)
    return target.value


def track_status(indicator: Indicator, series: Series, as_of_year: int) -> tuple[TrackStatus, str]:
    """Status against target and trajectory, with the reason (rule: module docstring)."""
    target = indicator.target
    if target is None:
        return TrackStatus.no_target, "no target set"
    latest = _latest(series, as_of_year)
    if latest is None or latest.value is None:
        return TrackStatus.not_assessable, "no value"
    level = target_level(indicator, series)
    if level is None:
        return TrackStatus.not_assessable, f"base year {target.base_year} value is missing"
    v, y, d = latest.value, latest.year, indicator.direction
    if target.year is None:
        if _better(v, level, d):
            return TrackStatus.on_track, f"{_n(v)} is within the threshold {_n(level)}"
        if abs(v - level) <= AT_RISK_TOLERANCE * abs(level):
            return TrackStatus.at_risk, f"{_n(v)} misses the threshold {_n(level)} narrowly"
        return TrackStatus.off_track, f"{_n(v)} misses the threshold {_n(level)}"
    if _better(v, level, d):
        return TrackStatus.target_met, f"{_n(v)} ({y}) already reaches {_n(level)}"
    if y >= target.year:
        return (
            TrackStatus.off_track,
            f"deadline {target.year} passed; {_n(v)} ({y}) vs {_n(level)}",
        )
    start = _start(series, target.base_year, y)
    if start is None or start.value is None or start.year >= y:
        if as_of_year > target.year:
            return TrackStatus.not_assessable, (
                f"deadline {target.year} passed with no value after {y}; one value only"
            )
        return TrackStatus.not_assessable, "one value only: no trajectory to compare with"
    s, y0 = start.value, start.year
    expected = s + (level - s) * (y - y0) / (target.year - y0)
    detail = f"{_n(v)} ({y}) vs {_n(expected)} on the path from {y0} to {target.year}"
    if _better(v, expected, d):
        return TrackStatus.on_track, detail
    if abs(v - expected) <= AT_RISK_TOLERANCE * abs(level - s):
        return TrackStatus.at_risk, detail
    return TrackStatus.off_track, detail


def _start(series: Series, base_year: int | None, before: int) -> Cell | None:
    if base_year is not None and base_year in series and series[base_year].value is not None:
        return series[base_year]
    known = [c for c in series.values() if c.value is not None and c.year < before]
    return known[0] if known else None


def _per_capita(value: Cell | None, population: Series) -> float | None:
    if value is None or value.value is None:
        return None
    pop = population.get(value.year)
    return None if pop is None or not pop.value else value.value / pop.value


def compute_indicators(
    registry: Registry,
    values: ValueStore,
    projection: ProjectionLike | None = None,
    budget: BudgetLike | None = None,
    *,
    observed_population: Mapping[int, Cell] | None = None,
    municipality: str = "",
    as_of_year: int = 2026,
) -> IndicatorAccount:
    """The sustainability account for one municipality and scenario.

    For each indicator: ``series = numerator / denominator`` (stored values first), the latest
    value at or before ``as_of_year`` (else the first forecast), ``per_capita = value(y) /
    population(y)`` for absolute extensive units, ``target_per_capita = L / population(Y)`` with
    the projection's population in the target year ``Y`` (or its last year if ``Y`` is later,
    which the reason says), and the :func:`track_status`.
    """
    population = population_series(observed_population, projection)
    rows: list[IndicatorRow] = []
    for indicator in registry.indicators:
        series = indicator_series(indicator, values, projection, budget, observed_population)
        latest = _latest(series, as_of_year)
        track, reason = track_status(indicator, series, as_of_year)
        level = target_level(indicator, series)
        per_capita = target_pc = None
        if indicator.unit in EXTENSIVE_UNITS and indicator.basis is not Basis.per_capita:
            per_capita = _per_capita(latest, population)
            target_pc, note = _target_per_capita(indicator, level, population)
            if note:
                reason = f"{reason}; {note}"
        rows.append(
            IndicatorRow(indicator, latest, per_capita, level, target_pc, track, reason, series)
        )
    return IndicatorAccount(municipality, as_of_year, tuple(rows))


def _target_per_capita(
    indicator: Indicator, level: float | None, population: Series
) -> tuple[float | None, str]:
    target = indicator.target
    if target is None or level is None or target.year is None or not population:
        return None, ""
    if target.year < min(population):
        return None, ""
    year = target.year if target.year in population else max(population)
    note = ""
    if year < target.year:
        note = f"target per inhabitant uses the population of {year}, the last projected year"
    pop = population[year].value
    return (None, note) if not pop else (level / pop, note)
