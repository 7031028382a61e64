"""The one adapter between the web app and the model: every call into the core is here.

Pages and the API never compute a domain number; they ask this module for a :class:`CityView`
(the baseline or a scenario) and render it. When the coordinator's ``byibalance.runner.run`` lands,
:func:`run_city` is the one function to switch over.

A part of the model that has not landed (or cannot run on the given inputs) is reported in
``CityView.missing`` with its reason and shown as *not available* on the page, never as zero.

Scenarios are the shared :class:`byibalance.scenario.Scenario` (``extra="forbid"``: an unknown
key is an error, not silently ignored), stored as the YAML text a user can download and upload.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import threading
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import yaml
from pydantic import ValidationError

from byibalance.data.generation import data_generation
from byibalance.errors import (
    ByibalanceError,
    ErrorLocation,
    ScenarioError,
    UnknownMunicipalityError,
)
from byibalance.messages import N_, Note
from byibalance.provenance import Status
from byibalance.scenario import Scenario, scenario_from_mapping, yaml_lines

HORIZON_YEARS = 10

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------------------------
# Scenarios: the shared schema (byibalance.scenario.Scenario), read and written as YAML.
# --------------------------------------------------------------------------------------------


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
        if item["type"] == "extra_forbidden":
            message = f"unknown key '{item['loc'][-1]}'"
        out.append(FieldError(path, message))
    return out


# The free-form sections of a scenario and the domain schema that checks each, once landed.
_SECTION_SCHEMAS = {
    "finance": ("byibalance.finance", "FinanceOverrides"),
    "services": ("byibalance.services", "ServicesOverrides"),
}


def _section_errors(data: Mapping[str, Any]) -> list[FieldError]:
    out = []
    for section, (module_name, class_name) in _SECTION_SCHEMAS.items():
        value = data.get(section)
        module = _optional_module(module_name) if value else None
        schema = getattr(module, class_name, None) if module else None
        if schema is None:
            continue
        try:
            schema.model_validate(value)
        except ValidationError as err:
            out += [FieldError(f"{section}.{e.field}", e.message) for e in validation_errors(err)]
    return out


def scenario_errors(data: Mapping[str, Any]) -> list[FieldError]:
    """Every problem of a scenario mapping (empty when it validates), sections included."""
    try:
        Scenario.model_validate(dict(data))
    except ValidationError as err:
        return validation_errors(err)
    return _section_errors(data)


def _raise_section_errors(data: Mapping[str, Any], filename: str | None) -> None:
    problems = _section_errors(data)
    if problems:
        raise ScenarioError(
            problems[0].message, fix="correct the value (see docs/finance.md for the keys)",
            where=ErrorLocation(file=filename, field=problems[0].field),
        )


def parse_scenario(data: Mapping[str, Any], filename: str | None = None) -> Scenario:
    """Validate a mapping into the shared :class:`Scenario` (ScenarioError names the field)."""
    scenario = scenario_from_mapping(dict(data), filename)
    _raise_section_errors(dict(data), filename)
    return scenario


def scenario_from_yaml(text: str, filename: str = "scenario.yaml") -> Scenario:
    """Parse and validate a scenario YAML text (ScenarioError with the line or field)."""
    try:
        data = yaml.safe_load(text)
        node = yaml.compose(text, Loader=yaml.SafeLoader)  # for the line of a field's error
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise ScenarioError(
            Note(N_("the file is not valid YAML ({problem})"),
                 problem=str(getattr(err, "problem", None) or err)),
            fix=Note(N_("check the indentation and the colons on that line")),
            where=ErrorLocation(file=filename, line=(mark.line + 1) if mark else None),
        ) from err
    if not isinstance(data, dict) or not data.get("name"):
        raise ScenarioError(
            Note(N_("the file does not hold a scenario (a mapping with at least 'name')")),
            fix=Note(N_("start from a scenario downloaded from the workbench")),
            where=ErrorLocation(file=filename, field="name"),
        )
    scenario = scenario_from_mapping(data, filename, node=node)
    _raise_section_errors(data, filename)
    line = yaml_lines(node)(["municipality"]) if node is not None else None
    return known_municipality(scenario, ErrorLocation(file=filename, line=line))


def known_municipality(scenario: Scenario, where: ErrorLocation) -> Scenario:
    """``scenario`` if its municipality is one of the 98; else a ScenarioError at ``where``
    (its field set to ``municipality``) naming the code, before anything is stored."""
    from byibalance import data

    try:
        data.municipality(scenario.municipality)
    except UnknownMunicipalityError:
        raise ScenarioError(
            Note(N_("municipality {code!r} is not one of the 98 Danish municipalities"),
                 code=scenario.municipality),
            fix=Note(N_("Use the code of a Danish municipality, e.g. 165 for Albertslund")),
            where=ErrorLocation(file=where.file, line=where.line, field="municipality"),
        ) from None
    return scenario


def scenario_mapping(scenario: Scenario) -> dict[str, Any]:
    """The scenario as plain data, only what differs from the defaults (name always kept)."""
    data: dict[str, Any] = scenario.model_dump(mode="json", exclude_defaults=True)
    return {"name": scenario.name, **{k: v for k, v in data.items() if k != "name"}}


def scenario_to_yaml(scenario: Scenario) -> str:
    """The YAML text of a scenario, with only its overrides."""
    return yaml.safe_dump(scenario_mapping(scenario), sort_keys=False, allow_unicode=True)


def overrides_of(scenario: Scenario) -> dict[str, Any]:
    """The overrides only (no name, description, municipality), for display."""
    data = scenario_mapping(scenario)
    for key in ("name", "description", "municipality"):
        data.pop(key, None)
    return data


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
    status: str = ""
    message: str = ""  # the reason as a template (byibalance.messages); "" if only reason is known
    args: tuple[tuple[str, Any], ...] = ()  # its arguments, numbers kept as numbers


@dataclass(frozen=True)
class HousingRow:
    """Dwellings of one housing project completed in one year, with their status and source."""

    project: str
    name: str
    type: str
    year: int
    dwellings: float
    dwellings_status: Status
    schedule_status: Status
    source: str


@dataclass(frozen=True)
class BacktestRow:
    """One forecast of the back-test (the model or a naive one) and its errors in percent."""

    label: str
    total_projected: float
    total_error_pct: float
    age_group_mape_pct: float
    oldest_ape_pct: float


@dataclass(frozen=True)
class BacktestView:
    """A forecast made from ``base_year`` compared with what happened in ``target_year``."""

    base_year: int
    target_year: int
    total_actual: float
    rows: tuple[BacktestRow, ...]


@dataclass(frozen=True)
class MarginalView:
    """What one more resident of each age brings the municipality in ``year`` (DKK a year)."""

    year: int
    ages: tuple[int, ...]
    revenue: tuple[float, ...]
    cost: tuple[float, ...]
    net: tuple[float, ...]
    average_revenue: float
    average_net: float
    source: str


@dataclass(frozen=True)
class CityView:
    """Everything the pages show for one municipality under one scenario.

    ``series`` maps a key (``population``, ``population_without_housing``, ``births``,
    ``deaths``, ``net_migration``, ``budget_balance``, ``liquidity``, ...) to its series.
    ``missing`` maps a section (``population``, ``budget``, ``ambitions``, ``sustainability``)
    to the reason it is not shown, a text whose English the API and the workbook show; a page
    shows it through ``error_text``: in its language where it is a
    :class:`~byibalance.messages.Note` the catalogue has (the budget's keeps its error among its
    arguments), else in English behind a lead-in.
    """

    municipality: str
    scenario: str
    start_year: int | None
    series: dict[str, Series] = field(default_factory=dict)
    pyramids: dict[int, Pyramid] = field(default_factory=dict)
    rules: tuple[RuleRow, ...] = ()
    housing: tuple[HousingRow, ...] = ()
    backtest: BacktestView | None = None
    marginal: MarginalView | None = None
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


def _population_section(
    scenario: Scenario | None, municipality: str, with_housing: Any = None
) -> dict[str, Any]:
    """Population series and pyramids; ``with_housing`` is the runner's projection if given."""
    population = _optional_module("byibalance.population")
    project = getattr(population, "project", None) if population else None
    if project is None:
        return {"missing": "the population projection (byibalance.population.project) has not "
                           "landed yet"}
    if with_housing is None:
        with_housing = project(municipality, scenario=scenario, housing=True)
    without = project(municipality, scenario=scenario, housing=False)
    years = tuple(int(y) for y in with_housing.years)
    # A projection rests on estimated rates: every figure is marked as an estimate, with the
    # projection's own notes (data and methods) as its source.
    source = "byibalance.population projection; " + "; ".join(with_housing.notes[:3])
    comps = with_housing.components
    step_years = years[:-1]

    def total(arr: Any) -> tuple[float, ...]:
        return tuple(float(v) for v in arr.sum(axis=(1, 2)))

    series = {
        "population": Series("population", years, total(with_housing.population), "persons",
                             Status.ESTIMATE, source),
        "population_without_housing": Series(
            "population_without_housing", tuple(int(y) for y in without.years),
            total(without.population), "persons", Status.ESTIMATE, source),
        "births": Series("births", step_years, total(comps.births), "persons",
                         Status.ESTIMATE, source),
        "deaths": Series("deaths", step_years, total(comps.deaths), "persons",
                         Status.ESTIMATE, source),
        "net_migration": Series(
            "net_migration", step_years,
            tuple(a - b for a, b in zip(total(comps.in_migration), total(comps.out_migration),
                                        strict=True)),
            "persons", Status.ESTIMATE, source),
        "housing_migration": Series("housing_migration", step_years,
                                    total(comps.housing_migration), "persons",
                                    Status.ESTIMATE, source),
    }
    pyramids = {
        int(y): Pyramid(int(y), tuple(range(with_housing.population.shape[2])),
                        tuple(float(v) for v in with_housing.population[i, 0]),
                        tuple(float(v) for v in with_housing.population[i, 1]))
        for i, y in enumerate(with_housing.years)
    }
    return {"series": series, "pyramids": pyramids, "start": years[0],
            "notes": tuple(with_housing.notes), "projection": with_housing}


