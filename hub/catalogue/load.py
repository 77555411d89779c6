"""Reading the catalogue file and its forms, so that every mistake is told at its line.

The file is named by the branch's ``[catalogue] file`` (relative to the branch's file);
its forms are PDF files named relative to the catalogue, inside its folder. Everything is
read and checked before anything is used: a hub reloading a broken catalogue keeps the
one it had (hub/service.py).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from hub.catalogue.model import CatalogueFile, Entry, FormFile, Situation
from hub.catalogue.pdf import pdf_problem
from hub.config import Loc, locate, read_toml, validated
from hub.domain.branch import Branch
from hub.errors import CatalogueError, ConfigError

_INLINE_TABLE = re.compile(r"^\s*\{")
_HEADER = re.compile(r"^\s*\[")


@dataclass(frozen=True, slots=True)
class Form:
    """A form's entry and its PDF, read once at load: what is served is what was checked."""

    info: FormFile
    pdf: bytes
    sha256: str


@dataclass(frozen=True, slots=True)
class Catalogue:
    """The branch's catalogue with the branch's fee and processing days filled in."""

    entries: dict[str, Entry] = field(default_factory=dict)
    forms: dict[str, Form] = field(default_factory=dict)
    situations: tuple[Situation, ...] = ()
    # A digest of everything shown: changes whenever an entry, a situation or a form does.
    version: str = ""

    def forms_of(self, entry: Entry) -> list[Form]:
        return [self.forms[form_id] for form_id in entry.forms]


def load_catalogue(config_path: Path, branch: Branch) -> Catalogue:
    """The catalogue the branch names, checked against it; none named: an empty one.

    Any mistake is a CatalogueError naming the file, the line and what is wrong.
    """
    if not branch.catalogue.file:
        return Catalogue(version=_digest(b"", []))
    path = config_path.parent / branch.catalogue.file
    try:
        _, text, document = read_toml(path)
        loaded = validated(
            CatalogueFile, path, text, document, context={"branch": branch}, where=_line
        )
    except CatalogueError:
        raise
    except ConfigError as err:
        raise CatalogueError(err.path, err.reason, err.line) from err
    forms = {
        form.id: _read_form(path, text, index, form) for index, form in enumerate(loaded.forms)
    }
    entries = [_with_branch(branch, entry) for entry in loaded.services]
    return Catalogue(
        entries={entry.id: entry for entry in entries},
        forms=forms,
        situations=loaded.situations,
        version=_digest(
            json.dumps(
                [
                    [e.model_dump() for e in entries],
                    [s.model_dump() for s in loaded.situations],
                    [f.model_dump() for f in loaded.forms],
                ],
                ensure_ascii=False,
                sort_keys=True,
            ).encode(),
            [f.sha256 for f in forms.values()],
        ),
    )


def _with_branch(branch: Branch, entry: Entry) -> Entry:
    """The entry with what the branch knows and the file leaves out."""
    service = branch.service(entry.id)
    assert service is not None
    return entry.model_copy(
        update={
            "fee_kopecks": service.fee_kopecks if entry.fee_kopecks is None else entry.fee_kopecks,
            "processing_days": (
                service.processing_days if entry.processing_days is None else entry.processing_days
            ),
        }
    )


def _digest(content: bytes, form_digests: list[str]) -> str:
    digest = hashlib.sha256(content)
    for part in form_digests:
        digest.update(part.encode())
    return digest.hexdigest()[:16]


def _read_form(catalogue: Path, text: str, index: int, form: FormFile) -> Form:
    """The form's PDF, refused (at its ``file`` line) when missing, outside, or not a PDF."""
    folder = catalogue.parent.resolve()
    path = (folder / form.file).resolve()
    line = locate(text, ("forms", index, "file"))

    def refused(problem: str) -> CatalogueError:
        where = f'[[forms]] #{index + 1} (id "{form.id}"), file "{form.file}"'
        return CatalogueError(str(catalogue), f"{where}: {problem}", line)

    if not path.is_relative_to(folder):
        raise refused("a form must lie in the catalogue's folder or below it")
    try:
        data = path.read_bytes()
    except FileNotFoundError as err:
        raise refused(f"no such file in {folder}: copy the PDF there or fix the name") from err
    except OSError as err:
        raise refused(f"cannot read it ({err.strerror}): check that the hub may read it") from err
    problem = pdf_problem(data)
    if problem:
        raise refused(problem)
    return Form(form, data, hashlib.sha256(data).hexdigest())


def _line(text: str, loc: Loc) -> int | None:
    """As :func:`hub.config.locate`, and a document of an entry's ``documents = [...]`` at
    its own line (one inline table a line, as docs/catalogue.md writes them)."""
    parts = [part for part in loc if part != "[key]"]
    if len(parts) < 4 or parts[0] != "services" or parts[2] != "documents":
        return locate(text, loc)
    start = locate(text, tuple(parts[:3]))
    if start is None or not isinstance(parts[3], int):
        return start
    lines = text.split("\n")
    seen = -1
    for number in range(start + 1, len(lines) + 1):
        line = lines[number - 1]
        if _HEADER.match(line):
            break
        if _INLINE_TABLE.match(line):
            seen += 1
            if seen == parts[3]:
                return number
    return start
