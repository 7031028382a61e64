"""The climate account by GPC sector, in two views, absolute and per inhabitant, with the path
towards the climate plan's targets and each ambition's effect as a wedge.

Conventions (shared/docs/DOMAIN.md §6):

- GPC sectors I stationary energy, II transport, III waste, IV IPPU, V AFOLU.
- ``territory`` counts everything inside the border, motorway through-traffic included;
  ``influence`` is what the municipality can influence, without through-traffic. A view's total
  is its stated total, else ``territory total - through_traffic`` (derived), else the sum of five
  sector totals (derived), else missing (``NE``).
- A sector's figure is the entry whose subsector is ``total``; reported parts (district heat,
  electricity, ...) are listed under it but never summed into a sector total, because the parts
  named in the sources do not cover the sector.
- Per inhabitant = tonnes(t) / population(t), the population observed, else projected; so a
  scenario with more residents lowers the per-inhabitant path for the same tonnes.
- The path to a dated target is a straight line from the latest known total to each target in
  turn (an assumption, labelled in the output).
- The baseline is the latest known total held constant over the path's years (a "frozen"
  assumption, labelled); the per-inhabitant baseline still falls as the population grows.
- An ambition's wedge = its yearly reduction (tonnes CO2e per year) from its completion year;
  scenario = baseline - sum of wedges, never below zero (a cut at zero is reported); the gap
  to the target path is ``scenario - path``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import pairwise
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from byibalance.messages import N_, Note
from byibalance.sustainability.series import Cell, ProjectionLike, Series, population_series
from byibalance.sustainability.values import Notation, ValueStatus


class Sector(StrEnum):
    """GPC sectors (BASIC: I, II, III; BASIC+ adds IV and V)."""

    I = "I"  # noqa: E741 - the GPC's own numbering
    II = "II"
    III = "III"
    IV = "IV"
    V = "V"

    @property
    def label(self) -> str:
        """English name of the sector."""
        return SECTOR_NAMES[self][1]

    @property
    def label_da(self) -> str:
        """Danish name of the sector."""
        return SECTOR_NAMES[self][0]


SECTOR_NAMES: dict[Sector, tuple[str, str]] = {
    Sector.I: ("Stationær energi", "Stationary energy"),
    Sector.II: ("Transport", "Transport"),
    Sector.III: ("Affald", "Waste"),
    Sector.IV: ("Industriprocesser og produkter (IPPU)", "Industrial processes and product use"),
    Sector.V: ("Landbrug, skov og arealanvendelse (AFOLU)", "Agriculture, forestry, land use"),
}


class View(StrEnum):
    """Which emissions count (DOMAIN §6 rule 4)."""

    territory = "territory"
    influence = "influence"


class InventoryEntry(BaseModel):
    """One figure of the inventory: a sector total or a reported part, for one year and view."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sector: Sector
    subsector: str = Field(min_length=1)
    year: int = Field(ge=1990, le=2100)
    view: View | None = None  # None: the same figure in both views
    tonnes: float | None = Field(ge=0)
    status: ValueStatus
    vintage: dt.date
    source: str = Field(min_length=1)
    notation: Notation | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _missing_is_marked(self) -> InventoryEntry:
        if self.tonnes is None and self.notation is None:
            raise ValueError("a missing figure needs a notation key: NE or NO")
        return self

    def counts_in(self, view: View) -> bool:
        """True where the entry belongs to ``view``."""
        return self.view is None or self.view is view


class TotalEntry(BaseModel):
    """A stated total of one view for one year."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    year: int = Field(ge=1990, le=2100)
    view: View
    tonnes: float = Field(ge=0)
    status: ValueStatus
    vintage: dt.date
    source: str = Field(min_length=1)
    note: str | None = None


class ClimateTarget(BaseModel):
    """A climate-plan target for the total (``sector`` empty) or a sector."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    text: str = Field(min_length=1)
    sector: Sector | None = None
    subsector: str = "total"
    view: View = View.territory
    year: int | None = Field(default=None, ge=1990, le=2100)
    tonnes: float | None = Field(default=None, ge=0)
    change: float | None = Field(default=None, ge=-1.0, le=1.0)
    base_year: int | None = None
    source: str = Field(min_length=1)

    @model_validator(mode="after")
    def _level_or_change(self) -> ClimateTarget:
        if (self.tonnes is None) == (self.change is None):
            raise ValueError("give either 'tonnes' (a level) or 'change' (a share vs base_year)")
        if self.change is not None and self.base_year is None:
            raise ValueError("a 'change' target needs a base_year")
        if self.year is not None and self.base_year is not None and self.year <= self.base_year:
            raise ValueError(f"target year {self.year} is not after its base year {self.base_year}")
        return self


