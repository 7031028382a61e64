"""Why each ambition is in or out, what would bring it in, and what each choice costs the others.

For an ambition left out:

1. the binding reason: add it to the optimal plan at the start year that needs the least extra
   money, and list the rules it would break there (rule, year, shortfall in mio. DKK);
2. what would bring it in: that extra money (per rule and year), or, re-solving with it pinned in,
   the ambitions it would displace and the value lost.

For a chosen ambition: re-solve with it pinned out; the value lost is what it is worth over the
next-best plan, and the ambitions that would come in instead are what it costs the others.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import TypeVar

from byibalance.errors import PortfolioError
from byibalance.messages import N_, Note, join_notes
from byibalance.portfolio.catalogue import DIMENSIONS
from byibalance.portfolio.headroom import RESOURCE_RULES, RULE_NAMES_DA, RULE_NATURE, Rule
from byibalance.portfolio.optimise import (
    FrameWarning,
    Plan,
    Problem,
    Violation,
    check_plan,
    dimension_totals,
    ids_in_order,
    solve,
    start_values,
)


@dataclass(frozen=True)
class Rejection:
    """Why an ambition is out, and what would bring it in."""

    id: str
    reason: str
    violations: tuple[Violation, ...]
    money_needed: float | None
    best_start: int | None
    displaces: tuple[str, ...] | None
    value_loss: float | None


@dataclass(frozen=True)
class ChoiceCost:
    """What a chosen ambition costs the others."""

    id: str
    start: int
    capital_total: float
    value: float
    value_loss_if_removed: float | None
    would_come_in: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class Explanation:
    """The plan with a reason for every ambition."""

    plan: Plan
    rejected: tuple[Rejection, ...]
    chosen: tuple[ChoiceCost, ...]

    @property
    def warnings(self) -> tuple[FrameWarning, ...]:
        """The collective frames (rules in warning mode) the plan goes above, year by year."""
        return self.plan.warnings

    @property
    def baseline_breaches(self) -> tuple[Violation, ...]:
        """The binding rules the baseline breaks before any ambition (room 0 there)."""
        return self.plan.baseline_breaches

    def breach_lines(self) -> list[str]:
        """The baseline's breaches of hard rules in words, one line per rule."""
        return describe_breaches(self.plan.baseline_breaches)

    def warning_lines(self) -> list[str]:
        """The frames' warnings in words, one line per rule: its years, amounts and meaning."""
        return describe_warnings(self.plan.warnings)

    def binding(self) -> list[tuple[Rule, int, float, tuple[str, ...]]]:
        """``(rule, year, largest shortfall, ambitions it keeps out)`` for every yearly rule that
        keeps at least one ambition out, largest count first."""
        found: dict[tuple[Rule, int], tuple[float, list[str]]] = {}
        for r in self.rejected:
            for v in r.violations:
                if v.rule in RESOURCE_RULES and v.year is not None:
                    amount, ids = found.get((v.rule, v.year), (0.0, []))
                    found[(v.rule, v.year)] = (max(amount, v.amount), [*ids, r.id])
        rows = [(rule, year, amt, tuple(ids)) for (rule, year), (amt, ids) in found.items()]
        return sorted(rows, key=lambda row: (-len(row[3]), row[1], row[0].value))


def money_needed(violations: Sequence[Violation]) -> float:
    """Extra money that removes the resource violations: the sum of the yearly capital and
    service shortfalls, plus the largest liquidity shortfall (liquidity is cumulative, so one
    amount paid in before the first short year covers the later ones); ``inf`` if a yes/no rule
    (window, requires, excludes) is broken."""
    if any(v.rule not in RESOURCE_RULES for v in violations):
        return float("inf")
    liquidity = max((v.amount for v in violations if v.rule is Rule.liquidity), default=0.0)
    yearly = sum(v.amount for v in violations if v.rule is not Rule.liquidity)
    return liquidity + yearly


