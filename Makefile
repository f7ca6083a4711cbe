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

# The benchmark (issue 6): SIZE=small (CI's smoke run) or SIZE=org-100k; BENCH_ARGS e.g. --quick.
SIZE ?= small
bench: $(STAMP)
	$(BIN)/cadence bench --size $(SIZE) $(BENCH_ARGS)

# The suite in parallel (pytest-xdist, one worker per core; TEST_WORKERS=0 runs it in one process).
TEST_WORKERS ?= auto
test: $(STAMP)
	$(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) cadence.sqlite3 staticfiles .pytest_cache
