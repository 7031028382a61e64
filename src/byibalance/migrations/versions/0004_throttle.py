"""Throttling of failed sign-ins and voting codes: one row per key (an HMAC of an account name
or a client address, never either in clear) with its failures and its lock
(``byibalance.web.throttle``).

Revision ID: 0004_throttle
Revises: 0003_jobs
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_throttle"
down_revision = "0003_jobs"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the auth_throttle table."""
    op.create_table(
        "auth_throttle",
        sa.Column("key", sa.String(80), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("window_start", TZ, nullable=False),
        sa.Column("locked_until", TZ, nullable=True),
        sa.Column("lockouts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("updated_at", TZ, nullable=False),
        sa.CheckConstraint("failures >= 0 AND lockouts >= 0", name="ck_auth_throttle_counts"),
    )
    op.create_index("ix_auth_throttle_updated_at", "auth_throttle", ["updated_at"])


def downgrade() -> None:
    """Drop the auth_throttle table."""
    op.drop_index("ix_auth_throttle_updated_at", table_name="auth_throttle")
    op.drop_table("auth_throttle")
