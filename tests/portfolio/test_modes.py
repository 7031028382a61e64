"""Constraint modes: the collective frames as warnings (default) or hard limits, and a baseline
that already breaks a hard rule before any ambition."""

from __future__ import annotations

import pytest

from byibalance.errors import PortfolioError
from byibalance.finance.rules import RULES
from byibalance.portfolio import (
    DEFAULT_MODES,
    FRAMES,
    RESOURCE_RULES,
    RULE_NATURE,
    Catalogue,
    Headroom,
    Mode,
    Problem,
    Rule,
    check_plan,
    explain,
    frame_warnings,
    modes_for,
    solve,
)
from byibalance.portfolio.budget import RULE_OF_CHECK
from byibalance.provenance import Status

from .conftest import HARD, ambition
from .test_optimise import brute_force, no_worse_than_the_baseline

WARNING = dict(DEFAULT_MODES)


def test_mode_table_follows_the_rules_legal_nature() -> None:
    assert set(RULE_NATURE) == set(RESOURCE_RULES)
    # anlægsramme and serviceramme are collective frames: warnings by default (DOMAIN §5)
    assert (Rule.capital, Rule.service) == FRAMES
    assert dict(DEFAULT_MODES) == {
        Rule.capital: Mode.warning, Rule.service: Mode.warning, Rule.liquidity: Mode.hard
    }  # fmt: skip
    # kassekreditreglen binds each municipality: hard whatever the frames' switch says
    assert modes_for("hard") == dict.fromkeys(RESOURCE_RULES, Mode.hard)
    assert modes_for(Mode.warning) == DEFAULT_MODES
    for nature in RULE_NATURE.values():
        assert nature.meaning and "§5" in nature.source and "DOMAIN.md" in nature.source
    # the table names exactly the finance checks the headroom stands for, all of them real
    named = {c: r for r, n in RULE_NATURE.items() for c in n.finance_checks}
    assert named == dict(RULE_OF_CHECK)
    assert set(named) <= set(RULES)
    assert Problem(Catalogue([ambition("a")]), room()).modes == DEFAULT_MODES
    with pytest.raises(PortfolioError, match="unknown mode 'soft' for the collective frames"):
        modes_for("soft")
    with pytest.raises(PortfolioError, match=r"modes\.window"):
        Problem(Catalogue([ambition("a")]), room(), modes={Rule.window: Mode.hard})


def room(capital: tuple[float, ...] = (10.0, 10.0), liquidity: tuple[float, ...] = (100.0, 100.0),
         service: tuple[float, ...] = (1.0, 1.0)) -> Headroom:  # fmt: skip
    years = range(2027, 2027 + len(capital))
    slack = {Rule.capital: capital, Rule.liquidity: liquidity, Rule.service: service}
    limits = {Rule.capital: (50.0,) * len(capital)}
    return Headroom.from_slack(years, slack, Status.ASSUMPTION, "test", limits=limits)


def two_for_one_slot() -> Catalogue:
    # capital room 10 in 2027; a and b can only start in 2027; c costs service after 2027
    return Catalogue(
        [
            ambition("a", capital_per_year=10, duration=1, latest_start=2027, social=8),
            ambition("b", capital_per_year=6, duration=1, latest_start=2027, social=5),
            ambition("c", capital_per_year=1, duration=1, latest_start=2027, social=2,
                     operating_per_year=1.5),
        ]
    )  # fmt: skip


def test_warning_and_hard_modes_give_different_exact_plans() -> None:
    cat = two_for_one_slot()
    hard = Problem(cat, room(), modes=HARD)
    soft = Problem(cat, room(), modes=WARNING)
    hard_plan, soft_plan = solve(hard), solve(soft)
    # hard: 10 of capital room in 2027 takes only a; c's 1.5 of service > 1.0 of room
    assert dict(hard_plan.starts) == {"a": 2027}
    # warning: the frames do not bind, all three come in (liquidity room 100 is ample)
    assert dict(soft_plan.starts) == {"a": 2027, "b": 2027, "c": 2027}
    for problem, plan in ((hard, hard_plan), (soft, soft_plan)):
        assert plan.objective == pytest.approx(brute_force(problem), rel=1e-9)
        assert check_plan(problem, plan.starts) == []
    assert hard_plan.warnings == ()
    # the warnings, year by year, with amounts: capital 17 against 10 of slack in 2027;
    # service 1.5 against 1.0 in 2028 (c's afledt drift after completion)
    got = {(w.rule, w.year): (w.over, w.baseline_over, w.plan_adds, w.limit)
           for w in soft_plan.warnings}  # fmt: skip
    assert got == {
        (Rule.capital, 2027): pytest.approx((7.0, 0.0, 7.0, 50.0)),
        (Rule.service, 2028): (pytest.approx(0.5), 0.0, pytest.approx(0.5), None),
    }
    assert frame_warnings(soft, soft_plan.starts) == soft_plan.warnings


