"""``okno kiosk``: the touchscreen kiosk, as a device program of the branch.

It joins the branch like every device (kind "kiosk"; the pairing code is shown on the
screen with the hub CA's fingerprint), holds its session (settings from the hub: see
settings.py), follows the queue and issues tickets over the mutual-TLS channel. Its card
terminal, if it has one, joins as a device of its own (kind "payment_terminal").

Qt owns the main thread; the asyncio side (agent.py) runs in "okno-kiosk-io" and reaches
Qt only through queued signals (bridge.py); the voice speaks in "okno-kiosk-voice".
Without ``size`` the window is in kiosk mode: full screen, frameless, no cursor, closed
only by the technician (or SIGTERM from systemd).
"""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSize, QTimer

from hall_display.sinks import AudioSink, choose_sink
from hall_display.voice import Voice
from kiosk import speech
from kiosk.agent import KioskAgent
from kiosk.bridge import KioskBridge
from kiosk.core import Screen
from kiosk.errors import KioskError
from kiosk.flow import KioskFlow
from kiosk.keys_guide import Gathering, KeysGuide
from kiosk.keys_pad import Keypad
from kiosk.payment import Payer
from kiosk.screen import KioskWindow
from kiosk.settings import KioskSettings
from kiosk.view import KioskView
from kiosk.voice import VoiceGuide
from okno.qt import gui_app, run_program

log = logging.getLogger(__name__)

TICK_MS = 250


@dataclass(frozen=True, slots=True)
class KioskOptions:
    """How ``okno kiosk`` was started; the hub's settings come on top of ``config``."""

    state: Path = Path("var/kiosk")
    # host:port of the hub's enrollment port; empty: found by zeroconf.
    hub: str = ""
    interfaces: tuple[str, ...] = ("0.0.0.0",)
    serial: str = field(default_factory=socket.gethostname)
    model: str = "okno-kiosk"
    # A window of this size (development); None: kiosk mode, full screen.
    size: tuple[int, int] | None = None
    # Settings before the hub sends any (the same keys: printer=..., language=...).
    config: tuple[tuple[str, str], ...] = ()
    # Save what the screen shows as DIR/kiosk.png every screenshot_every_s, and at exit.
    screenshots: Path | None = None
    screenshot_every_s: float = 60.0
    duration_s: float | None = None
    # Voice guidance output; off leaves the kiosk silent (benchmarks).
    voice: bool = True
    voice_speed: float = 1.0
    poll_s: float = 2.0
    deadline_s: float = 2.0
    # Print "kiosk ready <time.monotonic()>" once the home screen is usable, then quit.
    exit_when_ready: bool = False
    # The card payment terminal's serial URL (serial:///dev/ttyUSB0?baudrate=9600), and
    # its serial (default "<serial>-terminal"): it enrolls as payment_terminal-<that>,
    # keeping its membership in state/terminal; none: fees are paid at the desk.
    terminal: str = ""
    terminal_id: str = ""
    # The card reader the kiosk runs in its own process: "auto" (the first reader with a
    # card) or pcsc://READER%20NAME; none: no "identify with card".
    card_reader: str = ""

    def settings(self) -> KioskSettings:
        """The settings before the hub sends any: ValueError for a bad one."""
        return KioskSettings().updated(dict(self.config))


def run_kiosk(options: KioskOptions) -> None:
    """Run the kiosk until SIGINT, SIGTERM, the technician or ``duration_s``."""
    try:
        options.settings()
    except ValueError as err:
        raise KioskError(str(err)) from err
    app = gui_app()
    kiosk = KioskApp(options)
    run_program(
        app,
        kiosk,
        duration_s=options.duration_s,
        quits=[kiosk.bridge.failed, kiosk.view.quitRequested],
        stopped=lambda reason: KioskError(f"the kiosk stopped: {reason}"),
    )


class _Silent:
    def say(self, text: str, language: str) -> None:
        pass


class KioskApp:
    """The window, its view-model and flow, the agent and the voice, started together."""

    def __init__(
        self,
        options: KioskOptions,
        *,
        clock: Callable[[], float] = time.monotonic,
        voice: Voice | None = None,
        sink: AudioSink | None = None,
        payer: Payer | None = None,
        pin_factory: object | None = None,
    ) -> None:
        """``voice`` and ``sink`` replace those made from the state folder (tests);
        ``payer`` is the payment terminal's agent (none: fees are paid at the desk);
        ``pin_factory`` is gpiozero's for the keypad (tests: its mock pins)."""
        self.options = options
        settings = options.settings()
        self.bridge = KioskBridge()
        self.agent = KioskAgent(options, self.bridge, settings, payer=payer)
        self.guide: VoiceGuide | None = None
        if options.voice:
            voice = voice or Voice(options.state / "voice-cache", volume=settings.volume)
            sink = sink or choose_sink(options.state / "voice", speed=options.voice_speed)
            self.guide = VoiceGuide(voice, sink)
        visitors = self.agent.sink
        speaker = Gathering(self.guide or _Silent())
        self.flow = KioskFlow(
            settings,
            self.agent,
            speaker,
            clock=clock,
            identity=(lambda: visitors.current) if options.card_reader else None,
        )
        self.keys = KeysGuide(self.flow, speaker)
        self.view = KioskView(self.flow, keys=self.keys)
        self.bridge.attach(self.view)
        self.keypad: Keypad | None = None
        if settings.keypad_pins() or settings.headphones_pin:
            self.keypad = Keypad(
                settings.keypad_pins(),
                self.bridge.key_pressed,
                headphones_pin=settings.headphones_pin,
                pin_factory=pin_factory,
            )
        self.bridge.settings.connect(self._volume)
        size = QSize(*options.size) if options.size else None
        self.window = KioskWindow(self.view, size, locked=options.size is None)
        self.view.quitRequested.connect(self.window.allow_close)
        self._tick = QTimer()
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self.view.tick)
        self._camera = QTimer()
        self._camera.setInterval(int(options.screenshot_every_s * 1000))
        self._camera.timeout.connect(self.screenshot)
        self._ready = False
        if options.exit_when_ready:
            self.window.frameSwapped.connect(self._maybe_ready)

    @property
    def failure(self) -> BaseException | None:
        return self.agent.failure

    def start(self) -> None:
        self.window.show_kiosk()
        self._tick.start()
        if self.options.screenshots is not None:
            self._camera.start()
        if self.guide is not None:
            self.guide.start(
                (speech.prompt(key, language), language)
                for language in ("ru", "en")
                for key in ("home", "search", "checkin", "out", "voice_on")
            )
        self.agent.start()

    def stop(self) -> None:
        """Stop the agent and the voice (a prompt playing is finished), then the screen."""
        self._tick.stop()
        self._camera.stop()
        self.agent.stop()
        if self.keypad is not None:
            self.keypad.close()
        if self.guide is not None:
            self.guide.stop()
        self.window.dispose()

    def screenshot(self) -> Path | None:
        if self.options.screenshots is None:
            return None
        return self.window.grab(self.options.screenshots / "kiosk.png")

    def _volume(self, settings: KioskSettings) -> None:
        if self.guide is not None:
            self.guide.voice.volume = settings.volume

    def _maybe_ready(self) -> None:
        flow = self.flow
        if self._ready or flow.screen is not Screen.HOME or not self.view.groups.rows:
            return
        self._ready = True
        print(f"kiosk ready {time.monotonic():.6f}", flush=True)
        app = QCoreApplication.instance()
        if app is not None:
            QTimer.singleShot(0, app.quit)


__all__ = ["KioskApp", "KioskOptions", "run_kiosk"]
