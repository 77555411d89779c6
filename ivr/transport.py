"""One call's FastAGI socket: the environment block, then a command and its reply at a time.

Asterisk writes ``HANGUP`` on a line of its own when the channel hangs up, at any moment
(AGI reference, "FastAGI"); read where a reply was expected it ends the call, as does the
socket closing or resetting. A line longer than :data:`LINE_LIMIT` ends the call too: a
peer that is not Asterisk cannot make the server hold more than that per call.
"""

from __future__ import annotations

import asyncio
import logging

from ivr import codec
from ivr.codec import Environment, Reply
from ivr.errors import AgiProtocolError, CallEnded

LINE_LIMIT = 8_192  # bytes in one line: Asterisk's longest (a variable's value) fits
USAGE_LINES = 50  # lines of one 520 answer: Asterisk's usage texts are a dozen at most

log = logging.getLogger(__name__)


class Transport:
    """Commands and replies over one connection's streams (from ``asyncio.start_server``).

    Give the server ``limit=LINE_LIMIT`` so a hostile line is refused while it is read.
    """

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer
        self.ended = False

    async def _line(self) -> str:
        if self.ended:
            raise CallEnded("the call has already ended: nothing more can be sent")
        try:
            raw = await self._reader.readuntil(b"\n")
        except asyncio.IncompleteReadError as err:
            self.ended = True
            raise CallEnded("Asterisk closed the connection") from err
        except asyncio.LimitOverrunError as err:
            self.ended = True
            raise AgiProtocolError(
                f"a line from Asterisk is longer than {LINE_LIMIT} bytes: not Asterisk"
            ) from err
        except OSError as err:
            self.ended = True
            raise CallEnded(f"the connection to Asterisk broke: {err}") from err
        try:
            return raw.decode().rstrip("\r\n")
        except UnicodeDecodeError as err:
            raise AgiProtocolError("a line from Asterisk is not UTF-8: not Asterisk") from err

    async def read_environment(self, within_s: float) -> Environment:
        """The environment block Asterisk sends first; refused if malformed or late."""
        lines: list[str] = []
        size = 0
        try:
            async with asyncio.timeout(within_s):
                while line := await self._line():
                    lines.append(line)
                    size += len(line) + 1
                    if size > codec.ENVIRONMENT_LIMIT or len(lines) > codec.ENVIRONMENT_LINES:
                        break  # parse_environment refuses it with the reason
        except TimeoutError as err:
            raise AgiProtocolError(
                f"no whole environment block within {within_s:g} s: not Asterisk, or it hung"
            ) from err
        return codec.parse_environment(lines)

    async def _reply(self) -> Reply:
        line = await self._line()
        if line == codec.HANGUP:
            self.ended = True
            raise CallEnded("the caller hung up")
        usage: list[str] = []
        if codec.is_usage_start(line):
            while not codec.is_usage_end(line := await self._line()):
                usage.append(line)
                if len(usage) > USAGE_LINES:
                    raise AgiProtocolError(f"a 520 answer runs over {USAGE_LINES} lines")
        return codec.parse_reply(line, usage)

    async def command(self, command: str, *arguments: str) -> Reply:
        """Send one command and wait for its reply; CallEnded on a hang-up or lost socket."""
        data = codec.format_command(command, *arguments)
        if self.ended:
            raise CallEnded("the call has already ended: nothing more can be sent")
        try:
            self._writer.write(data)
            await self._writer.drain()
        except OSError as err:
            self.ended = True
            raise CallEnded(f"the connection to Asterisk broke: {err}") from err
        return await self._reply()

    async def close(self) -> None:
        """Close the socket; Asterisk then goes on with the dialplan or ends the call."""
        self.ended = True
        self._writer.close()
        try:
            await self._writer.wait_closed()
        except OSError as err:
            log.debug("event=agi_close_error error=%s", type(err).__name__)
