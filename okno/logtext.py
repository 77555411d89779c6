"""Text from outside made safe for a log line: one place, every door.

A request field, a form field or a URL path may carry a newline followed by something
that looks like a log line of its own ("\\n2026-12-07 ... INFO hub ..."); written raw it
forges a record that an operator or a log shipper would believe. Every log call that
includes such text passes it through :func:`oneline` so it stays on the record's line.
"""

from __future__ import annotations


def oneline(value: object) -> str:
    """``str(value)`` with every unprintable character (newline, CR, ESC, U+2028, a bidi
    override) written as its Python escape (``\\n``, ``\\r``, ``\\x1b``, ``\\u2028``)."""
    text = str(value)
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)
