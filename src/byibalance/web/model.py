"""The one adapter between the web app and the model: every call into the core is here.

Pages and the API never compute a domain number; they ask this module for a :class:`CityView`
(the baseline or a scenario) and render it. When the coordinator's ``byibalance.runner.run`` lands,
:func:`run_city` is the one function to switch over.

A part of the model that has not landed (or cannot run on the given inputs) is reported in
``CityView.missing`` with its reason and shown as *not available* on the page, never as zero.

The scenario schema used by the workbench is :class:`ScenarioDraft`. Until the shared
``byibalance.scenario.Scenario`` model lands, it is the web app's interim schema of the overrides
the workbench edits (``extra="forbid"``: an unknown key is an error, not silently ignored).
"""

from __future__ import annotations

import datetime as dt
import importlib
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from byibalance.errors import ByibalanceError, ErrorLocation, ScenarioError
from byibalance.provenance import Status

HORIZON_YEARS = 10


# --------------------------------------------------------------------------------------------
# The scenario draft: what the workbench form edits and the YAML file holds.
# --------------------------------------------------------------------------------------------


class HousingOverride(BaseModel):
    """Net new dwellings of one housing project in one year (negative: dwellings removed)."""

    model_config = ConfigDict(extra="forbid")

    project: str = Field(min_length=1, max_length=200)
    year: int = Field(ge=2000, le=2100)
    dwellings: int = Field(ge=-100_000, le=100_000)


class ScenarioDraft(BaseModel):
    """A scenario as a set of overrides on the baseline; a field left out keeps the baseline.

    ``income_tax_rate`` is the municipal income tax in percent (e.g. 25.6);
    ``fertility_factor`` multiplies the baseline age-specific fertility rates;
    ``unit_costs`` maps a service area to its unit cost in DKK per user per year;
    ``ambitions_in`` / ``ambitions_out`` pin ambitions into or out of the portfolio.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=5000)
    municipality: str = Field(default="0165", pattern=r"^\d{3,4}$")
    income_tax_rate: float | None = Field(default=None, ge=15.0, le=35.0)
    fertility_factor: float | None = Field(default=None, gt=0.0, le=3.0)
    housing: list[HousingOverride] = Field(default_factory=list, max_length=200)
    unit_costs: dict[str, float] = Field(default_factory=dict)
    ambitions_in: list[str] = Field(default_factory=list)
    ambitions_out: list[str] = Field(default_factory=list)

    @field_validator("unit_costs")
    @classmethod
    def _positive_costs(cls, costs: dict[str, float]) -> dict[str, float]:
        for area, cost in costs.items():
            if not area.strip():
                raise ValueError("a service area needs a name")
            if cost < 0:
                raise ValueError(f"the unit cost of '{area}' is negative ({cost}); use 0 or more")
        return costs

    @field_validator("ambitions_out")
    @classmethod
    def _not_both(cls, out: list[str], info: Any) -> list[str]:
        both = set(out) & set(info.data.get("ambitions_in", []))
        if both:
            raise ValueError(
                f"pinned both in and out: {', '.join(sorted(both))}; choose one for each"
            )
        return out

    def overrides(self) -> dict[str, Any]:
        """Only the fields that differ from the baseline, for display and comparison."""
        data = self.model_dump(exclude={"name", "description", "municipality"})
        return {k: v for k, v in data.items() if v not in (None, [], {})}


@dataclass(frozen=True)
class FieldError:
    """One validation problem, with the form field (dotted path) it belongs beside."""

    field: str
    message: str


def validation_errors(err: ValidationError) -> list[FieldError]:
    """pydantic errors as (field path, message) pairs for the form."""
    out = []
    for item in err.errors():
        path = ".".join(str(p) for p in item["loc"]) or "file"
        message = str(item["msg"]).removeprefix("Value error, ")
        out.append(FieldError(path, message))
    return out


def parse_draft(data: Mapping[str, Any]) -> ScenarioDraft:
    """Validate a mapping into a draft; a :class:`ScenarioError` names the first bad field."""
    try:
        return ScenarioDraft.model_validate(dict(data))
    except ValidationError as err:
        first = validation_errors(err)[0]
        raise ScenarioError(
            first.message,
            fix="correct the field and save again",
            where=ErrorLocation(field=first.field),
        ) from err


def draft_from_yaml(text: str, filename: str = "scenario.yaml") -> ScenarioDraft:
    """Parse and validate a scenario YAML file (raises ScenarioError with line or field)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise ScenarioError(
            f"the file is not valid YAML ({getattr(err, 'problem', None) or err})",
            fix="check the indentation and the colons on that line",
            where=ErrorLocation(file=filename, line=(mark.line + 1) if mark else None),
        ) from err
    if not isinstance(data, dict):
        raise ScenarioError(
            "the file does not hold a scenario (a mapping with at least 'name')",
            fix="start from a scenario downloaded from the workbench",
            where=ErrorLocation(file=filename),
        )
    try:
        return ScenarioDraft.model_validate(data)
    except ValidationError as err:
        first = validation_errors(err)[0]
        raise ScenarioError(
            first.message,
            fix="correct the field in the file and upload it again",
            where=ErrorLocation(file=filename, field=first.field),
        ) from err


