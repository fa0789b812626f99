-- 01_surface.sql — pins the public surface and the roles of DESIGN.md §2.
--
-- The api schema holds exactly these routines and views; every api routine is SECURITY DEFINER with a
-- pinned search_path, owned by the NOLOGIN owner, executable only by the roles listed below (never by
-- PUBLIC); every governed object is owned by predator_owner; the login roles are not superusers and can
-- create nothing in the governed schemas. Schema ml (the model lane's statistics, pure functions, and its
-- registry tables) holds exactly its functions, executable by the operator and the auditor, never by the worker or
-- PUBLIC.
BEGIN;
SET client_min_messages = warning;

-- The expected api routines and who may execute them. The operator is a member of predator_worker, so it
-- holds every worker grant as well; the auditor runs the read routines (verify_chains, hour_digests
-- and the market-data reads) and records its own validation runs and replays (record_validation,
-- record_replay: its attestations, never business data).
CREATE TEMP TABLE api_surface (fn name, args name[], worker boolean, operator boolean, auditor boolean);
INSERT INTO api_surface VALUES
    ('submit_signal', '{text,text,text,"timestamp with time zone",text,numeric,numeric,"timestamp with time zone",numeric,text,numeric,text}', true, true, false),
    ('record_order_event', '{text,text,"timestamp with time zone",text,text}', true, true, false),
    ('record_order_confusion', '{text,text,"timestamp with time zone",text}', true, true, false),
    ('record_fill', '{text,text,numeric,numeric,numeric,text,text,"timestamp with time zone"}', true, true, false),
    ('close_hour', '{text,"timestamp with time zone"}', true, true, false),
    ('close_hours', '{text,"timestamp with time zone[]",text[],jsonb,text[],integer[],integer[]}', true, true, false),
    ('venue_requests', '{text}', true, true, true),
    ('begin_candle_load', '{}', true, true, false),
    ('load_candles', '{uuid,text,text,text,text,"timestamp with time zone",integer}', true, true, false),
    ('register_run', '{text,text,text,jsonb,text}', true, true, false),
    ('reconcile', '{text,"timestamp with time zone",jsonb,text[],text}', true, true, false),
    ('record_venue_health', '{text,"timestamp with time zone",integer,integer,boolean,jsonb}', true, true, false),
    ('record_worker_health', '{text,"timestamp with time zone",bigint,integer,jsonb}', true, true, false),
    ('record_venue_transfer', '{text,text,text,numeric,text,"timestamp with time zone"}', true, true, false),
    ('upsert_instruments', '{text,jsonb,text}', true, true, false),
    ('verify_chains', '{}', true, true, true),
    ('verify_book_chains', '{integer}', true, true, true),
    ('hour_digests', '{text,"timestamp with time zone","timestamp with time zone"}', true, true, true),
    ('feed_status', '{"timestamp with time zone",text,text}', true, true, true),
    ('candle_gaps', '{text,text,text,"timestamp with time zone","timestamp with time zone"}', true, true, true),
    ('candles_known', '{text,text,text,"timestamp with time zone","timestamp with time zone",bigint}', true, true, true),
    ('candles_known_since', '{text,text,text[],bigint[],bigint[],"timestamp with time zone","timestamp with time zone","timestamp with time zone"}', true, true, true),
    ('record_hour_knowledge', '{text,"timestamp with time zone",text[],text}', true, true, false),
    ('compare_shadow', '{text,"timestamp with time zone"}', true, true, false),
    ('pair_shadow', '{text,text,text}', false, true, false),
    ('burn_in', '{text,text}', true, true, true),
    ('dataset_hash', '{text,text[],text,"timestamp with time zone","timestamp with time zone"}', true, true, true),
    ('resample_candles', '{text,text,text,text,"timestamp with time zone","timestamp with time zone"}', true, true, true),
    ('create_account', '{text,text,text,text,text,numeric,text,text}', false, true, false),
    ('deposit', '{text,numeric,"timestamp with time zone",text,text,text}', false, true, false),
    ('register_strategy', '{text,text,jsonb,text,text,integer}', false, true, false),
    ('pause_strategy', '{text,text,text}', false, true, false),
    ('resume_strategy', '{text,text,text}', false, true, false),
    ('set_limit', '{text,text,text,numeric,text,text}', false, true, false),
    ('halt', '{text,text,text}', false, true, false),
    ('resume', '{text,text,text,text[]}', false, true, false),
    ('kill_switch', '{text,boolean}', false, true, false),
    ('kill_listeners', '{}', false, true, true),
    ('open_incident', '{integer,text,text,text,text,text,jsonb}', false, true, false),
    ('update_incident', '{text,text,text}', false, true, false),
    ('set_breaker', '{text,text,numeric,text,text,integer,integer,text}', false, true, false),
    ('set_setting', '{text,numeric,text}', false, true, false),
    ('add_venue', '{text,text,numeric,numeric,text}', false, true, false),
    ('add_asset', '{text,text,text,text}', false, true, false),
    ('record_validation', '{text,"timestamp with time zone","timestamp with time zone",boolean,jsonb}', false, false, true),
    -- recorded replays (migration 0041, tests/sql/42_replay_runs.sql): the auditor's attestation alone
    ('record_replay', '{text,text,"timestamp with time zone","timestamp with time zone",integer,integer,"timestamp with time zone",jsonb,integer,integer}', false, false, true),
    ('validation_checkpoint', '{text}', true, true, true),
    ('verify_book_chains_since', '{integer,bigint}', true, true, true),
    ('set_lane_pool', '{text,text,boolean,text}', false, true, false),
    ('set_arbitration', '{text,text,text}', false, true, false),
    ('resume_reducing', '{text,text,text}', false, true, false),
    ('enable_book_currency', '{text,text,text,boolean}', false, true, false),
    ('record_chaos_campaign', '{text,jsonb,jsonb,text}', false, true, false),
    ('declare_operating_cost', '{text,text,numeric,text,text,"timestamp with time zone",text}', false, true, false),
    ('end_operating_cost', '{text,text,"timestamp with time zone",text}', false, true, false),
    ('approve_treasury_transfer', '{text,integer,"timestamp with time zone",text}', false, true, false),
    ('post_venue_transfer', '{text,text,text,numeric,"timestamp with time zone",text,text,text}', false, true, false),
    ('void_fill', '{text,text,text,"timestamp with time zone",text,text}', false, true, false),
    -- lanes and live sessions (migration 0039, tests/sql/40_lanes.sql): operators only
    ('set_lane', '{text,numeric,text,numeric,numeric,integer,text}', false, true, false),
    ('schedule_session', '{text,numeric,text,text,"timestamp with time zone"}', false, true, false),
    ('start_session', '{bigint,text}', false, true, false),
    ('suspend_session', '{bigint,text}', false, true, false),
    ('resume_session', '{bigint,text}', false, true, false),
    ('complete_session', '{bigint,text}', false, true, false),
    ('roll_back_session', '{bigint,text}', false, true, false),
    ('promote_session', '{bigint,numeric,text}', false, true, false),
    ('demote_session', '{bigint,text}', false, true, false),
    -- the two-person rule, policy ceilings and safe modes (migration 0035, tests/sql/36_approvals.sql)
    ('request_approval', '{text,text,text,text,numeric,"timestamp with time zone"}', false, true, false),
    ('approve', '{bigint,text}', false, true, false),
    ('set_limit_policy', '{text,text,text,numeric,text}', false, true, false),
    ('apply_safe_mode', '{text,text,text}', false, true, false),
    ('revert_safe_mode', '{text,text}', false, true, false),
    -- anchored chains (migration 0036, tests/sql/37_anchors.sql): keys and on-demand anchors for the operator,
    -- the verification of exported anchors for the operator and the auditor
    ('set_anchor_key', '{text,bytea}', false, true, false),
    ('revoke_anchor_key', '{integer,text}', false, true, false),
    ('anchor_chains', '{text}', false, true, false),
    ('verify_anchors', '{jsonb}', false, true, true),
    -- the notifier's two routines (migration 0030): granted to predator_notifier alone (tests/sql/33_alerts.sql)
    ('alerts_pending', '{text[],integer}', false, false, false),
    ('record_alert_attempt', '{bigint,text,boolean,text,bigint}', false, false, false),
    -- the period reads of the daily report and the metrics (issue 16 items 6 and 8)
    ('execution_quality', '{text,"timestamp with time zone","timestamp with time zone"}', true, true, true),
    ('venue_errors', '{text,"timestamp with time zone","timestamp with time zone"}', true, true, true),
    ('reconciliation_status', '{text,"timestamp with time zone","timestamp with time zone"}', true, true, true),
    ('balance_changes', '{text,"timestamp with time zone","timestamp with time zone",text}', true, true, true),
    ('limit_breaches', '{text,"timestamp with time zone","timestamp with time zone"}', true, true, true),
    -- the console's caps against their figures (issue 16 item 2, tests/sql/41_mirror.sql)
    ('exposure_usage', '{text}', true, true, true),
    -- each strategy's own positions from the fill checkpoints (api.strategy_positions reads it)
    ('own_positions', '{text}', true, true, true),
    -- the model registry and promotion gate (migration 0043, tests/sql/47_ml_registry.sql): training jobs (the
    -- worker) record, the operator promotes
    ('register_model', '{text,text,text,text,text[],jsonb,text,text}', true, true, false),
    ('record_trial', '{text,jsonb,integer,numeric,jsonb,numeric[]}', true, true, false),
    ('record_fold_metric', '{text,text,integer,"timestamp with time zone","timestamp with time zone",integer,numeric,numeric,numeric,numeric,numeric,numeric,numeric,numeric,numeric}', true, true, false),
    ('record_forward_fold', '{text,text,"timestamp with time zone","timestamp with time zone"}', true, true, false),
    ('evaluate_promotion', '{text,text,text}', false, true, false);

