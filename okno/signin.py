"""Signing in to the hub as a staff member, as every staff tool does (and the demo,
benchmarks and tests: they have no other way in).

A PIN is set on the hub's own machine, through the admin socket (``okno hub staff
set-pin``); signing in then goes over the network port's TLS, and the token rides on
every later call of the channel (okno.runtime.hubtls.hub_tls).
"""

from __future__ import annotations

from pathlib import Path

import grpc

from okno.runtime.hubtls import admin_socket, hub_tls
from protos.okno.v1 import staff_pb2, staff_pb2_grpc


async def set_pin_locally(socket: Path, operator_id: str, pin: str) -> None:
    """Set ``operator_id``'s PIN through the hub's admin socket at ``socket``."""
    async with admin_socket(socket)() as channel:
        await staff_pb2_grpc.StaffStub(channel).SetPin(
            staff_pb2.SetPinRequest(operator_id=operator_id, pin=pin)
        )


async def sign_in(address: str, ca_pem: bytes, operator_id: str, pin: str) -> str:
    """A session token for ``operator_id`` from the hub's network port at ``address``."""
    async with hub_tls(address, ca_pem)() as channel:
        answer = await staff_pb2_grpc.StaffStub(channel).SignIn(
            staff_pb2.SignInRequest(operator_id=operator_id, pin=pin)
        )
    return answer.token


async def signed_in_channel(
    address: str, ca_pem: bytes, operator_id: str, pin: str
) -> grpc.aio.Channel:
    """A channel whose every call is ``operator_id``'s; the caller closes it."""
    return hub_tls(address, ca_pem, await sign_in(address, ca_pem, operator_id, pin))()
