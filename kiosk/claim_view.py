"""What the priority step and the ticket's category line show, from the flow. Pure.

One map (``view.claim`` in QML), so the step adds one property to view.py.
"""

from __future__ import annotations

from kiosk.claim_words import WORDS
from kiosk.core import Screen
from kiosk.flow import KioskFlow


def claim(flow: KioskFlow) -> dict[str, object]:
    language = flow.language
    words = WORDS[language]
    steps = flow.claims
    service = flow.catalogue.service(steps.service_id) if flow.catalogue is not None else None
    shown = flow.screen is Screen.CLAIM
    category = steps.category(flow.ticket.priority) if flow.ticket is not None else None
    return {
        **words,
        "listing": shown and steps.listing,
        "service": service.name(language) if shown and service is not None else "",
        "categories": [
            {
                "key": c.id,
                "name": c.name(language),
                "document": words["document"].format(document=c.document(language)),
            }
            for c in (steps.categories() if shown else ())
        ],
        "ticketLine": (
            words["ticket_line"].format(name=category.name(language)) if category else ""
        ),
    }
