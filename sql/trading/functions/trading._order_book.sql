-- trading._order_book(p_client_order_id text) -> integer (book_id)
-- Resolves the book of an order and takes that book's lock. PD011 for an unknown client order id.
CREATE OR REPLACE FUNCTION trading._order_book(p_client_order_id text)
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_book integer;
BEGIN
    SELECT r.book_id INTO v_book FROM trading.order_request r WHERE r.client_order_id = p_client_order_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011',
            MESSAGE = format('unknown client order id %L', p_client_order_id),
            HINT = 'Relay venue events only for orders Predator admitted; anything else is a reconciliation incident.';
    END IF;
    PERFORM ops._lock_book(v_book);
    RETURN v_book;
END
$$;

COMMENT ON FUNCTION trading._order_book(text) IS 'Internal: book of an order (PD011 when unknown), with the book lock taken.';
