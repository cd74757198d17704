# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test test-sqlite test-postgres serve clean

$(STAMP): pyproject.toml
	./scripts/install-system-deps.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/mortgage-cloud demo

serve: $(STAMP)
	$(BIN)/mortgage-cloud serve

test: test-sqlite test-postgres

test-sqlite: $(STAMP)
	MC_TEST_BACKEND=sqlite $(BIN)/python -m pytest

test-postgres: $(STAMP)
	MC_TEST_BACKEND=postgres $(BIN)/python -m pytest

clean:
	rm -rf $(VENV) var demo-output
