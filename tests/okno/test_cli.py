"""``okno --help`` shows each program's group in the order a technician looks for them."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from okno.cli import app

GROUPS = [
    "hub",
    "provision",
    "kiosk",
    "display",
    "printer",
    "desk",
    "card-reader",
    "payment",
    "ivr",
    "backoffice",
    "backup",
    "restore",
    "demo",
]
VERBS = {
    "hub": ["permissions", "journal", "bench", "sync", "staff", "sim"],
    "hub bench": ["queue", "devices", "appointments", "web", "applications", "notices", "lookup"],
    "hub sync": ["push"],
    "hub staff": ["set-pin"],
    "hub sim": ["ais", "sms"],
    "backup": ["keygen", "list", "fetch"],
    "provision": [
        "list",
        "approve",
        "reject",
        "revoke",
        "show",
        "rename",
        "assign",
        "config",
        "sim-device",
    ],
    "kiosk": ["bench"],
    "kiosk bench": ["catalogue", "keys"],
    "display": ["bench"],
    "printer": ["sim", "test-page", "bench"],
    "desk": ["panel", "bench"],
    "card-reader": ["sim", "bench"],
    "payment": ["recover", "sale", "sim", "bench"],
    "ivr": ["serve", "prepare", "bench"],
    "backoffice": [
        "add-branch",
        "add-user",
        "set-authority",
        "report",
        "sim",
        "rebuild",
        "backup",
        "bench",
    ],
    "backoffice bench": ["rebuild", "applications", "restore"],
}
ROOT = Path(__file__).resolve().parents[2]
# A name in the first column of the help's list of commands (options start with --).
LISTED = re.compile(r"^│ ([a-z][a-z-]*) ", re.MULTILINE)


def listed(*words: str) -> list[str]:
    shown = CliRunner().invoke(app, [*words, "--help"], env={"COLUMNS": "100"})
    assert shown.exit_code == 0, shown.output
    return LISTED.findall(shown.output.partition("Commands")[2])


def test_okno_lists_the_programs_in_a_technicians_order() -> None:
    assert listed() == GROUPS


@pytest.mark.parametrize("group", list(VERBS))
def test_each_group_lists_its_verbs(group: str) -> None:
    assert listed(*group.split()) == VERBS[group]


def test_a_verb_of_a_program_does_not_start_the_program() -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["desk", "panel", "--help"]).exit_code == 0
    started = runner.invoke(app, ["desk"])
    said = "okno: give the desk unit's --serial number\n"
    assert (started.exit_code, started.output) == (2, said)


def test_mounting_the_groups_imports_no_screen_or_database() -> None:
    probe = (
        "import sys, okno.cli; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'PySide6', 'sqlalchemy'}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
