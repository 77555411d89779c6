"""Requests whose bytes do not parse: refused INVALID_ARGUMENT with one warning line.

grpc.aio parses a request inside its own machinery; a ``DecodeError`` there answers
UNKNOWN and logs a full traceback, once per call, so anyone who can reach the port can
fill the log with them. :class:`MalformedRequests` wraps each handler's parser so that
such bytes become a marker, and the handler refuses the marker before the servicer sees
it. Requests that arrive as a stream keep grpc's own handling (their servicers read
the stream themselves). It keeps, per method, the handler the rest of the chain gave it
the first time: put it last among a server's interceptors, so that one deciding per call
(by the caller's credentials, say) is never skipped.
"""

from __future__ import annotations

import abc
import inspect
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import grpc
from google.protobuf.message import DecodeError

if TYPE_CHECKING:
    # Generic in the stubs only: grpc's class takes no type arguments at run time.
    Handler = grpc.RpcMethodHandler[Any, Any]

log = logging.getLogger(__name__)

Parse = Callable[[bytes], Any]
Context = grpc.aio.ServicerContext[Any, Any]
# What a grpc.aio handler holds (the stubs describe grpc's synchronous ones).
Unary = Callable[[Any, Context], Awaitable[Any]]
Streamed = Callable[[Any, Context], AsyncIterator[Any]]


@dataclass(frozen=True, slots=True)
class _Unparsed:
    """What a request's bytes became when they were not a message of the RPC's type."""

    why: str


class PerMethod(grpc.aio.ServerInterceptor):
    """An interceptor that wraps each method's handler once, in :meth:`wrap`.

    A method's handler never changes once the server runs: wrapped once per method the
    server has (names that it lacks are not kept, or they would fill memory).
    """

    def __init__(self) -> None:
        self._wrapped: dict[str, Handler] = {}

    @abc.abstractmethod
    def wrap(self, method: str, handler: Handler) -> Handler:
        """The handler to serve ``method`` with in place of ``handler``."""

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[Handler | None]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> Handler | None:
        method = handler_call_details.method
        wrapped = self._wrapped.get(method)
        if wrapped is None:
            handler = await continuation(handler_call_details)
            if handler is None:
                # No such method: grpc answers UNIMPLEMENTED itself.
                return handler
            wrapped = self._wrapped[method] = self.wrap(method, handler)
        return wrapped


class MalformedRequests(PerMethod):
    """Answer bytes that are not the RPC's request message with INVALID_ARGUMENT."""

    def wrap(self, method: str, handler: Handler) -> Handler:
        return _guarded(method, handler)


def _guarded(method: str, handler: Handler) -> Handler:
    if handler.request_streaming or handler.request_deserializer is None:
        return handler
    parse = _parser(handler.request_deserializer)
    if handler.response_streaming and not inspect.isasyncgenfunction(handler.unary_stream):
        # grpc's own servicers (health's Watch) write with context.write instead of yielding.
        writes = cast(Unary, handler.unary_stream)

        async def written(request: Any, context: Any) -> None:
            if isinstance(request, _Unparsed):
                await _refuse(method, request, context)
            await writes(request, context)

        return grpc.unary_stream_rpc_method_handler(
            written, request_deserializer=parse, response_serializer=handler.response_serializer
        )
    if handler.response_streaming:
        stream = cast(Streamed, handler.unary_stream)

        async def streamed(request: Any, context: Any) -> AsyncIterator[Any]:
            if isinstance(request, _Unparsed):
                await _refuse(method, request, context)
            async for reply in stream(request, context):
                yield reply

        return grpc.unary_stream_rpc_method_handler(
            streamed, request_deserializer=parse, response_serializer=handler.response_serializer
        )
    unary = cast(Unary, handler.unary_unary)

    async def answered(request: Any, context: Any) -> Any:
        if isinstance(request, _Unparsed):
            await _refuse(method, request, context)
        return await unary(request, context)

    return grpc.unary_unary_rpc_method_handler(
        answered, request_deserializer=parse, response_serializer=handler.response_serializer
    )


def _parser(parse: Parse) -> Parse:
    def tolerant(data: bytes) -> Any:
        try:
            return parse(data)
        except DecodeError as error:
            return _Unparsed(str(error))

    return tolerant


async def _refuse(method: str, request: _Unparsed, context: Context) -> None:
    # The method is one the server has (an unknown one never gets here) and the reason
    # is protobuf's own sentence: nothing of the sender's bytes reaches the log.
    log.warning("malformed request refused rpc=%s reason=%s", method, request.why)
    await context.abort(
        grpc.StatusCode.INVALID_ARGUMENT,
        f"the request is not a valid {method} message ({request.why}): "
        "send the message the .proto describes",
    )
