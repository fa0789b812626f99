-- risk._strategy_health(p_book_id, p_hour) -> integer (strategies scored)
-- Strategy health at an hour close (api.close_hour through risk._hour_reviews; docs/risk.md "Strategy
-- health"). For every strategy of the book, one row in risk.strategy_health for p_hour:
--   evidence   the lot allocations (closed parts of positions) dated in (scored_from, p_hour] whose lot was
--              opened by an entry of the strategy; scored_from = max(p_hour - health_window_hours (720), the
--              hour an operator resumed the strategy after a health pause);
--   per trade  r = realized PnL / (entry price × quantity + entry fee), in bps (fees of both sides included);
--              c = edge_bps and p = confidence of the entry signal;
--   edge_psr   probabilistic Sharpe ratio (Bailey & López de Prado 2012) of x = r − f·c, f =
--              health_edge_fraction (50 %): Φ(SR·sqrt(n−1) / sqrt(1 − γ3·SR + (γ4 − 1)/4·SR²)), SR = mean(x) /
--              sd(x), γ3, γ4 skewness and (non-excess) kurtosis of x: the probability that the strategy still
--              earns at least f of the edge it claims;
--   hit_p      Φ((hits + 0.5 − Σp) / sqrt(Σp(1−p))): how likely so few winners are if each trade won with
--              the confidence its signal claimed (normal approximation of the Poisson-binomial);
--   refusals   refused signals of the strategy in the window over its admitted and refused ones, not
--              counting refusals only for halts, pauses, stale data or its own demotion;
--   score      min(edge_psr, hit_p) × (1 − refusal share), 6 places; NULL (unscored) below health_min_trades
--              (10) allocations.
-- State machine: normal → demoted when score < health_demote_score; demoted → paused when score <
-- health_pause_score on new evidence, i.e. at least one trade of the strategy closed after the demotion (the
-- strategy is paused as api.pause_strategy does, and a model incident is opened);
-- demoted → normal when score ≥ health_demote_score; paused → normal (action resumed) once an operator has
-- resumed the strategy (api.resume_strategy), the evidence starting again at that hour. Thresholds missing:
-- no action. Every action is recorded with its cause on the row; scope of every limit: strategy name or *.
CREATE OR REPLACE FUNCTION risk._strategy_health(p_book_id integer, p_hour timestamptz)
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
AS $$
DECLARE
    v_acct     trading.account;
    v_limits   jsonb;
    s          record;
    v_prev     risk.strategy_health;
    v_window   integer;
    v_min      integer;
    v_frac     numeric;
    v_demote   numeric;
    v_pause    numeric;
    v_from     timestamptz;
    v_n        integer;
    v_new      integer;
    v_demoted  timestamptz;
    v_claimed  numeric;
    v_realized numeric;
    v_hits     integer;
    v_mu       numeric;
    v_var      numeric;
    v_mean     numeric;
    v_sd       numeric;
    v_m3       numeric;
    v_m4       numeric;
    v_xs       numeric[];  -- x = r − f·c of each trade in the window
    v_sr       numeric;
    v_psr      numeric;
    v_hit_p    numeric;
    v_dec      integer;
    v_ref      integer;
    v_score    numeric;
    v_before   text;
    v_state    text;
    v_action   text;
    v_cause    text;
    v_count    integer := 0;
BEGIN
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = p_book_id;
    v_limits := risk.current_limits(v_acct.risk_profile);
    FOR s IN SELECT t.strategy, t.status FROM trading.strategy t WHERE t.book_id = p_book_id ORDER BY t.strategy LOOP
        v_window := coalesce(risk.cap(v_limits, 'health_window_hours', s.strategy, NULL), 720)::integer;
        v_min := coalesce(risk.cap(v_limits, 'health_min_trades', s.strategy, NULL), 10)::integer;
        v_frac := coalesce(risk.cap(v_limits, 'health_edge_fraction', s.strategy, 1), 0.5);
        v_demote := risk.cap(v_limits, 'health_demote_score', s.strategy, 1);
        v_pause := risk.cap(v_limits, 'health_pause_score', s.strategy, 1);

        SELECT * INTO v_prev FROM risk.strategy_health h
         WHERE h.book_id = p_book_id AND h.strategy = s.strategy ORDER BY h.hour DESC LIMIT 1;
        v_before := coalesce(v_prev.state, 'normal');
        v_action := NULL;
        v_cause := NULL;
        v_from := greatest(p_hour - v_window * interval '1 hour', v_prev.scored_from);
        IF v_before = 'paused' AND s.status = 'active' THEN
            -- An operator resumed the strategy: the evidence starts again now.
            v_from := p_hour;
            v_action := 'resumed';
            v_cause := 'an operator resumed the strategy after a health pause; evidence starts again at this hour';
        END IF;

        v_demoted := NULL;
        IF v_before = 'demoted' THEN
            SELECT max(h.hour) INTO v_demoted FROM risk.strategy_health h
             WHERE h.book_id = p_book_id AND h.strategy = s.strategy AND h.action = 'demote';
        END IF;

        -- Trades: allocations of lots opened by the strategy's entries.
        WITH t AS (
            SELECT a.ts, a.realized_pnl / (a.entry_price * a.quantity + a.entry_fee) * 10000 AS r,
                   sg.edge_bps AS c, sg.confidence AS p
              FROM trading.lot_allocation a
              JOIN trading.lot l ON l.book_id = a.book_id AND l.symbol = a.symbol AND l.lot_no = a.lot_no
              JOIN trading.fill f ON f.book_id = l.book_id AND f.symbol = l.symbol AND f.venue_trade_id = l.venue_trade_id
              JOIN trading.order_request o ON o.client_order_id = f.client_order_id
              JOIN trading.signal sg ON sg.book_id = o.book_id AND sg.seq = o.signal_seq
             WHERE a.book_id = p_book_id AND a.ts > v_from AND a.ts <= p_hour AND o.strategy = s.strategy
               AND NOT EXISTS (SELECT FROM trading.fill_void fv WHERE fv.book_id = a.book_id AND fv.symbol = a.symbol AND fv.venue_trade_id = a.venue_trade_id))
        SELECT count(*), avg(t.c), avg(t.r), count(*) FILTER (WHERE t.r > 0), sum(t.p), sum(t.p * (1 - t.p)),
               avg(t.r - v_frac * t.c), stddev_pop(t.r - v_frac * t.c), count(*) FILTER (WHERE t.ts > v_demoted),
               array_agg(t.r - v_frac * t.c)
          INTO v_n, v_claimed, v_realized, v_hits, v_mu, v_var, v_mean, v_sd, v_new, v_xs
          FROM t;
        IF v_n >= 2 AND v_sd > 0 THEN
            -- The third and fourth standardised moments over the same trades' x (collected above: one pass over
            -- the window's allocations, not two).
            SELECT avg(power((x.x - v_mean) / v_sd, 3)), avg(power((x.x - v_mean) / v_sd, 4)) INTO v_m3, v_m4
              FROM unnest(v_xs) x(x);
            v_sr := v_mean / v_sd;
            v_psr := risk.normal_cdf(round(v_sr * sqrt((v_n - 1)::numeric)
                                           / sqrt(greatest(1 - v_m3 * v_sr + (v_m4 - 1) / 4 * v_sr * v_sr, 1e-12)), 9));
        ELSIF v_n >= 1 THEN
            v_psr := CASE WHEN v_mean > 0 THEN 1 WHEN v_mean < 0 THEN 0 ELSE 0.5 END;
        ELSE
            v_psr := NULL;
        END IF;
        IF v_n >= 1 THEN
            v_hit_p := CASE WHEN v_var > 0 THEN risk.normal_cdf(round((v_hits + 0.5 - v_mu) / sqrt(v_var), 9))
                            WHEN v_hits >= v_mu THEN 1 ELSE 0 END;
        ELSE
            v_hit_p := NULL;
        END IF;

        SELECT count(*) FILTER (WHERE d.outcome IN ('admitted', 'refused')),
               count(*) FILTER (WHERE d.outcome = 'refused'
                                  AND EXISTS (SELECT FROM unnest(d.reasons) x
                                               WHERE x NOT IN ('halted_global', 'halted_lane', 'halted_account', 'halted_strategy',
                                                               'strategy_paused', 'data_stale', 'conversion_rate_missing',
                                                               'health_demoted')))
          INTO v_dec, v_ref
          FROM risk.decision d
         WHERE d.book_id = p_book_id AND d.strategy = s.strategy AND d.ts > v_from AND d.ts <= p_hour;

        v_score := CASE WHEN v_n >= greatest(v_min, 1)
                        THEN round(least(v_psr, v_hit_p) * (1 - CASE WHEN v_dec > 0 THEN v_ref::numeric / v_dec ELSE 0 END), 6) END;

        v_state := v_before;
        IF v_action IS NOT NULL THEN
            v_state := 'normal';
        ELSIF v_score IS NOT NULL THEN
            IF v_before = 'normal' AND v_demote IS NOT NULL AND v_score < v_demote THEN
                v_state := 'demoted';
                v_action := 'demote';
                v_cause := format('health score %s below health_demote_score %s (trades %s, realized edge %s bps against claimed %s bps, hit rate %s, refused %s of %s)',
                                  v_score, v_demote, v_n, round(v_realized, 2), round(v_claimed, 2),
                                  round(v_hits::numeric / v_n, 4), v_ref, v_dec);
            ELSIF v_before = 'demoted' AND v_pause IS NOT NULL AND v_score < v_pause AND v_new > 0 THEN
                v_state := 'paused';
                v_action := 'pause';
                v_cause := format('health score %s below health_pause_score %s while demoted, with %s trade(s) closed since the demotion at %s (trades %s, realized edge %s bps against claimed %s bps, hit rate %s, refused %s of %s)',
                                  v_score, v_pause, v_new, v_demoted, v_n, round(v_realized, 2), round(v_claimed, 2),
                                  round(v_hits::numeric / v_n, 4), v_ref, v_dec);
            ELSIF v_before = 'demoted' AND (v_demote IS NULL OR v_score >= v_demote) THEN
                v_state := 'normal';
                v_action := 'restore';
                v_cause := format('health score %s back at or above health_demote_score %s', v_score, v_demote);
            END IF;
        END IF;

        INSERT INTO risk.strategy_health (book_id, strategy, hour, scored_from, trades, claimed_edge_bps, realized_edge_bps,
                                          hit_rate, claimed_hit_rate, decisions, refused, edge_psr, hit_p, score,
                                          state_before, state, action, cause, thresholds)
        VALUES (p_book_id, s.strategy, p_hour, v_from, v_n, round(v_claimed, 6), round(v_realized, 6),
                CASE WHEN v_n > 0 THEN round(v_hits::numeric / v_n, 6) END,
                CASE WHEN v_n > 0 THEN round(v_mu / v_n, 6) END, v_dec, v_ref, round(v_psr, 6), round(v_hit_p, 6), v_score,
                v_before, v_state, v_action, v_cause,
                jsonb_build_object('window_hours', v_window, 'min_trades', v_min, 'edge_fraction', v_frac,
                                   'demote_score', v_demote, 'pause_score', v_pause));
        IF v_action = 'pause' THEN
            UPDATE trading.strategy t SET status = 'paused' WHERE t.book_id = p_book_id AND t.strategy = s.strategy;
            PERFORM ops._open_incident(p_book_id, 2, 'model', 'strategy:' || v_acct.name || '/' || s.strategy,
                format('strategy %s paused by its health score', s.strategy), v_cause,
                jsonb_build_object('hours', jsonb_build_array(p_hour)), p_hour, 'system');
        END IF;
        v_count := v_count + 1;
    END LOOP;
    RETURN v_count;
END
$$;

COMMENT ON FUNCTION risk._strategy_health(integer, timestamptz) IS 'Internal (hour close): scores every strategy of a book (probabilistic Sharpe ratio of realized against claimed edge, hit rate against claimed confidence, refusal share) into risk.strategy_health and demotes, restores or pauses it by the operator''s thresholds, recording each action with its cause (a pause also opens an incident).';
