-- grants/97_approvals.sql — the two-person rule, policy ceilings and safe modes (migration 0035, issue 16 item 3).
-- Operators (predator_operator_login, predator_approver_login and any other member of predator_operator) ask,
-- approve and apply; every api view is readable by every component role (grants/00_core.sql).
GRANT EXECUTE ON FUNCTION
    api.request_approval(text, text, text, text, numeric, timestamptz),
    api.approve(bigint, text),
    api.set_limit_policy(text, text, text, numeric, text),
    api.apply_safe_mode(text, text, text),
    api.revert_safe_mode(text, text)
TO predator_operator;
GRANT EXECUTE ON FUNCTION ops.two_person_rule(), ops.operator_login() TO predator_auditor;
