"""The optimiser: exact against brute force, every rule kept, infeasible pins named."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from byibalance.errors import PortfolioError
from byibalance.portfolio import (
    DEFAULT_MODES,
    Catalogue,
    Headroom,
    Problem,
    Rule,
    Weights,
    check_plan,
    greedy_plan,
    solve,
    start_values,
)
from byibalance.portfolio.optimise import discount_factor, plan_value, year_use
from byibalance.provenance import Status

from .conftest import HARD, ambition, headroom


def brute_force(problem: Problem) -> float:
    """The best value over every assignment of 'not chosen' or a start year to each ambition."""
    options = [[None, *problem.starts(a)] for a in problem.catalogue.ambitions()]
    best = 0.0 if not problem.pinned_in else float("-inf")
    ids = list(problem.catalogue)
    for combo in itertools.product(*options):
        starts = {k: s for k, s in zip(ids, combo, strict=True) if s is not None}
        if not check_plan(problem, starts):
            best = max(best, plan_value(problem, starts))
    return best


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    n = draw(st.integers(1, 4))
    ids = [f"a{i}" for i in range(n)]
    items = []
    for i, key in enumerate(ids):
        earliest = draw(st.integers(2027, 2029))
        requires = draw(st.sampled_from([[], *[[k] for k in ids[:i]]]))
        excludes = draw(st.sampled_from([[], *[[k] for k in ids[:i] if k not in requires]]))
        items.append(
            ambition(
                key,
                capital_per_year=draw(st.integers(0, 20)),
                operating_per_year=draw(st.integers(-2, 3)),
                revenue_one_off=draw(st.integers(0, 15)),
                earliest_start=earliest,
                latest_start=earliest + draw(st.integers(0, 2)),
                duration=draw(st.integers(1, 2)),
                social=draw(st.integers(-2, 10)),
                climate=draw(st.integers(0, 300)),
                priority=draw(st.sampled_from([0.5, 1.0, 2.0])),
                requires=requires,
                excludes=excludes,
            )
        )
    years = range(2027, 2030)
    # the baseline's signed slack: sometimes already over a limit (negative) in a year
    slack = {
        Rule.capital: [draw(st.integers(-5, 30)) for _ in years],
        Rule.liquidity: sorted(draw(st.integers(-5, 40)) for _ in years),
        Rule.service: [draw(st.integers(-1, 3)) for _ in years],
    }
    room = Headroom.from_slack(years, slack, Status.ASSUMPTION, "test")
    support = {ids[0]: draw(st.floats(0, 1))}
    modes = draw(st.sampled_from([HARD, dict(DEFAULT_MODES)]))
    weights = Weights(climate=draw(st.integers(0, 3)))
    return Problem(Catalogue(items), room, weights, support, modes=modes)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_optimum_equals_brute_force_and_keeps_every_rule(problem: Problem) -> None:
    plan = solve(problem)
    assert plan.proven_optimal
    assert check_plan(problem, plan.starts) == []
    assert plan.objective == pytest.approx(brute_force(problem), rel=1e-7, abs=1e-7)
    assert plan.objective == pytest.approx(plan_value(problem, plan.starts), rel=1e-9)
    no_worse_than_the_baseline(problem, plan.starts)


def no_worse_than_the_baseline(problem: Problem, starts: dict[str, int]) -> None:
    """Restated from the baseline's signed slack, not from the clamped room: under a hard rule
    the plan uses at most the slack where there is some, and nothing (<= 0) where the baseline
    is already over, so the baseline's excess never grows."""
    h = problem.headroom
    for i, use in enumerate(year_use(problem, starts)):
        for rule in problem.hard_rules():
            slack = h.baseline_slack(rule)[i]
            used = getattr(use, rule.value)
            if slack < 0:
                assert used <= 1e-6, (rule, use.year, used, slack)
            else:
                assert used <= slack + 1e-6, (rule, use.year, used, slack)


@settings(max_examples=40, deadline=None)
@given(problems())
def test_greedy_is_feasible_and_never_beats_the_optimum(problem: Problem) -> None:
    greedy = greedy_plan(problem)
    assert check_plan(problem, greedy.starts) == []
    no_worse_than_the_baseline(problem, dict(greedy.starts))
    assert greedy.objective <= solve(problem).objective + 1e-7


def test_small_catalogue_choice_and_dependency(small: Catalogue) -> None:
    problem = Problem(small, headroom(capital=15.0), modes=HARD)
    plan = solve(problem)
    assert check_plan(problem, plan.starts) == []
    # the hall may only start once the school is completed (2 years)
    if "hall" in plan.starts:
        assert plan.starts["hall"] >= plan.starts["school"] + 2
    assert not {"heat_pump", "biomass"} <= set(plan.starts)


