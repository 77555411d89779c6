"""A strict Asterisk that calls a FastAGI server, with a scripted caller on the line.

It speaks the AGI reference exactly (environment block, ``200 result=... endpos=...``,
``(timeout)``, 510 for a command it does not know, the 520 usage block for wrong
arguments, ``HANGUP`` then 511 once the channel is gone) and plays a prompt only when its
``.wav`` is what Asterisk plays as format ``wav``: 8,000 Hz mono 16-bit PCM, not silent.
It does not sleep for a prompt's length: a prompt ends at once, or when the caller
presses. What it heard is the call's transcript (texts from the prompts' ``.txt``
sidecars) with the timings the bench needs.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import time
import wave
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from hall_display import wav
from ivr import codec
from ivr.errors import SimulatedCallFailed

RATE = 8_000  # what Asterisk's format_wav plays: 8 kHz, mono, 16-bit signed PCM
MIN_RMS = 100.0  # below this a prompt is silence (espeak-ng speech is ~3,000)
QUIET_S = 10.0  # the server said nothing this long: it hung, the test fails
MAX_COMMANDS = 1_000  # a call longer than this never ends: the test fails
APPLICATIONS = frozenset({"Queue"})  # the dialplan applications this Asterisk has

_USAGE = {
    "ANSWER": (1, 1, "Usage: ANSWER"),
    "STREAM FILE": (4, 5, "Usage: STREAM FILE <filename> <escape_digits> [sample offset]"),
    "GET DATA": (3, 5, "Usage: GET DATA <file to be streamed> [timeout] [max digits]"),
    "WAIT FOR DIGIT": (4, 4, "Usage: WAIT FOR DIGIT <timeout>"),
    "EXEC": (2, 128, "Usage: EXEC <application> <options>"),
    "SET VARIABLE": (4, 4, "Usage: SET VARIABLE <variablename> <value>"),
    "HANGUP": (1, 2, "Usage: HANGUP [<channelname>]"),
    "SAY DIGITS": (4, 4, "Usage: SAY DIGITS <number> <escape digits>"),
    "SAY NUMBER": (4, 5, "Usage: SAY NUMBER <number> <escape digits> [gender]"),
}
_SAYS = frozenset({"SAY DIGITS", "SAY NUMBER"})
# Commands res_agi.c marks as allowed on a dead channel (the rest get 511), with the
# answer each gives there: EXEC's application finds the channel gone.
_ON_DEAD_CHANNEL = {"HANGUP": "1", "SET VARIABLE": "1", "EXEC": "-1"}
# Arguments res_agi.c reads with sscanf("%d"): anything else is a 520.
_NUMERIC = {"STREAM FILE": (2,), "WAIT FOR DIGIT": (0,), "SAY DIGITS": (0,), "SAY NUMBER": (0,)}


class Act(Enum):
    """What the caller does at a step."""

    PRESS = "press"
    SILENCE = "silence"
    HANG_UP = "hang_up"
    DROP = "drop"


@dataclass(frozen=True)
class Step:
    """One thing the caller does; build it with :func:`press`, :func:`silence`, ..."""

    act: Act
    keys: str = ""
    when: str = ""


def press(keys: str, *, when: str = "") -> Step:
    """Press ``keys`` while the prompt containing ``when`` plays, or at the next prompt or
    key wait that takes keys when ``when`` is ""; keys after the first wait their turn."""
    if not keys or any(key not in "0123456789*#" for key in keys):
        raise ValueError(f"a phone's keypad has no {keys!r}")
    return Step(Act.PRESS, keys, when)


def silence() -> Step:
    """Let the prompts play out and the next key wait time out."""
    return Step(Act.SILENCE)


def hang_up(*, when: str = "") -> Step:
    """Hang up while the prompt containing ``when`` plays, or at the next key wait."""
    return Step(Act.HANG_UP, when=when)


def drop(*, when: str = "") -> Step:
    """Close the TCP connection mid-command, as at the prompt or key wait of :func:`hang_up`."""
    return Step(Act.DROP, when=when)


@dataclass
class Heard:
    """The call's transcript and timings."""

    lines: list[str] = field(default_factory=list)
    first_prompt_ms: float = 0.0
    key_to_prompt_ms: list[float] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


