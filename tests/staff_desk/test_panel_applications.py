"""Recording an application at the desk, offscreen, against a real hub and a virtual printer.

The hub runs in its own thread (tests/staff_desk/hub_thread.py); the ticket printer's agent
runs on the hub's loop and drives the simulated ESC/POS printer over a pty, so the receipt
checked here is what the printer made of the bytes it received. Screens are compared with
their references in tests/staff_desk/reference/ as in test_panel.py.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPointF

from protos.okno.v1 import (
    applications_pb2,
    applications_pb2_grpc,
    common_pb2,
    staff_pb2,
    staff_pb2_grpc,
)
from staff_desk.panel.application_view import ApplicationDesk
from staff_desk.panel.errors import ActionRefused
from staff_desk.panel.words import words
from staff_desk.panel.worker import Result
from tests.hub.conftest import ADMINISTRATOR, PIN, SteppedClock
from tests.staff_desk.hub_thread import HubThread
from tests.staff_desk.test_panel import SCREENS, Panel, open_panel, signed_in
from tests.staff_desk.test_panel_receipt import hall as branch_hall
from tests.ticket_printer.test_agent import PRINTER, Hall, admitted_printer
from ticket_printer.render import RenderedTicket

__all__ = ["open_panel"]  # the fixture, used by name
OPERATOR = "ivanova-a"
RECEIPT = "Расписка в приёме заявления"
# The example branch's Monday 2026-11-23, 10:00 in Moscow (07:00 UTC): passports take 10
# working days, so they are planned for Monday 7 December.
NUMBER = re.compile(r"^261123-\d{3}$")
PLANNED = "07.12.2026"
PRINT_WAIT_S = 10.0


@pytest.fixture
def hall(config_file: Path, tmp_path: Path) -> Iterator[tuple[HubThread, Hall]]:
    """A hub whose branch prints receipts on the hall's printer, that printer running."""
    text = config_file.read_text()
    config_file.write_text(
        text.replace(
            'collect_service = "ready-documents"\n',
            f'collect_service = "ready-documents"\nprinter = "{PRINTER}"\n',
        )
    )
    with HubThread(config_file, tmp_path / "hub.db", SteppedClock()) as hub:
        stub = staff_pb2_grpc.StaffStub(hub.served.local)
        if OPERATOR != ADMINISTRATOR:
            hub.call(stub.SetPin, staff_pb2.SetPinRequest(operator_id=OPERATOR, pin=PIN))
        stack = contextlib.AsyncExitStack()
        printer = hub.run(lambda: stack.enter_async_context(admitted_printer(hub.served, tmp_path)))
        try:
            yield hub, printer
        finally:
            hub.run(stack.aclose)


def served_at_desk(hub: HubThread, panel: Panel, service: str, desk: str) -> str:
    """A visitor of ``service`` called, served and finished at the panel's desk."""
    signed_in(panel, OPERATOR, desk)
    number = hub.issue(service)
    panel.until(lambda: len(panel["queue"]) == 1)  # type: ignore[arg-type]
    panel.view.callNext()
    panel.until(lambda: panel.current("number") == number)
    panel.view.startService()
    panel.until(lambda: panel.current("state") == "serving")
    panel.view.finishService()
    panel.until(lambda: not panel.current("has"))
    return number


def form_of(panel: Panel) -> ApplicationDesk:
    return panel.view.application


def receipt(printer: Hall, number: str) -> RenderedTicket:
    """The paper the printer cut with this application's number on it."""
    sim = printer.sim

    def papers() -> list[RenderedTicket]:
        return [t for t in sim.tickets if RECEIPT in t.text and number in t.text]

    sim.wait_for_tickets(2, PRINT_WAIT_S)  # the pairing code, then the receipt
    found = papers()
    assert len(found) == 1, [t.text for t in sim.tickets]
    found[0].image.save(SCREENS / "receipt.png")
    return found[0]


