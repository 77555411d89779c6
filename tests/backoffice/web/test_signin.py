"""Signing in to the dashboard over real HTTP, as a browser does: nothing without a
session, roles that bound what a person reads, sessions that outlive a restart, and the
Host header checked."""

from __future__ import annotations

import re

import httpx
from sqlalchemy import update

from backoffice import schema
from backoffice.store import open_store
from backoffice.web import create_app
from hub.webserver import WebServer
from tests.backoffice.web.conftest import NOW_MS, Dashboard
from tests.backoffice.web.signed import MANAGER, PASSWORD, branch_head

PERIOD = "from=2026-11-02&to=2026-11-23"
GUARDED = (
    "/",
    "/live",
    "/live/branch-01",
    "/reports/by_service",
    f"/export/waits.csv?{PERIOD}",
    f"/export/waits.xlsx?{PERIOD}",
    f"/ratings/vashkontrol.csv?{PERIOD}",
)


async def sign_in(
    client: httpx.AsyncClient, name: str, password: str, after: str
) -> httpx.Response:
    return await client.post("/signin", data={"name": name, "password": password, "next": after})


async def test_every_page_report_and_export_sends_a_stranger_to_sign_in(
    dashboard: Dashboard,
) -> None:
    async with dashboard.client(cookies={}) as client:
        for path in GUARDED:
            answer = await client.get(path)
            assert answer.status_code == 303, path
            assert answer.headers["location"].startswith("/signin?next="), path
            assert "МФЦ" not in answer.text and "," not in answer.text, path


async def test_a_manager_signs_in_reads_and_signs_out(dashboard: Dashboard) -> None:
    async with dashboard.client(cookies={}) as client:
        asked = await client.get("/reports/waits_by_branch?branch=branch-02")
        assert asked.headers["location"] == (
            "/signin?next=%2Freports%2Fwaits_by_branch%3Fbranch%3Dbranch-02"
        )
        form = await client.get(asked.headers["location"])
        assert form.status_code == 200
        assert 'value="/reports/waits_by_branch?branch=branch-02"' in form.text
        signed = await sign_in(
            client, MANAGER, PASSWORD, "/reports/waits_by_branch?branch=branch-02"
        )
        assert signed.status_code == 303
        assert signed.headers["location"] == "/reports/waits_by_branch?branch=branch-02"
        cookie = signed.headers["set-cookie"]
        assert re.search(r"(?i)httponly", cookie) and re.search(r"(?i)samesite=strict", cookie)
        assert "secure" not in cookie.lower()  # served over plain HTTP on loopback
        page = await client.get(signed.headers["location"])
        assert page.status_code == 200 and "МФЦ № 2" in page.text
        assert MANAGER in page.text  # who is signed in, beside "Выйти"
        out = await client.post("/signout")
        assert out.status_code == 303 and out.headers["location"] == "/signin"
        again = await client.get("/reports/waits_by_branch")
        assert again.status_code == 303


async def test_a_wrong_password_or_name_gets_no_session(dashboard: Dashboard) -> None:
    async with dashboard.client(cookies={}) as client:
        for name, password in ((MANAGER, "wrong password!"), ("nobody", PASSWORD)):
            refused = await sign_in(client, name, password, "/")
            assert refused.status_code == 401
            assert "Неверное имя или пароль." in refused.text
            assert "set-cookie" not in refused.headers
        assert (await client.get("/")).status_code == 303


async def test_a_sign_in_goes_back_to_this_dashboard_only(dashboard: Dashboard) -> None:
    async with dashboard.client(cookies={}) as client:
        for elsewhere in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
            signed = await sign_in(client, MANAGER, PASSWORD, elsewhere)
            assert signed.headers["location"] == "/"


async def test_a_session_outlives_a_restart_of_the_dashboard(
    dashboard: Dashboard, region_url: str
) -> None:
    async with dashboard.client(cookies={}) as client:
        await sign_in(client, MANAGER, PASSWORD, "/")
        held = dict(client.cookies)
    engine = open_store(region_url)
    server = WebServer(create_app(engine, clock=lambda: NOW_MS), "127.0.0.1:0", grace_s=1)
    port = await server.start()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", cookies=held) as again:
            assert (await again.get("/live")).status_code == 200
    finally:
        await server.stop()
        engine.dispose()


async def test_an_expired_session_is_sent_to_sign_in(dashboard: Dashboard) -> None:
    with dashboard.engine.begin() as connection:
        connection.execute(update(schema.sessions).values(expires_ms=1))
    async with dashboard.client() as client:
        answer = await client.get("/")
    assert answer.status_code == 303


async def test_a_branch_head_reads_their_own_branch_and_gets_403_for_another(
    dashboard: Dashboard,
) -> None:
    head = branch_head(dashboard.engine, "branch-02")
    async with dashboard.client(cookies=head) as client:
        for path in (
            "/reports/by_service?branch=branch-01",
            "/reports/by_service?branch=branch-02&branch=branch-03",
            f"/export/waits_by_branch.csv?{PERIOD}&branch=branch-01",
            f"/ratings/vashkontrol.csv?{PERIOD}&branch=branch-03",
            "/live/branch-01",
            "/?branch=branch-01",
        ):
            answer = await client.get(path)
            assert answer.status_code == 403, path
            assert "МФЦ № 1" not in answer.text and "МФЦ № 3" not in answer.text, path
        for path in ("/", "/live", "/reports/waits_by_branch", "/reports/desks_operators"):
            page = await client.get(path)
            assert page.status_code == 200, path
            assert "МФЦ № 2" in page.text, path
            assert "МФЦ № 1" not in page.text and "МФЦ № 3" not in page.text, path
        export = await client.get(f"/export/waits_by_branch.csv?{PERIOD}")
        assert export.status_code == 200
        rows = export.content.decode("utf-8-sig").splitlines()[1:]
        assert rows and all(row.startswith("МФЦ № 2,") for row in rows)


async def test_a_host_the_dashboard_was_not_given_gets_400(dashboard: Dashboard) -> None:
    async with dashboard.client() as client:
        for path in ("/", "/signin", "/metrics"):
            answer = await client.get(path, headers={"host": "rebound.evil.example"})
            assert answer.status_code == 400, path
        assert (await client.get("/")).status_code == 200


async def test_a_form_posted_from_another_site_is_refused(dashboard: Dashboard) -> None:
    async with dashboard.client() as client:
        for headers in ({"origin": "http://evil.example"}, {"sec-fetch-site": "cross-site"}):
            refused = await client.post("/signout", headers=headers)
            assert refused.status_code == 403
        assert (await client.get("/")).status_code == 200  # still signed in


async def test_a_sign_in_form_too_long_is_refused_unread(dashboard: Dashboard) -> None:
    async with dashboard.client(cookies={}) as client:
        answer = await client.post("/signin", content=b"name=" + b"x" * 100_000)
    assert answer.status_code == 413


async def test_the_cookie_is_secure_when_served_over_https(dashboard: Dashboard) -> None:
    app = create_app(dashboard.engine, hosts=["dashboard"], clock=lambda: NOW_MS)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://dashboard") as client:
        signed = await sign_in(client, MANAGER, PASSWORD, "/")
    assert signed.status_code == 303
    assert "secure" in signed.headers["set-cookie"].lower()
