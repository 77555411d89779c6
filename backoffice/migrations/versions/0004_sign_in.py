"""Sign-in to the dashboard (users, sessions) and one count per kind of unauthenticated
refusal instead of a ``refusals`` row for each.

Revision ID: 0004
Revises: 0003

A push that names no registered branch, or is not signed with the branch's secret, came
from anyone on the network: it is counted in ``refusal_counts`` (one row per code), so a
flood of invented branch ids adds neither rows nor metric series. Rows of that kind
already in ``refusals`` are folded into the counts.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_UNAUTHENTICATED = ("unknown_branch", "bad_signature")


def upgrade() -> None:
    counts = op.create_table(
        "refusal_counts",
        sa.Column("code", sa.String(24), primary_key=True),
        sa.Column("refused", sa.BigInteger, nullable=False, server_default="0"),
    )
    refusals = sa.table("refusals", sa.column("code", sa.String))
    connection = op.get_bind()
    found = connection.execute(
        sa.select(refusals.c.code, sa.func.count())
        .where(refusals.c.code.in_(_UNAUTHENTICATED))
        .group_by(refusals.c.code)
    ).all()
    if found:
        op.bulk_insert(counts, [{"code": code, "refused": int(n)} for code, n in found])
    connection.execute(sa.delete(refusals).where(refusals.c.code.in_(_UNAUTHENTICATED)))
    op.create_table(
        "users",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("branch_id", sa.String(40), nullable=True),
        sa.Column("password_hash", sa.String(128), nullable=False),
        sa.Column("salt", sa.String(32), nullable=False),
        sa.Column("created_at_ms", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_name", sa.String(64), nullable=False, index=True),
        sa.Column("expires_ms", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("sessions")
    op.drop_table("users")
    op.drop_table("refusal_counts")
