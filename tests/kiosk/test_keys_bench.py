"""``okno kiosk bench keys --quick``: a blind visitor's ticket counted and timed."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from okno.cli import app


def test_the_keys_bench_writes_presses_and_speech_beside_taps(tmp_path: Path) -> None:
    out = tmp_path / "keys.json"
    done = CliRunner().invoke(app, ["kiosk", "bench", "keys", "--quick", "--out", str(out)])
    assert done.exit_code == 0, done.output
    figures = json.loads(out.read_text())["figures"]
    # The first key starts the voice, then one select each for the group, the service and
    # the regular ticket (the example branch has priority categories).
    assert figures["keys_presses_passport"]["value"] == 4
    assert figures["touch_taps"]["value"] == 3
    # Real espeak-ng WAVs: the start with every key's meaning, the group, the ticket.
    assert 10 < figures["keys_speech_passport"]["value"] < 90
