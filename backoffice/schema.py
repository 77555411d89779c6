"""Tables of the back office, in SQLAlchemy Core, the same for PostgreSQL and SQLite.

``raw_events`` keeps every branch's events exactly once (key: branch, seq); the ``agg_*``
tables are the sums the reports read, each keyed by branch and local day (and what the
report groups by), updated in the transaction that stores the events, so that no report
ever scans the raw log. ``live_*`` is the small "now" of each branch for monitoring.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()


def _key(name: str, length: int = 40) -> Column[str]:
    return Column(name, String(length), primary_key=True)


def _count(name: str) -> Column[int]:
    return Column(name, BigInteger, nullable=False, server_default="0")


branches = Table(
    "branches",
    metadata,
    _key("id"),
    # The HMAC key the branch signs its batches with (docs/backoffice.md), shown once and
    # kept sealed with a key outside the database (backoffice/sealing.py).
    Column("secret", String(200), nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("created_at_ms", BigInteger, nullable=False),
    # The highest seq stored with every seq below it: what the hub resends after.
    Column("acked_seq", BigInteger, nullable=False, server_default="0"),
    # The hub's own last seq as its last push told it: above acked_seq, what it had
    # committed and not yet sent (a restore reports it, docs/backup.md).
    Column("hub_head_seq", BigInteger, nullable=False, server_default="0"),
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
# The ratings among the raw events, in order: what the "Ваш контроль" export reads, without
# scanning every event of the period.
RATED = raw_events.c.kind == "ticket_rated"
Index(
    "ix_raw_events_ratings",
    raw_events.c.branch_id,
    raw_events.c.seq,
    postgresql_where=RATED,
    sqlite_where=RATED,
)

# The journal (docs/journal.md): sign-ins, PINs, devices, configuration and the status of
# applications, each with who did it; ids and codes only. Kept per event, not summed: a
# journal is read entry by entry. ``day`` is the hub's branch day of the event.
journal = Table(
    "journal",
    metadata,
    _key("branch_id"),
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("at_ms", BigInteger, nullable=False),
    Column("day", String(10), nullable=False),
    Column("action", String(32), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("subject", String(100), nullable=False),
    Column("outcome", String(200), nullable=False),
    Column("door", String(16), nullable=False),
    Index("ix_journal_branch_at", "branch_id", "at_ms"),
)

# Which authority (ministry, agency) provides a service, as the region's managers set it;
# the hubs' configuration does not carry it. A service not named here has none.
service_authorities = Table(
    "service_authorities",
    metadata,
    _key("service_id"),
    Column("authority", String(200), nullable=False),
)

# The names each branch's hub last told for its ids (docs/backoffice.md, "Names"): kind is
# "branch" (entry_id ""), "service", "desk" or "operator". An id the hub no longer
# configures keeps its last name, so that past reports keep it too.
directory_names = Table(
    "directory_names",
    metadata,
    _key("branch_id"),
    _key("kind", 8),
    _key("entry_id"),
    Column("name_ru", String(200), nullable=False),
    Column("name_en", String(200), nullable=False),
    Column("updated_ms", BigInteger, nullable=False),
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

# Pushes refused before they proved to come from a branch (unknown_branch, bad_signature):
# anyone on the network can send them, so they are counted by code, never kept one by one.
refusal_counts = Table(
    "refusal_counts",
    metadata,
    _key("code", 24),
    _count("refused"),
)

# The dashboard's people (backoffice/accounts.py): a regional manager sees every branch, a
# branch head (``branch_id`` set) only theirs. The password is kept as its scrypt hash.
users = Table(
    "users",
    metadata,
    _key("name", 64),
    Column("role", String(16), nullable=False),
    Column("branch_id", String(40), nullable=True),
    Column("password_hash", String(128), nullable=False),
    Column("salt", String(32), nullable=False),
    Column("created_at_ms", BigInteger, nullable=False),
)

# Signed-in sessions, kept here so that a restart signs nobody out; the cookie's token is
# stored as its SHA-256, so a copy of the database signs nobody in.
sessions = Table(
    "sessions",
    metadata,
    _key("token_hash", 64),
    Column("user_name", String(64), nullable=False, index=True),
    Column("expires_ms", BigInteger, nullable=False),
)

# Per service and the day its tickets were issued: visits, outcomes, service times (ms).
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
    _count("services"),
    _count("service_sum_ms"),
    _count("service_max_ms"),
)

# Per local hour of the day: tickets issued.
agg_hour = Table(
    "agg_hour",
    metadata,
    _key("branch_id"),
    _key("day", 10),
    Column("hour", Integer, primary_key=True, autoincrement=False),
    _count("issued"),
)

# Every ticket's wait (docs/backoffice.md, "One wait"): from issue (a booking's ticket is
# issued at check-in) to its first call, or to its cancellation if never called. Kept per
# ticket, not summed, since a p90 needs every wait. ``wait_ms`` is NULL while the ticket
# waits uncalled; ``day``, ``hour`` and ``service_id`` are those of the issue.
ticket_waits = Table(
    "ticket_waits",
    metadata,
    _key("branch_id"),
    _key("ticket_id", 32),
    Column("day", String(10), nullable=False, index=True),
    Column("hour", Integer, nullable=False),
    Column("service_id", String(40), nullable=False),
    Column("start_ms", BigInteger, nullable=False),
    Column("wait_ms", BigInteger, nullable=True),
    Column("called", Integer, nullable=False, server_default="0"),
)

agg_staff_day = Table(
    "agg_staff_day",
    metadata,
    _key("branch_id"),
    _key("day", 10),
    _key("desk_id"),
    _key("operator_id"),
    _count("served"),
    _count("service_sum_ms"),
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

# Each application a branch's hub told of (docs/applications.md, "Reports"): its latest
# version, the one of the highest event seq, from application_accepted and
# application_changed events. Nothing of the applicant: the events carry no contact and no
# reason. ``accepted_day`` is the branch-local day of ``accepted_at_ms``; ``ready_day`` the
# hub's day it became ready ("" while not); ``planned_ready`` the planned date as last set.
applications = Table(
    "applications",
    metadata,
    _key("branch_id"),
    _key("number", 20),
    Column("seq", BigInteger, nullable=False),
    Column("service_id", String(40), nullable=False),
    Column("authority", String(200), nullable=False),
    Column("status", String(16), nullable=False),
    Column("planned_ready", String(10), nullable=False),
    Column("accepted_day", String(10), nullable=False),
    Column("accepted_at_ms", BigInteger, nullable=False),
    Column("ready_day", String(10), nullable=False),
    Column("ended_at_ms", BigInteger, nullable=False),
    Column("changed_at_ms", BigInteger, nullable=False),
    Index("ix_applications_accepted_day", "accepted_day"),
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

AGGREGATES = (agg_service_day, agg_hour, agg_staff_day, agg_payment_day, agg_rating_day)
# Columns summed with max() rather than +.
MAXIMA = frozenset({"service_max_ms"})
