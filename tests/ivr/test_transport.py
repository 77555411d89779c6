"""One call's socket over real TCP on 127.0.0.1: the environment, replies, hang-ups, limits."""

from __future__ import annotations

import asyncio
import socket
import struct
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from ivr import codec
from ivr.codec import Status
from ivr.errors import AgiProtocolError, CallEnded
from ivr.transport import LINE_LIMIT, Transport

ENV = codec.format_environment(
    {"network": "yes", "request": "agi://127.0.0.1/okno", "callerid": "+79161234567"}
)


@dataclass
class Link:
    """The server's transport and the raw socket of the Asterisk on the other end."""

    transport: Transport
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter

    async def heard(self) -> str:
        return (await asyncio.wait_for(self.reader.readline(), 2)).decode()


@pytest.fixture
async def link() -> AsyncIterator[Link]:
    accepted: asyncio.Queue[Transport] = asyncio.Queue()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await accepted.put(Transport(reader, writer))

    server = await asyncio.start_server(handle, "127.0.0.1", 0, limit=LINE_LIMIT)
    async with server:
        reader, writer = await asyncio.open_connection(*server.sockets[0].getsockname()[:2])
        transport = await asyncio.wait_for(accepted.get(), 2)
        yield Link(transport, reader, writer)
        writer.close()
        await transport.close()


async def test_the_environment_is_read_up_to_its_empty_line(link: Link) -> None:
    link.writer.write(ENV.encode() + b"200 result=0\n")
    env = await link.transport.read_environment(2.0)
    assert (env.request, env.callerid) == ("agi://127.0.0.1/okno", "+79161234567")
    reply = await link.transport.command("ANSWER")
    assert await link.heard() == "ANSWER\n"
    assert (reply.status, reply.result) == (Status.OK, "0")


async def test_a_silent_peer_is_refused_after_the_timeout(link: Link) -> None:
    link.writer.write(b"agi_request: agi://x/okno\n")
    with pytest.raises(AgiProtocolError, match=r"no whole environment block within 0\.2 s"):
        await link.transport.read_environment(0.2)


async def test_a_malformed_block_is_refused(link: Link) -> None:
    link.writer.write(b"GET / HTTP/1.1\nHost: okno\n\n")
    with pytest.raises(AgiProtocolError, match=r"line 1 .* is not 'agi_<name>: <value>'"):
        await link.transport.read_environment(2.0)


async def test_an_endless_block_is_refused_without_reading_it_all(link: Link) -> None:
    link.writer.write(ENV.encode()[:-1] + b"".join(b"agi_x%d: y\n" % n for n in range(5000)))
    with pytest.raises(AgiProtocolError, match="over 200 lines"):
        await link.transport.read_environment(2.0)


async def test_a_line_over_the_limit_is_refused(link: Link) -> None:
    link.writer.write(b"agi_request: " + b"x" * (2 * LINE_LIMIT))
    with pytest.raises(AgiProtocolError, match=f"longer than {LINE_LIMIT} bytes"):
        await link.transport.read_environment(2.0)


async def test_eof_before_the_environment_ends_the_call(link: Link) -> None:
    link.writer.write(b"agi_request: agi://x/okno\n")
    link.writer.close()
    with pytest.raises(CallEnded, match="closed the connection"):
        await link.transport.read_environment(2.0)


async def _ready(link: Link) -> None:
    link.writer.write(ENV.encode())
    await link.transport.read_environment(2.0)


async def test_hangup_in_place_of_a_reply_ends_the_call_and_every_later_command(link: Link) -> None:
    await _ready(link)
    link.writer.write(b"HANGUP\n")
    with pytest.raises(CallEnded, match="hung up"):
        await link.transport.command("WAIT FOR DIGIT", "6000")
    assert link.transport.ended
    with pytest.raises(CallEnded, match="already ended"):
        await link.transport.command("ANSWER")


async def test_eof_mid_command_ends_the_call(link: Link) -> None:
    await _ready(link)
    command = asyncio.create_task(link.transport.command("STREAM FILE", "/p/a", ""))
    assert await link.heard() == 'STREAM FILE /p/a ""\n'
    link.writer.write(b"200 res")  # half a reply, then the socket closes
    link.writer.close()
    with pytest.raises(CallEnded, match="closed the connection"):
        await command


async def test_a_reset_mid_command_ends_the_call(link: Link) -> None:
    await _ready(link)
    command = asyncio.create_task(link.transport.command("WAIT FOR DIGIT", "6000"))
    assert await link.heard() == "WAIT FOR DIGIT 6000\n"
    raw: socket.socket = link.writer.get_extra_info("socket")
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    link.writer.transport.abort()  # RST, not FIN
    with pytest.raises(CallEnded):
        await command


async def test_a_usage_answer_is_read_whole(link: Link) -> None:
    await _ready(link)
    link.writer.write(codec.format_usage("Usage: WAIT FOR DIGIT <timeout>").encode())
    link.writer.write(b"200 result=0\n")
    reply = await link.transport.command("WAIT FOR DIGIT")
    assert (reply.status, reply.usage) == (Status.USAGE, ("Usage: WAIT FOR DIGIT <timeout>",))
    assert (await link.transport.command("ANSWER")).result == "0"


async def test_an_endless_usage_answer_is_refused(link: Link) -> None:
    await _ready(link)
    link.writer.write(codec.USAGE_FIRST.encode() + b"\n" + b"more\n" * 100)
    with pytest.raises(AgiProtocolError, match="520 answer runs over 50 lines"):
        await link.transport.command("ANSWER")


async def test_a_reply_that_is_not_utf8_is_refused(link: Link) -> None:
    await _ready(link)
    link.writer.write(b"200 result=\xff\xfe\n")
    with pytest.raises(AgiProtocolError, match="not UTF-8"):
        await link.transport.command("ANSWER")
