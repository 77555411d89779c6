"""Notices of applications end to end: a real hub over gRPC, the information system setting
statuses, the outbox, the simulated SMS gateway and aiosmtpd counting what arrives. Each
change is told once on each channel the applicant chose, nothing without consent or after
erasure, the reminder once, and an SMS asking the status is answered on the right phone only.
"""

from __future__ import annotations

import itertools
import re
import sqlite3
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

import httpx
import pytest

from hub.notify import outbox
from hub.notify.backoff import Backoff
from hub.notify.notifier import Notifier
from hub.notify.sim import SimulatedSmsGateway, SmsRecord
from hub.notify.sms import SmsGateway
from hub.notify.smtp import SmtpSender
from hub.store import applications as store
from hub.web.app import create_app
from hub.web.site import Web
from hub.webserver import WebServer
from protos.okno.v1 import applications_pb2, applications_pb2_grpc
from tests.hub.applications.helpers import SYSTEM, served_ticket
from tests.hub.conftest import Served
from tests.hub.mailserver import MailBox, MailServer
from tests.polling import eventually

pytestmark = pytest.mark.slow
S = applications_pb2
TOKEN = "gateway-secret"
DAY_MIN = 24 * 60
LINKS = "http://okno-hub.local:8080"


@dataclass
class Noticed:
    served: Served
    notifier: Notifier
    sms: SimulatedSmsGateway
    mail: MailServer
    base: str
    system: applications_pb2_grpc.ApplicationsAsyncStub
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def mails(self) -> list[Message]:
        return self.mail.box.messages

    async def accept(self, **fields: Any) -> str:
        """A visitor served and their application recorded by the desk; its number."""
        ticket_id = await served_ticket(self.served.hub)
        stub = applications_pb2_grpc.ApplicationsStub(self.served.channel)
        made = await stub.Accept(S.AcceptApplicationRequest(ticket_id=ticket_id, **fields))
        return str(made.number)

    async def set(self, number: str, status: S.ApplicationStatus.ValueType, **fields: Any) -> bool:
        """The information system's change, with its own id and a later time than the last;
        whether it was applied."""
        sent = next(self._ids)
        fields = {"change_id": f"ais-{sent}", "changed_at_unix_ms": sent * 1000, **fields}
        reply = await self.system.SetStatus(
            S.SetApplicationStatusRequest(number=number, status=status, **fields)
        )
        return bool(reply.applied)

    async def sign_in_again(self) -> None:
        """After days on the clock the information system's session has ended."""
        channel = await self.served.staff_channel(SYSTEM)
        self.system = applications_pb2_grpc.ApplicationsStub(channel)

    async def settled(self) -> dict[str, int]:
        """Wait until no message due by now is open (a reminder may wait); the states then."""
        hub = self.served.hub

        def due_now(engine: Any) -> int:
            # Only counted: the key that hashes opted-out addresses does not matter here.
            return sum(len(outbox.due(engine, c, hub.clock(), 100, b"")) for c in ("sms", "email"))

        async def closed() -> bool:
            return not await hub.read_store(lambda r: due_now(r.engine))

        async def planned() -> bool:
            return self.notifier.planned_seq >= hub.committed_seq

        await eventually(planned, 10)
        await eventually(closed, 10)
        return await self.notifier.states()

    async def texted(self, phone: str, text: str) -> dict[str, Any]:
        """A visitor's SMS to the hub, as the gateway posts it; the hub's answer."""
        async with httpx.AsyncClient(base_url=self.base) as gateway:
            answer = await gateway.post(
                "/sms/inbound",
                json={"from": phone, "text": text},
                headers={"Authorization": f"Bearer {TOKEN}"},
            )
        assert answer.status_code == 200
        return dict(answer.json())

    def to(self, phone: str) -> list[str]:
        return [m.text for m in self.sms.messages if m.to == phone]


def started_notifier(served: Served, sms: SimulatedSmsGateway, mail: MailServer) -> Notifier:
    return Notifier(
        served.hub,
        [
            SmsGateway(sms.url, "MFC", timeout_s=0.5),
            SmtpSender(f"smtp://127.0.0.1:{mail.port}", "МФЦ <mfc@example.ru>", timeout_s=2),
        ],
        backoff=Backoff(first_s=0.05, factor=2, longest_s=0.3),
        tick_s=0.05,
    )


@pytest.fixture
async def noticed(served: Served, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Noticed]:
    # The hub believes an inbound SMS only from the gateway holding the token (docs/web.md).
    monkeypatch.setenv("OKNO_SMS_TOKEN", TOKEN)
    sms = SimulatedSmsGateway()
    await sms.start()
    mail = MailServer(MailBox())
    mail.up()
    notifier = started_notifier(served, sms, mail)
    await notifier.start()
    web = WebServer(create_app(Web(served.hub, notifier)), "127.0.0.1:0", grace_s=1)
    port = await web.start()
    system = applications_pb2_grpc.ApplicationsStub(await served.staff_channel(SYSTEM))
    rig = Noticed(served, notifier, sms, mail, f"http://127.0.0.1:{port}", system)
    try:
        yield rig
    finally:
        await web.stop()
        await rig.notifier.stop()
        await sms.stop()
        mail.down()


