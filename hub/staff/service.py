"""Staff sign-in on the hub: PINs checked against their hash, tokens, figures.

Sessions live in the hub's memory only: a token is worth a PIN, and one that never
touches the disk cannot be read back from a copied database or a backup. The price is
that a hub restart signs everyone out (the panel then asks for the PIN again); queue
state and desks are unaffected.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Protocol, TypeVar
from zoneinfo import ZoneInfo

from hub.config import LoadedConfig
from hub.devices.pairing import AttemptLimit
from hub.domain.branch import Operator
from hub.domain.engine import QueueEngine
from hub.domain.model import Desk, DeskState
from hub.errors import BadPin, NoPin, SignedOut, UnknownOperator, WrongPin
from hub.staff import store
from hub.staff.access import SignedIn, may_open
from hub.staff.figures import Figures, Tally
from hub.staff.pins import check_pin, hash_pin, verify_pin
from hub.store.repository import Repository

log = logging.getLogger(__name__)
T = TypeVar("T")
# A session ends at the branch's midnight (when the day's desks close) or after this.
SESSION_HOURS = 12
TOKEN_BYTES = 32


class StaffHost(Protocol):
    """What staff sign-in needs of the hub (:class:`hub.service.Hub`)."""

    loaded: LoadedConfig
    engine: QueueEngine
    clock: Callable[[], int]

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


def wrong_pin_limits() -> tuple[AttemptLimit, AttemptLimit]:
    """Wrong PINs allowed per operator and per address in 15 minutes.

    Five per operator: a 6-digit PIN then takes a guesser years. The hub-wide budget of
    the per-address limit stops one who has many addresses; it also means a flood of
    wrong PINs stops sign-ins for a quarter of an hour, which the log shows.
    """
    advice = "type it slowly, or ask an administrator to set a new one"
    return (
        AttemptLimit(tries=5, hub_tries=10_000, what="PINs", advice=advice),
        AttemptLimit(tries=10, hub_tries=100, what="PINs", advice=advice),
    )


class Staff:
    def __init__(self, hub: StaffHost) -> None:
        self._hub = hub
        self._sessions: dict[str, SignedIn] = {}
        self._by_operator, self._by_source = wrong_pin_limits()
        self._tally = Tally(day="")
        self._counting = asyncio.Lock()

    # -- signing in and out ------------------------------------------------------------

    async def sign_in(self, operator_id: str, pin: str, source: str) -> tuple[str, SignedIn]:
        """A new token and its session; WrongPin, NoPin, UnknownOperator or TooManyAttempts."""
        operator = self.operator(operator_id)
        now = self._hub.clock()
        self._by_operator.check(operator.id, now)
        self._by_source.check(source, now)
        # Counted as wrong before the (slow) check, so that attempts made at the same time
        # cannot all pass the limit; forgiven when the PIN is right.
        self._by_operator.failed(operator.id, now)
        self._by_source.failed(source, now)
        stored = await self._hub.read_store(lambda r: store.pin_of(r, operator.id))
        if stored is None:
            self._forgive(operator.id, source, now)
            raise NoPin(
                f"{operator.name} has no PIN yet: an administrator sets one "
                f"(okno hub staff set-pin {operator.id})"
            )
        if not await asyncio.to_thread(verify_pin, pin, stored):
            log.warning("wrong pin operator=%s source=%s", operator.id, source)
            raise WrongPin("wrong operator or PIN: try again")
        self._forgive(operator.id, source, now)
        token = secrets.token_urlsafe(TOKEN_BYTES)
        session = SignedIn(
            operator.id, operator.name, tuple(operator.roles), now, self._expiry(now), source
        )
        self._sessions[token] = session
        log.info(
            "signed in operator=%s roles=%s source=%s",
            operator.id,
            ",".join(operator.roles),
            source,
        )
        return token, session

    def _forgive(self, operator_id: str, source: str, now: int) -> None:
        self._by_operator.forgive(operator_id, now)
        self._by_source.forgive(source, now)

    def sign_out(self, token: str) -> None:
        session = self._sessions.pop(token, None)
        if session is not None:
            log.info("signed out operator=%s", session.operator_id)

    def session(self, token: str) -> SignedIn:
        """The live session a token stands for; SignedOut when it has ended or never was."""
        session = self._sessions.get(token)
        now = self._hub.clock()
        if session is None or now >= session.expires_ms:
            if session is not None:
                del self._sessions[token]
            raise SignedOut("your session has ended: sign in again")
        operator = self._configured(session.operator_id)
        if operator is None:
            del self._sessions[token]
            raise SignedOut("you are no longer among the branch's staff: ask an administrator")
        if tuple(operator.roles) != session.roles or operator.name != session.name:
            # A reloaded configuration changed the roles: they count from now on.
            session = SignedIn(
                operator.id,
                operator.name,
                tuple(operator.roles),
                session.signed_in_ms,
                session.expires_ms,
                session.source,
            )
            self._sessions[token] = session
        return session

    def signed_in(self) -> set[str]:
        now = self._hub.clock()
        return {s.operator_id for s in self._sessions.values() if now < s.expires_ms}

    def _expiry(self, now: int) -> int:
        zone = ZoneInfo(self._hub.loaded.branch.timezone)
        local = datetime.fromtimestamp(now / 1000, zone)
        midnight = datetime.combine(local.date() + timedelta(days=1), time(), zone)
        return min(now + SESSION_HOURS * 3_600_000, int(midnight.timestamp() * 1000))

    # -- PINs --------------------------------------------------------------------------

    async def set_pin(self, operator_id: str, pin: str, by: str) -> tuple[int, int]:
        """Keep a new PIN's hash; end the operator's sessions. (set at, sessions ended)"""
        operator = self.operator(operator_id)
        problem = check_pin(pin)
        if problem is not None:
            raise BadPin(f"{problem}; the PIN was not changed")
        stored = await asyncio.to_thread(hash_pin, pin)
        now = self._hub.clock()
        await self._hub.read_store(lambda r: store.save_pin(r, operator.id, stored, now, by))
        ended = [t for t, s in self._sessions.items() if s.operator_id == operator.id]
        for token in ended:
            del self._sessions[token]
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
