-- 20_sizing_health.sql — sizing enforced (the volatility cap), the adaptive horizon and strategy health
-- (issue 13, items 4 and 5; docs/risk.md).
--
-- Volatility cap: with vol_target set, api.submit_signal refuses with exactly {volatility_cap} an entry whose
-- position after it exceeds equity × vol_target / (sigma_hour × sqrt(8760)), sigma_hour the sample standard
-- deviation of hourly log returns over vol_window_hours of a planted series of bars; a smaller entry is
-- admitted with the cap recorded in its figures; too few returns: refused; no vol_target: no cap.
-- Adaptive horizon: a held position whose entry edge expired and whose volatility grew is flagged
-- horizon_expired once; one whose volatility fell is not. The review's double-precision screen agrees with the
-- numeric figures, leaves a near tie to them, and skips them on a decisive fall.
-- Health: with health thresholds set, a strategy whose entries lose against the edge they claimed is unscored
-- below health_min_trades, then demoted (its entries cut: health_demoted), then, on new evidence (a trade closed
-- since the demotion), paused (strategy_paused, an incident), each action recorded with its cause; an operator's
-- resume starts the evidence again.
-- An hour with no new evidence repeats the previous row's figures (issue 18 item 3): evidence leaving the window and
-- an allocation recorded after a close but dated before it are both counted at the next close.
BEGIN;
\i tests/sql/helpers/fixtures.sql
SELECT plan(42);

CREATE FUNCTION pg_temp.at(p_hour integer) RETURNS timestamptz LANGUAGE sql AS $$
    SELECT '2024-01-01T00:00:00Z'::timestamptz + p_hour * interval '1 hour' $$;
CREATE FUNCTION pg_temp.lim(p_profile text, p_limit text, p_mode text, p_value numeric, p_scope text DEFAULT '*')
RETURNS integer LANGUAGE sql AS $$ SELECT api.set_limit(p_profile, p_limit, p_mode, p_value, 'pgtap', p_scope) $$;

-- Market: BTC alternates 100, 101 (hourly log returns ±ln 1.01) for 48 bars; ETH has 5 bars only; SOL is
-- flat at 10; XRP is calm (1, 1.001) for 30 bars and then swings (1, 1.1).
SELECT pg_temp.load_bars('BTC/USDT', pg_temp.at(0), ARRAY(SELECT CASE WHEN i % 2 = 0 THEN 100 ELSE 101 END FROM generate_series(0, 47) i)::numeric[])
     + pg_temp.load_bars('ETH/USDT', pg_temp.at(25), array_fill(50, ARRAY[5])::numeric[])
     + pg_temp.load_bars('SOL/USDT', pg_temp.at(0), array_fill(10, ARRAY[48])::numeric[])
     + pg_temp.load_bars('XRP/USDT', pg_temp.at(0), ARRAY(SELECT CASE WHEN i < 30 THEN (CASE WHEN i % 2 = 0 THEN 1 ELSE 1.001 END)
                                                                  ELSE (CASE WHEN i % 2 = 0 THEN 1 ELSE 1.1 END) END
                                                             FROM generate_series(0, 47) i)::numeric[]) AS bars \gset

INSERT INTO risk.profile (profile, description) VALUES
    ('t_vol', 'pgtap: volatility cap'), ('t_novol', 'pgtap: no limits'), ('t_health', 'pgtap: health thresholds');
SELECT pg_temp.lim('t_vol', 'vol_target', 'pct', 50) + pg_temp.lim('t_vol', 'vol_window_hours', 'count', 24)
     + pg_temp.lim('t_health', 'health_min_trades', 'count', 3) + pg_temp.lim('t_health', 'health_demote_score', 'pct', 50)
     + pg_temp.lim('t_health', 'health_pause_score', 'pct', 10) + pg_temp.lim('t_health', 'health_demoted_size', 'pct', 50)
     + pg_temp.lim('t_health', 'max_order_notional', 'abs', 1000) + pg_temp.lim('t_health', 'vol_window_hours', 'count', 24) AS lims \gset

