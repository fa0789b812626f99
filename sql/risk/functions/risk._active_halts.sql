-- risk._active_halts(p_account text, p_lane text, p_strategy text) -> text[]
-- Reason codes of the halts that cover an order of this account, lane and strategy:
-- halted_global, halted_lane, halted_account, halted_strategy. Empty when trading may proceed.
CREATE OR REPLACE FUNCTION risk._active_halts(p_account text, p_lane text, p_strategy text)
RETURNS text[]
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN (SELECT coalesce(array_agg('halted_' || h.scope_kind ORDER BY h.scope_kind), '{}')
      FROM risk.halt_state h
     WHERE h.active
       AND (   h.scope_kind = 'global'
            OR (h.scope_kind = 'lane' AND h.scope_key = p_lane)
            OR (h.scope_kind = 'account' AND h.scope_key = p_account)
            OR (h.scope_kind = 'strategy' AND h.scope_key = p_account || '/' || coalesce(p_strategy, ''))));
END
$$;

COMMENT ON FUNCTION risk._active_halts(text, text, text) IS 'Active halts covering an order of (account, lane, strategy), as reason codes halted_global|halted_lane|halted_account|halted_strategy.';
