"""Every call the hall speaks is on the board while it is spoken: its words, as shown."""

from __future__ import annotations

import pytest

from hall_display.labels import call_lines
from hall_display.settings import DisplaySettings
from hall_display.speech import phrases
from tests.heard import unshown

TICKETS = ("А001", "Б123", "ВГ45", "Н7")
DESKS = (1, 5, 12, 40)


@pytest.mark.parametrize("language", ["ru", "en", "ru+en"])
@pytest.mark.parametrize("recall", [False, True])
def test_each_call_spoken_is_shown_on_the_board(language: str, recall: bool) -> None:
    # The voice in the board's own languages (a board in Russian speaking English writes
    # the call in Russian only: see docs/kiosk.md).
    settings = DisplaySettings(language=language, voice=language)
    for ticket in TICKETS:
        for desk in DESKS:
            shown = call_lines(ticket, desk, recall=recall, language=language)
            for said in phrases(ticket, desk, recall=recall, languages=settings.voice_languages):
                assert unshown(said.text, shown) == [], said.text


def test_a_word_said_and_not_shown_is_found() -> None:
    """The check itself: a spoken-only word fails it, figures said in words do not."""
    shown = call_lines("Б123", 5, recall=False, language="ru")
    assert unshown("Талон бэ сто двадцать три, пройдите к окну номер пять", shown) == []
    assert unshown("Талон бэ сто двадцать три, срочно пройдите к окну", shown) == ["срочно"]