-- Volatility cap -------------------------------------------------------------------------------------------
-- The estimate at 30:00: the 24 returns between the bars opened 05:00..29:00, recomputed here independently.
SELECT round(stddev_samp(ln(b.c / b.p)), 12) AS sigma
  FROM (SELECT c.close AS c, lag(c.close) OVER (ORDER BY c.ts) AS p, c.ts FROM market.candle c
         WHERE c.venue = 'binance' AND c.symbol = 'BTC/USDT' AND c.ts BETWEEN pg_temp.at(5) AND pg_temp.at(29)) b
 WHERE b.p IS NOT NULL \gset
SELECT results_eq($$SELECT sigma, returns FROM risk.realized_volatility('binance', 'BTC/USDT', pg_temp.at(30), 24)$$,
                  format('VALUES (%s::numeric, 24)', :sigma),
                  'realized volatility: sample sd of the 24 hourly log returns of the bars closed by the decision time');
SELECT is((SELECT returns FROM risk.realized_volatility('binance', 'BTC/USDT', pg_temp.at(3), 24)), 2,
          'only bars closed by the decision time count (3 bars by 03:00: 2 returns)');

SELECT pg_temp.new_account('vol1', 10000, 't_vol') AS vol1 \gset
SELECT api.register_strategy('vol1', 's2', '{}'::jsonb, 'pgtap') AS r2, api.register_strategy('vol1', 's3', '{}'::jsonb, 'pgtap') AS r3 \gset
-- cap = 10000 × 0.5 / (sigma × sqrt(8760)) ≈ 5,256 at a price of 100 (bar 29:00 closes at 101).
SELECT round(10000 * 0.5 / (:sigma * sqrt(8760::numeric)), 8) AS vcap \gset
SELECT ok(:vcap BETWEEN 5000 AND 5500, format('the planted series gives a cap near 5,256 (%s)', :vcap));
SELECT is(pg_temp.reasons('vol1', 'BTC/USDT', pg_temp.at(30), 'buy', 60), '{volatility_cap}',
          'a position of 60 BTC (6,060) above the volatility-target size is refused: volatility_cap');
SELECT is((SELECT (figures -> 'caps' ->> 'volatility_cap')::numeric FROM api.decisions WHERE account = 'vol1' AND symbol = 'BTC/USDT'
            AND ts = pg_temp.at(30)), :vcap, 'the refusal records the cap it applied');
SELECT is(pg_temp.reasons('vol1', 'BTC/USDT', pg_temp.at(30), 'buy', 40, 50, 's2'), '{}',
          'a position of 40 BTC (4,040) within the cap is admitted');
SELECT is((SELECT (figures -> 'caps' ->> 'volatility')::numeric FROM api.decisions WHERE account = 'vol1' AND symbol = 'BTC/USDT'
            AND ts = pg_temp.at(30) AND outcome = 'admitted'), :sigma, 'the admission records the volatility it used');
SELECT is(pg_temp.reasons('vol1', 'BTC/USDT', pg_temp.at(30), 'buy', 20, 50, 's3'), '{volatility_cap}',
          'the cap is on the position: 20 more BTC beside the open buy of 40 (6,060) is refused');
SELECT is(pg_temp.reasons('vol1', 'ETH/USDT', pg_temp.at(30), 'buy', 1), '{volatility_cap}',
          'too few stored returns (4 of a 24-hour window) to estimate the volatility: volatility_cap');
SELECT is(pg_temp.reasons('vol1', 'SOL/USDT', pg_temp.at(30), 'buy', 100), '{}',
          'a flat series (zero volatility) leaves no cap');
SELECT pg_temp.new_account('vol2', 10000, 't_novol') AS vol2 \gset
SELECT is(pg_temp.reasons('vol2', 'BTC/USDT', pg_temp.at(30), 'buy', 60), '{}',
          'without vol_target there is no volatility cap (the same 60 BTC is admitted)');
SELECT ok((SELECT NOT (figures -> 'caps' ? 'volatility_cap') FROM api.decisions WHERE account = 'vol2' AND symbol = 'BTC/USDT'),
          'without vol_target nothing is added to the decision''s figures');
SELECT pg_temp.lim('t_vol', 'vol_target', 'pct', 20, 'BTC/USDT') AS l \gset
SELECT is(pg_temp.reasons('vol1', 'BTC/USDT', pg_temp.at(31), 'buy', 1), '{volatility_cap}',
          'a per-symbol vol_target overrides *: 20 % caps BTC near 2,100, below the open 4,040');

