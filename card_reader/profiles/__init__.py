"""Card profiles: what okno reads from one kind of card, and how.

A profile is data and a little logic over the generic ISO 7816 layer: it says whether
the card holds its application (:meth:`~card_reader.profiles.base.Profile.select`) and
reads the holder from it (:meth:`~card_reader.profiles.base.Profile.read`). The reader
tries its profiles in order; a card none of them selects is an
:class:`~card_reader.errors.UnknownCard`. Adding a card is adding a profile here.
"""

from __future__ import annotations

from card_reader.profiles.base import Profile
from card_reader.profiles.emv import EmvProfile
from card_reader.profiles.uec import UecProfile


def default_profiles() -> list[Profile]:
    """UEC identification first (it identifies a person), then bank cards (a name only)."""
    return [UecProfile(), EmvProfile()]
