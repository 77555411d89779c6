"""The hub over real gRPC on loopback, as kiosks, desks and displays use it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from protos.okno.v1 import admin_pb2, common_pb2, feed_pb2, queue_pb2
from tests.hub.conftest import Served, SteppedClock, serve_hub


async def issue(
    served: Served, service: str = "passport", request_id: str = ""
) -> common_pb2.Ticket:
    response = await served.queue.IssueTicket(
        queue_pb2.IssueTicketRequest(service_id=service, request_id=request_id)
    )
    return response.ticket


async def open_desk(served: Served, desk: str) -> None:
    await served.queue.OpenDesk(queue_pb2.OpenDeskRequest(desk_id=desk))


async def call_next(served: Served, desk: str) -> queue_pb2.TicketResponse:
    return await served.queue.CallNext(queue_pb2.DeskRequest(desk_id=desk))


async def test_a_visitor_gets_a_ticket_and_is_called(served: Served) -> None:
    await open_desk(served, "desk-01")
    response = await served.queue.IssueTicket(queue_pb2.IssueTicketRequest(service_id="passport"))
    assert response.ticket.number == "А001"
    assert response.ticket.state == common_pb2.TICKET_STATE_WAITING
    assert response.estimate.known
    assert response.sequence >= 2
    called = await call_next(served, "desk-01")
    assert called.ticket.id == response.ticket.id
    assert called.ticket.state == common_pb2.TICKET_STATE_CALLED
    assert called.desk.number == 1
    assert called.desk.current_ticket_id == response.ticket.id


async def test_an_empty_queue_answers_without_a_ticket(served: Served) -> None:
    await open_desk(served, "desk-01")
    response = await call_next(served, "desk-01")
    assert not response.HasField("ticket")


@pytest.mark.parametrize(
    ("call", "code", "words", "error_code"),
    [
        (
            lambda s: s.queue.IssueTicket(queue_pb2.IssueTicketRequest(service_id="visa")),
            grpc.StatusCode.NOT_FOUND,
            'no service "visa" in this branch: the services are',
            "unknown_service",
        ),
        (
            lambda s: s.queue.IssueTicket(queue_pb2.IssueTicketRequest()),
            grpc.StatusCode.INVALID_ARGUMENT,
            "missing service_id",
            "invalid_request",
        ),
        (
            lambda s: s.queue.CallNext(queue_pb2.DeskRequest(desk_id="desk-05")),
            grpc.StatusCode.FAILED_PRECONDITION,
            "desk 5 is closed: open it to call visitors",
            "desk_not_open",
        ),
        (
            lambda s: s.queue.StartService(queue_pb2.DeskRequest(desk_id="desk-99")),
            grpc.StatusCode.NOT_FOUND,
            'no desk "desk-99"',
            "unknown_desk",
        ),
        (
            lambda s: s.queue.GetTicket(queue_pb2.GetTicketRequest(ticket_id="2026-11-23/Я999")),
            grpc.StatusCode.NOT_FOUND,
            "no ticket",
            "unknown_ticket",
        ),
    ],
)
async def test_bad_requests_get_a_status_and_words_to_act_on(
    served: Served,
    call: Callable[[Served], Awaitable[object]],
    code: grpc.StatusCode,
    words: str,
    error_code: str,
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call(served)
    assert caught.value.code() == code
    assert words in (caught.value.details() or "")
    assert ("okno-error", error_code) in tuple(caught.value.trailing_metadata() or ())


async def test_wrong_transitions_are_refused_and_change_nothing(served: Served) -> None:
    await open_desk(served, "desk-01")
    await issue(served)
    await call_next(served, "desk-01")
    before = await served.queue.GetQueueState(queue_pb2.GetQueueStateRequest())
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await served.queue.FinishService(queue_pb2.DeskRequest(desk_id="desk-01"))
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "start service before finishing it" in (caught.value.details() or "")
    after = await served.queue.GetQueueState(queue_pb2.GetQueueStateRequest())
    assert after.sequence == before.sequence


async def test_a_resent_request_is_answered_once(served: Served) -> None:
    first = await issue(served, request_id="kiosk-3:1001")
    again = await issue(served, request_id="kiosk-3:1001")
    assert again.id == first.id
    state = await served.queue.GetQueueState(queue_pb2.GetQueueStateRequest())
    assert [t.number for t in state.tickets] == ["А001"]


async def test_a_whole_visit_and_a_transfer_keep_the_number(served: Served) -> None:
    for desk in ("desk-01", "desk-12"):
        await open_desk(served, desk)
    ticket = await issue(served)
    await call_next(served, "desk-01")
    await served.queue.StartService(queue_pb2.DeskRequest(desk_id="desk-01"))
    moved = await served.queue.Transfer(
        queue_pb2.TransferRequest(desk_id="desk-01", to_service_id="property", comment="ЕГРН")
    )
    assert moved.ticket.number == ticket.number
    assert moved.ticket.service_id == "property"
    called = await call_next(served, "desk-12")
    assert called.ticket.id == ticket.id
    await served.queue.StartService(queue_pb2.DeskRequest(desk_id="desk-12"))
    done = await served.queue.FinishService(queue_pb2.DeskRequest(desk_id="desk-12"))
    assert done.ticket.state == common_pb2.TICKET_STATE_DONE
    fetched = await served.queue.GetTicket(queue_pb2.GetTicketRequest(ticket_id=ticket.id))
    assert fetched.state == common_pb2.TICKET_STATE_DONE


async def test_a_transfer_says_when_no_open_desk_can_call_the_visitor(served: Served) -> None:
    """Desk 12 serves property, no open desk serves the state duty (only desk 18 does)."""
    for desk in ("desk-01", "desk-12"):
        await open_desk(served, desk)
    answers = []
    for target in (
        {"to_service_id": "property"},
        {"to_service_id": "state-duty"},
        {"to_desk_id": "desk-12"},
        {"to_desk_id": "desk-18"},
    ):
        await issue(served)
        await call_next(served, "desk-01")
        moved = await served.queue.Transfer(queue_pb2.TransferRequest(desk_id="desk-01", **target))
        assert moved.ticket.state == common_pb2.TICKET_STATE_WAITING, "transferred either way"
        answers.append(moved.no_open_desk)
        if not moved.no_open_desk:
            called = await call_next(served, "desk-12")
            assert called.ticket.id == moved.ticket.id
            await served.queue.MarkNoShow(queue_pb2.DeskRequest(desk_id="desk-12"))
    assert answers == [False, True, False, True]


async def next_messages(
    stream: AsyncIterator[feed_pb2.FeedMessage], count: int
) -> list[feed_pb2.FeedMessage]:
    return [await asyncio.wait_for(anext(stream), 5) for _ in range(count)]


async def test_feed_starts_with_a_snapshot_then_follows_live(served: Served) -> None:
    # The fixture's PIN and sign-in are in the log already (docs/journal.md).
    start = served.hub.committed_seq
    await open_desk(served, "desk-01")
    await issue(served)
    stream = served.feed.Subscribe(feed_pb2.SubscribeRequest(after_sequence=0))
    (first,) = await next_messages(aiter(stream), 1)
    assert first.HasField("snapshot")
    assert first.snapshot.sequence == start + 2
    assert [t.number for t in first.snapshot.tickets] == ["А001"]
    await call_next(served, "desk-01")
    (live,) = await next_messages(aiter(stream), 1)
    assert live.event.sequence == start + 3
    assert live.event.kind == feed_pb2.EVENT_KIND_TICKET_CALLED
    assert live.event.ticket.number == "А001"
    assert live.event.desk.number == 1
    stream.cancel()


@pytest.mark.parametrize("memory", [20_000, 2], ids=["from-memory", "from-database"])
async def test_a_displaced_display_gets_exactly_what_it_missed(
    config_file: Path, tmp_path: Path, memory: int
) -> None:
    """A display that lost its link resumes from its last sequence: no gap, no repeat."""
    clock = SteppedClock()
    async with serve_hub(config_file, tmp_path / "hub.db", clock, feed_memory=memory) as served:
        await open_desk(served, "desk-01")
        stream = served.feed.Subscribe(feed_pb2.SubscribeRequest(after_sequence=0))
        (snapshot,) = await next_messages(aiter(stream), 1)
        last = snapshot.snapshot.sequence
        stream.cancel()
        for _ in range(5):
            await issue(served)
        await call_next(served, "desk-01")
        resumed = served.feed.Subscribe(feed_pb2.SubscribeRequest(after_sequence=last))
        missed = await next_messages(aiter(resumed), 6)
        assert [m.WhichOneof("body") for m in missed] == ["event"] * 6
        assert [m.event.sequence for m in missed] == list(range(last + 1, last + 7))
        assert [m.event.ticket.number for m in missed[:5]] == [f"А00{i}" for i in range(1, 6)]
        await issue(served)
        (live,) = await next_messages(aiter(resumed), 1)
        assert live.event.sequence == last + 7
        resumed.cancel()


async def test_a_restarted_hub_goes_on_from_its_database(config_file: Path, tmp_path: Path) -> None:
    clock = SteppedClock()
    async with serve_hub(config_file, tmp_path / "hub.db", clock) as served:
        await open_desk(served, "desk-01")
        await issue(served)
        await issue(served)
        await call_next(served, "desk-01")
        before = await served.queue.GetQueueState(queue_pb2.GetQueueStateRequest())
    async with serve_hub(config_file, tmp_path / "hub.db", clock) as served:
        after = await served.queue.GetQueueState(queue_pb2.GetQueueStateRequest())
        # On from where it was, plus the journal of the fixture's PIN and sign-in.
        assert after.sequence == before.sequence + 2
        assert list(after.tickets) == list(before.tickets)
        desk = next(d for d in after.desks if d.id == "desk-01")
        assert desk.state == common_pb2.DESK_STATE_OPEN
        assert desk.current_ticket_id.endswith("А001")
        assert (await issue(served)).number == "А003"


async def test_a_bad_configuration_is_refused_and_the_old_one_kept(served: Served) -> None:
    good = served.config.read_text()
    served.config.write_text(good.replace('prefix = "Б"', 'prefix = "А"'))
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await served.admin.ReloadConfig(admin_pb2.ReloadConfigRequest())
    assert caught.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    line = good.splitlines().index('prefix = "Б"') + 1
    assert f"line {line}" in (caught.value.details() or "")
    assert 'prefix "А" is used twice' in (caught.value.details() or "")
    assert (await issue(served, "foreign-passport")).number == "Б001"
    served.config.write_text(good.replace("max_recalls = 2", "max_recalls = 3", 1))
    reloaded = await served.admin.ReloadConfig(admin_pb2.ReloadConfigRequest())
    assert reloaded.changed
    branch = await served.admin.GetBranch(admin_pb2.GetBranchRequest())
    assert branch.config_digest == reloaded.config_digest


async def test_a_failed_commit_acknowledges_nothing(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the disk refuses a write, the visitor gets no number, and no number is skipped."""

    def broken_disk(events: object) -> None:
        raise OSError("disk I/O error")

    with monkeypatch.context() as patch:
        patch.setattr(served.hub._repository, "append", broken_disk)
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await issue(served)
    assert caught.value.code() == grpc.StatusCode.UNAVAILABLE
    assert "was not made: try again" in (caught.value.details() or "")
    assert (await issue(served)).number == "А001"


