"""The self-financing verdict of issue 15 item 7 (docs/treasury.md "Verdict"; the method is the docstring of
:mod:`predator.tools.treasury_verdict`): per strategy, each parameter set of the declared grid paper-traded over
2019–2022 (in sample), the set chosen by the declared rule on those figures only, then that set run once over
2023–2024 (out of sample). Every run: a fresh book of 10,000 USDT, BTC/USDT and ETH/USDT hourly candles,
Binance fees of 10 bps, 20 USDT a month of infrastructure declared as an operating cost, a 25 % reserve, a
30-day rolling window; the figures are read from ``api.treasury_status`` (complete windows only).

Runs on the configured server (the embedded cluster by default): ``make treasury-verdict`` or
``python bench/treasury_verdict.py [--strategies trend,meanrev] [--symbols BTC/USDT,ETH/USDT]
[--reduced "declared reason"] [--out reports/treasury_verdict]``. Prints a line per run as it ends, then the
table; writes ``<out>.md`` and ``<out>.json``. Long (about five minutes per in-sample run on a busy 2-core
machine); not part of ``make test``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from predator import config, seams, source  # noqa: E402
from predator.db import migrate  # noqa: E402
from predator.db.connection import default_target  # noqa: E402
from predator.logs import configure_logging  # noqa: E402
from predator.marketdata.loader import load_many  # noqa: E402
from predator.tools import treasury_verdict as tv  # noqa: E402


def _plain(v: Any) -> Any:
    if isinstance(v, Decimal):
        return str(v)
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return v


def _score_json(s: tv.Score) -> dict[str, Any]:
    return {"strategy": s.candidate.strategy, "set": s.candidate.label, "params": s.candidate.param_dict(),
            "period": s.period.name, "fills": s.fills, "round_trips": s.round_trips,
            "final_equity": _plain(s.final_equity), "wall_seconds": round(s.wall_seconds, 1), "events": list(s.events),
            "figures": {k: _plain(v) for k, v in vars(s.shares).items()}}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--strategies", default=",".join(tv.GRID))
    ap.add_argument("--symbols", default=",".join(tv.SYMBOLS))
    ap.add_argument("--sets", default="", help="Only these sets of each grid (e.g. A: the shipped defaults).")
    ap.add_argument("--jobs", type=int, default=1, help="Strategies studied at once (one process each).")
    ap.add_argument("--reduced", default="", help="Run a reduced study and say why (recorded in the report).")
    ap.add_argument("--out", default=str(config.PROJECT_ROOT / "reports" / "treasury_verdict"))
    args = ap.parse_args()
    configure_logging()
    strategies = [s for s in args.strategies.split(",") if s]
    unknown = [s for s in strategies if s not in tv.GRID]
    if unknown:
        ap.error(f"no declared grid for {', '.join(unknown)}; declared: {', '.join(tv.GRID)}")
    sets = [x for x in args.sets.split(",") if x]
    grid = {s: tuple(c for c in tv.GRID[s] if not sets or c.label in sets) for s in strategies}
    settings = replace(tv.Settings(), symbols=tuple(s for s in args.symbols.split(",") if s))
    measured = seams.wall_now()
    commit = source.label()
    t0 = seams.monotonic()
    server = default_target()
    verdicts: list[tv.StrategyVerdict] = []
    with migrate.scratch_database(server, "predator_verdict_tmpl") as template:
        for outcome in load_many(lambda: template.connect("worker"), tv.candle_paths(settings.symbols), jobs=1):
            if not hasattr(outcome, "result"):
                print(f"cannot load {outcome}", file=sys.stderr)
                return 2
        print(f"template: {len(settings.symbols)} symbols loaded in {seams.monotonic() - t0:.0f} s", flush=True)
        # One worker process per strategy (at most --jobs at a time); inside a strategy the runs are in order:
        # the grid in sample, the choice, then the one out-of-sample run.
        with ProcessPoolExecutor(max_workers=args.jobs, mp_context=multiprocessing.get_context("spawn"),
                                 initializer=configure_logging) as pool:
            futures = [pool.submit(tv.strategy_study, server, template.dbname, settings, name, candidates,
                                   tv.IN_SAMPLE, tv.OUT_OF_SAMPLE) for name, candidates in grid.items()]
            for f in futures:
                _, item = f.result()
                verdicts.append(item)
                print(f"{item.strategy}: chosen in sample {item.chosen.candidate.label} "
                      f"({item.chosen.candidate.describe()})", flush=True)
    elapsed = seams.monotonic() - t0
    table = tv.markdown_table(tv.verdict_rows(verdicts))
    print(table)
    print(f"treasury_verdict: {len(verdicts)} strategies, {elapsed:.0f} s, commit {commit}")

    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    s = settings
    lines = [
        "# Treasury verdict (issue 15 item 7)", "",
        f"Measured {measured:%Y-%m-%d} (UTC) at commit {commit} by `bench/treasury_verdict.py`, "
        f"{elapsed / 60:.0f} min wall.", "",
        f"Symbols {', '.join(s.symbols)} (Binance hourly candles); a fresh book of {s.principal} USDT per run; "
        f"fees {s.fee_bps} bps maker and taker; {s.cost_per_month} USDT a month of infrastructure "
        f"(api.declare_operating_cost, from the first hour); reserve {s.reserve_pct} % of each realized gain "
        f"(treasury_reserve_pct); rolling window {s.window_days} days (treasury_window_days); default risk "
        "profile. In sample: windows inside 2019-01-01..2023-01-01; out of sample: windows inside "
        "2023-01-01..2025-01-01, a new book. Complete windows only (one per UTC day).", "",
        "Selection, per strategy, on in-sample figures only: the highest share of windows with surplus >= 0, "
        "then the higher in-sample surplus, then grid order. The chosen set then ran once out of sample.", "",
    ]
    if args.reduced:
        lines += [f"**Reduced study:** {args.reduced}", ""]
    lines += [table, ""]
    out.with_suffix(".md").write_text("\n".join(lines), encoding="utf-8")
    out.with_suffix(".json").write_text(json.dumps({
        "measured": measured.isoformat(), "commit": commit, "wall_seconds": round(elapsed),
        "reduced": args.reduced or None,
        "settings": {k: _plain(v) for k, v in vars(settings).items()},
        "in_sample": [tv.IN_SAMPLE.start.isoformat(), tv.IN_SAMPLE.end.isoformat()],
        "out_of_sample": [tv.OUT_OF_SAMPLE.start.isoformat(), tv.OUT_OF_SAMPLE.end.isoformat()],
        "grid": {k: [{"set": c.label, "params": c.param_dict()} for c in v] for k, v in grid.items()},
        "verdicts": [{"strategy": v.strategy, "chosen": v.chosen.candidate.label,
                      "in_sample": [_score_json(x) for x in v.in_sample],
                      "out_of_sample": _score_json(v.out_of_sample)} for v in verdicts],
    }, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out.with_suffix('.md')} and {out.with_suffix('.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
