"""Settings from the hub and the board's words: what is taken, what is refused and why."""

from __future__ import annotations

import re
from datetime import time

import pytest

from hall_display.labels import call_lines, labels
from hall_display.settings import DisplaySettings, parse_quiet_hours
from hall_display.speech import Language
from hall_display.voice import QuietHours


def test_the_hubs_settings_go_on_top_of_the_command_lines() -> None:
    base = DisplaySettings(role="desk", desk="5")
    taken = base.updated({"language": "ru+en", "volume": "0.4", "voice": "ru+en", "desk": "7"})
    assert (taken.role, taken.desk, taken.language, taken.volume) == ("desk", "7", "ru+en", 0.4)
    assert taken.voice_languages == (Language.RU, Language.EN)
    assert base.updated({}) == base, "a setting removed on the hub falls back"


@pytest.mark.parametrize(
    ("config", "reason"),
    [
        ({"colour": "red"}, "unknown display setting colour"),
        ({"role": "kiosk"}, "role='kiosk' is not one of hall, desk"),
        ({"role": "desk"}, "role=desk needs desk=NUMBER"),
        ({"volume": "loud"}, "volume='loud' is not a number"),
        ({"volume": "1.5"}, "volume 1.5 is outside 0..1"),
        ({"language": "de"}, "language 'de' is not one of ru, en, ru+en"),
        ({"quiet_hours": "22-8"}, "is not like 22:00-08:00"),
        ({"timezone": "Mars/Olympus"}, "is not an IANA zone"),
        ({"blink_s": "0"}, "blink_s 0.0 is outside"),
        ({"page_s": "1"}, "page_s 1.0 is outside"),
    ],
)
def test_a_setting_the_display_cannot_take_is_refused_with_the_reason(
    config: dict[str, str], reason: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(reason)):
        DisplaySettings().updated(config)


def test_quiet_hours_pass_midnight_and_may_keep_a_low_volume() -> None:
    assert parse_quiet_hours("") is None
    assert parse_quiet_hours("22:00-08:00") == QuietHours(time(22), time(8), 0.0)
    quiet = parse_quiet_hours("21:30-07:00@0.3")
    assert quiet is not None and quiet.volume_at(time(23), 1.0) == 0.3
    assert DisplaySettings(voice="off").voice_languages == ()


def test_both_languages_show_russian_first_and_a_word_alike_once() -> None:
    both = labels("ru+en")
    assert both["ticket"] == "Талон / Ticket"
    assert both["idle"] == "—"
    assert call_lines("А123", 5, recall=False, language="ru+en") == (
        "Талон А123 — пройдите к окну 5",
        "Ticket А123, please go to desk 5",
    )
    assert call_lines("А123", 5, recall=True, language="en")[0].startswith("Calling again:")
