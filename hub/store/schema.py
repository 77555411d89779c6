"""Tables of the hub's database, in SQLAlchemy Core.

``events`` is the append-only log, the record of truth; ``tickets``, ``desks`` and
``appointments`` are read tables updated in the same transaction, so a restart loads them
directly instead of replaying the whole log. The schema itself comes from the Alembic
migrations.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

metadata = MetaData()

events = Table(
    "events",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at_ms", BigInteger, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("day", String(10), nullable=False),
    Column("ticket_id", String(32), nullable=False, server_default=""),
    Column("desk_id", String(40), nullable=False, server_default=""),
    Column("request_id", String(64), nullable=False, server_default=""),
    # The whole event as JSON: what feed replays and the back-office outbox send.
    Column("payload", Text, nullable=False),
    Index("events_day_request", "day", "request_id"),
)

tickets = Table(
    "tickets",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("number", String(16), nullable=False),
    Column("prefix", String(2), nullable=False),
    Column("serial", Integer, nullable=False),
    Column("day", String(10), nullable=False),
    Column("service_id", String(40), nullable=False),
    Column("state", String(16), nullable=False),
    Column("issued_at_ms", BigInteger, nullable=False),
    Column("waiting_since_ms", BigInteger, nullable=False),
    Column("priority", String(40), nullable=False),
    Column("priority_from_ms", BigInteger, nullable=False),
    Column("desk_id", String(40), nullable=False),
    Column("target_desk_id", String(40), nullable=False),
    Column("recalls", Integer, nullable=False),
    Column("called_at_ms", BigInteger, nullable=False),
    Column("started_at_ms", BigInteger, nullable=False),
    Column("finished_at_ms", BigInteger, nullable=False),
    # A card-identified visitor's name for the operator (migration 0009); never logged.
    Column("visitor_name", String(200), nullable=False, server_default=""),
    # The fee's payment the ticket was taken with (migration 0012); 0: none.
    Column("payment_id", Integer, nullable=False, server_default="0"),
    # A priority the visitor claimed at the kiosk, not yet judged at a desk (migration 0016).
    Column("priority_claimed", Boolean, nullable=False, server_default=text("0")),
    UniqueConstraint("day", "prefix", "serial", name="tickets_number_once_a_day"),
    Index("tickets_state", "state"),
    # A payment stands for one ticket only, whatever the day.
    Index(
        "tickets_payment_once",
        "payment_id",
        unique=True,
        sqlite_where=text("payment_id != 0"),
    ),
)

desks = Table(
    "desks",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("state", String(16), nullable=False),
    Column("operator_id", String(40), nullable=False),
    Column("current_ticket_id", String(32), nullable=False),
)

devices = Table(
    "devices",
    metadata,
    Column("id", String(80), primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("model", String(64), nullable=False),
    Column("serial", String(64), nullable=False),
    Column("version", String(64), nullable=False),
    Column("address", String(64), nullable=False),
    Column("admission", String(16), nullable=False),
    Column("requested_at_ms", BigInteger, nullable=False),
    Column("code", String(9), nullable=False),
    Column("name", String(64), nullable=False),
    Column("zone", String(64), nullable=False),
    # What the device sent and what it was given; the serial is what revocation names.
    Column("csr_pem", Text, nullable=False),
    Column("certificate_pem", Text, nullable=False),
    Column("certificate_serial", String(40), nullable=False),
    Column("config_json", Text, nullable=False, server_default="{}"),
)

device_commands = Table(
    "device_commands",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("device_id", String(80), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("payload_json", Text, nullable=False),
    Column("created_at_ms", BigInteger, nullable=False),
    # 0 until the device acknowledges; outcome is "done" or the device's error.
    Column("acked_at_ms", BigInteger, nullable=False),
    Column("outcome", String(500), nullable=False),
    # Set for commands that must exist once (the print of a ticket); "" for the others.
    Column("dedupe_key", String(120), nullable=False, server_default=""),
    Index("device_commands_open", "device_id", "acked_at_ms"),
    Index(
        "device_commands_once",
        "device_id",
        "dedupe_key",
        unique=True,
        sqlite_where=text("dedupe_key != ''"),
    ),
)

appointments = Table(
    "appointments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    # Never given twice, even after the booking is over: a spent code stays spent.
    Column("code", String(8), nullable=False),
    Column("service_id", String(40), nullable=False),
    Column("slot_ms", BigInteger, nullable=False),
    Column("seat", Integer, nullable=False),
    Column("state", String(16), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("booked_at_ms", BigInteger, nullable=False),
    Column("changed_at_ms", BigInteger, nullable=False),
    Column("request_id", String(64), nullable=False),
    # Personal data, erased keep_contacts_days after the slot's day (see docs/appointments.md).
    Column("phone", String(16), nullable=False),
    Column("email", String(254), nullable=False),
    Column("name", String(64), nullable=False),
    Column("snils_hash", String(64), nullable=False, server_default=""),
    Column("ticket_id", String(32), nullable=False),
    Column("checked_in_by", String(80), nullable=False),
    Column("check_in_request_id", String(64), nullable=False),
    # False: the visitor declined messages for the booking (the code by SMS, on the phone).
    Column("messages", Boolean, nullable=False, server_default=text("1")),
    UniqueConstraint("code", name="appointments_code_once"),
    # One visitor per seat of a slot: the database itself refuses a double booking.
    Index(
        "appointments_seat_once",
        "service_id",
        "slot_ms",
        "seat",
        unique=True,
        sqlite_where=text("state != 'cancelled'"),
    ),
    Index("appointments_slot", "slot_ms"),
)

# -- notifications (hub/notify, docs/notifications.md) ----------------------------------

# Messages to visitors, each under a key that makes it exist once. No address and no code
# here: both are read when the message is sent, from the booking or the ticket's watch,
# so that an erased contact is never used and a sent message keeps no personal data.
notify_outbox = Table(
    "notify_outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("dedupe_key", String(120), nullable=False),
    Column("kind", String(24), nullable=False),
    Column("channel", String(8), nullable=False),
    Column("appointment_id", Integer, nullable=False),
    Column("watch_id", Integer, nullable=False),
    # Or an application (its number): its contact and chosen channels are read at send time.
    Column("application_number", String(12), nullable=False, server_default=""),
    Column("lang", String(2), nullable=False),
    Column("params", Text, nullable=False),
    Column("created_at_ms", BigInteger, nullable=False),
    # Not sent before due_at_ms; not sent at all after expires_at_ms (it would be stale).
    Column("due_at_ms", BigInteger, nullable=False),
    Column("expires_at_ms", BigInteger, nullable=False),
    # pending -> sending -> sent; or dropped / stopped / expired / failed (docs).
    Column("state", String(12), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_try_ms", BigInteger, nullable=False),
    Column("sent_at_ms", BigInteger, nullable=False),
    Column("provider_id", String(80), nullable=False),
    Column("outcome", String(200), nullable=False),
    UniqueConstraint("dedupe_key", name="notify_outbox_once"),
    Index("notify_outbox_due", "state", "next_try_ms"),
)

# A visitor who asked to hear about a ticket ("notify me" on the ticket page), or a
# checked-in booking whose contact the messages use (appointment_id, no contact here).
notify_watches = Table(
    "notify_watches",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ticket_id", String(32), nullable=False),
    Column("appointment_id", Integer, nullable=False),
    # Personal data, erased at erase_at_ms (see docs/notifications.md).
    Column("phone", String(16), nullable=False),
    Column("email", String(254), nullable=False),
    Column("lang", String(2), nullable=False),
    Column("created_at_ms", BigInteger, nullable=False),
    Column("erase_at_ms", BigInteger, nullable=False),
    Column("stopped", Integer, nullable=False),
    UniqueConstraint("ticket_id", name="notify_watches_one_per_ticket"),
)

# Addresses that said "stop", as keyed hashes (HMAC with the hub's own secret): enough
# to recognise the address again, not to read it back.
notify_optouts = Table(
    "notify_optouts",
    metadata,
    Column("address_key", String(64), primary_key=True),
    Column("at_ms", BigInteger, nullable=False),
)

# How far the notifier has read the event log; a replay from earlier is harmless (keys).
notify_cursor = Table(
    "notify_cursor",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("seq", Integer, nullable=False),
)

# Random keys the hub made for itself: signing web sessions, opt-out links, address hashes.
hub_secrets = Table(
    "hub_secrets",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("value", String(128), nullable=False),
)

# -- staff sign-in (hub/staff, docs/staff.md) --------------------------------------------

# One PIN per operator as a salted scrypt hash (hub/staff/pins.py); never the PIN itself.
staff_credentials = Table(
    "staff_credentials",
    metadata,
    Column("operator_id", String(40), primary_key=True),
    Column("pin_hash", String(200), nullable=False),
    Column("set_at_ms", BigInteger, nullable=False),
    # Who set it: "local" (the hub's own machine) or the administrator's operator id.
    Column("set_by", String(40), nullable=False),
)

# Staff sessions that have not ended (hub/staff/tokens.py): a token is honoured only while
# its id is here, so signing out and a new PIN hold across restarts. Ids alone make no
# token: the signing key is outside the database.
staff_sessions = Table(
    "staff_sessions",
    metadata,
    Column("token_id", String(32), primary_key=True),
    Column("operator_id", String(40), nullable=False),
    Column("issued_ms", BigInteger, nullable=False),
    Column("expires_ms", BigInteger, nullable=False),
    # The address signed in from, for the log and the administrator.
    Column("source", String(100), nullable=False),
)

# -- card payments of state fees (hub/payments.py, docs/payment_terminal.md) -------------

# Written PENDING under its idempotency key before the sale goes to the terminal.
payments = Table(
    "payments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("idempotency_key", String(64), nullable=False, unique=True),
    Column("state", String(16), nullable=False),
    Column("service_id", String(40), nullable=False),
    Column("amount", BigInteger, nullable=False),  # kopecks
    Column("purpose", String(210), nullable=False),
    Column("payer_identified", Boolean, nullable=False),
    Column("terminal_id", String(64), nullable=False),
    Column("created_at_ms", BigInteger, nullable=False),
    Column("settled_at_ms", BigInteger, nullable=False),
    Column("result_code", Integer, nullable=False),
    Column("reason", String(500), nullable=False),
    Column("terminal_serial", String(64), nullable=False),
    Column("terminal_trace", String(64), nullable=False),
    Column("terminal_receipt", String(64), nullable=False),
    Index("payments_terminal_state", "terminal_id", "state"),
)

# -- applications after the visit (hub/applications.py, docs/applications.md) ------------

# One row per application, its latest version: written with each of its events.
applications = Table(
    "applications",
    metadata,
    Column("number", String(12), primary_key=True),
    Column("service_id", String(40), nullable=False),
    Column("authority", String(120), nullable=False),
    Column("status", String(16), nullable=False),
    Column("planned_ready", String(10), nullable=False),
    Column("accepted_at_ms", BigInteger, nullable=False),
    Column("changed_at_ms", BigInteger, nullable=False),
    Column("changed_by", String(80), nullable=False),
    Column("ticket_id", String(40), nullable=False),
    Column("ready_day", String(10), nullable=False),
    Column("ended_at_ms", BigInteger, nullable=False),
    Column("change_id", String(64), nullable=False),
    Column("external_at_ms", BigInteger, nullable=False),
    # Kept on the hub only, and erased with the contact.
    Column("reason", String(200), nullable=False),
    Column("phone", String(16), nullable=False),
    Column("email", String(254), nullable=False),
    Column("notify_sms", Boolean, nullable=False),
    Column("notify_email", Boolean, nullable=False),
    Column("snils_hash", String(64), nullable=False),
    Column("request_id", String(64), nullable=False),
    Index("applications_status", "status", "changed_at_ms"),
    Index("applications_snils", "snils_hash"),
    Index("applications_request", "request_id"),
)

# Every change the information system sent, by its id: a resend is answered, not applied.
application_changes = Table(
    "application_changes",
    metadata,
    Column("change_id", String(64), primary_key=True),
    Column("number", String(12), nullable=False),
    Column("seq", BigInteger, nullable=False),
)
