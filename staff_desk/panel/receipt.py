"""The receipt an applicant takes home: the application's number, what and when, how to
look it up without calling, and how long their contact is kept (pure, no I/O).

Printed in Russian whatever the panel's language (it is the applicant's paper, like the
ticket), through the hub's printing as a slip of text lines (``Printing.PrintSlip``); the
printer wraps each line to its paper. Dates are the branch's.
"""

from __future__ import annotations

from dataclasses import dataclass

from okno.privacy import application_kept
from protos.okno.v1 import applications_pb2
from staff_desk.panel.applying import day_text, moment_text, notices_text
from staff_desk.panel.model import Hall
from staff_desk.panel.words import words

TITLE = "Расписка в приёме заявления"
LOOK_UP_PAGE = "/application"


@dataclass(frozen=True, slots=True)
class Kept:
    """What the applicant left at the desk with their consent, so what finds the application."""

    phone: bool = False
    card: bool = False


def lines(
    app: applications_pb2.Application, hall: Hall, ticket_number: str, kept: Kept
) -> list[str]:
    """The receipt's lines under :data:`TITLE`."""
    ru = words("ru")
    out = [
        f"Заявление № {app.number}",
        f"Принято {moment_text(app.accepted_at_unix_ms, hall.timezone)}, талон {ticket_number}",
        f"Услуга: {hall.service_name(app.service_id, 'ru')}",
    ]
    if app.authority:
        out.append(f"Ведомство: {app.authority}")
    out += [f"Плановая дата готовности: {day_text(app.planned_ready)}", ""]
    out += look_up(hall, kept)
    out += ["", f"Уведомления: {notices_text(app, ru)}"]
    if kept.phone or kept.card or app.notify_email:
        out.append(application_kept("ru", hall.keep_contacts_days, hall.longest_keep_days))
    else:
        out.append("Контакты не сохранены: сообщений о заявлении не будет.")
    return out


def look_up(hall: Hall, kept: Kept) -> list[str]:
    """The ways this applicant can learn the status without calling: each needs what they
    left (the web page and the kiosk ask the number with the phone; the card needs SNILS)."""
    ways = ["Узнать статус без звонка:"]
    if kept.phone and hall.public_url:
        # The address on a line of its own: wrapped mid-way it could not be typed.
        ways += [
            "- на сайте, по номеру заявления и телефону:",
            f"  {hall.public_url}{LOOK_UP_PAGE}",
        ]
    if kept.phone:
        ways.append("- в терминале в зале центра: номер заявления и телефон")
    if kept.card:
        ways.append("- в терминале в зале центра: приложите карту (УЭК)")
    if kept.phone:
        ways.append("- по SMS: ответьте на SMS центра номером заявления")
    ways.append("- в любом окне центра: по номеру заявления")
    return ways
