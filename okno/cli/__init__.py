"""The ``okno`` command: one subcommand per process of the hall."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from card_reader import cli as card_cli
from hub.backoffice import cli as backoffice_cli
from hub.notify import cli as sms_cli
from hub.sync import cli as sync_cli
from kiosk import cli as kiosk_cli
from okno.errors import OknoError
from payment_terminal import cli as payment_cli
from ticket_printer import cli as printer_cli

if TYPE_CHECKING:
    from okno.provision import Fleet
    from protos.okno.v1 import devices_pb2
    from protos.okno.v1.devices_pb2_grpc import ProvisioningAsyncStub

app = typer.Typer(
    help="okno: the electronic queue of a public-service centre's hall.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def main() -> None:
    """okno: the electronic queue of a public-service centre's hall."""


def setup_logging(verbose: bool = False) -> None:
    """Log to stderr as key=value lines that grep well; no personal data is ever logged."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )


def fail(reason: str) -> typer.Exit:
    """Print a one-line reason and give the exit to raise."""
    typer.echo(f"okno: {reason}", err=True)
    return typer.Exit(code=2)


@app.command()
def hub(
    config: Annotated[Path, typer.Option(help="The branch's TOML configuration.")] = Path(
        "examples/branch.toml"
    ),
    db: Annotated[Path, typer.Option(help="The hub's SQLite database file.")] = Path("var/okno.db"),
    listen: Annotated[str, typer.Option(help="host:port for gRPC.")] = "127.0.0.1:50051",
    device_listen: Annotated[
        str, typer.Option(help="host:port for devices' mutual-TLS sessions (off if empty).")
    ] = "",
    announce: Annotated[
        bool, typer.Option(help="Announce the hub by zeroconf on the --listen interface.")
    ] = False,
    web_listen: Annotated[
        str, typer.Option(help="host:port for the visitors' web pages (off if empty).")
    ] = "",
    backoffice: Annotated[
        str, typer.Option(help="host:port of the region's back office to sync to (off if empty).")
    ] = "",
    backoffice_secret_file: Annotated[
        Path | None, typer.Option(help="File with the branch's back office secret (hex).")
    ] = None,
    clock_offset_ms: Annotated[
        int,
        typer.Option(help="Run the branch's clock this far from the wall clock (benchmarks)."),
    ] = 0,
    verbose: bool = False,
) -> None:
    """Run the branch hub: queue engine, event log, gRPC API, web pages."""
    from hub.runner import serve
    from hub.sync import read_secret

    setup_logging(verbose)
    try:
        secret = ""
        if backoffice:
            if backoffice_secret_file is None:
                raise fail(
                    "--backoffice needs --backoffice-secret-file (okno backoffice add-branch)"
                )
            secret = read_secret(backoffice_secret_file)
        asyncio.run(
            serve(
                config,
                db,
                listen,
                device_listen,
                announce,
                web_listen=web_listen,
                backoffice=backoffice,
                backoffice_secret=secret,
                clock_offset_ms=clock_offset_ms,
            )
        )
    except OknoError as error:
        raise fail(str(error)) from error


bench_app = typer.Typer(help="Measure figures; print a table and, with --out, write JSON.")
app.add_typer(bench_app, name="bench")


@bench_app.command("hub")
def bench_hub(
    out: Annotated[Path | None, typer.Option(help="Write the figures as JSON here.")] = None,
    config: Annotated[Path, typer.Option(help="Branch to measure.")] = Path("examples/branch.toml"),
    seconds: Annotated[float, typer.Option(help="Length of the issue load.")] = 10.0,
    quick: Annotated[bool, typer.Option(help="Small loads, to check the benchmark runs.")] = False,
) -> None:
    """Issue throughput, concurrent desk calls, hall feed fan-out and a replayed day."""
    from rich.console import Console

    from hub.bench.run import Settings, measure
    from okno.bench import report

    setup_logging()
    settings = Settings(config=config, issue_seconds=seconds)
    if quick:
        settings = Settings(
            config=config,
            issue_seconds=1.0,
            calls_per_desk=5,
            displays=10,
            feed_calls=10,
            day_tickets=500,
        )
    try:
        figures = asyncio.run(measure(settings))
    except OknoError as error:
        raise fail(str(error)) from error
    report("hub", figures, out, Console())


@app.command()
def demo(
    duration: Annotated[
        float | None,
        typer.Option(min=0.1, help="Stop by itself after SECONDS (default: run until Ctrl-C)."),
    ] = None,
    out: Annotated[
        Path, typer.Option(help="Where to write events.jsonl, board.txt and summary.json.")
    ] = Path("var/demo"),
    speed: Annotated[
        float, typer.Option(min=0.1, help="Simulated seconds per real second.")
    ] = 60.0,
    config: Annotated[Path, typer.Option(help="The branch's TOML configuration.")] = Path(
        "examples/branch.toml"
    ),
    verbose: bool = False,
) -> None:
    """Run a whole simulated hall on this machine: hub, kiosk visitors, desks, hall board."""
    from okno.demo import DemoOptions, run_until_signalled

    setup_logging(verbose)
    options = DemoOptions(config=config, out=out, speed=speed, duration_s=duration)
    try:
        result = asyncio.run(run_until_signalled(options))
    except OknoError as error:
        raise fail(str(error)) from error
    typer.echo(f"event log: {result.events}")
    typer.echo(f"last board: {result.board}")
    typer.echo(f"summary: {result.summary}")
    for screen in result.screens:
        typer.echo(f"board screenshot: {screen}")
    if result.tickets is not None:
        typer.echo(f"printed tickets: {result.tickets}")
    if result.voice is not None:
        typer.echo(f"spoken calls: {result.voice}")
    if result.reports is not None:
        typer.echo(f"back-office reports and dashboard: {result.reports}")


provision_app = typer.Typer(help="Admit, list and cut off the hall's devices (technicians).")
app.add_typer(provision_app, name="provision")
HubOption = Annotated[str, typer.Option("--hub", help="The hub's host:port.")]


def _provision(
    hub: str, action: Callable[[ProvisioningAsyncStub], Awaitable[devices_pb2.DeviceInfo]]
) -> None:
    """One change to the fleet, its result printed, a refusal as the one-line reason."""
    from rich.console import Console

    from okno.provision import call, show

    try:
        show(Console(), call(hub, action))
    except OknoError as error:
        raise fail(str(error)) from error


@provision_app.command("list")
def provision_list(hub: HubOption = "127.0.0.1:50051") -> None:
    """Every device: kind, name, zone, address, version, admission, online state."""
    from rich.console import Console

    from okno.provision import device_table

    fleet = _listed(hub)
    console = Console()
    console.print(device_table(fleet.devices, fleet.timezone, console.width))


def _listed(hub: str) -> Fleet:
    from okno.provision import list_fleet

    try:
        return list_fleet(hub)
    except OknoError as error:
        raise fail(str(error)) from error


@provision_app.command("approve")
def provision_approve(
    code: Annotated[str, typer.Argument(help="The pairing code the device shows.")],
    name: Annotated[str, typer.Option(help='What people call it: "Киоск 1".')],
    zone: Annotated[str, typer.Option(help="Where it stands: hall, desk-05...")] = "",
    hub: HubOption = "127.0.0.1:50051",
) -> None:
    """Admit the device showing CODE; it receives its certificate."""
    from protos.okno.v1 import devices_pb2

    request = devices_pb2.ApproveDeviceRequest(pairing_code=code, name=name, zone=zone)
    _provision(hub, lambda s: s.ApproveDevice(request))


@provision_app.command("reject")
def provision_reject(
    code: Annotated[str, typer.Argument(help="The pairing code the device shows.")],
    hub: HubOption = "127.0.0.1:50051",
) -> None:
    """Refuse the device showing CODE."""
    from protos.okno.v1 import devices_pb2

    request = devices_pb2.RejectDeviceRequest(pairing_code=code)
    _provision(hub, lambda s: s.RejectDevice(request))


@provision_app.command("revoke")
def provision_revoke(
    device_id: Annotated[str, typer.Argument(help="The device's id, from okno provision list.")],
    hub: HubOption = "127.0.0.1:50051",
) -> None:
    """Cut a device off: its certificate is refused from now on."""
    from protos.okno.v1 import devices_pb2

    request = devices_pb2.RevokeDeviceRequest(device_id=device_id)
    _provision(hub, lambda s: s.RevokeDevice(request))


sim_app = typer.Typer(help="Simulated hardware that speaks the real protocols.")
app.add_typer(sim_app, name="sim")


@sim_app.command("device")
def sim_device(
    kind: Annotated[str, typer.Option(help="kiosk, ticket_printer, hall_display...")],
    serial: Annotated[str, typer.Option(help="The device's serial number.")],
    state: Annotated[Path, typer.Option(help="Where the device keeps its key and certificate.")],
    model: Annotated[str, typer.Option(help="The model it reports.")] = "okno-sim",
    hub: Annotated[
        str, typer.Option(help="host:port of the hub; found by zeroconf if empty.")
    ] = "",
    interface: Annotated[str, typer.Option(help="IPv4 address to discover and announce on.")] = (
        "127.0.0.1"
    ),
    verbose: bool = False,
) -> None:
    """A device that joins the branch (shows its pairing code) and holds its session."""
    from okno.runtime.enroll import Description
    from okno.runtime.simulator import run_device

    setup_logging(verbose)
    run_device_program(
        lambda stop: run_device(
            Description(kind, model, serial),
            state,
            stop,
            hub=hub,
            interfaces=[interface],
            say=typer.echo,
        )
    )


def run_device_program(main: Callable[[asyncio.Event], Awaitable[None]]) -> None:
    """Run a device program until SIGTERM or Ctrl-C; its refusal is a one-line reason."""
    import signal

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await main(stop)

    try:
        asyncio.run(run())
    except OknoError as error:
        raise fail(str(error)) from error


printer_app = typer.Typer(help="The ticket printer's device program, and a test page.")
app.add_typer(printer_app, name="printer")
sim_app.command("printer")(printer_cli.sim_printer)
sim_app.command("sms")(sms_cli.sim_sms)
app.command("kiosk")(kiosk_cli.kiosk)
app.command("card-reader")(card_cli.card_reader_command)
sim_app.command("card")(card_cli.sim_card)
bench_app.command("card")(card_cli.bench_card)
bench_app.command("kiosk")(kiosk_cli.bench_kiosk)
app.add_typer(backoffice_cli.app, name="backoffice")
app.command("report")(backoffice_cli.report)
sim_app.command("history")(backoffice_cli.sim_history)
bench_app.command("backoffice")(backoffice_cli.bench_backoffice)
sync_app = typer.Typer(help="The hub's sync to the region's back office.")
app.add_typer(sync_app, name="sync")
sync_app.command("push")(sync_cli.sync_push)
printer_app.command("test-page")(printer_cli.test_page)
app.add_typer(payment_cli.app, name="payment")
sim_app.command("payment")(payment_cli.sim_payment)
bench_app.command("payment")(payment_cli.bench_payment)


@printer_app.callback(invoke_without_command=True)
def printer(
    context: typer.Context,
    device: Annotated[
        str,
        typer.Option(help="The printer: serial:///dev/ttyUSB0?baudrate=115200, tcp://HOST:9100"),
    ] = "",
    serial: Annotated[str, typer.Option(help="The printer's serial number.")] = "",
    state: Annotated[
        Path, typer.Option(help="Where it keeps its key, certificate and job queue.")
    ] = Path("var/printer"),
    hub: Annotated[
        str, typer.Option(help="host:port of the hub; found by zeroconf if empty.")
    ] = "",
    interface: Annotated[str, typer.Option(help="IPv4 address to discover and announce on.")] = (
        "127.0.0.1"
    ),
    paper_width: Annotated[int, typer.Option(help="Paper width in mm: 58 or 80.")] = 80,
    code_page: Annotated[
        str, typer.Option(help="cp866, or ascii for a printer without Cyrillic.")
    ] = "cp866",
    qr: Annotated[str, typer.Option(help="native, or raster without QR firmware.")] = "native",
    logo: Annotated[str, typer.Option(help="nv (NV memory), raster or none.")] = "nv",
    verbose: bool = False,
) -> None:
    """Run the printer agent: print its pairing code, then the hub's tickets, each once."""
    if context.invoked_subcommand is not None:
        return
    from ticket_printer.layout import Logo
    from ticket_printer.program import PrinterSetup, run_printer
    from ticket_printer.settings import PrinterSettings

    if not device or not serial:
        raise fail("give the printer's --device URL and its --serial number")
    try:
        settings = PrinterSettings(paper_width, code_page, qr, logo)
    except ValueError as error:
        raise fail(str(error)) from error
    setup_logging(verbose)
    setup = PrinterSetup(
        device, state, serial, hub=hub, interfaces=[interface], settings=settings, logo=Logo.load()
    )
    run_device_program(lambda stop: run_printer(setup, stop))


