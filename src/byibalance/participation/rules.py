"""Counting rules for citizens' budgets, one signature for all.

``rule(election, profile, *, options) -> Outcome``: greedy by votes, the Method of Equal Shares
(MES) with cost or approval utilities and its completions, and sequential Phragmén. Decisions are
exact: MES finds candidates in floating point and confirms every near-tie and every budget-limit
comparison with fractions (see :func:`method_of_equal_shares`).
"""

from __future__ import annotations

import math
import multiprocessing as mp
import os
import sys
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Literal, cast

import numpy as np

from byibalance.errors import ErrorLocation, ParticipationError
from byibalance.participation.mes_engine import MesEngine, MesResult, _ReferenceMesEngine
from byibalance.participation.model import Election, IntArray, Profile
from byibalance.participation.outcome import LosingProject, Outcome, Round, statistics
from byibalance.participation.support import Classes, Support

Utility = Literal["cost", "approval"]
Completion = Literal["none", "add1", "add1-exhaustive", "greedy"]
TieBreaking = Literal["id", "votes"]


@dataclass(frozen=True)
class RuleOptions:
    """Options shared by the rules (a rule ignores those that do not concern it).

    - ``utility``: MES utilities, ``cost`` (u_i(p) = c_p) or ``approval`` (u_i(p) = 1).
    - ``completion``: ``none``; ``add1`` (raise every voter's budget by ``add1_step`` while the
      outcome still costs at most the budget; return the last such outcome: "last feasible");
      ``add1-exhaustive`` (stop at the first exhaustive outcome or before one overspends, as
      equalshares.net and pabutools); ``greedy`` (fill the leftover greedily by votes).
    - ``fill``: after an Add1 completion, also fill the leftover greedily.
    - ``threshold``: projects with fewer votes are never bought (Warsaw's greedy-threshold).
    - ``stop_at_misfit``: greedy stops at the first project that does not fit (greedy-no-skip).
    - ``tie_breaking``: ``id`` (project id as a string, as pabutools) or ``votes`` (more votes,
      then lower cost, then id).
    - ``add1_workers``: Add1's steps are independent counts (each from scratch, with its own
      per-voter budget), so with more than one worker they are counted ahead in forked
      processes and read in order; the result is the same by construction. Opt-in (a command
      line or a batch job, not a threaded server: forking a process with threads is unsafe);
      Linux only, else one worker.
    """

    utility: Utility = "cost"
    completion: Completion = "none"
    fill: bool = False
    threshold: int = 0
    stop_at_misfit: bool = False
    tie_breaking: TieBreaking = "id"
    add1_step: Fraction = Fraction(1)
    add1_workers: int = 1


DEFAULT_OPTIONS = RuleOptions()

CAP_REASON = "would break its category's spending cap"


def _tie_key(
    election: Election, votes: np.ndarray, mode: TieBreaking
) -> Callable[[int], tuple[object, ...]]:
    projects = election.projects
    if mode == "id":
        return lambda p: (projects[p].id,)
    return lambda p: (-int(votes[p]), projects[p].cost, projects[p].id)


def _fits_caps(election: Election, p: int, spent_by_cat: dict[str, Fraction]) -> bool:
    proj = election.projects[p]
    return all(
        spent_by_cat.get(c, Fraction(0)) + proj.cost <= election.category_caps[c]
        for c in proj.categories
        if c in election.category_caps
    )


def _greedy_order(election: Election, votes: np.ndarray, mode: TieBreaking) -> list[int]:
    key = _tie_key(election, votes, mode)
    return sorted(range(len(election.projects)), key=lambda p: (-int(votes[p]), key(p)))