-- 65 fixed assertions, and 7 per api routine (definer, search_path, owner, worker, operator, auditor, PUBLIC).
SELECT plan(65 + 7 * (SELECT count(*) FROM api_surface)::integer);

-- Schemas ----------------------------------------------------------------------------------------
SELECT schema_owner_is(s, 'predator_owner', format('schema %s exists and is owned by predator_owner', s))
  FROM unnest(ARRAY['market', 'trading', 'ledger', 'risk', 'portfolio', 'ops', 'api', 'ml']::name[]) s;

-- The api surface --------------------------------------------------------------------------------
SELECT functions_are('api', ARRAY[
    'add_asset', 'add_venue', 'begin_candle_load', 'burn_in', 'candle_gaps', 'candles_known', 'candles_known_since', 'close_hour', 'close_hours', 'compare_shadow', 'create_account', 'dataset_hash', 'deposit', 'enable_book_currency', 'feed_status', 'halt', 'hour_digests',
    'kill_listeners', 'kill_switch', 'load_candles', 'open_incident', 'pair_shadow', 'pause_strategy', 'reconcile', 'record_chaos_campaign', 'record_fill', 'record_hour_knowledge', 'record_order_confusion', 'record_order_event',
    'record_replay', 'record_validation', 'record_venue_health', 'record_venue_transfer', 'record_worker_health', 'register_run', 'register_strategy', 'resample_candles', 'resume',
    'resume_reducing', 'resume_strategy', 'set_arbitration', 'set_breaker', 'set_lane_pool', 'set_limit', 'set_setting', 'submit_signal', 'update_incident', 'upsert_instruments',
    'validation_checkpoint', 'verify_book_chains', 'verify_book_chains_since', 'verify_chains',
    'declare_operating_cost', 'end_operating_cost', 'approve_treasury_transfer', 'post_venue_transfer', 'void_fill',
    'alerts_pending', 'record_alert_attempt',
    'execution_quality', 'venue_errors', 'reconciliation_status', 'balance_changes', 'limit_breaches',
    'request_approval', 'approve', 'set_limit_policy', 'apply_safe_mode', 'revert_safe_mode',
    'set_anchor_key', 'revoke_anchor_key', 'anchor_chains', 'verify_anchors',
    'set_lane', 'schedule_session', 'start_session', 'suspend_session', 'resume_session', 'complete_session',
    'roll_back_session', 'promote_session', 'demote_session', 'exposure_usage', 'own_positions', 'venue_requests',
    'register_model', 'record_trial', 'record_fold_metric', 'record_forward_fold', 'evaluate_promotion'],
    'api holds exactly the governed routines');
