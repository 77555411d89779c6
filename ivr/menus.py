"""The voice menu's dialogue: pure logic over a :class:`~ivr.line.Line` and a hub port.

Main menu: 1 the queue now, 2 my ticket, 3 book, 4 cancel or move a booking, 5 an
application's status, 9 repeat, 0 the operator. 0 works in every question (in a question
that takes several digits: 0 alone, then # or a pause). A question the caller leaves
silent is asked twice more, then the call ends with a polite goodbye. A booking is asked
of the hub only after the caller pressed confirm, so a hang-up before that books nothing.
"""

from __future__ import annotations

import enum
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, time

from ivr import menus_texts as say
from ivr import words
from ivr.errors import HubUnreachable, Refused
from ivr.line import Line
from ivr.menus_port import Booked, HubPort, Slot

log = logging.getLogger(__name__)

OPERATOR_KEY = "0"
REPEAT_KEY = "9"
# Asked once, then this many times more on silence.
REPEATS = 2
# Options read in one question: keys 1..8 (9 repeats, 0 is the operator).
MAX_OPTIONS = 8
TIMES_READ = 8
_TAKEN = {"slot_full", "slot_unavailable", "time_out_of_range"}
# Statuses after which the planned day of readiness is still news to the caller.
_UNDER_WAY = {"accepted", "in_work"}


class Outcome(enum.Enum):
    """How the menu let the call go (a hang-up ends it with CallEnded instead)."""

    SILENCE = "silence"
    OPERATOR = "operator"
    UNAVAILABLE = "unavailable"


class _Operator(Exception):
    """The caller pressed 0."""


class _Silent(Exception):
    """The caller said nothing to a question asked three times."""


@dataclass
class Tally:
    """What happened in the call, for its one log line: counts only, nothing personal."""

    keys: int = 0
    booked: int = 0
    moved: int = 0
    cancelled: int = 0
    asked: list[str] = field(default_factory=list)


