"""The kiosk's behaviour without Qt or a hub: taps, answers, timeouts, the technician."""

from __future__ import annotations

import pytest

from kiosk.core import Screen
from kiosk.flow import PENDING_GUARD_S, KioskFlow
from kiosk.settings import KioskSettings
from kiosk.states import Printer, PrintState
from kiosk.ticket import Issued
from tests.hub.conftest import MONDAY_10_00
from tests.kiosk.scenes import PIN, PIN_HASH, WAITS, Clock, Requests, Speaker, catalogue


def make(**settings: str) -> tuple[KioskFlow, Requests, Speaker, Clock]:
    clock, requests, speaker = Clock(), Requests(), Speaker()
    config = {"printer": "ticket_printer-P-1", **settings}
    flow = KioskFlow(
        KioskSettings().updated(config),
        requests,
        speaker,
        clock=clock,
        new_id=iter(f"request-{n}" for n in range(1, 1000)).__next__,
    )
    flow.set_catalogue(catalogue())
    flow.set_waits(WAITS, MONDAY_10_00)
    return flow, requests, speaker, clock


def shown(flow: KioskFlow) -> Screen:
    """The screen now (a call, so that type checkers do not carry it across actions)."""
    return flow.screen


def printer(flow: KioskFlow) -> Printer:
    return flow.printer


def answer(flow: KioskFlow, request_id: str, number: str = "А001", **changes: object) -> Issued:
    fields: dict[str, object] = {
        "request_id": request_id,
        "ticket_id": f"2026-11-23/{number}",
        "number": number,
        "service_id": "passport",
        "people_ahead": 2,
        "wait_minutes": 9,
        "wait_known": True,
        "job_id": 5,
        "print_state": PrintState.SENDING,
    }
    fields.update(changes)
    issued = Issued(**fields)  # type: ignore[arg-type]
    flow.issued(issued)
    return issued


def to_group(flow: KioskFlow) -> None:
    flow.lists.open_group("documents")
    assert shown(flow) is Screen.GROUP


def test_a_kiosk_starts_home_only_once_it_has_the_catalogue_and_the_hub() -> None:
    flow = KioskFlow(KioskSettings(), Requests(), Speaker())
    assert shown(flow) is Screen.STARTING
    flow.set_link(False)
    assert shown(flow) is Screen.OUT
    flow.set_catalogue(catalogue())
    assert shown(flow) is Screen.OUT
    flow.set_waits(WAITS, MONDAY_10_00)
    assert shown(flow) is Screen.HOME


def test_a_double_tap_sends_one_request_and_locks_the_screen() -> None:
    flow, requests, _, _ = make()
    to_group(flow)
    flow.tap_service("passport")
    flow.tap_service("passport")
    flow.tap_service("foreign-passport")
    flow.back()
    flow.toggle_language()
    assert requests.sent == [("ticket", "request-1", "passport", "ticket_printer-P-1")]
    assert flow.busy
    assert shown(flow) is Screen.GROUP
    assert flow.language == "ru"
    answer(flow, "request-1")
    assert shown(flow) is Screen.TICKET
    assert not flow.busy


def test_a_number_is_shown_only_for_the_request_waited_for() -> None:
    flow, _, _, clock = make()
    to_group(flow)
    flow.tap_service("passport")
    answer(flow, "someone-else")
    assert shown(flow) is Screen.GROUP and flow.ticket is None
    clock.advance(PENDING_GUARD_S + 1)
    flow.tick()
    assert shown(flow) is Screen.OUT
    answer(flow, "request-1")
    assert flow.ticket is None, "a late answer to an abandoned request must not be shown"


def test_the_hub_lost_turns_visitor_screens_out_of_service_but_keeps_a_ticket_shown() -> None:
    flow, _, _, _ = make()
    to_group(flow)
    flow.set_link(False)
    assert shown(flow) is Screen.OUT
    flow.lists.open_group("documents")
    assert shown(flow) is Screen.OUT
    flow.set_waits(WAITS, MONDAY_10_00)
    assert shown(flow) is Screen.HOME
    to_group(flow)
    flow.tap_service("passport")
    answer(flow, "request-1")
    flow.set_link(False)
    assert shown(flow) is Screen.TICKET
    flow.unreachable("request-1")
    assert shown(flow) is Screen.TICKET


def test_a_request_without_answer_is_out_of_service_not_a_number() -> None:
    flow, requests, _, _ = make()
    to_group(flow)
    flow.tap_service("passport")
    flow.unreachable(requests.last_id)
    assert shown(flow) is Screen.OUT
    assert flow.ticket is None


def test_paper_out_is_learnt_from_an_answer_and_said_before_the_next_tap() -> None:
    flow, requests, _, _ = make()
    assert printer(flow) is Printer.UNKNOWN
    to_group(flow)
    flow.tap_service("passport")
    answer(flow, requests.last_id, print_state=PrintState.FAILED, print_error="paper out")
    assert printer(flow) is Printer.PAPER_OUT
    flow.home()
    to_group(flow)
    flow.tap_service("passport")
    answer(flow, requests.last_id, "А002", job_id=6)
    assert printer(flow) is Printer.READY
    flow.print_update(6, PrintState.FAILED, "printer disconnected")
    assert printer(flow) is Printer.DOWN
    assert flow.ticket is not None and flow.ticket.print_state is PrintState.FAILED


def test_without_a_printer_tickets_are_shown_and_nothing_is_asked_to_print() -> None:
    flow, requests, _, _ = make(printer="")
    assert printer(flow) is Printer.NONE
    to_group(flow)
    flow.tap_service("passport")
    assert requests.sent[-1][3] == ""
    flow.set_printer(Printer.PAPER_OUT, "paper out")
    assert printer(flow) is Printer.NONE


def test_a_refusal_is_explained_and_back_returns_to_the_list() -> None:
    flow, requests, speaker, _ = make(voice="on")
    flow.lists.open_group("property")
    flow.tap_service("property")  # with voice on, the first tap tells
    assert requests.sent == []
    assert "Регистрация недвижимости" in speaker.texts[-1]
    assert "Нажмите ещё раз" in speaker.texts[-1]
    flow.tap_service("property")
    message = 'tickets for "property" are issued today from 08:00 to 19:30'
    flow.set_waits(WAITS, MONDAY_10_00 + 9 * 3_600_000 + 45 * 60_000)
    flow.refused(requests.last_id, "branch_closed", {"message": message})
    assert shown(flow) is Screen.NOTICE
    assert speaker.texts[-1].startswith("Талоны на эту услугу сегодня выдавались до 19:30")
    flow.back()
    assert shown(flow) is Screen.GROUP and flow.lists.group_id == "property"


def test_before_opening_the_same_refusal_says_from_when() -> None:
    flow, requests, speaker, _ = make(voice="on")
    flow.set_waits(WAITS, MONDAY_10_00 - 2 * 3_600_000 - 30 * 60_000)  # 07:30
    flow.lists.open_group("documents")
    flow.tap_service("passport")
    flow.tap_service("passport")
    message = 'tickets for "passport" are issued today from 08:00 to 20:00'
    flow.refused(requests.last_id, "branch_closed", {"message": message})
    assert speaker.texts[-1].startswith("Талоны на эту услугу выдаются с 08:00")


def test_a_mistyped_code_stays_on_the_keypad_and_other_refusals_explain() -> None:
    flow, requests, _, _ = make()
    flow.checkin.open()
    for key in "k7m4qxz":
        flow.checkin.key(key)
    assert flow.checkin.code == "K7M4QX"
    flow.checkin.submit()
    assert requests.sent[-1][:3] == ("checkin", "request-1", "K7M4QX")
    flow.refused("request-1", "unknown_code", {})
    assert (shown(flow), flow.checkin.error) == (Screen.CHECKIN, "unknown_code")
    flow.erase()
    assert flow.checkin.code == "K7M4Q" and flow.checkin.error == ""
    flow.checkin.key("X")
    flow.checkin.submit()
    flow.refused("request-2", "check_in_too_early", {"time": "10:20", "opens": "10:05"})
    assert shown(flow) is Screen.NOTICE
    flow.back()
    assert shown(flow) is Screen.CHECKIN and flow.checkin.code == ""


def test_a_short_code_is_not_sent() -> None:
    flow, requests, _, _ = make()
    flow.checkin.open()
    for key in "K7M4":
        flow.checkin.key(key)
    flow.checkin.submit()
    assert requests.sent == []


def test_left_alone_the_kiosk_goes_home_and_forgets_the_visitors_choices() -> None:
    flow, _, _, clock = make(idle_s="30", result_s="10")
    flow.toggle_language()
    flow.toggle_large()
    to_group(flow)
    flow.touch()
    clock.advance(29)
    flow.tick()
    assert shown(flow) is Screen.GROUP
    clock.advance(2)
    flow.tick()
    assert shown(flow) is Screen.HOME
    assert (flow.language, flow.large, flow.voice) == ("ru", False, False)


def test_a_ticket_stays_for_result_s_then_the_kiosk_is_ready_for_the_next() -> None:
    flow, requests, _, clock = make(result_s="10", language="en")
    flow.toggle_language()
    to_group(flow)
    flow.tap_service("passport")
    answer(flow, requests.last_id)
    clock.advance(9.5)
    flow.tick()
    assert shown(flow) is Screen.TICKET
    clock.advance(1)
    flow.tick()
    assert shown(flow) is Screen.HOME
    assert flow.ticket is None
    assert flow.language == "en"


def test_home_with_a_visitors_choices_is_reset_too() -> None:
    flow, _, _, clock = make(idle_s="20")
    flow.toggle_large()
    clock.advance(21)
    flow.tick()
    assert not flow.large


