"""Real mutual TLS over real gRPC: only devices holding this branch's certificates get in."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import grpc
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from hub.devices.authority import BranchAuthority
from hub.errors import DeviceRefused
from okno.runtime.identity import DeviceKey

HUB_NAME = "okno-hub"
CALL_TIMEOUT_S = 2.0


@dataclass
class DeviceGate(grpc.aio.ServerInterceptor):
    """Identifies the device behind each call from its TLS certificate, as the hub will."""

    authority: BranchAuthority
    revoked: set[int] = field(default_factory=set)
    seen: list[str] = field(default_factory=list)

    async def intercept_service(
        self,
        continuation: Callable[
            [grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler[Any, Any] | None]
        ],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler[Any, Any] | None:
        handler = await continuation(handler_call_details)
        if handler is None or handler.unary_unary is None:
            return handler
        # The stubs type handlers as synchronous; under grpc.aio they are coroutine functions.
        inner = cast(
            Callable[[Any, grpc.aio.ServicerContext[Any, Any]], Awaitable[Any]],
            handler.unary_unary,
        )

        async def guarded(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            (pem,) = context.auth_context()["x509_pem_cert"]
            try:
                who = self.authority.identify(pem, datetime.now(UTC), self.revoked)
            except DeviceRefused as refused:
                await context.abort(grpc.StatusCode.PERMISSION_DENIED, str(refused))
            self.seen.append(who.device_id)
            return await inner(request, context)

        return grpc.unary_unary_rpc_method_handler(
            guarded,
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )


@dataclass
class Hub:
    authority: BranchAuthority
    gate: DeviceGate
    port: int


@pytest.fixture
async def hub(tmp_path: Path) -> AsyncIterator[Hub]:
    authority = BranchAuthority.load_or_create(tmp_path / "hub", "msk-01")
    hub_key, hub_cert = authority.server_credentials([HUB_NAME, "127.0.0.1"])
    gate = DeviceGate(authority)
    server = grpc.aio.server(interceptors=[gate])
    health_pb2_grpc.add_HealthServicer_to_server(health.aio.HealthServicer(), server)
    credentials = grpc.ssl_server_credentials(
        [(hub_key, hub_cert)], root_certificates=authority.ca_pem, require_client_auth=True
    )
    port = server.add_secure_port("127.0.0.1:0", credentials)
    await server.start()
    yield Hub(authority, gate, port)
    await server.stop(grace=None)


async def check(hub: Hub, credentials: grpc.ChannelCredentials) -> int:
    """The hub's health status as seen through these credentials, by IP as the SAN names it."""
    async with grpc.aio.secure_channel(f"127.0.0.1:{hub.port}", credentials) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        reply = await stub.Check(health_pb2.HealthCheckRequest(), timeout=CALL_TIMEOUT_S)
        status: int = reply.status
        return status


def self_signed(key: DeviceKey, device_id: str) -> bytes:
    """A client certificate the device made for itself, claiming the name it likes."""
    private = serialization.load_pem_private_key(key.key_pem, password=None)
    assert isinstance(private, ec.EllipticCurvePrivateKey)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, device_id)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .sign(private, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM)


def enrolled(authority: BranchAuthority, tmp_path: Path, device_id: str) -> tuple[DeviceKey, bytes]:
    key = DeviceKey.load_or_create(tmp_path / device_id)
    issued = authority.sign_device(key.csr(device_id), device_id, "kiosk", datetime.now(UTC))
    return key, issued.pem


async def test_device_with_a_branch_certificate_is_served(hub: Hub, tmp_path: Path) -> None:
    key, cert = enrolled(hub.authority, tmp_path, "kiosk-1")

    status = await check(hub, key.client_credentials(hub.authority.ca_pem, cert))

    assert status == health_pb2.HealthCheckResponse.SERVING
    assert hub.gate.seen == ["kiosk-1"]


async def test_device_from_another_ca_fails_the_handshake(hub: Hub, tmp_path: Path) -> None:
    rogue = BranchAuthority.load_or_create(tmp_path / "rogue", "msk-01")
    key, cert = enrolled(rogue, tmp_path, "kiosk-1")

    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await check(hub, key.client_credentials(hub.authority.ca_pem, cert))

    assert caught.value.code() == grpc.StatusCode.UNAVAILABLE
    assert hub.gate.seen == []


async def test_device_with_a_self_signed_certificate_fails_the_handshake(
    hub: Hub, tmp_path: Path
) -> None:
    key = DeviceKey.load_or_create(tmp_path / "kiosk-1")
    cert = self_signed(key, "kiosk-1")

    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await check(hub, key.client_credentials(hub.authority.ca_pem, cert))

    assert caught.value.code() == grpc.StatusCode.UNAVAILABLE
    assert hub.gate.seen == []


async def test_device_without_a_certificate_fails_the_handshake(hub: Hub) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await check(hub, grpc.ssl_channel_credentials(root_certificates=hub.authority.ca_pem))

    assert caught.value.code() == grpc.StatusCode.UNAVAILABLE


async def test_device_that_does_not_trust_the_hub_refuses_it(hub: Hub, tmp_path: Path) -> None:
    key, cert = enrolled(hub.authority, tmp_path, "kiosk-1")
    other = BranchAuthority.load_or_create(tmp_path / "other", "msk-01")

    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await check(hub, key.client_credentials(other.ca_pem, cert))

    assert caught.value.code() == grpc.StatusCode.UNAVAILABLE


async def test_revoked_device_passes_tls_but_is_denied_with_the_reason(
    hub: Hub, tmp_path: Path
) -> None:
    key, cert = enrolled(hub.authority, tmp_path, "kiosk-1")
    credentials = key.client_credentials(hub.authority.ca_pem, cert)
    assert await check(hub, credentials) == health_pb2.HealthCheckResponse.SERVING
    revoked_serial = hub.authority.identify(cert, datetime.now(UTC), ()).serial

    hub.gate.revoked.add(revoked_serial)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await check(hub, credentials)

    assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert "device kiosk-1" in (caught.value.details() or "")
    assert "re-enroll the device with okno provision approve" in (caught.value.details() or "")
