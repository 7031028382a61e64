"""The ambitions adapter: which ambitions fit the scenario's budget (byibalance.portfolio).

Called by the Ambitions page and the overview; wired as ``byibalance ambitions --fast`` does
(docs/portfolio.md): the headroom comes from the runner's budget, the optimiser's plan is checked
against the finance rules, and every choice and rejection carries its reason. Kept apart from
:mod:`byibalance.web.model` because it is slower (an exact MILP and its verification) and is
asked for with the user's own weights.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from byibalance.data.generation import data_generation
from byibalance.errors import ErrorLocation, ScenarioError
from byibalance.scenario import Scenario

WEIGHT_NAMES = ("social", "economic", "climate", "environment", "support")
FRAME_MODES = ("warning", "hard")
"""How the collective frames (anlægsramme, serviceramme) enter: warnings (default) or limits."""


@dataclass(frozen=True)
class AmbitionRow:
    """One ambition, chosen (with start) or left out (with what it would take)."""

    id: str
    name: str
    reason: str
    status: str
    start: int | None = None
    completion: int | None = None
    cost: float | None = None
    value: float | None = None
    money_needed: float | None = None


@dataclass(frozen=True)
class YearRoom:
    """The plan's use of each year's room (mio. DKK)."""

    year: int
    capital: float
    capital_room: float
    liquidity: float
    liquidity_room: float


@dataclass(frozen=True)
class FrameWarningRow:
    """A collective frame that baseline and plan together go above in one year (mio. DKK)."""

    rule: str  # capital or service
    year: int
    over: float
    baseline_over: float
    ambitions_add: float
    limit: float | None


@dataclass(frozen=True)
class BaselineBreachRow:
    """A hard rule the baseline breaks before any ambition (room 0 there)."""

    rule: str
    year: int
    amount: float


@dataclass(frozen=True)
class AmbitionsView:
    """The chosen portfolio, the left-out ambitions and the room per year."""

    weights: dict[str, float]
    chosen: tuple[AmbitionRow, ...]
    rejected: tuple[AmbitionRow, ...]
    years: tuple[YearRoom, ...]
    headroom_status: str
    headroom_source: str
    headroom_notes: tuple[str, ...]
    proven_optimal: bool
    verified: bool | None
    citizen_support: dict[str, float]
    frames: str = "warning"
    warnings: tuple[FrameWarningRow, ...] = ()
    baseline_breaches: tuple[BaselineBreachRow, ...] = ()

    def warned_rules(self) -> list[str]:
        """The frames with at least one warning, in the order capital, service."""
        found = {w.rule for w in self.warnings}
        return [r for r in ("capital", "service") if r in found]


def available() -> bool:
    """True when the optimiser and the runner have landed."""
    try:
        importlib.import_module("byibalance.portfolio.budget")
        importlib.import_module("byibalance.runner")
    except ModuleNotFoundError:
        return False
    return True


def _overrides(scenario: Scenario | None) -> Any:
    from byibalance.portfolio.scenario import AmbitionsOverrides

    try:
        return AmbitionsOverrides.model_validate(scenario.ambitions if scenario else {})
    except ValidationError as err:
        first = err.errors()[0]
        raise ScenarioError(
            str(first["msg"]),
            fix="see docs/portfolio.md, 'Scenario'",
            where=ErrorLocation(field="ambitions." + ".".join(str(p) for p in first["loc"])),
        ) from None


def compute_ambitions(
    scenario: Scenario | None,
    municipality: str,
    weights: Mapping[str, float] | None = None,
    citizen_support: Mapping[str, float] | None = None,
    frames: str = "warning",
) -> AmbitionsView:
    """The optimal portfolio under the scenario's budget, with the given weights (default:
    the scenario's, else 1 each). ``citizen_support`` (ambition id -> share of voters, from the
    published citizens' budgets) enters as the support value; a scenario's own ``support``
    entries win over it. ``frames`` is ``warning`` (the collective frames are reported per
    year) or ``hard`` (they are constraints); kassekreditreglen is always a constraint."""
    from byibalance.portfolio import Problem, Rule, Weights, explain, modes_for
    from byibalance.portfolio.budget import (
        adjustments_for_plan,
        headroom_from_budget,
        solve_verified,
        verify,
    )
    from byibalance.portfolio.loaders import default_catalogue_path, read_catalogue
    from byibalance.runner import run

    overrides = _overrides(scenario)
    cat_file = read_catalogue(default_catalogue_path(municipality))
    catalogue = cat_file.catalogue.extended(overrides.extra)
    if weights is not None:
        w = Weights(**{k: float(v) for k, v in weights.items()})
    elif overrides.weights is not None:
        w = overrides.weights.as_weights()
    else:
        w = Weights()
    result = run(scenario, municipality=municipality)
    years = [y.year for y in result.budget.years]

    def check(starts: Mapping[str, int]) -> Any:
        _, with_plan = result.with_adjustments(adjustments_for_plan(catalogue, starts, years))
        return verify(result.rules, with_plan)

    problem = Problem(
        catalogue,
        headroom_from_budget(result.budget),
        w,
        {**(citizen_support or {}), **overrides.support},
        frozenset(overrides.pinned_in),
        frozenset(overrides.pinned_out),
        modes_for(frames),
    )
    plan, problem, verification = solve_verified(problem, check)
    e = explain(problem, plan, deep=False)
    cat = problem.catalogue
    chosen = tuple(
        AmbitionRow(
            id=c.id,
            name=cat[c.id].name,
            reason=c.reason,
            status=cat[c.id].status.value,
            start=c.start,
            completion=c.start + cat[c.id].duration,
            cost=float(c.capital_total),
            value=float(c.value),
        )
        for c in e.chosen
    )
    rejected = tuple(
        AmbitionRow(
            id=r.id,
            name=cat[r.id].name,
            reason=r.reason,
            status=cat[r.id].status.value,
            start=r.best_start,
            money_needed=None if r.money_needed is None else float(r.money_needed),
        )
        for r in e.rejected
    )
    h = problem.headroom
    # the capital room shown is the baseline's signed slack under the capital level (negative:
    # the baseline alone is already over its share); as a limit the room is max(0, slack)
    capital_slack = h.baseline_slack(Rule.capital)
    room = tuple(
        YearRoom(u.year, u.capital, capital_slack[i], u.liquidity, u.liquidity_room)
        for i, u in enumerate(e.plan.years)
    )
    return AmbitionsView(
        weights={n: float(getattr(w, n)) for n in WEIGHT_NAMES},
        chosen=chosen,
        rejected=rejected,
        years=room,
        headroom_status=h.status.value,
        headroom_source=h.source,
        headroom_notes=tuple(h.notes),
        proven_optimal=bool(e.plan.proven_optimal),
        verified=None if verification is None else bool(verification.ok),
        citizen_support=dict(citizen_support or {}),
        frames=frames,
        warnings=tuple(
            FrameWarningRow(w.rule.value, w.year, w.over, w.baseline_over, w.plan_adds, w.limit)
            for w in e.warnings
        ),
        baseline_breaches=tuple(
            BaselineBreachRow(v.rule.value, v.year, v.amount)
            for v in e.baseline_breaches
            if v.year is not None
        ),
    )


_lock = threading.Lock()
_CacheKey = tuple[
    Hashable, str, str, tuple[float, ...] | None, tuple[tuple[str, float], ...], str
]
_cache: dict[_CacheKey, AmbitionsView] = {}


def ambitions(
    scenario: Scenario | None,
    municipality: str,
    weights: Mapping[str, float] | None = None,
    citizen_support: Mapping[str, float] | None = None,
    frames: str = "warning",
) -> AmbitionsView:
    """:func:`compute_ambitions`, cached per process by the data generation, scenario, weights,
    support and the frames' mode."""
    from byibalance.web.model import scenario_to_yaml

    key = (
        data_generation(),  # a view of the snapshot active when it was computed
        municipality,
        scenario_to_yaml(scenario) if scenario else "",
        tuple(float(weights[n]) for n in WEIGHT_NAMES) if weights else None,
        tuple(sorted((citizen_support or {}).items())),
        frames,
    )
    with _lock:
        hit = _cache.get(key)
    if hit is not None:
        return hit
    view = compute_ambitions(scenario, municipality, weights, citizen_support, frames)
    with _lock:
        if len(_cache) > 64:
            _cache.pop(next(iter(_cache)))
        _cache[key] = view
    return view