class Menus:
    """One call's dialogue."""

    def __init__(
        self,
        line: Line,
        hub: HubPort,
        *,
        operators: str = "operators",
        timeout_s: float = 6.0,
        new_id: Callable[[], str] = lambda: uuid.uuid4().hex,
    ) -> None:
        """``operators`` is the dialplan's queue 0 hands the call to; ``new_id`` makes the
        request ids that keep a retried booking single."""
        self.line = line
        self.hub = hub
        self.operators = operators
        self.timeout_s = timeout_s
        self.new_id = new_id
        self.tally = Tally()

    async def run(self) -> Outcome:
        """Greet, then serve the main menu until the caller hangs up, is silent or asks for 0."""
        try:
            await self.line.say(say.GREETING)
            while True:
                await self._main()
        except _Operator:
            await self._to_operator(say.TO_OPERATOR)
            return Outcome.OPERATOR
        except _Silent:
            await self.line.say(say.NOTHING_PRESSED)
            await self.line.hang_up()
            return Outcome.SILENCE
        except (HubUnreachable, Refused) as error:
            # A refusal no question expects (this device not admitted, a bad request) is
            # the service failing the caller as much as a hub that does not answer.
            reason = error.reason if isinstance(error, Refused) else error.code
            log.warning("ivr hub failed reason=%s error=%s", reason, error)
            await self._to_operator(say.UNAVAILABLE, say.TO_OPERATOR)
            return Outcome.UNAVAILABLE

    async def _to_operator(self, *pieces: str) -> None:
        await self.line.say(*pieces)
        await self.line.transfer(self.operators)

    async def _ask(self, *pieces: str, digits: int = 1) -> str:
        """The caller's keys: asked again on silence, _Operator on 0, _Silent at the end."""
        for _ in range(1 + REPEATS):
            keys = await self.line.ask(*pieces, digits=digits, timeout_s=self.timeout_s)
            if keys:
                self.tally.keys += len(keys)
                if keys == OPERATOR_KEY:
                    raise _Operator
                return keys
        raise _Silent

    async def _pick(self, pieces: Sequence[str], count: int) -> int:
        """The index of the option (1..count) the caller pressed; 9 and a wrong key ask again."""
        while True:
            key = await self._ask(*pieces)
            if key.isdigit() and 1 <= int(key) <= count:
                return int(key) - 1
            if key != REPEAT_KEY:
                await self.line.say(say.NO_SUCH)

    async def _main(self) -> None:
        actions = {
            "1": self._queue_now,
            "2": self._my_ticket,
            "3": self._book,
            "4": self._manage,
            "5": self._status,
        }
        key = await self._ask(*say.MAIN_MENU)
        action = actions.get(key)
        if action is not None:
            self.tally.asked.append(action.__name__.strip("_"))
            await action()
        elif key != REPEAT_KEY:
            await self.line.say(say.NO_SUCH)

    async def _queue_now(self) -> None:
        groups = await self.hub.queue_now()
        if not any(g.waiting for g in groups):
            await self.line.say(say.QUEUE_EMPTY)
            return
        pieces: list[str] = []
        for group in groups:
            pieces.append(group.name)
            if not group.waiting:
                pieces.append(say.NOBODY_WAITING)
                continue
            pieces += [say.IN_QUEUE, words.count_people(group.waiting)]
            pieces += _wait(group.known, group.wait_s)
        await self.line.say(*pieces)

    async def _my_ticket(self) -> None:
        digits = await self._ask(say.TYPE_TICKET, digits=4)
        # A star among the digits is no ticket's number: the hub need not be asked.
        waits = await self.hub.ticket_waits(digits) if digits.isdigit() else []
        if not waits:
            await self.line.say(say.TICKET_NOT_FOUND)
            return
        pieces: list[str] = []
        for wait in waits:
            pieces += [say.TICKET, words.ticket_text(wait.number)]
            if wait.called:
                pieces.append(say.TICKET_CALLED)
            elif not wait.people_ahead:
                pieces.append(say.TICKET_NEXT)
            else:
                pieces += [say.AHEAD, words.count_people(wait.people_ahead)]
                pieces += _wait(wait.known, wait.wait_s)
        await self.line.say(*pieces)

    async def _book(self) -> None:
        offers = (await self.hub.offers())[:MAX_OPTIONS]
        if not offers:
            await self.line.say(say.NO_BOOKING)
            return
        # The hub books by phone only with a number (its per-person limits count by it): a
        # caller who withheld theirs types one, and gets no SMS (the number is unproven).
        phone = self.line.caller or await self._typed_phone()
        names = [o.name for o in offers]
        offer = offers[await self._pick(_options(say.CHOOSE_SERVICE, names), len(offers))]
        today = await self.hub.today()
        sms = bool(self.line.caller)
        confirm = (
            (say.CONFIRM_SMS, say.CONFIRM_NO_SMS, say.OTHER_TIME_3)
            if sms
            else (say.CONFIRM, say.OTHER_TIME_2)
        )
        while True:
            slot = await self._choose_slot(offer.id, today)
            if slot is None:
                return
            heard = [say.YOU_BOOK, offer.name, *_when(slot, today), *confirm]
            choice = await self._pick(heard, len(confirm))
            if choice == len(confirm) - 1:
                continue
            send_code = sms and choice == 0
            try:
                booked = await self.hub.book(self.new_id(), slot, phone=phone, send_code=send_code)
            except Refused as refusal:
                if await self._taken(refusal):
                    continue
                return
            self.tally.booked += 1
            code = words.code_pieces(booked.code)
            told = [say.BOOKED, *_when(slot, today), say.YOUR_CODE, *code, say.CODE_AGAIN, *code]
            if send_code:
                told.append(say.CODE_SENT)
            await self.line.say(*told, say.CODE_AT_KIOSK)
            return

    async def _typed_phone(self) -> str:
        """A phone number the caller types (+7 and ten digits), asked until it is one."""
        while True:
            typed = await self._ask(say.TYPE_PHONE, digits=11)
            phone = _phone(typed)
            if phone:
                return phone
            await self.line.say(say.NOT_A_PHONE)

    async def _taken(self, refusal: Refused) -> bool:
        """Whether the caller may choose another time: the slot was just taken. Else the
        refusal is told (a limit reached), or the caller goes to an operator."""
        if refusal.reason in _TAKEN:
            await self.line.say(say.SLOT_TAKEN)
            return True
        log.info("ivr booking refused reason=%s", refusal.reason)
        if refusal.reason == "booking_limit":
            await self.line.say(say.BOOKING_LIMIT)
            return False
        await self.line.say(say.CANNOT_BOOK)
        raise _Operator

    async def _choose_slot(self, service_id: str, today: date) -> Slot | None:
        """A free slot the caller typed, of a day they picked; None when there is none."""
        days = (await self.hub.free_days(service_id))[:MAX_OPTIONS]
        if not days:
            await self.line.say(say.NO_FREE_DAYS)
            return None
        named = [words.day_text(d, today) for d in days]
        while True:
            day = days[await self._pick(_options(say.CHOOSE_DAY, named), len(days))]
            slots = await self.hub.free_slots(service_id, day)
            if not slots:
                await self.line.say(say.DAY_TAKEN)
                continue
            read = [words.time_text(s.at.time()) for s in slots[:TIMES_READ]]
            if len(slots) > TIMES_READ:
                read.append(say.AND_OTHERS)
            while True:
                typed = await self._ask(say.FREE_TIMES, *read, say.TYPE_TIME, digits=4)
                chosen = _typed_slot(typed, slots)
                if chosen is not None:
                    return chosen
                await self.line.say(say.NO_SUCH_TIME)

    async def _manage(self) -> None:
        caller = self.line.caller
        if not caller:
            await self.line.say(say.MANAGE_NEEDS_NUMBER)
            return
        keys = await self._ask(say.TYPE_CODE, digits=6)
        try:
            booked = await self.hub.find_booking(keys, caller)
        except Refused as refusal:
            log.info("ivr booking look-up refused reason=%s", refusal.reason)
            tries = refusal.reason == "too_many_attempts"
            await self.line.say(say.TOO_MANY_TRIES if tries else say.CODE_NOT_FOUND)
            return
        today = await self.hub.today()
        heard = [say.YOUR_BOOKING, booked.service_name, *_when(booked, today), *say.CANCEL_OR_MOVE]
        if await self._pick(heard, 2) == 0:
            await self.hub.cancel(self.new_id(), booked, caller)
            self.tally.cancelled += 1
            await self.line.say(say.CANCELLED)
            return
        await self._move(booked, caller, today)

    async def _move(self, booked: Booked, caller: str, today: date) -> None:
        while True:
            slot = await self._choose_slot(booked.service_id, today)
            if slot is None:
                return
            heard = [say.MOVE_TO, *_when(slot, today), say.CONFIRM, say.OTHER_TIME_2]
            if await self._pick(heard, 2) == 1:
                continue
            try:
                await self.hub.move(self.new_id(), booked, slot, caller)
            except Refused as refusal:
                if await self._taken(refusal):
                    continue
                return
            self.tally.moved += 1
            await self.line.say(say.MOVED, *_when(slot, today), say.SAME_CODE)
            return

    async def _status(self) -> None:
        caller = self.line.caller
        if not caller:
            await self.line.say(say.STATUS_NEEDS_NUMBER)
            return
        number = await self._ask(say.TYPE_APPLICATION, digits=12)
        try:
            status = await self.hub.application(number, caller)
        except Refused as refusal:
            log.info("ivr application look-up refused reason=%s", refusal.reason)
            await self.line.say(say.APPLICATION_NOT_FOUND)
            return
        pieces = [say.APPLICATION, words.application_status_text(status.status)]
        if status.planned_ready is not None and status.status in _UNDER_WAY:
            pieces += [say.READY_BY, words.day_text(status.planned_ready, await self.hub.today())]
        await self.line.say(*pieces)


