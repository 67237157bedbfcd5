# Parsecgo Workshop: `make run` serves the app locally, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format bench bench-load bench-product bench-pdf install dev-install browser axe java clean schema

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.dev-installed: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

dev-install: $(VENV)/.dev-installed

## run: install, migrate (loads the pattern catalogue), create the demo login, serve on SQLite
## with the background worker that draws PDFs beside the web server (Ctrl-C stops both)
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py ensure_demo_facilitator --site http://$(HOST):$(PORT)
	$(BIN)/python manage.py loaddemo
	@$(BIN)/python manage.py worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## browser: make sure the system Chromium the browser tests drive is there (installs it as root)
browser:
	@bash .ci/ensure-chromium

## axe: install axe-core and markdownlint-cli2, pinned in .ci/node, from the npm registry (accessibility and Markdown lint tests)
axe:
	@bash .ci/ensure-axe

## java: make sure a Java runtime runs the Nu HTML Checker (vnu-jar, installed by `make axe`)
java:
	@bash .ci/ensure-java

## test: install the dev dependencies and run the whole suite (browser tests included)
test: dev-install browser axe java
	$(BIN)/pytest

lint: dev-install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: dev-install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## bench: time the engine and the pages against a trivial view served by the same process,
## then the load run (locust against gunicorn with 2 workers on a fresh PostgreSQL database),
## then the whole product's load run (bench-product)
bench: dev-install
	$(BIN)/python -m bench

## bench-load: the load run alone
bench-load: dev-install
	$(BIN)/python -m bench.load

## bench-product: the whole product's load run alone (a facilitator and 50 participants through
## a workshop, the PDF drawn by `manage.py worker`, the history read; 60 s on a fresh PostgreSQL)
bench-product: dev-install
	$(BIN)/python -m bench.product

## schema: write the decision export's JSON Schema (docs/decision-export.schema.json) from its models
schema: install
	$(BIN)/python manage.py shell --no-imports -c "import sys; from workshops.documents.export_schema import export_json_schema_text; sys.stdout.write(export_json_schema_text())" > docs/decision-export.schema.json

## bench-pdf: the PDF's growth table alone (text size -> seconds, peak memory, x hello PDF)
bench-pdf: dev-install
	$(BIN)/python -m bench.pdf_growth

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ci/node/node_modules
