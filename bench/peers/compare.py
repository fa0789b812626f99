"""Trade-by-trade comparison of the legs of one case.

A trade is identified by (symbol, entry bar, exit bar), the bars being the open times of the fill bars. A
trade is **matched** when every engine of the case has it; for a matched trade every engine's return (the
common definition, see ``common.py``) is compared with the base engine's (Predator when it ran, else the
reference). Every unmatched trade and every return difference above the tolerance is listed with the
reason the comparison can tell: a different exit or entry in another engine, a position one engine closed
only because the data ended, Predator's refusal or order outcome at that time, or a missing candle next to
the trade.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from common import HOUR, LegResult, Trade, iso

TOLERANCE = 1e-6

Key = tuple[str, int, int]


def key(t: Trade) -> Key:
    return (t.symbol, t.entry_ts, t.exit_ts)


@dataclass
class Finding:
    kind: str          # "unmatched" or "return"
    trade: Key
    detail: str


@dataclass
class Comparison:
    case: str
    legs: list[LegResult]
    base: str
    matched: int = 0
    largest_diff: float = 0.0
    largest_diff_by_engine: dict[str, float] = field(default_factory=dict)
    matched_by_engine: dict[str, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings


def compare(case: str, legs: list[LegResult], missing_hours: dict[str, list[int]] | None = None,
            tolerance: float = TOLERANCE) -> Comparison:
    names = [leg.engine for leg in legs]
    base = "predator" if "predator" in names else names[0]
    by_engine: dict[str, dict[Key, Trade]] = {}
    for leg in legs:
        trades: dict[Key, Trade] = {}
        for t in leg.trades:
            trades[key(t)] = t
        by_engine[leg.engine] = trades
    all_keys = sorted(set().union(*(set(v) for v in by_engine.values())))
    cmp = Comparison(case, legs, base)
    for name in names:
        cmp.matched_by_engine[name] = 0
        cmp.largest_diff_by_engine[name] = 0.0
    for k in all_keys:
        have = [n for n in names if k in by_engine[n]]
        if len(have) == len(names):
            cmp.matched += 1
            ref = by_engine[base][k].ret
            rets = [by_engine[n][k].ret for n in names]
            spread = max(rets) - min(rets)
            cmp.largest_diff = max(cmp.largest_diff, spread)
            for n in names:
                cmp.matched_by_engine[n] += 1
                d = abs(by_engine[n][k].ret - ref)
                cmp.largest_diff_by_engine[n] = max(cmp.largest_diff_by_engine[n], d)
            if spread > tolerance:
                vals = ", ".join(f"{n} {by_engine[n][k].ret:+.9f}" for n in names)
                cmp.findings.append(Finding("return", k, f"returns differ by {spread:.3g}: {vals}"))
            continue
        missing = [n for n in names if n not in have]
        reasons = [_reason(k, n, by_engine[n], legs_by_name(legs)[n], missing_hours or {}) for n in missing]
        cmp.findings.append(Finding("unmatched", k, f"in {', '.join(have)}; not in {', '.join(missing)}: "
                                                    + "; ".join(r for r in reasons if r)))
    return cmp


def legs_by_name(legs: list[LegResult]) -> dict[str, LegResult]:
    return {leg.engine: leg for leg in legs}


def _reason(k: Key, engine: str, trades: dict[Key, Trade], leg: LegResult, missing_hours: dict[str, list[int]]) -> str:
    symbol, entry, exit_ = k
    same_entry = [t for t in trades.values() if t.symbol == symbol and t.entry_ts == entry]
    same_exit = [t for t in trades.values() if t.symbol == symbol and t.exit_ts == exit_]
    parts = []
    if same_entry:
        parts.append(f"{engine} exits the same entry at {iso(same_entry[0].exit_ts)}")
    elif same_exit:
        parts.append(f"{engine} enters the trade with this exit at {iso(same_exit[0].entry_ts)}")
    for t in leg.excluded or []:
        if t.symbol == symbol and t.entry_ts == entry:
            parts.append(f"{engine} still held it when the data ended (closed at {iso(t.exit_ts)} only by the end)")
    for note in leg.notes or []:
        if symbol in note and any(iso(x)[:13] in note for x in (entry - HOUR, entry, exit_ - HOUR, exit_)):
            parts.append(f"{engine}: {note}")
    gaps = [h for h in missing_hours.get(symbol, []) if entry - 60 * HOUR <= h <= exit_ + HOUR]
    if gaps:
        parts.append(f"candle(s) missing in the data at {', '.join(iso(h) for h in gaps[:3])}")
    if not parts:
        parts.append(f"{engine} has no trade entering or exiting at these bars")
    return "; ".join(parts)


def sum_returns(leg: LegResult) -> float:
    return sum(t.ret for t in leg.trades)


def table(cmps: list[Comparison]) -> str:
    """The comparison table: one block per case, one row per engine."""
    lines = []
    head = (f"{'case':<26} {'engine':<15} {'trades':>7} {'matched':>8} {'max |Δr|':>10} {'Σ r':>10} "
            f"{'account':>9} {'wall s':>8}")
    lines.append(head)
    lines.append("-" * len(head))
    for c in cmps:
        for i, leg in enumerate(c.legs):
            case = c.case if i == 0 else ""
            acct = f"{leg.total_return:+.2%}" if leg.total_return is not None else "-"
            secs = f"{leg.seconds:.1f}" if leg.seconds is not None else "-"
            lines.append(f"{case:<26} {leg.engine:<15} {len(leg.trades):>7} {c.matched_by_engine[leg.engine]:>8} "
                         f"{c.largest_diff_by_engine[leg.engine]:>10.2e} {sum_returns(leg):>+10.4f} {acct:>9} "
                         f"{secs:>8}")
        lines.append(f"{'':<26} {'all engines':<15} {'':>7} {c.matched:>8} {c.largest_diff:>10.2e}   "
                     f"{'(Δr vs ' + c.base + ')'}")
    return "\n".join(lines)


def findings_text(cmps: list[Comparison]) -> str:
    out = []
    for c in cmps:
        if not c.findings:
            out.append(f"{c.case}: every trade matched in {len(c.legs)} engines, returns within {TOLERANCE:g}")
            continue
        out.append(f"{c.case}: {len(c.findings)} finding(s)")
        for f in c.findings:
            s, e, x = f.trade
            out.append(f"  {f.kind:<9} {s} {iso(e)} -> {iso(x)}: {f.detail}")
    return "\n".join(out)

