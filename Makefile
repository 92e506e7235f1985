# Two commands on a fresh machine:  `make demo` (whole pipeline on generated data)  and  `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The demo's week: the last complete week (latest Sunday 00:00 UTC) unless WEEK_ENDING is given.
# Only the demo looks at the clock; the pipeline itself always receives D explicitly.
WEEK_ENDING ?= $(shell $(PYTHON) -c "import datetime as d; t=d.datetime.now(d.timezone.utc).date(); print(t - d.timedelta(days=(t.weekday()+1) % 7))")
DEMO_DIR ?= demo
DEMO_SCALE ?= s
SCALE ?= s
PYTEST_ARGS ?=
BENCH_ARGS ?=

.PHONY: install demo test bench clean

$(BIN)/python: pyproject.toml uv.lock
	@command -v uv >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --disable-pip-version-check uv
	uv sync --frozen --python $(PYTHON)
	@touch $(BIN)/python

install: $(BIN)/python ## create .venv with every dependency (uv, from uv.lock)

demo: install ## generate sample data for the last complete week and run the whole pipeline on it
	$(BIN)/partner-analytics generate --landing $(DEMO_DIR)/landing --week-ending $(WEEK_ENDING) --scale $(DEMO_SCALE)
	$(BIN)/partner-analytics run --landing $(DEMO_DIR)/landing --home $(DEMO_DIR)/home --week-ending $(WEEK_ENDING)
	@echo "Outputs: reports in $(DEMO_DIR)/home/exports/<REGION>/, warehouses in $(DEMO_DIR)/home/warehouse/, run summaries in $(DEMO_DIR)/home/runs/$(WEEK_ENDING)/"

test: install ## run every test (unit, dbt, DAG, end to end)
	$(BIN)/pytest $(PYTEST_ARGS)

bench: install ## pipeline vs floor at SCALE (tiny|xs|s|m|l); results in benchmarks/results/
	$(BIN)/python -m benchmarks.bench --scale $(SCALE) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache
