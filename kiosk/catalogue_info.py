"""What the branch's catalogue says of each service: what to bring, who may apply, what one
gets, the fee and the forms; and the life situations that gather services. Pure.

The hub sends it as ``okno.v1.CatalogueInfo`` (``Catalogue.GetCatalogue``); the kiosk
keeps one :class:`Guide` and asks again with its version, so an unchanged catalogue costs
one short answer. Visitors come back a second time mostly because they did not know what
to bring: this is what the "Что взять с собой" screen and the printed checklist show.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from protos.okno.v1 import catalogue_pb2


@dataclass(frozen=True, slots=True)
class Document:
    name: str
    # "original", "copy" or "original_and_copy" (anything else is shown as an original).
    kind: str
    copies: int
    # "если есть", "для детей до 14 лет"; "" when always needed.
    conditions: str


@dataclass(frozen=True, slots=True)
class Form:
    id: str
    title: str
    # "sample" or "blank".
    kind: str


@dataclass(frozen=True, slots=True)
class Entry:
    """One service's page of the catalogue."""

    service_id: str
    description_ru: str
    description_en: str
    who_may_apply: str
    documents: tuple[Document, ...]
    result: str
    # Working days to the result; None: at once, or a consultation.
    processing_days: int | None
    fee_kopecks: int
    how_to_pay: str
    forms: tuple[Form, ...] = ()
    keywords: tuple[str, ...] = ()

    def description(self, language: str) -> str:
        return (
            self.description_en if language == "en" and self.description_en else self.description_ru
        )


@dataclass(frozen=True, slots=True)
class Situation:
    """ "Рождение ребёнка": the services a visitor needs for one event of life."""

    id: str
    name_ru: str
    name_en: str
    service_ids: tuple[str, ...]

    def name(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name_ru


@dataclass(frozen=True, slots=True)
class Guide:
    """The catalogue as the hub last sent it ("" version: none yet, or a hub without one)."""

    version: str = ""
    entries: tuple[Entry, ...] = ()
    situations: tuple[Situation, ...] = ()
    _by_id: dict[str, Entry] = field(default_factory=dict, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id.update({e.service_id: e for e in self.entries})

    def entry(self, service_id: str) -> Entry | None:
        return self._by_id.get(service_id)

    def situation(self, situation_id: str) -> Situation | None:
        return next((s for s in self.situations if s.id == situation_id), None)


def guide_from(info: catalogue_pb2.CatalogueInfo) -> Guide:
    """The hub's answer as the kiosk keeps it (an ``unchanged`` answer is not one: the
    caller keeps what it has)."""
    entries = tuple(
        Entry(
            e.service_id,
            e.description_ru,
            e.description_en,
            e.who_may_apply,
            tuple(Document(d.name, d.kind, d.copies, d.conditions) for d in e.documents),
            e.result,
            e.processing_days if e.HasField("processing_days") else None,
            e.fee_kopecks,
            e.how_to_pay,
            tuple(Form(f.id, f.title, f.kind) for f in e.forms),
            tuple(e.keywords),
        )
        for e in info.entries
    )
    situations = tuple(
        Situation(s.id, s.name_ru, s.name_en, tuple(s.service_ids)) for s in info.situations
    )
    return Guide(info.version, entries, situations)
