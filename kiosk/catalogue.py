"""What the kiosk offers: the branch's services in groups, their waits, and search. Pure.

The groups come from the branch configuration (``[[groups]]``), the waits from the hub's
queue state, what each service asks and gives from the hub's catalogue (a
:class:`~kiosk.catalogue_info.Guide`, with its life situations). Search forgives what
people type on a touchscreen: case, "ё" for "е", word order, either language's name
("паспорт", "passport", "загран"), partial words and typos ("пасспорт", "загрн"), over
names, keywords, the documents to bring and the descriptions (catalogue_search.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from kiosk.catalogue_info import Guide
from kiosk.catalogue_search import DESCRIPTION, DOCUMENT, KEYWORD, NAME, SearchIndex, normalise
from kiosk.claims import Category

OTHER_GROUP = ""
# A life situation listed like a group: its id in the kiosk's lists ("life:birth").
SITUATION = "life:"


@dataclass(frozen=True, slots=True)
class Service:
    id: str
    prefix: str
    name_ru: str
    name_en: str
    group_id: str = OTHER_GROUP
    # A state fee paid at the kiosk's terminal (0: free), and its purpose for the payment.
    fee_kopecks: int = 0
    fee_purpose: str = ""

    def name(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name_ru


@dataclass(frozen=True, slots=True)
class Group:
    id: str
    name_ru: str
    name_en: str

    def name(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name_ru


@dataclass(frozen=True, slots=True)
class Wait:
    """The current wait of a service: people waiting and the hub's estimate in minutes."""

    people: int
    minutes: int
    # False when no open desk serves the service: nobody can tell the wait.
    known: bool


@dataclass(frozen=True, slots=True)
class Catalogue:
    branch_name: str
    timezone: str
    services: tuple[Service, ...]
    groups: tuple[Group, ...] = ()
    # Where a visitor follows a ticket; "{ticket}" becomes the ticket's id. Empty: unknown.
    ticket_page_url: str = ""
    # The hub's digest of the branch configuration: a change reloads the catalogue.
    digest: str = ""
    # Days a visitor's phone is kept after the visit's day (said on the phone keypad).
    keep_contacts_days: int = 0
    # The service booked to collect ready documents ("" none): the look-up offers it.
    collect_service: str = ""
    # The priority categories a visitor may claim here (steps/claims.py); none: no step.
    categories: tuple[Category, ...] = ()
    # What each service asks and gives, and the life situations (empty: none sent yet).
    guide: Guide = field(default_factory=Guide)
    _by_id: dict[str, Service] = field(default_factory=dict, init=False, compare=False, repr=False)
    _index: list[SearchIndex] = field(default_factory=list, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id.update({s.id: s for s in self.services})
        self._index.append(SearchIndex([self._searched(s) for s in self.services]))

    def _searched(self, service: Service) -> list[tuple[str, float]]:
        """A service's texts for search, each with the weight of where it stands."""
        texts = [(service.name_ru, NAME), (service.name_en, NAME), (service.prefix, NAME)]
        texts += [
            (s.name_ru, KEYWORD) for s in self.guide.situations if service.id in s.service_ids
        ]
        entry = self.guide.entry(service.id)
        if entry is not None:
            texts += [(word, KEYWORD) for word in entry.keywords]
            texts += [(d.name, DOCUMENT) for d in entry.documents]
            texts += [(entry.description_ru, DESCRIPTION), (entry.description_en, DESCRIPTION)]
            texts.append((entry.result, DESCRIPTION))
        return texts

    @property
    def index(self) -> SearchIndex:
        """The search's index, built when the catalogue arrived."""
        return self._index[0]

    def service(self, service_id: str) -> Service | None:
        return self._by_id.get(service_id)

    def group(self, group_id: str) -> Group | None:
        """A group of the home screen, or a life situation (``SITUATION`` + its id)."""
        shown = self.situations() if group_id.startswith(SITUATION) else self.shown_groups()
        return next((g for g in shown if g.id == group_id), None)

    def in_group(self, group_id: str) -> list[Service]:
        if group_id.startswith(SITUATION):
            situation = self.guide.situation(group_id.removeprefix(SITUATION))
            named = situation.service_ids if situation else ()
            return [s for sid in named if (s := self.service(sid)) is not None]
        return [s for s in self.services if s.group_id == group_id]

    def situations(self) -> list[Group]:
        """The life situations with a service of this branch, listed like groups."""
        return [
            Group(f"{SITUATION}{s.id}", s.name_ru, s.name_en)
            for s in self.guide.situations
            if any(sid in self._by_id for sid in s.service_ids)
        ]

    def shown_groups(self) -> list[Group]:
        """Groups with at least one service, in the configuration's order; "other" last."""
        used = {s.group_id for s in self.services}
        shown = [g for g in self.groups if g.id in used]
        if OTHER_GROUP in used or any(
            s.group_id not in {g.id for g in shown} for s in self.services
        ):
            shown.append(Group(OTHER_GROUP, "Другие услуги", "Other services"))
        return shown

    def search(self, text: str) -> list[Service]:
        """Services matching every typed word (typos forgiven), the best first."""
        return [self.services[n] for n in self.index.search(normalise(text))]


def grouped(
    services: Iterable[Service], groups: Iterable[Group], names: Mapping[str, tuple[str, str]]
) -> tuple[tuple[Service, ...], tuple[Group, ...]]:
    """Services with their groups named: from the hub, else from ``names``, else a stand-in.

    A group the hub names no name for (older hubs send only group ids) takes the kiosk's
    setting ``group_<id>`` ("Имя|Name"), and failing that the first service's name, so a
    visitor never sees a bare identifier.
    """
    services = tuple(services)
    known = {g.id: g for g in groups}
    for service in services:
        gid = service.group_id
        if gid == OTHER_GROUP or gid in known:
            continue
        if gid in names:
            ru, en = names[gid]
        else:
            ru, en = f"{service.name_ru} и другие", f"{service.name_en} and more"
        known[gid] = Group(gid, ru, en)
    order = [g.id for g in groups] + [s.group_id for s in services]
    ordered = tuple(known[gid] for gid in dict.fromkeys(order) if gid in known)
    return services, ordered
