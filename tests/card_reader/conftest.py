"""Cards through a real pcscd and the vsmartcard virtual reader, started once for the session.

Each virtual card is a TCP client of the reader; inserting and removing it is seen by
pcscd within about 0.4 s, and every wait here returns as soon as pcscd reports it.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Iterator

import pytest

from card_reader.driver import CardReader, Emit, ReaderEvent, State
from card_reader.pcscd import Pcscd, running_pcscd
from card_reader.pin import PinPrompt
from card_reader.sim import VPCD_READER, SimulatedCard
from card_reader.transport import PcscContext, ReaderState

WAIT_S = 5.0
READER_URL = "pcsc://Virtual%20PCD%2000%2000"
# How cards refuse a SELECT of an application they lack (ISO 7816-4 5.6; 6999: Java Card).
REFUSALS = [pytest.param(sw, id=f"{sw:04X}") for sw in (0x6A81, 0x6E00, 0x6999, 0x6A82)]


@pytest.fixture(scope="session")
def pcscd() -> Iterator[Pcscd]:
    """pcscd with the vpcd readers; started here (and stopped, waiting ~2 s) if none runs."""
    if shutil.which("pcscd") is None and shutil.which("/usr/sbin/pcscd") is None:
        pytest.skip("pcscd is not installed (Debian: pcscd vsmartcard-vpcd)")
    with running_pcscd() as daemon:
        if VPCD_READER not in daemon.readers:
            pytest.skip("no vsmartcard virtual reader in pcscd (vsmartcard-vpcd)")
        yield daemon


def wait_reader(present: bool, reader: str = VPCD_READER, timeout_s: float = WAIT_S) -> ReaderState:
    """Block until pcscd says ``reader`` holds a card (with its ATR) or holds none."""
    known = {reader: 0}
    with PcscContext() as context:
        while True:
            changed = context.wait(known, timeout_s)
            assert changed is not None, f"reader never became {'full' if present else 'empty'}"
            (state,) = changed
            if state.present == present and (state.atr or not present):
                return state
            known = {reader: state.raw & ~0x2}


Insert = Callable[[SimulatedCard], SimulatedCard]


@pytest.fixture
def insert(pcscd: Pcscd) -> Iterator[Insert]:
    """Insert virtual cards, waiting until pcscd sees each; all removed (and seen so) after."""
    cards: list[SimulatedCard] = []

    def put_in(card: SimulatedCard) -> SimulatedCard:
        card.insert()
        cards.append(card)
        wait_reader(True)
        return card

    yield put_in
    for card in cards:
        card.remove()
    if cards:
        wait_reader(False)


class DyingReader(CardReader):
    """A reader whose watch ends on a fault of okno's own once it has seen the reader empty."""

    def watch(self, halt: threading.Event, emit: Emit, *, retry_s: float = 1.0) -> None:
        emit(ReaderEvent(State.EMPTY, VPCD_READER))
        raise RuntimeError("a bug in the watch")


class ScriptedKeypad:
    """An on-screen keypad whose visitor types the given PINs in turn, then cancels."""

    def __init__(self, *pins: str) -> None:
        self.pins = list(pins)
        self.prompts: list[PinPrompt] = []
        self.handed: list[bytearray] = []

    def ask_pin(self, prompt: PinPrompt) -> bytearray | None:
        self.prompts.append(prompt)
        if not self.pins:
            return None
        typed = bytearray(self.pins.pop(0).encode())
        self.handed.append(typed)
        return typed


class AsyncKeypad:
    """The same, on the event loop, as the kiosk's keypad answers the agent."""

    def __init__(self, *pins: str) -> None:
        self.sync = ScriptedKeypad(*pins)

    async def ask_pin(self, prompt: PinPrompt) -> bytearray | None:
        return self.sync.ask_pin(prompt)


OURS = ("pcsc-link", "card-reader watch", "simulated card")


def link_threads_end(timeout_s: float = WAIT_S, prefixes: tuple[str, ...] = ("pcsc-link",)) -> None:
    """Wait for every card link's worker thread (or any of ``prefixes``) to have ended."""
    for thread in threading.enumerate():
        if thread.name.startswith(prefixes):
            thread.join(timeout_s)
            assert not thread.is_alive(), f"{thread.name} still running"


@pytest.fixture(autouse=True)
def _no_thread_left_behind() -> Iterator[None]:
    """Every link, watch and virtual card a test started has ended when it is over."""
    yield
    link_threads_end(prefixes=OURS)
