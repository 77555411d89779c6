"""Branch secrets sealed in the database with a key kept outside it.

The back office must hold each branch's secret itself to check its HMACs, so a hash will
not do: the secret is sealed with AES-256-GCM under a key in a file of its own (owner
only, 0600), and ``branches.secret`` holds ``v1:`` and the nonce and ciphertext in
base64. The branch's id is the associated data, so a sealed secret moved to another
branch's row does not open. A copy of the database (a backup, a replica, a dump) without
the key file gives no secret away.

Where the key file is: ``--key-file`` (or ``OKNO_BACKOFFICE_KEY_FILE``); without either,
beside a SQLite database (``backoffice.db.key``). A PostgreSQL back office must be given
one. It is made (32 random bytes, 0600) the first time a secret is sealed.
"""

from __future__ import annotations

import base64
import os
import secrets
import threading
import weakref
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from backoffice.errors import KeyUnavailable
from okno.files import read_private, write_private

ENV = "OKNO_BACKOFFICE_KEY_FILE"
PREFIX = "v1:"
_NONCE = 12
_SEALERS: weakref.WeakKeyDictionary[Engine, Sealer] = weakref.WeakKeyDictionary()


class Sealer:
    """Seals and opens secrets with the key of one file, read (or made) on first use."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._key: AESGCM | None = None
        self._lock = threading.Lock()

    def seal(self, branch_id: str, secret: str) -> str:
        nonce = os.urandom(_NONCE)
        sealed = self._aead(create=True).encrypt(nonce, secret.encode(), branch_id.encode())
        return PREFIX + base64.b64encode(nonce + sealed).decode()

    def open(self, branch_id: str, stored: str) -> str:
        """The branch's secret; KeyUnavailable when this key did not seal it."""
        if not stored.startswith(PREFIX):
            raise KeyUnavailable(
                f"branch {branch_id!r}'s secret is not sealed: open the database with "
                "okno backoffice (it seals the secrets it finds) before serving"
            )
        raw = base64.b64decode(stored.removeprefix(PREFIX))
        try:
            opened = self._aead(create=False).decrypt(
                raw[:_NONCE], raw[_NONCE:], branch_id.encode()
            )
        except InvalidTag:
            raise KeyUnavailable(
                f"branch {branch_id!r}'s secret was sealed with another key than {self.path}: "
                "give the key file the back office was set up with, or register the branch "
                "again (okno backoffice add-branch) and give its hub the new secret"
            ) from None
        return opened.decode()

    def _aead(self, *, create: bool) -> AESGCM:
        with self._lock:
            if self._key is None:
                self._key = AESGCM(self._read(create=create))
            return self._key

    def _read(self, *, create: bool) -> bytes:
        if self.path is None:
            raise KeyUnavailable(
                "a PostgreSQL back office keeps its branch secrets sealed with a key file "
                f"outside the database: give --key-file PATH (or set {ENV}), owner only"
            )
        try:
            key = bytes.fromhex(read_private(self.path).decode().strip())
        except FileNotFoundError:
            if not create:
                raise KeyUnavailable(
                    f"no key file at {self.path}: the branch secrets cannot be opened; "
                    "restore the key file from where it was kept, or register the branches "
                    "again (okno backoffice add-branch)"
                ) from None
            key = secrets.token_bytes(32)
            write_private(self.path, f"{key.hex()}\n".encode())
        except ValueError:
            raise KeyUnavailable(
                f"{self.path} does not hold a key (64 hex digits): give the back office's key file"
            ) from None
        if len(key) != 32:
            raise KeyUnavailable(f"{self.path} holds no 32-byte key: give the back office's")
        return key


def key_file(url: str, given: Path | None = None) -> Path | None:
    """The key file of the database at ``url``: given, from the environment, or beside a
    SQLite file; None for a PostgreSQL database given none."""
    if given is not None:
        return given
    if os.environ.get(ENV):
        return Path(os.environ[ENV])
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in {None, "", ":memory:"}:
        return Path(f"{parsed.database}.key")
    return None


def bind(engine: Engine, path: Path | None) -> Sealer:
    """Seal and open ``engine``'s branch secrets with the key at ``path`` from now on."""
    sealer = Sealer(path)
    _SEALERS[engine] = sealer
    return sealer


def sealer_of(engine: Engine) -> Sealer:
    """The sealer ``open_store`` bound to ``engine``."""
    found = _SEALERS.get(engine)
    if found is None:
        raise KeyUnavailable("the engine was not opened by backoffice.store.open_store")
    return found