def _housing_rows(scenario: Scenario | None, municipality: str) -> tuple[HousingRow, ...]:
    """The housing programme (after the scenario's changes) as one row per project and year."""
    inputs = _optional_module("byibalance.population.inputs")
    if inputs is None:
        return ()
    programme = inputs.housing_programme(municipality)
    projects = programme.projects if programme is not None else ()
    if scenario is not None:
        projects = inputs.apply_housing_overrides(projects, scenario.population.housing)
    rows = []
    for project in projects:
        for done in project.completions:
            rows.append(HousingRow(project.id, project.name or project.id, project.type,
                                   done.year, float(done.dwellings),
                                   Status(project.dwellings_status),
                                   Status(project.schedule_status), project.source))
        for gone in project.removals:
            rows.append(HousingRow(project.id, project.name or project.id, project.type,
                                   gone.year, -float(gone.dwellings),
                                   Status(project.dwellings_status),
                                   Status(project.schedule_status), project.source))
    return tuple(sorted(rows, key=lambda r: (r.year, r.project)))


BUDGET_LINES = ("operating_balance", "financing_result", "liquidity_end", "liquidity_average",
                "service_expenditure", "service_ceiling", "operating_expenditure",
                "capital_expenditure", "interest", "new_loans", "repayments")


def _budget_section(result: Any, municipality: str) -> dict[str, Any]:
    """Budget lines, revenue, expenditure, rule checks and the marginal resident, from the
    runner's :class:`byibalance.runner.CityResult` (docs/finance.md's public API)."""
    budget, checks = result.budget, result.rules
    years = tuple(int(y.year) for y in budget.years)
    source = f"byibalance.finance budget on the parameters of municipality {municipality}"
    series: dict[str, Series] = {}

    def add(key: str, values: list[float | None], unit: str = "DKK") -> None:
        series[key] = Series(key, years, tuple(values), unit, Status.ESTIMATE, source)

    for line in BUDGET_LINES:
        add(line, [_float(getattr(y, line, None)) for y in budget.years])
    add("tax_rate", [_float(getattr(y, "tax_rate", None)) for y in budget.years], "share")
    for kind in ("revenue", "expenditure"):
        names = dict.fromkeys(k for y in budget.years for k in getattr(y, kind, {}))
        for name in names:
            add(f"{kind}.{name}", [_float(getattr(y, kind, {}).get(name)) for y in budget.years])
    rules = tuple(
        RuleRow(rule=str(c.rule), year=int(c.year), ok=str(c.status) == "ok",
                reason=str(c.reason), status=str(c.status),
                message=str(getattr(c, "message", "")),
                args=tuple(getattr(c, "args", {}).items()))
        for c in checks
    )
    marginal = None
    finance = _optional_module("byibalance.finance")
    if finance is not None and hasattr(finance, "marginal_resident_value") and years:
        value = finance.marginal_resident_value(result.projection, result.services,
                                                result.params, years[0],
                                                overrides=result.finance_overrides)
        marginal = MarginalView(
            year=int(value.year), ages=tuple(range(len(value.revenue))),
            revenue=tuple(float(v) for v in value.revenue),
            cost=tuple(float(v) for v in value.cost),
            net=tuple(float(v) for v in value.net),
            average_revenue=float(value.average_revenue), average_net=float(value.average_net),
            source=f"byibalance.finance marginal_resident_value, municipality {municipality}",
        )
    return {"series": series, "rules": rules, "marginal": marginal}


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


