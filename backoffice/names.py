"""Names for the ids the reports group by, as the branches' hubs told them.

Reports keep ids (they are the keys, and sort naturally); whatever a person reads (the
dashboard's pages, the CSV and XLSX exports, ``okno backoffice report``) passes its table
through ``named`` first. An id no hub has named stays as it is, so that no cell is ever empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine, select

from backoffice import schema
from backoffice.queries import natural
from backoffice.reports import ReportTable

# Report columns that hold an id, and the kind of name each is looked up as.
KINDS = {
    "branch_id": "branch",
    "service_id": "service",
    "desk_id": "desk",
    "operator_id": "operator",
}


@dataclass(frozen=True)
class Names:
    # (kind, branch, id) -> (Russian, English); a branch's own name under ("branch", id, "").
    known: dict[tuple[str, str, str], tuple[str, str]] = field(default_factory=dict)
    # (kind, id) -> the names most recently told for that id by any branch: for rows that
    # sum a service over the region (by_service, payments) and name no branch.
    anywhere: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)

    def name(self, kind: str, entry_id: str, lang: str, branch: str = "") -> str:
        """The name of ``entry_id`` in ``lang``, or the id itself when nobody named it."""
        if kind == "branch":
            found = self.known.get(("branch", entry_id, ""))
        else:
            found = self.known.get((kind, branch, entry_id)) or self.anywhere.get((kind, entry_id))
        if found is None:
            return entry_id
        return found[1] if lang == "en" else found[0]

    def branch(self, branch_id: str, lang: str) -> str:
        return self.name("branch", branch_id, lang)


def load(engine: Engine) -> Names:
    """Every name the back office holds (a few thousand rows for a region)."""
    table = schema.directory_names
    query = select(table).order_by(table.c.updated_ms)
    with engine.connect() as connection:
        rows = list(connection.execute(query))
    known: dict[tuple[str, str, str], tuple[str, str]] = {}
    anywhere: dict[tuple[str, str], tuple[str, str]] = {}
    for row in rows:
        pair = (str(row.name_ru), str(row.name_en))
        if row.kind == "branch":
            known[("branch", str(row.branch_id), "")] = pair
            continue
        known[(str(row.kind), str(row.branch_id), str(row.entry_id))] = pair
        anywhere[(str(row.kind), str(row.entry_id))] = pair
    return Names(known, anywhere)


def named(table: ReportTable, names: Names, lang: str) -> ReportTable:
    """The table with every id cell replaced by its name in ``lang`` (the id if unnamed),
    its rows in the order of those names (naturally: "Окно 2" before "Окно 10"); rows
    that share the names keep the report's order."""
    keys = [c.key for c in table.columns]
    at_ids = [i for i, k in enumerate(keys) if k in KINDS]
    if not at_ids:
        return table
    at_branch = keys.index("branch_id") if "branch_id" in keys else None
    rows = []
    for row in table.rows:
        branch = str(row[at_branch]) if at_branch is not None else ""
        rows.append(
            tuple(
                names.name(KINDS[key], cell, lang, branch)
                if key in KINDS and isinstance(cell, str) and cell
                else cell
                for key, cell in zip(keys, row, strict=True)
            )
        )
    rows.sort(key=lambda row: [natural(str(row[i])) for i in at_ids])
    return ReportTable(table.columns, rows)
