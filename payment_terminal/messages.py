"""ZVT commands of the ECR and messages of the terminal, as typed values (pure).

Built on :mod:`payment_terminal.codec`; section references are to the ZVT specification.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum

from payment_terminal.bmp import (
    ber_length,
    ber_length_at,
    parse_tlv,
    read_bmps,
    tlv,
    var_length,
)
from payment_terminal.codec import (
    ABORT,
    AUTHORISATION,
    BMP_AID,
    BMP_AMOUNT,
    BMP_CARD_NAME,
    BMP_CURRENCY,
    BMP_DATE,
    BMP_ORIGINAL_TRACE,
    BMP_RECEIPT,
    BMP_RESULT,
    BMP_TID,
    BMP_TIME,
    BMP_TLV,
    BMP_TRACE,
    BMP_VU,
    END_OF_DAY,
    INTERMEDIATE_STATUS,
    PRINT_LINE,
    REFUND,
    REFUSED,
    REGISTRATION,
    REPEAT_RECEIPT,
    REVERSAL,
    RUB,
    STATUS_ENQUIRY,
    STATUS_INFORMATION,
    Apdu,
    bcd,
    from_bcd,
)
from payment_terminal.errors import FrameError

# --- ECR commands -------------------------------------------------------------------

# Bits of the registration's config byte (ZVT §2.1 "Definition of config byte"; bit 0x01
# and 0x40 are RFU).
ECR_PRINTS_PAYMENT_RECEIPTS = 0x02  # else the terminal prints them on its own printer
ECR_PRINTS_ADMIN_RECEIPTS = 0x04
INTERMEDIATE_STATUS_WANTED = 0x08  # else the terminal sends no 04 FF prompts
ECR_CONTROLS_PAYMENT = 0x10  # no amount input at the terminal
ECR_CONTROLS_ADMIN = 0x20  # no administration functions started at the terminal
ECR_PRINT_LINES = 0x80  # with 0x02/0x04: receipts as 06 D1 print lines, else the ECR
#                         composes them from the status information (04 0F)

_ECR_CONTROLS = INTERMEDIATE_STATUS_WANTED | ECR_CONTROLS_PAYMENT | ECR_CONTROLS_ADMIN
# The kiosk prints its own receipt from the status information: no print lines on the
# line, and a terminal without a printer is not asked to print (that would be 0x02 clear).
KIOSK_RECEIPTS = _ECR_CONTROLS | ECR_PRINTS_PAYMENT_RECEIPTS
# The register prints the terminal's own slip, sent line by line (06 D1).
TERMINAL_PRINT_LINES = KIOSK_RECEIPTS | ECR_PRINT_LINES


def sends_print_lines(config: int) -> bool:
    """Whether a terminal registered with ``config`` sends its payment slip as print lines."""
    wanted = ECR_PRINTS_PAYMENT_RECEIPTS | ECR_PRINT_LINES
    return config & wanted == wanted


def registration(password: int = 123456, config: int = KIOSK_RECEIPTS, currency: int = RUB) -> Apdu:
    """Registration 06 00: password, config byte, currency code (no BMP tag, ZVT §2.1)."""
    return Apdu(REGISTRATION, bcd(password, 3) + bytes([config]) + bcd(currency, 2))


@dataclass(frozen=True)
class Registration:
    """A registration as the terminal reads it."""

    password: int
    config: int
    currency: int | None


def parse_registration(data: bytes) -> Registration:
    """Password, config byte and (optional) currency of a 06 00."""
    if len(data) < 4:
        raise FrameError(f"registration of {len(data)} bytes; password and config need 4")
    currency = from_bcd(data[4:6]) if len(data) >= 6 else None
    return Registration(from_bcd(data[:3]), data[3], currency)


def authorisation(amount: int, currency: int = RUB) -> Apdu:
    """Authorisation 06 01: amount in minor units (BMP 04) and currency (BMP 49)."""
    return Apdu(AUTHORISATION, amount_bmp(amount) + bytes([BMP_CURRENCY]) + bcd(currency, 2))


def amount_bmp(amount: int) -> bytes:
    """BMP 04: amount in minor units, 6 bytes BCD."""
    return bytes([BMP_AMOUNT]) + bcd(amount, 6)


def reversal(receipt: int, password: int = 123456) -> Apdu:
    """Reversal 06 30 of the transaction with this receipt number (BMP 87)."""
    return Apdu(REVERSAL, bcd(password, 3) + bytes([BMP_RECEIPT]) + bcd(receipt, 2))


def refund(amount: int, password: int = 123456) -> Apdu:
    """Refund 06 31 of ``amount`` minor units."""
    return Apdu(REFUND, bcd(password, 3) + amount_bmp(amount))


def repeat_receipt(password: int = 123456) -> Apdu:
    """Repeat receipt 06 20: the terminal prints (and reports) its last transaction."""
    return Apdu(REPEAT_RECEIPT, bcd(password, 3))


def end_of_day(password: int = 123456) -> Apdu:
    """End of day 06 50."""
    return Apdu(END_OF_DAY, bcd(password, 3))


def status_enquiry(password: int = 123456) -> Apdu:
    """Status enquiry 05 01."""
    return Apdu(STATUS_ENQUIRY, bcd(password, 3))


def abort() -> Apdu:
    """Abort 06 B0: the ECR asks the terminal to stop the running command."""
    return Apdu(ABORT)


# --- Terminal messages into values --------------------------------------------------


class Outcome(Enum):
    """How a terminal command ended."""

    APPROVED = "approved"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    TERMINAL_ERROR = "terminal_error"


RESULT_CANCELLED = 0x6C

# Result codes (ZVT §10 "Error-messages"): Russian first, then English.
REASONS: dict[int, tuple[str, str]] = {
    0x00: ("Операция выполнена", "no error"),
    0x05: ("Отказ банка-эмитента", "do not honour"),
    0x33: ("Недостаточно средств", "insufficient funds"),
    0x37: ("Неверный PIN", "incorrect PIN"),
    0x64: ("Карта не читается", "card not readable"),
    0x6B: ("Терминал не зарегистрирован", "function deactivated (PT not registered)"),
    0x6C: ("Отменено покупателем или по тайм-ауту", "aborted by abort key or timeout"),
    0x6E: ("Карта в стоп-листе", "card in blocked list"),
    0x6F: ("Неверная валюта", "wrong currency"),
    0x71: ("Недостаточно средств", "credit not sufficient"),
    0x78: ("Срок действия карты истёк", "card expired"),
    0x79: ("Карта ещё не действует", "card not yet valid"),
    0x7A: ("Неизвестная карта", "card unknown"),
    0x7D: ("Ошибка связи", "communication error"),
    0x83: ("Функция невозможна", "function not possible"),
    0x9A: ("Ошибка протокола ZVT", "ZVT protocol error"),
    0xA0: ("Получатель не готов", "receiver not ready"),
    0xA1: ("Банк не отвечает", "remote station does not respond"),
    0xA3: ("Нет связи с банком", "no connection"),
    0xB4: ("Уже отменено", "already reversed"),
    0xB5: ("Отмена невозможна", "reversal not possible"),
    0xC3: ("Превышена максимальная сумма", "maximum amount exceeded"),
    0xC5: ("Способ оплаты не поддерживается", "payment method not supported"),
    0xCC: ("Принтер терминала не готов", "printer not ready"),
    0xFF: ("Системная ошибка терминала", "system error"),
}

# Codes that mean "the card or its bank said no" rather than "the terminal failed":
# 01..63 come from the authorisation host (ZVT §10), the rest from the card checks.
DECLINE_CODES = frozenset(
    {*range(0x01, 0x64), 0x64, 0x6E, 0x6F, 0x71, 0x78, 0x79, 0x7A, 0xC3, 0xC5}
)


def reason(code: int) -> str:
    """'Russian / English' reason for a result code."""
    ru, en = REASONS.get(code, ("Ошибка терминала", "terminal error"))
    return f"{ru} / {en}"


def classify(code: int) -> Outcome:
    """What a result code means for the visitor."""
    if code == 0:
        return Outcome.APPROVED
    if code == RESULT_CANCELLED:
        return Outcome.CANCELLED
    if code in DECLINE_CODES:
        return Outcome.DECLINED
    return Outcome.TERMINAL_ERROR


@dataclass(frozen=True)
class StatusInfo:
    """Status information 04 0F: the transaction's result and references."""

    result_code: int
    amount: int | None = None
    currency: int | None = None  # BMP 49, ISO 4217 numeric; None when not told
    trace: int | None = None
    receipt: int | None = None
    terminal_id: int | None = None
    aid: str | None = None
    vu: str | None = None
    when: str | None = None  # "DD.MM hh:mm:ss" as the terminal tells it (no year in ZVT)
    card_name: str | None = None
    original_trace: int | None = None  # BMP 37: this transaction reversed that one
    unknown_tag: int | None = None  # a BMP not in the specification's table; read up to it
    fields: dict[int, bytes] = field(default_factory=dict, compare=False, repr=False)


