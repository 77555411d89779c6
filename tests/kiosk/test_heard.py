"""Everything the kiosk says is on its screen while it is said (visitors who do not hear
are given the same words): the voice by touch and by the keypad's keys, on every screen.

What a screen shows is what :func:`kiosk.shown.shown` computes for it (its texts and the
rows of its lists) and the labels its QML files write (``labels.<key>`` in the screen's
component, the components it uses, and the header every visitor screen has).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache, partial
from pathlib import Path

from kiosk.shown import shown
from kiosk.texts import WORDS
from tests.heard import unshown
from tests.kiosk.keys_scenes import KeyScene, key_scene
from tests.kiosk.scenes import slot_list

QML = Path(__file__).resolve().parents[2] / "kiosk" / "qml"
_SCREEN = re.compile(r'(\w+) \{[^\n]*root\.view\.screen === "(\w+)"')
_LABEL = re.compile(r"labels\.(\w+)")
_COMPONENT = re.compile(r"^\s*(\w+)\s*\{", re.MULTILINE)
_WRITES = re.compile(r"^\s*(text|model):")
_LITERAL = re.compile(r'"([^"]+)"')


@cache
def screen_qml(screen: str) -> tuple[frozenset[str], frozenset[str]]:
    """The label keys the QML of ``screen`` writes (with its components' and the
    header's), and the texts it writes as they are (a keypad's keys)."""
    components = {name: file for file, name in _SCREEN.findall((QML / "Main.qml").read_text())}
    pending, seen = ["Header", components[screen]], set()
    while pending:
        name = pending.pop()
        path = QML / f"{name}.qml"
        if name in seen or not path.exists():
            continue
        seen.add(name)
        pending.extend(_COMPONENT.findall(path.read_text()))
    # Main's own labels (the busy overlay), not its other screens'.
    sources = [(QML / "Main.qml").read_text()] + [(QML / f"{n}.qml").read_text() for n in seen]
    keys = {key for source in sources for key in _LABEL.findall(source)}
    written = {
        text
        for source in sources[1:]
        for line in source.splitlines()
        if _WRITES.match(line)
        for text in _LITERAL.findall(line)
    }
    return frozenset(keys), frozenset(written)


def _texts(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _texts(item)


def on_screen(scene: KeyScene) -> list[str]:
    """Every text on the kiosk's screen now."""
    now = shown(scene.flow, 96.0)
    values = {k: v for k, v in now.values.items() if k != "labels"}
    texts = [*_texts(values), *_texts(now.groups), *_texts(now.services), *_texts(now.choices)]
    texts.append(str(scene.view.value("voiceLine")))
    words = WORDS[scene.flow.language]
    if scene.flow.screen.value in _screens():
        keys, written = screen_qml(scene.flow.screen.value)
        texts += [words[key] for key in keys if key in words]
        texts += written
    return texts


@cache
def _screens() -> frozenset[str]:
    return frozenset(screen for _, screen in _SCREEN.findall((QML / "Main.qml").read_text()))


class Listener:
    """Reads the screen each time the kiosk has said something new."""

    def __init__(self, scene: KeyScene) -> None:
        self.scene = scene
        self.heard = 0
        self.missing: list[tuple[str, list[str]]] = []

    def check(self) -> None:
        texts = self.scene.speaker.texts
        screen = on_screen(self.scene)
        for said in texts[self.heard :]:
            words = unshown(said, screen)
            if words:
                self.missing.append((said, words))
        self.heard = len(texts)


def visit_by_touch(scene: KeyScene, listener: Listener) -> None:
    """A visitor who switched the voice on by touch: every screen and answer."""
    view, check = scene.view, listener.check
    actions: tuple[Callable[[], object], ...] = (
        view.toggleVoice,
        lambda: view.openGroup("documents"),
        lambda: view.tapService("passport"),
        lambda: view.tapService("passport"),
        lambda: scene.ticket(number="А012"),
        view.home,
        view.openSearch,
        lambda: view.typeKey("п"),
        view.back,
        view.openCheckIn,
        *(partial(view.codeKey, key) for key in "K7M4QX"),
        view.submitCode,
        lambda: view.refused(scene.requests.last_id, "unknown_code", {}),
        view.home,
        view.openBooking,
        lambda: view.choose("passport"),
        lambda: view.slots_listed(scene.requests.last_id, slot_list()),
        lambda: view.choose("2026-11-24"),
        lambda: view.choose(str(scene.flow.draft.free_slots()[0].start_ms)),  # type: ignore[union-attr]
        lambda: view.phoneKey("8"),
        *(partial(view.phoneKey, digit) for digit in "9161234567"),
        lambda: view.phoneDone(False),
        view.confirmBooking,
        lambda: view.refused(scene.requests.last_id, "not_bookable", {}),
        view.home,
        lambda: view.openGroup("documents"),
        lambda: view.tapService("inn"),
        lambda: view.tapService("inn"),
        lambda: view.refused(scene.requests.last_id, "queue_full", {}),
    )
    for action in actions:
        action()
        check()


def visit_by_keys(scene: KeyScene, listener: Listener) -> None:
    """A visitor with the keypad: a ticket, a booking, a wrong code, help."""
    check = listener.check
    scene.view.press("help")
    check()
    picks = [("Паспорта и документы", "down"), ("Паспорт гражданина РФ", "down")]
    for shown_text, direction in picks:
        scene.pick(shown_text, direction, check)
    scene.ticket(number="А012")
    check()
    scene.pick("Готово", after=check)
    scene.pick("Записаться на приём", "up", check)
    scene.pick("Паспорт гражданина РФ", after=check)
    scene.view.slots_listed(scene.requests.last_id, slot_list())
    check()
    for text in ("Завтра, 24 ноября", "10:40", "8", *"9161234567", "⌫", "7"):
        scene.pick(text, after=check)
    for text in ("Напомнить по СМС", "Записаться"):
        scene.pick(text, after=check)
    scene.booked()
    check()
    scene.pick("Готово", after=check)
    scene.pick("Я записан на приём", "up", check)
    for key in ("K", "7", "M", "4", "Q", "X", "Продолжить"):
        scene.pick(key, after=check)
    scene.view.refused(scene.requests.last_id, "unknown_code", {})
    check()
    scene.view.press("help")
    check()


def test_everything_said_by_touch_is_shown() -> None:
    scene = key_scene()
    listener = Listener(scene)
    visit_by_touch(scene, listener)
    assert listener.heard > 20
    assert listener.missing == []


def test_everything_said_with_the_keys_is_shown() -> None:
    scene = key_scene()
    listener = Listener(scene)
    visit_by_keys(scene, listener)
    assert listener.heard > 40
    assert listener.missing == []


def test_the_screens_labels_are_read_from_their_qml() -> None:
    """The check reads what each screen writes: a label of another screen is not shown."""
    home, checkin, booking = (screen_qml(s) for s in ("home", "checkin", "booking"))
    assert {"checkin", "book", "search"} <= home[0]
    assert "code_title" in checkin[0] and "code_title" not in home[0]
    assert "⌫" in booking[1] and "⌫" not in home[1]