def draft_to_yaml(draft: ScenarioDraft) -> str:
    """The YAML text of a draft, with only the overrides that are set."""
    data: dict[str, Any] = {"name": draft.name}
    if draft.description:
        data["description"] = draft.description
    data["municipality"] = draft.municipality
    data.update(draft.overrides())
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


# --------------------------------------------------------------------------------------------
# The view of a city under a scenario: what the pages render.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """A labelled series of values by year, with its status and source (shown on hover)."""

    key: str
    years: tuple[int, ...]
    values: tuple[float | None, ...]
    unit: str
    status: Status
    source: str

    def at(self, year: int) -> float | None:
        """The value in ``year``, or None when the series does not cover it."""
        try:
            return self.values[self.years.index(year)]
        except ValueError:
            return None


@dataclass(frozen=True)
class Pyramid:
    """Persons by single age for men and women in one year."""

    year: int
    ages: tuple[int, ...]
    men: tuple[float, ...]
    women: tuple[float, ...]


@dataclass(frozen=True)
class RuleRow:
    """One budget rule check in one year, with the reason it passed or failed."""

    rule: str
    year: int
    ok: bool
    reason: str


@dataclass(frozen=True)
class CityView:
    """Everything the pages show for one municipality under one scenario.

    ``series`` maps a key (``population``, ``population_without_housing``, ``births``,
    ``deaths``, ``net_migration``, ``budget_balance``, ``liquidity``, ...) to its series.
    ``missing`` maps a section (``population``, ``budget``, ``ambitions``, ``sustainability``)
    to the reason it is not shown.
    """

    municipality: str
    scenario: str
    start_year: int | None
    series: dict[str, Series] = field(default_factory=dict)
    pyramids: dict[int, Pyramid] = field(default_factory=dict)
    rules: tuple[RuleRow, ...] = ()
    notes: tuple[str, ...] = ()
    missing: dict[str, str] = field(default_factory=dict)

    def has(self, key: str) -> bool:
        """True when the series ``key`` is available."""
        return key in self.series


def _optional_module(name: str) -> Any | None:
    """The module if it has landed, else None (only a missing module counts as not landed)."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as err:
        if err.name and (name == err.name or name.startswith(err.name + ".")):
            return None
        raise


def _population_section(draft: ScenarioDraft | None, municipality: str) -> dict[str, Any]:
    population = _optional_module("byibalance.population")
    project = getattr(population, "project", None) if population else None
    if project is None:
        return {"missing": "the population projection (byibalance.population.project) has not "
                           "landed yet"}
    scenario = _core_scenario(draft)
    with_housing = project(municipality, scenario=scenario, housing=True)
    without = project(municipality, scenario=scenario, housing=False)
    years = tuple(int(y) for y in with_housing.years)
    source = "byibalance.population (cohort-component projection)"
    comps = with_housing.components
    step_years = years[:-1]

    def total(arr: Any) -> tuple[float, ...]:
        return tuple(float(v) for v in arr.sum(axis=(1, 2)))

    series = {
        "population": Series("population", years, total(with_housing.population), "persons",
                             Status.DERIVED, source),
        "population_without_housing": Series(
            "population_without_housing", tuple(int(y) for y in without.years),
            total(without.population), "persons", Status.DERIVED, source),
        "births": Series("births", step_years, total(comps.births), "persons",
                         Status.DERIVED, source),
        "deaths": Series("deaths", step_years, total(comps.deaths), "persons",
                         Status.DERIVED, source),
        "net_migration": Series(
            "net_migration", step_years,
            tuple(a - b for a, b in zip(total(comps.in_migration), total(comps.out_migration),
                                        strict=True)),
            "persons", Status.DERIVED, source),
        "housing_migration": Series("housing_migration", step_years,
                                    total(comps.housing_migration), "persons",
                                    Status.DERIVED, source),
    }
    pyramids = {
        int(y): Pyramid(int(y), tuple(range(with_housing.population.shape[2])),
                        tuple(float(v) for v in with_housing.population[i, 0]),
                        tuple(float(v) for v in with_housing.population[i, 1]))
        for i, y in enumerate(with_housing.years)
    }
    return {"series": series, "pyramids": pyramids, "start": years[0],
            "notes": tuple(with_housing.notes)}


def _core_scenario(draft: ScenarioDraft | None) -> Any:
    """The core's scenario object for a draft (None for the baseline)."""
    if draft is None:
        return None
    module = _optional_module("byibalance.scenario")
    model = getattr(module, "Scenario", None) if module else None
    if model is None:
        return None
    try:
        return model.model_validate(draft.model_dump())
    except ValidationError as err:
        first = validation_errors(err)[0]
        raise ScenarioError(first.message, fix="correct the scenario",
                            where=ErrorLocation(field=first.field)) from err


