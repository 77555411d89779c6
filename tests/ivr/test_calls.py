"""Whole calls, end to end: the strict simulated Asterisk dials the real FastAGI server over
TCP, whose menus ask a real hub over real gRPC as an enrolled ``voice_menu`` device. Each
call's transcript is what a caller hears; every prompt played was checked by the sim as
8 kHz mono 16-bit audio that is not silent."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from ivr import menus_texts as said
from ivr import words
from ivr.agent import AgentOptions, IvrAgent
from ivr.callers import book_keys
from ivr.hub_client import HubClient
from ivr.menus_port import Slot
from ivr.prompts import Prompts
from ivr.sim.asterisk import Heard, Step, call, drop, hang_up, press
from protos.okno.v1 import queue_pb2
from tests.hub.applications.helpers import accepted
from tests.hub.conftest import Served
from tests.hub.devices import voice_menu

CALLER = "+79161234567"
# ITU E.161: the key that carries each letter of a booking code.
_LETTERS = ("ABC", "DEF", "GHI", "JKL", "MNO", "PQRS", "TUV", "WXYZ")
_KEYS = {c: k for k, letters in zip("23456789", _LETTERS, strict=True) for c in letters}


def keys_of(code: str) -> str:
    return "".join(_KEYS.get(c, c) for c in code)


@pytest.fixture(scope="session")
def prompts_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One prompt folder for every call of the session: each text is synthesised once."""
    return tmp_path_factory.mktemp("prompts")


@dataclass
class Line:
    """The served hub, the voice menu's own client of it, and a way to dial it."""

    served: Served
    hub: HubClient
    dial: Callable[..., Awaitable[Heard]]

    def bookings(self) -> list[tuple[str, int, str, str]]:
        with sqlite3.connect(self.served.db) as db:
            return db.execute(
                "SELECT code, slot_ms, state, phone FROM appointments ORDER BY id"
            ).fetchall()

    async def slot(self, service: str, nth: int = 0) -> Slot:
        today = await self.hub.today()
        return (await self.hub.free_slots(service, today))[nth]

    async def service_key(self, service: str) -> str:
        offers = await self.hub.offers()
        return str(1 + [o.id for o in offers].index(service))


@pytest.fixture
async def line(served: Served, tmp_path: Path, prompts_dir: Path) -> AsyncIterator[Line]:
    prompts = Prompts(prompts_dir)
    async with voice_menu(served, tmp_path / "ivr") as channel:
        hub = HubClient(channel)
        agent = IvrAgent(hub, prompts.clip, AgentOptions(host="127.0.0.1", port=0))
        address = ("127.0.0.1", await agent.start())

        async def dial(steps: list[Step], *, callerid: str = CALLER, **kw: object) -> Heard:
            return await call(address, steps, callerid=callerid, prompts=prompts_dir, **kw)  # type: ignore[arg-type]

        try:
            yield Line(served, hub, dial)
        finally:
            await agent.stop()


def spoken(heard: Heard) -> list[str]:
    return [h.removeprefix("IVR: ") for h in heard.lines if h.startswith("IVR: ")]


def booking_steps(service_key: str, slot: Slot, confirm: str = said.CONFIRM_SMS) -> list[Step]:
    """Book ``slot``: its service's key, today, its time, then 1 while ``confirm`` plays."""
    return book_keys(slot.at, service_key=service_key, confirm=confirm)


