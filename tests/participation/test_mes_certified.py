"""The certified float count (Add1's reruns) gives the exact count's selection, or gives up.

Oracle: the previous exact engine, ``_ReferenceMesEngine``. Elections with exact ties (a
project costing exactly what its supporters hold, two projects with equal prices, a voter's
money equal to the price) must make the float count give up and the exact count decide.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.participation.conftest import build_election

from byibalance.participation import (
    Election,
    RuleOptions,
)
from byibalance.participation.files import read_pb
from byibalance.participation.mes_engine import MesEngine, _ReferenceMesEngine
from byibalance.participation.model import Profile
from byibalance.participation.rules import (
    Completion,
    TieBreaking,
    _add1,
    _add1_reference,
    _tie_key,
)
from byibalance.participation.support import Support


@pytest.fixture(autouse=True)
def _certify_small_elections(monkeypatch: pytest.MonkeyPatch) -> None:
    """These elections are tiny: make ``run`` try the float count on them too."""
    monkeypatch.setattr(MesEngine, "CERTIFIED_FROM_VOTERS", 0)


def _engines(
    election: Election, profile: Profile, utility: str = "cost", tie: TieBreaking = "id"
) -> tuple[MesEngine, _ReferenceMesEngine]:
    support = Support(election, profile)
    key = _tie_key(election, support.counts, tie)
    return (
        MesEngine(election, support, utility, key),
        _ReferenceMesEngine(election, support, utility, key),
    )


elections = st.integers(1, 8).flatmap(
    lambda m: st.tuples(
        st.lists(st.integers(1, 60), min_size=m, max_size=m),
        st.lists(st.sets(st.integers(0, m - 1)), min_size=1, max_size=60),
        st.integers(1, 300),
        st.integers(0, 40),
    )
)


@settings(max_examples=300, deadline=None)
@given(elections, st.sampled_from(["cost", "approval"]), st.sampled_from(["id", "votes"]))
def test_certified_count_is_exact_or_gives_up(
    data: tuple[list[int], list[set[int]], int, int], utility: str, tie: TieBreaking
) -> None:
    costs, ballots, budget, extra = data
    election, profile = build_election(costs, ballots, budget)
    fast, reference = _engines(election, profile, utility, tie)
    b0 = election.budget / profile.num_voters + extra
    certified = fast.certified_chosen(b0)
    exact = reference.run(b0).chosen
    if certified is not None:
        assert certified == exact
    assert fast.run(b0).chosen == exact


def test_clear_election_is_certified() -> None:
    # distinct prices, no voter's money near any price: no exact arithmetic needed (cost
    # utilities: ρ = 1/k while nobody is poor, so the supporter counts differ)
    election, profile = build_election([30, 50, 70], [{0, 1}, {0}, {1, 2}, {2}, {0, 2}, {2}], 120)
    fast, reference = _engines(election, profile)
    b0 = election.budget / profile.num_voters
    assert fast.certified_chosen(b0) == reference.run(b0).chosen == [2, 0]
    assert fast.run(b0).chosen == [2, 0]
    assert fast.exact_fallbacks == 0


def test_money_just_above_the_price_is_still_certified() -> None:
    # b0 = 10^10. Round 1 buys project 0 (5 supporters pay 10^9 each, ρ = 1/5 < 1/4). Round 2:
    # project 1's price is 9·10^9 - 1, one below the money voters 0 and 1 kept: closer than
    # Newton's reach (about 2e-9·b0 = 20), so its stop test cannot vouch for the split, yet far
    # wider than the payment's error band (~1e-4): the explicit rich/poor check certifies it
    cost_1 = 4 * (9 * 10**9 - 1)
    ballots = [{0, 1}, {0, 1}, {0}, {0}, {1}, {1}, {0}]
    election, profile = build_election([5 * 10**9, cost_1], ballots, 7 * 10**10)
    fast, reference = _engines(election, profile)
    b0 = election.budget / profile.num_voters
    assert b0 == 10**10
    assert fast.certified_chosen(b0) == reference.run(b0).chosen == [0, 1]
    rounds = reference.run(b0, explain=True).rounds
    assert rounds[1].price_per_voter == 9 * 10**9 - 1


def test_cost_equal_to_supporters_money_falls_back() -> None:
    # both voters hold 5 and the project costs 10: q = 5 = each voter's money, a tie at the
    # budget limit that floats cannot certify
    election, profile = build_election([10], [{0}, {0}], 10)
    fast, reference = _engines(election, profile)
    b0 = Fraction(5)
    assert fast.certified_chosen(b0) is None
    assert fast.run(b0).chosen == reference.run(b0).chosen == [0]
    assert fast.exact_fallbacks == 1


def test_equal_prices_fall_back_to_the_tie_break() -> None:
    # two projects with the same cost and the same number of supporters: equal ρ, the tie-break
    # (project id) decides, and only the exact count may apply it
    election, profile = build_election([20, 20], [{0}, {0}, {1}, {1}], 40)
    fast, reference = _engines(election, profile, "cost", "id")
    b0 = Fraction(10)
    assert fast.certified_chosen(b0) is None
    assert fast.run(b0).chosen == reference.run(b0).chosen == [0, 1]


def test_voter_money_equal_to_price_falls_back() -> None:
    # after project 0, project 1's price equals its supporters' money exactly: the poor/rich
    # split is an exact tie
    election, profile = build_election([4, 9], [{0, 1}, {0, 1}, {1}], 15)
    fast, reference = _engines(election, profile, "approval")
    b0 = Fraction(5)
    # approval utilities: round 1 buys project 0 (ρ = 2 < 3), voters 0 and 1 pay 2 and keep 3;
    # round 2: project 1 costs 9 = 3 + 3 + 3, its price 3 equals voters 0 and 1's money
    assert reference.run(b0).chosen == [0, 1]
    assert fast.certified_chosen(b0) is None
    assert fast.run(b0).chosen == [0, 1]


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 6), st.integers(1, 5), st.sampled_from(["add1", "add1-exhaustive"]))
def test_add1_with_exact_ties_at_the_budget_limit(
    k: int, groups: int, completion: Completion
) -> None:
    # ``groups`` disjoint groups of k voters, each group's project costing exactly what the
    # group holds at some Add1 step: every step has exact ties, the fallback decides each
    costs = [k * (10 + 3 * g) for g in range(groups)]
    ballots = [{g} for g in range(groups) for _ in range(k)]
    # every voter starts with 10 and steps by 1, so group g's project is exactly affordable
    # (each supporter's money equal to the price) at b = 10 + 3g
    election, profile = build_election(costs, ballots, 10 * k * groups)
    options = RuleOptions(completion=completion)
    fast, _ = _engines(election, profile)
    budget = _add1(election, fast, election.budget / profile.num_voters, options)
    selected, ref_budget = _add1_reference(election, profile, options)
    assert fast.exact_fallbacks > 0
    assert budget == ref_budget
    assert tuple(election.projects[p].id for p in fast.run(budget).chosen) == selected


def test_warsaw_2026_steps_are_certified_and_exact(pbdir: Path) -> None:
    # The file: with the global dmax bound in the payment and Newton's affine update of
    # G, every sampled Add1 step must still be certified (no give-up) and equal the exact count
    path = pbdir / "Poland_Warszawa_2026.pb"
    if not path.exists():
        pytest.skip(f"{path.name} not in {pbdir}")
    election, profile = read_pb(path)
    fast, reference = _engines(election, profile)
    start = election.budget / profile.num_voters
    for extra in (0, 61, 183):
        b0 = start + extra
        certified = fast.certified_chosen(b0)
        assert certified is not None, f"gave up at b0 = start + {extra}"
        assert certified == reference.run(b0).chosen
