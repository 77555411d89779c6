"""``okno``: one command, a group per program of the hall, in the order a technician looks.

Each program's package owns its group in its ``cli.py`` (with its ``sim`` and ``bench``
verbs); this package only mounts them, and the technician's ``okno provision``
(``okno.cli.provision``). The groups import Qt, the hub and databases only when a
command runs, so ``okno --help`` stays quick.
"""

from __future__ import annotations

import typer

from backoffice import cli as backoffice
from card_reader import cli as card_reader
from hall_display import cli as display
from hub import cli as hub
from hub.backup import cli as backup
from ivr import cli as ivr
from kiosk import cli as kiosk
from okno.cli import provision
from okno.demo import cli as demo
from payment_terminal import cli as payment
from staff_desk import cli as desk
from ticket_printer import cli as printer

app = typer.Typer(
    help="okno: the electronic queue of a public-service centre's hall.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(hub.app, name="hub")
app.add_typer(provision.app, name="provision")
app.add_typer(kiosk.app, name="kiosk")
app.add_typer(display.app, name="display")
app.add_typer(printer.app, name="printer")
app.add_typer(desk.app, name="desk")
app.add_typer(card_reader.app, name="card-reader")
app.add_typer(payment.app, name="payment")
app.add_typer(ivr.app, name="ivr")
app.add_typer(backoffice.app, name="backoffice")
app.add_typer(backup.backup_app, name="backup")
# Mounted without a name, as the demo: its one command is ``okno restore``.
app.add_typer(backup.restore_app)
# Mounted without a name, its one command is ``okno demo`` itself, listed last.
app.add_typer(demo.app)
