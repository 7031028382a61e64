"""The room a budget leaves under each yearly rule, as plain rows for the ambitions optimiser.

``byibalance.portfolio.headroom.headroom_from_rows`` turns these rows into its ``Headroom``;
finance does not import portfolio (the dependency runs one way).
"""

from __future__ import annotations

from byibalance.finance.budget import Budget


def headroom_rows(budget: Budget) -> list[dict[str, float]]:
    """Per budget year, in mio. DKK (limit minus the baseline's use):

    - ``capital = capital_level - capital_expenditure``;
    - ``liquidity = liquidity_end - liquidity_floor`` (the floor is the council's target, at or
      above the zero of kassekreditreglen when the target is not negative);
    - ``service = service_ceiling - service_expenditure``.
    """
    return [
        {
            "year": float(y.year),
            "capital": (y.capital_level - y.capital_expenditure) / 1e6,
            "liquidity": (y.liquidity_end - y.liquidity_floor) / 1e6,
            "service": (y.service_ceiling - y.service_expenditure) / 1e6,
        }
        for y in budget.years
    ]
