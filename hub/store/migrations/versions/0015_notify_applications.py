"""Notices of applications: an outbox row may be addressed to an application (its number),
whose contact and chosen channels are read from ``applications`` when it is sent.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notify_outbox") as batch:
        batch.add_column(
            sa.Column("application_number", sa.String(12), nullable=False, server_default="")
        )
    # The operator page's status messages (kind "status", by booking or ticket) are gone
    # with the page's form: one still open would name a kind the sender no longer knows.
    op.execute(
        "UPDATE notify_outbox SET state = 'dropped', outcome = 'replaced by application notices' "
        "WHERE kind = 'status' AND state IN ('pending', 'sending')"
    )


def downgrade() -> None:
    with op.batch_alter_table("notify_outbox") as batch:
        batch.drop_column("application_number")
