-- 0007_finite_and_time.down.sql — undoes 0007.
SET LOCAL ROLE predator_owner;
