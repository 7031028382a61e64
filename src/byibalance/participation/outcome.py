"""What a counting rule returns: the projects bought in order, the rounds, and why others lost."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from byibalance.participation.model import Election, Profile


@dataclass(frozen=True)
class Round:
    """One purchase: the project, its cost, what each paying supporter paid and how many paid.

    ``price_per_voter`` is the most any supporter paid (MES: q; Phragmén: the new load; greedy:
    None). ``payers`` counts supporters who paid something; ``paid_all`` those who paid
    everything they had left (MES). ``effective_votes`` is c_p / q (MES with cost utilities).
    """

    number: int
    project_id: str
    cost: Fraction
    votes: int
    price_per_voter: Fraction | None = None
    payers: int = 0
    paid_all: int = 0
    effective_votes: Fraction | None = None


@dataclass(frozen=True)
class LosingProject:
    """A project not bought, and how far it was from being bought.

    ``reason``: below the vote threshold, did not fit the remaining budget (greedy), or could
    not be afforded by its supporters (MES). ``effective_support`` (MES) is the best ratio over
    the rounds of the winner's price per unit of utility to this project's, in (0, 1]; 1 would
    have tied the winner (what equalshares.net shows as a percentage). ``shortfall`` is what was
    missing: budget left vs cost (greedy), supporters' money vs cost (MES), at the end.
    """

    project_id: str
    cost: Fraction
    votes: int
    reason: str
    effective_support: float | None = None
    shortfall: Fraction | None = None


@dataclass(frozen=True)
class Statistics:
    """Summary of an outcome over the voters.

    share_no_funded = #voters with no funded project on their ballot / n;
    avg_funded_per_voter = sum_i |ballot_i ∩ selected| / n; budget_spent = cost / budget.
    """

    voters: int
    share_no_funded: Fraction
    avg_funded_per_voter: Fraction
    budget_spent: Fraction


@dataclass(frozen=True)
class Outcome:
    """The result of a rule: ``selected`` in the order bought, their ``cost``, the ``budget``.

    ``voter_budget`` is the per-voter budget of the MES run returned (after Add1 increments).
    """

    rule: str
    selected: tuple[str, ...]
    cost: Fraction
    budget: Fraction
    rounds: tuple[Round, ...]
    losers: tuple[LosingProject, ...]
    statistics: Statistics
    voter_budget: Fraction | None = None


def statistics(election: Election, profile: Profile, selected: tuple[str, ...]) -> Statistics:
    """Statistics of ``selected`` over the profile (see :class:`Statistics` for the formulas)."""
    index = election.index()
    mask = np.zeros(len(election.projects), np.int64)
    for pid in selected:
        mask[index[pid]] = 1
    n = profile.num_voters
    if n == 0:
        return Statistics(0, Fraction(0), Fraction(0), _spent(election, selected))
    row_of = np.repeat(np.arange(n), profile.lengths())
    funded = np.bincount(row_of, weights=mask[profile.indices], minlength=n)
    return Statistics(
        voters=n,
        share_no_funded=Fraction(int((funded == 0).sum()), n),
        avg_funded_per_voter=Fraction(int(funded.sum()), n),
        budget_spent=_spent(election, selected),
    )


def _spent(election: Election, selected: tuple[str, ...]) -> Fraction:
    costs = {p.id: p.cost for p in election.projects}
    total = sum((costs[s] for s in selected), Fraction(0))
    return total / election.budget if election.budget else Fraction(0)
