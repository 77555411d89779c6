"""Every layout rendered offscreen, saved for review and compared with a reviewed reference.

The PNGs land in var/screens/hall_display/ (ignored by git) for a person to look at.
References (longer side 960 px) live in tests/hall_display/reference/; after a deliberate change
to the board, look at the new PNGs, then run with OKNO_UPDATE_SCREENS=1 to make them the
references.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from hall_display.board import Board, Link
from hall_display.screen import SHAPES, Shape, difference, save_reference, save_screens
from hall_display.view import BoardView
from tests.hall_display import scenes
from tests.hall_display.scenes import Clock

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = Path(__file__).resolve().parent / "reference"
SCREENS = ROOT / "var" / "screens" / "hall_display"
# The worst 16 px square's mean difference per channel (0-255) at 320 px wide: the same
# board rendered again stays under 7, one digit of the clock changed is over 60.
TOLERANCE = 15.0
LANDSCAPE, PORTRAIT, UHD = SHAPES


def hall(clock: Clock, **settings: object) -> BoardView:
    return scenes.view_of(scenes.busy_board(clock), clock, **settings)


def between_blinks(clock: Clock, **settings: object) -> BoardView:
    view = hall(clock, **settings)
    clock.advance(0.6)
    view.refresh()
    return view


def lost(clock: Clock, **settings: object) -> BoardView:
    board: Board = scenes.busy_board(clock)
    clock.advance(95)
    board.set_connection(Link.LOST, clock())
    clock.advance(3)
    return scenes.view_of(board, clock, **settings)


def empty(clock: Clock, **settings: object) -> BoardView:
    return scenes.view_of(scenes.empty_board(clock), clock, notice="", **settings)


def pages(clock: Clock, **settings: object) -> BoardView:
    return scenes.view_of(scenes.large_branch_board(clock), clock, **settings)


def desk(number: str) -> Callable[..., BoardView]:
    def make(clock: Clock, **settings: object) -> BoardView:
        return hall(clock, role="desk", desk=number, **settings)

    return make


CASES: list[tuple[str, Callable[..., BoardView], dict[str, object], tuple[Shape, ...]]] = [
    ("hall", hall, {}, (LANDSCAPE, PORTRAIT, UHD)),
    ("hall-ru-en", between_blinks, {"language": "ru+en"}, (LANDSCAPE, PORTRAIT)),
    ("hall-en", hall, {"language": "en"}, (LANDSCAPE, PORTRAIT)),
    ("hall-empty-ru-en", empty, {"language": "ru+en"}, (LANDSCAPE, PORTRAIT)),
    ("hall-pages", pages, {"language": "ru+en"}, (LANDSCAPE, PORTRAIT)),
    ("lost", lost, {}, (LANDSCAPE, PORTRAIT)),
    ("desk-called", desk("6"), {}, (LANDSCAPE,)),
    ("desk-called-off", lambda c, **s: between_blinks(c, role="desk", desk="6"), {}, (LANDSCAPE,)),
    ("desk-paused", desk("11"), {}, (LANDSCAPE,)),
    ("desk-closed", desk("14"), {}, (LANDSCAPE, PORTRAIT)),
    ("desk-closed-ru-en", desk("14"), {"language": "ru+en"}, (PORTRAIT,)),
    ("desk-lost", lambda c, **s: lost(c, role="desk", desk="5"), {}, (LANDSCAPE,)),
]


@pytest.mark.parametrize(("name", "make", "settings", "shapes"), CASES, ids=[c[0] for c in CASES])
def test_every_layout_matches_its_reviewed_reference(
    qtbot: QtBot,
    name: str,
    make: Callable[..., BoardView],
    settings: dict[str, object],
    shapes: tuple[Shape, ...],
) -> None:
    view = make(Clock(), **settings)
    saved = save_screens(view, SCREENS, name, shapes)
    update = os.environ.get("OKNO_UPDATE_SCREENS") == "1"
    for png in saved:
        reference = REFERENCE / png.name
        if update:
            save_reference(png, reference)
        assert reference.exists(), f"no reference for {png.name}: review {png}, then update"
        assert difference(png, reference) <= TOLERANCE, f"{png} differs from {reference}"


def test_a_changed_board_does_not_pass_for_its_reference(qtbot: QtBot, tmp_path: Path) -> None:
    clock = Clock()
    view = hall(clock)
    view.apply(scenes.call_event(502, "А017", "passport", 1, clock()))
    (changed,) = save_screens(view, tmp_path, "hall", (LANDSCAPE,))
    assert difference(changed, REFERENCE / "hall-landscape.png") > 3 * TOLERANCE


def test_one_digit_of_the_clock_is_a_difference(qtbot: QtBot, tmp_path: Path) -> None:
    clock = Clock()
    board = scenes.busy_board(clock)
    clock.advance(9)
    (before,) = save_screens(scenes.view_of(board, clock), tmp_path, "before", (LANDSCAPE,))
    clock.advance(60)
    (after,) = save_screens(scenes.view_of(board, clock), tmp_path, "after", (LANDSCAPE,))
    assert difference(before, after) > 2 * TOLERANCE
