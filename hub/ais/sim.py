"""The information system's side of ``okno.v1.Applications/SetStatus``, in bursts.

It signs in as its staff account, sends a :class:`~hub.ais.plan.Plan` with many calls in
flight at once, and tallies each answer strictly, as a real system must: a change counts
as applied only when the hub answered ``applied=true``; ``applied=false`` is "applied
before"; any refusal is kept with its code and never counted as applied. It does not
retry (examples/ais_client.py shows that): a lost answer shows up as a change missing.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from dataclasses import dataclass, field

import grpc

from hub.ais.errors import SignInRefused
from hub.ais.plan import Kind, Plan, Push
from okno.bench import percentile
from okno.signin import signed_in_channel
from protos.okno.v1 import applications_pb2, applications_pb2_grpc

log = logging.getLogger(__name__)
TIMEOUT_S = 30.0


@dataclass
class Seen:
    """What the hub answered, by change id."""

    applied: Counter[str] = field(default_factory=Counter)
    applied_before: Counter[str] = field(default_factory=Counter)
    # (change id, the hub's error code "stale_change" or gRPC's status of a failed call).
    refused: list[tuple[str, str]] = field(default_factory=list)
    # Change ids answered applied=true with another status than the one sent.
    wrong: list[str] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    burst_s: float = 0.0


@dataclass(frozen=True, slots=True)
class Verdict:
    """The plan against what was seen: whether each kind of change was handled right."""

    sent: int
    new: int
    applied_once: int
    applied_twice: int
    missing: int
    resends: int
    answered_applied_before: int
    stale: int
    stale_refused: int
    stale_applied: int
    wrong_status: int
    refusals: dict[str, int]
    burst_changes: int
    burst_s: float
    p50_ms: float
    p99_ms: float

    @property
    def exactly_once(self) -> bool:
        """Every new change applied once, every resend answered as applied before, every stale
        change refused, and every applied answer showing the status sent."""
        return (
            self.applied_once == self.new
            and self.answered_applied_before == self.resends
            and self.stale_refused == self.stale
            and not self.applied_twice + self.stale_applied + self.wrong_status
        )

    @property
    def changes_per_s(self) -> float:
        return self.burst_changes / self.burst_s if self.burst_s else 0.0


class SimulatedInformationSystem:
    """АИС МФЦ pushing status changes over ``channel`` (signed in as its account)."""

    def __init__(self, channel: grpc.aio.Channel, *, in_flight: int = 64) -> None:
        self._stub = applications_pb2_grpc.ApplicationsStub(channel)
        self._in_flight = in_flight

    async def push(self, plan: Plan) -> Verdict:
        """Send the burst with up to ``in_flight`` calls at once, then the late changes."""
        seen = Seen()
        started = time.perf_counter()
        await self._send(plan.burst, seen)
        seen.burst_s = time.perf_counter() - started
        await self._send(plan.late, seen)
        verdict = judge(plan, seen)
        log.info(
            "ais sim pushed sent=%d applied=%d applied_before=%d stale_refused=%d "
            "refused=%s exactly_once=%s",
            verdict.sent,
            verdict.applied_once,
            verdict.answered_applied_before,
            verdict.stale_refused,
            ",".join(f"{code}:{n}" for code, n in sorted(verdict.refusals.items())) or "none",
            verdict.exactly_once,
        )
        return verdict

    async def _send(self, pushes: tuple[Push, ...], seen: Seen) -> None:
        gate = asyncio.Semaphore(self._in_flight)

        async def one(push: Push) -> None:
            async with gate:
                await self._call(push, seen)

        await asyncio.gather(*(one(p) for p in pushes))

    async def _call(self, push: Push, seen: Seen) -> None:
        request = applications_pb2.SetApplicationStatusRequest(
            number=push.number,
            status=push.status,
            reason=push.reason,
            change_id=push.change_id,
            changed_at_unix_ms=push.changed_at_ms,
        )
        sent = time.perf_counter()
        try:
            reply = await self._stub.SetStatus(request, timeout=TIMEOUT_S)
        except grpc.aio.AioRpcError as error:
            trailers = dict(error.trailing_metadata() or ())
            code = str(trailers.get("okno-error") or error.code().name)
            seen.refused.append((push.change_id, code))
            return
        finally:
            seen.latencies_ms.append((time.perf_counter() - sent) * 1000)
        if not reply.applied:
            seen.applied_before[push.change_id] += 1
            return
        seen.applied[push.change_id] += 1
        if reply.application.status != push.status:
            seen.wrong.append(push.change_id)


def judge(plan: Plan, seen: Seen) -> Verdict:
    """Hold what was seen against the plan; nothing refused counts as applied."""
    new = {p.change_id for p in plan.of(Kind.NEW)}
    stale = {p.change_id for p in plan.of(Kind.STALE)}
    refusals = Counter(code for change, code in seen.refused if change not in stale)
    stale_refused = {change for change, code in seen.refused if code == "stale_change"} & stale
    return Verdict(
        sent=len(plan.pushes),
        new=len(new),
        applied_once=sum(1 for c in new if seen.applied[c] == 1),
        applied_twice=sum(1 for c in new if seen.applied[c] > 1),
        missing=sum(1 for c in new if not seen.applied[c]),
        resends=len(plan.of(Kind.RESEND)),
        answered_applied_before=sum(seen.applied_before[c] for c in new),
        stale=len(stale),
        stale_refused=len(stale_refused),
        stale_applied=sum(1 for c in stale if seen.applied[c]),
        wrong_status=len(seen.wrong),
        refusals=dict(refusals),
        burst_changes=len(plan.burst),
        burst_s=seen.burst_s,
        p50_ms=percentile(seen.latencies_ms, 50) if seen.latencies_ms else 0.0,
        p99_ms=percentile(seen.latencies_ms, 99) if seen.latencies_ms else 0.0,
    )


async def signed_in(address: str, ca_pem: bytes, account: str, pin: str) -> grpc.aio.Channel:
    """A channel of the information system's ``account``; the caller closes it."""
    try:
        return await signed_in_channel(address, ca_pem, account, pin)
    except grpc.aio.AioRpcError as error:
        raise SignInRefused(
            f"the hub at {address} did not sign {account} in ({error.code().name}): check "
            f"that it runs there and the account's PIN (okno hub staff set-pin {account})"
        ) from error
