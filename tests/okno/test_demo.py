"""``okno demo`` in-process: a few real seconds of a busy morning, and what it leaves behind."""

from __future__ import annotations

import asyncio
import csv
import json
import random
import re
import statistics
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import grpc
import pytest

from hall_display.board import Board
from hall_display.feed_client import BoardListener
from hub.config import load_branch
from hub.domain.branch import Branch
from hub.domain.engine import QueueEngine
from hub.replay import REFERENCE_DAY, replay_day
from hub.traffic import Arrival, Visit, day_start_ms, sustainable_total
from okno.demo import outputs
from okno.demo.clock import SimClock, demo_start_ms
from okno.demo.config import hub_config
from okno.demo.feed import follow
from okno.demo.hall import DemoOptions, run_demo
from okno.demo.kiosk import PAYER_EVERY, demo_mix, paying
from okno.demo.members import hall_members, sign_out
from okno.demo.rpc import Stubs, request_id
from protos.okno.v1 import (
    admin_pb2,
    common_pb2,
    devices_pb2,
    devices_pb2_grpc,
    feed_pb2,
    queue_pb2,
    queue_pb2_grpc,
)
from tests.hub.conftest import MINUTE, MONDAY_10_00, Served

pytestmark = pytest.mark.clock

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "branch.toml"


@pytest.fixture(scope="module")
def example() -> Branch:
    return load_branch(EXAMPLE).branch


def newest_at_a_desk(events: list[dict[str, Any]], drawn: int) -> str:
    """The newest call still at a desk (called or in service) when the board was drawn at
    sequence ``drawn``: each ticket as its last event up to then left it ("" if none)."""
    last = {e["ticket"]["id"]: e["ticket"] for e in events if e.get("ticket") and e["seq"] <= drawn}
    at_desks = [t for t in last.values() if t["state"] in {"called", "serving"}]
    return max(at_desks, key=lambda t: t["called_at_ms"])["number"] if at_desks else ""


