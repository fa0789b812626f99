"""Many books at once: a parameter sweep of one strategy, each point of the grid a book of its own
(``predator sweep``; docs/cli.md, docs/performance.md "Many books at once").

* **The grid** (:func:`parse_param`, :func:`grid`): ``--param NAME=V1,V2,…`` per parameter, each value read
  as JSON when it parses (``5`` an int, ``0.01`` a float, ``true``) and as text otherwise; the points are the
  product of the values in the order given (the first parameter varies slowest). A point the strategy refuses
  (``fast=50 slow=20``: need fast < slow) is left out and said so (:attr:`Grid.skipped`).
* **A book per point** (:func:`plan`): the run of ``predator paper`` with the point's parameters over the same
  symbols and period, on an account named after the point (:func:`account_name`), so that the same grid finds
  the same books again: a rerun resumes each book after its last closed hour (and then has nothing to do).
* **Deterministic**: the accounts are created by the calling process, one after the other in grid order
  (:func:`create_books`), before any book runs, so book ids follow the grid; each book's run is the paper
  engine's, seeded, and decides what its own hours know; the books share no lock (DESIGN.md §9: every lock
  is per book, the global halt's is taken shared), so running them concurrently changes nothing in any one.
* **Workers** (:func:`run_books`): ``jobs`` processes (``spawn``), each running one book at a time in its own
  connection (``application_name`` ``predator-book:<account>``, visible in ``pg_stat_activity``), reporting
  each closed hour to the parent for the progress bar.

The figures of the table are read afterwards by the caller from the database
(:func:`predator.db.sweep_reads.book_results`).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import multiprocessing
import os
import queue
import re
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from predator import seams
from predator.db.connection import Target
from predator.runner.account import ensure_account
from predator.runner.config import HOUR, RunConfig
from predator.strategies.base import effective_params, load_strategy

#: The ``application_name`` of a book's sessions: this prefix and the account.
APPLICATION_PREFIX = "predator-book:"
#: Hours a worker closes before it tells the parent (fewer messages; the bar still moves every simulated day).
REPORT_EVERY = 24


def parse_value(text: str) -> Any:
    """One grid value: JSON when it parses (numbers, true/false, null, quoted strings), else the text."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def parse_param(text: str) -> tuple[str, tuple[Any, ...]]:
    """``NAME=V1,V2,…`` → (name, values). ValueError, saying what is wrong, on anything else."""
    name, sep, values = text.partition("=")
    name = name.strip()
    if not sep or not name:
        raise ValueError(f"{text!r} is not NAME=V1,V2,…, e.g. fast=5,10,20")
    parts = [v.strip() for v in values.split(",")]
    if not parts or any(not v for v in parts):
        raise ValueError(f"{text!r} has an empty value; give NAME=V1,V2,…, e.g. fast=5,10,20")
    parsed = tuple(parse_value(v) for v in parts)
    if len({json.dumps(v, sort_keys=True) for v in parsed}) != len(parsed):
        raise ValueError(f"{text!r} repeats a value")
    return name, parsed


@dataclass(frozen=True)
class Grid:
    """The points of a sweep (each the parameters it sets, in the order the parameters were given) and the
    points the strategy refused, each with the strategy's reason."""

    points: tuple[tuple[tuple[str, Any], ...], ...]
    skipped: tuple[tuple[tuple[tuple[str, Any], ...], str], ...] = ()


