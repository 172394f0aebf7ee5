# The only entry points a person needs: make run, make test, make lint, make bench.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
export STYRKORT_DATA_DIR ?= $(CURDIR)/var

.PHONY: run test test-only lint format bench messages clean

# Re-install whenever pyproject.toml changes; the stamp remembers which extras are in.
$(VENV)/.runtime: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	@touch $@

$(VENV)/.dev: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(VENV)/.runtime $@

node_modules/.styrkort-lock: package-lock.json
	bash scripts/install_js.sh

run: $(VENV)/.runtime ## set up, load the demo region and serve it on http://127.0.0.1:8000
	$(BIN)/styrkort demo

test: $(VENV)/.dev node_modules/.styrkort-lock ## set up and run the whole suite (SQLite unless DATABASE_URL is set)
	$(BIN)/pytest

test-only:
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts
	$(BIN)/mypy src/styrkort
	SECRET_KEY=lint $(BIN)/styrkort makemigrations --check --dry-run
	$(BIN)/python scripts/compile_messages.py --check

format: $(VENV)/.dev
	$(BIN)/ruff check --fix src tests scripts
	$(BIN)/ruff format src tests scripts

messages: $(VENV)/.dev ## extract strings to locale/sv (needs GNU gettext) and compile them
	cd src/styrkort && SECRET_KEY=messages ../../$(BIN)/styrkort makemessages -l sv --no-location --no-obsolete
	$(BIN)/python scripts/compile_messages.py

bench: $(VENV)/.dev
	$(BIN)/python scripts/bench.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache
