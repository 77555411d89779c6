"""``okno hub bench`` runs end to end and writes figures in the agreed JSON shape."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.hub.conftest import EXAMPLE


def bench(verb: str, name: str, out: Path, *options: str) -> dict[str, Any]:
    """Run ``okno hub bench VERB`` on the example branch; return its JSON document NAME."""
    command = [sys.executable, "-m", "okno", "hub", "bench", verb, *options]
    done = subprocess.run(
        [*command, "--config", str(EXAMPLE), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "figure" in done.stdout
    document: dict[str, Any] = json.loads(out.read_text())
    assert document["benchmark"] == name
    assert document["machine"]["cores"] >= 1
    return document


@pytest.mark.slow
def test_the_hub_benchmark_writes_comparable_figures(tmp_path: Path) -> None:
    figures = bench("queue", "hub", tmp_path / "bench.json", "--quick")["figures"]
    for key in ("issue_throughput", "issue_p99", "call_next_p99", "feed_p99", "day_max_wait"):
        assert set(figures[key]) == {"value", "unit", "target", "compare", "met"}
        assert figures[key]["value"] > 0
    assert figures["double_called_tickets"]["value"] == 0
    assert figures["duplicate_numbers"]["value"] == 0
    assert figures["feed_deliveries_missing"]["value"] == 0
    assert figures["day_double_calls"]["value"] == 0
    # The wait told at issue, against the wait had, on the example hall's own desks.
    assert figures["hall_day_told_wait_error_p90"]["met"] is True
    assert figures["hall_day_p90_wait"]["value"] > 0


@pytest.mark.slow
def test_the_devices_benchmark_enrolls_holds_and_reconnects(tmp_path: Path) -> None:
    options = ("--devices", "10", "--seconds", "1")
    figures = bench("devices", "devices", tmp_path / "devices.json", *options)["figures"]
    assert figures["devices"]["value"] == 10
    assert figures["heartbeat_round_trips"]["value"] >= 10
    assert 0 < figures["reconnect_after_restart"]["value"] < 30


@pytest.mark.slow
@pytest.mark.clock
def test_the_applications_benchmark_applies_each_change_once(tmp_path: Path) -> None:
    options = ("--applications", "150", "--stale", "3")
    figures = bench("applications", "applications", tmp_path / "a.json", *options)["figures"]
    assert figures["applied_once"]["value"] == 150
    assert figures["change_events"]["value"] == 150
    assert figures["resends_answered_applied_before"]["value"] == 15
    assert figures["stale_refused"]["value"] == 3
    assert figures["exactly_once_violations"]["value"] == 0
    assert figures["set_status_p99"]["value"] > 0


@pytest.mark.slow
@pytest.mark.clock
def test_the_notices_benchmark_times_each_change_to_its_sms_once(tmp_path: Path) -> None:
    figures = bench("notices", "notices", tmp_path / "notices.json", "--quick")["figures"]
    assert figures["notice_changes"]["value"] == 30
    assert 0 < figures["notice_from_request_p99"]["value"] < 10_000
    assert figures["notices_taken"]["value"] == 60
    assert figures["notices_lost"]["value"] == figures["notices_twice"]["value"] == 0