def describe(violations: Sequence[Violation], overdrawn: Collection[tuple[Rule, int]] = ()) -> str:
    """Violations grouped by rule, in words: which years, and the largest shortfall.

    ``overdrawn`` holds the (rule, year) pairs the baseline already breaks; the text says so
    for the years among them (there the room is 0)."""
    parts: list[str] = []
    for rule in (Rule.requires, Rule.excludes, Rule.window, *RESOURCE_RULES):
        group = [v for v in violations if v.rule is rule]
        if not group:
            continue
        if rule in RESOURCE_RULES:
            years = sorted(v.year for v in group if v.year is not None)
            worst = max(group, key=lambda v: v.amount)
            span = f"{years[0]}" if len(years) == 1 else f"{years[0]}-{years[-1]}"
            text = Note(
                N_("{rule} short in {span}, at most {amount:,.1f} mio. DKK in {year}"),
                rule=RULE_NAMES_DA[rule], span=span, amount=worst.amount, year=worst.year,
            )  # fmt: skip
            already = [y for y in years if (rule, y) in overdrawn]
            if already:
                text += Note(
                    N_(" (the baseline is already over it in {span}, so no ambition may add to "
                       "it there)"),
                    span=_span(already),
                )  # fmt: skip
            parts.append(text)
        else:
            parts.append(join_notes("; ", sorted({v.detail for v in group})))
    return join_notes("; ", parts)


def _span(years: Sequence[int]) -> str:
    """``2030`` or ``2030-2033`` (first to last)."""
    return f"{years[0]}" if len(years) == 1 else f"{years[0]}-{years[-1]}"


def describe_warnings(warnings: Sequence[FrameWarning]) -> list[str]:
    """One line per rule in warning mode: the years above it, the largest excess with the
    baseline's and the ambitions' parts, and what it means (``RULE_NATURE``)."""
    lines: list[str] = []
    for rule in RESOURCE_RULES:
        group = [w for w in warnings if w.rule is rule]
        if not group:
            continue
        worst = max(group, key=lambda w: w.over)
        lines.append(Note(
            N_("{rule}: above the municipality's share in {span} ({n} years), at most "
               "{over:,.1f} mio. DKK in {year} (the baseline {baseline:,.1f}, the ambitions "
               "{ambitions:,.1f}). A warning, not a limit: {meaning}"),
            rule=RULE_NAMES_DA[rule], span=_span([w.year for w in group]), n=len(group),
            over=worst.over, year=worst.year, baseline=worst.baseline_over,
            ambitions=worst.plan_adds, meaning=RULE_NATURE[rule].meaning,
        ))  # fmt: skip
    return lines


def describe_breaches(breaches: Sequence[Violation]) -> list[str]:
    """One line per hard rule the baseline already breaks: its years and the largest excess."""
    lines: list[str] = []
    for rule in RESOURCE_RULES:
        group = [v for v in breaches if v.rule is rule and v.year is not None]
        if not group:
            continue
        worst = max(group, key=lambda v: v.amount)
        lines.append(Note(
            N_("the baseline budget already breaks {rule} before any ambition in {span} ({n} "
               "years), at most {amount:,.1f} mio. DKK in {year}; as a hard rule, the ambitions "
               "may not add to it there (their room is 0)"),
            rule=RULE_NAMES_DA[rule], span=_span([v.year for v in group if v.year is not None]),
            n=len(group), amount=worst.amount, year=worst.year,
        ))  # fmt: skip
    return lines


def _reject(
    problem: Problem, plan: Plan, key: str, deep: bool, time_limit: float | None
) -> Rejection:
    a = problem.catalogue[key]
    if key in problem.pinned_out:
        return Rejection(key, Note(N_("pinned out by the scenario")), (), None, None, None, None)
    window = problem.starts(a)
    if not window:
        h = problem.headroom
        reason = Note(
            N_("its start window {earliest}-{latest} is outside the budget years {first}-{last}"),
            earliest=a.earliest_start, latest=a.latest_start, first=h.years[0], last=h.years[-1],
        )  # fmt: skip
        return Rejection(key, reason, (), None, None, None, None)
    values = start_values(problem)
    if max(values[(key, s)] for s in window) <= 0:
        return Rejection(
            key,
            Note(N_("it has no positive value under the current weights")),
            (),
            None,
            None,
            None,
            None,
        )
    best: tuple[float, int, list[Violation]] | None = None
    for s in window:
        trial = {**plan.starts, key: s}
        found = [v for v in check_plan(problem, trial) if v.rule is not Rule.pinned]
        score = money_needed(found)
        if best is None or score < best[0]:
            best = (score, s, found)
    assert best is not None
    score, start, found = best
    money = score if score != float("inf") else None
    if found:
        overdrawn = {(v.rule, v.year) for v in plan.baseline_breaches if v.year is not None}
        reason = Note(N_("best start {start}: "), start=start) + describe(found, overdrawn)
    else:  # fits on top of the plan: only possible when the solver's tie-break left it out
        reason = Note(N_("it fits but adds no value over the chosen plan"))
    displaces: tuple[str, ...] | None = None
    loss: float | None = None
    if deep:
        try:
            forced = solve(
                replace(problem, pinned_in=problem.pinned_in | {key}), time_limit=time_limit
            )
        except PortfolioError:
            reason += Note(N_("; it cannot fit even if every other free ambition is dropped"))
        else:
            out = [k for k in plan.starts if k not in forced.starts]
            displaces = tuple(ids_in_order(problem.catalogue, out))
            loss = plan.objective - forced.objective
            if not forced.proven_optimal:
                reason += Note(
                    N_(" (displacement: best plan found within the time limit, not proven)")
                )
    return Rejection(key, reason, tuple(found), money, start, displaces, loss)


