# Two commands do all set-up: `make run` and `make test`. Nothing is reinstalled when unchanged.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bench install lint setup clean translations

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

# The Welsh catalogue: every string of the code and templates into bluelight/locale/cy/LC_MESSAGES/django.po
# (translations already there are kept), then compiled into the django.mo Django reads. Commit both: msgfmt
# may be missing where the service runs. Needs GNU gettext (Debian/Ubuntu: sudo apt-get install gettext).
# core/tests/test_translations.py makes the catalogue again with the same ignore list and compares.
translations: install
	$(BIN)/bluelight makemessages --locale cy --ignore "bluelight/demo/*" --ignore "*/tests/*" --ignore node_modules --ignore var
	cd bluelight && $(abspath $(BIN))/bluelight compilemessages --locale cy

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) node_modules var
