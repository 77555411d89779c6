"""The dialogue as pure logic: a scripted line and an in-memory hub (the calls over a real
socket and a real hub are in test_calls.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from ivr import menus_texts as said
from ivr import words
from ivr.errors import HubUnreachable, Refused
from ivr.menus import Menus, Outcome, _typed_slot
from ivr.menus_port import Booked, GroupQueue, Offer, Slot, Status, TicketWait

ZONE = ZoneInfo("Europe/Moscow")
TODAY = date(2026, 12, 8)


def slot(day: date, hour: int, minute: int = 0, service: str = "passport") -> Slot:
    at = datetime.combine(day, time(hour, minute), ZONE)
    return Slot(service, int(at.timestamp() * 1000), at)


class ScriptedLine:
    """A caller who answers each question with the next of ``answers`` ("" is silence)."""

    def __init__(self, answers: list[str], caller: str = "+79161234567") -> None:
        self.answers = list(answers)
        self.caller = caller
        self.heard: list[str] = []

    async def say(self, *pieces: str) -> None:
        self.heard += [f"IVR: {p}" for p in pieces]

    async def ask(self, *pieces: str, digits: int = 1, timeout_s: float = 6.0) -> str:
        self.heard += [f"IVR: {p}" for p in pieces]
        keys = self.answers.pop(0)[:digits] if self.answers else ""
        self.heard.append(f"CALLER: {keys}")
        return keys

    async def transfer(self, queue: str) -> None:
        self.heard.append(f"TRANSFER: {queue}")

    async def hang_up(self) -> None:
        self.heard.append("HANGUP")


@dataclass
class FakeHub:
    """The hub's answers, in memory; what the menus asked of it, kept."""

    slots: list[Slot] = field(
        default_factory=lambda: [
            slot(TODAY, 10),
            slot(TODAY, 10, 20),
            slot(TODAY + timedelta(1), 9),
        ]
    )
    taken: set[int] = field(default_factory=set)
    booked: list[tuple[Slot, str, bool]] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    moved: list[tuple[str, Slot]] = field(default_factory=list)
    down: bool = False

    async def today(self) -> date:
        return TODAY

    async def queue_now(self) -> list[GroupQueue]:
        if self.down:
            raise HubUnreachable("the hub did not answer: UNAVAILABLE")
        return [GroupQueue("Паспорта", 5, 1200, True), GroupQueue("Пособия", 0, 0, False)]

    async def ticket_waits(self, digits: str) -> list[TicketWait]:
        if not digits.isdigit():
            raise Refused("bad_digits", "digits are 1-4 digits")
        return [TicketWait("А017", 3, 600, True, False)] if digits == "17" else []

    async def offers(self) -> list[Offer]:
        return [Offer("passport", "Паспорт"), Offer("property", "Недвижимость")]

    async def free_days(self, service_id: str) -> list[date]:
        return sorted({s.at.date() for s in self.slots})

    async def free_slots(self, service_id: str, day: date) -> list[Slot]:
        return [s for s in self.slots if s.at.date() == day]

    async def book(self, request_id: str, slot: Slot, *, phone: str, send_code: bool) -> Booked:
        if slot.start_ms in self.taken:
            raise Refused("slot_full", "the slot is full")
        self.booked.append((slot, phone, send_code))
        return Booked("K7M4QX", slot.service_id, "Паспорт", slot.at)

    async def find_booking(self, keys: str, phone: str) -> Booked:
        if keys != "576479":
            raise Refused("unknown_code", "no such booking")
        return Booked("K7M4QX", "passport", "Паспорт", self.slots[0].at)

    async def move(self, request_id: str, booked: Booked, slot: Slot, phone: str) -> Booked:
        self.moved.append((booked.code, slot))
        return Booked(booked.code, booked.service_id, booked.service_name, slot.at)

    async def cancel(self, request_id: str, booked: Booked, phone: str) -> Booked:
        self.cancelled.append(booked.code)
        return booked

    async def application(self, number: str, phone: str) -> Status:
        if number != "261207017":
            raise Refused("unknown_application", "no application")
        return Status("in_work", TODAY + timedelta(3))


async def run(
    answers: list[str], hub: FakeHub | None = None, caller: str = "+79161234567"
) -> tuple[Outcome, list[str], Menus]:
    line = ScriptedLine(answers, caller)
    menus = Menus(line, hub or FakeHub())
    outcome = await menus.run()
    return outcome, line.heard, menus


def spoken(heard: list[str]) -> list[str]:
    return [h.removeprefix("IVR: ") for h in heard if h.startswith("IVR: ")]


async def test_silence_asks_three_times_then_says_goodbye() -> None:
    outcome, heard, _ = await run([])
    assert outcome is Outcome.SILENCE
    assert spoken(heard).count(said.MAIN_MENU[0]) == 3
    assert heard[-2:] == [f"IVR: {said.NOTHING_PRESSED}", "HANGUP"]


async def test_a_wrong_key_is_no_such_item_and_the_same_menu() -> None:
    _, heard, _ = await run(["7"])
    at = heard.index("CALLER: 7")
    assert heard[at + 1 : at + 3] == [f"IVR: {said.NO_SUCH}", f"IVR: {said.MAIN_MENU[0]}"]


async def test_zero_inside_a_submenu_hands_the_call_to_the_operators() -> None:
    outcome, heard, _ = await run(["3", "0"])
    assert outcome is Outcome.OPERATOR
    assert heard[-2:] == [f"IVR: {said.TO_OPERATOR}", "TRANSFER: operators"]


