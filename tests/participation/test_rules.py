"""The rules against naive, obviously-correct implementations on random small elections."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.participation.conftest import build_election

from byibalance.participation import (
    RULES,
    RuleOptions,
    method_of_equal_shares,
)


def naive_mes(
    costs: list[int], ballots: list[set[int]], budget: Fraction, utility: str
) -> list[int]:
    """MES straight from equalshares.net, per voter, in fractions; ties by project id string."""
    n = len(ballots)
    money = [budget / n] * n
    chosen: list[int] = []
    while True:
        best: tuple[Fraction, str, int, Fraction] | None = None
        for p, c in enumerate(costs):
            sup = [i for i in range(n) if p in ballots[i]]
            if p in chosen or not sup or sum(money[i] for i in sup) < c:
                continue
            lo = sorted(money[i] for i in sup)
            paid, q = Fraction(0), Fraction(0)
            for k, b in enumerate(lo):
                q = (c - paid) / (len(lo) - k)
                if q <= b:
                    break
                paid += b
            rho = q / (c if utility == "cost" else 1)
            if best is None or (rho, str(p)) < best[:2]:
                best = (rho, str(p), p, q)
        if best is None:
            return chosen
        _, _, p, q = best
        for i in range(n):
            if p in ballots[i]:
                money[i] -= min(money[i], q)
        chosen.append(p)


def naive_greedy(costs: list[int], ballots: list[set[int]], budget: int) -> list[int]:
    votes = [sum(p in b for b in ballots) for p in range(len(costs))]
    spent, chosen = 0, []
    for p in sorted(range(len(costs)), key=lambda p: (-votes[p], str(p))):
        if votes[p] and spent + costs[p] <= budget:
            chosen.append(p)
            spent += costs[p]
    return chosen


def naive_phragmen(costs: list[int], ballots: list[set[int]], budget: int) -> list[int]:
    n = len(ballots)
    load = [Fraction(0)] * n
    live = {p for p in range(len(costs)) if any(p in b for b in ballots)}
    chosen: list[int] = []
    spent = 0
    while live:

        def t(p: int) -> Fraction:
            sup = [i for i in range(n) if p in ballots[i]]
            return (Fraction(costs[p]) + sum((load[i] for i in sup), Fraction(0))) / len(sup)

        p = min(live, key=lambda p: (t(p), str(p)))
        tp = t(p)
        live.discard(p)
        if spent + costs[p] > budget:
            continue
        spent += costs[p]
        for i in range(n):
            if p in ballots[i]:
                load[i] = tp
        chosen.append(p)
    return chosen


elections = st.integers(2, 7).flatmap(
    lambda m: st.tuples(
        st.lists(st.integers(1, 30), min_size=m, max_size=m),
        st.lists(st.sets(st.integers(0, m - 1)), min_size=1, max_size=12),
        st.integers(1, 120),
    )
)


@settings(max_examples=150, deadline=None)
@given(elections, st.sampled_from(["cost", "approval"]))
def test_mes_equals_naive(data: tuple[list[int], list[set[int]], int], utility: str) -> None:
    costs, ballots, budget = data
    election, profile = build_election(costs, ballots, budget)
    out = method_of_equal_shares(election, profile, options=RuleOptions(utility=utility))
    expected = naive_mes(costs, ballots, Fraction(budget), utility)
    assert list(out.selected) == [str(p) for p in expected]
    assert out.cost <= budget


@settings(max_examples=150, deadline=None)
@given(elections)
def test_greedy_and_phragmen_equal_naive(data: tuple[list[int], list[set[int]], int]) -> None:
    costs, ballots, budget = data
    election, profile = build_election(costs, ballots, budget)
    assert list(RULES["greedy"](election, profile).selected) == [
        str(p) for p in naive_greedy(costs, ballots, budget)
    ]
    assert list(RULES["phragmen"](election, profile).selected) == [
        str(p) for p in naive_phragmen(costs, ballots, budget)
    ]


@settings(max_examples=60, deadline=None)
@given(elections, st.sampled_from(["none", "add1", "add1-exhaustive", "greedy"]))
def test_every_completion_stays_within_budget(
    data: tuple[list[int], list[set[int]], int], completion: str
) -> None:
    costs, ballots, budget = data
    election, profile = build_election(costs, ballots, budget)
    out = method_of_equal_shares(election, profile, options=RuleOptions(completion=completion))
    assert out.cost <= budget
    base = method_of_equal_shares(election, profile)
    assert set(base.selected) <= set(out.selected) or completion.startswith("add1")


@pytest.mark.parametrize("name", sorted(RULES))
def test_rule_family_contract(name: str) -> None:
    """Every rule: same signature, selected in order bought, rounds match, stats add up."""
    costs, ballots = [40, 30, 30, 50], [{0, 1}, {0}, {1, 2}, {3}, {0, 3}]
    election, profile = build_election(costs, ballots, 100)
    out = RULES[name](election, profile, options=RuleOptions())
    assert tuple(r.project_id for r in out.rounds) == out.selected
    assert out.cost == sum(Fraction(costs[int(p)]) for p in out.selected) <= 100
    assert {lp.project_id for lp in out.losers} | set(out.selected) == {"0", "1", "2", "3"}
    funded = [len(b & {int(p) for p in out.selected}) for b in ballots]
    assert out.statistics.share_no_funded == Fraction(sum(f == 0 for f in funded), 5)
    assert out.statistics.avg_funded_per_voter == Fraction(sum(funded), 5)


def test_mes_explains_price_and_payers() -> None:
    """3 voters, budget 90: each has 30. Project 0 (cost 60, voters 0 and 1) costs 30 each."""
    election, profile = build_election([60, 90], [{0}, {0}, {1}], 90)
    out = method_of_equal_shares(election, profile)
    assert out.selected == ("0",)
    r = out.rounds[0]
    assert (r.price_per_voter, r.payers, r.paid_all) == (Fraction(30), 2, 2)
    loser = out.losers[0]
    assert loser.project_id == "1" and loser.shortfall == Fraction(60)


def test_tie_breaking_by_votes_then_cost() -> None:
    election, profile = build_election([10, 10, 5], [{1}, {0, 1}, {2}, {2}], 10)
    by_id = RULES["greedy"](election, profile)
    assert by_id.selected == ("1",)
    by_votes = RULES["greedy"](election, profile, options=RuleOptions(tie_breaking="votes"))
    assert by_votes.selected == ("2",)


def naive_add1(
    costs: list[int], ballots: list[set[int]], budget: int, exhaustive: bool
) -> list[int]:
    """Add1 from its definition: rerun naive MES with B/n + k per voter, k = 0, 1, 2, ..."""
    n = len(ballots)
    supported = {p for b in ballots for p in b}
    previous: list[int] = []
    k = 0
    while True:
        chosen = naive_mes(costs, ballots, Fraction(budget + k * n), "cost")
        total = sum(costs[p] for p in chosen)
        if total > budget:
            return previous
        left = budget - total
        if exhaustive and not any(costs[p] <= left for p in range(len(costs)) if p not in chosen):
            return chosen
        if len(chosen) == len(supported) or Fraction(budget, n) + k >= max(costs):
            return chosen
        previous, k = chosen, k + 1


@settings(max_examples=60, deadline=None)
@given(elections, st.booleans())
def test_add1_equals_naive(data: tuple[list[int], list[set[int]], int], exhaustive: bool) -> None:
    costs, ballots, budget = data
    election, profile = build_election(costs, ballots, budget)
    completion = "add1-exhaustive" if exhaustive else "add1"
    out = method_of_equal_shares(election, profile, options=RuleOptions(completion=completion))
    assert list(out.selected) == [str(p) for p in naive_add1(costs, ballots, budget, exhaustive)]
