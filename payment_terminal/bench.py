"""``okno payment bench``: the protocol's share of a sale, against the simulator at 9,600 baud.

Real parts: the ZVT driver over pyserial on a pty pair, the simulated terminal on its far
end. A pty moves bytes at once, so the simulator holds every byte for its time on a
9,600-baud line both ways (:class:`payment_terminal.sim.PacedPort`): the figures include
the line. The visitor's time at the PIN pad (the simulator's card time) is taken out; what
is left is the protocol: frames, acknowledgements, parsing, both ends' turnarounds.

Measured twice: as the kiosk registers (``KIOSK_RECEIPTS``: the kiosk prints the receipt
from the status information, no print lines; the target applies), and with the terminal's
slip sent as print lines (``TERMINAL_PRINT_LINES``) for comparison.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

from okno.bench import Figure, percentile
from payment_terminal import codec
from payment_terminal.adapter import SaleStatus, ZvtAdapter
from payment_terminal.errors import PaymentError
from payment_terminal.messages import KIOSK_RECEIPTS, TERMINAL_PRINT_LINES
from payment_terminal.sim import SimulatedTerminal
from payment_terminal.transport import Port

BAUD = 9600
CARD_TIME_S = 0.2
TARGET_MS = 200.0


class _Tap:
    """The driver's port, keeping every byte both ways to count frames afterwards."""

    def __init__(self, port: Port) -> None:
        self._port = port
        self.sent = bytearray()
        self.received = bytearray()

    def write(self, data: bytes) -> None:
        self.sent += data
        self._port.write(data)

    def read_some(self, timeout: float) -> bytes:
        data = self._port.read_some(timeout)
        self.received += data
        return data

    def close(self) -> None:
        self._port.close()

    def frames(self) -> int:
        decoder = codec.FrameDecoder()
        events = [*decoder.feed(bytes(self.sent)), *codec.FrameDecoder().feed(bytes(self.received))]
        return sum(isinstance(e, codec.Frame) for e in events)


@dataclass(frozen=True)
class _Run:
    """Sales of one registration setup: per sale, time less card time, frames, bytes."""

    overheads_ms: list[float]
    frames: list[int]
    wire_bytes: list[int]


def _sales(config: int, sales: int, baud: int) -> _Run:
    """Register with ``config`` (not timed), then ``sales`` approved sales one after another."""
    run = _Run([], [], [])
    with SimulatedTerminal(card_time=CARD_TIME_S, baudrate=baud) as sim:
        zvt = ZvtAdapter.open(
            f"serial://{sim.port_path}?baudrate={baud}",
            ack_timeout=2.0,
            answer_timeout=10.0,
            config=config,
        )
        tap = _Tap(zvt.terminal.link.port)
        zvt.terminal.link.port = tap
        try:
            zvt.register()
            for number in range(sales):
                before_frames, before_bytes = tap.frames(), len(tap.sent) + len(tap.received)
                started = time.perf_counter()
                outcome = zvt.sale(100_00 + number, f"bench-{number}")
                elapsed = time.perf_counter() - started
                if outcome.status is not SaleStatus.APPROVED:
                    raise PaymentError(f"sale {number} was not approved: {outcome.reason}")
                run.overheads_ms.append((elapsed - CARD_TIME_S) * 1000)
                run.frames.append(tap.frames() - before_frames)
                run.wire_bytes.append(len(tap.sent) + len(tap.received) - before_bytes)
        finally:
            zvt.close()
    return run


def measure_payment(sales: int = 20, baud: int = BAUD) -> list[Figure]:
    """The kiosk's setup (no print lines; the target), then the terminal's print lines.

    The second set (keys ending ``_print_lines``) is the same sales with the terminal
    registered to send its slip line by line (``TERMINAL_PRINT_LINES``), for comparison.
    """
    kiosk = _sales(KIOSK_RECEIPTS, sales, baud)
    lines = _sales(TERMINAL_PRINT_LINES, sales, baud)
    return [
        Figure("sales", len(kiosk.overheads_ms), "sales"),
        Figure("baud", baud, "bit/s"),
        *_figures(kiosk, baud, "", TARGET_MS),
        *_figures(lines, baud, "_print_lines", None),
    ]


def _figures(run: _Run, baud: int, suffix: str, target: float | None) -> list[Figure]:
    compare: Literal["<="] | None = "<=" if target is not None else None
    per_sale_frames = max(run.frames)
    p50 = percentile(run.overheads_ms, 50)
    line_ms = max(run.wire_bytes) * 10 / baud * 1000
    return [
        Figure(f"sale_overhead_p50{suffix}", p50, "ms", target, compare),
        Figure(f"sale_overhead_max{suffix}", max(run.overheads_ms), "ms", target, compare),
        Figure(f"frames_per_sale{suffix}", per_sale_frames, "frames"),
        Figure(f"bytes_per_sale{suffix}", max(run.wire_bytes), "bytes"),
        # The bytes' time on the line alone (10 bits a byte): the floor at this baud rate.
        Figure(f"line_time_per_sale{suffix}", line_ms, "ms"),
        # What the two ends add to the line: framing, CRC, parsing, turnarounds, threads.
        Figure(f"processing_per_sale_p50{suffix}", p50 - line_ms, "ms"),
        Figure(f"time_per_frame_p50{suffix}", p50 / per_sale_frames, "ms"),
    ]
