"""The signatures of a batch and of a directory: HMAC-SHA256 with the branch's secret
(docs/backoffice.md).

Signed: the branch id, then every event's seq and payload in the order sent, each part
length-prefixed so that no two batches share the signed bytes. A directory's signed parts
start with its own label, so that no batch's signature passes for a directory's.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

DIRECTORY_LABEL = "okno.v1.directory"


def sign(secret: str, branch_id: str, events: Iterable[tuple[int, str]]) -> str:
    mac = hmac.new(bytes.fromhex(secret), digestmod=hashlib.sha256)
    _part(mac, branch_id.encode())
    for seq, payload in events:
        _part(mac, str(seq).encode())
        _part(mac, payload.encode())
    return mac.hexdigest()


def sign_directory(secret: str, branch_id: str, directory: str) -> str:
    mac = hmac.new(bytes.fromhex(secret), digestmod=hashlib.sha256)
    for part in (DIRECTORY_LABEL, branch_id, directory):
        _part(mac, part.encode())
    return mac.hexdigest()


def _part(mac: hmac.HMAC, data: bytes) -> None:
    mac.update(len(data).to_bytes(8, "big"))
    mac.update(data)
