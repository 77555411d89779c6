"""Options every ``okno backoffice`` command that opens the database takes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

DB_HELP = "postgresql://user@host/db or sqlite:///path"
KeyFile = Annotated[
    Path | None,
    typer.Option(
        envvar="OKNO_BACKOFFICE_KEY_FILE",
        help="The owner-only key file that seals the branch secrets (made if missing); "
        "default beside a SQLite database, required for PostgreSQL.",
    ),
]
