"""Domain values to okno.v1 messages; the only place that knows both."""

from __future__ import annotations

from collections.abc import Callable

from hub.domain.appointments import SlotCalendar, SlotView, contacts
from hub.domain.model import (
    Appointment,
    AppointmentState,
    Channel,
    Desk,
    DeskState,
    Event,
    EventKind,
    ServiceQueue,
    Snapshot,
    Ticket,
    TicketState,
    WaitEstimate,
)
from protos.okno.v1 import appointments_pb2, common_pb2, feed_pb2

_TICKET_STATES = {
    TicketState.WAITING: common_pb2.TICKET_STATE_WAITING,
    TicketState.CALLED: common_pb2.TICKET_STATE_CALLED,
    TicketState.SERVING: common_pb2.TICKET_STATE_SERVING,
    TicketState.DONE: common_pb2.TICKET_STATE_DONE,
    TicketState.NO_SHOW: common_pb2.TICKET_STATE_NO_SHOW,
    TicketState.CANCELLED: common_pb2.TICKET_STATE_CANCELLED,
}
_DESK_STATES = {
    DeskState.CLOSED: common_pb2.DESK_STATE_CLOSED,
    DeskState.OPEN: common_pb2.DESK_STATE_OPEN,
    DeskState.PAUSED: common_pb2.DESK_STATE_PAUSED,
}
_EVENT_KINDS = {kind: feed_pb2.EventKind.Value(f"EVENT_KIND_{kind.name}") for kind in EventKind}
_BOOKING_STATES = {
    state: appointments_pb2.BookingState.Value(f"BOOKING_STATE_{state.name}")
    for state in AppointmentState
}
_CHANNELS = {
    channel: appointments_pb2.BookingChannel.Value(f"BOOKING_CHANNEL_{channel.name}")
    for channel in Channel
}
_CHANNELS_BACK = {number: channel for channel, number in _CHANNELS.items()}


def ticket(value: Ticket, *, named: bool = False) -> common_pb2.Ticket:
    """A ticket, with the visitor's name only when ``named``: hub.api.scope.sees_names
    says who may read it, and nobody else gets it by default."""
    return common_pb2.Ticket(
        id=value.id,
        number=value.number,
        service_id=value.service_id,
        state=_TICKET_STATES[value.state],
        desk_id=value.desk_id,
        target_desk_id=value.target_desk_id,
        priority=value.priority,
        recalls=value.recalls,
        day=value.day,
        issued_at_unix_ms=value.issued_at_ms,
        waiting_since_unix_ms=value.waiting_since_ms,
        called_at_unix_ms=value.called_at_ms,
        started_at_unix_ms=value.started_at_ms,
        finished_at_unix_ms=value.finished_at_ms,
        priority_from_unix_ms=value.priority_from_ms,
        visitor_name=value.visitor_name if named else "",
        payment_id=value.payment_id,
        priority_claimed=value.priority_claimed,
    )


def desk(value: Desk) -> common_pb2.Desk:
    return common_pb2.Desk(
        id=value.id,
        number=value.number,
        name=value.name,
        state=_DESK_STATES[value.state],
        operator_id=value.operator_id,
        current_ticket_id=value.current_ticket_id,
        service_ids=value.service_ids,
    )


def estimate(value: WaitEstimate) -> common_pb2.WaitEstimate:
    return common_pb2.WaitEstimate(
        people_ahead=value.people_ahead,
        estimated_wait_s=value.wait_s,
        known=value.known,
        reason=value.reason,
    )


def service_queue(value: ServiceQueue) -> common_pb2.ServiceQueue:
    return common_pb2.ServiceQueue(
        service_id=value.service_id,
        waiting=value.waiting,
        longest_wait_s=value.longest_wait_s,
        estimate=estimate(value.estimate),
    )


def _nobody(_: Ticket) -> bool:
    return False


def snapshot(
    value: Snapshot, *, named: Callable[[Ticket], bool] = _nobody
) -> common_pb2.QueueState:
    """The queue's state; a visitor's name only on the tickets ``named`` lets through."""
    return common_pb2.QueueState(
        sequence=value.seq,
        day=value.day,
        at_unix_ms=value.at_ms,
        tickets=[ticket(t, named=named(t)) for t in value.tickets],
        desks=[desk(d) for d in value.desks],
        queues=[service_queue(q) for q in value.queues],
    )


def event(value: Event) -> feed_pb2.Event:
    """An event for the hall feed, which public boards show.

    Without ``detail``: an operator's transfer comment or cancellation reason may name a
    person, and the hall is public (152-FZ: show as little as possible). Without the
    ticket's ``visitor_name`` for the same reason.
    """
    message = feed_pb2.Event(
        sequence=value.seq, at_unix_ms=value.at_ms, kind=_EVENT_KINDS[value.kind]
    )
    if value.ticket is not None:
        message.ticket.CopyFrom(ticket(value.ticket))
    if value.desk is not None:
        message.desk.CopyFrom(desk(value.desk))
    return message


def slot(value: SlotView) -> appointments_pb2.Slot:
    return appointments_pb2.Slot(
        service_id=value.slot.service_id,
        start_unix_ms=value.slot.start_ms,
        end_unix_ms=value.slot.end_ms,
        day=value.slot.day.isoformat(),
        time=value.slot.time,
        capacity=value.capacity,
        free=value.free,
    )


def booking(value: Appointment, calendar: SlotCalendar) -> appointments_pb2.Booking:
    """A booking for its holder: the code, the slot in local time, the contact half hidden."""
    opens, closes = calendar.check_in_window(value.slot_ms)
    local = calendar.local(value.slot_ms)
    return appointments_pb2.Booking(
        code=value.code,
        service_id=value.service_id,
        slot_start_unix_ms=value.slot_ms,
        slot_end_unix_ms=value.slot_ms + calendar.rules.slot_min * 60_000,
        day=local.date().isoformat(),
        time=f"{local:%H:%M}",
        state=_BOOKING_STATES[value.state],
        channel=_CHANNELS[value.channel],
        booked_at_unix_ms=value.booked_at_ms,
        check_in_from_unix_ms=opens,
        check_in_until_unix_ms=closes,
        ticket_id=value.ticket_id,
        phone_hint=contacts.phone_hint(value.phone),
        email_hint=contacts.email_hint(value.email),
    )


def channel(value: appointments_pb2.BookingChannel.ValueType) -> Channel | None:
    """The channel a request names; None when it names none."""
    return _CHANNELS_BACK.get(value)
