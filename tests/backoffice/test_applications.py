"""The applications summary from the events a hub's codec writes: each application once,
in its latest version, whatever the batches, resends and rebuilds (PostgreSQL and SQLite)."""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select, update
from typer.testing import CliRunner

from backoffice import schema
from backoffice.aggregate import fold, parse
from backoffice.period import Period
from backoffice.rebuild import rebuild
from backoffice.reports import report
from backoffice.store import Batch, add_branch, open_store, store, write_fold
from hub.sync.signing import sign
from okno.cli import app
from tests.backoffice.hand_applications import BRANCH, MVD, ROSREESTR, at, events, history

WEEK = Period(date(2026, 11, 23), date(2026, 11, 29), now_ms=at(8, 1, 30, month=12))
# 2026-12-08 01:30 in Moscow is still 12-07 in UTC: the passports' planned day has passed
# in the branch's time only.
ON_THE_7TH = Period(WEEK.start, WEEK.end, now_ms=at(7, 12, month=12))


def expected(overdue: int) -> list[tuple[object, ...]]:
    """branch, service, authority, received, accepted, in work, suspended, ready, issued,
    refused, cancelled, overdue, ready late: worked out by hand (hand_applications.py)."""
    return [
        (BRANCH, "egrn", ROSREESTR, 2, 0, 0, 0, 1, 1, 0, 0, 0, 1),
        (BRANCH, "inn", "—", 1, 0, 0, 0, 0, 0, 1, 0, 0, 0),
        (BRANCH, "passport", MVD, 3, 0, 1, 1, 0, 0, 0, 1, overdue, 0),
    ]


def push(engine: Engine, secret: str, found: list[tuple[int, str]]) -> tuple[int, int]:
    return store(engine, Batch(BRANCH, found, sign(secret, BRANCH, found)))


def summary(engine: Engine, period: Period = WEEK) -> list[tuple[object, ...]]:
    return report("applications").run(engine, period).rows


def table(engine: Engine) -> list[tuple[Any, ...]]:
    applications = schema.applications
    with engine.connect() as connection:
        query = select(applications).order_by(applications.c.branch_id, applications.c.number)
        return [tuple(row) for row in connection.execute(query)]


def test_each_application_counts_once_in_its_latest_status(engine: Engine) -> None:
    secret = add_branch(engine, BRANCH)
    logged = events(history())
    assert push(engine, secret, logged) == (14, 14)
    assert summary(engine) == expected(overdue=2)
    assert summary(engine, ON_THE_7TH) == expected(overdue=0)
    # Without a clock, "today" is the branch's day of its last event (11-30): none overdue.
    assert summary(engine, Period(WEEK.start, WEEK.end)) == expected(overdue=0)
    # Accepted 2026-11-30 00:30 in Moscow: in a period to the 30th, not in one to the 29th.
    with_30th = summary(engine, Period(WEEK.start, date(2026, 11, 30), now_ms=WEEK.now_ms))
    assert with_30th[2][3:5] == (4, 1)
    assert summary(engine, Period(WEEK.start, WEEK.end, ("another",), WEEK.now_ms)) == []


def test_a_resent_batch_and_an_overlapping_one_count_nothing_twice(engine: Engine) -> None:
    secret = add_branch(engine, BRANCH)
    logged = events(history())
    assert push(engine, secret, logged[:9]) == (9, 9)
    assert push(engine, secret, logged[:9]) == (9, 0)
    assert push(engine, secret, logged[5:]) == (14, 5)
    assert push(engine, secret, logged) == (14, 0)
    assert summary(engine) == expected(overdue=2)
    assert len(table(engine)) == 7


def test_an_older_version_after_a_newer_one_does_not_win(engine: Engine) -> None:
    """However a fold meets the versions (a batch out of order, an older fold written after
    a newer one), the row is the version of the highest seq."""
    add_branch(engine, BRANCH)
    logged = [parse(seq, payload) for seq, payload in events(history())]
    shuffled = logged[:]
    random.Random(7).shuffle(shuffled)
    one_fold = fold(shuffled, "Europe/Moscow")
    assert one_fold.applications["261123-003"]["status"] == "issued"
    with engine.begin() as connection:
        write_fold(connection, BRANCH, fold(logged[12:], "Europe/Moscow"))  # 003 issued
        write_fold(connection, BRANCH, fold(logged[:12], "Europe/Moscow"))  # 003 ready, older
    rows = {row[1]: row for row in table(engine)}
    assert (rows["261123-003"][2], rows["261123-003"][5]) == (14, "issued")
    assert rows["261123-001"][5] == "in_work"
    assert summary(engine) == expected(overdue=2)


def test_a_rebuild_gives_the_same_table_and_mends_a_changed_row(engine: Engine) -> None:
    secret = add_branch(engine, BRANCH)
    logged = events(history())
    push(engine, secret, logged[:6])
    push(engine, secret, logged[6:])
    kept = table(engine)
    rebuild(engine, lambda: 0.0, batch=4)
    assert table(engine) == kept
    applications = schema.applications
    with engine.begin() as connection:
        connection.execute(update(applications).values(status="accepted"))
    assert summary(engine) != expected(overdue=2)
    rebuild(engine, lambda: 0.0)
    assert table(engine) == kept
    assert summary(engine) == expected(overdue=2)


def test_a_garbled_application_event_is_refused_alone(engine: Engine) -> None:
    secret = add_branch(engine, BRANCH)
    logged = events(history())
    garbled = (7, logged[6][1].replace('"status":"in_work"', '"status":"lost"'))
    assert push(engine, secret, [*logged[:6], garbled, *logged[7:]]) == (14, 13)
    refusals = schema.refusals
    with engine.connect() as connection:
        reason = connection.execute(select(refusals.c.reason)).scalar_one()
        raw = connection.execute(select(func.count()).select_from(schema.raw_events)).scalar()
    assert "status 'lost' is none of" in reason and raw == 13
    # 261123-001 stays as accepted: the change that was refused never happened here.
    passports = summary(engine)[2]
    assert passports[3:6] == (3, 1, 0)


def test_okno_backoffice_report_prints_the_summary(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/office.db"
    engine = open_store(url)
    push(engine, add_branch(engine, BRANCH), events(history()))
    engine.dispose()
    period = ["--from", "2026-11-23", "--to", "2026-11-29", "--format", "csv"]
    result = CliRunner().invoke(app, ["backoffice", "report", "applications", "--db", url, *period])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "branch_id,service_id,authority,received,accepted,in_work,suspended,ready,issued,"
        "refused,cancelled,overdue,ready_late"
    )
    # The overdue figure depends on the machine's clock: only what does not is checked.
    assert [line.split(",")[1:11] for line in lines[1:]] == [
        [str(cell) for cell in row[1:11]] for row in expected(overdue=0)
    ]


def test_the_benchmark_counts_every_application_it_stored(pg_url: str, tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    asked = ["--db", pg_url, "--branches", "2", "--applications", "400", "--out", str(out)]
    result = CliRunner().invoke(app, ["backoffice", "bench", "applications", *asked])
    assert result.exit_code == 0, result.stderr
    figures = {k: v["value"] for k, v in json.loads(out.read_text())["figures"].items()}
    assert figures["applications"] == figures["report_applications_year_received"] == 400
    assert 0 < figures["report_applications_30_days_received"] < 400
    assert figures["application_events"] > 2 * 400
    assert figures["application_events_left_out"] == 0
