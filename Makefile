# The two entry points the README gives: `make run` (install, then the main job) and
# `make test` (install everything the tests need, then lint, type-check and run every test).
PYTHON ?= python3
PIP = $(PYTHON) -m pip install --disable-pip-version-check --quiet
# Debian packages the tests use: a real Virtuoso server for the external-store tests, and
# chromium for the browser tests (Playwright drives it; it never downloads a browser).
SYSTEM_PACKAGES = virtuoso-opensource chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test install install-test system-deps

install:
	$(PIP) -e .

install-test: system-deps
	$(PIP) -e '.[test]'

system-deps:
	@{ command -v virtuoso-t && command -v chromium; } >/dev/null 2>&1 || { \
	  echo "Installing $(SYSTEM_PACKAGES) from Debian's packages"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; }

run: install
	kg validate
	kg stats
	kg site

test: install-test
	ruff check kg tests benchmarks scripts
	ruff format --check kg tests benchmarks scripts
	mypy kg
	$(PYTHON) -m pytest
