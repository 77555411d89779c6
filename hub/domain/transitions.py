"""The ticket state machine: which command may move a ticket from which state."""

from __future__ import annotations

from hub.domain.model import TicketState
from hub.errors import IllegalTransition

W, C, S = TicketState.WAITING, TicketState.CALLED, TicketState.SERVING

# command -> states it may start from. A transfer ends the visit and the ticket waits
# again, so "transfer" leads back to WAITING rather than to a final state.
ALLOWED: dict[str, frozenset[TicketState]] = {
    "call": frozenset({W}),
    "recall": frozenset({C}),
    "start": frozenset({C}),
    "finish": frozenset({S}),
    "no_show": frozenset({C}),
    "transfer": frozenset({C, S}),
    "cancel": frozenset({W, C}),
}

_ADVICE: dict[str, str] = {
    "call": "only a waiting ticket can be called",
    "recall": "only a called ticket can be recalled",
    "start": "call the ticket before starting service",
    "finish": "start service before finishing it",
    "no_show": "only a called ticket can be marked as a no-show",
    "transfer": "only a called or served ticket can be transferred",
    "cancel": "a ticket being served is finished, not cancelled",
}


def check(command: str, number: str, state: TicketState) -> None:
    """Raise IllegalTransition unless ``command`` may act on a ticket in ``state``."""
    if state not in ALLOWED[command]:
        raise IllegalTransition(
            f"cannot {command.replace('_', '-')} ticket {number}: it is {state.value}; "
            f"{_ADVICE[command]}"
        )
