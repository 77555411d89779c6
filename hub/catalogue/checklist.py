"""The checklist slip of a service: what to bring, ticked off at home. Pure.

Printed on a hall printer as a text slip (hub.api.printing), so each line stays within
its 200 characters (the catalogue's limits see to it) and the printer wraps it.
"""

from __future__ import annotations

from hub.catalogue.model import Document, Entry
from hub.domain.branch import Service

BOX = "☐"
_WORDS = {
    "ru": {
        "bring": "Что взять с собой:",
        "original": "оригинал",
        "copy": "копия",
        "original_and_copy": "оригинал и копия",
        "copies": "копий",
        "nothing": "Документы не нужны.",
        "fee": "Госпошлина: {amount} руб.",
        "free": "Бесплатно.",
        "days": "Срок: {days} раб. дн.",
        "at_once": "Срок: в день обращения.",
        "result": "Результат: {result}",
        "web": "Подробнее: {url}",
    },
    "en": {
        "bring": "What to bring:",
        "original": "original",
        "copy": "copy",
        "original_and_copy": "original and copy",
        "copies": "copies",
        "nothing": "No documents needed.",
        "fee": "State fee: {amount} RUB",
        "free": "Free of charge.",
        "days": "Ready in {days} working days.",
        "at_once": "Ready the same day.",
        "result": "You get: {result}",
        "web": "More: {url}",
    },
}


def checklist(
    service: Service, entry: Entry, language: str, page_url: str
) -> tuple[str, list[str]]:
    """(title, lines) of the slip; ``page_url`` is the service's web page, "" for none."""
    words = _WORDS["en" if language == "en" else "ru"]
    title = service.name_en if language == "en" else service.name_ru
    lines = [words["bring"]]
    for document in entry.documents:
        lines.append(f"{BOX} {document.name} — {_kind(document, words)}")
        if document.conditions:
            lines.append(f"   ({document.conditions})")
    if not entry.documents:
        lines.append(words["nothing"])
    fee = entry.fee_kopecks or 0
    lines.append(words["fee"].format(amount=rubles(fee)) if fee else words["free"])
    if fee and entry.how_to_pay:
        lines.append(entry.how_to_pay)
    days = entry.processing_days
    lines.append(words["days"].format(days=days) if days else words["at_once"])
    lines.append(words["result"].format(result=entry.result))
    if page_url:
        lines.append(words["web"].format(url=page_url))
    return title, lines


def _kind(document: Document, words: dict[str, str]) -> str:
    copies = document.copies_to_bring
    if copies > 1:
        return f"{words[document.kind]} ({copies} {words['copies']})"
    return words[document.kind]


def rubles(kopecks: int) -> str:
    """ "6 000", "4,60": an amount as a Russian slip or page writes it."""
    whole_rubles, rest = divmod(kopecks, 100)
    whole = f"{whole_rubles:,}".replace(",", " ")
    return f"{whole},{rest:02d}" if rest else whole