def compute_city(draft: ScenarioDraft | None, municipality: str) -> CityView:
    """Run the model for the baseline (``draft`` None) or a scenario, section by section."""
    missing: dict[str, str] = {}
    series: dict[str, Series] = {}
    pyramids: dict[int, Pyramid] = {}
    notes: tuple[str, ...] = ()
    start: int | None = None
    pop = _population_section(draft, municipality)
    if "missing" in pop:
        missing["population"] = pop["missing"]
    else:
        series.update(pop["series"])
        pyramids = pop["pyramids"]
        start = pop["start"]
        notes = pop["notes"]
    finance = _optional_module("byibalance.finance")
    if finance is None or not hasattr(finance, "compute_budget"):
        missing["budget"] = (
            "the budget model (byibalance.finance.compute_budget) has not landed yet"
        )
    else:
        missing["budget"] = ("the budget model has landed but the web app does not call it yet; "
                             "it will show here once integrated")
    if _optional_module("byibalance.portfolio") is None:
        missing["ambitions"] = "the ambitions optimiser (byibalance.portfolio) has not landed yet"
    else:
        missing["ambitions"] = "the ambitions optimiser is not integrated in the web app yet"
    if _optional_module("byibalance.sustainability") is None:
        missing["sustainability"] = "the sustainability module has not landed yet"
    return CityView(
        municipality=municipality,
        scenario=draft.name if draft else "baseline",
        start_year=start,
        series=series,
        pyramids=pyramids,
        notes=notes,
        missing=missing,
    )


class _Cache:
    """Per-process cache of computed views keyed by (municipality, scenario YAML)."""

    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._items: dict[tuple[str, str], CityView] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str], make: Callable[[], CityView]) -> CityView:
        with self._lock:
            hit = self._items.get(key)
        if hit is not None:
            return hit
        view = make()
        with self._lock:
            if len(self._items) >= self._size:
                self._items.pop(next(iter(self._items)))
            self._items[key] = view
        return view

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_cache = _Cache()


def baseline(municipality: str) -> CityView:
    """The baseline view of ``municipality``, computed once per process."""
    return _cache.get((municipality, ""), lambda: compute_city(None, municipality))


def run_scenario(draft: ScenarioDraft) -> CityView:
    """The view of a scenario; cached by its YAML so a repeated run is immediate."""
    key = (draft.municipality.zfill(4), draft_to_yaml(draft))
    return _cache.get(key, lambda: compute_city(draft, draft.municipality.zfill(4)))


def clear_cache() -> None:
    """Forget all cached views (for benchmarks and tests)."""
    _cache.clear()


@dataclass(frozen=True)
class Difference:
    """One series compared between two views in one year."""

    key: str
    year: int
    a: float | None
    b: float | None

    @property
    def delta(self) -> float | None:
        """b - a, or None when either side is missing."""
        if self.a is None or self.b is None:
            return None
        return self.b - self.a

    @property
    def differs(self) -> bool:
        """True when the two sides differ by more than 1e-9 relative (or one is missing)."""
        if self.a is None or self.b is None:
            return self.a is not self.b
        return abs(self.b - self.a) > 1e-9 * max(1.0, abs(self.a))


def compare(a: CityView, b: CityView) -> list[Difference]:
    """Every series both views share, year by year: ``b - a`` (scenario minus reference)."""
    out = []
    for key in a.series.keys() & b.series.keys():
        sa, sb = a.series[key], b.series[key]
        for year in sorted(set(sa.years) | set(sb.years)):
            out.append(Difference(key, year, sa.at(year), sb.at(year)))
    out.sort(key=lambda d: (d.key, d.year))
    return out


def this_year() -> int:
    """The current calendar year (the 'now' of the overview)."""
    return dt.date.today().year


__all__ = [
    "ByibalanceError",
    "CityView",
    "Difference",
    "FieldError",
    "HousingOverride",
    "Pyramid",
    "RuleRow",
    "ScenarioDraft",
    "Series",
    "baseline",
    "clear_cache",
    "compare",
    "compute_city",
    "draft_from_yaml",
    "draft_to_yaml",
    "parse_draft",
    "run_scenario",
    "validation_errors",
]