@bench_app.command("devices")
def bench_devices(
    out: Annotated[Path | None, typer.Option(help="Write the figures as JSON here.")] = None,
    config: Annotated[Path, typer.Option(help="Branch to measure.")] = Path("examples/branch.toml"),
    devices: Annotated[int, typer.Option(min=1, help="How many devices hold sessions.")] = 500,
    processes: Annotated[int, typer.Option(min=1, help="Worker processes holding them.")] = 2,
    seconds: Annotated[float, typer.Option(help="Steady heartbeating measured.")] = 10.0,
    heartbeat: Annotated[float, typer.Option(help="Seconds between heartbeats.")] = 1.0,
) -> None:
    """Devices enrolled and holding mutual-TLS sessions; hub load; reconnect after restart."""
    from rich.console import Console

    from hub.bench.devices import measure_devices
    from okno.bench import report

    setup_logging()
    figures = asyncio.run(measure_devices(config, devices, processes, seconds, heartbeat))
    report("devices", figures, out, Console())


@app.command()
def desk(
    serial: Annotated[str, typer.Option(help="The desk unit's serial number.")],
    desk_id: Annotated[
        str, typer.Option("--desk", help="Desk id or number, until the hub's settings name one.")
    ] = "",
    state: Annotated[Path, typer.Option(help="Where it keeps its key and certificate.")] = Path(
        "var/desk"
    ),
    hub: Annotated[
        str, typer.Option(help="host:port of the hub; found by zeroconf if empty.")
    ] = "",
    interface: Annotated[str, typer.Option(help="IPv4 address to discover and announce on.")] = (
        "127.0.0.1"
    ),
    simulate: Annotated[
        bool, typer.Option(help="Mock pins pressed by a simulated operator.")
    ] = False,
    verbose: bool = False,
) -> None:
    """Run a desk unit: buttons call, recall, start, finish; the LED shows the desk's state."""
    from staff_desk.program import DeskSetup, run_desk, run_simulated_desk

    setup_logging(verbose)
    setup = DeskSetup(state, serial, desk=desk_id, hub=hub, interfaces=[interface])
    if simulate:
        run_device_program(lambda stop: run_simulated_desk(setup, stop))
    else:
        run_device_program(lambda stop: run_desk(setup, stop))