SELECT views_are('api', ARRAY[
    'accounts', 'arbitration', 'assets', 'audit_log', 'balances', 'book_currencies', 'breaker_trips', 'breakers', 'candle_anomalies', 'candle_corrections',
    'chaos_campaigns', 'chaos_faults', 'chaos_metrics',
    'candle_loads', 'candle_quarantine', 'candle_revisions', 'candles', 'decisions', 'exposures', 'fills', 'halt_events',
    'halts', 'hour_knowledge', 'hourly_states', 'incidents', 'instruments', 'limits', 'lots', 'order_events', 'orders', 'pools', 'positions',
    'reconciliations', 'risk_state_events', 'risk_states', 'round_trips', 'runs', 'settings', 'shadow_comparisons', 'strategies',
    'strategy_health', 'strategy_hours', 'strategy_positions', 'strategy_risk_states', 'validation_runs', 'replay_runs', 'venue_transfers', 'venues', 'horizon_flags',
    'operating_costs', 'treasury_status', 'treasury_transfers', 'treasury_balances', 'fill_voids', 'transfer_postings',
    'worker_health', 'alerts', 'alert_attempts', 'venue_health', 'hour_closes', 'approval_requests', 'limit_policy', 'chained_tables',
    'safe_mode_templates', 'safe_modes', 'chain_anchors', 'anchor_keys', 'incident_updates',
    'lanes', 'sessions', 'session_events', 'session_incidents', 'account_lanes', 'models'],
    'api holds exactly the read views');
