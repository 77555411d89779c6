"""A simulated SMS gateway that speaks the gateway API of ``hub/notify/sms.py`` over HTTP.

It records every message it accepts, once per idempotency key, as a real gateway must,
and has fault switches: ``down()`` stops listening (connections are refused) and ``up()``
listens again on the same port; ``slow(s)`` accepts a message and answers only after
``s`` seconds (a client that gives up first retries, and gets the first answer);
``fail(500)`` answers every request with that status and accepts nothing. ``reply()``
plays a visitor answering an SMS ("СТОП") to the hub's inbound address.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from hub.webserver import WebServer

log = logging.getLogger(__name__)
PATH = "/v1/messages"
_PHONE = re.compile(r"^\+\d{10,15}$")


@dataclass(frozen=True, slots=True)
class SmsRecord:
    id: str
    to: str
    sender: str
    text: str
    key: str
    at: float


class SimulatedSmsGateway:
    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        token: str = "",
        out: Path | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.token = token
        self.out = out
        self.messages: list[SmsRecord] = []
        # Every POST seen, accepted or not: retries show here, not in messages.
        self.requests = 0
        self.mode = "up"
        self.slow_s = 0.0
        self.fail_status = 0
        self._by_key: dict[str, SmsRecord] = {}
        self._changed = asyncio.Condition()
        self._server: WebServer | None = None
        self.app = Starlette(routes=[Route(PATH, self._post, methods=["POST"])])

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}{PATH}"

    async def start(self) -> str:
        """Listen (on a free port the first time if asked for 0); the messages URL."""
        self._server = WebServer(self.app, f"{self.host}:{self.port}", grace_s=0.5)
        self.port = await self._server.start()
        self.mode = "up" if self.mode == "down" else self.mode
        return self.url

    async def stop(self) -> None:
        if self._server is not None:
            await self._server.stop(abrupt=True)
            self._server = None

    async def down(self) -> None:
        """Stop listening: connections are refused until up()."""
        await self.stop()
        self.mode = "down"
        log.info("sms gateway down")

    async def up(self) -> None:
        """Listen again on the same port, taking messages normally."""
        self.slow_s, self.fail_status = 0.0, 0
        if self._server is None:
            await self.start()
        self.mode = "up"
        log.info("sms gateway up url=%s", self.url)

    def slow(self, seconds: float) -> None:
        self.slow_s = seconds
        self.mode = "slow"

    def fail(self, status: int = 500) -> None:
        self.fail_status = status
        self.mode = f"fail {status}"

    async def wait_for(self, count: int, timeout_s: float = 10.0) -> list[SmsRecord]:
        """Wait until at least ``count`` messages were accepted; all of them."""
        async with asyncio.timeout(timeout_s), self._changed:
            await self._changed.wait_for(lambda: len(self.messages) >= count)
        return list(self.messages)

    async def reply(self, phone: str, text: str, url: str, token: str = "") -> int:
        """A visitor answers an SMS: POST {"from", "text"} to the hub; the status code."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        async with httpx.AsyncClient(timeout=5.0) as client:
            response = await client.post(url, json={"from": phone, "text": text}, headers=headers)
        return response.status_code

    async def _post(self, request: Request) -> JSONResponse:
        self.requests += 1
        if self.token and request.headers.get("authorization") != f"Bearer {self.token}":
            return JSONResponse({"error": "unknown token"}, status_code=401)
        if self.fail_status:
            return JSONResponse({"error": "simulated failure"}, status_code=self.fail_status)
        try:
            body = json.loads(await request.body())
            to, sender, text = str(body["to"]), str(body.get("from", "")), str(body["text"])
        except (ValueError, KeyError, TypeError):
            return JSONResponse({"error": "expected JSON with to and text"}, status_code=400)
        if not _PHONE.match(to) or not text:
            return JSONResponse({"error": "not a phone number an SMS can reach"}, status_code=422)
        key = request.headers.get("idempotency-key", "")
        record = self._by_key.get(key) if key else None
        if record is None:
            # Taken before answering: a retry that overtakes a slow answer finds it.
            record = SmsRecord(f"sms-{len(self.messages) + 1}", to, sender, text, key, time.time())
            if key:
                self._by_key[key] = record
            self.messages.append(record)
            self._save(record)
            async with self._changed:
                self._changed.notify_all()
            status = 201
        else:
            status = 200
        if self.slow_s:
            await asyncio.sleep(self.slow_s)
        return JSONResponse({"id": record.id, "status": "accepted"}, status_code=status)

    def _save(self, record: SmsRecord) -> None:
        if self.out is not None:
            with self.out.open("a", encoding="utf-8") as file:
                file.write(json.dumps(asdict(record), ensure_ascii=False) + "\n")
