"""The branch's service catalogue: what each service asks and gives, with forms (docs/catalogue.md).

Read from a TOML file the region maintains, checked against the branch's configuration;
served by hub/api/catalogue.py and the web pages.
"""

from __future__ import annotations

from hub.catalogue.checklist import checklist
from hub.catalogue.load import Catalogue, Form, load_catalogue
from hub.catalogue.model import Document, Entry, FormFile, Situation
from hub.catalogue.search import find

__all__ = [
    "Catalogue",
    "Document",
    "Entry",
    "Form",
    "FormFile",
    "Situation",
    "checklist",
    "find",
    "load_catalogue",
]
