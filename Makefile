# Derma Evidence. The two commands a newcomer needs:
#   make serve   set up .venv, check the data, build and serve the site at http://127.0.0.1:8000/derma-evidence/
#   make test    set up .venv (and Debian's chromium), then lint, type-check, check the data and run every test
# Faster while editing: `make test-fast` (no browser, no wheel build), or `make test PYTEST_ARGS='-m "not browser"'`.
SHELL := /bin/bash
VENV  := .venv/bin
export NO_MKDOCS_2_WARNING := 1

.PHONY: setup serve build check test test-fast lint bench clean

setup:
	@scripts/setup-env.sh

serve: setup
	$(VENV)/mkdocs serve --dev-addr 127.0.0.1:8000

build: setup
	$(VENV)/mkdocs build --strict --site-dir site

check: setup
	$(VENV)/python scripts/check.py --strict

lint: setup
	$(VENV)/ruff check derma_evidence scripts tests
	$(VENV)/mypy

test:
	@scripts/setup-env.sh --browser
	$(VENV)/ruff check derma_evidence scripts tests
	$(VENV)/mypy
	$(VENV)/python scripts/check.py --strict
	@set +e; $(VENV)/python -m pytest -q -p no:cacheprovider $(PYTEST_ARGS); rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests; that is a failure here" >&2; exit 1; fi; \
	  exit $$rc

test-fast: setup
	$(VENV)/ruff check derma_evidence scripts tests
	$(VENV)/mypy
	$(VENV)/python scripts/check.py --strict
	$(VENV)/python -m pytest -q -p no:cacheprovider -m "not browser and not packaging" $(PYTEST_ARGS)

bench: setup
	$(VENV)/python scripts/bench.py
	$(VENV)/python scripts/bench_site.py
	$(VENV)/python scripts/bench_serve.py

clean:
	rm -rf site .pytest_cache .mypy_cache .ruff_cache .hypothesis
