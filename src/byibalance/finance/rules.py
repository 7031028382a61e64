"""The Danish budget rules, each a named check per year with a status and a reason.

The one place the rules live: the optimiser's tests and the CLI call :func:`check_rules`; nobody
copies the formulas.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from byibalance.finance.budget import Budget
from byibalance.messages import N_, render
from byibalance.parameters import ParameterSet

RuleStatus = Literal["ok", "warning", "breach"]

RULES = (
    "service_ceiling", "capital_level", "kassekreditreglen", "liquidity_target",
    "borrowing_purpose", "tax_sanction", "structural_balance",
)  # fmt: skip


@dataclass(frozen=True)
class RuleCheck:
    """One rule in one year: ``status`` ok|warning|breach, why, the value and the limit (DKK).

    Why is a language-free :attr:`message` (an English template, see :mod:`byibalance.messages`)
    with its :attr:`args`, numbers kept as numbers; :attr:`reason` renders it in English.
    """

    rule: str
    year: int
    status: RuleStatus
    message: str
    value: float
    limit: float
    args: Mapping[str, Any] = field(default_factory=dict, hash=False)

    @property
    def reason(self) -> str:
        """The message in English (the CLI's text)."""
        return render(self.message, self.args)


# The messages (English templates; the web's catalogue translates them).
SERVICE_WITHIN = N_("service spending {spending:mio} within the ceiling {ceiling:mio}")
SERVICE_ABOVE = N_(
    "service spending {spending:mio} is {excess:mio} above the ceiling {ceiling:mio}"
)
CAPITAL_WITHIN = N_(
    "capital spending {spending:mio} within the municipality's share of the capital level "
    "{level:mio}"
)
CAPITAL_ABOVE = N_(
    "capital spending {spending:mio} is {excess:mio} above the municipality's share of the "
    "capital level {level:mio}"
)
AVERAGE_ABOVE = N_("365-day average liquidity {average:mio} is above 0")
AVERAGE_NOT_ABOVE = N_(
    "365-day average liquidity {average:mio} is not above 0: a dispensation is needed"
)
TARGET_MET = N_("year-end liquidity {liquidity:mio} meets the council's target {target:mio}")
TARGET_BELOW = N_(
    "year-end liquidity {liquidity:mio} is {shortfall:mio} below the council's target {target:mio}"
)
LOAN_NOT_ALLOWED = N_(
    "a loan of {amount:mio} for '{purpose}' is not an allowed purpose (allowed: {allowed})"
)
LOANS_ALLOWED = N_("{count} new loan(s), all for allowed purposes")
NO_LOANS = N_("no new loans")
TAX_SANCTION = N_("a tax rise costs {cut:mio} of block grant this year")
NO_TAX_SANCTION = N_("no tax-rise sanction")
OPERATING_DEFICIT = N_(
    "operating deficit of {deficit:mio}: revenue does not cover operating spending and interest"
)
SURPLUS_SHORT = N_(
    "over {first}-{last} the operating surplus {covered:mio} does not cover net capital "
    "spending and repayments {needed:mio}"
)
SURPLUS_COVERS = N_(
    "over {first}-{last} the operating surplus {covered:mio} covers net capital spending and "
    "repayments {needed:mio}"
)
MESSAGES = (
    SERVICE_WITHIN, SERVICE_ABOVE, CAPITAL_WITHIN, CAPITAL_ABOVE, AVERAGE_ABOVE,
    AVERAGE_NOT_ABOVE, TARGET_MET, TARGET_BELOW, LOAN_NOT_ALLOWED, LOANS_ALLOWED, NO_LOANS,
    TAX_SANCTION, NO_TAX_SANCTION, OPERATING_DEFICIT, SURPLUS_SHORT, SURPLUS_COVERS,
)  # fmt: skip


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
        spending, ceiling = float(y.service_expenditure), float(y.service_ceiling)
        if spending <= ceiling:
            out.append(
                RuleCheck(
                    "service_ceiling",
                    t,
                    "ok",
                    SERVICE_WITHIN,
                    spending,
                    ceiling,
                    {"spending": spending, "ceiling": ceiling},
                )
            )
        else:
            out.append(
                RuleCheck(
                    "service_ceiling",
                    t,
                    "breach",
                    SERVICE_ABOVE,
                    spending,
                    ceiling,
                    {"spending": spending, "excess": spending - ceiling, "ceiling": ceiling},
                )
            )
        capital, level = float(y.capital_expenditure), float(y.capital_level)
        cap_ok = capital <= level
        out.append(
            RuleCheck(
                "capital_level",
                t,
                "ok" if cap_ok else "warning",
                CAPITAL_WITHIN if cap_ok else CAPITAL_ABOVE,
                capital,
                level,
                {"spending": capital, "level": level}
                | ({} if cap_ok else {"excess": capital - level}),
            )
        )
        average = float(y.liquidity_average)
        avg_ok = average > 0
        out.append(
            RuleCheck(
                "kassekreditreglen",
                t,
                "ok" if avg_ok else "breach",
                AVERAGE_ABOVE if avg_ok else AVERAGE_NOT_ABOVE,
                average,
                0.0,
                {"average": average},
            )
        )
        end, floor = float(y.liquidity_end), float(y.liquidity_floor)
        tgt_ok = end >= floor
        out.append(
            RuleCheck(
                "liquidity_target",
                t,
                "ok" if tgt_ok else "warning",
                TARGET_MET if tgt_ok else TARGET_BELOW,
                end,
                floor,
                {"liquidity": end, "target": floor}
                | ({} if tgt_ok else {"shortfall": floor - end}),
            )
        )
        bad = [loan for loan in y.loans if loan.purpose not in allowed]
        if bad:
            out.append(
                RuleCheck(
                    "borrowing_purpose",
                    t,
                    "breach",
                    LOAN_NOT_ALLOWED,
                    sum(loan.amount for loan in bad),
                    0.0,
                    {
                        "amount": float(bad[0].amount),
                        "purpose": bad[0].purpose,
                        "allowed": ", ".join(sorted(allowed)),
                    },
                )
            )
        else:
            out.append(
                RuleCheck(
                    "borrowing_purpose",
                    t,
                    "ok",
                    LOANS_ALLOWED if y.loans else NO_LOANS,
                    y.new_loans,
                    y.new_loans,
                    {"count": len(y.loans)} if y.loans else {},
                )
            )
        cut = float(y.revenue.get("tax_sanction", 0.0))
        out.append(
            RuleCheck(
                "tax_sanction",
                t,
                "warning" if cut < 0 else "ok",
                TAX_SANCTION if cut < 0 else NO_TAX_SANCTION,
                cut,
                0.0,
                {"cut": -cut} if cut < 0 else {},
            )
        )
        first = max(0, i - window + 1)
        span = budget.years[first : i + 1]
        covered = sum(s.operating_balance for s in span)
        needed = sum(s.capital_expenditure + s.repayments - s.new_loans for s in span)
        args: dict[str, Any] = {
            "first": span[0].year,
            "last": t,
            "covered": float(covered),
            "needed": float(needed),
        }
        if y.operating_balance < 0:
            status: RuleStatus = "breach"
            message = OPERATING_DEFICIT
            args = {"deficit": float(-y.operating_balance)}
        elif covered < needed:
            status, message = "warning", SURPLUS_SHORT
        else:
            status, message = "ok", SURPLUS_COVERS
        out.append(RuleCheck("structural_balance", t, status, message, covered, needed, args))
    return out
