"""A card read at a desk, from the desk's reader to the desk's operator (docs/card_reader.md).

The reader names its desk, and the hub holds it to the reader's own ``desk`` setting
(hub.api.scope.check_device_desk); the panel asks for its desk, and only the operator
working it and administrators are answered (scope.check_holds_desk). What the reader
sends is what the kiosk's path sends: a name and the SNILS as the branch's hash.
"""

from __future__ import annotations

from hub.api import convert, scope
from hub.api.applications import message as application_message
from hub.api.doorkeeper import current
from hub.api.status import Context, rpc
from hub.desk_cards import CardAtDesk
from hub.domain.appointments import contacts
from hub.errors import InvalidRequest, UnknownDesk
from hub.service import Hub
from protos.okno.v1 import desk_cards_pb2, desk_cards_pb2_grpc

# Longer than any holder's name a card carries; more is not a name.
MAX_NAME = 200
PROFILES = ("uec", "emv")


class DeskCardsServicer(desk_cards_pb2_grpc.DeskCardsServicer):
    def __init__(self, hub: Hub) -> None:
        self._hub = hub

    @rpc
    async def Present(
        self, request: desk_cards_pb2.PresentCardRequest, context: Context
    ) -> desk_cards_pb2.PresentCardReply:
        desk_id = scope.check_device_desk(current(), request.desk_id, self._hub.loaded.branch)
        name = " ".join(request.name.split())
        if not name or len(name) > MAX_NAME:
            raise InvalidRequest(f"give the card holder's name (at most {MAX_NAME} characters)")
        if request.profile not in PROFILES:
            raise InvalidRequest(f"profile is one of {', '.join(PROFILES)}")
        now = self._hub.clock()
        self._hub.desk_cards.present(
            CardAtDesk(
                desk_id=desk_id,
                name=name,
                snils_hash=contacts.snils_hash(request.snils_hash),
                pin_verified=request.pin_verified,
                profile=request.profile,
                read_at_ms=now,
                ticket_id=self._hub.engine.desk(desk_id).current_ticket_id,
            )
        )
        return desk_cards_pb2.PresentCardReply(desk_id=desk_id)

    @rpc
    async def Withdraw(
        self, request: desk_cards_pb2.WithdrawCardRequest, context: Context
    ) -> desk_cards_pb2.PresentCardReply:
        desk_id = scope.check_device_desk(current(), request.desk_id, self._hub.loaded.branch)
        self._hub.desk_cards.withdraw(desk_id)
        return desk_cards_pb2.PresentCardReply(desk_id=desk_id)

    @rpc
    async def GetDeskCard(
        self, request: desk_cards_pb2.GetDeskCardRequest, context: Context
    ) -> desk_cards_pb2.DeskCard:
        if not request.desk_id:
            raise InvalidRequest("give the desk whose visitor by card to show")
        desk = self._hub.engine.desk(request.desk_id)
        scope.check_holds_desk(current(), desk)
        now = self._hub.clock()
        card = self._hub.desk_cards.at(desk.id, now, self._current_ticket)
        if card is None:
            return desk_cards_pb2.DeskCard(present=False, desk_id=desk.id)
        bookings, applications = [], []
        if card.snils_hash:
            calendar = self._hub.appointments.calendar
            bookings = [
                convert.booking(b, calendar)
                for b in self._hub.appointments.coming_by_card(card.snils_hash, now)
            ]
            applications = [
                application_message(self._hub, a)
                for a in await self._hub.applications.by_card(card.snils_hash)
            ]
        return desk_cards_pb2.DeskCard(
            present=True,
            desk_id=desk.id,
            name=card.name,
            pin_verified=card.pin_verified,
            profile=card.profile,
            read_at_unix_ms=card.read_at_ms,
            bookings=bookings,
            applications=applications,
        )

    def _current_ticket(self, desk_id: str) -> str | None:
        """The desk's visitor now; None when a reloaded configuration dropped the desk."""
        try:
            return self._hub.engine.desk(desk_id).current_ticket_id
        except UnknownDesk:
            return None