SELECT is((SELECT count(*) FROM pg_proc p WHERE p.pronamespace = 'api'::regnamespace), (SELECT count(*) FROM api_surface),
          'api has no overloads: one routine per name, with the arguments pinned below');

-- The model lane's statistics (migration 0042, tests/sql/46_ml_stats.sql): pure functions; executable by the operator
-- and the auditor, not by the worker (checked below and, function by function, in 46_ml_stats). Its tables are the
-- model registry (migration 0043, tests/sql/47_ml_registry.sql).
SELECT functions_are('ml', ARRAY[
    'norm_cdf', 'norm_inv', 'probabilistic_sharpe_ratio', 'expected_max_sharpe', 'deflated_sharpe_ratio',
    'min_track_record_length', 'pbo', '_refuse', '_require_finite', '_sr_variance_term', '_fold_summary', '_forward_figures', '_require_model'],
    'ml holds exactly the statistics functions, their internal checks, the gate''s fold summary, the forward figures and the model check');
SELECT tables_are('ml', ARRAY['model', 'trial', 'fold_metric', 'promotion'], 'ml tables: the model registry (migration 0043)');

-- Governed tables --------------------------------------------------------------------------------
SELECT tables_are('market', ARRAY['venue', 'cluster', 'asset', 'instrument', 'universe', 'candle_load', 'candle',
                                  'candle_quarantine', 'candle_correction', 'candle_stage'], 'market tables');
SELECT tables_are('trading', ARRAY['account', 'strategy', 'signal', 'order_request', 'order_transition', 'order_state',
                                   'order_event', 'fill', 'lot', 'lot_allocation', 'position', 'round_trip', 'book_currency', 'fill_void',
                                   'account_lane'], 'trading tables');
