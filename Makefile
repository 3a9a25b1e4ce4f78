# Two commands do all set-up: `make demo` runs the demo cycle, `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test setup system-deps

setup: $(VENV)/.installed

# Real programs the tests drive: LibreOffice opens the handout workbooks as a contributor would (Calc) and the
# Word report as the secretariat would (Writer),
# a throwaway PostgreSQL server holds the ledger in tests/test_postgres.py, and headless Chromium
# loads the leadership page and, driven by Playwright, the contributors' pages (tests/test_serve.py). Installed from Debian's packages when missing (as root).
system-deps:
	@missing=""; \
	ls /usr/lib/libreoffice/program/libsclo.so >/dev/null 2>&1 || missing="$$missing libreoffice-calc-nogui"; \
	ls /usr/lib/libreoffice/program/libswlo.so >/dev/null 2>&1 || missing="$$missing libreoffice-writer-nogui"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else echo "Saknas för testerna:$$missing (installera med apt-get)."; fi; \
	fi

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test,bench]"
	touch $@

demo: setup
	$(BIN)/tertial demo --workdir demo-run

test: setup system-deps
	$(BIN)/pytest
