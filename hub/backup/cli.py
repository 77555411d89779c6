"""``okno backup`` (take, keygen, list, fetch) and ``okno restore``: the hub machine's
backups, kept in a local folder and, with ``--backoffice``, at the back office too.

The clock is read here, at the edge, and given to the code below; the heavy imports
wait until a command runs, so that ``okno --help`` stays quick.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from okno.console import fail, setup_logging
from okno.errors import OknoError

if TYPE_CHECKING:
    from hub.backup.offsite import Office

backup_app = typer.Typer(help="Backups of the hub: encrypted to the region's key, checked, kept.")
restore_app = typer.Typer()

Db = Annotated[Path, typer.Option(help="The hub's SQLite database; its keys are in <db>-pki/.")]
Config = Annotated[Path, typer.Option(help="The branch's TOML configuration.")]
Secret = Annotated[
    Path | None, typer.Option(help="The branch's back office secret file, if it syncs.")
]
Folder = Annotated[
    Path | None,
    typer.Option("--to", help="The archives' folder; <db>-backups/ beside the database if unset."),
]
BackOffice = Annotated[
    str, typer.Option("--backoffice", help="host:port of the region's back office.")
]
BackOfficeCa = Annotated[
    Path | None, typer.Option(help="The CA of the back office's TLS certificate.")
]


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


@backup_app.callback(invoke_without_command=True)
def backup(
    context: typer.Context,
    recipient: Annotated[
        str, typer.Option(help="The region's public key (age1...), or a file holding it.")
    ] = "",
    db: Db = Path("var/okno.db"),
    config: Config = Path("examples/branch.toml"),
    backoffice_secret_file: Secret = None,
    to: Folder = None,
    keep_daily: Annotated[int, typer.Option(help="Keep the last backup of this many days.")] = 14,
    keep_weekly: Annotated[int, typer.Option(help="...and of this many weeks.")] = 8,
    backoffice: Annotated[
        str,
        typer.Option(help="host:port of the back office to keep a copy at too (none if empty)."),
    ] = "",
    backoffice_ca: BackOfficeCa = None,
) -> None:
    """Take a backup while the hub serves, then drop those past the retention; with
    --backoffice, send it to the back office too."""
    if context.invoked_subcommand is not None:
        return
    from hub.backup.keys import recipient as parse_recipient
    from hub.backup.layout import HubFiles
    from hub.backup.offsite import upload
    from hub.backup.retention import archives, to_prune
    from hub.backup.take import take_backup

    setup_logging()
    if not recipient:
        raise fail("give --recipient the region's public key (age1...): `okno backup keygen`")
    if backoffice and backoffice_secret_file is None:
        raise fail(
            "--backoffice needs --backoffice-secret-file: the branch signs its archives with "
            "its back office secret"
        )
    try:
        # Read before the backup is taken: a wrong setting fails at once, not after it.
        office = None
        if backoffice and backoffice_secret_file is not None:
            office = _office(backoffice, "", backoffice_secret_file, backoffice_ca)
        files = HubFiles(db, config, backoffice_secret_file)
        folder = to or files.backups
        taken = take_backup(files, folder, [parse_recipient(recipient)], _now_ms())
    except OknoError as error:
        raise fail(str(error)) from error
    pruned = to_prune(archives(folder), keep_daily, keep_weekly)
    for old in pruned:
        old.path.unlink()
    size = taken.path.stat().st_size
    typer.echo(
        f"{taken.path}  seq {taken.manifest.last_seq}  {size / 1e6:.1f} MB"
        f"  ({len(pruned)} older removed)"
    )
    if office is None:
        return
    office = replace(office, branch_id=taken.manifest.branch_id)
    try:
        sent = asyncio.run(upload(office, taken.path))
    except OknoError as error:
        raise fail(
            f"{error}. The archive is kept here ({taken.path}); the next backup, or this "
            "command again, sends one to the back office"
        ) from error
    typer.echo(
        f"sent to the back office at {backoffice} (it keeps {sent.kept} of the branch's "
        f"archives, {sent.pruned} older removed)"
    )


@backup_app.command("keygen")
def keygen(
    out: Annotated[Path, typer.Option(help="Where to write the region's private key.")],
) -> None:
    """Make the region's key pair; the public key (printed) goes to every hub's --recipient."""
    from hub.backup.keys import make_region_key

    try:
        typer.echo(make_region_key(out))
    except OknoError as error:
        raise fail(str(error)) from error


@backup_app.command("list")
def list_archives(
    to: Folder = None,
    db: Db = Path("var/okno.db"),
    backoffice: Annotated[
        str, typer.Option(help="host:port: list the archives the back office keeps instead.")
    ] = "",
    branch: Annotated[str, typer.Option(help="With --backoffice: the branch's id.")] = "",
    backoffice_secret_file: Secret = None,
    backoffice_ca: BackOfficeCa = None,
) -> None:
    """The complete archives in the folder (or at the back office), oldest first."""
    from hub.backup.layout import HubFiles
    from hub.backup.offsite import listed
    from hub.backup.retention import archive_of, archives

    if backoffice:
        office = _needed_office(backoffice, branch, backoffice_secret_file, backoffice_ca)
        try:
            kept = asyncio.run(listed(office))
        except OknoError as error:
            raise fail(str(error)) from error
        found = [(archive_of(Path(name)), size) for name, size in kept]
    else:
        found = [(a, a.path.stat().st_size) for a in archives(to or HubFiles(db, Path()).backups)]
    for archive, size in found:
        if archive is not None:
            typer.echo(
                f"{archive.taken:%Y-%m-%d %H:%M:%S}  {size / 1e6:9.1f} MB  {archive.path.name}"
            )


@backup_app.command("fetch")
def fetch_archive(
    backoffice: BackOffice,
    branch: Annotated[str, typer.Option(help="The id of the branch whose archive to fetch.")],
    backoffice_secret_file: Annotated[
        Path, typer.Option(help="The branch's back office secret file, from the region.")
    ],
    backoffice_ca: BackOfficeCa = None,
    name: Annotated[
        str, typer.Option(help="The archive's file name (`backup list`); the newest if unset.")
    ] = "",
    to: Annotated[Path, typer.Option("--to", help="The folder to fetch it into.")] = Path("."),
) -> None:
    """Fetch the branch's archive from the back office, for `okno restore` on a new box."""
    from hub.backup.offsite import download

    office = _needed_office(backoffice, branch, backoffice_secret_file, backoffice_ca)
    setup_logging()
    try:
        path = asyncio.run(download(office, to, name))
    except OknoError as error:
        raise fail(str(error)) from error
    typer.echo(f"{path}  {path.stat().st_size / 1e6:.1f} MB")
    typer.echo(f"restore it: okno restore {path} --identity REGION-KEY ... (docs/backup.md)")


def _needed_office(
    target: str, branch: str, secret_file: Path | None, ca_file: Path | None
) -> Office:
    """The back office as a command that cannot do without it is given it."""
    if not branch or secret_file is None:
        raise fail(
            "--backoffice needs --branch and --backoffice-secret-file: the archives are the "
            "branch's, and only its secret gets them"
        )
    try:
        return _office(target, branch, secret_file, ca_file)
    except OknoError as error:
        raise fail(str(error)) from error


def _office(target: str, branch: str, secret_file: Path, ca_file: Path | None) -> Office:
    """The back office at ``target``, the branch signing there with its secret."""
    from hub.backup.offsite import Office
    from hub.sync import read_ca, read_secret

    ca = read_ca(ca_file) if ca_file else None
    return Office(target, read_secret(secret_file), branch, ca)


@restore_app.command("restore")
def restore(
    archive: Annotated[Path, typer.Argument(help="The *.okno-backup file to restore.")],
    identity: Annotated[Path, typer.Option(help="The region's private key file.")],
    db: Db = Path("var/okno.db"),
    config: Config = Path("examples/branch.toml"),
    backoffice_secret_file: Secret = None,
    backoffice: Annotated[
        str, typer.Option(help="host:port of the back office to catch up from (none if empty).")
    ] = "",
    backoffice_ca: Annotated[
        Path | None, typer.Option(help="The CA of the back office's TLS certificate.")
    ] = None,
    branch: Annotated[str, typer.Option(help="Refuse an archive of another branch.")] = "",
    replace: Annotated[
        bool, typer.Option(help="Move the hub files already there aside and restore over them.")
    ] = False,
) -> None:
    """Restore a hub from an archive on a new box, then catch up from the back office."""
    from hub.backup.keys import identity as read_identity
    from hub.backup.layout import HubFiles
    from hub.backup.restore import Fetch, restore
    from hub.sync import read_ca
    from hub.sync.fetch import Fetch as FetchEvents

    setup_logging()
    fetch: Fetch | None = None
    try:
        if backoffice:
            ca = read_ca(backoffice_ca) if backoffice_ca else None

            def fetch(secret: str, branch_id: str, after: int) -> FetchEvents:
                return FetchEvents(backoffice, secret, branch_id, after, ca=ca)

        restored = asyncio.run(
            restore(
                archive,
                read_identity(identity),
                HubFiles(db, config, backoffice_secret_file),
                _now_ms(),
                fetch=fetch,
                replace_existing=replace,
                branch_id=branch,
            )
        )
    except OknoError as error:
        raise fail(str(error)) from error
    described = restored.manifest
    typer.echo(
        f"restored branch {described.branch_id} from seq {described.last_seq}: "
        f"{restored.caught_up} events caught up from the back office (it holds up to "
        f"{restored.acked_seq}); the hub goes on at seq {restored.seq + 1}"
    )
    typer.echo(f"branch CA fingerprint: {restored.ca_fingerprint} (devices must show the same)")
    if restored.missing:
        typer.echo(f"{restored.missing} events the back office acknowledged are not held there")
    if restored.unsent:
        typer.echo(
            f"at least {restored.unsent} events the lost hub committed in its last moments "
            "never reached the back office and are lost: a visitor whose ticket the hub does "
            "not know takes a new one"
        )
    if restored.bookings_without_code:
        typer.echo(
            f"{restored.bookings_without_code} bookings made after the backup are back without "
            "their code and contact: check their visitors in from the booking list"
        )
    if restored.catalogue_not_restored:
        typer.echo(
            f"the configuration names the catalogue {restored.catalogue_not_restored}, which "
            "this backup (taken before backups carried the catalogue) does not hold: copy it "
            "and its forms there before starting the hub"
        )
    if not backoffice:
        typer.echo("no --backoffice: what the branch did after the backup is not restored")
