"""Who may call what: one table of RPC × caller kind, the only place the answer lives.

A caller is a device (by the kind its certificate was issued for), a signed-in staff
member (by each of their roles), the hub machine's own administrator (the Unix socket,
``LOCAL``), or nobody (``ANYONE`` marks the few calls a stranger must be able to make:
asking to be enrolled and signing in). Each RPC names the kinds that may call it; a
missing RPC is a test failure (tests/hub/test_permissions.py), never a default. What a
kind may do *within* a call (a desk unit works only its own desk, a payment agent settles
only what it began) is scope, checked by the servicers; docs/security.md lists both.
"""

from __future__ import annotations

from collections.abc import Iterable

# Devices: the kinds of hub.devices.registry.KINDS.
KIOSK = "kiosk"
HALL_DISPLAY = "hall_display"
TICKET_PRINTER = "ticket_printer"
CARD_READER = "card_reader"
PAYMENT_TERMINAL = "payment_terminal"
STAFF_DESK = "staff_desk"
# The phone voice menu (ivr/): it answers callers about the queue, their ticket, their
# bookings and applications, and books for them; it sees no hall, no desk, no one's list.
VOICE_MENU = "voice_menu"
# People: the roles of hub.staff.access.
OPERATOR = "operator"
ADMINISTRATOR = "administrator"
TECHNICIAN = "technician"
CALL_CENTRE = "call_centre"
# The centre's information system (АИС МФЦ), signed in as a staff account of this role:
# it sets applications' statuses and nothing else.
INFORMATION_SYSTEM = "information_system"
# The hub machine's own administrator, behind the Unix socket's file permissions.
LOCAL = "local"
# Anyone at all, signed in or not (only enrollment, sign-in and health).
ANYONE = "anyone"

DEVICES = frozenset(
    {KIOSK, HALL_DISPLAY, TICKET_PRINTER, CARD_READER, PAYMENT_TERMINAL, STAFF_DESK, VOICE_MENU}
)
STAFF = frozenset({OPERATOR, ADMINISTRATOR, TECHNICIAN, CALL_CENTRE, INFORMATION_SYSTEM})
KINDS = DEVICES | STAFF | {LOCAL}

_DESK_WORK = {OPERATOR, ADMINISTRATOR, STAFF_DESK}
# The information system sets statuses: it has no business with the hall's queue.
_SEES_HALL = {KIOSK, HALL_DISPLAY, STAFF_DESK, *(STAFF - {INFORMATION_SYSTEM}), LOCAL}
_BRANCH_READERS = {*DEVICES, *STAFF, LOCAL}
# The queue as the voice menu tells it to a caller (and a caller's own ticket); not the
# hall's feed, which is for screens in the hall.
_TELLS_WAITS = _SEES_HALL | {VOICE_MENU}
_PROVISIONS = {TECHNICIAN, LOCAL}


def _rules(service: str, rules: dict[str, Iterable[str]]) -> dict[str, frozenset[str]]:
    return {f"/okno.v1.{service}/{method}": frozenset(kinds) for method, kinds in rules.items()}


