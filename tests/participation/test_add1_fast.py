"""The faster MES engine gives the previous engine's Add1 selections exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.participation.conftest import build_election

from byibalance.participation import (
    RuleOptions,
    method_of_equal_shares,
)
from byibalance.participation.files import read_pb
from byibalance.participation.mes_engine import MesEngine
from byibalance.participation.rules import _add1_reference

# Bigger than the naive-oracle elections: more voters so that classes split, tie and go poor.
elections = st.integers(2, 9).flatmap(
    lambda m: st.tuples(
        st.lists(st.integers(1, 60), min_size=m, max_size=m),
        st.lists(st.sets(st.integers(0, m - 1)), min_size=1, max_size=40),
        st.integers(1, 300),
    )
)


@settings(max_examples=120, deadline=None)
@given(
    elections,
    st.sampled_from(["add1", "add1-exhaustive"]),
    st.sampled_from(["cost", "approval"]),
    st.sampled_from(["id", "votes"]),
)
def test_fast_add1_equals_reference_on_random_elections(
    data: tuple[list[int], list[set[int]], int], completion: str, utility: str, tie: str
) -> None:
    costs, ballots, budget = data
    election, profile = build_election(costs, ballots, budget)
    options = RuleOptions(completion=completion, utility=utility, tie_breaking=tie)  # type: ignore[arg-type]
    small = MesEngine.REFERENCE_BELOW_VOTERS
    MesEngine.REFERENCE_BELOW_VOTERS = 0  # force the fast path on these small elections
    try:
        out = method_of_equal_shares(election, profile, options=options)
    finally:
        MesEngine.REFERENCE_BELOW_VOTERS = small
    selected, voter_budget = _add1_reference(election, profile, options)
    assert out.selected == selected
    assert out.voter_budget == voter_budget


@pytest.mark.slow
@pytest.mark.parametrize(
    "name",
    [
        "Netherlands_Assen_2024.pb",
        "Poland_Swiecie_2023.pb",
        "Poland_Wieliczka_2023_Green_Budget.pb",
    ],
)
@pytest.mark.parametrize("completion", ["add1", "add1-exhaustive"])
def test_fast_add1_equals_reference_on_shipped_files(
    pbdir: Path, name: str, completion: str
) -> None:
    election, profile = read_pb(pbdir / name)
    options = RuleOptions(completion=completion)  # type: ignore[arg-type]
    small = MesEngine.REFERENCE_BELOW_VOTERS
    MesEngine.REFERENCE_BELOW_VOTERS = 0  # the fast path on Assen's 84 voters too
    try:
        out = method_of_equal_shares(election, profile, options=options)
    finally:
        MesEngine.REFERENCE_BELOW_VOTERS = small
    selected, voter_budget = _add1_reference(election, profile, options)
    assert out.selected == selected
    assert out.voter_budget == voter_budget
