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


_CONSENT = {
    "ru": (
        "Я согласен(на), что центр хранит мой телефон, e-mail и СНИЛС (только в виде "
        "ключевого хеша) для сообщений о ходе этого заявления и для поиска его по номеру, "
        "телефону или карте. Они удаляются через {after} дн. после выдачи документов, отказа "
        "или отмены заявления и в любом случае через {longest} дн. после его приёма."
    ),
    "en": (
        "I agree that the centre keeps my phone, e-mail and SNILS (only as a keyed hash) "
        "to tell me how this application goes and to find it by its number, my phone or my "
        "card. They are erased {after} days after the documents are issued, refused or the "
        "application is cancelled, and in any case {longest} days after it was accepted."
    ),
}


def application_consent(language: str, keep_days: int, longest_days: int) -> str:
    """What an applicant agrees to at the desk: what is kept, for what, and for how long
    (``[applications] keep_contacts_days`` after the application ends, ``longest_keep_days``
    at most); the receipt repeats it."""
    return _CONSENT.get(language, _CONSENT["ru"]).format(after=keep_days, longest=longest_days)


_KEPT_FOR_APPLICATION = {
    "ru": (
        "Ваши контакты хранятся только для сообщений о заявлении и его поиска и удаляются "
        "через {after} дн. после выдачи документов, отказа или отмены, не позже чем через "
        "{longest} дн. после приёма."
    ),
    "en": (
        "Your contacts are kept only for messages about the application and to find it, and "
        "are erased {after} days after the documents are issued, refused or cancelled, at "
        "most {longest} days after it was accepted."
    ),
}


def application_kept(language: str, keep_days: int, longest_days: int) -> str:
    """The consent repeated to the applicant on the receipt: how long their contact stays."""
    text = _KEPT_FOR_APPLICATION.get(language, _KEPT_FOR_APPLICATION["ru"])
    return text.format(after=keep_days, longest=longest_days)