def _options(intro: str, names: Sequence[str]) -> list[str]:
    """The question: the intro, then each option's name and its key."""
    pieces = [intro]
    for name, press in zip(names, say.PRESS, strict=False):
        pieces += [name, press]
    return pieces


def _wait(known: bool, wait_s: int) -> list[str]:
    return [say.WAIT, words.wait_text(wait_s)] if known else [say.WAIT_UNKNOWN]


def _when(slot: Slot | Booked, today: date) -> list[str]:
    return [words.day_text(slot.at.date(), today), words.time_text(slot.at.time())]


def _phone(typed: str) -> str:
    """A Russian number as typed (8 or 7 and ten digits, or the ten alone) as +7..., or ""."""
    if len(typed) == 11 and typed[0] in "78":
        typed = typed[1:]
    return f"+7{typed}" if len(typed) == 10 and typed.isdigit() else ""


def _typed_slot(typed: str, slots: Sequence[Slot]) -> Slot | None:
    """The slot at the time typed (HHMM, HMM, or the hour alone); None if none is free then."""
    if not typed.isdigit() or len(typed) > 4:
        return None
    hour, minute = (typed, "0") if len(typed) <= 2 else (typed[:-2], typed[-2:])
    if int(hour) > 23 or int(minute) > 59:
        return None
    wanted = time(int(hour), int(minute))
    return next((s for s in slots if s.at.time() == wanted), None)
