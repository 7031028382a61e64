"""Participation tables: processes, citizens, proposals, projects, voting codes, ballots, hearings.

Only what is needed is stored. A citizen who proposes or comments is a chosen display name and, if
they want replies, an e-mail address. A ballot holds no name: only a *credential*, an HMAC of the
voting code or of the identity provider's subject (see :mod:`.voting`), so that one credential
has at most one ballot per process (a unique constraint) while the database never learns who
voted. Created by the Alembic migration ``0002_participation``, never by ``create_all``.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from byibalance.web.db import Base


def now_utc() -> dt.datetime:
    """The current time, timezone-aware (UTC)."""
    return dt.datetime.now(dt.UTC)


class Kind(StrEnum):
    """A citizens' budget or a hearing on a document (e.g. the council's budget proposal)."""

    BUDGET = "budget"
    HEARING = "hearing"


class Phase(StrEnum):
    """The phases of a process in order; a hearing is open, then closed (its deadline)."""

    PROPOSALS = "proposals"
    REVIEW = "review"
    VOTING = "voting"
    RESULTS = "results"


class BallotType(StrEnum):
    """Approval with a length limit, knapsack within the budget, or points to distribute."""

    APPROVAL = "approval"
    KNAPSACK = "knapsack"
    POINTS = "points"


class ProposalStatus(StrEnum):
    """Where a proposal stands after moderation and review."""

    SUBMITTED = "submitted"
    HIDDEN = "hidden"
    MERGED = "merged"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class Process(Base):
    """A citizens' budget or a hearing, created by staff."""

    __tablename__ = "pp_processes"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    phase: Mapped[str] = mapped_column(String(16), default=Phase.PROPOSALS.value)
    budget: Mapped[int] = mapped_column(BigInteger, default=0)
    district_budgets: Mapped[str] = mapped_column(Text, default="")
    ballot_type: Mapped[str] = mapped_column(String(16), default=BallotType.APPROVAL.value)
    max_length: Mapped[int | None] = mapped_column(Integer, nullable=True)
    max_points: Mapped[int | None] = mapped_column(Integer, nullable=True)
    rule: Mapped[str] = mapped_column(String(16), default="mes")
    voting_closes: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True),
                                                               nullable=True)
    document: Mapped[str] = mapped_column(Text, default="")
    hearing_deadline: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True),
                                                                  nullable=True)
    result_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    pb_export: Mapped[str | None] = mapped_column(Text, nullable=True)
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True),
                                                              nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now_utc)


class Citizen(Base):
    """A citizen who proposes, supports, comments or answers a hearing: a chosen name, no more."""

    __tablename__ = "pp_citizens"

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now_utc)


class Proposal(Base):
    """A citizen's idea in a citizens' budget, with moderation and review."""

    __tablename__ = "pp_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("pp_processes.id", ondelete="CASCADE"),
                                            index=True)
    citizen_id: Mapped[int | None] = mapped_column(
        ForeignKey("pp_citizens.id", ondelete="SET NULL"), nullable=True, index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    district: Mapped[str] = mapped_column(String(80), default="")
    rough_cost: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), default=ProposalStatus.SUBMITTED.value)
    moderation_reason: Mapped[str] = mapped_column(Text, default="")
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("pp_proposals.id", ondelete="SET NULL"), nullable=True)
    reviewed_cost: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    review_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now_utc)


class Support(Base):
    """A citizen's support of a proposal (once per citizen)."""

    __tablename__ = "pp_supports"
    __table_args__ = (UniqueConstraint("proposal_id", "citizen_id", name="uq_pp_support"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("pp_proposals.id", ondelete="CASCADE"),
                                             index=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("pp_citizens.id", ondelete="CASCADE"),
                                            index=True)


class Comment(Base):
    """A citizen's comment on a proposal; staff may hide it with a reason."""

    __tablename__ = "pp_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("pp_proposals.id", ondelete="CASCADE"),
                                             index=True)
    citizen_id: Mapped[int | None] = mapped_column(
        ForeignKey("pp_citizens.id", ondelete="SET NULL"), nullable=True, index=True)
    body: Mapped[str] = mapped_column(Text)
    hidden_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now_utc)


class Project(Base):
    """A project on the ballot (usually from an accepted proposal), with its reviewed cost."""

    __tablename__ = "pp_projects"
    __table_args__ = (UniqueConstraint("process_id", "code", name="uq_pp_project_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("pp_processes.id", ondelete="CASCADE"),
                                            index=True)
    proposal_id: Mapped[int | None] = mapped_column(
        ForeignKey("pp_proposals.id", ondelete="SET NULL"), nullable=True)
    code: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    cost: Mapped[int] = mapped_column(BigInteger)
    district: Mapped[str] = mapped_column(String(80), default="")
    ambition_id: Mapped[str | None] = mapped_column(String(80), nullable=True)


class VotingCode(Base):
    """A single-use voting code, stored only as its HMAC-SHA256 (hex), never in clear."""

    __tablename__ = "pp_voting_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("pp_processes.id", ondelete="CASCADE"),
                                            index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True),
                                                           nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now_utc)


class BallotRow(Base):
    """The current ballot of one credential in one process; a new ballot replaces it in place.

    ``projects`` are the project codes, comma-separated; ``points`` the matching points for a
    points ballot. ``submission_id`` is the client's id of the last accepted submission, so a
    retried request is answered without change (idempotent).
    """

    __tablename__ = "pp_ballots"
    __table_args__ = (UniqueConstraint("process_id", "credential", name="uq_pp_ballot_voter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("pp_processes.id", ondelete="CASCADE"),
                                            index=True)
    credential: Mapped[str] = mapped_column(String(80))
    projects: Mapped[str] = mapped_column(Text, default="")
    points: Mapped[str | None] = mapped_column(Text, nullable=True)
    submission_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)
    cast_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now_utc)


class HearingResponse(Base):
    """A response to a hearing by a citizen or an organisation, tagged by staff."""

    __tablename__ = "pp_hearing_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[int] = mapped_column(ForeignKey("pp_processes.id", ondelete="CASCADE"),
                                            index=True)
    citizen_id: Mapped[int | None] = mapped_column(
        ForeignKey("pp_citizens.id", ondelete="SET NULL"), nullable=True, index=True)
    organisation: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text)
    topics: Mapped[str] = mapped_column(String(500), default="")
    attachment_name: Mapped[str] = mapped_column(String(200), default="")
    attachment_type: Mapped[str] = mapped_column(String(100), default="")
    attachment: Mapped[bytes | None] = mapped_column(nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=now_utc)
