"""pcscd without systemd: reuse a running one, or start ``pcscd --foreground --auto-exit``.

For tests, the benchmark and ``okno card-reader sim`` on a machine without a service manager.
pcscd reads ``/etc/reader.conf.d`` (where vsmartcard-vpcd puts its virtual readers) only
at start, and takes about 2 s to exit after SIGTERM; a second pcscd started before the
first has gone loses its socket to the first one's cleanup, so :func:`running_pcscd`
waits for the exit it causes. ``--auto-exit`` ends pcscd 60 s after its last client leaves,
which keeps a pcscd orphaned by a killed parent from lingering; while
:func:`running_pcscd` is held it keeps a context of its own open, so a pause longer than
that between two readers (a test suite moving on to other packages) cannot end it.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from card_reader.errors import CardError, ReaderUnavailable
from card_reader.transport import PcscContext

log = logging.getLogger(__name__)
START_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 10.0
POLL_S = 0.02


def readers_now() -> list[str] | None:
    """The readers pcscd lists now, or None when pcscd does not answer."""
    try:
        with PcscContext() as context:
            return context.readers()
    except CardError:
        return None


@dataclass(frozen=True, slots=True)
class Pcscd:
    """The daemon in use; ``started`` when this process started it (and will stop it)."""

    started: bool
    readers: tuple[str, ...]


@contextmanager
def running_pcscd(
    *, start: bool = True, wait_for_reader: str = "Virtual PCD 00 00"
) -> Iterator[Pcscd]:
    """A pcscd that lists ``wait_for_reader``; started (as root) if none runs and ``start``."""
    try:
        held = PcscContext()
    except CardError:
        pass
    else:
        with held:
            yield Pcscd(False, tuple(held.readers()))
        return
    binary = shutil.which("pcscd") or next(
        (p for p in ("/usr/sbin/pcscd", "/sbin/pcscd") if shutil.which(p)), None
    )
    if not start or binary is None:
        raise ReaderUnavailable("pcscd is not running (and was not to be started here)")
    process = subprocess.Popen(
        [binary, "--foreground", "--auto-exit"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        readers = _wait_ready(process, wait_for_reader)
        log.info("pcscd started pid=%d readers=%d", process.pid, len(readers))
        with PcscContext():
            yield Pcscd(True, tuple(readers))
    finally:
        process.terminate()
        try:
            process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_ready(process: subprocess.Popen[bytes], reader: str) -> list[str]:
    """Poll (its socket has no event to wait on) until pcscd lists ``reader``."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ReaderUnavailable(f"pcscd exited at start with status {process.returncode}")
        found = readers_now()
        if found is not None and (not reader or reader in found):
            return found
        time.sleep(POLL_S)
    raise ReaderUnavailable(f"pcscd did not list {reader!r} within {START_TIMEOUT_S:g} s")
