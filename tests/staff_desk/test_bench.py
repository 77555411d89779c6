"""``okno desk bench`` runs end to end on real parts and reports the figure the issue names."""

from __future__ import annotations

from staff_desk.bench import measure_press_to_board
from tests.hub.conftest import EXAMPLE


async def test_the_benchmark_times_press_to_board() -> None:
    figures = {f.key: f for f in await measure_press_to_board(EXAMPLE, 3)}
    assert figures["presses"].value == 6
    assert 0 < figures["press_to_board_p50"].value <= figures["press_to_board_max"].value
    assert figures["press_to_board_p99"].target == 150
    assert figures["release_to_board_p99"].value > 0
