"""The link to the budget: headroom from a real Budget, and every chosen plan checked by the
finance module's own rules (compute_budget with adjustments, then check_rules)."""

from __future__ import annotations

import pytest

from byibalance.finance import check_rules, compute_budget
from byibalance.finance.inputs import budget_parameters
from byibalance.population import project
from byibalance.portfolio import Catalogue, Problem, Rule, check_plan
from byibalance.portfolio.budget import (
    MIO,
    adjustments_for_plan,
    headroom_from_budget,
    solve_verified,
    verify,
)
from byibalance.services import compute

from .conftest import HARD, ambition


@pytest.fixture(scope="module")
def baseline():  # type: ignore[no-untyped-def]
    params = budget_parameters("165")
    projection = project("165", housing=False)
    services = compute(projection, params)
    budget = compute_budget(projection, services, params)
    return params, projection, services, budget


def test_headroom_is_limit_minus_baseline(baseline) -> None:  # type: ignore[no-untyped-def]
    _, _, _, budget = baseline
    h = headroom_from_budget(budget)
    y = budget.years[0]
    assert h.years[0] == y.year
    assert h.capital[0] == pytest.approx(max(0.0, (y.capital_level - y.capital_expenditure) / MIO))
    assert h.service[0] == pytest.approx((y.service_ceiling - y.service_expenditure) / MIO)
    assert h.liquidity[0] == pytest.approx(
        min(y.liquidity_end - y.liquidity_floor, y.liquidity_average) / MIO
    )
    assert h.limits[Rule.capital][0] == pytest.approx(y.capital_level / MIO)
    assert h.baseline_slack(Rule.capital)[0] == pytest.approx(
        (y.capital_level - y.capital_expenditure) / MIO
    )


def test_adjustments_carry_the_plan_into_the_budget(baseline) -> None:  # type: ignore[no-untyped-def]
    cat = Catalogue([ambition("a", capital_per_year=10, duration=2, operating_per_year=1.5,
                              revenue_one_off=4)])  # fmt: skip
    adj = adjustments_for_plan(cat, {"a": 2027}, [2027, 2028, 2029, 2030])
    assert adj.capital == {2027: 10 * MIO, 2028: 10 * MIO, 2029: 0.0, 2030: 0.0}
    assert adj.operating[2029] == pytest.approx(1.5 * MIO) and adj.operating[2028] == 0.0
    assert adj.revenue[2029] == pytest.approx(4 * MIO) and adj.revenue[2030] == 0.0


@pytest.mark.slow
def test_chosen_plan_passes_the_finance_rules(baseline) -> None:  # type: ignore[no-untyped-def]
    params, projection, services, budget = baseline
    before = check_rules(budget, params)
    years = [y.year for y in budget.years]
    cat = Catalogue(
        [
            ambition("school", capital_per_year=8, duration=2, social=8),
            ambition("hall", capital_per_year=5, duration=1, social=4, requires=["school"]),
            ambition("heat", capital_per_year=6, duration=2, climate=900, operating_per_year=-1),
            ambition("care", capital_per_year=9, duration=3, social=7, operating_per_year=3),
        ]
    )

    def check(starts):  # type: ignore[no-untyped-def]
        adj = adjustments_for_plan(cat, starts, years)
        return verify(before, check_rules(compute_budget(projection, services, params,
                                                         adjustments=adj), params))  # fmt: skip

    problem = Problem(cat, headroom_from_budget(budget), modes=HARD)
    plan, solved, verdict = solve_verified(problem, check)
    assert plan.starts, "some ambition should fit Albertslund's no-growth room"
    assert check_plan(solved, plan.starts) == []
    mapped = [
        c
        for c in verdict.new_problems
        if c.rule in ("service_ceiling", "capital_level", "kassekreditreglen", "liquidity_target")
    ]
    assert mapped == []


@pytest.mark.slow
def test_frame_warnings_match_the_finance_rules(baseline) -> None:  # type: ignore[no-untyped-def]
    """Warning mode: the plan's capital warnings per year equal what finance.rules reports for
    the budget with the plan (capital spending minus the municipality's share), and only the
    warned frames are set aside from the verdict."""
    params, projection, services, budget = baseline
    before = check_rules(budget, params)
    years = [y.year for y in budget.years]
    cat = Catalogue(
        [ambition(f"big{i}", capital_per_year=60, duration=2, social=8 - i, latest_start=2028)
         for i in range(3)]
    )  # fmt: skip

    def check(starts):  # type: ignore[no-untyped-def]
        adj = adjustments_for_plan(cat, starts, years)
        return verify(before, check_rules(compute_budget(projection, services, params,
                                                         adjustments=adj), params))  # fmt: skip

    plan, _, verdict = solve_verified(Problem(cat, headroom_from_budget(budget)), check)
    assert len(plan.starts) == 3
    finance = {
        c.year: (c.value - c.limit) / MIO
        for c in verdict.checks
        if c.rule == "capital_level" and c.status == "warning"
    }
    ours = {w.year: w.over for w in plan.warnings if w.rule is Rule.capital}
    assert ours and set(ours) == set(finance)
    for year, over in ours.items():
        assert over == pytest.approx(finance[year], abs=1e-6)
    assert {c.rule for c in verdict.warned} <= {"capital_level", "service_ceiling"}
    assert "capital_level" in {c.rule for c in verdict.warned}
    assert not [c for c in verdict.new_problems if c.rule in ("capital_level", "service_ceiling")]
