"""Enrollment (devices without a certificate) and Provisioning (technicians)."""

from __future__ import annotations

from hub.api.status import Context, rpc
from hub.devices.fleet import Fleet, config_of
from hub.devices.registry import Admission, Device, Presence
from hub.errors import InvalidRequest
from hub.journal import (
    DEVICE_APPROVED,
    DEVICE_DESCRIBED,
    DEVICE_REJECTED,
    DEVICE_REVOKED,
    DEVICE_SETTINGS,
    MAX_OUTCOME,
    Journal,
)
from okno.runtime.hubtls import fingerprint
from protos.okno.v1 import devices_pb2, devices_pb2_grpc

_ADMISSION = {a: devices_pb2.Admission.Value(f"ADMISSION_{a.name}") for a in Admission}
_PRESENCE = {p: devices_pb2.Presence.Value(f"PRESENCE_{p.name}") for p in Presence}


class EnrollmentServicer(devices_pb2_grpc.EnrollmentServicer):
    def __init__(self, fleet: Fleet) -> None:
        self._fleet = fleet

    @rpc
    async def RequestEnrollment(
        self, request: devices_pb2.EnrollmentRequest, context: Context
    ) -> devices_pb2.EnrollmentTicket:
        device = await self._fleet.request(
            request.kind,
            model=request.model,
            serial=request.serial,
            version=request.software_version,
            csr_pem=request.csr_pem,
            address=peer_host(context.peer()),
        )
        return devices_pb2.EnrollmentTicket(
            device_id=device.id,
            pairing_code=device.code,
            expires_at_unix_ms=self._fleet.code_expires_ms(device),
            expires_in_ms=max(0, self._fleet.code_expires_ms(device) - self._fleet.now_ms()),
        )

    @rpc
    async def GetDecision(
        self, request: devices_pb2.GetDecisionRequest, context: Context
    ) -> devices_pb2.Decision:
        device = self._fleet.device(request.device_id)
        decision = devices_pb2.Decision(admission=_ADMISSION[device.admission])
        if device.admission is Admission.APPROVED:
            decision.certificate_pem = device.certificate_pem.encode()
            decision.ca_pem = self._fleet.ca_pem
            decision.session_port = self._fleet.session_port
        return decision


class ProvisioningServicer(devices_pb2_grpc.ProvisioningServicer):
    """Technicians' calls (who may make each: hub.api.permissions); each change of a
    device is journaled with who made it (docs/journal.md)."""

    def __init__(self, fleet: Fleet, journal: Journal) -> None:
        self._fleet = fleet
        self._journal = journal

    @rpc
    async def ListDevices(
        self, request: devices_pb2.ListDevicesRequest, context: Context
    ) -> devices_pb2.ListDevicesResponse:
        return devices_pb2.ListDevicesResponse(
            devices=[self._info(d) for d in self._fleet.devices()],
            authority_fingerprint=fingerprint(self._fleet.ca_pem),
        )

    @rpc
    async def ApproveDevice(
        self, request: devices_pb2.ApproveDeviceRequest, context: Context
    ) -> devices_pb2.DeviceInfo:
        _require_code(request.pairing_code)
        device = await self._fleet.approve(
            request.pairing_code,
            name=request.name,
            zone=request.zone,
            source=peer_host(context.peer()),
        )
        await self._journal.record(DEVICE_APPROVED, device.id)
        return self._info(device)

    @rpc
    async def RejectDevice(
        self, request: devices_pb2.RejectDeviceRequest, context: Context
    ) -> devices_pb2.DeviceInfo:
        _require_code(request.pairing_code)
        device = await self._fleet.reject(request.pairing_code, source=peer_host(context.peer()))
        await self._journal.record(DEVICE_REJECTED, device.id)
        return self._info(device)

    @rpc
    async def RevokeDevice(
        self, request: devices_pb2.RevokeDeviceRequest, context: Context
    ) -> devices_pb2.DeviceInfo:
        if not request.device_id:
            raise InvalidRequest("missing device_id: see okno provision list")
        device = await self._fleet.revoke(request.device_id)
        await self._journal.record(DEVICE_REVOKED, device.id)
        return self._info(device)

    @rpc
    async def SendCommand(
        self, request: devices_pb2.SendCommandRequest, context: Context
    ) -> devices_pb2.SendCommandResponse:
        command_id = await self._fleet.send(request.device_id, request.kind, request.payload_json)
        return devices_pb2.SendCommandResponse(command_id=command_id)

    @rpc
    async def DescribeDevice(
        self, request: devices_pb2.DescribeDeviceRequest, context: Context
    ) -> devices_pb2.DeviceInfo:
        if not request.name and not request.zone:
            raise InvalidRequest("give a new name, a new zone or desk, or both")
        device = await self._fleet.describe(request.device_id, name=request.name, zone=request.zone)
        await self._journal.record(DEVICE_DESCRIBED, device.id)
        return self._info(device)

    @rpc
    async def ConfigureDevice(
        self, request: devices_pb2.ConfigureDeviceRequest, context: Context
    ) -> devices_pb2.DeviceInfo:
        if not request.settings:
            raise InvalidRequest("give at least one KEY=VALUE setting, for example paper_width=80")
        device = await self._fleet.configure(request.device_id, dict(request.settings))
        keys = ",".join(sorted(request.settings))[:MAX_OUTCOME]
        await self._journal.record(DEVICE_SETTINGS, device.id, keys)
        return self._info(device)

    def _info(self, device: Device) -> devices_pb2.DeviceInfo:
        return devices_pb2.DeviceInfo(
            id=device.id,
            kind=device.kind,
            model=device.model,
            serial=device.serial,
            software_version=device.version,
            name=device.name,
            zone=device.zone,
            address=device.address,
            admission=_ADMISSION[device.admission],
            presence=_PRESENCE[device.presence(self._fleet.now_ms())],
            error=device.error,
            warning=device.warning,
            last_seen_unix_ms=device.last_seen_ms,
            config=config_of(device),
        )


def peer_host(peer: str) -> str:
    """The caller's address without its port ("ipv4:10.0.0.7:51234" -> "10.0.0.7").

    Wrong pairing codes are counted per host: with the port, every new connection would
    be a fresh source and the guessing limit would mean nothing.
    """
    _, _, address = peer.partition(":")
    host, _, _ = address.rpartition(":")
    return host.strip("[]") or peer


def _require_code(code: str) -> None:
    if not code:
        raise InvalidRequest("missing pairing_code: read it from the device's screen")
