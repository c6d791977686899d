# Spends Tracker. The two set-up commands: `make run` serves the application, `make test` runs
# every check. Both create the environment first (uv, Python 3.12+), so nothing is installed by hand.

PORT ?= 8000
HOST ?= 127.0.0.1
PY := .venv/bin/python
# The PostgreSQL that the second test run uses; its test database is created and dropped.
TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/postgres

.PHONY: help env run dev test lint test-sqlite test-postgres test-e2e bench migrate clean

help:
	@echo "make run    serve on http://$(HOST):$(PORT): gunicorn and the background worker (SQLite in ./data)"
	@echo "make dev    Django's development server with auto-reload, and the background worker"
	@echo "make test   lint, migration check, tests on SQLite and on PostgreSQL, browser tests"
	@echo "make bench  the benchmark: SIZE purchases (100000) on ENGINE (sqlite, postgres, both)"

env:
	@scripts/bootstrap

migrate: env
	$(PY) manage.py migrate --no-input

# scripts/serve runs the web server and the background-task worker (imports, backups) side by
# side and stops both together (Ctrl-C included).
run: migrate
	$(PY) manage.py collectstatic --no-input -v0
	scripts/serve --python $(PY) --bind $(HOST):$(PORT)

dev: migrate
	DEBUG=true scripts/serve --dev --python $(PY) --bind $(HOST):$(PORT)

lint: env
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	SPENDS_DATA_DIR=$$(mktemp -d) $(PY) manage.py makemigrations --check --dry-run

test-sqlite: env
	@echo "=== Test suite on SQLite ==="
	@# The tests that restore a SQLite backup into PostgreSQL (and back) use this one when it answers.
	@if $(PY) scripts/postgres_reachable.py "$(TEST_POSTGRES_URL)"; then other="$(TEST_POSTGRES_URL)"; \
	elif [ "$$CI" = "true" ]; then echo "PostgreSQL is not reachable at $(TEST_POSTGRES_URL); on CI that is a failure." >&2; exit 1; \
	else other=; fi; \
	SPENDS_DATA_DIR=$$(mktemp -d) DATABASE_URL= TEST_OTHER_DATABASE_URL="$$other" $(PY) -m pytest $(PYTEST_ARGS)

test-postgres: env
	@if $(PY) scripts/postgres_reachable.py "$(TEST_POSTGRES_URL)"; then \
		echo "=== Test suite on PostgreSQL ==="; \
		SPENDS_DATA_DIR=$$(mktemp -d) DATABASE_URL="$(TEST_POSTGRES_URL)" $(PY) -m pytest $(PYTEST_ARGS); \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL is not reachable at $(TEST_POSTGRES_URL); on CI that is a failure." >&2; exit 1; \
	else \
		echo "=== PostgreSQL not reachable at $(TEST_POSTGRES_URL): its test run is SKIPPED ==="; \
	fi

# Browser tests: Playwright drives the system Chromium (installed here when missing and allowed;
# otherwise the script says how), once, on SQLite.
test-e2e: env
	@chromium=$$(scripts/ensure-chromium) && echo "=== Browser tests (Chromium: $$chromium) ===" && \
		SPENDS_DATA_DIR=$$(mktemp -d) DATABASE_URL= CHROMIUM_PATH="$$chromium" $(PY) -m pytest e2e $(PYTEST_ARGS)

test: lint test-sqlite test-postgres test-e2e

# The benchmark (bench/run.py): fresh databases filled with SIZE purchases, every read against its
# hand-written SQL floor, import, exports, backup, restore and a load run; prints one table.
# BENCH_ARGS passes more options (--repeat, --heavy-repeat, --load-seconds, --markdown FILE).
SIZE ?= 100000
ENGINE ?= both
bench: env
	$(PY) -m bench.run --size $(SIZE) --engine $(ENGINE) --postgres-url "$(TEST_POSTGRES_URL)" $(BENCH_ARGS)

clean:
	rm -rf .venv staticfiles
