"""What people type, and visitors' contacts, are gone from the hub's files once their
days are over, the WAL included, while the hub runs (issue 19)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from hub import service
from hub.domain.model import Channel
from hub.service import Hub
from hub.store import typed
from tests.hub.conftest import SteppedClock
from tests.hub.disk import on_disk
from tests.hub.test_appointments_api import AT_10_20
from tests.hub.test_key_files import running
from tests.polling import eventually

COMMENT = "Иванов И.И. +79161234567 паспорт 4510 123456"
NAME = "Петров Пётр Петрович"
PHONE = "+79031112233"
# What must not be found in the hub's files once the days are over, as its bytes.
PERSONAL = [COMMENT.encode(), b"79161234567", b"4510 123456", NAME.encode(), PHONE.encode()]


async def typed_into_the_hall(hub: Hub) -> str:
    """A day in which people typed personal data: a transfer comment, a ticket's and a
    booking's cancellation reasons, a name read from a card, a booking's phone and name.
    The id of the ticket with the name."""
    await hub.run(lambda e, now: e.open_desk("desk-01", now, operator_id="ivanova-a"))
    named = await hub.run(lambda e, now: e.issue("passport", now, visitor_name=NAME))
    left = await hub.run(lambda e, now: e.issue("passport", now))
    await hub.run(lambda e, now: e.call_next("desk-01", now))
    await hub.run(
        lambda e, now: e.transfer("desk-01", now, to_service_id="residence", comment=COMMENT)
    )
    assert left.ticket is not None
    ticket_id = left.ticket.id
    await hub.run(lambda e, now: e.cancel(ticket_id, now, reason=COMMENT))
    booking = await hub.bookings.book(
        "passport", AT_10_20, Channel.CALL_CENTRE, phone=PHONE, name=NAME
    )
    await hub.bookings.cancel(booking.code, caller="call-centre", reason=COMMENT)
    assert named.ticket is not None
    return named.ticket.id


def found(db: Path) -> list[bytes]:
    copy = on_disk(db)
    return [needle for needle in PERSONAL if needle in copy]


async def test_typed_text_names_and_contacts_leave_the_files_when_their_days_are_over(
    config_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    erasures: list[str] = []

    def erase_typed(engine: Engine, from_day: str, before_day: str) -> int:
        erasures.append(before_day)
        return typed.erase_typed(engine, from_day, before_day)

    monkeypatch.setattr(service, "DAY_CHECK_S", 0.02)
    monkeypatch.setattr(service, "erase_typed", erase_typed)
    db = tmp_path / "hub.db"
    clock = SteppedClock()
    async with running(config_file, db, clock) as hub:
        named_id = await typed_into_the_hall(hub)
        assert found(db) == PERSONAL
        # keep_contacts_days = 1: Monday's are kept on Tuesday, erased at Wednesday 00:00.
        clock.advance((24 + 13) * 60)
        await eventually(lambda: looked(erasures, "2026-11-23"), 10.0)
        assert found(db) == PERSONAL
        clock.advance(60)
        await eventually(lambda: looked(erasures, "2026-11-24"), 10.0)

        async def gone() -> bool:
            return not found(db)

        await eventually(gone, 10.0)
        assert db.with_name("hub.db-wal").stat().st_size == 0
        assert (await hub.ticket(named_id)).visitor_name == ""


async def looked(erasures: list[str], before_day: str) -> bool:
    """Whether the hub's watch erased, or found nothing to erase, up to ``before_day``."""
    return before_day in erasures
