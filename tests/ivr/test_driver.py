"""The channel's commands, each answer read per the AGI reference, over real TCP: the
strict sim for what Asterisk says on a normal call, a raw scripted peer for the rest."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import pytest

from ivr import codec
from ivr.driver import Channel
from ivr.errors import AgiProtocolError, ApplicationMissing, CallEnded
from ivr.line import AgiLine
from ivr.sim import asterisk
from ivr.sim.asterisk import Step, press, silence
from tests.ivr.agi_helpers import Clips, fastagi, scripted_call, session_clips

MENU = "Введите номер талона"


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Clips:
    return session_clips(tmp_path_factory)


async def test_a_whole_call_of_every_command(clip: Clips) -> None:
    async def script(line: AgiLine, channel: Channel) -> object:
        await channel.answer()
        await channel.set_variable("OKNO_MENU", "main menu")
        first = await channel.stream_file(clip(MENU))
        second = await channel.wait_for_digit(5000)
        third = await channel.wait_for_digit(5000)
        data = await channel.get_data(clip(MENU), 3000, 4)
        queue = await channel.exec("Queue", "operators")
        await channel.hangup()
        await channel.hangup()  # a second one is a no-op, not an error
        return first, second, third, data, queue

    async with fastagi(script, clip) as (address, outcome):
        heard = await asterisk.call(
            address, [press("17", when=MENU), silence(), press("42#")], prompts=clip.directory
        )
    assert outcome.error is None
    assert outcome.value == ("1", "7", "", ("42", False), "0")
    assert heard.lines == [
        f"IVR: {MENU}",
        "CALLER: 17",
        f"IVR: {MENU}",
        "CALLER: 42#",
        "EXEC: Queue operators",
        "HANGUP",
    ]


@pytest.mark.parametrize(
    ("steps", "data"),
    [([press("5")], ("5", True)), ([silence()], ("", True)), ([press("1234")], ("1234", False))],
)
async def test_get_data_says_whether_it_timed_out(
    clip: Clips, steps: list[Step], data: tuple[str, bool]
) -> None:
    async def script(line: AgiLine, channel: Channel) -> object:
        return await channel.get_data(clip(MENU), 3000, 4)

    async with fastagi(script, clip) as (address, outcome):
        await asterisk.call(address, steps, prompts=clip.directory)
    assert outcome.value == data


async def test_a_key_is_ignored_where_no_escape_keys_were_given(clip: Clips) -> None:
    async def script(line: AgiLine, channel: Channel) -> object:
        return await channel.stream_file(clip(MENU), escape="")

    async with fastagi(script, clip) as (address, outcome):
        await asterisk.call(address, [press("3", when=MENU)], prompts=clip.directory)
    assert outcome.value == ""


async def test_an_application_asterisk_lacks_is_named(clip: Clips) -> None:
    async def script(line: AgiLine, channel: Channel) -> object:
        return await channel.exec("Frobnicate", "x")

    async with fastagi(script, clip) as (address, outcome):
        await asterisk.call(address, [], prompts=clip.directory)
    assert isinstance(outcome.error, ApplicationMissing)
    assert "no application Frobnicate" in str(outcome.error)


@pytest.mark.parametrize(
    ("run", "reply", "error", "says"),
    [
        (
            "stream",
            "510 Invalid or unknown command\n",
            AgiProtocolError,
            "does not know the command STREAM FILE",
        ),
        (
            "wait",
            codec.format_usage("Usage: WAIT FOR DIGIT <timeout>"),
            AgiProtocolError,
            "refused the arguments of WAIT FOR DIGIT.*Usage: WAIT FOR DIGIT",
        ),
        ("wait", "511 Command Not Permitted on a dead channel\n", CallEnded, "channel is dead"),
        ("stream", "200 result=-1 endpos=0\n", CallEnded, "STREAM FILE failed"),
        ("stream", "200 result=-1 endpos=8000\n", CallEnded, "STREAM FILE failed"),
        ("stream", "200 result=65 endpos=100\n", AgiProtocolError, "key 65, not one of"),
        ("stream", "200 result=abc endpos=100\n", AgiProtocolError, "not a key code"),
        ("wait", "200 result=-1\n", CallEnded, "WAIT FOR DIGIT failed"),
        ("data", "200 result=-1\n", CallEnded, "GET DATA failed"),
        ("data", "200 result=12x\n", AgiProtocolError, "GET DATA answered '12x'"),
        ("answer", "200 result=-1\n", CallEnded, "ANSWER failed"),
        ("exec", "200 result=-1\n", CallEnded, "EXEC Queue ended"),
        ("wait", "HANGUP\n", CallEnded, "hung up"),
        ("wait", "", CallEnded, "closed the connection"),
    ],
)
async def test_each_answer_is_read_as_the_reference_says(
    clip: Clips, run: str, reply: str, error: type[Exception], says: str
) -> None:
    async def script(line: AgiLine, channel: Channel) -> object:
        commands: dict[str, Callable[[], Awaitable[object]]] = {
            "stream": lambda: channel.stream_file("/p/menu"),
            "wait": lambda: channel.wait_for_digit(6000),
            "data": lambda: channel.get_data("/p/menu", 3000, 4),
            "answer": channel.answer,
            "exec": lambda: channel.exec("Queue", "operators"),
        }
        return await commands[run]()

    async with fastagi(script, clip) as (address, outcome):
        await scripted_call(address, [reply])
        await outcome.done.wait()
    assert isinstance(outcome.error, error)
    assert re.search(says, str(outcome.error))


async def test_commands_are_written_as_the_reference_spells_them(clip: Clips) -> None:
    async def script(line: AgiLine, channel: Channel) -> object:
        await channel.stream_file("/var/lib/okno/prompts/ab12")
        await channel.stream_file("/var/lib/okno/prompts/ab12", escape="")
        await channel.get_data("/var/lib/okno/prompts/ab12", 5000, 6)
        await channel.wait_for_digit(6000)
        await channel.exec("Queue", "operators")
        await channel.set_variable("OKNO_RESULT", "booked at 10:30")
        await channel.hangup()
        return None

    async with fastagi(script, clip) as (address, outcome):
        commands = await scripted_call(
            address,
            [
                "200 result=0 endpos=100\n",
                "200 result=0 endpos=100\n",
                "200 result= (timeout)\n",
                "200 result=0\n",
                "200 result=0\n",
                "200 result=1\n",
                "200 result=1\n",
            ],
        )
        await outcome.done.wait()
    assert outcome.error is None
    assert commands == [
        "STREAM FILE /var/lib/okno/prompts/ab12 0123456789*#",
        'STREAM FILE /var/lib/okno/prompts/ab12 ""',
        "GET DATA /var/lib/okno/prompts/ab12 5000 6",
        "WAIT FOR DIGIT 6000",
        "EXEC Queue operators",
        'SET VARIABLE OKNO_RESULT "booked at 10:30"',
        "HANGUP",
    ]