SELECT tables_are('ledger', ARRAY['ledger_account', 'transaction', 'posting', 'balance', 'operating_cost', 'treasury_transfer'], 'ledger tables');
SELECT tables_are('risk', ARRAY['profile', 'limit_kind', 'limit_setting', 'decision', 'halt_event', 'halt_state', 'breaker_kind',
                                'breaker_setting', 'breaker_trip', 'shadow_comparison', 'shadow_pair', 'strategy_health', 'horizon_flag',
                                'state_transition', 'state_event', 'state_current', 'pool', 'lane_pool_setting',
                                'arbitration_setting', 'limit_policy', 'safe_mode_template', 'safe_mode_limit', 'lane_setting',
                                'fill_checkpoint', 'fill_checkpoint_total'], 'risk tables');
SELECT tables_are('portfolio', ARRAY['hour_knowledge', 'hourly_state', 'strategy_hour', 'treasury_status'], 'portfolio tables');
SELECT tables_are('ops', ARRAY['chain_head', 'audit_log', 'run', 'reconciliation', 'incident', 'incident_update', 'venue_health',
                               'venue_transfer', 'setting', 'validation_run', 'replay_run', 'chaos_campaign', 'chaos_fault', 'transfer_posting',
                               'worker_health', 'alert_outbox', 'alert_attempt', 'hour_close_timing', 'approval_request',
                               'approval', 'approval_use', 'safe_mode_application', 'safe_mode_revert',
                               'anchor_key', 'anchor_key_revocation', 'chain_anchor',
                               'session_transition', 'session', 'session_event'], 'ops tables');

-- Every api routine: SECURITY DEFINER, pinned search_path, owner --------------------------------------
SELECT is_definer('api', s.fn, s.args, format('api.%s is SECURITY DEFINER', s.fn)) FROM api_surface s ORDER BY s.fn;
SELECT ok(coalesce('search_path=pg_catalog, pg_temp' = ANY (p.proconfig), false),
          format('api.%s pins search_path = pg_catalog, pg_temp', s.fn))
  FROM api_surface s
  LEFT JOIN pg_proc p ON p.pronamespace = 'api'::regnamespace AND p.proname = s.fn
 ORDER BY s.fn;
SELECT function_owner_is('api', s.fn, s.args, 'predator_owner', format('api.%s is owned by predator_owner', s.fn))
  FROM api_surface s ORDER BY s.fn;

-- EXECUTE on every api routine: worker, operator, auditor, PUBLIC -----------------------------------
SELECT function_privs_are('api', s.fn, s.args, 'predator_worker',
                          CASE WHEN s.worker THEN '{EXECUTE}' ELSE '{}' END::name[],
                          format('predator_worker %s execute api.%s', CASE WHEN s.worker THEN 'may' ELSE 'may not' END, s.fn))
  FROM api_surface s ORDER BY s.fn;
SELECT function_privs_are('api', s.fn, s.args, 'predator_operator',
                          CASE WHEN s.operator THEN '{EXECUTE}' ELSE '{}' END::name[],
                          format('predator_operator %s execute api.%s', CASE WHEN s.operator THEN 'may' ELSE 'may not' END, s.fn))
  FROM api_surface s ORDER BY s.fn;
SELECT function_privs_are('api', s.fn, s.args, 'predator_auditor',
                          CASE WHEN s.auditor THEN '{EXECUTE}' ELSE '{}' END::name[],
                          format('predator_auditor %s execute api.%s', CASE WHEN s.auditor THEN 'may' ELSE 'may not' END, s.fn))
  FROM api_surface s ORDER BY s.fn;
SELECT ok(NOT has_function_privilege('public', format('api.%I(%s)', s.fn, array_to_string(s.args, ',')), 'EXECUTE'),
          format('PUBLIC may not execute api.%s', s.fn))
  FROM api_surface s ORDER BY s.fn;

