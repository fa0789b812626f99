-- api.dataset_hash(p_venue, p_symbols, p_interval, p_from, p_to)
--   -> (dataset_hash, bars, symbols, first_ts, last_ts, digests)
-- Worker, auditor. A deterministic sha256 of a dataset: the effective (highest revision) bars of the given
-- symbols, venue and interval with open time in [p_from, p_to). It depends on the bars' content only (not
-- on revisions, load ids or wall time), so a reload of the same bars into an empty database gives the
-- same hash. Canonical form (docs/market_data.md, predator.marketdata.dataset reproduces it):
--   per symbol  sha256 of the lines "<epoch seconds>,<open>,<high>,<low>,<close>,<volume>\n" in time
--               order, numbers as trim_scale(numeric)::text (no exponent, no trailing zeros);
--   dataset     sha256 of "predator-dataset/v1|<venue>|<interval>|<from epoch>|<to epoch>\n" followed by
--               "<symbol>|<bars>|<symbol sha256 hex>\n" per requested symbol in byte order (a symbol
--               without bars counts with 0 bars and the sha256 of nothing).
-- digests: {symbol: {"bars": n, "sha256": hex}}. Training and backtests record dataset_hash (api.register_run).
-- PD012 unknown interval, no symbols, or an empty or unbounded time range.
-- Tables read: market.candle.
CREATE OR REPLACE FUNCTION api.dataset_hash(
    p_venue text, p_symbols text[], p_interval text, p_from timestamptz, p_to timestamptz)
RETURNS TABLE (dataset_hash text, bars bigint, symbols integer, first_ts timestamptz, last_ts timestamptz, digests jsonb)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET timezone = 'UTC'
SET datestyle = 'ISO, YMD'
SET intervalstyle = 'postgres'
SET extra_float_digits = 1
AS $$
DECLARE
    v_symbol  text;
    v_n       bigint;
    v_first   timestamptz;
    v_last    timestamptz;
    v_digest  bytea;
    v_lines   text := '';
    v_bars    bigint := 0;
    v_count   integer := 0;
    v_min     timestamptz;
    v_max     timestamptz;
    v_digests jsonb := '{}'::jsonb;
BEGIN
    IF market.interval_seconds(p_interval) IS NULL OR p_venue IS NULL OR cardinality(p_symbols) IS NULL
       OR cardinality(p_symbols) = 0 OR p_from IS NULL OR p_to IS NULL OR NOT isfinite(p_from)
       OR NOT isfinite(p_to) OR p_from >= p_to THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'dataset hash refused: invalid dataset definition',
            DETAIL = format('venue=%s symbols=%s interval=%s from=%s to=%s', p_venue, p_symbols, p_interval, p_from, p_to),
            HINT = 'Give a venue, at least one symbol, a known interval (1m 5m 15m 30m 1h 4h 1d) and finite from < to.';
    END IF;
    -- One symbol at a time: memory stays bounded by the largest symbol.
    FOR v_symbol IN SELECT DISTINCT s COLLATE "C" FROM unnest(p_symbols) s WHERE s IS NOT NULL ORDER BY 1 LOOP
        SELECT count(*), min(e.ts), max(e.ts),
               sha256(convert_to(coalesce(string_agg(
                   concat(extract(epoch FROM e.ts)::bigint, ',', trim_scale(e.open), ',', trim_scale(e.high), ',',
                          trim_scale(e.low), ',', trim_scale(e.close), ',', trim_scale(e.volume), E'\n'),
                   '' ORDER BY e.ts), ''), 'UTF8'))
          INTO v_n, v_first, v_last, v_digest
          FROM (SELECT DISTINCT ON (c.ts) c.ts, c.open, c.high, c.low, c.close, c.volume
                  FROM market.candle c
                 WHERE c.venue = p_venue AND c.symbol = v_symbol AND c.interval = p_interval
                   AND c.ts >= p_from AND c.ts < p_to
                 ORDER BY c.ts, c.revision DESC) e;
        v_lines := v_lines || v_symbol || '|' || v_n || '|' || encode(v_digest, 'hex') || E'\n';
        v_digests := v_digests || jsonb_build_object(v_symbol, jsonb_build_object('bars', v_n, 'sha256', encode(v_digest, 'hex')));
        v_bars := v_bars + v_n;
        v_count := v_count + 1;
        v_min := least(v_min, v_first);
        v_max := greatest(v_max, v_last);
    END LOOP;
    RETURN QUERY SELECT encode(sha256(convert_to(
               concat('predator-dataset/v1|', p_venue, '|', p_interval, '|', extract(epoch FROM p_from)::bigint, '|',
                      extract(epoch FROM p_to)::bigint, E'\n', v_lines), 'UTF8')), 'hex'),
           v_bars, v_count, v_min, v_max, v_digests;
END
$$;

COMMENT ON FUNCTION api.dataset_hash(text, text[], text, timestamptz, timestamptz) IS
'Worker, auditor: deterministic sha256 of the effective bars of the given symbols, venue and interval with open time in [p_from, p_to) (content only: identical after a reload into an empty database), with bar count, time span and per-symbol digests. PD012 invalid definition.';
