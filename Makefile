# Set-up and everyday commands. `make run` and `make test` are the two README commands.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HASH   := $(shell cat pyproject.toml setup.py | cksum | cut -d' ' -f1)
# Two set-ups: `make run` installs only what running needs (what users get from the wheel);
# `make test` and the other developer targets add the dev extras on top.
RUNTIME_STAMP := $(VENV)/.runtime-$(HASH)
STAMP  := $(VENV)/.installed-$(HASH)

.PHONY: run test fuzz lint bench screenshots demo-data models clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUNTIME_STAMP): pyproject.toml setup.py | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	rm -f $(VENV)/.runtime-* && touch $(RUNTIME_STAMP)

$(STAMP): pyproject.toml setup.py | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev,ray]"
	rm -f $(VENV)/.installed-* $(VENV)/.runtime-* && touch $(STAMP) $(RUNTIME_STAMP)

## Set up (runtime dependencies only) and start the desktop app on the bundled demo project.
run: $(RUNTIME_STAMP)
	$(BIN)/python -m tradeoff_studio --demo

## Set up and run the test suite (offscreen Qt, in-memory keyring).
test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

## Property tests randomised (new examples each round) for FUZZ_SECONDS; stops at the first failure.
FUZZ_SECONDS ?= 600
fuzz: $(STAMP)
	FUZZ_SECONDS=$(FUZZ_SECONDS) $(BIN)/python tests/fuzz/run_fuzz.py

lint: $(STAMP)
	$(BIN)/ruff check .

## Benchmarks: our figures beside the anchors', as ratios (not tests; minutes).
bench: $(STAMP)
	$(BIN)/python tests/benchmarks/bench_import.py
	$(BIN)/python tests/benchmarks/bench_scoring.py
	$(BIN)/python tests/benchmarks/bench_zipmap.py
	$(BIN)/python tests/benchmarks/bench_pareto.py
	$(BIN)/python tests/benchmarks/bench_fairness.py
	$(BIN)/python tests/benchmarks/bench_risk_return.py
	$(BIN)/python tests/benchmarks/bench_cost_quality.py
	$(BIN)/python tests/benchmarks/bench_cost_quality.py --clustered --items 50000 --systems 20
	$(BIN)/python tests/benchmarks/bench_ope.py
	$(BIN)/python tests/benchmarks/bench_ui.py
	$(BIN)/python tests/benchmarks/bench_report.py --demo
	$(BIN)/python tests/benchmarks/bench_startup.py

## PNGs of the app on the demo project, under a virtual display (apt-get install xvfb xauth).
SHOTS ?= screenshots
screenshots: $(STAMP)
	xvfb-run -a -s "-screen 0 1400x900x24" $(BIN)/python tests/screenshots/make_screenshots.py $(SHOTS)

## Regenerate the demo dataset and the sample models (seeded, deterministic).
demo-data: $(STAMP)
	$(BIN)/python resources/demo/make_credit_demo.py
	$(BIN)/python resources/demo/make_returns_demo.py
	$(BIN)/python resources/demo/make_ope_demo.py
	$(BIN)/python resources/demo/make_cost_quality_demo.py

models: $(STAMP)
	$(BIN)/python models/make_models.py
	$(BIN)/python models/make_quantized.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
