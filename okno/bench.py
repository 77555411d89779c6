"""Benchmark figures in one shape for every bench verb: a table for people, JSON to compare.

JSON: ``{"benchmark": NAME, "machine": {...}, "figures": {KEY: {"value", "unit",
"target", "compare", "met"}}}``; ``compare`` is ">=" or "<=" and both it and ``met``
are null for a figure that is reported without a target.
"""

from __future__ import annotations

import json
import os
import platform
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from rich.console import Console
from rich.table import Table


@dataclass(frozen=True, slots=True)
class Figure:
    key: str
    value: float
    unit: str
    target: float | None = None
    compare: Literal[">=", "<="] | None = None

    @property
    def met(self) -> bool | None:
        if self.target is None or self.compare is None:
            return None
        return self.value >= self.target if self.compare == ">=" else self.value <= self.target


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by nearest rank; the benchmarks' latencies are many."""
    if not values:
        raise ValueError("no values to take a percentile of")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered)) - 1))
    return ordered[rank]


def machine() -> dict[str, object]:
    model = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "memory_gib": round(memory / 2**30, 1),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
    }


def report(name: str, figures: list[Figure], out: Path | None, console: Console) -> None:
    """Print the table; write the JSON when asked."""
    table = Table(title=f"benchmark {name}")
    for column in ("figure", "value", "target", "met"):
        table.add_column(column)
    for f in figures:
        target = f"{f.compare} {f.target:g} {f.unit}" if f.target is not None else "—"
        met = {True: "yes", False: "NO", None: "—"}[f.met]
        shown = f"{f.value:,.0f}" if float(f.value).is_integer() else f"{f.value:,.2f}"
        table.add_row(f.key, f"{shown} {f.unit}", target, met)
    console.print(table)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        document = {
            "benchmark": name,
            "machine": machine(),
            "figures": {
                f.key: {
                    "value": f.value,
                    "unit": f.unit,
                    "target": f.target,
                    "compare": f.compare,
                    "met": f.met,
                }
                for f in figures
            },
        }
        out.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        console.print(f"written to {out}")
