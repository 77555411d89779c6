"""A booking's code travels in the log only sealed with the hub's key: the back office
holds bytes it cannot read, the hub's own restore reads the code back."""

from __future__ import annotations

import json
import secrets
import sqlite3
from pathlib import Path

import pytest

from hub.domain.appointments import AppointmentBook
from hub.domain.engine import QueueEngine
from hub.store.database import open_database
from hub.store.repository import Repository
from hub.store.sealed import sealer, unseal
from tests.hub.conftest import MONDAY_10_00
from tests.hub.test_appointments_store import BRANCH, booked


def test_the_log_carries_the_code_only_sealed(tmp_path: Path) -> None:
    key = secrets.token_bytes(32)
    repository = Repository(open_database(tmp_path / "hub.db"), sealer(key))
    events = booked(AppointmentBook(BRANCH), QueueEngine(BRANCH, MONDAY_10_00), "10:20", "K7M4QX")
    repository.append(events)
    repository.close()
    with sqlite3.connect(tmp_path / "hub.db") as connection:
        stored = [text for (text,) in connection.execute("SELECT payload FROM events")]
    assert len(stored) == 1
    assert all("K7M4QX" not in text and "89161234567" not in text for text in stored)
    booking = json.loads(stored[0])["appointment"]
    assert unseal(key, booking["id"], booking["sealed_code"]) == "K7M4QX"


def test_a_sealed_code_opens_for_its_own_booking_with_the_hubs_key_only() -> None:
    key = secrets.token_bytes(32)
    events = booked(AppointmentBook(BRANCH), QueueEngine(BRANCH, MONDAY_10_00), "10:20", "K7M4QX")
    booking = events[0].appointment
    assert booking is not None
    sealed = sealer(key)(booking)
    assert sealer(key)(booking) == sealed  # deterministic: a resent event is byte-equal
    with pytest.raises(ValueError, match="does not open"):
        unseal(secrets.token_bytes(32), booking.id, sealed)
    with pytest.raises(ValueError, match="does not open"):
        unseal(key, booking.id + 1, sealed)
