"""The priority categories a visitor may claim at this kiosk, as the hub lists them. Pure."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Category:
    """A claimable [[priorities]] category and the document the operator will ask for."""

    id: str
    name_ru: str
    name_en: str
    document_ru: str
    document_en: str

    def name(self, language: str) -> str:
        return self.name_en if language == "en" and self.name_en else self.name_ru

    def document(self, language: str) -> str:
        return self.document_en if language == "en" and self.document_en else self.document_ru
