# Two promises: `make demo` runs a whole simulated hall, `make test` passes the tests.
# Both create .venv and install what they need; both are safe to run twice.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DURATION ?=
DEMO_OUT ?= var/demo

.PHONY: venv test lint typecheck unit demo bench protos clean

venv: $(STAMP)

$(STAMP): pyproject.toml tools/debian-packages
	tools/debian-packages
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "okno needs Python 3.11 or newer: make PYTHON=python3.11 ..."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

lint: venv
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

typecheck: venv
	$(BIN)/mypy

# On both cores; each xdist_group's tests stay on one worker (README, Tests).
unit: venv
	$(BIN)/pytest -q -n 2 --dist loadgroup

test: lint typecheck unit

demo: venv
	$(BIN)/okno demo --out $(DEMO_OUT) $(if $(DURATION),--duration $(DURATION))

bench: venv
	$(BIN)/okno hub bench queue --out var/bench-hub.json

protos: venv
	$(BIN)/python -m protos.generate

clean:
	rm -rf $(VENV) var .mypy_cache .pytest_cache .ruff_cache
