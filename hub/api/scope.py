"""Scope: what a caller may do inside a call that the permission table lets them make.

hub.api.permissions says which kinds of caller may call an RPC at all; these rules say on
what. A desk unit works only its own desk, a kiosk prints only on its own printer, a
payment terminal touches only the payments it began (hub/payments.py, by its device id),
a visitor's name goes only to the operator serving them and to administrators, and each
person calling the voice menu has their own tries at codes. Each rule takes the caller
from :func:`hub.api.doorkeeper.current`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from hub.api import permissions
from hub.api.doorkeeper import Caller
from hub.devices.fleet import config_of
from hub.devices.registry import Device
from hub.domain.branch import Branch
from hub.domain.model import Desk, DeskState, Ticket
from hub.errors import NotYourDesk, NotYourPrinter


def _named_desk(named: str, branch: Branch) -> str:
    """The id of the desk ``named`` by id or by number (as the desk unit reads it), or ""."""
    for desk in branch.desks:
        if named == desk.id or (named.isdigit() and int(named) == desk.number):
            return desk.id
    return ""


def device_desk(device: Device, branch: Branch) -> str:
    """The desk a device at a desk (a desk unit, a card reader) works: its ``desk`` setting,
    else the desk its zone names.

    The setting is what the device itself acts on (staff_desk/settings.py); ``okno provision
    assign DEVICE desk-05`` puts the desk in the zone instead. A device with neither works
    no desk.
    """
    desk = _named_desk(config_of(device).get("desk", ""), branch) or _named_desk(
        device.zone, branch
    )
    if not desk:
        raise NotYourDesk(
            f"{device.kind} {device.id} has no desk of this branch: a technician gives it one "
            f"(okno provision config {device.id} desk=desk-05)"
        )
    return desk


def check_device_desk(who: Caller, named: str, branch: Branch) -> str:
    """The desk a card reader at a desk names, if it is the reader's own; else NotYourDesk.

    A reader's certificate is no way to put a visitor on another desk's screen.
    """
    if who.device is None:
        raise NotYourDesk("only the card reader standing at a desk tells who is at it")
    own = device_desk(who.device, branch)
    if _named_desk(named, branch) != own:
        raise NotYourDesk(
            f"this card reader stands at desk {own} only: the reader of another desk tells "
            "that desk's operator"
        )
    return own


def check_desk(who: Caller, desk_id: str, branch: Branch) -> None:
    """Refuse a desk unit's command at any desk but its own (staff are judged by their
    roles in hub.staff.access)."""
    if who.device is None or who.device.kind != permissions.STAFF_DESK:
        return
    own = device_desk(who.device, branch)
    if desk_id != own:
        raise NotYourDesk(
            f"this desk unit works desk {own} only: another desk has its own unit, and "
            "staff sign in"
        )


def check_printer(who: Caller, printer_id: str) -> None:
    """Refuse a kiosk a printer other than the one its settings name (its own, built in).

    A kiosk prints the visitor's ticket where the visitor stands; any other printer of the
    hall would hand the ticket to nobody, and a kiosk's certificate must not be a way to
    use up another kiosk's paper. Staff may print on any printer.
    """
    if who.device is None or who.device.kind != permissions.KIOSK or not printer_id:
        return
    own = config_of(who.device).get("printer", "")
    if printer_id != own:
        mine = f"its own is {own}" if own else "it has none in its settings"
        raise NotYourPrinter(
            f"a kiosk prints on its own printer, and {mine}: a technician sets it "
            f"(okno provision config {who.device.id} printer=ticket_printer-SN)"
        )


def sees_names(who: Caller, ticket: Ticket, desks: Iterable[Desk]) -> bool:
    """Whether ``who`` may read the visitor's name on ``ticket`` (152-FZ: the least people).

    Administrators (and the hub machine's own, who holds the database anyway) may; an
    operator only while the visitor is the current one of the desk they hold, since they
    call the visitor by name. Devices, other operators and technicians may not.
    """
    if permissions.LOCAL in who.kinds:
        return True
    staff = who.staff
    if staff is None:
        return False
    if staff.administrator:
        return True
    return permissions.OPERATOR in staff.roles and any(
        d.current_ticket_id == ticket.id
        and d.state is not DeskState.CLOSED
        and d.operator_id == staff.operator_id
        for d in desks
    )


def check_holds_desk(who: Caller, desk: Desk) -> None:
    """Refuse the visitor at ``desk`` to anyone but its operator now and administrators.

    As :func:`sees_names`: the card's holder is the operator's to serve, and no one else's
    to watch; a closed desk is nobody's.
    """
    staff = who.staff
    if staff is not None and staff.administrator:
        return
    works = staff is not None and desk.operator_id == staff.operator_id
    if not works or desk.state is DeskState.CLOSED:
        raise NotYourDesk(
            f"desk {desk.number} is not the one you work: open your own desk to see the "
            "visitor whose card its reader read"
        )


def guesser(who: Caller, phone: str, source: str) -> str:
    """Whom wrong codes and numbers count against: ``source`` (the device, else the host),
    and for the voice menu the person calling it, by a hash of their number.

    Every caller comes through the one voice menu: counted as one, a caller who mistypes
    would lock out all the others. The number's last ten digits ("8 916…" and "+7 916…"
    alike) are hashed, never kept: the key shows in refusals and logs.
    """
    if permissions.VOICE_MENU not in who.kinds:
        return source
    digits = "".join(c for c in phone if c.isascii() and c.isdigit())[-10:]
    return f"{source}/caller-{hashlib.sha256(digits.encode()).hexdigest()[:12]}"
