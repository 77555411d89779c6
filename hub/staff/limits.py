"""Wrong-PIN limits, pure: a lockout per account and a throttle per source address.

Neither is hub-wide, so that nobody can stop the whole branch signing in. Five wrong PINs
on one account lock that account for 15 minutes, wherever they came from (the right PIN
too, typed at the member's own desk: it waits); twenty from one address stop that address
for 15 minutes, whichever accounts it tries. An attacker thus locks out at most the
accounts they name, and one address guesses at most twenty PINs a quarter of an hour.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hub.attempts import Window, whole_seconds
from hub.errors import TooManyAttempts

ACCOUNT_TRIES = 5
SOURCE_TRIES = 20
# Refused sign-ins journaled per address in the window: its wrong PINs and as many refusals
# after; beyond, only the log says so, so that no address can fill the journal.
JOURNALED_REFUSALS = 2 * SOURCE_TRIES


@dataclass
class WrongPins:
    """The two limits on wrong PINs; the clock is given, so tests step through them."""

    accounts: Window = field(default_factory=lambda: Window(ACCOUNT_TRIES))
    sources: Window = field(default_factory=lambda: Window(SOURCE_TRIES))
    journaled: Window = field(default_factory=lambda: Window(JOURNALED_REFUSALS))

    def check(self, account: str, source: str, now_ms: int) -> None:
        """Raise TooManyAttempts while the account is locked or the address throttled."""
        wait = self.accounts.wait_ms(account, now_ms)
        if wait:
            raise TooManyAttempts(
                f"too many wrong PINs for {account}: wait {whole_seconds(wait)} s, even with the "
                "right PIN, or ask an administrator to set a new one"
            )
        wait = self.sources.wait_ms(source, now_ms)
        if wait:
            raise TooManyAttempts(
                f"too many wrong PINs from {source}: wait {whole_seconds(wait)} s and type it "
                "slowly; other addresses sign in as usual"
            )

    def failed(self, account: str, source: str, now_ms: int) -> None:
        """Count a try as wrong; made before the slow check, so that tries sent at the
        same instant cannot all pass the limit."""
        self.accounts.failed(account, now_ms)
        self.sources.failed(source, now_ms)

    def forgive(self, account: str, source: str, now_ms: int) -> None:
        """Take back the try counted by :meth:`failed`: the PIN was right."""
        self.accounts.forgive(account, now_ms)
        self.sources.forgive(source, now_ms)

    def to_journal(self, source: str, now_ms: int) -> bool:
        """Whether a refused sign-in from ``source`` goes into the journal (and count it)."""
        if self.journaled.wait_ms(source, now_ms):
            return False
        self.journaled.failed(source, now_ms)
        return True

    def unlock(self, account: str) -> None:
        """Lift an account's lockout: an administrator set it a new PIN."""
        self.accounts.clear(account)
