-- api.compare_shadow(p_shadow, p_until) -> (hour, divergence, threshold, tripped)
-- Worker. Compares a paired shadow account (api.pair_shadow) with its reference, hour by hour, for every hour
-- up to p_until that both books have closed and that was not compared yet (in order; an hour only one book
-- closed waits for the next call). Per hour: each book's decisions at that hour as sorted [symbol, direction,
-- outcome] triples (api.decisions with ts = hour); divergence = how many triples are in one multiset and not the
-- other. Recorded in risk.shadow_comparison. Above the shadow_divergence breaker's threshold for the shadow
-- account (risk._breaker, lane then account override; NULL disables) the breaker trips (risk._trip: a breaker
-- trip, an incident, a halt at the breaker's scope) at that hour. Returns one row per hour compared now.
-- PD011 unknown account; PD012 the account is not a paired shadow; PD015 p_until infinite or later than the
-- wall clock plus the operator's max_clock_skew_seconds.
-- Tables read: risk.shadow_pair, portfolio.hourly_state, trading.signal, risk.decision, risk.breaker_setting.
-- Tables written: risk.shadow_comparison (and through risk._trip risk.breaker_trip, ops.incident, risk.halt_*).
CREATE OR REPLACE FUNCTION api.compare_shadow(p_shadow text, p_until timestamptz)
RETURNS TABLE (hour timestamptz, divergence integer, threshold numeric, tripped boolean)
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_acct  trading.account;
    v_pair  risk.shadow_pair;
    v_hour  timestamptz;
    v_mine  jsonb;
    v_ref   jsonb;
    v_div   integer;
    v_brk   record;
    v_trip  boolean;
BEGIN
    PERFORM ops._require_business_time('api.compare_shadow', ARRAY['p_until'], ARRAY[p_until]);
    v_acct := trading._account(p_shadow);
    SELECT * INTO v_pair FROM risk.shadow_pair p WHERE p.shadow_book_id = v_acct.book_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('compare_shadow refused: %s is not a paired shadow account', p_shadow),
            HINT = 'An operator pairs it first: SELECT api.pair_shadow(shadow, reference, reason).';
    END IF;
    PERFORM ops._lock_book(v_acct.book_id);
    FOR v_hour IN
        SELECT h.hour FROM portfolio.hourly_state h
         WHERE h.book_id = v_acct.book_id AND h.hour <= p_until
           AND h.hour > coalesce((SELECT max(c.hour) FROM risk.shadow_comparison c WHERE c.shadow_book_id = v_acct.book_id),
                                 '-infinity')
           AND EXISTS (SELECT FROM portfolio.hourly_state r WHERE r.book_id = v_pair.reference_book_id AND r.hour = h.hour)
         ORDER BY h.hour
    LOOP
        SELECT coalesce(jsonb_agg(jsonb_build_array(s.symbol, s.direction, d.outcome) ORDER BY s.symbol, s.direction, d.outcome), '[]')
          INTO v_mine
          FROM trading.signal s JOIN risk.decision d ON d.book_id = s.book_id AND d.signal_seq = s.seq
         WHERE s.book_id = v_acct.book_id AND s.ts = v_hour;
        SELECT coalesce(jsonb_agg(jsonb_build_array(s.symbol, s.direction, d.outcome) ORDER BY s.symbol, s.direction, d.outcome), '[]')
          INTO v_ref
          FROM trading.signal s JOIN risk.decision d ON d.book_id = s.book_id AND d.signal_seq = s.seq
         WHERE s.book_id = v_pair.reference_book_id AND s.ts = v_hour;
        -- Multiset difference both ways: each triple counted with its multiplicity.
        SELECT coalesce(sum(abs(coalesce(a.n, 0) - coalesce(b.n, 0))), 0)::integer INTO v_div
          FROM (SELECT e AS t, count(*) AS n FROM jsonb_array_elements(v_mine) e GROUP BY e) a
          FULL JOIN (SELECT e AS t, count(*) AS n FROM jsonb_array_elements(v_ref) e GROUP BY e) b ON a.t = b.t;
        SELECT * INTO v_brk FROM risk._breaker(v_acct.lane, v_acct.name, 'shadow_divergence');
        v_trip := false;
        IF v_brk.threshold IS NOT NULL AND v_div > v_brk.threshold THEN
            v_trip := risk._trip(v_acct.book_id, 'shadow_divergence', v_hour, v_div, v_brk.threshold, v_brk.trip_scope,
                                 jsonb_build_object('hour', v_hour, 'shadow', v_mine, 'reference', v_ref));
        END IF;
        INSERT INTO risk.shadow_comparison (shadow_book_id, hour, reference_book_id, shadow_decisions, reference_decisions,
                                            divergence, threshold, tripped)
        VALUES (v_acct.book_id, v_hour, v_pair.reference_book_id, v_mine, v_ref, v_div, v_brk.threshold, v_trip);
        hour := v_hour; divergence := v_div; threshold := v_brk.threshold; tripped := v_trip;
        RETURN NEXT;
    END LOOP;
END
$$;

COMMENT ON FUNCTION api.compare_shadow(text, timestamptz) IS 'Worker: compares a paired shadow account''s decisions with its reference''s for every hour both closed up to p_until and not compared yet; records risk.shadow_comparison and trips the shadow_divergence breaker above its threshold. PD011, PD012, PD015.';
