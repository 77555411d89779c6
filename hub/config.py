"""Reading a branch's TOML file, so that every mistake in it is reported at its line.

The rules live in ``hub/domain/branch.py``; this module only turns a broken rule back into
the place in the file where the administrator has to look.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from hub.domain.branch import Branch, ConfigProblem
from hub.errors import ConfigError

Loc = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)
# A table of the file: its name and, for an array of tables, which entry; ("", None) is the top.
_Block = tuple[str, int | None]

_USAGE = "pass --config with the branch's TOML file"
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.-]+)\s*\]")
_KEY_PART = r"""[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*'"""
_KEY = re.compile(rf"^\s*((?:{_KEY_PART})(?:\s*\.\s*(?:{_KEY_PART}))*)\s*=")


@dataclass(frozen=True)
class LoadedConfig:
    """A validated branch with a digest, so that logs and reports tell which file was running."""

    branch: Branch
    digest: str


def load_branch(path: Path) -> LoadedConfig:
    """Read a branch file; any mistake in it is a ConfigError pointing at the line to fix."""
    data, text, document = read_toml(path)
    branch = validated(Branch, path, text, document)
    return LoadedConfig(branch=branch, digest=hashlib.sha256(data).hexdigest()[:16])


def read_toml(path: Path) -> tuple[bytes, str, dict[str, Any]]:
    """A TOML file's bytes, text and document; unreadable or broken: a ConfigError at its line."""
    data = _read(path)
    try:
        # utf-8-sig: Windows editors often save a byte order mark, which TOML does not allow.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        at = data[: err.start].count(b"\n") + 1
        raise ConfigError(str(path), "not UTF-8 text: save the file as UTF-8", at) from err
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        reason, line = _syntax_error(str(err))
        raise ConfigError(str(path), reason, line) from err
    return data, text, document


def validated(
    model: type[M],
    path: Path,
    text: str,
    document: dict[str, Any],
    *,
    context: Any = None,
    where: Callable[[str, Loc], int | None] | None = None,
) -> M:
    """``document`` as a ``model``; its first problem is a ConfigError at the file's line,
    found by ``where`` (:func:`locate` by default)."""
    line_of = where or locate
    try:
        return model.model_validate(document, context=context)
    except ValidationError as err:
        errors = _problems(err)
        first = errors[0]
        reason = f"{_where(document, first['loc'])}: {_message(first)}"
        if len(errors) > 1:
            more = len(errors) - 1
            reason += f" (and {more} more problem{'s' if more > 1 else ''})"
        raise ConfigError(str(path), reason, line_of(text, first["loc"])) from err
    except ConfigProblem as err:
        reason = f"{_where(document, err.loc)}: {err.message}"
        raise ConfigError(str(path), reason, line_of(text, err.loc)) from err


def locate(text: str, loc: Loc) -> int | None:
    """Find the line a pydantic loc points at, or its table's header when the key is absent."""
    parts = [part for part in loc if part != "[key]"]
    blocks = _blocks(text)
    block: _Block
    if len(parts) >= 2 and isinstance(parts[1], int) and (str(parts[0]), parts[1]) in blocks:
        block, keys = (str(parts[0]), parts[1]), parts[2:]
    elif parts and (str(parts[0]), None) in blocks:
        block, keys = (str(parts[0]), None), parts[1:]
    else:
        block, keys = ("", None), parts
    # The key written most fully wins: "services.passport = 2" over "services = {...}",
    # and either over the header, whose key is ().
    matches = [
        (len(written), number)
        for written, number in blocks[block]
        if tuple(keys[: len(written)]) == written
    ]
    return max(matches, key=lambda match: (match[0], -match[1]))[1] if matches else None


def _blocks(text: str) -> dict[_Block, list[tuple[tuple[str, ...], int]]]:
    """List each table's keys with their lines; the header is listed as the key ()."""
    blocks: dict[_Block, list[tuple[tuple[str, ...], int]]] = {("", None): []}
    current: _Block = ("", None)
    seen: Counter[str] = Counter()
    # Split on "\n" only, as TOML counts lines; str.splitlines also splits on U+2028 and kin.
    for number, line in enumerate(text.split("\n"), start=1):
        if header := _HEADER.match(line):
            brackets, name = header.groups()
            if brackets == "[[":
                current = (name, seen[name])
                seen[name] += 1
            else:
                current = (name, None)
            blocks[current] = [((), number)]
        elif key := _KEY.match(line):
            written = tuple(part.strip("\"'") for part in re.findall(_KEY_PART, key[1]))
            blocks[current].append((written, number))
    return blocks


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as err:
        raise ConfigError(str(path), f"no such file: {_USAGE}") from err
    except IsADirectoryError as err:
        raise ConfigError(str(path), f"a directory, not a file: {_USAGE}") from err
    except OSError as err:
        reason = f"cannot read the file ({err.strerror}): check that the hub may read it"
        raise ConfigError(str(path), reason) from err


def _problems(err: ValidationError) -> list[ErrorDetails]:
    """Drop "too short" errors that echo a broken entry (it is not counted), so as to count once."""
    errors = err.errors()
    return [
        error
        for error in errors
        if error["type"] != "too_short"
        or not any(
            other is not error and other["loc"][: len(error["loc"])] == error["loc"]
            for other in errors
        )
    ]


def _syntax_error(message: str) -> tuple[str, int | None]:
    """Move tomllib's "(at line X, column Y)" into the error's line, where editors look for it."""
    position = _TOML_POSITION.search(message)
    if position is None:
        return message, None
    return f"{message[: position.start()]} (column {position[2]})", int(position[1])


def _where(document: dict[str, Any], loc: Loc) -> str:
    """Name a loc as the TOML file spells it, with the entry's id, which is easier to find."""
    parts = [part for part in loc if part != "[key]"]
    if not parts:
        return "the file"
    name, rest = str(parts[0]), parts[1:]
    value = document.get(name)
    if isinstance(value, list) and all(isinstance(entry, dict) for entry in value):
        place = f"[[{name}]]"
        if rest and isinstance(rest[0], int):
            index, rest = rest[0], rest[1:]
            place += f" #{index + 1}"
            entry = value[index] if index < len(value) else None
            if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                place += f' (id "{entry["id"]}")'
    elif isinstance(value, dict):
        place = f"[{name}]"
    else:
        place, rest = "", parts
    keys = ".".join(part for part in rest if isinstance(part, str))
    if not keys:
        return place
    return f'{place}, key "{keys}"' if place else f'key "{keys}"'


def _message(error: ErrorDetails) -> str:
    """Drop pydantic's "Value error, " prefix: our validators' messages are whole sentences."""
    if error["type"] == "value_error" and "ctx" in error:
        return str(error["ctx"]["error"])
    return error["msg"]
