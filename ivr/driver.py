"""The channel's commands, each answer read as the AGI reference of that command says.

Every command's ``result`` means something of its own (AGI Commands reference): for
STREAM FILE and WAIT FOR DIGIT it is the ASCII code of the key pressed, 0 for none and
-1 for a failure or a hang-up; GET DATA returns the digits themselves and ``(timeout)``;
EXEC returns the application's own result, -2 when Asterisk has no such application.
"""

from __future__ import annotations

import logging

from ivr.codec import Environment, Reply, Status
from ivr.errors import AgiProtocolError, ApplicationMissing, CallEnded
from ivr.transport import Transport

KEYS = "0123456789*#"  # DTMF keys a phone's keypad sends (A-D are not on a caller's phone)

log = logging.getLogger(__name__)


def _key(command: str, result: str, allowed: str) -> str:
    """The key whose ASCII code ``result`` is; "" for 0; CallEnded for -1."""
    if result == "-1":
        raise CallEnded(f"{command} failed: the caller hung up or the channel is gone")
    if not result.isdigit():
        raise AgiProtocolError(f"{command} answered result={result!r}, not a key code")
    code = int(result)
    if code == 0:
        return ""
    key = chr(code) if code < 128 else ""
    if not key or key not in allowed:
        raise AgiProtocolError(f"{command} answered key {code}, not one of {allowed!r}")
    return key


class Channel:
    """One call, as the menu's line drives it.

    Every method raises CallEnded on a hang-up, a dropped connection, a 511, or result=-1
    where the reference says -1 means a hang-up; an unknown-command (510) or usage (520)
    answer to one of these commands raises AgiProtocolError naming it.
    """

    def __init__(self, transport: Transport, env: Environment) -> None:
        self.env = env
        self._transport = transport

    async def _run(self, command: str, *arguments: str) -> Reply:
        reply = await self._transport.command(command, *arguments)
        if reply.status is Status.DEAD:
            self._transport.ended = True
            raise CallEnded(f"{command}: Asterisk says the channel is dead (511)")
        if reply.status is Status.UNKNOWN:
            raise AgiProtocolError(
                f"Asterisk does not know the command {command} (510): "
                "check the Asterisk version against docs/ivr.md"
            )
        if reply.status is Status.USAGE:
            usage = " ".join(reply.usage)[:200]
            raise AgiProtocolError(f"Asterisk refused the arguments of {command} (520): {usage}")
        return reply

    async def answer(self) -> None:
        """Answer the channel (a no-op for a call the dialplan already answered)."""
        reply = await self._run("ANSWER")
        if reply.result == "-1":
            raise CallEnded("ANSWER failed: the caller hung up before the answer")

    async def stream_file(self, file: str, escape: str = KEYS) -> str:
        """Play ``file`` (a path without extension); the key that stopped it, "" if none.

        Asterisk answers -1 both for a hang-up and for a file it cannot open (endpos=0);
        either way nothing more can be said sensibly, so both end the call.
        """
        reply = await self._run("STREAM FILE", file, escape)
        if reply.result == "-1" and reply.endpos == 0:
            log.warning("event=agi_prompt_failed file=%s", file)
        return _key("STREAM FILE", reply.result, escape)

    async def get_data(self, file: str, timeout_ms: int, max_digits: int) -> tuple[str, bool]:
        """Play ``file`` and collect up to ``max_digits`` keys: (the keys, timed out)."""
        reply = await self._run("GET DATA", file, str(timeout_ms), str(max_digits))
        if reply.result == "-1":
            raise CallEnded("GET DATA failed: the caller hung up or the channel is gone")
        if any(key not in KEYS for key in reply.result):
            raise AgiProtocolError(f"GET DATA answered {reply.result!r}, not keys")
        return reply.result, reply.data == "timeout"

    async def wait_for_digit(self, timeout_ms: int) -> str:
        """The next key the caller presses within ``timeout_ms``; "" when none comes."""
        reply = await self._run("WAIT FOR DIGIT", str(timeout_ms))
        return _key("WAIT FOR DIGIT", reply.result, KEYS)

    async def exec(self, application: str, options: str = "") -> str:
        """Run a dialplan application (``Queue``, ...) and return its result."""
        reply = await self._run("EXEC", application, options)
        if reply.result == "-2":
            raise ApplicationMissing(
                f"Asterisk has no application {application}: load its module "
                "(e.g. app_queue.so for Queue) in modules.conf"
            )
        if reply.result == "-1":
            raise CallEnded(f"EXEC {application} ended with the channel hung up")
        return reply.result

    async def set_variable(self, name: str, value: str) -> None:
        """Set a channel variable the dialplan reads after the call leaves the menu."""
        await self._run("SET VARIABLE", name, value)

    async def hangup(self) -> None:
        """Hang up the channel; a call that has already ended is left as it is."""
        if self._transport.ended:
            return
        try:
            await self._run("HANGUP")
        except CallEnded:
            log.debug("event=agi_hangup_after_end channel=%s", self.env.channel)