async def test_a_caller_books_and_hears_the_code_twice(
    line: Line, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="ivr")
    slot = await line.slot("passport", 1)
    steps = [
        *booking_steps(await line.service_key("passport"), slot),
        hang_up(when=said.MAIN_MENU[0]),
    ]
    heard = await line.dial(steps)
    ((code, slot_ms, state, phone),) = line.bookings()
    assert (slot_ms, state, phone) == (slot.start_ms, "booked", CALLER)
    told = spoken(heard)
    at = told.index(said.YOU_BOOK)
    assert told[at : at + 4] == [
        said.YOU_BOOK, "Паспорт гражданина РФ", "сегодня", words.time_text(slot.at.time()),
    ]  # fmt: skip
    pieces = words.code_pieces(code)
    done = told.index(said.BOOKED)
    assert told[done + 3 :] == [
        said.YOUR_CODE, *pieces, said.CODE_AGAIN, *pieces, said.CODE_SENT, said.CODE_AT_KIOSK,
        *said.MAIN_MENU[:1],
    ]  # fmt: skip
    assert heard.lines[-1] == "HANGUP"
    assert all(f.suffix == ".wav" for f in heard.files)
    # The transcript is logged, without the caller's number or the code.
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("ivr"))
    assert said.YOU_BOOK in logged
    assert CALLER[1:] not in logged
    assert code not in logged


async def test_hanging_up_at_the_confirmation_books_nothing(line: Line) -> None:
    slot = await line.slot("passport")
    steps = booking_steps(await line.service_key("passport"), slot)[:-1]
    heard = await line.dial([*steps, hang_up(when=said.YOU_BOOK)])
    assert heard.lines[-1] == "HANGUP"
    assert line.bookings() == []


async def test_a_connection_dropped_at_the_confirmation_books_nothing(line: Line) -> None:
    slot = await line.slot("passport")
    steps = booking_steps(await line.service_key("passport"), slot)[:-1]
    await line.dial([*steps, drop(when=said.CONFIRM_SMS)])
    assert line.bookings() == []


async def test_a_caller_who_presses_nothing_hears_the_menu_three_times_and_goodbye(
    line: Line,
) -> None:
    heard = await line.dial([])
    told = spoken(heard)
    assert told[0] == said.GREETING
    assert told.count(said.MAIN_MENU[0]) == 3
    assert told[-1] == said.NOTHING_PRESSED
    assert heard.lines[-1] == "HANGUP"


async def test_an_impossible_slot_is_refused_and_asked_again(line: Line) -> None:
    key = await line.service_key("passport")
    heard = await line.dial(
        [
            press("3", when=said.MAIN_MENU[0]),
            press(key, when=said.CHOOSE_SERVICE),
            press("1", when=said.CHOOSE_DAY),
            press("2590", when=said.TYPE_TIME),
            hang_up(when=said.TYPE_TIME),
        ]
    )
    told = spoken(heard)
    assert told[told.index(said.NO_SUCH_TIME) + 1] == said.FREE_TIMES
    assert line.bookings() == []


async def test_two_callers_race_for_the_last_seat_and_one_gets_it(line: Line) -> None:
    # Residence takes one visitor a slot: its seat is the last one.
    slot = await line.slot("residence", 1)
    key = await line.service_key("residence")
    first, second = await asyncio.gather(
        line.dial([*booking_steps(key, slot), hang_up(when=said.MAIN_MENU[0])], callerid=CALLER),
        line.dial(
            [*booking_steps(key, slot), hang_up(when=said.MAIN_MENU[0])], callerid="+79167654321"
        ),
    )
    won = [said.BOOKED in spoken(h) for h in (first, second)]
    assert sorted(won) == [False, True]
    lost = spoken(second if won[0] else first)
    assert said.SLOT_TAKEN in lost or said.NO_SUCH_TIME in lost
    assert [(slot_ms, state) for _, slot_ms, state, _ in line.bookings()] == [
        (slot.start_ms, "booked")
    ]


async def test_zero_inside_a_submenu_transfers_to_the_operators(line: Line) -> None:
    heard = await line.dial(
        [press("3", when=said.MAIN_MENU[0]), press("0", when=said.CHOOSE_SERVICE)]
    )
    assert heard.lines[-2:] == [f"IVR: {said.TO_OPERATOR}", "EXEC: Queue operators"]


