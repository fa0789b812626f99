"""The campaign's scripted operator (predator.chaos.campaign.Campaign.operator) follows the runbook on a real
database: a halt is resumed, with a recorded reason, once its incident is reviewed and resolved and only after a
clean reconciliation; a halt without an incident is left in force and reported; a terminal withdrawal is corrected
(api.post_venue_transfer) when the reconciliation's differences are exactly the relayed withdrawal, and left alone
otherwise."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from predator.chaos.campaign import Campaign
from predator.chaos.schedule import Fault
from predator.db import api, chaos_db
from predator.db.connection import Target
from tests import helpers


def _account(op: object, name: str) -> None:
    api.create_account(op, name, mode="paper", venue="binance", base_currency="USDT", lane="paper",  # type: ignore[arg-type]
                       initial_principal=Decimal(1000), risk_profile="default", reason="chaos operator test")


def test_operator_resumes_a_halt_after_the_runbook_checks(db: Target) -> None:
    camp = Campaign(db, 1, 5, days=2, own_database=False)
    with db.connect("operator", autocommit=True) as op:
        _account(op, camp.account)
        api.halt(op, "chaos test: venue unreachable", "account", camp.account)
    with db.connect("auditor") as aud:
        halts = chaos_db.halts_in_force(aud, camp.account)
    assert [h.scope_kind for h in halts] == ["account"] and halts[0].incident is not None
    incident = halts[0].incident
    # The runbook's first check: no resume while the reconciliation is not clean.
    assert camp.operator(halts, reconciled=False) == ([], [])
    with db.connect("auditor") as aud:
        assert len(chaos_db.halts_in_force(aud, camp.account)) == 1
    resumed, blocked = camp.operator(halts, reconciled=True)
    assert (resumed, blocked) == ([f"account:{camp.account}"], [])
    with db.connect("auditor") as aud:
        assert chaos_db.halts_in_force(aud, camp.account) == []
        assert chaos_db.open_incidents(aud, camp.account) == []
        row = aud.execute("SELECT reason FROM api.audit_log WHERE action = 'resume'"
                          " ORDER BY seq DESC LIMIT 1").fetchone()
        status = aud.execute("SELECT status, resolution FROM api.incidents WHERE incident = %s", (incident,)).fetchone()
    assert row is not None and row[0].startswith(f"chaos operator: runbook checks passed for {incident}")
    assert status is not None and status[0] == "resolved" and "chaos operator" in status[1]


def test_a_halt_without_an_incident_is_reported_not_resumed(db: Target) -> None:
    camp = Campaign(db, 1, 6, days=2, own_database=False)
    halt = chaos_db.HaltInForce("account", camp.account, "no incident", "system", None, None)
    assert camp.operator([halt], reconciled=True) == ([], [f"account:{camp.account}"])


T0 = datetime(2023, 3, 1, tzinfo=UTC)


def _withdrawn_book(db: Target, camp: Campaign, venue_usdt: Decimal) -> list[chaos_db.HaltInForce]:
    """A book of 1000 USDT whose venue account lost 100 USDT to a withdrawal (relayed by the worker: global halt,
    incident), closed at T0, then reconciled against ``venue_usdt``: the state a campaign's terminal withdrawal
    leaves at a segment's end."""
    with db.connect("operator", autocommit=True) as op:
        _account(op, camp.account)
        api.deposit(op, camp.account, Decimal(1000), T0, "chaos operator test")
    with db.connect("worker", autocommit=True) as w:
        api.close_hour(w, camp.account, T0)
        api.run(w, api.record_venue_transfer_call(camp.account, "withdrawal", "USDT", Decimal(100), "w-test",
                                                  T0 + timedelta(minutes=10)))
        assert not api.reconcile(w, account=camp.account, ts=T0 + timedelta(minutes=20),
                                 venue_balances={"USDT": venue_usdt}, venue_open_orders=[]).clean
    with db.connect("auditor") as aud:
        return chaos_db.halts_in_force(aud, camp.account)


def test_operator_corrects_a_withdrawal_then_resumes_after_a_clean_reconciliation(db: Target) -> None:
    """The runbook for a terminal withdrawal (docs/chaos.md): the differences are the relayed withdrawal, so the
    operator posts it citing the halt's incident; the next reconciliation is clean; the incidents are resolved
    naming the correction and the global halt resumed."""
    camp = Campaign(db, 1, 9, days=2, own_database=False)
    fault = Fault(0, "venue", "withdrawal", (("amount", 100),))
    halts = _withdrawn_book(db, camp, Decimal(900))
    assert [h.scope_kind for h in halts] == ["global"] and halts[0].incident is not None
    assert camp.correct(halts, False, [fault]) == ["withdrawal 100 USDT w-test posted"]
    assert camp.ended(halts, False, [fault]) is None
    assert camp.correct(halts, False, [fault]) == []  # posted once: nothing left to correct
    with db.connect("auditor") as aud:
        posted = aud.execute("SELECT t.amount, t.incident, v.posted FROM api.transfer_postings t"
                             " JOIN api.venue_transfers v USING (account, venue_ref) WHERE t.account = %s",
                             (camp.account,)).fetchall()
        principal = aud.execute("SELECT amount FROM api.treasury_balances WHERE account = %s AND ledger = 'principal'",
                                (camp.account,)).fetchone()
    assert posted == [(Decimal(100), halts[0].incident, True)]
    assert principal is not None and principal[0] == Decimal(900)
    with db.connect("worker", autocommit=True) as w:
        assert api.reconcile(w, account=camp.account, ts=T0 + timedelta(hours=1),
                             venue_balances={"USDT": Decimal(900)}, venue_open_orders=[]).clean
    assert camp.operator(halts, reconciled=True) == (["global:*"], [])
    with db.connect("auditor") as aud:
        assert chaos_db.halts_in_force(aud, camp.account) == []
        assert chaos_db.open_incidents(aud, camp.account) == []
        res = aud.execute("SELECT resolution FROM api.incidents WHERE account = %s", (camp.account,)).fetchall()
    assert res and all("book corrected (withdrawal 100 USDT w-test posted)" in r[0] for r in res)


