-- api.close_hour(p_account, p_hour) -> one row of hourly state
-- Worker. Closes hour p_hour (its close time, UTC, aligned to the hour) for an account: writes the
-- portfolio and risk state (cash, positions at mark, equity, peak, drawdown, daily PnL since 00:00 UTC,
-- cumulative realized PnL and fees, unrealized PnL, gross exposure, exposure by instrument, cluster and
-- quote currency), and the hashes of the hour's inputs (the bars that closed at p_hour of the hour's symbols,
-- portfolio.book_symbols: the book's latest run's symbols and conversion pairs, held symbols, symbols with an
-- open order or signalled in the week before; derived by the database, never a worker argument) and outputs (everything the book's chains gained since the previous close). Marks are the close of
-- the last bar closed by p_hour; a held symbol without that bar is listed in stale_marks.
-- Then applies the risk profile's drawdown and daily-loss limits (risk._evaluate_hour) and the
-- stale-data circuit breaker over the hour's symbols (hours since each symbol's last closed bar) and the data-quality
-- breakers flat_feed_hours and bar_outlier_pct (market.feed_quality). Treasury: accrues the
-- declared operating costs and, at 00:00 UTC, stores the self-financing status and applies the treasury policy.
-- Records its own wall-clock start and end in ops.hour_close_timing (no hash covers them; api.hour_closes).
-- Last, once an anchor key is set, appends one signed anchor of the book's chain heads (ops._append_anchor).
-- Idempotent: closing a closed hour again returns the recorded state. PD012 misaligned hour, PD013 an
-- hour before the last closed one, or one that would count a fill dated after it (fills are counted by
-- the first close after they are recorded); PD015 an hour that is infinite or later than the wall clock
-- plus the operator's max_clock_skew_seconds (ops.setting).
CREATE OR REPLACE FUNCTION api.close_hour(p_account text, p_hour timestamptz)
RETURNS TABLE (hour timestamptz, cash numeric, positions_value numeric, equity numeric, peak_equity numeric,
               drawdown numeric, daily_pnl numeric, realized_pnl numeric, unrealized_pnl numeric, fees numeric,
               gross_exposure numeric, open_orders integer, stale_marks text[], positions jsonb,
               inputs_hash text, outputs_hash text, halts text[])
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan  -- plans built once per session, not per hour (docs/performance.md "Plans and statistics")
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_acct      trading.account;
    v_last      portfolio.hourly_state;
    v_cash      numeric;
    v_pos_value numeric;
    v_cost      numeric;
    v_equity    numeric;
    v_peak      numeric;
    v_day_start numeric;
    v_realized  numeric;
    v_fees      numeric;
    v_open      integer;
    v_stale     text[];
    v_prev      jsonb;
    v_heads     jsonb;
    v_digests   jsonb;
    v_inputs    bytea;
    v_outputs   bytea;
    v_symbols   text[];
    v_syms      text[];
    v_clusters  text[];
    v_quotes    text[];
    v_qtys      numeric[];
    v_marks     numeric[];
    v_notionals numeric[];
    v_exposures jsonb;
    v_stale_hours numeric;
    v_mark_syms   text[];
    v_mark_closes numeric[];
    v_mark_times  timestamptz[];
    v_stale_detail jsonb;
    v_flat_run    integer;
    v_flat_detail jsonb;
    v_wick_pct    numeric;
    v_wick_detail jsonb;
    v_last_fill timestamptz;
    v_val       record;  -- portfolio.valuation: the one definition of the book's figures (issue 17 item 1)
    v_limits    jsonb;   -- the book's current limits, read once for every rule of the close
    v_started   timestamptz := clock_timestamp();  -- wall time on entry: ops.hour_close_timing (migration 0033)
