"""A branch's directory: the names its hub tells for the ids its events carry.

Checked as a batch is: the branch must be registered and the directory signed with its
secret; an oversized or malformed one is refused with the reason, and every refusal is
recorded in ``refusals``. A directory that passes is stored whole in one transaction: each
name replaces the one stored for its id, and ids the hub no longer configures keep their
last name (past reports keep showing it).
"""

from __future__ import annotations

import json
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import Engine, select

from backoffice import schema
from backoffice.errors import BatchRefused
from backoffice.store import check_signature, now_ms, record_refusal, secret_of, upsert
from hub.sync.signing import sign_directory

# The longest directory taken, in UTF-8 bytes: a branch of hundreds of services, desks and
# operators stays far below it.
MAX_BYTES = 256 * 1024
MAX_ENTRIES = 1000
_Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")]
_Name = Annotated[str, Field(min_length=1, max_length=200)]


class _Entry(BaseModel):
    # A newer hub may tell more than this back office reads: extra fields are ignored.
    model_config = ConfigDict(extra="ignore", strict=True)


class _Service(_Entry):
    id: _Id
    name_ru: _Name
    name_en: _Name


class _Desk(_Entry):
    id: _Id
    number: int = Field(ge=1, le=999)
    name: str = Field(default="", max_length=200)


class _Operator(_Entry):
    id: _Id
    name: _Name


class Directory(_Entry):
    name: _Name
    services: list[_Service] = Field(max_length=MAX_ENTRIES)
    desks: list[_Desk] = Field(max_length=MAX_ENTRIES)
    operators: list[_Operator] = Field(default_factory=list, max_length=MAX_ENTRIES)


def store_directory(engine: Engine, branch_id: str, directory: str, signature: str) -> int:
    """Store the branch's names; how many it holds now. BatchRefused (recorded) if not."""
    try:
        return _store(engine, branch_id, directory, signature)
    except BatchRefused as refusal:
        record_refusal(engine, branch_id, refusal)
        raise


def _store(engine: Engine, branch_id: str, directory: str, signature: str) -> int:
    with engine.begin() as connection:
        secret = secret_of(connection, branch_id)
        check_signature(
            signature, lambda: sign_directory(secret, branch_id, directory), "directory"
        )
        at = now_ms()
        rows: list[dict[str, object]] = [
            {
                "branch_id": branch_id,
                "kind": kind,
                "entry_id": entry,
                "name_ru": ru,
                "name_en": en,
                "updated_ms": at,
            }
            for kind, entry, ru, en in names(parse(directory))
        ]
        upsert(connection, schema.directory_names, rows, ["name_ru", "name_en", "updated_ms"])
        table = schema.directory_names
        held = connection.execute(
            select(table.c.entry_id).where(table.c.branch_id == branch_id)
        ).all()
    return len(held)


def parse(directory: str) -> Directory:
    """The directory's JSON read and checked; BatchRefused("malformed") says what is wrong."""
    size = len(directory.encode())
    if size > MAX_BYTES:
        raise BatchRefused(
            "malformed",
            f"the directory is {size} bytes, more than the {MAX_BYTES} taken: it must hold "
            "only the branch's services, desks and operators",
        )
    try:
        found = Directory.model_validate(json.loads(directory))
    except json.JSONDecodeError as error:
        raise BatchRefused("malformed", f"the directory is not JSON: {error}") from None
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the directory"
        raise BatchRefused(
            "malformed", f"the directory's {where} is wrong: {first['msg']}"
        ) from None
    for kind, entries in (
        ("services", found.services),
        ("desks", found.desks),
        ("operators", found.operators),
    ):
        ids = [e.id for e in entries]
        if len(set(ids)) != len(ids):
            raise BatchRefused("malformed", f"the directory names one of its {kind} twice")
    return found


def names(found: Directory) -> list[tuple[str, str, str, str]]:
    """(kind, id, Russian name, English name) of every name the directory tells.

    A desk without a name of its own is called by its number, as the hall calls it.
    """
    rows = [("branch", "", found.name, found.name)]
    rows += [("service", s.id, s.name_ru, s.name_en) for s in found.services]
    rows += [
        ("desk", d.id, d.name or f"Окно {d.number}", d.name or f"Desk {d.number}")
        for d in found.desks
    ]
    rows += [("operator", o.id, o.name, o.name) for o in found.operators]
    return rows