async def test_health_and_lists(served: Served) -> None:
    health = health_pb2_grpc.HealthStub(served.channel)
    status = await health.Check(health_pb2.HealthCheckRequest(service="okno.v1.QueueService"))
    assert status.status == health_pb2.HealthCheckResponse.SERVING
    services = await served.admin.ListServices(admin_pb2.ListServicesRequest())
    assert len(services.services) == 13
    duty = next(s for s in services.services if s.id == "state-duty")
    assert (duty.fee_kopecks, duty.fee_purpose) == (50000, "Госпошлина за выдачу выписки")
    bookable = {s.id for s in services.services if s.bookable}
    assert "passport" in bookable and "state-duty" not in bookable
    desks = await served.admin.ListDesks(admin_pb2.ListDesksRequest())
    assert [d.number for d in desks.desks] == list(range(1, 21))


async def test_a_hub_restarted_the_next_morning_ends_yesterday(
    config_file: Path, tmp_path: Path
) -> None:
    clock = SteppedClock()
    async with serve_hub(config_file, tmp_path / "hub.db", clock) as served:
        await open_desk(served, "desk-01")
        await issue(served)
        await issue(served)
        await call_next(served, "desk-01")
    clock.advance(24 * 60)
    async with serve_hub(config_file, tmp_path / "hub.db", clock) as served:
        state = await served.queue.GetQueueState(queue_pb2.GetQueueStateRequest())
        assert list(state.tickets) == []
        assert all(d.state == common_pb2.DESK_STATE_CLOSED for d in state.desks)
        fresh = await issue(served)
        assert fresh.number == "А001"
        assert fresh.day == "2026-11-24"


