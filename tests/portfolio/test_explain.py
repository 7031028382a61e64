"""Explanations, ranking and the Pareto view, on a catalogue small enough to reason by hand."""

from __future__ import annotations

from dataclasses import replace

import pytest

from byibalance.portfolio import (
    Catalogue,
    Plan,
    Problem,
    Rule,
    check_plan,
    explain,
    pareto,
    rank_by_budget,
    solve,
)
from byibalance.portfolio.explain import money_needed

from .conftest import HARD, ambition, headroom


def two_for_one_slot() -> Problem:
    # capital room 10 a year over 2027-2028, one start year each: only one of a, b fits
    cat = Catalogue(
        [
            ambition("a", capital_per_year=10, duration=1, latest_start=2027, social=8),
            ambition("b", capital_per_year=6, duration=1, latest_start=2027, social=5),
            ambition("c", capital_per_year=3, duration=1, earliest_start=2028, latest_start=2028,
                     social=1),
        ]
    )  # fmt: skip
    return Problem(
        cat, headroom(capital=10.0, liquidity=100.0, years=range(2027, 2029)), modes=HARD
    )


def test_rejected_gets_rule_year_amount_and_what_it_displaces() -> None:
    problem = two_for_one_slot()
    e = explain(problem, time_limit=None)
    assert set(e.plan.starts) == {"a", "c"}
    (rej,) = e.rejected
    assert rej.id == "b"
    assert rej.best_start == 2027
    assert [(v.rule, v.year) for v in rej.violations] == [(Rule.capital, 2027)]
    assert rej.violations[0].amount == pytest.approx(6.0)
    assert rej.money_needed == pytest.approx(6.0)
    assert "anlægsrammen" in rej.reason and "2027" in rej.reason and "6.0 mio. DKK" in rej.reason
    assert rej.displaces == ("a",)
    forced = replace(problem, pinned_in=frozenset({"b"}))
    assert rej.value_loss == pytest.approx(e.plan.objective - solve(forced).objective)
    cost = {c.id: c for c in e.chosen}
    assert cost["a"].would_come_in == ("b",)
    assert cost["c"].would_come_in == ()
    assert e.binding()[0][:2] == (Rule.capital, 2027)


def test_extra_money_from_explanation_brings_it_in() -> None:
    problem = two_for_one_slot()
    rej = explain(problem, deep=False).rejected[0]
    extra = {(Rule.capital, 2027): rej.money_needed or 0.0}
    plan = solve(problem, extra_upper=extra)
    assert {"a", "b"} <= set(plan.starts)


def test_money_needed_counts_liquidity_once() -> None:
    from byibalance.portfolio import Violation

    found = [
        Violation(Rule.liquidity, 2027, 5.0, ""),
        Violation(Rule.liquidity, 2028, 8.0, ""),
        Violation(Rule.capital, 2027, 2.0, ""),
        Violation(Rule.capital, 2028, 1.0, ""),
    ]
    assert money_needed(found) == pytest.approx(8.0 + 3.0)
    assert money_needed([Violation(Rule.requires, 2027, 0.0, "")]) == float("inf")


def test_ranking_adds_ambitions_as_money_grows(small: Catalogue) -> None:
    problem = Problem(small, headroom(capital=5.0, liquidity=5.0), modes=HARD)
    steps = rank_by_budget(problem, [0.0, 5.0, 10.0, 20.0])
    objectives = [s.objective for s in steps]
    assert objectives == sorted(objectives)
    assert len(steps[-1].selected) >= len(steps[0].selected)
    assert set(steps[1].entered) == set(steps[1].selected) - set(steps[0].selected)


def test_pareto_points_are_feasible_and_not_dominated(small: Catalogue) -> None:
    problem = Problem(small, headroom(capital=12.0, liquidity=30.0), modes=HARD)
    front = pareto(problem, "climate", "social", points=5)
    assert front
    for p in front:
        assert not any(q.x >= p.x and q.y >= p.y and (q.x, q.y) != (p.x, p.y) for q in front)
    xs = [p.x for p in front]
    ys = [p.y for p in front]
    assert xs == sorted(xs) and ys == sorted(ys, reverse=True)
    with pytest.raises(Exception, match="unknown dimension 'cost'"):
        pareto(problem, "cost", "social")


@pytest.mark.slow
def test_default_catalogue_plan_keeps_every_rule() -> None:
    from byibalance.portfolio.loaders import default_catalogue_path, read_catalogue

    file = read_catalogue(default_catalogue_path(165))
    assert file.headroom is not None
    problem = Problem(file.catalogue, file.headroom)
    plan = solve(problem, time_limit=15)  # a feasibility check; proof is the benchmark's job
    assert check_plan(problem, plan.starts) == []
    assert 0 < len(plan.starts) < len(file.catalogue)


def cold_reasons(problem: Problem, plan: Plan) -> dict[str, tuple[tuple[str, ...], float]]:
    """The oracle: per ambition, a plain cold re-solve (no start, no threads), pinned out if
    chosen, pinned in if not; what comes in or goes out, and the value lost."""
    out: dict[str, tuple[tuple[str, ...], float]] = {}
    for key in problem.catalogue:
        if key in plan.starts:
            other = solve(replace(problem, pinned_out=problem.pinned_out | {key}))
            moved = [k for k in other.starts if k not in plan.starts]
        else:
            other = solve(replace(problem, pinned_in=problem.pinned_in | {key}))
            moved = [k for k in plan.starts if k not in other.starts]
        assert other.proven_optimal
        out[key] = (
            tuple(k for k in problem.catalogue if k in moved),
            plan.objective - other.objective,
        )
    return out


@pytest.mark.slow
def test_albertslund_reasons_equal_a_cold_re_solve_per_ambition() -> None:
    # the first 16 of Albertslund's ambitions under its catalogue's room: 13 fit, 3 do not,
    # and the re-solves bring ambitions in and push others out; the whole catalogue would take
    # about a minute per oracle run
    from byibalance.portfolio.loaders import default_catalogue_path, read_catalogue

    file = read_catalogue(default_catalogue_path(165))
    assert file.headroom is not None
    ambitions = file.catalogue.ambitions()[:16]
    problem = Problem(Catalogue(ambitions), file.headroom)
    plan = solve(problem)
    e = explain(problem, plan, time_limit=None)
    assert explain(problem, plan, time_limit=None, workers=1) == e
    oracle = cold_reasons(problem, plan)
    found = {r.id: (r.displaces, r.value_loss) for r in e.rejected}
    found |= {c.id: (c.would_come_in, c.value_loss_if_removed) for c in e.chosen}
    assert len(e.rejected) == 3 and any(moved for moved, _ in found.values())
    assert found.keys() == oracle.keys()
    for key, (moved, loss) in oracle.items():
        assert found[key][0] == moved, key
        # both are proven optima (relative gap 0, absolute 1e-9); the sums differ in rounding
        assert found[key][1] == pytest.approx(loss, rel=1e-9, abs=1e-9), key
