"""Users, scenarios owned by their author, and read-only shares.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the users, scenarios and scenario_shares tables."""
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("full_name", sa.String(200), nullable=False, server_default=""),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False, server_default="viewer"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('admin', 'analyst', 'viewer')", name="ck_users_role"),
    )
    op.create_index("ix_users_username", "users", ["username"], unique=True)
    op.create_table(
        "scenarios",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False, server_default=""),
        sa.Column("overrides_yaml", sa.Text(), nullable=False, server_default=""),
        sa.Column(
            "author_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_scenarios_author_id", "scenarios", ["author_id"])
    op.create_table(
        "scenario_shares",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "scenario_id", sa.Integer(), sa.ForeignKey("scenarios.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.UniqueConstraint("scenario_id", "user_id", name="uq_share"),
    )
    op.create_index("ix_scenario_shares_scenario_id", "scenario_shares", ["scenario_id"])
    op.create_index("ix_scenario_shares_user_id", "scenario_shares", ["user_id"])


def downgrade() -> None:
    """Drop the tables again, leaving an empty database."""
    op.drop_table("scenario_shares")
    op.drop_table("scenarios")
    op.drop_table("users")
