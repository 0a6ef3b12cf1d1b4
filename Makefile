# Two commands for a new user: `make site` and `make test`. Both set up .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SITE_STAMP := $(VENV)/.installed-site
TEST_STAMP := $(VENV)/.installed-test

.PHONY: site test test-fast check lint typecheck pytest serve clean golden lock screenshots

# Each install step says what it is doing before it starts, and pip shows its progress (a bar per
# download on a terminal), so the first `make site` is never a minute of silence.
$(BIN)/python:
	@echo "Setting up $(VENV), a Python virtual environment for okrsite ..."
	$(PYTHON) -m venv $(VENV)
	@echo "Upgrading pip in $(VENV) ..."
	$(BIN)/python -m pip install --quiet --upgrade pip

# The site needs the package alone; the tests add linters, type stubs and the browser driver.
$(SITE_STAMP): pyproject.toml | $(BIN)/python
	@echo "Installing okrsite and its dependencies into $(VENV) (about a minute the first time) ..."
	$(BIN)/python -m pip install --progress-bar on -e .
	touch $(SITE_STAMP)

# axe-core, the browser test's accessibility checker, comes from the npm registry at the version
# tests/axe/package-lock.json pins; the test injects it into each page from disk.
$(TEST_STAMP): pyproject.toml tests/axe/package-lock.json | $(BIN)/python
	@echo "Installing okrsite with its test tools (linters, type checker, browser driver) into $(VENV)" \
		"(a minute or two the first time) ..."
	$(BIN)/python -m pip install --progress-bar on -e '.[test]'
	@if command -v npm >/dev/null 2>&1; then echo "Installing axe-core, the accessibility checker, from npm ..."; \
		npm ci --prefix tests/axe --no-audit --no-fund --silent; \
	else echo "npm not found: the browser tests' accessibility check will be skipped (install Node.js)"; fi
	touch $(SITE_STAMP) $(TEST_STAMP)

site: $(SITE_STAMP)
	$(BIN)/okrsite check
	$(BIN)/okrsite build --out site

serve: $(SITE_STAMP)
	$(BIN)/okrsite serve

check: $(SITE_STAMP)
	$(BIN)/okrsite check

lint: $(TEST_STAMP)
	$(BIN)/ruff check okrsite tests benchmarks scripts collectors
	$(BIN)/ruff format --check okrsite tests benchmarks scripts collectors

typecheck: $(TEST_STAMP)
	$(BIN)/mypy

pytest: $(TEST_STAMP)
	$(BIN)/python -m pytest -n 2

test: lint typecheck check pytest

# The quick loop: the unit tests without the browser, the real servers and the large builds
# (markers given in tests/conftest.py), in under 90 seconds on 2 cores. `make test` runs them all.
test-fast: $(TEST_STAMP)
	$(BIN)/python -m pytest -n 2 -m "not slow and not browser and not server"

# Rewrite tests/golden/site/ (the golden-site test's expected pages) from tests/golden/fixture/.
golden: $(TEST_STAMP)
	$(BIN)/python scripts/regenerate_golden.py

# The README's screenshots (docs/screenshots/): the site built as `make site` builds it,
# photographed in headless Chromium (Debian's chromium package), light and dark, desktop and phone.
screenshots: $(TEST_STAMP) site
	$(BIN)/python -m scripts.screenshots --site site --out docs/screenshots

clean:
	rm -rf site .okrsite-cache .venv .pytest_cache .mypy_cache .ruff_cache .hypothesis test-output \
		tests/axe/node_modules

# Pin every runtime dependency with its hashes for the workflows (run after changing pyproject.toml).
lock: $(BIN)/python
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url \
		--no-emit-find-links --output-file requirements.lock pyproject.toml
