"""Enrollment and provisioning: the registry's rules, the CA's signatures, kept on disk.

Each change is saved before it is answered; if saving fails, the registry is put back
as it was, so a technician never sees an approval the hub will forget.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Protocol

from hub.devices.authority import BranchAuthority, DeviceIdentity, public_key_of
from hub.devices.registry import (
    PENDING_FOR_MS,
    Admission,
    CommandRecord,
    Device,
    DeviceCommand,
    Registry,
)
from hub.errors import InvalidRequest, NotFound, Refused, RevokedCertificate
from okno.logtext import oneline
from okno.runtime.schemas import schema_for
from okno.runtime.settings import SettingRefused

log = logging.getLogger(__name__)
MAX_SETTINGS = 64
# Device certificates whose signature was checked, kept so as not to check it per call.
KNOWN_CERTIFICATES = 4096
MAX_SETTING_KEY = 40
MAX_SETTING_VALUE = 400


class FleetStore(Protocol):
    """Where the fleet keeps what must survive a restart (the hub's database)."""

    async def save_device(self, device: Device) -> None: ...

    async def forget_devices(self, device_ids: list[str]) -> None: ...

    async def add_command(
        self, command: DeviceCommand, device_id: str, now_ms: int, key: str = ""
    ) -> tuple[int, bool]: ...

    async def command(self, command_id: int) -> CommandRecord | None: ...

    async def open_commands(self, device_id: str) -> list[DeviceCommand]: ...

    async def ack_command(
        self, device_id: str, command_id: int, outcome: str, now_ms: int
    ) -> None: ...


class Fleet:
    def __init__(
        self,
        registry: Registry,
        authority: BranchAuthority,
        store: FleetStore,
        clock: Callable[[], int],
        kind_settings: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        """``kind_settings`` are the hub's own settings for every device of a kind (its keys);
        they are sent with the device's settings but never kept or shown with them."""
        self._registry = registry
        self._kind_settings = kind_settings or {}
        self._authority = authority
        self._store = store
        self.now_ms = clock
        self._sessions: dict[str, asyncio.Event] = {}
        self._identities: OrderedDict[bytes, DeviceIdentity] = OrderedDict()
        self._deliveries: dict[str, Callable[[DeviceCommand], None]] = {}
        # Set once the device port listens; approved devices are told to connect there.
        self.session_port = 0

    @property
    def ca_pem(self) -> bytes:
        return self._authority.ca_pem

    def server_credentials(self, hosts: list[str], door: str = "hub") -> tuple[bytes, bytes]:
        """The TLS key and certificate of one of the hub's doors ("hub", "web") for
        ``hosts``, signed by the branch CA."""
        return self._authority.server_credentials(hosts, now=_moment(self.now_ms()), door=door)

    def devices(self) -> list[Device]:
        return self._registry.devices()

    def device(self, device_id: str) -> Device:
        return self._registry.device(device_id)

    def code_expires_ms(self, device: Device) -> int:
        return device.requested_at_ms + PENDING_FOR_MS

    def identify(self, certificate_pem: bytes) -> Device:
        """The admitted device a TLS peer certificate belongs to, or DeviceRefused."""
        now = self.now_ms()
        identity = self._identities.get(certificate_pem)
        if (
            identity is None
            or _moment(now) > identity.not_after
            # The authority says why a revoked certificate is refused, and how to fix it.
            or self._registry.device(identity.device_id).admission is Admission.REVOKED
        ):
            identity = self._authority.identify(
                certificate_pem, _moment(now), self._registry.revoked_serials()
            )
            # Every call on the device port is identified: the signature is checked once
            # per certificate, the registry (revocation) every time.
            self._identities[certificate_pem] = identity
            if len(self._identities) > KNOWN_CERTIFICATES:
                self._identities.popitem(last=False)
        device = self._registry.device(identity.device_id)
        if device.admission is not Admission.APPROVED or device.certificate_serial != str(
            identity.serial
        ):
            raise RevokedCertificate(
                f"device {device.id} holds a certificate the hub no longer honours: enroll "
                "it again with okno provision approve"
            )
        return device

    def heard(self, device_id: str, error: str = "", warning: str = "") -> Device:
        return self._registry.heard(device_id, self.now_ms(), error, warning)

    async def open_session(
        self, device_id: str, deliver: Callable[[DeviceCommand], None]
    ) -> asyncio.Event:
        """Register a live session; returns the event that ends it (revoked, or replaced).

        Commands not yet acknowledged are delivered first, then new ones as they come; a
        command may arrive twice across reconnects, and the device runs each id once.
        """
        previous = self._sessions.get(device_id)
        if previous is not None:
            previous.set()
        deliver = self._with_hub_settings(device_id, deliver)
        cut = self._sessions[device_id] = asyncio.Event()
        # Commands sent while the backlog loads wait behind it, so they keep their order.
        arriving: list[DeviceCommand] = []
        self._deliveries[device_id] = arriving.append
        try:
            backlog = await self._store.open_commands(device_id)
        except BaseException:
            self.close_session(device_id, cut)
            raise
        for command in backlog:
            deliver(command)
        delivered = {c.id for c in backlog}
        for command in arriving:
            if command.id not in delivered:
                deliver(command)
        self._deliveries[device_id] = deliver
        return cut

    def close_session(self, device_id: str, cut: asyncio.Event) -> None:
        if self._sessions.get(device_id) is cut:
            del self._sessions[device_id]
            self._deliveries.pop(device_id, None)

    async def send(self, device_id: str, kind: str, payload_json: str, key: str = "") -> int:
        """Keep a command for an admitted device and deliver it now if it is connected.

        With a ``key``, a command already kept under it is the answer: a retried request
        (a kiosk asking again for the same ticket's print) never makes a second one.
        """
        device = self._registry.device(device_id)
        if device.admission is not Admission.APPROVED:
            raise Refused(f"device {device_id} is {device.admission.value}: it takes no commands")
        if not kind:
            raise InvalidRequest('a command needs a kind, for example "config"')
        command_id, new = await self._store.add_command(
            DeviceCommand(0, kind, payload_json), device_id, self.now_ms(), key
        )
        if not new:
            return command_id
        deliver = self._deliveries.get(device_id)
        if deliver is not None:
            deliver(DeviceCommand(command_id, kind, payload_json))
        log.info("command queued device=%s command=%d kind=%s", device_id, command_id, kind)
        return command_id

    async def command(self, command_id: int) -> CommandRecord:
        found = await self._store.command(command_id)
        if found is None:
            raise NotFound(f"no command {command_id} was ever sent")
        return found

    async def acked(self, device_id: str, command_id: int, outcome: str) -> None:
        await self._store.ack_command(device_id, command_id, outcome, self.now_ms())
        log.info(
            "command acknowledged device=%s command=%d outcome=%s",
            device_id,
            command_id,
            oneline(outcome),
        )

    async def request(
        self, kind: str, *, model: str, serial: str, version: str, csr_pem: bytes, address: str
    ) -> Device:
        if not csr_pem:
            raise InvalidRequest("an enrollment request carries the device's CSR (csr_pem)")
        expired = self._registry.forget_expired(self.now_ms())
        if expired:
            # Forgotten in memory first: a failed delete leaves rows that load as expired.
            await self._store.forget_devices(expired)
            log.info("expired requests forgotten count=%d", len(expired))
        self._same_key_as_pending(f"{kind}-{serial}", csr_pem)
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
        log.info("enrollment requested device=%s", oneline(device.id))
        return device

    async def approve(self, code: str, *, name: str, zone: str, source: str) -> Device:
        if not self.session_port:
            raise Refused(
                "this hub has no device port, so an admitted device could not connect: "
                "start it with --device-listen HOST:PORT"
            )
        now = self.now_ms()
        waiting = self._registry.pending(code, source, now)
        issued = self._authority.sign_device(
            waiting.csr_pem.encode(), waiting.id, waiting.kind, _moment(now)
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

    async def describe(self, device_id: str, *, name: str, zone: str) -> Device:
        return await self._kept(lambda: self._registry.describe(device_id, name=name, zone=zone))

    async def configure(self, device_id: str, settings: dict[str, str]) -> Device:
        """Change a device's settings (an empty value removes one) and push the whole set.

        The hub keeps the settings, so a device that was offline gets them in its welcome;
        the command reaches one that is connected now.
        """
        device = self._registry.device(device_id)
        if device.admission is not Admission.APPROVED:
            raise Refused(f"device {device_id} is {device.admission.value}: it takes no settings")
        merged = {**config_of(device), **settings}
        merged = {key: value for key, value in merged.items() if value}
        _check_settings(merged)
        try:
            schema_for(device.kind).check(merged)
        except SettingRefused as refused:
            raise InvalidRequest(f"{device_id} keeps its settings: {refused}") from refused
        text = json.dumps(merged, ensure_ascii=False, sort_keys=True)
        configured = await self._kept(lambda: self._registry.configure(device_id, text))
        # Kept without the hub's settings for the kind: those are keys (the SNILS key),
        # which a copy of the database must not hold; the delivery adds them.
        await self.send(device_id, "config", text)
        log.info("settings changed device=%s keys=%s", device_id, ",".join(sorted(settings)))
        return configured

    def settings(self, device: Device) -> dict[str, str]:
        """What a device is sent: the hub's settings for its kind, then its own."""
        return {**self._kind_settings.get(device.kind, {}), **config_of(device)}

    def _with_hub_settings(
        self, device_id: str, deliver: Callable[[DeviceCommand], None]
    ) -> Callable[[DeviceCommand], None]:
        """``deliver`` giving each config command the hub's settings for the device's kind,
        which are added on the way out and never kept with the command."""
        hub_settings = self._kind_settings.get(self._registry.device(device_id).kind)
        if not hub_settings:
            return deliver

        def whole(command: DeviceCommand) -> None:
            kept = _json_object(command.payload_json) if command.kind == "config" else None
            if kept is not None:
                payload = json.dumps({**hub_settings, **kept}, ensure_ascii=False, sort_keys=True)
                command = replace(command, payload_json=payload)
            deliver(command)

        return whole

    async def revoke(self, device_id: str) -> Device:
        device = await self._kept(lambda: self._registry.revoke(device_id))
        session = self._sessions.pop(device_id, None)
        self._deliveries.pop(device_id, None)
        if session is not None:
            session.set()
        log.info("device revoked device=%s cut_off=%s", device.id, session is not None)
        return device

    def _same_key_as_pending(self, device_id: str, csr_pem: bytes) -> None:
        """A device asking again must hold the key it asked with: no one else's request
        may replace a waiting device's (and take over its identity when approved).

        The refusal names revoke, not reject: the technician has no code for a request
        that the device in front of them did not make.
        """
        try:
            waiting = self._registry.device(device_id)
        except NotFound:
            return
        pending = waiting.admission is Admission.PENDING and waiting.csr_pem
        if pending and public_key_of(waiting.csr_pem.encode()) != public_key_of(csr_pem):
            raise Refused(
                f"another device already asks to join as {device_id}: if this is the real "
                f"one, a technician drops that request (okno provision revoke {device_id}) "
                "and this device asks again"
            )

    async def _kept(self, change: Callable[[], Device]) -> Device:
        """Apply a registry change and save it; undo it in memory if saving fails."""
        before = self._registry.snapshot()
        device = change()
        try:
            await self._store.save_device(device)
        except Exception:
            # Only this device: others may have changed, and been saved, meanwhile.
            self._registry.put_back(device.id, before.get(device.id))
            raise
        return device


def config_of(device: Device) -> dict[str, str]:
    """A device's settings as a dict (kept as JSON, written only by ``Fleet.configure``)."""
    loaded = json.loads(device.config_json or "{}")
    return {str(key): str(value) for key, value in loaded.items()}


def _json_object(text: str) -> dict[str, object] | None:
    """``text`` as a JSON object; None when it is not one (a technician's own command)."""
    try:
        found = json.loads(text)
    except ValueError:
        return None
    return found if isinstance(found, dict) else None


def _check_settings(settings: dict[str, str]) -> None:
    if len(settings) > MAX_SETTINGS:
        raise InvalidRequest(f"a device takes at most {MAX_SETTINGS} settings, not {len(settings)}")
    for key, value in settings.items():
        if not key or len(key) > MAX_SETTING_KEY or not key.replace("_", "").isalnum():
            raise InvalidRequest(
                f'setting name "{key[:MAX_SETTING_KEY]}" is not valid: use letters, digits and '
                f"_ (at most {MAX_SETTING_KEY} characters), for example paper_width"
            )
        if len(value) > MAX_SETTING_VALUE:
            raise InvalidRequest(
                f"setting {key} is {len(value)} characters long; at most {MAX_SETTING_VALUE}"
            )


def _moment(now_ms: int) -> datetime:
    return datetime.fromtimestamp(now_ms / 1000, UTC)
