"""``okno display``: the hall board or a desk display, as a device program of the branch.

It joins the branch like every device (okno.runtime.program.membership, kind
"hall_display"; the pairing code is shown on the screen), holds its session (settings
arrive from the hub: role, desk, layout, language, voice, volume, quiet hours, ticker,
see settings.py), follows the hall feed over the mutual-TLS channel, shows the board and
speaks the calls. Until a technician admits it, the screen shows the pairing code and
the fingerprint of the hub's CA, which the technician compares with the hub's own.

Qt and asyncio. Qt's event loop owns the main thread (the GUI must live there). The
asyncio side (membership, session, feed client, voice) runs its own standard loop in one
thread, "okno-display-io": PySide6-Essentials ships no QtAsyncio, and grpc.aio wants a
standard loop anyway. Results cross to the GUI thread only as queued Qt signals
(bridge.py); a stop crosses the other way with ``loop.call_soon_threadsafe``. The same
arrangement runs on a screen and offscreen.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QSize, QTimer

from hall_display.announcer import Announcer
from hall_display.bridge import FeedBridge
from hall_display.errors import DisplayError
from hall_display.feed_client import FeedClient
from hall_display.screen import BoardWindow
from hall_display.settings import DisplaySettings
from hall_display.sinks import choose_sink
from hall_display.view import BoardView, wall_ms
from hall_display.voice import Voice, hall_clock
from okno.aio import until_stopped
from okno.qt import emit, gui_app, run_program
from okno.runtime.channels import hub_link
from okno.runtime.enroll import Description, EnrollmentRefused
from okno.runtime.loop_thread import LoopThread
from okno.runtime.session import HubSession

log = logging.getLogger(__name__)

KIND = "hall_display"
TICK_MS = 250


@dataclass(frozen=True, slots=True)
class DisplayOptions:
    """How ``okno display`` was started; the hub's settings come on top of these."""

    state: Path = Path("var/display")
    role: str = "hall"
    desk: str = ""
    layout: str = "auto"
    language: str = "ru"
    # host:port of the hub's enrollment port; empty: found by zeroconf.
    hub: str = ""
    interfaces: tuple[str, ...] = ("0.0.0.0",)
    serial: str = field(default_factory=socket.gethostname)
    model: str = "okno-display"
    # A window of this size; None: full screen.
    size: tuple[int, int] | None = None
    # Save what the screen shows as DIR/display.png every screenshot_every_s, and at exit.
    screenshots: Path | None = None
    screenshot_every_s: float = 60.0
    # Stop by itself after this many seconds (None: until SIGINT or SIGTERM).
    duration_s: float | None = None
    # Announcements written as WAV files (no sound card) play in real time times this.
    voice_speed: float = 1.0

    def settings(self) -> DisplaySettings:
        """The settings before the hub sends any: ValueError for a bad option."""
        return DisplaySettings(
            role=self.role, desk=self.desk, layout=self.layout, language=self.language
        )


def run_display(options: DisplayOptions) -> None:
    """Run the display until SIGINT, SIGTERM or ``duration_s``; DisplayError if it fails."""
    try:
        options.settings()
    except ValueError as err:
        raise DisplayError(str(err)) from err
    app = gui_app()
    display = DisplayApp(options)
    run_program(
        app,
        display,
        duration_s=options.duration_s,
        quits=[display.bridge.failed],
        stopped=lambda reason: DisplayError(f"the display stopped: {reason}"),
    )


class DisplayApp:
    """The window, its view-model and the asyncio side, started and stopped together."""

    def __init__(
        self,
        options: DisplayOptions,
        *,
        clock: Callable[[], int] = wall_ms,
        voice: Voice | None = None,
    ) -> None:
        """``voice`` replaces the one made from the state folder (tests inject an engine)."""
        self.options = options
        self.view = BoardView(options.settings(), clock=clock)
        size = QSize(*options.size) if options.size else None
        self.window = BoardWindow(self.view, size)
        self.bridge = FeedBridge(self.view)
        self.io = DisplayIO(options, self.bridge, voice=voice)
        self._tick = QTimer()
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self.view.tick)
        self._camera = QTimer()
        self._camera.setInterval(int(options.screenshot_every_s * 1000))
        self._camera.timeout.connect(self.screenshot)

    @property
    def failure(self) -> BaseException | None:
        return self.io.failure

    def start(self) -> None:
        if self.options.size is None:
            self.window.showFullScreen()
        else:
            self.window.show()
        self._tick.start()
        if self.options.screenshots is not None:
            self._camera.start()
        self.io.start()

    def stop(self) -> None:
        """Stop the feed and the voice (an announcement playing is finished), then the screen."""
        self._tick.stop()
        self._camera.stop()
        self.io.stop()
        self.window.dispose()

    def screenshot(self) -> Path | None:
        if self.options.screenshots is None:
            return None
        return self.window.grab(self.options.screenshots / "display.png")


class DisplayIO(LoopThread):
    """The asyncio side, in its own thread: membership, session, feed client, voice."""

    def __init__(
        self, options: DisplayOptions, bridge: FeedBridge, *, voice: Voice | None = None
    ) -> None:
        super().__init__("okno-display-io")
        self.options = options
        self.base = options.settings()
        self.settings = self.base
        self.bridge = bridge
        self.client: FeedClient | None = None
        self.announcer: Announcer | None = None
        self.voice = voice
        self.session: HubSession | None = None

    def failed(self, reason: str) -> None:
        emit(self.bridge.failed, reason)

    async def run(self, stop: asyncio.Event) -> None:
        state = self.options.state
        if self.voice is None:
            self.voice = Voice(state / "voice-cache", volume=self.base.volume)
        sink = choose_sink(state / "announcements", speed=self.options.voice_speed)
        self.announcer = Announcer(
            self.voice, sink, quiet_hours=self.base.quiet, now=hall_clock(self._hall_zone)
        )
        options = self.options
        joined = await until_stopped(
            hub_link(
                Description(KIND, options.model, options.serial),
                options.state,
                hub=options.hub,
                interfaces=list(options.interfaces),
                show_code=self.bridge.show_code,
                show_authority=self.bridge.show_authority,
            ),
            stop,
        )
        if joined is None:
            return
        self.client = FeedClient(
            joined.connect,
            self.bridge,
            announcer=self.announcer,
            languages=self.base.voice_languages,
        )
        self.session = HubSession(joined.address, joined.credentials, on_config=self._configure)
        await asyncio.gather(
            self.client.run(stop), self.announcer.run(stop), self._hold(self.session, stop)
        )

    async def _hold(self, session: HubSession, stop: asyncio.Event) -> None:
        await session.run(stop)
        if session.refused:
            stop.set()
            raise EnrollmentRefused(f"the hub refused this display: {session.refused}")

    def _hall_zone(self) -> str:
        """The zone of quiet hours: the display's timezone setting, else the branch's."""
        return self.settings.timezone or self.bridge.branch_zone

    def _configure(self, config: dict[str, str]) -> None:
        """The hub's settings on top of the command line's; ValueError refuses them."""
        settings = self.base.updated(config)
        self.settings = settings
        if self.client is not None:
            self.client.languages = settings.voice_languages
        if self.voice is not None:
            self.voice.volume = settings.volume
        if self.announcer is not None:
            self.announcer.quiet_hours = settings.quiet
        self.bridge.settings_changed(settings)
        log.info("settings applied keys=%s", ",".join(sorted(config)) or "-")


__all__ = ["DisplayApp", "DisplayOptions", "run_display"]
