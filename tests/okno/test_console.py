"""The command lines' ground: a program runs until SIGTERM, a refusal is one line and exit 2."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest
import typer

from okno.console import until_signal
from okno.errors import OknoError


def test_a_program_runs_until_sigterm() -> None:
    async def main(stop: asyncio.Event) -> None:
        os.kill(os.getpid(), signal.SIGTERM)
        await stop.wait()

    until_signal(main)


def test_a_refusal_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    async def main(stop: asyncio.Event) -> None:
        raise OknoError("port 50051 is taken")

    with pytest.raises(typer.Exit) as exited:
        until_signal(main)
    assert exited.value.exit_code == 2
    assert capsys.readouterr().err == "okno: port 50051 is taken\n"


def test_only_the_refusals_named_become_a_reason() -> None:
    async def main(stop: asyncio.Event) -> None:
        raise OSError("pcscd is not running")

    with pytest.raises(OSError, match="pcscd"):
        until_signal(main)
    with pytest.raises(typer.Exit):
        until_signal(main, (OknoError, OSError))
