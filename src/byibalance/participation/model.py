"""Citizens' budget elections and ballots: projects, budget, limits, and a columnar profile.

The profile keeps ballots column-wise (CSR arrays of project indices) so that an election with
tens of thousands of voters is read and counted fast; :meth:`Profile.ballot` gives one ballot back
as a plain :class:`Ballot`. Everything here is pure: no file is opened.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from byibalance.errors import BallotError, ErrorLocation

VOTE_TYPES = ("approval", "cumulative", "scoring", "ordinal")

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Project:
    """A project on the ballot: id, cost (exact), name, categories and district."""

    id: str
    cost: Fraction
    name: str = ""
    categories: tuple[str, ...] = ()
    district: str | None = None
    extra: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class BallotLimits:
    """The limits a ballot must respect (Pabulib META keys of the same names); None = no limit.

    Knapsack voting is approval with ``max_sum_cost`` equal to the budget.
    """

    min_length: int | None = None
    max_length: int | None = None
    min_sum_cost: Fraction | None = None
    max_sum_cost: Fraction | None = None
    min_points: int | None = None
    max_points: int | None = None
    min_sum_points: int | None = None
    max_sum_points: int | None = None


@dataclass(frozen=True)
class Election:
    """A participatory-budgeting election.

    ``category_caps`` maps a category to the most that may be spent on it; ``district_budgets``
    maps a district to its own budget (projects then carry that district). ``budget`` is the
    total: the district budgets (each >= 0) add up to at most it, and what is left is the
    city-wide part's budget (see :mod:`byibalance.participation.districts`). ``meta`` keeps every
    META key of a ``.pb`` file in order, so that writing gives back an equivalent file.
    """

    projects: tuple[Project, ...]
    budget: Fraction
    vote_type: str = "approval"
    limits: BallotLimits = BallotLimits()
    category_caps: Mapping[str, Fraction] = field(default_factory=dict)
    district_budgets: Mapping[str, Fraction] = field(default_factory=dict)
    meta: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.vote_type not in VOTE_TYPES:
            raise BallotError(
                f"unknown vote type {self.vote_type!r}",
                fix=f"use one of {', '.join(VOTE_TYPES)}",
                where=ErrorLocation(field="vote_type"),
            )
        if self.budget < 0:
            raise BallotError(
                f"negative budget {self.budget}",
                fix="give a budget of 0 or more",
                where=ErrorLocation(field="budget"),
            )
        seen: set[str] = set()
        for p in self.projects:
            if p.id in seen:
                raise BallotError(
                    f"project id {p.id!r} appears twice",
                    fix="give every project its own id",
                    where=ErrorLocation(field="project_id"),
                )
            if p.cost < 0:
                raise BallotError(
                    f"project {p.id!r} has a negative cost {p.cost}",
                    fix="give every project a cost of 0 or more",
                    where=ErrorLocation(field="cost"),
                )
            seen.add(p.id)
        for name, amount in self.district_budgets.items():
            if amount < 0:
                raise BallotError(
                    f"district {name!r} has a negative budget {amount}",
                    fix="give every district a budget of 0 or more",
                    where=ErrorLocation(field="district_budgets"),
                )
            if amount > self.budget:
                raise BallotError(
                    f"district {name!r} has a budget of {amount}, above the total budget "
                    f"{self.budget}",
                    fix="the total budget covers every district and the city-wide part: raise "
                    f"it, or lower district {name!r}'s budget",
                    where=ErrorLocation(field="district_budgets"),
                )
        districts_total = sum(self.district_budgets.values(), Fraction(0))
        if districts_total > self.budget:
            raise BallotError(
                f"the district budgets add up to {districts_total}, more than the total budget "
                f"{self.budget}",
                fix="the total budget covers every district and the city-wide part: raise it to "
                "at least the districts' sum, or lower the district budgets",
                where=ErrorLocation(field="district_budgets"),
            )

    @property
    def project_ids(self) -> tuple[str, ...]:
        """Project ids in the election's order (the order of the profile's project indices)."""
        return tuple(p.id for p in self.projects)

    def index(self) -> dict[str, int]:
        """Map project id -> position in :attr:`projects`."""
        return {p.id: i for i, p in enumerate(self.projects)}


@dataclass(frozen=True)
class Ballot:
    """One voter's ballot: the projects (best first for ordinal) and, for points, the points."""

    voter_id: str
    projects: tuple[str, ...]
    points: tuple[int, ...] | None = None
    extra: Mapping[str, str] = field(default_factory=dict)


