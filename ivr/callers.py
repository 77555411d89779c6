"""Scripted callers of this menu, for the simulated Asterisk: the tests, the bench and
the demo dial the same ones, so a change to the menu's words changes them all at once."""

from __future__ import annotations

from datetime import datetime

from ivr import menus_texts as said
from ivr.sim.asterisk import Step, hang_up, press


def books(at: datetime, *, service_key: str = "1", confirm: str = said.CONFIRM_SMS) -> list[Step]:
    """Book the time ``at`` of the service on ``service_key``, on the first day offered,
    pressing 1 while ``confirm`` plays; then hang up at the main menu."""
    return [*book_keys(at, service_key=service_key, confirm=confirm), hangs_up_at_the_menu()]


def book_keys(
    at: datetime, *, service_key: str = "1", confirm: str = said.CONFIRM_SMS
) -> list[Step]:
    """The keys of a booking, up to the confirmation; what the caller does next is the test's."""
    return [
        press("3", when=said.MAIN_MENU[0]),
        press(service_key, when=said.CHOOSE_SERVICE),
        press("1", when=said.CHOOSE_DAY),
        press(f"{at:%H%M}", when=said.TYPE_TIME),
        press("1", when=confirm),
    ]


def asks_the_queue() -> list[Step]:
    """Ask for the queue now, then hang up at the main menu."""
    return [press("1", when=said.MAIN_MENU[0]), hangs_up_at_the_menu()]


def hangs_up_at_the_menu() -> Step:
    return hang_up(when=said.MAIN_MENU[0])
