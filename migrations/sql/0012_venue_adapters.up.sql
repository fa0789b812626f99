-- 0012_venue_adapters.up.sql — live venue adapters (issue 11 part 1): fees in the currency the venue
-- charged, and a breaker for venue errors that must halt.
--
-- Fees: a Binance fill may pay its fee in BNB, a currency that is neither the base nor the quote. The fill
-- and its journal keep the fee in that currency (trading -> fees; the part the book does not hold is owed to
-- the venue); trading.tg_fill__check, api.record_fill and api.close_hour (sql/) implement it. No table
-- changes: trading.fill already stores the fee currency; only its documentation changes here.
--
-- venue_fatal_error: the worker classifies every venue error (predator.retry.ERROR_TABLE) as retry, refuse or
-- halt; a halt-class error (a key refused or stripped of its rights, a locked account, a banned address, an
-- error no rule classifies) is reported through api.record_venue_health (p_detail->'fatal_errors'), and this
-- breaker, shipped at threshold 1 for every lane, halts globally on the first one.
SET LOCAL ROLE predator_owner;

COMMENT ON TABLE trading.fill IS 'Executions reported by the venue: base quantity, price in quote, fee in fee_currency (the currency the venue charged: the base, the quote or a known third currency such as BNB). Idempotent on the venue trade id. Append-only, chained per book.';

INSERT INTO risk.breaker_kind (breaker, unit, description) VALUES
    ('venue_fatal_error', 'count', 'Venue errors the worker classified as halt (key refused or without rights, account locked, address banned, unclassifiable)');

INSERT INTO risk.breaker_setting (lane, account, breaker, revision, threshold, window_hours, min_events, trip_scope, reason, actor)
SELECT l.lane, '*', 'venue_fatal_error', 1, 1, 1, 1, 'global', 'shipped default', 'migration'
  FROM (VALUES ('paper'), ('live_canary'), ('live_promoted')) l(lane);
