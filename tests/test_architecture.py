"""The import rules of docs/architecture.md hold, and their check would see one broken.

import-linter reads the contracts in pyproject.toml (``[tool.importlinter]``). The second
test plants an upward import in a copy of the tree and expects the check to name it, so a
check that could never fail would fail here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
# Every package import-linter reads: its root_packages, as the contracts name them.
PACKAGES = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"][
    "root_packages"
]


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    """Check the contracts over ``tree``'s own sources (first on the path), uncached."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(tree / "pyproject.toml"), "--no-cache"],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_every_import_follows_the_rules() -> None:
    checked = lint_imports(ROOT)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "0 broken" in checked.stdout


def test_an_import_from_the_ground_up_into_a_program_is_caught(tmp_path: Path) -> None:
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    dates = tmp_path / "okno" / "dates.py"
    dates.write_text(dates.read_text() + "\nimport kiosk.flow\n")
    checked = lint_imports(tmp_path)
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert "okno.dates -> kiosk.flow" in checked.stdout
