"""The one mapping from hub errors to gRPC status codes."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import grpc

from hub.errors import (
    ConfigError,
    HubError,
    InvalidRequest,
    NotFound,
    Refused,
    StoreUnavailable,
)

log = logging.getLogger(__name__)

_CODES: tuple[tuple[type[HubError], grpc.StatusCode], ...] = (
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
            return await method(servicer, request, context)
        except HubError as error:
            code = status_code(error)
            log.info("refused rpc=%s code=%s reason=%s", method.__name__, error.code, error)
            context.set_trailing_metadata((("okno-error", error.code),))
            await context.abort(code, str(error))
            raise AssertionError("abort() raises") from error

    return wrapper
