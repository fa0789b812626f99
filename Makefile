# Predator. The two commands that do all the set-up: `make demo` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PREDATOR := $(VENV)/bin/predator

.PHONY: demo test test-browser test-ml-gate bootstrap bootstrap-runtime db-up lint schema-snapshot docs bench bench-live peers replay-sweep chaos chaos-ci bench-chaos bench-books bench-scaling treasury-verdict plprofile drill-failover clean

## The main job on the embedded cluster and the real market data in ../shared/data.
demo: bootstrap-runtime
	$(PREDATOR) demo

## The whole test suite: pgTAP (through pytest) and pytest, on a real PostgreSQL.
test: bootstrap
	@if [ -z "$$PREDATOR_TEST_DSN$$PREDATOR_DSN" ]; then $(PREDATOR) db up; fi
	$(PY) -m pytest -q -n 2 --dist loadgroup -m "not ml_gate"

## The example model family (lgbm_tb) trained on the shared data and judged by the promotion gate on the
## 2023-2024 hold-out (tests/integration/test_ml_example_gate.py, marker ml_gate; about two minutes; not part of
## `make test`, run by CI after it).
test-ml-gate: bootstrap
	@if [ -z "$$PREDATOR_TEST_DSN$$PREDATOR_DSN" ]; then $(PREDATOR) db up; fi
	$(PY) -m pytest -q -m ml_gate

## The operator console in real headless Chromium (tests/browser; not part of `make test`). Needs the Debian
## packages chromium and chromium-driver; screenshots of every page visited go to reports/screenshots/.
test-browser: bootstrap
	@for f in /usr/bin/chromium /usr/bin/chromedriver; do [ -x $$f ] || { \
	    echo "test-browser: $$f is missing: install the Debian packages chromium and chromium-driver (apt-get install chromium chromium-driver)" >&2; exit 1; }; done
	@if [ -z "$$PREDATOR_TEST_DSN$$PREDATOR_DSN" ]; then $(PREDATOR) db up; fi
	$(PY) -m pytest -q tests/browser

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
	$(PY) bench/fill_path.py --concurrent 8
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

## The failover drill (docs/recovery.md, "Standby and failover"): a paper run on a primary with a synchronous
## standby, the primary killed mid-run, the standby promoted and the run resumed on it; RPO (rows lost) and RTO
## measured, chains, gates and replay checked. On clusters of its own under a temporary PREDATOR_HOME.
drill-failover: bootstrap
	PREDATOR_LOG=$${PREDATOR_LOG:-/dev/null} $(PREDATOR) drill failover $${DRILL_ARGS:-}

## Chaos campaigns 2-4 (90, 180, 365 simulated days; long) with fresh seeds, on the embedded cluster (docs/chaos.md).
## CHAOS_SEED fixes the seed; a failing seed is saved under tests/chaos/seeds/.
chaos: bootstrap
	$(PREDATOR) db up
	for c in 2 3 4; do PREDATOR_LOG=$${PREDATOR_LOG:-/dev/null} $(PREDATOR) chaos run --campaign $$c \
	    $${CHAOS_SEED:+--seed $$CHAOS_SEED} --save-failing-seed tests/chaos/seeds || exit 1; done

## Campaign 1 as CI runs it (a fresh seed, printed; CHAOS_DAYS simulated days, 2 by default, 30 for the whole
## campaign), on a cluster of its own, then every saved seed of tests/chaos/seeds/.
chaos-ci: bootstrap
	CHAOS_CI_DAYS=$${CHAOS_DAYS:-2} $(PY) -m pytest -q -s tests/chaos

## Many books at once (docs/performance.md): N books backtested concurrently against one database, each its own
## process and connection; BOOKS_ARGS e.g. "--books 1,2 --symbols 3 --days 60" for a small run.
bench-books: bootstrap
	PREDATOR_LOG=$${PREDATOR_LOG:-/dev/null} $(PY) bench/books.py $${BOOKS_ARGS:-}

## Campaign 4's target (issue 14): simulated hours per wall second, crashes survived, worker RSS day 1 vs end.
bench-chaos: bootstrap
	$(PREDATOR) db up
	PREDATOR_LOG=$${PREDATOR_LOG:-/dev/null} $(PY) bench/chaos_year.py $${CHAOS_BENCH_ARGS:-}

## Issue 18 item 6, cost as work grows: governed backtests over symbols x years (1, 10, 26 x 1, 3, 6 by default),
## each on a fresh database; cost per symbol-hour per cell and per year of each run (long; not part of `make test`).
## SCALING_ARGS narrows it, e.g. SCALING_ARGS='--symbols 1,10 --years 1,3' or '--quick'. Writes reports/scaling.json.
bench-scaling: bootstrap
	@if [ -z "$$PREDATOR_DSN" ]; then $(PREDATOR) db up; fi
	PREDATOR_LOG=$${PREDATOR_LOG:-/dev/null} $(PY) bench/scaling.py $${SCALING_ARGS:-}

## Issue 15 item 7: the self-financing verdict (long; not part of `make test`). VERDICT_ARGS narrows it, e.g.
## VERDICT_ARGS='--strategies trend,meanrev --sets A --jobs 2' VERDICT_REDUCED='why'. Writes reports/treasury_verdict.*
treasury-verdict: bootstrap
	@if [ -z "$$PREDATOR_DSN" ]; then $(PREDATOR) db up; fi
	PREDATOR_LOG=$${PREDATOR_LOG:-/dev/null} $(PY) bench/treasury_verdict.py $${VERDICT_ARGS:-} \
	    $${VERDICT_REDUCED:+--reduced "$$VERDICT_REDUCED"}

peers: bootstrap
	$(PY) bench/peers/run.py

## Issue 18 item 3: which statements of the governed PL/pgSQL cost what (plpgsql_check's profiler, on a scratch
## database). PLPROFILE_ARGS e.g. '--workload fill --fills 600' or '--from 2023-01-01 --to 2023-03-01'.
plprofile: bootstrap
	@if [ -z "$$PREDATOR_DSN" ]; then $(PREDATOR) db up; fi
	PREDATOR_LOG=$${PREDATOR_LOG:-/dev/null} $(PY) bench/plprofile.py $${PLPROFILE_ARGS:-}

clean:
	-$(PREDATOR) db down
	rm -rf .predator
