"""What every screen of the operator panel shows at one moment, as the values QML reads.

The view-model gathers what it knows (the branch, the session, the hub's picture, the
link and the message) into a :class:`PanelNow`; :func:`screen_values` turns it into the
values behind the view's properties, pure, so the rules of what is shown and which
button is enabled hold without Qt.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from protos.okno.v1 import common_pb2, staff_pb2
from staff_desk.panel import model
from staff_desk.panel.client import Picture
from staff_desk.panel.model import Hall


@dataclass(frozen=True, slots=True)
class PanelNow:
    """What the panel knows now: the screens are computed from this alone."""

    language: str
    large: bool
    hall: Hall | None
    session: staff_pb2.StaffSession | None
    picture: Picture | None
    screen: str
    desk_id: str
    clock_ms: int
    link: str
    busy: bool
    message: str
    message_kind: str
    transfer_open: bool


def screen_values(now: PanelNow, words: dict[str, str]) -> dict[str, object]:
    """The value behind each of the view's properties, by its QML name."""
    w, language = words, now.language
    hall, session, picture = now.hall, now.session, now.picture
    state = picture.state if picture is not None else common_pb2.QueueState()
    roles = list(session.roles) if session is not None else []
    desk_id = now.desk_id
    desk = model.live_desk(state, desk_id) if desk_id else None
    current: dict[str, object] = (
        model.current_ticket(hall, state, desk, w, language) if hall is not None else {"has": False}
    )
    desk_state = model.desk_state(desk) if desk is not None else "closed"
    open_idle = desk_state == "open" and not current.get("has")
    ready = now.link == "ok" and not now.busy
    called = current.get("state") == "called"
    values: dict[str, object] = {
        "screen": now.screen,
        "labels": w,
        "large": now.large,
        "branch": hall.name if hall is not None else "",
        "clock": clock_text(hall, now.clock_ms),
        "link": now.link,
        "busy": now.busy,
        "message": now.message,
        "messageKind": now.message_kind,
        "operatorName": session.name if session is not None else "",
        "isAdmin": "administrator" in roles,
        "isOperator": "operator" in roles,
        "desks": (
            model.desk_choices(hall, state, session, w)
            if hall is not None and session is not None and picture is not None
            else []
        ),
        "deskId": desk_id,
        "deskLabel": hall.desk_label(desk_id, w) if hall is not None and desk_id else "",
        "deskState": desk_state,
        "deskStateText": w[desk_state],
        "current": current,
        "queue": (
            model.queue_rows(hall, state, desk_id, w, language)
            if hall is not None and desk_id
            else []
        ),
        "figures": model.figures_row(picture.figures if picture is not None else None, w, language),
        "transferOpen": now.transfer_open and bool(current.get("has")),
        "transferTitle": w["transfer_title"].format(ticket=current.get("number", "")),
        "transferServices": (model.transfer_services(hall, state, w, language) if hall else []),
        "transferDesks": model.transfer_desks(hall, state, desk_id, w) if hall else [],
        "canAct": ready,
        "canCall": ready and open_idle,
        "canRecall": ready and called,
        "canStart": ready and called,
        "canFinish": ready and current.get("state") == "serving",
        "canNoShow": ready and called,
        "canTransfer": ready and bool(current.get("has")),
        "canBreak": ready and open_idle,
        "canResume": ready and desk_state == "paused",
        "canClose": ready and desk_state != "closed" and not current.get("has"),
        "headline": (
            model.headline(hall, state, w, language)
            if hall is not None
            else {"text": "—", "target": "", "over": False, "service": ""}
        ),
        "serviceRows": model.service_rows(hall, state, w, language) if hall else [],
        "deskRows": (
            model.desk_rows(hall, state, picture.staff or [], w, language)
            if hall is not None and picture is not None
            else []
        ),
    }
    return values


def clock_text(hall: Hall | None, clock_ms: int) -> str:
    """The time of day in the branch's zone (the machine's until the branch is known)."""
    moment = datetime.fromtimestamp(clock_ms / 1000, UTC)
    if hall is not None and hall.timezone:
        moment = moment.astimezone(ZoneInfo(hall.timezone))
    return f"{moment:%H:%M}"
