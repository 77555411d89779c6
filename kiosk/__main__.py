"""``python -m kiosk``: the same as ``okno kiosk``."""

from kiosk.cli import app

app()