def grid(strategy: str, dimensions: Sequence[tuple[str, Sequence[Any]]]) -> Grid:
    """The product of ``dimensions`` (the first varies slowest), less the points ``strategy`` refuses.
    ValueError on a parameter named twice; the strategy's own error (StrategyNotFound,
    StrategyParametersError for a parameter it does not take) when no point is valid."""
    from predator.errors import StrategyParametersError

    names = [n for n, _ in dimensions]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ValueError(f"parameter {', '.join(twice)} given twice; give each once with all its values")
    points: list[tuple[tuple[str, Any], ...]] = []
    skipped: list[tuple[tuple[tuple[str, Any], ...], str]] = []
    first_error: Exception | None = None
    for values in itertools.product(*(v for _, v in dimensions)):
        point = tuple(zip(names, values, strict=True))
        try:
            load_strategy(strategy, dict(point))
        except StrategyParametersError as e:
            if "takes no parameter" in str(e):
                raise  # a name the strategy does not take: every point would fail
            skipped.append((point, str(e)))
            first_error = first_error or e
            continue
        points.append(point)
    if not points and first_error is not None:
        raise first_error
    return Grid(tuple(points), tuple(skipped))


def describe(point: Sequence[tuple[str, Any]]) -> str:
    """``fast=5 slow=50`` (values as JSON)."""
    return " ".join(f"{k}={json.dumps(v)}" for k, v in point) or "defaults"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9_.-]+", "_", text.lower()).strip("_")


def config_digest(base: RunConfig) -> str:
    """Six hex digits of what every book of a sweep shares (the run configuration less account and
    parameters): books of another period, symbol set or venue setting get other names."""
    shared = {k: v for k, v in base.as_dict().items() if k not in ("account", "params")}
    return hashlib.sha256(json.dumps(shared, sort_keys=True, default=str).encode()).hexdigest()[:6]


def account_name(prefix: str, point: Sequence[tuple[str, Any]]) -> str:
    """The account of a point: ``<prefix>-<name><value>-…`` (lower case, ``[a-z0-9_.-]``), or, when that does
    not fit in an account name (63 characters), ``<prefix>-<12 hex digits of the point>``."""
    name = "-".join([_slug(prefix)] + [_slug(f"{k}{json.dumps(v) if not isinstance(v, str) else v}")
                                       for k, v in point])
    if len(name) <= 63 and re.fullmatch(r"[a-z0-9][a-z0-9_.-]{0,62}", name):
        return name
    digest = hashlib.sha256(json.dumps(list(point), sort_keys=True).encode()).hexdigest()[:12]
    return f"{_slug(prefix)[:50]}-{digest}"


@dataclass(frozen=True)
class Book:
    """One point of the grid and the run of its book."""

    index: int  # place in the grid, from 0
    point: tuple[tuple[str, Any], ...]
    config: RunConfig

    @property
    def hours(self) -> int:
        """Decision times of the run (``start`` to ``end`` inclusive, as ``predator paper`` closes them)."""
        return int((self.config.end - self.config.start) / HOUR) + 1


def plan(base: RunConfig, points: Sequence[tuple[tuple[str, Any], ...]], prefix: str | None = None) -> list[Book]:
    """The books of ``points``: ``base`` with each point's parameters (over ``base.params``; the strategy's
    effective parameters, defaults included, as ``predator paper`` records them) and account. ``prefix``
    defaults to ``sweep-<strategy>-<config_digest>``."""
    prefix = prefix or f"sweep-{base.strategy}-{config_digest(base)}"
    books = []
    for i, point in enumerate(points):
        given = {**base.params, **dict(point)}
        params = effective_params(load_strategy(base.strategy, given), given)
        books.append(Book(i, tuple(point), replace(base, account=account_name(prefix, point), params=params)))
    names = [b.config.account for b in books]
    if len(set(names)) != len(names):
        raise ValueError("two points of the grid map to the same account name; give values that differ as text")
    return books


def create_books(target: Target, books: Sequence[Book]) -> None:
    """Create every book's account (principal, strategy), one after the other in grid order, so that book ids
    follow the grid; an account that exists already is kept (its run resumes) unless it ran another
    configuration (ConfigurationError)."""
    for book in books:
        ensure_account(target, book.config)


@dataclass(frozen=True)
class BookRun:
    """What one worker did for a book: hours closed in this session, wall seconds of the run (set-up
    included), whether it stopped early on a halt only an operator lifts (``stopped``: the HALTED line's
    reason), or the error that ended it (``error``, one line)."""

    index: int
    account: str
    hours_this_session: int
    seconds: float
    stopped: str | None = None
    error: str | None = None


