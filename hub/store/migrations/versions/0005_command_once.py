"""Commands that must exist once per device (a ticket's print) carry a key.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("device_commands") as batch:
        batch.add_column(sa.Column("dedupe_key", sa.String(120), nullable=False, server_default=""))
    op.create_index(
        "device_commands_once",
        "device_commands",
        ["device_id", "dedupe_key"],
        unique=True,
        sqlite_where=sa.text("dedupe_key != ''"),
    )


def downgrade() -> None:
    op.drop_index("device_commands_once", "device_commands")
    with op.batch_alter_table("device_commands") as batch:
        batch.drop_column("dedupe_key")
