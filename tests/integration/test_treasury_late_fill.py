"""A fill relayed after its day's self-financing status was stored (a venue outage delays the report; the fill keeps
the venue's time, inside the closed day).

The stored day row is what the close knew: it names the book's newest journal transaction then (``known_tx_seq``),
and gate 21 recomputes it from the postings of the transactions up to that one, so the row still reconciles to the
cent; the late fill's realized PnL and fee are in the rolling window stored at the next day's close, which
recomputes by business time. Seen in chaos campaign 3 seed 867115919 (a 3-hour HTTP 5xx burst from 2023-05-12
22:00 delayed two fills past the day's close; gate 21 failed every day after)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import psycopg

from predator.db.connection import Target
from tests.helpers import ack, close, close_price, fill, hour, load_market, new_account, signal
from tests.integration.test_treasury import gate_21

BTC = "BTC/USDT"
QTY = Decimal("0.01")


def test_a_fill_relayed_after_its_days_status_leaves_that_row_reconciled(db: Target) -> None:
    with db.connect("operator") as conn:
        load_market(conn, (BTC,), hours=48)
        account = new_account(conn)
        for n in range(1, 21):
            close(conn, account, n)
        buy = signal(conn, account, BTC, 20, "buy", QTY)
        assert buy.outcome == "admitted", buy
        ack(conn, buy.client_order_id, hour(20) + timedelta(seconds=1))
        fill(conn, buy.client_order_id, QTY, close_price(BTC, 20), hour(20) + timedelta(seconds=2))
        close(conn, account, 21)
        sell = signal(conn, account, BTC, 22, "sell", QTY)
        assert sell.outcome == "admitted", sell
        ack(conn, sell.client_order_id, hour(22) + timedelta(seconds=1))
        for n in (22, 23, 24):  # hour(24) is 00:00 UTC: the day's status is stored without the sell's fill
            close(conn, account, n)
        late = fill(conn, sell.client_order_id, QTY, close_price(BTC, 22), hour(22) + timedelta(seconds=2),
                    trade_id="late-sell")
        assert late
        for n in range(25, 49):  # through the next day's close: the rolling window stored then has the fill
            close(conn, account, n)

    assert gate_21(db, account) == []
    with psycopg.connect(db.role_dsn("auditor")) as a:
        realized_tx, realized = a.execute(
            "SELECT t.seq, -sum(p.amount) FROM ledger.transaction t JOIN ledger.posting p"
            " ON p.book_id = t.book_id AND p.tx_seq = t.seq"
            " WHERE t.kind = 'realized' AND t.ref = 'late-sell' AND p.account_code = 'realized_pnl'"
            " GROUP BY t.seq").fetchone() or (None, None)
        assert realized_tx is not None and realized != 0
        rows = a.execute(
            "SELECT day::text, window_days, realized_pnl, known_tx_seq FROM portfolio.treasury_status"
            " WHERE period_to IN (%s, %s) ORDER BY period_to, window_days", (hour(24), hour(48))).fetchall()
    assert [(r[0], r[1]) for r in rows] == [("2024-03-01", 1), ("2024-03-01", 30), ("2024-03-02", 1),
                                            ("2024-03-02", 30)]
    (day1, w1, day1_realized, day1_known), (day2, w30, window_realized, window_known) = rows[0], rows[3]
    assert (day1, w1, day1_realized) == ("2024-03-01", 1, 0)  # stored before the fill was relayed
    assert day1_known < realized_tx <= window_known
    assert (day2, w30, window_realized) == ("2024-03-02", 30, realized)  # the window recomputes by business time