-- Adaptive horizon -----------------------------------------------------------------------------------------
-- hz holds XRP bought at 20:00 (calm) and BTC bought at 20:00; both entries expired at 21:00. At 40:00 XRP
-- swings (volatility grew), BTC has the same alternation as at entry (no growth).
SELECT pg_temp.new_account('hz', 10000, 't_health') AS hz \gset
SELECT pg_temp.trade('hz', 'XRP/USDT', pg_temp.at(20), 'buy', 100, 1.001, 0.1, 'HZ1') AS t1,
       pg_temp.trade('hz', 'BTC/USDT', pg_temp.at(20), 'buy', 1, 100, 0.1, 'HZ2') AS t2 \gset
SELECT hour FROM api.close_hour('hz', pg_temp.at(21)) \gset
SELECT is((SELECT count(*) FROM api.horizon_flags WHERE account = 'hz'), 0::bigint,
          'expired edges but no growth in volatility yet: nothing flagged');
SELECT hour FROM api.close_hour('hz', pg_temp.at(40)) \gset
SELECT results_eq($$SELECT symbol, reason, entry_ts, entry_expiry FROM api.horizon_flags WHERE account = 'hz'$$,
                  $$VALUES ('XRP/USDT', 'horizon_expired', pg_temp.at(20), pg_temp.at(21))$$,
                  'the position whose edge expired and whose volatility grew is flagged horizon_expired, with its entry');
SELECT ok((SELECT vol_now > vol_entry * 10 FROM api.horizon_flags WHERE account = 'hz'), 'the flag records both volatilities');
SELECT hour FROM api.close_hour('hz', pg_temp.at(41)) \gset
SELECT is((SELECT count(*) FROM api.horizon_flags WHERE account = 'hz'), 1::bigint, 'an entry is flagged once');

-- The review's screen (risk._volatility_screen, issue 18): the double-precision figure is within 1e-12 of the
-- numeric one; a tie (SOL: flat, volatility 0 now and at entry) is decided by the numeric figures; a
-- decisive fall (ADA swings until 30:00, then is calm) is decided without them and flags nothing; a close the
-- screen cannot take gives NULL.
SELECT ok((SELECT max(abs(risk._volatility_screen('binance', s, pg_temp.at(h), 24) - v.sigma::double precision)) < 1e-12
             AND count(*) = 2 * 45
             FROM unnest(ARRAY['BTC/USDT', 'XRP/USDT']) s, generate_series(3, 47) h,
                  LATERAL risk.realized_volatility('binance', s, pg_temp.at(h), 24) v),
          'the screen is within 1e-12 of risk.realized_volatility at every hour of two planted series');
SELECT is(risk._volatility_screen('binance', 'SOL/USDT', pg_temp.at(40), 24), 0::double precision,
          'a flat series screens to 0, as its numeric figure');
SELECT pg_temp.load_bars('ADA/USDT', pg_temp.at(0), ARRAY(SELECT CASE WHEN i < 30 THEN (CASE WHEN i % 2 = 0 THEN 1 ELSE 1.1 END)
                                                                  ELSE (CASE WHEN i % 2 = 0 THEN 1 ELSE 1.001 END) END
                                                             FROM generate_series(0, 47) i)::numeric[]) AS ada,
       pg_temp.load_bars('DOT/USDT', pg_temp.at(0), ARRAY(SELECT CASE WHEN i = 40 THEN 2e100 ELSE 1e100 END
                                                             FROM generate_series(0, 47) i)::numeric[]) AS dot \gset
SELECT is(risk._volatility_screen('binance', 'DOT/USDT', pg_temp.at(45), 24), NULL::double precision,
          'a close above 1e100 in the window: the screen gives NULL (the numeric figures decide)');
