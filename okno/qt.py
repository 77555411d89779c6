"""Calling Qt from Python without wearing out ``True`` and ``None`` (PySide6 6.12.0).

PySide6-Essentials 6.12.0 (the newest on PyPI as of writing) returns some results
without a reference of its own, so each call whose result is dropped takes one
reference from a singleton that CPython 3.11 still counts:

- ``SignalInstance.emit`` returns ``True`` that way: after some hundred thousand emits
  (a day of a board's clock ticks and feed events) CPython aborts with "bool_dealloc:
  deallocating True or False". :func:`emit` gives the reference back.
- *Every* method that returns nothing (``QTimer.start``, ``processEvents``,
  ``beginResetModel``, ``setObjectName``...) returns ``None`` that way. ``None`` starts
  with about 5,000 references, so a program aborts ("none_dealloc: deallocating None")
  after about as many such calls: minutes of a kiosk in use. No wrapper can catch every
  call, so ``None`` is given 2**40 references once (what CPython 3.12 does for all
  singletons: "immortal" objects); at one stolen reference per call it would take longer
  than the hardware lives to use them up.

Whether this PySide6 has each flaw is measured once, at import; once PySide6 is fixed
(or on CPython 3.12+, where the singletons are immortal) nothing is changed. Every Qt
program of okno (hall display, kiosk) imports this module before it starts Qt's loop.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Protocol

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal, SignalInstance
from PySide6.QtGui import QGuiApplication

from okno.errors import OknoError, ScreenLibrariesMissing

_PROBES = 16
PINNED = 1 << 40
# What Qt's xcb plugin (PySide6 6.12) loads, by library name, with its Debian package.
# Qt's own message, when one is missing, may name another ("libxcb-cursor0 is needed").
XCB_LIBRARIES = {
    "xcb-cursor": "libxcb-cursor0",
    "xcb-icccm": "libxcb-icccm4",
    "xcb-keysyms": "libxcb-keysyms1",
    "xcb-image": "libxcb-image0",
    "xcb-randr": "libxcb-randr0",
    "xcb-render-util": "libxcb-render-util0",
    "xcb-shape": "libxcb-shape0",
    "xcb-xfixes": "libxcb-xfixes0",
    "xcb-xkb": "libxcb-xkb1",
    "xkbcommon-x11": "libxkbcommon-x11-0",
}


class _Probe(QObject):
    ping = Signal()


def _incref(value: object) -> None:
    ctypes.pythonapi.Py_IncRef(ctypes.py_object(value))


def _steals(value: object, call: Callable[[], object]) -> bool:
    """Whether each ``call`` takes a reference from ``value``; the ones taken are given back."""
    before = sys.getrefcount(value)
    for _ in range(_PROBES):
        call()
    lost = before - sys.getrefcount(value)
    for _ in range(max(0, lost)):
        _incref(value)
    return lost >= _PROBES // 2


def _pin(value: object) -> None:
    """Give ``value`` PINNED references at once (its count is the object's first field)."""
    count = ctypes.c_ssize_t.from_address(id(value))
    count.value += PINNED


def _measure() -> tuple[bool, bool]:
    probe = _Probe()
    steals_true = _steals(True, probe.ping.emit)
    steals_none = _steals(None, lambda: probe.setObjectName("okno"))
    return steals_true, steals_none


STEALS_TRUE, STEALS_NONE = _measure()
if STEALS_NONE and sys.implementation.name == "cpython":
    _pin(None)


def emit(signal: SignalInstance, *args: object) -> None:
    """``signal.emit(*args)``, keeping the reference count of its result whole."""
    result: object = signal.emit(*args)  # type: ignore[func-returns-value]  # see above
    if STEALS_TRUE:
        _incref(result)


@contextlib.contextmanager
def quit_on_signals(
    app: QCoreApplication, quit_: Callable[[], None] | None = None
) -> Iterator[None]:
    """SIGINT and SIGTERM quit Qt's loop (by ``quit_``), which then stops the rest cleanly."""
    leave = quit_ or app.quit
    # Run from the loop, not inside the handler: ``quit_`` may paint a last screenshot.
    handlers = {
        signum: signal.signal(signum, lambda *_: QTimer.singleShot(0, leave))
        for signum in (signal.SIGINT, signal.SIGTERM)
    }
    # Python runs a signal handler only when it gets the thread back: a timer gives it.
    waker = QTimer()
    waker.timeout.connect(lambda: None)
    waker.start(200)
    try:
        yield
    finally:
        waker.stop()
        for signum, handler in handlers.items():
            signal.signal(signum, handler)


def quit_after(app: QCoreApplication, last: Callable[[], object]) -> Callable[[], None]:
    """A quit that first runs ``last`` (the last screenshot) while Qt's loop still runs.

    After the loop (``aboutToQuit`` included) QQuickWindow.grabWindow crashes the process
    on a real X display (xcb: SIGSEGV), so every way out of a program goes through here.
    """

    def quit_() -> None:
        try:
            last()
        finally:
            app.quit()

    return quit_


def gui_app(
    environ: Mapping[str, str] = os.environ,
    find: Callable[[str], str | None] = ctypes.util.find_library,
) -> QGuiApplication:
    """Qt's application, once the screen it will open on has what it needs.

    On an X display (QT_QPA_PLATFORM xcb, or unset with DISPLAY set) a missing library
    is named with the Debian package to install, before Qt tries and names the wrong one.
    """
    platform = environ.get("QT_QPA_PLATFORM", "")
    if platform.startswith("xcb") or (not platform and environ.get("DISPLAY")):
        missing = [package for name, package in XCB_LIBRARIES.items() if find(name) is None]
        if missing:
            raise ScreenLibrariesMissing(
                f"the screen cannot open on the X display: apt-get install {' '.join(missing)} "
                "(tools/debian-packages installs them)"
            )
    found = QGuiApplication.instance()
    return found if isinstance(found, QGuiApplication) else QGuiApplication([sys.argv[0]])


class GuiProgram(Protocol):
    """A Qt program with an asyncio side (the hall display, the kiosk)."""

    @property
    def failure(self) -> BaseException | None: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def screenshot(self) -> object: ...


def run_program(
    app: QCoreApplication,
    program: GuiProgram,
    *,
    duration_s: float | None,
    quits: Sequence[SignalInstance],
    stopped: Callable[[str], OknoError],
) -> None:
    """Run ``program`` until SIGINT, SIGTERM, one of ``quits`` or ``duration_s``.

    Its failure is raised after Qt's loop ended: an OknoError as is (it already says what
    to do), anything else as ``stopped(reason)``.
    """
    leave = quit_after(app, program.screenshot)
    for quit_signal in quits:
        quit_signal.connect(lambda *_: leave())
    with quit_on_signals(app, leave):
        program.start()
        if duration_s is not None:
            QTimer.singleShot(int(duration_s * 1000), leave)
        app.exec()
    program.stop()
    failure = program.failure
    if failure is not None:
        if isinstance(failure, OknoError):
            raise failure
        raise stopped(str(failure)) from failure
