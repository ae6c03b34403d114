# Every target creates or updates the virtualenv itself: nothing to install by hand
# beyond python3 (>= 3.11). Dependencies come pinned from uv.lock.
VENV ?= .venv
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := $(VENV)/bin/uv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help venv run test chromium web fuzz lint docs fmt migrate openapi bench compose-up compose-down clean

help:
	@echo "make run        API + worker on embedded stores (no Docker needed)"
	@echo "make test       the whole test suite against real stores"
	@echo "make fuzz       Schemathesis over the whole OpenAPI against a served app (~3 min)"
	@echo "make web        rebuild the storefront bundle from web/ (needs Node.js 20+)"
	@echo "make lint       ruff check, ruff format --check, mypy, import cycles and layering, docs"
	@echo "make docs       the documentation site (docs/, mkdocs --strict) into build/site/"
	@echo "make fmt        ruff format + autofix"
	@echo "make migrate    apply database migrations (DATABASE_URL)"
	@echo "make openapi    rewrite openapi.json from the code and web/src/api/schema.d.ts from it"
	@echo "make bench      run the benchmarks in bench/"
	@echo "make compose-up the full stack in Docker (MongoDB, PostgreSQL, Redis, SeaweedFS, Mailpit)"

$(UV):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $(BIN)/python
	@touch $@

venv: $(VENV)/.synced

# Named, though `garderobe dev` assumes it too: everything else defaults to production.
run: venv
	ENVIRONMENT=development $(BIN)/garderobe dev

# The browser tests (tests/browser) drive Debian's chromium through Playwright. Installed
# here when we may (root with apt-get); otherwise named, and the tests fail saying so.
CHROMIUM_PATH ?= /usr/bin/chromium
chromium:
	@test -x $(CHROMIUM_PATH) || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "browser tests need Chromium at $(CHROMIUM_PATH): apt-get install -y chromium"; fi; }

test: venv chromium
	CHROMIUM_PATH=$(CHROMIUM_PATH) $(BIN)/pytest $(PYTEST_ARGS)

# Bounded for CI: FUZZ_SECONDS for the main pass, plus ~30 s for the session-ending pass
# and the start of the stores and the server.
FUZZ_SECONDS ?= 120
fuzz: venv
	$(BIN)/python -m tests.fuzz --max-time $(FUZZ_SECONDS)

# The bundle is committed, so `make run` needs no Node; tests/storefront checks it matches.
# tsc --noEmit first: the pages' API calls are checked against web/src/api/schema.d.ts.
web:
	cd web && npm ci --no-audit --no-fund && npm run typecheck && npm run build

lint: venv docs
	$(BIN)/ruff check src tests migrations bench seed scripts
	$(BIN)/ruff format --check src tests migrations bench seed scripts
	$(BIN)/mypy
	$(BIN)/mypy --strict scripts/check_imports.py
	$(BIN)/python scripts/check_imports.py

# --strict: a broken link or anchor, or a page left out of the nav, fails the build.
docs: venv
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

fmt: venv
	$(BIN)/ruff format src tests migrations bench seed scripts
	$(BIN)/ruff check --fix src tests migrations bench seed scripts

migrate: venv
	$(BIN)/garderobe db upgrade

# The storefront's TypeScript types are generated from the document in the same step, so
# the two never drift (tests/storefront/test_client.py checks). Offline once web/ has its
# node_modules (installed here the first time, from package-lock.json).
openapi: venv
	$(BIN)/garderobe openapi --output openapi.json
	cd web && { test -d node_modules/openapi-typescript || npm ci --no-audit --no-fund; } && npm run --silent gen:api

bench: venv
	$(BIN)/python bench/run_all.py

compose-up:
	docker compose up --build -d

compose-down:
	docker compose down

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