BEGIN
    PERFORM ops._require_business_time('api.close_hour', ARRAY['p_hour'], ARRAY[p_hour]);
    v_acct := trading._account(p_account);
    IF p_hour IS NULL OR date_trunc('hour', p_hour) <> p_hour THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('close_hour refused: %s is not a whole hour', p_hour),
            HINT = 'Pass the close time of the hour, for example 2023-06-01T13:00:00Z.';
    END IF;
    PERFORM ops._lock_book(v_acct.book_id);

    SELECT * INTO v_last FROM portfolio.hourly_state h WHERE h.book_id = v_acct.book_id ORDER BY h.hour DESC LIMIT 1;
    IF FOUND AND p_hour <= v_last.hour THEN
        IF EXISTS (SELECT FROM portfolio.hourly_state h WHERE h.book_id = v_acct.book_id AND h.hour = p_hour) THEN
            RETURN QUERY SELECT * FROM portfolio._hour_result(v_acct.book_id, p_hour);
            RETURN;
        END IF;
        RAISE EXCEPTION USING ERRCODE = 'PD013',
            MESSAGE = format('close_hour refused: %s is before the last closed hour %s', p_hour, v_last.hour),
            HINT = 'Hours close in order; business time never goes backwards.';
    END IF;

    -- The hour's symbols (issue 17 item 4): the database's, never the worker's (portfolio.book_symbols), so no
    -- argument can take a traded symbol out of the stale-data and data-quality breakers below. Their marks.
    v_symbols := portfolio.book_symbols(v_acct.book_id, p_hour);
    SELECT coalesce(array_agg(m.symbol), '{}'), coalesce(array_agg(m.close), '{}'), coalesce(array_agg(m.bar_close), '{}')
      INTO v_mark_syms, v_mark_closes, v_mark_times
      FROM market.marks(v_acct.venue, v_symbols, p_hour) m;

    -- The one valuation (portfolio.valuation): cash per currency and positions at mark (a position without a bar
    -- closed by p_hour within 7 days at cost, listed in stale_marks), converted into the reporting currency at
    -- the rates it records; exposures by instrument, cluster and quote go into the row.
    SELECT * INTO v_val FROM portfolio.valuation(v_acct.book_id, p_hour);
    v_cash := v_val.cash; v_pos_value := v_val.positions_value; v_cost := v_val.cost_basis; v_equity := v_val.equity;
    v_stale := v_val.stale_marks;
    SELECT coalesce(array_agg(l ->> 'symbol' ORDER BY l ->> 'symbol'), '{}'),
           coalesce(array_agg(l ->> 'cluster' ORDER BY l ->> 'symbol'), '{}'),
           coalesce(array_agg(l ->> 'quote' ORDER BY l ->> 'symbol'), '{}'),
           coalesce(array_agg((l ->> 'quantity')::numeric ORDER BY l ->> 'symbol'), '{}'),
           coalesce(array_agg((l ->> 'mark')::numeric ORDER BY l ->> 'symbol'), '{}'),
           coalesce(array_agg((l ->> 'notional')::numeric ORDER BY l ->> 'symbol'), '{}')
      INTO v_syms, v_clusters, v_quotes, v_qtys, v_marks, v_notionals
      FROM jsonb_array_elements(v_val.lines) l
     WHERE (l ->> 'held')::boolean AND NOT (l ->> 'is_cash')::boolean;

    SELECT coalesce(jsonb_agg(jsonb_build_object('kind', x.kind, 'key', x.key, 'quantity', x.quantity, 'mark', x.mark,
                                                 'notional', x.notional,
                                                 'exposure', CASE WHEN v_equity > 0 THEN x.notional / v_equity ELSE 0 END)
                              ORDER BY x.ord, x.key), '[]'::jsonb)
      INTO v_exposures
      FROM (SELECT 'instrument'::text AS kind, e.sym AS key, e.qty AS quantity, e.mark, e.notional, 1 AS ord
              FROM unnest(v_syms, v_qtys, v_marks, v_notionals) e(sym, qty, mark, notional)
            UNION ALL
            SELECT 'cluster', e.cluster, NULL, NULL, sum(e.notional), 2
              FROM unnest(v_clusters, v_notionals) e(cluster, notional) GROUP BY e.cluster
            UNION ALL
            SELECT 'quote', e.quote, NULL, NULL, sum(e.notional), 3
              FROM unnest(v_quotes, v_notionals) e(quote, notional) GROUP BY e.quote) x;

    v_peak := v_val.peak_equity;
    v_day_start := v_val.day_start_equity;

    -- Treasury (docs/treasury.md): declared operating costs accrue for the hours this close opens, at business
    -- time; at 00:00 UTC the self-financing status of the day and the rolling window, then the treasury policy.
    -- Before the heads, so what they post is part of this hour's outputs.
    PERFORM ledger._accrue_operating_costs(v_acct.book_id, v_last.hour, p_hour);
    PERFORM portfolio._treasury_close(v_acct.book_id, p_hour, v_equity);

    v_prev := coalesce(v_last.digests -> 'heads', '{}'::jsonb);
    SELECT coalesce(jsonb_object_agg(split_part(h.chain, ':', 1), h.seq), '{}'::jsonb) INTO v_heads
      FROM ops.chain_head h WHERE h.book_id = v_acct.book_id;

    SELECT coalesce(sum(portfolio._to_reporting(v_acct.venue, v_acct.base_currency, split_part(f.symbol, '/', 2),
                                                trading._fee_in_quote(v_acct.venue, f.symbol, f.fee, f.fee_currency, f.price, f.ts), f.ts)), 0),
           max(f.ts)
      INTO v_fees, v_last_fill FROM trading.fill f
     WHERE f.book_id = v_acct.book_id AND f.seq > coalesce((v_prev ->> 'trading.fill')::bigint, 0)
       AND f.seq <= coalesce((v_heads ->> 'trading.fill')::bigint, 0);
    -- The hour counts the fills recorded since the previous close; none of them may be dated after it.
    IF v_last_fill > p_hour THEN
        RAISE EXCEPTION USING ERRCODE = 'PD013',
            MESSAGE = format('close_hour refused: hour %s would count a fill dated %s, after the hour', p_hour, v_last_fill),
            DETAIL = format('account=%s hour=%s last_fill_ts=%s', p_account, p_hour, v_last_fill),
            HINT = 'A fill is counted by the first hour closed after it is recorded: close an hour at or after the fill''s time, or investigate the fill''s timestamp.';
    END IF;
    -- A fill voided since the previous close (api.void_fill: the venue never made it) takes its fee back.
    v_fees := v_fees - (SELECT coalesce(sum(portfolio._to_reporting(v_acct.venue, v_acct.base_currency, split_part(f.symbol, '/', 2),
                                                trading._fee_in_quote(v_acct.venue, f.symbol, f.fee, f.fee_currency, f.price, f.ts), f.ts)), 0)
                          FROM trading.fill_void v
                          JOIN trading.fill f ON f.book_id = v.book_id AND f.symbol = v.symbol AND f.venue_trade_id = v.venue_trade_id
                         WHERE v.book_id = v_acct.book_id AND v.seq > coalesce((v_prev ->> 'trading.fill_void')::bigint, 0)
                           AND v.seq <= coalesce((v_heads ->> 'trading.fill_void')::bigint, 0));
    SELECT coalesce(sum(portfolio._to_reporting(v_acct.venue, v_acct.base_currency, split_part(a.symbol, '/', 2), a.realized_pnl, a.ts)), 0)
      INTO v_realized FROM trading.lot_allocation a
     WHERE a.book_id = v_acct.book_id AND a.seq > coalesce((v_prev ->> 'trading.lot_allocation')::bigint, 0)
       AND a.seq <= coalesce((v_heads ->> 'trading.lot_allocation')::bigint, 0);
    -- A sell voided since the previous close takes back the realized PnL of its allocations.
    v_realized := v_realized - (SELECT coalesce(sum(portfolio._to_reporting(v_acct.venue, v_acct.base_currency, split_part(a.symbol, '/', 2),
                                                                            a.realized_pnl, a.ts)), 0)
                                  FROM trading.fill_void v
                                  JOIN trading.lot_allocation a ON a.book_id = v.book_id AND a.symbol = v.symbol AND a.venue_trade_id = v.venue_trade_id
                                 WHERE v.book_id = v_acct.book_id AND v.seq > coalesce((v_prev ->> 'trading.fill_void')::bigint, 0)
                                   AND v.seq <= coalesce((v_heads ->> 'trading.fill_void')::bigint, 0));
    SELECT count(*) INTO v_open FROM trading.order_state s
     WHERE s.book_id = v_acct.book_id AND s.status IN ('new', 'open', 'partially_filled');

    v_digests := portfolio.window_digests(v_acct.book_id, v_prev, v_heads, false);
    v_outputs := portfolio.outputs_hash(v_digests);
    v_inputs := sha256(portfolio.inputs_digest(v_acct.venue, v_symbols, p_hour)
                       || decode(v_digests ->> 'trading.signal', 'hex'));

    INSERT INTO portfolio.hourly_state (book_id, hour, cash, positions_value, equity, peak_equity, drawdown,
                                        day_start_equity, daily_pnl, realized_pnl, unrealized_pnl, fees,
                                        gross_exposure, open_orders, stale_marks, exposures, inputs_hash, outputs_hash,
                                        digests, valuation)
    VALUES (v_acct.book_id, p_hour, v_cash, v_pos_value, v_equity, v_peak,
            CASE WHEN v_peak > 0 THEN greatest(0, 1 - v_equity / v_peak) ELSE 0 END,
            v_day_start, v_equity - v_day_start,
            coalesce(v_last.realized_pnl, 0) + v_realized, v_pos_value - v_cost,
            coalesce(v_last.fees, 0) + v_fees,
            CASE WHEN v_equity > 0 THEN v_pos_value / v_equity ELSE 0 END,
            v_open, v_stale, v_exposures, v_inputs, v_outputs,
            v_digests || jsonb_build_object('heads', v_heads, 'symbols', to_jsonb(v_symbols)),
            jsonb_build_object('reporting', v_val.reporting, 'currencies', v_val.currencies));

    -- The limits, once for the close (only an operator changes them, never a step of the close).
    v_limits := risk.current_limits(v_acct.risk_profile);
    PERFORM risk._evaluate_hour(v_acct.book_id, p_hour, v_equity, v_peak, v_day_start, v_limits);
    -- Issue 13: each strategy's own limits, every strategy's figures computed once (risk.strategies_figures).
    PERFORM risk._evaluate_strategies(v_acct.book_id, p_hour, v_day_start, v_peak, v_limits);
    PERFORM risk._hour_reviews(v_acct.book_id, p_hour, v_limits);  -- adaptive horizon, strategy health (docs/risk.md)
    -- Stale-data breaker: hours since the last bar of each of the hour's symbols closed, over the symbols
    -- that had a bar within the last week (a symbol with none, e.g. not listed yet, cannot be traded at
    -- all: its signals are refused with data_stale).
    IF cardinality(v_symbols) > 0 THEN
        SELECT max(extract(epoch FROM p_hour - m.bar_close) / 3600),
               jsonb_object_agg(m.symbol, extract(epoch FROM p_hour - m.bar_close) / 3600)
          INTO v_stale_hours, v_stale_detail
          FROM unnest(v_mark_syms, v_mark_times) m(symbol, bar_close)
         WHERE m.symbol = ANY (v_symbols);
        IF v_stale_hours > 0 THEN
            PERFORM risk._check_breaker(v_acct.book_id, 'stale_data_hours', p_hour, v_stale_hours, 1,
                                        jsonb_build_object('hours_since_last_bar', v_stale_detail));
        END IF;
        -- Data-quality breakers (market.feed_quality): a feed repeating one flat bar hour after hour (a frozen
        -- feed: flat_feed_hours, the run of repeated bars) and a bar printed far outside where it traded (a
        -- single-venue print: bar_outlier_pct, the largest wick beyond the body of the bar closed at p_hour).
        SELECT max(q.flat_run), jsonb_object_agg(q.symbol, q.flat_run) FILTER (WHERE q.flat_run > 0),
               max(q.wick_pct), jsonb_object_agg(q.symbol, round(q.wick_pct, 4)) FILTER (WHERE q.wick_pct IS NOT NULL)
          INTO v_flat_run, v_flat_detail, v_wick_pct, v_wick_detail
          FROM market.feed_quality(v_acct.venue, v_symbols, p_hour) q;
        IF v_flat_run > 0 THEN
            PERFORM risk._check_breaker(v_acct.book_id, 'flat_feed_hours', p_hour, v_flat_run, 1,
                                        jsonb_build_object('flat_repeated_bars', v_flat_detail));
        END IF;
        IF v_wick_pct > 0 THEN
            PERFORM risk._check_breaker(v_acct.book_id, 'bar_outlier_pct', p_hour, v_wick_pct, 1,
                                        jsonb_build_object('wick_pct', v_wick_detail));
        END IF;
    END IF;
    PERFORM risk._advance_state(v_acct.book_id, p_hour);  -- risk state: mirror halts, lift what has cleared
    -- The anchor (docs/audit.md, "Anchors"): the book's and the control plane's chain heads as this close leaves
    -- them, signed under the operator's key (none set: nothing). Outside every hour digest.
    PERFORM ops._append_anchor(v_acct.book_id, 'close', p_hour);
    -- The close's wall-clock duration (the hour-close duration metric, api.hour_closes): never hashed.
    INSERT INTO ops.hour_close_timing (book_id, hour, started_at, finished_at)
    VALUES (v_acct.book_id, p_hour, v_started, clock_timestamp());
    RETURN QUERY SELECT * FROM portfolio._hour_result(v_acct.book_id, p_hour);
END
$$;

COMMENT ON FUNCTION api.close_hour(text, timestamptz) IS 'Worker: closes an hour for an account: hourly portfolio and risk state with exposures and the hashes of the hour''s inputs and outputs, then drawdown and daily-loss limits and the stale-data and data-quality breakers over the book''s symbols (portfolio.book_symbols: derived by the database, never a worker argument). Idempotent per hour; PD012 misaligned, PD013 out of order.';
