"""A kiosk's payment agent in its own process, killed with SIGKILL at a chosen step.

Run by tests/payment_terminal/test_kills.py:
``python -m tests.payment_terminal.agent_process HUB PORT_URL KEY [STEP]``. It recovers
the terminal's unresolved payments (as a kiosk does at start), then pays the charge under
KEY and prints the outcome as JSON; with STEP it kills itself when the sale reaches it.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys

import grpc

from payment_terminal.agent import Charge, PaymentAgent, Step

TERMINAL = "kiosk-01-terminal"
AMOUNT = 500_00


def charge(key: str) -> Charge:
    return Charge(key, "state-duty", AMOUNT, "Госпошлина за выдачу выписки", False)


async def main(hub: str, url: str, key: str, kill_at: str) -> None:
    def on_step(step: Step, payment_id: int) -> None:
        if step.value == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    async with grpc.aio.insecure_channel(hub) as channel:
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
    hub_address, port_url, idempotency_key = sys.argv[1:4]
    asyncio.run(
        main(hub_address, port_url, idempotency_key, sys.argv[4] if len(sys.argv) > 4 else "")
    )
