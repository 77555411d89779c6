"""The words of the priority step (a visitor who belongs to a priority category), Russian
and English, shown and spoken; speech.py takes the prompts into the kiosk's. Pure data.

The notice is plain on purpose: the kiosk takes the visitor's word, the operator sees the
document, and a visitor without it keeps their place as a regular ticket.
"""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "ru": {
        "title": "Талон на услугу",
        "take": "Взять талон",
        "claim": "Я отношусь к льготной категории",
        "claim_sub": "инвалиды, ветераны, беременные, родители с малышами",
        "list_title": "Льготная категория",
        "notice": (
            "Покажите документ сотруднику у окна. Без документа талон станет обычным, "
            "место в очереди сохранится."
        ),
        "document": "Документ: {document}",
        "ticket_line": "Льгота: {name}. Покажите документ у окна.",
    },
    "en": {
        "title": "Ticket for",
        "take": "Take a ticket",
        "claim": "I belong to a priority category",
        "claim_sub": "disabled people, veterans, pregnant women, parents of infants",
        "list_title": "Priority category",
        "notice": (
            "Show the document to the officer at the desk. Without it the ticket becomes a "
            "regular one and keeps its place in the queue."
        ),
        "document": "Document: {document}",
        "ticket_line": "Priority: {name}. Show the document at the desk.",
    },
}

PROMPTS: dict[str, dict[str, str]] = {
    "ru": {
        "claim_offer": (
            "{service}. Нажмите «Взять талон». Если вы относитесь к льготной категории, "
            "нажмите кнопку «Я отношусь к льготной категории» ниже."
        ),
        "claim_list": "Выберите вашу категорию: {names}. {notice}",
        "claim_ticket": "Льгота: {name}. Покажите документ у окна.",
    },
    "en": {
        "claim_offer": (
            "{service}. Press Take a ticket. If you belong to a priority category, press "
            "I belong to a priority category below."
        ),
        "claim_list": "Choose your category: {names}. {notice}",
        "claim_ticket": "Priority: {name}. Show the document at the desk.",
    },
}
