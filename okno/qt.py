"""Emitting Qt signals from Python without wearing out ``True`` (PySide6 6.12.0).

PySide6-Essentials 6.12.0 (the newest on PyPI as of writing) returns ``True`` from
``SignalInstance.emit`` without a reference of its own: each emit whose result is dropped
takes one reference from ``True``, and after some hundred thousand emits (a day of a
board's clock ticks and feed events) CPython aborts with "bool_dealloc: deallocating True
or False". Whether this PySide6 has the flaw is measured once, at import; :func:`emit`
then gives back the reference, and does nothing once PySide6 is fixed. Every Qt program
of okno (hall display, kiosk) emits through it.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject, Signal, SignalInstance

_PROBES = 16


class _Probe(QObject):
    ping = Signal()


def _incref(value: object) -> None:
    ctypes.pythonapi.Py_IncRef(ctypes.py_object(value))


def _lost_per_emit() -> bool:
    """Whether an emit takes a reference from True; the references taken are given back."""
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(_PROBES):
        probe.ping.emit()
    lost = before - sys.getrefcount(True)
    for _ in range(max(0, lost)):
        _incref(True)
    return lost >= _PROBES // 2


STEALS_TRUE = _lost_per_emit()


def emit(signal: SignalInstance, *args: object) -> None:
    """``signal.emit(*args)``, keeping the reference count of its result whole."""
    result: object = signal.emit(*args)  # type: ignore[func-returns-value]  # see above
    if STEALS_TRUE:
        _incref(result)
