"""What a visitor reads: the text of each message, in Russian or English. Pure.

SMS texts are short (a Cyrillic SMS part holds 70 characters; two or three parts are
usual for these); e-mails say the same with a subject. No text names the visitor: the
contact is all the hub knows, and the message goes to it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from hub.domain.branch import Branch


class Kind(enum.Enum):
    BOOKED = "booked"
    MOVED = "moved"
    CANCELLED = "cancelled"
    REMINDER = "reminder"
    TURN_NEAR = "turn_near"
    CALLED = "called"
    # After the service: a link to rate it (docs/ratings.md).
    RATE = "rate"
    # An application's notices (hub/notify/notices.py): each status, a moved planned date,
    # the reminder of documents waiting, and the answer to an SMS asking the status.
    APP_ACCEPTED = "app_accepted"
    APP_IN_WORK = "app_in_work"
    APP_SUSPENDED = "app_suspended"
    APP_READY = "app_ready"
    APP_ISSUED = "app_issued"
    APP_REFUSED = "app_refused"
    APP_CANCELLED = "app_cancelled"
    APP_MOVED = "app_moved"
    APP_REMINDER = "app_reminder"
    APP_REPLY = "app_reply"
    # A link to a service's page of the catalogue (what to bring), asked at a kiosk or by
    # phone from the call centre (hub/api/catalogue.py).
    LINK = "link"

    @property
    def about_application(self) -> bool:
        return self.value.startswith("app_")


@dataclass(frozen=True, slots=True)
class Text:
    subject: str
    body: str


def render(
    kind: Kind,
    params: dict[str, Any],
    *,
    branch: Branch,
    lang: str = "ru",
    code: str = "",
    stop_url: str = "",
    rate_url: str = "",
) -> Text:
    """The message for ``kind`` with the values kept in the outbox (``params``)."""
    en = lang == "en"
    service = branch.service(str(params.get("service", "")))
    service_name = (service.name_en if en else service.name_ru) if service else ""
    when = _when(int(params.get("slot_ms", 0)), branch.timezone)
    number = str(params.get("number", ""))
    early = _clock(int(params.get("check_in_from_ms", 0)), branch.timezone)
    late = _clock(int(params.get("check_in_until_ms", 0)), branch.timezone)
    texts = _EN if en else _RU
    values = {
        "service": service_name,
        "when": when,
        "code": code,
        "number": number,
        "desk": params.get("desk", ""),
        "ahead": params.get("ahead", 0),
        "minutes": int(params.get("wait_s", 0)) // 60,
        "from": early,
        "until": late,
        "branch": branch.name,
        "rate_url": rate_url,
        "url": params.get("url", ""),
    }
    if kind is Kind.TURN_NEAR and not params.get("wait_known", True):
        key = "turn_near_unknown"
    elif kind is Kind.TURN_NEAR and not values["minutes"]:
        key = "turn_near_now"
    else:
        key = kind.value
    subject, body = texts[key]
    body = body.format(**values)
    return Text(subject.format(**values), body + stop_line(lang, stop_url))


def stop_line(lang: str, url: str) -> str:
    """The way out every message ends with ("" without a link to give)."""
    return (_EN if lang == "en" else _RU)["stop"][1].format(url=url) if url else ""


def _when(ms: int, zone: str) -> str:
    if not ms:
        return ""
    return f"{datetime.fromtimestamp(ms / 1000, ZoneInfo(zone)):%d.%m %H:%M}"


def _clock(ms: int, zone: str) -> str:
    if not ms:
        return ""
    return f"{datetime.fromtimestamp(ms / 1000, ZoneInfo(zone)):%H:%M}"


_RU: dict[str, tuple[str, str]] = {
    "booked": (
        "Запись на {when}",
        "Вы записаны на {when}: {service}. Код записи {code}. "
        "Отметьтесь в терминале МФЦ с {from} до {until}.",
    ),
    "moved": (
        "Запись перенесена на {when}",
        "Запись перенесена на {when}: {service}. Код прежний: {code}. "
        "Отметьтесь в терминале МФЦ с {from} до {until}.",
    ),
    "cancelled": ("Запись отменена", "Запись на {when} ({service}) отменена."),
    "reminder": (
        "Напоминание о записи на {when}",
        "Напоминаем: запись на {when}, {service}. Код {code}. "
        "Отметьтесь в терминале МФЦ с {from} до {until}.",
    ),
    "turn_near": (
        "Талон {number}: скоро ваша очередь",
        "Талон {number}: перед вами {ahead} чел., около {minutes} мин. Подходите к залу.",
    ),
    "turn_near_unknown": (
        "Талон {number}: скоро ваша очередь",
        "Талон {number}: перед вами {ahead} чел., ожидание уточняется. Подходите к залу.",
    ),
    "turn_near_now": (
        "Талон {number}: скоро ваша очередь",
        "Талон {number}: перед вами {ahead} чел., вас вызовут с минуты на минуту. "
        "Подходите к залу.",
    ),
    "called": ("Талон {number}: пройдите к окну {desk}", "Талон {number}: пройдите к окну {desk}."),
    "rate": ("Оцените обслуживание", "Талон {number}: оцените обслуживание от 1 до 5: {rate_url}"),
    "link": ("{service}", "{service}: что взять с собой и образцы заявлений: {url}"),
    "stop": ("", " Не присылать: ответьте СТОП или {url}"),
}

_EN: dict[str, tuple[str, str]] = {
    "booked": (
        "Appointment on {when}",
        "You are booked for {when}: {service}. Booking code {code}. "
        "Check in at a kiosk of the centre from {from} to {until}.",
    ),
    "moved": (
        "Appointment moved to {when}",
        "Your appointment is moved to {when}: {service}. The code stays {code}. "
        "Check in at a kiosk of the centre from {from} to {until}.",
    ),
    "cancelled": ("Appointment cancelled", "Your appointment on {when} ({service}) is cancelled."),
    "reminder": (
        "Reminder: appointment on {when}",
        "Reminder: appointment on {when}, {service}. Code {code}. "
        "Check in at a kiosk of the centre from {from} to {until}.",
    ),
    "turn_near": (
        "Ticket {number}: your turn is near",
        "Ticket {number}: {ahead} people ahead of you, about {minutes} min. "
        "Please come to the hall.",
    ),
    "turn_near_unknown": (
        "Ticket {number}: your turn is near",
        "Ticket {number}: {ahead} people ahead of you, the wait is not known yet. "
        "Please come to the hall.",
    ),
    "turn_near_now": (
        "Ticket {number}: your turn is near",
        "Ticket {number}: {ahead} people ahead of you, you will be called any minute. "
        "Please come to the hall.",
    ),
    "called": (
        "Ticket {number}: please go to desk {desk}",
        "Ticket {number}: please go to desk {desk}.",
    ),
    "rate": ("Rate your service", "Ticket {number}: rate your service from 1 to 5: {rate_url}"),
    "link": ("{service}", "{service}: what to bring and sample forms: {url}"),
    "stop": ("", " To stop these messages reply STOP or open {url}"),
}
