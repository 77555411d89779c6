"""The one mapping from hub errors to gRPC status codes."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, cast

import grpc
from google.protobuf.message import Message

from hub.errors import (
    ConfigError,
    DeviceRefused,
    HubError,
    InvalidRequest,
    NotFound,
    Refused,
    RoleRequired,
    StaffOnly,
    StoreUnavailable,
    TooManyAttempts,
    TooManyWaiting,
    Unauthenticated,
)
from okno.logtext import oneline

log = logging.getLogger(__name__)

_CODES: tuple[tuple[type[HubError], grpc.StatusCode], ...] = (
    (TooManyAttempts, grpc.StatusCode.RESOURCE_EXHAUSTED),
    (TooManyWaiting, grpc.StatusCode.RESOURCE_EXHAUSTED),
    (DeviceRefused, grpc.StatusCode.PERMISSION_DENIED),
    (StaffOnly, grpc.StatusCode.PERMISSION_DENIED),
    (RoleRequired, grpc.StatusCode.PERMISSION_DENIED),
    (Unauthenticated, grpc.StatusCode.UNAUTHENTICATED),
    (NotFound, grpc.StatusCode.NOT_FOUND),
    (InvalidRequest, grpc.StatusCode.INVALID_ARGUMENT),
    (Refused, grpc.StatusCode.FAILED_PRECONDITION),
    (ConfigError, grpc.StatusCode.FAILED_PRECONDITION),
    (StoreUnavailable, grpc.StatusCode.UNAVAILABLE),
)


def status_code(error: HubError) -> grpc.StatusCode:
    for kind, code in _CODES:
        if isinstance(error, kind):
            return code
    return grpc.StatusCode.FAILED_PRECONDITION


# Ids are short by design; free text is a sentence, not a document. Anything longer is
# refused before it reaches the engine, the log or an error message.
MAX_ID = 64
MAX_TEXT = 500
MAX_BYTES = 16 * 1024
_LONGER = {
    "comment": MAX_TEXT,
    "reason": MAX_TEXT,
    "payload_json": MAX_BYTES,
    "email": 254,
    # A card-identified visitor's full name (IssueTicketRequest.visitor_name).
    "visitor_name": 200,
    # A state fee's purpose as the state payments system takes it.
    "purpose": 210,
}


def check_sizes(request: Message) -> None:
    """Refuse a request whose strings are longer than any real one could be.

    A nested message's strings too (``Resolve``'s ``last.terminal_receipt``): a size
    limit a sub-message escapes lets a 3 MB receipt into the database and the sync.
    """
    for field, value in request.ListFields():
        if isinstance(value, Message):
            check_sizes(value)
        if isinstance(value, bytes) and len(value) > MAX_BYTES:
            raise InvalidRequest(f"{field.name} has {len(value)} bytes; at most {MAX_BYTES}")
        if not isinstance(value, str):
            continue
        limit = _LONGER.get(field.name, MAX_ID)
        if len(value) > limit:
            raise InvalidRequest(
                f"{field.name} is {len(value)} characters long; at most {limit} are accepted"
            )


S = TypeVar("S")
Q = TypeVar("Q")
R = TypeVar("R")
Context = grpc.aio.ServicerContext[Any, Any]


def rpc(
    method: Callable[[S, Q, Context], Awaitable[R]],
) -> Callable[[S, Q, Context], Awaitable[R]]:
    """Answer a HubError with its status code and its message, the error's code in metadata."""

    @functools.wraps(method)
    async def wrapper(servicer: S, request: Q, context: Context) -> R:
        try:
            if isinstance(request, Message):
                check_sizes(request)
            return await method(servicer, request, context)
        except HubError as error:
            code = status_code(error)
            # A business refusal (a full slot, a code too early) is an answer, not an
            # incident: worth a line only when debugging; anything else is logged.
            level = logging.DEBUG if code is grpc.StatusCode.FAILED_PRECONDITION else logging.INFO
            log.log(
                level,
                "refused rpc=%s code=%s reason=%s",
                method.__name__,
                error.code,
                oneline(error),
            )
            facts = tuple((f"okno-{name}", value) for name, value in error.facts().items())
            context.set_trailing_metadata((("okno-error", error.code), *facts))
            # Not context.abort(): it raises through gRPC's machinery and cost more than
            # the booking it refused. With a status set, the response is never sent.
            context.set_code(code)
            context.set_details(str(error))
            return cast(R, None)

    return wrapper
