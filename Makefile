# Predator. The two commands that do all the set-up: `make demo` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PREDATOR := $(VENV)/bin/predator

.PHONY: demo test bootstrap bootstrap-runtime db-up lint schema-snapshot docs bench bench-live peers replay-sweep clean

## The main job on the embedded cluster and the real market data in ../shared/data.
demo: bootstrap-runtime
	$(PREDATOR) demo

## The whole test suite: pgTAP (through pytest) and pytest, on a real PostgreSQL.
test: bootstrap
	@if [ -z "$$PREDATOR_TEST_DSN$$PREDATOR_DSN" ]; then $(PREDATOR) db up; fi
	$(PY) -m pytest -q -n 2 --dist loadgroup

bootstrap:
	@scripts/bootstrap.sh dev

bootstrap-runtime:
	@scripts/bootstrap.sh runtime

lint: bootstrap
	$(VENV)/bin/ruff check predator tests bench
	$(VENV)/bin/mypy --strict predator

## Regenerate migrations/schema.sql (the schema snapshot CI compares) and docs/sql-api.md.
schema-snapshot: bootstrap
	$(PY) -m predator.tools.schema_snapshot --write

docs: bootstrap
	$(PY) -m predator.tools.sql_api_doc --write

bench: bootstrap
	$(PY) bench/fill_path.py
	$(PY) bench/ingest.py
	$(PY) bench/pipeline.py
	$(PY) bench/halt_latency.py
	$(PY) bench/live_path.py

## The live path over loopback to the venue emulator: bar close -> order acknowledged, kill switch -> last cancel.
bench-live: bootstrap
	$(PY) bench/live_path.py

## Runs and replays a seeded sweep of configurations (strategies x symbol sets x periods, runs that halt, trip
## breakers and flatten, the 26-symbol mean-reversion year of issue 9); each must reach REPLAY PARITY: TRUE.
replay-sweep: bootstrap
	@if [ -z "$$PREDATOR_DSN" ]; then $(PREDATOR) db up; fi
	PREDATOR_LOG=$${PREDATOR_LOG:-/dev/null} $(PY) -m predator.tools.replay_sweep

peers: bootstrap
	$(PY) bench/peers/run.py

clean:
	-$(PREDATOR) db down
	rm -rf .predator
