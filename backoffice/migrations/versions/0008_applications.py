"""Applications after the visit, one row each, for the applications summary report.

Revision ID: 0008
Revises: 0007

Filled from the events stored from now on; application events a hub pushed before this
revision stay in ``raw_events`` and reach the table with ``okno backoffice rebuild``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "applications",
        sa.Column("branch_id", sa.String(40), primary_key=True),
        sa.Column("number", sa.String(20), primary_key=True),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("service_id", sa.String(40), nullable=False),
        sa.Column("authority", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("planned_ready", sa.String(10), nullable=False),
        sa.Column("accepted_day", sa.String(10), nullable=False),
        sa.Column("accepted_at_ms", sa.BigInteger, nullable=False),
        sa.Column("ready_day", sa.String(10), nullable=False),
        sa.Column("ended_at_ms", sa.BigInteger, nullable=False),
        sa.Column("changed_at_ms", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_applications_accepted_day", "applications", ["accepted_day"])


def downgrade() -> None:
    op.drop_index("ix_applications_accepted_day", "applications")
    op.drop_table("applications")
