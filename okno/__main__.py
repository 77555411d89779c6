"""``python -m okno``: the same as the ``okno`` command."""

from okno.cli import app

app()
