-- 0035_approvals — the two-person rule, limit policy ceilings and safe-mode templates (issue 16, item 3 Admin).
--
-- * predator_approver_login: a second operator login (a member of predator_operator, like
--   predator_operator_login; migration 0008's rules), so that a second, distinct operator can approve on an
--   installation that ships with one. Operators are told apart by their login role (session_user: SET ROLE
--   cannot change it); a real installation gives each person a login of their own
--   (CREATE ROLE alice LOGIN IN ROLE predator_operator) and its own passfile.
-- * ops.approval_request / ops.approval / ops.approval_use: a high-risk action asked for by one operator
--   (api.request_approval), approved by another (api.approve), consumed once by the action itself
--   (ops._require_approval from api.resume of a global halt, api.set_limit above the policy ceiling,
--   api.set_limit_policy raising or lifting a ceiling, api.set_setting turning the two-person rule off).
--   Append-only.
-- * risk.limit_policy: the ceiling of a limit of a profile (append-only revisions, api.set_limit_policy,
--   audited); seeded for the live_canary profile at its shipped values.
-- * ops.setting two_person_rule (0 or 1; 1 when unset): 0 lets one operator do the high-risk actions alone.
-- * risk.safe_mode_template / risk.safe_mode_limit: predefined reduced-risk limit sets (reduced, minimal);
--   ops.safe_mode_application / ops.safe_mode_revert: each application to a profile (api.apply_safe_mode, with
--   the limits it replaced) and its revert (api.revert_safe_mode). Append-only.

DO $roles$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'predator_approver_login') THEN
        BEGIN
            CREATE ROLE predator_approver_login LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;   -- created by a concurrent migration of another database
        END;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_auth_members m
                    WHERE m.member = 'predator_approver_login'::regrole AND m.roleid = 'predator_operator'::regrole) THEN
        BEGIN
            GRANT predator_operator TO predator_approver_login;
        EXCEPTION WHEN unique_violation THEN
            NULL;
        END;
    END IF;
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO predator_approver_login', current_database());
    ASSERT NOT EXISTS (
        WITH RECURSIVE reach(roleid) AS (
            SELECT 'predator_approver_login'::regrole::oid
            UNION
            SELECT m.roleid FROM reach JOIN pg_catalog.pg_auth_members m ON m.member = reach.roleid)
        SELECT FROM reach JOIN pg_catalog.pg_roles g ON g.oid = reach.roleid
         WHERE g.rolname = 'predator_owner' OR g.rolsuper OR g.rolcreaterole OR g.rolcreatedb OR g.rolreplication
               OR g.rolbypassrls),
        'predator_approver_login reaches the owner or a privileged role';
END
$roles$;

SET LOCAL ROLE predator_owner;

CREATE TABLE ops.approval_request (
    request_id   bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    action       text        NOT NULL CONSTRAINT approval_action_is_known
                             CHECK (action IN ('resume', 'set_limit', 'set_limit_policy', 'set_setting')),
    target       text        NOT NULL,
    params       jsonb       NOT NULL DEFAULT '{}'::jsonb,
    reason       text        NOT NULL CONSTRAINT approval_request_has_reason CHECK (length(btrim(reason)) > 0),
    requested_by text        NOT NULL DEFAULT session_user,
    requested_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    valid_until  timestamptz NOT NULL,
    CONSTRAINT approval_request_requested_at_is_finite CHECK (requested_at > '-infinity' AND requested_at < 'infinity'),
    CONSTRAINT approval_request_valid_until_is_finite CHECK (valid_until > '-infinity' AND valid_until < 'infinity'),
    CONSTRAINT approval_request_is_valid_for_a_day_at_most
        CHECK (valid_until > requested_at AND valid_until <= requested_at + interval '24 hours')
);
COMMENT ON TABLE ops.approval_request IS 'High-risk actions an operator asks a second operator to approve (api.request_approval): action (resume of a global halt, set_limit or set_limit_policy above the policy ceiling, set_setting turning the two-person rule off), its target and parameters, who asked (their login, session_user), why, and until when an approval may be used (at most 24 hours). Append-only.';

CREATE TABLE ops.approval (
    request_id  bigint      PRIMARY KEY REFERENCES ops.approval_request,
    approved_by text        NOT NULL DEFAULT session_user,
    reason      text        NOT NULL CONSTRAINT approval_has_reason CHECK (length(btrim(reason)) > 0),
    approved_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT approval_approved_at_is_finite CHECK (approved_at > '-infinity' AND approved_at < 'infinity')
);
COMMENT ON TABLE ops.approval IS 'The second operator''s approval of a request (api.approve): one per request, by a login other than the requester''s, with a reason. Append-only.';

