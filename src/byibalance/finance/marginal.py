"""The marginal value of one more resident by age, after equalisation (DOMAIN.md §4.3)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from byibalance.finance.budget import _Params, revenue_context, revenue_lines, tax_rate_in
from byibalance.finance.scenario import FinanceOverrides
from byibalance.parameters import ParameterSet
from byibalance.population.result import FloatArray, Projection
from byibalance.services.model import ServicesResult


@dataclass(frozen=True)
class MarginalValue:
    """Per age 0..100: what one more resident brings (DKK a year, base-year prices).

    ``income_tax[a]`` is the own tax; ``revenue[a]`` adds land tax, equalisation and grants
    (what the municipality keeps after equalisation); ``cost[a]`` the services the person uses;
    ``net = revenue - cost``. ``average_revenue`` weights ``revenue`` by the year's age profile,
    the figure to compare with the ~27,000 DKK per resident of 2021 (DOMAIN.md §2.6).
    """

    year: int
    income_tax: FloatArray
    revenue: FloatArray
    cost: FloatArray
    net: FloatArray
    average_revenue: float
    average_net: float


def marginal_resident_value(
    projection: Projection, services: ServicesResult, params: ParameterSet, year: int,
    overrides: FinanceOverrides | None = None, in_socio_criteria: bool = False,
) -> MarginalValue:
    """``dR[a] = R(N + 1 person of age a) - R(N)`` with every national figure held fixed.

    ``R`` is income tax + land tax + equalisation + grants (:func:`revenue_lines`), so the
    result follows the law's formulas (DOMAIN.md §4.3) rather than a per-capita average.
    With ``in_socio_criteria`` False (default) the newcomer is counted in no socio-economic
    criterion (``dU = e[g]``); True gives them the municipality's average socio profile.
    ``cost[a] = sum over areas covering a of expenditure[area] / persons[area]``.
    """
    ov = overrides or FinanceOverrides()
    p = _Params(params)
    ctx = revenue_context(p, projection.municipality, year,
                          tax_rate_in(p, year, ov), ov)
    by_age = projection.in_year(year).sum(axis=0)
    base, eq = revenue_lines(ctx, by_age)
    fixed = None if in_socio_criteria else eq.socio_need
    base_total = sum(base.values())
    revenue = np.zeros(101)
    income = np.zeros(101)
    for a in range(101):
        plus = by_age.copy()
        plus[a] += 1.0
        lines, _ = revenue_lines(ctx, plus, fixed)
        revenue[a] = sum(lines.values()) - base_total
        income[a] = lines["income_tax"] - base["income_tax"]
    i = services.index(year)
    cost = np.zeros(101)
    for area in services.areas:
        lo, hi = area.ages
        people = services.persons[area.name][i]
        if people > 0:
            cost[lo : hi + 1] += services.expenditure[area.name][i] / people
    weights = by_age / by_age.sum()
    return MarginalValue(
        year=year, income_tax=income, revenue=revenue, cost=cost, net=revenue - cost,
        average_revenue=float(weights @ revenue), average_net=float(weights @ (revenue - cost)),
    )
