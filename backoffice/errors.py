"""What the back office refuses or cannot do, each saying what to do about it."""

from __future__ import annotations

from okno.errors import OknoError


class BackOfficeError(OknoError):
    """Base of the back office's errors."""


class BatchRefused(BackOfficeError):
    """A batch (or a directory, a fetch, a backup) not taken at all, or one event of a
    batch left out; ``code`` is the kind of refusal (recorded in ``refusals``)."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code


class MalformedEvent(BackOfficeError):
    """An event the back office cannot read; it is refused alone, the batch stored without it."""


class UnknownReport(BackOfficeError):
    """A report name that is not one of REPORTS."""


class StoreUnavailable(BackOfficeError):
    """The back office's database cannot be opened or migrated."""


class BadAccount(BackOfficeError, ValueError):
    """A dashboard account that cannot be made as asked (name, role, branch, password)."""

    code = "bad_account"


class KeyUnavailable(BackOfficeError, LookupError):
    """The key that seals the branch secrets is not given, missing, or not theirs."""

    code = "key_unavailable"


class BadTlsFiles(BackOfficeError, ValueError):
    """--tls-cert or --tls-key cannot be read, or is not PEM."""

    code = "bad_tls_files"


class NoBackups(BackOfficeError, LookupError):
    """This back office keeps no backups: it was started without --backups."""

    code = "no_backups"


class BackupNotFound(BackOfficeError, FileNotFoundError):
    """The branch has no archive of that name (or none at all) at the back office."""

    code = "backup_not_found"


class BackupBusy(BackOfficeError):
    """The same archive of the branch is being received already."""

    code = "backup_busy"
