-- risk._strategy_health(p_book_id, p_hour, p_limits) -> integer (strategies scored)
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
-- Set-based: each strategy's window and state are looked up first, then the evidence of every strategy is read in
-- one pass (one scan of the allocations and one of the decisions over the widest window, each row kept for its
-- own strategy's window), then each strategy is scored and moved in name order.
-- p_limits: the book's current limits (risk.current_limits) when the caller has them (api.close_hour reads them
-- once for the close); NULL: read here.
-- An hour with no new evidence (issue 18 item 3; docs/risk.md "Strategy health"): when no decision, lot allocation
-- or fill void was recorded since the previous close (the chain heads that close stored), none of the book's
-- decisions or allocations is dated in the hours the window gained ((previous close, p_hour]) or lost ((previous
-- scored_from, new scored_from]), and a strategy's previous row is the previous close's, in state normal with the
-- same thresholds and a score that does not demote it, its figures are those of its previous row: the same trades
-- and decisions give the same numbers, so they are copied instead of computed again (the row differs only in hour
-- and scored_from). Any other case, for any strategy of the book, computes every strategy's row as below.
CREATE OR REPLACE FUNCTION risk._strategy_health(p_book_id integer, p_hour timestamptz, p_limits jsonb DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
AS $$
DECLARE
    v_acct     trading.account;
    v_limits   jsonb;
    s          record;
    g          record;
    v_prev     risk.strategy_health;
    v_window   integer;
    v_from     timestamptz;
    v_demoted  timestamptz;
    v_before   text;
    v_action   text;
    v_cause    text;
    -- Per strategy, in name order: its thresholds, its state before, the start of its evidence and its action so far.
    a_name     text[] := '{}';
    a_window   integer[] := '{}';
    a_min      integer[] := '{}';
    a_frac     numeric[] := '{}';
    a_demote   numeric[] := '{}';
    a_pause    numeric[] := '{}';
    a_from     timestamptz[] := '{}';
    a_demoted  timestamptz[] := '{}';
    a_before   text[] := '{}';
    a_action   text[] := '{}';
    a_cause    text[] := '{}';
    i          integer;
    v_m3       numeric;
    v_m4       numeric;
    v_sr       numeric;
    v_psr      numeric;
    v_hit_p    numeric;
    v_score    numeric;
    v_state    text;
    v_count    integer := 0;
    v_thr      jsonb;
    a_thr      jsonb[] := '{}';
    a_prev     risk.strategy_health[] := '{}';
    v_reuse    boolean;
    v_close    portfolio.hourly_state;  -- the previous close (its hour and the chain heads it stored)
    v_left     timestamptz;
    v_to       timestamptz;
BEGIN
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = p_book_id;
    v_limits := coalesce(p_limits, risk.current_limits(v_acct.risk_profile));
    SELECT * INTO v_close FROM portfolio.hourly_state h WHERE h.book_id = p_book_id AND h.hour < p_hour
     ORDER BY h.hour DESC LIMIT 1;
    -- Nothing recorded since the previous close in the chains the evidence is read from.
    v_reuse := v_close.hour IS NOT NULL AND NOT EXISTS (
        SELECT FROM ops.chain_head c
         WHERE c.chain IN ('risk.decision:' || p_book_id, 'trading.lot_allocation:' || p_book_id,
                           'trading.fill_void:' || p_book_id)
           AND c.seq > coalesce((v_close.digests -> 'heads' ->> split_part(c.chain, ':', 1))::bigint, 0));
    FOR s IN SELECT t.strategy, t.status FROM trading.strategy t WHERE t.book_id = p_book_id ORDER BY t.strategy LOOP
        v_window := coalesce(risk.cap(v_limits, 'health_window_hours', s.strategy, NULL), 720)::integer;
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
            -- The hour of its latest demotion: the newest demote row (read backwards from the newest hour).
            SELECT h.hour INTO v_demoted FROM risk.strategy_health h
             WHERE h.book_id = p_book_id AND h.strategy = s.strategy AND h.action = 'demote'
             ORDER BY h.hour DESC LIMIT 1;
        END IF;
        a_name := a_name || s.strategy;
        a_window := a_window || v_window;
        a_min := a_min || coalesce(risk.cap(v_limits, 'health_min_trades', s.strategy, NULL), 10)::integer;
        a_frac := a_frac || coalesce(risk.cap(v_limits, 'health_edge_fraction', s.strategy, 1), 0.5);
        a_demote := a_demote || risk.cap(v_limits, 'health_demote_score', s.strategy, 1);
        a_pause := a_pause || risk.cap(v_limits, 'health_pause_score', s.strategy, 1);
        i := cardinality(a_name);
        v_thr := jsonb_build_object('window_hours', a_window[i], 'min_trades', a_min[i], 'edge_fraction', a_frac[i],
                                    'demote_score', a_demote[i], 'pause_score', a_pause[i]);
        a_thr := a_thr || v_thr;
        a_prev := a_prev || v_prev;
        v_reuse := coalesce(v_reuse AND v_prev.hour = v_close.hour AND v_before = 'normal' AND v_prev.thresholds = v_thr
                            AND (v_prev.score IS NULL OR a_demote[i] IS NULL OR v_prev.score >= a_demote[i]), false);
        v_left := least(v_left, v_prev.scored_from);  -- the earliest start of the windows the previous rows scored
        a_from := a_from || v_from;
        a_demoted := a_demoted || v_demoted;
        a_before := a_before || v_before;
        a_action := a_action || v_action;
        a_cause := a_cause || v_cause;
    END LOOP;
    IF cardinality(a_name) = 0 THEN
        RETURN 0;
    END IF;

    -- No evidence dated in the hours the windows gained or lost: the rows repeat the previous ones' figures. Each
    -- test is the first row after a time, read in (book_id, ts) index order: a plain range or an OR of two ranges
    -- let the generic plan choose a sequential scan of the book's allocations, which grows with its history.
    v_to := (SELECT max(x) FROM unnest(a_from) x);  -- the latest start of the new windows
    v_reuse := v_reuse
        AND NOT coalesce((SELECT a.ts <= p_hour FROM trading.lot_allocation a WHERE a.book_id = p_book_id AND a.ts > v_close.hour
                           ORDER BY a.ts LIMIT 1), false)
        AND NOT coalesce((SELECT a.ts <= v_to FROM trading.lot_allocation a WHERE a.book_id = p_book_id AND a.ts > v_left
                           ORDER BY a.ts LIMIT 1), false)
        AND NOT coalesce((SELECT d.ts <= p_hour FROM risk.decision d WHERE d.book_id = p_book_id AND d.ts > v_close.hour
                           ORDER BY d.ts LIMIT 1), false)
        AND NOT coalesce((SELECT d.ts <= v_to FROM risk.decision d WHERE d.book_id = p_book_id AND d.ts > v_left
                           ORDER BY d.ts LIMIT 1), false);
    IF v_reuse THEN
        FOR i IN 1 .. cardinality(a_name) LOOP
            v_prev := a_prev[i];
            INSERT INTO risk.strategy_health (book_id, strategy, hour, scored_from, trades, claimed_edge_bps, realized_edge_bps,
                                              hit_rate, claimed_hit_rate, decisions, refused, edge_psr, hit_p, score,
                                              state_before, state, action, cause, thresholds)
            VALUES (p_book_id, a_name[i], p_hour, a_from[i], v_prev.trades, v_prev.claimed_edge_bps, v_prev.realized_edge_bps,
                    v_prev.hit_rate, v_prev.claimed_hit_rate, v_prev.decisions, v_prev.refused, v_prev.edge_psr, v_prev.hit_p,
                    v_prev.score, 'normal', 'normal', NULL, NULL, a_thr[i]);
        END LOOP;
        RETURN cardinality(a_name);
    END IF;

    FOR g IN
        WITH w AS (
            SELECT x.strategy, x.from_ts, x.frac, x.demoted, x.ord
              FROM unnest(a_name, a_from, a_frac, a_demoted) WITH ORDINALITY x(strategy, from_ts, frac, demoted, ord)),
        -- Trades: allocations of lots opened by the strategies' entries, each in its own strategy's window.
        t AS (
            SELECT w.strategy, a.ts, a.realized_pnl / (a.entry_price * a.quantity + a.entry_fee) * 10000 AS r,
                   sg.edge_bps AS c, sg.confidence AS conf, w.frac, w.demoted
              FROM trading.lot_allocation a
              JOIN trading.lot l ON l.book_id = a.book_id AND l.symbol = a.symbol AND l.lot_no = a.lot_no
              JOIN trading.fill f ON f.book_id = l.book_id AND f.symbol = l.symbol AND f.venue_trade_id = l.venue_trade_id
              JOIN trading.order_request o ON o.client_order_id = f.client_order_id
              JOIN trading.signal sg ON sg.book_id = o.book_id AND sg.seq = o.signal_seq
              JOIN w ON w.strategy = o.strategy
             WHERE a.book_id = p_book_id AND a.ts > (SELECT min(w.from_ts) FROM w) AND a.ts <= p_hour AND a.ts > w.from_ts
               AND NOT EXISTS (SELECT FROM trading.fill_void fv WHERE fv.book_id = a.book_id AND fv.symbol = a.symbol AND fv.venue_trade_id = a.venue_trade_id)),
        st AS (
            SELECT t.strategy, count(*) AS n, avg(t.c) AS claimed, avg(t.r) AS realized, count(*) FILTER (WHERE t.r > 0) AS hits,
                   sum(t.conf) AS mu, sum(t.conf * (1 - t.conf)) AS var, avg(t.r - t.frac * t.c) AS mean,
                   stddev_pop(t.r - t.frac * t.c) AS sd, count(*) FILTER (WHERE t.ts > t.demoted) AS n_new,
                   array_agg(t.r - t.frac * t.c) AS xs  -- x = r − f·c of each trade in the window
              FROM t GROUP BY t.strategy),
        dc AS (
            SELECT w.strategy,
                   count(*) FILTER (WHERE d.outcome IN ('admitted', 'refused')) AS n_dec,
                   count(*) FILTER (WHERE d.outcome = 'refused'
                                      AND EXISTS (SELECT FROM unnest(d.reasons) x
                                                   WHERE x NOT IN ('halted_global', 'halted_lane', 'halted_account', 'halted_strategy',
                                                                   'strategy_paused', 'data_stale', 'conversion_rate_missing',
                                                                   'health_demoted'))) AS n_ref
              FROM risk.decision d
              JOIN w ON w.strategy = d.strategy
             WHERE d.book_id = p_book_id AND d.ts > (SELECT min(w.from_ts) FROM w) AND d.ts <= p_hour AND d.ts > w.from_ts
             GROUP BY w.strategy)
        SELECT w.ord::integer AS i, coalesce(st.n, 0)::integer AS n, st.claimed, st.realized,
               coalesce(st.hits, 0)::integer AS hits, st.mu, st.var, st.mean, st.sd, coalesce(st.n_new, 0)::integer AS n_new,
               st.xs, coalesce(dc.n_dec, 0)::integer AS n_dec, coalesce(dc.n_ref, 0)::integer AS n_ref
          FROM w LEFT JOIN st ON st.strategy = w.strategy LEFT JOIN dc ON dc.strategy = w.strategy
         ORDER BY w.ord
    LOOP
        i := g.i;
        IF g.n >= 2 AND g.sd > 0 THEN
            -- The third and fourth standardised moments over the same trades' x (collected above: one pass over
            -- the window's allocations, not two).
            SELECT avg(power((x.x - g.mean) / g.sd, 3)), avg(power((x.x - g.mean) / g.sd, 4)) INTO v_m3, v_m4
              FROM unnest(g.xs) x(x);
            v_sr := g.mean / g.sd;
            v_psr := risk.normal_cdf(round(v_sr * sqrt((g.n - 1)::numeric)
                                           / sqrt(greatest(1 - v_m3 * v_sr + (v_m4 - 1) / 4 * v_sr * v_sr, 1e-12)), 9));
        ELSIF g.n >= 1 THEN
            v_psr := CASE WHEN g.mean > 0 THEN 1 WHEN g.mean < 0 THEN 0 ELSE 0.5 END;
        ELSE
            v_psr := NULL;
        END IF;
        IF g.n >= 1 THEN
            v_hit_p := CASE WHEN g.var > 0 THEN risk.normal_cdf(round((g.hits + 0.5 - g.mu) / sqrt(g.var), 9))
                            WHEN g.hits >= g.mu THEN 1 ELSE 0 END;
        ELSE
            v_hit_p := NULL;
        END IF;

        v_score := CASE WHEN g.n >= greatest(a_min[i], 1)
                        THEN round(least(v_psr, v_hit_p) * (1 - CASE WHEN g.n_dec > 0 THEN g.n_ref::numeric / g.n_dec ELSE 0 END), 6) END;

        v_before := a_before[i];
        v_action := a_action[i];
        v_cause := a_cause[i];
        v_state := v_before;
        IF v_action IS NOT NULL THEN
            v_state := 'normal';
        ELSIF v_score IS NOT NULL THEN
            IF v_before = 'normal' AND a_demote[i] IS NOT NULL AND v_score < a_demote[i] THEN
                v_state := 'demoted';
                v_action := 'demote';
                v_cause := format('health score %s below health_demote_score %s (trades %s, realized edge %s bps against claimed %s bps, hit rate %s, refused %s of %s)',
                                  v_score, a_demote[i], g.n, round(g.realized, 2), round(g.claimed, 2),
                                  round(g.hits::numeric / g.n, 4), g.n_ref, g.n_dec);
            ELSIF v_before = 'demoted' AND a_pause[i] IS NOT NULL AND v_score < a_pause[i] AND g.n_new > 0 THEN
                v_state := 'paused';
                v_action := 'pause';
                v_cause := format('health score %s below health_pause_score %s while demoted, with %s trade(s) closed since the demotion at %s (trades %s, realized edge %s bps against claimed %s bps, hit rate %s, refused %s of %s)',
                                  v_score, a_pause[i], g.n_new, a_demoted[i], g.n, round(g.realized, 2), round(g.claimed, 2),
                                  round(g.hits::numeric / g.n, 4), g.n_ref, g.n_dec);
            ELSIF v_before = 'demoted' AND (a_demote[i] IS NULL OR v_score >= a_demote[i]) THEN
                v_state := 'normal';
                v_action := 'restore';
                v_cause := format('health score %s back at or above health_demote_score %s', v_score, a_demote[i]);
            END IF;
        END IF;

        INSERT INTO risk.strategy_health (book_id, strategy, hour, scored_from, trades, claimed_edge_bps, realized_edge_bps,
                                          hit_rate, claimed_hit_rate, decisions, refused, edge_psr, hit_p, score,
                                          state_before, state, action, cause, thresholds)
        VALUES (p_book_id, a_name[i], p_hour, a_from[i], g.n, round(g.claimed, 6), round(g.realized, 6),
                CASE WHEN g.n > 0 THEN round(g.hits::numeric / g.n, 6) END,
                CASE WHEN g.n > 0 THEN round(g.mu / g.n, 6) END, g.n_dec, g.n_ref, round(v_psr, 6), round(v_hit_p, 6), v_score,
                v_before, v_state, v_action, v_cause, a_thr[i]);
        IF v_action = 'pause' THEN
            UPDATE trading.strategy t SET status = 'paused' WHERE t.book_id = p_book_id AND t.strategy = a_name[i];
            PERFORM ops._open_incident(p_book_id, 2, 'model', 'strategy:' || v_acct.name || '/' || a_name[i],
                format('strategy %s paused by its health score', a_name[i]), v_cause,
                jsonb_build_object('hours', jsonb_build_array(p_hour)), p_hour, 'system');
        END IF;
        v_count := v_count + 1;
    END LOOP;
    RETURN v_count;
END
$$;

COMMENT ON FUNCTION risk._strategy_health(integer, timestamptz, jsonb) IS 'Internal (hour close): scores every strategy of a book (probabilistic Sharpe ratio of realized against claimed edge, hit rate against claimed confidence, refusal share) into risk.strategy_health and demotes, restores or pauses it by the operator''s thresholds, recording each action with its cause (a pause also opens an incident).';
