"""``okno desk panel``: the operator panel (and the hall view) on a staff member's PC.

Qt owns the main thread; the hub client runs on its own asyncio loop in one thread
(worker.py), as in ``okno display``. The panel talks to the hub's network port over TLS,
trusting only the branch CA from ``--hub-ca``, with the token it gets at sign-in; it
keeps no state of its own, so it can be closed and opened again at any time (an open
desk stays open in the operator's name).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSize, QTimer

from okno.qt import gui_app, quit_after, quit_on_signals
from staff_desk.panel.client import DEFAULT_HUB_CA
from staff_desk.panel.errors import PanelError
from staff_desk.panel.screen import SIZE, PanelWindow
from staff_desk.panel.view import PanelView
from staff_desk.panel.words import words
from staff_desk.panel.worker import PanelIO

log = logging.getLogger(__name__)
CLOCK_MS = 10_000


@dataclass(frozen=True, slots=True)
class OperatorOptions:
    """How ``okno desk panel`` was started."""

    # host:port of the hub's network port (TLS).
    hub: str = "127.0.0.1:50051"
    # The branch CA's certificate: the hub's own, from its pki folder (var/okno-pki/ca.pem
    # on the hub's machine), copied to a staff PC by a technician.
    hub_ca: Path = DEFAULT_HUB_CA
    # "ru" or "en".
    language: str = "ru"
    # Large type and high contrast.
    large: bool = False
    # A window of this size; None: full screen.
    size: tuple[int, int] | None = (SIZE.width(), SIZE.height())
    # Save what the screen shows as DIR/operator.png at exit.
    screenshots: Path | None = None
    # Stop by itself after this many seconds (None: until the window closes, SIGINT or SIGTERM).
    duration_s: float | None = None


def run_operator(options: OperatorOptions) -> None:
    """Run the panel until it is closed; PanelError for options it cannot run with."""
    try:
        words(options.language)
    except ValueError as err:
        raise PanelError(str(err)) from err
    try:
        ca_pem = options.hub_ca.read_bytes()
    except OSError as err:
        raise PanelError(
            f"cannot read the hub's CA at {options.hub_ca} ({err.strerror}): copy ca.pem from "
            "the hub's pki folder and give it with --hub-ca"
        ) from err
    app = gui_app()
    io = PanelIO(options.hub, ca_pem)
    io.start()
    view = PanelView(io, language=options.language, large=options.large)
    size = QSize(*options.size) if options.size else SIZE
    window = PanelWindow(view, size)
    clock = QTimer()
    clock.setInterval(CLOCK_MS)
    clock.timeout.connect(view.tick)
    shots = options.screenshots

    def last_screen() -> None:
        if shots is not None:
            window.grab(shots / "operator.png")

    leave = quit_after(app, last_screen)
    with quit_on_signals(app, leave):
        if options.size is None:
            window.showFullScreen()
        else:
            window.show()
        view.start()
        clock.start()
        if options.duration_s is not None:
            QTimer.singleShot(int(options.duration_s * 1000), leave)
        log.info("operator panel started hub=%s", options.hub)
        app.exec()
    clock.stop()
    view.stop()
    if view.session is not None:
        # The token would stay valid until the end of the day: end it with the panel.
        io.run_now(lambda c: c.sign_out())
    window.dispose()
    io.stop()
    log.info("operator panel stopped")


__all__ = ["OperatorOptions", "run_operator"]
