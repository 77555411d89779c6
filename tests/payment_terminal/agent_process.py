"""A kiosk's payment agent in its own process, killed with SIGKILL at a chosen step.

Run by tests/payment_terminal/test_kills.py:
``python -m tests.payment_terminal.agent_process STATE PORT_URL KEY [STEP]``, STATE being
the terminal's folder from its enrollment (its key and membership). It recovers the
terminal's unresolved payments (as a kiosk does at start), then pays the charge under KEY
and prints the outcome as JSON; with STEP it kills itself when the sale reaches it.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from pathlib import Path

import grpc

from okno.runtime.channels import mutual_tls
from okno.runtime.enroll import Membership
from okno.runtime.identity import DeviceKey
from payment_terminal.agent import Charge, PaymentAgent, Step

# What okno.provision.enroll_devices names the first terminal it enrolls with serials "T".
TERMINAL = "payment_terminal-T-0000"
AMOUNT = 500_00


def charge(key: str) -> Charge:
    return Charge(key, "state-duty", AMOUNT, "Госпошлина за выдачу выписки", False)


def terminal_channel(state: Path) -> grpc.aio.Channel:
    """The enrolled terminal's channel to the hub's device port (mutual TLS)."""
    member = Membership.load(state)
    if member is None:
        raise FileNotFoundError(f"{state} holds no membership: enroll the terminal first")
    return mutual_tls(member.session_address, member.credentials(DeviceKey.load_or_create(state)))()


async def main(state: Path, url: str, key: str, kill_at: str) -> None:
    def on_step(step: Step, payment_id: int) -> None:
        if step.value == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    async with terminal_channel(state) as channel:
        agent = PaymentAgent.zvt(
            channel, TERMINAL, url, ack_timeout=1.0, answer_timeout=5.0, on_step=on_step
        )
        recovered = await agent.recover()
        paid = await agent.pay(charge(key), lambda text: None)
        await agent.close()
    print(
        json.dumps(
            {
                "recovered": [[r.payment_id, r.state.value] for r in recovered],
                "state": paid.state.value,
                "payment_id": paid.payment_id,
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    state_folder, port_url, idempotency_key = sys.argv[1:4]
    asyncio.run(
        main(
            Path(state_folder), port_url, idempotency_key, sys.argv[4] if len(sys.argv) > 4 else ""
        )
    )
