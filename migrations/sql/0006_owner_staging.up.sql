-- 0006_owner_staging.up.sql — Load staging in owner-owned tables keyed per load; no temporary objects for any Predator role.
SET LOCAL ROLE predator_owner;
