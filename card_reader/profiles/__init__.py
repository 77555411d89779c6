"""Card profiles: what okno reads from one kind of card, and how.

A profile is data and a little logic over the generic ISO 7816 layer: it says whether
the card holds its application (:meth:`Profile.select`) and reads the holder from it
(:meth:`Profile.read`). The reader tries its profiles in order; a card none of them
selects is an :class:`~card_reader.errors.UnknownCard`. Adding a card is adding a profile.
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


def default_profiles() -> list[Profile]:
    """UEC identification first (it identifies a person), then bank cards (a name only)."""
    from card_reader.profiles.emv import EmvProfile
    from card_reader.profiles.uec import UecProfile

    return [UecProfile(), EmvProfile()]
