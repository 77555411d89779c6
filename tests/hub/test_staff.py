"""Staff sign-in over real gRPC: PINs, sessions, rate limits, roles at desks, figures."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import json
import os
import sqlite3
import threading
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import grpc
import pytest

from hub.errors import (
    NoPin,
    PinTooShort,
    SignedOut,
    TokenKeyUnusable,
    TooManyAttempts,
    WrongPin,
)
from hub.service import Hub
from hub.staff import service as staff_service
from hub.staff import store as staff_store
from hub.staff import tokens
from hub.staff.cli import StaffCommandFailed
from hub.staff.cli import set_pin as set_pin_command
from hub.staff.limits import WrongPins
from hub.staff.pins import check_pin, hash_pin, verify_pin
from okno.errors import SecretExposed
from okno.files import write_private
from protos.okno.v1 import (
    common_pb2,
    devices_pb2,
    devices_pb2_grpc,
    queue_pb2,
    queue_pb2_grpc,
    staff_pb2,
    staff_pb2_grpc,
)
from tests.hub.conftest import MINUTE, MONDAY_10_00, Served, SteppedClock, serve_hub

if TYPE_CHECKING:
    from protos.okno.v1.queue_pb2_grpc import QueueServiceAsyncStub
    from protos.okno.v1.staff_pb2_grpc import StaffAsyncStub

# examples/branch.toml: ivanova-a may open desk-01, petrov-s desk-02, smirnova-m desk-03;
# andreev-m is an administrator and operator, zakharov-r a technician; desk-20 lists nobody.
PIN = "482916"
Metadata = tuple[tuple[str, str], ...]


def bearer(token: str) -> Metadata:
    return (("authorization", f"Bearer {token}"),)


def staff(served: Served) -> StaffAsyncStub:
    """The staff service over TLS from the LAN; each call carries the token it names."""
    return staff_pb2_grpc.StaffStub(served.stranger)


def queue(served: Served) -> QueueServiceAsyncStub:
    """The queue over TLS from the LAN; each call carries the token it names."""
    return queue_pb2_grpc.QueueServiceStub(served.stranger)


async def set_pin(served: Served, operator_id: str, pin: str = PIN) -> None:
    """Set a PIN on the hub's machine (okno hub staff set-pin, through the admin socket)."""
    await staff_pb2_grpc.StaffStub(served.local).SetPin(
        staff_pb2.SetPinRequest(operator_id=operator_id, pin=pin)
    )


async def sign_in(served: Served, operator_id: str, pin: str = PIN) -> str:
    response = await staff(served).SignIn(staff_pb2.SignInRequest(operator_id=operator_id, pin=pin))
    return response.token


async def staffed(served: Served, *operators: str) -> list[str]:
    """PINs set for the operators, each signed in: their tokens, in order."""
    await asyncio.gather(*(set_pin(served, o) for o in operators))
    return list(await asyncio.gather(*(sign_in(served, o) for o in operators)))


async def refused(call: object) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await call  # type: ignore[misc]
    return raised.value


def error_code(error: grpc.aio.AioRpcError) -> str:
    return str(dict(error.trailing_metadata() or ()).get("okno-error", ""))


# -- PINs -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pin", "problem"),
    [
        ("482916", None),
        ("482916304712", None),
        ("4829", "6 to 12 digits, not 4"),
        ("48291", "6 to 12 digits, not 5"),
        ("4829163047125", "6 to 12 digits, not 13"),
        ("48a916", "digits 0-9 only"),
        ("４８２９１６", "digits 0-9 only"),
        ("", "digits 0-9 only"),
        ("000000", "one repeated digit"),
    ],
)
def test_pin_rules(pin: str, problem: str | None) -> None:
    found = check_pin(pin)
    assert found is None if problem is None else problem in (found or "")


def test_a_pin_is_kept_as_a_salted_hash() -> None:
    first, second = hash_pin(PIN), hash_pin(PIN)
    assert first.startswith("scrypt$32768$8$1$") and PIN not in first
    assert first != second, "each hash has its own salt"
    assert verify_pin(PIN, first) and verify_pin(PIN, second)
    assert not verify_pin("482917", first)
    assert not verify_pin(PIN, "md5$junk")


