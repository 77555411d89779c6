"""Errors of the hub, each telling what was wrong and what to do about it.

The groups map one to one onto gRPC status codes (see ``hub/api/status.py``):
``NotFound`` -> NOT_FOUND, ``InvalidRequest`` -> INVALID_ARGUMENT,
``Refused`` -> FAILED_PRECONDITION (``TooManyAttempts`` -> RESOURCE_EXHAUSTED),
``StoreUnavailable`` -> UNAVAILABLE.
"""

from __future__ import annotations

from okno.errors import OknoError


class HubError(OknoError):
    """Root of the hub's errors."""

    code = "hub_error"

    def facts(self) -> dict[str, str]:
        """Values a program may act on (a screen showing a time), sent with the refusal as
        trailing metadata ``okno-<name>`` beside its code; none by default."""
        return {}


class NotFound(HubError, LookupError):
    """A request names a service, desk, ticket, category or operator the branch lacks."""

    code = "not_found"


class UnknownService(NotFound):
    code = "unknown_service"


class UnknownDesk(NotFound):
    code = "unknown_desk"


class UnknownTicket(NotFound):
    code = "unknown_ticket"


class UnknownPriority(NotFound):
    code = "unknown_priority"


class UnknownOperator(NotFound):
    code = "unknown_operator"


class UnknownCode(NotFound):
    """No booking has this code: mistyped, or made up."""

    code = "unknown_code"


class UnknownPayment(NotFound):
    """No payment has the id a ticket was asked with."""

    code = "unknown_payment"


class NoBookingForCard(NotFound):
    """The card's holder has no booking still to come today: take a ticket instead."""

    code = "no_booking_for_card"


class InvalidRequest(HubError, ValueError):
    """A request is malformed: a field missing, two that exclude each other, a reused id."""

    code = "invalid_request"


class Refused(HubError, RuntimeError):
    """A well-formed request that the queue's present state does not allow."""

    code = "refused"


class PaymentNotUsable(Refused):
    """A ticket was asked with a payment that cannot stand for its fee; ``code`` says why."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class NotificationsOff(Refused):
    """The branch's [notifications] name no sender: nothing can be told to visitors."""

    code = "notifications_off"


class IllegalTransition(Refused):
    """A ticket cannot go from its state to the one asked for."""

    code = "illegal_transition"


class DeskNotOpen(Refused):
    code = "desk_not_open"


class DeskBusy(Refused):
    code = "desk_busy"


class NoCurrentTicket(Refused):
    code = "no_current_ticket"


class RecallLimitReached(Refused):
    code = "recall_limit_reached"


class BranchClosed(Refused):
    code = "branch_closed"


class TicketsStopped(BranchClosed):
    """Open today, but not at this hour: before opening or past the last ticket time."""

    code = "tickets_stopped"


class NotServedHere(Refused):
    code = "not_served_here"


class BadCode(InvalidRequest):
    """What was typed cannot be a booking code (wrong length or letters)."""

    code = "bad_code"


class BadDigits(InvalidRequest):
    """What was typed cannot be the digits of a ticket's number."""

    code = "bad_digits"


class TimeOutOfRange(InvalidRequest):
    """A time asked about lies before 1970 or after 2100: no calendar of the branch has it."""

    code = "time_out_of_range"


class NotBookable(Refused):
    """The service takes no appointments."""

    code = "not_bookable"


class SlotUnavailable(Refused):
    """No slot starts then: past, too far ahead, a closed day, or off the slot grid."""

    code = "slot_unavailable"


class AmbiguousKeys(Refused):
    """Two of a phone's bookings have codes typed by the same keys: a person must tell
    which (the keys alone cannot)."""

    code = "ambiguous_keys"


class SlotFull(Refused):
    """Every seat of the slot is booked."""

    code = "slot_full"


class BookingLimitReached(Refused):
    """The visitor (phone number or card) holds as many bookings as a limit allows.

    ``held_code`` is the code of the booking that fills the limit: for the call centre's
    screen only, never sent to a kiosk nor put in the message, since whoever types a
    stranger's phone number would otherwise learn the code that cancels their booking.
    """

    code = "booking_limit"

    def __init__(  # noqa: PLR0917 (the limit and the booking that fills it)
        self,
        message: str,
        most: int,
        per: str,
        services: tuple[str, ...],
        held_service: str,
        held_slot_ms: int,
        held_code: str,
    ) -> None:
        super().__init__(message)
        self.most = most
        self.per = per
        self.services = services
        self.held_service = held_service
        self.held_slot_ms = held_slot_ms
        self.held_code = held_code

    def facts(self) -> dict[str, str]:
        return {
            "limit-most": str(self.most),
            "limit-per": self.per,
            "limit-services": ",".join(self.services),
            "held-service": self.held_service,
            "slot-ms": str(self.held_slot_ms),
        }


