"""The database keeps the appointment ledger and refuses a seat or a code given twice."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from hub.domain.appointments import AppointmentBook
from hub.domain.engine import QueueEngine
from hub.domain.model import Channel, Event
from hub.store.database import open_database
from hub.store.repository import Repository
from tests.hub.conftest import MONDAY_10_00, make_branch
from tests.hub.test_appointments_book import at

BRANCH = make_branch(appointments={"capacity": {"passport": 1}})


@pytest.fixture
def repository(tmp_path: Path) -> Iterator[Repository]:
    repository = Repository(open_database(tmp_path / "hub.db"))
    yield repository
    repository.close()


def booked(book: AppointmentBook, engine: QueueEngine, slot: str, code: str) -> list[Event]:
    return book.book(
        engine, MONDAY_10_00, "passport", at(slot), Channel.ONLINE, code=code, phone="89161234567"
    ).events


def test_the_database_refuses_a_seat_given_twice(repository: Repository) -> None:
    # Two books that do not know of each other, as a bug would have it.
    engine = QueueEngine(BRANCH, MONDAY_10_00)
    repository.append(booked(AppointmentBook(BRANCH), engine, "10:20", "AAAAAA"))
    with pytest.raises(IntegrityError, match=r"appointments\.slot_ms, appointments\.seat"):
        repository.append(booked(AppointmentBook(BRANCH, next_id=2), engine, "10:20", "BBBBBB"))
    assert [a.code for a in repository.load_appointments(0).appointments] == ["AAAAAA"]


def test_the_database_refuses_a_code_given_twice(repository: Repository) -> None:
    engine = QueueEngine(BRANCH, MONDAY_10_00)
    repository.append(booked(AppointmentBook(BRANCH), engine, "10:20", "AAAAAA"))
    with pytest.raises(IntegrityError, match=r"UNIQUE constraint failed: appointments\.code"):
        repository.append(booked(AppointmentBook(BRANCH, next_id=2), engine, "10:40", "AAAAAA"))
    assert repository.codes_taken(["AAAAAA", "CCCCCC"]) == {"AAAAAA"}


def test_a_seat_freed_and_taken_again_in_one_batch_is_written_in_order(
    repository: Repository,
) -> None:
    engine = QueueEngine(BRANCH, MONDAY_10_00)
    book = AppointmentBook(BRANCH)
    batch = booked(book, engine, "10:20", "AAAAAA")
    repository.append(batch)
    batch = book.move(engine, MONDAY_10_00, "AAAAAA", at("10:40")).events
    batch += booked(book, engine, "10:20", "BBBBBB")
    batch += book.cancel(engine, MONDAY_10_00, "BBBBBB").events
    batch += book.move(engine, MONDAY_10_00, "AAAAAA", at("10:20")).events
    batch += booked(book, engine, "10:40", "CCCCCC")
    repository.append(batch)
    saved = repository.load_appointments(0)
    assert {a.code: (a.slot_ms, a.state.value) for a in saved.appointments} == {
        "AAAAAA": (at("10:20"), "booked"),
        "BBBBBB": (at("10:20"), "cancelled"),
        "CCCCCC": (at("10:40"), "booked"),
    }
    assert saved.next_id == 4
    found = repository.appointment_by_code("AAAAAA")
    assert found is not None
    assert found.phone == "+79161234567"


def test_the_book_reloads_recent_live_and_contact_holding_bookings_only(
    repository: Repository,
) -> None:
    engine = QueueEngine(BRANCH, MONDAY_10_00)
    book = AppointmentBook(BRANCH)
    repository.append(booked(book, engine, "10:20", "AAAAAA"))
    repository.append(book.sweep(engine, at("10:40")).events)
    # No-show, but its contact is still kept: it stays in memory to be erased later.
    assert [a.code for a in repository.load_appointments(at("11:00")).appointments] == ["AAAAAA"]
    repository.append(book.sweep(engine, at("10:20") + 3 * 86_400_000).events)
    assert repository.load_appointments(at("11:00")).appointments == []
    assert repository.load_appointments(0).next_id == 2
