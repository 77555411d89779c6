"""Notifications end to end: a real hub, the outbox, aiosmtpd as the mail server and the
simulated SMS gateway, both taken down and brought back: every message arrives exactly
once, counted at the receivers; an opt-out stops what is still to come.
"""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any

import httpx
import pytest

from hub.domain.model import Appointment, Channel
from hub.notify import outbox, watches
from hub.notify.backoff import Backoff
from hub.notify.notifier import Notifier
from hub.notify.sim import SimulatedSmsGateway
from hub.notify.sms import SmsGateway
from hub.notify.smtp import SmtpSender
from hub.service import Hub
from hub.web.app import create_app
from hub.web.site import Web
from hub.webserver import WebServer
from tests.hub.conftest import EXAMPLE, MINUTE, MONDAY_10_00
from tests.hub.disk import on_disk
from tests.hub.mailserver import MailBox, MailServer
from tests.polling import eventually

pytestmark = pytest.mark.slow


class RunningClock:
    """Monday 2026-11-23 10:00 in Moscow when the test starts, then real time passes."""

    def __init__(self) -> None:
        self._start = time.monotonic()
        self.offset_ms = 0

    def __call__(self) -> int:
        return MONDAY_10_00 + self.offset_ms + int((time.monotonic() - self._start) * 1000)

    def advance(self, minutes: float) -> None:
        self.offset_ms += int(minutes * MINUTE)


@dataclass
class Rig:
    hub: Hub
    notifier: Notifier
    sms: SimulatedSmsGateway
    mail: MailServer
    clock: RunningClock
    base: str

    @property
    def mails(self) -> list[Message]:
        return self.mail.box.messages

    async def book(self, phone: str = "", email_: str = "", after_min: int = 0) -> Appointment:
        slot = await self.hub.bookings.free_slots(
            "passport", self.clock() + after_min * MINUTE, limit=1
        )
        return await self.hub.bookings.book(
            "passport", slot[0].slot.start_ms, Channel.ONLINE, phone=phone, email=email_
        )

    async def states(self) -> dict[str, int]:
        return await self.notifier.states()

    async def settled(self, timeout_s: float = 10.0) -> dict[str, int]:
        """Wait until no message is open (pending or sending); the states then."""

        async def closed() -> bool:
            states = await self.states()
            return not states.get(outbox.PENDING) and not states.get(outbox.SENDING)

        await eventually(self.planned, timeout_s)
        await eventually(closed, timeout_s)
        return await self.states()

    async def planned(self) -> bool:
        """Whether the notifier has planned every event committed so far."""
        return self.notifier.planned_seq >= self.hub.committed_seq

    async def attempts(self) -> int:
        def read(engine: Any) -> int:
            with engine.connect() as connection:
                return int(
                    connection.exec_driver_sql("SELECT sum(attempts) FROM notify_outbox").scalar()
                    or 0
                )

        return await self.hub.read_store(lambda r: read(r.engine))


def quick_notifier(hub: Hub, sms: SimulatedSmsGateway, mail: MailServer) -> Notifier:
    """The branch's notifier with short timeouts and backoff, so a test sees retries."""
    return Notifier(
        hub,
        [
            SmsGateway(sms.url, "MFC", timeout_s=0.5),
            SmtpSender(f"smtp://127.0.0.1:{mail.port}", "МФЦ <mfc@example.ru>", timeout_s=2),
        ],
        backoff=Backoff(first_s=0.05, factor=2, longest_s=0.3),
        tick_s=0.05,
    )


@pytest.fixture
async def rig(tmp_path: Path) -> AsyncIterator[Rig]:
    clock = RunningClock()
    hub = Hub(EXAMPLE, tmp_path / "okno.db", clock=clock)
    await hub.start()
    sms = SimulatedSmsGateway()
    await sms.start()
    mail = MailServer(MailBox())
    mail.up()
    notifier = quick_notifier(hub, sms, mail)
    await notifier.start()
    web = WebServer(create_app(Web(hub, notifier)), "127.0.0.1:0", grace_s=1)
    port = await web.start()
    try:
        yield Rig(hub, notifier, sms, mail, clock, f"http://127.0.0.1:{port}")
    finally:
        await web.stop()
        await notifier.stop()
        await sms.stop()
        mail.down()
        await hub.stop()


async def wait_for_mail(rig: Rig, count: int, timeout_s: float = 10.0) -> list[Message]:
    await eventually(lambda: _true(len(rig.mails) >= count), timeout_s)
    return rig.mails


async def _true(value: bool) -> bool:
    return value


async def more_attempts_than(rig: Rig, count: int) -> None:
    async def check() -> bool:
        return await rig.attempts() > count

    await eventually(check, 10)


