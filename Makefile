# Two commands do all set-up: `make demo` runs the demo cycle, `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test setup system-deps

setup: $(VENV)/.installed

# Real programs the tests drive: LibreOffice opens the handout workbooks as a contributor would.
system-deps:
	@command -v soffice >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui >/dev/null; \
	  else echo "LibreOffice saknas: installera libreoffice-calc-nogui för att köra testet av arbetsböckerna."; fi; }

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

demo: setup
	$(BIN)/tertial demo --workdir demo-run

test: setup system-deps
	$(BIN)/pytest
