"""The root of every error okno raises on purpose.

Each package's ``errors.py`` subclasses :class:`OknoError`; the specific ones also
inherit a builtin (``ValueError``, ``LookupError``, ``TimeoutError``...) so callers that
know nothing of okno still catch them sensibly. ``code`` is stable: logs, gRPC status
details and tests match on it, never on the message text.
"""

from __future__ import annotations


class OknoError(Exception):
    """Something okno refuses or cannot do, told so that a person can act on it."""

    code = "okno_error"


class ScreenLibrariesMissing(OknoError, ImportError):
    """A Qt screen on an X display lacks libraries its xcb plugin loads."""

    code = "screen_libraries_missing"


class SecretExposed(OknoError, PermissionError):
    """A file holding a secret or a key lets others than its owner reach it."""

    code = "secret_exposed"

    def __init__(self, path: str, mode: int) -> None:
        super().__init__(
            f"{path} holds a secret but its mode {mode:04o} lets others than its owner reach "
            f"it: run `chmod 600 {path}`, then start again"
        )
