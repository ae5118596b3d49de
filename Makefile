# Two commands matter: `make demo` and `make test`. Everything else is a step they use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint test-sqlite test-postgres bench format

$(STAMP): requirements-dev.lock pyproject.toml package.json package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements-dev.lock
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps -e .
	npm ci --no-audit --no-fund --loglevel=error
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/shanhuo demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy src
	$(BIN)/lint-imports

test-sqlite: install
	$(BIN)/pytest

# Runs when SHANHUO_TEST_POSTGRES_URL is set (.ci/run sets it): the same suite on PostgreSQL,
# plus the PostgreSQL-only concurrency tests. The browser test already ran in the SQLite pass.
test-postgres: install
	@if [ -n "$$SHANHUO_TEST_POSTGRES_URL" ]; then \
	  SHANHUO_TEST_DATABASE_URL="$$SHANHUO_TEST_POSTGRES_URL" $(BIN)/pytest -m "not e2e"; \
	else echo "SHANHUO_TEST_POSTGRES_URL not set: PostgreSQL pass skipped"; fi

test: lint test-sqlite test-postgres

# Every benchmark in quick mode (seconds each); run one in full with
# `.venv/bin/python -m bench.<name>` (see the README for what each prints).
bench: install
	for b in finance logistics report live; do $(BIN)/python -m bench.$$b --quick || exit 1; done

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