async def test_oversized_strings_are_refused_before_they_reach_anything(served: Served) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await served.queue.IssueTicket(queue_pb2.IssueTicketRequest(service_id="x" * 100_000))
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert caught.value.details() == "service_id is 100000 characters long; at most 64 are accepted"


async def test_the_hall_feed_never_carries_an_operators_comment(served: Served) -> None:
    await open_desk(served, "desk-01")
    await issue(served)
    await call_next(served, "desk-01")
    stream = served.feed.Subscribe(
        feed_pb2.SubscribeRequest(after_sequence=served.hub.committed_seq)
    )
    await served.queue.Transfer(
        queue_pb2.TransferRequest(
            desk_id="desk-01", to_service_id="egrn", comment="Петров, нет паспорта"
        )
    )
    (moved,) = await next_messages(aiter(stream), 1)
    assert moved.event.kind == feed_pb2.EVENT_KIND_TICKET_TRANSFERRED
    assert moved.event.detail == ""
    stream.cancel()


async def test_the_kiosk_gets_the_service_groups_and_the_ticket_page(served: Served) -> None:
    listed = await served.admin.ListServices(admin_pb2.ListServicesRequest())
    groups = {g.id: g for g in listed.groups}
    assert groups, "the example branch groups its services"
    assert all(s.group_id in groups for s in listed.services if s.group_id)
    assert all(g.name_ru and g.name_en for g in groups.values())
    branch = await served.admin.GetBranch(admin_pb2.GetBranchRequest())
    assert "{ticket}" in branch.ticket_page_url
