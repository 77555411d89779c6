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


class OffsiteFailed(BackupError):
    """The back office did not take the archive, or did not hand one back."""

    code = "offsite_failed"


class OffsiteRefused(OffsiteFailed, PermissionError):
    """The back office refuses the branch's secret, or the archive as sent."""

    code = "offsite_refused"


class OffsiteUnreachable(OffsiteFailed, ConnectionError):
    """The back office was not reached, or stopped answering in the middle."""

    code = "offsite_unreachable"


class OffsiteNotFound(OffsiteFailed, FileNotFoundError):
    """The back office keeps no such archive of the branch."""

    code = "offsite_not_found"
