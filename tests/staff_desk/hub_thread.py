"""A real hub behind its real doors on loopback, served from its own thread and loop, for
tests that run Qt.

Qt's event loop needs the test's main thread (pytest-qt waits by spinning it), so the
hub cannot share the test's asyncio loop: it gets a thread of its own, and the test
hands it coroutines with :meth:`HubThread.run`.
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import grpc

from hub.api.server import create_device_server, create_server
from hub.doors import names_for
from okno.runtime.channels import mutual_tls
from okno.runtime.identity import DeviceKey
from protos.okno.v1 import payments_pb2, payments_pb2_grpc, queue_pb2
from tests.hub.conftest import Served, SteppedClock, serve_hub
from tests.hub.devices import enrolled

T = TypeVar("T")
Q = TypeVar("Q")
WAIT_S = 10.0
# The network port and the device port: what stop_serving silences (the admin socket stays).
NETWORK, DEVICES = 0, 2


class HubThread:
    def __init__(self, config: Path, db: Path, clock: SteppedClock) -> None:
        self.clock = clock
        self._config, self._db = config, db
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="test-hub")
        self._stack = contextlib.AsyncExitStack()
        self._terminal: grpc.aio.Channel | None = None
        self.served: Served

    def __enter__(self) -> HubThread:
        self._thread.start()
        self.served = self.run(
            lambda: self._stack.enter_async_context(serve_hub(self._config, self._db, self.clock))
        )
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            terminal = self._terminal
            if terminal is not None:
                self.run(terminal.close)
            self.run(self._stack.aclose)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(WAIT_S)
            self._loop.close()

    @property
    def address(self) -> str:
        """The hub's network port, where staff sign in over TLS."""
        return self.served.address

    @property
    def ca_pem(self) -> bytes:
        """The branch CA a staff tool trusts (what ``--hub-ca`` names)."""
        return self.served.ca_pem

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
        """An approved card payment of the service's fee (as the branch configures it), made
        by the kiosk's terminal: an admitted payment_terminal device, as only it may."""
        fee = next(s for s in self.served.hub.loaded.branch.services if s.id == service)
        payments = payments_pb2_grpc.PaymentsStub(self.run(self._terminal_channel))
        begun = self.run(
            lambda: payments.Begin(
                payments_pb2.BeginPaymentRequest(
                    idempotency_key=key,
                    service_id=service,
                    amount_kopecks=fee.fee_kopecks,
                    purpose=fee.fee_purpose,
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

    async def _terminal_channel(self) -> grpc.aio.Channel:
        """The payment terminal's channel to the device port, admitted on first use."""
        if self._terminal is None:
            with tempfile.TemporaryDirectory(prefix="okno-terminal-") as folder:
                key = DeviceKey.load_or_create(Path(folder))
                credentials = await enrolled(self.served, key, "payment_terminal", "T-1")
            self._terminal = mutual_tls(self.served.device_address, credentials)()
        return self._terminal

    def stop_serving(self) -> None:
        """The hub's network and device ports go silent (the hub keeps its state and sessions)."""
        servers = self.served.doors.servers
        self.run(lambda: asyncio.gather(servers[NETWORK].stop(0), servers[DEVICES].stop(0)))

    def serve_again(self) -> None:
        """Listen again on the same two ports, with the same hub and its branch CA."""
        address, device_address = self.served.address, self.served.device_address

        async def again() -> None:
            hub = self.served.hub
            names = names_for(address)
            network, _ = await create_server(hub, address, names)
            devices, _ = await create_device_server(hub, device_address, names)
            await network.start()
            await devices.start()
            self.served.doors.servers[NETWORK] = network
            self.served.doors.servers[DEVICES] = devices

        self.run(again)
