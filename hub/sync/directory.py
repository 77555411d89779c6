"""The branch's directory for the back office: the names its reports show for the ids its
events carry (docs/backoffice.md, "Names").

Only what a report needs leaves the hub: the branch's name, each service's names in
Russian and English, each desk's number and name, and each operator as the short staff
form a report shows ("Иванова А."), never the full name, roles or PINs.
"""

from __future__ import annotations

import json

from hub.domain.branch import Branch


def short_name(full: str) -> str:
    """ "Анна Сергеевна Иванова" as "Иванова А. С.": the surname (written last in the
    configuration) and the initials of the names before it."""
    words = full.split()
    if len(words) < 2:
        return full.strip()
    *given, surname = words
    return " ".join([surname, *(f"{word[0]}." for word in given)])


def directory_json(branch: Branch) -> str:
    """The directory as the back office reads it: JSON, the same text for the same names."""
    directory = {
        "name": branch.name,
        "services": [
            {"id": s.id, "name_ru": s.name_ru, "name_en": s.name_en} for s in branch.services
        ],
        "desks": [{"id": d.id, "number": d.number, "name": d.name} for d in branch.desks],
        "operators": [{"id": o.id, "name": short_name(o.name)} for o in branch.operators],
    }
    return json.dumps(directory, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
