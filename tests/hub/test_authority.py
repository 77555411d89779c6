"""The branch CA: made once, kept, and strict about whose certificates it accepts."""

from __future__ import annotations

import stat
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from hub.devices.authority import BranchAuthority
from hub.errors import (
    AuthorityDamaged,
    BadCertificateRequest,
    DeviceRefused,
    ExpiredCertificate,
    ForgedCertificate,
    RevokedCertificate,
)
from okno.errors import SecretExposed
from okno.files import write_private
from okno.runtime.errors import IdentityDamaged
from okno.runtime.identity import DeviceKey
from tests.killing import kill_when

NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


@pytest.fixture
def authority(tmp_path: Path) -> BranchAuthority:
    return BranchAuthority.load_or_create(tmp_path / "ca", "msk-01", now=NOW)


@pytest.fixture
def device(tmp_path: Path) -> DeviceKey:
    return DeviceKey.load_or_create(tmp_path / "device")


def test_ca_is_created_once_and_reloaded_identical(tmp_path: Path) -> None:
    directory = tmp_path / "ca"
    first = BranchAuthority.load_or_create(directory, "msk-01", now=NOW)
    key_before = (directory / "ca.key").read_bytes()

    again = BranchAuthority.load_or_create(directory, "msk-01", now=NOW + timedelta(days=3))

    assert again.ca_pem == first.ca_pem
    assert (directory / "ca.key").read_bytes() == key_before
    assert stat.S_IMODE((directory / "ca.key").stat().st_mode) == 0o600


def test_ca_certificate_is_a_ten_year_signing_root(authority: BranchAuthority) -> None:
    ca = x509.load_pem_x509_certificate(authority.ca_pem)

    assert ca.subject.rfc4514_string() == "CN=okno msk-01 branch CA,O=okno msk-01"
    assert ca.issuer == ca.subject
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    usage = ca.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.key_cert_sign
    assert usage.crl_sign
    assert not usage.digital_signature
    assert ca.not_valid_after_utc - NOW >= timedelta(days=3650)


@pytest.mark.parametrize(
    ("damage", "hint"),
    [
        (lambda d: (d / "ca.key").write_bytes(b"not a key"), "restore it from the hub's backup"),
        (lambda d: (d / "ca.pem").write_bytes(b"not a cert"), "delete it and restart the hub"),
        (lambda d: (d / "ca.key").unlink(), "restore ca.key"),
    ],
)
def test_damaged_ca_files_refuse_to_load_and_say_what_to_do(
    tmp_path: Path, damage: Callable[[Path], object], hint: str
) -> None:
    directory = tmp_path / "ca"
    BranchAuthority.load_or_create(directory, "msk-01", now=NOW)
    damage(directory)

    with pytest.raises(AuthorityDamaged, match=hint) as caught:
        BranchAuthority.load_or_create(directory, "msk-01", now=NOW)
    assert caught.value.code == "authority_damaged"


def test_key_and_certificate_of_different_cas_refuse_to_load(tmp_path: Path) -> None:
    BranchAuthority.load_or_create(tmp_path / "a", "msk-01", now=NOW)
    BranchAuthority.load_or_create(tmp_path / "b", "msk-01", now=NOW)
    (tmp_path / "a" / "ca.pem").write_bytes((tmp_path / "b" / "ca.pem").read_bytes())

    with pytest.raises(AuthorityDamaged, match="do not belong together"):
        BranchAuthority.load_or_create(tmp_path / "a", "msk-01", now=NOW)


def test_lost_ca_certificate_is_remade_and_old_device_certificates_still_verify(
    authority: BranchAuthority, device: DeviceKey, tmp_path: Path
) -> None:
    issued = authority.sign_device(device.csr("kiosk-1"), "kiosk-1", "kiosk", NOW)
    (tmp_path / "ca" / "ca.pem").unlink()

    remade = BranchAuthority.load_or_create(tmp_path / "ca", "msk-01", now=NOW)

    assert remade.identify(issued.pem, NOW, revoked=()).device_id == "kiosk-1"


def test_device_certificate_carries_the_hubs_names_not_the_requests(
    authority: BranchAuthority, device: DeviceKey
) -> None:
    issued = authority.sign_device(device.csr("i-chose-this-name"), "printer-7", "printer", NOW)

    cert = x509.load_pem_x509_certificate(issued.pem)
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "printer-7"
    assert (
        cert.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)[0].value == "printer"
    )
    assert cert.issuer == x509.load_pem_x509_certificate(authority.ca_pem).subject
    assert cert.serial_number == issued.serial
    assert cert.not_valid_after_utc == issued.not_after == NOW + timedelta(days=365)
    assert cert.public_key() == x509.load_pem_x509_csr(device.csr("x")).public_key()
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [ExtendedKeyUsageOID.CLIENT_AUTH]
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca


