"""The device's side of its session with the hub: kept open, heartbeats, honest state.

A device that loses the hub says so (``connected`` clears) and tries again with growing,
jittered pauses, so a hall of devices does not storm a hub that just restarted. A device
the hub refuses (revoked) stops trying and keeps the reason to show.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable

import grpc

from okno.runtime.commands import CommandJournal
from protos.okno.v1 import devices_pb2, devices_pb2_grpc

log = logging.getLogger(__name__)
CommandHandler = Callable[[devices_pb2.Command], Awaitable[str]]
ConfigHandler = Callable[[dict[str, str]], None]
# gRPC shares one connection between channels to the same address, so a fresh channel
# after a loss would wait out the old connection's reconnect backoff (up to 2 minutes by
# default); each of ours keeps its own, and reconnects within seconds.
CHANNEL_OPTIONS = (
    ("grpc.use_local_subchannel_pool", 1),
    ("grpc.initial_reconnect_backoff_ms", 200),
    ("grpc.min_reconnect_backoff_ms", 200),
    ("grpc.max_reconnect_backoff_ms", 1_000),
)


def backoff_s(attempt: int, rng: random.Random, base_s: float = 0.2, cap_s: float = 10.0) -> float:
    """Pause before reconnect ``attempt`` (0 first): doubling, capped, half of it random."""
    ceiling = min(cap_s, base_s * 2.0**attempt)
    return ceiling * rng.uniform(0.5, 1.0)


class HubSession:
    def __init__(
        self,
        address: str,
        credentials: grpc.ChannelCredentials,
        *,
        heartbeat_s: float = 3.0,
        rng: random.Random | None = None,
        round_trips_kept: int = 16,
        journal: CommandJournal | None = None,
        on_command: CommandHandler | None = None,
        on_config: ConfigHandler | None = None,
    ) -> None:
        """``on_command`` runs each command once (by ``journal``); returns "" or an error.

        ``on_config`` gets the device's whole configuration from the hub: on every
        connect and whenever a technician changes it. It may raise ValueError to refuse a
        setting, which the technician then sees as the command's outcome.
        """
        self._address = address
        self._credentials = credentials
        self._heartbeat_s = heartbeat_s
        self._rng = rng or random.Random()
        self._outbox: asyncio.Queue[devices_pb2.DeviceMessage] = asyncio.Queue()
        self._journal = journal
        self._on_command = on_command
        self._on_config = on_config
        # Commands still running (a print waiting for paper): a resend does not start
        # them again, and they go on across reconnects; each is acknowledged when done.
        self._running: dict[int, asyncio.Task[None]] = {}
        self.config: dict[str, str] = {}
        self.connected = asyncio.Event()
        self.welcome: devices_pb2.Welcome | None = None
        self.refused = ""
        # Heartbeat round trips in milliseconds, for benchmarks; the device keeps the last few.
        self.round_trips_ms: deque[float] = deque(maxlen=round_trips_kept)

    def report(self, error: str, warning: str = "") -> None:
        """Tell the hub what is wrong ("paper out"), or "" once all is well again.

        A warning ("paper near end") is shown in the fleet view while the device still
        works; the hub keeps sending it work.
        """
        status = devices_pb2.DeviceStatus(error=error, warning=warning)
        self._outbox.put_nowait(devices_pb2.DeviceMessage(status=status))

    async def run(self, stop: asyncio.Event) -> None:
        """Hold the session until ``stop`` is set or the hub refuses this device."""
        try:
            await self._keep(stop)
        finally:
            for task in list(self._running.values()):
                task.cancel()

    async def _keep(self, stop: asyncio.Event) -> None:
        attempt = 0
        while not stop.is_set():
            try:
                await self._hold(stop)
                attempt = 0
            except grpc.aio.AioRpcError as error:
                self.connected.clear()
                if error.code() == grpc.StatusCode.PERMISSION_DENIED:
                    self.refused = error.details() or "refused by the hub"
                    log.warning("hub refused this device reason=%s", self.refused)
                    return
                log.info("hub lost code=%s attempt=%d", error.code().name, attempt)
            self.connected.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), backoff_s(attempt, self._rng))
            attempt += 1

    async def _hold(self, stop: asyncio.Event) -> None:
        async with grpc.aio.secure_channel(
            self._address, self._credentials, options=CHANNEL_OPTIONS
        ) as channel:
            stub = devices_pb2_grpc.DeviceSessionStub(channel)
            # Ending the outgoing stream (on stop) makes the hub end the session cleanly.
            async for message in stub.Connect(self._outgoing(stop)):
                if message.HasField("command"):
                    self._start(message.command)
                elif message.HasField("heartbeat_ack"):
                    sent = message.heartbeat_ack.sent_at_unix_ms
                    self.round_trips_ms.append(time.time_ns() / 1e6 - sent)
                elif message.HasField("welcome"):
                    self.welcome = message.welcome
                    self._configure(dict(message.welcome.config))
                    self.connected.set()
                    log.info("session open device=%s", message.welcome.device_id)

    def _configure(self, config: dict[str, str]) -> str:
        """Apply a whole configuration; "" or why the device refuses it."""
        self.config = config
        if self._on_config is None:
            return ""
        try:
            self._on_config(config)
        except ValueError as refused:
            log.warning("settings refused reason=%s", refused)
            return str(refused)[:200]
        return ""

    def _start(self, command: devices_pb2.Command) -> None:
        if command.id in self._running:
            return
        task = asyncio.create_task(self._run_command(command))
        self._running[command.id] = task
        task.add_done_callback(lambda _: self._running.pop(command.id, None))

    async def _run_command(self, command: devices_pb2.Command) -> None:
        """Run a command unless it already ran, then acknowledge it either way."""
        error = ""
        if command.kind == "config":
            # The whole configuration, so running it again is harmless: no journal needed.
            try:
                config = json.loads(command.payload_json)
            except ValueError:
                config = None
            if isinstance(config, dict):
                error = self._configure({str(k): str(v) for k, v in config.items()})
            else:
                error = "settings are not a JSON object"
        elif self._journal is None or self._on_command is None:
            error = "this device takes no commands"
        elif command.id not in self._journal:
            try:
                error = await self._on_command(command)
            except Exception as failure:
                # Acknowledged as failed, not retried: a command that crashes the handler
                # would otherwise crash the device again after every reconnect.
                log.exception("command failed command=%d kind=%s", command.id, command.kind)
                error = f"{type(failure).__name__}: {failure}"[:200]
            await asyncio.to_thread(self._journal.record, command.id)
        ack = devices_pb2.CommandAck(command_id=command.id, done=not error, error=error)
        self._outbox.put_nowait(devices_pb2.DeviceMessage(ack=ack))

    async def _outgoing(self, stop: asyncio.Event) -> AsyncIterator[devices_pb2.DeviceMessage]:
        """A heartbeat at once and then every interval; a report as soon as it is made.

        The interval runs whatever else is sent: the hub counts only heartbeats as signs
        of life, so a printer acknowledging a ticket every second must still send them.
        """
        stopping = asyncio.ensure_future(stop.wait())
        try:
            yield _heartbeat()
            beat_at = time.monotonic() + self._heartbeat_s
            while True:
                report = asyncio.ensure_future(self._outbox.get())
                done, _ = await asyncio.wait(
                    {report, stopping},
                    timeout=max(0.0, beat_at - time.monotonic()),
                    return_when=asyncio.FIRST_COMPLETED,
                )
                if report in done:
                    yield report.result()
                    if time.monotonic() < beat_at:
                        continue
                else:
                    report.cancel()
                    if stopping in done:
                        return
                yield _heartbeat()
                beat_at = time.monotonic() + self._heartbeat_s
        finally:
            stopping.cancel()


def _heartbeat() -> devices_pb2.DeviceMessage:
    now_ms = time.time_ns() // 1_000_000
    return devices_pb2.DeviceMessage(heartbeat=devices_pb2.Heartbeat(sent_at_unix_ms=now_ms))