class CodeUsed(Refused):
    """The booking was checked in already; its code is spent."""

    code = "code_used"


class CodeCancelled(Refused):
    """The booking was cancelled; its code is never valid again."""

    code = "code_cancelled"


class TooEarly(Refused):
    """Check-in has not opened yet; ``opens_ms`` is when it does, for the slot at ``slot_ms``."""

    code = "check_in_too_early"

    def __init__(self, message: str, opens_ms: int, slot_ms: int) -> None:
        super().__init__(message)
        self.opens_ms = opens_ms
        self.slot_ms = slot_ms

    def facts(self) -> dict[str, str]:
        return {"slot-ms": str(self.slot_ms), "check-in-from-ms": str(self.opens_ms)}


class TooLate(Refused):
    """Check-in closed: the visitor missed the slot at ``slot_ms`` (a no-show)."""

    code = "check_in_too_late"

    def __init__(self, message: str, slot_ms: int) -> None:
        super().__init__(message)
        self.slot_ms = slot_ms

    def facts(self) -> dict[str, str]:
        return {"slot-ms": str(self.slot_ms)}


class ConfigError(HubError, ValueError):
    """A branch configuration file is wrong; ``line`` points at the culprit when known."""

    code = "config_error"

    def __init__(self, path: str, reason: str, line: int | None = None) -> None:
        self.path = path
        self.reason = reason
        self.line = line
        where = f"{path}, line {line}" if line is not None else path
        super().__init__(f"{where}: {reason}")


class StoreUnavailable(HubError, ConnectionError):
    """The database could not commit; nothing of the request was kept."""

    code = "store_unavailable"


class AddressInUse(HubError, OSError):
    """The hub cannot listen where it was told: another process holds the port."""

    code = "address_in_use"


class TooManyAttempts(Refused):
    """Wrong pairing codes came too often from one place; it must wait."""

    code = "too_many_attempts"


class TooManyWaiting(Refused):
    """As many enrollment requests wait for a technician as a hall ever needs (from one
    address, or on the whole hub); more are refused until some are answered or expire."""

    code = "too_many_waiting"


class AuthorityDamaged(HubError, ValueError):
    """The branch CA's files cannot be read; the hub must not guess a new identity."""

    code = "authority_damaged"


class KeyDamaged(HubError, ValueError):
    """A key file cannot be read, or disagrees with the database; the hub must not make a
    new key, under which nothing hashed before (a booking's SNILS, an opt-out) would match."""

    code = "key_damaged"


class BadCertificateRequest(InvalidRequest):
    """A device's certificate request is unreadable, badly signed or has a weak key."""

    code = "bad_certificate_request"


class DeviceRefused(HubError, PermissionError):
    """A device's certificate does not admit it to this branch."""

    code = "device_refused"


class ForgedCertificate(DeviceRefused):
    """The certificate was not signed by this branch's CA (another CA, self-signed, junk)."""

    code = "forged_certificate"


class ExpiredCertificate(DeviceRefused):
    """The certificate is past its end, or before its start, at the hub's clock."""

    code = "expired_certificate"


class RevokedCertificate(DeviceRefused):
    """A technician revoked the certificate; the device is cut off."""

    code = "revoked_certificate"


class StaffOnly(HubError, PermissionError):
    """A call only the branch's staff tools may make, made by a device."""

    code = "staff_only"


class HallAdministratorsOnly(StaffOnly):
    """The hall administrator's page, asked for by someone signed in without that role."""

    code = "hall_administrators"


class TechnicianOnly(DeviceRefused):
    """A provisioning call from somewhere a technician cannot be proven to be."""

    code = "technician_only"


class Unauthenticated(HubError, PermissionError):
    """Who is calling cannot be told: a wrong PIN, or a session that has ended."""

    code = "unauthenticated"


class WrongPin(Unauthenticated):
    code = "wrong_pin"


