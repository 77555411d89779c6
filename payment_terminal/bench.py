"""``okno bench payment``: the protocol's share of a sale, against the simulator at 9,600 baud.

Real parts: the ZVT driver over pyserial on a pty pair, the simulated terminal on its far
end. A pty moves bytes at once, so the simulator holds every byte for its time on a
9,600-baud line both ways (:class:`payment_terminal.sim.PacedPort`): the figures include
the line. The visitor's time at the PIN pad (the simulator's card time) is taken out; what
is left is the protocol: frames, acknowledgements, parsing, both ends' turnarounds.
"""

from __future__ import annotations

import time

from okno.bench import Figure, percentile
from payment_terminal import codec
from payment_terminal.adapter import SaleStatus, ZvtAdapter
from payment_terminal.errors import PaymentError
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


def measure_payment(sales: int = 20, baud: int = BAUD) -> list[Figure]:
    """Make ``sales`` approved sales one after another; the time of each less the card time."""
    with SimulatedTerminal(card_time=CARD_TIME_S, baudrate=baud) as sim:
        zvt = ZvtAdapter.open(
            f"serial://{sim.port_path}?baudrate={baud}", ack_timeout=2.0, answer_timeout=10.0
        )
        tap = _Tap(zvt.terminal.link.port)
        zvt.terminal.link.port = tap
        overheads: list[float] = []
        frames: list[int] = []
        wire_bytes: list[int] = []
        try:
            for number in range(sales):
                before_frames, before_bytes = tap.frames(), len(tap.sent) + len(tap.received)
                started = time.perf_counter()
                outcome = zvt.sale(100_00 + number, f"bench-{number}")
                elapsed = time.perf_counter() - started
                if outcome.status is not SaleStatus.APPROVED:
                    raise PaymentError(f"sale {number} was not approved: {outcome.reason}")
                overheads.append((elapsed - CARD_TIME_S) * 1000)
                frames.append(tap.frames() - before_frames)
                wire_bytes.append(len(tap.sent) + len(tap.received) - before_bytes)
        finally:
            zvt.close()
    per_sale_frames = max(frames)
    p50 = percentile(overheads, 50)
    line_ms = max(wire_bytes) * 10 / baud * 1000
    return [
        Figure("sales", len(overheads), "sales"),
        Figure("baud", baud, "bit/s"),
        Figure("sale_overhead_p50", p50, "ms", TARGET_MS, "<="),
        Figure("sale_overhead_max", max(overheads), "ms", TARGET_MS, "<="),
        Figure("frames_per_sale", per_sale_frames, "frames"),
        Figure("bytes_per_sale", max(wire_bytes), "bytes"),
        # The bytes' time on the line alone (10 bits a byte): the floor at this baud rate.
        Figure("line_time_per_sale", line_ms, "ms"),
        # What the two ends add to the line: framing, CRC, parsing, turnarounds, threads.
        Figure("processing_per_sale_p50", p50 - line_ms, "ms"),
        Figure("time_per_frame_p50", p50 / per_sale_frames, "ms"),
    ]
