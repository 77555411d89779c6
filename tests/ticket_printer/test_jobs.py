"""The agent's queue on disk: kept from arrival to print, across restarts and power cuts,
each job once; a job file an older okno left half written stops the printer with a reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.killing import kill_when
from ticket_printer import jobs
from ticket_printer.errors import JobDamaged
from ticket_printer.jobs import JobQueue, JobState


def test_a_job_is_kept_once_and_found_again_after_a_restart(tmp_path: Path) -> None:
    queue = JobQueue(tmp_path)
    first = queue.add(7, '{"number": "А001"}')
    queue.mark(first, JobState.PRINTED)
    assert queue.add(7, '{"number": "А001"}').state is JobState.PRINTED
    queue.add(9, "{}")
    queue.add(8, "{}")
    restarted = JobQueue(tmp_path)
    waiting = restarted.next()
    assert waiting is not None
    assert waiting.id == 8
    restarted.mark(waiting, JobState.PRINTED)
    left = restarted.next()
    assert left is not None
    assert left.id == 9, "both jobs added before the restart are still waiting"


def test_a_job_left_sending_by_a_crash_comes_first(tmp_path: Path) -> None:
    queue = JobQueue(tmp_path)
    queue.add(1, "{}")
    queue.mark(queue.add(2, "{}"), JobState.SENDING)
    queue.mark(queue.add(0, "{}"), JobState.PRINTED)
    waiting = JobQueue(tmp_path).next()
    assert waiting is not None
    assert (waiting.id, waiting.state) == (1, JobState.QUEUED)
    queue.mark(waiting, JobState.PRINTED)
    left = JobQueue(tmp_path).next()
    assert left is not None
    assert (left.id, left.state) == (2, JobState.SENDING)


def test_old_printed_jobs_are_forgotten_but_waiting_ones_never(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jobs, "KEEP_PRINTED", 3)
    queue = JobQueue(tmp_path)
    queue.add(100, "{}")
    for job_id in range(1, 8):
        queue.mark(queue.add(job_id, "{}"), JobState.PRINTED)
    assert queue.get(1) is None
    assert queue.get(7) is not None
    assert queue.get(100) is not None
    assert len(list(tmp_path.glob("*.job"))) == 4


QUEUEING = """
    import sys
    from pathlib import Path
    from ticket_printer.jobs import JobQueue, JobState

    queue = JobQueue(Path(sys.argv[1]))
    for job_id in range(1, 1_000_000):
        job = queue.add(job_id, '{"number": "А%03d"}' % job_id)
        print(job_id, "queued", flush=True)
        for state in (JobState.SENDING, JobState.PRINTED):
            job = queue.mark(job, state)
            print(job_id, state.value, flush=True)
"""
ORDER = [JobState.QUEUED, JobState.SENDING, JobState.PRINTED]


@pytest.mark.parametrize("after", [1, 2, 3, 10, 31])
def test_a_printer_killed_while_writing_its_queue_restarts_with_every_job_it_reported(
    tmp_path: Path, after: int
) -> None:
    folder = tmp_path / "jobs"

    reported = kill_when(
        QUEUEING,
        lambda printed: len(printed) >= after and any(folder.glob("*.partial")),
        str(folder),
    )

    queue = JobQueue(folder)  # every job file reads whole
    assert not list(folder.glob("*.partial"))
    last: dict[int, JobState] = {}
    for line in reported:
        number, state = line.split()
        last[int(number)] = JobState(state)
    for job_id, state in last.items():
        kept = queue.get(job_id)
        assert kept is not None
        assert kept.payload_json == f'{{"number": "А{job_id:03d}"}}'
        assert ORDER.index(kept.state) >= ORDER.index(state)


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        ('{"payload_json": "{\\"numb', "JSONDecodeError: Unterminated string"),
        ("", "JSONDecodeError: Expecting value"),
        ('{"payload_json": "{}"}', "KeyError: 'state'"),
        ('{"payload_json": "{}", "state": "sen", "error": ""}', "ValueError: 'sen'"),
    ],
)
def test_a_job_an_older_okno_left_half_written_stops_the_queue_saying_what_to_do(
    tmp_path: Path, damage: str, reason: str
) -> None:
    JobQueue(tmp_path).add(6, "{}")
    damaged = tmp_path / "000000000007.job"
    damaged.write_text(damage, encoding="utf-8")

    with pytest.raises(JobDamaged) as refused:
        JobQueue(tmp_path)

    assert refused.value.code == "job_damaged"
    message = str(refused.value)
    assert message.startswith(f"{damaged} is not a print job okno can read ({reason}")
    assert message.endswith(
        f"perhaps half written at a power cut by an older okno: move it out of {tmp_path} "
        "and start the printer again; its ticket may not have printed, an operator can "
        "reprint it"
    )