# -- signing in -------------------------------------------------------------------------


async def test_the_right_pin_signs_in_and_the_token_says_who(served: Served) -> None:
    await set_pin(served, "andreev-m")
    response = await staff(served).SignIn(staff_pb2.SignInRequest(operator_id="andreev-m", pin=PIN))
    assert len(response.token) >= 43
    session = response.session
    assert (session.operator_id, session.name) == ("andreev-m", "Михаил Андреев")
    assert list(session.roles) == ["administrator", "operator"]
    assert len(session.desk_ids) == 20, "an administrator may open every desk"
    who = await staff(served).WhoAmI(staff_pb2.WhoAmIRequest(), metadata=bearer(response.token))
    assert who == session
    token = await sign_in(served, *(await _pinned(served, "ivanova-a")))
    mine = await staff(served).WhoAmI(staff_pb2.WhoAmIRequest(), metadata=bearer(token))
    assert list(mine.desk_ids) == ["desk-01", "desk-20"], "her own desk and the unassigned one"


async def _pinned(served: Served, operator_id: str) -> tuple[str]:
    await set_pin(served, operator_id)
    return (operator_id,)


@pytest.mark.parametrize(
    ("operator_id", "pin", "status", "code"),
    [
        ("ivanova-a", "111222", grpc.StatusCode.UNAUTHENTICATED, WrongPin.code),
        ("petrov-s", PIN, grpc.StatusCode.FAILED_PRECONDITION, NoPin.code),
        ("nobody", PIN, grpc.StatusCode.NOT_FOUND, "unknown_operator"),
        ("ivanova-a", "", grpc.StatusCode.INVALID_ARGUMENT, "invalid_request"),
    ],
)
async def test_sign_in_is_refused_with_a_reason(
    served: Served, operator_id: str, pin: str, status: grpc.StatusCode, code: str
) -> None:
    await set_pin(served, "ivanova-a")
    error = await refused(
        staff(served).SignIn(staff_pb2.SignInRequest(operator_id=operator_id, pin=pin))
    )
    assert error.code() == status
    assert error_code(error) == code
    details = error.details() or ""
    assert PIN not in details and (not pin or pin not in details), "a PIN is never echoed"


async def test_five_wrong_pins_lock_the_account_whatever_the_address(served: Served) -> None:
    """Even the right PIN from the member's own desk waits; a new PIN lifts the lockout."""
    await set_pin(served, "ivanova-a")
    for n in range(5):
        with pytest.raises(WrongPin):
            await served.hub.staff.sign_in("ivanova-a", "111222", f"10.0.0.{n}")
    locked = await refused(sign_in(served, "ivanova-a", PIN))
    assert locked.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert "too many wrong PINs for ivanova-a: wait 900 s, even with the right PIN" in (
        locked.details() or ""
    )
    served.clock.advance(15)
    assert await sign_in(served, "ivanova-a")
    for _ in range(5):
        await refused(sign_in(served, "ivanova-a", "111222"))
    await set_pin(served, "ivanova-a", "735190")
    assert await sign_in(served, "ivanova-a", "735190"), "a new PIN lifts the lockout"


async def test_wrong_pins_at_the_same_instant_are_all_counted(served: Served) -> None:
    """Twenty guesses at once: only five reach the PIN, the others are refused unchecked."""
    await set_pin(served, "ivanova-a")
    results = await asyncio.gather(
        *(sign_in(served, "ivanova-a", f"{100000 + n}") for n in range(20)),
        return_exceptions=True,
    )
    codes = sorted(r.code().name for r in results if isinstance(r, grpc.aio.AioRpcError))
    assert codes == ["RESOURCE_EXHAUSTED"] * 15 + ["UNAUTHENTICATED"] * 5


async def cheap_pins(served: Served, operators: list[str]) -> None:
    """PIN hashes quick to check (scrypt n=2), so that a test can make a hundred guesses."""
    for operator_id in operators:
        stored = hash_pin(PIN, n=2)
        await served.hub.read_store(
            partial(staff_store.save_pin, operator_id=operator_id, pin_hash=stored, at_ms=0, by="")
        )


