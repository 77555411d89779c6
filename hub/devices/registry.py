"""The fleet as the hub knows it: who asked to join, who was admitted, who is alive.

Pure: times are passed in, nothing is stored here. A device goes
pending -> approved -> revoked, or pending -> rejected; a pending request expires when
its code is not approved in time. A rejected or revoked device may ask again, and needs
a technician's approval again; an admitted one must be revoked first. Being online is not
a state but a reading of the last heartbeat, so a device that stops talking is shown
offline without anyone saying so.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace

from hub.devices.pairing import AttemptLimit, new_code, normalise
from hub.errors import InvalidRequest, NotFound, Refused, TooManyWaiting

PENDING_FOR_MS = 15 * 60_000
# Requests waiting at once from one address, and on the whole hub: a hall has a few new
# devices at a time, not hundreds. The hub's cap holds against a sender who changes its
# address for every request, and bounds what an anonymous caller can make the hub keep.
PENDING_PER_HOST = 10
PENDING_AT_ONCE = 50
OFFLINE_AFTER_MS = 10_000
# Fits a zeroconf name and, with the kind, a certificate's 64-character common name.
MAX_SERIAL = 40
KINDS = frozenset(
    {
        "kiosk",
        "hall_display",
        "ticket_printer",
        "card_reader",
        "payment_terminal",
        "staff_desk",
        # The phone voice menu (okno ivr): a machine of the call centre, enrolled as a kiosk is.
        "voice_menu",
    }
)


class Admission(enum.Enum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    REVOKED = "revoked"


class Presence(enum.Enum):
    ONLINE = "online"
    OFFLINE = "offline"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Device:
    id: str
    kind: str
    model: str
    serial: str
    version: str
    address: str
    admission: Admission
    requested_at_ms: int
    code: str = ""
    name: str = ""
    zone: str = ""
    csr_pem: str = ""
    certificate_pem: str = ""
    certificate_serial: str = ""
    last_seen_ms: int = 0
    error: str = ""
    # Live like the error, never stored: the device repeats it after each reconnect.
    warning: str = ""
    # The device's settings as set by a technician, JSON of string keys to string values.
    config_json: str = "{}"

    def presence(self, now_ms: int) -> Presence:
        """Online while heartbeats arrive; an error the device reported wins over online."""
        if not self.last_seen_ms or now_ms - self.last_seen_ms > OFFLINE_AFTER_MS:
            return Presence.OFFLINE
        return Presence.ERROR if self.error else Presence.ONLINE


@dataclass(frozen=True, slots=True)
class DeviceCommand:
    """Something for a device to do, delivered until the device acknowledges it."""

    id: int
    kind: str
    payload_json: str


@dataclass(frozen=True, slots=True)
class CommandRecord:
    """A kept command as the fleet reports it: acknowledged yet, and how it went."""

    id: int
    device_id: str
    kind: str
    acked: bool
    outcome: str


class Registry:
    def __init__(self, devices: list[Device] | None = None) -> None:
        self._devices = {d.id: d for d in devices or []}
        self._attempts = AttemptLimit()

    def snapshot(self) -> dict[str, Device]:
        """The whole registry, to put back if a change cannot be saved."""
        return dict(self._devices)

    def put_back(self, device_id: str, device: Device | None) -> None:
        """Return one device to what it was (or to nothing) after a change was not saved."""
        if device is None:
            self._devices.pop(device_id, None)
        else:
            self._devices[device_id] = device

    def devices(self) -> list[Device]:
        return sorted(self._devices.values(), key=lambda d: (d.kind, d.name, d.id))

    def request(
        self,
        kind: str,
        *,
        model: str,
        serial: str,
        version: str,
        address: str,
        now_ms: int,
        csr_pem: str = "",
    ) -> Device:
        """A device asks to join; it gets a code to show. Asking again renews the code."""
        if kind not in KINDS:
            raise InvalidRequest(f'unknown device kind "{kind}": one of {", ".join(sorted(KINDS))}')
        if not serial:
            raise InvalidRequest("a device must give its serial number to be admitted")
        device_id = f"{kind}-{serial}"
        if len(serial) > MAX_SERIAL:
            raise InvalidRequest(
                f"serial {serial[:12]}... has {len(serial)} characters; okno takes at most "
                f"{MAX_SERIAL}: the device's maker must report a shorter one"
            )
        known = self._devices.get(device_id)
        if known is not None and known.admission is Admission.APPROVED:
            # Whoever asks, with whatever key: an admitted device's id, certificate and
            # settings stay its own until a technician revokes it.
            raise Refused(
                f"device {device_id} is already admitted: a technician revokes it "
                "(okno provision revoke) before it can be enrolled again"
            )
        # Asking again renews a request: it is not one more.
        waiting = [
            d
            for d in self._devices.values()
            if d.admission is Admission.PENDING
            and d.id != device_id
            and now_ms - d.requested_at_ms <= PENDING_FOR_MS
        ]
        if len(waiting) >= PENDING_AT_ONCE:
            raise TooManyWaiting(
                "too many devices are waiting for approval: approve or reject them with "
                "okno provision list (okno provision revoke ID drops one whose code you do "
                "not have); an unanswered request lapses after 15 minutes"
            )
        if sum(1 for d in waiting if d.address == address) >= PENDING_PER_HOST:
            raise TooManyWaiting(
                f"{PENDING_PER_HOST} devices from {address} already wait for a technician: "
                "approve or reject them (okno provision list) before more may ask"
            )
        device = Device(
            device_id,
            kind,
            model,
            serial,
            version,
            address,
            Admission.PENDING,
            now_ms,
            new_code(),
            csr_pem=csr_pem,
        )
        self._devices[device_id] = device
        return device

    def forget_expired(self, now_ms: int) -> list[str]:
        """Drop requests whose code expired unanswered; their ids, to delete from the store."""
        expired = [
            d.id
            for d in self._devices.values()
            if d.admission is Admission.PENDING and now_ms - d.requested_at_ms > PENDING_FOR_MS
        ]
        for device_id in expired:
            del self._devices[device_id]
        return expired

    def pending(self, typed_code: str, source: str, now_ms: int) -> Device:
        """The device waiting with this code; wrong codes count against ``source``."""
        return self._by_code(typed_code, source, now_ms)

    def approve(
        self,
        typed_code: str,
        *,
        name: str,
        zone: str,
        source: str,
        now_ms: int,
        certificate: tuple[str, str] = ("", ""),
    ) -> Device:
        """Admit the device showing this code, with its certificate (PEM, serial)."""
        device = self._by_code(typed_code, source, now_ms)
        if not name:
            raise InvalidRequest('give the device a name people will recognise: --name "Kiosk 1"')
        pem, serial = certificate
        admitted = replace(
            device,
            admission=Admission.APPROVED,
            code="",
            name=name,
            zone=zone,
            certificate_pem=pem,
            certificate_serial=serial,
        )
        self._devices[device.id] = admitted
        return admitted

    def reject(self, typed_code: str, source: str, now_ms: int) -> Device:
        device = self._by_code(typed_code, source, now_ms)
        refused = replace(device, admission=Admission.REJECTED, code="")
        self._devices[device.id] = refused
        return refused

    def describe(self, device_id: str, *, name: str = "", zone: str = "") -> Device:
        """Rename a device or move it to another zone or desk; empty keeps what it has."""
        device = self.device(device_id)
        described = replace(device, name=name or device.name, zone=zone or device.zone)
        self._devices[device_id] = described
        return described

    def configure(self, device_id: str, config_json: str) -> Device:
        """Replace the settings kept for a device (the fleet merges and checks them)."""
        configured = replace(self.device(device_id), config_json=config_json)
        self._devices[device_id] = configured
        return configured

    def revoked_serials(self) -> frozenset[int]:
        return frozenset(
            int(d.certificate_serial)
            for d in self._devices.values()
            if d.admission is Admission.REVOKED and d.certificate_serial
        )

    def revoke(self, device_id: str) -> Device:
        """Cut a device off; its certificate is refused from now on."""
        device = self.device(device_id)
        revoked = replace(device, admission=Admission.REVOKED)
        self._devices[device_id] = revoked
        return revoked

    def heard(self, device_id: str, now_ms: int, error: str = "", warning: str = "") -> Device:
        """A heartbeat or status from an admitted device."""
        device = self.device(device_id)
        if device.admission is not Admission.APPROVED:
            raise Refused(f"device {device_id} is {device.admission.value}: it is not admitted")
        alive = replace(device, last_seen_ms=now_ms, error=error, warning=warning)
        self._devices[device_id] = alive
        return alive

    def device(self, device_id: str) -> Device:
        try:
            return self._devices[device_id]
        except KeyError:
            raise NotFound(f'no device "{device_id}": see okno provision list') from None

    def _by_code(self, typed_code: str, source: str, now_ms: int) -> Device:
        self._attempts.check(source, now_ms)
        code = normalise(typed_code)
        for device in self._devices.values():
            fresh = now_ms - device.requested_at_ms <= PENDING_FOR_MS
            if device.admission is Admission.PENDING and device.code == code and fresh:
                return device
        self._attempts.failed(source, now_ms)
        raise NotFound(
            f"no device waits with code {code}: check the code on the device's screen; "
            "codes last 15 minutes, after that the device shows a new one"
        )
