"""Every screen rendered offscreen, saved for review and compared with a reviewed reference.

The PNGs land in var/screens/kiosk/ (ignored by git) for a person to look at. References
(longer side 960 px) live in tests/kiosk/reference/; after a deliberate change, look at
the new PNGs, then run with OKNO_UPDATE_SCREENS=1 to make them the references.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtQuick import QQuickItem
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from kiosk.core import Screen
from kiosk.screen import (
    DESIGN,
    KioskWindow,
    difference,
    save_reference,
    save_screens,
    touch_targets,
)
from kiosk.shown import min_target_px
from kiosk.states import PrintState
from kiosk.view import KioskView
from tests.hub.conftest import MONDAY_10_00
from tests.kiosk.catalogue_scenes import CATALOGUE, CATALOGUE_MAIN, link_phone, passport_info
from tests.kiosk.lookup_scenes import LOOKUP, status_number, status_phone
from tests.kiosk.scenes import PIN, PIN_HASH, WAITS, CardSlot, Scene, scene
from tests.kiosk.steps_scenes import STEPS, book_day, book_phone, book_slot, pay_offer
from tests.kiosk.test_card import VISITOR as CARD_VISITOR

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = Path(__file__).resolve().parent / "reference"
SCREENS = ROOT / "var" / "screens" / "kiosk"
# As for the hall board (tests/hall_display/test_screens.py): the worst 16 px square's
# mean difference per channel at 320 px wide; a re-render stays far below.
TOLERANCE = 15.0
LANDSCAPE = QSize(1920, 1080)
EVENING = MONDAY_10_00 + (9 * 60 + 45) * 60_000  # 19:45
FINGERPRINT = "3F2A 91C0 77E1 0B4D"


def home(s: Scene) -> None:
    pass


def english(s: Scene) -> None:
    s.view.toggleLanguage()


def large(s: Scene) -> None:
    s.view.toggleLarge()


def large_group(s: Scene) -> None:
    s.view.toggleLarge()
    s.view.openGroup("social")


def group(s: Scene) -> None:
    s.view.openGroup("property")


def search(s: Scene) -> None:
    s.view.openSearch()
    for key in "пасп":
        s.view.typeKey(key)


def search_pages(s: Scene) -> None:
    s.view.openSearch()
    for key in "ра":
        s.view.typeKey(key)
    s.view.nextPage()


def voice_selected(s: Scene) -> None:
    s.view.toggleVoice()
    s.view.openGroup("documents")
    s.view.tapService("foreign-passport")


def busy(s: Scene) -> None:
    s.view.openGroup("documents")
    s.view.tapService("passport")


def ticket(s: Scene) -> None:
    busy(s)
    s.ticket()


def ticket_printed(s: Scene) -> None:
    busy(s)
    issued = s.ticket()
    s.view.print_update(issued.job_id, PrintState.PRINTED, "")


def ticket_paper_out(s: Scene) -> None:
    busy(s)
    s.ticket(state=PrintState.FAILED, error="paper out")


def home_paper_out(s: Scene) -> None:
    ticket_paper_out(s)
    s.view.home()


def checkin(s: Scene) -> None:
    s.view.openCheckIn()
    for key in "K7M4":
        s.view.codeKey(key)


def checkin_unknown(s: Scene) -> None:
    s.view.openCheckIn()
    for key in "K7M4QX":
        s.view.codeKey(key)
    s.view.submitCode()
    s.view.refused(s.requests.last_id, "unknown_code", {})


def checkin_early(s: Scene) -> None:
    s.view.openCheckIn()
    for key in "K7M4QX":
        s.view.codeKey(key)
    s.view.submitCode()
    s.view.refused(s.requests.last_id, "check_in_too_early", {"time": "10:20", "opens": "10:05"})


def checked_in(s: Scene) -> None:
    s.view.openCheckIn()
    for key in "K7M4QX":
        s.view.codeKey(key)
    s.view.submitCode()
    s.ticket(number="А019", appointment="10:20")


def card_hello(s: Scene) -> None:
    assert s.card is not None
    s.card.current = CARD_VISITOR
    s.view.identifyWithCard()


def card_missing(s: Scene) -> None:
    s.view.identifyWithCard()


def closed(s: Scene) -> None:
    s.view.set_waits(WAITS, EVENING)
    s.view.openGroup("property")
    s.view.tapService("property")
    message = 'tickets for "property" are issued today from 08:00 to 19:30'
    s.view.refused(s.requests.last_id, "branch_closed", {"message": message})


def queue_full(s: Scene) -> None:
    busy(s)
    s.view.refused(s.requests.last_id, "queue_full", {})


def out(s: Scene) -> None:
    s.view.set_link(False)


def pairing(s: Scene) -> None:
    s.view.show_authority(FINGERPRINT)
    s.view.show_pairing("K7QM-3TXD")


def pin(s: Scene) -> None:
    for _ in range(5):
        s.view.corner()
    for key in PIN[:2]:
        s.view.pinKey(key)


def service(s: Scene) -> None:
    for _ in range(5):
        s.view.corner()
    for key in PIN:
        s.view.pinKey(key)
    s.view.submitPin()


CASES: list[tuple[str, Callable[[Scene], None], tuple[QSize, ...]]] = [
    ("home", home, (DESIGN, LANDSCAPE)),
    ("home-en", english, (DESIGN,)),
    ("home-large", large, (DESIGN,)),
    ("group", group, (DESIGN,)),
    ("group-large", large_group, (DESIGN,)),
    ("search", search, (DESIGN,)),
    ("search-page-2", search_pages, (DESIGN,)),
    ("voice-selected", voice_selected, (DESIGN,)),
    ("busy", busy, (DESIGN,)),
    ("ticket", ticket, (DESIGN,)),
    ("ticket-printed", ticket_printed, (DESIGN,)),
    ("ticket-paper-out", ticket_paper_out, (DESIGN,)),
    ("home-paper-out", home_paper_out, (DESIGN,)),
    ("checkin", checkin, (DESIGN,)),
    ("checkin-unknown", checkin_unknown, (DESIGN,)),
    ("checkin-early", checkin_early, (DESIGN,)),
    ("checked-in", checked_in, (DESIGN,)),
    ("card-hello", card_hello, (DESIGN,)),
    ("card-missing", card_missing, (DESIGN,)),
    ("closed", closed, (DESIGN,)),
    ("queue-full", queue_full, (DESIGN,)),
    ("out", out, (DESIGN,)),
    ("pairing", pairing, (DESIGN,)),
    ("pin", pin, (DESIGN,)),
    ("service", service, (DESIGN,)),
    *((name, make, (DESIGN,)) for name, make in STEPS),
    *((name, make, (DESIGN,)) for name, make in LOOKUP),
    *((name, make, (DESIGN,)) for name, make in CATALOGUE),
]
# The new main screens also in English and in large type.
MAIN_STEPS = (
    "book-service",
    "book-day",
    "book-slot",
    "book-phone",
    "book-confirm",
    "booked",
    "pay-offer",
    "paying",
    "paid",
    "pay-declined",
    "card-pin",
    "status-number",
    "status-ready",
    "status-suspended",
)


def after(first: Callable[[Scene], None], then: Callable[[Scene], None]) -> Callable[[Scene], None]:
    def make(s: Scene) -> None:
        first(s)
        then(s)

    return make


for _name, _make in (*STEPS, *LOOKUP, *CATALOGUE):
    if _name in (*MAIN_STEPS, *CATALOGUE_MAIN):
        CASES.append((f"{_name}-en", after(english, _make), (DESIGN,)))
        CASES.append((f"{_name}-large", after(large, _make), (DESIGN,)))


def make_scene(name: str, **settings: object) -> Scene:
    """The scene a case needs: a card reader for the card and status screens (a card in
    it for the status-card ones), a paid service (with a card terminal that answers, but
    on "pay-desk")."""
    card = (
        CardSlot(CARD_VISITOR)
        if name.startswith("status-card")
        else CardSlot()
        if name.startswith(("card", "status"))
        else None
    )
    paid = name.startswith(("pay", "paid"))
    return scene(card, paid=paid, terminal=paid and name != "pay-desk", **settings)


@pytest.mark.parametrize(("name", "make", "sizes"), CASES, ids=[c[0] for c in CASES])
def test_every_screen_matches_its_reviewed_reference(
    qtbot: QtBot, name: str, make: Callable[[Scene], None], sizes: tuple[QSize, ...]
) -> None:
    s = make_scene(name, technician_pin=PIN_HASH)
    make(s)
    saved = save_screens(s.view, SCREENS, name, sizes)
    update = os.environ.get("OKNO_UPDATE_SCREENS") == "1"
    for png in saved:
        reference = REFERENCE / png.name
        if update:
            save_reference(png, reference)
        assert reference.exists(), f"no reference for {png.name}: review {png}, then update"
        assert difference(png, reference) <= TOLERANCE, f"{png} differs from {reference}"


def test_a_changed_screen_does_not_pass_for_its_reference(qtbot: QtBot, tmp_path: Path) -> None:
    s = scene()
    busy(s)
    s.ticket(number="А019")
    (changed,) = save_screens(s.view, tmp_path, "ticket")
    assert difference(changed, REFERENCE / "ticket.png") > 2 * TOLERANCE


@pytest.mark.parametrize("dpi", [69.0, 102.0, 141.0], ids=["32-inch", "21.5-inch", "15.6-inch"])
@pytest.mark.parametrize(
    "make",
    [
        home,
        search,
        checkin,
        ticket,
        pin,
        large_group,
        search_pages,
        card_missing,
        book_day,
        book_slot,
        book_phone,
        pay_offer,
        status_number,
        status_phone,
        passport_info,
        link_phone,
    ],
)
def test_every_touch_target_is_at_least_15_mm(
    qtbot: QtBot, dpi: float, make: Callable[[Scene], None]
) -> None:
    s = scene(
        CardSlot() if make in (card_missing, status_number) else None,
        paid=make is pay_offer,
        dpi=dpi,
        technician_pin=PIN_HASH,
    )
    make(s)
    least = math.ceil(min_target_px(dpi))
    assert s.view.value("minTarget") == least
    window = KioskWindow(s.view)
    window.show()
    try:
        targets = touch_targets(window)
        assert targets, "no touch target found on the screen"
        small = [text for text, box in targets if min(box.width(), box.height()) < least]
        assert not small, f"smaller than 15 mm ({least} px at {dpi:g} dpi): {small}"
        screen = QRectF(0, 0, window.width(), window.height())
        outside = [text for text, box in targets if not screen.contains(box)]
        assert not outside, f"off the screen at {dpi:g} dpi: {outside}"
    finally:
        window.dispose()


def test_the_screens_dpi_counts_unless_the_setting_says_otherwise(qtbot: QtBot) -> None:
    s = scene(dpi=0)
    view: KioskView = s.view
    view.set_screen_dpi(141.0)
    assert view.value("minTarget") == math.ceil(15 / 25.4 * 141)
    s.flow.apply_settings(s.flow.settings.updated({"dpi": "69"}))
    view.refresh()
    assert view.value("minTarget") == math.ceil(15 / 25.4 * 69)


def tap(qtbot: QtBot, window: KioskWindow, text: str) -> None:
    """A real click (press and release) at the centre of the target showing ``text``."""
    (box,) = [box for shown, box in touch_targets(window) if shown == text]
    QTest.mouseClick(window, Qt.MouseButton.LeftButton, pos=box.center().toPoint())


def test_taps_on_the_screen_reach_the_view_through_the_idle_watch(qtbot: QtBot) -> None:
    s = scene()
    window = KioskWindow(s.view)
    window.show()
    qtbot.waitExposed(window)
    try:
        s.clock.advance(30)
        tap(qtbot, window, "English")
        assert s.view.value("language") == "en"
        assert s.flow._idle() == 0, "the tap counts as the visitor's presence"
        tap(qtbot, window, "Passports and documents")
        assert s.flow.screen is Screen.GROUP
        tap(qtbot, window, "Russian internal passport")
        assert s.requests.sent[-1][2] == "passport"
        assert s.view.value("busy")
        tap(qtbot, window, "← Back")
        assert s.flow.screen is Screen.GROUP, "the busy screen takes no taps"
    finally:
        window.dispose()


def test_a_code_scanner_types_into_the_kiosk(qtbot: QtBot) -> None:
    s = scene()
    window = KioskWindow(s.view)
    window.show()
    qtbot.waitExposed(window)
    try:
        window.requestActivate()
        assert QTest.qWaitForWindowActive(window)
        for key in "K7M4QX":
            QTest.keyClick(window, Qt.Key(ord(key)))
        QTest.keyClick(window, Qt.Key.Key_Return)
        assert s.flow.screen is Screen.CHECKIN, s.flow.checkin.code
        assert s.flow.checkin.code == "K7M4QX", s.flow.checkin.code
        assert s.requests.sent[-1][:3] == ("checkin", "request-1", "K7M4QX")
    finally:
        window.dispose()


def test_in_kiosk_mode_the_window_refuses_to_close_until_the_technician_allows(
    qtbot: QtBot,
) -> None:
    s = scene()
    window = KioskWindow(s.view, locked=True)
    try:
        assert window.flags() & Qt.WindowType.FramelessWindowHint
        window.show_kiosk()
        window.close()
        assert window.isVisible()
        window.allow_close()
        window.close()
        assert not window.isVisible()
    finally:
        window.dispose()


def shown_texts(window: KioskWindow) -> dict[str, float]:
    """Every visible text on screen now and the pixel size it is drawn at (after any
    shrinking to fit its box)."""
    found: dict[str, float] = {}
    pending: list[QQuickItem] = [window.contentItem()]
    while pending:
        item = pending.pop()
        if not item.isVisible() or item.opacity() <= 0:
            continue
        text = item.property("text")
        if item.metaObject().className().startswith("QQuickText") and text:
            drawn = item.property("fontInfo").toVariant()["pixelSize"]
            found[str(text)] = min(float(drawn), found.get(str(text), float(drawn)))
        pending.extend(item.childItems())
    return found


def drawn(make: Callable[[Scene], None], name: str, *, large: bool) -> dict[str, float]:
    s = make_scene(name, technician_pin=PIN_HASH)
    if large:
        s.view.toggleLarge()
    make(s)
    window = KioskWindow(s.view)
    window.show()
    try:
        return shown_texts(window)
    finally:
        window.dispose()


# Texts at least this big (design pixels, 1080 wide) are already large: a ticket's
# number or a booking code fills the width and cannot grow further.
ALREADY_LARGE_PX = 80
LARGE_CASES = ["home", "group", "checkin", "book-day", "book-phone", "book-confirm", "card-hello"]
LARGE_CASES += ["pay-offer", "pay-declined", "closed", "voice-selected", "search", "card-pin"]
LARGE_CASES += ["info-snils", "info-phone", "situations"]


@pytest.mark.parametrize("name", LARGE_CASES)
def test_large_type_enlarges_every_word_on_the_screen(qtbot: QtBot, name: str) -> None:
    make = {case[0]: case[1] for case in CASES}[name]
    normal = drawn(make, name, large=False)
    large = drawn(make, name, large=True)
    assert normal, "no text found on the screen"
    small = {
        text: (size, large[text])
        for text, size in normal.items()
        if text in large and large[text] < min(1.3 * size, ALREADY_LARGE_PX)
    }
    assert not small, f"not enlarged in large type (normal px, large px): {small}"


def test_the_pairing_screen_shows_the_hubs_fingerprint_beside_the_code(qtbot: QtBot) -> None:
    """The technician compares it with okno provision list's before approving the code."""
    s = scene()
    pairing(s)
    window = KioskWindow(s.view)
    window.show()
    try:
        window.grab(SCREENS / "pairing-fingerprint.png")
        shown = window.rootObject().findChild(QQuickItem, "pairingAuthority")
        assert shown is not None and shown.isVisible()
        assert shown.property("text") == FINGERPRINT
        assert shown.property("contentWidth") <= shown.width()
    finally:
        window.dispose()
