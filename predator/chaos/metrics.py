"""A campaign's figures into the database (``api.record_chaos_campaign``); the metrics themselves are computed
in SQL from the book (``api.chaos_metrics``)."""

from __future__ import annotations

from typing import Any

from predator.chaos import schedule
from predator.chaos.campaign import CampaignResult
from predator.db import chaos_db
from predator.db.connection import Target
from predator.runner.config import HOUR


def campaign_row(res: CampaignResult, first_hour: Any) -> dict[str, Any]:
    last = first_hour + (res.days * 24 - 1) * HOUR
    return {
        "campaign": res.campaign, "seed": res.seed, "days": res.days, "schedule_digest": res.schedule_digest,
        "first_hour": first_hour.isoformat(), "last_hour": last.isoformat(),
        "faults_end_hour": (first_hour + schedule.faulted_hours(res.days) * HOUR).isoformat(),
        "worker_starts": res.worker_starts, "worker_kills": res.worker_kills, "db_stops": res.db_stops,
        "operator_resumes": res.operator_resumes,
        "failed_gate_checks": sum(1 for c in res.checks if not c.gates_passed),
        "failed_chain_checks": sum(1 for c in res.checks if not c.chains_ok),
        "segments": len(res.checks),
        "liveness_hour": res.liveness_hour.isoformat() if res.liveness_hour else None,
        "replay_parity": res.replay_parity, "passed": res.passed, "failures": res.failures,
        "wall_seconds": round(res.wall_s, 3),
    }


def fault_rows(res: CampaignResult) -> list[dict[str, Any]]:
    return [{"hour": i.at.isoformat(), "layer": i.fault.layer, "kind": i.fault.kind, "params": dict(i.fault.params),
             "outcome": i.outcome, "recovery_seconds": round(i.recovery_s, 3)} for i in res.injected]


def store(target: Target, res: CampaignResult, first_hour: Any) -> int:
    """Record the campaign (operator role); returns its id."""
    with target.connect("operator") as op:
        cid = chaos_db.record_campaign(op, res.account, campaign_row(res, first_hour), fault_rows(res),
                                       f"predator chaos run --campaign {res.campaign} --seed {res.seed} "
                                       f"--days {res.days}")
        op.commit()
    return cid
