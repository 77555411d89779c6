"""The example branch naming a copy of the example catalogue and its forms, in a test's folder."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from tests.hub.conftest import EXAMPLE

EXAMPLES = EXAMPLE.parent
CATALOGUE = EXAMPLES / "catalogue.toml"


def branch_with_catalogue(folder: Path, catalogue: str | None = None, *, extra: str = "") -> Path:
    """examples/branch.toml (and ``extra``) with ``[catalogue]`` naming ``catalogue`` (the
    example's text by default), its forms copied beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "forms").exists():
        shutil.copytree(EXAMPLES / "forms", folder / "forms")
    text = CATALOGUE.read_text(encoding="utf-8") if catalogue is None else catalogue
    (folder / "catalogue.toml").write_text(text, encoding="utf-8")
    config = folder / "branch.toml"
    config.write_text(
        EXAMPLE.read_text(encoding="utf-8") + extra + '\n[catalogue]\nfile = "catalogue.toml"\n',
        encoding="utf-8",
    )
    return config


def line_of(text: str, pattern: str, after: str = "") -> int:
    """The number of the first line matching ``pattern`` (after the first matching ``after``)."""
    lines = text.split("\n")
    start = next(n for n, line in enumerate(lines) if re.search(after, line)) if after else 0
    return next(n for n in range(start, len(lines)) if re.search(pattern, lines[n])) + 1