BACKTEST_YEARS = (2015, 2020)


def _backtest(municipality: str) -> BacktestView | None:
    """The population model forecast from 2015 against what happened in 2020."""
    population = _optional_module("byibalance.population")
    run = getattr(population, "backtest", None) if population else None
    if run is None:
        return None
    result = run(municipality, *BACKTEST_YEARS)
    rows = [("model", result.model), *result.baselines.items()]
    return BacktestView(
        base_year=result.base_year, target_year=result.target_year,
        total_actual=float(result.total_actual),
        rows=tuple(BacktestRow(label, s.total_projected, s.total_error_pct,
                               s.age_group_mape_pct, s.oldest_ape_pct) for label, s in rows),
    )


#: Why the budget section is missing: its English is what the API and the workbook say; a page
#: shows the note with the error in its own language (``byibalance.web.i18n.error_text``).
BUDGET_NOT_COMPUTED = N_("the budget could not be computed: {error}")


def compute_city(scenario: Scenario | None, municipality: str) -> CityView:
    """Run the model for the baseline (``scenario`` None) or a scenario, section by section."""
    missing: dict[str, str] = {}
    series: dict[str, Series] = {}
    pyramids: dict[int, Pyramid] = {}
    notes: tuple[str, ...] = ()
    start: int | None = None
    rules: tuple[RuleRow, ...] = ()
    marginal: MarginalView | None = None
    result, budget_missing = None, None
    runner = _optional_module("byibalance.runner")
    if runner is None or not hasattr(runner, "run"):
        budget_missing = "the chain to the budget (byibalance.runner.run) has not landed yet"
    else:
        try:
            result = runner.run(scenario, municipality=municipality)
        except ScenarioError:
            raise  # the user's scenario is wrong: the page says which field
        except ByibalanceError as err:
            # The budget cannot be computed from these inputs: the page says why, loudly,
            # and the population (computed alone below) is still shown.
            log.warning("budget not available for %s: %s", municipality, err)
            # A copy without the traceback, which would keep the run's frames in the cache.
            budget_missing = Note(BUDGET_NOT_COMPUTED, error=replace(err))
    pop = _population_section(scenario, municipality,
                              result.projection if result is not None else None)
    if "missing" in pop:
        missing["population"] = pop["missing"]
    else:
        series.update(pop["series"])
        pyramids = pop["pyramids"]
        start = pop["start"]
        notes = pop["notes"]
    if result is not None:
        budget = _budget_section(result, municipality)
        series.update(budget["series"])
        rules = budget["rules"]
        marginal = budget["marginal"]
    else:
        missing["budget"] = budget_missing or "the budget is not available"
    if _optional_module("byibalance.portfolio") is None:
        missing["ambitions"] = "the ambitions optimiser (byibalance.portfolio) has not landed yet"
    housing: tuple[HousingRow, ...] = ()
    backtest = None
    if "population" not in missing:
        housing = _housing_rows(scenario, municipality)
        if scenario is None:
            backtest = _backtest(municipality)
    return CityView(
        municipality=municipality,
        scenario=scenario.name if scenario else "baseline",
        start_year=start,
        series=series,
        pyramids=pyramids,
        rules=rules,
        marginal=marginal,
        housing=housing,
        backtest=backtest,
        notes=notes,
        missing=missing,
    )