def once_each(records: list[SmsRecord]) -> None:
    keys = [m.key for m in records]
    assert len(keys) == len(set(keys)), f"delivered twice: {keys}"


async def test_each_change_is_told_once_on_each_channel_the_applicant_chose(
    noticed: Noticed,
) -> None:
    both = await noticed.accept(
        phone="+79160000001",
        email="both@example.ru",
        notify_sms=True,
        notify_email=True,
        consent=True,
    )
    sms_only = await noticed.accept(
        phone="+79160000002", email="quiet@example.ru", notify_sms=True, consent=True
    )
    without_consent = await noticed.accept()
    first = {"change_id": "ais-a", "changed_at_unix_ms": 1}
    assert await noticed.set(both, S.APPLICATION_STATUS_IN_WORK, **first)
    # The information system sending the same change again: applied once, told once.
    assert not await noticed.set(both, S.APPLICATION_STATUS_IN_WORK, **first)
    await noticed.set(both, S.APPLICATION_STATUS_SUSPENDED, reason="нужна справка о доходах")
    # The reason is read when the notice is sent: wait, or the next change would clear it.
    await noticed.sms.wait_for(4)
    await noticed.set(both, S.APPLICATION_STATUS_IN_WORK, planned_ready="2026-12-09")
    await noticed.set(both, S.APPLICATION_STATUS_UNSPECIFIED, planned_ready="2026-12-10")
    await noticed.set(both, S.APPLICATION_STATUS_READY)
    for number in (sms_only, without_consent):
        await noticed.set(number, S.APPLICATION_STATUS_IN_WORK)

    # And the reminder of the ready documents waits for its day on both channels.
    assert await noticed.settled() == {outbox.SENT: 6 + 6 + 2, outbox.PENDING: 2}
    once_each(noticed.sms.messages)
    told = noticed.to("+79160000001")
    assert [t.split(".")[0] for t in told] == [
        f"Заявление {both} принято: Паспорт гражданина РФ",
        f"Заявление {both} в работе: Паспорт гражданина РФ",
        f"Рассмотрение заявления {both} приостановлено",
        f"Заявление {both} в работе: Паспорт гражданина РФ",
        f"Планируемая дата готовности по заявлению {both} перенесена на 10",
        f"Документы по заявлению {both} готовы раньше срока: Паспорт гражданина РФ",
    ]
    assert f"Статус: {LINKS}/application " in told[0]
    assert "Что нужно: нужна справка о доходах" in told[2]
    assert "Планируемая дата готовности 09.12.2026" in told[3]
    # Ready on Monday 23.11: collected within 30 days, a collection slot booked at the link.
    assert f"Получите их до 23.12.2026. Запись на выдачу: {LINKS}/book/ready-documents " in told[5]
    mails = [m for m in noticed.mails if m["To"] == "both@example.ru"]
    assert len(mails) == 6 == len({m["Message-ID"] for m in mails})
    assert len(noticed.mails) == 6
    assert len(noticed.to("+79160000002")) == 2
    assert len(noticed.sms.messages) == 8
    # The link of the ready notice opens the booking page of the collection service.
    async with httpx.AsyncClient(base_url=noticed.base) as browser:
        page = await browser.get("/book/ready-documents")
    assert page.status_code == 200 and "Выдача готовых документов" in page.text

    # A restarted notifier reading the whole log again queues nothing new.
    await noticed.notifier.stop()
    await noticed.served.hub.read_store(lambda r: outbox.move_cursor(r.engine, 0))
    noticed.notifier = started_notifier(noticed.served, noticed.sms, noticed.mail)
    await noticed.notifier.start()
    assert await noticed.settled() == {outbox.SENT: 14, outbox.PENDING: 2}
    assert len(noticed.sms.messages) == 8 and len(noticed.mails) == 6


async def test_ready_documents_are_reminded_once_unless_collected(noticed: Noticed) -> None:
    waiting = await noticed.accept(phone="+79160000011", notify_sms=True, consent=True)
    collected = await noticed.accept(phone="+79160000012", notify_sms=True, consent=True)
    await noticed.settled()
    # Monday 07.12, the planned date: ready on time, so not "earlier than planned".
    noticed.served.clock.advance(14 * DAY_MIN)
    await noticed.sign_in_again()
    for number in (waiting, collected):
        await noticed.set(number, S.APPLICATION_STATUS_READY)
    await noticed.settled()
    assert noticed.to("+79160000011")[-1].startswith(
        f"Документы по заявлению {waiting} готовы: Паспорт гражданина РФ. "
        "Получите их до 06.01.2027."
    )
    noticed.served.clock.advance(2 * DAY_MIN)
    await noticed.sign_in_again()
    await noticed.set(collected, S.APPLICATION_STATUS_ISSUED)
    await noticed.settled()
    before = len(noticed.sms.messages)
    # Seven days after they became ready, in the morning (the clock reads 10:00).
    noticed.served.clock.advance(5 * DAY_MIN - 1 / 60)
    noticed.notifier.kick()
    assert (await noticed.settled()).get(outbox.DROPPED) is None
    assert len(noticed.sms.messages) == before
    noticed.served.clock.advance(1 / 60)
    noticed.notifier.kick()
    states = await noticed.settled()
    assert states == {outbox.SENT: 6, outbox.DROPPED: 1}
    assert noticed.to("+79160000011")[-1].startswith(
        f"Документы по заявлению {waiting} ждут вас до 06.01.2027. Запись на выдачу: "
    )
    assert len(noticed.to("+79160000011")) == 3 and len(noticed.to("+79160000012")) == 3


