# Two commands on a fresh machine: `make run` and `make test`. Everything else is for developers.
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install browser run test test-unit test-integration test-e2e lint fmt migrate bench bench-full reliability clean

install: $(STAMP)

# The installer's chatter goes to .venv/install.log; it is shown only if the install fails.
$(STAMP): pyproject.toml
	@echo "installing the service and its tools into $(VENV) (once; log in $(VENV)/install.log)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@( $(BIN)/python -m pip install --quiet --upgrade pip && \
	   $(BIN)/python -m pip install --quiet -e '.[dev]' ) > $(VENV)/install.log 2>&1 \
	   || { cat $(VENV)/install.log; exit 1; }
	@touch $(STAMP)

migrate: install
	@$(BIN)/leadctl migrate

# make run PORT=8080 HOST=0.0.0.0 to serve elsewhere.
run: migrate
	@$(BIN)/leadctl serve --host $(HOST) --port $(PORT)

# The /docs test drives headless Chromium (Debian's package, installed if missing).
browser:
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

# One worker per core, at most 4: each holds its own databases and connection pools, and a
# stock PostgreSQL allows 100 connections. Parallel runs are safe (tests/conftest.py: no
# logger is cached across tests); `pytest -p no:xdist` runs serially.
test: install browser
	$(BIN)/pytest -q -n auto --maxprocesses=4

test-unit: install
	$(BIN)/pytest -q -m unit

test-integration: install
	$(BIN)/pytest -q -m integration

test-e2e: install browser
	$(BIN)/pytest -q -m e2e

# Needs PostgreSQL on 127.0.0.1:5432 and wrk (installed from Debian's packages if missing).
bench: install
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python -m bench

# Adds a 100x site (about 2,000,000 events): long; see README "Benchmarks".
bench-full: install
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python -m bench --full --runs 3

# Fault injection (kill -9, PostgreSQL crashes, a hostile proxy, conflicting commands) against
# the real service on loopback; needs PostgreSQL on 127.0.0.1:5432 and root for pg_ctlcluster.
# Crashing PostgreSQL waits until no other test run is active here. About 19 minutes on 2 cores.
reliability: install
	$(BIN)/python -m reliability

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

fmt: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache
