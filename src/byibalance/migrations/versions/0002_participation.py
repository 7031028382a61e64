"""Citizens' participation: processes, citizens, proposals, supports, comments, projects, voting
codes (hashed), ballots (one per credential and process) and hearing responses.

Revision ID: 0002_participation
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_participation"
down_revision = "0001"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the pp_* tables."""
    op.create_table(
        "pp_processes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False, server_default=""),
        sa.Column("phase", sa.String(16), nullable=False, server_default="proposals"),
        sa.Column("budget", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("district_budgets", sa.Text(), nullable=False, server_default=""),
        sa.Column("ballot_type", sa.String(16), nullable=False, server_default="approval"),
        sa.Column("max_length", sa.Integer(), nullable=True),
        sa.Column("max_points", sa.Integer(), nullable=True),
        sa.Column("rule", sa.String(16), nullable=False, server_default="mes"),
        sa.Column("voting_closes", TZ, nullable=True),
        sa.Column("document", sa.Text(), nullable=False, server_default=""),
        sa.Column("hearing_deadline", TZ, nullable=True),
        sa.Column("result_json", sa.Text(), nullable=True),
        sa.Column("pb_export", sa.Text(), nullable=True),
        sa.Column("published_at", TZ, nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.CheckConstraint("kind IN ('budget', 'hearing')", name="ck_pp_process_kind"),
        sa.CheckConstraint("phase IN ('proposals', 'review', 'voting', 'results')",
                           name="ck_pp_process_phase"),
        sa.CheckConstraint("ballot_type IN ('approval', 'knapsack', 'points')",
                           name="ck_pp_process_ballot_type"),
        sa.CheckConstraint("budget >= 0", name="ck_pp_process_budget"),
    )
    op.create_table(
        "pp_citizens",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("display_name", sa.String(80), nullable=False),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "pp_proposals",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("process_id", sa.Integer(),
                  sa.ForeignKey("pp_processes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("citizen_id", sa.Integer(),
                  sa.ForeignKey("pp_citizens.id", ondelete="SET NULL"), nullable=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("district", sa.String(80), nullable=False, server_default=""),
        sa.Column("rough_cost", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="submitted"),
        sa.Column("moderation_reason", sa.Text(), nullable=False, server_default=""),
        sa.Column("merged_into_id", sa.Integer(),
                  sa.ForeignKey("pp_proposals.id", ondelete="SET NULL"), nullable=True),
        sa.Column("reviewed_cost", sa.BigInteger(), nullable=True),
        sa.Column("review_note", sa.Text(), nullable=False, server_default=""),
        sa.Column("created_at", TZ, nullable=False),
        sa.CheckConstraint("rough_cost >= 0", name="ck_pp_proposal_cost"),
    )
    op.create_index("ix_pp_proposals_process_id", "pp_proposals", ["process_id"])
    op.create_index("ix_pp_proposals_citizen_id", "pp_proposals", ["citizen_id"])
    op.create_table(
        "pp_supports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("proposal_id", sa.Integer(),
                  sa.ForeignKey("pp_proposals.id", ondelete="CASCADE"), nullable=False),
        sa.Column("citizen_id", sa.Integer(),
                  sa.ForeignKey("pp_citizens.id", ondelete="CASCADE"), nullable=False),
        sa.UniqueConstraint("proposal_id", "citizen_id", name="uq_pp_support"),
    )
    op.create_index("ix_pp_supports_proposal_id", "pp_supports", ["proposal_id"])
    op.create_index("ix_pp_supports_citizen_id", "pp_supports", ["citizen_id"])
    op.create_table(
        "pp_comments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("proposal_id", sa.Integer(),
                  sa.ForeignKey("pp_proposals.id", ondelete="CASCADE"), nullable=False),
        sa.Column("citizen_id", sa.Integer(),
                  sa.ForeignKey("pp_citizens.id", ondelete="SET NULL"), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("hidden_reason", sa.Text(), nullable=False, server_default=""),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_index("ix_pp_comments_proposal_id", "pp_comments", ["proposal_id"])
    op.create_index("ix_pp_comments_citizen_id", "pp_comments", ["citizen_id"])
    op.create_table(
        "pp_projects",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("process_id", sa.Integer(),
                  sa.ForeignKey("pp_processes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("proposal_id", sa.Integer(),
                  sa.ForeignKey("pp_proposals.id", ondelete="SET NULL"), nullable=True),
        sa.Column("code", sa.String(32), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False, server_default=""),
        sa.Column("cost", sa.BigInteger(), nullable=False),
        sa.Column("district", sa.String(80), nullable=False, server_default=""),
        sa.Column("ambition_id", sa.String(80), nullable=True),
        sa.UniqueConstraint("process_id", "code", name="uq_pp_project_code"),
        sa.CheckConstraint("cost >= 0", name="ck_pp_project_cost"),
    )
    op.create_index("ix_pp_projects_process_id", "pp_projects", ["process_id"])
    op.create_table(
        "pp_voting_codes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("process_id", sa.Integer(),
                  sa.ForeignKey("pp_processes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("expires_at", TZ, nullable=True),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_index("ix_pp_voting_codes_process_id", "pp_voting_codes", ["process_id"])
    op.create_index("ix_pp_voting_codes_code_hash", "pp_voting_codes", ["code_hash"], unique=True)
    op.create_table(
        "pp_ballots",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("process_id", sa.Integer(),
                  sa.ForeignKey("pp_processes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("credential", sa.String(80), nullable=False),
        sa.Column("projects", sa.Text(), nullable=False, server_default=""),
        sa.Column("points", sa.Text(), nullable=True),
        sa.Column("submission_id", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("cast_at", TZ, nullable=False),
        sa.UniqueConstraint("process_id", "credential", name="uq_pp_ballot_voter"),
    )
    op.create_index("ix_pp_ballots_process_id", "pp_ballots", ["process_id"])
    op.create_table(
        "pp_hearing_responses",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("process_id", sa.Integer(),
                  sa.ForeignKey("pp_processes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("citizen_id", sa.Integer(),
                  sa.ForeignKey("pp_citizens.id", ondelete="SET NULL"), nullable=True),
        sa.Column("organisation", sa.String(200), nullable=False, server_default=""),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("topics", sa.String(500), nullable=False, server_default=""),
        sa.Column("attachment_name", sa.String(200), nullable=False, server_default=""),
        sa.Column("attachment_type", sa.String(100), nullable=False, server_default=""),
        sa.Column("attachment", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_index("ix_pp_hearing_responses_process_id", "pp_hearing_responses", ["process_id"])
    op.create_index("ix_pp_hearing_responses_citizen_id", "pp_hearing_responses", ["citizen_id"])


def downgrade() -> None:
    """Drop the pp_* tables."""
    for table in ("pp_hearing_responses", "pp_ballots", "pp_voting_codes", "pp_projects",
                  "pp_comments", "pp_supports", "pp_proposals", "pp_citizens", "pp_processes"):
        op.drop_table(table)