@pytest.mark.parametrize("targets", [1, 20])
async def test_a_hundred_wrong_pins_from_ten_addresses_lock_out_only_the_accounts_tried(
    served: Served, targets: int
) -> None:
    everyone = [o.id for o in served.hub.loaded.branch.operators]
    await cheap_pins(served, everyone)
    tried, others = everyone[:targets], everyone[targets:]
    for n in range(100):
        with pytest.raises((WrongPin, TooManyAttempts)):
            await served.hub.staff.sign_in(tried[n % targets], "111222", f"10.0.0.{n % 10}")
    for operator_id in others:
        assert await sign_in(served, operator_id), operator_id
    token, _ = await served.hub.staff.sign_in(others[0], PIN, "10.0.0.3")
    assert token, "an address that guessed ten times still signs in"
    for operator_id in tried:
        with pytest.raises(TooManyAttempts, match=f"for {operator_id}"):
            await served.hub.staff.sign_in(operator_id, PIN, "10.0.0.99")


async def test_twenty_wrong_pins_from_one_address_stop_that_address_only(served: Served) -> None:
    everyone = [o.id for o in served.hub.loaded.branch.operators]
    await cheap_pins(served, everyone)
    for n in range(20):  # four on each of five accounts: none of them locked
        error = await refused(sign_in(served, everyone[n % 5], "111222"))
        assert error.code() == grpc.StatusCode.UNAUTHENTICATED, "each one is checked"
    error = await refused(sign_in(served, everyone[5]))
    assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert "too many wrong PINs from 127.0.0.1" in (error.details() or "")
    for operator_id in (everyone[0], everyone[5]):
        token, _ = await served.hub.staff.sign_in(operator_id, PIN, "10.0.0.7")
        assert token, "the same accounts sign in from another address"
    served.clock.advance(15)
    assert await sign_in(served, everyone[5])


async def test_a_pin_shorter_than_six_digits_signs_in_no_more(served: Served) -> None:
    """One set under the old rule: refused, with what to do, without reading its hash."""
    old = hash_pin("4829")
    await served.hub.read_store(lambda r: staff_store.save_pin(r, "ivanova-a", old, 0, "local"))
    for _ in range(6):
        error = await refused(sign_in(served, "ivanova-a", "4829"))
        assert (error.code(), error_code(error)) == (
            grpc.StatusCode.FAILED_PRECONDITION,
            PinTooShort.code,
        )
    assert "at least 6 digits" in (error.details() or "")
    assert "ask an administrator to set a new one" in (error.details() or "")
    await set_pin(served, "ivanova-a")
    assert await sign_in(served, "ivanova-a"), "short tries counted for no lockout"


async def test_a_session_ends_at_the_branchs_midnight_or_after_twelve_hours(
    served: Served,
) -> None:
    await set_pin(served, "ivanova-a")
    morning = await sign_in(served, "ivanova-a")  # Monday 10:00 in Moscow
    who = await staff(served).WhoAmI(staff_pb2.WhoAmIRequest(), metadata=bearer(morning))
    assert who.expires_at_unix_ms == served.clock() + 12 * 60 * MINUTE
    served.clock.advance(11 * 60 + 59)
    await staff(served).WhoAmI(staff_pb2.WhoAmIRequest(), metadata=bearer(morning))
    evening = await sign_in(served, "ivanova-a")  # 21:59
    served.clock.advance(1)
    error = await refused(staff(served).WhoAmI(staff_pb2.WhoAmIRequest(), metadata=bearer(morning)))
    assert (error.code(), error_code(error)) == (grpc.StatusCode.UNAUTHENTICATED, "signed_out")
    late = await staff(served).WhoAmI(staff_pb2.WhoAmIRequest(), metadata=bearer(evening))
    assert late.expires_at_unix_ms == served.clock() + 2 * 60 * MINUTE, "ends at midnight"


