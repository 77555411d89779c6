"""The service catalogue as the region writes it: what each service asks and gives. Pure.

Validated with pydantic against the running branch (passed as the validation context), so
that a service, form or life situation the branch does not know is refused at load with
its line (hub/catalogue/load.py), never shown to a visitor as a dead end.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from hub.domain.branch import Branch, ConfigProblem, Identifier

DocumentKind = Literal["original", "copy", "original_and_copy"]
FormKind = Literal["sample", "blank"]
# A checklist line is at most 200 characters (hub.api.printing): a name and its
# conditions each fit on one with room for the box and the kind.
MAX_DOCUMENT_TEXT = 160
MAX_DOCUMENTS = 30


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Document(_Model):
    """One thing to bring: "Паспорт гражданина РФ", an original."""

    name: str = Field(min_length=1, max_length=MAX_DOCUMENT_TEXT)
    kind: DocumentKind
    # Copies to bring along with (or instead of) the original; none for an original.
    copies: int = Field(default=0, ge=0, le=10)
    conditions: str = Field(default="", max_length=MAX_DOCUMENT_TEXT)

    @model_validator(mode="after")
    def _copies_fit_kind(self) -> Document:
        if self.kind == "original" and self.copies:
            raise ValueError(
                f'"{self.name}" is an original: copies = {self.copies} says otherwise; '
                'write kind = "original_and_copy" or leave copies out'
            )
        return self

    @property
    def copies_to_bring(self) -> int:
        """A copy asked without a number is one copy."""
        return 0 if self.kind == "original" else max(1, self.copies)


class Entry(_Model):
    """What the catalogue says of one service of the branch."""

    id: Identifier
    description_ru: str = Field(min_length=1, max_length=2000)
    description_en: str = Field(default="", max_length=2000)
    who_may_apply: str = Field(min_length=1, max_length=500)
    documents: tuple[Document, ...] = Field(default=(), max_length=MAX_DOCUMENTS)
    result: str = Field(min_length=1, max_length=300)
    # Default: the branch's own for the service (it plans applications' dates with it).
    processing_days: int | None = Field(default=None, ge=0, le=366)
    # The state fee in kopecks; default: the branch's (what its kiosks take).
    fee_kopecks: int | None = Field(default=None, ge=0, le=100_000_000)
    how_to_pay: str = Field(default="", max_length=500)
    forms: tuple[Identifier, ...] = Field(default=(), max_length=10)
    keywords: tuple[Annotated[str, Field(min_length=1, max_length=40)], ...] = Field(
        default=(), max_length=20
    )


class FormFile(_Model):
    """A PDF beside the catalogue: a filled-in sample to look at, or a blank to fill in."""

    id: Identifier
    title: str = Field(min_length=1, max_length=120)
    kind: FormKind
    # Relative to the catalogue's file, and inside its folder.
    file: str = Field(min_length=1, max_length=200)


class Situation(_Model):
    """An event of life ("Рождение ребёнка") and the services it takes, in order."""

    id: Identifier
    name_ru: str = Field(min_length=1, max_length=80)
    name_en: str = Field(min_length=1, max_length=80)
    services: tuple[Identifier, ...] = Field(min_length=1, max_length=30)


class CatalogueFile(_Model):
    """The whole file; validated with the branch as context (``{"branch": Branch}``)."""

    services: tuple[Entry, ...] = ()
    forms: tuple[FormFile, ...] = ()
    situations: tuple[Situation, ...] = ()

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> CatalogueFile:
        branch: Branch = (info.context or {})["branch"]
        _unique("services", [e.id for e in self.services])
        _unique("forms", [f.id for f in self.forms])
        _unique("situations", [s.id for s in self.situations])
        known = {s.id for s in branch.services}
        forms = {f.id for f in self.forms}
        for index, entry in enumerate(self.services):
            if entry.id not in known:
                raise ConfigProblem(
                    ("services", index, "id"),
                    f'service "{entry.id}" is not among the branch\'s [[services]]: fix the id '
                    "or add the service to the branch's configuration",
                )
            _agrees(branch, index, entry)
            for form_id in entry.forms:
                if form_id not in forms:
                    raise ConfigProblem(
                        ("services", index, "forms"),
                        f'service "{entry.id}" names form "{form_id}", which is not among '
                        "[[forms]]: add the form or fix the id",
                    )
        for index, situation in enumerate(self.situations):
            for service_id in situation.services:
                if service_id not in known:
                    raise ConfigProblem(
                        ("situations", index, "services"),
                        f'situation "{situation.id}" names service "{service_id}", which is '
                        "not among the branch's [[services]]: fix the id",
                    )
        return self


def _unique(table: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for index, found in enumerate(ids):
        if found in seen:
            raise ConfigProblem(
                (table, index, "id"), f'id "{found}" is used twice in [[{table}]]: make it unique'
            )
        seen.add(found)


def _agrees(branch: Branch, index: int, entry: Entry) -> None:
    """The catalogue may say what the branch leaves out, never the opposite of it."""
    service = branch.service(entry.id)
    assert service is not None
    if service.fee_kopecks and entry.fee_kopecks not in (None, service.fee_kopecks):
        raise ConfigProblem(
            ("services", index, "fee_kopecks"),
            f'service "{entry.id}": fee_kopecks = {entry.fee_kopecks} here, but the branch\'s '
            f"kiosks take {service.fee_kopecks}: leave it out here or make them agree",
        )
    if service.processing_days is not None and entry.processing_days not in (
        None,
        service.processing_days,
    ):
        raise ConfigProblem(
            ("services", index, "processing_days"),
            f'service "{entry.id}": processing_days = {entry.processing_days} here, but the '
            f"branch plans applications with {service.processing_days}: leave it out here or "
            "make them agree",
        )
