-- 0009_replay_parity.up.sql — Replay parity: hashes cover business content only.
SET LOCAL ROLE predator_owner;
