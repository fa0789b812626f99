"""Alerts and metrics (issue 16 items 5 and 6) against a real database and a real local HTTP endpoint: the alert
of a real halt reaches a JSON webhook through apprise's json:// plugin via ``predator notify run --once``; the same
dedup key twice is delivered once; a channel's rate limit holds alerts back; a failing endpoint gets a bounded
number of attempts, each recorded, the last one ``failed``, and no secret of its URL reaches a row or the log; the
Prometheus exporter, scraped over HTTP and parsed, reports what the SQL says."""

from __future__ import annotations

import json
import os
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from predator.alerts.config import Channel, NotifierConfig, load
from predator.alerts.masking import mask, mask_url, secrets_of
from predator.alerts.notifier import Notifier
from predator.db import alerts as db_alerts
from predator.db.connection import Target
from predator.metrics.exporter import make_exporter, start_in_thread
from tests.helpers import approve_global_resume, build_book, run_cli

SECRET = "hunter2-very-secret-pw"


@dataclass
class Endpoint:
    """A JSON webhook on 127.0.0.1: what it received, and the status it answers with."""

    port: int
    received: list[dict[str, object]] = field(default_factory=list)
    status: int = 200


@pytest.fixture()
def endpoint() -> Iterator[Endpoint]:
    ep = Endpoint(port=0)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            ep.received.append(json.loads(body or b"{}"))
            self.send_response(ep.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    ep.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield ep
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _operator(db: Target, *statements: str) -> None:
    with db.connect("operator", autocommit=True) as op:
        for s in statements:
            if s.startswith("SELECT api.resume(") and "'lane'" not in s:  # the two-person rule: a global resume
                approve_global_resume(db, op)
            op.execute(s)


def _config(ep: Endpoint, *, user: str = "", retry_base: float = 0.0) -> NotifierConfig:
    auth = f"{user}:{SECRET}@" if user else ""
    return NotifierConfig(channels=(Channel("hook", f"json://{auth}127.0.0.1:{ep.port}/alerts"),),
                          retry_base_seconds=retry_base, retry_max_seconds=0.0, timeout_seconds=5.0)


def test_a_real_halt_reaches_a_json_endpoint_through_notify_run_once(db: Target, endpoint: Endpoint,
                                                                      tmp_path: Path) -> None:
    _operator(db, "SELECT api.halt('test: venue outage')")
    cfg = tmp_path / "notifier.toml"
    cfg.write_text(f'[[channel]]\nname = "hook"\nurl = "json://127.0.0.1:{endpoint.port}/alerts"\n')
    env = dict(os.environ, PREDATOR_DSN=db.dsn, PREDATOR_LOG=str(tmp_path / "predator.jsonl"))
    os.chmod(cfg, 0o600)  # a config open to others is refused: tests/unit/test_alerts_config.py
    done = run_cli("notify", "run", "--once", "--config", str(cfg), env=env)
    assert done.returncode == 0, done.stderr
    assert "1 delivered" in done.stdout
    assert len(endpoint.received) == 1
    msg = endpoint.received[0]
    assert "HALT global:* (operator): test: venue outage" in str(msg["title"])
    assert "category: halt" in str(msg["message"]) and "[CRITICAL]" in str(msg["title"])
    with db.connect("auditor") as conn:
        [alert] = db_alerts.alerts(conn, category="halt")
        assert alert.channels == {"hook": "delivered"}
        [attempt] = db_alerts.attempts(conn, alert_seq=alert.seq)
    assert (attempt.status, attempt.ok, attempt.actor) == ("delivered", True, "predator_notifier_login")
    again = Notifier(db, load(cfg)).run_once()  # the next pass finds nothing to send
    assert again.delivered == 0 and len(endpoint.received) == 1


def test_the_same_dedup_key_twice_is_delivered_once(db: Target, endpoint: Endpoint) -> None:
    _operator(db, "SELECT api.halt('test: first')", "SELECT api.resume('test: back')",
              "SELECT api.halt('test: second')")
    summary = Notifier(db, _config(endpoint)).run_once()
    titles = [str(m["title"]) for m in endpoint.received]
    assert sum("HALT global" in t for t in titles) == 1, titles
    assert "test: first" in " ".join(titles) and "test: second" not in " ".join(titles)
    assert (summary.delivered, summary.deduplicated) == (2, 1)
    with db.connect("auditor") as conn:
        halts = db_alerts.alerts(conn, category="halt")
        statuses = [a.channels["hook"] for a in halts]
        dup = db_alerts.attempts(conn, alert_seq=halts[1].seq)
    assert statuses == ["delivered", "deduplicated"]
    assert dup[0].duplicate_of == halts[0].seq


def test_a_channels_rate_limit_holds_alerts_back(db: Target, endpoint: Endpoint) -> None:
    _operator(db, "SELECT api.set_setting('alert_rate_limit_per_minute', 2, 'test: two a minute')",
              "SELECT api.halt('test: a')", "SELECT api.resume('test: b')",
              "SELECT api.halt('test: c', 'lane', 'paper')", "SELECT api.resume('test: d', 'lane', 'paper')")
    notifier = Notifier(db, _config(endpoint))
    first = notifier.run_once()
    assert (first.delivered, first.rate_limited) == (2, 2)
    assert len(endpoint.received) == 2
    second = notifier.run_once()  # within the same minute: the budget is spent (counted from the recorded attempts)
    assert (second.delivered, second.rate_limited) == (0, 2)
    with db.connect("notifier") as conn:
        assert len(db_alerts.pending(conn, channels=["hook"])) == 2


def test_a_failing_endpoint_gets_bounded_attempts_recorded_masked(db: Target, endpoint: Endpoint,
                                                                  tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                                  ) -> None:
    log = tmp_path / "predator.jsonl"
    monkeypatch.setenv("PREDATOR_LOG", str(log))
    endpoint.status = 500
    _operator(db, "SELECT api.set_setting('alert_max_attempts', 3, 'test: three attempts')",
              "SELECT api.halt('test: endpoint down')")
    notifier = Notifier(db, _config(endpoint, user="ops"))
    outcomes = [notifier.run_once() for _ in range(4)]
    assert [(o.retried, o.failed) for o in outcomes] == [(1, 0), (1, 0), (0, 1), (0, 0)]
    assert len(endpoint.received) == 3, "never retried forever: three attempts, then the alert is given up"
    with db.connect("auditor") as conn:
        [alert] = db_alerts.alerts(conn, category="halt")
        attempts = db_alerts.attempts(conn, alert_seq=alert.seq)
    assert [a.status for a in attempts] == ["retry", "retry", "failed"]
    assert alert.channels == {"hook": "failed"}
    assert all(a.error and SECRET not in a.error for a in attempts), [a.error for a in attempts]
    assert all("500" in (a.error or "") for a in attempts), [a.error for a in attempts]
    if log.exists():
        assert SECRET not in log.read_text()


def test_masking_of_channel_urls() -> None:
    tg = "tgram://123456789:AAEhBOweik6ad9r_QXMENQjcrGbqCr4K-bs/-1001234567"
    assert "AAEhBOweik6ad9r_QXMENQjcrGbqCr4K-bs" not in mask_url(tg)
    mail = f"mailtos://ops:{SECRET}@smtp.example.org?to=oncall@example.org"
    assert SECRET not in mask_url(mail) and "smtp.example.org" in mask_url(mail)
    assert SECRET in secrets_of(mail)
    hook = "json://127.0.0.1:8080/hook?token=s3cr3t-token-value"
    assert "s3cr3t-token-value" not in mask(f"POST {hook} failed", [])
    assert repr(Channel("tg", tg)).count("AAEh") == 0


def _scrape(port: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as r:
        text = r.read().decode()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for fam in text_string_to_metric_families(text) for s in fam.samples}


def test_the_exporter_reports_what_the_sql_says(db: Target) -> None:
    book = build_book(db)
    _operator(db, "SELECT api.halt('test: scrape me')",
              f"SELECT api.halt('test: one book', 'account', '{book.account}')")
    server = make_exporter(db, 0)
    assert server.server_address[0] == "127.0.0.1"
    start_in_thread(server)
    try:
        m = _scrape(server.server_port)
    finally:
        server.shutdown()
        server.server_close()
    with db.connect("auditor") as conn:
        def q(sql: str) -> float:
            row = conn.execute(sql).fetchone()
            assert row is not None
            return float(row[0])
        assert m[("predator_database_up", ())] == 1
        assert m[("predator_halts_active", (("scope_kind", "global"),))] == 1
        assert m[("predator_halts_active", (("scope_kind", "account"),))] == 1
        acct = (("account", book.account),)
        where = f"WHERE account = '{book.account}'"
        assert m[("predator_orders_total", acct)] == q(f"SELECT count(*) FROM api.orders {where}")
        assert m[("predator_fills_total", acct)] == q(f"SELECT count(*) FROM api.fills {where}")
        eq = q(f"SELECT equity FROM api.hourly_states WHERE account = '{book.account}' ORDER BY hour DESC LIMIT 1")
        assert m[("predator_equity", (("account", book.account), ("currency", "USDT")))] == pytest.approx(eq)
        dd = q(f"SELECT drawdown FROM api.hourly_states WHERE account = '{book.account}' ORDER BY hour DESC LIMIT 1")
        assert m[("predator_drawdown_ratio", acct)] == pytest.approx(dd)
        refusals = dict(conn.execute("SELECT r, count(*) FROM api.decisions, unnest(reasons) r"
                                     " WHERE outcome = 'refused' GROUP BY 1").fetchall())
        assert refusals, "the book has a refusal"
        for reason, n in refusals.items():
            assert m[("predator_refusals_total", (("reason", reason),))] == n
        assert m[("predator_alerts_pending", ())] == q("SELECT count(*) FROM api.alerts WHERE channels = '{}'")
        assert m[("predator_alerts_total", (("category", "halt"),))] == q(
            "SELECT count(*) FROM api.alerts WHERE category = 'halt'")
        held = conn.execute("SELECT symbol FROM api.positions WHERE account = %s", (book.account,)).fetchall()
        for (symbol,) in held:
            stale = m[("predator_feed_staleness_seconds", (("symbol", symbol), ("venue", "binance")))]
            assert stale == pytest.approx(q(
                "SELECT extract(epoch FROM staleness) FROM api.feed_status(now())"
                f" WHERE venue = 'binance' AND symbol = '{symbol}' AND interval = '1h'"), rel=1e-3, abs=5)
    assert not any(name == "predator_feed_staleness_seconds" and dict(labels).get("symbol") == "SOL/USDT"
                   for name, labels in m), "only the symbols of traded books are labelled"


def test_the_exporter_reports_latency_fill_rate_slippage_rejections_and_hour_closes(db: Target) -> None:
    book = build_book(db)
    with db.connect("worker", autocommit=True) as w:
        w.execute("SELECT api.record_venue_health(%s, '2024-03-01T09:30:00Z', 20, 2, true)", (book.account,))
    server = make_exporter(db, 0)
    start_in_thread(server)
    try:
        m = _scrape(server.server_port)
    finally:
        server.shutdown()
        server.server_close()
    acct = (("account", book.account),)
    with db.connect("auditor") as conn:
        orders, rejected, filled = conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE status = 'rejected'), count(*) FILTER (WHERE filled_qty > 0)"
            " FROM api.orders WHERE account = %s", (book.account,)).fetchone()
        slips = [r[0] for r in conn.execute("SELECT slippage_bps FROM api.fills WHERE account = %s AND NOT voided"
                                            " AND slippage_bps IS NOT NULL", (book.account,)).fetchall()]
        refused, decided = conn.execute(
            "SELECT count(*) FILTER (WHERE outcome = 'refused'), count(*) FILTER (WHERE outcome <> 'hold')"
            " FROM api.decisions WHERE account = %s", (book.account,)).fetchone()
    assert rejected == 1 and m[("predator_orders_rejected_total", acct)] == 1
    assert m[("predator_order_rejection_ratio", acct)] == pytest.approx(rejected / orders)
    assert m[("predator_order_fill_ratio", acct)] == pytest.approx(filled / orders)
    assert m[("predator_admission_refusal_ratio", acct)] == pytest.approx(refused / decided)
    assert m[("predator_fill_slippage_ratio_count", acct)] == len(slips)
    assert m[("predator_fill_slippage_ratio_sum", acct)] == pytest.approx(float(sum(slips)) / 10000)
    assert m[("predator_order_ack_latency_seconds_count", acct)] == orders  # every order had a venue answer
    assert m[("predator_order_ack_latency_seconds_sum", acct)] >= 0
    assert m[("predator_hour_close_duration_seconds_count", acct)] == len(book.hours_closed)
    assert m[("predator_hour_close_duration_seconds_sum", acct)] >= m[("predator_hour_close_last_duration_seconds",
                                                                        acct)] >= 0
    assert (m[("predator_venue_api_calls_total", acct)], m[("predator_venue_api_errors_total", acct)]) == (20, 2)
    labels = {k for name, labels in m for k, _ in labels if name.startswith(("predator_order", "predator_fill",
                                                                              "predator_hour_close"))}
    assert labels == {"account"}, "no high-cardinality label (symbol, order id) on the execution metrics"
