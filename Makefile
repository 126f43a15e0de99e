# Two commands do all set-up: `make run` and `make test`. Only Python 3.11+ is needed beforehand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export FLASK_APP := wsgi

.PHONY: run test serve migrate demo bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

migrate: $(STAMP)
	$(BIN)/flask db upgrade
	$(BIN)/flask practices seed-taxonomy

demo: migrate
	$(BIN)/flask seed-demo --if-empty
	$(BIN)/flask search sync

run: demo
	@echo ""
	@echo "CoP is starting on http://127.0.0.1:5000"
	@$(BIN)/flask demo-logins
	@echo ""
	$(BIN)/flask run --host 127.0.0.1 --port 5000

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache test-results
