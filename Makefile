# allypath — run `make help` for the list of targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := $(shell grep -E '^uv==' requirements.lock | cut -d= -f3)
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

help: ## Show this help
	@awk 'BEGIN {FS = ":.*##"} /^[a-zA-Z_-]+:.*##/ {printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet "uv==$(UV_VERSION)"
	@# Bytecode compiled once at install: start-up stays fast where PYTHONDONTWRITEBYTECODE is set.
	@$(BIN)/uv pip sync --quiet --compile-bytecode --python $(BIN)/python requirements.lock
	@$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $(STAMP)

install: $(STAMP) ## Create the virtualenv with the locked dependencies

system-deps: ## Install the Debian packages the tests need (chromium, fonts)
	@bash scripts/system-deps.sh

lock: ## Re-resolve requirements.lock from pyproject.toml
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra spark -o requirements.lock --python-version 3.11 --quiet

demo: install ## Set up and run the demo (simulate, score and summarise the two study organisations)
	@bash scripts/demo.sh

# One BLAS thread per test worker: two xdist workers already fill the two cores.
# The PostgreSQL pass leaves out the browser tests: what they add is the page in chromium, and the
# requests under them are the HTTP tests' requests, which run on both databases (about a minute).
TEST_ENV := OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1

test: install system-deps ## Set up and run every test on SQLite (and again the DB tests on PostgreSQL if ALLYPATH_TEST_POSTGRES_URL is set)
	$(TEST_ENV) $(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)
	@if [ -n "$${ALLYPATH_TEST_POSTGRES_URL:-}" ]; then \
		echo "== database tests again on PostgreSQL ($${ALLYPATH_TEST_POSTGRES_URL}), the browser ones once only"; \
		$(TEST_ENV) DATABASE_URL="$${ALLYPATH_TEST_POSTGRES_URL}" $(BIN)/python -m pytest -n 2 -m "db and not browser" $(PYTEST_ARGS) || [ $$? -eq 5 ]; \
	else \
		echo "PostgreSQL: set ALLYPATH_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test to run the database tests on it too"; \
	fi

lint: install ## ruff, mypy, declared dependencies (deptry) and the layers (import-linter)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts
	ALLYPATH_DEBUG=true $(BIN)/mypy
	$(BIN)/deptry src tests scripts benchmarks
	$(BIN)/lint-imports
	$(BIN)/python scripts/make_docs.py --check

docs: install ## Regenerate the docs written from the code: docs/cli.md and the settings table of docs/web.md
	$(BIN)/python scripts/make_docs.py

format: install ## Format the code with ruff
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

serve: install ## Serve the web app on 127.0.0.1:8000 (gunicorn; settings from the environment, docs/web.md)
	@bash scripts/serve.sh

soak: install system-deps ## Long crash (50 kills) and load (200 users x 5 min) runs, SQLite and PostgreSQL
	@bash scripts/soak.sh

mutation: install ## Mutation testing of src/allypath/privacy (mutmut; ~10 min; not part of make test)
	@MUTATION_CHILDREN=2 bash scripts/mutation.sh

bench: install ## Benchmarks, quick (about 5 min); BENCH_ARGS=--full for the full sizes (tens of minutes); rewrites BENCHMARKS.md
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

clean: ## Remove the virtualenv and caches
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info

.PHONY: help install system-deps lock demo serve test lint docs format bench mutation soak clean