async def test_the_queue_now(line: Line) -> None:
    for _ in range(3):
        await line.served.queue.IssueTicket(queue_pb2.IssueTicketRequest(service_id="passport"))
    heard = await line.dial([press("1", when=said.MAIN_MENU[0]), hang_up(when=said.MAIN_MENU[0])])
    told = spoken(heard)
    at = told.index("Паспорта и документы")
    assert told[at + 1 : at + 3] == [said.IN_QUEUE, words.count_people(3)]


async def test_my_ticket_by_its_digits(line: Line) -> None:
    issued = [
        (
            await line.served.queue.IssueTicket(queue_pb2.IssueTicketRequest(service_id="passport"))
        ).ticket
        for _ in range(3)
    ]
    number = issued[2].number
    digits = "".join(c for c in number if c.isdigit()).lstrip("0")
    heard = await line.dial(
        [
            press("2", when=said.MAIN_MENU[0]),
            press(f"{digits}#", when=said.TYPE_TICKET),
            hang_up(when=said.MAIN_MENU[0]),
        ]
    )
    told = spoken(heard)
    at = told.index(said.TICKET)
    assert told[at + 1 : at + 4] == [words.ticket_text(number), said.AHEAD, words.count_people(2)]


async def test_cancel_by_the_code_typed_on_the_keypad(line: Line) -> None:
    slot = await line.slot("passport")
    booked = await line.hub.book("r-1", slot, phone=CALLER, send_code=False)
    heard = await line.dial(
        [
            press("4", when=said.MAIN_MENU[0]),
            press(keys_of(booked.code), when=said.TYPE_CODE),
            press("1", when=said.CANCEL_OR_MOVE[0]),
            hang_up(when=said.MAIN_MENU[0]),
        ]
    )
    told = spoken(heard)
    assert told[told.index(said.YOUR_BOOKING) + 1] == "Паспорт гражданина РФ"
    assert said.CANCELLED in told
    assert [state for _, _, state, _ in line.bookings()] == ["cancelled"]


async def test_move_by_the_code_typed_on_the_keypad(line: Line) -> None:
    first, later = await line.slot("passport"), await line.slot("passport", 3)
    booked = await line.hub.book("r-1", first, phone=CALLER, send_code=False)
    heard = await line.dial(
        [
            press("4", when=said.MAIN_MENU[0]),
            press(keys_of(booked.code), when=said.TYPE_CODE),
            press("2", when=said.CANCEL_OR_MOVE[0]),
            press("1", when=said.CHOOSE_DAY),
            press(f"{later.at:%H%M}", when=said.TYPE_TIME),
            press("1", when=said.MOVE_TO),
            hang_up(when=said.MAIN_MENU[0]),
        ]
    )
    told = spoken(heard)
    at = told.index(said.MOVED)
    assert told[at : at + 4] == [
        said.MOVED,
        "сегодня",
        words.time_text(later.at.time()),
        said.SAME_CODE,
    ]
    assert [(ms, state) for _, ms, state, _ in line.bookings()] == [(later.start_ms, "booked")]


async def test_a_wrong_code_is_not_found(line: Line) -> None:
    heard = await line.dial(
        [press("4", when=said.MAIN_MENU[0]), press("222222", when=said.TYPE_CODE)]
    )
    assert said.CODE_NOT_FOUND in spoken(heard)


async def test_application_status_to_the_phone_left_at_the_desk(line: Line) -> None:
    application = await accepted(line.served, phone=CALLER)
    typed = application.number.replace("-", "")
    heard = await line.dial(
        [
            press("5", when=said.MAIN_MENU[0]),
            press(f"{typed}#", when=said.TYPE_APPLICATION),
            hang_up(when=said.MAIN_MENU[0]),
        ]
    )
    told = spoken(heard)
    status = words.application_status_text("accepted")
    assert told[told.index(said.APPLICATION) + 1] == status
    other = await line.dial(
        [press("5", when=said.MAIN_MENU[0]), press(f"{typed}#", when=said.TYPE_APPLICATION)],
        callerid="+79167654321",
    )
    assert said.APPLICATION_NOT_FOUND in spoken(other)


