"""Keys that hash personal data live beside the CA, never in the database (issue 19).

With the SNILS key in the same SQLite file as the hashes, a copy of the database gave
back each SNILS by trying its 10^9 candidates, in seconds; so did the key of the phones
that opted out of messages.
"""

from __future__ import annotations

import sqlite3
import stat
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from hub.devices.registry import DeviceCommand
from hub.domain.model import Channel
from hub.errors import KeyDamaged
from hub.notify.notifier import Notifier
from hub.notify.outbox import address_key
from hub.service import Hub
from hub.store.database import open_database
from hub.store.secrets import SNILS_KEY, file_key, secret
from okno.errors import SecretExposed
from okno.snils import snils_hash
from tests.hub.conftest import SteppedClock
from tests.hub.disk import on_disk
from tests.hub.test_appointments_api import AT_10_20
from tests.hub.test_fleet import admitted

SNILS = "112-233-445 95"
PHONE = "+79161234567"


@asynccontextmanager
async def running(config: Path, db: Path, clock: SteppedClock) -> AsyncIterator[Hub]:
    hub = Hub(config, db, clock=clock)
    # As if it listened for devices: only the port's number is told to them.
    hub.fleet.session_port = 50052
    await hub.start()
    try:
        yield hub
    finally:
        await hub.stop()


def holds(found: bytes, key: bytes) -> bool:
    return any(form in found for form in (key, key.hex().encode(), key.hex().upper().encode()))


async def booked_with_snils(hub: Hub) -> str:
    """A booking made online with a typed SNILS, and a kiosk (which reads cards) configured."""
    booking = await hub.bookings.book("passport", AT_10_20, Channel.ONLINE, snils=SNILS)
    return booking.code


async def configured_kiosk(hub: Hub, folder: Path) -> str:
    kiosk = await admitted(hub.fleet, "K-1", folder)
    await hub.fleet.configure(kiosk, {"language": "en"})
    return kiosk


async def config_delivered(hub: Hub, kiosk: str) -> str:
    """The config command as the kiosk gets it when it connects."""
    delivered: list[DeviceCommand] = []
    await hub.fleet.open_session(kiosk, delivered.append)
    return next(c.payload_json for c in delivered if c.kind == "config")


async def test_a_copy_of_the_database_holds_no_snils_key(config_file: Path, tmp_path: Path) -> None:
    db = tmp_path / "hub.db"
    async with running(config_file, db, SteppedClock()) as hub:
        await booked_with_snils(hub)
        kiosk = await configured_kiosk(hub, tmp_path / "kiosk")
        # The kiosk still gets the key (over its mutual-TLS session), as before.
        assert f'"snils_hash_key": "{hub.snils_key.hex()}"' in await config_delivered(hub, kiosk)
        copy = on_disk(db)
        key = hub.snils_key

    assert not holds(copy, key)
    assert not holds(on_disk(db), key)
    path = tmp_path / "hub-pki" / "snils.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text() == key.hex() + "\n"


def made_old(db: Path, pki: Path, name: str, setting: str = "") -> bytes:
    """Put the hub back as a hub before issue 19 left it: key ``name`` in the database, and
    in the config commands sent to devices under ``setting`` if given, no key file."""
    path = pki / f"{name}.key"
    key = bytes.fromhex(path.read_text())
    path.unlink()
    with sqlite3.connect(db) as connection:
        connection.execute("INSERT INTO hub_secrets VALUES (?, ?)", (name, key.hex()))
        if setting:
            connection.execute(
                "UPDATE device_commands SET payload_json = "
                "json_set(payload_json, ?, ?) WHERE kind = 'config'",
                (f"$.{setting}", key.hex()),
            )
    connection.close()
    assert holds(on_disk(db), key)
    return key


