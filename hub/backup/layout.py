"""Where a hub's files are on its box, and under which names they travel in an archive."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hub.backup.errors import BackupSettings

DATABASE = "hub.db"
CONFIG = "config/branch.toml"
SECRET = "backoffice.secret"
PKI = "pki/"
# The service catalogue and its forms, each under its path from the configuration's
# folder (hub/backup/catalogue.py).
CATALOGUE = "catalogue/"
SUFFIX = ".okno-backup"
# A cut leaves a staging folder with this prefix (or an archive ending in okno.files'
# PARTIAL): never taken for a backup, and the next backup removes it.
STAGING = ".staging-"


@dataclass(frozen=True, slots=True)
class HubFiles:
    """A hub's files as ``okno hub`` is given them; ``pki`` is the folder beside the
    database the hub keeps its CA and keys in (hub/service.py)."""

    db: Path
    config: Path
    backoffice_secret: Path | None = None

    @property
    def pki(self) -> Path:
        return self.db.parent / f"{self.db.stem}-pki"

    @property
    def backups(self) -> Path:
        """The default folder of the archives, which the hub's /metrics watches."""
        return self.db.parent / f"{self.db.stem}-backups"

    def check_present(self) -> None:
        """Raises BackupSettings naming the first file a backup needs that is not there."""
        for path, option in ((self.db, "--db"), (self.config, "--config")):
            if not path.is_file():
                raise BackupSettings(f"{path} does not exist: give {option} the hub's own file")
        if not (self.pki / "ca.key").is_file():
            raise BackupSettings(
                f"{self.pki} holds no branch CA (ca.key): give --db the database of a hub "
                "that has run, its keys are in <db>-pki/ beside it"
            )
        if self.backoffice_secret is not None and not self.backoffice_secret.is_file():
            raise BackupSettings(f"{self.backoffice_secret} does not exist")
