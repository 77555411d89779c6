"""AGI's lines: the environment block, quoting, commands and replies, from tables."""

from __future__ import annotations

import pytest

from ivr import codec
from ivr.codec import Status
from ivr.errors import AgiProtocolError

# What Asterisk 20 writes to a FastAGI socket for `AGI(agi://127.0.0.1/okno,ru)`
# (res_agi.c launch_netscript + setup_env), one line changed per test where needed.
BLOCK_TEXT = """agi_network: yes
agi_network_script: okno
agi_request: agi://127.0.0.1/okno
agi_channel: PJSIP/trunk-00000007
agi_language: ru
agi_type: PJSIP
agi_uniqueid: 1765152000.7
agi_version: 20.5.0
agi_callerid: 89161234567
agi_calleridname: unknown
agi_callingpres: 0
agi_callingani2: 0
agi_callington: 0
agi_callingtns: 0
agi_dnid: 84951234567
agi_rdnis: unknown
agi_context: okno-ivr
agi_extension: s
agi_priority: 2
agi_enhanced: 0.0
agi_accountcode:
agi_threadid: 140245210334912
agi_arg_1: ru"""
# Asterisk writes "agi_accountcode: " with its space even when the value is empty.
BLOCK = [line + " " if line.endswith(":") else line for line in BLOCK_TEXT.splitlines()]


def _with(key: str, value: str) -> list[str]:
    return [f"agi_{key}: {value}" if line.startswith(f"agi_{key}:") else line for line in BLOCK]


def test_environment_of_a_real_block() -> None:
    env = codec.parse_environment(BLOCK)
    assert env.request == "agi://127.0.0.1/okno"
    assert env.channel == "PJSIP/trunk-00000007"
    assert env.uniqueid == "1765152000.7"
    assert env.callerid == "+79161234567"
    assert (env.language, env.context, env.extension) == ("ru", "okno-ivr", "s")
    assert env.arguments == ("ru",)
    assert env.raw["accountcode"] == ""


def test_keys_of_a_newer_asterisk_are_kept_not_refused() -> None:
    env = codec.parse_environment([*BLOCK, "agi_callerid_verstat: TN-Validation-Passed"])
    assert env.raw["callerid_verstat"] == "TN-Validation-Passed"
    assert env.callerid == "+79161234567"


def test_a_block_without_a_caller_number_has_an_empty_one() -> None:
    env = codec.parse_environment([line for line in BLOCK if not line.startswith("agi_callerid:")])
    assert env.callerid == ""


def test_an_empty_value_whose_space_was_stripped_is_still_a_line() -> None:
    lines = [line.rstrip() for line in BLOCK]
    assert codec.parse_environment(lines).raw["accountcode"] == ""


@pytest.mark.parametrize(
    ("callerid", "callingpres", "number"),
    [
        ("89161234567", "0", "+79161234567"),
        ("79161234567", "0", "+79161234567"),
        ("+79161234567", "0", "+79161234567"),
        ("9161234567", "0", "+79161234567"),
        ("+7 (916) 123-45-67", "0", "+79161234567"),
        ("+442071234567", "0", "+442071234567"),
        ("unknown", "0", ""),
        ("anonymous", "0", ""),
        ("", "0", ""),
        ("101", "0", ""),  # an internal extension is no phone to send an SMS to
        ("sip:alice@example.org", "0", ""),
        ("89161234567", "35", ""),  # 0x23: presentation prohibited, network provided
        ("89161234567", "67", ""),  # 0x43: number not available
        ("89161234567", "1", "+79161234567"),  # allowed, user provided, passed screening
    ],
)
def test_caller_number(callerid: str, callingpres: str, number: str) -> None:
    env = codec.parse_environment(_with("callingpres", callingpres))
    assert codec.caller_number(callerid, callingpres) == number
    assert env.callerid == ("+79161234567" if callingpres in ("0", "1") else "")


@pytest.mark.parametrize(
    ("lines", "says"),
    [
        ([*BLOCK, "agi_garbage"], "line 24 .* is not 'agi_<name>: <value>'"),
        ([*BLOCK, "Host: example.org"], "line 24 .* is not"),
        (["GET / HTTP/1.1", *BLOCK], "line 1 .* is not"),
        ([*BLOCK, "agi_channel: SIP/x"], "repeats agi_channel"),
        ([line for line in BLOCK if not line.startswith("agi_request")], "no agi_request"),
        (_with("request", ""), "no agi_request"),
        ([*BLOCK, *(f"agi_arg_{n}: x" for n in range(2, 300))], "over 200 lines"),
        ([*BLOCK, "agi_arg_2: " + "x" * 20_000], "16384 bytes"),
    ],
)
def test_a_malformed_block_is_refused(lines: list[str], says: str) -> None:
    with pytest.raises(AgiProtocolError, match=says):
        codec.parse_environment(lines)


def test_a_malformed_line_holding_a_number_is_not_quoted_into_the_log() -> None:
    with pytest.raises(AgiProtocolError) as refused:
        codec.parse_environment([*BLOCK, "agi_callerid +79161234567"])
    assert "9161234567" not in str(refused.value)
    assert "line 24" in str(refused.value)


def test_format_environment_is_what_parse_reads() -> None:
    text = codec.format_environment({"request": "agi://h/okno", "callerid": "unknown"})
    assert text == "agi_request: agi://h/okno\nagi_callerid: unknown\n\n"
    env = codec.parse_environment(text.splitlines()[:-1])
    assert (env.request, env.callerid) == ("agi://h/okno", "")