-- Views readable by the three roles, writable by none --------------------------------------------
SELECT is_empty($$
    SELECT c.relname, r.rolname
      FROM pg_class c CROSS JOIN pg_roles r
     WHERE c.relnamespace = 'api'::regnamespace AND c.relkind = 'v'
       AND r.rolname IN ('predator_worker', 'predator_operator', 'predator_auditor')
       AND (NOT has_table_privilege(r.oid, c.oid, 'SELECT')
            OR has_table_privilege(r.oid, c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE'))$$,
    'every api view is readable and not writable by worker, operator and auditor');

-- Ownership of everything governed --------------------------------------------------------------
SELECT is_empty($$
    SELECT n.nspname, c.relname, c.relkind, pg_get_userbyid(c.relowner)
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname IN ('market', 'trading', 'ledger', 'risk', 'portfolio', 'ops', 'api', 'ml')
       AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
       AND c.relowner <> 'predator_owner'::regrole$$,
    'every table, view and sequence of the governed schemas and api is owned by predator_owner');
SELECT is_empty($$
    SELECT p.oid::regprocedure, pg_get_userbyid(p.proowner)
      FROM pg_proc p
     WHERE p.pronamespace::regnamespace::text IN ('market', 'trading', 'ledger', 'risk', 'portfolio', 'ops', 'api', 'ml')
       AND p.proowner <> 'predator_owner'::regrole$$,
    'every routine of the governed schemas and api is owned by predator_owner');
SELECT is_empty($$
    SELECT p.oid::regprocedure
      FROM pg_proc p
     WHERE p.pronamespace::regnamespace::text IN ('market', 'trading', 'ledger', 'risk', 'portfolio', 'ops', 'api', 'ml')
       AND p.prosecdef
       AND NOT coalesce('search_path=pg_catalog, pg_temp' = ANY (p.proconfig), false)$$,
    'every SECURITY DEFINER routine anywhere in the governed schemas pins its search_path');

-- Internal routines are closed to the login roles -------------------------------------------------
SELECT is_empty($$
    SELECT p.oid::regprocedure, r.rolname
      FROM pg_proc p CROSS JOIN pg_roles r
     WHERE p.pronamespace::regnamespace::text IN ('market', 'trading', 'ledger', 'risk', 'portfolio', 'ops')
       AND r.rolname IN ('predator_worker', 'predator_operator')
       AND has_function_privilege(r.oid, p.oid, 'EXECUTE')$$,
    'worker and operator cannot execute any routine outside api (and ml)');
SELECT is_empty($$
    SELECT p.oid::regprocedure FROM pg_proc p
     WHERE p.pronamespace = 'ml'::regnamespace AND has_function_privilege('predator_worker', p.oid, 'EXECUTE')$$,
    'the worker cannot execute any ml routine');
SELECT is_empty($$
    SELECT p.oid::regprocedure, r.rolname FROM pg_proc p CROSS JOIN pg_roles r
     WHERE p.pronamespace = 'ml'::regnamespace AND r.rolname IN ('predator_operator', 'predator_auditor')
       AND NOT has_function_privilege(r.oid, p.oid, 'EXECUTE')$$,
    'the operator and the auditor may execute every ml routine (pure statistics, no write)');

-- Roles ---------------------------------------------------------------------------------------------
SELECT ok(NOT r.rolcanlogin, 'the owner predator_owner is NOLOGIN') FROM pg_roles r WHERE r.rolname = 'predator_owner';
SELECT isnt_superuser('predator_owner', 'predator_owner is not a superuser');
SELECT isnt_superuser(r, format('%s is not a superuser', r))
  FROM unnest(ARRAY['predator_worker', 'predator_operator', 'predator_auditor']::name[]) r;
SELECT is_empty($$
    SELECT r.rolname FROM pg_roles r
     WHERE r.rolname IN ('predator_owner', 'predator_worker', 'predator_operator', 'predator_auditor')
       AND (r.rolcreaterole OR r.rolcreatedb OR r.rolreplication OR r.rolbypassrls)$$,
    'no Predator role may create roles or databases, replicate or bypass row security');
SELECT ok(pg_has_role('predator_operator', 'predator_worker', 'USAGE'), 'the operator is a member of predator_worker (inherits)');
SELECT is_empty($$
    SELECT r.rolname FROM pg_roles r
     WHERE r.rolname IN ('predator_worker', 'predator_operator', 'predator_auditor')
       AND (pg_has_role(r.oid, 'predator_owner', 'MEMBER')
            OR (r.rolname <> 'predator_operator' AND pg_has_role(r.oid, 'predator_operator', 'MEMBER'))
            OR (r.rolname = 'predator_auditor' AND pg_has_role(r.oid, 'predator_worker', 'MEMBER'))
            OR (r.rolname = 'predator_worker' AND pg_has_role(r.oid, 'predator_auditor', 'MEMBER')))$$,
    'no login role is a member of the owner, and the worker, operator and auditor are not members of each other beyond operator > worker');
SELECT is_empty($$
    SELECT r.rolname FROM pg_roles r
     WHERE r.rolname IN ('predator_worker', 'predator_operator', 'predator_auditor')
       AND has_database_privilege(r.oid, current_database(), 'CREATE')$$,
    'no login role may create schemas in the database');

-- Temporary objects: no Predator role and not PUBLIC (issue 9: a definer must never meet a relation its
-- caller could create) --------------------------------------------------------------------------------
SELECT is_empty($$
    SELECT r.rolname FROM pg_roles r
     WHERE r.rolname LIKE 'predator\_%' AND has_database_privilege(r.oid, current_database(), 'TEMPORARY')$$,
    'no Predator role may create temporary objects in the database');
SELECT ok(NOT has_database_privilege('public', current_database(), 'TEMPORARY'), 'PUBLIC may not create temporary objects');

-- The load inbox: the worker (and the operator, its member) may only INSERT (load_key, raw) -------------
SELECT table_privs_are('market', 'candle_stage', r, '{}'::name[],
                       format('%s holds no table-wide privilege on market.candle_stage (no SELECT, UPDATE, DELETE, TRUNCATE)', r))
  FROM unnest(ARRAY['predator_worker', 'predator_operator']::name[]) r;
SELECT is(ARRAY(SELECT c || ':' || p FROM unnest(ARRAY['load_key', 'line_no', 'raw']) c,
                                        unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'REFERENCES']) p
                 WHERE has_column_privilege('predator_worker', 'market.candle_stage', c, p) ORDER BY 1),
          ARRAY['load_key:INSERT', 'raw:INSERT'],
          'predator_worker may insert load_key and raw into market.candle_stage, and nothing else on any column');