def test_serials_are_random_and_distinct(authority: BranchAuthority, device: DeviceKey) -> None:
    serials = {authority.sign_device(device.csr("d"), "d", "kiosk", NOW).serial for _ in range(5)}

    assert len(serials) == 5


def test_request_tampered_after_signing_is_refused(
    authority: BranchAuthority, device: DeviceKey
) -> None:
    der = x509.load_pem_x509_csr(device.csr("kiosk-1")).public_bytes(serialization.Encoding.DER)
    # The subject changed after the device signed: the signature no longer covers the bytes.
    tampered = x509.load_der_x509_csr(der.replace(b"kiosk-1", b"kiosk-2"))
    pem = tampered.public_bytes(serialization.Encoding.PEM)

    with pytest.raises(BadCertificateRequest, match="not signed by its own key"):
        authority.sign_device(pem, "kiosk-1", "kiosk", NOW)
    with pytest.raises(BadCertificateRequest, match="not a PEM CSR"):
        authority.sign_device(b"garbage", "kiosk-1", "kiosk", NOW)


def test_identify_accepts_a_good_certificate_in_pem_and_der(
    authority: BranchAuthority, device: DeviceKey
) -> None:
    issued = authority.sign_device(device.csr("kiosk-1"), "kiosk-1", "kiosk", NOW)
    der = x509.load_pem_x509_certificate(issued.pem).public_bytes(serialization.Encoding.DER)

    for presented in (issued.pem, der):
        who = authority.identify(presented, NOW + timedelta(days=10), revoked={12345})
        assert (who.device_id, who.kind, who.serial, who.not_after) == (
            "kiosk-1",
            "kiosk",
            issued.serial,
            issued.not_after,
        )


def test_certificate_from_another_ca_of_the_same_branch_is_forged(
    authority: BranchAuthority, device: DeviceKey, tmp_path: Path
) -> None:
    # Same branch id, so the same issuer name: only the signature tells them apart.
    rogue = BranchAuthority.load_or_create(tmp_path / "rogue", "msk-01", now=NOW)
    issued = rogue.sign_device(device.csr("kiosk-1"), "kiosk-1", "kiosk", NOW)

    with pytest.raises(ForgedCertificate, match="re-enroll the device") as caught:
        authority.identify(issued.pem, NOW, revoked=())
    assert caught.value.code == "forged_certificate"
    assert isinstance(caught.value, PermissionError)


def test_self_signed_certificate_is_forged(authority: BranchAuthority) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "kiosk"),
            x509.NameAttribute(NameOID.COMMON_NAME, "kiosk-1"),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(NOW - timedelta(days=1))
        .not_valid_after(NOW + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )

    with pytest.raises(ForgedCertificate):
        authority.identify(cert.public_bytes(serialization.Encoding.PEM), NOW, revoked=())


def test_garbage_and_the_hubs_own_certificate_are_not_device_certificates(
    authority: BranchAuthority,
) -> None:
    _, hub_pem = authority.server_credentials(["okno-hub"], now=NOW)

    with pytest.raises(ForgedCertificate):
        authority.identify(b"\x30\x03\x02\x01\x00", NOW, revoked=())
    with pytest.raises(ForgedCertificate, match="not a device's"):
        authority.identify(hub_pem, NOW, revoked=())


def test_expired_and_not_yet_valid_certificates_are_refused(
    authority: BranchAuthority, device: DeviceKey
) -> None:
    issued = authority.sign_device(device.csr("kiosk-1"), "kiosk-1", "kiosk", NOW, valid_days=1)

    with pytest.raises(ExpiredCertificate, match="expired on 2026-11-24") as caught:
        authority.identify(issued.pem, NOW + timedelta(days=2), revoked=())
    assert caught.value.code == "expired_certificate"
    with pytest.raises(ExpiredCertificate, match="check the hub's clock"):
        authority.identify(issued.pem, NOW - timedelta(days=1), revoked=())


def test_revoked_certificate_is_refused(authority: BranchAuthority, device: DeviceKey) -> None:
    issued = authority.sign_device(device.csr("kiosk-1"), "kiosk-1", "kiosk", NOW)

    with pytest.raises(
        RevokedCertificate, match=r"device kiosk-1 \(certificate serial \w+\) was revoked"
    ) as caught:
        authority.identify(issued.pem, NOW, revoked={issued.serial})
    assert caught.value.code == "revoked_certificate"
    assert isinstance(caught.value, DeviceRefused)


def test_server_credentials_are_kept_until_hosts_change_or_end_nears(
    authority: BranchAuthority,
) -> None:
    first = authority.server_credentials(["okno-hub", "127.0.0.1"], now=NOW)
    cert = x509.load_pem_x509_certificate(first[1])
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.DNSName) == ["okno-hub"]
    assert [str(ip) for ip in san.get_values_for_type(x509.IPAddress)] == ["127.0.0.1"]
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [ExtendedKeyUsageOID.SERVER_AUTH]

    assert authority.server_credentials(["127.0.0.1", "okno-hub"], now=NOW) == first
    assert authority.server_credentials(["okno-hub"], now=NOW) != first
    kept = authority.server_credentials(["okno-hub"], now=NOW)
    assert authority.server_credentials(["okno-hub"], now=NOW + timedelta(days=300)) == kept
    assert authority.server_credentials(["okno-hub"], now=NOW + timedelta(days=340)) != kept


def test_device_key_is_created_once_private_and_reloaded(tmp_path: Path) -> None:
    first = DeviceKey.load_or_create(tmp_path / "device")
    again = DeviceKey.load_or_create(tmp_path / "device")

    assert again.key_pem == first.key_pem
    assert stat.S_IMODE((tmp_path / "device" / "device.key").stat().st_mode) == 0o600
    assert x509.load_pem_x509_csr(first.csr("kiosk-1")).is_signature_valid


def test_damaged_device_key_says_to_enroll_again(tmp_path: Path) -> None:
    write_private(tmp_path / "device.key", b"-----BEGIN PRIVATE KEY-----\nAAAA\n")

    with pytest.raises(IdentityDamaged, match="enroll the device again") as caught:
        DeviceKey.load_or_create(tmp_path)
    assert caught.value.code == "identity_damaged"


@pytest.mark.usefixtures("permissive_umask")
def test_ca_hub_and_device_keys_are_made_owner_only(tmp_path: Path) -> None:
    authority = BranchAuthority.load_or_create(tmp_path / "ca", "msk-01", now=NOW)
    authority.server_credentials(["okno-hub"], now=NOW)
    DeviceKey.load_or_create(tmp_path / "device")

    made = [
        tmp_path / "ca" / "ca.key",
        tmp_path / "ca" / "hub.key",
        tmp_path / "device" / "device.key",
    ]
    assert [stat.S_IMODE(path.stat().st_mode) for path in made] == [0o600, 0o600, 0o600]


def test_a_ca_key_others_can_read_is_refused_with_the_chmod(tmp_path: Path) -> None:
    BranchAuthority.load_or_create(tmp_path / "ca", "msk-01", now=NOW)
    key = tmp_path / "ca" / "ca.key"
    key.chmod(0o644)

    with pytest.raises(SecretExposed, match=f"run `chmod 600 {key}`") as caught:
        BranchAuthority.load_or_create(tmp_path / "ca", "msk-01", now=NOW)
    assert caught.value.code == "secret_exposed"


def test_a_device_key_others_can_read_is_refused_with_the_chmod(tmp_path: Path) -> None:
    DeviceKey.load_or_create(tmp_path)
    key = tmp_path / "device.key"
    key.chmod(0o640)

    with pytest.raises(SecretExposed, match=f"mode 0640 .* run `chmod 600 {key}`"):
        DeviceKey.load_or_create(tmp_path)


def test_a_hub_key_others_could_read_is_replaced_by_a_private_one(
    authority: BranchAuthority, tmp_path: Path
) -> None:
    exposed, _ = authority.server_credentials(["okno-hub"], now=NOW)
    key = tmp_path / "ca" / "hub.key"
    key.chmod(0o644)

    fresh, _ = authority.server_credentials(["okno-hub"], now=NOW)

    assert fresh != exposed
    assert key.read_bytes() == fresh
    assert stat.S_IMODE(key.stat().st_mode) == 0o600


REISSUING = """
    import sys
    from pathlib import Path
    from hub.devices.authority import BranchAuthority

    folder = Path(sys.argv[1])
    for n in range(1_000_000):
        (folder / "ca.pem").unlink()  # remade from ca.key at the next load
        authority = BranchAuthority.load_or_create(folder, "msk-01")
        authority.server_credentials(["okno-hub", "127.0.0.1"][: 1 + n % 2])
        print(n, flush=True)
"""


@pytest.mark.parametrize("after", [0, 1, 4])
def test_a_hub_killed_while_writing_its_certificates_loads_them_whole(
    tmp_path: Path, after: int
) -> None:
    folder = tmp_path / "ca"
    first = BranchAuthority.load_or_create(folder, "msk-01", now=NOW)

    kill_when(
        REISSUING,
        lambda printed: len(printed) >= after and any(folder.glob("*.partial")),
        str(folder),
    )

    again = BranchAuthority.load_or_create(folder, "msk-01")
    assert x509.load_pem_x509_certificate(again.ca_pem).public_key() == (
        x509.load_pem_x509_certificate(first.ca_pem).public_key()
    )
    key_pem, cert_pem = again.server_credentials(["okno-hub"])
    key = serialization.load_pem_private_key(key_pem, password=None)
    assert x509.load_pem_x509_certificate(cert_pem).public_key() == key.public_key()
