"""Finance: revenue, equalisation, the multi-year budget and the budget rules.

A facade that only re-exports.
"""

from byibalance.finance.budget import Budget, BudgetYear, LineSource, compute_budget
from byibalance.finance.equalisation import (
    Equalisation,
    EqualisationRates,
    MunicipalFigures,
    NationalFigures,
    equalise,
    grant_19,
    tax_sanction,
)
from byibalance.finance.explain import Explanation, explain
from byibalance.finance.headroom import headroom_rows
from byibalance.finance.inputs import budget_parameters
from byibalance.finance.marginal import MarginalValue, marginal_resident_value
from byibalance.finance.rules import RULES, RuleCheck, check_rules
from byibalance.finance.scenario import (
    BudgetAdjustments,
    FinanceOverrides,
    Loan,
    Quantity,
    finance_overrides,
)

__all__ = [
    "RULES",
    "Budget",
    "BudgetAdjustments",
    "BudgetYear",
    "Equalisation",
    "EqualisationRates",
    "Explanation",
    "FinanceOverrides",
    "LineSource",
    "Loan",
    "MarginalValue",
    "MunicipalFigures",
    "NationalFigures",
    "Quantity",
    "RuleCheck",
    "budget_parameters",
    "check_rules",
    "compute_budget",
    "equalise",
    "explain",
    "finance_overrides",
    "grant_19",
    "headroom_rows",
    "marginal_resident_value",
    "tax_sanction",
]
