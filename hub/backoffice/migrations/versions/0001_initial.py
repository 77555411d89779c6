"""The back office's first schema: branches, raw events, refusals, aggregates, live state.

Revision ID: 0001
Revises:

Creates the tables as hub/backoffice/schema.py defines them today; a later change to the
schema is a new migration (and this one then gets its own frozen copy of the tables).
"""

from __future__ import annotations

from alembic import op

from hub.backoffice import schema

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    schema.metadata.create_all(op.get_bind())


def downgrade() -> None:
    schema.metadata.drop_all(op.get_bind())
