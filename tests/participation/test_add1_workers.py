"""Add1's steps counted ahead in forked workers give exactly the one-after-another result."""

from __future__ import annotations

import sys
from fractions import Fraction
from pathlib import Path

import pytest
from tests.participation.conftest import build_election

from byibalance.errors import ParticipationError
from byibalance.participation import (
    RuleOptions,
    method_of_equal_shares,
)
from byibalance.participation.files import read_pb
from byibalance.participation.rules import _can_fork

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="Add1 workers fork: Linux only"
)


@pytest.mark.parametrize("completion", ["add1", "add1-exhaustive"])
def test_workers_settle_where_one_worker_settles(completion: str) -> None:
    # many small steps (step 1/7 on costs near 100): the settled step lies beyond several chunks
    election, profile = build_election(
        [40, 55, 70, 90, 100, 120, 35, 60],
        [{0, 1}, {1, 2, 3}, {0, 4}, {5}, {2, 6}, {6, 7}, {3, 4, 5}, {7}, {0, 7}, {1, 5}],
        260,
    )
    one = RuleOptions(completion=completion, add1_step=Fraction(1, 7))  # type: ignore[arg-type]
    two = RuleOptions(completion=completion, add1_step=Fraction(1, 7), add1_workers=2)  # type: ignore[arg-type]
    serial = method_of_equal_shares(election, profile, options=one)
    ahead = method_of_equal_shares(election, profile, options=two)
    assert serial.voter_budget > Fraction(260, 10) + 8 * Fraction(1, 7)  # past the first chunk
    assert ahead.selected == serial.selected
    assert ahead.voter_budget == serial.voter_budget


def test_workers_below_one_are_refused() -> None:
    election, profile = build_election([10, 20], [{0}, {1}], 30)
    with pytest.raises(ParticipationError, match="number of Add1 workers"):
        method_of_equal_shares(
            election, profile, options=RuleOptions(completion="add1", add1_workers=0)
        )


@pytest.mark.slow
def test_warsaw_2026_with_two_workers_equals_one(pbdir: Path) -> None:
    if not _can_fork():
        pytest.skip("one core: the steps are counted one after another")
    election, profile = read_pb(pbdir / "Poland_Warszawa_2026.pb")
    serial = method_of_equal_shares(election, profile, options=RuleOptions(completion="add1"))
    ahead = method_of_equal_shares(
        election, profile, options=RuleOptions(completion="add1", add1_workers=2)
    )
    assert ahead.selected == serial.selected
    assert ahead.voter_budget == serial.voter_budget == Fraction(35533727, 61668)
