"""What the board draws is all there: every queue with people waiting, every phrase whole.

These tests look at the laid-out QML (offscreen), not at the view-model: a row the model
holds but the screen clips away is not on the board.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtQuick import QQuickItem
from pytestqt.qtbot import QtBot

from hall_display.board import Board
from hall_display.screen import SHAPES, BoardWindow, Shape, ensure_app
from hall_display.settings import PAGE_S
from hall_display.view import BoardView
from tests.hall_display import scenes
from tests.hall_display.scenes import Clock

LANDSCAPE, PORTRAIT, UHD = SHAPES
# Where the pairing screens land for a person to look at (ignored by git), as in test_screens.
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screens" / "hall_display"
LAYOUTS = [(s, lang) for s in SHAPES for lang in ("ru", "en", "ru+en")]


def under(item: QQuickItem) -> Iterator[QQuickItem]:
    """Every item drawn under ``item`` (a Repeater's rows are children of its parent item)."""
    for child in item.childItems():
        yield child
        yield from under(child)


def find(window: BoardWindow, name: str) -> QQuickItem:
    item = next((i for i in under(window.rootObject()) if i.objectName() == name), None)
    assert item is not None, f"the board has no item {name}"
    return item


def visible_queues(window: BoardWindow) -> dict[str, str]:
    """The waiting list as a visitor sees it: prefix -> count, rows inside its area only."""
    window.grabWindow()  # lays the rows out as a frame on the screen would
    area = find(window, "queues")
    box = QRectF(0, 0, area.width(), area.height())
    shown = {}
    for row in under(area):
        name = row.objectName()
        if not name.startswith("queue-") or not row.isVisible():
            continue
        rect = row.mapRectToItem(area, QRectF(0, 0, row.width(), row.height()))
        if box.contains(rect):
            counts = [c.property("text") for c in row.childItems() if c.objectName() == ""]
            shown[name.removeprefix("queue-")] = str(counts[-1])
    return shown


def texts(item: QQuickItem) -> list[QQuickItem]:
    """The visible Text items under ``item`` with something written."""
    return [
        t
        for t in under(item)
        if t.metaObject().className().startswith("QQuickText")
        and t.isVisible()
        and t.property("text")
    ]


def window_for(board: Board, clock: Clock, shape: Shape, **settings: object) -> BoardWindow:
    ensure_app()
    window = BoardWindow(scenes.view_of(board, clock, **settings))
    window.show()
    window.reshape(shape.width, shape.height)
    return window


def pages_seen(window: BoardWindow, clock: Clock) -> tuple[dict[str, str], list[str]]:
    """Every row shown while the pages go round once, and each page's indicator."""
    view: BoardView = window.view
    seen: dict[str, str] = {}
    marks = []
    for _ in range(view.value("queuePages")):  # type: ignore[call-overload]
        seen.update(visible_queues(window))
        marks.append(f"{view.value('queuePage')}/{view.value('queuePages')}")
        clock.advance(PAGE_S)
        view.tick()
    return seen, marks


@pytest.mark.parametrize(
    ("shape", "language"), LAYOUTS, ids=[f"{s.name}-{la}" for s, la in LAYOUTS]
)
def test_every_service_of_the_example_branch_is_on_the_board(
    qtbot: QtBot, shape: Shape, language: str
) -> None:
    """Thirteen services: the state duty, the one queue with people waiting, is shown too."""
    clock = Clock()
    window = window_for(scenes.empty_board(clock), clock, shape, language=language)
    try:
        seen, _ = pages_seen(window, clock)
    finally:
        window.dispose()
    assert seen["П"] == "1"
    assert sorted(seen) == sorted(s.prefix for s in scenes.services())


@pytest.mark.parametrize("shape", SHAPES, ids=[s.name for s in SHAPES])
def test_more_services_than_fit_turn_in_pages_with_an_indicator(qtbot: QtBot, shape: Shape) -> None:
    clock = Clock()
    window = window_for(scenes.large_branch_board(clock), clock, shape, language="ru+en")
    try:
        indicator = find(window, "queuePages")
        assert indicator.isVisible()
        first = visible_queues(window)
        seen, marks = pages_seen(window, clock)
        again = visible_queues(window)
    finally:
        window.dispose()
    assert marks == ["1/2", "2/2"]
    assert seen == {p: ("2" if i % 3 == 2 else "0") for i, p in enumerate(scenes.LARGE_PREFIXES)}
    assert again == first, "after the last page the first comes back"
    assert 8 <= len(first) <= 14, "pages are filled evenly"


def test_one_page_of_services_shows_no_indicator(qtbot: QtBot) -> None:
    clock = Clock()
    window = window_for(scenes.busy_board(clock), clock, LANDSCAPE)
    try:
        assert not find(window, "queuePages").isVisible()
    finally:
        window.dispose()


@pytest.mark.parametrize(
    ("shape", "language"), LAYOUTS, ids=[f"{s.name}-{la}" for s, la in LAYOUTS]
)
@pytest.mark.parametrize("notice", ["", scenes.NOTICE + ". " + scenes.NOTICE])
def test_the_waiting_words_and_the_notice_are_whole_in_every_layout(
    qtbot: QtBot, shape: Shape, language: str, notice: str
) -> None:
    """Nobody called yet: the advice and the notice are written out, not cut or spilled."""
    clock = Clock()
    window = window_for(scenes.empty_board(clock), clock, shape, language=language, notice=notice)
    window.grabWindow()
    try:
        shown = [*texts(find(window, "noCalls")), *texts(find(window, "announcementText"))]
        cut = [
            t.property("text")
            for t in shown
            if t.property("truncated")
            or t.property("contentWidth") > t.width() + 1
            or t.property("contentHeight") > t.height() + 1
        ]
        written = " ".join(str(t.property("text")) for t in shown)
    finally:
        window.dispose()
    assert cut == []
    assert ("Ожидайте вызова" in written) == (language != "en")
    assert ("Please wait" in written) == (language != "ru")
    assert (scenes.NOTICE in written) == bool(notice)


DESKS = [(s, d) for s in (LANDSCAPE, PORTRAIT) for d in ("6", "11", "14", "42")]


@pytest.mark.parametrize(("shape", "desk"), DESKS, ids=[f"{s.name}-desk{d}" for s, d in DESKS])
def test_a_desk_display_in_two_languages_is_written_out_whole(
    qtbot: QtBot, shape: Shape, desk: str
) -> None:
    """Its number, its ticket or its state: on the screen, not cut at an edge."""
    clock = Clock()
    board = scenes.busy_board(clock)
    window = window_for(board, clock, shape, role="desk", desk=desk, language="ru+en")
    window.grabWindow()
    try:
        screen = QRectF(0, 0, shape.width, shape.height)
        shown = texts(find(window, "deskBoard"))
        outside = [
            t.property("text")
            for t in shown
            if t.property("truncated")
            or t.property("contentWidth") > t.width() + 1
            or not screen.contains(t.mapRectToScene(QRectF(0, 0, t.width(), t.height())))
        ]
        written = [str(t.property("text")) for t in shown]
    finally:
        window.dispose()
    assert outside == []
    assert f"Окно / Desk {desk}" in written


FINGERPRINT = "3F2A 91C0 77E1 0B4D"


@pytest.mark.parametrize(
    ("shape", "language"), LAYOUTS, ids=[f"{s.name}-{la}" for s, la in LAYOUTS]
)
def test_the_pairing_screen_shows_the_hubs_fingerprint_beside_the_code_whole(
    qtbot: QtBot, shape: Shape, language: str
) -> None:
    """The technician compares the fingerprint with okno provision list's: all of it shows."""
    clock = Clock()
    window = window_for(scenes.empty_board(clock), clock, shape, language=language)
    window.view.show_pairing_code("482913")
    window.view.show_authority(FINGERPRINT)
    try:
        window.grab(SHOTS / f"pairing-{shape.name}-{language}.png")
        shown = texts(find(window, "pairing"))
        cut = [t.property("text") for t in shown if t.property("contentWidth") > t.width() + 1]
        outside = [
            t.property("text")
            for t in shown
            if t.mapToScene(QPointF(0, 0)).x() < 0
            or t.mapToScene(QPointF(t.width(), 0)).x() > shape.width + 1
        ]
        written = [str(t.property("text")) for t in shown]
    finally:
        window.dispose()
    assert cut == [] and outside == []
    assert "482913" in written and FINGERPRINT in written
    assert any("okno provision list" in w for w in written)
