"""The simulated Asterisk against a tiny FastAGI server that sends raw lines and keeps
every answer: the sim must answer exactly as the AGI reference (res_agi.c) does."""

from __future__ import annotations

import asyncio
import wave
from array import array
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from ivr import codec
from ivr.errors import SimulatedCallFailed
from ivr.sim import asterisk
from ivr.sim.asterisk import Heard, Step, drop, hang_up, press, silence
from tests.ivr.agi_helpers import Clips, session_clips, write_wav

MENU = "Нажмите один, чтобы узнать очередь"
BYE = "До свидания"


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Clips:
    return session_clips(tmp_path_factory)


def _samples(file: str) -> int:
    with wave.open(file + ".wav", "rb") as reader:
        return reader.getnframes()


@asynccontextmanager
async def _echo(
    commands: list[str],
) -> AsyncIterator[tuple[tuple[str, int], asyncio.Future[list[str]]]]:
    """A FastAGI server that reads the environment, sends ``commands`` one by one and
    keeps each answer whole (a 520 block joined by "|"; a HANGUP line on its own)."""
    answers: asyncio.Future[list[str]] = asyncio.get_running_loop().create_future()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        got = []
        while (await reader.readline()).strip():
            pass
        for command in commands:
            writer.write(command.encode() + b"\n")
            await writer.drain()
            while True:
                line = (await reader.readline()).decode().rstrip("\n")
                if codec.is_usage_start(line):
                    while not codec.is_usage_end(more := (await reader.readline()).decode()):
                        line += "|" + more.rstrip("\n")
                    line += "|" + more.rstrip("\n")
                got.append(line)
                if line != codec.HANGUP:
                    break
        answers.set_result(got)
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    async with server:
        yield server.sockets[0].getsockname()[:2], answers


async def _run(commands: list[str], steps: list[Step], prompts: Path) -> tuple[list[str], Heard]:
    async with _echo(commands) as (address, answers):
        heard = await asterisk.call(address, steps, prompts=prompts)
        return await answers, heard


async def test_the_environment_block_is_asterisks(tmp_path: Path) -> None:
    lines: asyncio.Future[list[str]] = asyncio.get_running_loop().create_future()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        block = []
        while line := (await reader.readline()).decode().rstrip("\n"):
            block.append(line)
        lines.set_result(block)
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    async with server:
        address = server.sockets[0].getsockname()[:2]
        await asterisk.call(address, [], env={"callingpres": "35"}, prompts=tmp_path)
    block = await lines
    assert block[:3] == [
        "agi_network: yes",
        "agi_network_script: okno",
        "agi_request: agi://127.0.0.1/okno",
    ]
    env = codec.parse_environment(block)
    assert env.raw["callerid"] == "+79161234567"
    assert env.callerid == ""  # withheld: presentation prohibited


async def test_unknown_commands_and_wrong_arguments_are_refused_as_asterisk_does(
    tmp_path: Path,
) -> None:
    answers, heard = await _run(
        [
            "FROBNICATE now",
            "WAIT FOR DIGIT",
            "WAIT FOR DIGIT soon",
            "STREAM FILE x",
            "wait for digit 10",
        ],
        [],
        tmp_path,
    )
    usage = "520-Invalid command syntax.  Proper usage follows:|Usage: {}|520 End of proper usage."
    assert answers == [
        "510 Invalid or unknown command",
        usage.format("WAIT FOR DIGIT <timeout>"),
        usage.format("WAIT FOR DIGIT <timeout>"),
        usage.format("STREAM FILE <filename> <escape_digits> [sample offset]"),
        "200 result=0",
    ]
    assert heard.lines == []


async def test_a_prompt_plays_to_its_end_or_stops_at_a_key(clip: Clips) -> None:
    menu, bye = clip(MENU), clip(BYE)
    answers, heard = await _run(
        [
            f"STREAM FILE {menu} 0123456789*#",
            f'STREAM FILE {bye} ""',
            f"STREAM FILE {menu} 0123456789*#",
        ],
        [press("2", when=MENU)],
        clip.directory,
    )
    assert answers == [
        f"200 result={ord('2')} endpos={_samples(menu) // 2}",
        f"200 result=0 endpos={_samples(bye)}",
        f"200 result=0 endpos={_samples(menu)}",
    ]
    assert heard.lines == [f"IVR: {MENU}", "CALLER: 2", f"IVR: {BYE}", f"IVR: {MENU}"]
    assert heard.files == [Path(menu + ".wav"), Path(bye + ".wav"), Path(menu + ".wav")]