@app.command()
def display(
    role: Annotated[str, typer.Option(help="hall (the big board) or desk (one desk's).")] = "hall",
    desk_id: Annotated[str, typer.Option("--desk", help="The desk, for --role desk.")] = "",
    serial: Annotated[
        str, typer.Option(help="The display's serial number (default: hostname).")
    ] = "",
    state: Annotated[Path, typer.Option(help="Where it keeps its key and certificate.")] = Path(
        "var/display"
    ),
    hub: Annotated[
        str, typer.Option(help="host:port of the hub; found by zeroconf if empty.")
    ] = "",
    interface: Annotated[str, typer.Option(help="IPv4 address to discover and announce on.")] = (
        "127.0.0.1"
    ),
    insecure: Annotated[
        str, typer.Option(help="Follow the hub's plaintext port host:port (development only).")
    ] = "",
    windowed: Annotated[str, typer.Option(help="WIDTHxHEIGHT window instead of full screen.")] = "",
    screenshots: Annotated[
        Path | None, typer.Option(help="Save the screen as DIR/display.png now and then.")
    ] = None,
    verbose: bool = False,
) -> None:
    """Run a hall board or a desk display: calls shown and spoken, the same on every board."""
    import socket

    from hall_display.program import DisplayOptions, run_display

    size = None
    if windowed:
        width, _, height = windowed.partition("x")
        if not (width.isdigit() and height.isdigit()):
            raise fail("--windowed takes WIDTHxHEIGHT, for example 1920x1080")
        size = (int(width), int(height))
    setup_logging(verbose)
    options = DisplayOptions(
        state=state,
        role=role,
        desk=desk_id,
        hub=hub,
        interfaces=(interface,),
        insecure=insecure,
        serial=serial or socket.gethostname(),
        size=size,
        screenshots=screenshots,
    )
    try:
        run_display(options)
    except OknoError as error:
        raise fail(str(error)) from error


