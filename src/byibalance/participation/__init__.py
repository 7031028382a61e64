"""Citizens' budget (participatory budgeting): elections, ballots, .pb files and counting rules.

A facade that only re-exports; the pure engine lives in the submodules. File and spreadsheet
adapters are in :mod:`byibalance.participation.files` and
:mod:`byibalance.participation.ballot_table`.
"""

from byibalance.participation.districts import (
    DistrictCount,
    DistrictOutcome,
    count_by_district,
)
from byibalance.participation.model import (
    Ballot,
    BallotLimits,
    Election,
    Profile,
    Project,
    anonymised,
    ballot_problem,
    profile_from_ballots,
    validate_ballot,
)
from byibalance.participation.outcome import LosingProject, Outcome, Round, Statistics, statistics
from byibalance.participation.pabulib import format_pb, parse_pb
from byibalance.participation.rules import (
    RULES,
    RuleOptions,
    greedy,
    method_of_equal_shares,
    sequential_phragmen,
)

__all__ = [
    "RULES",
    "Ballot",
    "BallotLimits",
    "DistrictCount",
    "DistrictOutcome",
    "Election",
    "LosingProject",
    "Outcome",
    "Profile",
    "Project",
    "Round",
    "RuleOptions",
    "Statistics",
    "anonymised",
    "ballot_problem",
    "count_by_district",
    "format_pb",
    "greedy",
    "method_of_equal_shares",
    "parse_pb",
    "profile_from_ballots",
    "sequential_phragmen",
    "statistics",
    "validate_ballot",
]