def test_hard_mode_reasons_name_the_rule_and_year_warning_mode_lists_the_frames() -> None:
    cat = two_for_one_slot()
    e = explain(Problem(cat, room(), modes=HARD), deep=False)
    reasons = {r.id: r.reason for r in e.rejected}
    assert (
        "anlægsrammen" in reasons["b"]
        and "2027" in reasons["b"]
        and "6.0 mio. DKK" in (reasons["b"])
    )
    assert "servicerammen" in reasons["c"] and "2028" in reasons["c"]
    soft = explain(Problem(cat, room(), modes=WARNING), deep=False)
    assert soft.rejected == ()
    lines = soft.warning_lines()
    assert len(lines) == 2
    assert lines[0].startswith("anlægsrammen (capital-spending level): above the municipality's "
                               "share in 2027 (1 years), at most 7.0 mio. DKK in 2027")  # fmt: skip
    assert "collectively" in lines[0] and "A warning, not a limit" in lines[0]
    assert lines[1].startswith("servicerammen (service ceiling): above the municipality's share "
                               "in 2028")  # fmt: skip


def test_baseline_already_over_a_hard_rule_is_named_and_not_made_worse() -> None:
    # the baseline is 5 over the capital level in 2027 and 1 over the service ceiling in 2028
    h = room(capital=(-5.0, 10.0), service=(1.0, -1.0))
    assert h.capital == (0.0, 10.0) and h.service == (1.0, 0.0)
    assert h.baseline_slack(Rule.capital) == (-5.0, 10.0)
    assert any("2027" in n and "5.0 mio. DKK over the capital limit" in n for n in h.notes)
    cat = Catalogue(
        [
            ambition("only_2027", capital_per_year=3, duration=1, latest_start=2027, social=8),
            ambition("movable", capital_per_year=4, duration=1, latest_start=2028, social=6),
            # a saving after completion in 2028: allowed, it lowers the baseline's excess
            ambition("saving", capital_per_year=0, duration=1, latest_start=2027, social=1,
                     operating_per_year=-0.4),
        ]
    )  # fmt: skip
    hard = Problem(cat, h, modes=HARD)
    e = explain(hard, deep=False)
    plan = e.plan
    assert dict(plan.starts) == {"movable": 2028, "saving": 2027}
    assert plan.objective == pytest.approx(brute_force(hard), rel=1e-9)
    no_worse_than_the_baseline(hard, dict(plan.starts))
    assert [(v.rule, v.year, v.amount) for v in e.baseline_breaches] == [
        (Rule.capital, 2027, 5.0), (Rule.service, 2028, 1.0)
    ]  # fmt: skip
    assert e.breach_lines() == [
        "the baseline budget already breaks anlægsrammen (capital-spending level) before any "
        "ambition in 2027 (1 years), at most 5.0 mio. DKK in 2027; as a hard rule, the "
        "ambitions may not add to it there (their room is 0)",
        "the baseline budget already breaks servicerammen (service ceiling) before any ambition "
        "in 2028 (1 years), at most 1.0 mio. DKK in 2028; as a hard rule, the ambitions may not "
        "add to it there (their room is 0)",
    ]
    (rejected,) = e.rejected
    assert rejected.id == "only_2027"
    assert "anlægsrammen (capital-spending level) short in 2027, at most 3.0 mio. DKK" in (
        rejected.reason
    )
    assert "the baseline is already over it in 2027" in rejected.reason
    # the same headroom with the frames as warnings: all in, and the warning splits the excess
    soft = solve(Problem(cat, h, modes=WARNING))
    assert set(soft.starts) == {"only_2027", "movable", "saving"}
    assert soft.baseline_breaches == ()
    by_year = {(w.rule, w.year): w for w in soft.warnings}
    capital = by_year[(Rule.capital, 2027)]
    assert (capital.over, capital.baseline_over, capital.plan_adds) == pytest.approx(
        (12.0, 5.0, 7.0)  # only_2027 (3) and movable (4), now started in 2027
    )
    service = by_year[(Rule.service, 2028)]  # the saving lowers the excess from 1.0 to 0.6
    assert (service.over, service.baseline_over, service.plan_adds) == pytest.approx(
        (0.6, 1.0, -0.4)
    )


def test_baseline_below_the_liquidity_floor_lets_no_plan_lower_it() -> None:
    # liquidity is cumulative: the baseline is 2 below its floor at the end of 2028, so the
    # plan's net cash cost up to 2028 must be <= 0; a one-off sale in 2028 pays for a start
    h = room(capital=(50.0, 50.0), liquidity=(30.0, -2.0))
    cat = Catalogue(
        [
            ambition("cost", capital_per_year=5, duration=1, latest_start=2028, social=8),
            ambition("sale", capital_per_year=2, duration=1, latest_start=2027, social=1,
                     revenue_one_off=4),
        ]
    )  # fmt: skip
    for modes in (HARD, WARNING):  # liquidity is hard in both
        problem = Problem(cat, h, modes=modes)
        plan = solve(problem)
        assert plan.objective == pytest.approx(brute_force(problem), rel=1e-9)
        no_worse_than_the_baseline(problem, dict(plan.starts))
        assert [(v.rule, v.year) for v in plan.baseline_breaches] == [(Rule.liquidity, 2028)]
        assert dict(plan.starts) == {"sale": 2027}
