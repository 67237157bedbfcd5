# Parsecgo Workshop: `make run` serves the app locally, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format bench bench-load bench-pdf install dev-install browser axe clean

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
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py ensure_demo_facilitator --site http://$(HOST):$(PORT)
	$(BIN)/python manage.py loaddemo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## browser: make sure the system Chromium the browser tests drive is there (installs it as root)
browser:
	@bash .ci/ensure-chromium

## axe: install axe-core, pinned in .ci/node, from the npm registry for the accessibility test
axe:
	@bash .ci/ensure-axe

## test: install the dev dependencies and run the whole suite (browser tests included)
test: dev-install browser axe
	$(BIN)/pytest

lint: dev-install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: dev-install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## bench: time the engine and the pages against a trivial view served by the same process,
## then the load run (locust against gunicorn with 2 workers on a fresh PostgreSQL database)
bench: dev-install
	$(BIN)/python -m bench

## bench-load: the load run alone
bench-load: dev-install
	$(BIN)/python -m bench.load

## bench-pdf: the PDF's growth table alone (text size -> seconds, peak memory, x hello PDF)
bench-pdf: dev-install
	$(BIN)/python -m bench.pdf_growth

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ci/node/node_modules
