"""The hub's gRPC server: queue, feed, appointments, admin, health and reflection on one port."""

from __future__ import annotations

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from hub.api.admin import AdminServicer, DeviceAdminServicer
from hub.api.appointments import AppointmentsServicer
from hub.api.devices import EnrollmentServicer, ProvisioningServicer
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
    appointments_pb2,
    appointments_pb2_grpc,
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


async def create_server(hub: Hub, address: str) -> tuple[grpc.aio.Server, int]:
    """Build the server bound to ``address`` ("host:port", port 0 picks a free one)."""
    server = grpc.aio.server(interceptors=[MalformedRequests()], options=[("grpc.so_reuseport", 0)])
    _add_hall_services(server, hub)
    admin_pb2_grpc.add_AdminServicer_to_server(AdminServicer(hub), server)
    devices_pb2_grpc.add_EnrollmentServicer_to_server(EnrollmentServicer(hub.fleet), server)
    devices_pb2_grpc.add_ProvisioningServicer_to_server(
        ProvisioningServicer(hub.fleet, hub.staff), server
    )
    staff_pb2_grpc.add_StaffServicer_to_server(StaffServicer(hub), server)
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    names = [
        queue_pb2.DESCRIPTOR.services_by_name["QueueService"].full_name,
        feed_pb2.DESCRIPTOR.services_by_name["HallFeed"].full_name,
        printing_pb2.DESCRIPTOR.services_by_name["Printing"].full_name,
        appointments_pb2.DESCRIPTOR.services_by_name["Appointments"].full_name,
        payments_pb2.DESCRIPTOR.services_by_name["Payments"].full_name,
        ratings_pb2.DESCRIPTOR.services_by_name["Ratings"].full_name,
        admin_pb2.DESCRIPTOR.services_by_name["Admin"].full_name,
        devices_pb2.DESCRIPTOR.services_by_name["Enrollment"].full_name,
        devices_pb2.DESCRIPTOR.services_by_name["Provisioning"].full_name,
        staff_pb2.DESCRIPTOR.services_by_name["Staff"].full_name,
    ]
    reflection.enable_server_reflection(
        [*names, health.SERVICE_NAME, reflection.SERVICE_NAME], server
    )
    try:
        port = server.add_insecure_port(address)
    except RuntimeError as err:
        raise AddressInUse(f"cannot listen on {address}: is another hub running there?") from err
    if port == 0:
        raise AddressInUse(f"cannot listen on {address}: is another hub running there?")
    for name in ("", *names):
        await health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    return server, port


async def create_device_server(
    hub: Hub, address: str, hosts: list[str]
) -> tuple[grpc.aio.Server, int]:
    """The mutual-TLS port for admitted devices; ``hosts`` are the names devices dial.

    Besides their session, devices reach the queue (a kiosk issues tickets), the hall
    feed (a board shows calls), printing and appointments (a kiosk books and checks in)
    here: all they say is mutual TLS.
    """
    key, certificate = hub.fleet.server_credentials(hosts)
    credentials = grpc.ssl_server_credentials(
        [(key, certificate)], root_certificates=hub.fleet.ca_pem, require_client_auth=True
    )
    server = grpc.aio.server(interceptors=[MalformedRequests()], options=[("grpc.so_reuseport", 0)])
    devices_pb2_grpc.add_DeviceSessionServicer_to_server(DeviceSessionServicer(hub.fleet), server)
    admin_pb2_grpc.add_AdminServicer_to_server(DeviceAdminServicer(hub), server)
    _add_hall_services(server, hub)
    try:
        port = server.add_secure_port(address, credentials)
    except RuntimeError as err:
        raise AddressInUse(f"cannot listen for devices on {address}: is the port taken?") from err
    return server, port


def _add_hall_services(server: grpc.aio.Server, hub: Hub) -> None:
    """What the hall's devices use: the queue, the hall feed, printing, appointments."""
    queue_pb2_grpc.add_QueueServiceServicer_to_server(QueueServicer(hub), server)
    feed_pb2_grpc.add_HallFeedServicer_to_server(HallFeedServicer(hub), server)
    printing_pb2_grpc.add_PrintingServicer_to_server(PrintingServicer(hub), server)
    appointments_pb2_grpc.add_AppointmentsServicer_to_server(AppointmentsServicer(hub), server)
    payments_pb2_grpc.add_PaymentsServicer_to_server(PaymentsServicer(hub), server)
    ratings_pb2_grpc.add_RatingsServicer_to_server(RatingsServicer(hub), server)
