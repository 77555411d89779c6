"""The branch CA's own files, ``ca.key`` and ``ca.pem``: made on the hub's first start,
checked at each, and what a damaged pair needs from the person who restores it.

Losing ``ca.key`` means enrolling every device again: the refusals here say so.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from hub.errors import AuthorityDamaged
from okno.errors import SecretExposed
from okno.files import read_private, write_atomic, write_private

log = logging.getLogger(__name__)

CA_YEARS = 10
# A device's clock may lag the hub's by minutes; a certificate must work the moment it is issued.
BACKDATE = timedelta(hours=1)


def open_ca(
    directory: Path, branch_id: str, now: datetime
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """The CA's key and certificate from ``directory``, made there when it has none."""
    key_path, cert_path = directory / "ca.key", directory / "ca.pem"
    if not key_path.exists():
        if cert_path.exists():
            raise AuthorityDamaged(
                f"{key_path} is missing while {cert_path} exists: restore ca.key from the "
                "hub's backup; without it every device must be enrolled again"
            )
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        key = ec.generate_private_key(ec.SECP256R1())
        write_private(key_path, private_key_pem(key))
        certificate = _self_signed(key, branch_id, now)
        write_atomic(cert_path, certificate.public_bytes(serialization.Encoding.PEM))
        log.info("branch CA created branch=%s directory=%s", branch_id, directory)
        return key, certificate
    key = _load_ca_key(key_path)
    if not cert_path.exists():
        # Same key and subject: certificates already issued still verify against it.
        certificate = _self_signed(key, branch_id, now)
        write_atomic(cert_path, certificate.public_bytes(serialization.Encoding.PEM))
        log.warning("branch CA certificate was missing, reissued branch=%s", branch_id)
        return key, certificate
    certificate = _load_ca_certificate(cert_path)
    if certificate.public_key() != key.public_key():
        raise AuthorityDamaged(
            f"{key_path} and {cert_path} do not belong together: restore both from the "
            "same backup of the hub"
        )
    return key, certificate


def _self_signed(
    key: ec.EllipticCurvePrivateKey, branch_id: str, now: datetime
) -> x509.Certificate:
    """The CA certificate: a root that may sign end certificates only (path length 0)."""
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, f"okno {branch_id}"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"okno {branch_id} branch CA"),
        ]
    )
    public_key = key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + timedelta(days=365 * CA_YEARS))
        # RFC 5280 section 4.2.1.9: critical in a CA certificate.
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        # RFC 5280 section 4.2.1.3: keyCertSign and cRLSign, nothing else, for a CA key.
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .sign(key, hashes.SHA256())
    )


def _load_ca_key(path: Path) -> ec.EllipticCurvePrivateKey:
    """The CA's key; SecretExposed when others may read it (they could issue devices)."""
    try:
        key = serialization.load_pem_private_key(read_private(path), password=None)
    except SecretExposed:
        raise
    except (OSError, ValueError, TypeError) as err:
        raise AuthorityDamaged(
            f"{path} cannot be read as the branch CA's key ({err}): restore it from the hub's "
            "backup; without it every device must be enrolled again"
        ) from err
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise AuthorityDamaged(
            f"{path} holds a key of another kind than the branch CA's: restore ca.key from the "
            "hub's backup"
        )
    return key


def _load_ca_certificate(path: Path) -> x509.Certificate:
    try:
        return x509.load_pem_x509_certificate(path.read_bytes())
    except (OSError, ValueError) as err:
        raise AuthorityDamaged(
            f"{path} cannot be read as the branch CA's certificate ({err}): delete it and "
            "restart the hub, which makes it again from ca.key"
        ) from err


def private_key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
