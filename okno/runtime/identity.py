"""A device's own key: made once on the box, never sent anywhere, proven through the hub's CA.

The key stays in ``device.key``; the hub sees only the certificate request made from it
and hands back a client certificate that the device presents on every connection.
"""

from __future__ import annotations

import logging
from pathlib import Path

import grpc
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from okno.errors import SecretExposed
from okno.files import read_private, write_private
from okno.runtime.errors import IdentityDamaged

log = logging.getLogger(__name__)


class DeviceKey:
    """The device's EC P-256 private key and what it makes: requests and TLS credentials."""

    def __init__(self, key: ec.EllipticCurvePrivateKey) -> None:
        self._key = key

    @classmethod
    def load_or_create(cls, directory: Path) -> DeviceKey:
        """The key from ``directory/device.key``, made there on the device's first start.

        Raises SecretExposed when others may read the key: they could act as the device.
        """
        path = directory / "device.key"
        try:
            data = read_private(path)
        except FileNotFoundError:
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            key = ec.generate_private_key(ec.SECP256R1())
            made = cls(key)
            write_private(path, made.key_pem)
            log.info("device key created directory=%s", directory)
            return made
        except SecretExposed:
            raise
        except OSError as err:
            raise IdentityDamaged(
                f"{path} cannot be read ({err.strerror}): fix its permissions, or delete it "
                "and enroll the device again with okno provision approve"
            ) from err
        try:
            loaded = serialization.load_pem_private_key(data, password=None)
        except (ValueError, TypeError) as err:
            raise IdentityDamaged(
                f"{path} is not a readable private key: delete it and enroll the device "
                "again with okno provision approve"
            ) from err
        if not isinstance(loaded, ec.EllipticCurvePrivateKey):
            raise IdentityDamaged(
                f"{path} holds a key of another kind than EC P-256: delete it and enroll the "
                "device again with okno provision approve"
            )
        return cls(loaded)

    @property
    def key_pem(self) -> bytes:
        """The private key as PKCS#8 PEM, for the TLS stack only; never log or send it."""
        return self._key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    def csr(self, device_id: str) -> bytes:
        """A PEM certificate request proving possession of the key; the hub sets the names."""
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, device_id)])
        request = x509.CertificateSigningRequestBuilder().subject_name(subject)
        return request.sign(self._key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)

    def issued_for_me(self, certificate_pem: bytes) -> bool:
        """Whether a certificate carries this key: a mixed-up answer must not be kept."""
        try:
            certificate = x509.load_pem_x509_certificate(certificate_pem)
        except ValueError:
            return False
        theirs = certificate.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        mine = self._key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return theirs == mine

    def client_credentials(self, ca_pem: bytes, cert_pem: bytes) -> grpc.ChannelCredentials:
        """mTLS credentials: trust only the branch CA, present the hub-issued certificate."""
        return grpc.ssl_channel_credentials(
            root_certificates=ca_pem, private_key=self.key_pem, certificate_chain=cert_pem
        )
