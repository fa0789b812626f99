-- 0009_replay_parity.down.sql — undoes 0009.
-- opened_at gets its default back. NOT NULL comes back only when no row holds NULL: rows written after
-- 0009 carry NULL, and filling them in would change their hashes (append-only, chained), so a database
-- that wrote incidents under 0009 keeps the column nullable.
SET LOCAL ROLE predator_owner;

ALTER TABLE ops.incident ALTER COLUMN opened_at SET DEFAULT clock_timestamp();
DO $down$
BEGIN
    IF NOT EXISTS (SELECT FROM ops.incident WHERE opened_at IS NULL) THEN
        ALTER TABLE ops.incident ALTER COLUMN opened_at SET NOT NULL;
    ELSE
        RAISE NOTICE 'ops.incident holds rows written under 0009 (opened_at NULL): opened_at stays nullable';
    END IF;
END
$down$;
COMMENT ON COLUMN ops.incident.opened_at IS NULL;
COMMENT ON TABLE ops.incident IS 'Append-only incident log: severity (1 = highest), category (data, model, execution, risk, infrastructure), scope, what happened, links to the orders, hours, reconciliations and gates involved, who or what opened it, business time ts and wall time opened_at. Chained per book; book_id 0 for incidents that span books.';

ALTER TABLE ops.incident_update DROP CONSTRAINT update_incident_book_is_its_book;
ALTER TABLE ops.incident_update DROP CONSTRAINT update_refers_to_incident_of_its_book;
DO $down$
BEGIN
    IF NOT EXISTS (SELECT FROM ops.incident_update WHERE incident_book_id IS NULL) THEN
        ALTER TABLE ops.incident_update ALTER COLUMN incident_book_id SET NOT NULL;
    ELSE
        RAISE NOTICE 'ops.incident_update holds rows written under 0009: incident_book_id stays nullable';
    END IF;
END
$down$;
COMMENT ON COLUMN ops.incident_update.incident_book_id IS NULL;
