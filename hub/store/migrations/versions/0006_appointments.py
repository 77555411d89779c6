"""Appointments: booked seats of slots, each under a code that is never given twice.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "appointments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("code", sa.String(8), nullable=False),
        sa.Column("service_id", sa.String(40), nullable=False),
        sa.Column("slot_ms", sa.BigInteger, nullable=False),
        sa.Column("seat", sa.Integer, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("booked_at_ms", sa.BigInteger, nullable=False),
        sa.Column("changed_at_ms", sa.BigInteger, nullable=False),
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.Column("phone", sa.String(16), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("ticket_id", sa.String(32), nullable=False),
        sa.Column("checked_in_by", sa.String(80), nullable=False),
        sa.Column("check_in_request_id", sa.String(64), nullable=False),
        sa.UniqueConstraint("code", name="appointments_code_once"),
    )
    op.create_index(
        "appointments_seat_once",
        "appointments",
        ["service_id", "slot_ms", "seat"],
        unique=True,
        sqlite_where=sa.text("state != 'cancelled'"),
    )
    op.create_index("appointments_slot", "appointments", ["slot_ms"])


def downgrade() -> None:
    op.drop_index("appointments_slot", "appointments")
    op.drop_index("appointments_seat_once", "appointments")
    op.drop_table("appointments")
