"""A virtual ESC/POS ticket printer on a real link, with the faults of a real one.

:class:`SimulatedPrinter` owns one end of a pty pair (the driver opens the other end,
``/dev/pts/N``, with pyserial) or a TCP socket on 127.0.0.1, like a network printer's
port 9100. A thread reads the host's bytes, runs them through the ESC/POS
:class:`~ticket_printer.interpreter.Interpreter` and the simulated head
(:class:`~ticket_printer.render.Paper`), answers DLE EOT at once and GS ( H only for
jobs that really came out, and keeps every ticket as a PNG and a text.

Fault switches are thread-safe and act as a printer does: out of paper or with the cover
open it still answers status requests but prints nothing and confirms nothing; offline it
answers nothing at all; a pulled cable closes the link.
"""

from __future__ import annotations

import bisect
import contextlib
import dataclasses
import logging
import os
import select
import socket
import threading
import time
import tty
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType
from typing import Literal

from ticket_printer import codec
from ticket_printer import commands as cmd
from ticket_printer.codec import PrinterStatus
from ticket_printer.interpreter import Interpreter
from ticket_printer.profile import PAPER_80, PrinterProfile
from ticket_printer.render import Paper, RenderedTicket

log = logging.getLogger(__name__)

# Commands that put dots on paper: the moment an empty roll is noticed.
_PRINTING = (cmd.Text, cmd.Raster, cmd.QrPrint, cmd.NvPrint)


