"""A report's table as CSV or XLSX, with the column titles (and units) of one language.

CSV is UTF-8 with a byte-order mark and commas, numbers with a decimal point: Excel and
LibreOffice open it with the Cyrillic intact. XLSX keeps numbers as numbers, bolds and
freezes the header, and sizes the columns to their titles. In both, text that a
spreadsheet would run as a formula is written inert (:func:`inert`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from backoffice.reports import Column, ReportTable
from backoffice.web.words import shown_row

# The reports name their units in English; a Russian reader gets them in Russian.
UNITS_RU = {"min": "мин", "s": "с", "h": "ч"}


def unit(column: Column, lang: str) -> str:
    return column.unit if lang == "en" else UNITS_RU.get(column.unit, column.unit)


def heading(column: Column, lang: str) -> str:
    """A column's title with its unit: "Среднее ожидание, мин"."""
    title = column.title_en if lang == "en" else column.title_ru
    shown = unit(column, lang)
    return f"{title}, {shown}" if shown else title


# A spreadsheet takes a cell that begins with one of these as a formula (OWASP, "CSV
# Injection"): =HYPERLINK(...) in a service's name would run when a manager opens the file.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(value: object) -> object:
    """A cell a spreadsheet shows as typed: text that would start a formula gets a leading
    ``'``; numbers, and text that is only a number ("-5", "+1.5"), stay as they are."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    try:
        float(value)
    except ValueError:
        return "'" + value
    return value


def csv_bytes(headings: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    """A whole CSV file: the byte-order mark, the headings, the rows."""
    return "\ufeff".encode() + csv_body([headings, *rows])


def csv_body(rows: Sequence[Sequence[object]]) -> bytes:
    """CSV lines without the byte-order mark: what follows the head of a streamed file."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([inert(c) for c in row] for row in rows)
    return out.getvalue().encode("utf-8")


def headings(table: ReportTable, lang: str) -> list[str]:
    return [heading(c, lang) for c in table.columns]


def rows(table: ReportTable, lang: str) -> list[list[object]]:
    """The table's rows in ``lang``'s words ("одобрен", not "approved")."""
    keys = [c.key for c in table.columns]
    return [shown_row(row, keys, lang) for row in table.rows]


def report_csv(table: ReportTable, lang: str) -> bytes:
    return csv_bytes(headings(table, lang), rows(table, lang))


def report_xlsx(table: ReportTable, lang: str, sheet: str) -> bytes:
    book = Workbook()
    page = book.active
    assert page is not None
    # Excel refuses sheet names over 31 characters or with []:*?/\ in them.
    page.title = "".join(c for c in sheet if c not in "[]:*?/\\")[:31] or "report"
    titles = headings(table, lang)
    page.append(titles)
    for cell in page[1]:
        cell.font = Font(bold=True)
    for row in rows(table, lang):
        page.append([inert(c) for c in row])
    page.freeze_panes = "A2"
    for index, title in enumerate(titles, start=1):
        page.column_dimensions[get_column_letter(index)].width = max(10, min(40, len(title) + 2))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
