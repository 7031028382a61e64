"""Why a budget line has its value: its formula, its parameters and the persons behind it."""

from __future__ import annotations

from dataclasses import dataclass

from byibalance.errors import ErrorLocation, FinanceError
from byibalance.finance.budget import Budget, BudgetYear
from byibalance.messages import N_, Note
from byibalance.services.model import UsedParameter


@dataclass(frozen=True)
class Explanation:
    """A budget line in one year, with the parameters (and status) and persons that made it."""

    line: str
    year: int
    value: float
    formula: str
    parameters: tuple[UsedParameter, ...]
    persons: dict[str, float]


def line_value(year: BudgetYear, line: str) -> float | None:
    """The value of a revenue, expenditure or summary line in one budget year (None if unknown)."""
    if line in year.revenue:
        return year.revenue[line]
    if line in year.expenditure:
        return year.expenditure[line]
    if line == "liquidity":
        return year.liquidity_end
    if line in {"capital_expenditure", "operating_balance", "financing_result", "interest",
                "new_loans", "repayments", "liquidity_average", "service_ceiling"}:
        return float(getattr(year, line))
    return None


def explain(budget: Budget, line: str, year: int) -> Explanation:
    """Explain ``line`` in ``year``: value, formula, parameters used, persons by age group."""
    item = budget.year(year)
    value = line_value(item, line)
    if value is None or line not in budget.sources:
        known = sorted(set(item.revenue) | set(item.expenditure) | set(budget.sources))
        raise FinanceError(
            Note(N_("unknown budget line '{line}'"), line=line),
            Note(N_("use one of: {lines}"), lines=", ".join(known)),
            ErrorLocation(field="line", year=year),
        )
    source = budget.sources[line]
    params = []
    for name in source.parameters:
        used = budget.parameters.get(name)
        if used is None:
            continue
        if name == "revenue.income_tax_rate":
            used = UsedParameter(name, item.tax_rate, "share", used.status, used.source,
                                 used.overridden)
        params.append(used)
    persons = {g: budget.persons[g][year] for g in source.persons if g in budget.persons}
    return Explanation(line=line, year=year, value=value, formula=source.formula,
                       parameters=tuple(params), persons=persons)