def test_value_formula_by_hand(small: Catalogue) -> None:
    problem = Problem(small, headroom(), Weights(social=1, economic=0, climate=1, environment=0))
    v = start_values(problem)
    # school: social 8 of max 8 -> 1.0, weight 1/2; climate 0; completion 2029: 2 years out
    assert v[("school", 2027)] == pytest.approx(100 * 0.5 * 1.0 * 1.035**-2)
    # heat pump: climate 500 of max 500, weight 1/2, start 2028 -> completion 2030, t = 3
    assert v[("heat_pump", 2028)] == pytest.approx(100 * 0.5 * 1.035**-3)
    assert discount_factor(36) == pytest.approx(1.035**-35 * 1.025**-1)


def test_support_raises_value(small: Catalogue) -> None:
    base = start_values(Problem(small, headroom()))
    backed = start_values(Problem(small, headroom(), support={"lights": 0.5}))
    assert backed[("lights", 2027)] == pytest.approx(1.5 * base[("lights", 2027)])


def test_pinned_ambitions_that_break_a_rule_name_the_rule_and_year() -> None:
    cat = Catalogue(
        [
            ambition("school", latest_start=2027),
            ambition("lights", latest_start=2027, capital_per_year=2.0),
        ]
    )
    tight = Problem(cat, headroom(capital=15.0, liquidity=5.0),
                    pinned_in=frozenset({"school", "lights"}))  # fmt: skip
    with pytest.raises(PortfolioError) as err:
        solve(tight)
    message = str(err.value)
    assert "break the liquidity rule in 2027 by 7.0 mio. DKK" in message
    assert err.value.where.year == 2027
    assert "infeasible" not in message.lower() and "status" not in message.lower()


def test_pinned_capital_breach_is_named(small: Catalogue) -> None:
    problem = Problem(small, headroom(capital=11.0, liquidity=500.0),
                      pinned_in=frozenset({"school", "heat_pump"}), modes=HARD)  # fmt: skip
    with pytest.raises(PortfolioError, match=r"capital rule in 20\d\d by 9\.0 mio"):
        solve(replace(problem, catalogue=Catalogue([
            ambition("school", latest_start=2027), ambition("heat_pump", latest_start=2027)
        ])))  # fmt: skip


def test_pins_that_exclude_each_other(small: Catalogue) -> None:
    with pytest.raises(PortfolioError, match=r"'biomass' and 'heat_pump' exclude each other|"
                       "'heat_pump' and 'biomass' exclude each other"):  # fmt: skip
        solve(Problem(small, headroom(), pinned_in=frozenset({"heat_pump", "biomass"})))


def test_pin_outside_the_budget_years(small: Catalogue) -> None:
    late = Catalogue([ambition("late", earliest_start=2040, latest_start=2041)])
    with pytest.raises(PortfolioError, match="cannot start in the budget years: its window is "
                       "2040-2041"):  # fmt: skip
        solve(Problem(late, headroom(), pinned_in=frozenset({"late"})))


def test_baseline_already_broken() -> None:
    cat = Catalogue([ambition("a")])
    room = headroom(liquidity=-3.0)
    with pytest.raises(PortfolioError, match=r"baseline budget already breaks the liquidity rule "
                       r"in 2027 by 3\.0"):  # fmt: skip
        solve(Problem(cat, room, pinned_in=frozenset({"a"})))


def test_pin_out_and_in_are_respected(small: Catalogue) -> None:
    free = solve(Problem(small, headroom()))
    first = next(iter(free.starts))
    out = solve(Problem(small, headroom(), pinned_out=frozenset({first})))
    assert first not in out.starts
    assert out.objective <= free.objective + 1e-9
    pinned = solve(Problem(small, headroom(), pinned_in=frozenset({"biomass"})))
    assert "biomass" in pinned.starts and "heat_pump" not in pinned.starts


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"support": {"nope": 0.5}}, "unknown ambition 'nope'"),
        ({"support": {"school": 1.5}}, "outside 0..1"),
        ({"pinned_in": frozenset({"nope"})}, "'nope' is not in the catalogue"),
        ({"pinned_in": frozenset({"school"}), "pinned_out": frozenset({"school"})},
         "pinned both in and out"),
    ],
)  # fmt: skip
def test_bad_problem_inputs(small: Catalogue, kwargs: dict, message: str) -> None:
    with pytest.raises(PortfolioError, match=message):
        Problem(small, headroom(), **kwargs)


def test_bad_weights() -> None:
    with pytest.raises(PortfolioError, match="weight of climate is negative"):
        Weights(climate=-1)
    with pytest.raises(PortfolioError, match="all four dimension weights are 0"):
        Weights(social=0, economic=0, climate=0, environment=0)


def test_tight_years_are_reported(small: Catalogue) -> None:
    plan = solve(Problem(small, headroom(capital=10.0), modes=HARD))
    assert all(rule in Rule for rule, _, _ in plan.tight())
    assert any(rule is Rule.capital for rule, _, _ in plan.tight())
