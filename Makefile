# Two commands on a fresh machine: `make run` and `make test`. Everything else is for developers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install browser run test test-unit test-integration test-e2e lint fmt migrate bench bench-full reliability clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

migrate: install
	$(BIN)/leadctl migrate

run: migrate
	$(BIN)/leadctl serve --host 127.0.0.1 --port 8000

# The /docs test drives headless Chromium (Debian's package, installed if missing).
browser:
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

test: install browser
	$(BIN)/pytest -q

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
# Crashing PostgreSQL waits until no other test run is active here. ≤ 10 minutes.
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
