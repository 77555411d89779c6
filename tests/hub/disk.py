"""What a copy of the hub's database takes away, for tests that look for personal data."""

from __future__ import annotations

from pathlib import Path


def on_disk(db: Path) -> bytes:
    """The bytes of the database file and of its -wal, as a backup or a thief copies them."""
    files = (db, db.with_name(db.name + "-wal"))
    return b"".join(path.read_bytes() for path in files if path.exists())
