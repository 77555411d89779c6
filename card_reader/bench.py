"""``okno card-reader bench``: a card inserted to its holder's name ready for the screen, via pcscd.

Real parts end to end: pcscd (started here if none runs), the vsmartcard virtual reader,
the simulated UEC card on its TCP link, the agent with its watching thread, and an
on-screen keypad that types the right PIN at once (a person's typing is not measured).
The clock runs from the card's connection to the reader (the insertion) to the visitor
reaching the sink. Time per APDU is the round trip through pcscd as the driver sees it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from card_reader.agent import CardAgent, MemorySink
from card_reader.driver import CardReader, State
from card_reader.identity import CardRead, Visitor
from card_reader.pcscd import running_pcscd
from card_reader.pin import PinPrompt
from card_reader.sim import VPCD_READER, simulated_card
from okno.bench import Figure, percentile

WAIT_S = 10.0


class _TypesAtOnce:
    async def ask_pin(self, prompt: PinPrompt) -> bytearray | None:
        del prompt
        return bytearray(b"1234")


class _TimedSink(MemorySink):
    def __init__(self) -> None:
        super().__init__()
        self.at: list[float] = []

    async def identified(self, visitor: Visitor) -> None:
        self.at.append(time.perf_counter())
        await super().identified(visitor)


def _count_above(sink: _TimedSink, count: int) -> Callable[[], bool]:
    return lambda: len(sink.at) > count


async def measure_card(cards: int = 20, *, kind: str = "uec") -> list[Figure]:
    """Insert and remove a simulated card ``cards`` times; how long each took to identify."""
    with running_pcscd():
        return await _measure(cards, kind)


async def _measure(cards: int, kind: str) -> list[Figure]:
    sink = _TimedSink()
    reader = CardReader(f"pcsc://{VPCD_READER}")
    agent = CardAgent(reader, sink, keypad=_TypesAtOnce())
    reads: list[CardRead] = []
    stop = asyncio.Event()
    running = asyncio.create_task(agent.run(stop))
    latencies: list[float] = []
    try:
        await agent.until(lambda: agent.state is State.EMPTY, WAIT_S)
        for number in range(cards):
            card = simulated_card(kind)
            started = time.perf_counter()
            await asyncio.to_thread(card.insert)
            await agent.until(_count_above(sink, number), WAIT_S)
            latencies.append((sink.at[number] - started) * 1000)
            if agent.last_read is not None:
                reads.append(agent.last_read)
            await asyncio.to_thread(card.remove)
            await agent.until(lambda: agent.state is State.EMPTY, WAIT_S)
    finally:
        stop.set()
        await running
    apdus = sum(r.apdus for r in reads)
    in_card = sum(r.apdu_seconds for r in reads)
    return [
        Figure("cards", len(latencies), "cards"),
        Figure("insert_to_identity_p50", percentile(latencies, 50), "ms"),
        Figure("insert_to_identity_max", max(latencies), "ms", 1500, "<="),
        Figure("read_p50", percentile([r.seconds * 1000 for r in reads], 50), "ms"),
        Figure("apdus_per_card", apdus / len(reads), "APDUs"),
        Figure("apdu_round_trip_mean", in_card / apdus * 1000, "ms"),
    ]