async def test_signing_out_ends_the_session_and_twice_is_harmless(served: Served) -> None:
    (token,) = await staffed(served, "ivanova-a")
    await staff(served).SignOut(staff_pb2.SignOutRequest(), metadata=bearer(token))
    # Twice: told the session has ended already, which is what was asked.
    for call in (
        staff(served).SignOut(staff_pb2.SignOutRequest(), metadata=bearer(token)),
        staff(served).WhoAmI(staff_pb2.WhoAmIRequest(), metadata=bearer(token)),
    ):
        error = await refused(call)
        assert (error.code(), error_code(error)) == (grpc.StatusCode.UNAUTHENTICATED, "signed_out")
        assert "your session has ended: sign in again" in (error.details() or "")
    # A queue call with a dead token is refused, not taken as an anonymous one.
    error = await refused(
        queue(served).OpenDesk(queue_pb2.OpenDeskRequest(desk_id="desk-01"), metadata=bearer(token))
    )
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED


@pytest.mark.parametrize("header", ["Basic aXZhbm92YTo=", "Bearer", "token-without-scheme"])
async def test_a_malformed_authorization_is_refused(served: Served, header: str) -> None:
    error = await refused(
        staff(served).WhoAmI(staff_pb2.WhoAmIRequest(), metadata=(("authorization", header),))
    )
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED


# -- the wrong-PIN rules, pure ------------------------------------------------------------


def test_an_account_is_locked_after_five_wrong_pins_from_any_addresses() -> None:
    limits = WrongPins()
    for n in range(5):
        limits.check("ivanova-a", f"10.0.0.{n}", n * MINUTE)
        limits.failed("ivanova-a", f"10.0.0.{n}", n * MINUTE)
    with pytest.raises(TooManyAttempts, match="for ivanova-a: wait 660 s, even with the right"):
        limits.check("ivanova-a", "10.0.0.9", 4 * MINUTE)
    limits.check("petrov-s", "10.0.0.0", 4 * MINUTE)
    limits.check("ivanova-a", "10.0.0.9", 15 * MINUTE)  # the first try has left the window
    limits.failed("ivanova-a", "10.0.0.9", 15 * MINUTE)
    limits.unlock("petrov-s")
    with pytest.raises(TooManyAttempts):
        limits.check("ivanova-a", "10.0.0.9", 15 * MINUTE)
    limits.unlock("ivanova-a")
    limits.check("ivanova-a", "10.0.0.9", 15 * MINUTE)


def test_an_address_is_throttled_after_twenty_wrong_pins_on_any_accounts() -> None:
    limits = WrongPins()
    for n in range(20):
        limits.failed(f"operator-{n}", "10.0.0.1", 0)
    with pytest.raises(TooManyAttempts, match=r"from 10\.0\.0\.1: wait 900 s"):
        limits.check("operator-99", "10.0.0.1", 0)
    limits.check("operator-99", "10.0.0.2", 0)
    limits.forgive("operator-19", "10.0.0.1", 0)
    limits.check("operator-99", "10.0.0.1", 0)  # a right PIN is taken back


# -- signed tokens --------------------------------------------------------------------------

KEY = bytes(range(32))
CLAIMS = tokens.Claims("id-1", "ivanova-a", MONDAY_10_00, MONDAY_10_00 + 60 * MINUTE)


def test_a_token_reads_back_only_with_its_key_and_unaltered() -> None:
    token = tokens.sign(CLAIMS, KEY)
    assert tokens.read(token, KEY) == CLAIMS
    version, body, mac = token.split(".")
    forged = tokens.sign(dataclasses.replace(CLAIMS, operator_id="andreev-m"), KEY).split(".")[1]
    for bad in (
        token[:-2] + ("AA" if token[-2:] != "AA" else "BB"),
        f"{version}.{forged}.{mac}",
        f"s2.{body}.{mac}",
        f"{version}.{body}",
        tokens.sign(CLAIMS, bytes(32)),
        "x" * 600,
        "",
        "s1.ключ.подпись",
    ):
        with pytest.raises(SignedOut):
            tokens.read(bad, KEY)


async def who_is(served: Served, token: str) -> str:
    """The operator a token signs in, or the refusal's code."""
    try:
        who = await staff(served).WhoAmI(staff_pb2.WhoAmIRequest(), metadata=bearer(token))
    except grpc.aio.AioRpcError as error:
        return f"{error.code().name} {error_code(error)}"
    return who.operator_id


