"""The priority step after a service is chosen: a regular ticket, or one of a category.

Shown only when the branch has claimable categories. The big button takes a regular
ticket, so a regular visitor taps once more and reads nothing else; "Я отношусь к
льготной категории" lists the categories with the document each needs and the plain
notice that it is shown at the desk. The kiosk takes the visitor's word: the hub marks
the ticket claimed, the operator confirms or removes it.
"""

from __future__ import annotations

import logging

from kiosk import speech
from kiosk.claim_words import WORDS
from kiosk.claims import Category
from kiosk.core import FlowCore, Screen

log = logging.getLogger(__name__)


class ClaimSteps:
    def __init__(self, flow: FlowCore) -> None:
        self._flow = flow
        self.service_id = ""
        # The categories are listed (after "Я отношусь к льготной категории").
        self.listing = False
        self._origin = Screen.HOME

    def categories(self) -> tuple[Category, ...]:
        catalogue = self._flow.catalogue
        return catalogue.categories if catalogue is not None else ()

    def offer(self, service_id: str) -> None:
        """After a (free) service is chosen: the step, or the ticket when nothing is claimable."""
        flow = self._flow
        if not self.categories():
            flow.request_ticket(service_id)
            return
        self.service_id, self.listing, self._origin = service_id, False, flow.screen
        flow.go(Screen.CLAIM)

    def open_list(self) -> None:
        if self._flow.locked or self._flow.screen is not Screen.CLAIM or self.listing:
            return
        self.listing = True
        self._flow.stepped()

    def take(self, category_id: str = "") -> None:
        """The ticket: regular (``""``), or of a listed category the visitor says is theirs."""
        flow = self._flow
        if flow.locked or flow.screen is not Screen.CLAIM:
            return
        if category_id and category_id not in {c.id for c in self.categories()}:
            log.warning("claim of a category not offered: ignored")
            return
        flow.request_ticket(self.service_id, priority=category_id)

    def back(self) -> bool:
        """From the list to the offer, from the offer to where the service was chosen."""
        if self.listing:
            self.listing = False
            self._flow.stepped()
        else:
            self._flow.go(self._origin)
        return True

    def category(self, category_id: str) -> Category | None:
        return next((c for c in self.categories() if c.id == category_id), None)

    def prompt(self) -> str:
        language = self._flow.language
        if self.listing:
            names = ", ".join(c.name(language) for c in self.categories())
            notice = WORDS[language]["notice"]
            return speech.prompt("claim_list", language, names=names, notice=notice)
        catalogue = self._flow.catalogue
        service = catalogue.service(self.service_id) if catalogue is not None else None
        name = service.name(language) if service is not None else ""
        return speech.prompt("claim_offer", language, service=name)

    def ticket_sentence(self, category_id: str) -> str:
        """Said after the ticket's number: the category claimed, and the document."""
        found = self.category(category_id)
        if found is None:
            return ""
        language = self._flow.language
        return speech.prompt("claim_ticket", language, name=found.name(language))
