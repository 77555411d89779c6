"""A service's fee paid at the kiosk's terminal: the offer's taps and the terminal's answers.

The payment itself is a :class:`kiosk.payment.Payment` (``core.payment``); this class
offers it, sends it to the terminal once per tap, and shows what the terminal says.
"""

from __future__ import annotations

import logging

from kiosk import speech
from kiosk.catalogue import Service
from kiosk.core import FlowCore, Screen
from kiosk.payment import Paid, PaidState, Payment, Step
from kiosk.states import PrintState

log = logging.getLogger(__name__)

# A payment waits on the visitor at the terminal; the payment agent has its own timeouts.
PAYING_GUARD_S = 300.0
# Told when the answer never came: whether the terminal charged is not known here.
UNKNOWN_OUTCOME = Paid(
    PaidState.UNKNOWN,
    0,
    "Не удалось узнать, прошла ли оплата",
    "Whether the payment went through is not known",
    (),
)


class PaymentSteps:
    """What the payment screen's taps and the terminal's answers do to the payment."""

    def __init__(self, core: FlowCore) -> None:
        self._core = core
        self._came_from = Screen.HOME

    def offer(self, service: Service) -> None:
        """A service with a fee was tapped: offer to pay it (or to pay at the desk)."""
        core = self._core
        core.payment = Payment(service.id, service.fee_kopecks, service.fee_purpose)
        self._came_from = core.screen
        core.go(Screen.PAYMENT)

    def _shown(self) -> Payment | None:
        core = self._core
        if core.locked or core.screen is not Screen.PAYMENT:
            return None
        return core.payment

    def pay_now(self) -> None:
        """Pay the fee at the terminal; a double tap or a tap while paying starts nothing."""
        payment = self._shown()
        if payment is None or not self._core.terminal_ready:
            return
        if payment.step is Step.OUTCOME and not payment.may_retry:
            return
        core = self._core
        request_id = core.request("pay", payment.service_id)
        charge = payment.charge(core.new_id, core.card_visitor() is not None)
        core.requests.pay(request_id, charge, core.settings.printer)

    def take_ticket(self) -> None:
        """The ticket for the service on the payment screen (paid, or to pay at the desk)."""
        payment = self._shown()
        if payment is not None and payment.step is not Step.PAYING:
            self._core.request_ticket(payment.service_id, payment.approved_id)

    def back(self) -> None:
        self._core.go(self._came_from)

    def prompt_shown(self, request_id: str, text: str) -> None:
        """What the terminal asks of the visitor now ("Вставьте карту")."""
        payment = self._core.payment
        if self._core.waited(request_id) is None or payment is None:
            return
        payment.prompt = text
        self._core.say(text)

    def paid(self, request_id: str, result: Paid, receipt: tuple[int, PrintState, str]) -> None:
        """The payment ended; ``receipt`` is the receipt's print job, state and error."""
        core = self._core
        if core.waited(request_id) is None or core.payment is None:
            log.warning("payment outcome for a request no longer waited for")
            return
        core.pending = None
        core.payment.ended(result)
        core.payment.receipt = receipt
        log.info("payment ended state=%s id=%d", result.state.value, result.payment_id)
        # The visitor was busy at the terminal: the outcome gets its full time on screen.
        core.shown_afresh()
        core.say(result.reason_en if core.language == "en" else result.reason_ru)

    def unanswered(self) -> bool:
        """The terminal's answer will not come: the outcome is unknown, never offered again
        (False with no payment shown: the hub is unreachable, as for any request)."""
        if self._core.payment is None:
            return False
        self._core.shown_afresh()
        self._core.payment.ended(UNKNOWN_OUTCOME)
        return True

    def print_update(self, job_id: int, state: PrintState, error: str) -> None:
        """The receipt's print job, if ``job_id`` is it."""
        payment = self._core.payment
        if payment is not None and payment.receipt[0] == job_id:
            payment.receipt = (job_id, state, error)

    def prompt(self) -> str:
        """What the payment screen says on arrival: the offer."""
        payment = self._core.payment
        if payment is None or payment.step is not Step.OFFER:
            return ""
        key = "payment" if self._core.terminal_ready else "payment_at_desk"
        return speech.prompt(key, self._core.language)
