"""Storing batches: exactly once, all or nothing but for an event refused alone, refusals
recorded; PostgreSQL and SQLite."""

from __future__ import annotations

import json
import random
import stat
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, Table, create_engine, func, select, text

from backoffice import schema
from backoffice.errors import BatchRefused
from backoffice.store import (
    Batch,
    acked,
    add_branch,
    open_store,
    store,
    unauthenticated_refusals,
)
from hub.sync.signing import sign
from tests.backoffice.hand import BRANCH, history
from tests.backoffice.refused import refusals


def signed(secret: str, events: list[tuple[int, str]], branch: str = BRANCH) -> Batch:
    return Batch(branch, events, sign(secret, branch, events))


def count(engine: Engine, table: Table) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar() or 0)


def issued(engine: Engine) -> int:
    with engine.connect() as connection:
        total = connection.execute(select(func.sum(schema.agg_service_day.c.issued))).scalar()
    return int(total or 0)


def refusal_codes(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return [r.code for r in connection.execute(select(schema.refusals.c.code))]


@pytest.fixture
def secret(engine: Engine) -> str:
    return add_branch(engine, BRANCH)


def test_a_batch_sent_twice_is_stored_once(engine: Engine, secret: str) -> None:
    events = history()
    assert store(engine, signed(secret, events)) == (16, 16)
    assert store(engine, signed(secret, events)) == (16, 0)
    # An overlapping batch: the known part skipped, the rest stored.
    assert store(engine, signed(secret, events[5:])) == (16, 0)
    assert count(engine, schema.raw_events) == 16
    assert issued(engine) == 3


def test_overlapping_batch_stores_only_the_new_events(engine: Engine, secret: str) -> None:
    events = history()
    assert store(engine, signed(secret, events[:6])) == (6, 6)
    assert store(engine, signed(secret, events[3:10])) == (10, 4)
    assert store(engine, signed(secret, events[8:])) == (16, 6)
    assert count(engine, schema.raw_events) == 16
    assert issued(engine) == 3


def test_a_gap_is_refused_and_nothing_of_it_stored(engine: Engine, secret: str) -> None:
    events = history()
    store(engine, signed(secret, events[:4]))
    with pytest.raises(BatchRefused, match="expected seq 5, the batch starts at 7") as refused:
        store(engine, signed(secret, events[6:]))
    assert refused.value.code == "gap"
    with pytest.raises(BatchRefused, match="skips from seq 5 to 7"):
        store(engine, signed(secret, events[4:5] + events[6:]))
    assert acked(engine, BRANCH) == 4
    assert count(engine, schema.raw_events) == 4
    assert refusal_codes(engine) == ["gap", "gap"]


def test_a_different_event_under_a_stored_seq_refuses_the_batch(
    engine: Engine, secret: str
) -> None:
    events = history()
    store(engine, signed(secret, events[:6]))
    # A hub on a replaced database numbers another day's events from 1 again.
    seq, payload = events[4]
    replaced = [*events[3:4], (seq, payload.replace("ticket", "TICKET", 1)), *events[5:8]]
    with pytest.raises(BatchRefused, match="seq 5 differs from the event already stored"):
        store(engine, signed(secret, replaced))
    assert acked(engine, BRANCH) == 6
    assert count(engine, schema.raw_events) == 6
    assert refusal_codes(engine) == ["conflict"]


def test_batches_arriving_out_of_order_end_stored_once(engine: Engine, secret: str) -> None:
    events = history()
    first, second = events[:8], events[8:]
    with pytest.raises(BatchRefused):
        store(engine, signed(secret, second))
    shuffled = first[:]
    random.Random(3).shuffle(shuffled)
    assert store(engine, signed(secret, shuffled)) == (8, 8)
    assert store(engine, signed(secret, second)) == (16, 8)
    with engine.connect() as connection:
        seqs = [r.seq for r in connection.execute(select(schema.raw_events.c.seq))]
    assert sorted(seqs) == list(range(1, 17))


def test_unknown_branch_and_bad_signature_are_refused_and_counted(
    engine: Engine, secret: str
) -> None:
    events = history()
    with pytest.raises(BatchRefused, match="'elsewhere' is not registered"):
        store(engine, signed(secret, events, branch="elsewhere"))
    forged = Batch(BRANCH, events, sign("00" * 32, BRANCH, events))
    with pytest.raises(BatchRefused, match="signature does not match"):
        store(engine, forged)
    # Signed, then altered on the way.
    batch = signed(secret, events)
    tampered = Batch(
        BRANCH, [(1, events[0][1].replace("op-1", "op-9")), *events[1:]], batch.signature
    )
    with pytest.raises(BatchRefused, match="signature"):
        store(engine, tampered)
    assert count(engine, schema.raw_events) == 0
    assert refusal_codes(engine) == []
    assert unauthenticated_refusals(engine) == {"bad_signature": 2, "unknown_branch": 1}


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda d: "{not json", "is not JSON"),
        (lambda d: json.dumps({**d, "seq": 99}), "says it is seq 99"),
        (lambda d: json.dumps({**d, "ticket": {**d["ticket"], "called_at_ms": "soon"}}), "garbles"),
        (lambda d: json.dumps({k: v for k, v in d.items() if k != "day"}), "lacks a time"),
        (lambda d: json.dumps({**d, "at_ms": 2**70}), f"at_ms {2**70} is not a time"),
        (
            lambda d: json.dumps({**d, "ticket": {**d["ticket"], "called_at_ms": 2**63}}),
            f"called_at_ms {2**63} is outside",
        ),
        (
            lambda d: json.dumps({**d, "ticket": {**d["ticket"], "service_id": "x" * 41}}),
            "service_id is 41 characters long, more than 40",
        ),
        (
            lambda d: json.dumps({**d, "ticket": {**d["ticket"], "service_id": "al\u0000pha"}}),
            "service_id holds a NUL",
        ),
        (lambda d: json.dumps({**d, "kind": "ticket_called\u0000"}), "kind holds a NUL"),
    ],
)
def test_a_malformed_event_is_refused_alone_and_the_rest_of_its_batch_stored(
    engine: Engine, secret: str, damage: object, reason: str
) -> None:
    events = history()
    store(engine, signed(secret, events[:2]))
    seq, payload = events[4]  # a ticket_called, in the middle of the batch
    assert callable(damage)
    bad = [*events[2:4], (seq, damage(json.loads(payload))), *events[5:]]
    assert store(engine, signed(secret, bad)) == (16, 13)
    assert acked(engine, BRANCH) == 16
    assert count(engine, schema.raw_events) == 15
    assert issued(engine) == 3
    [(first, last, held, code, why)] = refusals(engine)
    assert (first, last, held, code) == (seq, seq, 1, "malformed")
    assert reason in why
    # Sent again (a lost answer), nothing changes: the refused event is behind the cursor.
    assert store(engine, signed(secret, bad)) == (16, 0)
    assert len(refusals(engine)) == 1


