"""The FastAGI server: Asterisk hands it a call, it plays the menus for that call.

One task per connection (asyncio's server), at most ``max_calls`` in the menus at once:
a call over that hears that the lines are busy. Whatever ends a call (the caller hanging
up, a dropped connection, an Asterisk answer the reference does not allow, a hub that
does not answer) ends it quietly: one grep-able log line per call, never a traceback,
and nothing asked of the hub that the caller had not confirmed.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from ivr import menus_texts
from ivr.driver import Channel
from ivr.errors import AgiProtocolError, CallEnded, IvrError
from ivr.line import AgiLine, Clip, Line
from ivr.menus import Menus
from ivr.menus_port import HubPort
from ivr.transport import LINE_LIMIT, Transport

log = logging.getLogger(__name__)

FASTAGI_PORT = 4573  # the AGI reference's default for agi://host


@dataclass(frozen=True, slots=True)
class AgentOptions:
    """How the server serves: where, how many calls at once, how long it waits."""

    host: str = "0.0.0.0"
    port: int = FASTAGI_PORT
    max_calls: int = 60
    # Asterisk writes the environment block at once; a peer silent this long is not Asterisk.
    environment_s: float = 5.0
    # How long a question waits for the caller's first or next key.
    ask_timeout_s: float = 6.0
    # The dialplan's queue of operators that 0 hands a call to.
    operators: str = "operators"


class _CallLine:
    """The call's line, with what is said logged.

    At DEBUG: fixed sentences as they are, every other piece (a code, a time, a number)
    and every key as a mark, so no personal data.
    """

    _FIXED = frozenset(menus_texts.FIXED)

    def __init__(self, line: Line, call: str) -> None:
        self._line = line
        self._call = call
        self.caller = line.caller

    def _said(self, pieces: tuple[str, ...]) -> str:
        return " ".join(p if p in self._FIXED else "<…>" for p in pieces)

    async def say(self, *pieces: str) -> None:
        log.debug("ivr say call=%s text=%r", self._call, self._said(pieces))
        await self._line.say(*pieces)

    async def ask(self, *pieces: str, digits: int = 1, timeout_s: float = 6.0) -> str:
        log.debug("ivr ask call=%s text=%r", self._call, self._said(pieces))
        keys = await self._line.ask(*pieces, digits=digits, timeout_s=timeout_s)
        log.debug("ivr keys call=%s count=%d", self._call, len(keys))
        return keys

    async def transfer(self, queue: str) -> None:
        log.debug("ivr transfer call=%s queue=%s", self._call, queue)
        await self._line.transfer(queue)

    async def hang_up(self) -> None:
        await self._line.hang_up()


class IvrAgent:
    """The FastAGI server over one hub and one set of prompts."""

    def __init__(
        self,
        hub: HubPort,
        clip: Clip,
        options: AgentOptions = AgentOptions(),
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.hub = hub
        self.clip = clip
        self.options = options
        self._monotonic = monotonic
        self._server: asyncio.Server | None = None
        self._calls: set[asyncio.Task[None]] = set()
        self._in_menus = 0
        # Keyed per run: the log can follow one number's calls, nobody can read it back.
        self._salt = secrets.token_bytes(16)

    async def start(self) -> int:
        """Listen; the port bound (``port`` 0 picks a free one)."""
        self._server = await asyncio.start_server(
            self._accept, self.options.host, self.options.port, limit=LINE_LIMIT
        )
        port: int = self._server.sockets[0].getsockname()[1]
        log.info("ivr listening host=%s port=%d", self.options.host, port)
        return port

    async def stop(self) -> None:
        """Stop listening and end the calls in progress (their sockets closed)."""
        if self._server is not None:
            self._server.close()
        for task in list(self._calls):
            task.cancel()
        if self._calls:
            await asyncio.gather(*self._calls, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._calls.add(task)
        try:
            await self.serve_call(Transport(reader, writer))
        finally:
            self._calls.discard(task)

    def _who(self, caller: str) -> str:
        if not caller:
            return "withheld"
        return hmac.new(self._salt, caller.encode(), hashlib.sha256).hexdigest()[:12]

    async def serve_call(self, transport: Transport) -> None:
        """One call from its environment block to its end, and its one log line."""
        began = self._monotonic()
        call, who, outcome, menus = "-", "-", "ended", None
        try:
            env = await transport.read_environment(self.options.environment_s)
            call, who = env.uniqueid or "-", self._who(env.callerid)
            channel = Channel(transport, env)
            await channel.answer()
            line = _CallLine(AgiLine(channel, self.clip), call)
            if self._in_menus >= self.options.max_calls:
                outcome = "busy"
                await line.say(menus_texts.BUSY)
                await line.hang_up()
                return
            self._in_menus += 1
            try:
                menus = Menus(
                    line,
                    self.hub,
                    operators=self.options.operators,
                    timeout_s=self.options.ask_timeout_s,
                )
                outcome = (await menus.run()).value
            finally:
                self._in_menus -= 1
        except CallEnded:
            outcome = "hung_up"
        except AgiProtocolError as error:
            outcome = "protocol"
            log.warning("ivr agi refused call=%s reason=%s", call, error)
        except IvrError as error:
            outcome = error.code
            log.warning("ivr call failed call=%s code=%s reason=%s", call, error.code, error)
        finally:
            tally = menus.tally if menus is not None else None
            log.info(
                "ivr call end call=%s caller=%s outcome=%s seconds=%.1f keys=%d booked=%d "
                "moved=%d cancelled=%d asked=%s",
                call,
                who,
                outcome,
                self._monotonic() - began,
                tally.keys if tally else 0,
                tally.booked if tally else 0,
                tally.moved if tally else 0,
                tally.cancelled if tally else 0,
                ",".join(tally.asked) if tally and tally.asked else "-",
            )
            await transport.close()
