"""Staff sign-in on the hub: PINs checked against their hash, signed tokens, figures.

A token is signed with a key kept beside the branch CA (hub/staff/tokens.py), and the
ids of sessions not yet ended are kept in the hub's database: signed-in staff stay signed
in across a hub restart, and a sign-out or a new PIN holds across one. The hub reads the
live sessions once as it starts and answers every call from memory.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Protocol, TypeVar
from zoneinfo import ZoneInfo

from hub.config import LoadedConfig
from hub.domain.branch import Operator
from hub.domain.engine import QueueEngine
from hub.domain.model import Desk, DeskState
from hub.errors import (
    BadPin,
    HubError,
    NoPin,
    PinTooShort,
    SignedOut,
    StoreUnavailable,
    UnknownOperator,
    WrongPin,
)
from hub.journal import PIN_SET, SIGN_IN, Journal
from hub.staff import store, tokens
from hub.staff.access import SignedIn, may_open
from hub.staff.figures import Figures, Tally
from hub.staff.limits import WrongPins
from hub.staff.pins import MIN_DIGITS, check_pin, hash_pin, verify_pin
from hub.staff.store import KeptSession
from hub.store.repository import Repository

log = logging.getLogger(__name__)
T = TypeVar("T")
# A session ends at the branch's midnight (when the day's desks close) or after this.
SESSION_HOURS = 12


class StaffHost(Protocol):
    """What staff sign-in needs of the hub (:class:`hub.service.Hub`)."""

    loaded: LoadedConfig
    engine: QueueEngine
    clock: Callable[[], int]
    journal: Journal

    async def read_store(self, read: Callable[[Repository], T]) -> T: ...


@dataclass(frozen=True, slots=True)
class Member:
    """One operator of the branch as the administrator's view lists them."""

    operator: Operator
    signed_in: bool
    desk_id: str
    figures: Figures
    has_pin: bool
    # Desks the operator may open.
    desk_ids: list[str]


