-- ml._forward_figures(p_model_id, p_account, p_period_from, p_period_to)
--   -> (strategy, book_id, n_obs, mean, std, skew, kurtosis, sharpe, net_return, buy_hold_return, turnover,
--       max_drawdown)
-- The one computation of a model's forward (paper) track record on a book, from governed rows only (issue 19 item
-- 5): what api.record_forward_fold records as a 'forward' fold of ml.fold_metric, and what the operator and the
-- auditor call to re-derive a recorded one (the account is in the fold's ops.audit_log row). The figures mean what
-- the hold-out's mean (predator.ml.registry.fold_record, docs/ml.md "Forward folds"):
--   hours        t = p_period_from, +1 h, …, < p_period_to: the hour closes (portfolio.hourly_state.hour) of the
--                period; hour t's return runs from the close t − 1 h to the close t, so the hour before the period
--                must be closed too
--   r_t          (pnl_t − pnl_{t−1h}) / equity_{t−1h}: pnl the strategy's cumulative PnL net of fees, realized and
--                marked (portfolio.strategy_hour.pnl, risk.strategies_figures), equity the book's
--                (portfolio.hourly_state.equity), both in the reporting currency: the strategy's net return on
--                the book's capital (one strategy on a book: the book's return less non-strategy flows)
--   n_obs, mean, std (population), skew, kurtosis (NOT excess; moment estimators; at least 1 + skew²),
--   sharpe = mean / std per hour; a constant series gives std 0, skew 0, kurtosis 3, sharpe 0
--   net_return   Σ ln(1 + r_t)
--   buy_hold_return  ln((1 − taker fee) × mean over the strategy's symbols of mark(last hour) / mark(hour before
--                the first)): equal-weight buy at the marks of the close before the period (the venue's taker fee
--                paid on entry, market.venue), held to the period's last close; marks market.marks (the close of
--                the last bar closed by the hour, as the hour close values positions); the strategy's symbols are
--                those of the book's runs that name it (ops.run.config symbols, strategy or extra_strategies)
--   turnover     mean over the hours of (Σ quantity × price of the strategy's fills dated in (t − 1 h, t], not
--                voided by t, in the reporting currency at the fill's time) / equity_{t−1h}
--   max_drawdown largest fall of Π(1 + r_t) from its running peak (starting at 1), a fraction in [0, 1]
-- Refusals (PD011 unknown model or account, or no strategy of the account names the model; PD012 otherwise, each
-- with its HINT): a NULL or misaligned period, fewer than two hours; a live account (a live book's hours are not a
-- paper track record: forward folds are what admits a model to live_canary); a shadow account (it sends no order,
-- so its strategies have no fill and no PnL: record the fold on its paired paper reference); a paper account
-- without a sync-fed run (api.burn_in's rule: a run over stored history is a backtest, not forward evidence); an
-- hour of [p_period_from − 1 h, p_period_to) the book has not closed or the strategy has no figures for; a symbol
-- without a mark at either end; an hour whose return is −100 % or worse.
-- SECURITY DEFINER (read-only) so that the operator and the auditor re-derive a fold with the very reads the door
-- made; executed by them (grants/99_ml.sql), the worker reaches it only through api.record_forward_fold. The figures
-- are exact numerics; ml.fold_metric stores them as double precision (compare a re-derivation cast to it).
CREATE OR REPLACE FUNCTION ml._forward_figures(p_model_id text, p_account text, p_period_from timestamptz,
                                               p_period_to timestamptz)
RETURNS TABLE (strategy text, book_id integer, n_obs integer, mean numeric, std numeric, skew numeric,
               kurtosis numeric, sharpe numeric, net_return numeric, buy_hold_return numeric, turnover numeric,
               max_drawdown numeric)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_acct     trading.account;
    v_strategy text;
    v_names    text[];
    v_hours    integer;
    v_missing  timestamptz;
    v_symbols  text[];
    v_fee      numeric;
    v_bh       numeric;
    v_bad      text;
    v_worst    numeric;
BEGIN
    IF p_model_id IS NULL OR p_account IS NULL OR p_period_from IS NULL OR p_period_to IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'forward fold refused: a required argument is missing',
            DETAIL = format('model_id=%s account=%s period_from=%s period_to=%s', left(p_model_id, 200), left(p_account, 200),
                            p_period_from, p_period_to),
            HINT = 'Pass the model, the paper account and the period [from, to) of hour closes.';
    END IF;
    IF NOT isfinite(p_period_from) OR NOT isfinite(p_period_to) OR date_trunc('hour', p_period_from) <> p_period_from
       OR date_trunc('hour', p_period_to) <> p_period_to OR p_period_to - p_period_from < interval '2 hours' THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('forward fold refused: the period [%s, %s) is not at least two whole hours', p_period_from, p_period_to),
            DETAIL = format('period_from=%s period_to=%s', p_period_from, p_period_to),
            HINT = 'The period is [from, to) of hour closes, both aligned to the hour (UTC), at least two hours apart.';
    END IF;
    PERFORM ml._require_model('forward fold', p_model_id);
    SELECT * INTO v_acct FROM trading.account a WHERE a.name = p_account;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('forward fold refused: account %s does not exist', left(p_account, 200)),
            DETAIL = format('account=%s', left(p_account, 200)),
            HINT = 'Name the paper account the model strategy ran on (api.accounts).';
    END IF;
    IF v_acct.mode = 'live' THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('forward fold refused: account %s is live; a forward fold is a paper track record', p_account),
            DETAIL = format('account=%s mode=%s lane=%s model_id=%s', p_account, v_acct.mode, v_acct.lane, left(p_model_id, 200)),
            HINT = 'Forward folds admit a model to live_canary (api.evaluate_promotion): record them from a sync-fed paper account (docs/ml.md "Forward folds").';
    END IF;
    IF v_acct.mode = 'shadow' THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('forward fold refused: account %s is a shadow book, which sends no order: its strategies have no fill and no PnL to measure', p_account),
            DETAIL = format('account=%s mode=%s model_id=%s', p_account, v_acct.mode, left(p_model_id, 200)),
            HINT = 'Record the fold on the paper account the shadow is paired with (api.shadow_comparisons): it trades the same decisions on the same data.';
    END IF;
    SELECT array_agg(s.strategy ORDER BY s.strategy) INTO v_names
      FROM trading.strategy s WHERE s.book_id = v_acct.book_id AND s.params ->> 'model_id' = p_model_id;
    IF v_names IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011',
            MESSAGE = format('forward fold refused: no strategy of account %s runs model %s', p_account, left(p_model_id, 200)),
            DETAIL = format('account=%s model_id=%s', p_account, left(p_model_id, 200)),
            HINT = 'A forward fold is the paper record of a model strategy: register it on the account with params {"model_id": ...} (api.register_strategy) and run it.';
    END IF;
    IF cardinality(v_names) > 1 THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('forward fold refused: %s strategies of account %s run model %s', cardinality(v_names), p_account, left(p_model_id, 200)),
            DETAIL = format('account=%s model_id=%s strategies=%s', p_account, left(p_model_id, 200), v_names),
            HINT = 'One track record is one strategy''s: run the model as one strategy on the book.';
    END IF;
    v_strategy := v_names[1];
    IF NOT EXISTS (SELECT FROM api.burn_in(v_acct.venue, v_strategy) b WHERE b.account = p_account) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('forward fold refused: account %s has no sync-fed run; hours over stored history are a backtest, not a forward track record', p_account),
            DETAIL = format('account=%s mode=%s strategy=%s model_id=%s', p_account, v_acct.mode, v_strategy, left(p_model_id, 200)),
            HINT = 'Run the model strategy forward on live data (predator run --feed sync, docs/live.md "Forward burn-in"); api.burn_in lists the accounts that count.';
    END IF;
    -- Every hour of [from − 1 h, to) closed by the book, with the strategy's figures.
    SELECT min(g.t) INTO v_missing
      FROM generate_series(p_period_from - interval '1 hour', p_period_to - interval '1 hour', interval '1 hour') g(t)
     WHERE NOT EXISTS (SELECT FROM portfolio.hourly_state h WHERE h.book_id = v_acct.book_id AND h.hour = g.t)
        OR NOT EXISTS (SELECT FROM portfolio.strategy_hour sh WHERE sh.book_id = v_acct.book_id
                          AND sh.strategy = v_strategy AND sh.hour = g.t);
    IF v_missing IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('forward fold refused: hour %s of account %s is not closed (or has no figures of strategy %s)', v_missing, p_account, v_strategy),
            DETAIL = format('account=%s strategy=%s period_from=%s period_to=%s first_missing=%s', p_account, v_strategy,
                            p_period_from, p_period_to, v_missing),
            HINT = 'Every hour of the period and the hour before it must be closed (api.hourly_states, api.strategy_hours): wait for the run, or end the period earlier.';
    END IF;
    v_hours := (extract(epoch FROM p_period_to - p_period_from) / 3600)::integer;

    -- The strategy's symbols: those of the book's runs that name it.
    SELECT array_agg(DISTINCT x.sym ORDER BY x.sym) INTO v_symbols
      FROM ops.run r
     CROSS JOIN LATERAL jsonb_array_elements_text(r.config -> 'symbols') x(sym)
     WHERE r.book_id = v_acct.book_id
       AND (r.config ->> 'strategy' = v_strategy
            OR EXISTS (SELECT FROM jsonb_array_elements(coalesce(r.config -> 'extra_strategies', '[]')) e
                        WHERE e ->> 'name' = v_strategy));
    IF v_symbols IS NULL THEN
        -- a run registered with the extra strategies' names elsewhere: every symbol of the book's runs
        SELECT array_agg(DISTINCT x.sym ORDER BY x.sym) INTO v_symbols
          FROM ops.run r CROSS JOIN LATERAL jsonb_array_elements_text(r.config -> 'symbols') x(sym)
         WHERE r.book_id = v_acct.book_id;
    END IF;
    SELECT string_agg(s, ',' ORDER BY s) INTO v_bad
      FROM unnest(v_symbols) s
     WHERE NOT EXISTS (SELECT FROM market.marks(v_acct.venue, ARRAY[s], p_period_from - interval '1 hour'))
        OR NOT EXISTS (SELECT FROM market.marks(v_acct.venue, ARRAY[s], p_period_to - interval '1 hour'));
    IF v_symbols IS NULL OR v_bad IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('forward fold refused: no mark for buy-and-hold of %s at %s or %s', coalesce(v_bad, 'the strategy''s symbols'),
                             p_period_from - interval '1 hour', p_period_to - interval '1 hour'),
            DETAIL = format('account=%s strategy=%s symbols=%s', p_account, v_strategy, v_symbols),
            HINT = 'Buy-and-hold is measured on the symbols of the runs that name the strategy, at the marks of the close before the period and of its last close (market.marks).';
    END IF;
    SELECT v.taker_fee_bps / 10000 INTO v_fee FROM market.venue v WHERE v.venue = v_acct.venue;
    SELECT ln((1 - coalesce(v_fee, 0)) * avg(b.close / a.close)) INTO v_bh
      FROM market.marks(v_acct.venue, v_symbols, p_period_from - interval '1 hour') a
      JOIN market.marks(v_acct.venue, v_symbols, p_period_to - interval '1 hour') b USING (symbol);

    SELECT min(1 + x.r) INTO v_worst FROM (
        SELECT (sh.pnl - lag(sh.pnl) OVER w) / nullif(lag(h.equity) OVER w, 0) AS r, sh.hour
          FROM portfolio.strategy_hour sh
          JOIN portfolio.hourly_state h ON h.book_id = sh.book_id AND h.hour = sh.hour
         WHERE sh.book_id = v_acct.book_id AND sh.strategy = v_strategy
           AND sh.hour >= p_period_from - interval '1 hour' AND sh.hour < p_period_to
        WINDOW w AS (ORDER BY sh.hour)) x
     WHERE x.hour >= p_period_from;
    IF v_worst IS NULL OR v_worst <= 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('forward fold refused: an hour of account %s lost all its equity (or had none)', p_account),
            DETAIL = format('account=%s strategy=%s worst 1+r=%s', p_account, v_strategy, v_worst),
            HINT = 'A return of -100 % or a book without equity has no log return; measure a period where the book held capital.';
    END IF;

    RETURN QUERY
    WITH s AS (
        SELECT sh.hour, sh.pnl, h.equity,
               lag(sh.pnl) OVER w AS prev_pnl, lag(h.equity) OVER w AS prev_equity
          FROM portfolio.strategy_hour sh
          JOIN portfolio.hourly_state h ON h.book_id = sh.book_id AND h.hour = sh.hour
         WHERE sh.book_id = v_acct.book_id AND sh.strategy = v_strategy
           AND sh.hour >= p_period_from - interval '1 hour' AND sh.hour < p_period_to
        WINDOW w AS (ORDER BY sh.hour)
    ), r AS (
        SELECT s.hour, (s.pnl - s.prev_pnl) / s.prev_equity AS r, s.prev_equity,
               coalesce((SELECT sum(portfolio._to_reporting(v_acct.venue, v_acct.base_currency, split_part(f.symbol, '/', 2),
                                                            f.quantity * f.price, f.ts))
                           FROM trading.fill f
                           JOIN trading.order_request o ON o.client_order_id = f.client_order_id
                          WHERE f.book_id = v_acct.book_id AND o.book_id = v_acct.book_id AND o.strategy = v_strategy
                            AND f.ts > s.hour - interval '1 hour' AND f.ts <= s.hour
                            AND NOT EXISTS (SELECT FROM trading.fill_void v WHERE v.book_id = f.book_id AND v.symbol = f.symbol
                                               AND v.venue_trade_id = f.venue_trade_id AND v.ts <= s.hour)), 0) AS traded
          FROM s WHERE s.hour >= p_period_from
    ), eq AS (
        SELECT r.*, exp(sum(ln(1 + r.r)) OVER (ORDER BY r.hour)) AS wealth FROM r
    ), dd AS (
        SELECT eq.*, greatest(1, max(eq.wealth) OVER (ORDER BY eq.hour)) AS peak FROM eq
    ), m AS (
        SELECT count(*)::integer AS n, avg(dd.r) AS mu, sum(ln(1 + dd.r) ORDER BY dd.hour) AS net,
               avg(dd.traded / dd.prev_equity) AS turnover, max(1 - dd.wealth / dd.peak) AS mdd
          FROM dd
    ), c AS (
        SELECT m.*, (SELECT avg((r.r - m.mu) ^ 2) FROM r) AS m2, (SELECT avg((r.r - m.mu) ^ 3) FROM r) AS m3,
               (SELECT avg((r.r - m.mu) ^ 4) FROM r) AS m4
          FROM m
    ), g AS (
        SELECT c.*, CASE WHEN c.m2 > 0 THEN c.m3 / (sqrt(c.m2) ^ 3) ELSE 0 END AS g3 FROM c
    )
    SELECT v_strategy, v_acct.book_id, g.n, g.mu,
           CASE WHEN g.m2 > 0 THEN sqrt(g.m2) ELSE 0 END,
           g.g3,
           CASE WHEN g.m2 > 0 THEN greatest(g.m4 / (g.m2 ^ 2), 1 + g.g3 ^ 2) ELSE 3 END,
           CASE WHEN g.m2 > 0 THEN g.mu / sqrt(g.m2) ELSE 0 END,
           g.net, v_bh, g.turnover, least(greatest(g.mdd, 0), 1)
      FROM g
     WHERE g.n = v_hours;
END
$$;

COMMENT ON FUNCTION ml._forward_figures(text, text, timestamptz, timestamptz) IS 'The one computation of a model''s forward (paper) track record on a sync-fed paper account over the hour closes [from, to), from governed rows: r_t = (strategy pnl_t - pnl_t-1h) / book equity_t-1h; n, mean, population std, skew, kurtosis (not excess), Sharpe (mean/std), Σ ln(1+r), equal-weight buy-and-hold log return at the marks (entry taker fee), mean traded notional / equity, max drawdown of Π(1+r). api.record_forward_fold records it; operator and auditor re-derive a fold with it. PD011 unknown model, account or no strategy of the model; PD012 live or shadow account, no sync-fed run, an unclosed hour, a missing mark, a bad period.';
