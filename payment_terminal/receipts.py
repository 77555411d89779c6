"""What the visitor pays and the receipt slip printed for it (pure).

A :class:`Charge` is what the kiosk asks the agent for; :func:`receipt` the lines the
kiosk prints after the payment (``Printing.PrintSlip``). Imported through
:mod:`payment_terminal.agent`, the kiosk's one door to payments.
"""

from __future__ import annotations

from dataclasses import dataclass

from payment_terminal.outcomes import Paid


@dataclass(frozen=True)
class Charge:
    """A fee the visitor pays; the key makes a retried request the same payment."""

    idempotency_key: str
    service_id: str
    amount_kopecks: int
    purpose: str
    payer_identified: bool


RECEIPT_TITLE = "Чек об оплате"


def receipt(charge: Charge, paid: Paid) -> tuple[str, ...]:
    """The lines of the visitor's receipt slip (``Printing.PrintSlip``, title RECEIPT_TITLE).

    What was paid for and the hub's payment number first, then the terminal's part: its
    own slip when it sent print lines, else the one composed from its status information
    (``outcomes.terminal_slip``: terminal id, trace and receipt numbers, date and time,
    "ОДОБРЕНО"; no card number).
    """
    roubles, kopecks = divmod(charge.amount_kopecks, 100)
    return (
        charge.purpose,
        f"Сумма: {roubles}.{kopecks:02d} руб.",
        f"Платёж № {paid.payment_id}",
        "",
        *paid.receipt_lines,
    )