TABLE: dict[str, frozenset[str]] = {
    **_rules(
        "Admin",
        {
            "GetBranch": _BRANCH_READERS,
            "ListServices": _BRANCH_READERS,
            "ListDesks": _BRANCH_READERS - {VOICE_MENU},
            "ListOperators": {ADMINISTRATOR, LOCAL},
            "ReloadConfig": {ADMINISTRATOR, LOCAL},
        },
    ),
    **_rules(
        "Appointments",
        {
            "ListSlots": {KIOSK, OPERATOR, ADMINISTRATOR, CALL_CENTRE, VOICE_MENU},
            "FindFreeSlots": {KIOSK, OPERATOR, ADMINISTRATOR, CALL_CENTRE, VOICE_MENU},
            "Book": {KIOSK, ADMINISTRATOR, CALL_CENTRE, VOICE_MENU},
            "Move": {KIOSK, ADMINISTRATOR, CALL_CENTRE, VOICE_MENU},
            "Cancel": {KIOSK, ADMINISTRATOR, CALL_CENTRE, VOICE_MENU},
            "GetBooking": {KIOSK, ADMINISTRATOR, CALL_CENTRE, VOICE_MENU},
            # By phone number: whoever answers the branch's phone, nobody at the hall. Not
            # the voice menu: a caller's number can be forged, and this answers with codes.
            "FindBookings": {ADMINISTRATOR, CALL_CENTRE},
            # A caller's own booking by its code on the keypad, with the caller's number.
            "FindBookingByKeys": {VOICE_MENU},
            "CheckIn": {KIOSK, OPERATOR, ADMINISTRATOR},
            "CheckInByCard": {KIOSK, ADMINISTRATOR},
        },
    ),
    **_rules(
        "Applications",
        {
            "Accept": {OPERATOR, ADMINISTRATOR},
            "SetStatus": {OPERATOR, ADMINISTRATOR, INFORMATION_SYSTEM},
            "Get": {OPERATOR, ADMINISTRATOR, CALL_CENTRE, INFORMATION_SYSTEM},
            "LookUp": {KIOSK, VOICE_MENU},
            "LookUpByCard": {KIOSK},
            "List": {ADMINISTRATOR, CALL_CENTRE},
        },
    ),
    **_rules(
        "Catalogue",
        {
            "GetCatalogue": {KIOSK, *(STAFF - {INFORMATION_SYSTEM}), LOCAL},
            "GetForm": {KIOSK, *(STAFF - {INFORMATION_SYSTEM}), LOCAL},
            "PrintChecklist": {KIOSK},
            "SendLink": {KIOSK, CALL_CENTRE},
        },
    ),
    **_rules(
        "DeskCards",
        {
            # The reader at a desk, for its own desk (scope); its visitor goes to that desk's
            # operator and to administrators, never to devices or the hall.
            "Present": {CARD_READER},
            "Withdraw": {CARD_READER},
            "GetDeskCard": {OPERATOR, ADMINISTRATOR},
        },
    ),
    **_rules("Enrollment", {"RequestEnrollment": {ANYONE}, "GetDecision": {ANYONE}}),
    **_rules("DeviceSession", {"Connect": DEVICES}),
    **_rules(
        "Provisioning",
        {
            "ListDevices": {*_PROVISIONS, ADMINISTRATOR},
            "ApproveDevice": _PROVISIONS,
            "RejectDevice": _PROVISIONS,
            "RevokeDevice": {*_PROVISIONS, ADMINISTRATOR},
            "SendCommand": _PROVISIONS,
            "DescribeDevice": _PROVISIONS,
            "ConfigureDevice": _PROVISIONS,
        },
    ),
    **_rules("HallFeed", {"Subscribe": _SEES_HALL - {CALL_CENTRE}}),
    **_rules(
        "Payments",
        {
            "Begin": {PAYMENT_TERMINAL},
            "Settle": {PAYMENT_TERMINAL},
            "ListUnresolved": {PAYMENT_TERMINAL, ADMINISTRATOR},
            "Resolve": {PAYMENT_TERMINAL},
        },
    ),
    **_rules(
        "Printing",
        {
            "ReprintTicket": {OPERATOR, ADMINISTRATOR},
            "GetPrintJob": {KIOSK, OPERATOR, ADMINISTRATOR},
            "GetPrinterState": {KIOSK, ADMINISTRATOR, TECHNICIAN},
            # A kiosk prints a booking's code and a card payment's receipt, on its own printer;
            # an operator the receipt of an application taken at the desk.
            "PrintSlip": {KIOSK, OPERATOR, ADMINISTRATOR, TECHNICIAN},
        },
    ),
    **_rules(
        "QueueService",
        {
            "IssueTicket": {KIOSK, ADMINISTRATOR},
            "CallNext": _DESK_WORK,
            "CallTicket": _DESK_WORK,
            "Recall": _DESK_WORK,
            "StartService": _DESK_WORK,
            "FinishService": _DESK_WORK,
            "MarkNoShow": _DESK_WORK,
            "Transfer": _DESK_WORK,
            "CancelTicket": {OPERATOR, ADMINISTRATOR},
            "OpenDesk": _DESK_WORK,
            "CloseDesk": _DESK_WORK,
            "PauseDesk": _DESK_WORK,
            "GetQueueState": _TELLS_WAITS,
            "EstimateWait": _TELLS_WAITS,
            # A caller's ticket by its digits: the phone's "my ticket", and whoever sees the hall.
            "FindTicketWait": _TELLS_WAITS,
            "GetTicket": {KIOSK, STAFF_DESK, OPERATOR, ADMINISTRATOR},
            # The person who sees the document: the panel's operator, never the desk unit's
            # buttons (the log names who judged).
            "ConfirmPriority": {OPERATOR, ADMINISTRATOR},
            "RemovePriority": {OPERATOR, ADMINISTRATOR},
        },
    ),
    # The rating buttons on the desk unit; the SMS link's rating comes through the web pages.
    **_rules("Ratings", {"RateService": {STAFF_DESK}}),
    **_rules(
        "Staff",
        {
            "SignIn": {ANYONE},
            "SignOut": STAFF,
            "WhoAmI": STAFF,
            "SetPin": {ADMINISTRATOR, LOCAL},
            "GetFigures": {OPERATOR, ADMINISTRATOR},
            "ListStaff": {ADMINISTRATOR},
        },
    ),
    # grpc's own: anyone may ask whether the hub is up; nothing else of grpc's is served.
    "/grpc.health.v1.Health/Check": frozenset({ANYONE}),
    "/grpc.health.v1.Health/Watch": frozenset({ANYONE}),
    # Reflection (grpcurl) is served on the admin socket only.
    "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo": frozenset({LOCAL}),
}


def allowed(method: str, kinds: frozenset[str]) -> bool:
    """Whether a caller of ``kinds`` (empty for a stranger) may call ``method``."""
    rule = TABLE.get(method)
    return rule is not None and (ANYONE in rule or not rule.isdisjoint(kinds))


# The table's columns in docs/security.md: devices, people, the hub's machine, a stranger.
COLUMNS = (
    KIOSK,
    HALL_DISPLAY,
    STAFF_DESK,
    TICKET_PRINTER,
    CARD_READER,
    PAYMENT_TERMINAL,
    VOICE_MENU,
    OPERATOR,
    ADMINISTRATOR,
    TECHNICIAN,
    CALL_CENTRE,
    INFORMATION_SYSTEM,
    LOCAL,
    ANYONE,
)


def markdown() -> str:
    """The table as docs/security.md shows it (`okno hub permissions`); a test keeps them equal."""
    head = ["RPC", *COLUMNS]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for method in sorted(TABLE):
        rule = TABLE[method]
        marks = ["✓" if ANYONE in rule or kind in rule else "" for kind in COLUMNS]
        lines.append("| " + " | ".join([f"`{method.lstrip('/')}`", *marks]) + " |")
    return "\n".join(lines) + "\n"
