"""Joining the branch from the device's side: find the hub, show a code, keep the certificate.

Everything the device is given is kept in its state folder, so a restart goes straight
to its session; a device never invents an identity it was not given.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import grpc
from cryptography import x509

from okno import __version__
from okno.files import write_atomic
from okno.runtime.discovery import Announcer, DeviceAdvert
from okno.runtime.errors import DeviceError, MembershipDamaged
from okno.runtime.hubtls import fingerprint, hub_tls, presented_authority
from okno.runtime.identity import DeviceKey
from protos.okno.v1 import devices_pb2, devices_pb2_grpc

log = logging.getLogger(__name__)
POLL_S = 1.0
# The files of a membership in the device's state folder; SESSION is written last.
CERTIFICATE, AUTHORITY, SESSION = "device.pem", "ca.pem", "session"


class EnrollmentRefused(DeviceError, PermissionError):
    """A technician rejected this device; it stops asking."""

    code = "enrollment_refused"


class EnrollmentBroken(DeviceError, ValueError):
    """The hub's approval cannot be used (a certificate for another key, no session port)."""

    code = "enrollment_broken"


@dataclass(frozen=True)
class Membership:
    """What an admitted device keeps: its certificate, the branch CA, where to connect."""

    certificate_pem: bytes
    ca_pem: bytes
    session_address: str

    def save(self, folder: Path) -> None:
        """Keep the membership durably; ``session`` is written last, as the mark of a whole one.

        A cut before that mark leaves no membership (the device asks to join again), never
        a certificate of one enrollment beside the CA of another.
        """
        folder.mkdir(parents=True, exist_ok=True)
        (folder / SESSION).unlink(missing_ok=True)
        write_atomic(folder / CERTIFICATE, self.certificate_pem)
        write_atomic(folder / AUTHORITY, self.ca_pem)
        write_atomic(folder / SESSION, self.session_address.encode())

    def credentials(self, key: DeviceKey) -> grpc.ChannelCredentials:
        """Mutual TLS: trust the branch CA, present this membership's certificate."""
        return key.client_credentials(self.ca_pem, self.certificate_pem)

    @classmethod
    def load(cls, folder: Path) -> Membership | None:
        """The kept membership, None when there is none; MembershipDamaged when unusable."""
        files = [folder / name for name in (CERTIFICATE, AUTHORITY, SESSION)]
        if not all(f.exists() for f in files):
            return None
        certificate_pem, ca_pem = _certificate(files[0]), _certificate(files[1])
        address = files[2].read_text(errors="replace").strip()
        host, _, port = address.rpartition(":")
        if not (host and port.isascii() and port.isdigit() and 0 < int(port) < 65536):
            raise MembershipDamaged(_damaged(files[2], f"{address[:40]!r} is not host:port"))
        return cls(certificate_pem, ca_pem, address)


def _certificate(path: Path) -> bytes:
    pem = path.read_bytes()
    try:
        x509.load_pem_x509_certificate(pem)
    except ValueError as err:
        raise MembershipDamaged(_damaged(path, "not a PEM certificate")) from err
    return pem


def _damaged(path: Path, what: str) -> str:
    folder = path.parent
    return (
        f"{path} is damaged ({what}), perhaps by a power cut: delete {CERTIFICATE}, "
        f"{AUTHORITY} and {SESSION} in {folder} (keep device.key) and start the device "
        "again to enroll it anew"
    )


@dataclass(frozen=True)
class Description:
    kind: str
    model: str
    serial: str


async def join(
    hub_address: str,
    device: Description,
    key: DeviceKey,
    *,
    announce_on: list[str],
    show_code: Callable[[str], None],
    show_authority: Callable[[str], None] | None = None,
) -> Membership:
    """Ask to join over TLS, show the pairing code (and announce it), wait for the technician.

    The hub's CA is taken as presented and its fingerprint logged, and given to
    ``show_authority`` before the first code, for a screen to show beside the code; the
    approval must come with that same CA, or a stranger answered in the hub's place.
    """
    device_id = f"{device.kind}-{device.serial}"
    host = hub_address.rsplit(":", 1)[0]
    ca_pem = await asyncio.to_thread(presented_authority, hub_address)
    if show_authority is not None:
        show_authority(fingerprint(ca_pem))
    log.info(
        "enrolling device=%s hub=%s ca_fingerprint=%s: the technician compares it with "
        "okno provision list",
        device_id,
        hub_address,
        fingerprint(ca_pem),
    )
    if show_authority is not None:
        show_authority(fingerprint(ca_pem))
    async with hub_tls(hub_address, ca_pem)() as channel:
        enrollment = devices_pb2_grpc.EnrollmentStub(channel)
        while True:
            ticket = await enrollment.RequestEnrollment(
                devices_pb2.EnrollmentRequest(
                    kind=device.kind,
                    model=device.model,
                    serial=device.serial,
                    software_version=__version__,
                    csr_pem=key.csr(device_id),
                )
            )
            show_code(ticket.pairing_code)
            # The code is shown on the device only: announcing it would let anyone on the
            # LAN read it, and the code must prove that someone looked at the device.
            advert = DeviceAdvert(
                device.kind, device.model, device.serial, __version__, None, host, 0
            )
            async with contextlib.AsyncExitStack() as stack:
                if announce_on:
                    await stack.enter_async_context(Announcer(advert, interfaces=announce_on))
                decision = await _decided(enrollment, ticket)
            if decision is not None:
                if decision.ca_pem.strip() != ca_pem.strip():
                    raise EnrollmentBroken(
                        f"the hub approved {device_id} under another CA than the one it "
                        "presented: check the network and enroll again"
                    )
                return accept_decision(decision, key, host, device_id)
            log.info("pairing code expired, asking again device=%s", device_id)


def accept_decision(
    decision: devices_pb2.Decision, key: DeviceKey, host: str, device_id: str
) -> Membership:
    """Keep an approval only if this device can use it."""
    if not key.issued_for_me(decision.certificate_pem):
        raise EnrollmentBroken(
            f"the hub approved {device_id} with a certificate for another key: restart the "
            "device to ask again, and tell the hub's administrator if it repeats"
        )
    if not 0 < decision.session_port < 65536:
        raise EnrollmentBroken(
            f"the hub approved {device_id} but named no port to connect to "
            f"({decision.session_port}): start the hub with --device-listen"
        )
    return Membership(decision.certificate_pem, decision.ca_pem, f"{host}:{decision.session_port}")


async def _decided(
    enrollment: devices_pb2_grpc.EnrollmentAsyncStub, ticket: devices_pb2.EnrollmentTicket
) -> devices_pb2.Decision | None:
    """The approval, or None once the code has expired unanswered."""
    deadline = time.monotonic() + ticket.expires_in_ms / 1000
    while time.monotonic() < deadline:
        decision = await enrollment.GetDecision(
            devices_pb2.GetDecisionRequest(device_id=ticket.device_id)
        )
        if decision.admission == devices_pb2.ADMISSION_APPROVED:
            log.info("admitted device=%s", ticket.device_id)
            return decision
        if decision.admission != devices_pb2.ADMISSION_PENDING:
            raise EnrollmentRefused(
                f"device {ticket.device_id} was rejected by a technician: restart it to ask "
                "again with a new code"
            )
        await asyncio.sleep(POLL_S)
    return None
