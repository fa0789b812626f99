"""The console's SQLSTATE -> HTTP status mapping (docs/errors.md, "The console's HTTP statuses"): every PD code
of the registry (predator.errors) has a status, and the classes the table names map as it says."""

from __future__ import annotations

import pytest

from predator import errors
from predator.console.errors import from_database, http_status


@pytest.mark.parametrize(("sqlstate", "status"), [
    ("PD011", 404), ("PD012", 422), ("PD015", 422), ("PD014", 409), ("PD008", 409), ("PD016", 409), ("PD001", 409),
    ("23514", 409), ("23505", 409), ("42501", 403), ("08006", 503), ("57P01", 503), ("53300", 503),
    ("XX000", 500), ("42883", 500),
])
def test_each_sqlstate_class_maps_to_its_status(sqlstate: str, status: int) -> None:
    assert http_status(sqlstate) == status


def test_every_registered_pd_code_is_a_client_error() -> None:
    for code in errors._BY_SQLSTATE:
        assert 400 <= http_status(code) < 500, code


def test_a_refusal_keeps_the_databases_message_hint_and_detail() -> None:
    refusal = errors.ResumeRefused("resume of global * refused: reconciliation is dirty for a1", "PD014",
                                   "k=v", "Find the difference, then resume after a clean reconciliation.")
    problem = from_database(refusal)
    assert problem.status == 409
    assert problem.body() == {"code": "PD014", "message": "resume of global * refused: reconciliation is dirty for a1",
                              "hint": "Find the difference, then resume after a clean reconciliation.", "detail": "k=v"}