def _greedy_pass(
    election: Election,
    votes: np.ndarray,
    options: RuleOptions,
    chosen: list[int],
    rounds: list[Round],
    reasons: dict[int, tuple[str, Fraction | None]],
) -> None:
    """Buy projects in order of votes while they fit (shared by greedy and the greedy fill)."""
    spent = sum((election.projects[p].cost for p in chosen), Fraction(0))
    by_cat: dict[str, Fraction] = {}
    for p in chosen:
        for c in election.projects[p].categories:
            by_cat[c] = by_cat.get(c, Fraction(0)) + election.projects[p].cost
    stopped = False
    for p in _greedy_order(election, votes, options.tie_breaking):
        if p in chosen:
            continue
        proj = election.projects[p]
        if votes[p] < options.threshold:
            reasons[p] = (
                f"{int(votes[p])} votes, below the threshold of {options.threshold}",
                None,
            )
            continue
        if votes[p] == 0:
            reasons[p] = ("no votes", None)
            continue
        if stopped:
            reasons[p] = ("counting stopped at the first project that did not fit", None)
            continue
        if spent + proj.cost > election.budget:
            reasons[p] = ("did not fit the budget left", spent + proj.cost - election.budget)
            stopped = options.stop_at_misfit
            continue
        if not _fits_caps(election, p, by_cat):
            reasons[p] = (CAP_REASON, None)
            continue
        chosen.append(p)
        spent += proj.cost
        for c in proj.categories:
            by_cat[c] = by_cat.get(c, Fraction(0)) + proj.cost
        rounds.append(Round(len(rounds) + 1, proj.id, proj.cost, int(votes[p])))
        reasons.pop(p, None)


def _outcome(
    rule: str,
    election: Election,
    profile: Profile,
    chosen: Sequence[int],
    rounds: list[Round],
    losers: list[LosingProject],
    voter_budget: Fraction | None = None,
) -> Outcome:
    selected = tuple(election.projects[p].id for p in chosen)
    return Outcome(
        rule=rule,
        selected=selected,
        cost=sum((election.projects[p].cost for p in chosen), Fraction(0)),
        budget=election.budget,
        rounds=tuple(rounds),
        losers=tuple(losers),
        statistics=statistics(election, profile, selected),
        voter_budget=voter_budget,
    )


def greedy(
    election: Election, profile: Profile, *, options: RuleOptions = DEFAULT_OPTIONS
) -> Outcome:
    """Greedy by votes: in order of votes (ties by ``tie_breaking``) buy each project that fits.

    ``for p in sorted(projects, key=(-votes, tie)): if votes >= threshold and spent + c_p <= B
    (and within its category caps): buy p; elif stop_at_misfit: stop``. Votes are the points
    summed for points ballots, else the number of ballots naming the project.
    """
    votes = profile.scores(len(election.projects))
    chosen: list[int] = []
    rounds: list[Round] = []
    reasons: dict[int, tuple[str, Fraction | None]] = {}
    _greedy_pass(election, votes, options, chosen, rounds, reasons)
    losers = _losers(election, votes, chosen, reasons, {})
    return _outcome("greedy", election, profile, chosen, rounds, losers)


def _losers(
    election: Election,
    votes: np.ndarray,
    chosen: Sequence[int],
    reasons: dict[int, tuple[str, Fraction | None]],
    support: dict[int, float],
) -> list[LosingProject]:
    out = []
    for p, proj in enumerate(election.projects):
        if p in chosen:
            continue
        reason, short = reasons.get(p, ("not bought", None))
        out.append(LosingProject(proj.id, proj.cost, int(votes[p]), reason, support.get(p), short))
    return out


def _total(costs: Sequence[Fraction], chosen: Sequence[int]) -> Fraction:
    return sum((costs[p] for p in chosen), Fraction(0))


def method_of_equal_shares(
    election: Election, profile: Profile, *, options: RuleOptions = DEFAULT_OPTIONS
) -> Outcome:
    """Method of Equal Shares (equalshares.net), with the completion in ``options``.

    Every voter starts with b_i = B/n (+ k·step under Add1). Each round, for every project whose
    supporters hold at least c_p, q_p is the least q with sum_{i in N_p} min(b_i, q) = c_p; the
    project with the least q_p / u(p) is bought (u = c_p for cost, 1 for approval utilities;
    ties by ``tie_breaking``) and each supporter pays min(b_i, q_p). Stop when none is affordable.

    Exactness: the winner of each round is found in floating point with an error bound and
    every project that could tie or beat it is recomputed with fractions; voters' money is kept
    as exact fractions (see :mod:`byibalance.participation.mes_engine` for the argument). The
    result is therefore the exact rule's result.
    """
    n = profile.num_voters
    if n == 0 or election.budget == 0:
        return _outcome("mes", election, profile, [], [], [])
    support = Support(election, profile)
    tie = _tie_key(election, support.counts, options.tie_breaking)
    engine = MesEngine(election, support, options.utility, tie)
    capped = None
    if _capped_projects(election):
        capped = _CappedMes(election, profile, support, options.utility, tie)
        engine = cast(MesEngine, capped)
    start = election.budget / n
    budget_used = start
    if options.completion in ("add1", "add1-exhaustive"):
        if capped is not None:
            budget_used = capped.add1(start, options)
        else:
            budget_used = _add1(election, engine, start, options)
    res = engine.run(budget_used, explain=True)
    chosen, rounds, eff, short = res.chosen, res.rounds, res.effective_support, res.shortfall
    reasons: dict[int, tuple[str, Fraction | None]] = {}
    for p in range(len(election.projects)):
        if p not in chosen:
            reasons[p] = (
                ("no votes", None)
                if support.counts[p] == 0
                else ("its supporters could not pay its cost", short.get(p))
            )
    for p in getattr(engine, "capped", ()):
        reasons[p] = (CAP_REASON, None)
    if options.completion == "greedy" or options.fill:
        _greedy_pass(
            election, support.counts, replace(options, threshold=0), chosen, rounds, reasons
        )
    losers = _losers(election, support.counts, chosen, reasons, eff)
    return _outcome("mes", election, profile, chosen, rounds, losers, budget_used)


