# One command for each job. Every target sets up the local virtual environment first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB := data/build/scn.duckdb
STAMP := $(VENV)/.installed

.PHONY: run test test-fast test-browser lint lint-sql data demo-data contract docs bench screenshots translations clean

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

## test-fast: the fast tier: neither browser tests nor slow ones (subprocesses, builds, uploads, callbacks over HTTP,
## SMTP, real-data builds; tests/tiers.py), in two processes like make test: about a minute on 2 cores
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not browser and not slow" -n 2 --dist loadfile

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

## translations: extract the words of each catalog domain, update the French and Arabic .po, check they compile
## (the app compiles the .po in memory: nothing compiled is committed; docs/translating.md)
I18N := dashboards/i18n
# one domain per mapping $(I18N)/<domain>.cfg, extracted from dashboards/: messages (the app's words); the
# reports' words (impact summary, notes, PDF, exports, the template, the contract's descriptions) are the domain
# `reports`, extracted by tools/translations_reports.py (it reads the data contract too, which a mapping cannot)
DOMAINS := messages
TRANSLATED := fr ar
I18N_BUILD := data/build/i18n
translations: $(STAMP)
	mkdir -p $(I18N_BUILD)
	set -e; for domain in $(DOMAINS); do \
	  $(BIN)/pybabel --quiet extract -F $(I18N)/$$domain.cfg -o $(I18N_BUILD)/$$domain.pot --sort-output \
	    --add-location=file -c "Translators:" --project "SCN Impact Dashboard" dashboards; \
	  for lang in $(TRANSLATED); do \
	    $(BIN)/pybabel --quiet update -i $(I18N_BUILD)/$$domain.pot -d $(I18N)/locale -D $$domain -l $$lang \
	      --init-missing --ignore-obsolete --no-fuzzy-matching --no-wrap; \
	    $(BIN)/pybabel compile -i $(I18N)/locale/$$lang/LC_MESSAGES/$$domain.po \
	      -o $(I18N_BUILD)/$$lang-$$domain.mo -l $$lang --statistics; \
	  done; \
	done
	# pybabel keeps a catalog's own plural header: every domain of a language gets CLDR's (the app merges them)
	$(BIN)/python -m tools.translations_plurals
	$(BIN)/python -m tools.translations_reports

screenshots: $(DB)
	$(BIN)/python -m tools.screenshots --db $(DB) --out docs/screenshots

clean:
	rm -rf data/build .pytest_cache

## translations-reports: extract the reports' words and update dashboards/i18n/locale/{fr,ar}/LC_MESSAGES/reports.po
translations-reports: $(STAMP)
	$(BIN)/python -m tools.translations_reports