class Staff:
    def __init__(self, hub: StaffHost, key: bytes, live: list[KeptSession]) -> None:
        """``key`` signs tokens (:func:`store.token_key`); ``live`` are the sessions the
        database kept (:func:`store.live_sessions`)."""
        self._hub = hub
        self._key = key
        self._live = {kept.claims.token_id: kept for kept in live}
        self._wrong_pins = WrongPins()
        self._tally = Tally(day="")
        self._counting = asyncio.Lock()

    # -- signing in and out ------------------------------------------------------------

    async def sign_in(self, operator_id: str, pin: str, source: str) -> tuple[str, SignedIn]:
        """A new token and its session; the journal keeps every attempt, never the PIN.

        WrongPin, NoPin, PinTooShort, UnknownOperator or TooManyAttempts.
        """
        try:
            token, session = await self._sign_in(operator_id, pin, source)
        except StoreUnavailable:
            raise
        except HubError as error:
            # An id the branch does not have is not kept: it may be anything typed. Who
            # tried is the caller: nobody yet on the network, or the desk unit relaying.
            claimed = operator_id if self._configured(operator_id) else ""
            if self._wrong_pins.to_journal(source, self._hub.clock()):
                await self._hub.journal.record(SIGN_IN, claimed, error.code)
            else:
                log.warning("sign-in refused, not journaled code=%s source=%s", error.code, source)
            raise
        await self._hub.journal.record(
            SIGN_IN, session.operator_id, actor=f"staff:{session.operator_id}"
        )
        return token, session

    async def _sign_in(self, operator_id: str, pin: str, source: str) -> tuple[str, SignedIn]:
        operator = self.operator(operator_id)
        if len(pin) < MIN_DIGITS:
            # Refused without looking at the stored hash, so it tells nothing about it.
            raise PinTooShort(
                f"a PIN has at least {MIN_DIGITS} digits; one set under the old rule of 4 "
                "signs in no more: ask an administrator to set a new one "
                f"(okno hub staff set-pin {operator.id})"
            )
        now = self._hub.clock()
        self._wrong_pins.check(operator.id, source, now)
        # Counted as wrong before the (slow) check, so that attempts made at the same time
        # cannot all pass the limit; forgiven when the PIN is right.
        self._wrong_pins.failed(operator.id, source, now)
        stored = await self._hub.read_store(lambda r: store.pin_of(r, operator.id))
        if stored is None:
            self._wrong_pins.forgive(operator.id, source, now)
            raise NoPin(
                f"{operator.name} has no PIN yet: an administrator sets one "
                f"(okno hub staff set-pin {operator.id})"
            )
        if not await asyncio.to_thread(verify_pin, pin, stored):
            log.warning("wrong pin operator=%s source=%s", operator.id, source)
            raise WrongPin("wrong operator or PIN: try again")
        self._wrong_pins.forgive(operator.id, source, now)
        kept = KeptSession(
            tokens.Claims(tokens.new_token_id(), operator.id, now, self._expiry(now)), source
        )
        if not await self._hub.read_store(lambda r: store.save_session(r, kept, stored)):
            raise WrongPin("your PIN was changed a moment ago: sign in with the new one")
        self._live = {i: k for i, k in self._live.items() if now < k.claims.expires_ms}
        self._live[kept.claims.token_id] = kept
        log.info(
            "signed in operator=%s roles=%s source=%s",
            operator.id,
            ",".join(operator.roles),
            source,
        )
        return tokens.sign(kept.claims, self._key), self._signed_in(operator, kept)

    async def sign_out(self, token: str) -> None:
        """End the token's session, for good; a token already ended or not ours is let be."""
        try:
            claims = tokens.read(token, self._key)
        except SignedOut:
            return
        kept = self._live.pop(claims.token_id, None)
        await self._hub.read_store(lambda r: store.end_session(r, claims.token_id))
        if kept is not None:
            log.info("signed out operator=%s", claims.operator_id)

    def session(self, token: str) -> SignedIn:
        """The live session a token stands for; SignedOut when it has ended or never was.

        The roles and name are the configuration's at this moment, not the sign-in's.
        """
        claims = tokens.read(token, self._key)
        kept = self._live.get(claims.token_id)
        if kept is None or kept.claims != claims or self._hub.clock() >= claims.expires_ms:
            self._live.pop(claims.token_id, None)
            raise SignedOut("your session has ended: sign in again")
        operator = self._configured(claims.operator_id)
        if operator is None:
            del self._live[claims.token_id]
            raise SignedOut("you are no longer among the branch's staff: ask an administrator")
        return self._signed_in(operator, kept)

    def signed_in(self) -> set[str]:
        now = self._hub.clock()
        return {k.claims.operator_id for k in self._live.values() if now < k.claims.expires_ms}

    @staticmethod
    def _signed_in(operator: Operator, kept: KeptSession) -> SignedIn:
        claims = kept.claims
        return SignedIn(
            operator.id,
            operator.name,
            tuple(operator.roles),
            claims.issued_ms,
            claims.expires_ms,
            kept.source,
        )

    def _expiry(self, now: int) -> int:
        zone = ZoneInfo(self._hub.loaded.branch.timezone)
        local = datetime.fromtimestamp(now / 1000, zone)
        midnight = datetime.combine(local.date() + timedelta(days=1), time(), zone)
        return min(now + SESSION_HOURS * 3_600_000, int(midnight.timestamp() * 1000))

    # -- PINs --------------------------------------------------------------------------

    async def set_pin(self, operator_id: str, pin: str, by: str) -> tuple[int, int]:
        """Keep a new PIN's hash; end the operator's sessions and lift their lockout.

        (set at, sessions ended)
        """
        operator = self.operator(operator_id)
        problem = check_pin(pin)
        if problem is not None:
            raise BadPin(f"{problem}; the PIN was not changed")
        stored = await asyncio.to_thread(hash_pin, pin)
        now = self._hub.clock()
        await self._hub.read_store(lambda r: store.save_pin(r, operator.id, stored, now, by))
        ended = [i for i, k in self._live.items() if k.claims.operator_id == operator.id]
        for token_id in ended:
            del self._live[token_id]
        self._wrong_pins.unlock(operator.id)
        await self._hub.journal.record(
            PIN_SET, operator.id, actor="local" if by == "local" else f"staff:{by}"
        )
        log.info("pin set operator=%s by=%s sessions_ended=%d", operator.id, by, len(ended))
        return now, len(ended)

    # -- figures -----------------------------------------------------------------------

    async def figures(self, operator_id: str) -> tuple[str, Figures]:
        """The branch's day and an operator's figures for it so far."""
        self.operator(operator_id)
        tally = await self._counted()
        return tally.day, tally.of(operator_id)

    async def members(self) -> tuple[str, list[Member]]:
        """Every operator: signed in, the desk they hold, figures, whether a PIN is set."""
        tally = await self._counted()
        pins = await self._hub.read_store(store.with_pins)
        signed_in = self.signed_in()
        held = {d.operator_id: d.id for d in self.live_desks() if d.state is not DeskState.CLOSED}
        branch = self._hub.loaded.branch
        return tally.day, [
            Member(
                o,
                o.id in signed_in,
                held.get(o.id, ""),
                tally.of(o.id),
                o.id in pins,
                may_open(_as_signed_in(o), branch),
            )
            for o in branch.operators
        ]

    async def _counted(self) -> Tally:
        async with self._counting:
            day = self._hub.engine.day
            if self._tally.day != day:
                self._tally = Tally(day=day)
            after = self._tally.seq
            events = await self._hub.read_store(lambda r: store.day_events(r, day, after))
            self._tally.fold(events)
            return self._tally

    # -- the branch's staff and desks --------------------------------------------------

    def operator(self, operator_id: str) -> Operator:
        operator = self._configured(operator_id)
        if operator is None:
            raise UnknownOperator(f'no operator "{operator_id}" in this branch: check the id')
        return operator

    def _configured(self, operator_id: str) -> Operator | None:
        return next((o for o in self._hub.loaded.branch.operators if o.id == operator_id), None)

    def live_desks(self) -> list[Desk]:
        engine = self._hub.engine
        return [engine.desk(d.id) for d in engine.config.desks]


def _as_signed_in(operator: Operator) -> SignedIn:
    """The operator as the role rules see a session of theirs."""
    return SignedIn(operator.id, operator.name, tuple(operator.roles), 0, 0)
