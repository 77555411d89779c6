"""What the demo leaves of the back office opens from disk as it did served."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from backoffice.directory import store_directory
from backoffice.store import Batch, add_branch, open_store, store
from hub.sync.signing import sign, sign_directory
from okno.demo.office import write_reports
from tests.backoffice.hand import BRANCH, at, history

MONDAY = date(2026, 3, 2)


async def saved(tmp_path: Path, now_ms: int, directory: str = "") -> Path:
    engine = open_store(f"sqlite:///{tmp_path}/office.db")
    secret = add_branch(engine, BRANCH)
    events = history()
    store(engine, Batch(BRANCH, events, sign(secret, BRANCH, events)))
    if directory:
        store_directory(engine, BRANCH, directory, sign_directory(secret, BRANCH, directory))
    folder = await write_reports(engine, MONDAY, MONDAY, tmp_path, now_ms)
    engine.dispose()
    return folder


async def test_the_saved_dashboard_keeps_its_styles_and_links(tmp_path: Path) -> None:
    folder = await saved(tmp_path, at(10, 40))
    pages = folder / "dashboard"
    for page in sorted(pages.glob("*.html")):
        html = page.read_text(encoding="utf-8")
        links = re.findall(r'(?:href|src)="([^"]*)"', html)
        assert 'href="dashboard.css"' in html, page.name
        assert not [link for link in links if link.startswith("/")], page.name
        missing = [link for link in links if not (pages / link).exists()]
        assert missing == [], f"{page.name} links to {missing}"
    assert (pages / "waits.html").exists() and (folder / "waits.xlsx").exists()


async def test_the_saved_dashboard_tells_time_by_the_demos_clock(tmp_path: Path) -> None:
    # The last event is the rating at 10:32; the demo's clock stopped at 10:40.
    folder = await saved(tmp_path, at(10, 40))
    overview = (folder / "dashboard" / "overview.html").read_text(encoding="utf-8")
    assert re.findall(r"(-?\d+) мин назад", overview) == ["8"]


async def test_the_saved_csvs_are_the_dashboards_exports(tmp_path: Path) -> None:
    folder = await saved(tmp_path, at(10, 40))
    waits = (folder / "waits.csv").read_bytes()
    assert waits.startswith("\ufeff".encode())
    header = waits.decode("utf-8-sig").splitlines()[0]
    assert "Среднее ожидание, мин" in header and "Ждали дольше 15 минут, %" in header
    ratings = (folder / "vashkontrol.csv").read_bytes().decode("utf-8-sig").splitlines()
    assert len(ratings) == 3  # the header and the two ratings of the hand-written day


async def test_the_saved_reports_name_what_the_hub_told(tmp_path: Path) -> None:
    told = {
        "name": "МФЦ у реки",
        "services": [{"id": "alpha", "name_ru": "Паспорт гражданина РФ", "name_en": "Passport"}],
        "desks": [{"id": "desk-1", "number": 1, "name": ""}],
        "operators": [{"id": "op-1", "name": "Иванова А."}],
    }
    folder = await saved(tmp_path, at(10, 40), json.dumps(told, ensure_ascii=False))
    waits = (folder / "waits.csv").read_bytes().decode("utf-8-sig")
    assert "МФЦ у реки,Паспорт гражданина РФ," in waits and "alpha" not in waits
    assert "beta" in waits  # a service nobody named keeps its id
    staff = (folder / "dashboard" / "desks_operators.html").read_text(encoding="utf-8")
    staff = staff.replace("\u00a0", " ")
    assert "Окно 1" in staff and "Иванова А." in staff and "desk-1<" not in staff
