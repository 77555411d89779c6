"""``okno printer bench`` runs end to end and reports the figures the issue names."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hub.conftest import EXAMPLE
from ticket_printer.bench import measure_printer

pytestmark = pytest.mark.clock


async def test_the_printer_benchmark_measures_sizes_and_latency(tmp_path: Path) -> None:
    figures = {f.key: f for f in await measure_printer(EXAMPLE, 3)}
    assert figures["jobs"].value == 3
    assert figures["ticket_bytes_80mm_nv_logo"].met
    raster = figures["ticket_bytes_80mm_raster_logo"].value
    assert raster > figures["ticket_bytes_80mm_nv_logo"].value
    assert 0 < figures["issue_to_first_byte_p50"].value <= figures["issue_to_first_byte_max"].value