def test_a_service_too_long_to_sum_is_refused_and_the_sums_stay_whole(
    engine: Engine, secret: str
) -> None:
    events = history()
    seq, payload = events[6]  # the first service_finished
    data = json.loads(payload)
    assert data["kind"] == "service_finished"
    data["ticket"]["started_at_ms"] = 0
    bad = [*events[:6], (seq, json.dumps(data)), *events[7:]]
    assert store(engine, signed(secret, bad)) == (16, 15)
    with engine.connect() as connection:
        served = connection.execute(
            select(
                func.sum(schema.agg_service_day.c.served),
                func.max(schema.agg_service_day.c.service_max_ms),
            )
        ).one()
    assert tuple(served) == (1, 30 * 60_000)
    [(_, _, _, _, why)] = refusals(engine)
    assert "longer than" in why


def test_a_signature_with_non_ascii_characters_is_refused_and_counted(
    engine: Engine, secret: str
) -> None:
    events = history()
    genuine = signed(secret, events).signature
    for forged in ("ж" * 64, genuine[:-1] + "é"):
        with pytest.raises(BatchRefused, match="64 lower-case hex digits") as refused:
            store(engine, Batch(BRANCH, events, forged))
        assert refused.value.code == "bad_signature"
    assert count(engine, schema.raw_events) == 0
    # Anyone can send a forged signature: counted, never kept a row each.
    assert refusal_codes(engine) == []
    assert unauthenticated_refusals(engine) == {"bad_signature": 2}


