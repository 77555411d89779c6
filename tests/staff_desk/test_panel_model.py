"""What the panel shows, computed from the hub's messages (pure): tables of cases."""

from __future__ import annotations

import pytest

from hub.errors import HubError, NoPin, PinTooShort, TooManyAttempts, WrongPin
from protos.okno.v1 import admin_pb2, common_pb2, staff_pb2
from staff_desk.panel.client import HallInfo
from staff_desk.panel.model import (
    Hall,
    current_ticket,
    desk_choices,
    headline,
    name_key,
    queue_rows,
    service_rows,
    transfer_desks,
    transfer_services,
)
from staff_desk.panel.words import duration, words

MINUTE = 60_000
NOW = 1_795_417_200_000
RU = words("ru")
WAITING = common_pb2.TICKET_STATE_WAITING


def hall() -> Hall:
    return Hall.of(
        HallInfo(
            admin_pb2.Branch(id="b", name="МФЦ", timezone="Europe/Moscow", max_wait_s=900),
            [
                admin_pb2.ServiceInfo(
                    id="passport", prefix="А", name_ru="Паспорт", target_wait_s=900
                ),
                admin_pb2.ServiceInfo(id="snils", prefix="Г", name_ru="СНИЛС", target_wait_s=1200),
                admin_pb2.ServiceInfo(id="egrn", prefix="И", name_ru="ЕГРН", target_wait_s=900),
            ],
            [
                admin_pb2.DeskInfo(id="d1", number=1, service_weights={"passport": 1, "snils": 1}),
                admin_pb2.DeskInfo(
                    id="d2", number=2, name="Росреестр", service_weights={"egrn": 1}
                ),
            ],
            [admin_pb2.Operator(id="ivanova", name="Анна Иванова", roles=["operator"])],
        )
    )


def ticket(
    number: str, service: str, waited_min: float, target_desk: str = ""
) -> common_pb2.Ticket:
    return common_pb2.Ticket(
        id=f"2026-11-23/{number}",
        number=number,
        service_id=service,
        state=WAITING,
        target_desk_id=target_desk,
        waiting_since_unix_ms=NOW - int(waited_min * MINUTE),
    )


@pytest.mark.parametrize(
    ("ms", "language", "text"),
    [
        (0, "ru", "0 мин"),
        (59_999, "ru", "0 мин"),
        (14 * MINUTE, "ru", "14 мин"),
        (65 * MINUTE, "ru", "1 ч 05 мин"),
        (-5 * MINUTE, "ru", "0 мин"),
        (125 * MINUTE, "en", "2 h 05 min"),
    ],
)
def test_durations(ms: int, language: str, text: str) -> None:
    assert duration(ms, language) == text


def test_a_desk_sees_tickets_sent_to_it_first_then_its_services_by_wait() -> None:
    state = common_pb2.QueueState(
        at_unix_ms=NOW,
        tickets=[
            ticket("А001", "passport", 16),
            ticket("Г001", "snils", 19),
            ticket("И001", "egrn", 30),  # not served at desk 1
            ticket("И002", "egrn", 2, target_desk="d1"),  # sent to desk 1
            ticket("А002", "passport", 40, target_desk="d2"),  # sent to another desk
        ],
    )
    rows = queue_rows(hall(), state, "d1", RU, "ru")
    assert [(r["number"], r["over"], r["here"]) for r in rows] == [
        ("И002", False, True),
        ("Г001", False, False),  # 19 minutes, its target is 20
        ("А001", True, False),
    ]
    assert rows[2]["wait"] == "16 мин"


def test_the_headline_is_the_wait_furthest_over_its_target() -> None:
    queues = [
        common_pb2.ServiceQueue(service_id="passport", waiting=3, longest_wait_s=17 * 60),
        common_pb2.ServiceQueue(service_id="snils", waiting=1, longest_wait_s=19 * 60),
        common_pb2.ServiceQueue(service_id="egrn", waiting=0, longest_wait_s=0),
    ]
    state = common_pb2.QueueState(at_unix_ms=NOW, queues=queues)
    top = headline(hall(), state, RU, "ru")
    assert (top["text"], top["service"], top["over"]) == ("17 мин", "Паспорт", True)
    rows = {r["id"]: r for r in service_rows(hall(), state, RU, "ru")}
    assert (rows["snils"]["over"], rows["egrn"]["longest"]) == (False, "—")
    calm = common_pb2.QueueState(queues=[common_pb2.ServiceQueue(service_id="egrn")])
    assert headline(hall(), calm, RU, "ru")["text"] == "—"


