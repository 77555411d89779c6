"""DeviceSession: the stream each admitted device holds, over mutual TLS."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import grpc

from hub.api.status import Context, status_code
from hub.devices.fleet import Fleet
from hub.devices.registry import Device, DeviceCommand
from hub.errors import ForgedCertificate, HubError
from protos.okno.v1 import devices_pb2, devices_pb2_grpc

log = logging.getLogger(__name__)
HEARTBEAT_MS = 3_000


class DeviceSessionServicer(devices_pb2_grpc.DeviceSessionServicer):
    def __init__(self, fleet: Fleet) -> None:
        self._fleet = fleet

    async def Connect(
        self, request_iterator: AsyncIterator[devices_pb2.DeviceMessage], context: Context
    ) -> AsyncIterator[devices_pb2.HubMessage]:
        try:
            device = self._fleet.identify(_peer_certificate(context))
        except HubError as error:
            log.info("session refused code=%s", error.code)
            context.set_trailing_metadata((("okno-error", error.code),))
            await context.abort(status_code(error), str(error))
        outgoing: asyncio.Queue[devices_pb2.HubMessage | None] = asyncio.Queue()
        cut = await self._fleet.open_session(device.id, lambda c: outgoing.put_nowait(_command(c)))
        log.info("session open device=%s", device.id)
        listening = asyncio.create_task(self._listen(device, request_iterator, outgoing))
        ended = asyncio.create_task(cut.wait())
        try:
            yield devices_pb2.HubMessage(
                welcome=devices_pb2.Welcome(
                    device_id=device.id,
                    name=device.name,
                    zone=device.zone,
                    heartbeat_interval_ms=HEARTBEAT_MS,
                    config=self._fleet.settings(device),
                )
            )
            while True:
                reply = asyncio.create_task(outgoing.get())
                await asyncio.wait({reply, ended}, return_when=asyncio.FIRST_COMPLETED)
                if ended.done():
                    reply.cancel()
                    await context.abort(
                        grpc.StatusCode.PERMISSION_DENIED,
                        f"device {device.id} was revoked or connected again elsewhere",
                    )
                message = reply.result()
                if message is None:
                    return
                yield message
        finally:
            listening.cancel()
            ended.cancel()
            self._fleet.close_session(device.id, cut)
            log.info("session closed device=%s", device.id)

    async def _listen(
        self,
        device: Device,
        messages: AsyncIterator[devices_pb2.DeviceMessage],
        outgoing: asyncio.Queue[devices_pb2.HubMessage | None],
    ) -> None:
        """Record what the device says and answer its heartbeats; None when it stops."""
        try:
            async for message in messages:
                if message.HasField("ack"):
                    outcome = "done" if message.ack.done else message.ack.error or "failed"
                    await self._fleet.acked(device.id, message.ack.command_id, outcome)
                    continue
                if message.HasField("status"):
                    status = message.status
                    self._fleet.heard(device.id, status.error[:200], status.warning[:200])
                    continue
                known = self._fleet.device(device.id)
                self._fleet.heard(device.id, known.error, known.warning)
                ack = devices_pb2.HeartbeatAck(sent_at_unix_ms=message.heartbeat.sent_at_unix_ms)
                outgoing.put_nowait(devices_pb2.HubMessage(heartbeat_ack=ack))
        except HubError as error:
            log.info("session ended device=%s code=%s", device.id, error.code)
        finally:
            outgoing.put_nowait(None)


def _command(command: DeviceCommand) -> devices_pb2.HubMessage:
    return devices_pb2.HubMessage(
        command=devices_pb2.Command(
            id=command.id, kind=command.kind, payload_json=command.payload_json
        )
    )


def _peer_certificate(context: Context) -> bytes:
    certificate = next(iter(context.auth_context().get("x509_pem_cert", ())), None)
    if certificate is None:
        raise ForgedCertificate("no client certificate: enroll the device first")
    return certificate