def _cost(
    problem: Problem, plan: Plan, key: str, deep: bool, time_limit: float | None
) -> ChoiceCost:
    a = problem.catalogue[key]
    start = plan.starts[key]
    value = start_values(problem)[(key, start)]
    capital = a.capital_per_year * a.duration
    if key in problem.pinned_in:
        return ChoiceCost(key, start, capital, value, None, (),
                          Note(N_("pinned in by the scenario")))  # fmt: skip
    if not deep:
        return ChoiceCost(key, start, capital, value, None, (),
                          Note(N_("chosen by the optimiser")))  # fmt: skip
    rest = {k: s for k, s in plan.starts.items() if k != key}
    try:
        without = solve(
            replace(problem, pinned_out=problem.pinned_out | {key}),
            start=rest,
            time_limit=time_limit,
        )
    except PortfolioError:  # another chosen ambition requires it and is pinned in
        return ChoiceCost(key, start, capital, value, None, (),
                          Note(N_("a pinned ambition requires it")))  # fmt: skip
    incoming = tuple(ids_in_order(problem.catalogue, [k for k in without.starts
                                                      if k not in plan.starts]))  # fmt: skip
    loss = plan.objective - without.objective
    if incoming:
        reason = Note(N_("without it, {incoming} would come in; it is worth {loss:,.2f} more"),
                      incoming=", ".join(incoming), loss=loss)  # fmt: skip
    else:
        reason = Note(N_("without it, nothing else would come in; it is worth {loss:,.2f}"),
                      loss=loss)  # fmt: skip
    if not without.proven_optimal:
        reason += Note(N_(" (best plan without it found within the time limit, not proven)"))
    return ChoiceCost(key, start, capital, value, loss, incoming, reason)


RESOLVE_WORKERS = 2
"""Re-solves run at once by :func:`explain`: HiGHS releases the GIL while it solves, and each
re-solve is an independent model, so two threads halve the wait on a two-core machine."""

_T = TypeVar("_T")


@contextmanager
def _runner(workers: int) -> Iterator[Callable[[Callable[[], _T]], Callable[[], _T]]]:
    """``submit(job)`` starts an independent job and returns a getter of its result: on
    ``workers`` threads, or (``workers`` 1) at once in this thread."""
    if workers <= 1:

        def now(job: Callable[[], _T]) -> Callable[[], _T]:
            result = job()
            return lambda: result

        yield now
        return
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="explain") as pool:
        yield lambda job: pool.submit(job).result


def explain(
    problem: Problem,
    plan: Plan | None = None,
    deep: bool = True,
    time_limit: float | None = 10.0,
    workers: int = RESOLVE_WORKERS,
) -> Explanation:
    """The plan (solved if not given) with a reason for every ambition.

    ``deep`` re-solves once per ambition (forced in or out) to name displaced and incoming
    ambitions, each re-solve within ``time_limit`` seconds (``None``: until proven); a reason
    says so when its re-solve was not proven optimal. Switch ``deep`` off for large catalogues.
    The re-solves are independent and run on ``workers`` threads; each is an exact optimum
    (relative gap 0), so the explanation does not depend on ``workers``.
    """
    if workers < 1:
        raise PortfolioError(
            f"{workers} workers asked for the explanation's re-solves", "give 1 or more"
        )
    plan = plan if plan is not None else solve(problem)
    out_keys = [k for k in problem.catalogue if k not in plan.starts]
    with _runner(workers if deep else 1) as submit:
        rejected = [submit(_job(_reject, problem, plan, k, deep, time_limit)) for k in out_keys]
        chosen = [submit(_job(_cost, problem, plan, k, deep, time_limit)) for k in plan.starts]
        return Explanation(plan, tuple(get() for get in rejected), tuple(get() for get in chosen))