def test_operator_leaves_differences_it_cannot_explain(db: Target) -> None:
    """A venue balance that the relayed withdrawal does not explain (850, not 900) is not corrected: the account's
    trading ends with the halt in force."""
    camp = Campaign(db, 1, 10, days=2, own_database=False)
    fault = Fault(0, "venue", "withdrawal", (("amount", 100),))
    halts = _withdrawn_book(db, camp, Decimal(850))
    assert camp.correct(halts, False, [fault]) == []
    assert camp.ended(halts, False, [fault]) is not None
    with db.connect("auditor") as aud:
        assert aud.execute("SELECT count(*) FROM api.transfer_postings").fetchone() == (0,)


def _ghost_sold_book(db: Target, camp: Campaign,
                     later_buy: bool) -> tuple[list[chaos_db.HaltInForce], dict[str, Decimal]]:
    """A book that bought 0.5 ETH, then recorded a sell of it the venue never made (trade id ``…-ghost``; with
    ``later_buy`` a real buy of 0.1 ETH follows it), reconciled against what the venue holds: the state a
    campaign's terminal ghost sell leaves at a segment's end. Returns the halts and the venue's balances."""
    with db.connect("worker") as w:
        helpers.load_market(w, ("ETH/USDT",), 12)
    with db.connect("operator", autocommit=True) as op:
        helpers.new_account(op, name=camp.account)
    with db.connect("worker", autocommit=True) as w:
        trades = [(1, "buy", "eth-b"), (2, "sell", "eth-ghost")] + ([(3, "buy", "eth-b2")] if later_buy else [])
        for n, side, tid in trades:
            qty = Decimal("0.1") if tid == "eth-b2" else Decimal("0.5")
            dec = helpers.signal(w, camp.account, "ETH/USDT", n, side, quantity=qty)
            assert dec.outcome == "admitted" and dec.client_order_id is not None, dec
            helpers.ack(w, dec.client_order_id, helpers.hour(n))
            helpers.fill(w, dec.client_order_id, qty, helpers.close_price("ETH/USDT", n),
                         helpers.hour(n) + timedelta(minutes=1), trade_id=tid)
        helpers.close(w, camp.account, 4)
    with db.connect("auditor") as aud:
        book = {str(c): Decimal(b) for c, b in aud.execute(
            "SELECT b.currency, b.balance FROM ledger.balance b JOIN trading.account a USING (book_id)"
            " WHERE a.name = %s AND b.account_code = 'trading'", (camp.account,)).fetchall()}
        g = aud.execute("SELECT quantity, price, fee FROM api.fills WHERE venue_trade_id = 'eth-ghost'").fetchone()
    assert g is not None
    # The venue never sold: it still holds the ETH, never received the USDT, charged no fee.
    venue = dict(book, ETH=book.get("ETH", Decimal(0)) + g[0], USDT=book["USDT"] - g[0] * g[1] + g[2])
    with db.connect("worker", autocommit=True) as w:
        assert not api.reconcile(w, account=camp.account, ts=helpers.hour(4) + timedelta(minutes=5),
                                 venue_balances=venue, venue_open_orders=[]).clean
    with db.connect("auditor") as aud:
        return chaos_db.halts_in_force(aud, camp.account), venue


def test_operator_voids_a_ghost_sell_then_the_reconciliation_is_clean(db: Target) -> None:
    """The runbook for a terminal ghost fill on a sell (docs/chaos.md): the differences are the ghost sell's
    (venue − book: +quantity of the base, −quantity × price of the quote, +fee), so the operator voids it citing
    the halt's incident; the next reconciliation against the same venue balances is clean."""
    camp = Campaign(db, 1, 12, days=2, own_database=False)
    halts, venue = _ghost_sold_book(db, camp, later_buy=False)
    fault = Fault(0, "venue", "ghost_fill", ())
    assert camp.correct(halts, False, [fault]) == ["fill ETH/USDT eth-ghost voided"]
    assert camp.correct(halts, False, [fault]) == []  # voided once: nothing left to correct
    with db.connect("worker", autocommit=True) as w:
        assert api.reconcile(w, account=camp.account, ts=helpers.hour(4) + timedelta(minutes=45),
                             venue_balances=venue, venue_open_orders=[]).clean
    assert camp.operator(halts, reconciled=True) == (["global:*"], [])


def test_operator_cannot_void_a_ghost_sell_a_later_fill_followed(db: Target) -> None:
    """A ghost sell followed by a real fill of its symbol is not the symbol's newest fill: api.void_fill refuses it
    (PD016), the correction is reported refused and the account's trading ends with the halt in force."""
    camp = Campaign(db, 1, 13, days=2, own_database=False)
    halts, _venue = _ghost_sold_book(db, camp, later_buy=True)
    fault = Fault(0, "venue", "ghost_fill", ())
    done = camp.correct(halts, False, [fault])
    assert len(done) == 1 and done[0].startswith("correction refused:") and "newest fill" in done[0]
    assert camp.ended(halts, False, [fault]) is not None
    with db.connect("auditor") as aud:
        assert aud.execute("SELECT count(*) FROM api.fill_voids").fetchone() == (0,)