@bench_app.command("display")
def bench_display(
    out: Annotated[Path | None, typer.Option(help="Write the figures as JSON here.")] = None,
    config: Annotated[Path, typer.Option(help="Branch to measure.")] = Path("examples/branch.toml"),
    calls: Annotated[int, typer.Option(min=1, help="Calls timed to the painted row.")] = 200,
    hours: Annotated[
        float, typer.Option(help="Hours of sped-up traffic for the memory run.")
    ] = 24.0,
) -> None:
    """Call to row painted on the board, voice latency, memory over a sped-up day."""
    import tempfile

    from rich.console import Console

    from hall_display.bench import measure_display
    from okno.bench import report

    setup_logging()
    with tempfile.TemporaryDirectory(prefix="okno-bench-display-") as scratch:
        figures = measure_display(Path(scratch), config=config, calls=calls, hours=hours)
    report("display", figures, out, Console())


@bench_app.command("appointments")
def bench_appointments(
    out: Annotated[Path | None, typer.Option(help="Write the figures as JSON here.")] = None,
    config: Annotated[Path, typer.Option(help="Branch to measure.")] = Path("examples/branch.toml"),
    clients: Annotated[int, typer.Option(min=1, help="Clients booking at once.")] = 50,
    slots: Annotated[int, typer.Option(min=1, help="Slots they all try to book.")] = 100,
    seats: Annotated[int, typer.Option(min=1, max=100, help="Seats in each slot.")] = 2,
) -> None:
    """Concurrent bookings of the same slots: double bookings (none), latency, throughput."""
    from rich.console import Console

    from hub.bench.appointments import measure_appointments
    from okno.bench import report

    setup_logging()
    figures = asyncio.run(measure_appointments(config, clients, slots, seats=seats))
    report("appointments", figures, out, Console())


