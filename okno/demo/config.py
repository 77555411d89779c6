"""The demo hub's branch configuration: the one given, with the catalogue beside it turned on.

examples/branch.toml leaves ``[catalogue]`` out, because tests and backups copy that file
alone; the demo should still show visitors looking up what to bring. So when the given
file names no catalogue and a ``catalogue.toml`` sits beside it, the demo runs its hub
on a copy in its output folder that names that catalogue by its absolute path (its
forms stay beside it). A file that names a catalogue (or has none beside it) is used as
it is.
"""

from __future__ import annotations

import json
import logging
import tomllib
from pathlib import Path

log = logging.getLogger(__name__)
CATALOGUE = "catalogue.toml"
HUB_CONFIG = "branch.toml"


def hub_config(config: Path, out: Path) -> Path:
    """The configuration the demo's hub reads: ``config``, or its copy in ``out`` naming
    the catalogue beside it."""
    text = config.read_text(encoding="utf-8")
    beside = (config.parent / CATALOGUE).resolve()
    if "catalogue" in tomllib.loads(text) or not beside.is_file():
        return config
    written = out / HUB_CONFIG
    if written.resolve() == config.resolve():
        return config
    # A JSON string of a path is a TOML basic string: the same escapes.
    file = json.dumps(str(beside), ensure_ascii=False)
    written.write_text(f"{text.rstrip()}\n\n[catalogue]\nfile = {file}\n", encoding="utf-8")
    log.info("demo catalogue on config=%s catalogue=%s", written, beside)
    return written
