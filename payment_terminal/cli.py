"""``okno payment``: the payment agent run by hand, a simulated terminal, the benchmark."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated

import typer

from okno.console import BenchOut, FoundHub, Interface, fail, setup_logging, until_signal
from okno.errors import OknoError
from okno.runtime.channels import hub_link
from okno.runtime.enroll import Description, Membership
from payment_terminal.agent import Charge, PaymentAgent, Resolved
from payment_terminal.sim import Mode, SimulatedTerminal

app = typer.Typer(
    help="The card payment terminal: its agent run by hand (a technician's tools), a simulator."
)

PortOption = Annotated[
    str, typer.Option(help="The terminal's serial URL, e.g. serial:///dev/ttyUSB0?baudrate=9600.")
]
StateOption = Annotated[
    Path,
    typer.Option(help="Where the terminal keeps its key and certificate (enrolls if empty)."),
]
SerialOption = Annotated[
    str, typer.Option(help="The terminal's serial number, to enroll it when --state is empty.")
]
KIND = "payment_terminal"
MODEL = "ZVT"


def _show(resolved: list[Resolved]) -> None:
    if not resolved:
        typer.echo("no unresolved payments")
    for r in resolved:
        typer.echo(f"payment {r.payment_id}: {r.state.value} ({r.reason})")


def _enrolled_or_named(state: Path, serial: str) -> None:
    """Refuse to enroll a terminal with no serial number: the technician approves by it."""
    if not serial and Membership.load(state) is None:
        raise fail(f"{state} holds no enrollment yet: give the terminal's --serial to enroll it")


@asynccontextmanager
async def _agent(
    state: Path, serial: str, hub: str, interface: str, port: str
) -> AsyncIterator[PaymentAgent]:
    """The terminal's agent as the device the hub admitted, over the device port.

    Its payments are bound to its certificate's device id (the hub fills it in), so only
    this terminal settles and resolves them. A terminal not yet admitted shows its pairing
    code here first, for a technician to approve.
    """

    def show_code(code: str) -> None:
        if code:
            typer.echo(f"pairing code: {code} (approve it with okno provision approve)")

    link = await hub_link(
        Description(KIND, MODEL, serial),
        state,
        hub=hub,
        interfaces=[interface],
        show_code=show_code,
    )
    async with link.connect() as channel:
        agent = PaymentAgent.zvt(channel, "", port)
        try:
            yield agent
        finally:
            await agent.close()


@app.command("recover")
def recover(
    port: PortOption,
    state: StateOption = Path("var/payment-terminal"),
    serial: SerialOption = "",
    hub: FoundHub = "",
    interface: Interface = "127.0.0.1",
    verbose: bool = False,
) -> None:
    """Resolve the terminal's PENDING and UNKNOWN payments by asking it; report each."""
    setup_logging(verbose)
    _enrolled_or_named(state, serial)

    async def run() -> list[Resolved]:
        async with _agent(state, serial, hub, interface, port) as agent:
            return await agent.recover()

    try:
        resolved = asyncio.run(run())
    except OknoError as error:
        raise fail(str(error)) from error
    _show(resolved)
    if any(r.state.value == "unknown" for r in resolved):
        raise typer.Exit(code=1)


@app.command("sale")
def sale(
    port: PortOption,
    service: Annotated[str, typer.Option(help="The paid service's id in the branch file.")],
    amount: Annotated[
        int, typer.Option(min=1, help="Kopecks to charge: the service's fee, or the hub refuses.")
    ],
    purpose: Annotated[str, typer.Option(help="The payment's purpose.")] = "Тестовая оплата",
    state: StateOption = Path("var/payment-terminal"),
    serial: SerialOption = "",
    hub: FoundHub = "",
    interface: Interface = "127.0.0.1",
    key: Annotated[str, typer.Option(help="Idempotency key; a new one if empty.")] = "",
    verbose: bool = False,
) -> None:
    """One real sale through the hub (a technician's test): recovers first, then charges once."""
    setup_logging(verbose)
    _enrolled_or_named(state, serial)
    charge = Charge(key or f"technician:{uuid.uuid4().hex}", service, amount, purpose, False)

    async def run() -> None:
        async with _agent(state, serial, hub, interface, port) as agent:
            _show(await agent.recover())
            paid = await agent.pay(charge, lambda text: typer.echo(f"terminal: {text}"))
        typer.echo(f"payment {paid.payment_id}: {paid.state.value} ({paid.reason_en})")
        for line in paid.receipt_lines:
            typer.echo(f"  | {line}")

    try:
        asyncio.run(run())
    except OknoError as error:
        raise fail(str(error)) from error


@app.command("sim")
def sim_payment(
    mode: Annotated[
        str, typer.Option(help="approve, decline, cancel, silent, garbage, bad_crc, drop, slow.")
    ] = "approve",
    baud: Annotated[
        int, typer.Option(help="Line speed the simulator keeps to (0: instant).")
    ] = 9600,
    card_time: Annotated[float, typer.Option(help="Seconds the visitor spends at the PIN pad.")] = (
        1.0
    ),
) -> None:
    """A ZVT payment terminal on a pty pair; prints the port for the kiosk; runs until Ctrl-C."""
    try:
        chosen = Mode(mode)
    except ValueError as error:
        raise fail(f"no mode {mode!r}: use one of {', '.join(m.value for m in Mode)}") from error
    with SimulatedTerminal(chosen, card_time=card_time, baudrate=baud or None) as sim:

        async def serve(stop: asyncio.Event) -> None:
            typer.echo(f"serial://{sim.port_path}?baudrate={baud or 9600}", color=False)
            await stop.wait()

        until_signal(serve)
        typer.echo(f"charged {sim.charged()} kopecks in {len(sim.ledger)} transactions")


@app.command("bench")
def bench_payment(
    out: BenchOut = None,
    sales: Annotated[int, typer.Option(min=1, help="Sales one after another.")] = 20,
    baud: Annotated[int, typer.Option(min=1200, help="The line speed simulated.")] = 9600,
) -> None:
    """Protocol overhead of a sale against the simulator at 9,600 baud (card time taken out).

    As the kiosk registers (no print lines), then with the terminal's print lines.
    """
    from rich.console import Console

    from okno.bench import report
    from payment_terminal.bench import measure_payment

    try:
        figures = measure_payment(sales, baud)
    except OknoError as error:
        raise fail(str(error)) from error
    report("payment", figures, out, Console())
