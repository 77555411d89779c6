"""The demo's card terminal keeps the hall's time, so a receipt and its ticket agree."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from okno.demo.cashier import branch_time, hall_terminal
from okno.demo.members import hall_members
from payment_terminal.agent import Charge, PaidState, receipt
from tests.hub.conftest import Served

# 09:01:30 on 7 December in Moscow is 06:01:30 UTC: a receipt in the host's UTC, or on
# the host's wall clock, would not say 07.12 09:01.
HALL_NOW_MS = int(datetime(2026, 12, 7, 6, 1, 30, tzinfo=UTC).timestamp() * 1000)


async def test_the_demo_terminal_prints_branch_time_on_the_receipt(
    served: Served, tmp_path: Path
) -> None:
    fee = Charge("demo-1", "state-duty", 500_00, "Госпошлина за выдачу выписки", False)
    clock = branch_time(lambda: HALL_NOW_MS, "Europe/Moscow")
    async with (
        hall_members(served.doors, [], "", tmp_path) as members,
        hall_terminal(members.terminal, members.kiosk, "", clock) as cashier,
    ):
        paid = await cashier.agent.pay(fee, print)

    assert paid.state is PaidState.APPROVED
    assert "Дата и время: 07.12 09:01:30" in receipt(fee, paid)


def test_branch_time_is_the_branchs_wall_time_across_midnight() -> None:
    # 23:59:50 UTC on 6 December is already 02:59:50 on the 7th in Moscow.
    late = int(datetime(2026, 12, 6, 23, 59, 50, tzinfo=UTC).timestamp() * 1000)
    shown = branch_time(lambda: late, "Europe/Moscow")()
    assert shown.strftime("%d.%m %H:%M:%S") == "07.12 02:59:50"