class EmissionFactor(BaseModel):
    """A dated emission factor with its gas basis and allocation method (DOMAIN §6 rule 5)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    carrier: str = Field(min_length=1)
    year: int = Field(ge=1990, le=2100)
    value: float = Field(gt=0)
    unit: str = Field(pattern=r"^(g_CO2e_per_kWh|kg_CO2e_per_MWh|g_CO2_per_kWh|kg_CO2_per_MWh)$")
    gas_basis: str = Field(pattern=r"^(CO2|CO2e|not_stated)$")
    allocation_method: str | None = Field(default=None, pattern=r"^(125%|200%)$")
    status: ValueStatus
    source: str = Field(min_length=1)


class ClimateInventory(BaseModel):
    """Everything the climate account of one municipality is computed from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    municipality: str
    entries: tuple[InventoryEntry, ...] = ()
    totals: tuple[TotalEntry, ...] = ()
    targets: tuple[ClimateTarget, ...] = ()
    emission_factors: tuple[EmissionFactor, ...] = ()
    organisation: tuple[str, ...] = ()
    """Notes on the municipal organisation's own account (kept separate, DOMAIN §6 rule 4)."""


@dataclass(frozen=True)
class SectorRow:
    """One sector in one year and view: the sector total (or missing) and its reported parts."""

    sector: Sector
    total: InventoryEntry | None
    parts: tuple[InventoryEntry, ...]

    @property
    def tonnes(self) -> float | None:
        """The sector total, ``None`` where not stated."""
        return None if self.total is None else self.total.tonnes

    @property
    def notation(self) -> str | None:
        """``NE``/``NO`` where the total is missing or not occurring."""
        if self.total is None:
            return Notation.NE.value
        return self.total.notation.value if self.total.notation else None


@dataclass(frozen=True)
class YearAccount:
    """One inventory year in one view: sectors, total, and per inhabitant."""

    year: int
    sectors: tuple[SectorRow, ...]
    total: Cell
    population: Cell | None

    @property
    def coverage(self) -> str:
        """``BASIC+`` where all five sector totals are known, ``BASIC`` where I, II and III
        are, else ``incomplete`` (GPC reporting levels, DOMAIN §6)."""
        known = {row.sector for row in self.sectors if row.total is not None}
        if known >= set(Sector):
            return "BASIC+"
        return "BASIC" if known >= {Sector.I, Sector.II, Sector.III} else "incomplete"

    @property
    def per_capita(self) -> float | None:
        """Total tonnes / population of the year (``None`` where either is missing)."""
        if self.total.value is None or self.population is None or not self.population.value:
            return None
        return self.total.value / self.population.value


@dataclass(frozen=True)
class PathPoint:
    """One year of the path towards the targets: tonnes and tonnes per inhabitant."""

    year: int
    tonnes: float
    population: float | None
    per_capita: float | None


@dataclass(frozen=True)
class TargetRow:
    """A target with its level in tonnes (``None`` where the base-year figure is missing)."""

    target: ClimateTarget
    level: float | None
    latest: Cell | None


@dataclass(frozen=True)
class ClimateAccount:
    """The climate account of one municipality, scenario and view."""

    municipality: str
    view: View
    years: tuple[YearAccount, ...]
    path: tuple[PathPoint, ...]
    baseline: tuple[PathPoint, ...]
    targets: tuple[TargetRow, ...]
    emission_factors: tuple[EmissionFactor, ...]
    organisation: tuple[str, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)

    def year(self, year: int) -> YearAccount:
        """The inventory of one year (``KeyError`` if none)."""
        for item in self.years:
            if item.year == year:
                return item
        raise KeyError(year)

    def path_at(self, year: int) -> PathPoint:
        """The path in one year (``KeyError`` if outside it)."""
        for point in self.path:
            if point.year == year:
                return point
        raise KeyError(year)


def _sector_rows(inventory: ClimateInventory, year: int, view: View) -> tuple[SectorRow, ...]:
    rows = []
    for sector in Sector:
        entries = [
            e
            for e in inventory.entries
            if e.sector is sector and e.year == year and e.counts_in(view)
        ]
        total = next((e for e in entries if e.subsector == "total"), None)
        parts = tuple(e for e in entries if e.subsector != "total")
        rows.append(SectorRow(sector, total, parts))
    return tuple(rows)


