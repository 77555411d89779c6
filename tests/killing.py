"""Stopping a real process with SIGKILL while it writes its files, as a power cut stops it.

The writer is a fresh Python running a short script that prints a line each time one of
its writes has returned. A test kills it at the moment it wants (a partial file on disk:
a write in progress; or the line saying a write returned), then checks what a restarted
okno reads.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DONE = "done"


def kill_when(
    script: str, ready: Callable[[list[str]], bool], *args: str, timeout_s: float = 30.0
) -> list[str]:
    """Run ``script`` with ``args``; SIGKILL it as soon as ``ready(lines printed so far)``.

    The lines it printed, all of them: those that came after the check too.
    """
    deadline = time.monotonic() + timeout_s
    printed: list[str] = []
    with _writer(script, args) as writer:
        reader = threading.Thread(target=_read, args=(writer, printed), daemon=True)
        reader.start()
        while not ready(list(printed)):
            assert writer.poll() is None, f"the writer ended: {_error(writer)}"
            assert time.monotonic() < deadline, "the writer never reached the moment to kill"
            time.sleep(0.0005)
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        reader.join()
    assert writer.returncode == -signal.SIGKILL, f"the writer ended by itself: {_error(writer)}"
    return printed


def kill_after_return(script: str, *args: str) -> None:
    """Run ``script``, which writes, prints DONE and waits; SIGKILL it as DONE arrives."""
    kill_when(script, lambda printed: DONE in printed, *args)


def _writer(script: str, args: tuple[str, ...]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        stdin=subprocess.PIPE,  # held open: a writer that waits reads it
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def _read(writer: subprocess.Popen[str], into: list[str]) -> None:
    assert writer.stdout is not None
    for line in writer.stdout:
        into.append(line.rstrip("\n"))


def _error(writer: subprocess.Popen[str]) -> str:
    writer.wait()
    assert writer.stderr is not None
    return writer.stderr.read()
