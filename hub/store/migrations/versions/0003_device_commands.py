"""Commands for devices, kept until each is acknowledged.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "device_commands",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("device_id", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("payload_json", sa.Text, nullable=False),
        sa.Column("created_at_ms", sa.BigInteger, nullable=False),
        sa.Column("acked_at_ms", sa.BigInteger, nullable=False),
        sa.Column("outcome", sa.String(500), nullable=False),
    )
    op.create_index("device_commands_open", "device_commands", ["device_id", "acked_at_ms"])


def downgrade() -> None:
    op.drop_table("device_commands")
