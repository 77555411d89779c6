"""The permission table, cell by cell, over real gRPC with real credentials.

Every RPC the hub serves has a rule and every rule an RPC (hub.api.permissions says a
missing one is a test failure, never a default). Then each kind of caller, each with the
credential it really holds (a device certificate of its kind on the device port, a staff
member of the role signed in over TLS, nobody over TLS, the admin socket), calls every
RPC with an empty request: a kind the rule leaves out is refused at the door, a kind it
names gets past it (to whatever the empty request earns: a bad argument, an unknown id).
"""

from __future__ import annotations

import asyncio
import importlib
import pkgutil
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import grpc
import pytest
from google.protobuf.descriptor import MethodDescriptor
from grpc_health.v1 import health_pb2
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from hub.api import permissions
from protos.okno import v1
from tests.hub.conftest import Served, SteppedClock, serve_hub
from tests.hub.devices import device

# What the hub serves: every service of protos/okno/v1 but the back office's, grpc's health,
# and reflection (on the admin socket, for grpcurl).
BACK_OFFICE = {"okno.v1.Sync"}
OKNO = [
    importlib.import_module(f"{v1.__name__}.{module.name}")
    for module in pkgutil.iter_modules(v1.__path__)
    if module.name.endswith("_pb2")
]
SERVED = [
    service
    for module in (*OKNO, health_pb2, reflection_pb2)
    for service in module.DESCRIPTOR.services_by_name.values()
    if service.full_name not in BACK_OFFICE
]
METHODS = {f"/{s.full_name}/{m.name}": m for s in SERVED for m in s.methods}
# In grpc's health proto, but not implemented by its servicer: the door refuses it to all.
UNIMPLEMENTED = {"/grpc.health.v1.Health/List"}

# One staff member per role (examples/branch.toml, and a call-centre agent added here).
STAFF = {
    permissions.OPERATOR: "ivanova-a",
    permissions.ADMINISTRATOR: "makarova-l",
    permissions.TECHNICIAN: "zakharov-r",
    permissions.CALL_CENTRE: "belova-k",
    permissions.INFORMATION_SYSTEM: "ais-mfc",
}
CALL_CENTRE_AGENT = """
[[operators]]
id = "belova-k"
name = "Ксения Белова"
roles = ["call_centre"]
"""
STRANGER = "stranger"
Answer = tuple[grpc.StatusCode, str] | None
# A method a door does not serve at all (reflection is the admin socket's only).
NOT_SERVED = (grpc.StatusCode.UNIMPLEMENTED, "")
# The hub failing to answer at all: never what an empty request should earn.
FAILURES = {grpc.StatusCode.UNKNOWN, grpc.StatusCode.INTERNAL}
# A call that ends a caller's session goes last, after every other call of theirs.
LAST = "/okno.v1.Staff/SignOut"
ANSWER_S = 2.0


def refusal(kind: str) -> Answer:
    """How the door refuses ``kind``: sign in first (nobody), or not for you (anyone else)."""
    if kind == STRANGER:
        return grpc.StatusCode.UNAUTHENTICATED, "sign_in_required"
    return grpc.StatusCode.PERMISSION_DENIED, "not_allowed"


def test_every_served_rpc_has_a_rule_and_every_rule_an_rpc() -> None:
    unruled = sorted(set(METHODS) - UNIMPLEMENTED - set(permissions.TABLE))
    assert not unruled, f"RPCs the hub serves with no rule in permissions.TABLE: {unruled}"
    unknown = sorted(set(permissions.TABLE) - set(METHODS))
    assert not unknown, f"rules in permissions.TABLE for RPCs that do not exist: {unknown}"
    assert all(permissions.TABLE.values()), "a rule that names nobody"


async def test_the_services_named_here_are_the_ones_the_hub_serves(served: Served) -> None:
    reflection = reflection_pb2_grpc.ServerReflectionStub(served.local)
    asked = reflection_pb2.ServerReflectionRequest(list_services="")
    answers = reflection.ServerReflectionInfo(iter([asked]))
    listed = await asyncio.wait_for(answers.read(), 5)
    answers.cancel()
    assert isinstance(listed, reflection_pb2.ServerReflectionResponse)
    served_names = {service.name for service in listed.list_services_response.service}
    assert served_names == {service.full_name for service in SERVED}


@pytest.fixture
def with_call_centre(config_file: Path) -> Path:
    """The example branch and a call-centre agent: no one there holds that role."""
    with config_file.open("a", encoding="utf-8") as config:
        config.write(CALL_CENTRE_AGENT)
    return config_file


async def test_each_kind_of_caller_gets_exactly_the_calls_its_rule_gives(
    with_call_centre: Path, tmp_path: Path
) -> None:
    async with callers(with_call_centre, tmp_path) as channels:
        wrong = []
        for method in sorted(METHODS, key=lambda m: (m == LAST, m)):
            answers = await asyncio.gather(
                *(call(channel, method, METHODS[method]) for channel in channels.values())
            )
            for kind, answer in zip(channels, answers, strict=True):
                allowed = permissions.allowed(method, frozenset({kind} - {STRANGER}))
                failed = answer is not None and answer[0] in FAILURES
                if (answer not in (refusal(kind), NOT_SERVED)) != allowed or failed:
                    got = f"{answer[0].name} {answer[1]}" if answer else "an answer"
                    told = "gets past the door" if allowed else f"is refused {refusal(kind)}"
                    wrong.append(f"{method} by {kind}: the table says it {told}; got {got}")
    assert not wrong, "cells of the permission table the doors do not keep:\n" + "\n".join(wrong)


@asynccontextmanager
async def callers(config: Path, folder: Path) -> AsyncIterator[dict[str, grpc.aio.Channel]]:
    """A hub, and a channel for each kind of caller holding what that kind really holds."""
    async with (
        serve_hub(config, folder / "hub.db", SteppedClock()) as served,
        AsyncExitStack() as opened,
    ):
        channels = {STRANGER: served.stranger, permissions.LOCAL: served.local}
        for kind in sorted(permissions.DEVICES):
            channels[kind] = await opened.enter_async_context(device(served, folder, kind, "P-1"))
        for role, operator_id in STAFF.items():
            channels[role] = await served.staff_channel(operator_id)
            opened.push_async_callback(channels[role].close)
        assert set(channels) == permissions.KINDS | {STRANGER}
        yield channels


def _raw(data: bytes) -> bytes:
    return data


async def call(channel: grpc.aio.Channel, method: str, shape: MethodDescriptor) -> Answer:
    """The hub's answer to an empty request: None when it answered, else the status and the
    stable code of the refusal. A stream is read to its first answer."""
    try:
        if shape.client_streaming:
            conversation = channel.stream_stream(method, _raw, _raw)(iter([b""]), timeout=ANSWER_S)
            await conversation.read()
            conversation.cancel()
        elif shape.server_streaming:
            stream = channel.unary_stream(method, _raw, _raw)(b"", timeout=ANSWER_S)
            await stream.read()
            stream.cancel()
        else:
            await channel.unary_unary(method, _raw, _raw)(b"", timeout=ANSWER_S)
    except grpc.aio.AioRpcError as error:
        return error.code(), str(dict(error.trailing_metadata() or ()).get("okno-error", ""))
    return None