async def test_an_old_database_moves_its_key_to_the_file_and_its_hashes_still_match(
    config_file: Path, tmp_path: Path
) -> None:
    db = tmp_path / "hub.db"
    clock = SteppedClock()
    async with running(config_file, db, clock) as hub:
        code = await booked_with_snils(hub)
        kiosk = await configured_kiosk(hub, tmp_path / "kiosk")
    old_key = made_old(db, tmp_path / "hub-pki", "snils", "snils_hash_key")

    clock.advance(10)
    async with running(config_file, db, clock) as hub:
        assert hub.snils_key == old_key
        assert not holds(on_disk(db), old_key)
        checked = await hub.bookings.check_in_by_card(
            snils_hash(hub.snils_key, SNILS), caller="kiosk"
        )
        assert checked.appointment.code == code
        assert f'"snils_hash_key": "{old_key.hex()}"' in await config_delivered(hub, kiosk)
    path = tmp_path / "hub-pki" / "snils.key"
    assert (path.read_text(), stat.S_IMODE(path.stat().st_mode)) == (old_key.hex() + "\n", 0o600)


@asynccontextmanager
async def notifying(hub: Hub) -> AsyncIterator[Notifier]:
    notifier = Notifier(hub, [])
    await notifier.start()
    try:
        yield notifier
    finally:
        await notifier.stop()


def opted_out(db: Path) -> list[str]:
    with sqlite3.connect(db) as connection:
        keys = [str(k) for (k,) in connection.execute("SELECT address_key FROM notify_optouts")]
    connection.close()
    return keys


async def test_the_key_of_the_phones_that_opted_out_is_not_in_the_database_either(
    config_file: Path, tmp_path: Path
) -> None:
    db = tmp_path / "hub.db"
    clock = SteppedClock()
    async with running(config_file, db, clock) as hub, notifying(hub) as notifier:
        await notifier.stop_address(PHONE)  # an SMS reply "СТОП"
        key = bytes.fromhex((tmp_path / "hub-pki" / "notify.key").read_text())
        assert opted_out(db) == [address_key(key, PHONE)]
        assert not holds(on_disk(db), key)

    old_key = made_old(db, tmp_path / "hub-pki", "notify")
    async with running(config_file, db, clock) as hub, notifying(hub) as notifier:
        assert not holds(on_disk(db), old_key)
        # The same phone is the same opt-out: its hash still matches.
        await notifier.stop_address(PHONE)
        assert opted_out(db) == [address_key(old_key, PHONE)]
    assert (tmp_path / "hub-pki" / "notify.key").read_text() == old_key.hex() + "\n"


def exposed(path: Path) -> None:
    path.chmod(0o644)


def cut_short(path: Path) -> None:
    path.write_text("abcd\n")


def not_hex(path: Path) -> None:
    path.write_text("not a key\n")


def another_in_the_database(path: Path) -> None:
    """A database restored from before the move, beside a key file made since."""
    path.write_text("ab" * 32 + "\n")


@pytest.mark.parametrize(
    ("spoil", "refusal", "says"),
    [
        (exposed, SecretExposed, "chmod 600"),
        (cut_short, KeyDamaged, "holds 2 bytes, not the 32"),
        (not_hex, KeyDamaged, "cannot be read as one of the hub's keys"),
        (another_in_the_database, KeyDamaged, "from the same backup"),
    ],
)
def test_a_key_file_the_hub_cannot_trust_stops_it_with_what_to_do(
    tmp_path: Path,
    spoil: Callable[[Path], None],
    refusal: type[Exception],
    says: str,
) -> None:
    database = open_database(tmp_path / "hub.db")
    try:
        kept = secret(database.engine, "snils")
        path = tmp_path / "pki" / "snils.key"
        assert file_key(tmp_path / "pki", database.engine, SNILS_KEY) == kept
        if spoil is another_in_the_database:
            with database.engine.begin() as connection:
                connection.exec_driver_sql(
                    "INSERT INTO hub_secrets VALUES ('snils', ?)", (kept.hex(),)
                )
        spoil(path)
        with pytest.raises(refusal, match=says):
            file_key(tmp_path / "pki", database.engine, SNILS_KEY)
    finally:
        database.close()
