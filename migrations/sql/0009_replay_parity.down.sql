-- 0009_replay_parity.down.sql — undoes 0009.
SET LOCAL ROLE predator_owner;