async def test_a_key_pressed_where_playing_takes_no_keys_is_lost(clip: Clips) -> None:
    bye = clip(BYE)
    answers, heard = await _run(
        [f'STREAM FILE {bye} ""', "WAIT FOR DIGIT 5000"], [press("5", when=BYE)], clip.directory
    )
    assert answers == [f"200 result=0 endpos={_samples(bye)}", "200 result=0"]
    assert heard.lines == [f"IVR: {BYE}", "CALLER: 5"]


async def test_keys_typed_ahead_wait_for_the_next_command(clip: Clips) -> None:
    menu = clip(MENU)
    answers, heard = await _run(
        [
            f"STREAM FILE {menu} 0123456789*#",
            "WAIT FOR DIGIT 5000",
            "WAIT FOR DIGIT 5000",
            "WAIT FOR DIGIT 5000",
        ],
        [press("12#")],
        clip.directory,
    )
    assert answers[1:] == [f"200 result={ord('2')}", f"200 result={ord('#')}", "200 result=0"]
    assert heard.lines == [f"IVR: {MENU}", "CALLER: 12#"]
    assert len(heard.key_to_prompt_ms) == 0  # no prompt followed the keys


@pytest.mark.parametrize(
    ("steps", "answer"),
    [
        ([press("12#", when=MENU)], "200 result=12"),
        ([press("1234", when=MENU)], "200 result=123"),
        ([press("1", when=MENU)], "200 result=1 (timeout)"),
        ([silence()], "200 result= (timeout)"),
        ([], "200 result= (timeout)"),
    ],
)
async def test_get_data_collects_keys_as_asterisk_does(
    clip: Clips, steps: list[Step], answer: str
) -> None:
    answers, _ = await _run([f"GET DATA {clip(MENU)} 3000 3"], steps, clip.directory)
    assert answers == [answer]


async def test_the_caller_hangs_up_mid_prompt_then_only_dead_channel_commands_work(
    clip: Clips,
) -> None:
    menu = clip(MENU)
    answers, heard = await _run(
        [
            f"STREAM FILE {menu} 0123456789*#",
            "WAIT FOR DIGIT 100",
            "SET VARIABLE A b",
            "FROBNICATE",
            "HANGUP",
        ],
        [hang_up(when="очередь")],
        clip.directory,
    )
    assert answers == [
        f"200 result=-1 endpos={_samples(menu) // 2}",
        "HANGUP",
        "511 Command Not Permitted on a dead channel or intercepted channel",
        "200 result=1",
        "510 Invalid or unknown command",
        "200 result=1",
    ]
    assert heard.lines == [f"IVR: {MENU}", "HANGUP"]


async def test_hang_up_without_when_happens_at_the_next_key_wait(clip: Clips) -> None:
    menu = clip(MENU)
    answers, heard = await _run(
        [f"STREAM FILE {menu} 0123456789*#", "WAIT FOR DIGIT 6000", "ANSWER"],
        [hang_up()],
        clip.directory,
    )
    assert answers == [
        f"200 result=0 endpos={_samples(menu)}",
        "200 result=-1",
        "HANGUP",
        "511 Command Not Permitted on a dead channel or intercepted channel",
    ]
    assert heard.lines == [f"IVR: {MENU}", "HANGUP"]


async def test_the_server_hangs_up(clip: Clips) -> None:
    answers, heard = await _run(["ANSWER", "HANGUP", "ANSWER"], [], clip.directory)
    assert answers == [
        "200 result=0",
        "200 result=1",
        "HANGUP",
        "511 Command Not Permitted on a dead channel or intercepted channel",
    ]
    assert heard.lines == ["HANGUP"]


async def test_exec_runs_the_queue_and_refuses_what_this_asterisk_lacks(clip: Clips) -> None:
    answers, heard = await _run(["EXEC Queue operators", "EXEC Frobnicate x"], [], clip.directory)
    assert answers == ["200 result=0", "200 result=-2"]
    assert heard.lines == ["EXEC: Queue operators"]


