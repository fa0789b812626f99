-- 0013_kill_listeners.down.sql — undoes 0013: nothing to undo in the tables (the api schema is re-created from
-- the definitions of the revision migrated to).
SET LOCAL ROLE predator_owner;
SELECT 1;
