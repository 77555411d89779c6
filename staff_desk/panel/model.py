"""What the panel shows, computed from the hub's answers (pure, no Qt, no I/O).

Every function takes protobuf messages and returns plain rows (dicts of str, int, bool)
that QML lays out. Waits are measured at the hub's own moment (``QueueState.at``), so a
panel whose clock is off still shows the waits the hall board shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from protos.okno.v1 import admin_pb2, common_pb2, staff_pb2
from staff_desk.panel.client import HallInfo
from staff_desk.panel.words import duration

Row = dict[str, object]
QUEUE_ROWS = 40
_DESK_STATE = {
    common_pb2.DESK_STATE_OPEN: "open",
    common_pb2.DESK_STATE_PAUSED: "paused",
    common_pb2.DESK_STATE_CLOSED: "closed",
}


@dataclass(frozen=True, slots=True)
class Hall:
    """The branch looked up by id: names, targets, desks in their order."""

    name: str
    timezone: str
    max_wait_s: int
    services: dict[str, admin_pb2.ServiceInfo]
    desks: list[admin_pb2.DeskInfo]
    operators: dict[str, admin_pb2.Operator]
    # Where visitors' links start, and how long an applicant's contact is kept (days after
    # the application ends; at most, after it was accepted).
    public_url: str = ""
    keep_contacts_days: int = 0
    longest_keep_days: int = 0
    priorities: dict[str, admin_pb2.PriorityCategory] = field(default_factory=dict)

    @classmethod
    def of(cls, info: HallInfo) -> Hall:
        return cls(
            info.branch.name,
            info.branch.timezone,
            info.branch.max_wait_s,
            {s.id: s for s in info.services},
            sorted(info.desks, key=lambda d: d.number),
            {o.id: o for o in info.operators},
            info.branch.public_url,
            info.branch.application_keep_contacts_days,
            info.branch.application_longest_keep_days,
            {p.id: p for p in info.priorities},
        )

    def service_name(self, service_id: str, language: str) -> str:
        service = self.services.get(service_id)
        if service is None:
            return service_id
        return service.name_en if language == "en" else service.name_ru

    def target_s(self, service_id: str) -> int:
        service = self.services.get(service_id)
        return service.target_wait_s if service is not None else self.max_wait_s

    def desk_label(self, desk_id: str, words: dict[str, str]) -> str:
        desk = next((d for d in self.desks if d.id == desk_id), None)
        if desk is None:
            return desk_id
        label = f"{words['desk']} {desk.number}"
        return f"{label} · {desk.name}" if desk.name else label

    def printer(self, desk_id: str) -> str:
        """The printer for slips handed over at the desk (its own, or the branch's), or ""."""
        desk = next((d for d in self.desks if d.id == desk_id), None)
        return desk.printer_id if desk is not None else ""

    def person(self, operator_id: str) -> str:
        operator = self.operators.get(operator_id)
        return operator.name if operator is not None else operator_id


def desk_state(desk: common_pb2.Desk) -> str:
    return _DESK_STATE.get(desk.state, "closed")


def name_key(name: str) -> tuple[str, str]:
    """Sorts names as a Russian reader expects: Ё with Е (Артём before Артур), any case.

    Code-point order puts Ё after Я; within А..Я it is the alphabet's own order.
    """
    folded = name.casefold().replace("ё", "е")
    return folded, name


def open_desks(state: common_pb2.QueueState) -> set[str]:
    return {d.id for d in state.desks if d.state == common_pb2.DESK_STATE_OPEN}


def served_now(hall: Hall, state: common_pb2.QueueState, service_id: str) -> bool:
    """Whether an open desk serves the service now, so someone will call its visitors."""
    opened = open_desks(state)
    return any(d.id in opened and service_id in d.service_weights for d in hall.desks)


def held_desk(state: common_pb2.QueueState, operator_id: str) -> common_pb2.Desk | None:
    """The desk open or on a break in the operator's name, if any."""
    return next(
        (
            d
            for d in state.desks
            if d.operator_id == operator_id and d.state != common_pb2.DESK_STATE_CLOSED
        ),
        None,
    )


def live_desk(state: common_pb2.QueueState, desk_id: str) -> common_pb2.Desk | None:
    return next((d for d in state.desks if d.id == desk_id), None)


def desk_choices(
    hall: Hall,
    state: common_pb2.QueueState,
    session: staff_pb2.StaffSession,
    words: dict[str, str],
) -> list[Row]:
    """The desks the operator may open, each free, theirs, or held by someone else."""
    rows: list[Row] = []
    for desk_id in session.desk_ids:
        desk = live_desk(state, desk_id)
        held = desk is not None and desk.state != common_pb2.DESK_STATE_CLOSED
        holder = desk.operator_id if desk is not None and held else ""
        mine = held and holder == session.operator_id
        if not held:
            status = words["free"]
        elif mine:
            status = words["yours"]
        else:
            status = words["held_by"].format(name=hall.person(holder) or "—")
        rows.append(
            {
                "id": desk_id,
                "label": hall.desk_label(desk_id, words),
                "status": status,
                "free": not held or mine,
                "mine": mine,
            }
        )
    return rows


def current_ticket(
    hall: Hall,
    state: common_pb2.QueueState,
    desk: common_pb2.Desk | None,
    words: dict[str, str],
    language: str,
) -> Row:
    """The visitor at the desk: number, service, called or serving and for how long."""
    ticket = _ticket(state, desk.current_ticket_id) if desk is not None else None
    if ticket is None:
        return {
            "has": False,
            "number": "",
            "service": "",
            "state": "",
            "text": "",
            "recalls": "",
            "paid": "",
        }
    serving = ticket.state == common_pb2.TICKET_STATE_SERVING
    since = ticket.started_at_unix_ms if serving else ticket.called_at_unix_ms
    took = duration(state.at_unix_ms - since, language)
    text = f"{words['serving' if serving else 'called']} · {took}"
    return {
        "has": True,
        "number": ticket.number,
        "service": hall.service_name(ticket.service_id, language),
        "state": "serving" if serving else "called",
        "text": text,
        "recalls": words["recalls"].format(n=ticket.recalls) if ticket.recalls else "",
        # The fee was paid at the kiosk's terminal: nothing to ask for at the desk.
        "paid": words["fee_paid"].format(id=ticket.payment_id) if ticket.payment_id else "",
    }


def queue_rows(
    hall: Hall,
    state: common_pb2.QueueState,
    desk_id: str,
    words: dict[str, str],
    language: str,
    *,
    limit: int = QUEUE_ROWS,
) -> list[Row]:
    """Who this desk may call: tickets transferred to it first, then by how long they wait."""
    config = next((d for d in hall.desks if d.id == desk_id), None)
    served = set(config.service_weights) if config is not None else set()
    waiting = [
        t
        for t in state.tickets
        if t.state == common_pb2.TICKET_STATE_WAITING
        and (t.target_desk_id == desk_id or (not t.target_desk_id and t.service_id in served))
    ]
    waiting.sort(key=lambda t: (t.target_desk_id != desk_id, t.waiting_since_unix_ms, t.id))
    rows: list[Row] = []
    for ticket in waiting[:limit]:
        waited_ms = state.at_unix_ms - ticket.waiting_since_unix_ms
        rows.append(
            {
                "id": ticket.id,
                "number": ticket.number,
                "service": hall.service_name(ticket.service_id, language),
                "wait": duration(waited_ms, language),
                "over": waited_ms > hall.target_s(ticket.service_id) * 1000,
                "here": ticket.target_desk_id == desk_id,
                "priority": bool(ticket.priority),
            }
        )
    return rows


def transfer_services(
    hall: Hall, state: common_pb2.QueueState, words: dict[str, str], language: str
) -> list[Row]:
    """Services to transfer to; those no open desk serves say so before the choice."""
    rows: list[Row] = []
    for service in hall.services.values():
        served = served_now(hall, state, service.id)
        rows.append(
            {
                "id": service.id,
                "label": f"{service.prefix} · {hall.service_name(service.id, language)}",
                "warning": "" if served else words["no_open_desk"],
            }
        )
    return rows


def transfer_desks(
    hall: Hall, state: common_pb2.QueueState, desk_id: str, words: dict[str, str]
) -> list[Row]:
    """Other desks to transfer to; a desk not open says so (nobody there calls)."""
    opened = open_desks(state)
    return [
        {
            "id": d.id,
            "label": hall.desk_label(d.id, words),
            "warning": "" if d.id in opened else words["desk_not_open"],
        }
        for d in hall.desks
        if d.id != desk_id
    ]


def figures_row(
    figures: staff_pb2.OperatorFigures | None, words: dict[str, str], language: str
) -> Row:
    if figures is None:
        return {"served": "—", "average": "—", "noShows": "—", "transferred": "—"}
    return {
        "served": str(figures.served),
        "average": duration(figures.average_service_s * 1000, language) if figures.served else "—",
        "noShows": str(figures.no_shows),
        "transferred": str(figures.transferred),
    }


def service_rows(
    hall: Hall, state: common_pb2.QueueState, words: dict[str, str], language: str
) -> list[Row]:
    """Each service's queue: how many wait, the longest wait against its target."""
    rows: list[Row] = []
    for queue in state.queues:
        target_s = hall.target_s(queue.service_id)
        prefix = hall.services[queue.service_id].prefix if queue.service_id in hall.services else ""
        rows.append(
            {
                "id": queue.service_id,
                "prefix": prefix,
                "name": hall.service_name(queue.service_id, language),
                "waiting": queue.waiting,
                "longest": duration(queue.longest_wait_s * 1000, language)
                if queue.waiting
                else "—",
                "target": duration(target_s * 1000, language),
                "over": queue.waiting > 0 and queue.longest_wait_s > target_s,
                # People wait and no open desk will call them: open one.
                "unserved": (
                    words["unserved"]
                    if queue.waiting > 0 and not served_now(hall, state, queue.service_id)
                    else ""
                ),
            }
        )
    return rows


def headline(hall: Hall, state: common_pb2.QueueState, words: dict[str, str], language: str) -> Row:
    """The hall's headline: the longest wait now, against its service's target."""
    waiting = [q for q in state.queues if q.waiting]
    if not waiting:
        return {"text": "—", "target": "", "over": False, "service": ""}
    worst = max(
        waiting, key=lambda q: (q.longest_wait_s - hall.target_s(q.service_id), q.service_id)
    )
    target_s = hall.target_s(worst.service_id)
    return {
        "text": duration(worst.longest_wait_s * 1000, language),
        "target": words["target"].format(m=duration(target_s * 1000, language)),
        "over": worst.longest_wait_s > target_s,
        "service": hall.service_name(worst.service_id, language),
    }


def desk_rows(
    hall: Hall,
    state: common_pb2.QueueState,
    staff: Sequence[staff_pb2.StaffMember],
    words: dict[str, str],
    language: str,
) -> list[Row]:
    """Every desk for the administrator: its state, who holds it, the visitor, the figures."""
    members = {m.operator_id: m for m in staff}
    rows: list[Row] = []
    for config in hall.desks:
        desk = live_desk(state, config.id)
        if desk is None:
            continue
        status = desk_state(desk)
        ticket = _ticket(state, desk.current_ticket_id)
        holder = members.get(desk.operator_id)
        rows.append(
            {
                "id": desk.id,
                "label": hall.desk_label(desk.id, words),
                "state": status,
                "stateText": words[status],
                "who": hall.person(desk.operator_id) if desk.operator_id else "",
                "ticket": ticket.number if ticket is not None else "",
                "served": str(holder.figures.served) if holder is not None else "",
                "candidates": candidates(staff, desk.id) if status == "closed" else [],
            }
        )
    return rows


def candidates(staff: Sequence[staff_pb2.StaffMember], desk_id: str) -> list[Row]:
    """Whom an administrator may open a desk for: operators holding no desk; first those who
    work there (an administrator may open any desk, so that says nothing of theirs), then
    those signed in, then by name."""
    free = [m for m in staff if "operator" in m.roles and not m.desk_id]
    free.sort(
        key=lambda m: (
            desk_id not in m.desk_ids or "administrator" in m.roles,
            not m.signed_in,
            name_key(m.name),
        )
    )
    return [{"id": m.operator_id, "name": m.name} for m in free]


def _ticket(state: common_pb2.QueueState, ticket_id: str) -> common_pb2.Ticket | None:
    if not ticket_id:
        return None
    return next((t for t in state.tickets if t.id == ticket_id), None)