@app.command()
def operator(
    hub: HubOption = "127.0.0.1:50051",
    language: Annotated[str, typer.Option(help="ru or en.")] = "ru",
    large: Annotated[bool, typer.Option(help="Large type, high contrast.")] = False,
    full_screen: Annotated[bool, typer.Option(help="Full screen instead of a window.")] = False,
    screenshots: Annotated[
        Path | None, typer.Option(help="Save the screen as DIR/operator.png at exit.")
    ] = None,
    verbose: bool = False,
) -> None:
    """The operator panel: sign in, open the desk, call, serve, transfer; the hall for admins."""
    from staff_desk.panel.program import OperatorOptions, run_operator

    setup_logging(verbose)
    options = OperatorOptions(hub=hub, language=language, large=large, screenshots=screenshots)
    if full_screen:
        options = dataclasses.replace(options, size=None)
    try:
        run_operator(options)
    except OknoError as error:
        raise fail(str(error)) from error


staff_app = typer.Typer(help="The branch's staff: PINs for signing in.")
app.add_typer(staff_app, name="staff")


@staff_app.command("set-pin")
def staff_set_pin(
    operator_id: Annotated[str, typer.Argument(help="The operator's id from the branch config.")],
    hub: HubOption = "127.0.0.1:50051",
    as_admin: Annotated[
        str, typer.Option("--as", help="An administrator's id, when not on the hub's machine.")
    ] = "",
) -> None:
    """Set an operator's PIN (asked twice, never echoed)."""
    from hub.staff.cli import set_pin

    try:
        typer.echo(set_pin(operator_id, hub, admin=as_admin))
    except OknoError as error:
        raise fail(str(error)) from error


@bench_app.command("web")
def bench_web(
    out: Annotated[Path | None, typer.Option(help="Write the figures as JSON here.")] = None,
    config: Annotated[Path, typer.Option(help="Branch to measure.")] = Path("examples/branch.toml"),
    viewers: Annotated[int, typer.Option(min=1, help="Visitors watching the status page.")] = 200,
    seconds: Annotated[float, typer.Option(help="How long they watch.")] = 10.0,
) -> None:
    """The live status page under many concurrent viewers."""
    from rich.console import Console

    from hub.bench.status_page import measure_status_page
    from okno.bench import report

    setup_logging()
    report("web", asyncio.run(measure_status_page(config, viewers, seconds)), out, Console())


