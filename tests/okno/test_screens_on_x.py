"""Each Qt program of okno on a real X display (Xvfb, Qt's xcb plugin), as on a kiosk's screen.

Offscreen tests never load the xcb plugin, so a screen missing one of its libraries
(libxcb-icccm4, libxcb-keysyms1...) passed them all and failed on the first real display.
Here each program starts under Xvfb against a real hub, its window is read back from the
X server by another X client, and SIGTERM stops it cleanly.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from PIL import Image

from hub.bench.process import opened_at_nine, start_hub
from okno.console import admin_socket_for
from okno.errors import ScreenLibrariesMissing
from okno.provision import enroll_devices
from okno.qt import gui_app
from tests.hub.conftest import EXAMPLE

pytestmark = pytest.mark.slow

# Run in another process on the same display: what the X server shows, not what Qt drew.
GRAB = """
import sys
from PySide6.QtGui import QGuiApplication
app = QGuiApplication([])
sys.exit(0 if app.primaryScreen().grabWindow(0).save(sys.argv[1]) else 1)
"""


@pytest.fixture
def display() -> Iterator[str]:
    """A fresh Xvfb on a display number it picks itself."""
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", "1", "-screen", "0", "1080x1920x24", "-nolisten", "tcp"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert xvfb.stdout is not None
    number = xvfb.stdout.readline().strip()
    assert number.isdigit(), "Xvfb did not start (apt-get install xvfb: tools/debian-packages)"
    try:
        yield f":{number}"
    finally:
        xvfb.terminate()
        xvfb.wait(10)


@pytest.fixture
async def hub(tmp_path: Path) -> AsyncIterator[tuple[str, Path]]:
    """A hub process: its network port and its admin socket."""
    db = tmp_path / "hub.db"
    process, port = await start_hub(EXAMPLE, db, *opened_at_nine(EXAMPLE))
    try:
        yield f"127.0.0.1:{port}", admin_socket_for(db)
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 15)


def x_env(display: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    return {**env, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb", "QT_DEBUG_PLUGINS": "1"}


def colours(png: Path) -> int:
    with Image.open(png) as image:
        return len(image.convert("RGB").getcolors(maxcolors=1 << 20) or [])


@pytest.mark.parametrize(
    ("program", "kind", "options"),
    [
        ("kiosk", "kiosk", ("--windowed", "--size", "540x960", "--serial", "X-0000")),
        ("display", "hall_display", ("--windowed", "960x540", "--serial", "X-0000")),
        ("desk panel", "", ("--hub", "{hub}", "--hub-ca", "{ca}")),
    ],
)
async def test_each_screen_comes_up_in_a_real_x_window_and_stops_cleanly(
    program: str,
    kind: str,
    options: tuple[str, ...],
    *,
    display: str,
    hub: tuple[str, Path],
    tmp_path: Path,
) -> None:
    """A device program starts as an admitted device (enrolled as a technician would)."""
    address, socket = hub
    shots = tmp_path / "shots"
    # The hub's CA, made beside its database on its first start (the panel trusts it alone).
    ca = str(tmp_path / "hub-pki" / "ca.pem")
    args = [a.replace("{hub}", address).replace("{ca}", ca) for a in options]
    state: tuple[str, ...] = ()
    if kind:
        (folder,) = await enroll_devices(
            address, socket, 1, tmp_path / "state", kind=kind, serials="X"
        )
        state = ("--state", str(folder))
    log = tmp_path / f"{program.replace(' ', '-')}.log"
    with log.open("w") as out:
        running = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "okno", *program.split(), *args, *state),
            *("--screenshots", str(shots)),
            env=x_env(display),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        screen = tmp_path / "screen.png"
        for _ in range(60):
            assert running.returncode is None, f"{program} exited:\n{log.read_text()[-3000:]}"
            grabbed = await asyncio.to_thread(
                subprocess.run,
                [sys.executable, "-c", GRAB, str(screen)],
                env=x_env(display),
                capture_output=True,
                check=False,
            )
            assert grabbed.returncode == 0, grabbed.stderr.decode()[-2000:]
            # Xvfb's root is one colour until a window is mapped and painted.
            if colours(screen) > 16:
                break
            await asyncio.sleep(0.5)
        else:
            raise AssertionError(f"no window of {program} came up:\n{log.read_text()[-3000:]}")
    finally:
        if running.returncode is None:  # one that exited already is reported above
            running.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(running.wait(), 20)
    assert code == 0, log.read_text()[-3000:]
    assert "xcb" in log.read_text(), "Qt did not load its xcb plugin"
    (saved,) = shots.glob("*.png")
    assert colours(saved) > 16


def test_a_missing_xcb_library_is_named_with_its_debian_package() -> None:
    absent = {"xcb-icccm", "xcb-keysyms"}

    def find(name: str) -> str | None:
        return None if name in absent else f"lib{name}.so"

    with pytest.raises(
        ScreenLibrariesMissing, match="apt-get install libxcb-icccm4 libxcb-keysyms1"
    ):
        gui_app({"DISPLAY": ":5"}, find)
    with pytest.raises(ScreenLibrariesMissing):
        gui_app({"QT_QPA_PLATFORM": "xcb"}, find)