async def test_a_booking_reads_the_slot_back_and_the_code_twice_and_sends_it() -> None:
    hub = FakeHub()
    outcome, heard, menus = await run(["3", "1", "1", "1020", "1"], hub)
    assert outcome is Outcome.SILENCE
    assert hub.booked == [(hub.slots[1], "+79161234567", True)]
    said_ = spoken(heard)
    at = said_.index(said.YOU_BOOK)
    assert said_[at : at + 4] == [
        said.YOU_BOOK,
        "Паспорт",
        "сегодня",
        words.time_text(time(10, 20)),
    ]
    code = words.code_pieces("K7M4QX")
    done = said_.index(said.BOOKED)
    assert said_[done + 3 : done + 5 + 2 * len(code)] == [
        said.YOUR_CODE, *code, said.CODE_AGAIN, *code,
    ]  # fmt: skip
    assert said.CODE_SENT in said_
    assert menus.tally.booked == 1


async def test_a_withheld_number_types_one_and_books_without_an_sms_offer() -> None:
    hub = FakeHub()
    _, heard, _ = await run(["3", "123", "89161112233", "1", "1", "1000", "1"], hub, caller="")
    assert hub.booked == [(hub.slots[0], "+79161112233", False)]
    assert spoken(heard).count(said.TYPE_PHONE) == 2
    assert said.NOT_A_PHONE in spoken(heard)
    assert said.CONFIRM_SMS not in spoken(heard)
    assert said.CODE_SENT not in spoken(heard)


async def test_an_impossible_time_is_refused_and_asked_again() -> None:
    hub = FakeHub()
    _, heard, _ = await run(["3", "1", "1", "2590", "1015", "1000", "2"], hub)
    assert spoken(heard).count(said.NO_SUCH_TIME) == 2
    assert hub.booked == [(hub.slots[0], "+79161234567", False)]


async def test_a_slot_taken_meanwhile_is_said_and_another_chosen() -> None:
    hub = FakeHub()
    hub.taken.add(hub.slots[0].start_ms)
    _, heard, _ = await run(["3", "1", "1", "1000", "1", "1", "1020", "1"], hub)
    assert said.SLOT_TAKEN in spoken(heard)
    assert [b[0] for b in hub.booked] == [hub.slots[1]]


async def test_the_caller_who_changes_their_mind_books_nothing() -> None:
    hub = FakeHub()
    await run(["3", "1", "2", "0900", "3"], hub)
    assert hub.booked == []


async def test_the_queue_now_per_group() -> None:
    _, heard, _ = await run(["1"])
    said_ = spoken(heard)
    at = said_.index("Паспорта")
    assert said_[at : at + 7] == [
        "Паспорта", said.IN_QUEUE, words.count_people(5), said.WAIT, words.wait_text(1200),
        "Пособия", said.NOBODY_WAITING,
    ]  # fmt: skip


async def test_my_ticket_by_its_digits() -> None:
    _, heard, _ = await run(["2", "17"])
    said_ = spoken(heard)
    at = said_.index(said.TICKET)
    assert said_[at : at + 4] == [
        said.TICKET,
        words.ticket_text("А017"),
        said.AHEAD,
        "три человека",
    ]
    for typed in ("18", "1*"):
        _, heard, _ = await run(["2", typed])
        assert said.TICKET_NOT_FOUND in spoken(heard)


async def test_cancel_by_the_code_typed_on_the_keypad() -> None:
    hub = FakeHub()
    _, heard, menus = await run(["4", "576479", "1"], hub)
    assert hub.cancelled == ["K7M4QX"]
    assert said.CANCELLED in spoken(heard)
    assert menus.tally.cancelled == 1
    _, heard, _ = await run(["4", "222222"], FakeHub())
    assert said.CODE_NOT_FOUND in spoken(heard)


async def test_move_by_code_to_another_day() -> None:
    hub = FakeHub()
    _, heard, _ = await run(["4", "576479", "2", "2", "0900", "1"], hub)
    assert hub.moved == [("K7M4QX", hub.slots[2])]
    said_ = spoken(heard)
    assert said_[said_.index(said.MOVED) + 1] == "завтра"


async def test_application_status_only_to_a_known_number() -> None:
    _, heard, _ = await run(["5", "261207017"])
    said_ = spoken(heard)
    at = said_.index(said.APPLICATION)
    assert said_[at + 1 : at + 3] == [words.application_status_text("in_work"), said.READY_BY]
    _, heard, _ = await run(["5"], caller="")
    assert said.STATUS_NEEDS_NUMBER in spoken(heard)
    _, heard, _ = await run(["5", "261207018"])
    assert said.APPLICATION_NOT_FOUND in spoken(heard)


async def test_a_hub_that_does_not_answer_hands_the_call_to_a_person() -> None:
    outcome, heard, _ = await run(["1"], FakeHub(down=True))
    assert outcome is Outcome.UNAVAILABLE
    assert heard[-3:] == [
        f"IVR: {said.UNAVAILABLE}",
        f"IVR: {said.TO_OPERATOR}",
        "TRANSFER: operators",
    ]


@pytest.mark.parametrize(
    ("typed", "hour", "minute"),
    [("1020", 10, 20), ("1000", 10, 0), ("10", 10, 0), ("900", 9, 0), ("0900", 9, 0)],
)
def test_typed_times_found(typed: str, hour: int, minute: int) -> None:
    slots = [slot(TODAY, 9), slot(TODAY, 10), slot(TODAY, 10, 20)]
    found = _typed_slot(typed, slots)
    assert found is not None
    assert (found.at.hour, found.at.minute) == (hour, minute)


@pytest.mark.parametrize("typed", ["2590", "1061", "1015", "12345", "*1"])
def test_typed_times_not_free(typed: str) -> None:
    assert _typed_slot(typed, [slot(TODAY, 9), slot(TODAY, 10)]) is None
