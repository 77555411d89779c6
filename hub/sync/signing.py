"""The signatures of a batch, a directory, a fetch and a backup's upload, download and
listing: HMAC-SHA256 with the branch's secret (docs/backoffice.md).

Signed: the branch id, then every event's seq and payload in the order sent, each part
length-prefixed so that no two batches share the signed bytes. The other kinds' signed
parts start with their own label, so that no signature passes for another kind's.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

DIRECTORY_LABEL = "okno.v1.directory"
FETCH_LABEL = "okno.v1.fetch"
BACKUP_LABEL = "okno.v1.backup"
GET_BACKUP_LABEL = "okno.v1.get-backup"
LIST_BACKUPS_LABEL = "okno.v1.list-backups"


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


def sign_backup(secret: str, branch_id: str, name: str, size: int, sha256: str) -> str:
    """An archive the branch uploads: its name, length and SHA-256 (hex)."""
    return _sign_parts(secret, BACKUP_LABEL, branch_id, name, str(size), sha256)


def sign_get_backup(secret: str, branch_id: str, name: str) -> str:
    """A download of the branch's archive ``name`` ("": the newest)."""
    return _sign_parts(secret, GET_BACKUP_LABEL, branch_id, name)


def sign_list_backups(secret: str, branch_id: str) -> str:
    return _sign_parts(secret, LIST_BACKUPS_LABEL, branch_id)


def _sign_parts(secret: str, *parts: str) -> str:
    mac = hmac.new(bytes.fromhex(secret), digestmod=hashlib.sha256)
    for part in parts:
        _part(mac, part.encode())
    return mac.hexdigest()


def _part(mac: hmac.HMAC, data: bytes) -> None:
    mac.update(len(data).to_bytes(8, "big"))
    mac.update(data)
