"""Migration 0015: an outbox of before gets the application column, and a message of the
operator page's old status form still open is dropped, since no sender knows its kind."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text

from hub.store.database import MIGRATIONS, open_database

_ROW = (
    "INSERT INTO notify_outbox (dedupe_key, kind, channel, appointment_id, watch_id, lang, "
    "params, created_at_ms, due_at_ms, expires_at_ms, state, attempts, next_try_ms, "
    "sent_at_ms, provider_id, outcome) VALUES "
    "(:key, :kind, 'sms', 1, 0, 'ru', '{}', 0, 0, 0, :state, 0, 0, 0, '', '')"
)


def test_open_status_messages_are_dropped_and_others_kept(tmp_path: Path) -> None:
    path = tmp_path / "hub.db"
    old = create_engine(f"sqlite:///{path}")
    with old.begin() as connection:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, "0014")
        for key, kind, state in (
            ("status:a1:ready/sms", "status", "pending"),
            ("status:a2:ready/sms", "status", "sent"),
            ("booked:1/sms", "booked", "pending"),
        ):
            connection.execute(text(_ROW), {"key": key, "kind": kind, "state": state})
    old.dispose()
    database = open_database(path)
    with database.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT dedupe_key, state, application_number FROM notify_outbox ORDER BY id")
        ).all()
    database.close()
    assert [tuple(r) for r in rows] == [
        ("status:a1:ready/sms", "dropped", ""),
        ("status:a2:ready/sms", "sent", ""),
        ("booked:1/sms", "pending", ""),
    ]