def ballot_problem(election: Election, ballot: Ballot) -> str | None:
    """Why ``ballot`` breaks the election's limits, or None if it is valid.

    Checks: known projects, no project twice, length within [min_length, max_length], total cost
    within [min_sum_cost, max_sum_cost] (knapsack), points per project within
    [min_points, max_points] and their sum within [min_sum_points, max_sum_points].
    """
    costs = {p.id: p.cost for p in election.projects}
    lim = election.limits
    for pid in ballot.projects:
        if pid not in costs:
            return f"names unknown project {pid!r}"
    if len(set(ballot.projects)) != len(ballot.projects):
        return "names a project more than once"
    n = len(ballot.projects)
    if lim.min_length is not None and n < lim.min_length and n > 0:
        return f"chooses {n} projects, fewer than the minimum {lim.min_length}"
    if lim.max_length is not None and n > lim.max_length:
        return f"chooses {n} projects, more than the maximum {lim.max_length}"
    total = sum((costs[pid] for pid in ballot.projects), Fraction(0))
    if lim.max_sum_cost is not None and total > lim.max_sum_cost:
        return f"costs {total} in total, more than the maximum {lim.max_sum_cost}"
    if lim.min_sum_cost is not None and n > 0 and total < lim.min_sum_cost:
        return f"costs {total} in total, less than the minimum {lim.min_sum_cost}"
    if election.vote_type in ("cumulative", "scoring"):
        if ballot.points is None or len(ballot.points) != n:
            return "needs one number of points per project"
        for pid, pts in zip(ballot.projects, ballot.points, strict=True):
            if lim.max_points is not None and pts > lim.max_points:
                return f"gives {pts} points to {pid!r}, more than the maximum {lim.max_points}"
            if lim.min_points is not None and pts < lim.min_points:
                return f"gives {pts} points to {pid!r}, fewer than the minimum {lim.min_points}"
            if pts < 0:
                return f"gives negative points ({pts}) to {pid!r}"
        s = sum(ballot.points)
        if lim.max_sum_points is not None and s > lim.max_sum_points:
            return f"gives {s} points in total, more than the maximum {lim.max_sum_points}"
        if lim.min_sum_points is not None and n > 0 and s < lim.min_sum_points:
            return f"gives {s} points in total, fewer than the minimum {lim.min_sum_points}"
    elif ballot.points is not None:
        return f"has points, but the election's vote type is {election.vote_type}"
    return None


def validate_ballot(election: Election, ballot: Ballot, where: ErrorLocation | None = None) -> None:
    """Raise :class:`BallotError` with the reason if ``ballot`` breaks the election's limits."""
    problem = ballot_problem(election, ballot)
    if problem is not None:
        raise BallotError(
            f"ballot of voter {ballot.voter_id!r} {problem}",
            fix="correct the ballot so that it respects the election's limits",
            where=where or ErrorLocation(field="vote"),
        )


@dataclass(frozen=True, eq=False)
class Profile:
    """All ballots, column-wise.

    Ballot ``i`` names the project indices ``indices[indptr[i]:indptr[i+1]]`` (in ballot order,
    best first for ordinal ballots) with ``points`` in the same positions for points ballots.
    ``extra`` holds further per-voter columns (age, sex, voting_method, ...) as strings.
    """

    voter_ids: Sequence[str]
    indptr: IntArray
    indices: IntArray
    points: IntArray | None = None
    extra: Mapping[str, Sequence[str]] = field(default_factory=dict)

    @property
    def num_voters(self) -> int:
        """Number of ballots (voters)."""
        return len(self.voter_ids)

    def lengths(self) -> IntArray:
        """Number of projects on each ballot."""
        return np.diff(self.indptr)

    def approval_counts(self, num_projects: int) -> IntArray:
        """Supporters per project: the number of ballots naming it."""
        return np.bincount(self.indices, minlength=num_projects).astype(np.int64)

    def scores(self, num_projects: int) -> IntArray:
        """Score per project: points summed for points ballots, else the approval count."""
        if self.points is None:
            return self.approval_counts(num_projects)
        return np.bincount(self.indices, weights=self.points, minlength=num_projects).astype(
            np.int64
        )

    def ballot(self, election: Election, i: int) -> Ballot:
        """Ballot ``i`` as a plain :class:`Ballot` with project ids."""
        a, b = int(self.indptr[i]), int(self.indptr[i + 1])
        ids = election.project_ids
        pts = None if self.points is None else tuple(int(x) for x in self.points[a:b])
        return Ballot(
            voter_id=self.voter_ids[i],
            projects=tuple(ids[int(j)] for j in self.indices[a:b]),
            points=pts,
            extra={k: v[i] for k, v in self.extra.items()},
        )

    def ballots(self, election: Election) -> Iterable[Ballot]:
        """Every ballot, in order."""
        for i in range(self.num_voters):
            yield self.ballot(election, i)


def profile_from_ballots(election: Election, ballots: Sequence[Ballot]) -> Profile:
    """Build a validated :class:`Profile` from in-memory ballots (e.g. from the web app).

    Each ballot is checked with :func:`validate_ballot`; voter ids must be unique. The error names
    the ballot's position (``line`` = 1-based position in ``ballots``).
    """
    index = election.index()
    seen: set[str] = set()
    indptr = [0]
    indices: list[int] = []
    points: list[int] = []
    has_points = election.vote_type in ("cumulative", "scoring")
    extra_keys = sorted({k for b in ballots for k in b.extra})
    for pos, b in enumerate(ballots, start=1):
        where = ErrorLocation(line=pos, field="vote")
        if b.voter_id in seen:
            raise BallotError(
                f"voter {b.voter_id!r} has more than one ballot",
                fix="keep one ballot per voter",
                where=ErrorLocation(line=pos, field="voter_id"),
            )
        seen.add(b.voter_id)
        validate_ballot(election, b, where)
        indices.extend(index[pid] for pid in b.projects)
        if has_points and b.points is not None:
            points.extend(b.points)
        indptr.append(len(indices))
    return Profile(
        voter_ids=tuple(b.voter_id for b in ballots),
        indptr=np.asarray(indptr, dtype=np.int64),
        indices=np.asarray(indices, dtype=np.int64),
        points=np.asarray(points, dtype=np.int64) if has_points else None,
        extra={k: tuple(b.extra.get(k, "") for b in ballots) for k in extra_keys},
    )


def anonymised(profile: Profile) -> Profile:
    """The same ballots with voter ids replaced by 1..n and no per-voter columns.

    For publishing ballots (``.pb`` export) without personal data.
    """
    return Profile(
        voter_ids=tuple(str(i) for i in range(1, profile.num_voters + 1)),
        indptr=profile.indptr,
        indices=profile.indices,
        points=profile.points,
        extra={},
    )
