"""A new device joins the branch: it asks, a technician approves its code, it gets a certificate."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import grpc
import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID

from hub.api.devices import peer_host
from okno.runtime.hubtls import hub_tls
from okno.runtime.identity import DeviceKey
from okno.signin import set_pin_locally, sign_in
from protos.okno.v1 import devices_pb2, devices_pb2_grpc
from tests.hub.conftest import PIN, Served, SteppedClock, serve_hub

if TYPE_CHECKING:
    from protos.okno.v1.devices_pb2_grpc import EnrollmentAsyncStub, ProvisioningAsyncStub


def stubs(served: Served) -> tuple[EnrollmentAsyncStub, ProvisioningAsyncStub]:
    """The device's side (over TLS, nobody yet) and the technician's (the admin socket)."""
    return (
        devices_pb2_grpc.EnrollmentStub(served.stranger),
        devices_pb2_grpc.ProvisioningStub(served.local),
    )


async def ask(enrollment: EnrollmentAsyncStub, key: DeviceKey) -> devices_pb2.EnrollmentTicket:
    return await enrollment.RequestEnrollment(
        devices_pb2.EnrollmentRequest(
            kind="kiosk",
            model="Infomat-21",
            serial="SN-0042",
            software_version="0.1.0",
            csr_pem=key.csr("kiosk-SN-0042"),
        )
    )


async def test_an_approved_device_receives_a_certificate_of_the_branch(
    served: Served, tmp_path: Path
) -> None:
    enrollment, provisioning = stubs(served)
    key = DeviceKey.load_or_create(tmp_path / "device")
    ticket = await ask(enrollment, key)
    assert ticket.device_id == "kiosk-SN-0042"
    pending = await enrollment.GetDecision(
        devices_pb2.GetDecisionRequest(device_id=ticket.device_id)
    )
    assert pending.admission == devices_pb2.ADMISSION_PENDING
    approved = await provisioning.ApproveDevice(
        devices_pb2.ApproveDeviceRequest(
            pairing_code=ticket.pairing_code.lower(), name="Киоск 1", zone="hall"
        )
    )
    assert approved.admission == devices_pb2.ADMISSION_APPROVED
    decision = await enrollment.GetDecision(
        devices_pb2.GetDecisionRequest(device_id=ticket.device_id)
    )
    certificate = x509.load_pem_x509_certificate(decision.certificate_pem)
    ca = x509.load_pem_x509_certificate(decision.ca_pem)
    certificate.verify_directly_issued_by(ca)
    common_name = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    assert common_name == "kiosk-SN-0042"
    listed = await provisioning.ListDevices(devices_pb2.ListDevicesRequest())
    assert [(d.id, d.name, d.zone) for d in listed.devices] == [
        ("kiosk-SN-0042", "Киоск 1", "hall")
    ]


async def test_wrong_codes_are_refused_then_rate_limited(served: Served, tmp_path: Path) -> None:
    enrollment, provisioning = stubs(served)
    await ask(enrollment, DeviceKey.load_or_create(tmp_path / "device"))
    wrong = devices_pb2.ApproveDeviceRequest(pairing_code="AAAA-AAAA", name="x")
    for _ in range(5):
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await provisioning.ApproveDevice(wrong)
        assert caught.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await provisioning.ApproveDevice(wrong)
    assert caught.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert "too many wrong pairing codes" in (caught.value.details() or "")


async def test_the_fleet_and_the_branch_ca_survive_a_restart(
    config_file: Path, tmp_path: Path
) -> None:
    clock = SteppedClock()
    key = DeviceKey.load_or_create(tmp_path / "device")
    async with serve_hub(config_file, tmp_path / "hub.db", clock) as served:
        enrollment, provisioning = stubs(served)
        ticket = await ask(enrollment, key)
        await provisioning.ApproveDevice(
            devices_pb2.ApproveDeviceRequest(pairing_code=ticket.pairing_code, name="Киоск 1")
        )
        first = await enrollment.GetDecision(
            devices_pb2.GetDecisionRequest(device_id=ticket.device_id)
        )
    async with serve_hub(config_file, tmp_path / "hub.db", clock) as served:
        enrollment, provisioning = stubs(served)
        again = await enrollment.GetDecision(
            devices_pb2.GetDecisionRequest(device_id=ticket.device_id)
        )
        assert again.ca_pem == first.ca_pem
        assert again.certificate_pem == first.certificate_pem
        revoked = await provisioning.RevokeDevice(
            devices_pb2.RevokeDeviceRequest(device_id=ticket.device_id)
        )
        assert revoked.admission == devices_pb2.ADMISSION_REVOKED


@pytest.mark.parametrize(
    ("peer", "host"),
    [
        ("ipv4:10.0.0.7:51234", "10.0.0.7"),
        ("ipv6:[::1]:51234", "::1"),
        ("ipv6:[fe80::1%eth0]:4", "fe80::1%eth0"),
        ("unix:/run/okno.sock", "unix:/run/okno.sock"),
    ],
)
def test_wrong_codes_are_counted_per_host_not_per_connection(peer: str, host: str) -> None:
    assert peer_host(peer) == host


async def test_reconnecting_does_not_reset_the_guessing_limit(
    served: Served, tmp_path: Path
) -> None:
    await ask(stubs(served)[0], DeviceKey.load_or_create(tmp_path / "device"))
    wrong = devices_pb2.ApproveDeviceRequest(pairing_code="AAAA-AAAA", name="x")
    await set_pin_locally(served.socket, "zakharov-r", PIN)
    technician = await sign_in(served.address, served.ca_pem, "zakharov-r", PIN)
    codes = []
    for _ in range(6):
        async with hub_tls(served.address, served.ca_pem, technician)() as channel:
            try:
                await devices_pb2_grpc.ProvisioningStub(channel).ApproveDevice(wrong)
            except grpc.aio.AioRpcError as error:
                codes.append(error.code())
    assert codes[-1] == grpc.StatusCode.RESOURCE_EXHAUSTED


async def test_nobody_else_can_take_over_a_waiting_devices_identity(
    served: Served, tmp_path: Path
) -> None:
    enrollment, _ = stubs(served)
    await ask(enrollment, DeviceKey.load_or_create(tmp_path / "real"))
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await ask(enrollment, DeviceKey.load_or_create(tmp_path / "impostor"))
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "another device already asks to join as kiosk-SN-0042" in (caught.value.details() or "")
    again = await ask(enrollment, DeviceKey.load_or_create(tmp_path / "real"))
    assert again.device_id == "kiosk-SN-0042"


async def test_only_a_technician_or_the_hubs_own_machine_may_approve(
    served: Served, tmp_path: Path
) -> None:
    """A device on the LAN must not be able to approve itself, nor an operator approve it."""
    ticket = await ask(stubs(served)[0], DeviceKey.load_or_create(tmp_path / "device"))
    approve = devices_pb2.ApproveDeviceRequest(pairing_code=ticket.pairing_code, name="x")
    async with await served.staff_channel("ivanova-a") as operator:
        for channel, code, words in (
            (served.stranger, grpc.StatusCode.UNAUTHENTICATED, "ApproveDevice needs a sign-in"),
            (operator, grpc.StatusCode.PERMISSION_DENIED, "not for a caller who is operator"),
        ):
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                await devices_pb2_grpc.ProvisioningStub(channel).ApproveDevice(approve)
            assert caught.value.code() == code
            assert words in (caught.value.details() or "")
    approved = await stubs(served)[1].ApproveDevice(approve)
    assert approved.admission == devices_pb2.ADMISSION_APPROVED


async def test_requests_never_answered_are_forgotten_after_their_code_expires(
    config_file: Path, tmp_path: Path
) -> None:
    clock = SteppedClock()
    async with serve_hub(config_file, tmp_path / "hub.db", clock) as served:
        enrollment, provisioning = stubs(served)
        await ask(enrollment, DeviceKey.load_or_create(tmp_path / "first"))
        clock.advance(16)
        await enrollment.RequestEnrollment(
            devices_pb2.EnrollmentRequest(
                kind="ticket_printer",
                model="TM-T20",
                serial="P-1",
                csr_pem=DeviceKey.load_or_create(tmp_path / "second").csr("ticket_printer-P-1"),
            )
        )
        listed = await provisioning.ListDevices(devices_pb2.ListDevicesRequest())
        assert [d.id for d in listed.devices] == ["ticket_printer-P-1"]
    async with serve_hub(config_file, tmp_path / "hub.db", clock) as served:
        listed = await stubs(served)[1].ListDevices(devices_pb2.ListDevicesRequest())
        assert [d.id for d in listed.devices] == ["ticket_printer-P-1"]