def once_each(keys: list[str]) -> None:
    assert len(keys) == len(set(keys)), f"delivered twice: {keys}"


async def test_every_message_arrives_once_through_outages_and_a_slow_gateway(rig: Rig) -> None:
    first = await rig.book(phone="+79160000001", email_="a@example.ru")
    [sms] = await rig.sms.wait_for(1)
    [mail] = await wait_for_mail(rig, 1)
    assert first.code in sms.text and "10:20" in sms.text
    assert sms.to == "+79160000001" and sms.sender == "MFC"
    assert mail["To"] == "a@example.ru"
    assert first.code in mail.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert mail["List-Unsubscribe"].startswith("<http://okno-hub.local:8080/stop/")

    await rig.sms.down()
    rig.mail.down()
    booked = [await rig.book(phone=f"+7916000010{i}", email_=f"v{i}@example.ru") for i in range(5)]
    # Both receivers are down: the messages are retried, with backoff, and wait.
    await more_attempts_than(rig, 2 + 10 * 3)
    assert len(rig.sms.messages) == 1 and len(rig.mails) == 1

    await rig.sms.up()
    rig.mail.up()
    await rig.sms.wait_for(6)
    await wait_for_mail(rig, 6)

    # A gateway that takes the message but answers after the sender gave up: the retry
    # carries the same idempotency key, and the gateway sends nothing twice.
    rig.sms.slow(1.0)
    requests_before = rig.sms.requests
    await rig.book(phone="+79160000200")
    await rig.sms.wait_for(7)
    await eventually(lambda: _true(rig.sms.requests >= requests_before + 2), 10)
    await rig.sms.up()
    states = await rig.settled()

    assert states == {outbox.SENT: 13}
    assert len(rig.sms.messages) == 7 and len(rig.mails) == 6
    once_each([m.key for m in rig.sms.messages])
    once_each([str(m["Message-ID"]) for m in rig.mails])
    assert {m.to for m in rig.sms.messages} == {
        "+79160000001",
        *(b.phone for b in booked),
        "+79160000200",
    }
    assert sorted(m["To"] for m in rig.mails) == sorted(
        ["a@example.ru", *(b.email for b in booked)]
    )


async def test_a_gateway_answering_500_is_retried_until_it_takes_the_message(rig: Rig) -> None:
    rig.sms.fail(500)
    await rig.book(phone="+79160000301")
    await eventually(lambda: _true(rig.sms.requests >= 3), 10)
    assert rig.sms.messages == []
    await rig.sms.up()
    await rig.sms.wait_for(1)
    assert (await rig.settled()) == {outbox.SENT: 1}


