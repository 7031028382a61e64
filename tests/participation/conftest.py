"""Shared by the citizens' budget tests: where the real Pabulib files are
(``BYIBALANCE_PABULIB_DIR``, set by CI, or shared/), and small elections built from lists."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path

import pytest

from byibalance.participation import Ballot, Election, Project, profile_from_ballots
from byibalance.participation.model import Profile

ENV = "BYIBALANCE_PABULIB_DIR"


def pabulib_dir() -> Path | None:
    """The folder of .pb files, or None if absent."""
    env = os.environ.get(ENV)
    if env:
        return Path(env) if Path(env).is_dir() else None
    default = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "pabulib"
    return default if default.is_dir() else None


@pytest.fixture(scope="session")
def pbdir() -> Path:
    """The Pabulib folder; skips with a message naming the environment variable if absent."""
    d = pabulib_dir()
    if d is None:
        pytest.skip(f"Pabulib files not found: set {ENV} to the folder of .pb files")
    return d


def build_election(
    costs: Sequence[int],
    ballots: Sequence[Iterable[int]],
    budget: int,
    *,
    categories: Sequence[str | None] | None = None,
    category_caps: Mapping[str, int] | None = None,
) -> tuple[Election, Profile]:
    """An approval election from plain lists, as the random and hand-worked tests write them.

    Project ``p`` has id ``str(p)`` and costs ``costs[p]``; voter ``i`` has id ``str(i)`` and
    approves the project indices in ``ballots[i]`` (named in increasing order on the ballot).
    With ``categories``, project ``p`` is in category ``categories[p]`` (``None``: in none), and
    ``category_caps`` caps the spending per category.
    """
    cats = categories if categories is not None else [None] * len(costs)
    election = Election(
        projects=tuple(
            Project(str(p), Fraction(c), categories=(k,) if k else ())
            for p, (c, k) in enumerate(zip(costs, cats, strict=True))
        ),
        budget=Fraction(budget),
        category_caps={k: Fraction(v) for k, v in (category_caps or {}).items()},
    )
    profile = profile_from_ballots(
        election, [Ballot(str(i), tuple(str(p) for p in sorted(b))) for i, b in enumerate(ballots)]
    )
    return election, profile
