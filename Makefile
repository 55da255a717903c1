# One command for each job. Every target sets up the local virtual environment first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB := data/build/scn.duckdb
STAMP := $(VENV)/.installed

.PHONY: run test test-fast test-browser lint lint-sql data demo-data contract docs bench screenshots clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

$(DB): $(STAMP) $(wildcard data/sample/*.csv) $(wildcard data_pipeline/*.py data_pipeline/*/*.py data_pipeline/sql/*/*.sql data_pipeline/sql/*/*.yml)
	$(BIN)/python -m data_pipeline build --source data/sample --db $(DB)

## run: build the demo database if needed and start the dashboard on http://127.0.0.1:8050
run: $(DB)
	SCN_DB=$(DB) SCN_DEMO=1 $(BIN)/python app.py

## data: rebuild the database from data/sample
data: $(STAMP)
	$(BIN)/python -m data_pipeline build --source data/sample --db $(DB)

## demo-data: regenerate the committed demo source files
demo-data: $(STAMP)
	$(BIN)/python -m data_pipeline demo --out data/sample --seed 42 --scale 1

## contract: regenerate docs/data-contract.md from the contract in code
contract: $(STAMP)
	$(BIN)/python -m data_pipeline contract --out docs/data-contract.md

## docs: regenerate docs/marts.md from the models' declarations and docs/data-contract.md from the contract
docs: contract
	$(BIN)/python -m data_pipeline docs --out docs/marts.md

## test: every test, browser tests included (needs chromium; .ci/run installs it), in two processes (pytest-xdist; a test file stays in one)
test: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

## test-fast: the fast tier: neither browser tests nor slow ones (subprocesses, uploads, real-data builds; tests/tiers.py)
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not browser and not slow"

## test-browser: the browser tests alone (real headless Chromium)
test-browser: $(STAMP)
	$(BIN)/python -m pytest -q -m browser

## lint: ruff over the Python, then the SQL linter over data_pipeline/sql/ (lint-sql)
lint: $(STAMP)
	$(BIN)/ruff check .
	$(MAKE) lint-sql

## lint-sql: sqlfluff (DuckDB dialect, .sqlfluff) over data_pipeline/sql/
lint-sql: $(STAMP)
	$(BIN)/sqlfluff lint data_pipeline/sql

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev,bench]"
	$(BIN)/python -m bench.run

screenshots: $(DB)
	$(BIN)/python -m tools.screenshots --db $(DB) --out docs/screenshots

clean:
	rm -rf data/build .pytest_cache

## translations-reports: extract the reports' words and update dashboards/i18n/locale/{fr,ar}/LC_MESSAGES/reports.po
translations-reports: $(STAMP)
	$(BIN)/python -m tools.translations_reports