_PROGRESS: Any = None  # the worker's end of the parent's progress queue


def _worker_init(progress: Any) -> None:
    global _PROGRESS
    _PROGRESS = progress
    from predator.logs import configure_logging

    configure_logging()


def run_book(target: Target, book: Book, fast_commit: bool, stop_when_halted: bool = True) -> BookRun:
    """Run one book to the end of its period in this process (a worker of :func:`run_books`), on its own
    connection named ``predator-book:<account>``; report closed hours on the progress queue."""
    from predator.runner.hour import HourRunner

    os.environ["PGAPPNAME"] = (APPLICATION_PREFIX + book.config.account)[:63]
    t0 = seams.monotonic()
    pending = [0]

    def report(n: int) -> None:
        if _PROGRESS is not None and n:
            _PROGRESS.put((book.index, n))

    def on_hour(_: datetime) -> None:
        pending[0] += 1
        if pending[0] >= REPORT_EVERY:
            report(pending[0])
            pending[0] = 0

    runner = HourRunner(target, book.config, backtest_fast_commit=fast_commit, stop_when_halted=stop_when_halted,
                        on_hour=on_hour)
    try:
        runner.prepare()
        last = runner.last_closed_hour()
        if last is not None:  # a resumed book: the hours closed before count as done
            report(min(book.hours, int((last - book.config.start) / HOUR) + 1))
        summary = runner.run()
    finally:
        runner.close()
        report(pending[0])
    stopped = None
    if summary.stopped is not None:
        stopped = "; ".join(f"{b.scope} {b.kind}: {b.reason}" for b in summary.stopped.blockers) or "halted"
        report(summary.stopped.hours_left)
    return BookRun(book.index, book.config.account, summary.hours_this_session, seams.monotonic() - t0, stopped)


def run_books(target: Target, books: Sequence[Book], jobs: int, *, fast_commit: bool, stop_when_halted: bool = True,
              on_progress: Callable[[int], None] | None = None,
              on_done: Callable[[BookRun], None] | None = None) -> list[BookRun]:
    """Run ``books``, ``jobs`` at a time, each in a worker process of its own (spawned: nothing of this
    process's connections is shared), in grid order; ``stop_when_halted`` as for ``predator paper``.
    ``on_progress(n)``: n more hours closed (or skipped: a resumed book's, a halted book's); ``on_done``: a book
    finished. A book that fails does not stop the others: its :class:`BookRun` carries the error. Returns one
    BookRun per book, in grid order."""
    ctx = multiprocessing.get_context("spawn")
    progress = ctx.Queue()
    runs: dict[int, BookRun] = {}

    def drain(block: bool) -> None:
        try:
            while True:
                _, n = progress.get(timeout=0.2) if block else progress.get_nowait()
                block = False
                if on_progress is not None:
                    on_progress(n)
        except queue.Empty:
            return

    with ProcessPoolExecutor(max_workers=max(1, jobs), mp_context=ctx, initializer=_worker_init,
                             initargs=(progress,)) as pool:
        futures: dict[Future[BookRun], Book] = {
            pool.submit(run_book, target, b, fast_commit, stop_when_halted): b for b in books}
        try:
            while futures:
                drain(block=True)
                for f in [f for f in futures if f.done()]:
                    book = futures.pop(f)
                    try:
                        result = f.result()
                    except Exception as e:  # noqa: BLE001 - one book's failure is its row's, the others go on
                        first = (str(e).strip().splitlines() or [type(e).__name__])[0]
                        result = BookRun(book.index, book.config.account, 0, 0.0, error=f"{type(e).__name__}: {first}")
                    runs[book.index] = result
                    if on_done is not None:
                        on_done(result)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        drain(block=False)
    return [runs[b.index] for b in books]