async def test_sessions_survive_a_restart_but_not_a_sign_out_a_new_pin_or_tampering(
    config_file: Path, tmp_path: Path
) -> None:
    db, clock = tmp_path / "hub.db", SteppedClock()
    async with serve_hub(config_file, db, clock) as served:
        ivanova, petrov, orlova, admin = await staffed(
            served, "ivanova-a", "petrov-s", "orlova-d", "makarova-l"
        )
        await staff(served).SignOut(staff_pb2.SignOutRequest(), metadata=bearer(petrov))
        await set_pin(served, "orlova-d", "735190")
    clock.advance(60)
    async with serve_hub(config_file, db, clock) as served:
        assert await who_is(served, ivanova) == "ivanova-a"
        assert await who_is(served, admin) == "makarova-l"
        assert await who_is(served, petrov) == "UNAUTHENTICATED signed_out", "signed out"
        assert await who_is(served, orlova) == "UNAUTHENTICATED signed_out", "new PIN"
        version, body, mac = ivanova.split(".")
        as_admin = tokens.Claims(*json.loads(base64.urlsafe_b64decode(body + "==")))
        as_admin = dataclasses.replace(as_admin, operator_id="andreev-m")
        forged = tokens.sign(as_admin, bytes(32)).split(".")[1]
        assert await who_is(served, f"{version}.{forged}.{mac}") == "UNAUTHENTICATED signed_out"
        listed = await staff(served).ListStaff(staff_pb2.ListStaffRequest(), metadata=bearer(admin))
        # andreev-m: the fixture's administrator, signed in again with the hub.
        signed_in = {m.operator_id for m in listed.staff if m.signed_in}
        assert signed_in == {"ivanova-a", "makarova-l", "andreev-m"}
        await staff(served).SignOut(staff_pb2.SignOutRequest(), metadata=bearer(admin))
    key_file = tmp_path / "hub-pki" / "staff-tokens.key"
    assert os.stat(key_file).st_mode & 0o777 == 0o600
    async with serve_hub(config_file, db, clock) as served:
        assert await who_is(served, admin) == "UNAUTHENTICATED signed_out", "signed out for good"
        assert await who_is(served, ivanova) == "ivanova-a"
    write_private(key_file, os.urandom(32))
    async with serve_hub(config_file, db, clock) as served:
        assert await who_is(served, ivanova) == "UNAUTHENTICATED signed_out", "key replaced"
    with sqlite3.connect(db) as copy:
        kept = " ".join(str(row) for row in copy.execute("SELECT * FROM staff_sessions"))
    assert "ivanova-a" in kept and ivanova.split(".")[2] not in kept, (
        "a database copy holds no token"
    )


def promote_ivanova_and_remove_the_technician(config_file: Path) -> None:
    ivanova = 'id = "ivanova-a"\nname = "Анна Иванова"\n'
    technician = (
        '[[operators]]\nid = "zakharov-r"\nname = "Роман Захаров"\nroles = ["technician"]\n'
    )
    text = config_file.read_text()
    assert ivanova in text and technician in text
    text = text.replace(ivanova, f'{ivanova}roles = ["administrator", "operator"]\n')
    config_file.write_text(text.replace(technician, ""))


async def test_after_a_restart_the_roles_are_the_new_configurations(
    config_file: Path, tmp_path: Path
) -> None:
    """The token carries no roles: a promotion counts at once, a removal ends the session."""
    db, clock = tmp_path / "hub.db", SteppedClock()
    async with serve_hub(config_file, db, clock) as served:
        ivanova, technician = await staffed(served, "ivanova-a", "zakharov-r")
        error = await refused(
            staff(served).ListStaff(staff_pb2.ListStaffRequest(), metadata=bearer(ivanova))
        )
        assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    promote_ivanova_and_remove_the_technician(config_file)
    async with serve_hub(config_file, db, clock) as served:
        listed = await staff(served).ListStaff(
            staff_pb2.ListStaffRequest(), metadata=bearer(ivanova)
        )
        assert "zakharov-r" not in {m.operator_id for m in listed.staff}
        error = await refused(
            staff(served).WhoAmI(staff_pb2.WhoAmIRequest(), metadata=bearer(technician))
        )
        assert (error.code(), error_code(error)) == (grpc.StatusCode.UNAUTHENTICATED, "signed_out")
        assert "no longer among the branch's staff" in (error.details() or "")


