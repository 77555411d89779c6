"""What a menu says and asks, played on the call from cached prompt files.

The menus see only :class:`Line`; :class:`AgiLine` is the real one over a FastAGI
channel. Each piece of text is one prompt file (from a :data:`Clip`), played with STREAM
FILE; keys after the prompts are collected with WAIT FOR DIGIT, one key at a time, so a
key pressed during any piece counts the same way as one pressed after the last piece
(GET DATA could only collect after its own single file).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from ivr.driver import KEYS, Channel

Clip = Callable[[str], str]
"""A piece of text -> the prompt file for it (path without extension), ready to play."""

END_KEY = "#"  # ends a number early (the caller typed fewer digits than it may have)


class Line(Protocol):
    """The menus' only view of the call."""

    @property
    def caller(self) -> str:
        """The caller's number as ``+<digits>``; "" when withheld or unknown."""
        ...

    async def say(self, *pieces: str) -> None:
        """Play the pieces in order; keys pressed meanwhile are ignored."""
        ...

    async def ask(self, *pieces: str, digits: int = 1, timeout_s: float = 6.0) -> str:
        """Play the pieces and collect up to ``digits`` keys; "" on silence.

        A key during any piece stops the playing and is the first key; ``#`` ends early;
        ``timeout_s`` is the wait for the first key after the prompt and for each next one.
        """
        ...

    async def transfer(self, queue: str) -> None:
        """Hand the call to the dialplan's operator queue."""
        ...

    async def hang_up(self) -> None:
        """End the call."""
        ...


class AgiLine:
    """A :class:`Line` over a FastAGI channel; CallEnded from the channel passes as is."""

    def __init__(self, channel: Channel, clip: Clip) -> None:
        self._channel = channel
        self._clip = clip

    @property
    def caller(self) -> str:
        """The caller's number as ``+<digits>``; "" when withheld or unknown."""
        return self._channel.env.callerid

    async def say(self, *pieces: str) -> None:
        """Play the pieces in order; keys pressed meanwhile are ignored."""
        for piece in pieces:
            await self._channel.stream_file(self._clip(piece), escape="")

    async def ask(self, *pieces: str, digits: int = 1, timeout_s: float = 6.0) -> str:
        """Play the pieces and collect up to ``digits`` keys; "" on silence."""
        if digits < 1:
            raise ValueError(f"ask for at least one key, not {digits}")
        key = ""
        for piece in pieces:
            key = await self._channel.stream_file(self._clip(piece), escape=KEYS)
            if key:
                break
        typed = ""
        timeout_ms = round(timeout_s * 1000)
        while key != END_KEY:
            if key:
                typed += key
            if len(typed) >= digits:
                break
            key = await self._channel.wait_for_digit(timeout_ms)
            if not key:
                break
        return typed

    async def transfer(self, queue: str) -> None:
        """Hand the call to the dialplan's operator queue: EXEC Queue <queue>."""
        await self._channel.exec("Queue", queue)

    async def hang_up(self) -> None:
        """End the call."""
        await self._channel.hangup()