def _job(
    fn: Callable[[Problem, Plan, str, bool, float | None], _T],
    problem: Problem,
    plan: Plan,
    key: str,
    deep: bool,
    time_limit: float | None,
) -> Callable[[], _T]:
    return lambda: fn(problem, plan, key, deep, time_limit)


@dataclass(frozen=True)
class RankStep:
    """The plan when ``extra_per_year`` mio. DKK more a year is available for ambitions."""

    extra_per_year: float
    objective: float
    selected: tuple[str, ...]
    entered: tuple[str, ...]
    left: tuple[str, ...]


def rank_by_budget(problem: Problem, steps: Sequence[float]) -> list[RankStep]:
    """What comes in next as the budget grows: re-solve with each step's extra money a year
    (see :meth:`Headroom.with_extra`), in the order given."""
    out: list[RankStep] = []
    previous: set[str] = set()
    for extra in steps:
        plan = solve(replace(problem, headroom=problem.headroom.with_extra(extra)))
        chosen = set(plan.starts)
        out.append(
            RankStep(
                extra,
                plan.objective,
                tuple(plan.starts),
                tuple(ids_in_order(problem.catalogue, list(chosen - previous))),
                tuple(ids_in_order(problem.catalogue, list(previous - chosen))),
            )
        )
        previous = chosen
    return out


@dataclass(frozen=True)
class ParetoPoint:
    """One plan on the trade-off curve between two dimensions."""

    x: float
    y: float
    selected: tuple[str, ...]


def pareto(problem: Problem, x_dim: str, y_dim: str, points: int = 9) -> list[ParetoPoint]:
    """The non-dominated plans over two dimensions, by the epsilon-constraint method.

    For each ``eps`` on a grid from the y-total at the x-optimum to the largest reachable y-total:
    maximise the x-total subject to ``y-total >= eps`` and every rule (totals are the sum of the
    chosen ambitions' yearly effects, undiscounted). Dominated points are dropped.
    """
    for dim in (x_dim, y_dim):
        if dim not in DIMENSIONS:
            raise PortfolioError(
                f"unknown dimension '{dim}'", f"use one of {', '.join(DIMENSIONS)}"
            )
    cat = problem.catalogue
    y_scale = max((abs(a.effect(y_dim)) for a in cat.ambitions()), default=0.0) or 1.0
    x_scale = max((abs(a.effect(x_dim)) for a in cat.ambitions()), default=0.0) or 1.0

    def best(primary: str, secondary: str, floor: float | None) -> Plan:
        p_scale, s_scale = (x_scale, y_scale) if primary == x_dim else (y_scale, x_scale)
        objective = {
            a.id: a.effect(primary) / p_scale + 1e-4 * a.effect(secondary) / s_scale
            for a in cat.ambitions()
        }
        floors = {} if floor is None else {secondary: floor}
        return solve(problem, objective=objective, floors=floors)

    top_x = best(x_dim, y_dim, None)
    top_y = best(y_dim, x_dim, None)
    lo = dimension_totals(cat, top_x.starts)[y_dim]
    hi = dimension_totals(cat, top_y.starts)[y_dim]
    grid = [lo + (hi - lo) * i / max(points - 1, 1) for i in range(points)]
    found: list[ParetoPoint] = []
    for eps in grid:
        try:
            plan = best(x_dim, y_dim, eps - 1e-9 * max(1.0, abs(eps)))
        except PortfolioError:
            continue
        totals = dimension_totals(cat, plan.starts)
        found.append(ParetoPoint(totals[x_dim], totals[y_dim], tuple(plan.starts)))
    front = [
        p for p in found
        if not any(q.x >= p.x and q.y >= p.y and (q.x, q.y) != (p.x, p.y) for q in found)
    ]  # fmt: skip
    unique = {(round(p.x, 9), round(p.y, 9)): p for p in front}
    return sorted(unique.values(), key=lambda p: p.x)