def test_desk_choices_say_free_yours_or_whose() -> None:
    state = common_pb2.QueueState(
        desks=[
            common_pb2.Desk(id="d1", state=common_pb2.DESK_STATE_PAUSED, operator_id="ivanova"),
            common_pb2.Desk(id="d2", state=common_pb2.DESK_STATE_OPEN, operator_id="ivanova"),
        ]
    )
    mine = staff_pb2.StaffSession(operator_id="ivanova", desk_ids=["d1", "d2"])
    other = staff_pb2.StaffSession(operator_id="petrov", desk_ids=["d1"])
    assert [(c["status"], c["free"]) for c in desk_choices(hall(), state, mine, RU)] == [
        ("ваше", True),
        ("ваше", True),
    ]
    assert desk_choices(hall(), state, other, RU)[0]["status"] == "занято: Анна Иванова"
    assert desk_choices(hall(), common_pb2.QueueState(), other, RU)[0] == {
        "id": "d1",
        "label": "Окно 1",
        "status": "свободно",
        "free": True,
        "mine": False,
    }


def test_the_operator_sees_that_the_visitors_fee_was_paid_at_the_kiosk() -> None:
    serving = common_pb2.TICKET_STATE_SERVING
    paid = common_pb2.Ticket(
        id="2026-11-23/П001", number="П001", service_id="passport", state=serving, payment_id=7
    )
    unpaid = common_pb2.Ticket(
        id="2026-11-23/А001", number="А001", service_id="passport", state=serving
    )
    for shown, expected in ((paid, "пошлина оплачена, платёж № 7"), (unpaid, "")):
        state = common_pb2.QueueState(at_unix_ms=NOW, tickets=[shown])
        desk = common_pb2.Desk(id="d1", current_ticket_id=shown.id)
        assert current_ticket(hall(), state, desk, RU, "ru")["paid"] == expected


def test_names_sort_as_a_russian_reader_expects() -> None:
    names = ["Юлия Павлова", "Артур Белов", "артём козлов", "Семенова Анна", "Ёлкин Пётр", "Ян"]
    assert sorted(names, key=name_key) == [
        "артём козлов",
        "Артур Белов",
        "Ёлкин Пётр",
        "Семенова Анна",
        "Юлия Павлова",
        "Ян",
    ]


def desks_open(*open_ids: str) -> common_pb2.QueueState:
    return common_pb2.QueueState(
        at_unix_ms=NOW,
        desks=[
            common_pb2.Desk(
                id=d,
                state=common_pb2.DESK_STATE_OPEN if d in open_ids else common_pb2.DESK_STATE_CLOSED,
            )
            for d in ("d1", "d2")
        ],
        queues=[
            common_pb2.ServiceQueue(service_id="passport", waiting=2, longest_wait_s=60),
            common_pb2.ServiceQueue(service_id="egrn", waiting=1, longest_wait_s=60),
            common_pb2.ServiceQueue(service_id="snils", waiting=0),
        ],
    )


def test_a_transfer_where_no_open_desk_calls_is_marked_before_it_is_chosen() -> None:
    state = desks_open("d1")
    services = {r["id"]: r["warning"] for r in transfer_services(hall(), state, RU, "ru")}
    assert services == {"passport": "", "snils": "", "egrn": "нет открытых окон"}
    desks = {r["id"]: r["warning"] for r in transfer_desks(hall(), state, "d1", RU)}
    assert desks == {"d2": "окно не открыто"}
    opened = desks_open("d1", "d2")
    assert all(not r["warning"] for r in transfer_services(hall(), opened, RU, "ru"))


def test_the_hall_flags_people_waiting_with_no_open_desk() -> None:
    rows = {r["id"]: r["unserved"] for r in service_rows(hall(), desks_open("d1"), RU, "ru")}
    assert rows == {"passport": "", "egrn": "ждут, а открытых окон нет", "snils": ""}
    nobody = {r["id"]: r["unserved"] for r in service_rows(hall(), desks_open(), RU, "ru")}
    assert nobody["passport"] and nobody["egrn"] and not nobody["snils"]


@pytest.mark.parametrize("refusal", [WrongPin, NoPin, PinTooShort, TooManyAttempts])
def test_every_refusal_of_a_sign_in_is_said_in_russian(refusal: type[HubError]) -> None:
    assert f"error_{refusal.code}" in RU