def view_total(inventory: ClimateInventory, year: int, view: View) -> Cell:
    """A view's total in one year (rule: module docstring); missing is ``NE``, never 0."""
    stated = next((t for t in inventory.totals if t.year == year and t.view is view), None)
    if stated is not None:
        return Cell(year, stated.tonnes, stated.status, stated.source)
    if view is View.influence:
        territory = view_total(inventory, year, View.territory)
        through = next(
            (
                e
                for e in inventory.entries
                if e.year == year and e.subsector == "through_traffic" and e.tonnes is not None
            ),
            None,
        )
        if territory.value is not None and through is not None and through.tonnes is not None:
            return Cell(
                year,
                territory.value - through.tonnes,
                ValueStatus.derived,
                f"{territory.source}; {through.source}",
                None,
                "territory total - motorway through-traffic",
            )
    sectors = _sector_rows(inventory, year, view)
    if all(row.total is not None for row in sectors):
        tonnes = sum(row.total.tonnes or 0.0 for row in sectors if row.total is not None)
        return Cell(
            year,
            tonnes,
            ValueStatus.derived,
            "sum of the sector totals",
            None,
            "I + II + III + IV + V (NO counts as 0)",
        )
    return Cell(year, None, ValueStatus.not_available, "no total stated for this view", Notation.NE)


def _linear_path(points: list[tuple[int, float]]) -> dict[int, float]:
    path: dict[int, float] = {}
    for (y0, v0), (y1, v1) in pairwise(points):
        for year in range(y0, y1 + 1):
            path[year] = v0 + (v1 - v0) * (year - y0) / (y1 - y0)
    if len(points) == 1:
        path[points[0][0]] = points[0][1]
    return path


def _figure(target: ClimateTarget, inventory: ClimateInventory, year: int) -> Cell | None:
    if target.sector is None:
        total = view_total(inventory, year, target.view)
        return None if total.value is None else total
    for e in inventory.entries:
        if (e.sector is target.sector and e.subsector == target.subsector and e.year == year
                and e.counts_in(target.view) and e.tonnes is not None):  # fmt: skip
            return Cell(year, e.tonnes, e.status, e.source)
    return None


def target_level(
    target: ClimateTarget, inventory: ClimateInventory
) -> tuple[float | None, Cell | None]:
    """The target in tonnes, ``tonnes`` or ``base * (1 + change)``, and the latest figure."""
    years = sorted({e.year for e in inventory.entries} | {t.year for t in inventory.totals})
    latest = None
    for year in reversed(years):
        latest = _figure(target, inventory, year)
        if latest is not None:
            break
    if target.tonnes is not None:
        return target.tonnes, latest
    assert target.base_year is not None and target.change is not None  # validated
    base = _figure(target, inventory, target.base_year)
    return (
        None if base is None or base.value is None else base.value * (1.0 + target.change)
    ), latest


def climate_account(
    inventory: ClimateInventory,
    view: View = View.territory,
    projection: ProjectionLike | None = None,
    observed_population: Mapping[int, Cell] | None = None,
) -> ClimateAccount:
    """The climate account: sector table per inventory year, totals absolute and per
    inhabitant, and the straight-line path from the latest total to the dated total targets,
    per inhabitant with the population observed, else projected (so the scenario moves it)."""
    population = population_series(observed_population, projection)
    years = sorted({e.year for e in inventory.entries} | {t.year for t in inventory.totals})
    accounts = tuple(
        YearAccount(
            y, _sector_rows(inventory, y, view), view_total(inventory, y, view), population.get(y)
        )
        for y in years
    )
    notes: list[str] = []
    known = [a for a in accounts if a.total.value is not None]
    path: tuple[PathPoint, ...] = ()
    baseline: tuple[PathPoint, ...] = ()
    dated = sorted(
        (
            t
            for t in inventory.targets
            if t.sector is None and t.year is not None and t.view is view
        ),
        key=lambda t: t.year or 0,
    )
    if not known:
        notes.append(f"no {view.value} total is known for any year: no path can be drawn")
    elif not dated:
        notes.append("no dated target for the total: no path can be drawn")
    else:
        start = known[-1]
        points: list[tuple[int, float]] = [(start.year, float(start.total.value or 0.0))]
        for target in dated:
            level, _ = target_level(target, inventory)
            if level is not None and target.year is not None and target.year > points[-1][0]:
                points.append((target.year, level))
        path = tuple(_point(y, t, population) for y, t in sorted(_linear_path(points).items()))
        baseline = tuple(_point(p.year, points[0][1], population) for p in path)
        notes.append(
            Note(N_("path: straight line from {year} to each target (assumption)"), year=start.year)
        )
        notes.append(
            Note(
                N_(
                    "baseline: the {year} total held constant (frozen, assumption); per "
                    "inhabitant it still falls as the population grows"
                ),
                year=start.year,
            )
        )
    targets = tuple(
        TargetRow(t, *target_level(t, inventory)) for t in inventory.targets if t.view is view
    )
    return ClimateAccount(
        inventory.municipality,
        view,
        accounts,
        path,
        baseline,
        targets,
        inventory.emission_factors,
        inventory.organisation,
        tuple(notes),
    )


