"""``okno hub bench lookup``: visitors looking their applications up on the web page.

The applications are recorded as desks record them (``Applications.accept``, one commit
each, a tenth then made ready by the information system), PER_DAY a day over the days
before the measured one, on a hub in this process; then that database is served by a hub
in its own process with its web port (``okno hub --web-listen``), and ``clients`` phones
POST ``/application`` with a number and a phone, each phone from its own loopback address
(127.0.x.y), as visitors come from their own.

- **paced**: each phone one look-up every ``pace_s``. Mostly right pairs (a random
  application, its phone typed as people type it); every WRONG_EVERY-th a wrong one (a
  wrong phone, or a number nobody has), at most WRONG_PER_PHONE per phone and WRONG_TOTAL
  in all: under the hub's limits of wrong pairs (10 per address, 300 on the hub in 15
  minutes), so that what is measured is the look-up, not the limit. A refusal for too
  many attempts counts as an error.
- **back to back**: right pairs only, each phone sending its next as soon as the last is
  answered: the throughput the hub has for the page.

Each phone's first look-up, before the clock starts, is not timed (the page's template
is compiled then). Latency is from sending the request to the last byte of the answer;
an answer counts only when it is the page it should be (the application's number on a
200, or the one answer for a wrong pair on a 404).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import random
import signal
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from hub.applications import Accepting
from hub.bench.http_phone import Answer, PageError, Phone
from hub.bench.process import round_the_clock
from hub.bench.status_page import start_hub_with_web
from hub.bench.visits import serve_one
from hub.config import load_branch
from hub.domain.applications import ApplicationStatus, Change
from hub.service import Hub, wall_clock_ms
from hub.traffic import morning_ms
from okno.bench import Figure, percentile

log = logging.getLogger(__name__)
TARGET_P99_MS = 50.0
DAY_MS = 86_400_000
# Application numbers hold up to 9999 a day (261207-9999): spread them over days.
PER_DAY = 5000
READY_EVERY = 10
WRONG_EVERY = 12
WRONG_PER_PHONE = 5
WRONG_TOTAL = 200
SAME_ANSWER = "Заявления с таким номером и телефоном нет"


@dataclass
class Seen:
    right_ms: list[float] = field(default_factory=list)
    wrong_ms: list[float] = field(default_factory=list)
    errors: int = 0
    started: float = 0.0
    ended: float = 0.0

    @property
    def per_s(self) -> float:
        answered = len(self.right_ms) + len(self.wrong_ms)
        return answered / max(1e-9, self.ended - self.started)


@dataclass
class SteppedClock:
    """The recording hub's clock, set to each day whose applications it records."""

    now_ms: int

    def __call__(self) -> int:
        return self.now_ms


def phone_of(index: int) -> str:
    return f"+7916{index:07d}"


def typed(phone: str, rng: random.Random) -> str:
    """The phone as a visitor may type it: "+79160000042", "8 916 000-00-42", "9160000042"."""
    rest = phone[2:]
    return rng.choice(
        (
            phone,
            f"8 {rest[:3]} {rest[3:6]}-{rest[6:8]}-{rest[8:]}",
            rest,
            f"8({rest[:3]}){rest[3:]}",
        )
    )


async def measure_lookup(
    config: Path,
    applications: int = 20_000,
    clients: int = 50,
    seconds: float = 10.0,
    *,
    pace_s: float = 1.0,
) -> list[Figure]:
    """Latency of the look-up page over ``applications`` held, with ``clients`` phones."""
    with tempfile.TemporaryDirectory(prefix="okno-bench-lookup-") as scratch:
        root = Path(scratch)
        branch_file = _open_all_day(config, root)
        db = root / "hub.db"
        began = time.perf_counter()
        with _quiet("hub"):
            numbers = await seed(branch_file, db, applications)
        seeded_s = time.perf_counter() - began
        log.info("applications recorded count=%d seconds=%.1f", applications, seeded_s)
        # The recording hub's objects are garbage now: collected here, and what lives
        # frozen, so that no long collection pauses the phones while they time look-ups.
        gc.collect()
        gc.freeze()
        process, _, web_port = await start_hub_with_web(branch_file, db)
        try:
            paced = await _look_up(web_port, numbers, clients, seconds, pace_s, wrong=True)
            back_to_back = await _look_up(
                web_port, numbers, clients, max(1.0, seconds / 3), 0.0, wrong=False
            )
        finally:
            gc.unfreeze()
            process.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(process.wait(), 30)
            if code != 0:
                raise RuntimeError(f"the hub exited with code {code}")
    return [
        Figure("applications held", applications, "applications"),
        Figure(
            "setup: recorded one by one, as desks do",
            round(applications / seeded_s),
            "applications/s",
        ),
        Figure("phones (each its own address)", clients, "phones"),
        Figure("paced: one look-up per phone every", pace_s, "s"),
        Figure("paced: right pairs answered", len(paced.right_ms), "look-ups"),
        Figure("paced: p50", round(percentile(paced.right_ms, 50), 2), "ms"),
        Figure("paced: p99", round(percentile(paced.right_ms, 99), 2), "ms", TARGET_P99_MS, "<="),
        Figure("paced: wrong pairs answered", len(paced.wrong_ms), "look-ups"),
        Figure("paced: wrong pairs p99", round(_p99(paced.wrong_ms), 2), "ms"),
        Figure("errors", paced.errors + back_to_back.errors, "requests", 0, "<="),
        Figure("back to back: throughput", round(back_to_back.per_s, 1), "look-ups/s"),
        Figure("back to back: p50", round(percentile(back_to_back.right_ms, 50), 2), "ms"),
        Figure("back to back: p99", round(percentile(back_to_back.right_ms, 99), 2), "ms"),
    ]


