"""Tickets: the approved payment of the service's fee a ticket was taken with.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("payment_id", sa.Integer, nullable=False, server_default="0"))
    op.create_index(
        "tickets_payment_once",
        "tickets",
        ["payment_id"],
        unique=True,
        sqlite_where=sa.text("payment_id != 0"),
    )


def downgrade() -> None:
    op.drop_index("tickets_payment_once", table_name="tickets")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("payment_id")
