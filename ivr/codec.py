"""AGI's text lines, both ways: the environment block, commands and their replies.

Pure: strings in, values out. Both ends use it: the driver formats commands and parses
replies, the simulated Asterisk parses commands and formats replies, so one table of
golden lines tests both. Formats are those of Asterisk's AGI reference ("Asterisk Gateway
Interface (AGI)", "AGI Commands"; res_agi.c for the quoting rules of ``parse_args``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum

from ivr.errors import AgiProtocolError

ENVIRONMENT_LIMIT = 16_384  # bytes: Asterisk's block is ~1 KB; a bigger one is not Asterisk
ENVIRONMENT_LINES = 200  # lines, for the same reason (the known keys number ~30 + arguments)
HANGUP = "HANGUP"  # the line FastAGI writes when the channel hangs up (AGI reference, FastAGI)
USAGE_FIRST = "520-Invalid command syntax.  Proper usage follows:"
USAGE_LAST = "520 End of proper usage."
UNKNOWN_COMMAND = "510 Invalid or unknown command"
DEAD_CHANNEL = "511 Command Not Permitted on a dead channel or intercepted channel"

# agi_callingpres (Q.931 presentation): bits 0x60 set = presentation restricted or the
# number unavailable: the caller withheld it, so the menu must not use it.
_PRESENTATION_HIDDEN = 0x60
_NOT_A_NUMBER = frozenset({"", "unknown", "anonymous", "withheld", "restricted", "private"})
_REPLY = re.compile(r"^200 result=(?P<result>\S*)(?: \((?P<data>.*)\))?(?P<rest> .*)?$")
_PAIR = re.compile(r" ([a-z_]+)=(\S*)")
_FORBIDDEN = ("\n", "\r", "\0")


class Status(IntEnum):
    """The reply codes of the AGI reference."""

    OK = 200
    UNKNOWN = 510
    DEAD = 511
    USAGE = 520


@dataclass(frozen=True)
class Environment:
    """The call as Asterisk describes it when it hands the call over (``agi_*`` lines).

    ``callerid`` is the caller's number as ``+<digits>``, or "" when Asterisk does not
    know it or the caller withheld it; ``raw`` keeps every line, keys without ``agi_``,
    including ones a newer Asterisk adds.
    """

    request: str
    channel: str = ""
    uniqueid: str = ""
    callerid: str = ""
    language: str = ""
    extension: str = ""
    context: str = ""
    arguments: tuple[str, ...] = ()
    raw: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Reply:
    """One answer of Asterisk to one command.

    ``result`` is the text after ``result=`` (``""`` for a non-200 answer), ``data`` the
    parenthesised part (``timeout``, a variable's value) or None, ``extra`` any further
    ``key=value`` pairs such as ``endpos``; ``usage`` holds a 520 answer's usage lines.
    """

    status: Status
    result: str = ""
    data: str | None = None
    extra: Mapping[str, str] = field(default_factory=dict)
    usage: tuple[str, ...] = ()

    @property
    def endpos(self) -> int | None:
        """Where playing stopped, in samples, for the commands that say so."""
        value = self.extra.get("endpos")
        return int(value) if value is not None and is_integer(value) else None


def is_integer(text: str) -> bool:
    """Whether ``text`` is what Asterisk's ``%d`` reads whole (a sign, then digits)."""
    return re.fullmatch(r"-?\d+", text) is not None


def caller_number(callerid: str, callingpres: str = "0") -> str:
    """The caller's number as ``+<digits>``; "" when unknown, withheld or not a phone.

    Russian carriers hand it over as ``8XXXXXXXXXX``, ``7XXXXXXXXXX``, ``+7XXXXXXXXXX``
    or the ten digits alone; all four are one phone, which is what the hub matches on.
    """
    if is_integer(callingpres) and int(callingpres) & _PRESENTATION_HIDDEN:
        return ""
    text = re.sub(r"[\s()\-.]", "", callerid)
    if text.lower() in _NOT_A_NUMBER:
        return ""
    plus = text.startswith("+")
    digits = text[1:] if plus else text
    if not digits.isascii() or not digits.isdigit():
        return ""
    if not plus and len(digits) == 11 and digits[0] in "78":
        digits = "7" + digits[1:]
    elif not plus and len(digits) == 10 and digits[0] == "9":
        digits = "7" + digits
    if not 8 <= len(digits) <= 15:  # E.164: up to 15 digits; shorter is an extension
        return ""
    return "+" + digits


def parse_environment(lines: Sequence[str]) -> Environment:
    """The environment from its lines (without the empty line that ends the block).

    A key Asterisk did not have when this was written is kept in ``raw``; a line that is
    not ``agi_<key>: <value>``, a key given twice, a block without ``agi_request`` or one
    too big for Asterisk is refused with :class:`AgiProtocolError`.
    """
    if len(lines) > ENVIRONMENT_LINES or sum(len(line) + 1 for line in lines) > ENVIRONMENT_LIMIT:
        raise AgiProtocolError(
            f"environment block over {ENVIRONMENT_LINES} lines or {ENVIRONMENT_LIMIT} bytes: "
            "this is not Asterisk; check what connects to the FastAGI port"
        )
    raw: dict[str, str] = {}
    for number, line in enumerate(lines, start=1):
        key, colon, value = line.partition(": ")
        if not colon and line.endswith(":"):
            key, colon, value = line[:-1], ":", ""  # an empty value, its space stripped
        if not colon or not re.fullmatch(r"agi_[a-z0-9_]+", key):
            raise AgiProtocolError(
                f"environment line {number} ({len(line)} characters, not quoted: it may hold "
                f"the caller's number) is not 'agi_<name>: <value>': "
                "check that Asterisk's dialplan calls AGI(agi://...)"
            )
        name = key.removeprefix("agi_")
        if name in raw:
            raise AgiProtocolError(f"environment line {number} repeats agi_{name}")
        raw[name] = value
    if not raw.get("request"):
        raise AgiProtocolError(
            "environment block has no agi_request: not an AGI call; "
            "check what connects to the FastAGI port"
        )
    arguments: list[str] = []
    while f"arg_{len(arguments) + 1}" in raw:
        arguments.append(raw[f"arg_{len(arguments) + 1}"])
    return Environment(
        request=raw["request"],
        channel=raw.get("channel", ""),
        uniqueid=raw.get("uniqueid", ""),
        callerid=caller_number(raw.get("callerid", ""), raw.get("callingpres", "0")),
        language=raw.get("language", ""),
        extension=raw.get("extension", ""),
        context=raw.get("context", ""),
        arguments=tuple(arguments),
        raw=raw,
    )


def format_environment(values: Mapping[str, str]) -> str:
    """The block Asterisk writes: ``agi_<name>: <value>`` lines, then an empty line."""
    return "".join(f"agi_{name}: {value}\n" for name, value in values.items()) + "\n"


def _check_word(word: str) -> None:
    if any(bad in word for bad in _FORBIDDEN):
        raise AgiProtocolError(
            f"AGI argument {word[:40]!r} holds a line break or NUL, which would end the "
            "command early: refuse the text that made it"
        )


def quote(word: str) -> str:
    """One argument as Asterisk's ``parse_args`` reads it back: quoted when it must be."""
    _check_word(word)
    if word and not re.search(r'[ \t"\\]', word):
        return word
    return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'


def format_command(command: str, *arguments: str) -> bytes:
    """One command line: the command's words as they are, each argument quoted if needed."""
    _check_word(command)
    return (" ".join([command, *(quote(argument) for argument in arguments)]) + "\n").encode()


def parse_command(line: str) -> list[str]:
    """The words of a command line, split as Asterisk's ``parse_args`` splits them.

    Spaces and tabs separate words except inside double quotes; a backslash takes the
    next character as it is; ``""`` is an empty word. Like Asterisk it never refuses:
    an unterminated quote runs to the end of the line.
    """
    words: list[str] = []
    current: list[str] = []
    in_word = quoted = escaped = False
    for char in line.rstrip("\r\n"):
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            escaped = in_word = True
        elif char == '"':
            quoted = not quoted
            in_word = True
        elif char in " \t" and not quoted:
            if in_word:
                words.append("".join(current))
                current, in_word = [], False
        else:
            current.append(char)
            in_word = True
    if in_word:
        words.append("".join(current))
    return words


def format_reply(result: str | int, data: str | None = None, **extra: int | str) -> str:
    """A 200 answer: ``200 result=<n> [(<data>)] [key=<value>...]``, newline included."""
    text = f"200 result={result}"
    if data is not None:
        text += f" ({data})"
    for key, value in extra.items():
        text += f" {key}={value}"
    return text + "\n"


def format_usage(usage: str) -> str:
    """The multi-line 520 answer to a command with the wrong arguments."""
    return f"{USAGE_FIRST}\n{usage}\n{USAGE_LAST}\n"


def is_usage_start(line: str) -> bool:
    """Whether a reply line opens a multi-line 520 answer (more lines follow)."""
    return line.startswith("520-")


def is_usage_end(line: str) -> bool:
    """Whether a line ends a multi-line 520 answer."""
    return line.startswith("520 ")


def parse_reply(line: str, usage: Sequence[str] = ()) -> Reply:
    """One answer from its status line (and a 520 answer's usage lines in between).

    What follows the result is not refused: a newer Asterisk may add to it; its
    ``key=value`` pairs are kept. A line that is no AGI answer at all is an
    :class:`AgiProtocolError` naming it.
    """
    code = line[:3]
    if code == "200":
        match = _REPLY.fullmatch(line)
        if match is None:
            raise AgiProtocolError(f"reply {line[:60]!r} is not '200 result=<n> ...'")
        extra = dict(_PAIR.findall(match["rest"] or ""))
        return Reply(Status.OK, match["result"], match["data"], extra)
    if code in ("510", "511", "520") and (len(line) == 3 or line[3] in " -"):
        return Reply(Status(int(code)), usage=tuple(usage))
    raise AgiProtocolError(
        f"reply {line[:60]!r} is none of 200/510/511/520: not an Asterisk this code knows"
    )
