"""The multi-year budget: revenue, operating and capital expenditure, loans and liquidity.

Pure: a population projection, a services result, parameters, optional scenario overrides and
budget adjustments in; a :class:`Budget` out. Money is DKK in fixed prices of the base year
unless the scenario gives a price index (then every amount of year t is multiplied by it).

Identities (tested)::

    operating_balance = revenue_total - operating_expenditure - interest
    financing_result  = operating_balance - capital_expenditure + new_loans - repayments
    liquidity_end     = liquidity_start + financing_result
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from byibalance.errors import ErrorLocation, FinanceError
from byibalance.finance.equalisation import (
    Equalisation,
    EqualisationRates,
    MunicipalFigures,
    NationalFigures,
    equalise,
    grant_19,
    tax_sanction,
)
from byibalance.finance.scenario import BudgetAdjustments, FinanceOverrides, Loan
from byibalance.messages import N_, Note
from byibalance.parameters import ParameterSet
from byibalance.population.result import FloatArray, Projection
from byibalance.services.model import ServicesResult, UsedParameter

REVENUE_LINES = (
    "income_tax", "land_tax", "tax_base_equalisation", "need_equalisation", "bloktilskud",
    "grant_19", "grant_17c", "tax_sanction", "extra_revenue",
)  # fmt: skip
AMBITIONS_LINE = "ambitions_operating"


@dataclass(frozen=True)
class BudgetYear:
    """One year of the budget (DKK). Revenue is positive; the tax sanction is a negative line."""

    year: int
    population: float
    tax_rate: float
    tax_base: float
    price_index: float
    revenue: dict[str, float]
    expenditure: dict[str, float]
    interest: float
    capital_expenditure: float
    capacity_capital: float
    new_loans: float
    repayments: float
    liquidity_start: float
    liquidity_average: float
    debt_end: float
    service_expenditure: float
    service_ceiling: float
    capital_level: float
    liquidity_floor: float
    equalisation: Equalisation
    loans: tuple[Loan, ...] = ()

    @property
    def revenue_total(self) -> float:
        """Sum of the revenue lines."""
        return sum(self.revenue.values())

    @property
    def operating_expenditure(self) -> float:
        """Sum of the expenditure lines (service areas, transfers, ambitions)."""
        return sum(self.expenditure.values())

    @property
    def operating_balance(self) -> float:
        """``revenue_total - operating_expenditure - interest`` (driftsresultat)."""
        return self.revenue_total - self.operating_expenditure - self.interest

    @property
    def financing_result(self) -> float:
        """``operating_balance - capital_expenditure + new_loans - repayments``."""
        return self.operating_balance - self.capital_expenditure + self.new_loans - self.repayments

    @property
    def liquidity_end(self) -> float:
        """``liquidity_start + financing_result``."""
        return self.liquidity_start + self.financing_result


@dataclass(frozen=True)
class LineSource:
    """How a budget line is made: its formula, parameters and the age groups that drive it."""

    formula: str
    parameters: tuple[str, ...]
    persons: tuple[str, ...]


@dataclass(frozen=True)
class Budget:
    """A budget by year with the limits the rules use (see :func:`check_rules`)."""

    municipality: str
    base_year: int
    budget_year: int
    years: list[BudgetYear]
    parameters: dict[str, UsedParameter]
    persons: dict[str, dict[int, float]]
    sources: dict[str, LineSource] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    forecast_years: int = 3

    def period(self, year: int) -> str:
        """``budget_year``, ``forecast`` (the overslagsår) or ``long_horizon``."""
        if year == self.budget_year:
            return "budget_year"
        if self.budget_year < year <= self.budget_year + self.forecast_years:
            return "forecast"
        return "long_horizon"

    def year(self, year: int) -> BudgetYear:
        """The :class:`BudgetYear` of ``year``; a clear error outside the horizon."""
        for item in self.years:
            if item.year == year:
                return item
        raise FinanceError(
            Note(
                N_("year {year} is outside the budget {first}-{last}"),
                year=year,
                first=self.years[0].year,
                last=self.years[-1].year,
            ),
            Note(N_("choose a budget year inside the horizon")),
            ErrorLocation(field="year", year=year),
        )


def _groups(spec: Mapping[str, Any], name: str) -> list[tuple[int, int, float]]:
    out = []
    for key, value in spec.items():
        try:
            lo, hi = (int(x) for x in str(key).split("-"))
        except ValueError:
            raise FinanceError(
                Note(
                    N_("age group '{key}' in '{name}' is not written 'lo-hi'"), key=key, name=name
                ),
                Note(N_('write age groups as e.g. "25-64"')),
                ErrorLocation(field=name),
            ) from None
        out.append((lo, hi, float(value)))
    return out


def _by_age(spec: list[tuple[int, int, float]]) -> FloatArray:
    """A per-age vector (0..100) from age groups; ages not covered raise."""
    vec = np.full(101, np.nan)
    for lo, hi, value in spec:
        vec[lo : hi + 1] = value
    return vec


class _Params:
    """Parameters read once, with provenance recorded for explanations."""

    def __init__(self, params: ParameterSet) -> None:
        self.params = params
        self.used: dict[str, UsedParameter] = {}

    def get(self, name: str, year: int, override: Any = None) -> Any:
        dated = self.params.at(name, year)
        if override is not None:
            self.used[name] = UsedParameter(name, override, self.params[name].unit,
                                            "assumption", "scenario override", overridden=True)
            return override
        if name not in self.used:
            self.used[name] = UsedParameter(name, dated.value, self.params[name].unit,
                                            dated.status.value, dated.source)
        return dated.value

    def num(self, name: str, year: int, override: Any = None) -> float:
        value = self.get(name, year, override)
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        if not numeric or not math.isfinite(value):
            raise FinanceError(
                Note(N_("'{name}' is {value!r}; a number is needed"), name=name, value=value),
                Note(N_("give a plain number in the parameter file")),
                ErrorLocation(file=self.params.origin(name), field=name, year=year),
            )
        return float(value)


@dataclass(frozen=True)
class RevenueContext:
    """Everything revenue needs for one year apart from the population (for finite differences)."""

    year: int
    tax_rate: float
    land_per_mille: float
    land_value_per_inhabitant: float
    tax_base_by_age: FloatArray
    need_by_age: FloatArray
    rates: EqualisationRates
    national: NationalFigures
    socio_index: Mapping[str, float]
    socio_weights: Mapping[str, float]
    pool_19: float
    factor_19: float
    others_19: float
    pool_17c: float
    key_17c: float
    blok_per_inhabitant: float


def revenue_lines(
    ctx: RevenueContext, by_age: FloatArray, socio_need: float | None = None,
    declining: bool = False,
) -> tuple[dict[str, float], Equalisation]:
    """Revenue of one year from persons by age (both sexes), before sanction and adjustments.

    ``income_tax = t * UG`` with ``UG = sum_a N_a * b_a``; ``land_tax = land value * per mille /
    1000``; equalisation from :func:`~byibalance.finance.equalisation.equalise`; § 19 and § 17 c
    grants and bloktilskud by population. ``socio_need`` holds S fixed (criteria counts
    unchanged) instead of scaling it with the population.
    """
    n = float(by_age.sum())
    tax_base = float(by_age @ ctx.tax_base_by_age)
    eq = equalise(ctx.rates, ctx.national, MunicipalFigures(
        population=n, tax_base=tax_base, tax_rate=ctx.tax_rate,
        age_need=float(by_age @ ctx.need_by_age), socio_index=ctx.socio_index,
        socio_weights=ctx.socio_weights, socio_need=socio_need, declining=declining,
    ))
    lines = {
        "income_tax": ctx.tax_rate * tax_base,
        "land_tax": ctx.land_value_per_inhabitant * n * ctx.land_per_mille / 1000.0,
        "tax_base_equalisation": eq.tax_base_total,
        "need_equalisation": eq.need_total,
        "bloktilskud": ctx.blok_per_inhabitant * n,
        "grant_19": grant_19(ctx.pool_19, ctx.factor_19, n, ctx.others_19),
        "grant_17c": ctx.pool_17c * ctx.key_17c * n / ctx.national.population,
    }
    return lines, eq


def revenue_context(
    p: _Params, code: str, year: int, tax_rate: float, overrides: FinanceOverrides
) -> RevenueContext:
    """Read the revenue parameters of ``year``."""
    rel = p.num("revenue.relative_tax_base", year)
    tax_base = _by_age(_groups(p.get("revenue.tax_base_by_age", year), "revenue.tax_base_by_age"))
    need = _by_age(_groups(p.get("equalisation.age_need_unit_amounts", year),
                           "equalisation.age_need_unit_amounts"))
    for name, vec in (("revenue.tax_base_by_age", tax_base),
                      ("equalisation.age_need_unit_amounts", need)):
        if np.isnan(vec).any():
            raise FinanceError(
                Note(N_("'{name}' does not cover every age 0-100"), name=name),
                Note(N_("give age groups that together cover 0-100")),
                ErrorLocation(file=p.params.origin(name), field=name, year=year),
            )
    e = "equalisation."
    rates = EqualisationRates(
        general_rate=p.num(e + "general_rate", year), low_rate=p.num(e + "low_rate", year),
        low_threshold=p.num(e + "low_threshold", year), high_rate=p.num(e + "high_rate", year),
        high_threshold=p.num(e + "high_threshold", year),
        cap_floor_rate=p.num(e + "cap_floor_rate", year), cap_share=p.num(e + "cap_share", year),
        need_rate=p.num(e + "need_rate", year), extra_need_rate=p.num(e + "extra_need_rate", year),
        age_share=p.num(e + "age_share", year), socio_share=p.num(e + "socio_share", year),
        decline_share=p.num(e + "decline_share", year),
        decline_threshold=p.num(e + "decline_threshold", year),
    )
    national = NationalFigures(
        tau=p.num(e + "tau", year),
        tax_base_per_inhabitant=p.num(e + "tax_base_per_inhabitant", year),
        total_need=p.num(e + "total_need", year), population=p.num(e + "national_population", year),
        extra_need_financing_per_inhabitant=p.num(e + "extra_need_financing_per_inhabitant", year),
    )
    factors = p.get("grant_19.factors", year)
    factor = float(factors.get(str(int(code)), 0))
    pop2020 = p.get("grant_19.population_2020", year)
    others = p.num("grant_19.weighted_population", year) - factor * float(
        pop2020.get(str(int(code)), 0))
    land = overrides.land_tax()
    return RevenueContext(
        year=year, tax_rate=tax_rate,
        land_per_mille=land if land is not None else p.num("revenue.land_tax_per_mille", year),
        land_value_per_inhabitant=p.num("revenue.land_value_per_inhabitant", year),
        tax_base_by_age=tax_base * rel, need_by_age=need, rates=rates, national=national,
        socio_index=p.get(e + "socio_index", year), socio_weights=p.get(e + "socio_weights", year),
        pool_19=p.num("grant_19.pool", year), factor_19=factor, others_19=others,
        pool_17c=p.num("grant_17c.pool", year), key_17c=p.num("grant_17c.key", year),
        blok_per_inhabitant=p.num("bloktilskud.per_inhabitant", year),
    )


def tax_rate_in(p: _Params, year: int, overrides: FinanceOverrides) -> float:
    """The income tax rate of ``year``: the scenario's if it sets one, else the parameter."""
    rate = overrides.tax_rate(year)
    return rate if rate is not None else p.num("revenue.income_tax_rate", year)


