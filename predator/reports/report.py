"""Reports rendered with Jinja2 from the read views, as the auditor role.

A report covers an account over a period of closed hours (a daily report: one UTC day, the hours whose
close time lies in (D 00:00, D+1 00:00]). It shows trades (round trips), fills with slippage against the
decision price (basis points, positive = adverse), venue rejects and admission refusals by reason code,
fees, realized and unrealized PnL, halts and incidents, the validation gates and hash-chain verification,
an equity curve with drawdown, and exposure by cluster. Charts are SVG (matplotlib, Agg backend): inlined
in HTML, written beside the file for Markdown. Templates live in ``reports/templates``.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2
import psycopg

from predator import config
from predator.config import PROJECT_ROOT
from predator.db.connection import Target

TEMPLATES = PROJECT_ROOT / "reports" / "templates"


@dataclass
class ReportData:
    account: str
    start: datetime
    end: datetime
    account_row: dict[str, Any]
    runs: list[dict[str, Any]]
    states: list[dict[str, Any]]
    trades: list[dict[str, Any]]
    fills: list[dict[str, Any]]
    refusals: list[tuple[str, int]]
    rejects: list[tuple[str, int]]
    halts: list[dict[str, Any]]
    incidents: list[dict[str, Any]]
    exposures: list[dict[str, Any]]
    gates: list[dict[str, Any]] = field(default_factory=list)
    gates_passed: bool | None = None
    verify_ok: bool | None = None
    verify_chains: int = 0
    summary: dict[str, Any] = field(default_factory=dict)


def _rows(conn: psycopg.Connection, sql: str, params: tuple[Any, ...]) -> list[dict[str, Any]]:
    cur = conn.execute(sql, params)
    names = [d.name for d in cur.description or []]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def collect(
    conn: psycopg.Connection,
    account: str,
    start: datetime,
    end: datetime,
    gates: bool = True,
    gate_results: tuple[Any, Any] | None = None,
) -> ReportData:
    """Read everything a report shows for hours closing in (start, end]. ``gate_results``: gate results and
    a chain verification already computed on this database (otherwise they run here when ``gates``)."""
    acct = _rows(conn, "SELECT * FROM api.accounts WHERE name = %s", (account,))
    if not acct:
        raise LookupError(f"unknown account {account}")
    book = acct[0]["book_id"]
    states = _rows(
        conn,
        "SELECT hour, cash, positions_value, equity, peak_equity, drawdown, daily_pnl, realized_pnl,"
        " unrealized_pnl, fees, gross_exposure, open_orders, outputs_hash FROM api.hourly_states"
        " WHERE account = %s AND hour > %s AND hour <= %s ORDER BY hour",
        (account, start, end),
    )
    trades = _rows(
        conn,
        "SELECT * FROM api.round_trips WHERE account = %s AND exit_ts > %s AND exit_ts <= %s ORDER BY exit_ts",
        (account, start, end),
    )
    fills = _rows(
        conn,
        "SELECT ts, symbol, side, quantity, price, fee, fee_currency, liquidity, decision_price,"
        " client_order_id, origin,"
        " CASE WHEN side = 'buy' THEN (price / decision_price - 1) * 10000"
        "      ELSE (1 - price / decision_price) * 10000 END AS slippage_bps"
        " FROM api.fills WHERE account = %s AND ts > %s AND ts <= %s ORDER BY ts, seq",
        (account, start, end),
    )
    refusals = [
        tuple(r)
        for r in conn.execute(
            "SELECT r, count(*) FROM api.decisions, unnest(reasons) r WHERE account = %s AND outcome = 'refused'"
            " AND ts >= %s AND ts < %s GROUP BY r ORDER BY 2 DESC, 1",
            (account, start, end),
        ).fetchall()
    ]
    rejects = [
        tuple(r)
        for r in conn.execute(
            "SELECT coalesce(reason, 'unspecified'), count(*) FROM api.order_events"
            " WHERE account = %s AND kind = 'rejected'"
            " AND ts > %s AND ts <= %s GROUP BY 1 ORDER BY 2 DESC, 1",
            (account, start, end),
        ).fetchall()
    ]
    halts = _rows(
        conn,
        "SELECT scope_kind, scope_key, action, reason, source, actor, ts, effective_at FROM api.halt_events"
        " WHERE (book_id IN (0, %s)) AND (ts IS NULL OR (ts > %s AND ts <= %s)) ORDER BY effective_at",
        (book, start, end),
    )
    incidents = (
        _rows(
            conn,
            "SELECT * FROM api.incidents WHERE book_id IN (0, %s) AND (ts IS NULL OR (ts > %s AND ts <= %s))"
            " ORDER BY opened_at",
            (book, start, end),
        )
        if _has_view(conn, "incidents")
        else []
    )
    exposures = _rows(
        conn,
        "SELECT hour, key AS cluster, exposure FROM api.exposures WHERE account = %s AND kind = 'cluster'"
        " AND hour > %s AND hour <= %s ORDER BY hour, key",
        (account, start, end),
    )
    runs = _rows(
        conn,
        "SELECT run_id, kind, config, dataset_hash FROM api.runs WHERE account = %s ORDER BY started_at",
        (account,),
    )
    data = ReportData(
        account, start, end, acct[0], runs, states, trades, fills, refusals, rejects, halts, incidents, exposures
    )
    if gates or gate_results:
        from predator import gates as gate_mod

        results, v = gate_results if gate_results else (gate_mod.run_gates(conn), gate_mod.verify(conn))
        data.gates = [
            {"name": r.name, "violations": r.violations, "passed": r.passed, "error": r.error} for r in results
        ]
        data.gates_passed = all(r.passed for r in results)
        data.verify_ok, data.verify_chains = v.ok, v.chains
    conn.commit()
    data.summary = _summary(data)
    return data


def _has_view(conn: psycopg.Connection, name: str) -> bool:
    row = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (f"api.{name}",)).fetchone()
    return bool(row and row[0])


def _summary(d: ReportData) -> dict[str, Any]:
    first = d.states[0] if d.states else None
    last = d.states[-1] if d.states else None
    wins = [t for t in d.trades if t["net_pnl"] > 0]
    return {
        "hours": len(d.states),
        "start_equity": first["equity"] if first else None,
        "end_equity": last["equity"] if last else None,
        "return_pct": ((last["equity"] / first["equity"] - 1) * 100) if first and last and first["equity"] else None,
        "max_drawdown_pct": max((s["drawdown"] for s in d.states), default=Decimal(0)) * 100,
        "realized_pnl": (last["realized_pnl"] - first["realized_pnl"]) if first and last else None,
        "unrealized_pnl": last["unrealized_pnl"] if last else None,
        "fees": sum(
            (f["fee"] if f["fee_currency"] != f["symbol"].split("/")[0] else f["fee"] * f["price"] for f in d.fills),
            Decimal(0),
        ),
        "trades": len(d.trades),
        "wins": len(wins),
        "fills": len(d.fills),
        "mean_slippage_bps": (sum((f["slippage_bps"] for f in d.fills), Decimal(0)) / len(d.fills))
        if d.fills
        else None,
        "refusals": sum(n for _, n in d.refusals),
        "rejects": sum(n for _, n in d.rejects),
    }


def charts(d: ReportData) -> dict[str, str]:
    """SVG charts: equity with drawdown, and exposure by cluster (fractions of equity)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "predator"  # deterministic SVG ids
    out: dict[str, str] = {}
    if d.states:
        hours = [s["hour"] for s in d.states]
        fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(10, 5.5), sharex=True, gridspec_kw={"height_ratios": [3, 1]})
        ax1.plot(hours, [float(s["equity"]) for s in d.states], color="#1f5fa8", linewidth=1.2, label="equity")
        ax1.plot(
            hours,
            [float(s["peak_equity"]) for s in d.states],
            color="#999999",
            linewidth=0.8,
            linestyle="--",
            label="peak",
        )
        ax1.set_ylabel(f"equity ({d.account_row['base_currency']})")
        ax1.legend(loc="upper left")
        ax1.grid(alpha=0.3)
        ax2.fill_between(hours, [-float(s["drawdown"]) * 100 for s in d.states], 0, color="#c0392b", alpha=0.6)
        ax2.set_ylabel("drawdown %")
        ax2.grid(alpha=0.3)
        fig.tight_layout()
        out["equity"] = _svg(fig)
        plt.close(fig)
    if d.exposures:
        clusters = sorted({e["cluster"] for e in d.exposures})
        hours = sorted({s["hour"] for s in d.states})
        table = {(e["hour"], e["cluster"]): float(e["exposure"]) * 100 for e in d.exposures}
        fig, ax = plt.subplots(figsize=(10, 3.5))
        ax.stackplot(hours, [[table.get((h, c), 0.0) for h in hours] for c in clusters], labels=clusters, alpha=0.85)
        ax.set_ylabel("exposure % of equity")
        ax.legend(loc="upper left", fontsize=7, ncol=4)
        ax.grid(alpha=0.3)
        fig.tight_layout()
        out["exposure"] = _svg(fig)
        plt.close(fig)
    return out


