"""Enrollment and provisioning: the registry's rules, the CA's signatures, kept on disk.

Each change is saved before it is answered; if saving fails, the registry is put back
as it was, so a technician never sees an approval the hub will forget.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from hub.devices.authority import BranchAuthority
from hub.devices.registry import PENDING_FOR_MS, Admission, Device, Registry
from hub.errors import InvalidRequest, RevokedCertificate

log = logging.getLogger(__name__)


class Fleet:
    def __init__(
        self,
        registry: Registry,
        authority: BranchAuthority,
        save: Callable[[Device], Awaitable[None]],
        clock: Callable[[], int],
    ) -> None:
        self._registry = registry
        self._authority = authority
        self._save = save
        self.now_ms = clock
        self._sessions: dict[str, asyncio.Event] = {}
        # Set once the device port listens; approved devices are told to connect there.
        self.session_port = 0

    @property
    def ca_pem(self) -> bytes:
        return self._authority.ca_pem

    def server_credentials(self, hosts: list[str]) -> tuple[bytes, bytes]:
        """The hub's TLS key and certificate for ``hosts``, signed by the branch CA."""
        return self._authority.server_credentials(hosts, now=_moment(self.now_ms()))

    def devices(self) -> list[Device]:
        return self._registry.devices()

    def device(self, device_id: str) -> Device:
        return self._registry.device(device_id)

    def code_expires_ms(self, device: Device) -> int:
        return device.requested_at_ms + PENDING_FOR_MS

    def identify(self, certificate_pem: bytes) -> Device:
        """The admitted device a TLS peer certificate belongs to, or DeviceRefused."""
        now = self.now_ms()
        identity = self._authority.identify(
            certificate_pem, _moment(now), self._registry.revoked_serials()
        )
        device = self._registry.device(identity.device_id)
        if device.admission is not Admission.APPROVED or device.certificate_serial != str(
            identity.serial
        ):
            raise RevokedCertificate(
                f"device {device.id} holds a certificate the hub no longer honours: enroll "
                "it again with okno provision approve"
            )
        return device

    def heard(self, device_id: str, error: str = "") -> Device:
        return self._registry.heard(device_id, self.now_ms(), error)

    def open_session(self, device_id: str) -> asyncio.Event:
        """The event that ends this device's session when it is revoked (or reconnects)."""
        previous = self._sessions.get(device_id)
        if previous is not None:
            previous.set()
        cut = self._sessions[device_id] = asyncio.Event()
        return cut

    def close_session(self, device_id: str, cut: asyncio.Event) -> None:
        if self._sessions.get(device_id) is cut:
            del self._sessions[device_id]

    async def request(
        self, kind: str, *, model: str, serial: str, version: str, csr_pem: bytes, address: str
    ) -> Device:
        if not csr_pem:
            raise InvalidRequest("an enrollment request carries the device's CSR (csr_pem)")
        device = await self._kept(
            lambda: self._registry.request(
                kind,
                model=model,
                serial=serial,
                version=version,
                address=address,
                now_ms=self.now_ms(),
                csr_pem=csr_pem.decode("ascii", errors="replace"),
            ),
        )
        log.info("enrollment requested device=%s", device.id)
        return device

    async def approve(self, code: str, *, name: str, zone: str, source: str) -> Device:
        now = self.now_ms()
        waiting = self._registry.pending(code, source, now)
        issued = self._authority.sign_device(
            waiting.csr_pem.encode(),
            waiting.id,
            waiting.kind,
            datetime.fromtimestamp(now / 1000, UTC),
        )
        device = await self._kept(
            lambda: self._registry.approve(
                code,
                name=name,
                zone=zone,
                source=source,
                now_ms=now,
                certificate=(issued.pem.decode(), str(issued.serial)),
            ),
        )
        log.info("device approved device=%s zone=%s", device.id, zone)
        return device

    async def reject(self, code: str, *, source: str) -> Device:
        device = await self._kept(lambda: self._registry.reject(code, source, self.now_ms()))
        log.info("device rejected device=%s", device.id)
        return device

    async def revoke(self, device_id: str) -> Device:
        device = await self._kept(lambda: self._registry.revoke(device_id))
        session = self._sessions.pop(device_id, None)
        if session is not None:
            session.set()
        log.info("device revoked device=%s cut_off=%s", device.id, session is not None)
        return device

    async def _kept(self, change: Callable[[], Device]) -> Device:
        """Apply a registry change and save it; undo it in memory if saving fails."""
        before = self._registry.snapshot()
        device = change()
        try:
            await self._save(device)
        except Exception:
            self._registry.restore(before)
            raise
        return device


def _moment(now_ms: int) -> datetime:
    return datetime.fromtimestamp(now_ms / 1000, UTC)