SET LOCAL track_functions = 'pl';
-- A new account of t_health buys p_qty of p_symbol at 20:00 (its edge expires at 21:00); the numeric volatilities
-- (risk.realized_volatility calls) its close at p_hour computes.
CREATE FUNCTION pg_temp.review_calls(p_account text, p_symbol text, p_qty numeric, p_price numeric, p_hour integer)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    v_before bigint;
BEGIN
    PERFORM pg_temp.new_account(p_account, 10000, 't_health');
    PERFORM pg_temp.trade(p_account, p_symbol, pg_temp.at(20), 'buy', p_qty, p_price, 0.1, upper(p_account));
    v_before := coalesce((SELECT f.calls FROM pg_stat_xact_user_functions f
                           WHERE f.schemaname = 'risk' AND f.funcname = 'realized_volatility'), 0);
    PERFORM api.close_hour(p_account, pg_temp.at(p_hour));
    RETURN coalesce((SELECT f.calls FROM pg_stat_xact_user_functions f
                      WHERE f.schemaname = 'risk' AND f.funcname = 'realized_volatility'), 0) - v_before;
END $$;
SELECT is(pg_temp.review_calls('hz2', 'SOL/USDT', 10, 10, 42), 2::bigint,
          'a tie (SOL flat: volatility 0 now and at entry) computes both numeric figures');
SELECT is(pg_temp.review_calls('hz3', 'ADA/USDT', 100, 1.1, 44), 0::bigint,
          'a decisive fall (ADA calm now, swinging at entry) is screened out: no numeric figure computed');
SELECT is((SELECT count(*) FROM api.horizon_flags WHERE account IN ('hz2', 'hz3')), 0::bigint,
          'neither position is flagged');

-- Strategy health ------------------------------------------------------------------------------------------
-- h1 buys 10 SOL at 10 and sells at 9, three times (each entry claims 50 bps with confidence 0.6).
SELECT pg_temp.new_account('h1', 10000, 't_health') AS h1 \gset
SELECT pg_temp.trade('h1', 'SOL/USDT', pg_temp.at(1), 'buy', 10, 10, 0.1, 'H1') AS t \gset
SELECT hour FROM api.close_hour('h1', pg_temp.at(2)) \gset
SELECT results_eq($$SELECT strategy, trades, score, state, action FROM api.strategy_health WHERE account = 'h1'$$,
                  $$VALUES ('s1', 0, NULL::numeric, 'normal', NULL::text)$$,
                  'every closed hour scores every strategy; without trades it is unscored and nothing happens');
SELECT pg_temp.trade('h1', 'SOL/USDT', pg_temp.at(2), 'sell', 10, 9, 0.1, 'H2') || pg_temp.trade('h1', 'SOL/USDT', pg_temp.at(3), 'buy', 10, 10, 0.1, 'H3')
    || pg_temp.trade('h1', 'SOL/USDT', pg_temp.at(4), 'sell', 10, 9, 0.1, 'H4') AS t \gset
SELECT hour FROM api.close_hour('h1', pg_temp.at(5)) \gset
SELECT results_eq($$SELECT trades, score, state FROM api.strategy_health WHERE account = 'h1' AND hour = pg_temp.at(5)$$,
                  $$VALUES (2, NULL::numeric, 'normal')$$, 'two losing trades are below health_min_trades (3): unscored');
SELECT pg_temp.trade('h1', 'SOL/USDT', pg_temp.at(5), 'buy', 10, 10, 0.1, 'H5') || pg_temp.trade('h1', 'SOL/USDT', pg_temp.at(6), 'sell', 10, 9, 0.1, 'H6') AS t \gset
SELECT hour FROM api.close_hour('h1', pg_temp.at(7)) \gset
SELECT results_eq($$SELECT trades, claimed_edge_bps, hit_rate, state_before, state, action FROM api.strategy_health
                     WHERE account = 'h1' AND hour = pg_temp.at(7)$$,
                  $$VALUES (3, 50::numeric, 0::numeric, 'normal', 'demoted', 'demote')$$,
                  'three losses against a claimed 50 bps: score below health_demote_score, demoted');
SELECT ok((SELECT score < 0.5 AND realized_edge_bps < -900 AND cause LIKE 'health score % below health_demote_score 0.5%'
             FROM api.strategy_health WHERE account = 'h1' AND hour = pg_temp.at(7)),
          'the demotion records its cause, the score and the realized edge (about −1,020 bps)');
SELECT is(pg_temp.reasons('h1', 'SOL/USDT', pg_temp.at(7), 'buy', 60), '{health_demoted}',
          'demoted: an entry of 600 above half the order cap (1,000) is refused: health_demoted');
