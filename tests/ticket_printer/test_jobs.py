"""The agent's queue on disk: kept from arrival to print, across restarts, each job once."""

from __future__ import annotations

from pathlib import Path

import pytest

from ticket_printer import jobs
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
