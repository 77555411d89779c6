"""``okno --help`` shows each program's group in the order a technician looks for them."""

from __future__ import annotations

import re

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
    "backoffice",
    "demo",
]
VERBS = {
    "hub": ["bench", "sync", "staff", "sim"],
    "hub bench": ["queue", "devices", "appointments", "web"],
    "hub sync": ["push"],
    "hub staff": ["set-pin"],
    "hub sim": ["sms"],
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
    "display": ["bench"],
    "printer": ["sim", "test-page", "bench"],
    "desk": ["panel", "bench"],
    "card-reader": ["sim", "bench"],
    "payment": ["recover", "sale", "sim", "bench"],
}
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
