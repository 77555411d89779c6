"""Text from outside stays on its log line: a table of what is escaped and what is not."""

from __future__ import annotations

import pytest

from okno.logtext import oneline


@pytest.mark.parametrize(
    ("given", "logged"),
    [
        ("passport", "passport"),
        ("Петров Пётр", "Петров Пётр"),
        ("a\nb\rc\td", "a\\nb\\rc\\td"),
        ("\x1b[1A\x1b[2K", "\\x1b[1A\\x1b[2K"),
        ("x\u2028y\x85z", "x\\u2028y\\x85z"),
        ("\u202eevil", "\\u202eevil"),
        (ValueError("no service 'x\n'"), "no service 'x\\n'"),
    ],
)
def test_what_oneline_escapes(given: object, logged: str) -> None:
    assert oneline(given) == logged
    assert len(oneline(given).splitlines()) == 1
