-- api.approval_requests — the two-person rule's requests with their approval and use, and their status.
CREATE VIEW api.approval_requests AS
SELECT r.request_id, r.action, r.target, r.params, r.reason, r.requested_by, r.requested_at, r.valid_until,
       a.approved_by, a.reason AS approval_reason, a.approved_at, u.used_by, u.used_at,
       CASE WHEN u.request_id IS NOT NULL THEN 'used'
            WHEN r.valid_until <= clock_timestamp() THEN 'expired'
            WHEN a.request_id IS NOT NULL THEN 'approved'
            ELSE 'pending' END AS status
  FROM ops.approval_request r
  LEFT JOIN ops.approval a ON a.request_id = r.request_id
  LEFT JOIN ops.approval_use u ON u.request_id = r.request_id;
COMMENT ON VIEW api.approval_requests IS 'High-risk actions asked for (api.request_approval), who approved them (api.approve) and which action used them, with status pending, approved, used or expired (wall clock).';
