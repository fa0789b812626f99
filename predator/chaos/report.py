"""The HTML report of a chaos campaign (``predator chaos report``): seed 001's metrics (``api.chaos_metrics``),
the equity and drawdown curves with the fault timeline overlaid and the halts and recoveries marked (inline
SVG), the fault list, and a post-mortem per halt generated from the incident log. Template:
``reports/templates/chaos.html.j2``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import jinja2

from predator.db import chaos_db
from predator.db.connection import Target
from predator.errors import NotFoundError
from predator.reports.report import TEMPLATES

W, H, PAD = 900, 220, 40
LAYER_COLOURS = {"venue": "#d98c00", "worker": "#c0392b", "postgres": "#8e44ad", "decision": "#2471a3",
                 "feed": "#16a085", "memory": "#7f8c8d", "operator": "#000000"}


@dataclass(frozen=True)
class Chart:
    """An inline SVG chart: a polyline, its vertical markers (x, colour, title) and axis labels."""

    title: str
    points: str
    markers: list[tuple[float, str, str]]
    bands: list[tuple[float, float, str]]
    y_min: str
    y_max: str
    width: int = W
    height: int = H


def _x(t: datetime, first: datetime, last: datetime) -> float:
    span = max((last - first).total_seconds(), 1.0)
    return PAD + (W - 2 * PAD) * (t - first).total_seconds() / span


def chart(title: str, series: list[tuple[datetime, float]], first: datetime, last: datetime,
          faults: list[tuple[datetime, str, str]], halts: list[tuple[datetime, datetime | None, str]]) -> Chart:
    values = [v for _, v in series] or [0.0]
    lo, hi = min(values), max(values)
    if hi == lo:
        hi = lo + 1.0
    pts = " ".join(f"{_x(t, first, last):.1f},{PAD + (H - 2 * PAD) * (1 - (v - lo) / (hi - lo)):.1f}"
                   for t, v in series)
    markers = [(_x(t, first, last), LAYER_COLOURS.get(layer, "#555"), f"{t:%Y-%m-%d %H:00} {layer}: {kind}")
               for t, layer, kind in faults]
    bands = [(_x(a, first, last), _x(b or last, first, last), why) for a, b, why in halts]
    return Chart(title, pts, markers, bands, f"{lo:,.4g}", f"{hi:,.4g}")


def context(target: Target, campaign_id: int) -> dict[str, Any]:
    with target.connect("auditor") as conn:
        row = chaos_db.campaign(conn, campaign_id)
        if row is None:
            raise NotFoundError(f"no chaos campaign {campaign_id} (api.chaos_campaigns lists them)")
        first, last, account = row["first_hour"], row["last_hour"], row["account"]
        faults = chaos_db.campaign_faults(conn, campaign_id)
        curve = chaos_db.equity_curve(conn, account, first, last)
        started = row["recorded_at"] - timedelta(seconds=float(row["wall_seconds"]))
        events = chaos_db.halt_history(conn, account, started, row["recorded_at"])
        incidents = chaos_db.incident_log(conn, account, first, last)
    # Halts in business time: a system halt carries its hour; a resume is placed at the next halt-free close.
    halts: list[tuple[datetime, datetime | None, str]] = []
    open_: dict[str, tuple[datetime, str]] = {}
    for scope_kind, scope_key, action, reason, _source, _actor, ts, _eff in events:
        key = f"{scope_kind}:{scope_key}"
        if action == "halt":
            open_[key] = (ts or first, reason)
        elif key in open_:
            a, why = open_.pop(key)
            halts.append((a, ts, f"{key}: {why}"))
    halts += [(a, None, f"{k}: {why}") for k, (a, why) in open_.items()]
    timeline = [(h, layer, kind) for h, layer, kind, _p, outcome in faults if not outcome.startswith("missed")]
    eq = [(t, float(e)) for t, e, _ in curve]
    dd = [(t, -100 * float(d)) for t, _, d in curve]
    postmortems = [
        {"incident": i, "halt_events": [e for e in events if e[6] is not None and i["ts"] is not None
                                        and abs((e[6] - i["ts"]).total_seconds()) < 3600]}
        for i in incidents
    ]
    return {
        "c": row,
        "faults": faults,
        "equity": chart("Equity (quote) with the fault timeline", eq, first, last, timeline, halts),
        "drawdown": chart("Drawdown (%) with halts and recoveries", dd, first, last, timeline, halts),
        "events": events,
        "postmortems": postmortems,
        "colours": LAYER_COLOURS,
    }


def write(target: Target, campaign_id: int, out: Path) -> Path:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                             autoescape=jinja2.select_autoescape(["html", "j2"]), undefined=jinja2.StrictUndefined)
    page = env.get_template("chaos.html.j2").render(**context(target, campaign_id))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page)
    return out
