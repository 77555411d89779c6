"""The pages on a LAN shared with strangers: what an oversized or flooding request, a page
reached by another site's name, a forged SMS reply and a plain-HTTP reader each get."""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import hmac
import re
import signal
import socket
import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from hub.bench.status_page import start_hub_with_web
from hub.config import load_branch
from hub.errors import ConfigError
from hub.service import Hub
from hub.web import create_app, serve_web
from hub.webserver import WebServer
from okno.errors import SecretExposed
from tests.hub.conftest import EXAMPLE, SteppedClock
from tests.hub.web.conftest import PIN, Site, serve_site
from tests.hub.web.test_pages import csrf

MB = 1024 * 1024


def _vm_hwm_kib(pid: int) -> int:
    """The process's peak resident memory so far (Linux /proc), KiB."""
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
    assert found, status
    return int(found.group(1))


def _post_chunked(port: int, path: str, total: int) -> tuple[int, bytes]:
    """POST ``total`` bytes of form, chunked (no length announced), until the hub stops
    reading; (bytes the socket took, the start of the answer, if any)."""
    chunk = b"a" * (64 * 1024)
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            "Transfer-Encoding: chunked\r\n\r\n".encode()
        )
        try:
            while sent < total:
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                sent += len(chunk)
            sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass
        try:
            return sent, sock.recv(4096)
        except OSError:
            return sent, b""