async def test_nothing_is_sent_once_the_contact_is_erased(noticed: Noticed) -> None:
    await noticed.sms.down()
    number = await noticed.accept(phone="+79160000021", notify_sms=True, consent=True)
    await noticed.set(number, S.APPLICATION_STATUS_IN_WORK)
    hub = noticed.served.hub

    def tried(engine: Any) -> int:
        with engine.connect() as connection:
            found = connection.exec_driver_sql("SELECT min(attempts) FROM notify_outbox")
            return int(found.scalar() or 0)

    async def both_tried() -> bool:
        return await hub.read_store(lambda r: tried(r.engine)) >= 1

    # Both tried and waiting to retry (the clock stands still: until it is moved on).
    await eventually(both_tried, 10)
    now = hub.clock()
    # As when the longest keeping time is over (hub.applications.erase_due).
    erased = await hub.read_store(
        lambda r: store.erase_contacts(r.engine, ended_before_ms=0, accepted_before_ms=now + 1)
    )
    assert erased == 1
    await noticed.sms.up()
    # The clock stands still in this test: moved on, the retries are due.
    noticed.served.clock.advance(1)
    noticed.notifier.kick()
    assert await noticed.settled() == {outbox.DROPPED: 2}
    assert noticed.sms.messages == []
    # Nor did the outbox ever hold the phone.
    with sqlite3.connect(noticed.served.db) as db:
        rows = db.execute("SELECT * FROM notify_outbox").fetchall()
    assert len(rows) == 2 and "9160000021" not in repr(rows)


async def test_an_sms_asking_the_status_is_answered_on_the_applications_phone_only(
    noticed: Noticed,
) -> None:
    phone = "+79160000031"
    number = await noticed.accept(phone=phone, notify_sms=True, consent=True)
    await noticed.sms.wait_for(1)
    # Another phone asking gets nothing, and neither does the application's phone from it.
    assert await noticed.texted("+79169999999", f"СТАТУС {number}") == {
        "stopped": False,
        "replied": False,
    }
    assert (await noticed.texted("+7 916 000-00-31", number.replace("-", "")))["replied"]
    [_, answer] = await noticed.sms.wait_for(2)
    assert answer.to == phone and answer.text.startswith(f"Заявление {number} принято")
    # A phone repeating itself within the minute gets one answer.
    assert not (await noticed.texted(phone, f"статус {number}"))["replied"]
    # СТОП still stops: the next change is not sent.
    assert await noticed.texted(phone, "Стоп") == {"stopped": True}
    await noticed.set(number, S.APPLICATION_STATUS_IN_WORK)
    assert await noticed.settled() == {outbox.SENT: 2, outbox.STOPPED: 1}
    assert [m.to for m in noticed.sms.messages] == [phone, phone]
    # Notices by e-mail only: the phone kept for the look-up may still ask by SMS.
    by_mail = await noticed.accept(
        phone="+79160000032", email="mail@example.ru", notify_email=True, consent=True
    )
    assert (await noticed.texted("+79160000032", by_mail))["replied"]
    await noticed.settled()
    [told] = noticed.to("+79160000032")
    assert told.startswith(
        f"Заявление {by_mail} принято: Паспорт гражданина РФ. Планируемая дата готовности "
        f"07.12.2026. Статус: {LINKS}/application Не присылать: ответьте СТОП или "
        f"{LINKS}/stop/n{by_mail.replace('-', '')}-"
    )
    assert len(noticed.mails) == 1


async def test_the_link_in_a_notice_stops_both_channels_of_the_application(
    noticed: Noticed,
) -> None:
    number = await noticed.accept(
        phone="+79160000041",
        email="link@example.ru",
        notify_sms=True,
        notify_email=True,
        consent=True,
    )
    [told] = await noticed.sms.wait_for(1)
    found = re.search(rf"{re.escape(LINKS)}(/stop/n\S+)", told.text)
    assert found, told.text
    async with httpx.AsyncClient(base_url=noticed.base) as browser:
        await browser.get(found.group(1))
        done = await browser.post(found.group(1), data={"csrf": browser.cookies["okno_csrf"]})
    assert done.status_code == 200
    await noticed.set(number, S.APPLICATION_STATUS_IN_WORK)
    assert await noticed.settled() == {outbox.SENT: 2, outbox.STOPPED: 2}
