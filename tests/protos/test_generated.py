"""The committed generated code is exactly what protoc makes of the .proto files now."""

from __future__ import annotations

from protos.generate import PACKAGE_DIR, render


def test_committed_code_matches_the_protos() -> None:
    fresh = render()
    committed = {
        p.name: p.read_text()
        for p in PACKAGE_DIR.iterdir()
        if p.name.endswith((".py", ".pyi")) and "_pb2" in p.name
    }
    assert sorted(fresh) == sorted(committed), "run `make protos` and commit the result"
    stale = [name for name, text in fresh.items() if committed[name] != text]
    assert not stale, f"generated code is stale: {stale}; run `make protos` and commit"
