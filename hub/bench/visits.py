"""A visitor served from ticket to finish on an in-process hub: what benchmarks and tests of
what follows a visit (applications, ratings) start from."""

from __future__ import annotations

from hub.domain.model import DeskState
from hub.service import Hub


async def serve_one(
    hub: Hub, service: str = "passport", *, desk: str = "", operator_id: str = ""
) -> str:
    """Issue a ticket of ``service``, call, start and finish it at ``desk`` (by default the
    first desk serving it), opening the desk as ``operator_id`` unless it is open so already;
    the finished ticket's id."""
    desk_id = desk or next(d.id for d in hub.loaded.branch.desks if service in d.services)
    held = hub.engine.desk(desk_id)
    if held.state is not DeskState.OPEN or held.operator_id != operator_id:
        await hub.run(lambda e, now: e.open_desk(desk_id, now, operator_id=operator_id))
    await hub.run(lambda e, now: e.issue(service, now))
    await hub.run(lambda e, now: e.call_next(desk_id, now))
    await hub.run(lambda e, now: e.start(desk_id, now))
    done = await hub.run(lambda e, now: e.finish(desk_id, now))
    assert done.ticket is not None
    return done.ticket.id
