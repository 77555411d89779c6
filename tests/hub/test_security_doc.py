"""docs/security.md shows the permission table the hub enforces, not an older one."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from hub.api.permissions import markdown
from okno.cli import app

SECURITY = Path(__file__).resolve().parents[2] / "docs" / "security.md"


def test_the_documented_permission_table_is_the_enforced_one() -> None:
    printed = CliRunner().invoke(app, ["hub", "permissions"])
    assert printed.exit_code == 0
    assert printed.output == markdown()
    assert markdown() in SECURITY.read_text(encoding="utf-8"), (
        "docs/security.md's table differs from hub/api/permissions.py: paste "
        "`okno hub permissions` over it"
    )