def _exchange(port: int, request: bytes) -> bytes:
    """Send raw bytes, read the answer until the hub closes the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        with contextlib.suppress(OSError):
            sock.sendall(request)
        answer = b""
        try:
            while data := sock.recv(65536):
                answer += data
        except OSError:
            pass
        return answer


@pytest.mark.clock
async def test_a_50_mb_post_costs_the_hub_process_about_the_limit_not_50_mb(
    tmp_path: Path,
) -> None:
    process, _, web_port = await start_hub_with_web(EXAMPLE, tmp_path / "hub.db")
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{web_port}") as client:
            assert (await client.get("/booking")).status_code == 200
        before = _vm_hwm_kib(process.pid)
        sent, answer = await asyncio.to_thread(_post_chunked, web_port, "/booking", 50 * MB)
        await asyncio.sleep(0.5)  # the hub's peak is what it read, whenever it read it
        grown_mib = (_vm_hwm_kib(process.pid) - before) / 1024
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 30)
    assert grown_mib < 8, f"the hub grew by {grown_mib:.0f} MiB for one post"
    assert sent < 50 * MB, "the hub read the whole body"
    assert answer == b"" or answer.startswith(b"HTTP/1.1 413 ")


async def test_a_body_over_16_kib_is_refused_with_413_while_reading(site: Site) -> None:
    port = int(site.base.rsplit(":", 1)[1])
    body = b"code=" + b"a" * 17 * 1024
    chunked = await asyncio.to_thread(
        _exchange,
        port,
        b"POST /booking HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body),
    )
    assert chunked.startswith(b"HTTP/1.1 413 Request Entity Too Large\r\n")
    assert chunked.endswith(b"\r\n\r\nrequest body too large: the pages take at most 16 KiB\n")
    announced = await asyncio.to_thread(
        _exchange,
        port,
        b"POST /booking HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 52428800\r\n\r\n",
    )
    assert announced.startswith(b"HTTP/1.1 413 ")
    async with site.client() as client:
        token = await csrf(client)
        # A form of an ordinary size still goes through.
        looked_up = await client.post("/booking", data={"csrf": token, "code": "K7M4QX"})
    assert looked_up.status_code == 404


@pytest.mark.parametrize(
    "headers",
    [
        "".join(f"X-Flood-{n}: {n}\r\n" for n in range(200)),
        f"Cookie: {'a' * 100_000}\r\n",
    ],
    ids=["200 headers", "one 100 KB header"],
)
async def test_a_header_flood_is_refused_with_431_and_the_connection_closed(
    site: Site, headers: str
) -> None:
    port = int(site.base.rsplit(":", 1)[1])
    request = f"GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}\r\n".encode()
    answer = await asyncio.to_thread(_exchange, port, request)
    assert answer.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n")
    assert answer.endswith(
        b"request head too large: at most 64 headers and 16 KiB with the request line\n"
    )
    async with site.client() as client:
        assert (await client.get("/status")).status_code == 200


async def test_a_head_sent_too_slowly_is_answered_408_and_closed(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("hub.webserver.HEAD_TIMEOUT_S", 0.2)
    port = int(site.base.rsplit(":", 1)[1])
    answer = await asyncio.to_thread(_exchange, port, b"GET /status HTTP/1.1\r\nHost: 127.")
    assert answer.startswith(b"HTTP/1.1 408 Request Timeout\r\n")
    assert answer.endswith(b"request not sent within 0.2 s: send it again\n")


async def test_past_the_connection_limit_requests_get_503(site: Site) -> None:
    server = WebServer(create_app(site.web), "127.0.0.1:0", grace_s=1, max_connections=3)
    port = await server.start()
    held = [socket.create_connection(("127.0.0.1", port)) for _ in range(3)]
    try:
        answer = await asyncio.to_thread(
            _exchange, port, b"GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        )
        assert answer.startswith(b"HTTP/1.1 503 Service Unavailable\r\n")
    finally:
        for sock in held:
            sock.close()
        await server.stop()


@pytest.fixture
async def named_site(tmp_path: Path) -> AsyncIterator[Site]:
    config = tmp_path / "branch.toml"
    config.write_text(EXAMPLE.read_text() + '\n[web]\nhosts = ["okno.mfc-khamovniki.ru"]\n')
    async with serve_site(tmp_path / "okno.db", SteppedClock(), config=config) as served:
        yield served


@pytest.mark.parametrize("host", ["attacker.example", "okno-hub.local.attacker.example:8080", ""])
async def test_a_page_asked_for_by_a_name_not_the_hubs_is_refused_400(
    site: Site, host: str
) -> None:
    async with site.client() as client:
        page = await client.get("/status", headers={"host": host})
    assert page.status_code == 400
    assert page.text == (
        "unknown host name: open the pages by the hub's name or address, as on the ticket; "
        "a new name goes into [web] hosts of the branch file\n"
    )


@pytest.mark.parametrize(
    "host",
    [
        "okno.mfc-khamovniki.ru",  # [web] hosts
        "OKNO-HUB.local.:8080",  # ticket_page_url's host
        "localhost:8080",
        "192.168.10.5:8080",  # an address cannot be rebound
        "[::1]:8080",
    ],
)
async def test_the_pages_answer_to_the_hubs_names_and_to_addresses(
    named_site: Site, host: str
) -> None:
    async with named_site.client() as client:
        page = await client.get("/status", headers={"host": host})
    assert page.status_code == 200


async def test_sms_replies_are_refused_while_no_gateway_token_is_configured(
    notifying_site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OKNO_SMS_TOKEN", raising=False)
    async with notifying_site.client() as gateway:
        answer = await gateway.post("/sms/inbound", json={"from": "+79161234567", "text": "СТОП"})
    assert answer.status_code == 403
    assert answer.json()["error"].startswith("SMS replies are off: the hub has no OKNO_SMS_TOKEN")


async def test_sms_replies_need_the_gateway_token_compared_in_constant_time(
    notifying_site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OKNO_SMS_TOKEN", "gateway-secret")
    compared: list[object] = []
    constant_time = hmac.compare_digest

    def compare_digest(a: bytes, b: bytes) -> bool:
        compared.append(a)
        return constant_time(a, b)

    monkeypatch.setattr("hub.web.hall.hmac.compare_digest", compare_digest)
    reply = {"from": "+79161234567", "text": "СТОП"}
    async with notifying_site.client() as gateway:
        forged = await gateway.post(
            "/sms/inbound", json=reply, headers={"authorization": "Bearer guess"}
        )
        real = await gateway.post(
            "/sms/inbound", json=reply, headers={"authorization": "Bearer gateway-secret"}
        )
    assert forged.status_code == 401
    assert (real.status_code, real.json()) == (200, {"stopped": True})
    assert compared == [b"Bearer guess", b"Bearer gateway-secret"]


def _trusting(ca_pem: bytes) -> ssl.SSLContext:
    """A browser's TLS that trusts only ``ca_pem``."""
    return ssl.create_default_context(cadata=ca_pem.decode())


