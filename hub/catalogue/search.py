"""Finding services by the words people type: "загран", "прописка", "снилс ребенку". Pure.

Every word typed must begin a word of the service's name, keywords or description
(case and "ё" aside). The kiosk has its own search with typos tolerated; this one serves
the web pages and the call centre, where people type at a keyboard.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from hub.catalogue.model import Entry
from hub.domain.branch import Service

_WORD = re.compile(r"\w+")
MAX_QUERY = 100


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("ё", "е"))


def find(query: str, found: Iterable[tuple[Service, Entry | None]]) -> list[Service]:
    """The services whose words begin with every word of ``query``, in the given order."""
    asked = words(query[:MAX_QUERY])
    if not asked:
        return [service for service, _ in found]
    matches = []
    for service, entry in found:
        texts = [service.name_ru, service.name_en]
        if entry is not None:
            texts += [entry.description_ru, entry.description_en, *entry.keywords]
        known = set(words(" ".join(texts)))
        if all(any(word.startswith(part) for word in known) for part in asked):
            matches.append(service)
    return matches
