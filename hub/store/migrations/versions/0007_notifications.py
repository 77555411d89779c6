"""Notifications: the outbox of messages to visitors, ticket watches, opt-outs, secrets.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notify_outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("dedupe_key", sa.String(120), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("appointment_id", sa.Integer, nullable=False),
        sa.Column("watch_id", sa.Integer, nullable=False),
        sa.Column("lang", sa.String(2), nullable=False),
        sa.Column("params", sa.Text, nullable=False),
        sa.Column("created_at_ms", sa.BigInteger, nullable=False),
        sa.Column("due_at_ms", sa.BigInteger, nullable=False),
        sa.Column("expires_at_ms", sa.BigInteger, nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_try_ms", sa.BigInteger, nullable=False),
        sa.Column("sent_at_ms", sa.BigInteger, nullable=False),
        sa.Column("provider_id", sa.String(80), nullable=False),
        sa.Column("outcome", sa.String(200), nullable=False),
        sa.UniqueConstraint("dedupe_key", name="notify_outbox_once"),
    )
    op.create_index("notify_outbox_due", "notify_outbox", ["state", "next_try_ms"])
    op.create_table(
        "notify_watches",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("ticket_id", sa.String(32), nullable=False),
        sa.Column("appointment_id", sa.Integer, nullable=False),
        sa.Column("phone", sa.String(16), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("lang", sa.String(2), nullable=False),
        sa.Column("created_at_ms", sa.BigInteger, nullable=False),
        sa.Column("erase_at_ms", sa.BigInteger, nullable=False),
        sa.Column("stopped", sa.Integer, nullable=False),
        sa.UniqueConstraint("ticket_id", name="notify_watches_one_per_ticket"),
    )
    op.create_table(
        "notify_optouts",
        sa.Column("address_key", sa.String(64), primary_key=True),
        sa.Column("at_ms", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "notify_cursor",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("seq", sa.Integer, nullable=False),
    )
    op.create_table(
        "hub_secrets",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("value", sa.String(128), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("hub_secrets")
    op.drop_table("notify_cursor")
    op.drop_table("notify_optouts")
    op.drop_table("notify_watches")
    op.drop_index("notify_outbox_due", "notify_outbox")
    op.drop_table("notify_outbox")
