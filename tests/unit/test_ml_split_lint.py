"""No shuffled or static train/test split anywhere in predator/ml (issue 19 item 3), checked statically.

An AST lint over every module of the ``predator.ml`` package. It refuses:

* a split helper that ignores time or label spans: ``train_test_split``, ``KFold``, ``StratifiedKFold``,
  ``GroupKFold``, ``RepeatedKFold``, ``ShuffleSplit``, ``StratifiedShuffleSplit``, ``GroupShuffleSplit``,
  ``TimeSeriesSplit`` (unpurged, no embargo), ``LeaveOneOut``, ``LeavePOut`` — called, imported or referenced;
* any import from ``sklearn.model_selection`` (the splits live in ``predator.ml.validation``);
* a ``shuffle=`` keyword that is not literally ``False``;
* a call of ``.shuffle(…)``, ``.permutation(…)`` or ``.permuted(…)`` (NumPy's and ``random``'s shufflers), and
  ``random.sample``;
* a slice of a sample array at a fixed fraction of its length (``x[: int(0.8 * len(x))]``, ``x[: len(x) * 4 // 5]``),
  the static hold-out.

Validation goes through :func:`predator.ml.validation.purged_walk_forward` and
:func:`~predator.ml.validation.combinatorial_purged_splits`. A planted module proves the lint sees each form.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import predator.ml

PACKAGE = Path(predator.ml.__file__).parent

STATIC_SPLITTERS = frozenset({
    "train_test_split", "KFold", "StratifiedKFold", "GroupKFold", "RepeatedKFold", "RepeatedStratifiedKFold",
    "ShuffleSplit", "StratifiedShuffleSplit", "GroupShuffleSplit", "TimeSeriesSplit", "LeaveOneOut", "LeavePOut",
})
SHUFFLERS = frozenset({"shuffle", "permutation", "permuted"})


@dataclass(frozen=True)
class Finding:
    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


def _is_len_call(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len"


def _fraction_of_len(node: ast.AST | None) -> bool:
    """A slice bound computed from len(...) and a constant: int(0.8 * len(x)), len(x) * 4 // 5, round(len(x) * .7)."""
    if node is None:
        return False
    has_len = any(_is_len_call(n) for n in ast.walk(node))
    has_fraction = any(isinstance(n, ast.BinOp) and isinstance(n.op, ast.Mult | ast.FloorDiv | ast.Div)
                       and any(isinstance(side, ast.Constant) for side in (n.left, n.right)) for n in ast.walk(node))
    return has_len and has_fraction


def findings(source: str, filename: str) -> list[Finding]:
    """Every shuffled or static split in one module (see the module docstring), in line order."""
    tree = ast.parse(source, filename)
    found: list[Finding] = []

    def add(node: ast.AST, what: str) -> None:
        found.append(Finding(f"{filename}:{getattr(node, 'lineno', 0)}", what))

    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith("sklearn.model_selection"):
                add(node, f"import from {node.module}")
            for alias in node.names:
                if alias.name in STATIC_SPLITTERS:
                    add(node, f"import of {alias.name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("sklearn.model_selection"):
                    add(node, f"import {alias.name}")
        elif isinstance(node, ast.Name) and node.id in STATIC_SPLITTERS:
            add(node, f"use of {node.id}")
        elif isinstance(node, ast.Attribute) and node.attr in STATIC_SPLITTERS:
            add(node, f"use of .{node.attr}")
        elif isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg == "shuffle" and not (isinstance(kw.value, ast.Constant) and kw.value.value is False):
                    add(node, "shuffle= not False")
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in SHUFFLERS:
                add(node, f".{func.attr}(…)")
            if isinstance(func, ast.Attribute) and func.attr == "sample" and isinstance(func.value, ast.Name) \
                    and func.value.id == "random":
                add(node, "random.sample(…)")
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice) \
                and (_fraction_of_len(node.slice.lower) or _fraction_of_len(node.slice.upper)):
            add(node, "a slice at a fixed fraction of the length (static hold-out)")
    return sorted(found, key=lambda f: int(f.where.rsplit(":", 1)[1]))


PLANTED = '''
import random
import numpy as np
from sklearn.model_selection import train_test_split
import sklearn.model_selection as ms
from sklearn.model_selection import KFold

def bad(x, y, rng):
    a = train_test_split(x, y, test_size=0.2)
    b = ms.TimeSeriesSplit(n_splits=5)
    c = KFold(5, shuffle=True)
    d = ms.StratifiedKFold(5, shuffle=flag)
    rng.shuffle(x)
    e = np.random.default_rng(1).permutation(len(x))
    f = random.sample(list(x), 3)
    g = x[: int(0.8 * len(x))]
    h = x[len(x) * 4 // 5:]
    ok = x[: len(x) - 1]
    fine = other(shuffle=False)
    return a, b, c, d, e, f, g, h, ok, fine
'''


def test_the_lint_sees_every_form() -> None:
    got = [f.what for f in findings(PLANTED, "planted.py")]
    expected = ["import from sklearn.model_selection", "import of train_test_split", "import sklearn.model_selection",
                "import from sklearn.model_selection", "import of KFold", "use of train_test_split",
                "use of .TimeSeriesSplit", "use of KFold", "shuffle= not False", "use of .StratifiedKFold",
                "shuffle= not False", ".shuffle(…)", ".permutation(…)", "random.sample(…)",
                "a slice at a fixed fraction of the length (static hold-out)",
                "a slice at a fixed fraction of the length (static hold-out)"]
    assert sorted(got) == sorted(expected)


def test_predator_ml_has_no_shuffled_or_static_split() -> None:
    modules = sorted(PACKAGE.glob("**/*.py"))
    assert {p.name for p in modules} >= {"stats.py", "labels.py", "validation.py"}
    bad = [f for p in modules for f in findings(p.read_text(), str(p.relative_to(PACKAGE.parent.parent)))]
    assert bad == [], "shuffled or static split in predator/ml:\n" + "\n".join(map(str, bad))
