"""The printer agent's queue on disk: a job is kept from its arrival until it is printed.

Each job is one small JSON file, written to a temporary name, synced and renamed, so a
power cut leaves either the old state or the new one (and a partial file, removed at the
next start). A job goes queued -> sending ->
printed. "sending" is written before the first byte goes to the printer: a job found in
it after a restart may or may not have come out, so it is printed again marked as a copy
(a visitor never leaves without a ticket, and a second paper says it is one). Printed
jobs are remembered (the last few hundred) so a job the hub sends again is not printed
again.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from pathlib import Path

from okno.files import discard_partials, write_private
from ticket_printer.errors import JobDamaged

KEEP_PRINTED = 500


class JobState(enum.StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    PRINTED = "printed"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Job:
    id: int
    payload_json: str
    state: JobState
    # Why a failed job will not print (its payload could not be read).
    error: str = ""
    # The hub's command kind: "print" (a queue ticket) or "print_slip" (lines of text).
    kind: str = "print"


class JobQueue:
    def __init__(self, folder: Path) -> None:
        """The queue in ``folder``; JobDamaged, before anything prints, when a job is unreadable."""
        self._folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        discard_partials(folder)
        for job_id in self._ids():
            self.get(job_id)

    def add(self, job_id: int, payload_json: str, kind: str = "print") -> Job:
        """Keep a new job; a job already known (any state) is returned as it is."""
        known = self.get(job_id)
        if known is not None:
            return known
        job = Job(job_id, payload_json, JobState.QUEUED, kind=kind)
        self._write(job)
        return job

    def get(self, job_id: int) -> Job | None:
        """The job kept under ``job_id``; JobDamaged when its file cannot be read as one."""
        path = self._path(job_id)
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            return Job(
                job_id,
                record["payload_json"],
                JobState(record["state"]),
                record["error"],
                record.get("kind", "print"),  # jobs kept before slips existed are tickets
            )
        except FileNotFoundError:
            return None
        except (ValueError, KeyError, TypeError, AttributeError) as err:
            raise JobDamaged(
                f"{path} is not a print job okno can read ({type(err).__name__}: {err}), "
                f"perhaps half written at a power cut by an older okno: move it out of "
                f"{self._folder} and start the printer again; its ticket may not have "
                "printed, an operator can reprint it"
            ) from err

    def next(self) -> Job | None:
        """The oldest job still to print (one left "sending" by a crash comes first)."""
        for job_id in self._ids():
            job = self.get(job_id)
            if job is not None and job.state in (JobState.QUEUED, JobState.SENDING):
                return job
        return None

    def mark(self, job: Job, state: JobState, error: str = "") -> Job:
        changed = Job(job.id, job.payload_json, state, error, job.kind)
        self._write(changed)
        if state is JobState.PRINTED:
            self._forget_old()
        return changed

    def _write(self, job: Job) -> None:
        record = {
            "payload_json": job.payload_json,
            "state": job.state.value,
            "error": job.error,
            "kind": job.kind,
        }
        write_private(self._path(job.id), json.dumps(record, ensure_ascii=False).encode())

    def _forget_old(self) -> None:
        done = [
            job_id
            for job_id in self._ids()
            if (job := self.get(job_id)) is not None
            and job.state in (JobState.PRINTED, JobState.FAILED)
        ]
        for job_id in done[:-KEEP_PRINTED]:
            self._path(job_id).unlink(missing_ok=True)

    def _ids(self) -> list[int]:
        return sorted(int(p.stem) for p in self._folder.glob("*.job") if p.stem.isdigit())

    def _path(self, job_id: int) -> Path:
        return self._folder / f"{job_id:012d}.job"