def _horizon(p: _Params, projection: Projection, services: ServicesResult) -> list[int]:
    base = services.base_year
    first = int(p.num("budget.budget_year", base))
    last = int(p.num("budget.end_year", base))
    last = min(last, int(projection.years[-1]))
    if first > last or first < int(projection.years[0]):
        raise FinanceError(
            Note(
                N_("the budget years {first}-{last} are not inside the projection {start}-{end}"),
                first=first,
                last=last,
                start=int(projection.years[0]),
                end=int(projection.years[-1]),
            ),
            Note(N_("project the population over the budget horizon (to 2040)")),
            ErrorLocation(field="budget.budget_year", year=first),
        )
    return list(range(first, last + 1))


def _price_index(overrides: FinanceOverrides, years: list[int]) -> dict[int, float]:
    if overrides.price_index is None:
        return dict.fromkeys(years, 1.0)
    missing = [y for y in years if y not in overrides.price_index]
    if missing:
        more = len(missing) - 1
        raise FinanceError(
            Note(
                N_("the price index has no value for {year} (and {more} more years)"),
                year=missing[0],
                more=more,
            )
            if more
            else Note(N_("the price index has no value for {year}"), year=missing[0]),
            Note(
                N_("give an index for every budget year {first}-{last}"),
                first=years[0],
                last=years[-1],
            ),
            ErrorLocation(field=f"finance.price_index.{missing[0]}", year=missing[0]),
        )
    return {y: overrides.price_index[y] for y in years}


