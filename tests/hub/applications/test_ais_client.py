"""examples/ais_client.py against a real hub: run as an integrator would, and its resends."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import grpc
import pytest

from examples import ais_client
from okno.signin import set_pin_locally
from tests.hub.applications.helpers import SYSTEM, accepted
from tests.hub.conftest import PIN, Served

ROOT = Path(__file__).resolve().parents[3]
AIS_NOW = 1_795_000_000_000


def changes_made(served: Served) -> int:
    with sqlite3.connect(served.db) as db:
        (count,) = db.execute(
            "SELECT count(*) FROM events WHERE kind = 'application_changed'"
        ).fetchone()
    return int(count)


async def test_the_example_client_sends_changes_and_says_what_became_of_each(
    served: Served, tmp_path: Path
) -> None:
    first, second = (await accepted(served)).number, (await accepted(served)).number
    await set_pin_locally(served.socket, SYSTEM, PIN)
    ca = tmp_path / "ca.pem"
    ca.write_bytes(served.ca_pem)
    changes = tmp_path / "changes.csv"
    changes.write_text(
        "change_id,number,status,changed_at_unix_ms,planned_ready,reason\n"
        f"dir-2,{first},in_work,{AIS_NOW + 2},,\n"
        f"dir-2,{first},in_work,{AIS_NOW + 2},,\n"
        f"dir-1,{first},suspended,{AIS_NOW + 1},,нужна справка\n"
        f"dir-3,{second},ready,{AIS_NOW + 3},2026-11-25,\n"
        f"dir-4,261123-999,ready,{AIS_NOW + 4},,\n"
        f"dir-5,{second},issued,{AIS_NOW + 5},,\n",
        encoding="utf-8",
    )
    script = ROOT / "examples" / "ais_client.py"
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, str(script), str(changes), "--hub", served.address, "--ca", str(ca)),
        env={**os.environ, "PYTHONPATH": str(ROOT), "OKNO_AIS_PIN": PIN},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 1, err.decode()
    lines = out.decode().splitlines()
    assert lines[:4] == [
        f"dir-2 {first}: applied",
        f"dir-2 {first}: applied before",
        f"dir-1 {first}: refused stale_change: application {first} has a change from the "
        "information system made later than this one: nothing changed; send changes of one "
        "application in order",
        f"dir-3 {second}: applied",
    ]
    assert lines[4].startswith("dir-4 261123-999: refused unknown_application: ")
    assert lines[5] == f"dir-5 {second}: applied"
    assert changes_made(served) == 3


class LostAnswer(grpc.RpcError):
    """What a client sees when the hub applied a change but its answer never came."""

    def code(self) -> grpc.StatusCode:
        return grpc.StatusCode.UNAVAILABLE

    def details(self) -> str:
        return "connection reset"


class LoseFirstAnswer(grpc.UnaryUnaryClientInterceptor):
    """Lets the first SetStatus reach the hub, then drops its answer."""

    def __init__(self) -> None:
        self.lost = 0

    def intercept_unary_unary(
        self, continuation: Callable[..., Any], details: Any, request: Any
    ) -> Any:
        answer = continuation(details, request)
        if details.method.endswith("/SetStatus") and not self.lost:
            answer.result()
            self.lost += 1
            raise LostAnswer()
        return answer


@pytest.fixture
def client_channel(served: Served) -> Any:
    credentials = grpc.ssl_channel_credentials(root_certificates=served.ca_pem)
    with grpc.secure_channel(served.address, credentials) as channel:
        yield channel


def change(number: str, change_id: str, status: str, at: int) -> ais_client.Change:
    return ais_client.Change(change_id, number, status, AIS_NOW + at)


async def test_a_lost_answer_is_resent_with_the_same_id_and_applied_once(
    served: Served, client_channel: grpc.Channel
) -> None:
    number = (await accepted(served)).number
    await set_pin_locally(served.socket, SYSTEM, PIN)
    dropping = LoseFirstAnswer()
    pauses: list[float] = []
    sender = ais_client.StatusSender(
        grpc.intercept_channel(client_channel, dropping), SYSTEM, PIN, pauses.append
    )
    applied = await asyncio.to_thread(sender.send, change(number, "dir-1", "ready", 1))
    # The hub had it from the first copy: the resend is "applied before", and done.
    assert (applied, dropping.lost, pauses) == (False, 1, [0.5])
    assert changes_made(served) == 1


async def test_the_example_client_signs_in_again_when_its_session_ends(
    served: Served, client_channel: grpc.Channel
) -> None:
    number = (await accepted(served)).number
    await set_pin_locally(served.socket, SYSTEM, PIN)
    sender = ais_client.StatusSender(client_channel, SYSTEM, PIN)
    assert await asyncio.to_thread(sender.send, change(number, "dir-1", "in_work", 1))
    await set_pin_locally(served.socket, SYSTEM, PIN)  # a new PIN ends the account's sessions
    assert await asyncio.to_thread(sender.send, change(number, "dir-2", "ready", 2))
    assert sender.sign_ins == 2
    assert changes_made(served) == 2


async def test_a_wrong_pin_is_not_tried_again(served: Served, client_channel: grpc.Channel) -> None:
    number = (await accepted(served)).number
    await set_pin_locally(served.socket, SYSTEM, PIN)
    sender = ais_client.StatusSender(client_channel, SYSTEM, "918273")
    with pytest.raises(ais_client.SignInRefused):
        await asyncio.to_thread(sender.send, change(number, "dir-1", "ready", 1))
    assert changes_made(served) == 0
