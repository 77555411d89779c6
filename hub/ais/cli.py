"""``okno hub sim ais``: the centre's information system pushing a burst of status changes."""

from __future__ import annotations

import os
from pathlib import Path

from hub.ais.errors import BadPlan, SimulationError
from hub.ais.plan import plan
from hub.ais.sim import SimulatedInformationSystem, Verdict, signed_in
from hub.domain.applications import normalise_number

PIN_VARIABLE = "OKNO_AIS_PIN"


def read_numbers(given: list[str], file: Path | None) -> list[str]:
    """Application numbers from the command line and a file (one a line), canonical."""
    typed = list(given)
    if file is not None:
        try:
            typed += file.read_text(encoding="utf-8").split()
        except OSError as error:
            raise BadPlan(f"cannot read the numbers file {file}: {error.strerror}") from None
    if not typed:
        raise BadPlan("give the application numbers to change, or --numbers-file")
    numbers = [normalise_number(t) for t in typed]
    for number, text in zip(numbers, typed, strict=True):
        if not number:
            raise BadPlan(f"{text[:20]!r} is not an application number: write it as 261207-017")
    return numbers


def read_ca(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise SimulationError(
            f"cannot read the branch CA {path}: {error.strerror}; give the hub's ca.pem"
        ) from None


async def simulate(
    address: str,
    ca_pem: bytes,
    account: str,
    pin: str,
    numbers: list[str],
    *,
    run: str,
    start_ms: int,
    resends: float,
    stale: int,
    in_flight: int,
) -> Verdict:
    """Sign in as ``account`` and push one change to each of ``numbers`` (plan.plan)."""
    pushes = plan(numbers, run=run, start_ms=start_ms, resends=resends, stale=stale)
    channel = await signed_in(address, ca_pem, account, pin)
    async with channel:
        return await SimulatedInformationSystem(channel, in_flight=in_flight).push(pushes)


def pin_from_environment() -> str:
    """The account's PIN from OKNO_AIS_PIN ("" if unset: then it is asked for)."""
    return os.environ.get(PIN_VARIABLE, "")


def described(verdict: Verdict) -> list[str]:
    """What the simulator saw, a line a fact, for a person."""
    refusals = ", ".join(f"{code} {n}" for code, n in sorted(verdict.refusals.items()))
    return [
        f"sent {verdict.sent} calls: {verdict.new} changes, {verdict.resends} resends, "
        f"{verdict.stale} stale",
        f"applied once {verdict.applied_once} of {verdict.new}; twice {verdict.applied_twice}; "
        f"missing {verdict.missing}",
        f"resends answered applied before: {verdict.answered_applied_before} of {verdict.resends}",
        f"stale refused: {verdict.stale_refused} of {verdict.stale}; "
        f"applied: {verdict.stale_applied}",
        f"other refusals: {refusals or 'none'}; answers with another status: "
        f"{verdict.wrong_status}",
        f"burst: {verdict.burst_changes} calls in {verdict.burst_s:.2f} s "
        f"({verdict.changes_per_s:.0f}/s); per call p50 {verdict.p50_ms:.1f} ms, "
        f"p99 {verdict.p99_ms:.1f} ms",
        "exactly once: yes" if verdict.exactly_once else "exactly once: NO",
    ]
