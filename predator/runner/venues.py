"""Which venue a run uses (docs/architecture.md §5): the one place a mode is mapped to a venue.

The runner is typed against :class:`~predator.venues.base.Venue` alone; this factory chooses the concrete
venue — the paper engine over the run's stored bars for ``predator paper`` and ``predator run --mode
paper``. Other modes (shadow, live) get their venue here when they are built; until then they are refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from predator import errors
from predator.db.reads import FeeTier
from predator.runner.config import RunConfig
from predator.runner.market import MarketData
from predator.venues.base import Venue
from predator.venues.paper import PaperConfig, PaperVenue

#: Builds a run's venue once its market data is loaded (a paper venue fills from those bars).
VenueFactory = Callable[[RunConfig, MarketData], Venue]


def paper_venue(config: RunConfig, market: MarketData) -> PaperVenue:
    """The paper engine over the run's bars (balances come from the book: see runner.restore)."""
    return PaperVenue(market.venue_bars(), config.venue)


def with_fee_tier(config: PaperConfig, tier: FeeTier | None) -> PaperConfig:
    """``config`` with the fees it leaves open taken from the database's tier for its venue (``api.venues``,
    the one source of fees: admission charges the same taker rate). Fees the run names itself stay; a
    venue the database does not know keeps the paper engine's own defaults."""
    if tier is None:
        return config
    return replace(
        config,
        maker_fee_bps=config.maker_fee_bps if config.maker_fee_bps is not None else tier.maker_fee_bps,
        taker_fee_bps=config.taker_fee_bps if config.taker_fee_bps is not None else tier.taker_fee_bps,
    )


def live_venue(venue: Venue) -> VenueFactory:
    """The factory of a live run: the venue itself (a :class:`~predator.venues.ccxt_venue.CcxtVenue` built from
    a checked key by the caller); it runs on its own clock and ignores the run's bars."""

    def build(config: RunConfig, market: MarketData) -> Venue:
        return venue

    return build


def venue_factory(config: RunConfig) -> VenueFactory:
    """The venue factory for a run's mode (ConfigurationError for a mode without a venue yet).

    ``paper`` and ``shadow`` fill in the paper engine; a shadow run sends no order anywhere (its orders fill
    in the engine so that its book holds what it would have held) and is on live data only."""
    if config.mode == "paper":
        if config.chaos.get("venue"):
            from predator.chaos.venue import chaos_venue

            return chaos_venue
        return paper_venue
    if config.mode == "shadow":
        if config.feed != "sync":
            raise errors.ConfigurationError("shadow mode runs on live data: --feed sync (the default of predator run)")
        return paper_venue
    raise errors.ConfigurationError(
        f"mode {config.mode!r} needs its venue from the caller: a live run is given a venue built from a checked "
        "key (predator run --mode live builds it)"
    )
