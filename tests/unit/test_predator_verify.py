"""The offline verifier's canonical encoding (predator/tools/predator_verify.py) on the worked examples of
docs/hashing.md §4 and on jsonb's rendering rules, with no database (the comparison with rows the database
hashed is tests/integration/test_audit_export.py)."""

from __future__ import annotations

import ast
from pathlib import Path

from predator.tools import predator_verify as pv

GENESIS = bytes(32)
TS = "2024-01-01T00:00:00+00:00"


def _posting(**cells: str | None) -> tuple[dict[str, str | None], dict[str, str]]:
    encodings = {"tx_seq": "json", "leg": "json", "account_code": "text", "currency": "text", "amount": "json",
                 "seq": "json", "balance_after": "json", "ts": "text", "recorded_at": "text",
                 "prev_hash": "text", "row_hash": "text"}
    row = {"tx_seq": "1", "leg": "1", "account_code": "trading", "currency": "USDT", "amount": "1000", "seq": "1",
           "balance_after": "1000", "ts": TS, "recorded_at": "2026-01-01T10:11:12.5+00:00",
           "prev_hash": "\\x" + "00" * 32, "row_hash": None} | cells
    return row, encodings


def test_the_worked_deposit_posting_of_docs_hashing_gives_its_text_and_hash() -> None:
    row, enc = _posting()
    text = pv.canonical(row, enc, pv.EXCLUDED)
    assert text == ('{"ts": "2024-01-01T00:00:00+00:00", "leg": 1, "seq": 1, "amount": 1000, "tx_seq": 1,'
                    ' "currency": "USDT", "account_code": "trading", "balance_after": 1000}')
    assert pv.row_hash(GENESIS, text).hex() == "c2def93fb097ef7311376807bb73d286cd307c6ddda3097d3257850e866418f8"
    row, enc = _posting(leg="2", account_code="external", amount="-1000", balance_after="-1000")
    assert pv.row_hash(GENESIS, pv.canonical(row, enc, pv.EXCLUDED)).hex() == \
        "8d65d7ee987bb8aecde7b9f4c193aaa7fe43bd8df8e5d1033db2605266b852e8"


def test_the_worked_transaction_header_of_docs_hashing_gives_its_hash() -> None:
    row = {"seq": "1", "kind": "deposit", "ref": "deposit", "legs": "2", "ts": TS}
    enc = {"seq": "json", "kind": "text", "ref": "text", "legs": "json", "ts": "text"}
    assert pv.row_hash(GENESIS, pv.canonical(row, enc, pv.EXCLUDED)).hex() == \
        "8cd6e4be9d98403162cd312ac8a225ae4a16215ec954251843536dce7a9fb215"


def test_numbers_keep_their_scale_so_an_edited_scale_changes_the_hash() -> None:
    a, enc = _posting(amount="1000.00")
    b, _ = _posting()
    assert '"amount": 1000.00' in pv.canonical(a, enc, pv.EXCLUDED)
    assert pv.canonical(a, enc, pv.EXCLUDED) != pv.canonical(b, enc, pv.EXCLUDED)


def test_jsonb_rules_key_order_escapes_and_nested_nulls() -> None:
    value = pv.parse_json('{"bb": 1.50, "a": {"c": null, "x": [null, 2]}, "é": "q\\"\\\\\\u0001\\n\\u00e9"}')
    assert pv.render(pv._strip_nulls(value)) == '{"a": {"x": [null, 2]}, "bb": 1.50, "é": "q\\"\\\\\\u0001\\né"}'
    assert pv.render({}) == "{}" and pv.render([]) == "[]"


def test_csv_tells_null_from_the_empty_string_and_reads_quoted_newlines() -> None:
    assert pv.read_csv('a,b,c\n,"","x ""y""\nz"\n') == [["a", "b", "c"], [None, "", 'x "y"\nz']]


def test_the_verifier_imports_only_the_standard_library() -> None:
    tree = ast.parse(Path(pv.__file__).read_text())
    imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {str(n.module).split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert imported <= {"__future__", "decimal", "hashlib", "json", "re", "sys", "collections", "pathlib", "typing"}
