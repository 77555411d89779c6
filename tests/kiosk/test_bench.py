"""``okno kiosk bench`` runs end to end (a few taps) and says what it measured."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kiosk.bench import EXAMPLE, measure_kiosk


def test_the_benchmark_measures_cold_start_and_taps(qtbot: QtBot) -> None:
    figures = {f.key: f for f in measure_kiosk(EXAMPLE, taps=3, starts=1)}
    assert figures["taps"].value == 3
    assert figures["cold_start_max_ms"].target == 2000
    assert 0 < figures["tap_to_ticket_shown_p99_ms"].value < 5000
    assert 0 < figures["tap_to_printer_first_byte_p99_ms"].value < 5000
    assert figures["tap_to_printer_first_byte_p99_ms"].compare == "<="
