"""The status-page benchmark, small: a hub process with its web port (the runner's
--web-listen path) and a few phones polling it."""

from __future__ import annotations

import pytest

from hub.bench.status_page import measure_status_page
from tests.hub.conftest import EXAMPLE

pytestmark = pytest.mark.slow


async def test_the_status_page_benchmark_runs_against_a_hub_process() -> None:
    figures = {f.key: f for f in await measure_status_page(EXAMPLE, viewers=20, seconds=1)}
    assert figures["errors"].value == 0
    # How many pages a second of pacing serves depends on the machine's load; that some
    # were, with no error, is what this test can say.
    assert figures["paced: pages served"].value > 0
    assert figures["back to back: throughput"].value > 0
    assert figures["paced: p99"].target == 50