async def test_say_digits_and_number_speak_from_asterisks_own_sounds(clip: Clips) -> None:
    answers, heard = await _run(
        [
            'SAY DIGITS 017 ""',
            "SAY NUMBER 23 0123456789*# f",
            "SAY DIGITS 5 0123456789*#",
            "SAY NUMBER двадцать #",
            "SAY DIGITS 1",
        ],
        [press("3", when="23")],
        clip.directory,
    )
    assert answers == [
        "200 result=0",
        f"200 result={ord('3')}",
        "200 result=0",
        "520-Invalid command syntax.  Proper usage follows:|"
        "Usage: SAY NUMBER <number> <escape digits> [gender]|520 End of proper usage.",
        "520-Invalid command syntax.  Proper usage follows:|"
        "Usage: SAY DIGITS <number> <escape digits>|520 End of proper usage.",
    ]
    assert heard.lines == ["SAY DIGITS: 017", "SAY NUMBER: 23", "CALLER: 3", "SAY DIGITS: 5"]


async def test_a_dropped_caller_closes_the_socket_mid_command(clip: Clips) -> None:
    menu = clip(MENU)
    answers, heard = await _run(
        [f"STREAM FILE {menu} 0123456789*#", "WAIT FOR DIGIT 100"], [drop()], clip.directory
    )
    assert answers == [f"200 result=0 endpos={_samples(menu)}", ""]  # "" = EOF
    assert heard.lines == [f"IVR: {MENU}"]


def _bad_prompts(directory: Path) -> dict[str, str]:
    """Prompt files Asterisk would not play as 8 kHz mono 16-bit speech, and why."""
    speech = Path(Clips(directory)(BYE) + ".wav")
    with wave.open(str(speech), "rb") as reader:
        frames = reader.readframes(reader.getnframes())
    write_wav(directory / "hall.wav", frames, rate=22_050)
    write_wav(directory / "stereo.wav", frames + frames, channels=2)
    write_wav(directory / "silent.wav", array("h", [3] * 8000).tobytes())
    (directory / "text.wav").write_text("RIFF? no")
    return {
        "hall": "(22050, 1, 2) is not (8000 Hz, mono, 16-bit)",
        "stereo": "(8000, 2, 2) is not (8000 Hz, mono, 16-bit)",
        "silent": "silent",
        "text": "not a readable PCM WAV",
        "missing": "no such file",
    }


async def test_a_prompt_asterisk_cannot_play_fails_the_call(tmp_path: Path) -> None:
    for name, why in _bad_prompts(tmp_path).items():
        async with _echo([f"STREAM FILE {tmp_path / name} 0123456789*#"]) as (address, answers):
            with pytest.raises(
                SimulatedCallFailed,
                match=f"{name}.wav: {why}".replace("(", r"\(").replace(")", r"\)"),
            ):
                await asterisk.call(address, [], prompts=tmp_path)
            assert await answers == ["200 result=-1 endpos=0"]


async def test_a_relative_prompt_path_is_found_in_the_prompts_directory(clip: Clips) -> None:
    name = Path(clip(BYE)).name
    answers, heard = await _run([f'STREAM FILE {name} ""'], [], clip.directory)
    assert answers == [f"200 result=0 endpos={_samples(clip(BYE))}"]
    assert heard.lines == [f"IVR: {BYE}"]


async def test_a_server_that_goes_quiet_fails_the_call(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(asterisk, "QUIET_S", 0.2)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # reads the environment, then says nothing

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    async with server:
        with pytest.raises(SimulatedCallFailed, match=r"sent nothing for 0\.2 s"):
            await asterisk.call(server.sockets[0].getsockname()[:2], [], prompts=tmp_path)


async def test_timings_are_measured_from_the_environment_and_from_each_key(clip: Clips) -> None:
    menu, bye = clip(MENU), clip(BYE)
    _, heard = await _run(
        [f"STREAM FILE {menu} 0123456789*#", "WAIT FOR DIGIT 100", f'STREAM FILE {bye} ""'],
        [press("12")],
        clip.directory,
    )
    assert 0 < heard.first_prompt_ms < 2000
    assert len(heard.key_to_prompt_ms) == 1 and 0 < heard.key_to_prompt_ms[0] < 2000


def test_a_keypad_has_no_letters() -> None:
    with pytest.raises(ValueError, match="keypad has no 'A'"):
        press("A")
