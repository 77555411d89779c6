"""Errors of the card reader, each saying what a person can do about it.

The specific errors also inherit a builtin, so code that knows nothing of okno still
catches them sensibly (a removed card is a ``ConnectionError``, a mute card a
``TimeoutError``, a wrong PIN a ``PermissionError``). ``code`` is stable: logs, the
kiosk's screen texts and tests match on it, never on the message. No message ever holds
a PIN, a SNILS or a card number.
"""

from __future__ import annotations

from okno.errors import OknoError


class CardError(OknoError):
    """Root of the card reader's errors."""

    code = "card_error"


class BadSettings(CardError, ValueError):
    """The hub's settings for this reader cannot be used; nothing was changed."""

    code = "bad_settings"


class ReaderUnavailable(CardError, ConnectionError):
    """The PC/SC service (pcscd) is not running or cannot be reached."""

    code = "pcsc_unavailable"


class NoReader(CardError, LookupError):
    """No smart-card reader (or not the configured one) is attached."""

    code = "no_reader"


class ReaderStopped(CardError, RuntimeError):
    """The reader's watch thread ended on a fault of okno's own: no card is read until restart."""

    code = "reader_stopped"


class NoCard(CardError, LookupError):
    """The reader holds no card."""

    code = "no_card"


class CardRemoved(CardError, ConnectionError):
    """The card was pulled out (or reset) while it was being read; insert it again."""

    code = "card_removed"


class CardMute(CardError, TimeoutError):
    """The card does not answer: it is damaged, dirty or inserted the wrong way."""

    code = "card_mute"


class UnknownCard(CardError, LookupError):
    """The card holds none of the applications okno can read (not a UEC, not a bank card)."""

    code = "unknown_card"


class MalformedData(CardError, ValueError):
    """Bytes from the card (or for it) do not follow ISO 7816-4 / BER-TLV."""

    code = "malformed_data"


class BadPin(CardError, ValueError):
    """What was typed cannot be a PIN (4 to 12 digits); nothing was sent to the card."""

    code = "bad_pin"


class PinCancelled(CardError, RuntimeError):
    """The visitor cancelled PIN entry; the card was not asked."""

    code = "pin_cancelled"


class PinTimeout(CardError, TimeoutError):
    """Nobody entered the PIN in time; the card was not asked."""

    code = "pin_timeout"


class CardStatusError(CardError, RuntimeError):
    """The card refused a command with a status word (ISO 7816-4 section 5.6)."""

    code = "card_status"

    def __init__(self, message: str, sw: int) -> None:
        super().__init__(message)
        self.sw = sw


class FileNotFound(CardStatusError, LookupError):
    """6A82: no such file or application on the card."""

    code = "file_not_found"


class RecordNotFound(CardStatusError, LookupError):
    """6A83: no such record."""

    code = "record_not_found"


class WrongLength(CardStatusError, ValueError):
    """6700: wrong length (Lc or Le)."""

    code = "wrong_length"


class WrongParameters(CardStatusError, ValueError):
    """6A86 / 6B00 / 6A80: wrong P1-P2, offset or data field."""

    code = "wrong_parameters"


class NotSupported(CardStatusError, ValueError):
    """6D00 / 6E00 / 6A81: instruction, class or function not supported by this card."""

    code = "not_supported"


class ConditionsNotSatisfied(CardStatusError, PermissionError):
    """6985 / 6986: the card's conditions of use are not met (wrong order of commands)."""

    code = "conditions_not_satisfied"


class SecurityNotSatisfied(CardStatusError, PermissionError):
    """6982: the file needs a PIN or secure messaging first."""

    code = "security_not_satisfied"


class SecureMessagingRequired(CardStatusError, PermissionError):
    """The card wants secure messaging (6987, 6988; 6982 after the PIN): needs the issuer's keys."""

    code = "secure_messaging_required"


class WrongPin(CardStatusError, PermissionError):
    """63Cx (or a plain 6300 to VERIFY): the PIN was wrong; ``tries_left`` None when unsaid."""

    code = "wrong_pin"

    def __init__(self, message: str, sw: int, tries_left: int | None) -> None:
        super().__init__(message, sw)
        self.tries_left = tries_left


class PinBlocked(CardStatusError, PermissionError):
    """6983 / 63C0: the PIN is blocked; the issuer (or a PUK) must unblock it."""

    code = "pin_blocked"
    tries_left = 0


class CardFailure(CardStatusError):
    """64xx / 65xx / 6Fxx: the card failed (memory, execution) without a precise reason."""

    code = "card_failure"