async def test_opting_out_by_link_or_by_stop_reply_stops_what_is_to_come(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The hub believes a reply only from the gateway holding the token (docs/web.md).
    monkeypatch.setenv("OKNO_SMS_TOKEN", "gateway-secret")
    linked = await rig.book(phone="+79160000401", email_="link@example.ru")
    [sms] = await rig.sms.wait_for(1)
    await wait_for_mail(rig, 1)
    found = re.search(r"http://okno-hub\.local:8080(/stop/\S+)", sms.text)
    assert found, sms.text
    async with httpx.AsyncClient(base_url=rig.base) as browser:
        asked = await browser.get(found.group(1))
        assert asked.status_code == 200 and "Не присылать" in asked.text
        done = await browser.post(found.group(1), data={"csrf": browser.cookies["okno_csrf"]})
        assert done.status_code == 200 and "сообщений больше не будет" in done.text
        forged = await browser.post(
            "/stop/a1-0000000000", data={"csrf": browser.cookies["okno_csrf"]}
        )
        assert forged.status_code == 404
    await rig.hub.bookings.cancel(linked.code, caller="test")

    replied = await rig.book(phone="+79160000402", email_="reply@example.ru")
    await rig.sms.wait_for(2)
    await wait_for_mail(rig, 2)
    url = f"{rig.base}/sms/inbound"
    assert await rig.sms.reply("+7 916 000-04-02", "  стоп! ", url, "gateway-secret") == 200
    await rig.hub.bookings.cancel(replied.code, caller="test")

    states = await rig.settled()
    # The link stopped both addresses of the first booking; the reply only the phone.
    assert states == {outbox.SENT: 5, outbox.STOPPED: 3}
    assert len(rig.sms.messages) == 2
    assert [m["To"] for m in rig.mails] == [
        "link@example.ru",
        "reply@example.ru",
        "reply@example.ru",
    ]
    assert "отменена" in rig.mails[-1].get_payload(decode=True).decode()  # type: ignore[union-attr]


async def test_a_watched_ticket_hears_its_turn_near_and_its_call(rig: Rig) -> None:
    hub = rig.hub
    ids = []
    for _ in range(6):
        issued = await hub.run(lambda engine, now: engine.issue("passport", now))
        assert issued.ticket is not None
        ids.append(issued.ticket.id)
    async with httpx.AsyncClient(base_url=rig.base) as browser:
        page = await browser.get(f"/t/{ids[5]}")
        assert "Сообщить мне" in page.text
        asked = await browser.post(
            f"/t/{ids[5]}/notify",
            data={"csrf": browser.cookies["okno_csrf"], "phone": "8 916 000 05 01"},
        )
        assert asked.status_code == 200 and "Готово" in asked.text
    await hub.run(lambda engine, now: engine.open_desk("desk-03", now, operator_id="ivanova-a"))
    for _ in range(5):
        await hub.run(lambda engine, now: engine.call_next("desk-03", now))
        await hub.run(lambda engine, now: engine.start("desk-03", now))
        await hub.run(lambda engine, now: engine.finish("desk-03", now))
    await hub.run(lambda engine, now: engine.call_next("desk-03", now))
    await rig.settled()
    texts = [m.text for m in rig.sms.messages]
    assert texts[0].startswith("Талон А006: перед вами 3 чел., около ")
    assert texts[1].startswith("Талон А006: пройдите к окну 3. Не присылать: ответьте СТОП")
    assert len(texts) == 2


async def test_a_restarted_notifier_neither_repeats_nor_loses_a_message(rig: Rig) -> None:
    await rig.sms.down()
    rig.mail.down()
    await rig.book(phone="+79160000701", email_="r@example.ru")
    await more_attempts_than(rig, 1)
    await rig.notifier.stop()
    # The log read again from before the booking plans the same keys: nothing new.
    await rig.hub.read_store(lambda r: outbox.move_cursor(r.engine, 0))
    again = quick_notifier(rig.hub, rig.sms, rig.mail)
    rig.notifier = again
    await again.start()
    await rig.hub.read_store(lambda r: outbox.move_cursor(r.engine, 1))
    await again.stop()
    await again.start()
    await rig.sms.up()
    rig.mail.up()
    await rig.sms.wait_for(1)
    await wait_for_mail(rig, 1)
    assert await rig.settled() == {outbox.SENT: 2}
    assert len(rig.sms.messages) == 1 and len(rig.mails) == 1


async def test_an_sms_the_gateway_took_before_the_notifier_stopped_is_not_sent_twice(
    rig: Rig,
) -> None:
    # The gateway takes the message and answers late: the notifier stops meanwhile, so
    # the outbox never hears that it was sent (SMS are not claimed before they go).
    rig.sms.slow(0.4)
    await rig.book(phone="+79160000300")
    await rig.sms.wait_for(1)
    await rig.notifier.stop()
    assert (await rig.states()).get(outbox.SENT) is None
    await rig.sms.up()
    rig.notifier = quick_notifier(rig.hub, rig.sms, rig.mail)
    await rig.notifier.start()
    # Sent again after the restart, with the same key: the gateway answers the first id.
    await eventually(lambda: _true(rig.sms.requests >= 2), 10)
    assert await rig.settled() == {outbox.SENT: 1}
    assert len(rig.sms.messages) == 1


async def test_watch_contacts_are_erased_when_their_days_are_over(rig: Rig) -> None:
    issued = await rig.hub.run(lambda engine, now: engine.issue("passport", now))
    assert issued.ticket is not None
    await rig.notifier.watch(issued.ticket.id, "+79160000801", "w@example.ru", "ru")
    assert await rig.notifier.erase_due() == 0
    rig.clock.advance(2 * 24 * 60)
    assert await rig.notifier.erase_due() == 1
    kept = await rig.hub.read_store(lambda r: watches.watch(r.engine, issued.ticket.id))  # type: ignore[union-attr]
    assert kept is not None and (kept.phone, kept.email) == ("", "")
    # Nor does the WAL keep them while the hub runs (issue 19).
    copy = on_disk(rig.hub.db_path)
    assert b"+79160000801" not in copy and b"w@example.ru" not in copy


class RefusingBox(MailBox):
    async def handle_RCPT(  # noqa: N802
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address.startswith("nobody@"):
            return "550 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"


async def test_an_address_the_mail_server_refuses_is_not_retried(rig: Rig) -> None:
    rig.mail.down()
    rig.mail.box = RefusingBox()
    rig.mail.up()
    await rig.book(email_="nobody@example.ru")
    await rig.book(email_="somebody@example.ru")
    assert await rig.settled() == {outbox.SENT: 1, outbox.FAILED: 1}
    assert [m["To"] for m in rig.mails] == ["somebody@example.ru"]
    assert await rig.attempts() == 2
