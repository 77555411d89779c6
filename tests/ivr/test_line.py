"""AgiLine against the strict sim over real TCP: what the menus hear back from a call."""

from __future__ import annotations

import pytest

from ivr.driver import Channel
from ivr.errors import CallEnded
from ivr.line import AgiLine, Line
from ivr.sim import asterisk
from ivr.sim.asterisk import Heard, Step, drop, hang_up, press, silence
from tests.ivr.agi_helpers import Clips, Outcome, fastagi, scripted_call, session_clips

QUEUE = "Чтобы узнать очередь, нажмите один"
BOOK = "Чтобы записаться, нажмите три"
TICKET = "Введите номер талона и нажмите решётку"
THANKS = "Спасибо за звонок"


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Clips:
    return session_clips(tmp_path_factory)


async def _ask(
    clip: Clips, steps: list[Step], *pieces: str, digits: int = 1, **call: str
) -> tuple[Outcome, Heard]:
    async def script(line: AgiLine, channel: Channel) -> object:
        return await line.ask(*pieces, digits=digits)

    async with fastagi(script, clip) as (address, outcome):
        heard = await asterisk.call(address, steps, prompts=clip.directory, env=call or None)
        await outcome.done.wait()
    return outcome, heard


async def test_a_key_during_the_first_piece_stops_the_playing(clip: Clips) -> None:
    outcome, heard = await _ask(clip, [press("3", when=QUEUE)], QUEUE, BOOK)
    assert outcome.value == "3"
    assert heard.lines == [f"IVR: {QUEUE}", "CALLER: 3"]


async def test_a_key_after_the_prompt_is_the_answer(clip: Clips) -> None:
    outcome, heard = await _ask(clip, [silence(), press("1")], QUEUE, BOOK)
    assert outcome.value == ""  # the first wait timed out: the menu repeats itself
    outcome, heard = await _ask(clip, [press("1")], QUEUE, BOOK)
    assert outcome.value == "1"
    assert heard.lines == [f"IVR: {QUEUE}", "CALLER: 1"]  # pressed during the first piece


async def test_a_press_waits_for_the_prompt_it_names(clip: Clips) -> None:
    async def script(line: AgiLine, channel: Channel) -> object:
        return await line.ask(QUEUE), await line.ask(BOOK)

    async with fastagi(script, clip) as (address, outcome):
        heard = await asterisk.call(address, [press("5", when=BOOK)], prompts=clip.directory)
    assert outcome.value == ("", "5")
    assert heard.lines == [f"IVR: {QUEUE}", f"IVR: {BOOK}", "CALLER: 5"]


async def test_silence_is_an_empty_answer_after_every_piece(clip: Clips) -> None:
    outcome, heard = await _ask(clip, [silence()], QUEUE, BOOK)
    assert outcome.value == ""
    assert heard.lines == [f"IVR: {QUEUE}", f"IVR: {BOOK}"]


@pytest.mark.parametrize(
    ("keys", "typed"), [("17#", "17"), ("1234", "1234"), ("123456", "1234"), ("#", ""), ("0", "0")]
)
async def test_several_digits_end_at_the_hash_or_the_count(
    clip: Clips, keys: str, typed: str
) -> None:
    outcome, heard = await _ask(clip, [press(keys, when=TICKET)], TICKET, digits=4)
    assert outcome.value == typed
    assert heard.lines == [f"IVR: {TICKET}", f"CALLER: {keys}"]


async def test_digits_typed_one_press_at_a_time(clip: Clips) -> None:
    outcome, _ = await _ask(clip, [press("4"), press("2"), silence()], TICKET, digits=4)
    assert outcome.value == "42"  # then the caller stopped: the wait timed out


async def test_say_lets_the_pieces_play_whatever_the_caller_presses(clip: Clips) -> None:
    async def script(line: AgiLine, channel: Channel) -> object:
        await line.say(THANKS, QUEUE)
        return await line.ask(BOOK)

    async with fastagi(script, clip) as (address, outcome):
        heard = await asterisk.call(address, [press("9", when=THANKS)], prompts=clip.directory)
    assert heard.lines == [f"IVR: {THANKS}", "CALLER: 9", f"IVR: {QUEUE}", f"IVR: {BOOK}"]
    assert outcome.value == ""


async def test_transfer_hands_the_call_to_the_queue_and_hang_up_ends_it(clip: Clips) -> None:
    async def script(line: AgiLine, channel: Channel) -> object:
        menus_view: Line = line  # mypy checks that AgiLine is the menus' Line
        await menus_view.transfer("operators")
        await menus_view.hang_up()
        return menus_view.caller

    async with fastagi(script, clip) as (address, outcome):
        heard = await asterisk.call(address, [], prompts=clip.directory)
    assert heard.lines == ["EXEC: Queue operators", "HANGUP"]
    assert outcome.value == "+79161234567"


@pytest.mark.parametrize(
    ("env", "caller"),
    [
        ({"callerid": "89031234567"}, "+79031234567"),
        ({"callerid": "unknown"}, ""),
        ({"callingpres": "32"}, ""),  # presentation prohibited: the caller withheld it
    ],
)
async def test_the_callers_number_or_nothing(clip: Clips, env: dict[str, str], caller: str) -> None:
    async def script(line: AgiLine, channel: Channel) -> object:
        return line.caller

    async with fastagi(script, clip) as (address, outcome):
        await asterisk.call(address, [], env=env, prompts=clip.directory)
    assert outcome.value == caller


@pytest.mark.parametrize(
    ("steps", "lines"),
    [
        ([hang_up(when=BOOK)], [f"IVR: {QUEUE}", f"IVR: {BOOK}", "HANGUP"]),  # during STREAM FILE
        ([hang_up()], [f"IVR: {QUEUE}", f"IVR: {BOOK}", "HANGUP"]),  # during WAIT FOR DIGIT
        ([press("1"), hang_up()], [f"IVR: {QUEUE}", "CALLER: 1", "HANGUP"]),  # between digits
        ([drop(when=QUEUE)], [f"IVR: {QUEUE}"]),  # the connection dropped mid-command
        ([drop()], [f"IVR: {QUEUE}", f"IVR: {BOOK}"]),
    ],
)
async def test_a_call_that_ends_mid_question_raises_call_ended(
    clip: Clips, steps: list[Step], lines: list[str]
) -> None:
    outcome, heard = await _ask(clip, steps, QUEUE, BOOK, digits=3)
    assert isinstance(outcome.error, CallEnded)
    assert heard.lines == lines


async def test_the_wait_for_keys_is_the_timeout_asked_for(clip: Clips) -> None:
    async def script(line: AgiLine, channel: Channel) -> object:
        return await line.ask("/p/menu", digits=2, timeout_s=2.5)

    async with fastagi(script, lambda text: text) as (address, outcome):
        commands = await scripted_call(
            address, ["200 result=0 endpos=10\n", f"200 result={ord('7')}\n", "200 result=0\n"]
        )
        await outcome.done.wait()
    assert commands == [
        "STREAM FILE /p/menu 0123456789*#",
        "WAIT FOR DIGIT 2500",
        "WAIT FOR DIGIT 2500",
    ]
    assert outcome.value == "7"
