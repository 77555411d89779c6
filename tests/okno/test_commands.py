"""A device remembers, across restarts, which commands it has already run."""

from __future__ import annotations

from pathlib import Path

import pytest

from okno.runtime.commands import CommandJournal
from okno.runtime.errors import JournalDamaged
from tests.killing import kill_when


def test_a_recorded_command_is_remembered_after_a_restart(tmp_path: Path) -> None:
    journal = CommandJournal(tmp_path / "state" / "commands")
    assert 7 not in journal
    journal.record(7)
    journal.record(9)
    reopened = CommandJournal(tmp_path / "state" / "commands")
    assert 7 in reopened
    assert 9 in reopened
    assert 8 not in reopened


def test_a_device_killed_while_recording_remembers_every_command_it_acknowledged(
    tmp_path: Path,
) -> None:
    path = tmp_path / "state" / "commands"

    acknowledged = kill_when(
        """
        import sys
        from pathlib import Path
        from okno.runtime.commands import CommandJournal

        journal = CommandJournal(Path(sys.argv[1]))
        for command_id in range(100, 1_000_000):
            journal.record(command_id)
            print(command_id, flush=True)
        """,
        lambda printed: len(printed) > 300,
        str(path),
    )

    reopened = CommandJournal(path)
    assert all(int(command_id) in reopened for command_id in acknowledged)
    assert int(acknowledged[-1]) + 2 not in reopened


def test_a_command_whose_line_a_cut_tore_is_not_taken_for_another(tmp_path: Path) -> None:
    path = tmp_path / "commands"
    CommandJournal(path).record(5)
    with path.open("ab") as file:
        file.write(b"12")  # what a power cut leaves of recording 123

    reopened = CommandJournal(path)
    assert 12 not in reopened
    assert 123 not in reopened
    reopened.record(124)
    assert 124 in CommandJournal(path)
    assert 12124 not in CommandJournal(path)


def test_a_journal_with_a_line_that_is_no_command_is_refused_saying_what_to_do(
    tmp_path: Path,
) -> None:
    path = tmp_path / "commands"
    path.write_bytes(b"5\n\x00\x00\x00\n7\n")  # blocks a cut left unwritten under an older okno

    with pytest.raises(JournalDamaged) as refused:
        CommandJournal(path)

    assert refused.value.code == "journal_damaged"
    assert str(refused.value) == (
        f"{path} line 2 is not a command id ('\\x00\\x00\\x00'): the device's journal of run "
        "commands is damaged; delete the file and start the device again (the hub resends "
        "only the commands it has not seen acknowledged)"
    )
