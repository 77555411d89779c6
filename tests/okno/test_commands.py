"""A device remembers, across restarts, which commands it has already run."""

from __future__ import annotations

from pathlib import Path

from okno.runtime.commands import CommandJournal


def test_a_recorded_command_is_remembered_after_a_restart(tmp_path: Path) -> None:
    journal = CommandJournal(tmp_path / "state" / "commands")
    assert 7 not in journal
    journal.record(7)
    journal.record(9)
    reopened = CommandJournal(tmp_path / "state" / "commands")
    assert 7 in reopened
    assert 9 in reopened
    assert 8 not in reopened
