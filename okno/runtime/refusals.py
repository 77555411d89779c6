"""How a device program reads a failed call to the hub: a refusal the hub explains, or
no answer at all.

The hub puts its stable refusal code in the trailing metadata ``okno-error`` and the
refusal's facts beside it (``okno-slot-ms``...). Any other failure is the hub not
answering as a hub: down, too slow, or not trusting this device (its certificate revoked);
a program shows that as "out of service" rather than as a visitor's mistake.
A call that changes something is asked again with the same request id while the hub does
not answer (:func:`retried`): the hub answers a repeated id with what it already did.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import grpc

log = logging.getLogger(__name__)
R = TypeVar("R")

RETRY_S = 0.1

NO_ANSWER = frozenset(
    {
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.DEADLINE_EXCEEDED,
        grpc.StatusCode.CANCELLED,
        grpc.StatusCode.UNKNOWN,
        grpc.StatusCode.INTERNAL,
        grpc.StatusCode.PERMISSION_DENIED,
        grpc.StatusCode.UNAUTHENTICATED,
    }
)


@dataclass(frozen=True, slots=True)
class Refusal:
    """The hub's refusal: its code (``okno-error``, or the gRPC status' name), its words and
    its facts (the other ``okno-`` metadata, without the prefix)."""

    reason: str
    details: str
    facts: dict[str, str] = field(default_factory=dict)


def refusal(error: grpc.aio.AioRpcError) -> Refusal | None:
    """The hub's refusal in ``error``; None when the hub did not answer."""
    metadata = {str(k): str(v) for k, v in (error.trailing_metadata() or ())}
    reason = metadata.pop("okno-error", "")
    details = error.details() or ""
    if reason:
        facts = {k.removeprefix("okno-"): v for k, v in metadata.items() if k.startswith("okno-")}
        return Refusal(reason, details, facts)
    if error.code() in NO_ANSWER:
        return None
    return Refusal(error.code().name.lower(), details)


def no_answer(error: grpc.aio.AioRpcError) -> str:
    """What the log and the technician are told of a hub that did not answer."""
    return f"the hub did not answer: {error.code().name} {error.details() or ''}".strip()


async def retried(
    call: Callable[..., Awaitable[R]],
    request: Any,
    *,
    deadline_s: float,
    within_s: float,
    monotonic: Callable[[], float] = time.monotonic,
) -> R:
    """The call's answer, asked again (the same request) while the hub does not answer, for
    up to ``within_s``; each try waits ``deadline_s`` at most. A refusal, or the last
    failure, is raised as gRPC's error."""
    deadline = monotonic() + within_s
    while True:
        left = deadline - monotonic()
        try:
            return await call(request, timeout=max(0.05, min(deadline_s, left)))
        except grpc.aio.AioRpcError as error:
            if refusal(error) is not None or monotonic() + RETRY_S >= deadline:
                raise
            log.info("hub no answer code=%s retry=same-request-id", error.code().name)
        await asyncio.sleep(RETRY_S)
