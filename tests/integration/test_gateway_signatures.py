"""The hot-path gateway is typed from the catalog: each keyword-only wrapper in predator/db/api.py (and its
``*_call`` form) takes exactly the arguments of its ``api.*`` routine in ``pg_proc`` — same names (without
the ``p_`` prefix), same order and count, defaults on the same trailing arguments — and its docstring lists
PD codes that docs/errors.md registers."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from predator.db import api
from predator.db.connection import Target

HOT_PATH = ("submit_signal", "record_fill", "record_order_event", "reconcile")
ERRORS_MD = Path(__file__).resolve().parents[2] / "docs" / "errors.md"


def _catalog(target: Target, name: str) -> tuple[list[str], int]:
    with target.connect("auditor") as conn:
        rows = conn.execute(
            "SELECT p.proargnames, p.proargmodes, p.pronargs, p.pronargdefaults FROM pg_proc p"
            " WHERE p.pronamespace = 'api'::regnamespace AND p.proname = %s",
            (name,),
        ).fetchall()
    assert len(rows) == 1, f"api.{name} is overloaded or missing: {rows}"
    names, modes, nargs, ndefaults = rows[0]
    inputs = [n for i, n in enumerate(names) if modes is None or modes[i] in ("i", "b")]
    assert len(inputs) == nargs
    return [n.removeprefix("p_") for n in inputs], ndefaults


@pytest.mark.parametrize("name", HOT_PATH)
def test_each_hot_path_wrapper_takes_the_routines_arguments_keyword_only(db: Target, name: str) -> None:
    expected, ndefaults = _catalog(db, name)
    for fn, skip in ((getattr(api, name), 1), (getattr(api, f"{name}_call"), 0)):
        params = list(inspect.signature(fn).parameters.values())[skip:]
        assert [p.name for p in params] == expected, fn.__name__
        assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params), fn.__name__
        defaults = [p.name for p in params if p.default is not inspect.Parameter.empty]
        assert defaults == expected[len(expected) - ndefaults :], fn.__name__


@pytest.mark.parametrize("name", HOT_PATH)
def test_each_hot_path_wrapper_documents_registered_pd_codes(name: str) -> None:
    registered = set(re.findall(r"\*\*(PD\d{3})\*\*", ERRORS_MD.read_text()))
    documented = set(re.findall(r"\bPD\d{3}\b", inspect.getdoc(getattr(api, name)) or ""))
    assert documented, f"api.{name}: the docstring lists no PD code"
    assert documented <= registered, documented - registered
