"""The fleet as a technician meets it: admit, refuse, revoke, see who is alive."""

from __future__ import annotations

import pytest

from hub.devices.registry import (
    OFFLINE_AFTER_MS,
    PENDING_FOR_MS,
    PENDING_PER_HOST,
    Admission,
    Presence,
    Registry,
)
from hub.errors import InvalidRequest, NotFound, Refused, TooManyAttempts

T = 1_795_417_200_000


def asking(registry: Registry, serial: str = "SN-001", at: int = T) -> str:
    return registry.request(
        "kiosk", model="Infomat-21", serial=serial, version="0.1.0", address="127.0.0.1", now_ms=at
    ).code


def test_a_device_is_admitted_by_its_code_and_named() -> None:
    registry = Registry()
    code = asking(registry)
    admitted = registry.approve(
        code.lower(), name="Киоск 1", zone="hall", source="tech", now_ms=T + 1000
    )
    assert admitted.admission is Admission.APPROVED
    assert admitted.id == "kiosk-SN-001"
    assert admitted.name == "Киоск 1"
    assert admitted.code == ""


def test_a_wrong_code_is_refused_and_guessing_is_stopped() -> None:
    registry = Registry()
    asking(registry)
    for _ in range(5):
        with pytest.raises(NotFound, match="no device waits with code"):
            registry.approve("AAAA-AAAA", name="x", zone="", source="tech-laptop", now_ms=T)
    with pytest.raises(TooManyAttempts):
        registry.approve("AAAA-AAAA", name="x", zone="", source="tech-laptop", now_ms=T)


def test_a_code_expires_and_a_refused_device_needs_a_new_approval() -> None:
    registry = Registry()
    code = asking(registry)
    with pytest.raises(NotFound, match="codes last 15 minutes"):
        registry.approve(code, name="x", zone="", source="tech", now_ms=T + PENDING_FOR_MS + 1)
    rejected = asking(registry, at=T + PENDING_FOR_MS + 2)
    registry.reject(rejected, "tech", T + PENDING_FOR_MS + 3)
    with pytest.raises(NotFound):
        registry.approve(rejected, name="x", zone="", source="tech", now_ms=T + PENDING_FOR_MS + 4)
    again = asking(registry, at=T + PENDING_FOR_MS + 5)
    assert again != rejected
    assert registry.device("kiosk-SN-001").admission is Admission.PENDING


def test_one_host_cannot_flood_the_hub_with_requests_and_expired_ones_are_forgotten() -> None:
    registry = Registry()
    for n in range(PENDING_PER_HOST):
        asking(registry, serial=f"SN-{n}")
    asking(registry, serial="SN-0")  # asking again renews a code, it is not one more
    with pytest.raises(Refused, match="already wait for a technician"):
        asking(registry, serial="SN-X")
    later = T + PENDING_FOR_MS + 1
    assert len(registry.forget_expired(later)) == PENDING_PER_HOST
    assert registry.devices() == []
    asking(registry, serial="SN-X", at=later)


def test_an_admitted_device_must_be_revoked_before_it_enrolls_again() -> None:
    registry = Registry()
    registry.approve(asking(registry), name="Киоск", zone="hall", source="tech", now_ms=T)
    with pytest.raises(Refused, match="already admitted"):
        asking(registry)
    registry.revoke("kiosk-SN-001")
    with pytest.raises(Refused, match="not admitted"):
        registry.heard("kiosk-SN-001", T)
    assert asking(registry)


def test_presence_follows_heartbeats_and_reported_errors() -> None:
    registry = Registry()
    registry.approve(asking(registry), name="Принтер", zone="hall", source="tech", now_ms=T)
    device = registry.heard("kiosk-SN-001", T)
    assert device.presence(T + 1000) is Presence.ONLINE
    assert device.presence(T + OFFLINE_AFTER_MS + 1) is Presence.OFFLINE
    assert registry.heard("kiosk-SN-001", T, error="paper out").presence(T) is Presence.ERROR


@pytest.mark.parametrize(("kind", "serial"), [("toaster", "1"), ("kiosk", "")])
def test_a_request_must_say_what_the_device_is(kind: str, serial: str) -> None:
    with pytest.raises(InvalidRequest):
        Registry().request(kind, model="m", serial=serial, version="v", address="::1", now_ms=T)
