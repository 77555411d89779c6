"""The device's memory of the commands it has run, so a command delivered twice runs once.

The hub resends every command the device has not acknowledged after each reconnect; the
id is written here, durably, as soon as the command has run and before it is
acknowledged. A power cut between running and writing can still repeat one command: the
handlers of commands that must not repeat (a print) check their own effect.
"""

from __future__ import annotations

import os
from pathlib import Path


class CommandJournal:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._done = (
            {int(line) for line in path.read_text().split() if line.isdigit()}
            if path.exists()
            else set()
        )

    def __contains__(self, command_id: object) -> bool:
        return command_id in self._done

    def record(self, command_id: int) -> None:
        """Remember a command as run, on disk before returning."""
        self._path.parent.mkdir(parents=True, exist_ok=True)
        with self._path.open("a") as journal:
            journal.write(f"{command_id}\n")
            journal.flush()
            os.fsync(journal.fileno())
        self._done.add(command_id)
