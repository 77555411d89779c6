"""Search as people type on a touchscreen: partial words, missed, doubled, wrong and swapped
letters. Pure; the index is built once when the catalogue arrives, so a keystroke only
looks words up.

Why no library: rapidfuzz (the well-kept one) is not among the kiosk's dependencies, and
scoring every word of a 500-service catalogue against the query on each keystroke would
be slow in pure Python anyway. Instead each word of the catalogue is indexed with every
string it becomes when one or two letters are deleted (the "symmetric delete" idea of
SymSpell): a query word with a typo shares one of those strings with the word it meant,
so candidates come from dictionary look-ups and only they are measured (optimal string
alignment: a swap of two neighbours counts as one edit).

A service is found when every query word (but short joining words: "для", "и", "of")
matches one of its words. Its score adds up, for each query word, how close the best
match is (exact, the beginning of a word, letters inside it, one or two edits off)
times where that word stands (the name, a keyword, a document to bring, the
description); ties keep the catalogue's order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

_WORD = re.compile(r"[0-9a-zа-я]+")
# Joining words: matched if present, never required.
STOP = frozenset((
    "и", "в", "во", "на", "для", "по", "о", "об", "с", "со", "к", "ко", "от", "до", "из",
    "за", "у", "а", "или", "the", "a", "an", "of", "for", "and", "to", "in", "on", "by", "or",
))  # fmt: skip

# Where a word stands in a service's page.
NAME = 1.0
KEYWORD = 0.9
DOCUMENT = 0.6
DESCRIPTION = 0.4
# How close a query word is to the catalogue's word.
EXACT = 1.0
PREFIX = 0.85
INFIX = 0.75
ONE_OFF = 0.7
PREFIX_OFF = 0.6
TWO_OFF = 0.5
# Query words this short or shorter are matched exactly or as a beginning, never fuzzily:
# "ин" one edit off is half the dictionary.
SHORT = 3
# Typed letters matched inside a word from this length on.
INFIX_FROM = 2
# Typed beginnings of a word matched with one typo from this length on.
FUZZY_PREFIX_FROM = 4
CACHED_QUERIES = 128


def normalise(text: str) -> str:
    """Lower case, "ё" as "е", anything but letters and digits as one space."""
    return " ".join(_WORD.findall(text.lower().replace("ё", "е")))


def words_of(text: str) -> list[str]:
    return normalise(text).split()


def allowed_edits(length: int) -> int:
    """Typos forgiven in a word of ``length`` letters: none in short words, one in a
    word up to six letters, two beyond."""
    if length <= SHORT:
        return 0
    return 1 if length <= 6 else 2


def deletes(word: str, depth: int) -> set[str]:
    """Every string ``word`` becomes with up to ``depth`` letters deleted (itself included)."""
    found = {word}
    edge = {word}
    for _ in range(depth):
        edge = {w[:i] + w[i + 1 :] for w in edge for i in range(len(w))} - found
        found |= edge
    return found


def edits(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance of ``a`` and ``b``; ``limit + 1`` once above it."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] = []
    row = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            best = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                best = min(best, before[j - 2] + 1)
            current[j] = best
        if min(current) > limit:
            return limit + 1
        before, row = row, current
    return row[-1]


class SearchIndex:
    """The words of each item (a service) with their weights, indexed for typos.

    ``items``: for each item, its texts with the weight of where they stand.
    """

    def __init__(self, items: Sequence[Iterable[tuple[str, float]]]) -> None:
        # word -> {item: the best weight it stands at in that item}
        self._postings: dict[str, dict[int, float]] = {}
        for n, texts in enumerate(items):
            for text, weight in texts:
                for word in words_of(text):
                    posting = self._postings.setdefault(word, {})
                    posting[n] = max(weight, posting.get(n, 0.0))
        self._words = tuple(self._postings)
        self._prefixes: dict[str, list[str]] = {}
        self._deleted: dict[str, list[str]] = {}
        self._prefix_deleted: dict[str, list[str]] = {}
        for word in self._postings:
            for end in range(1, len(word)):
                self._prefixes.setdefault(word[:end], []).append(word)
            for variant in deletes(word, allowed_edits(len(word))):
                self._deleted.setdefault(variant, []).append(word)
            for end in range(FUZZY_PREFIX_FROM, len(word)):
                for variant in deletes(word[:end], 1):
                    self._prefix_deleted.setdefault(variant, []).append(word)
        # A query retyped (an erased letter typed again) is answered from this cache.
        self.search = lru_cache(maxsize=CACHED_QUERIES)(self.find)

    def matches(self, typed: str) -> dict[str, float]:
        """The catalogue's words a typed word may mean, each with how close it is."""
        found: dict[str, float] = {}

        def note(word: str, closeness: float) -> None:
            if closeness > found.get(word, 0.0):
                found[word] = closeness

        if typed in self._postings:
            note(typed, EXACT)
        for word in self._prefixes.get(typed, ()):
            note(word, PREFIX)
        if len(typed) >= INFIX_FROM:
            # Inside a word ("паспорт" in "загранпаспорт"): one pass of C's substring test.
            for word in self._words:
                if typed in word and word not in found:
                    note(word, INFIX)
        depth = allowed_edits(len(typed))
        if depth:
            for variant in deletes(typed, depth):
                for word in self._deleted.get(variant, ()):
                    if word not in found:
                        distance = edits(typed, word, depth)
                        if distance <= depth:
                            note(word, ONE_OFF if distance == 1 else TWO_OFF)
        if len(typed) >= FUZZY_PREFIX_FROM:
            for variant in deletes(typed, 1):
                for word in self._prefix_deleted.get(variant, ()):
                    if word not in found and _begins_nearly(typed, word):
                        note(word, PREFIX_OFF)
        return found

    def find(self, query: str) -> tuple[int, ...]:
        """The items found for ``query``, best first."""
        typed = words_of(query)
        required = [w for w in typed if w not in STOP] or typed
        if not required:
            return ()
        scores: dict[int, float] | None = None
        for word in required:
            best = self._scored(word)
            scores = (
                best if scores is None else {n: s + best[n] for n, s in scores.items() if n in best}
            )
            if not scores:
                return ()
        assert scores is not None
        for word in typed:
            if word not in required:
                for n, score in self._scored(word).items():
                    if n in scores:
                        scores[n] += score
        return tuple(sorted(scores, key=lambda n: (-round(scores[n], 6), n)))

    def _scored(self, typed: str) -> dict[int, float]:
        """Each item's best match of one typed word."""
        best: dict[int, float] = {}
        for word, closeness in self.matches(typed).items():
            for n, weight in self._postings[word].items():
                score = closeness * weight
                if score > best.get(n, 0.0):
                    best[n] = score
        return best


def _begins_nearly(typed: str, word: str) -> bool:
    """``typed`` is the beginning of ``word`` with one typo (a letter missed, added, wrong
    or swapped)."""
    length = len(typed)
    return any(edits(typed, word[:end], 1) <= 1 for end in (length - 1, length, length + 1))
