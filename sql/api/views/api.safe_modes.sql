-- api.safe_modes — every safe-mode application, what it replaced, and its revert.
CREATE VIEW api.safe_modes AS
SELECT a.application_id, a.profile, a.template, a.replaced, a.reason, a.actor, a.applied_at,
       r.reason AS revert_reason, r.actor AS reverted_by, r.reverted_at, r.application_id IS NULL AS in_force
  FROM ops.safe_mode_application a LEFT JOIN ops.safe_mode_revert r ON r.application_id = a.application_id;
COMMENT ON VIEW api.safe_modes IS 'Safe-mode applications (api.apply_safe_mode) per risk profile with the limits they replaced, who and why, and their revert (api.revert_safe_mode); in_force until reverted.';
