"""A real hub on loopback, served from its own thread and loop, for tests that run Qt.

Qt's event loop needs the test's main thread (pytest-qt waits by spinning it), so the
hub cannot share the test's asyncio loop: it gets a thread of its own, and the test
hands it coroutines with :meth:`HubThread.run`.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import grpc

from hub.api.server import create_server
from protos.okno.v1 import payments_pb2, payments_pb2_grpc, queue_pb2
from tests.hub.conftest import Served, SteppedClock, serve_hub

T = TypeVar("T")
Q = TypeVar("Q")
WAIT_S = 10.0


class HubThread:
    def __init__(self, config: Path, db: Path, clock: SteppedClock) -> None:
        self.clock = clock
        self._config, self._db = config, db
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="test-hub")
        self._stack = contextlib.AsyncExitStack()
        self._replacement: grpc.aio.Server | None = None
        self.served: Served
        self.port = 0

    def __enter__(self) -> HubThread:
        self._thread.start()
        self.served = self.run(
            lambda: self._stack.enter_async_context(serve_hub(self._config, self._db, self.clock))
        )
        self.port = int(self.served.address.rsplit(":", 1)[1])
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            replacement = self._replacement
            if replacement is not None:
                self.run(lambda: replacement.stop(0))
            self.run(self._stack.aclose)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(WAIT_S)
            self._loop.close()

    @property
    def address(self) -> str:
        return self.served.address

    def run(self, make: Callable[[], Awaitable[T]]) -> T:
        """Make and await something (a coroutine, a gRPC call) on the hub's loop; its result.

        Made there, not here: a gRPC call belongs to the loop of the thread that starts it.
        """

        async def wait() -> T:
            return await make()

        return asyncio.run_coroutine_threadsafe(wait(), self._loop).result(WAIT_S)

    def call(self, method: Callable[[Q], Awaitable[T]], request: Q) -> T:
        """One gRPC call (``served.queue.OpenDesk``...) made on the hub's loop."""
        return self.run(lambda: method(request))

    def issue(self, service: str = "passport", payment_id: int = 0) -> str:
        """A new ticket's number (taken after paying the fee when ``payment_id``)."""
        request = queue_pb2.IssueTicketRequest(service_id=service, payment_id=payment_id)
        response = self.run(lambda: self.served.queue.IssueTicket(request))
        return response.ticket.number

    def pay(self, key: str, service: str = "passport") -> int:
        """An approved card payment of the service's fee, as the kiosk's terminal makes one."""
        payments = payments_pb2_grpc.PaymentsStub(self.served.channel)
        begun = self.run(
            lambda: payments.Begin(
                payments_pb2.BeginPaymentRequest(
                    idempotency_key=key,
                    service_id=service,
                    amount_kopecks=500_00,
                    purpose="Госпошлина",
                    terminal_id="payment_terminal-T-1",
                )
            )
        )
        approved = payments_pb2.SettlePaymentRequest(
            payment_id=begun.payment_id,
            state=payments_pb2.PAYMENT_STATE_APPROVED,
            terminal_receipt="1",
        )
        self.run(lambda: payments.Settle(approved))
        return begun.payment_id

    def stop_serving(self) -> None:
        """The hub's port goes silent (the hub itself keeps its state and sessions)."""
        server = self._replacement or self.served.server
        self.run(lambda: server.stop(0))

    def serve_again(self) -> None:
        """Listen again on the same port, with the same hub."""

        async def again() -> grpc.aio.Server:
            server, _ = await create_server(self.served.hub, f"127.0.0.1:{self.port}")
            await server.start()
            return server

        self._replacement = self.run(again)
