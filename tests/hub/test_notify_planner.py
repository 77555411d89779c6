"""Which messages events call for, and their texts: pure, from tables."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from hub.domain.branch import Branch
from hub.domain.engine import QueueEngine
from hub.domain.estimate import people_ahead
from hub.domain.model import (
    Appointment,
    AppointmentState,
    Channel,
    Desk,
    Event,
    EventKind,
    Ticket,
    TicketState,
)
from hub.domain.position import position
from hub.notify.messages import Kind, render
from hub.notify.planner import Planner
from tests.hub.conftest import MINUTE, MONDAY_10_00, make_branch

AT_10_20 = MONDAY_10_00 + 20 * MINUTE


@pytest.fixture
def rules() -> Branch:
    return make_branch(
        ticket_page_url="http://hub.local:8080/t/{ticket}",
        appointments={"capacity": {"passport": 2}},
        notifications={"reminder_before_min": 10, "turn_near_ahead": 2},
    )


def booking(**changes: object) -> Appointment:
    base = Appointment(
        id=7,
        code="K7M4QX",
        service_id="passport",
        slot_ms=AT_10_20,
        seat=0,
        state=AppointmentState.BOOKED,
        channel=Channel.ONLINE,
        booked_at_ms=MONDAY_10_00,
        changed_at_ms=MONDAY_10_00,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def event(kind: EventKind, seq: int = 5, **fields: object) -> Event:
    return Event(seq=seq, at_ms=MONDAY_10_00, day="2026-11-23", kind=kind, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "keys"),
    [
        (EventKind.APPOINTMENT_BOOKED, ["booked:7", f"reminder:7:{AT_10_20}"]),
        (EventKind.APPOINTMENT_MOVED, ["moved:7:5", f"reminder:7:{AT_10_20}"]),
        (EventKind.APPOINTMENT_CANCELLED, ["cancelled:7"]),
        (EventKind.APPOINTMENT_NO_SHOW, []),
        (EventKind.APPOINTMENT_CONTACT_ERASED, []),
    ],
)
def test_booking_events_plan_messages_under_stable_keys(
    rules: Branch, kind: EventKind, keys: list[str]
) -> None:
    plan = Planner(rules).on_event(event(kind, appointment=booking()))
    assert [p.key for p in plan.messages] == keys
    assert all(p.appointment_id == 7 for p in plan.messages)


def test_a_reminder_is_due_before_the_slot_and_not_planned_when_too_late(rules: Branch) -> None:
    planner = Planner(rules)
    [_, reminder] = planner.on_event(
        event(EventKind.APPOINTMENT_BOOKED, appointment=booking())
    ).messages
    assert (reminder.kind, reminder.due_ms, reminder.expires_ms) == (
        Kind.REMINDER,
        AT_10_20 - 10 * MINUTE,
        AT_10_20,
    )
    late = replace(
        event(EventKind.APPOINTMENT_BOOKED, appointment=booking()), at_ms=AT_10_20 - 5 * MINUTE
    )
    assert [p.kind for p in planner.on_event(late).messages] == [Kind.BOOKED]


def test_a_check_in_watches_the_ticket_and_a_call_is_told(rules: Branch) -> None:
    planner = Planner(rules)
    checked = booking(state=AppointmentState.CHECKED_IN, ticket_id="2026-11-23/А001")
    plan = planner.on_event(event(EventKind.APPOINTMENT_CHECKED_IN, appointment=checked))
    assert [(w.ticket_id, w.appointment_id) for w in plan.watches] == [("2026-11-23/А001", 7)]
    engine = QueueEngine(rules, MONDAY_10_00)
    issued = engine.issue("passport", MONDAY_10_00)
    assert issued.ticket is not None
    desk = Desk("d1", 1, "Окно 1", ("passport",))
    called = planner.on_event(event(EventKind.TICKET_CALLED, 9, ticket=issued.ticket, desk=desk))
    [message] = called.messages
    assert (message.key, message.params) == (
        "called:2026-11-23/А001:9",
        {"number": "А001", "desk": 1},
    )


def test_turn_near_once_few_enough_are_ahead(rules: Branch) -> None:
    engine = QueueEngine(rules, MONDAY_10_00)
    tickets = [engine.issue("passport", MONDAY_10_00 + i).ticket for i in range(5)]
    assert all(t is not None for t in tickets)
    watched = {tickets[4].id}  # type: ignore[union-attr]
    planner = Planner(rules)
    assert planner.turn_near(engine.snapshot(MONDAY_10_00 + 10), watched) == []
    engine.open_desk("d1", MONDAY_10_00 + 20)
    engine.call_next("d1", MONDAY_10_00 + 30)
    engine.start("d1", MONDAY_10_00 + 40)
    engine.finish("d1", MONDAY_10_00 + 50)
    engine.call_next("d1", MONDAY_10_00 + 60)
    [near] = planner.turn_near(engine.snapshot(MONDAY_10_00 + 70), watched)
    assert near.key == f"near:{tickets[4].id}:passport"  # type: ignore[union-attr]
    assert near.params["ahead"] == 2 and near.params["wait_known"] is True


def test_people_ahead_counts_those_called_first() -> None:
    branch = make_branch()
    engine = QueueEngine(branch, MONDAY_10_00)

    def issued(at_ms: int, **priority: Any) -> Ticket:
        ticket = engine.issue("passport", at_ms, **priority).ticket
        assert ticket is not None
        return ticket

    regular = [issued(MONDAY_10_00 + i) for i in range(3)]
    early = issued(MONDAY_10_00 + 5, priority="appointment", priority_from_ms=AT_10_20)
    urgent = issued(MONDAY_10_00 + 6, priority="disabled")
    snapshot = engine.snapshot(MONDAY_10_00 + 10)
    now = snapshot.at_ms
    ahead = [people_ahead(snapshot.tickets, t, now) for t in (*regular, early, urgent)]
    assert ahead == [1, 2, 3, 4, 0]
    assert position(snapshot, regular[0]).known is False
    assert people_ahead(snapshot.tickets, replace(regular[0], state=TicketState.DONE), now) == 0


@pytest.mark.parametrize(
    ("kind", "params", "lang", "starts"),
    [
        (
            Kind.BOOKED,
            {
                "service": "passport",
                "slot_ms": AT_10_20,
                "check_in_from_ms": AT_10_20 - 15 * MINUTE,
                "check_in_until_ms": AT_10_20 + 10 * MINUTE,
            },
            "ru",
            "Вы записаны на 23.11 10:20: Паспорт. Код записи K7M4QX. Отметьтесь в терминале "
            "МФЦ с 10:05 до 10:30.",
        ),
        (Kind.CALLED, {"number": "А001", "desk": 4}, "en", "Ticket А001: please go to desk 4."),
        (
            Kind.TURN_NEAR,
            {"number": "Б002", "ahead": 2, "wait_s": 0, "wait_known": False},
            "ru",
            "Талон Б002: перед вами 2 чел., ожидание уточняется. Подходите к залу.",
        ),
    ],
)
def test_texts(
    rules: Branch, kind: Kind, params: dict[str, object], lang: str, starts: str
) -> None:
    text = render(kind, params, branch=rules, lang=lang, code="K7M4QX", stop_url="http://x/stop/a")
    assert text.body.startswith(starts)
    assert text.body.endswith("http://x/stop/a")


def test_senders_follow_the_configuration() -> None:
    from hub.notify.senders import senders_for

    assert senders_for(make_branch()) == []
    both = make_branch(
        notifications={
            "sms_url": "http://127.0.0.1:9025/v1/messages",
            "smtp_url": "smtp+starttls://mail.example.ru",
        }
    )
    found = senders_for(both, {"OKNO_SMS_TOKEN": "t"})
    assert [s.channel for s in found] == ["sms", "email"]
    with pytest.raises(ValueError, match="smtp_url"):
        make_branch(notifications={"smtp_url": "http://mail.example.ru"})
