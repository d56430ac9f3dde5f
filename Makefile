# The two commands: `make run` serves the demo archive, `make test` runs everything.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint typecheck bench system-deps clean

$(STAMP): pyproject.toml requirements.lock requirements-dev.lock
	scripts/bootstrap-python.sh $(PYTHON)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

## Serve the demo archive on http://127.0.0.1:8000 (builds it on first start).
run: $(STAMP)
	$(BIN)/obscura serve

## Lint, type-check and run the whole suite on SQLite and on PostgreSQL + pgSphere,
## one test process per core (a file's tests stay in one process, with its fixtures).
test: $(STAMP) system-deps lint typecheck
	$(BIN)/pytest -n auto --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

## PostgreSQL 15 with pgSphere, and STILTS, for the tests.
system-deps:
	scripts/install-system-deps.sh

bench: $(STAMP) system-deps
	$(BIN)/python bench/load_and_cone.py

clean:
	rm -rf $(VENV) data .mypy_cache .ruff_cache .pytest_cache
