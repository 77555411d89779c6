"""What a printer model can do, as data, and the text encoding that follows from it.

Model differences are a :class:`PrinterProfile` (paper width, code pages, NV memory,
native QR), never a subclass: the layout asks the profile and emits different bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

# ESC t n code tables (ESC/POS "Select character code table"): 0 = PC437, 17 = PC866.
CODE_PAGE_PC437 = 0
CODE_PAGE_PC866 = 17

# Font A is 12 x 24 dots on the 180/203 dpi heads of 58 and 80 mm printers.
FONT_A_WIDTH = 12
FONT_A_HEIGHT = 24


@dataclass(frozen=True)
class PrinterProfile:
    """The capabilities of one printer model that change the bytes we send it."""

    name: str
    paper_mm: int
    dots_per_line: int
    has_cp866: bool = True
    has_nv_graphics: bool = True
    has_native_qr: bool = True

    @property
    def chars_per_line(self) -> int:
        """Font A characters that fit on one line at normal size."""
        return self.dots_per_line // FONT_A_WIDTH

    @property
    def code_page(self) -> int:
        """The ESC t table our text is encoded for."""
        return CODE_PAGE_PC866 if self.has_cp866 else CODE_PAGE_PC437

    @classmethod
    def for_paper(cls, paper_mm: int, **capabilities: bool) -> PrinterProfile:
        """A generic profile for 58 or 80 mm paper; other widths are refused."""
        dots = {58: 384, 80: 576}.get(paper_mm)
        if dots is None:
            raise ValueError(f"paper width must be 58 or 80 mm, not {paper_mm}")
        return cls(f"generic-{paper_mm}", paper_mm, dots, **capabilities)


PAPER_58 = PrinterProfile.for_paper(58)
PAPER_80 = PrinterProfile.for_paper(80)
# A cheap printer without Cyrillic, NV memory or QR firmware: everything by fallback.
BASIC_58 = PrinterProfile(
    "basic-58", 58, 384, has_cp866=False, has_nv_graphics=False, has_native_qr=False
)

# Typography that neither CP866 nor ASCII has, replaced by what reads the same on paper.
_TYPOGRAPHY = str.maketrans(
    {
        "—": "-",
        "–": "-",
        "‑": "-",
        "«": '"',
        "»": '"',
        "„": '"',
        "“": '"',
        "”": '"',
        "’": "'",
        "…": "...",
        "\u00a0": " ",
        # The box of a checklist (hub/catalogue/checklist.py), which CP866 lacks.
        "☐": "[ ]",
    }
)
# Russian to Latin as in Russian passports (ICAO Doc 9303), which visitors know.
_LATIN = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "й": "i",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "ie",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "iu",
    "я": "ia",
    "№": "N",
    "°": "",
}


def transliterate(text: str) -> str:
    """Russian text in Latin letters: "Щука" -> "Shchuka", "МФЦ" -> "MFTS"."""
    out: list[str] = []
    for i, char in enumerate(text):
        latin = _LATIN.get(char.lower())
        if latin is None:
            out.append(char)
        elif not char.isupper():
            out.append(latin)
        else:
            # A capital inside an all-capitals word stays all capitals: "ЦОН" -> "TSON".
            neighbours = text[max(i - 1, 0) : i] + text[i + 1 : i + 2]
            shout = any(c.isupper() for c in neighbours)
            out.append(latin.upper() if shout else latin.capitalize())
    return "".join(out)


def printable(text: str, profile: PrinterProfile) -> str:
    """The characters the printer will show, so that lines are fitted to what is printed.

    Transliteration lengthens text ("Ж" is "Zh"): measured before it, a number fitted at 8x
    would break over two lines.
    """
    plain = text.translate(_TYPOGRAPHY)
    return plain if profile.has_cp866 else transliterate(plain)


def encode_text(text: str, profile: PrinterProfile) -> bytes:
    """Text as the printer's code table wants it; what it cannot show becomes "?"."""
    return printable(text, profile).encode(
        "cp866" if profile.has_cp866 else "ascii", errors="replace"
    )


def decode_text(data: bytes, code_page: int) -> str:
    """What a printer set to ``code_page`` shows for ``data`` (PC437 for unknown tables)."""
    return data.decode("cp866" if code_page == CODE_PAGE_PC866 else "cp437")