async def test_pages_beyond_loopback_are_https_with_a_branch_ca_certificate(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    hub = Hub(EXAMPLE, tmp_path / "okno.db", clock=SteppedClock())
    await hub.start()
    pki = tmp_path / "okno-pki"
    hub.fleet.server_credentials(["okno-hub", "127.0.0.1"])  # the gRPC doors'
    grpc_pem = (pki / "hub.pem").read_bytes()
    server = await serve_web(hub, "0.0.0.0:0")
    # The pages have a certificate of their own: the gRPC doors' is not reissued for them.
    assert (pki / "hub.pem").read_bytes() == grpc_pem
    assert (pki / "web.pem").exists()
    # The example's QR codes lead to http://okno-hub.local:8080, which no longer answers.
    assert (
        "web pages are HTTPS only but ticket_page_url starts with http://: the QR codes and "
        "message links lead nowhere; write https:// in the branch file"
    ) in caplog.messages
    try:
        assert server.tls is not None
        ca_pem = (pki / "ca.pem").read_bytes()
        await hub.staff.set_pin("ivanova-a", PIN, by="test")
        base = f"https://localhost:{server.port}"
        async with httpx.AsyncClient(base_url=base, verify=_trusting(ca_pem)) as browser:
            page = await browser.get("/")
            assert page.status_code == 200
            # The cookies that stand for a person are never sent back in clear.
            assert "secure" in page.headers["set-cookie"].lower()
            signed_in = await browser.post(
                "/operator/sign-in",
                data={"csrf": browser.cookies["okno_csrf"], "operator": "ivanova-a", "pin": PIN},
            )
            assert signed_in.status_code == 303
            assert "okno_staff=" in signed_in.headers["set-cookie"]
            assert "secure" in signed_in.headers["set-cookie"].lower()
        async with httpx.AsyncClient() as plain:
            with pytest.raises(httpx.HTTPError):
                await plain.get(f"http://127.0.0.1:{server.port}/status")
    finally:
        await server.stop()
        await hub.stop()


def _self_signed(directory: Path, key_mode: int) -> tuple[bytes, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "okno.mfc-khamovniki.ru")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    (directory / "web.pem").write_bytes(cert_pem)
    key_path = directory / "web.key"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(key_mode)
    config = directory / "branch.toml"
    config.write_text(EXAMPLE.read_text() + '\n[web]\ncertificate = "web.pem"\nkey = "web.key"\n')
    return cert_pem, config


async def test_the_operators_certificate_is_served_and_a_readable_key_refused(
    tmp_path: Path,
) -> None:
    cert_pem, config = _self_signed(tmp_path, 0o600)
    hub = Hub(config, tmp_path / "okno.db", clock=SteppedClock())
    await hub.start()
    try:
        server = await serve_web(hub, "0.0.0.0:0")
        try:
            async with httpx.AsyncClient(verify=_trusting(cert_pem)) as browser:
                page = await browser.get(f"https://localhost:{server.port}/status")
            assert page.status_code == 200
        finally:
            await server.stop()
        (tmp_path / "web.key").chmod(0o644)
        with pytest.raises(SecretExposed, match=r"web\.key holds a secret"):
            await serve_web(hub, "0.0.0.0:0")
    finally:
        await hub.stop()


@pytest.mark.parametrize(
    ("web", "reason"),
    [
        (
            'certificate = "web.pem"',
            '[web], key "key": give both certificate and key (PEM files), or neither for a '
            "certificate from the branch CA",
        ),
        (
            'hosts = ["okno hub"]',
            '[web], key "hosts": host names are written like okno.mfc.local or 10.0.5.2, '
            'not "okno hub"',
        ),
    ],
)
def test_a_wrong_web_table_is_refused_at_its_line(tmp_path: Path, web: str, reason: str) -> None:
    config = tmp_path / "branch.toml"
    config.write_text(EXAMPLE.read_text() + f"\n[web]\n{web}\n")
    with pytest.raises(ConfigError) as refused:
        load_branch(config)
    assert refused.value.line is not None
    assert refused.value.reason == reason


async def test_a_missing_certificate_file_stops_the_pages_with_what_to_do(tmp_path: Path) -> None:
    config = tmp_path / "branch.toml"
    config.write_text(EXAMPLE.read_text() + '\n[web]\ncertificate = "a.pem"\nkey = "a.key"\n')
    hub = Hub(config, tmp_path / "okno.db", clock=SteppedClock())
    await hub.start()
    try:
        with pytest.raises(ConfigError) as refused:
            await serve_web(hub, "0.0.0.0:0")
    finally:
        await hub.stop()
    assert refused.value.reason == (
        f"[web] cannot read {tmp_path / 'a.key'}: No such file or directory; give the PEM "
        "files of the pages' certificate and key, or remove both for one from the branch CA"
    )