@bench_app.command("desk")
def bench_desk(
    out: Annotated[Path | None, typer.Option(help="Write the figures as JSON here.")] = None,
    config: Annotated[Path, typer.Option(help="Branch to measure.")] = Path("examples/branch.toml"),
    presses: Annotated[int, typer.Option(min=1, help="Button presses measured.")] = 200,
) -> None:
    """Desk button press to the call on the hall feed, end to end on mock pins."""
    from rich.console import Console

    from okno.bench import report
    from staff_desk.bench import measure_press_to_board

    setup_logging()
    logging.getLogger("staff_desk").setLevel(logging.WARNING)
    report("desk", asyncio.run(measure_press_to_board(config, presses)), out, Console())


@bench_app.command("printer")
def bench_printer(
    out: Annotated[Path | None, typer.Option(help="Write the figures as JSON here.")] = None,
    config: Annotated[Path, typer.Option(help="Branch to measure.")] = Path("examples/branch.toml"),
    tickets: Annotated[int, typer.Option(min=1, help="Tickets printed one after another.")] = 200,
) -> None:
    """Bytes per ticket (NV logo or raster) and hub-to-printer latency on a virtual printer."""
    from rich.console import Console

    from okno.bench import report
    from ticket_printer.bench import measure_printer

    setup_logging()
    logging.getLogger("ticket_printer").setLevel(logging.WARNING)
    report("printer", asyncio.run(measure_printer(config, tickets)), out, Console())


@provision_app.command("show")
def provision_show(
    device_id: Annotated[str, typer.Argument(help="The device's id, from okno provision list.")],
    hub: HubOption = "127.0.0.1:50051",
) -> None:
    """One device in full."""
    from rich.console import Console

    from okno.provision import device_table, show_settings

    fleet = _listed(hub)
    found = [d for d in fleet.devices if d.id == device_id]
    if not found:
        raise fail(f'no device "{device_id}": see okno provision list')
    console = Console()
    console.print(device_table(found, fleet.timezone, console.width))
    show_settings(console, found[0])


@provision_app.command("rename")
def provision_rename(
    device_id: Annotated[str, typer.Argument(help="The device's id.")],
    name: Annotated[str, typer.Argument(help='Its new name: "Киоск у входа".')],
    hub: HubOption = "127.0.0.1:50051",
) -> None:
    """Give a device the name people will know it by."""
    from protos.okno.v1 import devices_pb2

    request = devices_pb2.DescribeDeviceRequest(device_id=device_id, name=name)
    _provision(hub, lambda s: s.DescribeDevice(request))


@provision_app.command("assign")
def provision_assign(
    device_id: Annotated[str, typer.Argument(help="The device's id.")],
    zone: Annotated[str, typer.Argument(help="A zone of the hall or a desk id: hall, desk-05.")],
    hub: HubOption = "127.0.0.1:50051",
) -> None:
    """Say where a device stands: a zone of the hall or a desk."""
    from protos.okno.v1 import devices_pb2

    request = devices_pb2.DescribeDeviceRequest(device_id=device_id, zone=zone)
    _provision(hub, lambda s: s.DescribeDevice(request))


@provision_app.command("config")
def provision_config(
    device_id: Annotated[str, typer.Argument(help="The device's id.")],
    settings: Annotated[list[str], typer.Argument(help="KEY=VALUE settings; KEY= removes one.")],
    hub: HubOption = "127.0.0.1:50051",
) -> None:
    """Change a device's settings; it gets them now or as soon as it reconnects."""
    from protos.okno.v1 import devices_pb2

    pairs = [s.partition("=") for s in settings]
    if any(not key or not sep for key, sep, _ in pairs):
        raise fail("settings are KEY=VALUE, for example paper_width=80")
    request = devices_pb2.ConfigureDeviceRequest(
        device_id=device_id, settings={key: value for key, _, value in pairs}
    )
    _provision(hub, lambda s: s.ConfigureDevice(request))
