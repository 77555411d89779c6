"""The archive's manifest: what was backed up, from which hub, and the checksum of each
file; signed with the branch CA's key.

The signature is over the manifest's exact bytes. The manifest names the checksum of
every member, the CA certificate's included, so a restore that verifies the signature
with that certificate and then every checksum knows the whole archive is as the hub
wrote it: a member changed, added or dropped later breaks one or the other.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509 import load_pem_x509_certificate

from hub.backup.errors import ArchiveRefused

FORMAT = "okno-backup/1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
_READ = 1 << 20


@dataclass(frozen=True, slots=True)
class Member:
    sha256: str
    size: int


@dataclass(frozen=True, slots=True)
class Manifest:
    """``last_seq`` is the last event in the database copy: a restore fetches what the
    back office holds after it. ``schema`` is the database's Alembic revision."""

    format: str
    okno_version: str
    branch_id: str
    schema: str
    last_seq: int
    last_day: str
    taken_at_ms: int
    members: dict[str, Member]

    def to_bytes(self) -> bytes:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1, sort_keys=True).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> Manifest:
        """Raises ArchiveRefused when the bytes are not a manifest this okno reads."""
        try:
            raw: dict[str, Any] = json.loads(data)
            if raw.get("format") != FORMAT:
                raise ArchiveRefused(
                    f"the archive's format is {raw.get('format')!r}, this okno reads {FORMAT!r}: "
                    "restore it with the okno version that wrote it"
                )
            members = {name: Member(**m) for name, m in raw.pop("members").items()}
            return cls(**raw, members=members)
        except ArchiveRefused:
            raise
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            raise ArchiveRefused(
                f"the archive's manifest is not one okno wrote ({error}): this is not an okno "
                "backup, or it was damaged"
            ) from None


def member_of(path: Path) -> Member:
    """The checksum and size of a file, read in pieces: the database may be gigabytes."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as file:
        while chunk := file.read(_READ):
            digest.update(chunk)
            size += len(chunk)
    return Member(digest.hexdigest(), size)


def sign(manifest: bytes, ca_key: ec.EllipticCurvePrivateKey) -> bytes:
    return ca_key.sign(manifest, ec.ECDSA(hashes.SHA256()))


def verify(manifest: bytes, signature: bytes, ca_pem: bytes) -> None:
    """Raises ArchiveRefused unless the branch CA of ``ca_pem`` signed ``manifest``."""
    try:
        public_key = load_pem_x509_certificate(ca_pem).public_key()
        if not isinstance(public_key, ec.EllipticCurvePublicKey):
            raise ValueError("the CA's key is not an elliptic-curve key")
        public_key.verify(signature, manifest, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError) as error:
        reason = str(error) or "the signature does not match"
        raise ArchiveRefused(
            f"the archive's manifest is not signed by the branch CA it carries ({reason}): "
            "it was changed after the hub wrote it; restore another backup"
        ) from None
