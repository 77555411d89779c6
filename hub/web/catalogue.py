"""The service catalogue's pages: browse by life situation and group, search, one service
in full with its forms, for visitors (``/services``) and for the call centre
(``/operator/catalogue``, behind the staff sign-in), and the forms' PDFs (``/forms``).

Everything shown comes from the region's file and is autoescaped by the templates.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from hub.catalogue import Catalogue, Entry, Form, find
from hub.catalogue.checklist import rubles
from hub.catalogue.search import MAX_QUERY
from hub.domain.branch import Branch, Service
from hub.errors import UnknownForm, UnknownService
from hub.web.site import SECURITY_HEADERS, Web

# A form changes only with the file: phones may keep it an hour.
FORM_MAX_AGE_S = 3600
OPERATOR_LINK = "/operator/catalogue?service="


@dataclass(frozen=True, slots=True)
class Shelf:
    """A heading and the services under it (a life situation, a group, search results)."""

    title: str
    services: list[Service]


@dataclass(frozen=True, slots=True)
class Page:
    """One service as the page shows it."""

    service: Service
    entry: Entry | None
    forms: list[Form]
    fee: str
    bookable: bool


def _web(request: Request) -> Web:
    web: Web = request.app.state.web
    return web


async def services(request: Request) -> Response:
    """The visitors' catalogue: a search box, life situations, every service by group."""
    return _listing(request, "catalogue.html", "/services/")


async def operator(request: Request) -> Response:
    """The call centre's catalogue: the same, and one service in full with ``?service=``."""
    web = _web(request)
    web.call_centre(request)
    asked = request.query_params.get("service", "")
    if not asked:
        return _listing(request, "operator_catalogue.html", OPERATOR_LINK)
    return web.render(
        request, "operator_catalogue.html", page=_page(web, asked), link=OPERATOR_LINK
    )


async def service(request: Request) -> Response:
    """One service in full: description, who, documents, result, time, fee, forms."""
    web = _web(request)
    return web.render(
        request, "catalogue_entry.html", page=_page(web, request.path_params["service"])
    )


async def form(request: Request) -> Response:
    """A form's PDF, as checked when the catalogue was loaded."""
    web = _web(request)
    found = web.hub.catalogue.forms.get(request.path_params["form"])
    if found is None:
        raise UnknownForm("no such form in the catalogue")
    return Response(
        found.pdf,
        media_type="application/pdf",
        headers=SECURITY_HEADERS
        | {
            "content-disposition": f'inline; filename="{found.info.id}.pdf"',
            "cache-control": f"public, max-age={FORM_MAX_AGE_S}",
            "etag": f'"{found.sha256[:32]}"',
        },
    )


def _listing(request: Request, template: str, link: str) -> Response:
    """``link`` + a service's id is where its page is."""
    web = _web(request)
    lang = web.lang(request)
    branch, catalogue = web.branch, web.hub.catalogue
    query = request.query_params.get("q", "").strip()[:MAX_QUERY]
    situation = request.query_params.get("situation", "")
    chosen = _situations(branch, catalogue, lang, situation) if situation else []
    return web.render(
        request,
        template,
        link=link,
        query=query,
        results=_search(branch, catalogue, query) if query else None,
        # The situations as links to each; the one chosen with its services.
        situation_links=[] if query or situation else _situation_links(catalogue, lang),
        situations=chosen,
        groups=[] if query or situation else _groups(web, branch, lang),
        empty=not catalogue.entries,
    )


def _situation_links(catalogue: Catalogue, lang: str) -> list[tuple[str, str]]:
    return [(s.id, s.name_en if lang == "en" else s.name_ru) for s in catalogue.situations]


def _search(branch: Branch, catalogue: Catalogue, query: str) -> list[Service]:
    return find(query, [(s, catalogue.entries.get(s.id)) for s in branch.services])


def _situations(branch: Branch, catalogue: Catalogue, lang: str, only: str) -> list[Shelf]:
    """The situation ``only`` with its services ([] for an unknown id)."""
    shelves = []
    for situation in catalogue.situations:
        if situation.id != only:
            continue
        found = [branch.service(service_id) for service_id in situation.services]
        shelves.append(
            Shelf(
                situation.name_en if lang == "en" else situation.name_ru,
                [s for s in found if s is not None],
            )
        )
    return shelves


def _groups(web: Web, branch: Branch, lang: str) -> list[Shelf]:
    shelves = [
        Shelf(
            group.name_en if lang == "en" else group.name_ru,
            [s for s in branch.services if s.group == group.id],
        )
        for group in branch.groups
    ]
    other = [s for s in branch.services if s.group is None]
    if other:
        shelves.append(Shelf(web.t(lang, "cat_other"), other))
    return [shelf for shelf in shelves if shelf.services]


def _page(web: Web, service_id: str) -> Page:
    branch, catalogue = web.branch, web.hub.catalogue
    found = branch.service(service_id)
    if found is None:
        raise UnknownService("no such service at this branch")
    entry = catalogue.entries.get(service_id)
    fee = (entry.fee_kopecks or 0) if entry is not None else found.fee_kopecks
    return Page(
        found,
        entry,
        catalogue.forms_of(entry) if entry is not None else [],
        rubles(fee) if fee else "",
        bool(branch.appointments.capacity.get(service_id)),
    )
