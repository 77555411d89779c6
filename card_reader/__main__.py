"""``python -m card_reader``: the card reader's commands without the okno CLI."""

from card_reader.cli import app

app()
