"""The agent on its watching thread, with virtual cards through pcscd and an on-screen keypad."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from card_reader.agent import CardAgent, MemorySink
from card_reader.driver import CardReader, State
from card_reader.errors import BadSettings
from card_reader.pcscd import Pcscd
from card_reader.pin import PinPrompt
from card_reader.sim import (
    SAMPLE_HOLDER,
    SimulatedCard,
    UecApplet,
    UecState,
    simulated_card,
)
from okno.snils import snils_hash
from tests.card_reader.conftest import READER_URL, WAIT_S, AsyncKeypad, DyingReader, wait_reader

KEY = bytes(range(32))


@asynccontextmanager
async def running(
    agent: CardAgent, *, empty: bool = True
) -> AsyncIterator[tuple[CardAgent, list[tuple[str, str]]]]:
    stop = asyncio.Event()
    task = asyncio.create_task(agent.run(stop))
    try:
        if empty:
            await agent.until(lambda: agent.state is State.EMPTY, WAIT_S)
        yield agent, []
    finally:
        stop.set()
        await asyncio.wait_for(task, WAIT_S)


@asynccontextmanager
async def inserted(card: SimulatedCard) -> AsyncIterator[SimulatedCard]:
    """A card in the reader; taken out after, and pcscd seen to notice."""
    await asyncio.to_thread(card.insert)
    try:
        yield card
    finally:
        await asyncio.to_thread(card.remove)
        await asyncio.to_thread(wait_reader, False)


async def test_a_visitor_is_published_with_a_hash_and_withdrawn_with_the_card(
    pcscd: Pcscd,
) -> None:
    sink = MemorySink()
    keypad = AsyncKeypad("2580")
    agent = CardAgent(CardReader(READER_URL), sink, keypad=keypad)
    agent.configure({"snils_hash_key": KEY.hex()})
    async with running(agent):
        async with inserted(SimulatedCard(UecApplet(UecState(pin="2580")))):
            await agent.until(lambda: sink.current is not None, WAIT_S)
            visitor = sink.current
            assert visitor is not None
            assert visitor.name == SAMPLE_HOLDER.full_name
            assert visitor.snils_hash == snils_hash(KEY, SAMPLE_HOLDER.snils)
            assert visitor.pin_verified
            assert agent.state is State.DONE and agent.reads == 1
            assert keypad.sync.prompts == [PinPrompt("uec", 3)]
        await agent.until(lambda: agent.state is State.EMPTY, WAIT_S)
        await agent.until(lambda: sink.current is None, WAIT_S)
    assert len(sink.published) == 1


async def test_wrong_pins_show_the_tries_and_a_blocked_card_publishes_nothing(
    pcscd: Pcscd,
) -> None:
    sink = MemorySink()
    keypad = AsyncKeypad("0000", "1111", "2222")
    agent = CardAgent(CardReader(READER_URL), sink, keypad=keypad)
    async with running(agent), inserted(SimulatedCard(UecApplet(UecState(pin="2580")))):
        await agent.until(lambda: agent.state is State.FAILED, WAIT_S)
        assert (agent.error, agent.tries_left) == ("pin_blocked", 0)
        assert [p.tries_left for p in keypad.sync.prompts] == [3, 2, 1]
    assert sink.published == []


async def test_a_visitor_who_walks_away_from_the_keypad_times_out(pcscd: Pcscd) -> None:
    class Absent:
        async def ask_pin(self, prompt: PinPrompt) -> bytearray | None:
            await asyncio.Event().wait()
            return None

    agent = CardAgent(CardReader(READER_URL), MemorySink(), keypad=Absent(), pin_timeout_s=0.2)
    async with running(agent), inserted(simulated_card("uec")):
        await agent.until(lambda: agent.state is State.FAILED, WAIT_S)
        assert agent.error == "pin_timeout"


async def test_stopping_while_the_keypad_waits_ends_at_once(pcscd: Pcscd) -> None:
    asked = asyncio.Event()

    class Waiting:
        async def ask_pin(self, prompt: PinPrompt) -> bytearray | None:
            asked.set()
            await asyncio.Event().wait()
            return None

    agent = CardAgent(CardReader(READER_URL), MemorySink(), keypad=Waiting())
    async with inserted(simulated_card("uec")), running(agent, empty=False):
        await asyncio.wait_for(asked.wait(), WAIT_S)
        assert agent.state is State.PIN


async def test_a_missing_reader_is_reported_as_the_devices_error(pcscd: Pcscd) -> None:
    reports: list[tuple[str, str]] = []
    agent = CardAgent(
        CardReader("pcsc://No%20Such%20Reader"),
        MemorySink(),
        lambda error, warning: reports.append((error, warning)),
    )
    async with running(agent, empty=False):
        await agent.until(lambda: agent.state is State.NO_READER, WAIT_S)
        await agent.until(lambda: bool(reports), WAIT_S)
    assert reports == [("no card reader 'No Such Reader'", "")]


async def test_a_reader_whose_watch_died_reports_an_error_instead_of_looking_healthy() -> None:
    reports: list[tuple[str, str]] = []
    agent = CardAgent(
        DyingReader(READER_URL),
        MemorySink(),
        lambda error, warning: reports.append((error, warning)),
    )
    async with running(agent, empty=False):
        await agent.until(lambda: agent.state is State.STOPPED, WAIT_S)
    assert reports == [
        (
            "the card reader stopped on an internal error (RuntimeError): "
            "restart okno card-reader and send its log to the developers",
            "",
        )
    ]


def test_the_hash_key_must_be_long_hex() -> None:
    agent = CardAgent(CardReader(READER_URL), MemorySink())
    for bad in ("xyz", "00" * 8):
        with pytest.raises(BadSettings):
            agent.configure({"snils_hash_key": bad})
    agent.configure({})
