"""``python -m ticket_printer``: the virtual printer and the test page without ``okno``."""

from ticket_printer.cli import app

app()
