"""Official results of real elections, and agreement with pabutools (test-only oracle, GPL)."""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest

from byibalance.participation import RuleOptions, greedy, method_of_equal_shares
from byibalance.participation.files import read_pb
from byibalance.participation.model import Election, Profile


@cache
def _load(path: Path) -> tuple[Election, Profile]:
    return read_pb(path)


def _official(election: Election) -> set[str]:
    return {p.id for p in election.projects if p.extra.get("selected") == "1"}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "count", "cost"),
    [
        ("Netherlands_Assen_2024.pb", 9, 76_700),
        ("Poland_Swiecie_2023.pb", 17, 1_040_337),
        ("Poland_Wieliczka_2023_Green_Budget.pb", 30, 995_079),
    ],
)
def test_mes_add1_last_feasible_reproduces_official_winners(
    pbdir: Path, name: str, count: int, cost: int
) -> None:
    election, profile = _load(pbdir / name)
    out = method_of_equal_shares(election, profile, options=RuleOptions(completion="add1"))
    assert (len(out.selected), out.cost) == (count, cost)
    assert set(out.selected) == _official(election)


@pytest.mark.slow
def test_wieliczka_first_exhaustive_is_not_official(pbdir: Path) -> None:
    """DOMAIN §7.2: 'first exhaustive' stops at 301.84 per voter with 31 projects (984,579)."""
    election, profile = _load(pbdir / "Poland_Wieliczka_2023_Green_Budget.pb")
    out = method_of_equal_shares(
        election, profile, options=RuleOptions(completion="add1-exhaustive")
    )
    assert (len(out.selected), out.cost) == (31, 984_579)
    assert abs(float(out.voter_budget or 0) - 301.84) < 0.01


@pytest.mark.parametrize(
    ("name", "threshold", "count", "cost"),
    [
        ("Poland_Warszawa_2023_Mokotow.pb", 0, 24, 8_693_845),
        ("Poland_Warszawa_2026.pb", 3000, 17, 24_171_003),
    ],
)
def test_greedy_reproduces_warsaw(
    pbdir: Path, name: str, threshold: int, count: int, cost: int
) -> None:
    election, profile = _load(pbdir / name)
    out = greedy(election, profile, options=RuleOptions(threshold=threshold))
    assert (len(out.selected), out.cost) == (count, cost)
    assert set(out.selected) == _official(election)


def test_warsaw_2026_needs_its_threshold(pbdir: Path) -> None:
    election, profile = _load(pbdir / "Poland_Warszawa_2026.pb")
    out = greedy(election, profile)
    assert set(out.selected) != _official(election)


FILES = [
    "Netherlands_Assen_2024.pb",
    "US_Stanford_Dataset_PB_Chicago_35th_Ward_2021_vote_rankings.pb",
    "France_Toulouse_2019.pb",
    "Poland_Swiecie_2023.pb",
    "Poland_Wieliczka_2023_Green_Budget.pb",
    "Netherlands_Amsterdam_335.pb",
    "Poland_Warszawa_2023_Mokotow.pb",
    pytest.param("Poland_Warszawa_2026.pb", marks=pytest.mark.slow),
]


@pytest.mark.parametrize("name", FILES)
def test_mes_equals_pabutools(pbdir: Path, name: str) -> None:
    """MES, cost utilities, no completion, id tie-breaking: the same projects as pabutools."""
    pabutools = pytest.importorskip("pabutools")
    del pabutools
    from pabutools.election import Cost_Sat, parse_pabulib
    from pabutools.rules import method_of_equal_shares as pabu_mes

    instance, pprofile = parse_pabulib(str(pbdir / name))
    theirs = {p.name for p in pabu_mes(instance, pprofile, sat_class=Cost_Sat)}
    election, profile = _load(pbdir / name)
    # pabutools' MES ignores category caps (Amsterdam's max_sum_cost_per_category); ours keeps them
    ours = method_of_equal_shares(replace(election, category_caps={}), profile)
    assert set(ours.selected) == theirs


def test_statistics_of_wieliczka(pbdir: Path) -> None:
    """equalshares.net: under greedy 28 % of Wieliczka's voters get nothing (rounded)."""
    election, profile = _load(pbdir / "Poland_Wieliczka_2023_Green_Budget.pb")
    out = greedy(election, profile)
    assert round(float(out.statistics.share_no_funded) * 100) == 28
