# Two commands for a new user: `make site` and `make test`. Both set up .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: site test check lint typecheck pytest serve clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

site: $(STAMP)
	$(BIN)/okrsite check
	$(BIN)/okrsite build --out site

serve: $(STAMP)
	$(BIN)/okrsite serve

check: $(STAMP)
	$(BIN)/okrsite check

lint: $(STAMP)
	$(BIN)/ruff check okrsite tests benchmarks scripts
	$(BIN)/ruff format --check okrsite tests benchmarks scripts

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/python -m pytest -n 2

test: lint typecheck check pytest

clean:
	rm -rf site .venv .pytest_cache .mypy_cache .ruff_cache .hypothesis
