"""``okno hub staff set-pin``: setting operators' PINs on the hub (Staff.SetPin).

On the hub's own machine the admin socket is the check (as for ``okno provision``): whoever
may open it is the hub's administrator. From anywhere else an administrator signs in over
the network port's TLS first (``admin``, with the branch CA to trust) and the PIN is set
with their token.
PINs are read without echo and never appear on the command line, in the shell's history
or in a log.
"""

from __future__ import annotations

import asyncio
import getpass
import hmac
from collections.abc import Callable
from pathlib import Path
from typing import cast

import grpc

from hub.staff.pins import MAX_DIGITS, MIN_DIGITS, check_pin
from okno.errors import OknoError
from okno.runtime.hubtls import Connect, admin_socket, hub_tls
from protos.okno.v1 import staff_pb2, staff_pb2_grpc

TIMEOUT_S = 10.0
ReadSecret = Callable[[str], str]


class StaffCommandFailed(OknoError):
    """The hub refused, could not be reached, or the PINs typed did not match."""

    code = "staff_command_failed"


def set_pin(
    operator_id: str,
    *,
    socket: Path | None = None,
    hub: str = "",
    ca: Path | None = None,
    admin: str = "",
    read_secret: ReadSecret = getpass.getpass,
) -> str:
    """Ask for a new PIN twice and set it; the sentence to print. StaffCommandFailed if not.

    Through the admin ``socket``, or, with ``admin``, at ``hub`` over TLS trusting ``ca``.
    """
    if admin and not (hub and ca):
        raise StaffCommandFailed("--as needs --hub and --hub-ca: the hub to sign in at over TLS")
    if not admin and socket is None:
        raise StaffCommandFailed("give --socket on the hub's machine, or --as with --hub")
    pin = read_secret(f"New PIN for {operator_id} ({MIN_DIGITS}-{MAX_DIGITS} digits): ")
    problem = check_pin(pin)
    if problem is not None:
        raise StaffCommandFailed(f"{problem}; the PIN was not changed")
    if not hmac.compare_digest(read_secret("The same PIN again: ").encode(), pin.encode()):
        raise StaffCommandFailed("the two PINs differ; the PIN was not changed")
    admin_pin = read_secret(f"{admin}'s PIN: ") if admin else ""
    connect = (
        hub_tls(hub, _authority(ca))
        if ca is not None and admin
        else admin_socket(cast(Path, socket))
    )
    where = hub if admin else f"the admin socket {socket}"
    response = asyncio.run(_set_pin(connect, where, operator_id, pin, admin, admin_pin))
    ended = response.sessions_ended
    signed_out = f"; {ended} session(s) of theirs ended" if ended else ""
    return f"PIN set for {operator_id}{signed_out}"


async def _set_pin(
    connect: Connect, where: str, operator_id: str, pin: str, admin: str, admin_pin: str
) -> staff_pb2.SetPinResponse:
    async with connect() as channel:
        staff = staff_pb2_grpc.StaffStub(channel)
        try:
            metadata: tuple[tuple[str, str], ...] = ()
            if admin:
                signed_in = await staff.SignIn(
                    staff_pb2.SignInRequest(operator_id=admin, pin=admin_pin), timeout=TIMEOUT_S
                )
                metadata = (("authorization", f"Bearer {signed_in.token}"),)
            try:
                return await staff.SetPin(
                    staff_pb2.SetPinRequest(operator_id=operator_id, pin=pin),
                    metadata=metadata,
                    timeout=TIMEOUT_S,
                )
            finally:
                if metadata:
                    await staff.SignOut(staff_pb2.SignOutRequest(), metadata=metadata)
        except grpc.aio.AioRpcError as error:
            if error.code() == grpc.StatusCode.UNAVAILABLE:
                raise StaffCommandFailed(
                    f"no hub answers at {where}: is it running there?"
                ) from error
            if error.code() == grpc.StatusCode.DEADLINE_EXCEEDED:
                raise StaffCommandFailed(f"the hub at {where} did not answer in time") from error
            raise StaffCommandFailed(error.details() or error.code().name) from error


def _authority(path: Path) -> bytes:
    try:
        pem = path.read_bytes()
    except OSError as error:
        raise StaffCommandFailed(f"cannot read the branch CA {path}: {error.strerror}") from None
    if b"-----BEGIN CERTIFICATE-----" not in pem:
        raise StaffCommandFailed(
            f"{path} holds no PEM certificate: give --hub-ca the branch CA's ca.pem "
            "(beside the hub's database, in <db>-pki/)"
        )
    return pem