class SimulatedPrinter:
    """An ESC/POS printer on a pty (default) or a TCP port, with fault switches."""

    def __init__(
        self,
        profile: PrinterProfile = PAPER_80,
        *,
        link: Literal["pty", "tcp"] = "pty",
        port: int = 0,
        out_dir: Path | None = None,
        paper_tickets: int | None = None,
        hold_when_out: bool = False,
    ) -> None:
        """``hold_when_out``: keep what arrives while out of paper, open or stalled, and
        print it once refilled, closed or moving again, as many real printers do; else it
        is lost."""
        self.profile = profile
        self.hold_when_out = hold_when_out
        self._held: list[cmd.Command] = []
        self.link = link
        self.out_dir = out_dir
        self._requested_port = port
        self._lock = threading.Condition()
        self._paper = Paper(profile)
        self._interpreter = Interpreter()
        self._received = bytearray()
        # (offset in received, time.monotonic()) of each chunk read: for benchmarks.
        self._arrivals: list[tuple[int, float]] = []
        self._tickets: list[RenderedTicket] = []
        self._paper_left = paper_tickets
        self._status = PrinterStatus()
        self._offline = False
        self._stalled = False
        self._garbage: bytes | None = None
        self._garbage_for: tuple[int, ...] = ()
        self._plugged = True
        # The thread's file descriptors: pty master and slave, or listener and connection.
        self._master: int | None = None
        self._slave: int | None = None
        self._listener: socket.socket | None = None
        self._connection: socket.socket | None = None
        self._path = ""
        self._port = 0
        self._wake_r, self._wake_w = os.pipe()
        self._todo: list[Callable[[], None]] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------

    def start(self) -> SimulatedPrinter:
        """Open the link and start answering; returns self for chaining."""
        if self.link == "pty":
            self._open_pty()
        else:
            self._listener = socket.create_server(("127.0.0.1", self._requested_port))
            self._port = self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, name="simulated-printer", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout_s: float = 5.0) -> None:
        """Stop the thread, close every descriptor; safe to call twice."""
        self._stop.set()
        self._wake()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None
        self._close_link()
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        for fd in (self._wake_r, self._wake_w):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._wake_r = self._wake_w = -1

    def __enter__(self) -> SimulatedPrinter:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- where to find it ------------------------------------------------------------

    @property
    def path(self) -> str:
        """The pty's device for the driver, e.g. /dev/pts/7 (changes after plug_in)."""
        return self._path

    @property
    def port(self) -> int:
        """The TCP port it listens on."""
        return self._port

    @property
    def url(self) -> str:
        """The URL to give :func:`ticket_printer.transport.open_transport`."""
        if self.link == "pty":
            return f"serial://{self._path}"
        return f"tcp://127.0.0.1:{self._port}"

    # -- what it did -----------------------------------------------------------------

    @property
    def received(self) -> bytes:
        """Every byte the host sent, in order."""
        with self._lock:
            return bytes(self._received)

    def arrived_at(self, offset: int) -> float:
        """When (time.monotonic) the byte at ``offset`` of :attr:`received` came in."""
        with self._lock:
            if not 0 <= offset < len(self._received):
                raise IndexError(f"nothing received at offset {offset}")
            index = bisect.bisect_right(self._arrivals, offset, key=lambda a: a[0]) - 1
            return self._arrivals[index][1]

    @property
    def tickets(self) -> list[RenderedTicket]:
        """The tickets cut so far."""
        with self._lock:
            return list(self._tickets)

    @property
    def nv_keys(self) -> list[str]:
        """Keys of the NV graphics it holds."""
        with self._lock:
            return sorted(self._paper.nv)

    @property
    def status(self) -> PrinterStatus:
        """The condition its status answers report."""
        with self._lock:
            return self._status

    def wait_for_tickets(self, count: int, timeout_s: float = 5.0) -> list[RenderedTicket]:
        """The tickets once at least ``count`` are cut; TimeoutError if they are not."""
        with self._lock:
            if not self._lock.wait_for(lambda: len(self._tickets) >= count, timeout_s):
                raise TimeoutError(f"{len(self._tickets)} tickets cut, {count} expected")
            return list(self._tickets)

    def wait_for_received(self, predicate: Callable[[bytes], bool], timeout_s: float = 5.0) -> None:
        """Return once what was received satisfies ``predicate``; TimeoutError if not."""
        with self._lock:
            if not self._lock.wait_for(lambda: predicate(bytes(self._received)), timeout_s):
                raise TimeoutError("the printer did not receive what was expected")

    # -- fault switches --------------------------------------------------------------

    def _set(self, **changes: bool) -> None:
        with self._lock:
            self._status = dataclasses.replace(self._status, **changes)

    def set_paper_near_end(self, on: bool = True) -> None:
        """The near-end sensor sees the roll getting thin."""
        self._set(paper_near_end=on)

    def set_paper_out(self, on: bool = True) -> None:
        """The roll is empty (on) or was just replaced (off)."""
        self._set(paper_out=on)

    def refill(self, paper_tickets: int | None = None) -> None:
        """A new roll, good for ``paper_tickets`` more tickets (None: endless)."""
        with self._lock:
            self._paper_left = paper_tickets
            self._set(paper_out=False, paper_near_end=False)
        self._in_thread(self._resume)

    def set_cover_open(self, on: bool = True) -> None:
        """Open or close the cover."""
        self._set(cover_open=on)
        if not on:
            self._in_thread(self._resume)

    def set_stalled(self, on: bool = True) -> None:
        """The mechanism hangs: status still answers (it is real-time), nothing prints.

        A printer that holds data keeps what arrives meanwhile and prints it once the
        mechanism moves again (``on=False``), as after a refill that is slow to resume.
        """
        with self._lock:
            self._stalled = on
        if not on:
            self._in_thread(self._resume)

    def set_offline(self, on: bool = True) -> None:
        """Stop (or resume) answering anything at all, as a printer that hung."""
        with self._lock:
            self._offline = on

    def answer_garbage(
        self, data: bytes | None, requests: tuple[int, ...] = codec.STATUS_REQUESTS
    ) -> None:
        """Answer DLE EOT n for n in ``requests`` with ``data`` (None: properly again)."""
        with self._lock:
            self._garbage = data
            self._garbage_for = requests

    def pull_cable(self) -> None:
        """Break the link: the pty pair is destroyed, the TCP connection dropped."""
        self._in_thread(self._unplug)

    def plug_in(self) -> None:
        """Restore the link; a pty comes back under a new :attr:`path`."""
        self._in_thread(self._replug)

    # -- the thread ------------------------------------------------------------------

    def _wake(self) -> None:
        with contextlib.suppress(OSError):
            os.write(self._wake_w, b"!")

    def _in_thread(self, action: Callable[[], None]) -> None:
        """Run ``action`` on the printer's thread (which owns the descriptors) and wait."""
        if self._thread is None:
            action()
            return
        done = threading.Event()

        def run() -> None:
            action()
            done.set()

        with self._lock:
            self._todo.append(run)
        self._wake()
        if not done.wait(5.0):
            raise TimeoutError("the simulated printer's thread did not answer")

    def _open_pty(self) -> None:
        self._master, self._slave = os.openpty()
        # Raw, no echo: otherwise the line discipline would echo our answers back to us
        # and turn LF into CR LF before the driver has opened its end.
        tty.setraw(self._slave)
        self._path = os.ttyname(self._slave)

    def _close_link(self) -> None:
        for fd in (self._master, self._slave):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._master = self._slave = None
        if self._connection is not None:
            with contextlib.suppress(OSError):
                self._connection.shutdown(socket.SHUT_RDWR)
            self._connection.close()
            self._connection = None

    def _unplug(self) -> None:
        self._plugged = False
        self._close_link()

    def _replug(self) -> None:
        self._plugged = True
        if self.link == "pty" and self._master is None:
            self._open_pty()

    def _serve(self) -> None:
        while not self._stop.is_set():
            sources = (self._wake_r, self._master, self._listener, self._connection)
            readable: list[int | socket.socket] = [s for s in sources if s is not None]
            ready, _, _ = select.select(readable, [], [], 1.0)
            if self._wake_r in ready:
                os.read(self._wake_r, 64)
                with self._lock:
                    todo, self._todo = self._todo, []
                for action in todo:
                    action()
                continue
            for source in ready:
                if source is self._listener:
                    self._accept()
                else:
                    self._receive_from(source)

    def _accept(self) -> None:
        assert self._listener is not None
        connection, _ = self._listener.accept()
        if not self._plugged or self._connection is not None:
            connection.close()  # One host at a time, as port 9100 on a real printer.
            return
        self._connection = connection

    def _receive_from(self, source: int | socket.socket) -> None:
        try:
            data = source.recv(4096) if isinstance(source, socket.socket) else os.read(source, 4096)
        except OSError:
            data = b""
        if not data:
            # The host closed its end. A pty master never gets here: we hold the slave
            # open, so it does not see EIO between two drivers.
            if source is self._connection:
                self._close_link()
            return
        self._handle(data)

    def _send(self, data: bytes) -> None:
        try:
            if self._connection is not None:
                self._connection.sendall(data)
            elif self._master is not None:
                os.write(self._master, data)
        except OSError as error:
            log.debug("answer lost: %s", error)

    def _handle(self, data: bytes) -> None:
        with self._lock:
            self._arrivals.append((len(self._received), time.monotonic()))
            self._received += data
        self._process(self._interpreter.feed(data))

    def _resume(self) -> None:
        """Print what was held while the printer could not (on its own thread)."""
        with self._lock:
            held, self._held = self._held, []
        self._process(held)

    def _process(self, commands: Iterable[cmd.Command]) -> None:
        finished: list[RenderedTicket] = []
        answers = bytearray()
        with self._lock:
            for command in commands:
                if self._offline:
                    continue
                holding = self._held or (self.hold_when_out and self._must_hold(command))
                if holding and not isinstance(command, cmd.StatusRequest):
                    if self._out_of_paper(command):
                        self._set_paper_out_now()
                    self._held.append(command)
                    continue
                answer = self._answer(command)
                if answer is not None:
                    answers += answer
                elif self._can_print(command):
                    ticket = self._apply(command)
                    if ticket is not None:
                        self._tickets.append(ticket)
                        finished.append(ticket)
                        if self._paper_left is not None:
                            self._paper_left -= 1
            self._lock.notify_all()
        if answers:
            self._send(bytes(answers))
        for ticket in finished:
            log.info("printed ticket %d", ticket.number)
            if self.out_dir is not None:
                ticket.save(self.out_dir)

    def _apply(self, command: cmd.Command) -> RenderedTicket | None:
        try:
            return self._paper.apply(command)
        except Exception:  # A printer prints nonsense for nonsense; it does not stop.
            log.exception("cannot render %s", type(command).__name__)
            return None

    def _answer(self, command: cmd.Command) -> bytes | None:
        """The bytes a command makes the printer send (b"": none), or None to print it."""
        match command:
            case cmd.StatusRequest(n):
                if self._garbage is not None and n in self._garbage_for:
                    return self._garbage
                if n in codec.STATUS_REQUESTS:
                    return codec.encode_status(n, self._status)
                return b""
            case cmd.ProcessIdRequest(process_id):
                # Only a printer that is printing gets to the request at all.
                return codec.process_id_answer(process_id) if self._printing else b""
            case cmd.NvKeyList():
                if not self._paper.supports(command):
                    return b""
                return codec.nv_key_list_answer(tuple(sorted(self._paper.nv)))
        return None

    @property
    def _printing(self) -> bool:
        status = self._status
        return (
            not self._stalled
            and status.online
            and not (status.paper_out or status.cover_open or status.error)
        )

    def _must_hold(self, command: cmd.Command) -> bool:
        """Whether a printer that holds data must hold ``command`` (status is real-time)."""
        status = self._status
        return not isinstance(command, cmd.StatusRequest) and (
            status.paper_out or status.cover_open or self._stalled or self._out_of_paper(command)
        )

    def _set_paper_out_now(self) -> None:
        self._status = dataclasses.replace(self._status, paper_near_end=True, paper_out=True)

    def _out_of_paper(self, command: cmd.Command) -> bool:
        return (
            self._paper_left is not None
            and self._paper_left <= 0
            and isinstance(command, _PRINTING)
        )

    def _can_print(self, command: cmd.Command) -> bool:
        """Whether a command takes effect; an empty roll is noticed when dots are due."""
        if not self._printing:
            return False
        if self._out_of_paper(command):
            self._set_paper_out_now()
            self._paper.discard()
            return False
        return True
