"""Times in milliseconds, one wait per ticket (ticket_waits) instead of sums per call, and
an index of the ratings among the raw events (for the "Ваш контроль" export).

Revision ID: 0002
Revises: 0001

Service times become milliseconds (the seconds already summed are kept, times 1000).
The wait sums are dropped: they counted a wait per call from the last transfer, which is
not the one wait the reports now use; waits stored before this revision are not in
``ticket_waits`` (rebuilding from ``raw_events`` is not built, docs/backoffice.md).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_WAIT_SUMS = ("waits", "wait_sum_s", "wait_max_s", "waits_over_15")


def _ms(name: str) -> sa.Column[int]:
    return sa.Column(name, sa.BigInteger, nullable=False, server_default="0")


def upgrade() -> None:
    with op.batch_alter_table("agg_service_day") as table:
        table.add_column(_ms("service_sum_ms"))
        table.add_column(_ms("service_max_ms"))
    op.execute(
        "UPDATE agg_service_day SET service_sum_ms = service_sum_s * 1000, "
        "service_max_ms = service_max_s * 1000"
    )
    with op.batch_alter_table("agg_service_day") as table:
        for name in (*_WAIT_SUMS, "service_sum_s", "service_max_s"):
            table.drop_column(name)
    with op.batch_alter_table("agg_hour") as table:
        for name in _WAIT_SUMS:
            table.drop_column(name)
    with op.batch_alter_table("agg_staff_day") as table:
        table.add_column(_ms("service_sum_ms"))
    op.execute("UPDATE agg_staff_day SET service_sum_ms = service_sum_s * 1000")
    with op.batch_alter_table("agg_staff_day") as table:
        table.drop_column("service_sum_s")
    op.create_table(
        "ticket_waits",
        sa.Column("branch_id", sa.String(40), primary_key=True),
        sa.Column("ticket_id", sa.String(32), primary_key=True),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("hour", sa.Integer, nullable=False),
        sa.Column("service_id", sa.String(40), nullable=False),
        sa.Column("start_ms", sa.BigInteger, nullable=False),
        sa.Column("wait_ms", sa.BigInteger, nullable=True),
        sa.Column("called", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_index("ix_ticket_waits_day", "ticket_waits", ["day"])
    rated = sa.text("kind = 'ticket_rated'")
    op.create_index(
        "ix_raw_events_ratings",
        "raw_events",
        ["branch_id", "seq"],
        postgresql_where=rated,
        sqlite_where=rated,
    )


def downgrade() -> None:
    raise NotImplementedError("the wait sums dropped by 0002 cannot be made again")
