"""The journal from a real hub to a real PostgreSQL back office, and its report."""

from __future__ import annotations

from datetime import date

import grpc
import pytest
from typer.testing import CliRunner

from backoffice.aggregate import journal_row, parse
from backoffice.period import Period
from backoffice.reports import report
from backoffice.store import open_store
from hub.domain.model import Channel
from okno.cli import app
from okno.signin import signed_in_channel
from protos.okno.v1 import staff_pb2, staff_pb2_grpc
from tests.backoffice.hubsync import synced
from tests.hub.conftest import ADMINISTRATOR, PIN, Served

pytestmark = pytest.mark.timeout(120)
# examples/branch.toml's first day in tests/hub/conftest.py: Monday 2026-11-23, 10:00 Moscow.
DAY = "2026-11-23"
AT_10_20 = 1_795_418_400_000


async def test_the_report_lists_who_signed_in_set_pins_and_moved_applications(
    served: Served, pg_url: str
) -> None:
    staff = staff_pb2_grpc.StaffStub(served.local)
    await staff.SetPin(staff_pb2.SetPinRequest(operator_id="ivanova-a", pin=PIN))
    with pytest.raises(grpc.aio.AioRpcError):
        await signed_in_channel(served.address, served.ca_pem, "ivanova-a", "111222")
    await (await signed_in_channel(served.address, served.ca_pem, "ivanova-a", PIN)).close()
    booking = await served.hub.bookings.book(
        "passport", AT_10_20, Channel.CALL_CENTRE, phone="9161234567"
    )
    served.clock.advance(6)  # check-in opens 15 minutes before the slot
    await served.hub.bookings.check_in(booking.code, caller="test", device_id="kiosk-K-1")
    online = await served.hub.bookings.book("passport", AT_10_20, Channel.ONLINE)
    await served.hub.bookings.cancel(online.code, caller="test")
    engine = open_store(pg_url)
    try:
        branch = await synced(served, engine)
        rows = report("journal").run(engine, Period(date(2026, 11, 23), date(2026, 11, 23))).rows
        elsewhere = Period(date(2026, 11, 23), date(2026, 11, 23), ("another",))
        assert report("journal").run(engine, elsewhere).rows == []
    finally:
        engine.dispose()
    admin = f"staff:{ADMINISTRATOR}"
    assert [row[3:] for row in rows] == [
        ("pin_set", "local", ADMINISTRATOR, "ok", "local"),
        ("sign_in", admin, ADMINISTRATOR, "ok", "network"),
        ("pin_set", "local", "ivanova-a", "ok", "local"),
        ("sign_in", "anonymous", "ivanova-a", "wrong_pin", "network"),
        ("sign_in", "staff:ivanova-a", "ivanova-a", "ok", "network"),
        ("appointment_booked", "call_centre", f"appointment:{booking.id}", "booked", ""),
        (
            "appointment_checked_in",
            "device:kiosk-K-1",
            f"appointment:{booking.id}",
            "checked_in",
            "",
        ),
        ("appointment_booked", "visitor", f"appointment:{online.id}", "booked", ""),
        ("appointment_cancelled", "visitor", f"appointment:{online.id}", "cancelled", ""),
    ]
    # In the branch's time, by the hub's clock: 10:00 in Moscow, 10:06 from the check-in on.
    assert [row[:3] for row in rows] == [(branch, DAY, "10:00:00")] * 6 + [
        (branch, DAY, "10:06:00")
    ] * 3


async def test_okno_backoffice_report_journal_prints_it(served: Served, pg_url: str) -> None:
    engine = open_store(pg_url)
    try:
        await synced(served, engine)
    finally:
        engine.dispose()
    period = ["--from", DAY, "--to", DAY, "--format", "csv"]
    result = CliRunner().invoke(app, ["backoffice", "report", "journal", "--db", pg_url, *period])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "branch_id,day,time,action,actor,subject,outcome,door"
    assert lines[2].endswith(
        f",{DAY},10:00:00,sign_in,staff:{ADMINISTRATOR},{ADMINISTRATOR},ok,network"
    )


def test_an_entry_too_wide_for_its_column_is_refused_alone() -> None:
    """A journal entry is checked at ingest like every field, so no row is cut short."""
    wide = (
        '{"seq":7,"at_ms":1,"day":"2026-11-23","kind":"journal","entry":'
        '{"action":"sign_in","actor":"' + "x" * 101 + '","subject":"","outcome":"ok"}}'
    )
    with pytest.raises(ValueError, match="actor is 101 characters long"):
        journal_row(parse(7, wide))
