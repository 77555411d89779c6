"""Staff tokens, pure: what a session's token says, signed with the hub's key.

``s1.<claims>.<mac>``: the claims (token id, operator id, issued and expiry times) as
base64url JSON, and HMAC-SHA256 over the version and the claims with the hub's 32-byte
key. The key lives in a file beside the branch CA, never in the database, so a copy of
the database (which lists the live tokens' ids) cannot make a token; a token made with
another key, or altered, is refused. Roles are not in the token: they are read from the
branch configuration at every call.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass

from hub.errors import SignedOut

VERSION = "s1"
KEY_BYTES = 32
ID_BYTES = 16
# Far above any token the hub signs: longer ones are refused before any work is done.
MAX_CHARS = 512


@dataclass(frozen=True, slots=True)
class Claims:
    """What a token says: which session, whose, from when and until when."""

    token_id: str
    operator_id: str
    issued_ms: int
    expires_ms: int


def new_token_id() -> str:
    return secrets.token_urlsafe(ID_BYTES)


def sign(claims: Claims, key: bytes) -> str:
    """The token that stands for ``claims``."""
    fields = [claims.token_id, claims.operator_id, claims.issued_ms, claims.expires_ms]
    body = _encode(json.dumps(fields, separators=(",", ":"), ensure_ascii=False).encode())
    signed = f"{VERSION}.{body}"
    return f"{signed}.{_encode(_mac(signed, key))}"


def read(token: str, key: bytes) -> Claims:
    """The claims of a token signed with ``key``; SignedOut when it is not one.

    The MAC is compared in constant time, before anything in the claims is read.
    """
    version, _, rest = token.partition(".")
    body, _, mac = rest.partition(".")
    if len(token) > MAX_CHARS or not token.isascii() or version != VERSION or not body or not mac:
        raise SignedOut("this is not a staff token of this hub: sign in again")
    try:
        given = _decode(mac)
    except ValueError:
        given = b""
    if not hmac.compare_digest(given, _mac(f"{version}.{body}", key)):
        raise SignedOut(
            "this token was not signed by this hub (altered, or signed with a replaced key): "
            "sign in again"
        )
    token_id, operator_id, issued_ms, expires_ms = json.loads(_decode(body))
    return Claims(str(token_id), str(operator_id), int(issued_ms), int(expires_ms))


def _mac(signed: str, key: bytes) -> bytes:
    return hmac.new(key, signed.encode(), hashlib.sha256).digest()


def _encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _decode(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, UnicodeEncodeError) as err:
        raise ValueError("not base64url") from err
