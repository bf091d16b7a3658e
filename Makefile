# Every target sets up what it needs: `make demo` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup test check lint format typecheck bench fuzz demo refresh clean help

help:
	@echo "make demo     run the whole job offline against the bundled demo site"
	@echo "make test     run the test suite"
	@echo "make check    ruff format + lint, mypy --strict, tests"
	@echo "make refresh  extract, transform and load from the live site into raw/ and processed/"
	@echo "make bench    run the benchmarks and rewrite BENCHMARKS.md"
	@echo "make fuzz     parse 20,000 generated layouts and rewrite FIDELITY.md"

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

test: $(STAMP)
	$(PY) -m pytest

format: $(STAMP)
	$(PY) -m ruff format pipeline demosite tests bench fuzz examples

lint: $(STAMP)
	$(PY) -m ruff format --check pipeline demosite tests bench fuzz examples
	$(PY) -m ruff check pipeline demosite tests bench fuzz examples

typecheck: $(STAMP)
	$(PY) -m mypy pipeline fuzz

check: lint typecheck test

refresh: $(STAMP)
	$(PY) -m pipeline refresh $(ARGS)

demo: $(STAMP)
	$(PY) -m demosite demo $(ARGS)

bench: $(STAMP)
	$(PY) -m bench.run_all $(ARGS)

fuzz: $(STAMP)
	$(PY) -m fuzz.run $(ARGS)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache demo-data