def parse_status_information(data: bytes) -> StatusInfo:
    """Typed view of a 04 0F message's BMPs, read up to any BMP the specification lacks."""
    found = read_bmps(data)
    f = found.fields

    def num(tag: int) -> int | None:
        return from_bcd(f[tag]) if tag in f else None

    def text(tag: int) -> str | None:
        return f[tag].rstrip(b"\x00 ").decode("ascii", "replace") if tag in f else None

    return StatusInfo(
        result_code=f[BMP_RESULT][0] if BMP_RESULT in f else 0,
        amount=num(BMP_AMOUNT),
        currency=num(BMP_CURRENCY),
        trace=num(BMP_TRACE),
        receipt=num(BMP_RECEIPT),
        terminal_id=num(BMP_TID),
        aid=text(BMP_AID),
        vu=text(BMP_VU),
        when=_when(f),
        card_name=text(BMP_CARD_NAME),
        original_trace=num(BMP_ORIGINAL_TRACE),
        unknown_tag=found.unknown_tag,
        fields=f,
    )


def _when(f: dict[int, bytes]) -> str | None:
    """BMP 0D (MMDD) and 0C (hhmmss) as "DD.MM hh:mm:ss"."""
    if BMP_DATE not in f or BMP_TIME not in f:
        return None
    date, time = f[BMP_DATE].hex(), f[BMP_TIME].hex()
    return f"{date[2:]}.{date[:2]} {time[:2]}:{time[2:4]}:{time[4:]}"


