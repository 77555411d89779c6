"""Errors of the voice menu; each says what the person reading the log can do about it."""

from __future__ import annotations

from okno.errors import OknoError


class IvrError(OknoError):
    """Root of the voice menu's errors."""

    code = "ivr_error"


class CallEnded(IvrError, ConnectionError):
    """The caller hung up or Asterisk dropped the connection: nothing more can be said.

    Raised wherever the call is; the menu stops there, and what it had not yet asked the
    hub to do is not done.
    """

    code = "call_ended"


class AgiProtocolError(IvrError, ValueError):
    """Asterisk sent what the AGI reference does not allow (a malformed environment block
    or reply): the call is ended politely and the line logged for the telephony admin."""

    code = "agi_protocol_error"


class BadAudio(IvrError, ValueError):
    """Audio that cannot become a prompt: not 16-bit mono PCM, or a rate the phone cannot
    use. A bug or a changed speech engine: check the engine's output format."""

    code = "bad_audio"


class Unsayable(IvrError, ValueError):
    """A value the voice menu cannot read out (a number out of range, a status this
    version does not know): the menu says it cannot tell and offers the operator."""

    code = "unsayable"


class PromptFailed(IvrError, RuntimeError):
    """A prompt could not be synthesised (espeak-ng missing, failed or killed): check that
    espeak-ng and its Russian voice are installed and the prompt directory is writable."""

    code = "prompt_failed"