class _Cache:
    """Per-process cache of computed views keyed by (municipality, scenario YAML) and the data
    generation (:func:`byibalance.data.generation.data_generation`): after ``byibalance data
    use`` the next view is computed from the newly active snapshot; older views are dropped."""

    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._items: dict[tuple[Hashable, tuple[str, str]], CityView] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str], make: Callable[[], CityView]) -> CityView:
        generation = data_generation()
        full = (generation, key)
        with self._lock:
            hit = self._items.get(full)
        if hit is not None:
            return hit
        view = make()
        current = data_generation()
        with self._lock:
            for old in [k for k in self._items if k[0] != current]:
                del self._items[old]
            if generation == current:  # not computed across a switch of the snapshot
                if len(self._items) >= self._size:
                    self._items.pop(next(iter(self._items)))
                self._items[full] = view
        return view

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_cache = _Cache()


def baseline(municipality: str) -> CityView:
    """The baseline view of ``municipality``, computed once per process."""
    return _cache.get((municipality, ""), lambda: compute_city(None, municipality))


def run_scenario(scenario: Scenario) -> CityView:
    """The view of a scenario; cached by its YAML so a repeated run is immediate."""
    code = scenario.municipality.zfill(4)
    key = (code, scenario_to_yaml(scenario))
    return _cache.get(key, lambda: compute_city(scenario, code))


def clear_cache() -> None:
    """Forget all cached views (for benchmarks and tests)."""
    _cache.clear()


def data_in_use() -> str:
    """What every page's footer names as its data: the active snapshot's name or ``embedded``.

    A broken pin (a deleted snapshot, an unreadable ``active.yaml``) is named with its problem and
    fix instead, so the footer of the error page that reports it still renders."""
    from byibalance import data

    try:
        return data.active_snapshot_name()
    except ByibalanceError as err:
        return f"? ({err})"


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
    "Pyramid",
    "RuleRow",
    "Scenario",
    "Series",
    "baseline",
    "clear_cache",
    "compare",
    "compute_city",
    "known_municipality",
    "overrides_of",
    "parse_scenario",
    "run_scenario",
    "scenario_errors",
    "scenario_from_yaml",
    "scenario_mapping",
    "scenario_to_yaml",
    "validation_errors",
]
