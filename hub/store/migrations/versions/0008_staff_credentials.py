"""Staff PINs: one salted scrypt hash per operator, for signing in to staff tools.

Revision ID: 0008
Revises: 0007
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
        "staff_credentials",
        sa.Column("operator_id", sa.String(40), primary_key=True),
        sa.Column("pin_hash", sa.String(200), nullable=False),
        sa.Column("set_at_ms", sa.BigInteger, nullable=False),
        sa.Column("set_by", sa.String(40), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("staff_credentials")