SELECT api.register_strategy('h1', 's2', '{}'::jsonb, 'pgtap') AS r \gset
SELECT is(pg_temp.reasons('h1', 'XRP/USDT', pg_temp.at(7), 'buy', 400), '{}',
          'demoted: an entry of 400 within half the order cap is admitted');
SELECT is(pg_temp.reasons('h1', 'SOL/USDT', pg_temp.at(7), 'buy', 60, 50, 's2'), '{}',
          'the cut is the demoted strategy''s alone: another strategy of the book buys 600');
SELECT hour FROM api.close_hour('h1', pg_temp.at(8)) \gset
SELECT results_eq($$SELECT state_before, state, action FROM api.strategy_health WHERE account = 'h1' AND strategy = 's1' AND hour = pg_temp.at(8)$$,
                  $$VALUES ('demoted', 'demoted', NULL::text)$$,
                  'below health_pause_score but no trade closed since the demotion: no new evidence, still demoted');
SELECT pg_temp.trade('h1', 'SOL/USDT', pg_temp.at(8), 'buy', 40, 10, 0.1, 'H7') || pg_temp.trade('h1', 'SOL/USDT', pg_temp.at(9), 'sell', 40, 9, 0.1, 'H8') AS t \gset
SELECT hour FROM api.close_hour('h1', pg_temp.at(10)) \gset
SELECT results_eq($$SELECT state_before, state, action FROM api.strategy_health WHERE account = 'h1' AND strategy = 's1' AND hour = pg_temp.at(10)$$,
                  $$VALUES ('demoted', 'paused', 'pause')$$, 'one more loss while demoted, still below health_pause_score: paused');
SELECT ok((SELECT cause LIKE '%with 1 trade(s) closed since the demotion at 2024-01-01 07:00:00+00%' FROM api.strategy_health
            WHERE account = 'h1' AND strategy = 's1' AND hour = pg_temp.at(10)), 'the pause records its cause and the new evidence');
SELECT is((SELECT status FROM api.strategies WHERE account = 'h1' AND strategy = 's1'), 'paused',
          'the pause is the strategy''s pause (api.pause_strategy''s mechanism)');
SELECT is((SELECT count(*) FROM ops.incident WHERE book_id = :h1 AND category = 'model' AND title = 'strategy s1 paused by its health score'),
          1::bigint, 'the pause opens an incident: never silent');
SELECT is(pg_temp.reasons('h1', 'SOL/USDT', pg_temp.at(10), 'buy', 1), '{strategy_paused}', 'a paused strategy''s signals are refused');
SELECT api.resume_strategy('h1', 's1', 'pgtap: inspected') AS r \gset
SELECT hour FROM api.close_hour('h1', pg_temp.at(11)) \gset
SELECT results_eq($$SELECT state_before, state, action, scored_from, trades FROM api.strategy_health
                     WHERE account = 'h1' AND strategy = 's1' AND hour = pg_temp.at(11)$$,
                  $$VALUES ('paused', 'normal', 'resumed', pg_temp.at(11), 0)$$,
                  'an operator''s resume is recorded and the evidence starts again at that hour');
SELECT is(pg_temp.reasons('h1', 'SOL/USDT', pg_temp.at(11), 'buy', 60), '{}', 'after the resume the strategy trades at full size');

-- An hour with no new evidence (risk._strategy_health repeats the previous row's figures) -----------------------
-- h2 (10-hour window, scored from 3 trades, no thresholds): three losing round trips on SOL, decided at 01:00..06:00,
-- their sells filled at 02:01, 04:01, 06:01. Closes at 07:00..13:00, one an hour.
INSERT INTO risk.profile (profile, description) VALUES ('t_health_q', 'pgtap: health window 10 hours'),
                                                      ('t_health_late', 'pgtap: health from one trade');
SELECT pg_temp.lim('t_health_q', 'health_min_trades', 'count', 3) + pg_temp.lim('t_health_q', 'health_window_hours', 'count', 10)
     + pg_temp.lim('t_health_late', 'health_min_trades', 'count', 1) AS lims \gset
SELECT pg_temp.new_account('h2', 10000, 't_health_q') AS h2 \gset
SELECT pg_temp.trade('h2', 'SOL/USDT', pg_temp.at(1), 'buy', 10, 10, 0.1, 'Q1') || pg_temp.trade('h2', 'SOL/USDT', pg_temp.at(2), 'sell', 10, 9, 0.1, 'Q2')
    || pg_temp.trade('h2', 'SOL/USDT', pg_temp.at(3), 'buy', 10, 10, 0.1, 'Q3') || pg_temp.trade('h2', 'SOL/USDT', pg_temp.at(4), 'sell', 10, 9, 0.1, 'Q4')
    || pg_temp.trade('h2', 'SOL/USDT', pg_temp.at(5), 'buy', 10, 10, 0.1, 'Q5') || pg_temp.trade('h2', 'SOL/USDT', pg_temp.at(6), 'sell', 10, 9, 0.1, 'Q6') AS t \gset
SELECT count(*) AS closes FROM generate_series(7, 13) k, LATERAL api.close_hour('h2', pg_temp.at(k)) \gset
SELECT results_eq($$SELECT count(DISTINCT (trades, decisions, refused, claimed_edge_bps, realized_edge_bps, hit_rate, edge_psr, hit_p, score)),
                           min(trades), min(decisions), bool_and(score IS NOT NULL AND action IS NULL)
                      FROM api.strategy_health WHERE account = 'h2' AND hour BETWEEN pg_temp.at(7) AND pg_temp.at(10)$$,
                  $$VALUES (1::bigint, 3, 6, true)$$,
                  'quiet hours 08:00..10:00 score the same three trades and six decisions as 07:00');
SELECT results_eq($$SELECT hour, scored_from, trades, decisions FROM api.strategy_health
                     WHERE account = 'h2' AND hour BETWEEN pg_temp.at(11) AND pg_temp.at(13) ORDER BY hour$$,
                  $$VALUES (pg_temp.at(11), pg_temp.at(1), 3, 5), (pg_temp.at(12), pg_temp.at(2), 3, 4),
                           (pg_temp.at(13), pg_temp.at(3), 2, 3)$$,
                  'evidence leaving the window is counted out hour by hour: the decisions of 01:00 and 02:00, then the trade closed at 02:01');
-- h3: a sell decided at 04:00 and filled at 04:01, its fill relayed only after the close of 05:00. The close of
-- 06:00 has no evidence dated in its own hour, but an allocation recorded since the previous close: it counts it.
SELECT pg_temp.new_account('h3', 10000, 't_health_late') AS h3 \gset
SELECT pg_temp.trade('h3', 'SOL/USDT', pg_temp.at(1), 'buy', 10, 10, 0.1, 'L1') || pg_temp.trade('h3', 'SOL/USDT', pg_temp.at(2), 'sell', 10, 9, 0.1, 'L2')
    || pg_temp.trade('h3', 'SOL/USDT', pg_temp.at(3), 'buy', 10, 10, 0.1, 'L3') AS t \gset
SELECT hour FROM api.close_hour('h3', pg_temp.at(4)) \gset
SELECT client_order_id AS late_sell, quantity AS late_qty FROM pg_temp.signal('h3', 'SOL/USDT', pg_temp.at(4), 'sell', 10) \gset
SELECT api.record_order_event(:'late_sell', 'acknowledged', pg_temp.at(4), 'V-L4') AS e \gset
SELECT hour FROM api.close_hour('h3', pg_temp.at(5)) \gset
SELECT api.record_fill(:'late_sell', 'L4', :late_qty, 11, 0.1, 'USDT', 'taker', pg_temp.at(4) + interval '1 minute') AS f \gset
SELECT hour FROM api.close_hour('h3', pg_temp.at(6)) \gset
SELECT results_eq($$SELECT hour, trades, decisions FROM api.strategy_health WHERE account = 'h3' ORDER BY hour$$,
                  $$VALUES (pg_temp.at(4), 1, 3), (pg_temp.at(5), 1, 4), (pg_temp.at(6), 2, 4)$$,
                  'a fill relayed after a close but dated before it is scored at the next close');
SELECT ok((SELECT realized_edge_bps > (SELECT realized_edge_bps FROM api.strategy_health WHERE account = 'h3' AND hour = pg_temp.at(5))
             FROM api.strategy_health WHERE account = 'h3' AND hour = pg_temp.at(6)),
          'the late winning trade (sold at 11) lifts the realized edge');

SELECT * FROM finish();
ROLLBACK;