def status_information(
    result_code: int,
    amount: int | None = None,
    trace: int | None = None,
    receipt: int | None = None,
    terminal_id: int | None = None,
    *,
    currency: int | None = None,
    when: datetime | None = None,
    card_name: str | None = None,
    original_trace: int | None = None,
) -> Apdu:
    """Build a 04 0F message (the simulator's side)."""
    data = bytes([BMP_RESULT, result_code])
    if amount is not None:
        data += amount_bmp(amount)
    if currency is not None:
        data += bytes([BMP_CURRENCY]) + bcd(currency, 2)
    if trace is not None:
        data += bytes([BMP_TRACE]) + bcd(trace, 3)
    if original_trace is not None:
        data += bytes([BMP_ORIGINAL_TRACE]) + bcd(original_trace, 3)
    if receipt is not None:
        data += bytes([BMP_RECEIPT]) + bcd(receipt, 2)
    if terminal_id is not None:
        data += bytes([BMP_TID]) + bcd(terminal_id, 4)
    if when is not None:
        data += bytes([BMP_TIME]) + bcd(int(when.strftime("%H%M%S")), 3)
        data += bytes([BMP_DATE]) + bcd(int(when.strftime("%m%d")), 2)
    if card_name is not None:
        name = card_name.encode("ascii")
        data += bytes([BMP_CARD_NAME]) + var_length(len(name), 2) + name
    return Apdu(STATUS_INFORMATION, data)