@pytest.mark.parametrize(
    ("arguments", "line"),
    [
        (
            ("STREAM FILE", "/var/prompts/ab12", "0123456789*#"),
            "STREAM FILE /var/prompts/ab12 0123456789*#\n",
        ),
        (("STREAM FILE", "/var/prompts/ab12", ""), 'STREAM FILE /var/prompts/ab12 ""\n'),
        (("EXEC", "Queue", "operators"), "EXEC Queue operators\n"),
        (("SET VARIABLE", "OKNO_NOTE", "two words"), 'SET VARIABLE OKNO_NOTE "two words"\n'),
        (("SET VARIABLE", "Q", 'say "hi"'), 'SET VARIABLE Q "say \\"hi\\""\n'),
        (("SET VARIABLE", "B", "a\\b"), 'SET VARIABLE B "a\\\\b"\n'),
        (("SET VARIABLE", "T", "a\tb"), 'SET VARIABLE T "a\tb"\n'),
        (("WAIT FOR DIGIT", "6000"), "WAIT FOR DIGIT 6000\n"),
        (("ANSWER",), "ANSWER\n"),
    ],
)
def test_format_command(arguments: tuple[str, ...], line: str) -> None:
    assert codec.format_command(*arguments) == line.encode()


@pytest.mark.parametrize("bad", ["two\nlines", "carriage\rreturn", "nul\0byte"])
def test_a_line_break_in_an_argument_is_refused(bad: str) -> None:
    with pytest.raises(AgiProtocolError, match="line break or NUL"):
        codec.format_command("SET VARIABLE", "X", bad)


@pytest.mark.parametrize(
    "word",
    ["plain", "", "two words", 'a "quoted" word', "back\\slash", "end\\", '"', "tab\there", "ё ж"],
)
def test_quoting_round_trips_through_asterisks_parser(word: str) -> None:
    line = codec.format_command("SET VARIABLE", "NAME", word).decode()
    assert codec.parse_command(line) == ["SET", "VARIABLE", "NAME", word]


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ('STREAM FILE welcome ""\n', ["STREAM", "FILE", "welcome", ""]),
        ("stream   file\twelcome 12\n", ["stream", "file", "welcome", "12"]),
        ('EXEC Dial "PJSIP/1 00"\n', ["EXEC", "Dial", "PJSIP/1 00"]),
        ('EXEC Queue "unterminated\n', ["EXEC", "Queue", "unterminated"]),
        ("EXEC Queue a\\ b\n", ["EXEC", "Queue", "a b"]),
    ],
)
def test_parse_command_as_asterisk_does(line: str, words: list[str]) -> None:
    assert codec.parse_command(line) == words


@pytest.mark.parametrize(
    ("line", "result", "data", "endpos"),
    [
        ("200 result=0 endpos=15840", "0", None, 15840),
        ("200 result=49 endpos=3200", "49", None, 3200),
        ("200 result=-1 endpos=0", "-1", None, 0),
        ("200 result=123 (timeout)", "123", "timeout", None),
        ("200 result= (timeout)", "", "timeout", None),
        ("200 result=1 (Иванов (старший)) endpos=5", "1", "Иванов (старший)", 5),
        ("200 result=1", "1", None, None),
        ("200 result=1 (speech) endpos=1234 results=foo bar", "1", "speech", 1234),
    ],
)
def test_parse_a_200_reply(line: str, result: str, data: str | None, endpos: int | None) -> None:
    reply = codec.parse_reply(line)
    assert (reply.status, reply.result, reply.data, reply.endpos) == (
        Status.OK,
        result,
        data,
        endpos,
    )


@pytest.mark.parametrize(
    ("line", "status"),
    [
        ("510 Invalid or unknown command", Status.UNKNOWN),
        ("511 Command Not Permitted on a dead channel", Status.DEAD),
        ("511 Command Not Permitted on a dead channel or intercepted channel", Status.DEAD),
        ("520 Invalid command syntax.  Proper usage not available.", Status.USAGE),
    ],
)
def test_parse_an_error_reply(line: str, status: Status) -> None:
    assert codec.parse_reply(line).status is status


def test_the_usage_block_round_trips() -> None:
    lines = codec.format_usage("Usage: WAIT FOR DIGIT <timeout>").splitlines()
    assert codec.is_usage_start(lines[0]) and not codec.is_usage_end(lines[0])
    assert codec.is_usage_end(lines[-1])
    reply = codec.parse_reply(lines[-1], lines[1:-1])
    assert (reply.status, reply.usage) == (Status.USAGE, ("Usage: WAIT FOR DIGIT <timeout>",))


@pytest.mark.parametrize(
    "line", ["", "HTTP/1.1 200 OK", "200", "200 ok", "2000 result=1", "5100 x", "hello"]
)
def test_a_line_that_is_no_reply_is_refused(line: str) -> None:
    with pytest.raises(AgiProtocolError, match="reply"):
        codec.parse_reply(line)


def test_format_reply_is_what_parse_reads() -> None:
    assert codec.format_reply(-1, endpos=0) == "200 result=-1 endpos=0\n"
    assert codec.format_reply("", "timeout") == "200 result= (timeout)\n"
    reply = codec.parse_reply(codec.format_reply(35, endpos=800).rstrip("\n"))
    assert (reply.result, reply.endpos) == ("35", 800)