def check_prompt(path: Path) -> tuple[str, int]:
    """(why Asterisk would not play it or "", its length in samples) for a ``.wav``.

    Judged once per version of the file (its size and time), as the bench's 50 calls play
    the same prompts again and again: the sim's own work must not weigh on the figures.
    """
    try:
        stat = path.stat()
    except FileNotFoundError:
        return "no such file", 0
    return _judged(path, stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=4096)
def _judged(path: Path, size: int, mtime_ns: int) -> tuple[str, int]:
    try:
        with wave.open(str(path), "rb") as reader:
            shape = (reader.getframerate(), reader.getnchannels(), reader.getsampwidth())
            frames = reader.readframes(reader.getnframes())
    except FileNotFoundError:
        return "no such file", 0
    except (wave.Error, EOFError, OSError) as err:
        return f"not a readable PCM WAV ({err})", 0
    if shape != (RATE, 1, 2):
        return f"{shape} is not (8000 Hz, mono, 16-bit)", 0
    if wav.rms(frames) < MIN_RMS:
        return "silent", 0
    return "", len(frames) // 2


class _Hung(Exception):
    """The channel is gone (the caller hung up, or the server hung up the channel)."""


class _Dropped(Exception):
    """The caller's side closed the socket."""


class _Call:
    """One call's state: the caller's steps, keys typed ahead, what was heard."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        steps: list[Step],
        prompts: Path,
        clock: Callable[[], float],
    ) -> None:
        self.reader = reader
        self.writer = writer
        self.steps = list(steps)
        self.prompts = prompts
        self.clock = clock
        self.heard = Heard()
        self.typed_ahead = ""
        self.refused: list[str] = []
        self.started = 0.0
        self.key_sent: float | None = None
        self.prompted = False

    async def send(self, text: str) -> None:
        self.writer.write(text.encode())
        await self.writer.drain()

    def _step(self, prompt_text: str | None, takes_keys: bool = True) -> Step | None:
        """The step that happens now: at a prompt with ``prompt_text``, or at a key wait."""
        if not self.steps:
            return None
        step = self.steps[0]
        if step.act is Act.SILENCE:
            return None
        if step.when:
            return step if prompt_text is not None and step.when in prompt_text else None
        if prompt_text is None or (step.act is Act.PRESS and takes_keys):
            return step
        return None

    def _text(self, path: Path) -> str:
        try:
            return path.with_suffix(".txt").read_text(encoding="utf-8").strip()
        except OSError:
            return f"<{path.name}: no .txt>"

    def _prompt(self, file: str) -> tuple[str, int] | None:
        """Check and "play" a prompt: (its text, its samples), None when refused."""
        now = self.clock()
        if not self.prompted:
            self.heard.first_prompt_ms = (now - self.started) * 1000
            self.prompted = True
        if self.key_sent is not None:
            self.heard.key_to_prompt_ms.append((now - self.key_sent) * 1000)
            self.key_sent = None
        path = Path(file)
        path = (path if path.is_absolute() else self.prompts / path).with_suffix(".wav")
        why, samples = check_prompt(path)
        if why:
            self.refused.append(f"{path}: {why}")
            return None
        text = self._text(path)
        self.heard.files.append(path)
        self.heard.lines.append(f"IVR: {text}")
        return text, samples

    def _take_key(self, allowed: str) -> str:
        """A key typed ahead, if the first one waiting is among ``allowed``."""
        if self.typed_ahead and self.typed_ahead[0] in allowed:
            key, self.typed_ahead = self.typed_ahead[0], self.typed_ahead[1:]
            if not self.typed_ahead:
                self.key_sent = self.clock()
            return key
        return ""

    def _press(self, step: Step) -> None:
        self.steps.pop(0)
        self.heard.lines.append(f"CALLER: {step.keys}")
        self.typed_ahead += step.keys

    async def _end(self, step: Step, reply: str) -> None:
        """The caller hangs up (reply, then HANGUP) or drops the socket."""
        self.steps.pop(0)
        if step.act is Act.DROP:
            raise _Dropped
        await self.send(reply + codec.HANGUP + "\n")
        self.heard.lines.append(codec.HANGUP)
        raise _Hung

    async def stream_file(self, file: str, escape: str) -> None:
        played = self._prompt(file)
        if played is None:
            await self.send(codec.format_reply(-1, endpos=0))
            return
        text, samples = played
        await self._speak(text, escape, samples)

    async def say(self, name: str, said: str, escape: str) -> None:
        """SAY DIGITS / SAY NUMBER: Asterisk speaks from its own sounds, so the transcript
        holds what was said; the keys behave as in STREAM FILE, with no ``endpos``."""
        self.heard.lines.append(f"{name}: {said}")
        await self._speak(said, escape, None)

    async def _speak(self, text: str, escape: str, samples: int | None) -> None:
        """The answer to something played: the escape key that stopped it, or 0 at its end;
        ``samples`` (a file's) gives the ``endpos`` STREAM FILE answers with."""

        def reply(result: int, at: int) -> str:
            return (
                codec.format_reply(result)
                if samples is None
                else codec.format_reply(result, endpos=at)
            )

        if key := self._take_key(escape):
            await self.send(reply(ord(key), 0))
            return
        half = (samples or 0) // 2
        step = self._step(text, takes_keys=bool(escape))
        if step is not None and step.act is not Act.PRESS:
            await self._end(step, reply(-1, half))
        if step is not None:
            self._press(step)
            if key := self._take_key(escape):
                await self.send(reply(ord(key), half))
                return
            self.typed_ahead = ""  # played without these escape keys: they are dropped
            self.key_sent = self.clock()
        await self.send(reply(0, samples or 0))

    async def _wait_key(self) -> str:
        """The caller's next key at a key wait; "" when the caller is silent."""
        if key := self._take_key("0123456789*#"):
            return key
        step = self._step(None)
        if step is None:
            if self.steps and self.steps[0].act is Act.SILENCE:
                self.steps.pop(0)  # this wait times out; a step waiting for its prompt stays
            return ""
        if step.act is not Act.PRESS:
            await self._end(step, codec.format_reply(-1))
        self._press(step)
        return self._take_key("0123456789*#")

    async def wait_for_digit(self) -> None:
        key = await self._wait_key()
        await self.send(codec.format_reply(ord(key) if key else 0))

    async def get_data(self, file: str, max_digits: int) -> None:
        played = self._prompt(file)
        if played is None:
            await self.send(codec.format_reply(-1))
            return
        step = self._step(played[0])
        if step is not None and step.act is not Act.PRESS:
            await self._end(step, codec.format_reply(-1))
        if step is not None:
            self._press(step)
        typed = ""
        while len(typed) < max_digits:
            key = await self._wait_key()
            if not key:
                await self.send(codec.format_reply(typed, "timeout"))
                return
            if key == "#":
                break
            typed += key
        await self.send(codec.format_reply(typed))

    async def command(self, words: list[str]) -> None:
        """Answer one command as Asterisk would on a live channel."""
        name = _command_name(words)
        if name is None:
            await self.send(codec.UNKNOWN_COMMAND + "\n")
            return
        low, high, usage = _USAGE[name]
        arguments = words[len(name.split()) :]
        numeric = (arguments[i] for i in _NUMERIC.get(name, ()) if i < len(arguments))
        if not low <= len(words) <= high or not all(codec.is_integer(word) for word in numeric):
            await self.send(codec.format_usage(usage))
            return
        if name == "STREAM FILE":
            await self.stream_file(arguments[0], arguments[1])
        elif name == "GET DATA":
            max_digits = arguments[2] if len(arguments) > 2 else "1024"
            await self.get_data(arguments[0], int(max_digits) if max_digits.isdigit() else 1024)
        elif name == "WAIT FOR DIGIT":
            await self.wait_for_digit()
        elif name in _SAYS:
            await self.say(name, arguments[0], arguments[1])
        elif name == "EXEC":
            await self.exec(arguments[0], arguments[1] if len(arguments) > 1 else "")
        elif name == "HANGUP":
            await self.send(codec.format_reply(1))
            self.heard.lines.append(codec.HANGUP)
            await self.send(codec.HANGUP + "\n")
            raise _Hung
        else:  # ANSWER, SET VARIABLE
            await self.send(codec.format_reply(1 if name == "SET VARIABLE" else 0))

    async def exec(self, application: str, options: str) -> None:
        if application not in APPLICATIONS:
            await self.send(codec.format_reply(-2))
            return
        self.heard.lines.append(f"EXEC: {application} {options}".rstrip())
        await self.send(codec.format_reply(0))


def _command_name(words: list[str]) -> str | None:
    """The known command the words start with (Asterisk matches case-insensitively)."""
    upper = [word.upper() for word in words]
    for name in _USAGE:
        if upper[: len(name.split())] == name.split():
            return name
    return None


async def _next_command(call: _Call) -> list[str] | None:
    """The server's next command line; None when it closed the socket."""
    try:
        async with asyncio.timeout(QUIET_S):
            raw = await call.reader.readline()
    except TimeoutError as err:
        raise SimulatedCallFailed(
            f"the server sent nothing for {QUIET_S:g} s: it hung mid-call"
        ) from err
    if not raw:
        return None
    return codec.parse_command(raw.decode())


async def _run(call: _Call) -> None:
    dead = False
    for _ in range(MAX_COMMANDS):
        words = await _next_command(call)
        if words is None:
            return
        if dead:
            name = _command_name(words)
            if name is None:
                await call.send(codec.UNKNOWN_COMMAND + "\n")
            elif name in _ON_DEAD_CHANNEL:
                await call.send(codec.format_reply(_ON_DEAD_CHANNEL[name]))
            else:
                await call.send(codec.DEAD_CHANNEL + "\n")
            continue
        try:
            await call.command(words)
        except _Hung:
            dead = True
    raise SimulatedCallFailed(f"the call went on for {MAX_COMMANDS} commands: it never ends")


def environment(callerid: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment Asterisk 20 sends for a call from ``callerid`` into ``AGI(agi://...)``."""
    values = {
        "network": "yes",
        "network_script": "okno",
        "request": "agi://127.0.0.1/okno",
        "channel": "PJSIP/trunk-00000001",
        "language": "ru",
        "type": "PJSIP",
        "uniqueid": "1765152000.1",
        "version": "20.5.0",
        "callerid": callerid or "unknown",
        "calleridname": "unknown",
        "callingpres": "0",
        "callingani2": "0",
        "callington": "0",
        "callingtns": "0",
        "dnid": "84951234567",
        "rdnis": "unknown",
        "context": "okno-ivr",
        "extension": "s",
        "priority": "2",
        "enhanced": "0.0",
        "accountcode": "",
        "threadid": "140245210334912",
    }
    values.update(extra or {})
    return values


async def call(
    address: tuple[str, int],
    steps: list[Step],
    *,
    callerid: str = "+79161234567",
    env: dict[str, str] | None = None,
    prompts: Path,
    clock: Callable[[], float] = time.perf_counter,
) -> Heard:
    """Call the FastAGI server at ``address``: the caller follows ``steps``.

    ``env`` adds or replaces environment keys (without ``agi_``). Raises
    SimulatedCallFailed when a prompt could not be played or the server hung or never
    ended the call; what a real caller would hear is in the returned :class:`Heard`.
    """
    reader, writer = await asyncio.open_connection(*address)
    state = _Call(reader, writer, steps, prompts, clock)
    # The caller dropping the line, or the server closing the socket while Asterisk
    # writes, ends the call as a real one would end: what was heard so far stands.
    try:
        with contextlib.suppress(_Dropped, ConnectionError):
            await state.send(codec.format_environment(environment(callerid, env)))
            state.started = clock()
            await _run(state)
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()
    if state.refused:
        raise SimulatedCallFailed(
            "Asterisk could not play: "
            + "; ".join(state.refused)
            + " (transcript: "
            + " | ".join(state.heard.lines)
            + ")"
        )
    return state.heard
