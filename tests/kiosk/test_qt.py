"""PySide6 6.12.0's stolen references (okno/qt.py): a kiosk's day of Qt calls does not abort."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, QTimer, Signal

from okno import qt


class Probe(QObject):
    ping = Signal()


def test_calls_that_return_nothing_do_not_use_up_none() -> None:
    before = sys.getrefcount(None)
    probe, timer = QObject(), QTimer()
    # More such calls than None had references before okno.qt (about 5,000).
    for _ in range(20_000):
        probe.setObjectName("okno")
        timer.setInterval(5)
    if qt.STEALS_NONE:
        assert before > qt.PINNED
        assert before - sys.getrefcount(None) < qt.PINNED
    else:
        assert abs(before - sys.getrefcount(None)) < 100


def test_emits_give_back_what_they_take_from_true() -> None:
    probe = Probe()
    before = sys.getrefcount(True)
    for _ in range(1_000):
        qt.emit(probe.ping)
    assert abs(before - sys.getrefcount(True)) < 50
