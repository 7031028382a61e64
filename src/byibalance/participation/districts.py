"""Counting a citizens' budget district by district, as Warsaw and Kraków do.

An election with ``district_budgets`` is counted as one sub-election per district plus a
city-wide part:

- district ``d``: the projects whose ``district`` is ``d``, with budget ``district_budgets[d]``;
- city-wide part: the projects without a district, with the budget left over,
  ``budget - sum(district_budgets)`` (``Election.budget`` is the total of everything; the model
  refuses district budgets that add up to more). It is counted only if it has projects.

Each ballot is split the same way: in a part's count a voter's ballot names only that part's
projects (points go with them), and a voter who named none of them is not in that count (so
under MES each part's per-voter budget is its budget over the voters who voted in it). Ballot
limits (length, cost, points) were checked on the whole ballot and are not checked again per
part. Category caps hold within each part (each part may spend at most the cap on a category).

The same rule, with the same options, counts every part; the parts are independent, so the
merged outcome is exactly the parts' outcomes put side by side: no district spends more than its
own budget, and nothing a district leaves unspent moves to another.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction

import numpy as np

from byibalance.errors import ErrorLocation, ParticipationError
from byibalance.participation.model import BallotLimits, Election, IntArray, Profile
from byibalance.participation.outcome import LosingProject, Outcome, Round, statistics
from byibalance.participation.rules import DEFAULT_OPTIONS, RULES, Rule, RuleOptions

CITY_WIDE_LABEL = "city-wide"


@dataclass(frozen=True)
class DistrictCount:
    """One part's count: its ``district`` (None for the city-wide part), sub-election, ballots
    restricted to it, and the rule's outcome there."""

    district: str | None
    election: Election
    profile: Profile
    outcome: Outcome

    @property
    def label(self) -> str:
        """The district's name, or ``city-wide``."""
        return CITY_WIDE_LABEL if self.district is None else self.district


@dataclass(frozen=True)
class DistrictOutcome:
    """Every part's count and the merged view.

    ``merged`` is an :class:`Outcome` over the whole election: the parts' winners in part order
    (districts in the order of ``district_budgets``, then city-wide), rounds renumbered, every
    loser with its part's reason, statistics over all voters, ``budget`` the total.
    """

    rule: str
    parts: tuple[DistrictCount, ...]
    merged: Outcome

    @property
    def selected(self) -> tuple[str, ...]:
        """Every bought project, part by part."""
        return self.merged.selected

    @property
    def cost(self) -> Fraction:
        """What all parts spend together."""
        return self.merged.cost

    def cost_by_district(self) -> dict[str | None, Fraction]:
        """What each part spends (None: the city-wide part)."""
        return {part.district: part.outcome.cost for part in self.parts}

    def part(self, district: str | None) -> DistrictCount:
        """The count of ``district`` (None: the city-wide part)."""
        for p in self.parts:
            if p.district == district:
                return p
        known = ", ".join(p.label for p in self.parts)
        raise ParticipationError(
            f"no part named {district!r} in this count",
            fix=f"ask for one of: {known}",
            where=ErrorLocation(field="district"),
        )


def city_wide_budget(election: Election) -> Fraction:
    """The city-wide part's budget: the total less the district budgets."""
    return election.budget - sum(election.district_budgets.values(), Fraction(0))


def check_districts(election: Election) -> None:
    """Refuse an election that cannot be counted by district, naming what to fix.

    It needs district budgets, and every project with a district needs that district's budget.
    (Negative budgets and budgets above the total are refused by :class:`Election` itself.)
    """
    budgets = election.district_budgets
    if not budgets:
        raise ParticipationError(
            "the election has no district budgets, so it cannot be counted by district",
            fix="give each district its budget (in a .pb file META 'districts' and "
            "'district_budgets', in the same order; in the web app the process's district "
            "budgets), or count the election as a whole",
            where=ErrorLocation(field="district_budgets"),
        )
    unknown = [p for p in election.projects if p.district is not None and p.district not in budgets]
    if unknown:
        named = ", ".join(f"{p.id!r} (district {p.district!r})" for p in unknown[:5])
        more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
        raise ParticipationError(
            f"project {named}{more} is in a district without a budget",
            fix="add a budget for that district, or correct the project's district; districts "
            f"with a budget: {', '.join(budgets)}",
            where=ErrorLocation(field="district"),
        )


def split_election(election: Election) -> list[tuple[str | None, Election, list[int]]]:
    """The parts: (district or None, sub-election, the projects' positions in ``election``).

    Districts come in the order of ``district_budgets`` (also those without projects, which
    spend nothing); the city-wide part comes last and only if some project has no district.
    """
    check_districts(election)
    meta = {k: v for k, v in election.meta.items() if k not in ("districts", "district_budgets")}
    parts: list[tuple[str | None, Election, list[int]]] = []
    names: list[str | None] = list(election.district_budgets)
    if any(p.district is None for p in election.projects):
        names.append(None)
    for name in names:
        members = [i for i, p in enumerate(election.projects) if p.district == name]
        budget = city_wide_budget(election) if name is None else election.district_budgets[name]
        part_meta = dict(meta)
        if name is None:
            part_meta.pop("district", None)
        else:
            part_meta["district"] = name
        sub = Election(
            projects=tuple(election.projects[i] for i in members),
            budget=budget,
            vote_type=election.vote_type,
            limits=BallotLimits(),
            category_caps=election.category_caps,
            meta=part_meta,
        )
        parts.append((name, sub, members))
    return parts


