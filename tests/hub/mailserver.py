"""aiosmtpd as the hub's mail server in tests: it keeps what it accepted, and can go down
and come back on the same port."""

from __future__ import annotations

import asyncio
import email
import socket
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class MailBox:
    """What the mail server accepted, each message as it arrived."""

    messages: list[Message] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


class MailServer:
    """aiosmtpd on a fixed loopback port, so it can go down and come back on the same one."""

    def __init__(self, box: MailBox) -> None:
        self.box = box
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._controller: Controller | None = None

    def up(self) -> None:
        self._controller = Controller(self.box, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def down(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
