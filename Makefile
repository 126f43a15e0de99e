# Two commands do all set-up: `make run` and `make test`. Only Python 3.11+ is needed beforehand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export FLASK_APP := wsgi
# cop/serving.py reads it: `make run PORT=8080`.
PORT ?= 5000
export PORT

.PHONY: run test serve security migrate demo bench clean

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
	@echo "CoP is starting on http://127.0.0.1:$(PORT)"
	@$(BIN)/flask demo-logins
	@echo ""
	$(BIN)/gunicorn -c python:cop.serving

# Serve the database as it is (no migration, no demo data), with the same settings as `make run`.
serve: $(STAMP)
	$(BIN)/gunicorn -c python:cop.serving

# The Nu HTML Checker and axe-core for the markup tests (pinned in package-lock.json), where Node.js is present.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the Nu HTML check will be skipped"; fi

test: $(STAMP) node_modules/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Fails on any High-severity finding in cop/ (a justified exception carries `# nosec` and its reason).
security: $(STAMP)
	$(BIN)/bandit -r cop --quiet --severity-level high

bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache test-results
