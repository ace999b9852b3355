# make run   - create .venv if missing, install hubsim, run it
# make test  - create .venv if missing, install hubsim with test tools, lint, type-check and test
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
OUT ?= out

.PHONY: run test lint typecheck pytest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# the engine's event loop is compiled at install (setup.py): reinstall when it changes
ENGINE_SOURCES := setup.py $(wildcard sim/engine/*.py sim/engine/stations/*.py)

$(VENV)/.run-installed: pyproject.toml $(ENGINE_SOURCES) | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	@$(BIN)/python -c "import sim.engine as e; print('hubsim: the engine is', 'compiled' if e.COMPILED else 'NOT compiled (it runs as Python; see setup.py)')"
	touch $@

$(VENV)/.dev-installed: pyproject.toml $(ENGINE_SOURCES) | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev,dask]"
	@$(BIN)/python -c "import sim.engine as e; print('hubsim: the engine is', 'compiled' if e.COMPILED else 'NOT compiled (it runs as Python; see setup.py)')"
	touch $@ $(VENV)/.run-installed

run: $(VENV)/.run-installed
	MPLBACKEND=Agg $(BIN)/hubsim run scenarios/huaian_2028_plan.yaml --year 2028 --replications 2 \
		--workers 2 --capacity --relief 1

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check sim network tests $(wildcard benchmarks)
	$(BIN)/ruff format --check sim network tests $(wildcard benchmarks)

typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy sim network

pytest: $(VENV)/.dev-installed
	MPLBACKEND=Agg $(BIN)/python -m pytest

test: lint typecheck pytest

bench: $(VENV)/.dev-installed
	$(BIN)/python benchmarks/bench_engine.py --json
	$(BIN)/python benchmarks/bench_outputs.py --json

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache
