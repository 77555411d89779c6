"""Staff sessions: the ids of tokens not yet ended, so that sign-ins survive a restart and
sign-outs hold across one.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_sessions",
        sa.Column("token_id", sa.String(32), primary_key=True),
        sa.Column("operator_id", sa.String(40), nullable=False),
        sa.Column("issued_ms", sa.BigInteger, nullable=False),
        sa.Column("expires_ms", sa.BigInteger, nullable=False),
        sa.Column("source", sa.String(100), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("staff_sessions")
