"""The device's memory of the commands it has run, so a command delivered twice runs once.

The hub resends every command the device has not acknowledged after each reconnect; the
id is written here, durably, as soon as the command has run and before it is
acknowledged. A power cut between running and writing can still repeat one command: the
handlers of commands that must not repeat (a print) check their own effect.
"""

from __future__ import annotations

from pathlib import Path

from okno.files import append_line, journal_lines
from okno.runtime.errors import JournalDamaged


class CommandJournal:
    def __init__(self, path: Path) -> None:
        """The journal at ``path``; JournalDamaged when a whole line in it is not an id."""
        self._path = path
        self._done = {_command_id(path, number, line) for number, line in _lines(path)}

    def __contains__(self, command_id: object) -> bool:
        return command_id in self._done

    def record(self, command_id: int) -> None:
        """Remember a command as run, on disk before returning."""
        self._path.parent.mkdir(parents=True, exist_ok=True)
        append_line(self._path, str(command_id))
        self._done.add(command_id)


def _lines(path: Path) -> list[tuple[int, str]]:
    return [(number, line) for number, line in enumerate(journal_lines(path), 1) if line]


def _command_id(path: Path, number: int, line: str) -> int:
    if not (line.isascii() and line.isdigit()):
        raise JournalDamaged(
            f"{path} line {number} is not a command id ({line[:20]!r}): the device's journal "
            "of run commands is damaged; delete the file and start the device again (the hub "
            "resends only the commands it has not seen acknowledged)"
        )
    return int(line)
