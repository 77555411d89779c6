"""A phone's browser, as cheap as a load generator must be: one kept-alive HTTP/1.1
connection from an address of its own, forms posted, answers read to their last byte.

On a machine of two cores the load generator shares the CPU with the hub it measures;
httpx spends more per request than the hub spends answering a look-up, so with it the
figures said more about the client than the hub. This speaks only what the pages answer
(``Content-Length`` bodies, cookies by ``Set-Cookie``), and fails loudly on anything else.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from urllib.parse import urlencode

MAX_HEAD_LINES = 64


class PageError(ConnectionError):
    """The hub answered something a page never answers (no Content-Length, a cut answer)."""


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: str


@dataclass
class Phone:
    host: str
    port: int
    address: str
    cookies: dict[str, str] = field(default_factory=dict)
    _reader: asyncio.StreamReader | None = None
    _writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self._reader, self._writer = await asyncio.open_connection(
            self.host, self.port, local_addr=(self.address, 0)
        )

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            await self._writer.wait_closed()

    async def get(self, path: str) -> Answer:
        return await self._send("GET", path, b"")

    async def post(self, path: str, fields: dict[str, str]) -> Answer:
        return await self._send("POST", path, urlencode(fields).encode())

    async def _send(self, method: str, path: str, body: bytes) -> Answer:
        if self._reader is None or self._writer is None:
            raise PageError("open the phone's connection first")
        head = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        if self.cookies:
            head.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if body:
            head.append("Content-Type: application/x-www-form-urlencoded")
        head.append(f"Content-Length: {len(body)}")
        self._writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        status_line = await self._reader.readline()
        parts = status_line.split()
        if len(parts) < 2 or not parts[1].isdigit():
            raise PageError(f"no HTTP status line: {status_line[:40]!r}")
        length = -1
        for _ in range(MAX_HEAD_LINES):
            line = (await self._reader.readline()).decode("latin-1").rstrip("\r\n")
            if not line:
                break
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "content-length":
                length = int(value)
            elif name == "set-cookie":
                cookie, _, _ = value.partition(";")
                key, _, kept = cookie.partition("=")
                self.cookies[key.strip()] = kept.strip()
        if length < 0:
            raise PageError("an answer without Content-Length")
        try:
            payload = await self._reader.readexactly(length)
        except asyncio.IncompleteReadError as err:
            raise PageError("the answer was cut") from err
        return Answer(int(parts[1]), payload.decode("utf-8", "replace"))
