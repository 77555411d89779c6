"""The region's backup key: an age X25519 key pair (https://age-encryption.org/v1).

The hub holds only the public half (a recipient, ``age1...``), so a stolen hub cannot
read its own old backups; the region keeps the private half (an identity file) off the
branch and gives it to whoever restores. age and not a format of okno's own: pyrage
binds the reference Rust implementation (rage), and the region can open an archive
with the stock ``age`` tool without okno.
"""

from __future__ import annotations

from pathlib import Path

import pyrage

from hub.backup.errors import BackupSettings
from okno.errors import SecretExposed
from okno.files import read_private, write_private

_SECRET_PREFIX = "AGE-SECRET-KEY-1"


def make_region_key(path: Path) -> str:
    """Write a new identity file (owner only, as ``age-keygen`` writes it); its recipient."""
    if path.exists():
        raise BackupSettings(
            f"{path} exists: a region key is made once; move it away first if you mean to "
            "replace it (archives made for it then need it to be restored)"
        )
    identity = pyrage.x25519.Identity.generate()
    recipient = str(identity.to_public())
    write_private(path, f"# public key: {recipient}\n{identity}\n".encode())
    return recipient


def recipient(text: str) -> pyrage.x25519.Recipient:
    """The recipient ``age1...`` given on the command line or in a file's first word."""
    value = text.strip()
    if not value.startswith("age1") and Path(value).is_file():
        words = Path(value).read_text().split()
        value = words[0] if words else ""
    try:
        return pyrage.x25519.Recipient.from_str(value)
    except pyrage.RecipientError as error:
        raise BackupSettings(
            f"{text!r} is not an age recipient ({error}): give the region's public key, "
            "`age1...`, as `okno backup keygen` or `age-keygen` printed it"
        ) from None


def identity(path: Path) -> pyrage.x25519.Identity:
    """The region's private key from its identity file (owner only)."""
    try:
        lines = read_private(path).decode().splitlines()
    except SecretExposed:
        raise
    except (OSError, UnicodeDecodeError) as error:
        raise BackupSettings(
            f"cannot read the region's key from {path}: {error}; give --identity the file "
            "`okno backup keygen` (or `age-keygen`) wrote"
        ) from None
    secrets = [line.strip() for line in lines if line.strip().startswith(_SECRET_PREFIX)]
    if len(secrets) != 1:
        raise BackupSettings(
            f"{path} holds {len(secrets)} age secret keys, not one: give --identity the "
            "region's identity file"
        )
    try:
        return pyrage.x25519.Identity.from_str(secrets[0])
    except pyrage.IdentityError as error:
        raise BackupSettings(f"{path} holds a damaged age secret key ({error})") from None
