"""``okno hub bench devices``: many enrolled devices holding sessions to one hub.

Devices are real: each has its own key and certificate from the branch CA and holds a
mutual-TLS session from one of a few worker processes. Figures: hub CPU and memory
under their heartbeats, heartbeat round trip (which bounds the hub's processing), and
how long every device takes to reconnect after the hub restarts.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import socket
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path

from hub.bench.callers import enrolled
from hub.bench.process import round_the_clock, start_hub
from okno.bench import Figure, percentile
from okno.console import admin_socket_for
from okno.runtime.enroll import Membership
from okno.runtime.identity import DeviceKey
from okno.runtime.session import HubSession

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


async def measure_devices(
    config: Path, devices: int, processes: int, seconds: float, heartbeat_s: float
) -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="okno-bench-devices-") as scratch:
        root = Path(scratch)
        branch = root / "branch.toml"
        await asyncio.to_thread(_write_branch, config, branch)
        session_port = free_port()
        options = ("--device-listen", f"127.0.0.1:{session_port}")
        hub, port = await start_hub(branch, root / "hub.db", *options)
        started = time.perf_counter()
        socket = admin_socket_for(root / "hub.db")
        folders = await enrolled(f"127.0.0.1:{port}", socket, "hall_display", devices, root)
        enroll_s = time.perf_counter() - started
        context = multiprocessing.get_context("spawn")
        workers = []
        for index in range(processes):
            parent, child = context.Pipe()
            share = [str(f) for f in folders[index::processes]]
            process = context.Process(target=_worker, args=(share, heartbeat_s, child), daemon=True)
            process.start()
            workers.append((process, parent))
        pipes = [pipe for _, pipe in workers]
        await _all(pipes, "up")
        await _all(pipes, "measure")
        cpu_before, wall_before = _cpu_s(hub.pid), time.perf_counter()
        await asyncio.sleep(seconds)
        cpu_share = (_cpu_s(hub.pid) - cpu_before) / (time.perf_counter() - wall_before)
        rss_mib = _rss_mib(hub.pid)
        round_trips = [ms for answer in await _all(pipes, "round_trips") for ms in answer]
        hub.send_signal(signal.SIGTERM)
        await hub.wait()
        await _all(pipes, "down")
        restarted = time.perf_counter()
        hub, _ = await start_hub(branch, root / "hub.db", *options)
        await _all(pipes, "up")
        reconnect_s = time.perf_counter() - restarted
        await _all(pipes, "stop")
        for process, _ in workers:
            process.join(10)
        hub.send_signal(signal.SIGTERM)
        await hub.wait()
    return [
        Figure("devices", devices, "devices"),
        Figure("enrollment", enroll_s, "s"),
        Figure("hub_cpu", cpu_share * 100, "% of a core"),
        Figure("hub_memory", rss_mib, "MiB"),
        Figure("heartbeat_round_trips", len(round_trips), "heartbeats"),
        Figure("heartbeat_p50", percentile(round_trips, 50), "ms"),
        Figure("heartbeat_p99", percentile(round_trips, 99), "ms", 20, "<="),
        Figure("reconnect_after_restart", reconnect_s, "s", 5, "<="),
    ]


async def _all(pipes: list[Connection], word: str) -> list[list[float]]:
    """Tell every worker ``word`` and wait for each one's answer."""
    for pipe in pipes:
        pipe.send(word)
    return [await asyncio.to_thread(pipe.recv) for pipe in pipes]


def _worker(folders: list[str], heartbeat_s: float, pipe: Connection) -> None:
    asyncio.run(_hold_sessions([Path(f) for f in folders], heartbeat_s, pipe))


async def _hold_sessions(folders: list[Path], heartbeat_s: float, pipe: Connection) -> None:
    stop = asyncio.Event()
    sessions = []
    for folder in folders:
        membership = Membership.load(folder)
        assert membership is not None
        key = DeviceKey.load_or_create(folder)
        credentials = key.client_credentials(membership.ca_pem, membership.certificate_pem)
        sessions.append(
            HubSession(membership.session_address, credentials, heartbeat_s=heartbeat_s)
        )
    tasks = [asyncio.create_task(s.run(stop)) for s in sessions]
    while (word := await asyncio.to_thread(pipe.recv)) != "stop":
        if word == "up":
            await asyncio.gather(*(s.connected.wait() for s in sessions))
            pipe.send([])
        elif word == "down":
            while any(s.connected.is_set() for s in sessions):  # noqa: ASYNC110 (many events)
                await asyncio.sleep(0.01)
            pipe.send([])
        elif word == "measure":
            for session in sessions:
                session.round_trips_ms.clear()
            pipe.send([])
        elif word == "round_trips":
            pipe.send([ms for s in sessions for ms in s.round_trips_ms])
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    pipe.send([])


def _write_branch(config: Path, branch: Path) -> None:
    branch.write_text(round_the_clock(config.read_text()))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0