def test_a_passport_visitor_gets_an_application_with_sms_and_a_receipt(
    hall: tuple[HubThread, Hall], open_panel: Callable[..., Panel]
) -> None:
    hub, printer = hall
    panel = open_panel(hub.address, hub.ca_pem, hub.clock)
    ticket = served_at_desk(hub, panel, "passport", "desk-01")
    form = form_of(panel)
    panel.until(lambda: form.value("offered"))
    assert form.value("offerText") == f"Приём {ticket} завершён · Паспорт гражданина РФ"
    panel.shot("application-offer")

    panel.click("applyButton")
    panel.until(lambda: form.value("open"))
    assert form.value("draft")["service"] == "passport"  # type: ignore[index]
    assert "через 30 дн. после выдачи документов" in str(form.value("consentText"))
    panel.click("application-consent")
    panel.click("application-sms")
    form.setText("phone", "+7 916 123-45-67")
    panel.until(lambda: form.value("draft")["phone"])  # type: ignore[index]
    panel.shot("application-form")

    panel.click("applicationSubmit")
    panel.until(lambda: form.value("stage") == "done" and form.value("printText"))
    shown = form.value("result")
    assert isinstance(shown, dict)
    number = str(shown["number"])
    assert NUMBER.match(number), number
    assert (shown["planned"], shown["notices"]) == (PLANNED, "SMS на +7********67")
    assert shown["accepted"] == "23.11.2026 10:00"  # branch time, not the machine's UTC
    assert form.value("printText") == f"Расписка печатается на принтере {PRINTER}"
    number_on_screen = panel.item("applicationNumber")
    assert number_on_screen is not None and number_on_screen.property("text") == number
    panel.shot("application-done")

    paper = receipt(printer, number).text
    for line in (
        f"Заявление № {number}",
        f"Принято 23.11.2026 10:00, талон {ticket}",
        "Услуга: Паспорт гражданина РФ",
        "Ведомство: ГУ по вопросам миграции МВД",
        f"Плановая дата готовности: {PLANNED}",
        "номер заявления и телефон",
        "по SMS",
        "Уведомления: SMS на +7********67",
        "через 30 дн.",
    ):
        assert line in " ".join(paper.split()), (line, paper)

    # On the hub: the application with its contact, as the form sent it.
    stub = applications_pb2_grpc.ApplicationsStub(hub.served.channel)
    kept = hub.call(stub.Get, applications_pb2.GetApplicationRequest(number=number))
    assert (kept.notify_sms, kept.phone_hint, kept.ticket_id.endswith(ticket)) == (
        True,
        "+7********67",
        True,
    )

    # The dialog closes; the desk keeps the number until the next visitor is called.
    panel.click("applicationDone")
    panel.until(lambda: not form.value("open"))
    assert form.value("recordedText") == f"Заявления: {number}"
    hub.issue("passport")
    panel.view.callNext()
    panel.until(lambda: panel.current("has"))
    assert not form.value("offered")


def test_a_phone_without_consent_is_refused_and_the_reason_shown(
    hall: tuple[HubThread, Hall], open_panel: Callable[..., Panel]
) -> None:
    hub, _ = hall
    panel = open_panel(hub.address, hub.ca_pem, hub.clock)
    served_at_desk(hub, panel, "passport", "desk-01")
    form = form_of(panel)
    panel.until(lambda: form.value("offered"))
    form.begin()
    form.setText("phone", "+7 916 123-45-67")
    form.setFlag("sms", True)
    panel.click("applicationSubmit")
    panel.until(lambda: panel["message"])
    assert form.value("stage") == "form"
    assert str(panel["message"]).startswith("Заявитель не дал согласия")
    error = panel.item("applicationError")
    assert error is not None and "Заявитель не дал согласия" in str(error.property("text"))
    panel.shot("application-no-consent")
    stub = applications_pb2_grpc.ApplicationsStub(hub.served.channel)
    listed = hub.call(
        stub.List,
        applications_pb2.ListApplicationsRequest(
            status=applications_pb2.APPLICATION_STATUS_ACCEPTED
        ),
    )
    assert list(listed.applications) == []  # nothing recorded

    # With the consent the same form goes through, then a second application for the visitor.
    form.setFlag("consent", True)
    form.submit()
    panel.until(lambda: form.value("stage") == "done")
    first = form.value("result")["number"]  # type: ignore[index]
    form.another()
    panel.until(lambda: form.value("stage") == "form")
    form.chooseService("inn")
    form.submit()
    panel.until(lambda: form.value("stage") == "done")
    second = form.value("result")["number"]  # type: ignore[index]
    assert second != first
    assert form.value("result")["service"] == "ИНН"  # type: ignore[index]
    assert form.value("recordedText") == f"Заявления: {first}, {second}"


