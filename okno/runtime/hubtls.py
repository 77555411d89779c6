"""The hub's network port from a client's side: TLS to the branch CA, tokens, the admin socket.

Every client of the hub comes through here: devices enrolling (server TLS, the CA taken
as presented and compared by a person), staff tools (server TLS and a token) and the
hub machine's own tools (the admin socket).
"""

from __future__ import annotations

import hashlib
import socket
import ssl
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import grpc
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from okno.runtime.errors import HubUnreachable
from okno.runtime.session import CHANNEL_OPTIONS

Connect = Callable[[], grpc.aio.Channel]


def hub_tls(address: str, ca_pem: bytes, token: str = "") -> Connect:
    """Channels to the hub's network port (server TLS), trusting only the branch CA.

    With ``token`` every call carries it as ``authorization: Bearer``: a signed-in staff
    member's tool. Without, only what a stranger may do: enroll, sign in.
    """
    credentials = grpc.ssl_channel_credentials(root_certificates=ca_pem)
    if token:
        credentials = grpc.composite_channel_credentials(
            credentials, grpc.access_token_call_credentials(token)
        )
    return lambda: grpc.aio.secure_channel(address, credentials, options=CHANNEL_OPTIONS)


def admin_socket(path: Path) -> Connect:
    """Channels to the hub's admin socket, for tools on the hub's own machine."""
    return lambda: grpc.aio.insecure_channel(f"unix:{path}", options=CHANNEL_OPTIONS)


def presented_authority(address: str, timeout_s: float = 5.0) -> bytes:
    """The CA certificate (PEM) the hub at ``address`` presents with its own, unverified.

    A device enrolling for the first time has nothing to check the hub against: it takes
    the CA the hub presents, shows its fingerprint beside the pairing code, and the
    technician compares it with the one ``okno provision list`` shows (a stranger in the
    middle would present another CA). Blocking: run it in a thread.
    """
    host, _, port = address.rpartition(":")
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.set_alpn_protocols(["h2"])
    try:
        with (
            socket.create_connection((host.strip("[]"), int(port)), timeout=timeout_s) as raw,
            context.wrap_socket(raw, server_hostname=host.strip("[]")) as tls,
        ):
            # Public since Python 3.13 (SSLSocket.get_unverified_chain); here since 3.10.
            sslobj = cast(Any, tls)._sslobj
            chain = [c.public_bytes() for c in sslobj.get_unverified_chain()]
    except (OSError, ValueError) as error:
        raise HubUnreachable(f"no TLS answer from the hub at {address}: {error}") from error
    for pem in reversed(chain):
        certificate = x509.load_pem_x509_certificate(pem.encode() if isinstance(pem, str) else pem)
        if certificate.issuer == certificate.subject:
            return certificate.public_bytes(serialization.Encoding.PEM)
    raise HubUnreachable(
        f"the hub at {address} did not present its CA with its certificate: is it an okno hub?"
    )


def fingerprint(ca_pem: bytes) -> str:
    """The short form of a CA's SHA-256 a person compares by eye: "3F2A 91C0 77E1 0B4D"."""
    der = x509.load_pem_x509_certificate(ca_pem).public_bytes(serialization.Encoding.DER)
    digest = hashlib.sha256(der).hexdigest()[:16].upper()
    return " ".join(digest[i : i + 4] for i in range(0, 16, 4))