# Currencies a terminal may report (ISO 4217 numeric -> alphabetic), for receipts.
CURRENCIES: dict[int, str] = {643: "RUB", 978: "EUR", 840: "USD", 933: "BYN", 398: "KZT"}


def currency_name(code: int) -> str:
    """ "RUB" for 643; a code not listed stays a number, so a receipt never misnames it."""
    return CURRENCIES.get(code, f"{code:03d}")


def money(amount: int, currency: int = RUB) -> str:
    """ "500.00 RUB": an amount in minor units with the currency's ISO code."""
    whole, part = divmod(amount, 100)
    return f"{whole}.{part:02d} {currency_name(currency)}"


def refusal(code: int) -> Apdu:
    """A negative acknowledgement 84 xx: the command is refused with result code ``code``."""
    return Apdu(bytes([REFUSED, code]))


def password_of(data: bytes) -> int:
    """The password (3 bytes BCD) that opens an administration command's data."""
    if len(data) < 3:
        raise FrameError(f"command of {len(data)} bytes; its password needs 3")
    return from_bcd(data[:3])


# Display texts of an intermediate status travel in TLV 24 (display texts), 07 (line).
TLV_DISPLAY_TEXTS = 0x24
TLV_TEXT_LINE = 0x07
TEXT_ENCODING = "cp866"  # Russian terminals' display character set (ZVT default is CP437)

# Intermediate status codes (ZVT §3.7) with the texts the kiosk shows when none is sent.
INTERMEDIATE_TEXTS: dict[int, str] = {
    0x01: "Смотрите на PIN-клавиатуру",
    0x04: "Ожидание ответа банка",
    0x0A: "Вставьте карту",
    0x0B: "Заберите карту",
    0x0E: "Подождите…",
    0x17: "Подождите…",
}


@dataclass(frozen=True)
class Intermediate:
    """Intermediate status 04 FF: a prompt for the visitor."""

    status: int
    text: str


def intermediate_status(status: int, text: str = "", timeout: int = 0) -> Apdu:
    """Build a 04 FF message with an optional display text."""
    data = bytes([status, timeout])
    if text:
        texts = tlv(TLV_DISPLAY_TEXTS, tlv(TLV_TEXT_LINE, text.encode(TEXT_ENCODING)))
        data += bytes([BMP_TLV]) + ber_length(len(texts)) + texts
    return Apdu(INTERMEDIATE_STATUS, data)


def parse_intermediate(data: bytes) -> Intermediate:
    """Status code and display text of a 04 FF message."""
    if not data:
        raise FrameError("intermediate status without a status byte")
    status = data[0]
    lines: list[str] = []
    if len(data) > 2 and data[2] == BMP_TLV:
        n, used = ber_length_at(data, 3)
        for tag, value in parse_tlv(data[3 + used : 3 + used + n]):
            if tag == TLV_DISPLAY_TEXTS:
                lines += [
                    v.decode(TEXT_ENCODING, "replace")
                    for t, v in parse_tlv(value)
                    if t == TLV_TEXT_LINE
                ]
    text = " ".join(lines) or INTERMEDIATE_TEXTS.get(status, "")
    return Intermediate(status, text)


def print_line(text: str, attribute: int = 0) -> Apdu:
    """Build a 06 D1 print line."""
    return Apdu(PRINT_LINE, bytes([attribute]) + text.encode(TEXT_ENCODING))


def parse_print_line(data: bytes) -> str:
    """Text of a 06 D1 print line (the attribute byte dropped)."""
    return data[1:].decode(TEXT_ENCODING, "replace")


def parse_abort(data: bytes) -> int:
    """Result code of an abort 06 1E from the terminal."""
    if not data:
        raise FrameError("abort without a result code")
    return data[0]
