# Cadence — every target bootstraps .venv on first use. Needs only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint fmt serve bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Cadence needs Python 3.11 or newer (found %s)" % sys.version.split()[0])'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/cadence demo

serve: $(STAMP)
	$(BIN)/cadence serve

# The benchmark (bench/, not installed with Cadence; docs/scaling.md): SIZE=small (CI's smoke
# run) or SIZE=org-100k; BENCH_ARGS e.g. --quick.
SIZE ?= small
bench: $(STAMP)
	$(BIN)/python -m bench --size $(SIZE) $(BENCH_ARGS)

# The suite in parallel (pytest-xdist, one worker per core, a test file per worker at a time:
# --dist loadfile in pyproject.toml; TEST_WORKERS=0 runs it in one process).
TEST_WORKERS ?= auto
test: $(STAMP)
	$(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

# Ruff, then the apps' one-way order (import-linter's layers contract in pyproject.toml).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

fmt: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) cadence.sqlite3 staticfiles .pytest_cache
