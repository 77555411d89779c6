"""The check every call passes before any servicer runs: who is calling, and may they.

Each of the hub's servers has a door, and the door says how a caller proves who they are:
the device port (mutual TLS: the certificate, checked against the registry on every
call, so a revoked device is refused at once), the network port (server TLS: a staff
token, or nobody), the Unix socket (its file permissions: the hub machine's
administrator). The caller's kinds are then looked up in hub.api.permissions.TABLE.
Streams are checked again every ``RECHECK_S`` while open, so revoking a device or ending
a session cuts the streams it holds. Servicers read the caller with :func:`current`.
"""

from __future__ import annotations

import asyncio
import contextvars
import enum
import inspect
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import grpc

from hub.api import permissions
from hub.api.status import Context, status_code
from hub.api.tokens import caller as staff_caller
from hub.devices.registry import Device
from hub.errors import ForgedCertificate, HubError, NotAllowed, SignInRequired
from hub.journal import acting_as
from hub.service import Hub
from hub.staff import SignedIn
from okno.malformed import PerMethod

if TYPE_CHECKING:
    Handler = grpc.RpcMethodHandler[Any, Any]

log = logging.getLogger(__name__)
RECHECK_S = 1.0


class Door(enum.Enum):
    DEVICES = "devices"
    NETWORK = "network"
    LOCAL = "local"


@dataclass(frozen=True, slots=True)
class Caller:
    """Who a call comes from: a device, a signed-in person, the local administrator, or nobody."""

    kinds: frozenset[str]
    device: Device | None = None
    staff: SignedIn | None = None

    @property
    def label(self) -> str:
        """For the log: an id, never a name."""
        if self.device is not None:
            return f"device:{self.device.id}"
        if self.staff is not None:
            return f"staff:{self.staff.operator_id}"
        return "local" if permissions.LOCAL in self.kinds else "anonymous"


STRANGER = Caller(frozenset())
LOCAL_ADMINISTRATOR = Caller(frozenset({permissions.LOCAL}))
_current: contextvars.ContextVar[Caller] = contextvars.ContextVar("caller", default=STRANGER)


def current() -> Caller:
    """The caller of the RPC being served (STRANGER outside one)."""
    return _current.get()


class Doorkeeper(PerMethod):
    """Refuse a call whose caller the permission table does not name; remember who it is."""

    def __init__(self, hub: Hub, door: Door) -> None:
        super().__init__()
        self._hub = hub
        self._door = door

    def identify(self, context: Context) -> Caller:
        """The caller as this door knows them; HubError when their proof is not good."""
        if self._door is Door.LOCAL:
            return LOCAL_ADMINISTRATOR
        if self._door is Door.DEVICES:
            device = self._device(context)
            return Caller(frozenset({device.kind}), device=device)
        session = staff_caller(context, self._hub.staff)
        if session is None:
            return STRANGER
        return Caller(frozenset(session.roles), staff=session)

    def _device(self, context: Context) -> Device:
        certificate = next(iter(context.auth_context().get("x509_pem_cert", ())), None)
        if certificate is None:
            raise ForgedCertificate("no client certificate: enroll the device first")
        return self._hub.fleet.identify(certificate)

    async def _admit(self, method: str, context: Context) -> Caller:
        try:
            who = self.identify(context)
            if not permissions.allowed(method, who.kinds):
                raise (NotAllowed if who.kinds else SignInRequired)(_refusal(method, who))
        except HubError as error:
            await self._refuse(method, error, context)
        _current.set(who)
        acting_as(who.label, self._door.value)
        return who

    async def _refuse(self, method: str, error: HubError, context: Context) -> None:
        log.info("call refused rpc=%s door=%s code=%s", method, self._door.value, error.code)
        # The stable code as every refusal carries it (hub.api.status.rpc): clients branch on
        # it (signed_out: sign in again; revoked: re-enroll), not on the words.
        await context.abort(status_code(error), str(error), (("okno-error", error.code),))

    def wrap(self, method: str, handler: Handler) -> Handler:
        serialize = handler.response_serializer
        parse = handler.request_deserializer
        if handler.unary_unary is not None:
            unary = cast(Callable[[Any, Context], Awaitable[Any]], handler.unary_unary)

            async def answered(request: Any, context: Context) -> Any:
                await self._admit(method, context)
                return await unary(request, context)

            return grpc.unary_unary_rpc_method_handler(
                answered, request_deserializer=parse, response_serializer=serialize
            )
        if handler.unary_stream is not None and not inspect.isasyncgenfunction(
            handler.unary_stream
        ):
            # grpc's own servicers (health's Watch) write with context.write, not yield.
            writes = cast(Callable[[Any, Context], Awaitable[None]], handler.unary_stream)

            async def written(request: Any, context: Context) -> None:
                await self._admit(method, context)
                await writes(request, context)

            return grpc.unary_stream_rpc_method_handler(
                written, request_deserializer=parse, response_serializer=serialize
            )
        if handler.unary_stream is not None:
            stream = cast(Callable[[Any, Context], AsyncIterator[Any]], handler.unary_stream)

            async def streamed(request: Any, context: Context) -> AsyncIterator[Any]:
                who = await self._admit(method, context)
                async for reply in self._watched(method, who, stream(request, context), context):
                    yield reply

            return grpc.unary_stream_rpc_method_handler(
                streamed, request_deserializer=parse, response_serializer=serialize
            )
        both = cast(Callable[[Any, Context], AsyncIterator[Any]], handler.stream_stream)

        async def conversed(requests: Any, context: Context) -> AsyncIterator[Any]:
            # The device session cuts itself when its device is revoked.
            await self._admit(method, context)
            async for reply in both(requests, context):
                yield reply

        return grpc.stream_stream_rpc_method_handler(
            conversed, request_deserializer=parse, response_serializer=serialize
        )

    async def _watched(
        self, method: str, who: Caller, replies: AsyncIterator[Any], context: Context
    ) -> AsyncIterator[Any]:
        """``replies`` while the caller's proof still holds; cut within RECHECK_S after."""
        task = asyncio.current_task()
        assert task is not None
        cut: list[HubError] = []

        def recheck() -> None:
            try:
                again = self.identify(context)
                if not permissions.allowed(method, again.kinds):
                    raise (NotAllowed if again.kinds else SignInRequired)(_refusal(method, again))
            except HubError as error:
                cut.append(error)
                task.cancel()
                return
            handle[0] = loop.call_later(RECHECK_S, recheck)

        loop = asyncio.get_running_loop()
        handle = [loop.call_later(RECHECK_S, recheck)]
        try:
            async for reply in replies:
                yield reply
        except asyncio.CancelledError:
            if not cut:
                raise
            task.uncancel()
            log.info("stream cut rpc=%s caller=%s code=%s", method, who.label, cut[0].code)
            await context.abort(
                status_code(cut[0]),
                f"{cut[0]}: the stream was cut",
                (("okno-error", cut[0].code),),
            )
        finally:
            handle[0].cancel()


def _refusal(method: str, who: Caller) -> str:
    name = method.rsplit("/", 1)[-1]
    if not who.kinds:
        return f"{name} needs a sign-in: sign in as staff, or enroll the device (docs/security.md)"
    kinds = ", ".join(sorted(who.kinds))
    return (
        f"{name} is not for a caller who is {kinds}: see the permission table in docs/security.md"
    )
