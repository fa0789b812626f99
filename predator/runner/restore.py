"""Venue restore (docs/architecture.md §4, "restart"): the database is the checkpoint.

A simulated venue's memory dies with the process. On every start it is rebuilt from the book — the
trading account's balances and the orders that reached the venue and are not final — with bars before the
last closed hour counted as matched; then the book is reconciled with the venue before anything new is
sent. A real venue keeps its own memory and is only reconciled.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import psycopg

from predator.db import api, reads
from predator.runner.relay import VenueRelay
from predator.venues.base import RestingOrder, SimulatedVenue, Venue


def restore_venue(conn: psycopg.Connection[Any], venue: Venue, account: str) -> None:
    """Hand a simulated venue its memory back: balances, and the open orders as the book records them."""
    if not isinstance(venue, SimulatedVenue):
        return
    balances = {b.currency: b.balance for b in reads.balances(conn, account) if b.account_code == "trading"}
    checkpoint = reads.last_closed_hour(conn, account)
    resting = [
        RestingOrder(
            client_order_id=o.client_order_id,
            symbol=o.symbol,
            side=o.side,
            order_type=o.order_type,
            amount=o.quantity,
            price=o.limit_price,
            placed_at=o.ts,
            expiry=o.expiry,
            filled=o.filled_qty,
            venue_order_id=o.venue_order_id,
            fills=o.fills,
            reference_price=o.decision_price,
        )
        for o in reads.live_orders(conn, account)
        if o.status != "new"  # never reached the venue: sent again by the relay's service_requests
    ]
    # At the checkpoint (the last closed hour T) the venue had matched every bar opening before T, unless the
    # worker could not reach it at T's close (or at the closes before): then only the bars before the last hour
    # whose close collected its events. An uninterrupted venue matches the rest once it is reached again, and
    # reports fills the book expired in between (chaos campaign 3, seed 529029589: a market sell placed at
    # 2023-05-24 11:00, the venue unreachable at 12:00 and 13:00, the worker's sessions dropped after 12:00;
    # the restarted venue expired the sell, the replay filled it in the 11:00 bar).
    matched = None
    if checkpoint is not None:  # no hour collected at all: every bar since each order arrived is still to match
        matched = reads.last_collected_hour(conn, account, checkpoint) or datetime.fromtimestamp(0, UTC)
    venue.restore(balances, resting, checkpoint, matched)
    # A chaos campaign's venue (predator.chaos.venue) knows what the book does not (a ghost fill it never
    # made, a withdrawal): it is handed the book's ghost fills (those not voided) and the transfers an operator
    # posted (the book's balances hold them already) to put its own truth back.
    truth = getattr(venue, "restore_truth", None)
    if truth is not None:
        from predator.db import chaos_db

        truth(chaos_db.ghost_fills(conn, account), chaos_db.posted_transfers(conn, account))
    conn.commit()


def startup_reconciliation(conn: psycopg.Connection[Any], relay: VenueRelay, account: str, start: datetime) -> None:
    """On every start, compare the book with the venue before anything new is sent. The book stands at the last
    closed hour (``start`` when none closed yet); a venue on its own clock has gone on trading since, so what it
    holds is taken back to that hour first (:meth:`VenueRelay.observe_as_of`: its trades since then reversed, the
    orders they ended listed open again), and the next hour's poll relays those trades. A simulated venue was
    restored to the book and is observed as it is."""
    last = reads.last_closed_hour(conn, account)
    conn.commit()
    observed = relay.observe_as_of(conn, last or start)
    if observed is None:
        return
    balances, open_orders = observed
    with conn.transaction():
        api.run_many(
            conn,
            [
                api.reconcile_call(
                    account=account,
                    ts=last or start,
                    venue_balances=dict(balances),
                    venue_open_orders=open_orders,
                    kind="startup",
                )
            ],
        )
