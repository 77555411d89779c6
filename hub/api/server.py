"""The hub's three gRPC doors: the network port, the device port and the admin socket.

Each serves every service; the door tells the Doorkeeper how a caller proves who they
are, and hub.api.permissions decides what that caller may do.
"""

from __future__ import annotations

from pathlib import Path

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from hub.api.admin import AdminServicer
from hub.api.applications import ApplicationsServicer
from hub.api.appointments import AppointmentsServicer
from hub.api.catalogue import CatalogueServicer
from hub.api.devices import EnrollmentServicer, ProvisioningServicer
from hub.api.doorkeeper import Door, Doorkeeper
from hub.api.feed import HallFeedServicer
from hub.api.payments import PaymentsServicer
from hub.api.printing import PrintingServicer
from hub.api.queue import QueueServicer
from hub.api.ratings import RatingsServicer
from hub.api.session import DeviceSessionServicer
from hub.api.staff import StaffServicer
from hub.errors import AddressInUse
from hub.service import Hub
from okno.malformed import MalformedRequests
from protos.okno.v1 import (
    admin_pb2,
    admin_pb2_grpc,
    applications_pb2,
    applications_pb2_grpc,
    appointments_pb2,
    appointments_pb2_grpc,
    catalogue_pb2,
    catalogue_pb2_grpc,
    devices_pb2,
    devices_pb2_grpc,
    feed_pb2,
    feed_pb2_grpc,
    payments_pb2,
    payments_pb2_grpc,
    printing_pb2,
    printing_pb2_grpc,
    queue_pb2,
    queue_pb2_grpc,
    ratings_pb2,
    ratings_pb2_grpc,
    staff_pb2,
    staff_pb2_grpc,
)

MAX_SOCKET_PATH = 100
_SERVICES = [
    queue_pb2.DESCRIPTOR.services_by_name["QueueService"],
    feed_pb2.DESCRIPTOR.services_by_name["HallFeed"],
    printing_pb2.DESCRIPTOR.services_by_name["Printing"],
    appointments_pb2.DESCRIPTOR.services_by_name["Appointments"],
    payments_pb2.DESCRIPTOR.services_by_name["Payments"],
    ratings_pb2.DESCRIPTOR.services_by_name["Ratings"],
    applications_pb2.DESCRIPTOR.services_by_name["Applications"],
    catalogue_pb2.DESCRIPTOR.services_by_name["Catalogue"],
    admin_pb2.DESCRIPTOR.services_by_name["Admin"],
    devices_pb2.DESCRIPTOR.services_by_name["Enrollment"],
    devices_pb2.DESCRIPTOR.services_by_name["Provisioning"],
    devices_pb2.DESCRIPTOR.services_by_name["DeviceSession"],
    staff_pb2.DESCRIPTOR.services_by_name["Staff"],
]


async def _build(hub: Hub, door: Door) -> grpc.aio.Server:
    """A server with every service; its door and the permission table decide who uses what."""
    server = grpc.aio.server(
        # MalformedRequests keeps one handler per method: it must stay last (its docstring).
        interceptors=[Doorkeeper(hub, door), MalformedRequests()],
        options=[("grpc.so_reuseport", 0)],
    )
    queue_pb2_grpc.add_QueueServiceServicer_to_server(QueueServicer(hub), server)
    feed_pb2_grpc.add_HallFeedServicer_to_server(HallFeedServicer(hub), server)
    printing_pb2_grpc.add_PrintingServicer_to_server(PrintingServicer(hub), server)
    appointments_pb2_grpc.add_AppointmentsServicer_to_server(AppointmentsServicer(hub), server)
    payments_pb2_grpc.add_PaymentsServicer_to_server(PaymentsServicer(hub), server)
    ratings_pb2_grpc.add_RatingsServicer_to_server(RatingsServicer(hub), server)
    applications_pb2_grpc.add_ApplicationsServicer_to_server(ApplicationsServicer(hub), server)
    catalogue_pb2_grpc.add_CatalogueServicer_to_server(CatalogueServicer(hub), server)
    admin_pb2_grpc.add_AdminServicer_to_server(AdminServicer(hub), server)
    devices_pb2_grpc.add_EnrollmentServicer_to_server(EnrollmentServicer(hub.fleet), server)
    devices_pb2_grpc.add_ProvisioningServicer_to_server(
        ProvisioningServicer(hub.fleet, hub.journal), server
    )
    devices_pb2_grpc.add_DeviceSessionServicer_to_server(DeviceSessionServicer(hub.fleet), server)
    staff_pb2_grpc.add_StaffServicer_to_server(StaffServicer(hub), server)
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    for name in ("", *(s.full_name for s in _SERVICES)):
        await health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    return server


async def create_server(hub: Hub, address: str, hosts: list[str]) -> tuple[grpc.aio.Server, int]:
    """The network port ("host:port", port 0 picks one): server TLS, staff tokens, enrollment.

    The certificate is the branch CA's, for ``hosts`` (the names clients dial), sent
    with the CA's own certificate so a device enrolling for the first time can show its
    fingerprint to the technician (okno.runtime.enroll).
    """
    key, certificate = hub.fleet.server_credentials(hosts)
    credentials = grpc.ssl_server_credentials([(key, certificate + hub.fleet.ca_pem)])
    server = await _build(hub, Door.NETWORK)
    try:
        port = server.add_secure_port(address, credentials)
    except RuntimeError as err:
        raise AddressInUse(f"cannot listen on {address}: is another hub running there?") from err
    if port == 0:
        raise AddressInUse(f"cannot listen on {address}: is another hub running there?")
    return server, port


async def create_device_server(
    hub: Hub, address: str, hosts: list[str]
) -> tuple[grpc.aio.Server, int]:
    """The mutual-TLS port for admitted devices; ``hosts`` are the names devices dial."""
    key, certificate = hub.fleet.server_credentials(hosts)
    credentials = grpc.ssl_server_credentials(
        [(key, certificate)], root_certificates=hub.fleet.ca_pem, require_client_auth=True
    )
    server = await _build(hub, Door.DEVICES)
    try:
        port = server.add_secure_port(address, credentials)
    except RuntimeError as err:
        raise AddressInUse(f"cannot listen for devices on {address}: is the port taken?") from err
    if port == 0:
        raise AddressInUse(f"cannot listen for devices on {address}: is the port taken?")
    return server, port


async def create_local_server(hub: Hub, path: Path) -> grpc.aio.Server:
    """The Unix socket for the hub machine's administrator (okno provision, staff set-pin).

    Whoever can open the socket file is the administrator, as with PostgreSQL's and
    Docker's sockets: it is made in a folder only the hub's user may enter.
    """
    if len(str(path)) > MAX_SOCKET_PATH:
        raise AddressInUse(
            f"the admin socket path {path} is longer than {MAX_SOCKET_PATH} characters: "
            "give a shorter --admin-socket"
        )
    _private_folder_for(path)
    server = await _build(hub, Door.LOCAL)
    reflection.enable_server_reflection(
        [*(s.full_name for s in _SERVICES), health.SERVICE_NAME, reflection.SERVICE_NAME], server
    )
    try:
        server.add_insecure_port(f"unix:{path}")
    except RuntimeError as err:
        raise AddressInUse(f"cannot open the admin socket {path}: {err}") from err
    return server


def _private_folder_for(path: Path) -> None:
    """A folder only the hub's user may enter, without a socket left by an earlier run."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.parent.chmod(0o700)
    path.unlink(missing_ok=True)
