"""What stops a backup or a restore, each saying what is wrong and what to do."""

from __future__ import annotations

from okno.errors import OknoError


class BackupError(OknoError):
    """Base of the backup's and the restore's errors."""

    code = "backup_error"


class BackupSettings(BackupError, ValueError):
    """A path, key or option given to ``okno backup`` cannot be used as it is."""

    code = "backup_settings"


class ArchiveRefused(BackupError, ValueError):
    """An archive that ``okno restore`` will not restore: nothing on the target changed."""

    code = "archive_refused"


class TargetOccupied(BackupError, FileExistsError):
    """The restore would overwrite a hub's files that are already there."""

    code = "target_occupied"
