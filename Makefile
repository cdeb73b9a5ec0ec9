# The two commands of the README, and a few more for developers.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench corpus clean chromium lock

demo: $(VENV)/.installed
	$(BIN)/mentorfeed demo

test: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest

# The browser tests (tests/browser) drive Debian's Chromium, never a downloaded browser. They
# skip without it, except under CI=true, where .ci/run installs it first (as root).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/ingest.py
	$(BIN)/python benchmarks/classify.py

corpus: $(VENV)/.installed-dev
	$(BIN)/python corpus/check.py
	$(BIN)/python corpus/render.py --strict

$(VENV)/.python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "mentorfeed needs Python 3.11 or newer; run with PYTHON=python3.12 (or similar)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	touch $@

# Both install the pinned versions of requirements.lock, so that a machine set up next month
# installs what the tests passed with; mentorfeed itself goes in editable, without resolving.
$(VENV)/.installed: $(VENV)/.installed-dev
	touch $@

$(VENV)/.installed-dev: $(VENV)/.python pyproject.toml requirements.lock
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@ $(VENV)/.installed

# Resolve pyproject.toml's ranges afresh in a scratch venv and pin the result.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade pip
	.lock-venv/bin/python -m pip install --quiet -e '.[dev]'
	{ sed -n '1,2p' requirements.lock; .lock-venv/bin/pip freeze --exclude-editable; } > requirements.lock.new
	mv requirements.lock.new requirements.lock && rm -rf .lock-venv

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache benchmarks/out
