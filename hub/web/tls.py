"""HTTPS for the hub's pages: whenever they listen beyond loopback.

The rule is the simplest one that holds: an address other than loopback is reachable
from the LAN, where visitors' Wi-Fi and contractors are, so the pages there are HTTPS
only; on loopback (development, a proxy on the same machine) they stay plain HTTP. The
certificate is the operator's ([web] certificate and key in the branch file) or else one
the branch CA issues for the pages' names (docs/web.md, "HTTPS").
"""

from __future__ import annotations

import ipaddress
import ssl
from collections.abc import Collection
from typing import TYPE_CHECKING

from hub.errors import ConfigError
from hub.webserver import tls_context
from okno.errors import SecretExposed
from okno.files import read_private

if TYPE_CHECKING:
    from hub.service import Hub


def is_loopback(host: str) -> bool:
    """Whether ``host`` (of a listening address) reaches only this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def pages_tls(hub: Hub, names: Collection[str]) -> ssl.SSLContext:
    """The pages' TLS: the operator's certificate and key if [web] names them, else one
    from the branch CA for ``names``; ConfigError or SecretExposed say which file to fix."""
    web = hub.loaded.branch.web
    if not web.certificate:
        key_pem, cert_pem = hub.fleet.server_credentials(sorted(names), door="web")
        return tls_context(cert_pem, key_pem)
    # Relative to the branch file, as an administrator reading it expects.
    base = hub.config_path.parent
    cert_path, key_path = base / web.certificate, base / web.key
    try:
        key_pem, cert_pem = read_private(key_path), cert_path.read_bytes()
    except SecretExposed:
        raise
    except OSError as err:
        raise ConfigError(
            str(hub.config_path),
            f"[web] cannot read {err.filename}: {err.strerror}; give the PEM files of the "
            "pages' certificate and key, or remove both for one from the branch CA",
        ) from err
    try:
        return tls_context(cert_pem, key_pem)
    except ssl.SSLError as err:
        raise ConfigError(
            str(hub.config_path),
            f"[web] {cert_path} and {key_path} are not a PEM certificate and its key "
            f"({err.reason}): give the pair the certificate was issued with",
        ) from err
