"""The words of the "Посетитель по карте" block, in Russian (first) and English. Pure."""

from __future__ import annotations

from collections.abc import Mapping

from protos.okno.v1 import applications_pb2

_S = applications_pb2.ApplicationStatus

_WORDS: Mapping[str, Mapping[str, str]] = {
    "ru": {
        "title": "Посетитель по карте",
        "uec_pin": "УЭК, PIN-код проверен",
        "uec_no_pin": "УЭК, PIN-код не проверен",
        "emv": "Банковская карта: только имя, записей и заявлений по ней не найти",
        "bookings": "Записи",
        "no_bookings": "Записей по этой карте нет",
        "booking": "{day} {time} · {service}",
        "applications": "Заявления",
        "no_applications": "Заявлений по этой карте нет",
        "application": "№ {number} · {service} · {status}",
        "check_in": "Зарегистрировать",
        "checked_in": "Запись зарегистрирована: талон {ticket}",
        f"status_{_S.APPLICATION_STATUS_ACCEPTED}": "принято",
        f"status_{_S.APPLICATION_STATUS_IN_WORK}": "в работе",
        f"status_{_S.APPLICATION_STATUS_SUSPENDED}": "приостановлено",
        f"status_{_S.APPLICATION_STATUS_READY}": "готово к выдаче",
        f"status_{_S.APPLICATION_STATUS_ISSUED}": "выдано",
        f"status_{_S.APPLICATION_STATUS_REFUSED}": "отказано",
        f"status_{_S.APPLICATION_STATUS_CANCELLED}": "отменено",
    },
    "en": {
        "title": "Visitor by card",
        "uec_pin": "UEC, PIN verified",
        "uec_no_pin": "UEC, PIN not verified",
        "emv": "Bank card: a name only, no bookings or applications can be found by it",
        "bookings": "Bookings",
        "no_bookings": "No bookings with this card",
        "booking": "{day} {time} · {service}",
        "applications": "Applications",
        "no_applications": "No applications with this card",
        "application": "No. {number} · {service} · {status}",
        "check_in": "Check in",
        "checked_in": "Booking checked in: ticket {ticket}",
        f"status_{_S.APPLICATION_STATUS_ACCEPTED}": "accepted",
        f"status_{_S.APPLICATION_STATUS_IN_WORK}": "in work",
        f"status_{_S.APPLICATION_STATUS_SUSPENDED}": "suspended",
        f"status_{_S.APPLICATION_STATUS_READY}": "ready to collect",
        f"status_{_S.APPLICATION_STATUS_ISSUED}": "issued",
        f"status_{_S.APPLICATION_STATUS_REFUSED}": "refused",
        f"status_{_S.APPLICATION_STATUS_CANCELLED}": "cancelled",
    },
}


def card_words(language: str) -> dict[str, str]:
    """The block's words in ``language`` ("ru" or "en"); ValueError for another."""
    if language not in _WORDS:
        raise ValueError(f"the panel speaks ru or en, not {language!r}")
    return dict(_WORDS[language])
