"""What the AGI layers' tests share: prompt files made with espeak-ng, and a FastAGI server
on 127.0.0.1 that runs one test script per call over the real transport and driver."""

from __future__ import annotations

import asyncio
import hashlib
import subprocess
import wave
from array import array
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ivr import codec
from ivr.driver import Channel
from ivr.line import AgiLine, Clip
from ivr.sim.asterisk import environment
from ivr.transport import LINE_LIMIT, Transport

ESPEAK_RATE = 22_050


def _to_8khz(frames: bytes) -> bytes:
    """22,050 Hz -> 8,000 Hz by linear interpolation: enough for a prompt the sim checks."""
    source = array("h", frames)
    step = ESPEAK_RATE / 8_000
    out = array("h")
    for index in range(int((len(source) - 1) / step)):
        position = index * step
        low = int(position)
        fraction = position - low
        out.append(round(source[low] * (1 - fraction) + source[low + 1] * fraction))
    return out.tobytes()


def write_wav(path: Path, frames: bytes, *, rate: int = 8_000, channels: int = 1) -> None:
    """A PCM WAV of 16-bit ``frames``."""
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(frames)


class Clips:
    """Prompt files as the voice engineer's ``Prompts`` lays them out: ``<hash>.wav`` at
    8 kHz and the text in ``<hash>.txt``; each text synthesised once per test session."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def __call__(self, text: str) -> str:
        base = self.directory / hashlib.sha256(text.encode()).hexdigest()[:24]
        if not base.with_suffix(".wav").exists():
            spoken = base.with_suffix(".espeak")
            subprocess.run(
                ["espeak-ng", "-v", "ru", "-s", "150", "-w", str(spoken), text], check=True
            )
            with wave.open(str(spoken), "rb") as reader:
                frames = reader.readframes(reader.getnframes())
            write_wav(base.with_suffix(".wav"), _to_8khz(frames))
            base.with_suffix(".txt").write_text(text, encoding="utf-8")
            spoken.unlink()
        return str(base)


@dataclass
class Outcome:
    """What the server's script returned or raised on one call."""

    value: object = None
    error: BaseException | None = None
    done: asyncio.Event = field(default_factory=asyncio.Event)


Script = Callable[[AgiLine, Channel], Awaitable[object]]


@asynccontextmanager
async def fastagi(script: Script, clip: Clip) -> AsyncIterator[tuple[tuple[str, int], Outcome]]:
    """A FastAGI server on a free port running ``script`` on each call; its outcome."""
    outcome = Outcome()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        transport = Transport(reader, writer)
        try:
            env = await transport.read_environment(2.0)
            channel = Channel(transport, env)
            outcome.value = await script(AgiLine(channel, clip), channel)
        except Exception as err:  # the test asserts on it
            outcome.error = err
        finally:
            await transport.close()
            outcome.done.set()

    server = await asyncio.start_server(handle, "127.0.0.1", 0, limit=LINE_LIMIT)
    async with server:
        port = server.sockets[0].getsockname()[1]
        yield ("127.0.0.1", port), outcome


def session_clips(factory: pytest.TempPathFactory) -> Clips:
    """Prompt files shared by every test of the session (espeak-ng runs once per text)."""
    directory = factory.getbasetemp() / "agi-prompts"
    directory.mkdir(exist_ok=True)
    return Clips(directory)


async def scripted_call(address: tuple[str, int], replies: list[str]) -> list[str]:
    """A raw Asterisk that answers each command with the next of ``replies`` (as written,
    newlines included) and returns the commands it got: for answers the sim never gives."""
    reader, writer = await asyncio.open_connection(*address)
    writer.write(codec.format_environment(environment("+79161234567")).encode())
    commands = []
    for reply in replies:
        line = await asyncio.wait_for(reader.readline(), 2)
        if not line:
            break
        commands.append(line.decode().rstrip("\n"))
        writer.write(reply.encode())
    writer.close()
    return commands
