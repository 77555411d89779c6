"""A ticket's address is pure ASCII whatever the ticket id or the branch's template hold."""

from __future__ import annotations

import pytest

from okno.links import ticket_url


@pytest.mark.parametrize(
    ("template", "ticket", "url"),
    [
        (
            "http://okno-hub.local:8080/t/{ticket}",
            "2026-12-07/Ж001",
            "http://okno-hub.local:8080/t/2026-12-07/%D0%96001",
        ),
        ("/t/{ticket}", "2026-12-07/АБ123", "/t/2026-12-07/%D0%90%D0%91123"),
        (
            "https://мфц.example/талон?id={ticket}#top",
            "2026-12-07/Ж001",
            "https://%D0%BC%D1%84%D1%86.example/%D1%82%D0%B0%D0%BB%D0%BE%D0%BD"
            "?id=2026-12-07/%D0%96001#top",
        ),
        # Already encoded stays as written: nothing is encoded twice.
        (
            "https://okno.example/t/%7Bx%7D/{ticket}",
            "2026-12-07/A1",
            "https://okno.example/t/%7Bx%7D/2026-12-07/A1",
        ),
    ],
)
def test_the_ticket_url_is_percent_encoded_ascii(template: str, ticket: str, url: str) -> None:
    assert ticket_url(template, ticket) == url
