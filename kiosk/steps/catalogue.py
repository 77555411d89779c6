"""What to bring, without taking a ticket: a service's page of the catalogue, the life
situations, the checklist printed and the link sent to a phone.

The page opens from a service's "Что взять" button in a list or in search results, and
"Назад" goes back to that list as it was. It is paged like the lists (the documents of
one service may be many), composed here from the catalogue's entry in the visitor's
language, so the screen and the voice say the same words. The phone typed for the link
is ``core.link_phone``, which ``FlowCore.go`` drops whenever another screen shows.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from kiosk import speech
from kiosk.booking import PHONE_DIGITS, phone_typed
from kiosk.catalogue import SITUATION
from kiosk.catalogue_info import Document, Entry
from kiosk.core import FlowCore, Screen
from kiosk.payment import rubles
from kiosk.states import PrintState
from kiosk.steps.lists import ListSteps
from kiosk.texts import PRINTER_REASONS, printer_reason, words

log = logging.getLogger(__name__)

# The requests of this screen (``Pending.kind``): their refusals are said on it.
KINDS = ("checklist", "link")
# What one page of the service's page holds: lines of about this many characters.
PAGE_LINES = {False: 19, True: 14}
LINE_CHARS = {False: 44, True: 29}
# The hub's refusal codes of a link (hub/api/catalogue.py, hub/errors.py) and their words.
_LINK_REFUSALS = {
    "bad_phone": "refused_phone",
    "invalid_request": "refused_phone",
    "notifications_off": "refused_sms_off",
}


class Step:
    INFO = "info"
    PHONE = "phone"


@dataclass(frozen=True, slots=True)
class Block:
    """A labelled part of the page: "Документы" and its lines."""

    label: str
    lines: tuple[str, ...]


def document_line(document: Document, language: str) -> str:
    """ "Паспорт — оригинал и копии: 2 (если есть)"."""
    said = words(language)
    copies = max(1, document.copies)
    if document.kind == "copy":
        how = said["doc_copy"] if copies == 1 else said["doc_copies"].format(n=copies)
    elif document.kind == "original_and_copy":
        how = (
            said["doc_original_and_copy"]
            if copies == 1
            else said["doc_original_and_copies"].format(n=copies)
        )
    else:
        how = said["doc_original"]
    condition = f" ({document.conditions})" if document.conditions else ""
    return f"{document.name} — {how}{condition}"


def blocks(entry: Entry, language: str) -> list[Block]:
    """The page of one service, in the order a visitor reads it: what it is, what to bring,
    who may apply, what one gets and when, the fee, the forms."""
    said = words(language)
    days = entry.processing_days
    when = said["info_at_once"] if days is None else said["info_days"].format(days=days)
    fee = said["info_free"] if entry.fee_kopecks <= 0 else rubles(entry.fee_kopecks)
    parts = [
        Block("", (entry.description(language),)),
        Block(said["info_documents"], tuple(document_line(d, language) for d in entry.documents)),
        Block(said["info_who"], (entry.who_may_apply,)),
        Block(said["info_result"], (f"{entry.result} · {when}" if entry.result else when,)),
        Block(said["info_fee"], (f"{fee} · {entry.how_to_pay}" if entry.how_to_pay else fee,)),
        Block(
            said["info_forms"],
            tuple(f"{f.title} ({said.get(f'form_{f.kind}', f.kind)})" for f in entry.forms),
        ),
    ]
    return [Block(b.label, tuple(line for line in b.lines if line)) for b in parts if any(b.lines)]


def paged(parts: list[Block], large: bool) -> list[list[Block]]:
    """The blocks cut into pages of ``PAGE_LINES`` lines (a long line counts as the lines it
    wraps to); a block that does not fit goes on over the page, its label repeated."""
    budget, width = PAGE_LINES[large], LINE_CHARS[large]
    pages: list[list[Block]] = [[]]
    used = 0
    for block in parts:
        lines: list[str] = []
        cost = 1 if block.label else 0
        for line in block.lines:
            wrapped = max(1, math.ceil(len(line) / width))
            if used + cost + wrapped > budget and (lines or pages[-1]):
                if lines:
                    pages[-1].append(Block(block.label, tuple(lines)))
                pages.append([])
                used, lines, cost = 0, [], 1 if block.label else 0
            lines.append(line)
            cost += wrapped
        pages[-1].append(Block(block.label, tuple(lines)))
        used += cost
    return pages


class InfoSteps:
    """The service's page, its checklist and link, and the life situations."""

    def __init__(self, core: FlowCore, lists: ListSteps) -> None:
        self._core = core
        self._lists = lists
        lists.counts[Screen.INFO] = lambda: len(self.pages()) if self.step == Step.INFO else 1
        self.service_id = ""
        self.step = Step.INFO
        # A words key said under the page ("info_printed"), its values and its colour.
        self.note = ""
        self.note_values: dict[str, str] = {}
        self.job_id = 0
        self._origin = Screen.HOME

    # -- what is shown ---------------------------------------------------------------------

    def entry(self) -> Entry | None:
        catalogue = self._core.catalogue
        return catalogue.guide.entry(self.service_id) if catalogue else None

    def pages(self) -> list[list[Block]]:
        entry, core = self.entry(), self._core
        if entry is None:
            return [[Block("", (words(core.language)["info_none"],))]]
        return paged(blocks(entry, core.language), core.large)

    def page(self) -> list[Block]:
        pages = self.pages()
        return pages[min(self._core.page, len(pages) - 1)]

    # -- the visitor -----------------------------------------------------------------------

    def open(self, service_id: str) -> None:
        """A service's "Что взять" button in a list or in search results."""
        core = self._core
        if core.locked or core.screen not in (Screen.GROUP, Screen.SEARCH):
            return
        if core.catalogue is None or core.catalogue.service(service_id) is None:
            return
        self.service_id, self.step, self.note, self.job_id = service_id, Step.INFO, "", 0
        self._origin = core.screen
        log.info("service page shown service=%s", service_id)
        core.go(Screen.INFO)

    def open_situations(self) -> None:
        core = self._core
        catalogue = core.catalogue
        if not core.locked and core.screen is Screen.HOME and catalogue and catalogue.situations():
            core.go(Screen.SITUATIONS)

    def print_checklist(self) -> None:
        """ "Напечатать список": a fresh request id for each press (the hub answers a
        repeated id with the job it made, never a second paper)."""
        core = self._core
        if core.locked or core.screen is not Screen.INFO or not core.settings.printer:
            return
        request_id = core.request("checklist", self.service_id)
        core.requests.print_checklist(
            request_id, self.service_id, core.settings.printer, core.language
        )

    def ask_phone(self) -> None:
        core = self._core
        if not core.locked and core.screen is Screen.INFO and self.step == Step.INFO:
            self.step, self.note = Step.PHONE, ""
            core.link_phone = ""
            core.stepped()

    def key(self, digit: str) -> None:
        core = self._core
        if core.locked or core.screen is not Screen.INFO or self.step != Step.PHONE:
            return
        core.link_phone, self.note = phone_typed(core.link_phone, digit)
        self.note_values = {}
        if self.note:
            core.say(words(core.language)[self.note])

    def erase(self) -> None:
        core = self._core
        if self.step == Step.PHONE:
            core.link_phone, self.note = core.link_phone[:-1], ""

    def send_link(self) -> None:
        core = self._core
        if core.locked or core.screen is not Screen.INFO or self.step != Step.PHONE:
            return
        if len(core.link_phone) != PHONE_DIGITS:
            return
        request_id = core.request("link", self.service_id)
        core.requests.send_link(request_id, self.service_id, f"+7{core.link_phone}", core.language)

    def back(self) -> bool:
        """From the phone to the page, from the page to its list, from a life situation's
        services to the situations; False when none of those is shown."""
        core = self._core
        if core.screen is Screen.INFO and self.step == Step.PHONE:
            self.step, self.note = Step.INFO, ""
            core.link_phone = ""
            core.stepped()
            return True
        if core.screen is Screen.INFO:
            core.go(self._origin)
            return True
        if core.screen is Screen.GROUP and core.catalogue is not None:
            listed = core.catalogue.group(self._lists.group_id)
            if listed is not None and listed.id.startswith(SITUATION):
                core.go(Screen.SITUATIONS)
                return True
        return False

    # -- the hub's answers -----------------------------------------------------------------

    def printed(self, request_id: str, job_id: int, state: PrintState, error: str) -> None:
        core = self._core
        if core.waited(request_id) is None:
            return
        core.pending = None
        self.job_id = job_id
        core.printer_from(state, error)
        self._print_note(state, error)

    def print_update(self, job_id: int, state: PrintState, error: str) -> None:
        if job_id and job_id == self.job_id and self._core.screen is Screen.INFO:
            self._print_note(state, error)

    def link_sent(self, request_id: str, phone_hint: str) -> None:
        core = self._core
        if core.waited(request_id) is None:
            return
        core.pending = None
        # The number served its one message: nothing of it stays on the kiosk.
        core.link_phone = ""
        self.step = Step.INFO
        self._say_note("link_sent", phone=phone_hint)
        log.info("service link sent service=%s", self.service_id)

    def refused(self, kind: str, reason: str, message: str) -> None:
        """The hub refused the checklist or the link: said on the page (the phone typed
        stays, to be corrected). A printer's trouble is read from the end of the hub's
        message ("cannot print the slip: paper out")."""
        language = self._core.language
        log.info("%s refused reason=%s", kind, reason)
        if kind == "link":
            why = words(language)[_LINK_REFUSALS.get(reason, "refused_unknown")]
            self._say_note("link_refused", reason=why)
            return
        trouble = message.rpartition(": ")[2].strip().lower()
        known = trouble in PRINTER_REASONS
        why = printer_reason(trouble, language) if known else words(language)["refused_printer"]
        self._say_note("info_print_refused", reason=why)

    def _print_note(self, state: PrintState, error: str) -> None:
        if state is PrintState.PRINTED:
            self._say_note("info_printed")
        elif state is PrintState.FAILED:
            self._say_note("info_not_printed", reason=printer_reason(error, self._core.language))
        else:
            self.note, self.note_values = "info_printing", {}

    def _say_note(self, key: str, **values: str) -> None:
        core = self._core
        self.note, self.note_values = key, values
        core.say(words(core.language)[key].format(**values))

    def prompt(self) -> str:
        core, language = self._core, self._core.language
        if core.screen is Screen.SITUATIONS:
            return speech.prompt("situations", language)
        if self.step == Step.PHONE:
            return speech.prompt("link_phone", language)
        service = core.catalogue.service(self.service_id) if core.catalogue else None
        name = service.name(language) if service else ""
        entry = self.entry()
        if entry is None:
            return speech.prompt("info_empty", language, name=name)
        # The whole page, every page of it: a visitor who cannot see it hears it all.
        said = [
            f"{b.label}: {'; '.join(b.lines)}" if b.label else " ".join(b.lines)
            for b in blocks(entry, language)
        ]
        return ". ".join([name, *(s.rstrip(".") for s in said)]) + "."
