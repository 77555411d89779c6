"""The application status screens in known states (test_screens.py, test_lookup.py)."""

from __future__ import annotations

from collections.abc import Callable

from kiosk.lookup import AppStatus, Found
from tests.kiosk.scenes import Scene

NUMBER = "261123001"
PHONE = "9161234567"
# The hub's message with too many wrong pairs (hub/devices/pairing.py AttemptLimit).
TOO_MANY = (
    "too many wrong application numbers or phones from kiosk-K-0000: wait 840 s and check "
    "the number on the receipt and the phone you gave at the desk"
)


def found(status: AppStatus, reason: str = "", number: str = "261123-001") -> Found:
    """A passport application accepted on Monday 23.11, planned for 07.12."""
    ready = status is AppStatus.READY
    return Found(
        number,
        "passport",
        "Паспорт гражданина РФ",
        "ГУ по вопросам миграции МВД",
        status,
        "2026-12-07",
        "2027-01-06" if ready else "",
        reason,
    )


def status_number(s: Scene) -> None:
    s.view.openStatus()
    for digit in NUMBER[:7]:
        s.view.statusKey(digit)


def status_phone(s: Scene) -> None:
    status_number(s)
    for digit in NUMBER[7:]:
        s.view.statusKey(digit)
    s.view.statusSubmit()
    for digit in PHONE[:6]:
        s.view.statusKey(digit)


def status_asked(s: Scene) -> None:
    """The number and phone typed and sent: the hub's answer is awaited."""
    status_phone(s)
    for digit in PHONE[6:]:
        s.view.statusKey(digit)
    s.view.statusSubmit()


def status_wrong(s: Scene) -> None:
    status_asked(s)
    s.view.refused(s.requests.last_id, "unknown_application", {"message": "no application"})


def status_wait(s: Scene) -> None:
    status_asked(s)
    s.view.refused(s.requests.last_id, "too_many_attempts", {"message": TOO_MANY})


def answered(*apps: Found) -> Callable[[Scene], None]:
    def make(s: Scene) -> None:
        status_asked(s)
        s.view.applications_found(s.requests.last_id, apps)

    return make


def by_card(*apps: Found) -> Callable[[Scene], None]:
    def make(s: Scene) -> None:
        s.view.openStatus()
        s.view.statusByCard()
        s.view.applications_found(s.requests.last_id, apps)

    return make


LOOKUP: list[tuple[str, Callable[[Scene], None]]] = [
    ("status-number", status_number),
    ("status-phone", status_phone),
    ("status-wrong", status_wrong),
    ("status-wait", status_wait),
    ("status-accepted", answered(found(AppStatus.ACCEPTED))),
    ("status-ready", answered(found(AppStatus.READY))),
    (
        "status-suspended",
        answered(found(AppStatus.SUSPENDED, "Нужна копия свидетельства о рождении ребёнка")),
    ),
    ("status-refused", answered(found(AppStatus.REFUSED, "Истёк срок действия документа"))),
    (
        "status-card",
        by_card(
            found(AppStatus.READY, number="261207-004"),
            found(AppStatus.IN_WORK, number="261123-001"),
        ),
    ),
    ("status-card-none", by_card()),
]
