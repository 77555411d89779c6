"""A ticket printer's settings: its command line's, then the hub's (okno provision config).

What a printer model can do differs (a cheap 58 mm printer has no Cyrillic table, no QR
firmware, no NV memory) and sending it what it cannot do prints the wrong characters or
nothing, so a technician states it per printer:

| key | values | default |
|---|---|---|
| paper_width | 58, 80: the roll's width in millimetres | 80 |
| code_page | cp866: Russian as written (ESC t 17); ascii: no Cyrillic, transliterated | cp866 |
| qr | native: the printer's own QR (GS ( k); raster: sent as an image | native |
| logo | nv: kept in NV memory; raster: sent with every ticket; none: no logo | nv |

A setting the printer cannot take raises :class:`BadSettings` with the reason: the hub
shows it to the technician and the printer keeps its previous settings. Keys left out
take the command line's values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

from okno.runtime.schemas import CODE_PAGES, LOGO_KINDS, PAPER_WIDTHS, QR_KINDS
from ticket_printer.errors import BadSettings
from ticket_printer.profile import PrinterProfile


@dataclass(frozen=True, slots=True)
class PrinterSettings:
    paper_width: int = 80
    code_page: str = "cp866"
    qr: str = "native"
    logo: str = "nv"

    def __post_init__(self) -> None:
        _choice("paper_width", str(self.paper_width), PAPER_WIDTHS, " (millimetres)")
        _choice("code_page", self.code_page, CODE_PAGES)
        _choice("qr", self.qr, QR_KINDS)
        _choice("logo", self.logo, LOGO_KINDS)

    @property
    def profile(self) -> PrinterProfile:
        """The capabilities the layout writes its bytes for."""
        return PrinterProfile.for_paper(
            self.paper_width,
            has_cp866=self.code_page == "cp866",
            has_native_qr=self.qr == "native",
            has_nv_graphics=self.logo == "nv",
        )

    @property
    def prints_logo(self) -> bool:
        return self.logo != "none"

    def updated(self, config: Mapping[str, str]) -> PrinterSettings:
        """These settings with the hub's on top; BadSettings for a key or value it cannot take."""
        known = [f.name for f in fields(self)]
        unknown = sorted(set(config) - set(known))
        if unknown:
            raise BadSettings(
                f"unknown ticket printer setting {', '.join(unknown)}; known: {', '.join(known)}"
            )
        changes: dict[str, object] = {key: value.strip().lower() for key, value in config.items()}
        if "paper_width" in changes:
            width = str(changes["paper_width"])
            _choice("paper_width", width, PAPER_WIDTHS, " (millimetres)")
            changes["paper_width"] = int(width)
        return replace(self, **changes)  # type: ignore[arg-type]


def _choice(key: str, value: str, choices: tuple[str, ...], unit: str = "") -> None:
    if value not in choices:
        raise BadSettings(f"{key} is {' or '.join(choices)}{unit}, not {value!r}")
