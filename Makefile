# The two entry points the README gives: `make run` (install, then the main job) and
# `make test` (install everything the tests need, then lint, type-check and run every test).
PYTHON ?= python3
PIP = $(PYTHON) -m pip install --disable-pip-version-check --quiet

.PHONY: run test install install-test

install:
	$(PIP) -e .

install-test:
	$(PIP) -e '.[test]'

run: install
	kg validate
	kg stats

test: install-test
	ruff check kg tests benchmarks
	ruff format --check kg tests benchmarks
	mypy kg
	$(PYTHON) -m pytest