def _capped_projects(election: Election) -> list[int]:
    """Projects in at least one category that has a spending cap."""
    caps = election.category_caps
    return [
        p for p, proj in enumerate(election.projects) if any(c in caps for c in proj.categories)
    ]


def _first_cap_break(election: Election, chosen: Sequence[int]) -> int | None:
    """The first project in ``chosen`` whose purchase, after those before it, breaks a cap."""
    by_cat: dict[str, Fraction] = {}
    for p in chosen:
        if not _fits_caps(election, p, by_cat):
            return p
        for c in election.projects[p].categories:
            by_cat[c] = by_cat.get(c, Fraction(0)) + election.projects[p].cost
    return None


def _without(profile: Profile, excluded: set[int]) -> Profile:
    """The same voters, with the ``excluded`` projects struck off every ballot."""
    if not excluded:
        return profile
    keep = ~np.isin(profile.indices, np.fromiter(excluded, np.int64))
    row_of = np.repeat(np.arange(profile.num_voters, dtype=np.int64), profile.lengths())
    indptr: IntArray = np.zeros(profile.num_voters + 1, np.int64)
    np.cumsum(np.bincount(row_of[keep], minlength=profile.num_voters), out=indptr[1:])
    points = None if profile.points is None else profile.points[keep]
    return Profile(profile.voter_ids, indptr, profile.indices[keep], points, profile.extra)


class _CappedMes:
    """MES under category caps, as a hook around the engine's winner choice.

    The capped rule: each round the winner is the project with the least q_p / u_p among those
    the supporters can afford *and* whose purchase keeps every category within its cap; a project
    that would break a cap is never bought (spending only grows, so it never fits again), and
    counting goes on. Equivalent count: run the plain engine; at the first bought project that
    breaks a cap, strike it off the ballots and count again (every voter keeps B/n, so n is
    unchanged). Rounds before it are unchanged (they chose among a set that contained their
    winner), and at its round the next best wins, as in the capped rule. At most one rerun per
    capped-out project.
    """

    def __init__(
        self,
        election: Election,
        profile: Profile,
        support: Support,
        utility: str,
        tie_key: Callable[[int], tuple[object, ...]],
    ) -> None:
        self.election, self.profile, self.support = election, profile, support
        self.utility, self.tie_key = utility, tie_key
        self.capped: set[int] = set()

    def run(self, budget_per_voter: Fraction, explain: bool = False) -> MesResult:
        """Count with ``budget_per_voter``; ``capped`` holds the projects struck off."""
        excluded: set[int] = set()
        while True:
            support = (
                Support(self.election, _without(self.profile, excluded))
                if excluded
                else self.support
            )
            engine = MesEngine(self.election, support, self.utility, self.tie_key)
            result = engine.run(budget_per_voter, explain)
            breaker = _first_cap_break(self.election, result.chosen)
            if breaker is None:
                self.capped = excluded
                for p in excluded:
                    result.shortfall.pop(p, None)
                    result.effective_support.pop(p, None)
                return result
            excluded.add(breaker)

    def add1(self, start: Fraction, options: RuleOptions) -> Fraction:
        """Add1 under caps: as :func:`_add1`, except that a project capped out counts as done
        (stop once every supported project is bought or capped out) and ``add1-exhaustive``
        asks whether any project left fits both the budget left and its caps. Without this the
        plain loop never stops early when the caps keep the outcome below the budget."""
        election = self.election
        costs = [p.cost for p in election.projects]
        supported = {p for p in range(len(costs)) if self.support.counts[p] > 0}
        max_cost = max(costs, default=Fraction(0))
        if options.add1_step <= 0:
            raise ParticipationError(
                "the Add1 step must be positive",
                fix="give a step such as 1",
                where=ErrorLocation(field="add1_step"),
            )
        previous = current = start
        while True:
            chosen = self.run(current).chosen
            total = _total(costs, chosen)
            if total > election.budget:
                return previous
            if options.completion == "add1-exhaustive":
                by_cat: dict[str, Fraction] = {}
                for p in chosen:
                    for c in election.projects[p].categories:
                        by_cat[c] = by_cat.get(c, Fraction(0)) + costs[p]
                left = election.budget - total
                if not any(
                    costs[p] <= left and _fits_caps(election, p, by_cat)
                    for p in range(len(costs))
                    if p not in chosen
                ):
                    return current
            if supported <= set(chosen) | self.capped or current >= max_cost:
                return current
            previous, current = current, current + options.add1_step


