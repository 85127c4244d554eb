# The two commands of the README: `make demo` and `make test`.
# Each creates the virtual environment on first use (Python 3.11, pinned
# dependencies from pyproject.toml + constraints.txt) and then runs its job.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.nndl-installed

.PHONY: demo test build bench clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (ipykernel)" >/dev/null
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/nndl demo

test: $(STAMP)
	$(BIN)/nndl protections
	$(BIN)/python -m pytest

build: $(STAMP)
	$(BIN)/nndl build

bench: $(STAMP)
	for b in bench/*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) build .pytest_cache .hypothesis
