"""Demand, expenditure and capacity by service area, from a population projection.

Pure: a :class:`~byibalance.population.Projection`, a :class:`~byibalance.parameters.ParameterSet`
and optional :class:`ServicesOverrides` in, a :class:`ServicesResult` out. Money in fixed prices
of the parameters' base year.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from byibalance.errors import ErrorLocation, FinanceError
from byibalance.parameters import ParameterSet
from byibalance.population.result import FloatArray, IntArray, Projection
from byibalance.services.areas import AREAS, AreaSpec
from byibalance.services.scenario import ServicesOverrides


@dataclass(frozen=True)
class UsedParameter:
    """A parameter value that went into a result, with its provenance (for explanations)."""

    name: str
    value: Any
    unit: str
    status: str
    source: str
    overridden: bool = False


@dataclass(frozen=True)
class ServicesResult:
    """Users, expenditure and capacity per service area and year.

    Arrays are indexed like ``years``. ``expenditure`` uses the scenario's overrides;
    ``reference_expenditure`` the parameters alone (what the demographic regulation of the service
    ceiling follows). ``gap = users - capacity`` (positive = missing places); ``capital_cost`` is
    the cost of building the missing places in the year they are first missing.
    """

    municipality: str
    years: IntArray
    base_year: int
    areas: tuple[AreaSpec, ...]
    users: dict[str, FloatArray]
    expenditure: dict[str, FloatArray]
    reference_expenditure: dict[str, FloatArray]
    capacity: dict[str, float | None]
    gap: dict[str, FloatArray]
    first_gap_year: dict[str, int | None]
    missing_units: dict[str, FloatArray]
    new_places: dict[str, FloatArray]
    capital_cost: FloatArray
    persons: dict[str, FloatArray]
    parameters: dict[str, list[UsedParameter]] = field(default_factory=dict)

    def index(self, year: int) -> int:
        """Position of ``year`` in ``years``; a clear error outside the horizon."""
        pos = int(np.searchsorted(self.years, year))
        if pos >= len(self.years) or self.years[pos] != year:
            raise FinanceError(
                f"year {year} is outside the services horizon "
                f"{self.years[0]}-{self.years[-1]}",
                "choose a year inside the projection",
                ErrorLocation(year=year),
            )
        return pos

    def service_expenditure(self, reference: bool = False) -> FloatArray:
        """Sum over areas that count as service spending (serviceudgifter)."""
        source = self.reference_expenditure if reference else self.expenditure
        total = np.zeros(len(self.years))
        for area in self.areas:
            if area.service:
                total = total + source[area.name]
        return total

    def total_expenditure(self) -> FloatArray:
        """Operating expenditure of all areas."""
        return np.sum([self.expenditure[a.name] for a in self.areas], axis=0)


def _has(params: ParameterSet, name: str) -> bool:
    """Whether ``params`` holds ``name`` (``ParameterSet[name]`` raises ParameterError)."""
    return any(name == known for known in params)


def _used(params: ParameterSet, name: str, year: int, override: Any = None) -> UsedParameter:
    dated = params.at(name, year)
    if override is not None:
        return UsedParameter(name, override, params[name].unit, "assumption",
                             "scenario override", overridden=True)
    return UsedParameter(name, dated.value, params[name].unit, dated.status.value, dated.source)


def _number(used: UsedParameter, params: ParameterSet) -> float:
    value = used.value
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        raise FinanceError(
            f"'{used.name}' is {value!r}; a number is needed",
            "give a plain number in the parameter file",
            ErrorLocation(file=params.origin(used.name) if _has(params, used.name) else None,
                          field=used.name),
        )
    if value < 0:
        raise FinanceError(
            f"'{used.name}' is {value}; it cannot be negative",
            "correct the parameter or the scenario override",
            ErrorLocation(field=used.name),
        )
    return float(value)


def _per_user_cost(
    area: AreaSpec, params: ParameterSet, year: int, ov: ServicesOverrides,
    used: list[UsedParameter],
) -> tuple[float, float]:
    """(users per person of the age group, cost per user) for one area."""
    name = area.name
    if area.model == "unit":
        u = _used(params, f"{name}.unit_amount", year, ov.unit_costs.get(name))
        used.append(u)
        return 1.0, _number(u, params)
    if area.model == "coverage":
        c = _used(params, f"{name}.coverage", year, ov.coverage.get(name))
        u = _used(params, f"{name}.unit_cost", year, ov.unit_costs.get(name))
        used += [c, u]
        return _number(c, params), _number(u, params)
    levels = _used(params, f"{name}.intensity", year)
    used.append(levels)
    if not isinstance(levels.value, dict) or not levels.value:
        raise FinanceError(
            f"'{name}.intensity' must map care levels to {{share, unit_cost}}",
            "see docs/parameters.md",
            ErrorLocation(field=f"{name}.intensity"),
        )
    share = sum(float(v["share"]) for v in levels.value.values())
    cost = sum(float(v["share"]) * float(v["unit_cost"]) for v in levels.value.values())
    per_user = cost / share if share > 0 else 0.0
    if name in ov.unit_costs:
        per_user = ov.unit_costs[name]
    if name in ov.coverage:
        share = ov.coverage[name]
    return share, per_user


def compute(
    projection: Projection, params: ParameterSet, overrides: ServicesOverrides | None = None
) -> ServicesResult:
    """Users, expenditure and capacity gaps per service area and year.

    For each area with age group ``g``, coverage ``cov``, cost per user ``k``, healthy ageing
    ``h`` and regulation share ``marg`` (1 = full regulation)::

        users[t] = N[g,t] * cov
        cost[t]  = users[base]*k + (users[t] - users[base]) * k * (1 - h) * marg
        gap[t]   = users[t] - capacity;  classes missing = ceil(gap / class_size)
        capital[t] = (places first missing in t) * capital_cost_per_place
    """
    ov = overrides or ServicesOverrides()
    base_year = int(params.value("services.base_year", int(projection.years[0])))
    years = projection.years
    pos = int(np.searchsorted(years, base_year))
    if pos >= len(years) or years[pos] != base_year:
        raise FinanceError(
            f"the services base year {base_year} is not in the projection "
            f"{years[0]}-{years[-1]}",
            "start the projection at or before the base year",
            ErrorLocation(field="services.base_year", year=base_year),
        )
    users: dict[str, FloatArray] = {}
    spend: dict[str, FloatArray] = {}
    ref: dict[str, FloatArray] = {}
    capacity: dict[str, float | None] = {}
    gap: dict[str, FloatArray] = {}
    first_gap: dict[str, int | None] = {}
    missing: dict[str, FloatArray] = {}
    new_places: dict[str, FloatArray] = {}
    persons: dict[str, FloatArray] = {}
    used_all: dict[str, list[UsedParameter]] = {}
    capital = np.zeros(len(years))
    none = ServicesOverrides()
    for area in AREAS:
        lo, hi = area.ages
        group = projection.age_group(lo, hi)
        persons[area.name] = group
        used: list[UsedParameter] = []
        cov, k = _per_user_cost(area, params, base_year, ov, used)
        ref_cov, ref_k = _per_user_cost(area, params, base_year, none, [])
        h_used = _used(params, f"{area.name}.healthy_ageing", base_year,
                       ov.healthy_ageing.get(area.name))
        used.append(h_used)
        h = _number(h_used, params)
        marg = 1.0
        if ov.regulation == "marginal":
            if area.name not in ov.marginal_share:
                raise FinanceError(
                    f"marginal regulation needs a marginal share for '{area.name}'",
                    "add it under services.marginal_share (no national default exists)",
                    ErrorLocation(field=f"services.marginal_share.{area.name}"),
                )
            marg = ov.marginal_share[area.name]
        n_users = group * cov
        users[area.name] = n_users
        change = n_users - n_users[pos]
        spend[area.name] = n_users[pos] * k + change * k * (1.0 - h) * marg
        ref_users = group * ref_cov
        h_ref = _number(_used(params, f"{area.name}.healthy_ageing", base_year), params)
        ref[area.name] = ref_users[pos] * ref_k + (ref_users - ref_users[pos]) * ref_k * (1 - h_ref)
        capacity[area.name] = None
        gap[area.name] = np.full(len(years), np.nan)
        first_gap[area.name] = None
        missing[area.name] = np.zeros(len(years))
        new_places[area.name] = np.zeros(len(years))
        places_name = f"{area.name}.places"
        has_places = _has(params, places_name)
        if area.capacity_unit is not None and (has_places or area.name in ov.capacity):
            p_used = _used(params, places_name, base_year, ov.capacity.get(area.name)) \
                if has_places else UsedParameter(
                    places_name, ov.capacity[area.name], "places", "assumption",
                    "scenario override", overridden=True)
            cost_used = _used(params, f"{area.name}.capital_cost_per_place", base_year)
            used += [p_used, cost_used]
            places = _number(p_used, params)
            capacity[area.name] = places
            g = n_users - places
            gap[area.name] = g
            over = np.flatnonzero(g > 0)
            first_gap[area.name] = int(years[over[0]]) if len(over) else None
            shortfall = np.maximum(g, 0.0)
            if area.capacity_unit == "classes":
                size_used = _used(params, f"{area.name}.class_size", base_year)
                used.append(size_used)
                size = _number(size_used, params)
                missing[area.name] = np.ceil(shortfall / size)
            else:
                missing[area.name] = np.ceil(shortfall)
            # build from the year after the base year: a shortfall already there is built then
            built = np.zeros(len(years))
            if pos + 1 < len(years):
                peak = np.maximum.accumulate(shortfall[pos + 1 :])
                built[pos + 1 :] = np.diff(peak, prepend=0.0)
            new_places[area.name] = built
            capital = capital + built * _number(cost_used, params)
        used_all[area.name] = used
    return ServicesResult(
        municipality=projection.municipality, years=years, base_year=base_year, areas=AREAS,
        users=users, expenditure=spend, reference_expenditure=ref, capacity=capacity, gap=gap,
        first_gap_year=first_gap, missing_units=missing, new_places=new_places,
        capital_cost=capital, persons=persons, parameters=used_all,
    )