async def test_a_sign_in_that_races_a_new_pin_does_not_outlive_it(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The old PIN checked out, then an administrator set a new one before the session
    was kept: no session is made."""
    await set_pin(served, "ivanova-a")
    checking, changed = threading.Event(), threading.Event()

    def verify_meanwhile(pin: str, stored: str) -> bool:
        checking.set()
        changed.wait(10)
        return verify_pin(pin, stored)

    monkeypatch.setattr(staff_service, "verify_pin", verify_meanwhile)
    signing = asyncio.ensure_future(served.hub.staff.sign_in("ivanova-a", PIN, "10.0.0.1"))
    await asyncio.to_thread(checking.wait, 10)
    await served.hub.staff.set_pin("ivanova-a", "735190", by="andreev-m")
    changed.set()
    with pytest.raises(WrongPin, match="changed a moment ago"):
        await signing
    assert "ivanova-a" not in served.hub.staff.signed_in()


async def test_a_hub_refuses_to_start_on_a_token_key_others_can_read(
    config_file: Path, tmp_path: Path
) -> None:
    async with serve_hub(config_file, tmp_path / "hub.db", SteppedClock()):
        pass
    key_file = tmp_path / "hub-pki" / "staff-tokens.key"
    key_file.chmod(0o644)
    with pytest.raises(SecretExposed, match="chmod 600"):
        Hub(config_file, tmp_path / "other.db", pki_dir=tmp_path / "hub-pki")
    key_file.chmod(0o600)
    key_file.write_bytes(b"short")
    with pytest.raises(TokenKeyUnusable, match="not a 32-byte key"):
        Hub(config_file, tmp_path / "third.db", pki_dir=tmp_path / "hub-pki")


# -- setting PINs ----------------------------------------------------------------------


async def test_pins_are_set_locally_or_by_an_administrator_never_by_an_operator(
    served: Served,
) -> None:
    admin, operator = await staffed(served, "andreev-m", "ivanova-a")
    error = await refused(
        staff(served).SetPin(
            staff_pb2.SetPinRequest(operator_id="petrov-s", pin="735190"), metadata=bearer(operator)
        )
    )
    assert (error.code(), error_code(error)) == (grpc.StatusCode.PERMISSION_DENIED, "not_allowed")
    changed = await staff(served).SetPin(
        staff_pb2.SetPinRequest(operator_id="ivanova-a", pin="735190"), metadata=bearer(admin)
    )
    assert changed.sessions_ended == 1, "a new PIN ends the operator's sessions"
    assert (await refused(sign_in(served, "ivanova-a"))).code() == grpc.StatusCode.UNAUTHENTICATED
    assert await sign_in(served, "ivanova-a", "735190")
    bad = await refused(set_pin(served, "ivanova-a", "4829"))
    assert bad.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "6 to 12 digits" in (bad.details() or "")
    with sqlite3.connect(served.db) as db:
        rows = db.execute("SELECT operator_id, pin_hash, set_by FROM staff_credentials").fetchall()
    assert {(r[0], r[2]) for r in rows} == {
        ("andreev-m", "local"),
        ("ivanova-a", "andreev-m"),
    }
    assert all(r[1].startswith("scrypt$") and "735190" not in r[1] for r in rows)


async def test_technicians_provision_from_anywhere_once_signed_in(served: Served) -> None:
    technician, operator = await staffed(served, "zakharov-r", "ivanova-a")
    # Over TLS from the LAN, the technician's token is honoured and an operator's refused.
    provisioning = devices_pb2_grpc.ProvisioningStub(served.stranger)
    await provisioning.ListDevices(devices_pb2.ListDevicesRequest(), metadata=bearer(technician))
    error = await refused(
        provisioning.ListDevices(devices_pb2.ListDevicesRequest(), metadata=bearer(operator))
    )
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    assert "ListDevices is not for a caller who is operator" in (error.details() or "")
    error = await refused(provisioning.ListDevices(devices_pb2.ListDevicesRequest()))
    assert error.code() == grpc.StatusCode.UNAUTHENTICATED
    assert "ListDevices needs a sign-in" in (error.details() or "")


# -- the role rule at desks ---------------------------------------------------------------


async def test_an_operator_without_the_administrator_role_cannot_open_other_desks(
    served: Served,
) -> None:
    ivanova, petrov, admin, technician = await staffed(
        served, "ivanova-a", "petrov-s", "andreev-m", "zakharov-r"
    )

    async def open_desk(token: str, desk: str, operator: str = "") -> common_pb2.Desk:
        response = await queue(served).OpenDesk(
            queue_pb2.OpenDeskRequest(desk_id=desk, operator_id=operator), metadata=bearer(token)
        )
        return response.desk

    for desk, operator in (("desk-03", ""), ("desk-02", ""), ("desk-01", "petrov-s")):
        error = await refused(open_desk(ivanova, desk, operator))
        assert (error.code(), error_code(error)) == (
            grpc.StatusCode.PERMISSION_DENIED,
            "not_your_desk",
        ), (desk, operator)
    assert (await open_desk(ivanova, "desk-01")).operator_id == "ivanova-a"
    error = await refused(open_desk(ivanova, "desk-20"))
    assert "you already hold desk 1" in (error.details() or "")
    assert (await open_desk(petrov, "desk-02")).operator_id == "petrov-s"
    # Nor work, pause or close another operator's desk.
    for call in (
        queue(served).CallNext(queue_pb2.DeskRequest(desk_id="desk-02"), metadata=bearer(ivanova)),
        queue(served).PauseDesk(queue_pb2.DeskRequest(desk_id="desk-02"), metadata=bearer(ivanova)),
        queue(served).CloseDesk(queue_pb2.DeskRequest(desk_id="desk-02"), metadata=bearer(ivanova)),
        queue(served).Transfer(
            queue_pb2.TransferRequest(desk_id="desk-02", to_service_id="snils"),
            metadata=bearer(ivanova),
        ),
        queue(served).CallTicket(
            queue_pb2.CallTicketRequest(desk_id="desk-02", ticket_id="x"), metadata=bearer(ivanova)
        ),
    ):
        assert (await refused(call)).code() == grpc.StatusCode.PERMISSION_DENIED
    # A technician works at no desk.
    error = await refused(open_desk(technician, "desk-20"))
    assert (error.code(), error_code(error)) == (grpc.StatusCode.PERMISSION_DENIED, "not_allowed")
    # An administrator opens any desk, for anyone, and closes any.
    assert (await open_desk(admin, "desk-03", "smirnova-m")).operator_id == "smirnova-m"
    closed = await queue(served).CloseDesk(
        queue_pb2.DeskRequest(desk_id="desk-02"), metadata=bearer(admin)
    )
    assert closed.desk.state == common_pb2.DESK_STATE_CLOSED
    # A desk paused by its operator stays theirs: nobody else resumes it.
    await queue(served).PauseDesk(
        queue_pb2.DeskRequest(desk_id="desk-01"), metadata=bearer(ivanova)
    )
    await queue(served).CloseDesk(queue_pb2.DeskRequest(desk_id="desk-03"), metadata=bearer(admin))
    orlova = (await staffed(served, "orlova-d"))[0]  # also listed at desk-01
    error = await refused(open_desk(orlova, "desk-01"))
    assert "held by another operator" in (error.details() or "")
    resumed = await open_desk(ivanova, "desk-01")
    assert resumed.state == common_pb2.DESK_STATE_OPEN


async def test_calls_without_a_token_keep_working_on_the_hubs_own_port(served: Served) -> None:
    """Desk units (mutual TLS), the demo and benchmarks call without a sign-in."""
    opened = await served.queue.OpenDesk(queue_pb2.OpenDeskRequest(desk_id="desk-03"))
    assert opened.desk.state == common_pb2.DESK_STATE_OPEN


# -- figures and the staff list -------------------------------------------------------------


async def test_figures_count_each_operators_own_work_of_the_day(served: Served) -> None:
    ivanova, admin = await staffed(served, "ivanova-a", "makarova-l")
    desk = queue_pb2.DeskRequest(desk_id="desk-01")
    await queue(served).OpenDesk(
        queue_pb2.OpenDeskRequest(desk_id="desk-01"), metadata=bearer(ivanova)
    )
    for minutes in (6, 10):
        await served.queue.IssueTicket(queue_pb2.IssueTicketRequest(service_id="passport"))
        await queue(served).CallNext(desk, metadata=bearer(ivanova))
        await queue(served).StartService(desk, metadata=bearer(ivanova))
        served.clock.advance(minutes)
        await queue(served).FinishService(desk, metadata=bearer(ivanova))
    await served.queue.IssueTicket(queue_pb2.IssueTicketRequest(service_id="passport"))
    await queue(served).CallNext(desk, metadata=bearer(ivanova))
    await queue(served).MarkNoShow(desk, metadata=bearer(ivanova))
    mine = await staff(served).GetFigures(staff_pb2.GetFiguresRequest(), metadata=bearer(ivanova))
    assert (mine.served, mine.average_service_s, mine.longest_service_s, mine.no_shows) == (
        2,
        480,
        600,
        1,
    )
    again = await staff(served).GetFigures(staff_pb2.GetFiguresRequest(), metadata=bearer(ivanova))
    assert again == mine, "events are counted once"
    error = await refused(
        staff(served).GetFigures(
            staff_pb2.GetFiguresRequest(operator_id="andreev-m"), metadata=bearer(ivanova)
        )
    )
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    error = await refused(
        staff(served).ListStaff(staff_pb2.ListStaffRequest(), metadata=bearer(ivanova))
    )
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    listed = await staff(served).ListStaff(staff_pb2.ListStaffRequest(), metadata=bearer(admin))
    members = {m.operator_id: m for m in listed.staff}
    assert len(members) == 26  # 25 people and the information system
    her = members["ivanova-a"]
    assert (her.signed_in, her.desk_id, her.has_pin, her.figures.served) == (
        True,
        "desk-01",
        True,
        2,
    )
    assert not members["petrov-s"].signed_in and not members["petrov-s"].has_pin


# -- okno hub staff set-pin ----------------------------------------------------------------


async def test_okno_staff_set_pin_asks_twice_and_sets_it(served: Served, tmp_path: Path) -> None:
    # On the hub's machine: the admin socket.
    typed = iter([PIN, PIN])
    said = await asyncio.to_thread(
        set_pin_command, "ivanova-a", socket=served.socket, read_secret=lambda _: next(typed)
    )
    assert said == "PIN set for ivanova-a"
    assert await sign_in(served, "ivanova-a")
    mistyped = iter([PIN, "482917"])
    with pytest.raises(StaffCommandFailed, match="the two PINs differ"):
        set_pin_command("ivanova-a", socket=served.socket, read_secret=lambda _: next(mistyped))
    with pytest.raises(StaffCommandFailed, match="6 to 12 digits"):
        set_pin_command("ivanova-a", socket=served.socket, read_secret=lambda _: "4829")
    # From elsewhere an administrator signs in over TLS; the operator's sessions end.
    with pytest.raises(StaffCommandFailed, match="--as needs --hub and --hub-ca"):
        set_pin_command("ivanova-a", admin="andreev-m", hub=served.address)
    ca = tmp_path / "ca.pem"
    ca.write_bytes(served.ca_pem)
    await set_pin(served, "andreev-m")
    typed = iter(["735190", "735190", PIN])
    said = await asyncio.to_thread(
        set_pin_command,
        "ivanova-a",
        hub=served.address,
        ca=ca,
        admin="andreev-m",
        read_secret=lambda _: next(typed),
    )
    assert said == "PIN set for ivanova-a; 1 session(s) of theirs ended"
    assert await sign_in(served, "ivanova-a", "735190")