SELECT is_empty($$
    SELECT c.oid::regclass, r.rolname FROM pg_class c CROSS JOIN pg_roles r
     WHERE c.relnamespace = 'market'::regnamespace AND c.relkind IN ('r', 'p', 'v')
       AND c.oid <> 'market.candle_stage'::regclass
       AND r.rolname IN ('predator_worker', 'predator_operator')
       AND (has_table_privilege(r.oid, c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
            OR has_any_column_privilege(r.oid, c.oid, 'SELECT, INSERT, UPDATE, REFERENCES'))$$,
    'worker and operator hold no privilege on any other market table');

-- Schema privileges: nobody but the owner creates anything ----------------------------------------
-- (USAGE on market lets the worker name its inbox, market.candle_stage; nothing else there is open to it. USAGE on
-- ml lets the operator and the auditor call its statistics; the worker never judges a model.)
SELECT schema_privs_are(s, r,
                        CASE WHEN s = 'api' OR r = 'predator_auditor'
                                  OR (s = 'market' AND r IN ('predator_worker', 'predator_operator'))
                                  OR (s = 'ml' AND r = 'predator_operator') THEN '{USAGE}'
                             ELSE '{}' END::name[],
                        format('%s has %s on schema %s', r,
                               CASE WHEN s = 'api' OR r = 'predator_auditor'
                                         OR (s = 'market' AND r IN ('predator_worker', 'predator_operator'))
                                         OR (s = 'ml' AND r = 'predator_operator') THEN 'USAGE only'
                                    ELSE 'no privilege' END, s))
  FROM unnest(ARRAY['market', 'trading', 'ledger', 'risk', 'portfolio', 'ops', 'api', 'ml']::name[]) s
 CROSS JOIN unnest(ARRAY['predator_worker', 'predator_operator', 'predator_auditor']::name[]) r
 ORDER BY r, s;

SELECT * FROM finish();
ROLLBACK;
