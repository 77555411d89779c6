"""``okno hub bench``: the hub's figures, each measured against a real hub process.

The JSON names (``hub``, ``devices``, ``appointments``, ``web``, ``applications``,
``notices``) are those of earlier runs, so figures compare across them.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from okno.console import BenchBranch, BenchOut, fail, setup_logging
from okno.errors import OknoError

app = typer.Typer(help="Measure the hub; print a table and, with --out, write JSON.")
EXAMPLE = Path("examples/branch.toml")


@app.command("queue")
def bench_queue(
    out: BenchOut = None,
    config: BenchBranch = EXAMPLE,
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


@app.command("devices")
def bench_devices(
    out: BenchOut = None,
    config: BenchBranch = EXAMPLE,
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


@app.command("appointments")
def bench_appointments(
    out: BenchOut = None,
    config: BenchBranch = EXAMPLE,
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


@app.command("web")
def bench_web(
    out: BenchOut = None,
    config: BenchBranch = EXAMPLE,
    viewers: Annotated[int, typer.Option(min=1, help="Visitors watching the status page.")] = 200,
    seconds: Annotated[float, typer.Option(help="How long they watch.")] = 10.0,
) -> None:
    """The live status page under many concurrent viewers."""
    from rich.console import Console

    from hub.bench.status_page import measure_status_page
    from okno.bench import report

    setup_logging()
    report("web", asyncio.run(measure_status_page(config, viewers, seconds)), out, Console())


@app.command("applications")
def bench_applications(
    out: BenchOut = None,
    config: BenchBranch = EXAMPLE,
    applications: Annotated[
        int, typer.Option(min=1, help="Applications recorded, one change pushed to each.")
    ] = 10_000,
    resends: Annotated[float, typer.Option(help="Share of changes sent twice.")] = 0.1,
    stale: Annotated[int, typer.Option(min=0, help="Stale changes sent after newer ones.")] = 20,
    in_flight: Annotated[int, typer.Option(min=1, help="Calls in flight at once.")] = 64,
    quick: Annotated[bool, typer.Option(help="500 applications, to check it runs.")] = False,
) -> None:
    """The information system's burst of status changes: time, rate, latency, exactly once."""
    from rich.console import Console

    from hub.bench.applications import measure_applications
    from okno.bench import report

    setup_logging()
    try:
        figures = asyncio.run(
            measure_applications(
                config,
                500 if quick else applications,
                resends=resends,
                stale=5 if quick else stale,
                in_flight=in_flight,
            )
        )
    except OknoError as error:
        raise fail(str(error)) from error
    report("applications", figures, out, Console())


@app.command("notices")
def bench_notices(
    out: BenchOut = None,
    config: BenchBranch = EXAMPLE,
    changes: Annotated[int, typer.Option(min=1, help="Status changes timed, in each round.")] = 300,
    callers: Annotated[int, typer.Option(min=1, help="Callers sending the burst.")] = 10,
    quick: Annotated[bool, typer.Option(help="30 changes a round, to check it runs.")] = False,
) -> None:
    """From an application's status change acknowledged to its SMS taken by the gateway."""
    from rich.console import Console

    from hub.bench.notices import measure_notices
    from okno.bench import report

    setup_logging()
    try:
        figures = asyncio.run(measure_notices(config, 30 if quick else changes, callers))
    except OknoError as error:
        raise fail(str(error)) from error
    report("notices", figures, out, Console())


@app.command("lookup")
def bench_lookup(
    out: BenchOut = None,
    config: BenchBranch = EXAMPLE,
    applications: Annotated[int, typer.Option(min=1, help="Applications the hub holds.")] = 20_000,
    phones: Annotated[
        int, typer.Option(min=1, max=5000, help="Phones looking up, each from its own address.")
    ] = 50,
    seconds: Annotated[float, typer.Option(min=0.5, help="How long they look up.")] = 10.0,
    pace: Annotated[
        float, typer.Option(min=0.01, help="Seconds between one phone's look-ups.")
    ] = 1.0,
    quick: Annotated[bool, typer.Option(help="Small loads, to check the benchmark runs.")] = False,
) -> None:
    """The web look-up of an application by number and phone, over many applications."""
    from rich.console import Console

    from hub.bench.lookup import measure_lookup
    from okno.bench import report

    setup_logging()
    if quick:
        # Eight look-ups a phone: the fourth is a wrong pair, so that both are measured.
        applications, phones, seconds, pace = min(applications, 500), min(phones, 10), 2.0, 0.25
    figures = asyncio.run(measure_lookup(config, applications, phones, seconds, pace_s=pace))
    report("lookup", figures, out, Console())
