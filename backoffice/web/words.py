"""Report cells in the reader's language: for pages, exports and ``okno backoffice report``.

The reports name weekdays in Russian and payment states as the hub does (in English);
whatever shows a cell to a person shows it in that person's language. Pure.
"""

from __future__ import annotations

from backoffice.queries import WEEKDAYS_RU

WEEKDAYS_EN = dict(zip(WEEKDAYS_RU, ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), strict=True))
PAYMENT_STATES_RU = {
    "pending": "в обработке",
    "approved": "одобрен",
    "declined": "отклонён",
    "cancelled": "отменён",
    "unknown": "не подтверждён",
    "reversed": "возвращён",
}


def shown(cell: object, lang: str, key: str = "") -> object:
    """A table cell of column ``key`` as the page's language shows it."""
    if not isinstance(cell, str):
        return cell
    if key == "weekday" and lang == "en":
        return WEEKDAYS_EN.get(cell, cell)
    if key == "state" and lang != "en":
        return PAYMENT_STATES_RU.get(cell, cell)
    return cell


def shown_row(row: tuple[object, ...], keys: list[str], lang: str) -> list[object]:
    """A whole row's cells as ``lang`` shows them."""
    return [shown(cell, lang, key) for cell, key in zip(row, keys, strict=True)]
