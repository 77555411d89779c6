"""``okno kiosk bench keys``: a blind visitor's ticket with the keys alone, beside a
sighted visitor's taps for the same ticket.

The kiosk's own flow, view-model and keys' guide run as on the kiosk, over the example
branch's services (its configuration file), with the hub's answer given at once: what
is counted is the visitor's work, not the hub's speed. The visitor listens to each
phrase to its end before the next key (the voice would otherwise cut a phrase not yet
begun), so the seconds of speech are the whole transcript's, each phrase synthesised
by espeak-ng at the hall's rate and its WAV's length read. The sighted visitor taps the
group, then the service, then "Взять талон" where the branch has priority categories
(three taps in the example branch, voice off).
"""

from __future__ import annotations

import statistics
import tempfile
from pathlib import Path

from hall_display import wav
from hall_display.voice import Voice
from hub.config import load_branch
from kiosk import speech
from kiosk.catalogue import Catalogue, Group, Service, Wait, grouped
from kiosk.claim_words import WORDS as CLAIM_WORDS
from kiosk.claims import Category
from kiosk.core import CardVisitor
from kiosk.flow import KioskFlow
from kiosk.keys_guide import Gathering, KeysGuide
from kiosk.settings import KioskSettings
from kiosk.ticket import Issued
from kiosk.view import KioskView
from okno.bench import Figure

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "branch.toml"
QUICK_SERVICE = "passport"
# A phone pressed more often than any list has items: the visitor never found the item.
MAX_PRESSES = 200
# The wait the hub answers: the ticket's words say it.
WAIT = Wait(3, 12, True)


class _Transcript:
    """The voice's side: every utterance handed to it, in order."""

    def __init__(self) -> None:
        self.said: list[tuple[str, str]] = []

    def say(self, text: str, language: str) -> None:
        self.said.append((text, language))


class _Hub:
    """The hub's side: keeps the ticket asked for, answered by the bench at once."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, str]] = []

    def issue(
        self,
        request_id: str,
        service_id: str,
        printer_id: str,
        visitor: CardVisitor | None = None,
        payment_id: int = 0,
        *,
        priority: str = "",
        large: bool = False,
    ) -> None:
        self.asked.append((request_id, service_id))

    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"a ticket with the keys asked the hub for {name}")


def catalogue(config: Path) -> Catalogue:
    """The branch's services and groups as the hub sends them to a kiosk."""
    branch = load_branch(config).branch
    services = [
        Service(s.id, s.prefix, s.name_ru, s.name_en, s.group or "", s.fee_kopecks, s.fee_purpose)
        for s in branch.services
    ]
    groups = [Group(g.id, g.name_ru, g.name_en) for g in branch.groups]
    shown, named = grouped(services, groups, {})
    categories = tuple(
        Category(p.id, p.name_ru, p.name_en, p.document_ru, p.document_en)
        for p in branch.priorities
        if p.claimable
    )
    return Catalogue(branch.name, branch.timezone, shown, named, categories=categories)


def taps(chosen: Catalogue) -> list[str]:
    """After the service, what every visitor taps where the branch has priority
    categories: the regular ticket."""
    return [CLAIM_WORDS["ru"]["take"]] if chosen.categories else []


def blind_ticket(chosen: Catalogue, service: Service) -> tuple[int, list[str]]:
    """The key presses and the utterances of one ticket taken with the keys alone."""
    hub, voice = _Hub(), _Transcript()
    gathering = Gathering(voice)
    flow = KioskFlow(KioskSettings(), hub, gathering, new_id=lambda: f"keys-{len(hub.asked)}")  # type: ignore[arg-type]
    keys = KeysGuide(flow, gathering)
    view = KioskView(flow, keys=keys)
    view.set_catalogue(chosen)
    view.set_waits({s.id: WAIT for s in chosen.services}, 0)
    group = chosen.group(service.group_id)
    targets = [group.name("ru")] if group is not None else []
    for shown in (*targets, service.name("ru"), *taps(chosen)):
        while view.value("focusText") != shown:
            if keys.presses > MAX_PRESSES:
                raise AssertionError(f"{shown!r} was never focused")
            view.press("down")
        view.press("select")
    request_id, asked = hub.asked[-1]
    view.issued(Issued(request_id, f"t-{asked}", f"{service.prefix}001", asked, 3, 12, True))
    return keys.presses, [text for text, _ in voice.said]


def speech_seconds(voice: Voice, said: list[str]) -> float:
    """The transcript as espeak-ng says it: the sum of its WAVs' lengths."""
    return sum(
        wav.seconds(wav.read_frames(voice.synthesise(speech.phrase(text, "ru")))) for text in said
    )


def measure_keys(config: Path = EXAMPLE, *, quick: bool = False) -> list[Figure]:
    """A ticket with the keys for one service (``quick``) or for each service of the branch."""
    chosen = catalogue(config)
    services = [s for s in chosen.services if s.fee_kopecks == 0]
    if quick:
        services = [s for s in services if s.id == QUICK_SERVICE]
    presses: list[int] = []
    seconds: list[float] = []
    with tempfile.TemporaryDirectory(prefix="okno-keys-") as cache:
        voice = Voice(Path(cache))
        for service in services:
            pressed, said = blind_ticket(chosen, service)
            presses.append(pressed)
            seconds.append(speech_seconds(voice, said))
    first = services[0].id
    figures = [
        Figure(f"keys_presses_{first}", presses[0], "presses"),
        Figure(f"keys_speech_{first}", round(seconds[0], 1), "s"),
        Figure("touch_taps", 2 + len(taps(chosen)), "taps"),
    ]
    if not quick:
        figures += [
            Figure("keys_presses_mean", round(statistics.mean(presses), 1), "presses"),
            Figure("keys_presses_max", max(presses), "presses"),
            Figure("keys_speech_mean", round(statistics.mean(seconds), 1), "s"),
            Figure("keys_speech_max", round(max(seconds), 1), "s"),
            Figure("services", len(services), "services"),
        ]
    return figures
