# The two commands a newcomer needs are `make run` and `make test`; both set up first.
# A rule author needs `make check`: seconds, no database, and green means `make test` is
# green as far as the rule book can make it fail.

# The first of these that runs and is Python >= 3.12 (pyenv shims may exist but not run).
PYTHON ?= $(shell for p in python3.13 python3.12 python3; do \
	if $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then echo $$p; break; fi; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test check lint bench check-python

check-python:
	@if [ -z "$(PYTHON)" ]; then \
		echo "error: Python 3.12 or newer is needed (tried python3.13, python3.12, python3)." >&2; \
		echo "       Install Python 3.13 (see .python-version) and run make again." >&2; exit 1; fi

$(STAMP): pyproject.toml | check-python
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

# Idempotent: venv, dependencies, database tables, static files.
setup: $(STAMP)
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput --verbosity 0
	DJANGO_DEBUG=1 $(BIN)/python manage.py collectstatic --noinput --verbosity 0

run: setup
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# What a rule pull request can break, without a browser or a database (no migrations,
# no collectstatic): syntax, schema and references, every answer path and every example
# (check_rules), then the tests that judge the rule files themselves. The plugins these
# tests do not use stay unloaded: importing them is a good part of the time.
CHECK_TESTS := tests/test_schema.py tests/test_examples.py
check: $(STAMP)
	$(BIN)/python manage.py check_rules --coverage
	$(BIN)/python -m pytest -q -p no:playwright -p no:schemathesis -p no:anyio $(CHECK_TESTS)

# Every test on SQLite (browser tests included), then the database tests again
# on a throwaway PostgreSQL server when one is installed (scripts/with-postgres
# says loudly when it is not; under CI=true that is a failure). `make check` runs
# first, and its tests are not run twice.
test: setup lint check
	$(BIN)/python -m pytest $(addprefix --ignore=,$(CHECK_TESTS))
	scripts/with-postgres $(BIN)/python -m pytest -q -m "not browser" tests/test_pages.py tests/test_security.py tests/test_concurrency.py tests/test_fuzz.py tests/test_schemathesis.py

# Issue 6's figures (not part of `make test`: timings belong in a benchmark). About
# a minute and a half; the HTTP figures need wrk (Debian: apt-get install -y wrk).
bench: setup
	@command -v wrk >/dev/null || echo "make bench: wrk is not installed, so the HTTP figures are skipped (apt-get install -y wrk)" >&2
	$(BIN)/python -m bench
