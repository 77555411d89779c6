"""``python -m ticket_printer``: the same as ``okno printer``, without the rest of ``okno``."""

from ticket_printer.cli import app

app()
