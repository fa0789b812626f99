-- risk._hour_reviews(p_book_id, p_hour, p_limits) -> void
-- The reviews api.close_hour runs after the hour's state and loss limits (issue 13, items 4 and 5): the
-- adaptive-horizon review of held positions (risk._horizon_review) and the strategy health scores
-- (risk._strategy_health), in that order. Their rows belong to the next hour's outputs hash, like the
-- halts of risk._evaluate_hour.
-- p_limits: the book's current limits (risk.current_limits) when the caller has them (api.close_hour reads them
-- once for the close); NULL: read here.
CREATE OR REPLACE FUNCTION risk._hour_reviews(p_book_id integer, p_hour timestamptz, p_limits jsonb DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM risk._horizon_review(p_book_id, p_hour, p_limits);
    PERFORM risk._strategy_health(p_book_id, p_hour, p_limits);
END
$$;

COMMENT ON FUNCTION risk._hour_reviews(integer, timestamptz, jsonb) IS 'Internal (hour close): runs the adaptive-horizon review and the strategy health scores of a book for an hour.';
