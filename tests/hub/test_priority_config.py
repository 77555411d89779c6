"""[[priorities]] a visitor may claim at the kiosk: a mistake is refused at its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.config import load_branch
from hub.errors import ConfigError
from tests.hub.test_config import VALID, write

CATEGORIES = """
[[priorities]]
id = "appointment"
name_ru = "Предварительная запись"
name_en = "Appointment"
ratio = 3

[[priorities]]
id = "pregnant"
name_ru = "Беременные"
name_en = "Pregnant women"
ratio = 1
claimable = true
document_ru = "справка из женской консультации"
document_en = "a certificate from the antenatal clinic"
"""


def test_claimable_categories_load_with_their_documents(tmp_path: Path) -> None:
    branch = load_branch(write(tmp_path, VALID + CATEGORIES)).branch

    pregnant = branch.priority("pregnant")
    assert pregnant is not None and pregnant.claimable
    assert pregnant.document_ru == "справка из женской консультации"
    appointment = branch.priority("appointment")
    assert appointment is not None and not appointment.claimable


@pytest.mark.parametrize(
    ("mistake", "line", "reason"),
    [
        pytest.param(
            ('document_ru = "справка из женской консультации"\n', ""),
            '[[priorities]]\nid = "pregnant"',
            'priority "pregnant" is claimable: give document_ru and document_en',
            id="claimable-without-document",
        ),
        pytest.param(
            ("ratio = 3\n", 'ratio = 3\nclaimable = true\ndocument_ru = "-"\ndocument_en = "-"\n'),
            "claimable = true",
            'priority "appointment" is the one checked-in bookings get',
            id="appointment-claimable",
        ),
        pytest.param(
            ("claimable = true\n", "claimable = 'maybe'\n"),
            "claimable = 'maybe'",
            "Input should be a valid boolean",
            id="not-a-flag",
        ),
    ],
)
def test_a_wrong_category_is_refused_at_its_line(
    tmp_path: Path, mistake: tuple[str, str], line: str, reason: str
) -> None:
    text = VALID + CATEGORIES.replace(*mistake)
    path = write(tmp_path, text)

    with pytest.raises(ConfigError) as raised:
        load_branch(path)

    assert reason in raised.value.reason
    first = line.split("\n", maxsplit=1)[0]
    lines = text.split("\n")
    expected = lines.index(first) + 1
    if "\n" in line:  # a table's own header, when no key is to blame: the second one
        expected = next(
            i + 1 for i, text_line in enumerate(lines) if lines[i : i + 2] == line.split("\n")
        )
    assert raised.value.line == expected
