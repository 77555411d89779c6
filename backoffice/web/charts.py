"""Charts as server-rendered SVG (pure: values in, markup out; no JavaScript, no library).

A chart a manager reads at a glance: one measure per chart (two measures with different
units get two charts, never two axes), values written on the bars, a few round grid
lines, and an optional target line (the 15-minute indicator's limit). Categories with
long names (services, branches) get horizontal bars, so the names stay readable; hours,
weekdays and days get columns; a series of days gets a line.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

WIDTH = 760
ROW = 26
PLOT_HEIGHT = 220
INK = "#1b2733"
MUTED = "#5b6770"
GRID = "#d8dee6"
BAR = "#0a5cad"
WARN = "#c77700"
BAD = "#b3261e"


@dataclass(frozen=True, slots=True)
class Target:
    """A limit drawn across the chart; bars past ``value`` are coloured as a warning."""

    value: float
    label: str


def nice_top(largest: float) -> float:
    """A round axis end at or above ``largest`` (1, 2, 2.5 or 5 times a power of ten)."""
    if largest <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(largest))
    for step in (1, 2, 2.5, 5, 10):
        if largest <= step * power:
            return float(step * power)
    return float(10 * power)


def ticks(top: float) -> list[float]:
    """Grid values from 0 to ``top`` (a nice_top) in round steps: 0, 1, 2, 3, 4, 5."""
    power = 10 ** math.floor(math.log10(top))
    lead = round(top / power, 1)
    steps = 4 if lead == 2 else 5
    return [top * i / steps for i in range(steps + 1)]


def number(value: float, lang: str = "ru") -> str:
    """A figure as a reader of ``lang`` writes it: "1 234,5" (thin-space thousands,
    decimal comma) in Russian, "1,234.5" in English."""
    text = f"{int(value):,}" if float(value).is_integer() else f"{value:,.1f}"
    if lang == "en":
        return text
    return text.replace(",", "\u202f").replace(".", ",")


# The width of a label's character at the chart's 12 px font (wide for digits and
# Cyrillic), and the least gap between two labels, both in the chart's own units.
CHAR_PX = 7.5
LABEL_GAP_PX = 10.0


def _label_step(labels: Sequence[str], slot: float) -> int:
    """Label every n-th column so that no two labels touch ("09:00" over 40 px columns)."""
    widest = CHAR_PX * max((len(s) for s in labels), default=1) + LABEL_GAP_PX
    return max(1, math.ceil(widest / slot))


def _svg(width: int, height: int, title: str, body: list[str]) -> Markup:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
    )
    return Markup(head + "".join(body) + "</svg>")


def _text(x: float, y: float, text: str, *, anchor: str = "start", cls: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{klass}>{escape(text)}</text>'


def _colour(value: float, target: Target | None) -> str:
    if target is None or value <= target.value:
        return BAR
    return BAD if value > 2 * target.value else WARN


def horizontal_bars(
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    *,
    lang: str = "ru",
    unit: str = "",
    target: Target | None = None,
    width: int = WIDTH,
) -> Markup:
    """One bar per category, its name on the left and its value at its end."""
    left = min(300, 18 + 8 * max((len(s) for s in labels), default=4))
    plot = width - left - 70
    top = nice_top(max([*values, target.value if target else 0.0], default=0.0))
    height = 34 + ROW * len(labels) + 24
    body: list[str] = []
    for tick in ticks(top):
        x = left + plot * tick / top
        body.append(f'<line x1="{x:.1f}" y1="24" x2="{x:.1f}" y2="{height - 22}" class="grid"/>')
        body.append(_text(x, height - 6, number(tick, lang), anchor="middle", cls="axis"))
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 30 + ROW * i
        length = plot * value / top
        body.append(_text(left - 8, y + 15, label, anchor="end"))
        body.append(
            f'<rect x="{left}" y="{y + 2}" width="{max(length, 1):.1f}" height="{ROW - 8}" '
            f'rx="3" fill="{_colour(value, target)}"><title>{escape(label)}: '
            f"{escape(number(value, lang))} {escape(unit)}</title></rect>"
        )
        body.append(
            _text(left + length + 6, y + 15, f"{number(value, lang)} {unit}".strip(), cls="value")
        )
    if target is not None:
        x = left + plot * target.value / top
        body.append(f'<line x1="{x:.1f}" y1="20" x2="{x:.1f}" y2="{height - 22}" class="target"/>')
        body.append(_text(x + 4, 16, target.label, cls="target-label"))
    return _svg(width, height, title, body)


def columns(
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    *,
    lang: str = "ru",
    unit: str = "",
    target: Target | None = None,
    width: int = WIDTH,
) -> Markup:
    """One column per category (hours, weekdays), its value above it."""
    left, bottom = 56, 40
    height = PLOT_HEIGHT + bottom + 24
    plot = width - left - 16
    top = nice_top(max([*values, target.value if target else 0.0], default=0.0))
    slot = plot / max(1, len(labels))
    body: list[str] = []
    for tick in ticks(top):
        y = 24 + PLOT_HEIGHT * (1 - tick / top)
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 16}" y2="{y:.1f}" class="grid"/>')
        body.append(_text(left - 6, y + 4, number(tick, lang), anchor="end", cls="axis"))
    every = _label_step(labels, slot)
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = left + slot * i
        h = PLOT_HEIGHT * value / top
        y = 24 + PLOT_HEIGHT - h
        body.append(
            f'<rect x="{x + slot * 0.15:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{max(h, 1):.1f}" rx="2" fill="{_colour(value, target)}"><title>'
            f"{escape(label)}: {escape(number(value, lang))} {escape(unit)}</title></rect>"
        )
        if len(labels) <= 24:
            body.append(
                _text(x + slot / 2, y - 4, number(value, lang), anchor="middle", cls="value")
            )
        if i % every == 0:
            body.append(_text(x + slot / 2, 24 + PLOT_HEIGHT + 18, label, anchor="middle"))
    if target is not None:
        y = 24 + PLOT_HEIGHT * (1 - target.value / top)
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - 16}" y2="{y:.1f}" class="target"/>'
        )
        body.append(_text(width - 18, y - 4, target.label, anchor="end", cls="target-label"))
    return _svg(width, height, title, body)


def line(
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    *,
    lang: str = "ru",
    unit: str = "",
    width: int = WIDTH,
) -> Markup:
    """A series over days: a line with its points, the highest value marked."""
    left, bottom = 56, 40
    height = PLOT_HEIGHT + bottom + 24
    plot = width - left - 40
    top = nice_top(max(values, default=0.0))
    step_x = plot / max(1, len(values) - 1)
    body: list[str] = []
    for tick in ticks(top):
        y = 24 + PLOT_HEIGHT * (1 - tick / top)
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 40}" y2="{y:.1f}" class="grid"/>')
        body.append(_text(left - 6, y + 4, number(tick, lang), anchor="end", cls="axis"))
    points = [(left + step_x * i, 24 + PLOT_HEIGHT * (1 - v / top)) for i, v in enumerate(values)]
    if points:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        body.append(f'<polyline points="{path}" fill="none" stroke="{BAR}" stroke-width="2.5"/>')
    every = max(1, math.ceil(len(labels) / 8))
    for i, ((x, y), label, value) in enumerate(zip(points, labels, values, strict=True)):
        body.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{BAR}"><title>{escape(label)}: '
            f"{escape(number(value, lang))} {escape(unit)}</title></circle>"
        )
        if i % every == 0:
            body.append(_text(x, 24 + PLOT_HEIGHT + 18, label, anchor="middle"))
    if values:
        best = max(range(len(values)), key=values.__getitem__)
        x, y = points[best]
        body.append(_text(x, y - 8, number(values[best], lang), anchor="middle", cls="value"))
    return _svg(width, height, title, body)