class SignInRequired(Unauthenticated):
    """A call from nobody in particular that only a device or a signed-in person may make."""

    code = "sign_in_required"


class SignedOut(Unauthenticated):
    """The call's token is not the hub's, or its session ended (signed out, PIN changed,
    expired, the staff member removed)."""

    code = "signed_out"


class NoPin(Refused):
    """The operator has no PIN yet: an administrator or technician must set one."""

    code = "no_pin"


class PinTooShort(Refused):
    """The PIN typed is shorter than the rule (6 digits): one set under the old rule of 4
    signs in no more, and an administrator sets a new one."""

    code = "pin_too_short"


class BadPin(InvalidRequest):
    """A new PIN breaks the rules (6 to 12 digits)."""

    code = "bad_pin"


class TokenKeyUnusable(HubError, ValueError):
    """The key that signs staff tokens is not 32 bytes: the file was cut or replaced."""

    code = "token_key_unusable"


class RoleRequired(HubError, PermissionError):
    """The signed-in person's roles do not allow the call."""

    code = "role_required"


class NotAllowed(RoleRequired):
    """The permission table does not let this kind of caller make this call."""

    code = "not_allowed"


class NotYourDesk(RoleRequired):
    """An operator without the administrator role acted on a desk that is not theirs."""

    code = "not_your_desk"


class NotRatable(Refused):
    """Only a service that was finished can be rated (not a no-show, nor one under way)."""

    code = "not_ratable"


class RatingClosed(Refused):
    """The time to rate this service is over."""

    code = "rating_closed"


class AlreadyRated(Refused):
    """This ticket's service was rated already: one rating per ticket."""

    code = "already_rated"


class BadScore(InvalidRequest):
    """A score outside 1..5, or a channel that is not one of the hall's."""

    code = "bad_score"


class WrongFee(InvalidRequest):
    """A payment begun for another amount than its service's fee in the configuration."""

    code = "wrong_fee"


class NotYourPayment(RoleRequired):
    """A payment terminal acted on a payment another terminal began."""

    code = "not_your_payment"


class NotYourPrinter(RoleRequired):
    """A kiosk named a printer that is not the one its settings give it."""

    code = "not_your_printer"


class UnknownTransaction(Refused):
    """A terminal's "last transaction" that its own earlier records contradict."""

    code = "unknown_transaction"


class PriorityNeedsCheckIn(Refused):
    """The appointment priority is given by checking a booking in, never asked for."""

    code = "priority_needs_check_in"


class NotClaimable(Refused):
    """A kiosk asked for a category a visitor may not claim there (docs/hub.md)."""

    code = "priority_not_claimable"


class NoPriorityClaim(Refused):
    """The desk's ticket has no claimed priority to confirm or remove."""

    code = "no_priority_claim"


class UnknownApplication(NotFound):
    """No application has this number, or (in a visitor's look-up) not with this phone."""

    code = "unknown_application"


class NotDocumentService(InvalidRequest):
    """The service produces no documents (no processing_days): there is no application."""

    code = "not_document_service"


class StatusNotAllowed(Refused):
    """An application cannot go from its status to the one asked (выдано before готово)."""

    code = "not_allowed"


class StaleChange(Refused):
    """A change older than one the information system sent before for this application."""

    code = "stale_change"


class BadPlannedDate(InvalidRequest):
    """A planned ready date that is not a date, or is in the past."""

    code = "bad_planned_date"


class NoConsent(InvalidRequest):
    """A contact given for an application without the applicant's consent to keep it."""

    code = "no_consent"


class NoticeNeedsContact(InvalidRequest):
    """SMS notices asked without a phone, or e-mail notices without an address."""

    code = "notice_needs_contact"


class BadPhone(InvalidRequest):
    """A phone number no SMS can reach."""

    code = "bad_phone"


class BadEmail(InvalidRequest):
    """An e-mail address no message can reach."""

    code = "bad_email"


class BadSnils(InvalidRequest):
    """A SNILS whose check digits do not match."""

    code = "bad_snils"


class CatalogueError(ConfigError):
    """The service catalogue file (or one of its forms) is wrong; the hub keeps its old one."""

    code = "catalogue_error"


class UnknownForm(NotFound):
    """No form of the catalogue has this id."""

    code = "unknown_form"


class NoCatalogueEntry(NotFound):
    """The catalogue says nothing of this service (or the branch has no catalogue)."""

    code = "no_catalogue_entry"
