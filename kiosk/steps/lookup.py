"""An application's status at the kiosk: the taps of the look-up and the hub's answers.

The typed number and phone and the answer are a :class:`kiosk.lookup.LookUp`
(``core.lookup``), dropped whenever the visitor leaves the screen; this class moves it on
from the step shown and sends ``Applications/LookUp`` or ``LookUpByCard``.
"""

from __future__ import annotations

import logging

from kiosk import speech
from kiosk.core import CardVisitor, FlowCore, Screen
from kiosk.lookup import AppStatus, Found, LookUp, Step
from kiosk.texts import words

log = logging.getLogger(__name__)


class LookUpSteps:
    """The status screen's keypad, the card, the answer and the offer to book a collection."""

    def __init__(self, core: FlowCore) -> None:
        self._core = core
        # The card in the reader when the screen opened: only a card inserted since then
        # is looked up by itself (one left in by someone else is not).
        self._card_at_open: CardVisitor | None = None

    def open(self) -> None:
        core = self._core
        if core.locked or core.screen is not Screen.HOME:
            return
        core.lookup = LookUp()
        self._card_at_open = core.card_in_reader()
        core.go(Screen.STATUS)

    def _shown(self) -> LookUp | None:
        core = self._core
        if core.locked or core.screen is not Screen.STATUS:
            return None
        return core.lookup

    def key(self, digit: str) -> None:
        lookup = self._shown()
        if lookup is not None and not lookup.key(digit) and lookup.note:
            self._core.say(words(self._core.language)[lookup.note])

    def erase(self) -> None:
        lookup = self._shown()
        if lookup is not None:
            lookup.erase()

    def submit(self) -> None:
        """ "Продолжить" after the number; "Найти" after the phone: the look-up itself."""
        lookup = self._shown()
        if lookup is None or not lookup.ready:
            return
        if lookup.next():
            self._core.stepped()
            return
        core = self._core
        request_id = core.request("lookup", "application")
        core.requests.look_up(request_id, lookup.number, f"+7{lookup.phone}")

    def by_card(self) -> bool:
        """The applications of the card's holder; False with no card (the screen asks for it)."""
        lookup = self._shown()
        if lookup is None or lookup.step is Step.FOUND:
            return False
        core = self._core
        visitor = core.card_in_reader()
        if visitor is None or not visitor.snils_hash:
            # No card; or one without a SNILS (a bank card): none of its holder's is known.
            lookup.note = "lookup_insert_card" if visitor is None else "lookup_no_card_apps"
            core.say(words(core.language)[lookup.note])
            return False
        request_id = core.request("lookup_card", "card")
        core.requests.look_up_by_card(request_id, visitor.snils_hash)
        return True

    def watch_card(self) -> None:
        """A card inserted while the keypad is shown: its holder's applications at once."""
        core, lookup = self._core, self._core.lookup
        if lookup is None or core.screen is not Screen.STATUS or lookup.step is Step.FOUND:
            return
        visitor = core.card_in_reader()
        if visitor is not None and visitor != self._card_at_open and visitor.snils_hash:
            self._card_at_open = visitor
            self.by_card()

    def answered(self, request_id: str, found: tuple[Found, ...]) -> None:
        core = self._core
        pending, lookup = core.waited(request_id), core.lookup
        if pending is None or lookup is None:
            return
        core.pending = None
        lookup.answered(found, by_card=pending.kind == "lookup_card")
        log.info("application look-up answered count=%d", len(found))
        if lookup.step is Step.FOUND:
            core.stepped()
        else:
            core.say(words(core.language)[lookup.note])

    def refused(self, reason: str, message: str, *, by_card: bool) -> None:
        """The hub refused the pair (or the card's hash): said on the keypad, kept there."""
        core, lookup = self._core, self._core.lookup
        if lookup is None:
            return
        lookup.refused(reason, message, by_card=by_card)
        log.info("application look-up refused reason=%s", reason)
        core.say(words(core.language)[lookup.note].format(minutes=lookup.wait_min))

    def back(self) -> bool:
        """One step back; False from the first step (the flow goes home)."""
        lookup = self._core.lookup
        if lookup is None or not lookup.back():
            return False
        self._core.stepped()
        return True

    def collectable(self) -> Found | None:
        """The application shown, if it is ready and the branch books collections."""
        core, lookup = self._core, self._core.lookup
        if lookup is None or lookup.step is not Step.FOUND or not lookup.found:
            return None
        shown = lookup.found[min(core.page, len(lookup.found) - 1)]
        collect = core.catalogue.collect_service if core.catalogue else ""
        return shown if shown.status is AppStatus.READY and collect else None

    def prompt(self) -> str:
        lookup, language = self._core.lookup, self._core.language
        if lookup is None:
            return ""
        if lookup.step is Step.FOUND:
            status = lookup.found[min(self._core.page, len(lookup.found) - 1)].status
            return speech.prompt("lookup_found", language, status=words(language)[f"app_{status}"])
        # The card is offered aloud only where there is a reader to take it.
        card = "_card" if lookup.step is Step.NUMBER and self._core.can_identify else ""
        return speech.prompt(f"lookup_{lookup.step.value}{card}", language)
