"""The look-up benchmark, small: applications recorded as desks record them, a hub process
with its web port, and a few phones from their own addresses looking them up."""

from __future__ import annotations

import pytest

from hub.bench.lookup import measure_lookup
from tests.hub.conftest import EXAMPLE

pytestmark = pytest.mark.slow


async def test_the_lookup_benchmark_finds_every_right_pair_and_refuses_every_wrong_one() -> None:
    figures = {
        f.key: f for f in await measure_lookup(EXAMPLE, 120, clients=4, seconds=4, pace_s=0.25)
    }
    # Every answer was the page it should be: no error, no refusal for too many attempts.
    assert figures["errors"].value == 0
    assert figures["paced: right pairs answered"].value > 0
    assert figures["paced: wrong pairs answered"].value > 0
    assert figures["back to back: throughput"].value > 0
    assert figures["paced: p99"].target == 50
