-- risk._hour_reviews(p_book_id, p_hour) -> void
-- The reviews api.close_hour runs after the hour's state and loss limits (issue 13, items 4 and 5): the
-- adaptive-horizon review of held positions (risk._horizon_review) and the strategy health scores
-- (risk._strategy_health), in that order. Their rows belong to the next hour's outputs hash, like the
-- halts of risk._evaluate_hour.
CREATE OR REPLACE FUNCTION risk._hour_reviews(p_book_id integer, p_hour timestamptz)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM risk._horizon_review(p_book_id, p_hour);
    PERFORM risk._strategy_health(p_book_id, p_hour);
END
$$;

COMMENT ON FUNCTION risk._hour_reviews(integer, timestamptz) IS 'Internal (hour close): runs the adaptive-horizon review and the strategy health scores of a book for an hour.';
