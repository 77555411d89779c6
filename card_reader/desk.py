"""The visitor for the operator at the desk the reader stands at: the hub's DeskCards.

A reader enrolled with a ``desk`` setting (``okno provision config card_reader-SN
desk=desk-03``) sends each visitor it identifies to the hub for that desk, and the card's
removal after; the hub shows them to that desk's operator only, and refuses a desk that
is not the reader's own. What is sent is the :class:`~card_reader.identity.Visitor` and
nothing more: the name, the SNILS as the branch's hash, whether the PIN was checked.
"""

from __future__ import annotations

import logging

import grpc

from card_reader.identity import Visitor
from protos.okno.v1 import desk_cards_pb2, desk_cards_pb2_grpc

log = logging.getLogger(__name__)
TIMEOUT_S = 3.0


class DeskSink:
    """An :class:`~card_reader.agent.IdentitySink` that tells the hub, for the reader's desk."""

    def __init__(self, channel: grpc.aio.Channel, *, timeout_s: float = TIMEOUT_S) -> None:
        """``channel``: the reader's own to the hub's device port (mutual TLS)."""
        self._stub = desk_cards_pb2_grpc.DeskCardsStub(channel)
        self._timeout_s = timeout_s
        self.desk = ""

    def configure(self, config: dict[str, str]) -> None:
        """The hub's settings: ``desk``, the desk this reader stands at ("" for none)."""
        self.desk = config.get("desk", "").strip()
        log.info("settings taken desk=%s", self.desk or "none")

    async def identified(self, visitor: Visitor) -> None:
        if not self.desk:
            log.warning(
                "visitor not sent: this reader has no desk setting "
                "(okno provision config DEVICE desk=desk-03)"
            )
            return
        request = desk_cards_pb2.PresentCardRequest(
            desk_id=self.desk,
            name=visitor.name,
            snils_hash=visitor.snils_hash,
            pin_verified=visitor.pin_verified,
            profile=visitor.profile,
        )
        await self._stub.Present(request, timeout=self._timeout_s)
        log.info("visitor sent desk=%s", self.desk)

    async def withdrawn(self) -> None:
        if self.desk:
            request = desk_cards_pb2.WithdrawCardRequest(desk_id=self.desk)
            await self._stub.Withdraw(request, timeout=self._timeout_s)
            log.info("card removal sent desk=%s", self.desk)
