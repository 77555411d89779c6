"""``okno backoffice bench``: the region's year (ingest, reports, catch-up); as ``bench
rebuild``, recomputing its aggregates; as ``bench applications``, the applications summary
over a year of applications; as ``bench restore``, the restore drill of a branch's hub,
which needs a back office to catch up from."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from okno.console import BenchBranch, BenchOut, fail, setup_logging
from okno.errors import OknoError

if TYPE_CHECKING:
    from okno.bench import Figure

app = typer.Typer(
    help="Measure the back office; print a table and, with --out, write JSON.",
    invoke_without_command=True,
)
EXAMPLE = Path("examples/branch.toml")
PgUrl = Annotated[str, typer.Option(help="A PostgreSQL URL; empty: a temporary cluster.")]


@app.callback()
def bench(
    context: typer.Context,
    out: BenchOut = None,
    db: PgUrl = "",
    days: Annotated[int, typer.Option(min=1, help="Days of history for the reports.")] = 365,
    quick: Annotated[bool, typer.Option(help="Small loads, to check the benchmark runs.")] = False,
) -> None:
    """Ingest rate into PostgreSQL, every report over a region's year, a day's catch-up."""
    if context.invoked_subcommand is not None:
        return
    from backoffice.bench import Settings, measure

    settings = Settings(days=days)
    if quick:
        settings = Settings(branches=4, days=14, ingest_days=1, busy_visitors=800)
    _report("backoffice", lambda: measure(settings, db), out)


@app.command("rebuild")
def bench_rebuild(
    out: BenchOut = None,
    db: PgUrl = "",
    branches: Annotated[int, typer.Option(min=1, help="How many branches.")] = 20,
    days: Annotated[int, typer.Option(min=1, help="Days of history.")] = 365,
) -> None:
    """Rebuild a region's history loaded by sync: the time, and equal to the sync's tables.

    The history is pushed over gRPC to a back office process; then `okno backoffice
    rebuild` is timed and every derived table compared with what the sync kept.
    """
    from backoffice.bench_rebuild import measure

    _report("backoffice-rebuild", lambda: measure(db, branches, days), out)


@app.command("applications")
def bench_applications(
    out: BenchOut = None,
    db: PgUrl = "",
    branches: Annotated[int, typer.Option(min=1, help="How many branches.")] = 20,
    applications: Annotated[int, typer.Option(min=1, help="Applications in all.")] = 100_000,
) -> None:
    """The applications summary over a region's year of applications: its time to read."""
    from backoffice.bench_applications import Settings, measure

    settings = Settings(branches=branches, applications=applications)
    _report("backoffice-applications", lambda: measure(settings, db), out)


@app.command("restore")
def bench_restore(
    out: BenchOut = None,
    config: BenchBranch = EXAMPLE,
    days: Annotated[int, typer.Option(min=1, help="Days of history the hub holds.")] = 365,
    visitors: Annotated[int, typer.Option(min=10, help="Visitors on each of those days.")] = 5000,
    kiosks: Annotated[int, typer.Option(min=1, help="Kiosks issuing during the backup.")] = 8,
    baseline: Annotated[float, typer.Option(help="Seconds of the load without a backup.")] = 10.0,
) -> None:
    """The restore drill: backup under load, the box lost, restore, catch-up, checks."""
    from rich.console import Console

    from backoffice.bench_restore import Settings, measure_restore
    from okno.bench import report

    setup_logging()
    settings = Settings(config, days, visitors, kiosks, baseline_s=baseline)
    try:
        figures = asyncio.run(measure_restore(settings))
    except OknoError as error:
        raise fail(str(error)) from error
    report("restore", figures, out, Console())


def _report(name: str, run: Callable[[], list[Figure]], out: Path | None) -> None:
    from rich.console import Console

    from okno.bench import report

    setup_logging()
    try:
        figures = run()
    except OknoError as error:
        raise fail(str(error)) from error
    report(name, figures, out, Console())