def _add1_reference(
    election: Election, profile: Profile, options: RuleOptions
) -> tuple[tuple[str, ...], Fraction]:
    """The previous Add1 path (the engine before its faster class bookkeeping), kept as the
    oracle of the fast one: (selected ids in order bought, per-voter budget settled on)."""
    n = profile.num_voters
    if n == 0 or election.budget == 0:
        return (), Fraction(0)
    support = Support(election, profile)
    tie = _tie_key(election, support.counts, options.tie_breaking)
    engine = _ReferenceMesEngine(election, support, options.utility, tie)
    budget = _add1(election, engine, election.budget / n, options)
    return tuple(election.projects[p].id for p in engine.run(budget).chosen), budget


def _add1(
    election: Election,
    engine: MesEngine | _ReferenceMesEngine,
    start: Fraction,
    options: RuleOptions,
) -> Fraction:
    """The per-voter budget Add1 settles on (``add1``: last feasible; ``add1-exhaustive``: first
    exhaustive or last feasible before an overspend)."""
    costs = [p.cost for p in election.projects]
    supported = int((engine.support.counts > 0).sum())
    max_cost = max(costs, default=Fraction(0))
    step = options.add1_step
    if step <= 0:
        raise ParticipationError(
            "the Add1 step must be positive",
            fix="give a step such as 1",
            where=ErrorLocation(field="add1_step"),
        )
    if options.add1_workers < 1:
        raise ParticipationError(
            "the number of Add1 workers must be at least 1",
            fix="give 1 (count the steps one after another) or the number of cores",
            where=ErrorLocation(field="add1_workers"),
        )
    last_step = int(max(max_cost - start, Fraction(0)) // step) + 1  # current >= max_cost stops
    counts = (
        _counts_ahead(engine, start, step, last_step, options.add1_workers)
        if options.add1_workers > 1 and isinstance(engine, MesEngine) and _can_fork()
        else (engine.run(start + k * step).chosen for k in range(last_step + 1))
    )
    # the costs and the budget over one common denominator: each step's total is then a sum of
    # integers, exactly as the sum of the fractions, at a fraction of the cost
    scale = math.lcm(election.budget.denominator, *(c.denominator for c in costs))
    whole = _Scaled([int(c * scale) for c in costs], int(election.budget * scale))
    try:
        return _settle(whole, supported, max_cost, start, step, options, counts)
    finally:
        close = getattr(counts, "close", None)
        if close is not None:
            close()


@dataclass(frozen=True)
class _Scaled:
    """Project costs and the budget, all multiplied by one common denominator (integers)."""

    costs: list[int]
    budget: int


def _settle(
    whole: _Scaled,
    supported: int,
    max_cost: Fraction,
    start: Fraction,
    step: Fraction,
    options: RuleOptions,
    counts: Iterator[list[int]],
) -> Fraction:
    costs = whole.costs
    previous = start
    current = start
    while True:
        chosen = next(counts)
        total = sum(costs[p] for p in chosen)
        if total > whole.budget:
            return previous
        if options.completion == "add1-exhaustive":
            left = whole.budget - total
            bought = set(chosen)
            if not any(c <= left for p, c in enumerate(costs) if p not in bought):
                return current
        if len(chosen) == supported or current >= max_cost:
            return current
        previous, current = current, current + step


def _can_fork() -> bool:
    return sys.platform.startswith("linux") and (os.cpu_count() or 1) > 1


# The engine a forked worker counts with: set just before the pool forks, inherited (copy on
# write), never pickled.
_FORKED_ENGINE: MesEngine | None = None


def _count_steps(start: Fraction, step: Fraction, ks: range) -> list[list[int]]:
    assert _FORKED_ENGINE is not None
    return [_FORKED_ENGINE.run(start + k * step).chosen for k in ks]


def _counts_ahead(
    engine: MesEngine, start: Fraction, step: Fraction, last_step: int, workers: int
) -> Iterator[list[int]]:
    """Add1's counts for steps 0..last_step, in order, counted ahead by ``workers`` forked
    processes in chunks (at most two chunks a worker in flight, so stopping early wastes
    little). Each count is ``engine.run(start + k·step)``, exactly as one after another."""
    global _FORKED_ENGINE
    chunk = 8
    _FORKED_ENGINE = engine
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("fork"))
    try:
        pending: deque[Future[list[list[int]]]] = deque()
        next_k = 0
        while True:
            while next_k <= last_step and len(pending) < 2 * workers:
                ks = range(next_k, min(next_k + chunk, last_step + 1))
                pending.append(pool.submit(_count_steps, start, step, ks))
                next_k = ks.stop
            if not pending:
                return
            yield from pending.popleft().result()
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
        _FORKED_ENGINE = None