async def test_a_withheld_number_books_without_sms_and_hears_no_status(line: Line) -> None:
    slot = await line.slot("passport")
    steps = booking_steps(await line.service_key("passport"), slot, said.CONFIRM)
    heard = await line.dial(
        [
            steps[0],
            press("89161112233", when=said.TYPE_PHONE),
            *steps[1:],
            hang_up(when=said.MAIN_MENU[0]),
        ],
        callerid="",
    )
    told = spoken(heard)
    assert said.CONFIRM in told
    assert said.CONFIRM_SMS not in told
    assert said.CODE_SENT not in told
    assert [(state, phone) for _, _, state, phone in line.bookings()] == [
        ("booked", "+79161112233")
    ]
    status = await line.dial([press("5", when=said.MAIN_MENU[0])], callerid="")
    assert said.STATUS_NEEDS_NUMBER in spoken(status)


async def _raw(address: tuple[str, int], send: bytes, answer: Callable[[bytes], bytes]) -> bytes:
    """A peer that is not a well-behaved Asterisk: what it got until the server closed."""
    reader, writer = await asyncio.open_connection(*address)
    writer.write(send)
    got = b""
    while line_ := await asyncio.wait_for(reader.readline(), 5):
        got += line_
        writer.write(answer(line_))
    writer.close()
    return got


@pytest.fixture
async def address(served: Served, prompts_dir: Path) -> AsyncIterator[tuple[str, int]]:
    agent = IvrAgent(
        HubClient(served.stranger),
        Prompts(prompts_dir).clip,
        AgentOptions(host="127.0.0.1", port=0),
    )
    yield ("127.0.0.1", await agent.start())
    await agent.stop()


async def test_a_malformed_environment_ends_the_call_with_one_line(
    address: tuple[str, int], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="ivr")
    got = await _raw(address, b"agi_request agi://x\nthis is not agi\n\n", lambda _: b"")
    assert got == b""
    ends = [r.getMessage() for r in caplog.records if "ivr call end" in r.getMessage()]
    assert len(ends) == 1
    assert "outcome=protocol" in ends[0]
    assert not [r for r in caplog.records if r.exc_info]


async def test_an_unknown_command_reply_ends_the_call_without_a_traceback(
    address: tuple[str, int], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="ivr")
    env = b"agi_network: yes\nagi_request: agi://127.0.0.1/okno\nagi_callerid: 79161234567\n\n"
    got = await _raw(address, env, lambda _: b"510 Invalid or unknown command\n")
    assert got.startswith(b"ANSWER")
    ends = [r.getMessage() for r in caplog.records if "ivr call end" in r.getMessage()]
    assert len(ends) == 1
    assert "outcome=protocol" in ends[0]
    assert "79161234567" not in " ".join(r.getMessage() for r in caplog.records)
    assert not [r for r in caplog.records if r.exc_info]


async def test_a_hub_that_does_not_answer_the_menu_hands_the_caller_to_a_person(
    address: tuple[str, int], prompts_dir: Path
) -> None:
    # The fixture's menu calls the hub without a device certificate: nothing is answered.
    heard = await call(address, [press("1", when=said.MAIN_MENU[0])], prompts=prompts_dir)
    assert heard.lines[-3:] == [
        f"IVR: {said.UNAVAILABLE}",
        f"IVR: {said.TO_OPERATOR}",
        "EXEC: Queue operators",
    ]


async def test_a_call_over_the_limit_hears_that_the_lines_are_busy(
    served: Served, prompts_dir: Path
) -> None:
    options = AgentOptions(host="127.0.0.1", port=0, max_calls=0)
    agent = IvrAgent(HubClient(served.stranger), Prompts(prompts_dir).clip, options)
    port = await agent.start()
    try:
        heard = await call(("127.0.0.1", port), [], prompts=prompts_dir)
    finally:
        await agent.stop()
    assert heard.lines == [f"IVR: {said.BUSY}", "HANGUP"]
