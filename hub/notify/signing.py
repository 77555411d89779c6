"""The notifier's key at work: opt-out links, message keys and addresses, all signed or
hashed with the hub's own secret, so a link cannot be forged nor an address read back."""

from __future__ import annotations

import hashlib
import hmac

from hub.notify import outbox


class Signer:
    def __init__(self, key: bytes = b"") -> None:
        """``key`` is the hub's "notify" secret; the notifier sets it when it starts."""
        self.key = key

    def mac(self, text: str) -> str:
        return hmac.new(self.key, text.encode(), hashlib.sha256).hexdigest()[:20]

    def stop_token(self, appointment_id: int = 0, watch_id: int = 0, application: str = "") -> str:
        """The token of an opt-out link: whom it stops, signed with the hub's key."""
        if application:
            subject = f"n{application.replace('-', '')}"
        else:
            subject = f"a{appointment_id}" if appointment_id else f"w{watch_id}"
        return f"{subject}-{self.mac(f'stop:{subject}')}"

    def stopped_by(self, token: str) -> tuple[str, str] | None:
        """Whom an opt-out link stops: ("a", booking id), ("w", watch id) or ("n", the
        application's number in digits); None if forged."""
        subject, _, mac = token.partition("-")
        if len(subject) < 2 or subject[0] not in "awn" or not subject[1:].isdigit():
            return None
        if not hmac.compare_digest(mac, self.mac(f"stop:{subject}")):
            return None
        return subject[0], subject[1:]

    def address_key(self, address: str) -> str:
        return outbox.address_key(self.key, address)
