"""What the simulated printer understood of the host's bytes: one value per ESC/POS command.

The interpreter makes them and the simulator and the renderer act on them, so they live
below both; each names the command it stands for (Epson ESC/POS reference).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Text:
    """Printable bytes, still in the printer's code table."""

    data: bytes


@dataclass(frozen=True)
class LineFeed:
    """LF: print the line buffer and feed one line."""


@dataclass(frozen=True)
class Initialise:
    """ESC @."""


@dataclass(frozen=True)
class CodePage:
    """ESC t n."""

    table: int


@dataclass(frozen=True)
class Justify:
    """ESC a n (0 left, 1 centre, 2 right)."""

    align: int


@dataclass(frozen=True)
class CharSize:
    """GS ! n or the size bits of ESC ! n."""

    width: int
    height: int


@dataclass(frozen=True)
class Emphasis:
    """ESC E n or the emphasis bit of ESC ! n."""

    on: bool


@dataclass(frozen=True)
class LineSpacing:
    """ESC 3 n (dots) or ESC 2 (None: the default)."""

    dots: int | None


@dataclass(frozen=True)
class Feed:
    """ESC d n (lines) or ESC J n (dots): print the buffer, then feed."""

    lines: int = 0
    dots: int = 0


@dataclass(frozen=True)
class Cut:
    """GS V (and the legacy ESC i / ESC m), after feeding ``feed_dots``."""

    feed_dots: int = 0


@dataclass(frozen=True)
class Raster:
    """GS v 0: a raster bit image, 1 = black, rows of ``width_bytes``."""

    width_bytes: int
    height: int
    data: bytes


@dataclass(frozen=True)
class QrSetting:
    """GS ( k <fn 165/167/169>: model, module size or error level (name, value)."""

    name: str
    value: int


@dataclass(frozen=True)
class QrStore:
    """GS ( k <fn 180>."""

    data: bytes


@dataclass(frozen=True)
class QrPrint:
    """GS ( k <fn 181>."""


@dataclass(frozen=True)
class NvDefine:
    """GS ( L / GS 8 L <fn 67>: a raster graphic to keep under ``key``."""

    key: str
    width: int
    height: int
    data: bytes


@dataclass(frozen=True)
class NvPrint:
    """GS ( L <fn 69>."""

    key: str
    scale_x: int
    scale_y: int


@dataclass(frozen=True)
class NvDelete:
    """GS ( L <fn 65> (key None: all) or <fn 66>."""

    key: str | None


@dataclass(frozen=True)
class NvKeyList:
    """GS ( L <fn 64>: the host asks which keys are stored."""


@dataclass(frozen=True)
class StatusRequest:
    """DLE EOT n."""

    n: int


@dataclass(frozen=True)
class ProcessIdRequest:
    """GS ( H <fn 48>: answer with these digits once everything before is processed."""

    process_id: str


@dataclass(frozen=True)
class Skipped:
    """A command understood well enough to step over, but not rendered."""

    command: bytes


Command = (
    Text
    | LineFeed
    | Initialise
    | CodePage
    | Justify
    | CharSize
    | Emphasis
    | LineSpacing
    | Feed
    | Cut
    | Raster
    | QrSetting
    | QrStore
    | QrPrint
    | NvDefine
    | NvPrint
    | NvDelete
    | NvKeyList
    | StatusRequest
    | ProcessIdRequest
    | Skipped
)
