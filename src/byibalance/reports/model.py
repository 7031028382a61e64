"""The council report as a data structure: every figure taken from the model's own results.

Pure: takes a :class:`~byibalance.runner.CityResult` (with and without the housing programme), the
sustainability account rows and the capital-region row, and returns :class:`CouncilReport`. The
renderers (HTML, PDF, Excel) only format what is here, so a test can compare each figure to the
model.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from byibalance.benchmark import METRICS, Row
from byibalance.runner import CityResult

#: Years shown in the population and budget tables.
POPULATION_YEARS: tuple[int, ...] = (2025, 2027, 2030, 2035, 2040)

PERIOD_DA = {"budget_year": "budgetår", "forecast": "overslagsår", "long_horizon": "langt sigt"}


@dataclass(frozen=True)
class PopulationLine:
    """Projected persons in ``year`` with and without the housing programme."""

    year: int
    with_housing: float
    without_housing: float


@dataclass(frozen=True)
class BudgetLine:
    """One budget year (DKK): revenue, operating expenditure, operating balance, liquidity."""

    year: int
    period: str
    population: float
    revenue: float
    operating_expenditure: float
    operating_balance: float
    capital_expenditure: float
    liquidity_average: float
    debt_end: float


@dataclass(frozen=True)
class Breach:
    """A rule broken in a year, with the model's reason."""

    rule: str
    year: int
    reason: str


@dataclass(frozen=True)
class AmbitionLine:
    """An ambition chosen (with its start year) or left out, with the portfolio's reason."""

    id: str
    name: str
    chosen: bool
    start: int | None
    reason: str


@dataclass(frozen=True)
class FrameWarningLine:
    """A collective frame the plan's budget goes above in ``year``: ``over`` DKK above the
    municipality's share, of which ``budget`` is the budget's own excess and ``ambitions`` the
    ambitions' part (negative when a saving reduces it)."""

    year: int
    frame: str
    over: float
    budget: float
    ambitions: float


@dataclass(frozen=True)
class AmbitionFrames:
    """How the plan stands with the rules: the frames' mode (``advarsel`` or ``hård``), the
    yearly warnings, each warned frame's meaning and the baseline's breaches of hard rules."""

    mode: str
    warnings: tuple[FrameWarningLine, ...] = ()
    meanings: tuple[tuple[str, str], ...] = ()
    baseline_breaches: tuple[Breach, ...] = ()

    @property
    def largest(self) -> FrameWarningLine | None:
        """The largest yearly excess, or None when no frame is exceeded."""
        return max(self.warnings, key=lambda w: w.over, default=None)


@dataclass(frozen=True)
class IndicatorLine:
    """One indicator: latest value (``None`` = missing, never zero), its year, status and track."""

    dimension: str
    name: str
    unit: str
    value: float | None
    year: int | None
    status: str
    target: str | None
    track: str


@dataclass(frozen=True)
class RegionLine:
    """One metric of the capital-region comparison: value, rank and group size."""

    label: str
    unit: str
    value: float | None
    rank: int | None
    of: int


@dataclass(frozen=True)
class CouncilReport:
    """Everything the council report shows, in Danish section order."""

    municipality: str
    name: str
    scenario: str
    budget_year: int
    population: tuple[PopulationLine, ...]
    population_series: dict[str, list[tuple[int, float]]]
    budget: tuple[BudgetLine, ...]
    breaches: tuple[Breach, ...]
    indicators: tuple[IndicatorLine, ...]
    region: tuple[RegionLine, ...]
    sources: tuple[str, ...]
    assumptions: tuple[str, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)
    ambitions: tuple[AmbitionLine, ...] = ()
    frames: AmbitionFrames | None = None
    compared_with: str | None = None
    comparison: tuple[DiffLine, ...] = ()

    def population_series_rows(self) -> list[PopulationLine]:
        """Every projected year with and without housing (the full population table)."""
        without = dict(self.population_series["Uden boligprogram"])
        return [
            PopulationLine(y, v, without[y])
            for y, v in self.population_series["Med boligprogram"]
            if y in without
        ]

    @property
    def headline(self) -> dict[str, float]:
        """The headline figures: population in the budget year and 2040, operating balance."""
        first = next(b for b in self.budget if b.year == self.budget_year)
        last = next(p for p in self.population if p.year == 2040)
        return {
            "population_budget_year": first.population,
            "population_2040": last.with_housing,
            "operating_balance_budget_year": first.operating_balance,
        }


