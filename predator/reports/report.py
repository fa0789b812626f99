"""Reports rendered with Jinja2 from the read views, as the auditor role.

A report covers an account over a period of closed hours (a daily report: one UTC day, the hours whose
close time lies in (D 00:00, D+1 00:00]). It shows trades (round trips), fills with slippage against the
decision price (basis points, positive = adverse), execution quality (fill rate, rejection rate, latency to the
venue's answer: ``api.execution_quality``), venue rejects and admission refusals by reason code, venue API errors
(``api.venue_errors``), the reconciliation status and its mismatches (``api.reconciliation_status``), balance
changes per currency by kind (``api.balance_changes``), limit breaches (refusals, breaker trips, halts, risk-state
moves: ``api.limit_breaches``), fees, realized and unrealized PnL, halts and incidents, the validation gates and
hash-chain verification,
an equity curve with drawdown, exposure by cluster, and the treasury (docs/treasury.md: costs, reserve, net
operating surplus per day and rolling window, principal protection, policy actions, with a chart of the rolling
surplus). Charts are SVG (matplotlib, Agg backend): inlined
in HTML, written beside the file for Markdown. Templates live in ``reports/templates``.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import psycopg

from predator import config
from predator.config import PROJECT_ROOT
from predator.db import ops_reads, reads, report_reads, treasury_reads
from predator.db.connection import Target
from predator.errors import NotFoundError

if TYPE_CHECKING:
    from predator.gates import GateResult, Verification

TEMPLATES = PROJECT_ROOT / "reports" / "templates"
CHARTS = ("equity", "exposure", "surplus")  # the charts a report may hold (:func:`charts`)
SURPLUS_CHART_DAYS = 30  # the surplus chart covers at least this many days up to the report's end
TREASURY_TABLE_DAYS = 31  # the treasury table lists the statuses of at most the period's last this many days


@dataclass(frozen=True)
class Summary:
    """The report's headline figures over the period (amounts in the account's base currency)."""

    hours: int
    start_equity: Decimal | None
    end_equity: Decimal | None
    return_pct: Decimal | None  # percent
    max_drawdown_pct: Decimal  # percent of peak equity
    realized_pnl: Decimal | None
    unrealized_pnl: Decimal | None
    fees: Decimal  # fees of the period's fills, valued in quote
    trades: int
    wins: int
    fills: int
    mean_slippage_bps: Decimal | None  # basis points, positive = adverse (api.execution_quality)
    refusals: int
    rejects: int


@dataclass(frozen=True)
class TreasurySection:
    """The treasury of the period (docs/treasury.md), as stored by the day closes (``api.treasury_status``):
    the statuses stored by the closes of the period's last :data:`TREASURY_TABLE_DAYS` days (``days``:
    window_days 1; ``rolling``: the rolling windows; ``omitted``: the period's earlier statuses left out of the
    table), the policy's actions in the whole period, the transfers dated in it, the operating costs declared;
    ``chart``: the statuses of at least the last :data:`SURPLUS_CHART_DAYS` days up to the end (the surplus
    chart)."""

    days: tuple[treasury_reads.TreasuryStatusRow, ...]
    rolling: tuple[treasury_reads.TreasuryStatusRow, ...]
    omitted: int
    actions: tuple[treasury_reads.TreasuryStatusRow, ...]
    transfers: tuple[treasury_reads.TreasuryTransfer, ...]
    costs: tuple[treasury_reads.OperatingCost, ...]
    chart: tuple[treasury_reads.TreasuryStatusRow, ...]


def _treasury(conn: psycopg.Connection[Any], account: str, start: datetime, end: datetime) -> TreasurySection:
    rows = treasury_reads.statuses_closing(conn, account=account, start=start, end=end)
    chart_start = min(start, end - timedelta(days=SURPLUS_CHART_DAYS))
    chart = treasury_reads.statuses_closing(conn, account=account, start=chart_start, end=end)
    table_start = max(start, end - timedelta(days=TREASURY_TABLE_DAYS))
    table = [r for r in rows if r.period_to > table_start]
    return TreasurySection(
        days=tuple(r for r in table if r.window_days == 1),
        rolling=tuple(r for r in table if r.window_days > 1),
        omitted=len(rows) - len(table),
        actions=tuple(r for r in rows if r.policy_action != "none"),
        transfers=tuple(t for t in treasury_reads.transfers(conn, account=account) if start < t.ts <= end),
        costs=tuple(treasury_reads.operating_costs(conn, account=account)),
        chart=tuple(chart),
    )


@dataclass(frozen=True)
class ReportData:
    """Everything a report shows for the hours closing in (start, end] (reads of
    :mod:`predator.db.report_reads`), with the gates and chain verification when they ran."""

    account: str
    start: datetime
    end: datetime
    account_row: report_reads.AccountDetail
    runs: tuple[report_reads.RunRow, ...]
    states: tuple[report_reads.HourlyStateRow, ...]
    trades: tuple[report_reads.RoundTripRow, ...]
    fills: tuple[report_reads.ReportFill, ...]
    refusals: tuple[report_reads.ReasonCount, ...]
    rejects: tuple[report_reads.ReasonCount, ...]
    halts: tuple[report_reads.HaltEventRow, ...]
    incidents: tuple[ops_reads.IncidentRow, ...]
    exposures: tuple[report_reads.ClusterExposure, ...]
    summary: Summary
    treasury: TreasurySection
    quality: report_reads.ExecutionQuality
    venue_errors: report_reads.VenueErrors
    reconciliation: report_reads.ReconciliationStatus
    mismatches: tuple[report_reads.Mismatch, ...]
    balances: tuple[report_reads.BalanceChange, ...]
    breaches: tuple[report_reads.LimitBreach, ...]
    gates: tuple[GateResult, ...] = ()
    gates_passed: bool | None = None
    verify_ok: bool | None = None
    verify_chains: int = 0


def collect(
    conn: psycopg.Connection,
    account: str,
    start: datetime,
    end: datetime,
    gates: bool = True,
    gate_results: tuple[Sequence[GateResult], Verification] | None = None,
) -> ReportData:
    """Read everything a report shows for hours closing in (start, end]. ``gate_results``: gate results and
    a chain verification already computed on this database (otherwise they run here when ``gates``).
    Raises :class:`~predator.errors.NotFoundError` (a LookupError) for an unknown account and for a period in
    which the account closed no hour (the message gives the span of its closed hours)."""
    acct = report_reads.account_detail(conn, account=account)
    if acct is None:
        names = reads.account_names(conn)
        raise NotFoundError(f"unknown account {account!r}; accounts: {', '.join(names) or 'none yet'}")
    states = tuple(report_reads.hourly_states(conn, account=account, start=start, end=end))
    if not states:
        span = report_reads.closed_span(conn, account=account)
        closed = (f"its closed hours run from {span.start:%Y-%m-%dT%H:%MZ} to {span.end:%Y-%m-%dT%H:%MZ}: pick a "
                  f"period inside" if span else "it has no closed hour at all: run it first (predator paper)")
        raise NotFoundError(f"account {account} has no closed hour in {start:%Y-%m-%dT%H:%MZ} .. "
                            f"{end:%Y-%m-%dT%H:%MZ}; {closed}")
    trades = tuple(report_reads.round_trips(conn, account=account, start=start, end=end))
    fills = tuple(report_reads.fills(conn, account=account, start=start, end=end))
    refusals = tuple(report_reads.refusal_counts(conn, account=account, start=start, end=end))
    rejects = tuple(report_reads.reject_counts(conn, account=account, start=start, end=end))
    halts = tuple(report_reads.halt_events(conn, book_id=acct.book_id, start=start, end=end))
    incidents = tuple(ops_reads.book_incidents(conn, book_id=acct.book_id, start=start, end=end))
    exposures = tuple(report_reads.cluster_exposures(conn, account=account, start=start, end=end))
    runs = tuple(report_reads.runs(conn, account=account))
    treasury = _treasury(conn, account, start, end)
    quality = report_reads.execution_quality(conn, account=account, start=start, end=end)[0]
    venue = report_reads.venue_errors(conn, account=account, start=start, end=end)
    recon = report_reads.reconciliation_status(conn, account=account, start=start, end=end)
    assert venue is not None and recon is not None  # one row per known account
    mismatches = tuple(report_reads.mismatches(conn, account=account, start=start, end=end))
    balances = tuple(report_reads.balance_changes(conn, account=account, start=start, end=end))
    breaches = tuple(report_reads.limit_breaches(conn, account=account, start=start, end=end))
    results: tuple[GateResult, ...] = ()
    verification: Verification | None = None
    if gates or gate_results:
        from predator import gates as gate_mod

        if gate_results:
            results, verification = tuple(gate_results[0]), gate_results[1]
        else:
            results, verification = tuple(gate_mod.run_gates(conn)), gate_mod.verify(conn)
    conn.commit()
    return ReportData(
        account, start, end, acct, runs, states, trades, fills, refusals, rejects, halts, incidents, exposures,
        _summary(states, trades, fills, refusals, rejects, quality),
        treasury,
        quality, venue, recon, mismatches, balances, breaches,
        gates=results,
        gates_passed=all(r.passed for r in results) if verification is not None else None,
        verify_ok=verification.ok if verification is not None else None,
        verify_chains=verification.chains if verification is not None else 0,
    )


def _summary(
    states: Sequence[report_reads.HourlyStateRow],
    trades: Sequence[report_reads.RoundTripRow],
    fills: Sequence[report_reads.ReportFill],
    refusals: Sequence[report_reads.ReasonCount],
    rejects: Sequence[report_reads.ReasonCount],
    quality: report_reads.ExecutionQuality,
) -> Summary:
    first = states[0] if states else None
    last = states[-1] if states else None
    return Summary(
        hours=len(states),
        start_equity=first.equity if first else None,
        end_equity=last.equity if last else None,
        return_pct=((last.equity / first.equity - 1) * 100) if first and last and first.equity else None,
        max_drawdown_pct=max((s.drawdown for s in states), default=Decimal(0)) * 100,
        realized_pnl=(last.realized_pnl - first.realized_pnl) if first and last else None,
        unrealized_pnl=last.unrealized_pnl if last else None,
        fees=sum(
            (f.fee if f.fee_currency != f.symbol.split("/")[0] else f.fee * f.price for f in fills), Decimal(0)
        ),
        trades=len(trades),
        wins=len([t for t in trades if t.net_pnl > 0]),
        fills=len(fills),
        mean_slippage_bps=quality.mean_slippage_bps,
        refusals=sum(r.count for r in refusals),
        rejects=sum(r.count for r in rejects),
    )


def charts(d: ReportData) -> dict[str, str]:
    """SVG charts: equity with drawdown, exposure by cluster (fractions of equity), and the treasury's net
    operating surplus (each day's bars, the rolling window's line, its policy actions marked)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "predator"  # deterministic SVG ids
    out: dict[str, str] = {}
    if d.states:
        hours = [s.hour for s in d.states]
        fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(10, 5.5), sharex=True, gridspec_kw={"height_ratios": [3, 1]})
        ax1.plot(hours, [float(s.equity) for s in d.states], color="#1f5fa8", linewidth=1.2, label="equity")
        ax1.plot(
            hours,
            [float(s.peak_equity) for s in d.states],
            color="#999999",
            linewidth=0.8,
            linestyle="--",
            label="peak",
        )
        ax1.set_ylabel(f"equity ({d.account_row.base_currency})")
        ax1.legend(loc="upper left")
        ax1.grid(alpha=0.3)
        ax2.fill_between(hours, [-float(s.drawdown) * 100 for s in d.states], 0, color="#c0392b", alpha=0.6)
        ax2.set_ylabel("drawdown %")
        ax2.grid(alpha=0.3)
        fig.tight_layout()
        out["equity"] = _svg(fig)
        plt.close(fig)
    if d.exposures:
        clusters = sorted({e.cluster for e in d.exposures})
        stamps: list[Any] = sorted({s.hour for s in d.states})  # matplotlib takes datetimes
        table = {(e.hour, e.cluster): float(e.exposure) * 100 for e in d.exposures}
        fig, ax = plt.subplots(figsize=(10, 3.5))
        ax.stackplot(stamps, [[table.get((h, c), 0.0) for h in stamps] for c in clusters], labels=clusters, alpha=0.85)
        ax.set_ylabel("exposure % of equity")
        ax.legend(loc="upper left", fontsize=7, ncol=4)
        ax.grid(alpha=0.3)
        fig.tight_layout()
        out["exposure"] = _svg(fig)
        plt.close(fig)
    rolling = [r for r in d.treasury.chart if r.window_days > 1]
    daily = [r for r in d.treasury.chart if r.window_days == 1]
    if rolling or daily:
        fig, ax = plt.subplots(figsize=(10, 3.5))
        if daily:
            day_ends: list[Any] = [r.period_to for r in daily]  # matplotlib takes datetimes
            ax.bar(day_ends, [float(r.surplus) for r in daily], width=0.8, color="#7fa7d6",
                   label="day surplus")
        if rolling:
            window = rolling[-1].window_days
            ends: list[Any] = [r.period_to for r in rolling]
            ax.plot(ends, [float(r.surplus) for r in rolling], color="#1f5fa8",
                    linewidth=1.4, marker="o", markersize=3, label=f"rolling {window}-day surplus")
            acted = [r for r in rolling if r.policy_action != "none"]
            if acted:
                acted_ends: list[Any] = [r.period_to for r in acted]
                ax.scatter(acted_ends, [float(r.surplus) for r in acted], color="#c0392b",
                           zorder=3, label="policy action")
        ax.axhline(0, color="#555555", linewidth=0.8)
        ax.set_ylabel(f"net operating surplus ({d.account_row.base_currency})")
        ax.legend(loc="upper left", fontsize=8)
        ax.grid(alpha=0.3)
        fig.autofmt_xdate()
        fig.tight_layout()
        out["surplus"] = _svg(fig)
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
    gate_results: tuple[Sequence[GateResult], Verification] | None = None,
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
    env.filters["pct"] = _pct
    env.filters["ts"] = lambda t: "" if t is None else t.strftime("%Y-%m-%d %H:%M")
    chart_files: dict[str, str] = {}
    if fmt == "md":
        for name, svg in svgs.items():
            path = out_dir / f"{stem}_{name}.svg"
            path.write_text(svg)
            chart_files[name] = path.name
    page = env.get_template(f"report.{fmt}.j2").render(
        d=data,
        s=data.summary,
        charts={name: svgs.get(name, "") for name in CHARTS},  # a period without exposure has no such chart
        chart_files={name: chart_files.get(name, "") for name in CHARTS},
        title=title or f"Predator report — {account}",
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


def _pct(value: Any, places: int = 1) -> str:
    """A fraction as a percentage (0.05 -> "5.0 %"); "—" for None."""
    return "—" if value is None else f"{float(value) * 100:,.{places}f} %"


def day_bounds(day: datetime) -> tuple[datetime, datetime]:
    """A UTC day as (start, end]: the hours whose close lies after 00:00 and up to the next 00:00."""
    start = day.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=1)
