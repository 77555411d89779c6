"""What every card profile is, and the one step they all take: selecting an application.

The profiles import this module and the registry in ``card_reader.profiles`` imports the
profiles, so the shared part lives below both and the arrows only point down.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from card_reader import codec
from card_reader.channel import CardChannel
from card_reader.identity import BankCardHolder, Identity
from card_reader.pin import PinEntry

PinEntryFactory = Callable[[], PinEntry]


class Profile(Protocol):
    name: str

    def select(self, channel: CardChannel) -> bytes | None:
        """Select the profile's application; its FCI, or None when the card has none."""
        ...

    def read(
        self, channel: CardChannel, fci: bytes, pin_entry: PinEntryFactory
    ) -> tuple[Identity | BankCardHolder, bool]:
        """The holder, and whether the holder's PIN was verified on the way."""
        ...


def select_application(
    channel: CardChannel, aid: bytes, *, skip: frozenset[int] = frozenset()
) -> bytes | None:
    """SELECT ``aid`` by name: its FCI, None when the card says it has no such application.

    Cards say so in more ways than 6A82 (see :func:`card_reader.codec.not_this_application`);
    each means "try the next one", never a broken card, as do the status words in ``skip``.
    Other refusals are raised typed.
    """
    response = channel.exchange(codec.select_aid(aid))
    if codec.not_this_application(response.sw) or response.sw in skip:
        return None
    return codec.check(response).data
