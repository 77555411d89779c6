"""The applicant's contact lives as long as the application and leaves the files after it;
look-ups show an application only to whoever holds both its number and its phone."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from hub import service
from hub.errors import TooManyAttempts, UnknownApplication
from protos.okno.v1 import applications_pb2, applications_pb2_grpc
from tests.hub.applications.helpers import accepted
from tests.hub.conftest import Served, SteppedClock, serve_hub
from tests.hub.disk import on_disk
from tests.polling import eventually

ENDED_PHONE = "+79160000101"
LIVING_PHONE = "+79160000202"
DAY_MIN = 24 * 60
S = applications_pb2


async def test_a_contact_is_erased_keep_contacts_days_after_its_application_ends(
    config_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "DAY_CHECK_S", 0.02)
    db = tmp_path / "hub.db"
    clock = SteppedClock()
    async with serve_hub(config_file, db, clock) as served:
        ended = await accepted(served, phone=ENDED_PHONE, email="ended@example.ru")
        living = await accepted(served, "foreign-passport", phone=LIVING_PHONE)
        stub = applications_pb2_grpc.ApplicationsStub(served.channel)
        for status in (S.APPLICATION_STATUS_READY, S.APPLICATION_STATUS_ISSUED):
            await stub.SetStatus(S.SetApplicationStatusRequest(number=ended.number, status=status))
        # keep_contacts_days = 30 (examples/branch.toml): kept on the 29th day after it ended.
        clock.advance(29 * DAY_MIN)
        await served.hub.applications.erase_due()
        assert b"ended@example.ru" in on_disk(db)
        clock.advance(2 * DAY_MIN)

        async def gone() -> bool:
            copy = on_disk(db)
            return b"ended@example.ru" not in copy and ENDED_PHONE[1:].encode() not in copy

        await eventually(gone, 10.0)
        assert db.with_name("hub.db-wal").stat().st_size == 0
        # The application itself stays, for the reports; the living one keeps its contact.
        assert (await served.hub.applications.get(ended.number)).contact.phone == ""
        kept = await served.hub.applications.look_up(living.number, LIVING_PHONE, caller="t")
        assert kept.number == living.number
        with pytest.raises(UnknownApplication):
            await served.hub.applications.look_up(ended.number, ENDED_PHONE, caller="t")


async def test_a_look_up_needs_both_halves_and_says_the_same_for_either_wrong(
    served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    mine = await accepted(served, phone=ENDED_PHONE)
    theirs = await accepted(served, phone=LIVING_PHONE)
    applications = served.hub.applications
    assert (await applications.look_up(mine.number, ENDED_PHONE, caller="a")).number == mine.number
    caplog.set_level(logging.INFO)
    answers = []
    for number, phone in (
        (theirs.number, ENDED_PHONE),  # my phone does not open another's application
        ("261123-999", ENDED_PHONE),
        (mine.number, "+79990000000"),
    ):
        with pytest.raises(UnknownApplication) as refused:
            await applications.look_up(number, phone, caller="b")
        answers.append(str(refused.value))
    assert len(set(answers)) == 1
    assert ENDED_PHONE[2:] not in caplog.text and LIVING_PHONE[2:] not in caplog.text
    for _ in range(7):
        with pytest.raises(UnknownApplication):
            await applications.look_up(mine.number, "+79990000000", caller="b")
    with pytest.raises(TooManyAttempts):
        await applications.look_up(mine.number, ENDED_PHONE, caller="b")
    # Another caller is not held up by the guesser.
    assert (await applications.look_up(mine.number, ENDED_PHONE, caller="c")).number == mine.number


async def test_without_consent_nothing_of_the_applicant_is_kept(served: Served) -> None:
    walk_in = await accepted(served, phone="")
    found = await served.hub.applications.get(walk_in.number)
    assert found.contact.phone == found.contact.email == found.contact.snils_hash == ""
    assert not (walk_in.notify_sms or walk_in.notify_email)
