# Every target that needs Python bootstraps .venv from pyproject.toml first, so a fresh
# clone needs only python3 (3.10 or newer) and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYENV_ROOT ?= $(HOME)/.pyenv
MATRIX_VERSIONS := 3.10 3.11 3.12 3.13

.PHONY: demo test lint typecheck check-sync sync test-matrix clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[cli,dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/smartalex demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy --strict smartalex_async smartalex_sync

check-sync: $(STAMP)
	$(BIN)/python scripts/generate_sync.py --check

sync: $(STAMP)
	$(BIN)/python scripts/generate_sync.py

test: lint typecheck check-sync
	$(BIN)/python -m pytest -W error

# Runs the test suite once on each installed CPython from 3.10 to 3.13, each in its own venv.
test-matrix:
	@set -e; for version in $(MATRIX_VERSIONS); do \
		interpreter=$$(ls -d $(PYENV_ROOT)/versions/$$version.*/bin/python3 2>/dev/null | sort -V | tail -n 1); \
		if [ -z "$$interpreter" ]; then echo "Python $$version is not installed under $(PYENV_ROOT)/versions" >&2; exit 1; fi; \
		venv=.venv-$$version; \
		if [ ! -f $$venv/.installed ] || [ pyproject.toml -nt $$venv/.installed ]; then \
			$$interpreter -m venv $$venv; \
			$$venv/bin/python -m pip install --quiet --upgrade pip; \
			$$venv/bin/python -m pip install --quiet -e '.[cli,dev]'; \
			touch $$venv/.installed; \
		fi; \
		echo "== Python $$version"; \
		$$venv/bin/python -m pytest -W error -q -p no:cacheprovider; \
	done

clean:
	rm -rf $(VENV) .venv-3.* .mypy_cache .pytest_cache .ruff_cache dist build
