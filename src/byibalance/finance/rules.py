"""The Danish budget rules, each a named check per year with a status and a reason.

The one place the rules live: the optimiser's tests and the CLI call :func:`check_rules`; nobody
copies the formulas.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from byibalance.finance.budget import Budget
from byibalance.parameters import ParameterSet

RuleStatus = Literal["ok", "warning", "breach"]

RULES = (
    "service_ceiling", "capital_level", "kassekreditreglen", "liquidity_target",
    "borrowing_purpose", "tax_sanction", "structural_balance",
)  # fmt: skip


@dataclass(frozen=True)
class RuleCheck:
    """One rule in one year: ``status`` ok|warning|breach, why, the value and the limit (DKK)."""

    rule: str
    year: int
    status: RuleStatus
    reason: str
    value: float
    limit: float


def _mio(x: float) -> str:
    return f"{x / 1e6:,.1f} mio. DKK"


def check_rules(budget: Budget, params: ParameterSet) -> list[RuleCheck]:
    """Every rule for every budget year.

    - ``service_ceiling`` (serviceramme): service spending <= ceiling, else breach;
    - ``capital_level`` (anlægsramme): capital spending <= level, else warning (a collective
      frame);
    - ``kassekreditreglen``: 365-day average liquidity > 0, else breach;
    - ``liquidity_target``: year-end liquidity >= own target x inhabitants, else warning;
    - ``borrowing_purpose``: each new loan's purpose is allowed (BEK 1714/2023), else breach;
    - ``tax_sanction``: a tax rise costs block grant (warning with the cut), else ok;
    - ``structural_balance``: operating balance >= 0 (else breach) and, over the window up to the
      year, sum(operating balance) >= sum(capital + repayments - new loans) (else warning).
    """
    out: list[RuleCheck] = []
    allowed = set(params.value("budget.allowed_loan_purposes", budget.budget_year))
    window = int(params.value("budget.structural_window", budget.budget_year))
    for i, y in enumerate(budget.years):
        t = y.year
        if y.service_expenditure <= y.service_ceiling:
            out.append(RuleCheck("service_ceiling", t, "ok",
                                 f"service spending {_mio(y.service_expenditure)} within the "
                                 f"ceiling {_mio(y.service_ceiling)}",
                                 y.service_expenditure, y.service_ceiling))
        else:
            out.append(RuleCheck("service_ceiling", t, "breach",
                                 f"service spending {_mio(y.service_expenditure)} is "
                                 f"{_mio(y.service_expenditure - y.service_ceiling)} above the "
                                 f"ceiling {_mio(y.service_ceiling)}",
                                 y.service_expenditure, y.service_ceiling))
        cap_ok = y.capital_expenditure <= y.capital_level
        out.append(RuleCheck(
            "capital_level", t, "ok" if cap_ok else "warning",
            f"capital spending {_mio(y.capital_expenditure)} "
            + ("within" if cap_ok else f"is {_mio(y.capital_expenditure - y.capital_level)} above")
            + f" the municipality's share of the capital level {_mio(y.capital_level)}",
            y.capital_expenditure, y.capital_level))
        avg_ok = y.liquidity_average > 0
        out.append(RuleCheck(
            "kassekreditreglen", t, "ok" if avg_ok else "breach",
            f"365-day average liquidity {_mio(y.liquidity_average)} "
            + ("is above 0" if avg_ok else "is not above 0: a dispensation is needed"),
            y.liquidity_average, 0.0))
        tgt_ok = y.liquidity_end >= y.liquidity_floor
        out.append(RuleCheck(
            "liquidity_target", t, "ok" if tgt_ok else "warning",
            f"year-end liquidity {_mio(y.liquidity_end)} "
            + ("meets" if tgt_ok else f"is {_mio(y.liquidity_floor - y.liquidity_end)} below")
            + f" the council's target {_mio(y.liquidity_floor)}",
            y.liquidity_end, y.liquidity_floor))
        bad = [loan for loan in y.loans if loan.purpose not in allowed]
        if bad:
            out.append(RuleCheck(
                "borrowing_purpose", t, "breach",
                f"a loan of {_mio(bad[0].amount)} for '{bad[0].purpose}' is not an allowed "
                f"purpose (allowed: {', '.join(sorted(allowed))})",
                sum(loan.amount for loan in bad), 0.0))
        else:
            out.append(RuleCheck(
                "borrowing_purpose", t, "ok",
                f"{len(y.loans)} new loan(s), all for allowed purposes" if y.loans
                else "no new loans", y.new_loans, y.new_loans))
        cut = y.revenue.get("tax_sanction", 0.0)
        out.append(RuleCheck(
            "tax_sanction", t, "warning" if cut < 0 else "ok",
            f"a tax rise costs {_mio(-cut)} of block grant this year" if cut < 0
            else "no tax-rise sanction", cut, 0.0))
        first = max(0, i - window + 1)
        span = budget.years[first : i + 1]
        covered = sum(s.operating_balance for s in span)
        needed = sum(s.capital_expenditure + s.repayments - s.new_loans for s in span)
        if y.operating_balance < 0:
            status: RuleStatus = "breach"
            reason = (f"operating deficit of {_mio(-y.operating_balance)}: revenue does not "
                      "cover operating spending and interest")
        elif covered < needed:
            status = "warning"
            reason = (f"over {span[0].year}-{t} the operating surplus {_mio(covered)} does not "
                      f"cover net capital spending and repayments {_mio(needed)}")
        else:
            status = "ok"
            reason = (f"over {span[0].year}-{t} the operating surplus {_mio(covered)} covers "
                      f"net capital spending and repayments {_mio(needed)}")
        out.append(RuleCheck("structural_balance", t, status, reason, covered, needed))
    return out