def restrict_profile(profile: Profile, num_projects: int, members: list[int]) -> Profile:
    """The ballots restricted to the projects ``members`` (renumbered 0..len-1 in that order);
    voters who named none of them are left out."""
    local = np.full(num_projects, -1, np.int64)
    local[np.asarray(members, np.int64)] = np.arange(len(members), dtype=np.int64)
    n = profile.num_voters
    row_of = np.repeat(np.arange(n, dtype=np.int64), profile.lengths())
    mapped = local[profile.indices]
    keep = mapped >= 0
    per_voter = np.bincount(row_of[keep], minlength=n)
    kept = np.flatnonzero(per_voter > 0)
    indptr: IntArray = np.zeros(len(kept) + 1, np.int64)
    np.cumsum(per_voter[kept], out=indptr[1:])
    rows = kept.tolist()
    return Profile(
        voter_ids=tuple(profile.voter_ids[i] for i in rows),
        indptr=indptr,
        indices=mapped[keep],
        points=None if profile.points is None else profile.points[keep],
        extra={k: tuple(v[i] for i in rows) for k, v in profile.extra.items()},
    )


def _rule(rule: str | Rule) -> tuple[str, Rule]:
    if not isinstance(rule, str):
        return getattr(rule, "__name__", "rule"), rule
    if rule not in RULES:
        raise ParticipationError(
            f"unknown counting rule {rule!r}",
            fix=f"use one of {', '.join(RULES)}",
            where=ErrorLocation(field="rule"),
        )
    return rule, RULES[rule]


def count_by_district(
    election: Election,
    profile: Profile,
    rule: str | Rule,
    options: RuleOptions = DEFAULT_OPTIONS,
) -> DistrictOutcome:
    """Count every district (and the city-wide part) on its own, with the same rule and options.

    See the module docstring for how the election and the ballots are split. Raises
    :class:`ParticipationError` if the election has no district budgets or a project's district
    has none.
    """
    name_of_rule, run = _rule(rule)
    parts: list[DistrictCount] = []
    for name, sub, members in split_election(election):
        sub_profile = restrict_profile(profile, len(election.projects), members)
        outcome = _complete(sub, sub_profile, run(sub, sub_profile, options=options))
        _check_within(name, sub, outcome)
        parts.append(DistrictCount(name, sub, sub_profile, outcome))
    merged = _merge(election, profile, parts, name_of_rule)
    return DistrictOutcome(rule=merged.rule, parts=tuple(parts), merged=merged)


def _complete(sub: Election, profile: Profile, outcome: Outcome) -> Outcome:
    """List every project not bought among the losers (a rule returns no losers when its part
    has no voters or no budget)."""
    listed = set(outcome.selected) | {lost.project_id for lost in outcome.losers}
    votes = profile.scores(len(sub.projects))
    missing = []
    for i, p in enumerate(sub.projects):
        if p.id in listed:
            continue
        v = int(votes[i])
        if v == 0:
            missing.append(LosingProject(p.id, p.cost, 0, "no votes"))
        else:
            missing.append(
                LosingProject(
                    p.id, p.cost, v, "did not fit the budget left", shortfall=p.cost - sub.budget
                )
            )
    if not missing:
        return outcome
    return replace(outcome, losers=outcome.losers + tuple(missing))


def _check_within(name: str | None, sub: Election, outcome: Outcome) -> None:
    if outcome.cost > sub.budget:  # pragma: no cover - every rule keeps to its budget
        label = CITY_WIDE_LABEL if name is None else name
        raise ParticipationError(
            f"the count of {label} spent {outcome.cost}, more than its budget {sub.budget}",
            fix="report this as a bug in the counting rule",
            where=ErrorLocation(field="district"),
        )


def _merge(
    election: Election, profile: Profile, parts: list[DistrictCount], rule_name: str
) -> Outcome:
    selected = tuple(s for part in parts for s in part.outcome.selected)
    rounds: list[Round] = []
    for part in parts:
        for r in part.outcome.rounds:
            rounds.append(replace(r, number=len(rounds) + 1))
    rule = parts[0].outcome.rule if parts else rule_name
    return Outcome(
        rule=rule,
        selected=selected,
        cost=sum((part.outcome.cost for part in parts), Fraction(0)),
        budget=election.budget,
        rounds=tuple(rounds),
        losers=tuple(lost for part in parts for lost in part.outcome.losers),
        statistics=statistics(election, profile, selected),
    )
