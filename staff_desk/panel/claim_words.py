"""The words of the priority claim at the desk, Russian and English. Pure data.

The reasons offered when a priority is removed are the usual ones; "Другое" lets the
operator type one. The reason goes to the hub only, which keeps it on its own machine and
erases it with the contacts (docs/security.md, typed text).
"""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "ru": {
        "claimed": "Льгота (заявлена в терминале): {name}",
        "confirmed": "Льгота подтверждена: {name}",
        "document": "Проверьте документ: {document}",
        "confirm": "Подтвердить льготу",
        "remove": "Снять льготу",
        "remove_title": "Снять льготу с талона {number}",
        "remove_note": (
            "Посетитель вернётся в очередь обычным талоном на своё место по времени выдачи."
        ),
        "reason": "Причина",
        "other": "Другая причина (введите)",
        "do_remove": "Снять льготу",
    },
    "en": {
        "claimed": "Priority (claimed at the kiosk): {name}",
        "confirmed": "Priority confirmed: {name}",
        "document": "Check the document: {document}",
        "confirm": "Confirm priority",
        "remove": "Remove priority",
        "remove_title": "Remove the priority of ticket {number}",
        "remove_note": (
            "The visitor goes back to the queue as a regular ticket, at their place by the "
            "time the ticket was issued."
        ),
        "reason": "Reason",
        "other": "Another reason (type it)",
        "do_remove": "Remove priority",
    },
}

REASONS: dict[str, tuple[str, ...]] = {
    "ru": (
        "Нет документа",
        "Документ не подтверждает льготу",
        "Срок действия документа истёк",
    ),
    "en": (
        "No document",
        "The document does not prove the category",
        "The document has expired",
    ),
}
