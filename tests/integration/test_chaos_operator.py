"""The campaign's scripted operator (predator.chaos.campaign.Campaign.operator) follows the runbook on a real
database: a halt is resumed, with a recorded reason, once its incident is reviewed and resolved and only after a
clean reconciliation; a halt without an incident is left in force and reported."""

from __future__ import annotations

from decimal import Decimal

from predator.chaos.campaign import Campaign
from predator.db import api, chaos_db
from predator.db.connection import Target


def _account(op: object, name: str) -> None:
    api.create_account(op, name, mode="paper", venue="binance", base_currency="USDT", lane="paper",  # type: ignore[arg-type]
                       initial_principal=Decimal(1000), risk_profile="default", reason="chaos operator test")


def test_operator_resumes_a_halt_after_the_runbook_checks(db: Target) -> None:
    camp = Campaign(db, 1, 5, days=2)
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
    camp = Campaign(db, 1, 6, days=2)
    halt = chaos_db.HaltInForce("account", camp.account, "no incident", "system", None, None)
    assert camp.operator([halt], reconciled=True) == ([], [f"account:{camp.account}"])
