"""The link to the budget (``byibalance.finance``): headroom from a ``Budget``, a plan as
``BudgetAdjustments``, and the check of a plan by the finance module's own rules.

The optimiser never restates the rules: it sees only the room each rule leaves in the baseline
budget, and every plan it proposes is applied to the budget with ``compute_budget(...,
adjustments=...)`` and checked with ``check_rules``. Where a check finds a breach the room did
not foresee (e.g. the 365-day average liquidity), :func:`solve_verified` takes the excess off
that year's room and solves again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

from byibalance.errors import PortfolioError
from byibalance.finance import Budget, BudgetAdjustments, RuleCheck
from byibalance.portfolio.catalogue import Catalogue
from byibalance.portfolio.headroom import Headroom, Mode, Rule
from byibalance.portfolio.optimise import Plan, Problem, solve
from byibalance.provenance import Status

MIO = 1e6

RULE_OF_CHECK: Mapping[str, Rule] = {
    "service_ceiling": Rule.service,
    "capital_level": Rule.capital,
    "kassekreditreglen": Rule.liquidity,
    "liquidity_target": Rule.liquidity,
}
"""The finance rules the headroom stands for, and the headroom rule each maps to."""


def headroom_from_budget(budget: Budget) -> Headroom:
    """The room the baseline budget leaves, per year (mio. DKK)::

        capital   = capital_level - capital_expenditure
        liquidity = min(liquidity_end - liquidity_floor, liquidity_average)
        service   = service_ceiling - service_expenditure

    These are the baseline's signed slacks (kept in ``Headroom.baseline``); the room for
    ambitions is ``max(0, slack)`` (:meth:`Headroom.from_slack`), and a year the baseline already
    overdraws is named in ``notes``. Whether a rule is a constraint at all is the problem's
    :class:`~byibalance.portfolio.headroom.Mode`, not the headroom's.
    """
    slack = {
        Rule.capital: [(y.capital_level - y.capital_expenditure) / MIO for y in budget.years],
        Rule.liquidity: [
            min(y.liquidity_end - y.liquidity_floor, y.liquidity_average) / MIO
            for y in budget.years
        ],
        Rule.service: [(y.service_ceiling - y.service_expenditure) / MIO for y in budget.years],
    }
    limits = {
        Rule.capital: tuple(y.capital_level / MIO for y in budget.years),
        Rule.liquidity: tuple(y.liquidity_floor / MIO for y in budget.years),
        Rule.service: tuple(y.service_ceiling / MIO for y in budget.years),
    }
    return Headroom.from_slack(
        [y.year for y in budget.years],
        slack,
        status=Status.DERIVED,
        source=f"byibalance.finance budget for municipality {budget.municipality}: limit minus "
        "the baseline's use, per year",
        limits=limits,
    )


def adjustments_for_plan(
    catalogue: Catalogue, starts: Mapping[str, int], years: Sequence[int]
) -> BudgetAdjustments:
    """The plan as extra budget amounts per year (DKK): capital spending, operating cost or
    saving (after completion), revenue (yearly after completion, plus one-off sales)."""
    capital: dict[int, float] = {}
    operating: dict[int, float] = {}
    revenue: dict[int, float] = {}
    for key, s in starts.items():
        a = catalogue[key]
        done = s + a.duration
        for y in years:
            capital[y] = capital.get(y, 0.0) + a.capital(s, y) * MIO
            operating[y] = operating.get(y, 0.0) + a.operating(s, y) * MIO
            extra = (a.revenue_per_year if y >= done else 0.0) + (
                a.revenue_one_off if y == done else 0.0
            )
            revenue[y] = revenue.get(y, 0.0) + extra * MIO
    return BudgetAdjustments(capital=capital, operating=operating, revenue=revenue)


@dataclass(frozen=True)
class Verification:
    """The finance module's verdict on a plan: new breaches it causes, rule by rule.

    ``warned`` holds the checks made worse on a rule the problem treats as a warning (a
    collective frame, see ``RULE_NATURE``): reported, not counted against the plan.
    """

    checks: tuple[RuleCheck, ...]
    new_problems: tuple[RuleCheck, ...]
    warned: tuple[RuleCheck, ...] = ()

    @property
    def ok(self) -> bool:
        """True when the plan causes no breach or warning the baseline did not have, other
        than on a rule in warning mode."""
        return not self.new_problems


def verify(
    baseline: Sequence[RuleCheck], with_plan: Sequence[RuleCheck], ignore: Sequence[str] = ()
) -> Verification:
    """Rule checks that are worse with the plan than in the baseline (same rule and year);
    rules named in ``ignore`` are not counted."""
    before = {(c.rule, c.year): c.status for c in baseline}
    rank = {"ok": 0, "warning": 1, "breach": 2}
    worse = tuple(
        c
        for c in with_plan
        if c.rule not in ignore and rank[c.status] > rank[before.get((c.rule, c.year), "ok")]
    )
    return Verification(tuple(with_plan), worse)


def split_warnings(verification: Verification, modes: Mapping[Rule, Mode]) -> Verification:
    """Move the new problems on rules in warning mode from ``new_problems`` to ``warned``."""

    def warned(c: RuleCheck) -> bool:
        rule = RULE_OF_CHECK.get(c.rule)
        return rule is not None and modes.get(rule, Mode.hard) is Mode.warning

    problems = verification.new_problems
    return replace(
        verification,
        new_problems=tuple(c for c in problems if not warned(c)),
        warned=(*verification.warned, *(c for c in problems if warned(c))),
    )


def solve_verified(
    problem: Problem,
    check: Callable[[Mapping[str, int]], Verification],
    rounds: int = 5,
    time_limit: float | None = None,
) -> tuple[Plan, Problem, Verification]:
    """Solve, check the plan with the finance rules (``check``), and where a rule in hard mode
    is newly broken take the excess off that year's room and solve again (at most ``rounds``).

    Returns the plan, the problem it was solved under (with any tightened room) and the final
    verification. Newly broken checks of a rule in warning mode go to ``Verification.warned``
    (they are the frames' warnings, which :attr:`Plan.warnings` states in amounts). A new
    problem with a rule the headroom does not model is returned, not hidden.
    """
    current = problem
    for _ in range(rounds):
        plan = solve(current, time_limit=time_limit)
        result = split_warnings(check(plan.starts), current.modes)
        fixable = [c for c in result.new_problems if c.rule in RULE_OF_CHECK]
        if not fixable:
            return plan, current, result
        h = current.headroom
        rooms = {r: list(h.room(r)) for r in (Rule.capital, Rule.liquidity, Rule.service)}
        for c in fixable:
            rule = RULE_OF_CHECK[c.rule]
            i = h.years.index(c.year)
            use = next(u for u in plan.years if u.year == c.year)
            excess = abs(c.value - c.limit) / MIO + 1e-3
            rooms[rule][i] = max(0.0, min(rooms[rule][i], getattr(use, rule.value) - excess))
        current = replace(
            current,
            headroom=replace(
                h,
                capital=tuple(rooms[Rule.capital]),
                liquidity=tuple(rooms[Rule.liquidity]),
                service=tuple(rooms[Rule.service]),
            ),
        )
    raise PortfolioError(
        f"the plan still breaks the finance rules after {rounds} corrections "
        f"({result.new_problems[0].rule} in {result.new_problems[0].year})",
        "report this with the scenario; use the catalogue's headroom meanwhile",
    )
