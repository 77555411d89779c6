"""The view-model, driven with plain calls and a clock that moves only when told."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFont, QFontMetrics
from pytestqt.qtbot import QtBot

from hall_display.board import Link
from hall_display.labels import LANGUAGES, labels
from hall_display.settings import DisplaySettings
from hall_display.view import LATEST_ROWS, BoardView
from protos.okno.v1 import admin_pb2
from tests.hall_display import scenes
from tests.hall_display.scenes import Clock, call_event


def rows(view: BoardView, which: str = "latest") -> list[tuple[object, ...]]:
    model = view.latest if which == "latest" else view.history
    return model.rows


def test_a_call_appears_blinks_stops_blinking_and_moves_to_history(qtbot: QtBot) -> None:
    clock = Clock()
    board = scenes.busy_board(clock, blink_s=8)
    view = scenes.view_of(board, clock)
    with qtbot.waitSignal(view.callsChanged, timeout=1000):
        view.apply(call_event(502, "А017", "passport", 1, clock()))
    ticket, desk, highlighted, blink, recall = rows(view)[0]
    assert (ticket, desk, highlighted, blink, recall) == ("А017", 1, True, True, False)
    assert view.value("announcement") == "Талон А017 — пройдите к окну 1"

    clock.advance(0.6)
    view.tick()
    assert rows(view)[0][2:4] == (True, False), "still highlighted, between two blinks"
    clock.advance(0.5)
    view.tick()
    assert rows(view)[0][2:4] == (True, True)
    clock.advance(7)
    view.tick()
    assert rows(view)[0][2:4] == (False, False)
    assert not view.value("announcing")

    for seq, (number, desk_number) in enumerate(
        [("А018", 13), ("А019", 14), ("А020", 15), ("А021", 16), ("А022", 17)], start=503
    ):
        view.apply(call_event(seq, number, "passport", desk_number, clock()))
    assert [r[0] for r in rows(view)][: LATEST_ROWS[False]] == [
        "А022",
        "А021",
        "А020",
        "А019",
        "А018",
    ]
    assert rows(view, "history")[0][:2] == ("А017", 1)


def test_a_recall_blinks_again_and_is_marked(qtbot: QtBot) -> None:
    clock = Clock()
    board = scenes.busy_board(clock)
    view = scenes.view_of(board, clock)
    clock.advance(30)
    view.tick()
    assert not any(r[2] for r in rows(view))
    view.apply(call_event(502, "А016", "passport", 5, clock(), recall=True))
    assert rows(view)[0] == ("А016", 5, True, True, True)
    assert view.value("announcement") == "Повторно: талон А016 — пройдите к окну 5"


def test_the_clock_ticks_in_the_branch_zone(qtbot: QtBot) -> None:
    clock = Clock()
    view = scenes.view_of(scenes.busy_board(clock), clock)
    assert (view.value("clock"), view.value("date")) == ("10:00", "пн, 23 ноября")
    with qtbot.waitSignal(view.clockChanged, timeout=1000):
        clock.advance(60)
        view.tick()
    assert view.value("clock") == "10:01"


def test_without_a_zone_setting_the_clock_follows_the_branch_not_the_box(
    qtbot: QtBot,
) -> None:
    clock = Clock()
    board = scenes.busy_board(clock)
    view = BoardView(DisplaySettings(), clock=clock, board=board, animate=False)
    view.set_hall_info(admin_pb2.Branch(name="МФЦ", timezone="Asia/Vladivostok"), board.services)
    assert view.value("clock") == "17:00"  # 10:00 in Moscow


def test_a_lost_link_is_said_with_the_time_it_was_lost(qtbot: QtBot) -> None:
    clock = Clock()
    board = scenes.busy_board(clock)
    view = scenes.view_of(board, clock, language="en")
    clock.advance(125)
    with qtbot.waitSignal(view.linkChanged, timeout=1000):
        view.set_link(Link.LOST)
    assert view.value("lost") and view.value("lostSince") == "since 10:02"
    view.set_link(Link.RESYNCING)
    assert not view.value("lost") and view.value("link") == "resyncing"


@pytest.mark.parametrize(
    ("desk", "state", "ticket", "text"),
    [
        ("6", "open", "Б008", "—"),
        ("5", "open", "А016", "—"),
        ("11", "paused", "", "Перерыв"),
        ("desk-14", "closed", "", "Окно закрыто"),
        ("42", "unknown", "", "Окно 42 не найдено на сервере"),
    ],
)
def test_a_desk_display_shows_its_desk(
    qtbot: QtBot, desk: str, state: str, ticket: str, text: str
) -> None:
    clock = Clock()
    view = scenes.view_of(scenes.busy_board(clock), clock, role="desk", desk=desk)
    assert view.value("mode") == "desk"
    shown = (view.value("deskState"), view.value("deskTicket"), view.value("deskText"))
    assert shown == (state, ticket, text)
    assert view.value("deskHighlighted") == (desk == "6")


def test_the_hubs_settings_change_the_board(qtbot: QtBot) -> None:
    clock = Clock()
    view = scenes.view_of(scenes.busy_board(clock), clock)
    with qtbot.waitSignal(view.textsChanged, timeout=1000):
        view.set_settings(scenes.hall_settings(language="ru+en", layout="portrait"))
    assert view.value("portrait")
    assert view.value("labels") == labels("ru+en")
    assert len(rows(view)) == LATEST_ROWS[True]
    assert view.value("announcement2") == "Ticket Б008, please go to desk 6"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_word_of_the_board_has_its_glyphs_in_the_font(qtbot: QtBot, language: str) -> None:
    """DejaVu Sans draws every letter: no word shows as empty boxes."""
    metrics = QFontMetrics(QFont("DejaVu Sans"))
    text = "".join(labels(language).values()) + "АБВГДЕЖИКЛМНОПРСТУФХЦЧШЭЮЯ0123456789→↻—…"
    missing = sorted({c for c in text if not c.isspace() and not metrics.inFontUcs4(ord(c))})
    assert missing == []
