"""Who may do what at which desk: the role rules, pure, applied with the queue's own state.

A desk is an operator's when it is open or on a break in their name (they opened it, or
an administrator opened it for them). To open a desk, an operator must be among its
configured ``operators`` (a desk listing nobody may be opened by any operator), and may
hold one desk at a time. Administrators may open, close and work any desk, for anyone.
A call without a sign-in is not judged here (see docs/staff.md, trust model).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from hub.domain.branch import Branch
from hub.domain.model import Desk, DeskState, Ticket
from hub.errors import NotYourDesk, RoleRequired

OPERATOR = "operator"
ADMINISTRATOR = "administrator"
TECHNICIAN = "technician"


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A staff member's session on the hub, as a token stands for it."""

    operator_id: str
    name: str
    roles: tuple[str, ...]
    signed_in_ms: int
    expires_ms: int
    # Where they signed in from (an address), for the log and the administrator.
    source: str = ""

    @property
    def administrator(self) -> bool:
        return ADMINISTRATOR in self.roles

    def has(self, role: str) -> bool:
        return role in self.roles


def may_open(who: SignedIn, branch: Branch) -> list[str]:
    """Ids of the desks ``who`` may open, in the configuration's order."""
    if who.administrator:
        return [d.id for d in branch.desks]
    if not who.has(OPERATOR):
        return []
    return [d.id for d in branch.desks if not d.operators or who.operator_id in d.operators]


def check_open(
    who: SignedIn, branch: Branch, live: Iterable[Desk], desk: Desk, operator_id: str
) -> str:
    """The operator the desk opens for (``operator_id``, or the caller when empty).

    Raises RoleRequired or NotYourDesk when ``who`` may not open it for them.
    """
    operator_id = operator_id or who.operator_id
    if who.administrator:
        return operator_id
    _works_at_desks(who)
    if operator_id != who.operator_id:
        raise NotYourDesk(
            "only an administrator opens a desk for someone else: open it for yourself"
        )
    if desk.id not in may_open(who, branch):
        raise NotYourDesk(
            f"desk {desk.number} is not one of yours: an administrator opens it for you, "
            "or lists you among its operators"
        )
    if desk.state is not DeskState.CLOSED and desk.operator_id != who.operator_id:
        raise NotYourDesk(f"desk {desk.number} is held by another operator: ask an administrator")
    for other in live:
        if (
            other.id != desk.id
            and other.state is not DeskState.CLOSED
            and other.operator_id == who.operator_id
        ):
            raise NotYourDesk(
                f"you already hold desk {other.number}: close it before opening desk {desk.number}"
            )
    return operator_id


def check_desk(who: SignedIn, desk: Desk) -> None:
    """Refuse work at (calls, breaks, closing) a desk that is not ``who``'s own.

    A closed desk is let through, so that the queue says it is closed.
    """
    if who.administrator:
        return
    _works_at_desks(who)
    if desk.state is not DeskState.CLOSED and desk.operator_id != who.operator_id:
        raise NotYourDesk(
            f"desk {desk.number} is not yours: you work at the desk you opened, and an "
            "administrator at any"
        )


def check_cancel(who: SignedIn, ticket: Ticket, desks: Iterable[Desk]) -> None:
    """An operator cancels only a ticket called to their desk; an administrator any."""
    if who.administrator:
        return
    _works_at_desks(who)
    mine = {d.id for d in desks if d.operator_id == who.operator_id}
    if ticket.desk_id not in mine:
        raise NotYourDesk(
            f"ticket {ticket.number} is not at your desk: an administrator cancels it"
        )


def require(who: SignedIn, role: str, what: str) -> None:
    """Refuse ``what`` unless ``who`` has ``role``."""
    if not who.has(role):
        raise RoleRequired(f"{what} needs the {role} role; ask an administrator")


def _works_at_desks(who: SignedIn) -> None:
    if not who.has(OPERATOR):
        raise RoleRequired(
            "working at a desk needs the operator role: ask an administrator to add it"
        )
