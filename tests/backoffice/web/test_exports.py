"""Exports open in a spreadsheet as plain text: a name cannot smuggle in a formula."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import httpx
from openpyxl import load_workbook

from backoffice.directory import store_directory
from backoffice.store import Batch, add_branch, open_store, store
from backoffice.web import create_app
from backoffice.web.exports import inert
from hub.sync.signing import sign, sign_directory
from tests.backoffice.hand import BRANCH, DAY, at, history
from tests.backoffice.web.signed import manager

LINK = '=HYPERLINK("http://x","y")'


async def exported(tmp_path: Path, *paths: str) -> list[bytes]:
    """The exports of the hand-made history, after its hub named a service and an operator
    with formulas."""
    engine = open_store(f"sqlite:///{tmp_path}/office.db")
    secret = add_branch(engine, BRANCH)
    events = history()
    store(engine, Batch(BRANCH, events, sign(secret, BRANCH, events)))
    directory = json.dumps(
        {
            "name": "МФЦ",
            "services": [
                {"id": "alpha", "name_ru": LINK, "name_en": LINK},
                {"id": "beta", "name_ru": "Бета", "name_en": "Beta"},
            ],
            "desks": [{"id": "desk-1", "number": 1}, {"id": "desk-2", "number": 2}],
            "operators": [{"id": "op-1", "name": "@SUM(1+1)"}, {"id": "op-2", "name": "-2+3"}],
        },
        ensure_ascii=False,
    )
    store_directory(engine, BRANCH, directory, sign_directory(secret, BRANCH, directory))
    transport = httpx.ASGITransport(
        app=create_app(engine, hosts=["dashboard"], clock=lambda: at(18, 0))
    )
    async with httpx.AsyncClient(
        transport=transport, base_url="http://dashboard", cookies=manager(engine)
    ) as client:
        found = [(await client.get(f"{p}&from={DAY}&to={DAY}")).content for p in paths]
    engine.dispose()
    return found


async def test_names_that_look_like_formulas_are_exported_as_text(tmp_path: Path) -> None:
    as_csv, as_xlsx, by_operator = await exported(
        tmp_path,
        "/export/by_service.csv?lang=en",
        "/export/by_service.xlsx?lang=en",
        "/export/ratings_by_operator.csv?lang=en",
    )
    services = [row[0] for row in csv.reader(io.StringIO(as_csv.decode("utf-8-sig")))]
    assert "'" + LINK in services and LINK not in services
    sheet = load_workbook(io.BytesIO(as_xlsx)).active
    assert sheet is not None
    cells = [c for c in sheet["A"] if c.value == "'" + LINK]
    assert cells and all(c.data_type == "s" for c in cells)
    operators = [row[1] for row in csv.reader(io.StringIO(by_operator.decode("utf-8-sig")))]
    assert {"'@SUM(1+1)", "'-2+3"} <= set(operators)


def test_numbers_stay_numbers_and_only_formula_starts_are_quoted() -> None:
    assert [inert(v) for v in (-5, 1.5, "-5", "+1.5", "Паспорт", "a=b")] == [
        -5,
        1.5,
        "-5",
        "+1.5",
        "Паспорт",
        "a=b",
    ]
    assert [inert(v) for v in ("=1+1", "+cmd", "-1+1", "@A1", "\t=1", "\r=1")] == [
        "'=1+1",
        "'+cmd",
        "'-1+1",
        "'@A1",
        "'\t=1",
        "'\r=1",
    ]
