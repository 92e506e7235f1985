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
DEMO_SCALE ?= xs
MEMORY_SLOTS ?= 1
SCALE ?= s
PYTEST_ARGS ?=
DEMO_GENERATE_ARGS ?=
BENCH_ARGS ?=

.PHONY: install demo demo-cli test lint lint-fix docs bench clean

$(BIN)/python: pyproject.toml uv.lock
	@command -v uv >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --disable-pip-version-check uv
	uv sync --frozen --compile-bytecode --python $(PYTHON)
	@touch $(BIN)/python

install: $(BIN)/python ## create .venv with every dependency (uv, from uv.lock)

# Airflow on SQLite in a project-local AIRFLOW_HOME; the DAG reads PA_LANDING / PA_HOME from the environment.
AIRFLOW_ENV := AIRFLOW_HOME=$(CURDIR)/airflow_home AIRFLOW__CORE__DAGS_FOLDER=$(CURDIR)/dags \
	AIRFLOW__CORE__LOAD_EXAMPLES=False AIRFLOW__CORE__UNIT_TEST_MODE=False \
	PA_LANDING=$(CURDIR)/$(DEMO_DIR)/landing PA_HOME=$(CURDIR)/$(DEMO_DIR)/home \
	PA_WEEKLY_DEADLINE_HOURS=off

demo: install ## generate sample data for the last complete week and run the weekly DAG on it with Airflow
	rm -rf $(DEMO_DIR)
	$(BIN)/partner-analytics generate --landing $(DEMO_DIR)/landing --week-ending $(WEEK_ENDING) --scale $(DEMO_SCALE) $(DEMO_GENERATE_ARGS)
	$(AIRFLOW_ENV) $(BIN)/airflow db migrate >/dev/null
	$(AIRFLOW_ENV) $(BIN)/airflow pools set duckdb_writer 1 "dbt-duckdb builds" >/dev/null
	$(AIRFLOW_ENV) $(BIN)/airflow pools set partner_memory $(MEMORY_SLOTS) "ingestion and validation, ~1 GiB each at scale m" >/dev/null
	$(AIRFLOW_ENV) $(BIN)/airflow dags test partner_weekly $(WEEK_ENDING) > $(DEMO_DIR)/airflow-dags-test.log 2>&1 \
		|| { tail -50 $(DEMO_DIR)/airflow-dags-test.log; exit 1; }
	@$(BIN)/python -m partner_analytics.demo_report $(DEMO_DIR)/home $(WEEK_ENDING)
	@$(BIN)/python -m partner_analytics.customer_demo $(DEMO_DIR)/home US

demo-cli: install ## the same pipeline without Airflow (partner-analytics run)
	rm -rf $(DEMO_DIR)
	$(BIN)/partner-analytics generate --landing $(DEMO_DIR)/landing --week-ending $(WEEK_ENDING) --scale $(DEMO_SCALE) $(DEMO_GENERATE_ARGS)
	$(BIN)/partner-analytics run --landing $(DEMO_DIR)/landing --home $(DEMO_DIR)/home --week-ending $(WEEK_ENDING)

test: install lint ## run the linters, then every test (unit, dbt, DAG, end to end)
	uv sync --frozen --group spark --python $(PYTHON)  # pyspark + dbt-spark for tests/spark/ (Spark parity)
	$(BIN)/pytest $(PYTEST_ARGS)

# ruff (pyproject.toml [tool.ruff]) and sqlfluff (.sqlfluff) check; they change nothing.
lint: install ## ruff lint + format check of the Python, sqlfluff of the dbt SQL
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint dbt_project

lint-fix: install ## apply every automatic fix of the linters (then `make lint` says what is left)
	bash scripts/lint-fix.sh

REGION ?= US
docs: install ## dbt docs for the demo's REGION warehouse as one file that opens from disk: $(DEMO_DIR)/dbt-docs/index.html
	cd dbt_project && PA_WAREHOUSE_PATH=$(CURDIR)/$(DEMO_DIR)/home/warehouse/$(REGION).duckdb ../$(BIN)/dbt docs generate --static \
		--profiles-dir . --target-path $(CURDIR)/$(DEMO_DIR)/dbt-docs --log-path $(CURDIR)/$(DEMO_DIR)/dbt-logs \
		--vars '{home: "$(CURDIR)/$(DEMO_DIR)/home", region: "$(REGION)"}'
	cp $(DEMO_DIR)/dbt-docs/static_index.html $(DEMO_DIR)/dbt-docs/index.html
	@echo "dbt docs (single file, offline): $(CURDIR)/$(DEMO_DIR)/dbt-docs/index.html"

bench: install ## pipeline vs floor at SCALE (tiny|xs|s|m|l); results in benchmarks/results/
	$(BIN)/python -m benchmarks.bench --scale $(SCALE) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache airflow_home
