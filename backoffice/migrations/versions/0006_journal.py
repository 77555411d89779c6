"""The journal (docs/journal.md): who signed in, set a PIN, admitted or revoked a device,
changed settings or the configuration, and what became of each application, per branch.

Revision ID: 0006
Revises: 0005

Filled from the events stored from now on; those stored before hold no journal entries
but the applications' own events, which stay in ``raw_events``.
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
        "journal",
        sa.Column("branch_id", sa.String(40), primary_key=True),
        sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("at_ms", sa.BigInteger, nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("subject", sa.String(100), nullable=False),
        sa.Column("outcome", sa.String(200), nullable=False),
        sa.Column("door", sa.String(16), nullable=False),
    )
    op.create_index("ix_journal_branch_at", "journal", ["branch_id", "at_ms"])


def downgrade() -> None:
    op.drop_index("ix_journal_branch_at", "journal")
    op.drop_table("journal")