CREATE TABLE ops.approval_use (
    request_id bigint      PRIMARY KEY REFERENCES ops.approval,
    used_by    text        NOT NULL DEFAULT session_user,
    used_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT approval_use_used_at_is_finite CHECK (used_at > '-infinity' AND used_at < 'infinity')
);
COMMENT ON TABLE ops.approval_use IS 'The action that consumed an approval (ops._require_approval): an approval is used once, by the operator who asked for it, before it expires. Append-only.';

CREATE TABLE risk.limit_policy (
    profile     text        NOT NULL REFERENCES risk.profile,
    limit_name  text        NOT NULL REFERENCES risk.limit_kind,
    revision    integer     NOT NULL CONSTRAINT limit_policy_revision_is_positive CHECK (revision > 0),
    mode        text        NOT NULL CONSTRAINT limit_policy_mode_is_known CHECK (mode IN ('pct', 'abs', 'bps', 'count')),
    ceiling     numeric     CONSTRAINT limit_policy_ceiling_is_non_negative CHECK (ceiling >= 0),
    reason      text        NOT NULL CONSTRAINT limit_policy_has_reason CHECK (length(btrim(reason)) > 0),
    actor       text        NOT NULL DEFAULT session_user,
    recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT limit_policy_pk PRIMARY KEY (profile, limit_name, revision),
    CONSTRAINT limit_policy_ceiling_is_finite CHECK (ceiling > '-Infinity' AND ceiling < 'Infinity'),
    CONSTRAINT limit_policy_recorded_at_is_finite CHECK (recorded_at > '-infinity' AND recorded_at < 'infinity'),
    CONSTRAINT limit_policy_pct_is_a_fraction_of_100 CHECK (mode <> 'pct' OR ceiling <= 100)
);
COMMENT ON TABLE risk.limit_policy IS 'The policy ceiling of a limit of a risk profile (api.set_limit_policy, audited), append-only revisions: the highest one is in force; ceiling NULL = no ceiling. While the two-person rule holds, api.set_limit of that limit (any scope) above the ceiling, in another mode, or disabled (NULL) needs a second operator''s approval.';

INSERT INTO risk.limit_policy (profile, limit_name, revision, mode, ceiling, reason, actor) VALUES
    ('live_canary', 'max_order_notional', 1, 'pct', 10, 'shipped policy: the canary''s shipped limit', 'migration'),
    ('live_canary', 'max_instrument_exposure', 1, 'pct', 20, 'shipped policy: the canary''s shipped limit', 'migration'),
    ('live_canary', 'max_cluster_exposure', 1, 'pct', 40, 'shipped policy: the canary''s shipped limit', 'migration'),
    ('live_canary', 'max_portfolio_exposure', 1, 'pct', 60, 'shipped policy: the canary''s shipped limit', 'migration'),
    ('live_canary', 'max_daily_loss', 1, 'pct', 1, 'shipped policy: the canary''s shipped limit', 'migration'),
    ('live_canary', 'max_drawdown', 1, 'pct', 5, 'shipped policy: the canary''s shipped limit', 'migration'),
    ('live_canary', 'max_orders_per_hour', 1, 'count', 10, 'shipped policy: the canary''s shipped limit', 'migration'),
    ('live_canary', 'drawdown_reduce_tier', 1, 'pct', 3, 'shipped policy: the canary''s shipped limit', 'migration'),
    ('live_canary', 'drawdown_halt_tier', 1, 'pct', 5, 'shipped policy: the canary''s shipped limit', 'migration'),
    ('live_canary', 'drawdown_flatten_tier', 1, 'pct', 8, 'shipped policy: the canary''s shipped limit', 'migration'),
    ('live_canary', 'daily_loss_halt', 1, 'pct', 1, 'shipped policy: the canary''s shipped limit', 'migration');

ALTER TABLE ops.setting DROP CONSTRAINT setting_name_is_known;
ALTER TABLE ops.setting ADD CONSTRAINT setting_name_is_known
    CHECK (name IN ('max_clock_skew_seconds', 'reconcile_tolerance', 'live_burn_in_days',
                    'alert_dedup_window_seconds', 'alert_rate_limit_per_minute', 'alert_max_attempts', 'two_person_rule'));
