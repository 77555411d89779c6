"""Kill the hub or the agent at every step of a sale: charged once or not at all.

Real processes: the hub is ``okno hub`` in a subprocess on loopback, killed with SIGKILL;
the agent is killed with SIGKILL in its own process (tests/payment_terminal/agent_process.py)
at the step under test. The simulated terminal on a pty pair outlives both, and its ledger
is what the visitor's bank charged.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sqlite3
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from hub.bench.process import round_the_clock, start_hub
from okno.console import admin_socket_for
from okno.provision import enroll_devices
from payment_terminal.agent import PaidState, PaymentAgent, Step
from payment_terminal.codec import AUTHORISATION
from payment_terminal.sim import SimulatedTerminal
from tests.hub.conftest import EXAMPLE
from tests.payment_terminal.agent_process import AMOUNT, TERMINAL, charge, terminal_channel

# Real hub processes on the wall clock: .ci/run repeats these at night and across midnight.
pytestmark = [pytest.mark.slow, pytest.mark.clock]
KEY = "kiosk-01:0042"
# How each payment ends when the agent dies at the step: it was never sent before the
# sale went out; the terminal gave up on a sale whose register vanished; a charge the
# terminal made is confirmed by its repeat receipt.
AFTER_AGENT_KILL = {
    Step.BEGIN: PaidState.APPROVED,  # nothing recorded: the retry is a new sale
    Step.BEGUN: PaidState.REVERSED,  # recorded, never sent
    Step.SENT: PaidState.REVERSED,  # sent, broken off by the terminal before any charge
    Step.ANSWERED: PaidState.APPROVED,  # charged, confirmed at recovery
    Step.SETTLED: PaidState.APPROVED,
}


@dataclass
class HubProcess:
    """``okno hub`` on fixed ports, so a restarted hub is where its terminal left it.

    ``terminal`` is the state folder of the payment terminal enrolled with it.
    """

    config: Path
    db: Path
    port: int
    device_port: int
    terminal: Path
    process: asyncio.subprocess.Process | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    async def start(self) -> None:
        self.process, _ = await start_hub(
            self.config,
            self.db,
            *("--listen", self.address, "--device-listen", f"127.0.0.1:{self.device_port}"),
        )

    def kill(self) -> None:
        """SIGKILL, callable from any thread (the agent's worker thread tells the steps)."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.kill()
            await self.process.wait()


def free_port() -> int:
    with closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@asynccontextmanager
async def running_hub(tmp_path: Path) -> AsyncIterator[HubProcess]:
    config = tmp_path / "branch.toml"
    config.write_text(round_the_clock(EXAMPLE.read_text()))
    db = tmp_path / "hub.db"
    hub = HubProcess(config, db, free_port(), free_port(), tmp_path / "terminals" / "0000")
    await hub.start()
    try:
        await enroll_devices(
            hub.address,
            admin_socket_for(db),
            1,
            hub.terminal.parent,
            kind="payment_terminal",
            serials="T",
        )
        yield hub
    finally:
        await hub.stop()


async def run_agent(hub: HubProcess, sim: SimulatedTerminal, kill_at: str = "") -> tuple[int, Any]:
    """The agent process: its exit code and, if it lived, its JSON answer."""
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "tests.payment_terminal.agent_process", str(hub.terminal)),
        *(f"serial://{sim.port_path}?baudrate=9600", KEY, kill_at),
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode is not None
    return process.returncode, json.loads(out) if out.strip() else None


def settled_events(db: Path) -> list[dict[str, Any]]:
    with closing(sqlite3.connect(db)) as connection:
        rows = connection.execute(
            "SELECT payload FROM events WHERE kind = 'payment_settled' ORDER BY seq"
        ).fetchall()
    return [json.loads(payload)["payment"] for (payload,) in rows]


def assert_charged_once_or_never(sim: SimulatedTerminal, state: PaidState) -> None:
    assert sim.commands.count(AUTHORISATION) <= 1, "a payment was sent twice"
    kept = [t for t in sim.ledger if not t.reversed]
    if state is PaidState.APPROVED:
        assert [t.amount for t in kept] == [AMOUNT]
    else:
        assert kept == []


@pytest.mark.parametrize("step", list(Step), ids=[s.value for s in Step])
async def test_agent_killed_at_a_step(tmp_path: Path, step: Step) -> None:
    with SimulatedTerminal() as sim:
        async with running_hub(tmp_path) as hub:
            code, _ = await run_agent(hub, sim, step.value)
            assert code == -signal.SIGKILL
            # The kiosk restarts: its agent recovers, then the visitor's request is retried.
            code, answer = await run_agent(hub, sim)
            assert code == 0
        assert answer["state"] == AFTER_AGENT_KILL[step].value
        assert_charged_once_or_never(sim, AFTER_AGENT_KILL[step])
        events = settled_events(hub.db)
        assert [(e["payment_id"], e["state"]) for e in events] == [
            (answer["payment_id"], answer["state"])
        ]


@pytest.mark.parametrize("step", list(Step), ids=[s.value for s in Step])
async def test_hub_killed_at_a_step(tmp_path: Path, step: Step) -> None:
    with SimulatedTerminal() as sim:
        async with running_hub(tmp_path) as hub:
            killed = False

            def on_step(at: Step, payment_id: int) -> None:
                nonlocal killed
                if at is step and not killed:
                    killed = True
                    hub.kill()

            async with terminal_channel(hub.terminal) as channel:
                agent = PaymentAgent.zvt(
                    channel,
                    TERMINAL,
                    f"serial://{sim.port_path}?baudrate=9600",
                    ack_timeout=1.0,
                    answer_timeout=5.0,
                    deadline_s=2.0,
                    on_step=on_step,
                )
                try:
                    first = await agent.pay(charge(KEY), lambda text: None)
                    assert killed
                    assert hub.process is not None
                    await hub.process.wait()
                    if step is Step.BEGIN:
                        assert first.state is PaidState.UNAVAILABLE
                        assert AUTHORISATION not in sim.commands  # registered only
                    await hub.start()
                    # The kiosk retries the visitor's request until the hub answers.
                    final = first
                    for _ in range(100):
                        final = await agent.pay(charge(KEY), lambda text: None)
                        if final.state is not PaidState.UNAVAILABLE:
                            break
                        await asyncio.sleep(0.1)
                finally:
                    await agent.close()
        # The hub was away for the settlement, never for the charge: approved once.
        assert final.state is PaidState.APPROVED
        assert_charged_once_or_never(sim, PaidState.APPROVED)
        assert [e["state"] for e in settled_events(hub.db)] == ["approved"]
