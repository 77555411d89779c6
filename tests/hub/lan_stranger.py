"""A stranger on the branch LAN, with no credentials, trying every door of a hub.

Run inside a network namespace of its own by tests/hub/test_lan_stranger.py:
``python -m tests.hub.lan_stranger HOST PORT DEVICE_PORT WEB_PORT``. It prints one JSON
object: for each RPC of the permission table, what each way in answered (the status code's
name), and for each web page, its status and body.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import json
import pkgutil
import ssl
import sys
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import grpc
from google.protobuf import descriptor_pool, message_factory

from hub.api.permissions import TABLE
from okno.runtime.hubtls import presented_authority
from protos.okno import v1

# Every service the hub serves, registered in the pool by importing its module: a stranger
# tries each RPC of the permission table, so a new service must not be missed here.
for _module in pkgutil.iter_modules(v1.__path__):
    if _module.name.endswith("_pb2"):
        importlib.import_module(f"{v1.__name__}.{_module.name}")

TIMEOUT_S = 3.0
# A token a stranger could invent: the right shape, signed by nobody.
FORGED = "s1.andreev-m.0.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"


async def _call(channel: grpc.aio.Channel, method: str, metadata: tuple[Any, ...]) -> str:
    service, name = method.lstrip("/").rsplit("/", 1)
    described = descriptor_pool.Default().FindServiceByName(service).FindMethodByName(name)
    request = message_factory.GetMessageClass(described.input_type)()
    answer = message_factory.GetMessageClass(described.output_type)
    options: dict[str, Any] = {
        "request_serializer": type(request).SerializeToString,
        "response_deserializer": answer.FromString,
    }
    try:
        if described.server_streaming and described.client_streaming:
            # Half-closed before anything is sent: the door refuses before reading a message,
            # and a message still in flight when it does makes the client's core end the call
            # as INTERNAL ("Internal error from Core"), which is not the hub's answer.
            call: Any = channel.stream_stream(method, **options)(metadata=metadata)
            # Half-closing a call the hub has already ended fails in the core (its own
            # error type); the read below then gives the call's status all the same.
            with contextlib.suppress(Exception):
                await asyncio.wait_for(call.done_writing(), TIMEOUT_S)
            await asyncio.wait_for(call.read(), TIMEOUT_S)
        elif described.server_streaming:
            streamed: Any = channel.unary_stream(method, **options)(request, metadata=metadata)
            await asyncio.wait_for(streamed.read(), TIMEOUT_S)
        else:
            await channel.unary_unary(method, **options)(
                request, metadata=metadata, timeout=TIMEOUT_S
            )
    except grpc.aio.AioRpcError as error:
        return error.code().name
    except TimeoutError:
        return "NO_ANSWER"
    return "OK"


async def grpc_doors(host: str, port: int, device_port: int) -> dict[str, dict[str, str]]:
    """Each okno RPC by each way a stranger has: TLS with no token or a forged one, plaintext,
    and the device port without a certificate."""
    ca = presented_authority(f"{host}:{port}")
    tls = grpc.ssl_channel_credentials(ca)
    ways = {
        "tls": (grpc.aio.secure_channel(f"{host}:{port}", tls), ()),
        "forged_token": (
            grpc.aio.secure_channel(f"{host}:{port}", tls),
            (("authorization", f"Bearer {FORGED}"),),
        ),
        "plaintext": (grpc.aio.insecure_channel(f"{host}:{port}"), ()),
        "device_port": (grpc.aio.secure_channel(f"{host}:{device_port}", tls), ()),
    }
    answers: dict[str, dict[str, str]] = {}
    for method in sorted(m for m in TABLE if m.startswith("/okno.v1.")):
        answers[method] = {
            way: await _call(channel, method, metadata) for way, (channel, metadata) in ways.items()
        }
    for channel, _ in ways.values():
        await channel.close()
    return answers


def web_pages(host: str, web_port: int, code: str) -> dict[str, dict[str, Any]]:
    """The pages a stranger can reach, and the ones that act, without a sign-in."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    base = f"https://{host}:{web_port}"
    tries: list[tuple[str, dict[str, str] | None]] = [
        ("/", None),
        ("/status", None),
        ("/operator", None),
        ("/metrics", None),
        ("/operator/find", {"phone": "+79161234567"}),
        ("/operator/cancel", {"code": code}),
        ("/booking", {"code": code}),
        ("/booking", {"code": code, "phone": "+79990000000"}),
        ("/booking/cancel", {"code": code, "phone": "+79990000000"}),
    ]
    pages: dict[str, dict[str, Any]] = {}
    for path, form in tries:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(base + path, data=data)
        try:
            with urllib.request.urlopen(request, context=context, timeout=10) as response:
                status, body = response.status, response.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read().decode(errors="replace")
        pages[f"{'POST' if form else 'GET'} {path} {sorted(form or {})}"] = {
            "status": status,
            "body": body,
        }
    return pages


def main() -> None:
    host, port, device_port, web_port, code = sys.argv[1:6]
    found = {
        "grpc": asyncio.run(grpc_doors(host, int(port), int(device_port))),
        "web": web_pages(host, int(web_port), code),
    }
    print(json.dumps(found, ensure_ascii=False))


if __name__ == "__main__":
    main()