def test_a_consultation_offers_no_application(
    hall: tuple[HubThread, Hall], open_panel: Callable[..., Panel]
) -> None:
    hub, _ = hall
    panel = open_panel(hub.address, hub.ca_pem, hub.clock)
    served_at_desk(hub, panel, "consultation", "desk-20")
    panel.until(lambda: panel["figures"]["served"] == "1")  # type: ignore[index]
    assert not form_of(panel).value("offered")
    assert panel.item("applyButton") is None


def test_the_form_in_large_type_keeps_every_field_on_the_screen(
    hall: tuple[HubThread, Hall], open_panel: Callable[..., Panel]
) -> None:
    hub, _ = hall
    panel = open_panel(hub.address, hub.ca_pem, hub.clock, large=True)
    served_at_desk(hub, panel, "passport", "desk-01")
    form = form_of(panel)
    panel.until(lambda: form.value("offered"))
    panel.click("applyButton")
    panel.until(lambda: form.value("open"))
    submit = panel.item("applicationSubmit")
    assert submit is not None
    buttons_top = submit.mapToScene(QPointF(0, 0)).y()
    for name in ("application-consent", "application-sms", "application-mail", "application-snils"):
        item = panel.item(name)
        assert item is not None, name
        bottom = item.mapToScene(QPointF(0, item.height())).y()
        assert bottom <= buttons_top, f"{name} ends at {bottom}, under the buttons"
    panel.shot("application-form-large")


def test_a_receipt_the_printer_cannot_print_is_said_and_printed_once_it_can(
    hall: tuple[HubThread, Hall], open_panel: Callable[..., Panel]
) -> None:
    hub, printer = hall
    panel = open_panel(hub.address, hub.ca_pem, hub.clock)
    served_at_desk(hub, panel, "passport", "desk-01")
    form = form_of(panel)
    panel.until(lambda: form.value("offered"))
    printer.sim.set_paper_out()
    panel.qtbot.waitUntil(lambda: hub.run(printer.device).error == "paper out", timeout=10_000)

    form.begin()
    form.submit()
    panel.until(lambda: form.value("stage") == "done" and form.value("printText"))
    assert (form.value("printKind"), form.value("printText")) == (
        "error",
        "Расписка не напечатана: проверьте принтер и нажмите «Напечатать ещё раз»",
    )
    assert "paper out" in str(panel["message"])
    number = str(form.value("result")["number"])  # type: ignore[index]

    printer.sim.refill()
    panel.qtbot.waitUntil(lambda: hub.run(printer.device).error == "", timeout=10_000)
    panel.click("applicationPrintAgain")
    panel.until(lambda: form.value("printKind") == "info")
    assert "Контакты не сохранены" in receipt(printer, number).text


def test_a_form_resent_after_a_refusal_keeps_its_request_id_and_a_new_one_gets_a_new_id(
    qtbot: object,
) -> None:
    """The form's request id: the same until the hub records the application (so a retry
    of a lost answer never records two), a new one for the visitor's next application."""
    sent: list[applications_pb2.AcceptApplicationRequest] = []
    answers: list[Result[Any]] = [
        Result(error=ActionRefused("no consent", "no_consent")),
        Result(value=applications_pb2.Application(number="261123-001")),
        Result(value=applications_pb2.Application(number="261123-002")),
    ]

    class Client:
        """Says which call the work made, and keeps what an Accept would send."""

        def accept(self, request: applications_pb2.AcceptApplicationRequest) -> str:
            sent.append(request)
            return "accept"

        def print_slip(self, *slip: object) -> str:
            return "print"

    def act(work: Callable[[Any], Any], then: Callable[[Result[Any]], None] | None = None) -> None:
        call = work(Client())
        answer = answers.pop(0) if call == "accept" else Result(value=common_pb2.PrintJob())
        if then is not None:
            then(answer)

    form = ApplicationDesk(act, words("ru"), "ru")
    ticket = common_pb2.Ticket(id="2026-11-23/А001", number="А001", service_id="passport")
    form.offer(branch_hall(), "desk-01", ticket)
    form.begin()
    form.submit()
    form.setFlag("consent", True)
    form.submit()
    form.another()
    form.submit()
    assert [r.consent for r in sent] == [False, True, True]
    assert sent[0].request_id == sent[1].request_id != sent[2].request_id
    assert form.value("recordedText") == "Заявления: 261123-001, 261123-002"
