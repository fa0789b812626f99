"""The staging venue (DESIGN.md §5, §8): a loopback HTTP server that speaks the subset of Kraken's and
Binance's REST APIs Predator uses through ccxt, matches orders with the paper engine
(:mod:`predator.venues.paper`), serves stored candles at its own clock, checks the venues' request
signatures, and misbehaves on demand (:mod:`predator.emulator.faults`). It imports ``predator.venues``
(and ``predator.config``), never ``predator.db``. What it speaks and what it does not: ``docs/emulator.md``.
"""

from __future__ import annotations

from predator.emulator.auth import ApiKey
from predator.emulator.clock import Clock
from predator.emulator.faults import FaultPlan
from predator.emulator.server import EmulatorServer, Settings, build, client_urls, listen, serve

__all__ = ["ApiKey", "Clock", "EmulatorServer", "FaultPlan", "Settings", "build", "client_urls", "listen", "serve"]