def _point(year: int, tonnes: float, population: Series) -> PathPoint:
    pop = population.get(year)
    value = None if pop is None else pop.value
    return PathPoint(year, tonnes, value, None if not value else tonnes / value)


@dataclass(frozen=True)
class AmbitionEffect:
    """An ambition's climate effect as the account needs it (from ``byibalance.portfolio``).

    ``reduction`` tonnes CO2e per year from ``start_year + duration`` (completion) on;
    ``capital_mio_dkk`` its total capital cost, for DKK per tonne.
    """

    id: str
    name: str
    start_year: int
    duration: int
    reduction: float
    capital_mio_dkk: float | None = None
    status: str = "assumption"


@dataclass(frozen=True)
class Wedges:
    """Baseline path, each ambition's wedge and the scenario path, year by year."""

    years: tuple[int, ...]
    baseline: tuple[float, ...]
    wedges: dict[str, tuple[float, ...]]
    scenario: tuple[float, ...]
    dkk_per_tonne: dict[str, float | None]
    notes: tuple[str, ...]


def ambition_wedges(baseline: Sequence[PathPoint], ambitions: Sequence[AmbitionEffect]) -> Wedges:
    """Each ambition's effect as a wedge against the baseline path.

    ``wedge_a(t) = reduction_a`` for ``t >= start_a + duration_a``, else 0;
    ``scenario(t) = max(baseline(t) - sum_a wedge_a(t), 0)``; ``DKK per tonne = capital * 1e6 /
    sum_t wedge_a(t)`` over the baseline's years (``None`` where no tonne is saved within it).
    """
    years = tuple(p.year for p in baseline)
    base = tuple(p.tonnes for p in baseline)
    wedges: dict[str, tuple[float, ...]] = {}
    per_tonne: dict[str, float | None] = {}
    for ambition in ambitions:
        done = ambition.start_year + ambition.duration
        wedge = tuple(ambition.reduction if y >= done else 0.0 for y in years)
        wedges[ambition.id] = wedge
        saved = sum(wedge)
        per_tonne[ambition.id] = (
            None
            if ambition.capital_mio_dkk is None or saved <= 0
            else ambition.capital_mio_dkk * 1e6 / saved
        )
    notes: list[str] = []
    scenario = []
    for i, (year, level) in enumerate(zip(years, base, strict=True)):
        value = level - sum(w[i] for w in wedges.values())
        if value < 0:
            notes.append(f"{year}: the wedges exceed the baseline; the scenario is cut at 0")
            value = 0.0
        scenario.append(value)
    return Wedges(years, base, wedges, tuple(scenario), per_tonne, tuple(notes))


def ambition_effects(
    ambitions: Iterable[Any], starts: Mapping[str, int] | None = None
) -> list[AmbitionEffect]:
    """Ambitions (``byibalance.portfolio.Ambition``-like) as :class:`AmbitionEffect`.

    Reads ``id, name, duration, climate`` (tonnes CO2e per year), ``capital_per_year`` (mio DKK)
    and ``status``; the start year is ``starts[id]`` (the optimiser's plan), else
    ``earliest_start``. Ambitions without a climate effect are left out.
    """
    out = []
    for a in ambitions:
        if not a.climate:
            continue
        start = (starts or {}).get(a.id, a.earliest_start)
        out.append(
            AmbitionEffect(
                a.id, a.name, int(start), int(a.duration), float(a.climate),
                float(a.capital_per_year) * int(a.duration), str(getattr(a, "status", "")),
            )
        )  # fmt: skip
    return out
