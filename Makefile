# The two entry points the README gives: `make run` (install, then the main job) and
# `make test` (install everything the tests need, then lint, type-check and run every test).
# Everything installs into the project's own virtual environment, .venv, because stock Debian
# and Ubuntu Pythons refuse `pip install` outside one (PEP 668).
PYTHON ?= python3
VENV = .venv
BIN = $(VENV)/bin
PIP = $(BIN)/python -m pip install --disable-pip-version-check --quiet
# Debian packages the tests use: a real Virtuoso server for the external-store tests, and
# chromium for the browser tests (Playwright drives it; it never downloads a browser), and npm
# for the test-only JavaScript tools in tests/node (axe-core, the accessibility checker).
SYSTEM_PACKAGES = virtuoso-opensource chromium npm
# The tests' JavaScript tools, exactly as tests/node/package-lock.json pins them; the shipped
# pages never load them.
TEST_NODE_TOOLS = tests/node/node_modules/.package-lock.json
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test install install-test system-deps

# A stock Debian Python has no ensurepip until python3-venv is installed, so a failed first
# try installs it from Debian's packages and tries again.
$(BIN)/python:
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  rm -rf $(VENV); \
	  echo "Installing python3-venv from Debian's packages"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq python3-venv >/dev/null && \
	  $(PYTHON) -m venv $(VENV); }

install: $(BIN)/python
	$(PIP) -e .

install-test: $(BIN)/python system-deps $(TEST_NODE_TOOLS)
	$(PIP) -e '.[test]'

$(TEST_NODE_TOOLS): tests/node/package-lock.json | system-deps
	npm ci --prefix tests/node --no-audit --no-fund

system-deps:
	@{ command -v virtuoso-t && command -v chromium && command -v npm; } >/dev/null 2>&1 || { \
	  echo "Installing $(SYSTEM_PACKAGES) from Debian's packages"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; }

run: install
	$(BIN)/kg validate
	$(BIN)/kg stats
	$(BIN)/kg site

test: install-test
	$(BIN)/ruff check kg tests benchmarks scripts
	$(BIN)/ruff format --check kg tests benchmarks scripts
	$(BIN)/mypy kg
	$(BIN)/python -m pytest
