"""The service catalogue in a backup: which files travel, under which names, and where a
restore writes them.

A configuration names its catalogue relative to its own folder, and the catalogue its
forms relative to the catalogue (docs/catalogue.md). Each travels as ``catalogue/`` and
its path from the configuration's folder, and is written back at that path beside the
restored configuration, so the restored ``[catalogue] file`` and the forms resolve as
they did. A name leading out of that folder (absolute, or through ``..``) could only be
written back outside the folder the restore was given, so the backup refuses it.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from hub.backup.errors import BackupSettings
from hub.backup.layout import CATALOGUE
from hub.catalogue import Catalogue, load_catalogue
from hub.domain.branch import Branch
from hub.errors import CatalogueError


def catalogue_files(config: Path, branch: Branch) -> dict[str, bytes]:
    """The archive's catalogue members and their bytes: none when the branch names no
    catalogue. Read through the hub's own loader, so a backup never carries a catalogue
    the restored hub would refuse to start with."""
    if not branch.catalogue.file:
        return {}
    named = _relative(config, branch.catalogue.file, "its [catalogue] file")
    loaded = _load(config, branch)
    data = (config.parent / named).read_bytes()
    if _load(config, branch).version != loaded.version:
        raise BackupSettings(
            f"the catalogue {config.parent / named} or a form of it changed while the backup "
            "read it: take the backup again once it is saved"
        )
    members = {f"{CATALOGUE}{named}": data}
    for form in loaded.forms.values():
        path = named.parent / _relative(config, form.info.file, f'the form "{form.info.id}"')
        members[f"{CATALOGUE}{path}"] = form.pdf
    return members


def landing(config: Path, member: str) -> Path:
    """Where a restore writes a catalogue member: beside the restored configuration."""
    return config.parent / member.removeprefix(CATALOGUE)


def _relative(config: Path, name: str, what: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts:
        raise BackupSettings(
            f'{config}: {what} is "{name}", outside the configuration\'s folder: a restore '
            "writes the catalogue and its forms beside the restored configuration, so move "
            'them into that folder (or below it) and name them from there, without ".."'
        )
    return path


def _load(config: Path, branch: Branch) -> Catalogue:
    try:
        return load_catalogue(config, branch)
    except CatalogueError as error:
        raise BackupSettings(
            f"{error}: the hub would not start with this catalogue, nor would a restore of "
            "it; fix the catalogue and take the backup again"
        ) from None
