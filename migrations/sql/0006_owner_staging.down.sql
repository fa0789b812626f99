-- 0006_owner_staging.down.sql — undoes 0006.
SET LOCAL ROLE predator_owner;
