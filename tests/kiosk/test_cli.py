"""The kiosk's command line refuses what it cannot run, in one line; Qt stays unimported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from kiosk.cli import app

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_a_bad_window_size_or_setting_is_one_line_and_exit_2() -> None:
    assert run("--windowed", "--size", "big") == (
        2,
        "okno: --size takes WIDTHxHEIGHT, for example 1080x1920\n",
    )
    code, said = run("--set", "colour=red", "--windowed")
    assert code == 2
    assert said.startswith("okno: unknown kiosk setting colour")


def test_importing_the_command_line_does_not_start_qt() -> None:
    probe = "import sys, kiosk.cli; print('PySide6.QtCore' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"
