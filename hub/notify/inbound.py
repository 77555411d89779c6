"""What a visitor's SMS reply asks: to stop messages, or an application's status. Pure.

"СТОП" (or STOP, ОТПИСАТЬСЯ, UNSUBSCRIBE), whatever the case and punctuation, stops
messages to the phone. An application number as people type it ("261123-017",
"261123017", "261123 017"), alone or after "СТАТУС"/"STATUS", asks its status.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hub.domain.applications import normalise_number

STOP_WORDS = frozenset({"СТОП", "STOP", "ОТПИСАТЬСЯ", "UNSUBSCRIBE"})
STATUS_WORDS = ("СТАТУС", "STATUS")


@dataclass(frozen=True, slots=True)
class Inbound:
    stop: bool = False
    # The application number asked about, canonical ("" when the reply asks none).
    number: str = ""


def read_reply(text: str) -> Inbound:
    """What ``text`` asks; neither (``Inbound()``) for anything else."""
    if re.sub(r"[^\wЁё]", "", text).upper() in STOP_WORDS:
        return Inbound(stop=True)
    asked = text.strip()
    for word in STATUS_WORDS:
        if asked[: len(word)].upper() == word:
            asked = asked[len(word) :].lstrip(" :.,-")
            break
    return Inbound(number=normalise_number(asked))
