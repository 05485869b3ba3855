# Two commands do all set-up: `make run` and `make test`. Nothing is reinstalled when unchanged.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bench install lint setup clean

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	@sh scripts/check-prerequisites.sh
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

node_modules/.installed: package.json package-lock.json
	@sh scripts/check-prerequisites.sh
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

setup: install
	$(BIN)/bluelight setup

run: setup
	$(BIN)/bluelight run --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .

test: install lint
	$(BIN)/pytest -n 2 --dist loadgroup -q

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) node_modules var
