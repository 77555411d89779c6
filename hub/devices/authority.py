"""The branch's certificate authority: the hub signs every device's certificate and its own.

Files in the authority's directory: ``ca.key`` and ``ca.pem`` (the CA; losing ``ca.key``
means re-enrolling every device, so back it up), ``hub.key`` and ``hub.pem`` (the hub's TLS
server certificate, reissued from the CA whenever needed), ``web.key`` and ``web.pem`` (the
web pages', for their own names). The CA's own pair is opened,
or made, by ``ca_files.py``.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from hub.devices.ca_files import BACKDATE, open_ca, private_key_pem
from hub.errors import (
    BadCertificateRequest,
    ExpiredCertificate,
    ForgedCertificate,
    InvalidRequest,
    RevokedCertificate,
)
from okno.files import read_private, write_atomic, write_private

log = logging.getLogger(__name__)

HUB_DAYS = 365
HUB_RENEW_BEFORE = timedelta(days=30)
# RFC 5280 appendix A.1: ub-common-name and ub-organizational-unit-name are 64.
NAME_LIMIT = 64
MIN_RSA_BITS = 2048


@dataclass(frozen=True)
class IssuedCertificate:
    """A device certificate as handed back to the device, and what the registry keeps of it."""

    pem: bytes
    serial: int
    not_after: datetime


@dataclass(frozen=True)
class DeviceIdentity:
    """Who a verified certificate says the device is; the hub wrote these fields itself."""

    device_id: str
    kind: str
    serial: int
    not_after: datetime


class BranchAuthority:
    """Issues and checks the certificates of one branch; the CA key never leaves the hub."""

    def __init__(
        self,
        directory: Path,
        branch_id: str,
        key: ec.EllipticCurvePrivateKey,
        certificate: x509.Certificate,
    ) -> None:
        self._directory = directory
        self._branch_id = branch_id
        self._key = key
        self._certificate = certificate

    @classmethod
    def load_or_create(
        cls, directory: Path, branch_id: str, *, now: datetime | None = None
    ) -> BranchAuthority:
        """The branch's CA from ``directory``, created there on the hub's first start."""
        key, certificate = open_ca(directory, branch_id, now or datetime.now(UTC))
        return cls(directory, branch_id, key, certificate)

    @property
    def ca_pem(self) -> bytes:
        """The CA certificate: the only root a device trusts when it checks the hub."""
        return self._certificate.public_bytes(serialization.Encoding.PEM)

    def server_credentials(
        self, hosts: list[str], *, now: datetime | None = None, door: str = "hub"
    ) -> tuple[bytes, bytes]:
        """Key PEM and certificate PEM for the hub's TLS server, reused while still fit.

        Each ``door`` ("hub", "web") keeps its own files: doors with different names would
        otherwise reissue each other's at every start.
        """
        now = now or datetime.now(UTC)
        names = [_general_name(host) for host in hosts]
        key_path, cert_path = self._directory / f"{door}.key", self._directory / f"{door}.pem"
        kept = self._kept_server_credentials(key_path, cert_path, names, now)
        if kept is not None:
            return kept
        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, f"okno {self._branch_id}"),
                x509.NameAttribute(NameOID.COMMON_NAME, f"okno {self._branch_id} {door}"),
            ]
        )
        certificate = (
            self._leaf(subject, key.public_key(), now, timedelta(days=HUB_DAYS))
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(self._key, hashes.SHA256())
        )
        key_pem = private_key_pem(key)
        cert_pem = certificate.public_bytes(serialization.Encoding.PEM)
        write_private(key_path, key_pem)
        write_atomic(cert_path, cert_pem)
        log.info(
            "hub certificate issued branch=%s door=%s hosts=%s not_after=%s",
            self._branch_id,
            door,
            ",".join(hosts),
            certificate.not_valid_after_utc.isoformat(),
        )
        return key_pem, cert_pem

    def sign_device(
        self, csr_pem: bytes, device_id: str, kind: str, now: datetime, valid_days: int = 365
    ) -> IssuedCertificate:
        """A client certificate for an approved device; the CSR lends only its public key."""
        for label, value in (("device id", device_id), ("device kind", kind)):
            if not 0 < len(value) <= NAME_LIMIT:
                raise InvalidRequest(
                    f"a {label} has 1 to {NAME_LIMIT} characters, got {len(value)}: "
                    "choose a shorter one"
                )
        try:
            csr = x509.load_pem_x509_csr(csr_pem)
        except ValueError as err:
            raise BadCertificateRequest(
                "the device's certificate request is not a PEM CSR: restart the device so "
                "that it asks again"
            ) from err
        if not csr.is_signature_valid:
            raise BadCertificateRequest(
                "the device's certificate request is not signed by its own key: restart the "
                "device so that it asks again"
            )
        public_key = csr.public_key()
        if not isinstance(public_key, ec.EllipticCurvePublicKey | rsa.RSAPublicKey) or (
            isinstance(public_key, rsa.RSAPublicKey) and public_key.key_size < MIN_RSA_BITS
        ):
            raise BadCertificateRequest(
                "the device's key is too weak or of an unknown kind: update the device's "
                "software, which makes an EC P-256 key"
            )
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, f"okno {self._branch_id}"),
                x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, kind),
                x509.NameAttribute(NameOID.COMMON_NAME, device_id),
            ]
        )
        certificate = (
            self._leaf(subject, public_key, now, timedelta(days=valid_days))
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
            .sign(self._key, hashes.SHA256())
        )
        log.info(
            "device certificate issued device=%s kind=%s serial=%x not_after=%s",
            device_id,
            kind,
            certificate.serial_number,
            certificate.not_valid_after_utc.isoformat(),
        )
        return IssuedCertificate(
            pem=certificate.public_bytes(serialization.Encoding.PEM),
            serial=certificate.serial_number,
            not_after=certificate.not_valid_after_utc,
        )

    def identify(
        self, cert_der_or_pem: bytes, now: datetime, revoked: Collection[int]
    ) -> DeviceIdentity:
        """The device a certificate names, once it is proven ours, current and not revoked."""
        certificate = self._verified(cert_der_or_pem)
        device_id = _single(certificate.subject, NameOID.COMMON_NAME)
        kind = _single(certificate.subject, NameOID.ORGANIZATIONAL_UNIT_NAME)
        if device_id is None or kind is None or not _is_client(certificate):
            raise ForgedCertificate(
                "the certificate is this branch's but not a device's: enroll the device with "
                "okno provision approve"
            )
        serial = certificate.serial_number
        if serial in revoked:
            raise RevokedCertificate(
                f"device {device_id} (certificate serial {serial:x}) was revoked: if it should "
                "work again, re-enroll the device with okno provision approve"
            )
        if now > certificate.not_valid_after_utc:
            raise ExpiredCertificate(
                f"device {device_id}'s certificate expired on "
                f"{certificate.not_valid_after_utc:%Y-%m-%d}: re-enroll the device with "
                "okno provision approve"
            )
        if now < certificate.not_valid_before_utc:
            raise ExpiredCertificate(
                f"device {device_id}'s certificate is valid only from "
                f"{certificate.not_valid_before_utc:%Y-%m-%d %H:%M} UTC: check the hub's clock"
            )
        return DeviceIdentity(device_id, kind, serial, certificate.not_valid_after_utc)

    def _verified(self, cert_der_or_pem: bytes) -> x509.Certificate:
        """The parsed certificate, if this CA signed it; ForgedCertificate otherwise."""
        try:
            if cert_der_or_pem.lstrip().startswith(b"-----BEGIN"):
                certificate = x509.load_pem_x509_certificate(cert_der_or_pem)
            else:
                certificate = x509.load_der_x509_certificate(cert_der_or_pem)
            # Checks the issuer name against our subject and the signature against our key
            # (RFC 5280 section 6.1.3 (a)(1) and (a)(4)).
            certificate.verify_directly_issued_by(self._certificate)
        except (ValueError, TypeError, InvalidSignature) as err:
            raise ForgedCertificate(
                "the device's certificate was not issued by this branch's hub: re-enroll the "
                "device with okno provision approve"
            ) from err
        return certificate

    def _leaf(
        self,
        subject: x509.Name,
        public_key: ec.EllipticCurvePublicKey | rsa.RSAPublicKey,
        now: datetime,
        lifetime: timedelta,
    ) -> x509.CertificateBuilder:
        """What the hub's and the devices' certificates share: issuer, dates, key extensions."""
        ca_public = self._key.public_key()
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self._certificate.subject)
            .public_key(public_key)
            # RFC 5280 section 4.1.2.2: positive, unique per CA, at most 20 octets.
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - BACKDATE)
            .not_valid_after(now + lifetime)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_public), critical=False
            )
        )

    def _kept_server_credentials(
        self, key_path: Path, cert_path: Path, names: list[x509.GeneralName], now: datetime
    ) -> tuple[bytes, bytes] | None:
        """The hub's certificate on disk if it names these hosts, is ours and is not ending."""
        try:
            # A key others could read is reissued (SecretExposed is an OSError): the hub
            # makes its own, so nobody needs to chmod it.
            key_pem, cert_pem = read_private(key_path), cert_path.read_bytes()
            certificate = x509.load_pem_x509_certificate(cert_pem)
            certificate.verify_directly_issued_by(self._certificate)
            key = serialization.load_pem_private_key(key_pem, password=None)
            san = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, TypeError, InvalidSignature, x509.ExtensionNotFound) as err:
            log.warning(
                "hub certificate unusable, reissuing branch=%s reason=%s", self._branch_id, err
            )
            return None
        if (
            key.public_key() != certificate.public_key()
            or set(san.value) != set(names)
            or certificate.not_valid_after_utc - now < HUB_RENEW_BEFORE
        ):
            return None
        return key_pem, cert_pem


def _general_name(host: str) -> x509.GeneralName:
    """RFC 5280 section 4.2.1.6: an address goes in iPAddress, a name in dNSName."""
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)


def _single(name: x509.Name, oid: x509.ObjectIdentifier) -> str | None:
    """The one value of an attribute the hub wrote into a subject, or None."""
    values = name.get_attributes_for_oid(oid)
    if len(values) != 1 or not isinstance(values[0].value, str):
        return None
    return values[0].value


def _is_client(certificate: x509.Certificate) -> bool:
    try:
        usage = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    except x509.ExtensionNotFound:
        return False
    return ExtendedKeyUsageOID.CLIENT_AUTH in usage.value


def public_key_of(csr_pem: bytes) -> bytes:
    """The public key a CSR carries, to tell whether two requests come from one device."""
    try:
        csr = x509.load_pem_x509_csr(csr_pem)
    except ValueError as err:
        raise BadCertificateRequest(
            "the device's certificate request is not a PEM CSR: restart the device so that "
            "it asks again"
        ) from err
    return csr.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
