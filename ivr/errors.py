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


class ApplicationMissing(IvrError, LookupError):
    """Asterisk has no dialplan application of that name (EXEC answered -2): its module is
    not loaded; the telephony admin loads it (``app_queue.so`` for the operator queue)."""

    code = "agi_application_missing"


class SimulatedCallFailed(IvrError, AssertionError):
    """The simulated Asterisk saw the menu do what a real call would suffer from: a prompt
    file Asterisk cannot play (not 8 kHz mono 16-bit, missing, silent), a menu that went
    quiet, a call that never ends. The message says which; the test fails on it."""

    code = "simulated_call_failed"


class HubUnreachable(IvrError, ConnectionError):
    """The hub did not answer in time (down, or the network): the caller is told the
    service is unavailable and offered the operator; nothing was booked by this call."""

    code = "hub_unreachable"


class Refused(IvrError, ValueError):
    """The hub refused what the caller asked (the slot was taken, a code unknown, a limit
    reached): ``reason`` is the hub's code, which the menu turns into what the caller hears."""

    code = "refused"

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message or reason)
        self.reason = reason


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