def test_voice_guidance_speaks_screens_the_ticket_and_keys() -> None:
    flow, requests, speaker, _ = make()
    flow.toggle_voice()
    assert speaker.texts == [
        "Озвучивание включено. Выберите услугу на экране. Если вы записаны на приём, "
        "нажмите кнопку «Я записан на приём» внизу экрана."
    ]
    to_group(flow)
    assert speaker.texts[-1] == "Паспорта и документы. Выберите услугу."
    flow.tap_service("passport")
    flow.tap_service("passport")
    answer(flow, requests.last_id, "А012", people_ahead=3, wait_minutes=25)
    assert speaker.texts[-1] == (
        "Ваш талон А ноль двенадцать. Перед вами три человека. Ожидание около двадцати "
        "пяти минут. Возьмите талон из принтера внизу."
    )
    flow.home()
    flow.checkin.open()
    flow.checkin.key("K")
    assert speaker.texts[-1] == "ка"


def test_english_is_spoken_in_english() -> None:
    flow, _, speaker, _ = make(voice="on")
    flow.toggle_language()
    assert speaker.texts[-1].startswith("Choose a service on the screen.")


def test_the_technician_gets_out_only_with_the_pin() -> None:
    flow, _, _, _ = make(technician_pin=PIN_HASH)
    for _ in range(4):
        flow.technician.corner()
    assert shown(flow) is Screen.HOME
    flow.technician.corner()
    assert shown(flow) is Screen.PIN
    for key in "1111":
        flow.pin_key(key)
    flow.submit_pin()
    assert shown(flow) is Screen.PIN and flow.technician.failed
    flow.technician.exit_app()
    assert not flow.technician.quit_requested
    for key in PIN:
        flow.pin_key(key)
    flow.submit_pin()
    assert shown(flow) is Screen.SERVICE
    flow.technician.exit_app()
    assert flow.technician.quit_requested


def test_five_wrong_pins_lock_sign_in_even_for_the_right_one() -> None:
    flow, _, _, clock = make(technician_pin=PIN_HASH)
    for _ in range(5):
        flow.technician.corner()
    for _ in range(5):
        for key in "0000":
            flow.pin_key(key)
        flow.submit_pin()
    for key in PIN:
        flow.pin_key(key)
    flow.submit_pin()
    assert shown(flow) is Screen.PIN
    assert flow.technician.guard.locked_for() > 0
    clock.advance(301)
    for key in PIN:
        flow.pin_key(key)
    flow.submit_pin()
    assert shown(flow) is Screen.SERVICE


def test_slow_corner_taps_and_a_kiosk_without_pin_give_no_way_in() -> None:
    flow, _, _, clock = make(technician_pin=PIN_HASH)
    for _ in range(5):
        flow.technician.corner()
        clock.advance(1)
    assert shown(flow) is Screen.HOME
    bare, _, _, _ = make()
    for _ in range(5):
        bare.technician.corner()
    assert shown(bare) is Screen.HOME


def test_the_pairing_code_is_shown_until_the_kiosk_is_admitted() -> None:
    flow = KioskFlow(KioskSettings(), Requests(), Speaker())
    flow.show_pairing("K7QM-3TXD")
    assert shown(flow) is Screen.PAIRING
    flow.show_pairing("")
    assert shown(flow) is Screen.STARTING
    flow.set_catalogue(catalogue())
    flow.set_waits(WAITS, MONDAY_10_00)
    assert shown(flow) is Screen.HOME


def test_settings_from_the_hub_become_the_defaults() -> None:
    flow, _, _, clock = make()
    clock.advance(5)
    flow.apply_settings(flow.settings.updated({"language": "en", "large": "on"}))
    assert (flow.language, flow.large) == ("en", True)
    flow.apply_settings(flow.settings.updated({"printer": ""}))
    assert printer(flow) is Printer.NONE


@pytest.mark.parametrize("screen", ["search", "checkin"])
def test_paging_and_search(screen: str) -> None:
    flow, _, _, _ = make()
    if screen == "search":
        flow.lists.open_search()
        for key in "ра":
            flow.lists.type_key(key)
        assert len(flow.lists.listed()) > 3
        assert flow.lists.pages() == 2
        flow.lists.next_page()
        flow.lists.next_page()
        assert flow.page == 1
        flow.erase()
        assert flow.page == 0
    else:
        flow.checkin.open()
        flow.lists.next_page()
        assert flow.page == 0


def test_a_scanned_code_opens_check_in_and_return_sends_it() -> None:
    flow, requests, _, _ = make()
    flow.typed("https://okno.example/b/k7m4qx")
    assert shown(flow) is Screen.CHECKIN
    assert flow.checkin.code == "K7M4QX"
    flow.typed("\r")
    assert requests.sent == [("checkin", "request-1", "K7M4QX", "ticket_printer-P-1")]


def test_a_keyboard_types_into_search_and_erases() -> None:
    flow, _, _, _ = make()
    flow.lists.open_search()
    flow.typed("Паспорт!")
    assert flow.lists.query == "паспорт"
    flow.typed("\b")
    assert flow.lists.query == "паспор"
    flow.typed("\r")
    assert shown(flow) is Screen.SEARCH
