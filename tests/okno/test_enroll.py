"""A device keeps an approval only if it can use it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from hub.devices.authority import BranchAuthority
from okno.runtime.enroll import EnrollmentBroken, accept_decision
from okno.runtime.identity import DeviceKey
from protos.okno.v1 import devices_pb2

DEVICE = "kiosk-SN-1"


def approval(authority: BranchAuthority, key: DeviceKey, port: int) -> devices_pb2.Decision:
    issued = authority.sign_device(key.csr(DEVICE), DEVICE, "kiosk", datetime.now(UTC))
    return devices_pb2.Decision(
        admission=devices_pb2.ADMISSION_APPROVED,
        certificate_pem=issued.pem,
        ca_pem=authority.ca_pem,
        session_port=port,
    )


@pytest.fixture
def authority(tmp_path: Path) -> BranchAuthority:
    return BranchAuthority.load_or_create(tmp_path / "pki", "msk-01")


def test_an_approval_for_this_key_is_kept_with_the_session_address(
    authority: BranchAuthority, tmp_path: Path
) -> None:
    key = DeviceKey.load_or_create(tmp_path / "device")
    membership = accept_decision(approval(authority, key, 50052), key, "10.0.0.5", DEVICE)
    assert membership.session_address == "10.0.0.5:50052"
    assert membership.ca_pem == authority.ca_pem


def test_a_certificate_for_another_key_is_refused(
    authority: BranchAuthority, tmp_path: Path
) -> None:
    mine = DeviceKey.load_or_create(tmp_path / "device")
    theirs = DeviceKey.load_or_create(tmp_path / "other")
    with pytest.raises(EnrollmentBroken, match="certificate for another key"):
        accept_decision(approval(authority, theirs, 50052), mine, "10.0.0.5", DEVICE)


@pytest.mark.parametrize("port", [0, -1, 70000])
def test_an_approval_without_a_usable_port_is_refused(
    authority: BranchAuthority, tmp_path: Path, port: int
) -> None:
    key = DeviceKey.load_or_create(tmp_path / "device")
    with pytest.raises(EnrollmentBroken, match="--device-listen"):
        accept_decision(approval(authority, key, port), key, "10.0.0.5", DEVICE)
