"""What a visitor is told when asked for a phone or an e-mail: one text, every surface.

The kiosk's phone keypad and the web pages' forms say the same thing, from here, so a
visitor never reads two promises about the same data. How long contacts are kept is the
branch's ``[appointments] keep_contacts_days`` (the hub deletes them then).
"""

from __future__ import annotations

_NOTICE = {
    "ru": (
        "Телефон и почта нужны только для сообщений о записи и талоне и хранятся {kept}. "
        "Ответьте СТОП на SMS, чтобы сообщения прекратились."
    ),
    "en": (
        "Your phone and e-mail are used only for messages about this booking or ticket and "
        "are kept {kept}. Reply STOP to an SMS to stop the messages."
    ),
}
_KEPT = {
    "ru": ("до конца дня приёма", "до конца следующего дня", "ещё {n} дн. после дня приёма"),
    "en": (
        "until the end of the visit's day",
        "until the end of the next day",
        "for {n} days after the visit's day",
    ),
}


def contacts_notice(language: str, keep_days: int) -> str:
    """Why the contacts are asked for and how long they are kept (``language``: ru, en)."""
    same_day, next_day, later = _KEPT.get(language, _KEPT["ru"])
    kept = same_day if keep_days <= 0 else next_day if keep_days == 1 else later.format(n=keep_days)
    return _NOTICE.get(language, _NOTICE["ru"]).format(kept=kept)
