# Two commands set up a fresh machine: `make run` and `make test` (see README.md).
# `make test` first runs scripts/install-system-deps: the Debian packages its tests drive
# (Chromium, LibreOffice, pdftotext, libcairo), installed only when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | sha256sum | cut -c1-12)
FLASK := $(BIN)/flask --app app

.PHONY: run serve test test-browser lint format bench clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-* && touch $(STAMP)

run: $(STAMP)
	$(FLASK) init-db
	$(FLASK) seed
	$(FLASK) reanalyse
	$(FLASK) reindex --check
	$(FLASK) bootstrap-admin
	$(FLASK) run --host 127.0.0.1 --port 5000

serve: $(STAMP)  ## production server: settings in gunicorn.conf.py
	$(FLASK) init-db
	$(BIN)/gunicorn 'app:app'

test: $(STAMP)
	scripts/install-system-deps
	$(BIN)/pytest -q -rfEs  # -rfEs: also list why tests were skipped

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP)
	$(BIN)/python bench/bench_import.py
	$(BIN)/python bench/bench_classify.py
	$(BIN)/python bench/bench_compare.py
	$(BIN)/python bench/bench_treaty.py --runs 20 --acts 5000
	$(BIN)/python bench/bench_search.py --paragraphs 50000  # the issue's size: --paragraphs 200000 (~30 min)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
