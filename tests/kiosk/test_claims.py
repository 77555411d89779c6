"""The priority step: after a service, a regular ticket or one of a claimed category.

Driven through the view as QML drives it; the screens rendered offscreen into
/tmp/shots/priority/ (for review) with every touch target at least 15 mm and on screen.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.claims import Category
from kiosk.screen import KioskWindow, save_screens, touch_targets
from kiosk.shown import min_target_px
from kiosk.states import PrintState
from kiosk.ticket import Issued
from tests.hub.conftest import MONDAY_10_00
from tests.kiosk.scenes import Scene, catalogue, scene

SHOTS = Path("/tmp/shots/priority")
CATEGORIES = (
    Category(
        "disabled",
        "Инвалиды I и II групп и сопровождающие",
        "Disabled people (groups I and II) and their companions",
        "справка МСЭ об инвалидности",
        "the disability certificate (справка МСЭ)",
    ),
    Category(
        "veteran",
        "Ветераны Великой Отечественной войны и боевых действий",
        "Veterans of the Great Patriotic War and of combat",
        "удостоверение ветерана",
        "the veteran's certificate",
    ),
    Category(
        "pregnant",
        "Беременные женщины",
        "Pregnant women",
        "справка из женской консультации или обменная карта",
        "a certificate from the antenatal clinic",
    ),
    Category(
        "small-children",
        "Родители с детьми до 3 лет",
        "Parents with children under 3",
        "свидетельство о рождении ребёнка",
        "the child's birth certificate",
    ),
)


def claiming(voice: str = "off", large: str = "off", language: str = "ru") -> Scene:
    s = scene(voice=voice, large=large, language=language)
    s.view.set_catalogue(replace(catalogue(), categories=CATEGORIES))
    return s


def answer(s: Scene, priority: str) -> None:
    s.view.issued(
        Issued(
            s.requests.last_id,
            "2026-11-23/А018",
            "А018",
            "passport",
            2,
            6,
            True,
            MONDAY_10_00 + 60_000,
            41,
            PrintState.SENDING,
            priority=priority,
        )
    )


def offer(s: Scene) -> None:
    s.view.openGroup("documents")
    s.view.tapService("passport")


def listed(s: Scene) -> None:
    offer(s)
    s.view.claimList()


def claimed_ticket(s: Scene) -> None:
    listed(s)
    s.view.claimTake("pregnant")
    answer(s, "pregnant")


def test_a_visitor_claims_a_category_after_the_service_and_hears_every_step() -> None:
    s = claiming(voice="on")
    offer(s)
    s.view.tapService("passport")  # with voice on, the first tap tells, the second takes

    assert s.view.value("screen") == "claim"
    assert s.requests.sent == []
    assert s.speaker.texts[-1] == (
        "Паспорт гражданина РФ. Нажмите «Взять талон». Если вы относитесь к льготной "
        "категории, нажмите кнопку «Я отношусь к льготной категории» ниже."
    )
    s.view.claimList()
    claim = s.view.value("claim")
    assert isinstance(claim, dict) and claim["listing"]
    assert [c["name"] for c in claim["categories"]][2] == "Беременные женщины"
    assert claim["categories"][0]["document"] == "Документ: справка МСЭ об инвалидности"
    assert s.speaker.texts[-1].startswith("Выберите вашу категорию: Инвалиды I и II групп")
    assert s.speaker.texts[-1].endswith(
        "Покажите документ сотруднику у окна. Без документа талон станет обычным, место в "
        "очереди сохранится."
    )
    s.view.claimTake("nobody")
    assert s.requests.sent == []
    s.view.claimTake("pregnant")
    assert [(k, svc) for k, _, svc, _ in s.requests.sent] == [("ticket", "passport")]
    assert s.requests.priorities == ["pregnant"]
    answer(s, "pregnant")

    assert s.view.value("claim")["ticketLine"] == (  # type: ignore[index]
        "Льгота: Беременные женщины. Покажите документ у окна."
    )
    assert s.speaker.texts[-1].endswith("Льгота: Беременные женщины. Покажите документ у окна.")


def test_the_big_button_takes_a_regular_ticket_and_back_steps_out() -> None:
    s = claiming()
    listed(s)
    s.view.back()
    assert s.view.value("screen") == "claim"
    assert not s.view.value("claim")["listing"]  # type: ignore[index]
    s.view.back()
    assert s.view.value("screen") == "group"
    s.view.tapService("passport")
    s.view.claimTake("")

    assert s.requests.priorities == [""]
    answer(s, "")
    assert s.view.value("claim")["ticketLine"] == ""  # type: ignore[index]


def test_without_claimable_categories_a_service_gives_its_ticket_at_once() -> None:
    s = scene()
    offer(s)
    assert s.view.value("screen") == "group"
    assert s.requests.priorities == [""]


@pytest.mark.parametrize(
    ("name", "make", "settings"),
    [
        ("claim-offer", offer, {}),
        ("claim-list", listed, {}),
        ("claim-list-large", listed, {"large": "on"}),
        ("claim-list-en", listed, {"language": "en"}),
        ("claim-ticket", claimed_ticket, {}),
    ],
)
def test_the_step_is_rendered_with_touch_targets_of_15_mm_on_screen(
    qtbot: QtBot, name: str, make: Callable[[Scene], None], settings: dict[str, str]
) -> None:
    s = claiming(**settings)
    make(s)
    save_screens(s.view, SHOTS, name)
    least = math.ceil(min_target_px(96.0))
    window = KioskWindow(s.view)
    window.show()
    try:
        targets = touch_targets(window)
        assert targets
        small = [text for text, box in targets if min(box.width(), box.height()) < least]
        assert not small, f"smaller than 15 mm: {small}"
        width, height = window.width(), window.height()
        outside = [
            text
            for text, box in targets
            if box.left() < 0 or box.top() < 0 or box.right() > width or box.bottom() > height
        ]
        assert not outside, f"off the screen: {outside}"
        overlapping = [
            (a, b)
            for i, (a, box) in enumerate(targets)
            for b, other in targets[i + 1 :]
            if box.intersects(other)
        ]
        assert not overlapping, f"targets over each other: {overlapping}"
    finally:
        window.dispose()
