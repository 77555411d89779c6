"""What the panel's screens show, computed from what it knows, without Qt or a hub."""

from __future__ import annotations

from dataclasses import replace

from protos.okno.v1 import staff_pb2
from staff_desk.panel.client import Picture
from staff_desk.panel.values import PanelNow, screen_values
from tests.staff_desk.test_panel_model import NOW, RU, desks_open, hall


def at_open_desk() -> PanelNow:
    state = desks_open("d1")
    state.desks[0].operator_id = "ivanova"
    return PanelNow(
        language="ru",
        large=False,
        hall=hall(),
        session=staff_pb2.StaffSession(operator_id="ivanova", name="Анна Иванова"),
        picture=Picture(state, None, None),
        screen="work",
        desk_id="d1",
        clock_ms=NOW,
        link="ok",
        busy=False,
        message="",
        message_kind="",
        transfer_open=False,
    )


def test_an_idle_open_desk_may_call_only_while_the_hub_answers_and_nothing_is_on_its_way() -> None:
    now = at_open_desk()
    assert screen_values(now, RU)["canCall"] is True
    assert screen_values(replace(now, busy=True), RU)["canCall"] is False
    lost = screen_values(replace(now, link="lost"), RU)
    assert not any(value for key, value in lost.items() if key.startswith("can"))


def test_the_clock_is_the_branchs_and_no_staff_list_is_offered() -> None:
    values = screen_values(at_open_desk(), RU)
    assert values["clock"] == "10:00"  # Moscow, whatever the machine's zone
    assert "operators" not in values  # the hub lists its staff to administrators only
    assert values["deskState"] == "open"
