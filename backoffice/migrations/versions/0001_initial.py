"""The back office's first schema: branches, raw events, refusals, aggregates, live state.

Revision ID: 0001
Revises:

A frozen copy of the tables as they were first made (0002 changes some of them), so
that a new database and an old one reach the same head.
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, Text

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


metadata = MetaData()


def _key(name: str, length: int = 40) -> Column[str]:
    return Column(name, String(length), primary_key=True)


def _count(name: str) -> Column[int]:
    return Column(name, BigInteger, nullable=False, server_default="0")


branches = Table(
    "branches",
    metadata,
    _key("id"),
    # The HMAC key the branch signs its batches with (docs/backoffice.md); shown once.
    Column("secret", String(64), nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("created_at_ms", BigInteger, nullable=False),
    # The highest seq stored with every seq below it: what the hub resends after.
    Column("acked_seq", BigInteger, nullable=False, server_default="0"),
)

raw_events = Table(
    "raw_events",
    metadata,
    _key("branch_id"),
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("at_ms", BigInteger, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("day", String(10), nullable=False),
    Column("payload", Text, nullable=False),
)

# Which authority (ministry, agency) provides a service, as the region's managers set it;
# the hubs' configuration does not carry it. A service not named here has none.
service_authorities = Table(
    "service_authorities",
    metadata,
    _key("service_id"),
    Column("authority", String(200), nullable=False),
)

# Batches refused, with why: for the technician of the branch that keeps being refused.
refusals = Table(
    "refusals",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at_ms", BigInteger, nullable=False),
    Column("branch_id", String(40), nullable=False),
    Column("first_seq", BigInteger, nullable=False),
    Column("last_seq", BigInteger, nullable=False),
    Column("events", Integer, nullable=False),
    Column("code", String(24), nullable=False),
    Column("reason", String(500), nullable=False),
)

# Per service and day: visits, outcomes, waits (issue to call) and service times (seconds).
agg_service_day = Table(
    "agg_service_day",
    metadata,
    _key("branch_id"),
    _key("day", 10),
    _key("service_id"),
    _count("issued"),
    _count("served"),
    _count("no_shows"),
    _count("cancelled"),
    _count("transferred"),
    _count("waits"),
    _count("wait_sum_s"),
    _count("wait_max_s"),
    _count("waits_over_15"),
    _count("services"),
    _count("service_sum_s"),
    _count("service_max_s"),
)

# Per local hour of the day: visits and waits (called in that hour).
agg_hour = Table(
    "agg_hour",
    metadata,
    _key("branch_id"),
    _key("day", 10),
    Column("hour", Integer, primary_key=True, autoincrement=False),
    _count("issued"),
    _count("waits"),
    _count("wait_sum_s"),
    _count("wait_max_s"),
    _count("waits_over_15"),
)

agg_staff_day = Table(
    "agg_staff_day",
    metadata,
    _key("branch_id"),
    _key("day", 10),
    _key("desk_id"),
    _key("operator_id"),
    _count("served"),
    _count("service_sum_s"),
    _count("no_shows"),
)

agg_payment_day = Table(
    "agg_payment_day",
    metadata,
    _key("branch_id"),
    _key("day", 10),
    _key("service_id"),
    _key("state", 16),
    _count("payments"),
    _count("amount_kopecks"),
)

agg_rating_day = Table(
    "agg_rating_day",
    metadata,
    _key("branch_id"),
    _key("day", 10),
    _key("service_id"),
    _key("desk_id"),
    _key("operator_id"),
    _count("ratings"),
    _count("score_sum"),
    _count("low_scores"),  # 1 or 2 of 5
)

live_branch = Table(
    "live_branch",
    metadata,
    _key("branch_id"),
    Column("day", String(10), nullable=False),
    Column("last_event_ms", BigInteger, nullable=False),
)

# Tickets in the hall now (waiting, called, serving); removed when their visit ends.
live_ticket = Table(
    "live_ticket",
    metadata,
    _key("branch_id"),
    _key("ticket_id", 32),
    Column("state", String(16), nullable=False),
    Column("service_id", String(40), nullable=False),
    Column("desk_id", String(40), nullable=False),
    Column("since_ms", BigInteger, nullable=False),
)

live_desk = Table(
    "live_desk",
    metadata,
    _key("branch_id"),
    _key("desk_id"),
    Column("state", String(16), nullable=False),
    Column("operator_id", String(40), nullable=False),
)


def upgrade() -> None:
    metadata.create_all(op.get_bind())


def downgrade() -> None:
    metadata.drop_all(op.get_bind())