def compute_budget(
    projection: Projection,
    services: ServicesResult,
    params: ParameterSet,
    overrides: FinanceOverrides | None = None,
    adjustments: BudgetAdjustments | None = None,
) -> Budget:
    """The budget from the budget year to the end of the horizon (default 2027-2040).

    Per year ``t`` (``N`` inhabitants, ``P[t]`` price index)::

        revenue   = income tax + land tax + equalisation + grants + tax sanction + extra
        operating = sum of service areas (ServicesResult) + ambitions' operating costs
        interest  = rate * debt at the start of t
        capital   = base programme per inhabitant * N + new places + ambitions
        repayments= opening debt / term + each loan / term in the term years after it
        ceiling   = reference service spending (parameters, demography) * (1 + margin)
        capital level = national level * N / N_DK * index;  floor = target per inhabitant * N
        average liquidity = (start + end)/2 - dip per inhabitant * N
    """
    ov = overrides or FinanceOverrides()
    adj = adjustments or BudgetAdjustments()
    p = _Params(params)
    code = projection.municipality
    years = _horizon(p, projection, services)
    index = _price_index(ov, years)
    base = services.base_year
    by_age = projection.population.sum(axis=1)
    pos = {int(y): i for i, y in enumerate(projection.years)}

    rates = {base: tax_rate_in(p, base, FinanceOverrides())}
    contexts: dict[int, RevenueContext] = {}
    lines_by_year: dict[int, tuple[dict[str, float], Equalisation]] = {}
    tax_base: dict[int, float] = {base: 0.0}
    totals = by_age.sum(axis=1)
    span = int(p.num("equalisation.decline_years", years[0]))
    unknown: list[int] = []
    for y in years:
        rates[y] = tax_rate_in(p, y, ov)
        contexts[y] = revenue_context(p, code, y, rates[y], ov)
        if y - span in pos:
            declining = bool(totals[pos[y]] < totals[pos[y - span]])
        else:
            declining = False
            unknown.append(y)
        lines_by_year[y] = revenue_lines(contexts[y], by_age[pos[y]], declining=declining)
        tax_base[y] = float(by_age[pos[y]] @ contexts[y].tax_base_by_age)
    if ov.income_tax_rate is not None:
        rate_param = params["revenue.income_tax_rate"]
        p.used["revenue.income_tax_rate"] = UsedParameter(
            "revenue.income_tax_rate", ov.income_tax_rate, rate_param.unit, "assumption",
            "scenario override (finance.income_tax_rate)", overridden=True)
    shares = tuple(float(s) for s in p.get("tax_sanction.shares", years[0]))
    sanction = tax_sanction(rates, tax_base, shares)

    term = int(p.num("budget.loan_term", years[0]))
    n_first = float(by_age[pos[years[0]]].sum())
    debt = p.num("budget.opening_debt_per_inhabitant", years[0]) * n_first
    opening_repayment = debt / term
    cash_override = ov.opening_cash()
    cash = cash_override if cash_override is not None else p.num(
        "budget.opening_liquidity_per_inhabitant", years[0]) * n_first
    target_override = ov.liquidity_target()
    loans_taken: list[Loan] = []
    out: list[BudgetYear] = []
    service_ref = services.service_expenditure(reference=True)
    for y in years:
        i_s = services.index(y)
        n = float(by_age[pos[y]].sum())
        k = index[y]
        lines, eq = lines_by_year[y]
        revenue = {name: value * k for name, value in lines.items()}
        revenue["tax_sanction"] = sanction.get(y, 0.0) * k
        revenue["extra_revenue"] = float(adj.revenue.get(y, 0.0)) * k
        expenditure = {a.name: float(services.expenditure[a.name][i_s]) * k for a in services.areas}
        expenditure[AMBITIONS_LINE] = float(adj.operating.get(y, 0.0)) * k
        service = sum(v for a in services.areas if a.service for v in [expenditure[a.name]])
        service += expenditure[AMBITIONS_LINE]
        capacity_capital = float(services.capital_cost[i_s]) * k
        capital = (p.num("budget.base_capital_per_inhabitant", y) * n * k + capacity_capital
                   + float(adj.capital.get(y, 0.0)) * k)
        year_loans = tuple(loan for loan in ov.loans if loan.year == y)
        if adj.borrowing.get(y, 0.0):
            year_loans += (Loan(year=y, amount=float(adj.borrowing[y]), purpose=adj.purpose),)
        new_loans = sum(loan.amount for loan in year_loans) * k
        repayments = opening_repayment if y - years[0] < term else 0.0
        for loan in loans_taken:
            loan_term = loan.term or term
            if loan.year < y <= loan.year + loan_term:
                repayments += loan.amount * index.get(loan.year, 1.0) / loan_term
        repayments = min(repayments, debt)
        interest = p.num("budget.interest_rate", y) * debt
        ceiling = float(service_ref[i_s]) * (1 + p.num("budget.service_ceiling_margin", y)) * k
        level = (p.num("budget.national_capital_level", y) * n
                 / contexts[y].national.population * p.num("budget.capital_level_index", y) * k)
        target = p.num("budget.liquidity_target_per_inhabitant", y, target_override)
        dip = p.num("budget.liquidity_intra_year_dip", y) * n * k
        item = BudgetYear(
            year=y, population=n, tax_rate=rates[y], tax_base=tax_base[y] * k, price_index=k,
            revenue=revenue, expenditure=expenditure, interest=interest,
            capital_expenditure=capital, capacity_capital=capacity_capital, new_loans=new_loans,
            repayments=repayments, liquidity_start=cash, liquidity_average=0.0,
            debt_end=debt + new_loans - repayments, service_expenditure=service,
            service_ceiling=ceiling, capital_level=level, liquidity_floor=target * n * k,
            equalisation=eq, loans=year_loans,
        )
        end = item.liquidity_end
        item = _with_average(item, (cash + end) / 2 - dip)
        out.append(item)
        cash = end
        debt = item.debt_end
        loans_taken += list(year_loans)
    persons = {
        f"{lo}-{hi}": {y: float(by_age[pos[y], lo : hi + 1].sum()) for y in years}
        for lo, hi in ((0, 2), (3, 5), (6, 16), (17, 24), (18, 64), (25, 64), (65, 79), (80, 100),
                       (0, 100))
    }
    used = dict(p.used)
    for area_params in services.parameters.values():
        for u in area_params:
            used.setdefault(u.name, u)
    return Budget(
        municipality=code, base_year=base, budget_year=years[0], years=out, parameters=used,
        persons=persons, sources=_sources(services), notes=_notes(unknown, span),
        forecast_years=int(p.num("budget.forecast_years", years[0])),
    )


