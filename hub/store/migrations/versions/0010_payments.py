"""Card payments of state fees: one row per payment, unique by its idempotency key.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "payments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("idempotency_key", sa.String(64), nullable=False, unique=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("service_id", sa.String(40), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("purpose", sa.String(210), nullable=False),
        sa.Column("payer_identified", sa.Boolean, nullable=False),
        sa.Column("terminal_id", sa.String(64), nullable=False),
        sa.Column("created_at_ms", sa.BigInteger, nullable=False),
        sa.Column("settled_at_ms", sa.BigInteger, nullable=False),
        sa.Column("result_code", sa.Integer, nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("terminal_serial", sa.String(64), nullable=False),
        sa.Column("terminal_trace", sa.String(64), nullable=False),
        sa.Column("terminal_receipt", sa.String(64), nullable=False),
    )
    op.create_index("payments_terminal_state", "payments", ["terminal_id", "state"])


def downgrade() -> None:
    op.drop_index("payments_terminal_state", "payments")
    op.drop_table("payments")
