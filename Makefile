# Two commands cover the quick start: `make report` and `make test`. Each sets up what it needs.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PARAMS ?= params/sample.yaml

.PHONY: setup report test test-all lab lint bench clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e ".[test,scale]"
	touch $(STAMP)

setup: $(STAMP)

## The board pack on the bundled sample data (or PARAMS=params/<period>.yaml).
report: $(STAMP)
	$(VENV)/bin/evaluation report --params $(PARAMS)

## Unit, scenario, end-to-end and notebook (nbval) tests; lint and the layers contract first.
test: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -q --doctest-modules src/evaluation/report/formatting.py src/evaluation/report/narrative.py src/evaluation/methods/periods.py src/evaluation/report/paper.py src/evaluation/report/chapters/crime.py src/evaluation/measures/crime.py src/evaluation/report/publish.py src/evaluation/report/chapters/victim_satisfaction.py src/evaluation/report/chapters/grants.py src/evaluation/report/blocks.py
	$(PY) -m pytest -n 2 --dist loadfile --nbval-lax -m "not slow" tests notebooks

## Everything, including the slow tests (Spark on a local session; needs Java 17+).
test-all: $(STAMP)
	$(PY) -m pip install --quiet -c requirements.lock -e ".[test,scale,spark]"
	$(PY) -m pytest -n 2 --dist loadfile --nbval-lax tests notebooks

## Benchmarks as ratios (writes docs/performance.md; --quick for a short run).
bench: $(STAMP)
	$(PY) -m pip install --quiet -c requirements.lock -e ".[test,scale,spark]"
	$(PY) benchmarks/run.py

## JupyterLab on the notebooks, in its own environment so the batch run stays lean.
lab:
	$(PYTHON) -m venv .venv-lab
	.venv-lab/bin/python -m pip install --quiet -c requirements.lock -e ".[lab]"
	cd notebooks && ../.venv-lab/bin/jupyter lab

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/lint-imports

clean:
	rm -rf reports .pytest_cache .ruff_cache
