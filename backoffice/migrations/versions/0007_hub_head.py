"""The hub's own last seq, as its last push told it (docs/backup.md).

Revision ID: 0007
Revises: 0006

A hub restored from a backup fetches what the back office holds; what its predecessor
committed but never sent is the difference between this and ``acked_seq``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "branches",
        sa.Column("hub_head_seq", sa.BigInteger, nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.drop_column("branches", "hub_head_seq")