def _series(years: Iterable[Any], totals: Iterable[Any]) -> list[tuple[int, float]]:
    return [(int(y), float(t)) for y, t in zip(years, totals, strict=True)]


def build_report(
    result: CityResult,
    baseline: CityResult,
    *,
    name: str,
    scenario: str,
    indicators: Sequence[IndicatorLine] = (),
    region: Row | None = None,
    region_size: int = 29,
    ambitions: Sequence[AmbitionLine] = (),
    notes: Sequence[str] = (),
) -> CouncilReport:
    """The report of ``result`` (with housing) against ``baseline`` (same scenario, no housing).

    Population lines are ``projection.in_year(y).sum()``; budget lines are the budget's own
    ``BudgetYear`` figures; breaches are ``result.breaches()``; sources and assumptions are the
    projection notes and the budget's used parameters with status other than published.
    """
    proj, base = result.projection, baseline.projection
    years = [y for y in POPULATION_YEARS if y in set(int(x) for x in proj.years)]
    population = tuple(
        PopulationLine(y, float(proj.in_year(y).sum()), float(base.in_year(y).sum())) for y in years
    )
    series = {
        "Med boligprogram": _series(proj.years, proj.totals()),
        "Uden boligprogram": _series(base.years, base.totals()),
    }
    b = result.budget
    budget = tuple(
        BudgetLine(
            year=y.year, period=PERIOD_DA[b.period(y.year)], population=y.population,
            revenue=y.revenue_total, operating_expenditure=y.operating_expenditure,
            operating_balance=y.operating_balance, capital_expenditure=y.capital_expenditure,
            liquidity_average=y.liquidity_average, debt_end=y.debt_end,
        )
        for y in b.years
    )  # fmt: skip
    breaches = tuple(Breach(r.rule, r.year, r.reason) for r in result.breaches())
    region_lines: tuple[RegionLine, ...] = ()
    if region is not None:
        region_lines = tuple(
            RegionLine(label, unit, region.values[key], region.ranks[key], region_size)
            for key, label, unit, _ in METRICS
        )
    sources = sorted({p.source for p in b.parameters.values() if p.source})
    assumptions = [n for n in proj.notes if "estimate" in n or "assumption" in n]
    assumptions += sorted(
        f"{key} = {p.value} {p.unit}: {p.status} ({p.source})"
        for key, p in b.parameters.items() if str(p.status) != "published"
    )  # fmt: skip
    return CouncilReport(
        municipality=result.municipality, name=name, scenario=scenario,
        budget_year=b.budget_year, population=population, population_series=series,
        budget=budget, breaches=breaches, indicators=tuple(indicators), region=region_lines,
        sources=tuple(sources), assumptions=tuple(assumptions), notes=tuple(notes),
        ambitions=tuple(ambitions),
    )  # fmt: skip


@dataclass(frozen=True)
class DiffLine:
    """One figure in two scenarios and the difference ``b - a``."""

    label: str
    unit: str
    a: float
    b: float

    @property
    def difference(self) -> float:
        """``b - a``."""
        return self.b - self.a


def compare_reports(a: CouncilReport, b: CouncilReport) -> tuple[DiffLine, ...]:
    """Headline, population and operating balance by year of two reports side by side.

    Only years both reports hold are compared; every figure is the reports' own.
    """
    lines = [
        DiffLine("Indbyggere budgetår", "persons", a.headline["population_budget_year"],
                 b.headline["population_budget_year"]),
        DiffLine("Regelbrud", "count", float(len(a.breaches)), float(len(b.breaches))),
        DiffLine("Ambitioner valgt", "count", float(sum(x.chosen for x in a.ambitions)),
                 float(sum(x.chosen for x in b.ambitions))),
    ]  # fmt: skip
    pop_b = {p.year: p.with_housing for p in b.population}
    lines += [DiffLine(f"Indbyggere {p.year}", "persons", p.with_housing, pop_b[p.year])
              for p in a.population if p.year in pop_b]  # fmt: skip
    bud_b = {x.year: x.operating_balance for x in b.budget}
    lines += [DiffLine(f"Driftsresultat {x.year}", "DKK", x.operating_balance, bud_b[x.year])
              for x in a.budget if x.year in bud_b]  # fmt: skip
    return tuple(lines)
