"""Regenerates the committed Python code of the okno.v1 contract.

The generated modules live at ``protos/okno/v1`` and are imported as
``protos.okno.v1``; protoc writes ``okno.v1`` imports, so they are rewritten here,
in one place, and the test of the committed code runs this same function.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

from grpc_tools import protoc

PROTO_ROOT = Path(__file__).resolve().parent
PACKAGE_DIR = PROTO_ROOT / "okno" / "v1"
_IMPORT = re.compile(r"^(from|import) okno\.v1(\b)", re.MULTILINE)
_GENERATED_SUFFIXES = ("_pb2.py", "_pb2.pyi", "_pb2_grpc.py", "_pb2_grpc.pyi")


def render() -> dict[str, str]:
    """Run protoc on every .proto of okno.v1 and return generated file name -> text."""
    protos = sorted(str(p.relative_to(PROTO_ROOT)) for p in PACKAGE_DIR.glob("*.proto"))
    bindir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as out:
        args = [
            "grpc_tools.protoc",
            f"-I{PROTO_ROOT}",
            f"-I{_well_known_protos()}",
            f"--plugin=protoc-gen-mypy={bindir / 'protoc-gen-mypy'}",
            f"--plugin=protoc-gen-mypy_grpc={bindir / 'protoc-gen-mypy_grpc'}",
            f"--python_out={out}",
            f"--grpc_python_out={out}",
            f"--mypy_out={out}",
            f"--mypy_grpc_out={out}",
            *protos,
        ]
        if protoc.main(args) != 0:
            raise RuntimeError(f"protoc failed on {protos}")
        generated = Path(out) / "okno" / "v1"
        return {
            path.name: _IMPORT.sub(r"\1 protos.okno.v1\2", path.read_text())
            for path in sorted(generated.iterdir())
            if path.name.endswith(_GENERATED_SUFFIXES)
        }


def _well_known_protos() -> Path:
    import grpc_tools

    return Path(grpc_tools.__file__).resolve().parent / "_proto"


def main() -> int:
    files = render()
    for stale in PACKAGE_DIR.iterdir():
        if stale.name.endswith(_GENERATED_SUFFIXES) and stale.name not in files:
            stale.unlink()
    for name, text in files.items():
        (PACKAGE_DIR / name).write_text(text)
    print(f"wrote {len(files)} files to {PACKAGE_DIR}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