@contextmanager
def _quiet(name: str) -> Iterator[None]:
    """A line a request or an application is noise here: warnings only, for the while."""
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def _p99(values: list[float]) -> float:
    """The 99th percentile, 0 when nothing was measured (a run too short for wrong pairs)."""
    return percentile(values, 99) if values else 0.0


def _open_all_day(config: Path, root: Path) -> Path:
    """The branch open every day all day, so that the look-ups meet it open at any hour."""
    branch_file = root / "branch.toml"
    branch_file.write_text(round_the_clock(config.read_text()), encoding="utf-8")
    return branch_file


async def seed(config: Path, db: Path, count: int) -> list[str]:
    """Record ``count`` applications as desks do, PER_DAY a day over the days before the
    branch's next morning, a tenth made ready; their numbers, in the order of their phones."""
    branch = load_branch(config).branch
    days = -(-count // PER_DAY)
    clock = SteppedClock(morning_ms(branch, wall_clock_ms()) - days * DAY_MS)
    hub = Hub(config, db, clock=clock)
    await hub.start()
    try:
        document_service = next(s.id for s in branch.services if s.processing_days is not None)
        ticket_id = await serve_one(hub, document_service)
        numbers: list[str] = []
        for day in range(days):
            clock.now_ms += DAY_MS if day else 0
            for index in range(day * PER_DAY, min(count, (day + 1) * PER_DAY)):
                asked = Accepting(ticket_id=ticket_id, phone=phone_of(index), consent=True)
                numbers.append((await hub.applications.accept(asked, operator="bench")).number)
        ready = Change(status=ApplicationStatus.READY, by="system:bench")
        await asyncio.gather(*(hub.applications.change(n, ready) for n in numbers[::READY_EVERY]))
    finally:
        await hub.stop()
    return numbers


async def _look_up(
    web_port: int,
    numbers: list[str],
    clients: int,
    seconds: float,
    pace_s: float,
    *,
    wrong: bool,
) -> Seen:
    seen = Seen()
    go = asyncio.Event()
    deadline = 0.0
    wrong_left = WRONG_TOTAL if wrong else 0

    async def phone(index: int) -> None:
        nonlocal wrong_left
        rng = random.Random(index)
        address = f"127.0.{1 + index // 250}.{1 + index % 250}"
        client = Phone("127.0.0.1", web_port, address)
        await client.open()
        try:
            await client.get("/application")  # the CSRF cookie, connected before the clock
            token = client.cookies["okno_csrf"]
            # One look-up untimed, so that the page is compiled before the clock starts.
            first = index % len(numbers)
            await client.post(
                "/application",
                {"csrf": token, "number": numbers[first], "phone": phone_of(first)},
            )
            mine = 0
            sent = 0
            await go.wait()
            if pace_s:
                await asyncio.sleep(rng.uniform(0, pace_s))
            while (now := time.perf_counter()) < deadline:
                sent += 1
                # The fourth of every WRONG_EVERY, so that short runs have wrong pairs too.
                is_wrong = bool(wrong_left) and mine < WRONG_PER_PHONE and sent % WRONG_EVERY == 4
                wrong_left -= is_wrong
                mine += is_wrong
                number, phone_typed = _pair(numbers, rng, wrong=is_wrong)
                fields = {"csrf": token, "number": number, "phone": phone_typed}
                try:
                    answer = await client.post("/application", fields)
                except (OSError, PageError) as error:
                    log.warning("look-up failed error=%s", type(error).__name__)
                    seen.errors += 1
                    return
                _count(seen, answer, number, is_wrong, (time.perf_counter() - now) * 1000)
                if pace_s:
                    await asyncio.sleep(max(0.0, now + pace_s - time.perf_counter()))
        finally:
            await client.close()

    tasks = [asyncio.create_task(phone(i)) for i in range(clients)]
    await asyncio.sleep(0.5)
    seen.started = time.perf_counter()
    deadline = seen.started + seconds
    go.set()
    await asyncio.gather(*tasks)
    seen.ended = time.perf_counter()
    return seen


def _pair(numbers: list[str], rng: random.Random, *, wrong: bool) -> tuple[str, str]:
    """A number and a phone: an application's own, or (wrong) one half not theirs."""
    pick = rng.randrange(len(numbers))
    number, phone = numbers[pick], typed(phone_of(pick), rng)
    if not wrong:
        return number, phone
    if rng.random() < 0.5:
        return number, phone_of(pick + 1)  # another applicant's phone
    return "991231-" + number.partition("-")[2], phone  # a number nobody has


def _count(seen: Seen, answer: Answer, number: str, is_wrong: bool, took_ms: float) -> None:
    """A look-up counts when it is the page it should be; anything else is an error."""
    if is_wrong and answer.status == 404 and SAME_ANSWER in answer.body:
        seen.wrong_ms.append(took_ms)
    elif not is_wrong and answer.status == 200 and number in answer.body:
        seen.right_ms.append(took_ms)
    else:
        log.warning("look-up answered wrongly status=%d wrong_pair=%s", answer.status, is_wrong)
        seen.errors += 1
