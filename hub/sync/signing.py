"""The signatures of a batch, a directory and a fetch: HMAC-SHA256 with the branch's secret
(docs/backoffice.md).

Signed: the branch id, then every event's seq and payload in the order sent, each part
length-prefixed so that no two batches share the signed bytes. A directory's and a fetch's
signed parts start with their own label, so that no signature passes for another kind's.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

DIRECTORY_LABEL = "okno.v1.directory"
FETCH_LABEL = "okno.v1.fetch"


def sign(secret: str, branch_id: str, events: Iterable[tuple[int, str]]) -> str:
    mac = hmac.new(bytes.fromhex(secret), digestmod=hashlib.sha256)
    _part(mac, branch_id.encode())
    for seq, payload in events:
        _part(mac, str(seq).encode())
        _part(mac, payload.encode())
    return mac.hexdigest()


def sign_directory(secret: str, branch_id: str, directory: str) -> str:
    return _sign_parts(secret, DIRECTORY_LABEL, branch_id, directory)


def sign_fetch(secret: str, branch_id: str, after_seq: int, limit: int) -> str:
    return _sign_parts(secret, FETCH_LABEL, branch_id, str(after_seq), str(limit))


def _sign_parts(secret: str, *parts: str) -> str:
    mac = hmac.new(bytes.fromhex(secret), digestmod=hashlib.sha256)
    for part in parts:
        _part(mac, part.encode())
    return mac.hexdigest()


def _part(mac: hmac.HMAC, data: bytes) -> None:
    mac.update(len(data).to_bytes(8, "big"))
    mac.update(data)
