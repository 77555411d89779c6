"""Applications after the visit: their statuses, planned dates and (with consent) the
applicant's contact, and the ids of the information system's changes already applied.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "applications",
        sa.Column("number", sa.String(12), primary_key=True),
        sa.Column("service_id", sa.String(40), nullable=False),
        sa.Column("authority", sa.String(120), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("planned_ready", sa.String(10), nullable=False),
        sa.Column("accepted_at_ms", sa.BigInteger, nullable=False),
        sa.Column("changed_at_ms", sa.BigInteger, nullable=False),
        sa.Column("changed_by", sa.String(80), nullable=False),
        sa.Column("ticket_id", sa.String(40), nullable=False),
        sa.Column("ready_day", sa.String(10), nullable=False),
        sa.Column("ended_at_ms", sa.BigInteger, nullable=False),
        sa.Column("change_id", sa.String(64), nullable=False),
        sa.Column("external_at_ms", sa.BigInteger, nullable=False),
        # Kept on the hub only, and erased with the contact.
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("phone", sa.String(16), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("notify_sms", sa.Boolean, nullable=False),
        sa.Column("notify_email", sa.Boolean, nullable=False),
        sa.Column("snils_hash", sa.String(64), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=False),
    )
    op.create_index("applications_status", "applications", ["status", "changed_at_ms"])
    op.create_index("applications_snils", "applications", ["snils_hash"])
    op.create_index("applications_request", "applications", ["request_id"])
    op.create_table(
        "application_changes",
        sa.Column("change_id", sa.String(64), primary_key=True),
        sa.Column("number", sa.String(12), nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("application_changes")
    op.drop_table("applications")
