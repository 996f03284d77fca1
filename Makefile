# The two commands a newcomer needs (README): `make serve` and `make test`.
# Each installs what it needs: Debian packages (with apt, as root or via sudo) and a virtualenv in .venv.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
HOST ?= 127.0.0.1
PORT ?= 5000

# WeasyPrint needs Pango; handouts need CJK fonts; the tests drive Debian's Chromium and read PDFs with poppler.
APT_SERVE := libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk
APT_TEST := $(APT_SERVE) chromium poppler-utils libxml2-utils

.PHONY: serve test lint bench system-serve system-test

serve: system-serve $(VENV)/.installed
	$(BIN)/planner run --host $(HOST) --port $(PORT)

test: system-test $(VENV)/.installed-test
	$(BIN)/ruff check planner tests benchmarks
	$(BIN)/ruff format --check planner tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/matrix.py
	$(BIN)/python benchmarks/plan.py
	$(BIN)/python benchmarks/region_map.py
	$(BIN)/python benchmarks/optw.py --seconds 1

system-serve:
	@missing=$$(for p in $(APT_SERVE); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then echo "Installing Debian packages:" $$missing; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; fi

system-test:
	@missing=$$(for p in $(APT_TEST); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then echo "Installing Debian packages:" $$missing; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; fi

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed
