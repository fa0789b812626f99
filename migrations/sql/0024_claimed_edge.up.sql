-- 0024_claimed_edge — a plausibility bound on a signal's claimed edge (seed 001 F1: "feed wrong scores:
-- sanity checks?"). api.submit_signal (a definition, re-applied at head by predator migrate) refuses an entry
-- whose edge_bps exceeds max_claimed_edge_bps with reason implausible_edge; exits are never refused for it.
INSERT INTO risk.limit_kind (limit_name, allowed_modes, description) VALUES
    ('max_claimed_edge_bps', '{bps}', 'Largest expected edge an entry may claim, in basis points; a larger claim is a corrupted score and is refused (implausible_edge)');

INSERT INTO risk.limit_setting (profile, limit_name, scope, revision, mode, value, reason, actor) VALUES
    ('default', 'max_claimed_edge_bps', '*', 1, 'bps', 10000, 'shipped default: no single entry expects to double', 'migration'),
    ('live_canary', 'max_claimed_edge_bps', '*', 1, 'bps', 2000, 'canary', 'migration');
