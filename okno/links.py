"""The address of a ticket's web page: one spelling on paper, on screen, in messages and pages.

A ticket id holds Cyrillic ("2026-12-07/Ж001"). Put in a QR code as raw UTF-8 bytes (byte
mode, no ECI), a reader that follows ISO/IEC 18004's default (ISO 8859-1) reads it wrong,
so every address leaves here percent-encoded (RFC 3986), pure ASCII.
"""

from __future__ import annotations

from urllib.parse import quote

# What RFC 3986 lets stand in a URL as it is; "%" so that encoded bytes stay as written.
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~"


def ticket_url(template: str, ticket_id: str) -> str:
    """``template`` with "{ticket}" as the ticket's id; every byte beyond ASCII %-encoded."""
    return quote(template.replace("{ticket}", quote(ticket_id, safe="/")), safe=_URL_SAFE)
