"""The visitor whose card was read at a desk's reader, kept in memory for that desk alone.

A card at the desk is for the operator who serves its holder now, not for a record: the
hub keeps it per desk in this process only (never the database, the event log or the hall
feed), and forgets it when the card is taken out, when the desk's current visitor changes
(the next call, a close), or ``keep_ms`` after the read by the hub's clock. Every look
sweeps all desks, so a forgotten card is gone from memory, not only hidden.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)
# Long enough for a visit at the desk; a card left in the reader longer is read again
# when it is next inserted.
KEEP_MS = 15 * 60_000


@dataclass(frozen=True, slots=True, repr=False)
class CardAtDesk:
    """What the reader sent: a name for the operator and the SNILS only as the branch's hash.

    ``ticket_id`` is the desk's current visitor when the card was read ("" for none):
    another one there later means the card's holder has gone.
    """

    desk_id: str
    name: str
    snils_hash: str
    pin_verified: bool
    profile: str
    read_at_ms: int
    ticket_id: str

    def __repr__(self) -> str:
        return f"CardAtDesk({self.desk_id!r}, profile={self.profile!r}, at={self.read_at_ms})"


class DeskCards:
    def __init__(self, keep_ms: int = KEEP_MS) -> None:
        self._keep_ms = keep_ms
        self._at: dict[str, CardAtDesk] = {}

    def present(self, card: CardAtDesk) -> None:
        """The card just read at its desk replaces whatever that desk had."""
        self._at[card.desk_id] = card
        log.info("card at desk desk=%s profile=%s", card.desk_id, card.profile)

    def withdraw(self, desk_id: str) -> None:
        if self._at.pop(desk_id, None) is not None:
            log.info("card forgotten desk=%s reason=removed", desk_id)

    def at(
        self, desk_id: str, now_ms: int, current: Callable[[str], str | None]
    ) -> CardAtDesk | None:
        """The card at ``desk_id``, if still current; ``current(desk)`` is the desk's
        current ticket id now (None: the branch has no such desk any more). Cards of every
        desk past their time are forgotten here."""
        for desk, card in list(self._at.items()):
            reason = self._stale(card, now_ms, current(desk))
            if reason:
                del self._at[desk]
                log.info("card forgotten desk=%s reason=%s", desk, reason)
        return self._at.get(desk_id)

    def _stale(self, card: CardAtDesk, now_ms: int, ticket_id: str | None) -> str:
        if now_ms - card.read_at_ms >= self._keep_ms:
            return "timeout"
        if ticket_id != card.ticket_id:
            return "next_visitor"
        return ""

    def __len__(self) -> int:
        return len(self._at)
