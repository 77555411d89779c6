"""``okno provision``: the technician's tool to admit, list and cut off the hall's devices.

``okno provision sim-device`` is a device that joins the branch as any kind would, to try
admission without hardware.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from okno.console import (
    DEFAULT_SOCKET,
    AdminSocket,
    FoundHub,
    Interface,
    fail,
    setup_logging,
    until_signal,
)
from okno.errors import OknoError

if TYPE_CHECKING:
    from okno.provision import Fleet
    from protos.okno.v1 import devices_pb2
    from protos.okno.v1.devices_pb2_grpc import ProvisioningAsyncStub

app = typer.Typer(help="Admit, list and cut off the hall's devices (technicians).")


def _provision(
    socket: Path, action: Callable[[ProvisioningAsyncStub], Awaitable[devices_pb2.DeviceInfo]]
) -> None:
    """One change to the fleet, its result printed, a refusal as the one-line reason."""
    from rich.console import Console

    from okno.provision import call, show

    try:
        show(Console(), call(socket, action))
    except OknoError as error:
        raise fail(str(error)) from error


@app.command("list")
def provision_list(socket: AdminSocket = DEFAULT_SOCKET) -> None:
    """Every device: kind, name, zone, address, version, admission, online state."""
    from rich.console import Console

    from okno.provision import device_table

    fleet = _listed(socket)
    console = Console()
    console.print(device_table(fleet.devices, fleet.timezone, console.width))
    console.print(
        f"hub CA fingerprint: {fleet.authority_fingerprint} (an enrolling device shows the "
        "one it was given: approve it only if they match)",
        markup=False,
    )


def _listed(socket: Path) -> Fleet:
    from okno.provision import list_fleet

    try:
        return list_fleet(socket)
    except OknoError as error:
        raise fail(str(error)) from error


@app.command("approve")
def provision_approve(
    code: Annotated[str, typer.Argument(help="The pairing code the device shows.")],
    name: Annotated[str, typer.Option(help='What people call it: "Киоск 1".')],
    zone: Annotated[str, typer.Option(help="Where it stands: hall, desk-05...")] = "",
    socket: AdminSocket = DEFAULT_SOCKET,
) -> None:
    """Admit the device showing CODE; it receives its certificate."""
    from protos.okno.v1 import devices_pb2

    request = devices_pb2.ApproveDeviceRequest(pairing_code=code, name=name, zone=zone)
    _provision(socket, lambda s: s.ApproveDevice(request))


@app.command("reject")
def provision_reject(
    code: Annotated[str, typer.Argument(help="The pairing code the device shows.")],
    socket: AdminSocket = DEFAULT_SOCKET,
) -> None:
    """Refuse the device showing CODE."""
    from protos.okno.v1 import devices_pb2

    request = devices_pb2.RejectDeviceRequest(pairing_code=code)
    _provision(socket, lambda s: s.RejectDevice(request))


@app.command("revoke")
def provision_revoke(
    device_id: Annotated[str, typer.Argument(help="The device's id, from okno provision list.")],
    socket: AdminSocket = DEFAULT_SOCKET,
) -> None:
    """Cut a device off: its certificate is refused from now on."""
    from protos.okno.v1 import devices_pb2

    request = devices_pb2.RevokeDeviceRequest(device_id=device_id)
    _provision(socket, lambda s: s.RevokeDevice(request))


@app.command("show")
def provision_show(
    device_id: Annotated[str, typer.Argument(help="The device's id, from okno provision list.")],
    socket: AdminSocket = DEFAULT_SOCKET,
) -> None:
    """One device in full."""
    from rich.console import Console

    from okno.provision import device_table, show_settings

    fleet = _listed(socket)
    found = [d for d in fleet.devices if d.id == device_id]
    if not found:
        raise fail(f'no device "{device_id}": see okno provision list')
    console = Console()
    console.print(device_table(found, fleet.timezone, console.width))
    show_settings(console, found[0])


@app.command("rename")
def provision_rename(
    device_id: Annotated[str, typer.Argument(help="The device's id.")],
    name: Annotated[str, typer.Argument(help='Its new name: "Киоск у входа".')],
    socket: AdminSocket = DEFAULT_SOCKET,
) -> None:
    """Give a device the name people will know it by."""
    from protos.okno.v1 import devices_pb2

    request = devices_pb2.DescribeDeviceRequest(device_id=device_id, name=name)
    _provision(socket, lambda s: s.DescribeDevice(request))


@app.command("assign")
def provision_assign(
    device_id: Annotated[str, typer.Argument(help="The device's id.")],
    zone: Annotated[str, typer.Argument(help="A zone of the hall or a desk id: hall, desk-05.")],
    socket: AdminSocket = DEFAULT_SOCKET,
) -> None:
    """Say where a device stands: a zone of the hall or a desk."""
    from protos.okno.v1 import devices_pb2

    request = devices_pb2.DescribeDeviceRequest(device_id=device_id, zone=zone)
    _provision(socket, lambda s: s.DescribeDevice(request))


@app.command("config")
def provision_config(
    device_id: Annotated[str, typer.Argument(help="The device's id.")],
    settings: Annotated[list[str], typer.Argument(help="KEY=VALUE settings; KEY= removes one.")],
    socket: AdminSocket = DEFAULT_SOCKET,
) -> None:
    """Change a device's settings; it gets them now or as soon as it reconnects."""
    from protos.okno.v1 import devices_pb2

    pairs = [s.partition("=") for s in settings]
    if any(not key or not sep for key, sep, _ in pairs):
        raise fail("settings are KEY=VALUE, for example paper_width=80")
    request = devices_pb2.ConfigureDeviceRequest(
        device_id=device_id, settings={key: value for key, _, value in pairs}
    )
    _provision(socket, lambda s: s.ConfigureDevice(request))


@app.command("sim-device")
def sim_device(
    kind: Annotated[str, typer.Option(help="kiosk, ticket_printer, hall_display...")],
    serial: Annotated[str, typer.Option(help="The device's serial number.")],
    state: Annotated[Path, typer.Option(help="Where the device keeps its key and certificate.")],
    model: Annotated[str, typer.Option(help="The model it reports.")] = "okno-sim",
    hub: FoundHub = "",
    interface: Interface = "127.0.0.1",
    verbose: bool = False,
) -> None:
    """A device that joins the branch (shows its pairing code) and holds its session."""
    from okno.runtime.enroll import Description
    from okno.runtime.simulator import run_device

    setup_logging(verbose)
    until_signal(
        lambda stop: run_device(
            Description(kind, model, serial),
            state,
            stop,
            hub=hub,
            interfaces=[interface],
            say=typer.echo,
        )
    )
