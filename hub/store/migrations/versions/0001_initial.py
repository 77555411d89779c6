"""The event log and the read tables of tickets and desks.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("at_ms", sa.BigInteger, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("ticket_id", sa.String(32), nullable=False, server_default=""),
        sa.Column("desk_id", sa.String(40), nullable=False, server_default=""),
        sa.Column("request_id", sa.String(64), nullable=False, server_default=""),
        sa.Column("payload", sa.Text, nullable=False),
    )
    op.create_index("events_day_request", "events", ["day", "request_id"])
    op.create_table(
        "tickets",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("number", sa.String(16), nullable=False),
        sa.Column("prefix", sa.String(2), nullable=False),
        sa.Column("serial", sa.Integer, nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("service_id", sa.String(40), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("issued_at_ms", sa.BigInteger, nullable=False),
        sa.Column("waiting_since_ms", sa.BigInteger, nullable=False),
        sa.Column("priority", sa.String(40), nullable=False),
        sa.Column("priority_from_ms", sa.BigInteger, nullable=False),
        sa.Column("desk_id", sa.String(40), nullable=False),
        sa.Column("target_desk_id", sa.String(40), nullable=False),
        sa.Column("recalls", sa.Integer, nullable=False),
        sa.Column("called_at_ms", sa.BigInteger, nullable=False),
        sa.Column("started_at_ms", sa.BigInteger, nullable=False),
        sa.Column("finished_at_ms", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("day", "prefix", "serial", name="tickets_number_once_a_day"),
    )
    op.create_index("tickets_state", "tickets", ["state"])
    op.create_table(
        "desks",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("operator_id", sa.String(40), nullable=False),
        sa.Column("current_ticket_id", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("desks")
    op.drop_table("tickets")
    op.drop_table("events")