def _svg(fig: Any) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": "predator"})
    text = buf.getvalue()
    return text[text.index("<svg") :]


def render(
    target: Target,
    account: str,
    start: datetime,
    end: datetime,
    fmt: str = "html",
    out_dir: Path | None = None,
    gates: bool = True,
    title: str | None = None,
    gate_results: tuple[Any, Any] | None = None,
) -> Path:
    """Render the report into ``out_dir`` (default ``<PREDATOR_HOME>/reports``); returns the file's path."""
    with target.connect("auditor") as conn:
        data = collect(conn, account, start, end, gates=gates, gate_results=gate_results)
    svgs = charts(data)
    out_dir = out_dir or (config.home() / "reports")
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{account}_{start:%Y%m%d}_{end:%Y%m%d}"
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["num"] = _num
    env.filters["ts"] = lambda t: "" if t is None else t.strftime("%Y-%m-%d %H:%M")
    chart_files: dict[str, str] = {}
    if fmt == "md":
        for name, svg in svgs.items():
            path = out_dir / f"{stem}_{name}.svg"
            path.write_text(svg)
            chart_files[name] = path.name
    page = env.get_template(f"report.{fmt}.j2").render(
        d=data, s=data.summary, charts=svgs, chart_files=chart_files, title=title or f"Predator report — {account}"
    )
    path = out_dir / f"{stem}.{fmt}"
    path.write_text(page)
    return path


def _num(value: Any, places: int = 2) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal | float | int):
        return f"{float(value):,.{places}f}"
    return str(value)


def day_bounds(day: datetime) -> tuple[datetime, datetime]:
    """A UTC day as (start, end]: the hours whose close lies after 00:00 and up to the next 00:00."""
    start = day.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=1)
