"""The page of an SMS rating link, ``/rate/<token>``: five big buttons, usable on a phone.

The token names one ticket and is signed with the hub's key (hub/ratings.py), so a link
cannot be guessed nor turned to another visitor's ticket. The page names the ticket, the
service and the desk, never the visitor.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from hub.domain.model import RatingChannel
from hub.errors import AlreadyRated, NotRatable
from hub.web.site import FormError, Web


def _web(request: Request) -> Web:
    web: Web = request.app.state.web
    return web


async def rate(request: Request) -> Response:
    web = _web(request)
    ratings = web.hub.ratings
    token = request.path_params["token"]
    ticket_id = await ratings.ticket_of(token)
    score = 0
    status = 200
    if request.method == "POST":
        fields = await web.form(request)
        try:
            score = int(fields.get("score", ""))
        except ValueError:
            raise FormError("err_invalid_request") from None
        try:
            await ratings.rate(ticket_id, score, RatingChannel.SMS)
        except AlreadyRated:
            score, status = 0, 409
    found = await ratings.facts(ticket_id)
    served = found.served
    if served is None:
        raise NotRatable("no finished service")
    lang = web.lang(request)
    desk = web.branch.desk(served.desk_id)
    return web.render(
        request,
        "rate.html",
        status=status,
        private=True,
        token=token,
        score=score,
        already=found.rated and not score,
        number=served.number,
        service=web.service_name(served.service_id, lang),
        desk=desk.number if desk is not None else served.desk_id,
    )
