"""``okno card-reader sim`` holds a card in the reader until stopped; nonsense is refused."""

from __future__ import annotations

import asyncio

from typer.testing import CliRunner

from card_reader.cli import app
from card_reader.driver import CardReader
from card_reader.pcscd import Pcscd
from card_reader.program import SimCardOptions, run_simulated_card
from card_reader.sim import VPCD_READER
from tests.card_reader.conftest import READER_URL, WAIT_S, wait_reader


async def test_the_simulated_card_command_holds_a_card_until_stopped(pcscd: Pcscd) -> None:
    said: list[str] = []
    stop = asyncio.Event()
    running = asyncio.create_task(run_simulated_card(SimCardOptions(kind="emv"), stop, said.append))
    await asyncio.to_thread(wait_reader, True)
    read = await asyncio.to_thread(CardReader(READER_URL).read_card, VPCD_READER)
    assert read.profile == "emv"
    stop.set()
    await asyncio.wait_for(running, WAIT_S)
    await asyncio.to_thread(wait_reader, False)
    assert said == ["emv card inserted in the virtual reader on port 35963", "card removed"]


def test_the_commands_refuse_what_they_cannot_do() -> None:
    runner = CliRunner()
    refused = runner.invoke(app, ["sim", "--kind", "passport"])
    assert refused.exit_code == 2
    assert "no simulated card 'passport'" in refused.output
    odd = runner.invoke(app, ["sim", "--absent-sw", "6A8"])
    assert odd.exit_code == 2
    assert "'6A8' is not a status word: four hex digits" in odd.output
    assert runner.invoke(app, ["bench", "--help"]).exit_code == 0
    assert runner.invoke(app, ["--help"]).exit_code == 0
    unnamed = runner.invoke(app, [])
    assert (unnamed.exit_code, unnamed.output) == (2, "okno: give the reader's --serial number\n")
