"""Branch secrets sealed with a key outside the database (backoffice/sealing.py): the
column grows to hold ``v1:`` and the base64 of the nonce, the sealed secret and its tag.

Revision ID: 0005
Revises: 0004

The secrets already stored in plain text are sealed by ``open_store`` right after the
migrations, with the key file it is given (a migration is not).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("branches") as table:
        table.alter_column("secret", type_=sa.String(200), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("branches") as table:
        table.alter_column("secret", type_=sa.String(64), existing_nullable=False)