def test_a_seq_repeated_inside_a_batch_is_refused_as_repeated(engine: Engine, secret: str) -> None:
    events = history()
    twice = [*events[:3], events[2], *events[3:]]
    with pytest.raises(BatchRefused, match="holds seq 3 more than once") as refused:
        store(engine, signed(secret, twice))
    assert refused.value.code == "repeated_seq"
    assert "skips" not in str(refused.value)
    assert count(engine, schema.raw_events) == 0
    assert refusal_codes(engine) == ["repeated_seq"]


@pytest.mark.parametrize("missing", ["service_id", "desk_id", "channel", "score"])
def test_a_rating_without_the_fields_the_vashkontrol_export_reads_is_refused(
    engine: Engine, secret: str, missing: str
) -> None:
    events = history()
    seq, payload = events[7]  # the first ticket_rated
    data = json.loads(payload)
    assert data["kind"] == "ticket_rated"
    del data["rating"][missing]
    bad = [*events[:7], (seq, json.dumps(data, ensure_ascii=False)), *events[8:]]
    assert store(engine, signed(secret, bad)) == (16, 15)
    assert count(engine, schema.raw_events) == 15
    with engine.connect() as connection:
        rated = connection.execute(select(func.sum(schema.agg_rating_day.c.ratings))).scalar()
    assert rated == 1
    [(_, _, _, code, why)] = refusals(engine)
    assert code == "malformed"
    assert missing in why


def test_a_database_of_the_first_schema_is_upgraded_to_milliseconds(store_url: str) -> None:
    url = store_url.replace("postgresql://", "postgresql+psycopg://")
    old = create_engine(url)
    with old.begin() as connection:
        config = Config()
        config.set_main_option("script_location", str(Path(schema.__file__).parent / "migrations"))
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        connection.execute(
            text(
                "INSERT INTO agg_staff_day (branch_id, day, desk_id, operator_id, served, "
                "service_sum_s, no_shows) VALUES ('b', '2026-03-02', 'desk-1', 'op-1', 2, 75, 0)"
            )
        )
    old.dispose()
    engine = open_store(store_url)
    with engine.connect() as connection:
        row = connection.execute(select(schema.agg_staff_day)).one()
        assert (row.served, row.service_sum_ms) == (2, 75_000)
        assert count(engine, schema.ticket_waits) == 0
    engine.dispose()


@pytest.mark.usefixtures("permissive_umask")
def test_a_sqlite_store_and_its_wal_and_shm_are_owner_only(tmp_path: Path) -> None:
    engine = open_store(f"sqlite:///{tmp_path}/office.db")
    add_branch(engine, BRANCH)  # its secret is in the file

    made = [tmp_path / name for name in ("office.db", "office.db-wal", "office.db-shm")]
    modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in made}
    engine.dispose()
    assert modes == {"office.db": 0o600, "office.db-wal": 0o600, "office.db-shm": 0o600}


def test_a_sqlite_store_commits_in_full_sync_through_a_wal(tmp_path: Path) -> None:
    engine = open_store(f"sqlite:///{tmp_path}/office.db")
    with engine.connect() as connection:
        settings = [
            connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "synchronous", "busy_timeout")
        ]
    engine.dispose()

    # synchronous=2 is FULL: a batch acknowledged to a hub survives a power cut.
    assert settings == ["wal", 2, 10000]