def sequential_phragmen(
    election: Election, profile: Profile, *, options: RuleOptions = DEFAULT_OPTIONS
) -> Outcome:
    """Sequential Phragmén: loads l_i = 0; each round, among projects that fit the budget left,
    buy the one with the least t_p = (c_p + sum_{i in N_p} l_i) / |N_p| (ties by
    ``tie_breaking``) and set l_i = t_p for its supporters. Exact fractions throughout."""
    support = Support(election, profile)
    classes = Classes(support, Fraction(0))
    costs = [p.cost for p in election.projects]
    tie = _tie_key(election, support.counts, options.tie_breaking)
    live = {p for p in range(len(costs)) if support.counts[p] > 0}
    chosen: list[int] = []
    rounds: list[Round] = []
    reasons: dict[int, tuple[str, Fraction | None]] = {
        p: ("no votes", None) for p in range(len(costs)) if support.counts[p] == 0
    }
    spent = Fraction(0)
    by_cat: dict[str, Fraction] = {}
    while live:
        best: tuple[Fraction, tuple[object, ...], int] | None = None
        for p in live:
            t = (costs[p] + classes.exact_total(p)) / int(support.counts[p])
            if best is None or (t, tie(p)) < best[:2]:
                best = (t, tie(p), p)
        assert best is not None
        t, _, win = best
        live.discard(win)
        if spent + costs[win] > election.budget:
            reasons[win] = ("did not fit the budget left", spent + costs[win] - election.budget)
            if options.stop_at_misfit:
                break
            continue
        if not _fits_caps(election, win, by_cat):
            reasons[win] = (CAP_REASON, None)
            continue
        for c in election.projects[win].categories:
            by_cat[c] = by_cat.get(c, Fraction(0)) + costs[win]
        spent += costs[win]
        mapping = {
            c: classes.intern(t) for _, c in list(classes.sorted_values) if classes.hist[win, c]
        }
        classes.move_supporters(win, mapping)
        chosen.append(win)
        rounds.append(
            Round(
                len(rounds) + 1,
                election.projects[win].id,
                costs[win],
                int(support.counts[win]),
                t,
                int(support.counts[win]),
            )
        )
    for p in live:
        reasons[p] = ("counting stopped at the first project that did not fit", None)
    losers = _losers(election, support.counts, chosen, reasons, {})
    return _outcome("phragmen", election, profile, chosen, rounds, losers)


Rule = Callable[..., Outcome]

RULES: dict[str, Rule] = {
    "greedy": greedy,
    "mes": method_of_equal_shares,
    "phragmen": sequential_phragmen,
}