async def test_the_demo_runs_a_hall_and_leaves_its_log_board_and_figures(tmp_path: Path) -> None:
    (tmp_path / "demo.db").write_text("the previous run's database, to be replaced")
    result = await run_demo(
        DemoOptions(config=EXAMPLE, out=tmp_path, speed=600, duration_s=3, live=False)
    )

    events = [json.loads(line) for line in result.events.read_text().splitlines()]
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    issued = [e for e in events if e["kind"] == "ticket_issued"]
    called = [e for e in events if e["kind"] == "ticket_called"]
    assert issued and called
    # Every change carries a request id; a payment's end and a rating are keyed by the
    # payment and the ticket themselves (each happens once), an application by its number
    # and each change of it by the information system's change id, and the journal records
    # who did what, not a request.
    keyed_otherwise = {
        "payment_settled",
        "ticket_rated",
        "journal",
        "application_accepted",
        "application_changed",
    }
    changes = [e for e in events if e["kind"] not in keyed_otherwise]
    assert all(e["request_id"] for e in changes), "every change carries a request id"

    board = result.board.read_text()
    # The board is drawn as the demo stops; calls committed after its last event are not on it.
    found = re.search(r"seq (\d+)", board)
    assert found is not None
    assert any(e["seq"] <= int(found.group(1)) for e in called)
    assert newest_at_a_desk(events, int(found.group(1))) in board
    assert "Очередь / Queue" in board
    assert [p.name for p in result.screens] == ["board-landscape.png", "board-portrait.png"]
    assert all(p.stat().st_size > 10_000 for p in result.screens)
    assert result.tickets is not None
    printed = sorted(result.tickets.glob("ticket-*.txt"))
    assert printed, "the kiosk's printer printed tickets"
    numbers = {e["ticket"]["number"] for e in issued}
    on_paper = [n for n in numbers if any(n in p.read_text() for p in printed)]
    assert on_paper, "printed tickets carry the numbers the hub issued"
    assert_a_fee_was_paid(events, printed, result.summary)
    assert result.voice is not None
    spoken = sorted(result.voice.glob("announcement-*.wav"))
    assert spoken, "the first calls were spoken"
    assert all(p.stat().st_size > 20_000 for p in spoken)

    # The regional back office got the whole log through the sync and reports on it.
    assert result.reports is not None
    attendance = (result.reports / "attendance_by_day.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(attendance.splitlines()))
    summary = json.loads(result.summary.read_text())
    assert len(rows) == 2, "one day"
    assert rows[1][1:3] == [str(summary["issued"]), str(summary["served"])]
    assert (result.reports / "dashboard" / "overview.html").stat().st_size > 1000
    assert_what_the_desks_keep(events, summary, result.events.read_text())

    assert_a_checklist_was_printed(printed, summary)
    assert summary["issued"] == len(issued)
    assert summary["called"] == len({e["ticket"]["id"] for e in called})
    assert summary["served"] == sum(1 for e in events if e["kind"] == "service_finished")
    ended = summary["served"] + summary["no_shows"] + summary["cancelled"]
    assert ended + summary["still_in_hall"] == summary["issued"]
    assert 0 <= summary["average_wait_min"] <= summary["max_wait_min"]
    assert 0 <= summary["share_over_15_min"] <= 1
    assert summary["double_calls"] == summary["duplicate_numbers"] == 0
    assert summary["simulated_to_unix_ms"] - summary["simulated_from_unix_ms"] >= 25 * 60_000


def assert_what_the_desks_keep(
    events: list[dict[str, Any]], summary: dict[str, Any], log_text: str
) -> None:
    """Ratings from the desks' button boxes; applications recorded at the desks, in the log
    without the applicants' phones."""
    rated = [e["rating"] for e in events if e["kind"] == "ticket_rated"]
    assert all(1 <= r["score"] <= 5 and r["channel"] == "desk" for r in rated)
    filed = {e["application"]["number"] for e in events if e["kind"] == "application_accepted"}
    assert sum(summary["applications"].values()) == len(filed)
    assert "+7900" not in log_text


def assert_a_fee_was_paid(events: list[dict[str, Any]], printed: list[Path], summary: Path) -> None:
    """A visitor paid the state fee at the terminal and got the receipt on paper."""
    paid = [e for e in events if e["kind"] == "payment_settled"]
    assert [e["payment"]["state"] for e in paid][:1] == ["approved"], "a visitor paid a fee"
    receipts = [p for p in printed if "Чек об оплате" in p.read_text()]
    assert receipts and "500.00" in receipts[0].read_text(), "and got the receipt on paper"
    assert_dated_in_the_halls_time(receipts[0].read_text(), summary)


def assert_a_checklist_was_printed(printed: list[Path], summary: dict[str, Any]) -> None:
    """A visitor looked up what to bring in the example catalogue and took it on paper;
    the figures count each checklist that came out."""
    checklists = [p.read_text() for p in printed if "Что взять с собой:" in p.read_text()]
    assert checklists, "a visitor printed what to bring"
    assert "[ ]" in checklists[0] and "Результат:" in checklists[0]
    assert summary["checklists_printed"] == len(checklists)


def assert_dated_in_the_halls_time(receipt: str, summary: Path) -> None:
    """The terminal's date and time on a receipt are the hall's, as on the tickets."""
    began_ms = json.loads(summary.read_text())["simulated_from_unix_ms"]
    zone = ZoneInfo(load_branch(EXAMPLE).branch.timezone)
    hall_day = datetime.fromtimestamp(began_ms / 1000, zone).strftime("%d.%m")
    on_receipt = re.search(r"Дата и время: (\d\d\.\d\d) (\d\d):", receipt)
    assert on_receipt is not None and on_receipt.group(1) == hall_day
    assert 9 <= int(on_receipt.group(2)) < 20, "dated in the hall's opening hours"


@pytest.mark.parametrize(
    ("now", "starts"),
    [
        ("2026-11-23T07:30:00+00:00", "2026-11-23T09:00:00+03:00"),  # Monday
        ("2026-11-28T12:00:00+00:00", "2026-11-28T10:00:00+03:00"),  # Saturday opens at 10
        ("2026-11-29T12:00:00+00:00", "2026-11-30T09:00:00+03:00"),  # Sunday is closed
    ],
)
def test_the_demo_day_starts_at_nine_on_a_day_the_branch_is_open(
    example: Branch, now: str, starts: str
) -> None:
    start = demo_start_ms(example, datetime.fromisoformat(now).astimezone(UTC))
    assert start == int(datetime.fromisoformat(starts).timestamp() * 1000)


def board_of(example: Branch) -> Board:
    services = [
        admin_pb2.ServiceInfo(id=s.id, prefix=s.prefix, name_ru=s.name_ru, target_wait_s=900)
        for s in example.services
    ]
    return Board(services)


async def test_the_board_resumes_from_its_last_sequence_when_the_feed_drops(
    example: Branch, served: Served, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    stop = asyncio.Event()
    board = board_of(example)
    seen: list[feed_pb2.FeedMessage] = []
    arrived = asyncio.Event()

    def record(message: feed_pb2.FeedMessage) -> None:
        seen.append(message)
        arrived.set()

    async def issue_and_see(kiosk: Stubs) -> None:
        arrived.clear()
        await kiosk.queue.IssueTicket(
            queue_pb2.IssueTicketRequest(request_id=request_id(), service_id="passport")
        )
        await asyncio.wait_for(arrived.wait(), 5)

    async with hall_members(served.doors, [], "", tmp_path) as members:
        kiosk, display = Stubs.on(members.kiosk), Stubs.on(members.display)
        listener = BoardListener(board, SimClock(MONDAY_10_00, 1.0))
        following = asyncio.create_task(follow(display.feed, stop, [listener.feed_message, record]))
        await asyncio.wait_for(arrived.wait(), 5)  # the first snapshot
        # Enrolling the hall's devices and signing in are journaled: the log starts there.
        first = served.hub.committed_seq + 1
        await issue_and_see(kiosk)
        served.hub.broker.close_all()
        await issue_and_see(kiosk)
        stop.set()
        await asyncio.wait_for(following, 5)
    assert f"feed interrupted code=UNAVAILABLE resume_after={first}" in caplog.text
    assert [m.WhichOneof("body") for m in seen] == ["snapshot", "event", "event"]
    assert [m.event.sequence for m in seen[1:]] == [first, first + 1]
    assert board.seq == first + 1
    assert board.waiting("passport", MONDAY_10_00) == (2, 0)


async def test_the_demo_hall_calls_the_hub_as_its_devices_and_staff(
    served: Served, tmp_path: Path
) -> None:
    """Each device is in the fleet as its kind, and does only what that kind may."""
    async with hall_members(served.doors, ["desk-01", "desk-02"], "", tmp_path) as members:
        listed = await devices_pb2_grpc.ProvisioningStub(served.local).ListDevices(
            devices_pb2.ListDevicesRequest()
        )
        kinds = sorted(d.kind for d in listed.devices)
        assert kinds == ["hall_display", "kiosk", "payment_terminal", "staff_desk", "staff_desk"]
        desk_one = Stubs.on(members.desk_units["desk-01"]).queue
        with pytest.raises(grpc.aio.AioRpcError) as kiosk_calls:
            await Stubs.on(members.kiosk).queue.CallNext(
                queue_pb2.DeskRequest(request_id=request_id(), desk_id="desk-01")
            )
        assert kiosk_calls.value.code() == grpc.StatusCode.PERMISSION_DENIED
        with pytest.raises(grpc.aio.AioRpcError) as other_desk:
            await desk_one.PauseDesk(
                queue_pb2.DeskRequest(request_id=request_id(), desk_id="desk-02")
            )
        assert other_desk.value.code() == grpc.StatusCode.PERMISSION_DENIED
        staff = await members.sign_in("ivanova-a")
        opened = await queue_pb2_grpc.QueueServiceStub(staff).OpenDesk(
            queue_pb2.OpenDeskRequest(request_id=request_id(), desk_id="desk-01")
        )
        assert opened.desk.operator_id == "ivanova-a"
        await sign_out(staff)
        paused = await desk_one.PauseDesk(
            queue_pb2.DeskRequest(request_id=request_id(), desk_id="desk-01")
        )
        assert paused.desk.state == common_pb2.DESK_STATE_PAUSED


def test_the_figures_count_visitors_still_waiting_when_the_demo_stops(example: Branch) -> None:
    engine = QueueEngine(example, MONDAY_10_00)
    events = engine.open_desk("desk-01", MONDAY_10_00).events
    for minute in (0, 1, 2):
        events += engine.issue("passport", MONDAY_10_00 + minute * MINUTE).events
    events += engine.call_next("desk-01", MONDAY_10_00 + 5 * MINUTE).events
    report = outputs.summarise(example, events, MONDAY_10_00 + 35 * MINUTE)
    # Called after 5 min; the two others still wait at 10:35, for 34 and 33 min.
    assert (report.issued, report.called, report.still_in_hall) == (3, 1, 3)
    assert report.max_wait_min == 34
    assert report.average_wait_min == 24
    assert report.share_over_15_min == round(2 / 3, 4)


def test_a_payer_queues_for_the_paid_service_as_long_as_that_takes(example: Branch) -> None:
    duty = example.service("state-duty")
    assert duty is not None
    long_visit = Arrival(MONDAY_10_00, (Visit("property", 6000.0),), "appointment", MONDAY_10_00)
    paid = [paying(long_visit, duty, random.Random(seed)) for seed in range(200)]
    assert {(a.service_id, a.priority, len(a.visits)) for a in paid} == {("state-duty", "", 1)}
    minutes = [a.visits[0].duration_s / 60 for a in paid]
    assert max(minutes) <= 6 * duty.average_service_min
    assert abs(statistics.mean(minutes) - duty.average_service_min) < 1


def test_the_demo_day_serves_every_queue(example: Branch) -> None:
    mix = demo_mix(example)
    assert mix["state-duty"] == pytest.approx(sum(mix.values()) / PAYER_EVERY)
    total = sustainable_total(example, day_start_ms(REFERENCE_DAY, example.timezone), mix=mix)
    for seed in (1, 2):
        report = replay_day(example, total=total, seed=seed, staff=False, mix=mix)
        assert report.still_in_hall == 0
        assert max(report.wait_by_service_min.values()) <= 10, report.wait_by_service_min
        assert report.share_over_15_min <= 0.1


def test_the_demo_hub_names_the_catalogue_beside_the_branch_file(tmp_path: Path) -> None:
    config = hub_config(EXAMPLE, tmp_path)
    assert config == tmp_path / "branch.toml"
    loaded = load_branch(config).branch
    assert Path(loaded.catalogue.file) == EXAMPLE.parent.resolve() / "catalogue.toml"
    assert loaded.model_dump(exclude={"catalogue"}) == load_branch(EXAMPLE).branch.model_dump(
        exclude={"catalogue"}
    )
    alone = tmp_path / "alone" / "branch.toml"
    alone.parent.mkdir()
    alone.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    assert hub_config(alone, tmp_path / "alone") == alone, "no catalogue beside it: as it is"
    named = tmp_path / "named.toml"
    named.write_text(config.read_text(encoding="utf-8"), encoding="utf-8")
    assert hub_config(named, tmp_path / "out") == named, "one it names: as it is"