ALTER TABLE ops.setting ADD CONSTRAINT two_person_rule_is_0_or_1 CHECK (name <> 'two_person_rule' OR value IN (0, 1));

CREATE TABLE risk.safe_mode_template (
    template    text PRIMARY KEY CONSTRAINT safe_mode_template_is_identifier CHECK (template ~ '^[a-z][a-z0-9_]*$'),
    description text NOT NULL
);
COMMENT ON TABLE risk.safe_mode_template IS 'Predefined reduced-risk limit sets an operator applies to a risk profile in one audited call (api.apply_safe_mode) and reverts in another (api.revert_safe_mode). Shipped: reduced, minimal.';

CREATE TABLE risk.safe_mode_limit (
    template   text    NOT NULL REFERENCES risk.safe_mode_template,
    limit_name text    NOT NULL REFERENCES risk.limit_kind,
    mode       text    NOT NULL CONSTRAINT safe_mode_mode_is_known CHECK (mode IN ('pct', 'abs', 'bps', 'count')),
    value      numeric NOT NULL CONSTRAINT safe_mode_value_is_non_negative CHECK (value >= 0),
    CONSTRAINT safe_mode_limit_pk PRIMARY KEY (template, limit_name),
    CONSTRAINT safe_mode_limit_value_is_finite CHECK (value > '-Infinity' AND value < 'Infinity'),
    CONSTRAINT safe_mode_pct_is_a_fraction_of_100 CHECK (mode <> 'pct' OR value <= 100)
);
COMMENT ON TABLE risk.safe_mode_limit IS 'The limits of a safe-mode template: each one a limit where a lower value is less risk (a cap, a loss or drawdown tier, an order count). Applied to every scope of the profile whose value is higher (or off, or in another mode); a value already lower is kept.';

INSERT INTO risk.safe_mode_template (template, description) VALUES
    ('reduced', 'Reduced risk: smaller orders and exposures, fewer orders an hour, a tighter daily loss'),
    ('minimal', 'Minimal risk: token orders and exposures, two orders an hour, a 1% daily loss');
INSERT INTO risk.safe_mode_limit (template, limit_name, mode, value) VALUES
    ('reduced', 'max_order_notional', 'pct', 10),
    ('reduced', 'max_instrument_exposure', 'pct', 15),
    ('reduced', 'max_cluster_exposure', 'pct', 30),
    ('reduced', 'max_portfolio_exposure', 'pct', 50),
    ('reduced', 'max_orders_per_hour', 'count', 10),
    ('reduced', 'max_daily_loss', 'pct', 2),
    ('minimal', 'max_order_notional', 'pct', 2),
    ('minimal', 'max_instrument_exposure', 'pct', 5),
    ('minimal', 'max_cluster_exposure', 'pct', 10),
    ('minimal', 'max_portfolio_exposure', 'pct', 10),
    ('minimal', 'max_orders_per_hour', 'count', 2),
    ('minimal', 'max_daily_loss', 'pct', 1);

CREATE TABLE ops.safe_mode_application (
    application_id bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    profile        text        NOT NULL REFERENCES risk.profile,
    template       text        NOT NULL REFERENCES risk.safe_mode_template,
    replaced       jsonb       NOT NULL,
    reason         text        NOT NULL CONSTRAINT safe_mode_application_has_reason CHECK (length(btrim(reason)) > 0),
    actor          text        NOT NULL DEFAULT session_user,
    applied_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT safe_mode_application_applied_at_is_finite CHECK (applied_at > '-infinity' AND applied_at < 'infinity')
);
COMMENT ON TABLE ops.safe_mode_application IS 'Each safe-mode template applied to a risk profile (api.apply_safe_mode): the limits it replaced ([{limit, scope, mode, value, existed}], what api.revert_safe_mode restores), who and why. Append-only.';

CREATE TABLE ops.safe_mode_revert (
    application_id bigint      PRIMARY KEY REFERENCES ops.safe_mode_application,
    reason         text        NOT NULL CONSTRAINT safe_mode_revert_has_reason CHECK (length(btrim(reason)) > 0),
    actor          text        NOT NULL DEFAULT session_user,
    reverted_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    CONSTRAINT safe_mode_revert_reverted_at_is_finite CHECK (reverted_at > '-infinity' AND reverted_at < 'infinity')
);
COMMENT ON TABLE ops.safe_mode_revert IS 'The revert of a safe-mode application (api.revert_safe_mode): the replaced limits written back as new revisions, who and why. Append-only.';
