"""What an applicant reads of their application: each notice's text. Pure.

The outbox keeps only what is not personal (the number, service, status and dates); what
may be (the reason: what is needed, why it was refused) and the links are given when the
message is sent. Applications do not record a language: notices are Russian, and English
is kept beside them for the tests and for a branch that asks for it later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from hub.domain.applications import ApplicationStatus
from hub.domain.branch import Branch
from hub.notify.messages import Kind, Text, stop_line

# The notice of each status; a reply to "СТАТУС <number>" says the same as the notice of
# the status the application is in.
STATUS_KIND = {
    ApplicationStatus.ACCEPTED: Kind.APP_ACCEPTED,
    ApplicationStatus.IN_WORK: Kind.APP_IN_WORK,
    ApplicationStatus.SUSPENDED: Kind.APP_SUSPENDED,
    ApplicationStatus.READY: Kind.APP_READY,
    ApplicationStatus.ISSUED: Kind.APP_ISSUED,
    ApplicationStatus.REFUSED: Kind.APP_REFUSED,
    ApplicationStatus.CANCELLED: Kind.APP_CANCELLED,
}
# The sentences after a notice's first, in order, when their value is there: the reason
# ("why"), or where to ask when a reason is owed and gone ("ask"), the links.
_TAILS: dict[Kind, tuple[str, ...]] = {
    Kind.APP_ACCEPTED: ("look_up",),
    Kind.APP_SUSPENDED: ("needed", "ask"),
    Kind.APP_READY: ("collect", "book"),
    Kind.APP_REFUSED: ("why", "ask"),
    Kind.APP_CANCELLED: ("why",),
    Kind.APP_REMINDER: ("book",),
}


@dataclass(frozen=True, slots=True)
class Links:
    """Links a notice may give: the look-up page, booking a collection, opting out."""

    look_up: str = ""
    book: str = ""
    stop: str = ""


def render_notice(
    kind: Kind,
    params: dict[str, Any],
    *,
    branch: Branch,
    lang: str = "ru",
    reason: str = "",
    links: Links = Links(),
) -> Text:
    """The notice ``kind`` about the application in ``params`` (as the planner kept it)."""
    en = lang == "en"
    texts = _EN if en else _RU
    service = branch.service(str(params.get("service", "")))
    values = {
        "number": params.get("number", ""),
        "service": (service.name_en if en else service.name_ru) if service else "",
        "planned": _day(str(params.get("planned", ""))),
        "collect_by": _day(str(params.get("collect_by", ""))),
        "branch": branch.name,
        "reason": reason.strip(),
        "look_up": links.look_up,
        "book": links.book,
    }
    if kind is Kind.APP_REPLY:
        kind = STATUS_KIND[ApplicationStatus(params["status"])]
    key = kind.value
    if kind is Kind.APP_READY and params.get("early"):
        key = "app_ready_early"
    subject, body = texts[key]
    for tail in _TAILS.get(kind, ()):
        if _wanted(tail, values):
            body += texts[tail][1]
    return Text(subject.format(**values), body.format(**values) + stop_line(lang, links.stop))


def _wanted(tail: str, values: dict[str, Any]) -> bool:
    if tail in ("needed", "why"):
        return bool(values["reason"])
    if tail == "ask":
        return not values["reason"]
    if tail == "collect":
        return bool(values["collect_by"])
    return bool(values[tail])


def _day(iso: str) -> str:
    return f"{date.fromisoformat(iso):%d.%m.%Y}" if iso else ""


_RU: dict[str, tuple[str, str]] = {
    "app_accepted": (
        "Заявление {number} принято",
        "Заявление {number} принято: {service}. Планируемая дата готовности {planned}.",
    ),
    "app_in_work": (
        "Заявление {number} в работе",
        "Заявление {number} в работе: {service}. Планируемая дата готовности {planned}.",
    ),
    "app_suspended": (
        "Заявление {number} приостановлено",
        "Рассмотрение заявления {number} приостановлено.",
    ),
    "app_ready": ("Документы готовы", "Документы по заявлению {number} готовы: {service}."),
    "app_ready_early": (
        "Документы готовы раньше срока",
        "Документы по заявлению {number} готовы раньше срока: {service}.",
    ),
    "app_issued": ("Документы выданы", "Документы по заявлению {number} выданы."),
    "app_refused": ("Отказ по заявлению {number}", "По заявлению {number} отказано."),
    "app_cancelled": ("Заявление {number} отменено", "Заявление {number} отменено."),
    "app_moved": (
        "Новая дата готовности",
        "Планируемая дата готовности по заявлению {number} перенесена на {planned}.",
    ),
    "app_reminder": (
        "Документы ждут вас",
        "Документы по заявлению {number} ждут вас до {collect_by}.",
    ),
    "look_up": ("", " Статус: {look_up}"),
    "needed": ("", " Что нужно: {reason}"),
    "why": ("", " Причина: {reason}"),
    "ask": ("", " Подробности в {branch}."),
    "collect": ("", " Получите их до {collect_by}."),
    "book": ("", " Запись на выдачу: {book}"),
}

_EN: dict[str, tuple[str, str]] = {
    "app_accepted": (
        "Application {number} accepted",
        "Application {number} accepted: {service}. Planned ready date {planned}.",
    ),
    "app_in_work": (
        "Application {number} in work",
        "Application {number} is in work: {service}. Planned ready date {planned}.",
    ),
    "app_suspended": (
        "Application {number} suspended",
        "Application {number} is suspended.",
    ),
    "app_ready": ("Documents ready", "The documents of application {number} are ready: {service}."),
    "app_ready_early": (
        "Documents ready early",
        "The documents of application {number} are ready earlier than planned: {service}.",
    ),
    "app_issued": ("Documents issued", "The documents of application {number} were issued."),
    "app_refused": ("Application {number} refused", "Application {number} was refused."),
    "app_cancelled": ("Application {number} cancelled", "Application {number} was cancelled."),
    "app_moved": (
        "New ready date",
        "The planned ready date of application {number} is moved to {planned}.",
    ),
    "app_reminder": (
        "Your documents are waiting",
        "The documents of application {number} wait for you until {collect_by}.",
    ),
    "look_up": ("", " Status: {look_up}"),
    "needed": ("", " What is needed: {reason}"),
    "why": ("", " Reason: {reason}"),
    "ask": ("", " Ask at {branch} for details."),
    "collect": ("", " Collect them by {collect_by}."),
    "book": ("", " Book a time to collect: {book}"),
}
