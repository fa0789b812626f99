-- 0006_owner_staging.up.sql — Load staging in owner-owned tables keyed per load; no temporary objects for any Predator role.
--
-- A SECURITY DEFINER routine must never read or reuse a relation its caller can create or alter. Until
-- now api.load_candles read the caller's temporary table candle_stage, and api.load_candles and
-- api.upsert_instruments created their work tables with CREATE TEMP TABLE IF NOT EXISTS: a caller could
-- plant a temporary view or a table with a trigger under those names and run code as predator_owner
-- (issue 9). From here on:
--   * nobody but a superuser may create temporary objects in this database: TEMPORARY is revoked from
--     PUBLIC (which holds it by default) and from predator_owner (granted by 0001). A database created
--     from this one as a template does not inherit its ACL: predator.db.migrate.revoke_temporary re-applies
--     the revoke (tests' copies, scratch databases, every migrate to head), and gate 14 reports any
--     Predator role that may create temporary objects;
--   * lines to load are staged in market.candle_stage, owned by predator_owner, keyed per load: the worker
--     may only INSERT its lines under a key from api.begin_candle_load() (COPY ... FROM STDIN needs no
--     more); api.load_candles reads the rows of its key alone and deletes them. The grants are current
--     definitions (sql/grants/10_market.sql).
-- Runs as the migration's superuser (the database ACL needs the owner or a superuser), the table as
-- predator_owner.

DO $temporary$
BEGIN
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM predator_owner', current_database());
END
$temporary$;

SET LOCAL ROLE predator_owner;

-- Unlogged: staged lines live only for the transaction that loads them (a crash empties the table, which
-- loses nothing: no committed load leaves rows behind).
CREATE UNLOGGED TABLE market.candle_stage (
    load_key uuid   NOT NULL,
    line_no  bigint GENERATED ALWAYS AS IDENTITY,
    raw      text,
    CONSTRAINT candle_stage_pk PRIMARY KEY (load_key, line_no)
);
COMMENT ON TABLE market.candle_stage IS 'Inbox of api.load_candles: one CSV data line "ts,open,high,low,close,volume" per row, under the load''s key (api.begin_candle_load); line_no orders the lines of a load. The worker may only INSERT (load_key, raw); api.load_candles reads the rows of its key and deletes them in the same transaction. Not governed data: nothing here is ever read by anything else.';
COMMENT ON COLUMN market.candle_stage.load_key IS 'The load these lines belong to (api.begin_candle_load); api.load_candles reads only its own key.';
COMMENT ON COLUMN market.candle_stage.line_no IS 'Insertion order (an identity, increasing within a session): the n-th line of a load is its n-th line_no.';
COMMENT ON COLUMN market.candle_stage.raw IS 'One data line as read from the source, unchanged (a CR of a CRLF ending included).';
