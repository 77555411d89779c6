"""Whether bytes are a PDF a visitor's phone can open: checked at load, never at a visitor. Pure.

Not a full parser: the header, the end-of-file marker, and the cross-reference that
``startxref`` points at (a table or a stream object), which is where a file cut short
or saved as something else (a Word document renamed .pdf) shows.
"""

from __future__ import annotations

import re

# A form is a page or two. Under gRPC's default 4 MiB a message, with room to spare.
MAX_FORM_BYTES = 2 * 1024 * 1024
_HEADER = re.compile(rb"^%PDF-[12]\.\d")
_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_OBJECT = re.compile(rb"\d+\s+\d+\s+obj\b")
# The end marker is within the last 1024 bytes (PDF 1.7, 7.5.5), trailing junk aside.
_TAIL = 1024


def pdf_problem(data: bytes, limit: int = MAX_FORM_BYTES) -> str:
    """What keeps ``data`` from being a usable PDF form, or "" when it is one."""
    if not data:
        return "the file is empty"
    if len(data) > limit:
        return f"the file is {len(data)} bytes, over the limit of {limit}: make it smaller"
    if not _HEADER.match(data):
        return 'not a PDF: it does not start with "%PDF-"; save the form as PDF'
    tail = data[-_TAIL:]
    if b"%%EOF" not in tail:
        return 'the PDF is cut short: no "%%EOF" at its end; copy the file again'
    found = _STARTXREF.search(tail)
    if found is None:
        return 'the PDF has no "startxref" before its "%%EOF": save it again as PDF'
    offset = int(found[1])
    if offset >= len(data):
        return "the PDF's cross-reference points past its end: the file is damaged"
    at = data[offset : offset + 32]
    if not (at.startswith(b"xref") or _OBJECT.match(at)):
        return "the PDF's cross-reference is not where it says: the file is damaged"
    return ""
