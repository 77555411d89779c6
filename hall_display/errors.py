"""Errors of the hall display, each telling what was wrong and what to do about it.

Every class has a stable ``code`` (logs and tests match on it, never on the text); the
specific ones also inherit a builtin so that code knowing nothing of okno catches them.
"""

from __future__ import annotations

from okno.errors import OknoError


class DisplayError(OknoError):
    """Root of the hall display's errors."""

    code = "display_error"


class BadPhrase(DisplayError, ValueError):
    """A ticket number, desk or number that the voice cannot say, and why not."""

    code = "bad_phrase"

    def __init__(self, what: str, value: object, reason: str) -> None:
        self.what = what
        self.value = value
        self.reason = reason
        super().__init__(f"cannot say {what} {value!r}: {reason}")


class VoiceUnavailable(DisplayError, RuntimeError):
    """The speech engine or a voice is missing on this machine; install it, then restart."""

    code = "voice_unavailable"

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"{reason}; install it with: apt-get install espeak-ng")


class SynthesisFailed(DisplayError, RuntimeError):
    """The engine ran but gave no usable audio for a phrase."""

    code = "synthesis_failed"


class PlaybackFailed(DisplayError, OSError):
    """The audio output refused to play an announcement (device busy, gone or misconfigured)."""

    code = "playback_failed"


class BadAudio(DisplayError, ValueError):
    """A WAV file is not the 22,050 Hz mono 16-bit audio the voice works in."""

    code = "bad_audio"
