"""Which ambitions fit the budget: catalogue, exact optimisation (HiGHS) and explanations.

A facade that only re-exports; see docs/portfolio.md.
"""

from byibalance.portfolio.catalogue import DIMENSIONS, FIELDS, Ambition, Catalogue, Category
from byibalance.portfolio.explain import (
    ChoiceCost,
    Explanation,
    ParetoPoint,
    RankStep,
    Rejection,
    explain,
    pareto,
    rank_by_budget,
)
from byibalance.portfolio.headroom import RESOURCE_RULES, Headroom, Rule, headroom_from_rows
from byibalance.portfolio.optimise import (
    Plan,
    Problem,
    Violation,
    Weights,
    YearUse,
    check_plan,
    greedy_plan,
    solve,
    start_values,
)

__all__ = [
    "DIMENSIONS",
    "FIELDS",
    "RESOURCE_RULES",
    "Ambition",
    "Catalogue",
    "Category",
    "ChoiceCost",
    "Explanation",
    "Headroom",
    "ParetoPoint",
    "Plan",
    "Problem",
    "RankStep",
    "Rejection",
    "Rule",
    "Violation",
    "Weights",
    "YearUse",
    "check_plan",
    "explain",
    "greedy_plan",
    "headroom_from_rows",
    "pareto",
    "rank_by_budget",
    "solve",
    "start_values",
]
