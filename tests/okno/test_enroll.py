"""A device keeps an approval only if it can use it, and keeps it whole through a power cut."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hub.devices.authority import BranchAuthority
from okno.runtime.enroll import EnrollmentBroken, Membership, accept_decision
from okno.runtime.errors import MembershipDamaged
from okno.runtime.identity import DeviceKey
from protos.okno.v1 import devices_pb2
from tests.killing import kill_after_return, kill_when

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


def memberships(tmp_path: Path) -> tuple[Membership, Membership]:
    """Two whole memberships of one device, under two branches' CAs."""
    key = DeviceKey.load_or_create(tmp_path / "device")
    made = []
    for branch, port in (("msk-01", 50052), ("msk-02", 50053)):
        authority = BranchAuthority.load_or_create(tmp_path / branch, branch)
        made.append(accept_decision(approval(authority, key, port), key, "10.0.0.5", DEVICE))
    return made[0], made[1]


SAVES = """
    import sys
    from pathlib import Path
    from okno.runtime.enroll import Membership

    folder, sources = Path(sys.argv[1]), [Path(source) for source in sys.argv[2:]]
    both = [Membership.load(source) for source in sources]
    for n in range(1_000_000):
        both[n % 2].save(folder)
        print(n, flush=True)
"""


def saved(times: int) -> Callable[[list[str]], bool]:
    """Ready to kill once the writer says it saved ``times`` times: it is in the next save."""
    return lambda printed: len(printed) >= times


@pytest.mark.slow
def test_a_device_killed_while_keeping_its_membership_keeps_one_whole_or_none(
    tmp_path: Path,
) -> None:
    first, second = memberships(tmp_path)
    sources = [tmp_path / "first", tmp_path / "second"]
    for membership, source in zip((first, second), sources, strict=True):
        membership.save(source)
    folder = tmp_path / "state"
    for saves in (1, 2, 3, 4, 5, 6, 8, 10, 13):
        kill_when(SAVES, saved(saves), str(folder), *map(str, sources))

        assert Membership.load(folder) in (None, first, second)


def test_a_membership_kept_before_a_kill_is_there_after_it(tmp_path: Path) -> None:
    first, _ = memberships(tmp_path)
    first.save(tmp_path / "given")

    kill_after_return(
        """
        import sys
        from pathlib import Path
        from okno.runtime.enroll import Membership

        Membership.load(Path(sys.argv[1])).save(Path(sys.argv[2]))
        print("done", flush=True)
        sys.stdin.read()
        """,
        str(tmp_path / "given"),
        str(tmp_path / "state"),
    )

    assert Membership.load(tmp_path / "state") == first


@pytest.mark.parametrize(
    ("name", "damage", "what"),
    [
        ("ca.pem", lambda pem: pem[: len(pem) // 2], "not a PEM certificate"),
        ("device.pem", lambda pem: b"", "not a PEM certificate"),
        ("session", lambda address: b"10.0.0.5:", "'10.0.0.5:' is not host:port"),
        ("session", lambda address: b"", "'' is not host:port"),
    ],
)
def test_a_membership_an_older_okno_left_half_written_is_refused_saying_what_to_do(
    tmp_path: Path, name: str, damage: Callable[[bytes], bytes], what: str
) -> None:
    first, _ = memberships(tmp_path)
    folder = tmp_path / "state"
    first.save(folder)
    (folder / name).write_bytes(damage((folder / name).read_bytes()))

    with pytest.raises(MembershipDamaged) as refused:
        Membership.load(folder)

    assert refused.value.code == "membership_damaged"
    assert str(refused.value) == (
        f"{folder / name} is damaged ({what}), perhaps by a power cut: delete device.pem, "
        f"ca.pem and session in {folder} (keep device.key) and start the device again to "
        "enroll it anew"
    )
