"""Wall time and randomness enter predator/ only through predator.seams (issue 14, "Seeds and seams").

An AST lint, not a grep: it resolves each module's imports (``import time as t``, ``from datetime import
datetime``, ``from random import choice``, ``import numpy as np``) and refuses, anywhere in predator/ outside
predator/seams.py,

* a read of the wall clock: ``time.time``, ``time.monotonic``, ``time.perf_counter`` (and their ``_ns``
  forms), ``datetime.now``, ``datetime.utcnow``, ``datetime.today``, ``date.today`` — called or passed
  along as a function (``clock=time.monotonic`` is a read waiting to happen);
* unseeded randomness: the ``random`` module's hidden global generator (``random.random()``,
  ``random.choice``, ``random.shuffle``, …), ``random.Random()`` without a seed (or ``random.Random`` handed
  out as a factory), ``random.SystemRandom``, numpy's legacy global generator (``np.random.rand``, …) and
  ``np.random.default_rng()`` without a seed, ``uuid.uuid1``/``uuid.uuid4``.

Type annotations (``rng: random.Random``) are not uses. A planted module proves the lint sees each form.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import predator

PACKAGE = Path(predator.__file__).parent
SEAMS = PACKAGE / "seams.py"

WALL_CLOCK = {
    "time.time", "time.time_ns", "time.monotonic", "time.monotonic_ns", "time.perf_counter",
    "time.perf_counter_ns", "datetime.datetime.now", "datetime.datetime.utcnow", "datetime.datetime.today",
    "datetime.date.today",
}
#: Constructors that are fine with a seed argument, unseeded without one.
SEEDABLE = {"random.Random", "numpy.random.default_rng", "numpy.random.RandomState", "numpy.random.Generator"}
#: Names of the random module that are not its global generator.
RANDOM_TYPES = {"random.Random"}
ALWAYS_UNSEEDED = {"random.SystemRandom", "uuid.uuid1", "uuid.uuid4"}


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int
    name: str
    why: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.name}: {self.why}"


def _aliases(tree: ast.Module) -> dict[str, str]:
    """Local name -> fully qualified name, from every import of the module (function-local ones included)."""
    out: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.asname:
                    out[a.asname] = a.name
                else:
                    out[a.name.split(".")[0]] = a.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for a in node.names:
                out[a.asname or a.name] = f"{node.module}.{a.name}"
    return out


def _qual(node: ast.expr, aliases: dict[str, str]) -> str | None:
    if isinstance(node, ast.Name):
        return aliases.get(node.id)
    if isinstance(node, ast.Attribute):
        base = _qual(node.value, aliases)
        return f"{base}.{node.attr}" if base else None
    return None


def _annotation_nodes(tree: ast.Module) -> set[int]:
    skip: set[int] = set()
    roots: list[ast.expr] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.AnnAssign) or isinstance(node, ast.arg) and node.annotation is not None:
            roots.append(node.annotation)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns is not None:
            roots.append(node.returns)
    for root in roots:
        skip.update(id(n) for n in ast.walk(root))
    return skip


def _seeded_call(call: ast.Call) -> bool:
    args = [*call.args, *(k.value for k in call.keywords)]
    return bool(args) and not (isinstance(args[0], ast.Constant) and args[0].value is None)


def lint_source(source: str, path: Path) -> list[Finding]:
    tree = ast.parse(source, str(path))
    aliases = _aliases(tree)
    skip = _annotation_nodes(tree)
    called: dict[int, ast.Call] = {id(n.func): n for n in ast.walk(tree) if isinstance(n, ast.Call)}
    found: list[Finding] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Name | ast.Attribute) or id(node) in skip:
            continue
        name = _qual(node, aliases)
        if name is None:
            continue
        line = node.lineno
        if name in WALL_CLOCK:
            found.append(Finding(path, line, name, "reads the wall clock: use predator.seams"))
        elif name in ALWAYS_UNSEEDED:
            found.append(Finding(path, line, name, "unseeded randomness: use predator.seams.rng"))
        elif name in SEEDABLE:
            call = called.get(id(node))
            if call is None or not _seeded_call(call):
                found.append(Finding(path, line, name, "a generator without a seed: use predator.seams.rng"))
        elif (name.startswith("random.") and name.count(".") == 1 and name not in RANDOM_TYPES) or (
                name.startswith("numpy.random.") and name.count(".") == 2 and name not in SEEDABLE):
            found.append(Finding(path, line, name, "the module's global (unseeded) generator: use predator.seams.rng"))
    return sorted(found, key=lambda f: (str(f.path), f.line, f.name))


def lint_tree(root: Path, exempt: frozenset[Path] = frozenset({SEAMS})) -> list[Finding]:
    out: list[Finding] = []
    for path in sorted(root.rglob("*.py")):
        if path.resolve() not in {p.resolve() for p in exempt}:
            out.extend(lint_source(path.read_text(), path))
    return out


def test_predator_reads_wall_time_and_randomness_only_through_its_seams() -> None:
    findings = lint_tree(PACKAGE)
    assert not findings, "\n".join(map(str, findings))


def test_the_seams_module_is_the_one_exemption_and_would_be_caught() -> None:
    assert {f.name for f in lint_source(SEAMS.read_text(), SEAMS)} >= {"datetime.datetime.now", "time.monotonic"}


PLANTED = '''import random
import time as t
import numpy as np
from datetime import date, datetime
from random import choice as pick
from time import monotonic
import datetime as dt
import uuid

SHUFFLED = random.sample(range(10), 3)          # BAD random.sample (the global generator at module level)

def business(rng: random.Random) -> random.Random:   # annotations are not uses
    now = datetime.now()                        # BAD datetime.datetime.now
    later = dt.datetime.utcnow()                # BAD datetime.datetime.utcnow
    day = date.today()                          # BAD datetime.date.today
    stamp = t.time()                            # BAD time.time
    tick = monotonic()                          # BAD time.monotonic
    a = random.random()                         # BAD random.random
    b = pick([1, 2])                            # BAD random.choice
    g = random.Random()                         # BAD random.Random
    ok = random.Random(42)                      # seeded: fine
    n = np.random.default_rng()                 # BAD numpy.random.default_rng
    n_ok = np.random.default_rng(7)             # seeded: fine
    legacy = np.random.rand(3)                  # BAD numpy.random.rand
    key = uuid.uuid4()                          # BAD uuid.uuid4
    return g

def factory(clock=t.monotonic, gen=random.Random):  # BAD random.Random time.monotonic
    return clock, gen
'''


def _expected(text: str) -> list[tuple[int, str]]:
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        if "# BAD " in line:
            out.extend((n, name) for name in re.findall(r"[a-z_.]+\.[A-Za-z_0-9]+", line.split("# BAD ", 1)[1]))
    return out


def test_the_lint_catches_each_planted_read(tmp_path: Path) -> None:
    pkg = tmp_path / "planted"
    pkg.mkdir()
    (pkg / "bad.py").write_text(PLANTED)
    (pkg / "good.py").write_text("from predator import seams\nNOW = seams.wall_now()\nR = seams.rng('x', 1)\n")
    found = lint_tree(pkg)
    assert all(f.path.name == "bad.py" for f in found), found
    expected = _expected(PLANTED)
    assert len(expected) == 14
    assert [(f.line, f.name) for f in found] == expected, "\n".join(map(str, found))
