"""What the application form offers and sends, and what the receipt says (pure)."""

from __future__ import annotations

import pytest

from okno.privacy import application_consent
from protos.okno.v1 import admin_pb2, applications_pb2, common_pb2
from staff_desk.panel import applying, receipt
from staff_desk.panel.applying import Draft, Visitor
from staff_desk.panel.client import HallInfo
from staff_desk.panel.model import Hall
from staff_desk.panel.words import words

PASSPORT = admin_pb2.ServiceInfo(
    id="passport",
    prefix="А",
    name_ru="Паспорт гражданина РФ",
    name_en="Russian internal passport",
    processing_days=10,
    authority="ГУ по вопросам миграции МВД",
)
CONSULTATION = admin_pb2.ServiceInfo(
    id="consultation", prefix="Р", name_ru="Консультация", name_en="Consultation"
)
# Monday 2026-11-23 10:26 in Moscow.
ACCEPTED_MS = 1_795_418_760_000


def hall(public_url: str = "https://mfc.example.ru") -> Hall:
    branch = admin_pb2.Branch(
        name="МФЦ",
        timezone="Europe/Moscow",
        public_url=public_url,
        application_keep_contacts_days=30,
        application_longest_keep_days=400,
    )
    desk = admin_pb2.DeskInfo(id="desk-01", number=1, printer_id="ticket_printer-P-1")
    return Hall.of(HallInfo(branch, [PASSPORT, CONSULTATION], [desk], []))


def application(**changes: object) -> applications_pb2.Application:
    fields: dict[str, object] = {
        "number": "261123-004",
        "service_id": "passport",
        "authority": PASSPORT.authority,
        "planned_ready": "2026-12-07",
        "accepted_at_unix_ms": ACCEPTED_MS,
    }
    return applications_pb2.Application(**(fields | changes))  # type: ignore[arg-type]


def test_only_services_that_produce_documents_offer_an_application() -> None:
    rows = applying.document_services(hall(), words("ru"), "ru")
    assert rows == [
        {
            "id": "passport",
            "label": "А · Паспорт гражданина РФ",
            "detail": "10 раб. дн. · ГУ по вопросам миграции МВД",
        }
    ]
    served = common_pb2.Ticket(id="2026-11-23/А004", number="А004", service_id="passport")
    assert applying.visitor(hall(), served) == Visitor("2026-11-23/А004", "А004", "passport")
    consulted = common_pb2.Ticket(id="2026-11-23/Р001", number="Р001", service_id="consultation")
    assert applying.visitor(hall(), consulted) is None


def test_the_form_sends_what_was_typed_with_its_request_id() -> None:
    draft = (
        Draft("passport")
        .with_flag("consent", True)
        .with_text("phone", " 8 916 123-45-67 ")
        .with_flag("sms", True)
    )
    sent = applying.request(Visitor("t-1", "А004", "passport"), draft, "req-1")
    assert (sent.ticket_id, sent.service_id, sent.phone, sent.request_id) == (
        "t-1",
        "passport",
        "8 916 123-45-67",
        "req-1",
    )
    assert (sent.consent, sent.notify_sms, sent.notify_email, sent.email) == (
        True,
        True,
        False,
        "",
    )
    with pytest.raises(ValueError, match="no text field 'name'"):
        draft.with_text("name", "Иван")


def test_the_receipt_with_a_phone_names_every_way_to_look_it_up() -> None:
    app = application(notify_sms=True, phone_hint="+7********67")
    lines = receipt.lines(app, hall(), "А004", receipt.Kept(phone=True))
    assert lines[:5] == [
        "Заявление № 261123-004",
        "Принято 23.11.2026 10:26, талон А004",
        "Услуга: Паспорт гражданина РФ",
        "Ведомство: ГУ по вопросам миграции МВД",
        "Плановая дата готовности: 07.12.2026",
    ]
    assert "  https://mfc.example.ru/application" in lines
    assert "- в терминале в зале центра: номер заявления и телефон" in lines
    assert "- по SMS: ответьте на SMS центра номером заявления" in lines
    assert "Уведомления: SMS на +7********67" in lines
    assert lines[-1].startswith("Ваши контакты хранятся только для сообщений о заявлении")
    assert "через 30 дн." in lines[-1] and "через 400 дн." in lines[-1]


def test_the_receipt_without_contacts_promises_no_look_up_it_cannot_keep() -> None:
    lines = receipt.lines(application(), hall(), "А004", receipt.Kept())
    ways = lines[lines.index("Узнать статус без звонка:") + 1 : lines.index("", 6)]
    assert ways == ["- в любом окне центра: по номеру заявления"]
    assert "Уведомления: нет: контакты не оставлены" in lines
    assert lines[-1] == "Контакты не сохранены: сообщений о заявлении не будет."


def test_the_card_is_offered_only_with_snils_and_the_web_only_with_a_public_address() -> None:
    lines = receipt.lines(application(), hall(public_url=""), "А004", receipt.Kept(card=True))
    assert "- в терминале в зале центра: приложите карту (УЭК)" in lines
    assert not any("http" in line or "телефон" in line for line in lines)


def test_the_consent_says_what_is_kept_for_what_and_how_long() -> None:
    text = application_consent("ru", 30, 400)
    for part in ("телефон, e-mail и СНИЛС", "сообщений о ходе этого заявления", "30 дн.", "400"):
        assert part in text
    assert "30 days after" in application_consent("en", 30, 400)
