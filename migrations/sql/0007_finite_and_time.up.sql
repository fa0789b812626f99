-- 0007_finite_and_time.up.sql — Finite numbers and bounded business time in every governed table.
SET LOCAL ROLE predator_owner;
