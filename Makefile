# OpenPark: `make demo` sets everything up and starts the demo park; `make test` runs the suite.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_ENV := DEBUG=1
PYTEST_WORKERS ?= 2
# The demo server's port: `make demo PORT=8001` when 8000 is taken.
PORT ?= 8000

.PHONY: demo test lint production-check install migrate run clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

migrate: install
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput

demo: migrate
	$(DEMO_ENV) $(BIN)/python manage.py load_demo
	$(DEMO_ENV) $(BIN)/python manage.py create_demo_users
	$(DEMO_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

run: migrate
	$(DEMO_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Compiled modules are kept (PYTHONDONTWRITEBYTECODE cleared): every worker and every process a test
# starts would otherwise compile the platform and rewrite the tests' assertions again.
test: install
	PYTHONDONTWRITEBYTECODE= OPENPARK_ROUTE_COVERAGE=1 $(BIN)/python -m pytest -n $(PYTEST_WORKERS)

lint: install
	$(BIN)/ruff check src tests benchmarks scripts/production-check

# The README's production start (DEBUG=0, collectstatic, gunicorn) on a throw-away data folder.
production-check: install
	$(BIN)/python scripts/production-check

clean:
	rm -rf $(VENV) data test-artifacts src/*.egg-info