def _notes(unknown: list[int], span: int) -> tuple[str, ...]:
    if not unknown:
        return ()
    years = f"{unknown[0]}" if len(unknown) == 1 else f"{unknown[0]}-{unknown[-1]}"
    return (Note(N_("the decline term of the need equalisation is not applied in {years}: the "
                    "population {span} years earlier is before the projection's first year"),
                 years=years, span=span),)  # fmt: skip


def _with_average(item: BudgetYear, average: float) -> BudgetYear:
    from dataclasses import replace

    return replace(item, liquidity_average=average)


def _sources(services: ServicesResult) -> dict[str, LineSource]:
    e = "equalisation."
    eq_params = (e + "general_rate", e + "low_rate", e + "low_threshold", e + "high_rate",
                 e + "high_threshold", e + "cap_floor_rate", e + "cap_share", e + "tau",
                 e + "tax_base_per_inhabitant", "revenue.tax_base_by_age",
                 "revenue.relative_tax_base")
    need_params = (e + "need_rate", e + "extra_need_rate", e + "socio_share", e + "total_need",
                   e + "national_population", e + "age_need_unit_amounts", e + "socio_weights",
                   e + "socio_index", e + "extra_need_financing_per_inhabitant")
    ages = ("18-64", "25-64", "65-79", "80-100", "0-100")
    out = {
        "income_tax": LineSource("t_own * sum_age N[age] * b[age] * relative_tax_base",
                                 ("revenue.income_tax_rate", "revenue.tax_base_by_age",
                                  "revenue.relative_tax_base"), ages),
        "land_tax": LineSource("land value per inhabitant * N * per mille / 1000",
                               ("revenue.land_value_per_inhabitant",
                                "revenue.land_tax_per_mille"), ("0-100",)),
        "tax_base_equalisation": LineSource(
            "0.75*tau*(b_avg-b)*N + r_low*tau*max(0,0.9*b_avg-b)*N"
            " - 0.18*tau*max(0,b-1.25*b_avg)*N",
            eq_params, ages),
        "need_equalisation": LineSource(
            "0.93*(v-v_avg)*N + 0.02*max(0,v-v_avg)*N - financing*N; v = (sum_g N_g e[g] + S)/N",
            need_params, ("0-2", "3-5", "6-16", "17-24", "25-64", "65-79", "80-100", "0-100")),
        "bloktilskud": LineSource("per inhabitant * N", ("bloktilskud.per_inhabitant",),
                                  ("0-100",)),
        "grant_19": LineSource("pool * f * N / (f * N + others' f_j * N_j)",
                               ("grant_19.pool", "grant_19.factors",
                                "grant_19.weighted_population", "grant_19.population_2020"),
                               ("0-100",)),
        "grant_17c": LineSource("pool * key * N / N_DK", ("grant_17c.pool", "grant_17c.key",
                                                         e + "national_population"), ("0-100",)),
        "tax_sanction": LineSource("-s[k] * (t[y]-t[y-1]) * UG[y] in year y+k",
                                   ("tax_sanction.shares", "revenue.income_tax_rate"), ages),
        "extra_revenue": LineSource("budget adjustments (ambitions)", (), ()),
        AMBITIONS_LINE: LineSource("budget adjustments (ambitions)", (), ()),
        "capital_expenditure": LineSource(
            "base programme per inhabitant * N + new places * capital cost + ambitions",
            ("budget.base_capital_per_inhabitant", *(
                f"{a.name}.capital_cost_per_place" for a in services.areas
                if a.capacity_unit is not None)), ("0-100",)),
        "liquidity": LineSource("liquidity_start + financing_result",
                                ("budget.opening_liquidity_per_inhabitant",
                                 "budget.liquidity_intra_year_dip"), ("0-100",)),
    }
    for area in services.areas:
        lo, hi = area.ages
        out[area.name] = LineSource(
            "users[base]*k + (users[t]-users[base])*k*(1-h)*marg; users = N[g]*coverage",
            tuple(u.name for u in services.parameters.get(area.name, [])), (f"{lo}-{hi}",))
    return out
