--
-- PostgreSQL database dump
--



SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: api; Type: SCHEMA; Schema: -; Owner: predator_owner
--

CREATE SCHEMA api;


ALTER SCHEMA api OWNER TO predator_owner;

--
-- Name: SCHEMA api; Type: COMMENT; Schema: -; Owner: predator_owner
--

COMMENT ON SCHEMA api IS 'The only door: governed procedures (SECURITY DEFINER, pinned search_path) and read views.';


--
-- Name: ledger; Type: SCHEMA; Schema: -; Owner: predator_owner
--

CREATE SCHEMA ledger;


ALTER SCHEMA ledger OWNER TO predator_owner;

--
-- Name: SCHEMA ledger; Type: COMMENT; Schema: -; Owner: predator_owner
--

COMMENT ON SCHEMA ledger IS 'The double-entry journal: transactions, chained postings with running balances, balance heads.';


--
-- Name: market; Type: SCHEMA; Schema: -; Owner: predator_owner
--

CREATE SCHEMA market;


ALTER SCHEMA market OWNER TO predator_owner;

--
-- Name: SCHEMA market; Type: COMMENT; Schema: -; Owner: predator_owner
--

COMMENT ON SCHEMA market IS 'Venues, assets, clusters, instruments, the universe, candles, their loads, quarantine and corrections.';


--
-- Name: ops; Type: SCHEMA; Schema: -; Owner: predator_owner
--

CREATE SCHEMA ops;


ALTER SCHEMA ops OWNER TO predator_owner;

--
-- Name: SCHEMA ops; Type: COMMENT; Schema: -; Owner: predator_owner
--

COMMENT ON SCHEMA ops IS 'Hash-chain heads, operator audit log, runs, reconciliation, incidents.';


--
-- Name: portfolio; Type: SCHEMA; Schema: -; Owner: predator_owner
--

CREATE SCHEMA portfolio;


ALTER SCHEMA portfolio OWNER TO predator_owner;

--
-- Name: SCHEMA portfolio; Type: COMMENT; Schema: -; Owner: predator_owner
--

COMMENT ON SCHEMA portfolio IS 'Hourly portfolio and risk state, exposures by instrument, cluster and quote currency.';


--
-- Name: risk; Type: SCHEMA; Schema: -; Owner: predator_owner
--

CREATE SCHEMA risk;


ALTER SCHEMA risk OWNER TO predator_owner;

--
-- Name: SCHEMA risk; Type: COMMENT; Schema: -; Owner: predator_owner
--

COMMENT ON SCHEMA risk IS 'Risk profiles and limits, admission decisions, halts.';


--
-- Name: trading; Type: SCHEMA; Schema: -; Owner: predator_owner
--

CREATE SCHEMA trading;


ALTER SCHEMA trading OWNER TO predator_owner;

--
-- Name: SCHEMA trading; Type: COMMENT; Schema: -; Owner: predator_owner
--

COMMENT ON SCHEMA trading IS 'Accounts (books), strategies, signals, order requests and their events, fills, FIFO lots, round trips, positions.';


--
-- Name: add_asset(text, text, text, text); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.add_asset(p_asset text, p_kind text, p_cluster text, p_reason text) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
DECLARE
    v_old market.asset;
BEGIN
    IF p_asset IS NULL OR p_asset !~ '^[A-Z0-9]{2,12}$' OR p_kind IS NULL OR p_kind NOT IN ('crypto', 'stablecoin', 'fiat')
       OR (p_kind = 'crypto') <> (p_cluster IS NOT NULL) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('asset %s refused: invalid code, kind or cluster', coalesce(p_asset, '<null>')),
            DETAIL = format('asset=%s kind=%s cluster=%s', p_asset, p_kind, p_cluster),
            HINT = 'The code is 2..12 uppercase letters or digits (e.g. DOGE); the kind is crypto (with a cluster), stablecoin or fiat (without one).';
    END IF;
    IF p_cluster IS NOT NULL AND NOT EXISTS (SELECT FROM market.cluster c WHERE c.cluster = p_cluster) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('asset %s refused: unknown cluster %L', p_asset, p_cluster),
            DETAIL = format('asset=%s kind=%s cluster=%s', p_asset, p_kind, p_cluster),
            HINT = format('Clusters: %s.', (SELECT string_agg(c.cluster, ', ' ORDER BY c.cluster) FROM market.cluster c));
    END IF;
    PERFORM pg_catalog.pg_advisory_xact_lock(1349731652, pg_catalog.hashtext(p_asset));
    SELECT * INTO v_old FROM market.asset a WHERE a.asset = p_asset;
    IF FOUND THEN
        IF v_old.kind = p_kind AND v_old.cluster IS NOT DISTINCT FROM p_cluster THEN
            RETURN 'unchanged';
        END IF;
        RAISE EXCEPTION USING ERRCODE = 'PD010', MESSAGE = format('asset %s refused: it exists with another kind or cluster', p_asset),
            DETAIL = format('stored kind=%s cluster=%s; given kind=%s cluster=%s', v_old.kind, v_old.cluster, p_kind, p_cluster),
            HINT = 'Assets are added, never changed (see api.assets); give the stored kind and cluster.';
    END IF;
    PERFORM ops._audit(0, 'add_asset', p_asset, jsonb_build_object('kind', p_kind, 'cluster', p_cluster), p_reason);
    INSERT INTO market.asset (asset, kind, cluster) VALUES (p_asset, p_kind, p_cluster);
    RETURN 'inserted';
END
$_$;


ALTER FUNCTION api.add_asset(p_asset text, p_kind text, p_cluster text, p_reason text) OWNER TO predator_owner;

--
-- Name: FUNCTION add_asset(p_asset text, p_kind text, p_cluster text, p_reason text); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.add_asset(p_asset text, p_kind text, p_cluster text, p_reason text) IS 'Operator: adds a currency (crypto with its cluster, stablecoin or fiat) so that its instruments can be stored and books kept in it; audited. The same values again: unchanged. PD010 exists with another kind or cluster (assets are added, never changed); PD011 unknown cluster; PD012 invalid code, kind, or cluster for the kind, or no reason.';


--
-- Name: add_venue(text, text, numeric, numeric, text); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.add_venue(p_venue text, p_name text, p_maker_fee_bps numeric, p_taker_fee_bps numeric, p_reason text) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
DECLARE
    v_old market.venue;
BEGIN
    PERFORM ops._require_finite('api.add_venue', ARRAY['p_maker_fee_bps', 'p_taker_fee_bps'],
                                ARRAY[p_maker_fee_bps, p_taker_fee_bps]);
    IF p_venue IS NULL OR p_venue !~ '^[a-z][a-z0-9_]*$' OR p_name IS NULL OR btrim(p_name) = ''
       OR p_maker_fee_bps IS NULL OR p_taker_fee_bps IS NULL
       OR p_maker_fee_bps NOT BETWEEN 0 AND 1000 OR p_taker_fee_bps NOT BETWEEN 0 AND 1000 THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('venue %s refused: invalid id, name or fees', coalesce(p_venue, '<null>')),
            DETAIL = format('venue=%s name=%s maker_fee_bps=%s taker_fee_bps=%s', p_venue, p_name, p_maker_fee_bps, p_taker_fee_bps),
            HINT = 'The id is the ccxt exchange id in lowercase (e.g. binanceus); the name is not empty; fees are 0..1000 basis points.';
    END IF;
    PERFORM pg_catalog.pg_advisory_xact_lock(1349731651, pg_catalog.hashtext(p_venue));
    SELECT * INTO v_old FROM market.venue v WHERE v.venue = p_venue;
    IF FOUND THEN
        IF (v_old.name, v_old.maker_fee_bps, v_old.taker_fee_bps) = (p_name, p_maker_fee_bps, p_taker_fee_bps) THEN
            RETURN 'unchanged';
        END IF;
        RAISE EXCEPTION USING ERRCODE = 'PD010', MESSAGE = format('venue %s refused: it exists with another name or fees', p_venue),
            DETAIL = format('stored name=%s maker_fee_bps=%s taker_fee_bps=%s; given name=%s maker_fee_bps=%s taker_fee_bps=%s',
                            v_old.name, v_old.maker_fee_bps, v_old.taker_fee_bps, p_name, p_maker_fee_bps, p_taker_fee_bps),
            HINT = 'Venues are added, never changed (see api.venues); give the stored values, or a new id.';
    END IF;
    PERFORM ops._audit(0, 'add_venue', p_venue,
                       jsonb_build_object('name', p_name, 'maker_fee_bps', p_maker_fee_bps, 'taker_fee_bps', p_taker_fee_bps),
                       p_reason);
    INSERT INTO market.venue (venue, name, maker_fee_bps, taker_fee_bps)
    VALUES (p_venue, p_name, p_maker_fee_bps, p_taker_fee_bps);
    RETURN 'inserted';
END
$_$;


ALTER FUNCTION api.add_venue(p_venue text, p_name text, p_maker_fee_bps numeric, p_taker_fee_bps numeric, p_reason text) OWNER TO predator_owner;

--
-- Name: FUNCTION add_venue(p_venue text, p_name text, p_maker_fee_bps numeric, p_taker_fee_bps numeric, p_reason text); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.add_venue(p_venue text, p_name text, p_maker_fee_bps numeric, p_taker_fee_bps numeric, p_reason text) IS 'Operator: adds a trading venue (ccxt id, name, spot maker and taker fee in bps) so that its instruments can be stored; audited. The same values again: unchanged. PD010 exists with other values (venues are added, never changed); PD012 invalid id, empty name, fee outside 0..1000 bps or not finite, no reason.';


--
-- Name: alerts_pending(text[], integer); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.alerts_pending(p_channels text[], p_limit integer DEFAULT 100) RETURNS TABLE(seq bigint, ts timestamp with time zone, business_ts timestamp with time zone, category text, severity text, account text, dedup_key text, title text, payload jsonb, channel text, attempts integer, last_attempt_at timestamp with time zone, duplicate_of bigint, channel_sends_last_minute integer)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
DECLARE
    v_window interval := make_interval(secs => coalesce(ops.setting_value('alert_dedup_window_seconds'), 900)::double precision);
BEGIN
    IF p_limit IS NULL OR p_limit < 1 OR p_limit > 1000 THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('alerts_pending refused: limit %s is out of range', p_limit),
            DETAIL = format('argument=p_limit value=%s', p_limit), HINT = 'Ask for 1 to 1000 alerts at a time.';
    END IF;
    IF p_channels IS NULL OR cardinality(p_channels) = 0
       OR EXISTS (SELECT FROM unnest(p_channels) c WHERE c IS NULL OR c !~ '^[a-z0-9][a-z0-9_.-]{0,62}$') THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'alerts_pending refused: channels must be names',
            DETAIL = format('argument=p_channels value=%s', p_channels),
            HINT = 'Name each channel with lower-case letters, digits, _ . - (at most 63 characters).';
    END IF;
    RETURN QUERY
    SELECT o.seq, o.ts, o.business_ts, o.category, o.severity, o.account, o.dedup_key, o.title, o.payload, c.channel,
           coalesce(a.n, 0)::integer, a.last_ts,
           (SELECT p.seq FROM ops.alert_outbox p
             WHERE p.dedup_key = o.dedup_key AND p.seq < o.seq AND p.ts >= o.ts - v_window
               AND EXISTS (SELECT FROM ops.alert_attempt d
                            WHERE d.alert_seq = p.seq AND d.channel = c.channel AND d.status = 'delivered')
             ORDER BY p.seq LIMIT 1),
           (SELECT count(*) FROM ops.alert_attempt r
             WHERE r.channel = c.channel AND r.status <> 'deduplicated'
               AND r.ts > clock_timestamp() - interval '60 seconds')::integer
      FROM ops.alert_outbox o
     CROSS JOIN (SELECT DISTINCT u.c AS channel FROM unnest(p_channels) u(c)) c
      LEFT JOIN LATERAL (SELECT count(*) AS n, max(t.ts) AS last_ts FROM ops.alert_attempt t
                          WHERE t.alert_seq = o.seq AND t.channel = c.channel) a ON true
     WHERE NOT EXISTS (SELECT FROM ops.alert_attempt t
                        WHERE t.alert_seq = o.seq AND t.channel = c.channel AND t.status <> 'retry')
     ORDER BY o.seq, c.channel
     LIMIT p_limit;
END
$_$;


ALTER FUNCTION api.alerts_pending(p_channels text[], p_limit integer) OWNER TO predator_owner;

--
-- Name: FUNCTION alerts_pending(p_channels text[], p_limit integer); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.alerts_pending(p_channels text[], p_limit integer) IS 'Notifier: alerts not yet settled on each channel (oldest first, at most p_limit rows), with attempts so far, the last attempt''s time, the earlier delivered alert of the same key within the dedup window (duplicate_of) and the channel''s sends in the last minute.';


--
-- Name: anchor_chains(text); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.anchor_chains(p_reason text) RETURNS TABLE(book_id integer, seq bigint, chains integer)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET "TimeZone" TO 'UTC'
    AS $$
DECLARE
    v_seq bigint;
BEGIN
    IF NOT EXISTS (SELECT FROM ops.anchor_key) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = 'anchor_chains refused: no anchor key is set',
            HINT = 'Set one first: SELECT * FROM api.set_anchor_key(''reason'') (predator audit anchor key-set).';
    END IF;
    PERFORM ops._lock_book(0);
    PERFORM ops._audit(0, 'anchor_chains', '*', '{}'::jsonb, p_reason);
    v_seq := ops._append_anchor(0, 'demand', NULL);
    RETURN QUERY SELECT a.book_id, a.seq, jsonb_array_length(a.heads)
                   FROM ops.chain_anchor a WHERE a.book_id = 0 AND a.seq = v_seq;
END
$$;


ALTER FUNCTION api.anchor_chains(p_reason text) OWNER TO predator_owner;

--
-- Name: FUNCTION anchor_chains(p_reason text); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.anchor_chains(p_reason text) IS 'Operator: anchors every chain''s head now (one book-0 anchor of kind demand under the active key); audited. PD011 no anchor key set; PD012 no reason.';


--
-- Name: apply_safe_mode(text, text, text); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.apply_safe_mode(p_profile text, p_template text, p_reason text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_active   record;
    v_replaced jsonb := '[]'::jsonb;
    v_row      record;
    v_id       bigint;
BEGIN
    IF NOT EXISTS (SELECT FROM risk.profile p WHERE p.profile = p_profile)
       OR NOT EXISTS (SELECT FROM risk.safe_mode_template t WHERE t.template = p_template) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011',
            MESSAGE = format('unknown risk profile %L or safe-mode template %L', p_profile, p_template),
            HINT = 'See risk.profile and api.safe_mode_templates (shipped: reduced, minimal).';
    END IF;
    IF p_reason IS NULL OR length(btrim(p_reason)) = 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('%s refused: an operator action needs a reason', 'apply_safe_mode'),
            HINT = 'Pass a non-empty reason; it is kept in the audit log.';
    END IF;
    PERFORM pg_catalog.pg_advisory_xact_lock(1349731649, -2);
    SELECT a.application_id, a.template INTO v_active FROM ops.safe_mode_application a
     WHERE a.profile = p_profile AND NOT EXISTS (SELECT FROM ops.safe_mode_revert r WHERE r.application_id = a.application_id)
     ORDER BY a.application_id DESC LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('safe mode %s refused: safe mode %s (application %s) is in force on profile %s',
                             p_template, v_active.template, v_active.application_id, p_profile),
            HINT = 'Revert it first with api.revert_safe_mode(profile, reason).';
    END IF;
    FOR v_row IN
        SELECT t.limit_name, sc.scope, t.mode, t.value, cur.mode AS cur_mode, cur.value AS cur_value, cur.limit_name IS NOT NULL AS existed
          FROM risk.safe_mode_limit t
          CROSS JOIN LATERAL (SELECT '*'::text AS scope
                              UNION SELECT DISTINCT s.scope FROM risk.limit_setting s
                               WHERE s.profile = p_profile AND s.limit_name = t.limit_name) sc
          LEFT JOIN LATERAL (SELECT s.limit_name, s.mode, s.value FROM risk.limit_setting s
                              WHERE s.profile = p_profile AND s.limit_name = t.limit_name AND s.scope = sc.scope
                              ORDER BY s.revision DESC LIMIT 1) cur ON true
         WHERE t.template = p_template
         ORDER BY t.limit_name, sc.scope
    LOOP
        CONTINUE WHEN v_row.existed AND v_row.cur_mode = v_row.mode AND v_row.cur_value IS NOT NULL
                      AND v_row.cur_value <= v_row.value;
        PERFORM risk._set_limit(p_profile, v_row.limit_name, v_row.mode, v_row.value, p_reason, v_row.scope,
                                'safe_mode:' || p_template);
        v_replaced := v_replaced || jsonb_build_object('limit', v_row.limit_name, 'scope', v_row.scope,
                                                       'mode', coalesce(v_row.cur_mode, v_row.mode), 'value', v_row.cur_value,
                                                       'existed', v_row.existed);
    END LOOP;
    INSERT INTO ops.safe_mode_application (profile, template, replaced, reason, actor)
    VALUES (p_profile, p_template, v_replaced, p_reason, ops.actor())
    RETURNING application_id INTO v_id;
    PERFORM ops._audit(0, 'apply_safe_mode', p_profile || '/' || p_template,
                       jsonb_build_object('application', v_id, 'replaced', v_replaced), p_reason);
    RETURN v_id;
END
$$;


ALTER FUNCTION api.apply_safe_mode(p_profile text, p_template text, p_reason text) OWNER TO predator_owner;

--
-- Name: FUNCTION apply_safe_mode(p_profile text, p_template text, p_reason text); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.apply_safe_mode(p_profile text, p_template text, p_reason text) IS 'Operator: applies a safe-mode template (reduced-risk limit set) to a risk profile in one audited call, through risk._set_limit; limits already tighter are kept; the replaced ones are kept for api.revert_safe_mode. PD011 unknown profile/template, PD012 no reason or a safe mode already in force.';


--
-- Name: approve(bigint, text); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.approve(p_request bigint, p_reason text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_req ops.approval_request;
    v_me  text := ops.operator_login();
BEGIN
    PERFORM pg_catalog.pg_advisory_xact_lock(1349731649, -36);
    SELECT * INTO v_req FROM ops.approval_request r WHERE r.request_id = p_request;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('unknown approval request %s', p_request),
            HINT = 'See api.approval_requests (predator approval list).';
    END IF;
    IF v_me = v_req.requested_by THEN
        RAISE EXCEPTION USING ERRCODE = 'PD018',
            MESSAGE = format('approval of request %s refused: %s asked for it and cannot approve it', p_request, v_me),
            DETAIL = format('request=%s requested_by=%s approver=%s', p_request, v_req.requested_by, v_me),
            HINT = 'A second, distinct operator approves: another login that is a member of predator_operator (predator approval approve --as approver).';
    END IF;
    IF NOT pg_catalog.pg_has_role(session_user, 'predator_operator', 'USAGE') THEN
        RAISE EXCEPTION USING ERRCODE = 'PD018',
            MESSAGE = format('approval of request %s refused: %s is not an operator', p_request, v_me),
            HINT = 'Only a login that is a member of predator_operator approves.';
    END IF;
    IF EXISTS (SELECT FROM ops.approval a WHERE a.request_id = p_request) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD018',
            MESSAGE = format('approval of request %s refused: it is already approved', p_request),
            HINT = 'An approval is given once and used once; ask again with api.request_approval for another action.';
    END IF;
    IF v_req.valid_until <= clock_timestamp() THEN
        RAISE EXCEPTION USING ERRCODE = 'PD018',
            MESSAGE = format('approval of request %s refused: it expired at %s', p_request, v_req.valid_until),
            HINT = 'The requester asks again with api.request_approval.';
    END IF;
    PERFORM ops._audit(0, 'approve', v_req.action || ':' || v_req.target,
                       jsonb_build_object('request', p_request, 'requested_by', v_req.requested_by, 'params', v_req.params),
                       p_reason);
    INSERT INTO ops.approval (request_id, approved_by, reason) VALUES (p_request, v_me, p_reason);
    RETURN p_request;
END
$$;


ALTER FUNCTION api.approve(p_request bigint, p_reason text) OWNER TO predator_owner;

--
-- Name: FUNCTION approve(p_request bigint, p_reason text); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.approve(p_request bigint, p_reason text) IS 'Operator: a second operator (another login of predator_operator) approves a request of api.request_approval; audited. PD011 unknown request, PD012 no reason, PD018 own request, not an operator, already approved or expired.';


--
-- Name: approve_treasury_transfer(text, integer, timestamp with time zone, text); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.approve_treasury_transfer(p_account text, p_proposal_no integer, p_ts timestamp with time zone, p_reason text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_acct     trading.account;
    v_prop     ledger.treasury_transfer;
    v_equity   numeric;
    v_headroom numeric;
    v_tx       bigint;
BEGIN
    PERFORM ops._require_business_time('api.approve_treasury_transfer', ARRAY['p_ts'], ARRAY[p_ts]);
    v_acct := trading._account(p_account);
    IF p_reason IS NULL OR length(btrim(p_reason)) = 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'approve_treasury_transfer refused: an operator action needs a reason',
            HINT = 'Pass a non-empty reason; it is kept in the audit log.';
    END IF;
    PERFORM ops._lock_book(v_acct.book_id);
    SELECT * INTO v_prop FROM ledger.treasury_transfer t
     WHERE t.book_id = v_acct.book_id AND t.proposal_no = p_proposal_no AND t.action = 'proposed';
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('treasury transfer %s refused: no such proposal', p_proposal_no),
            DETAIL = format('account=%s proposal_no=%s', p_account, p_proposal_no), HINT = 'See api.treasury_transfers.';
    END IF;
    IF EXISTS (SELECT FROM ledger.treasury_transfer t
                WHERE t.book_id = v_acct.book_id AND t.proposal_no = p_proposal_no AND t.action <> 'proposed') THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('treasury transfer %s refused: already approved', p_proposal_no),
            DETAIL = format('account=%s proposal_no=%s', p_account, p_proposal_no), HINT = 'A proposal is approved once.';
    END IF;
    IF p_ts < v_prop.ts THEN
        RAISE EXCEPTION USING ERRCODE = 'PD013', MESSAGE = format('treasury transfer %s refused: %s is before the proposal (%s)', p_proposal_no, p_ts, v_prop.ts),
            DETAIL = format('account=%s ts=%s proposed=%s', p_account, p_ts, v_prop.ts), HINT = 'Business time never goes backwards.';
    END IF;
    SELECT h.equity INTO v_equity FROM portfolio.hourly_state h WHERE h.book_id = v_acct.book_id ORDER BY h.hour DESC LIMIT 1;
    SELECT coalesce(v_equity, 0)
           + coalesce(sum(b.balance) FILTER (WHERE b.account_code = 'principal'), 0)
           - coalesce(sum(b.balance) FILTER (WHERE b.account_code IN ('reserve', 'operations')), 0)
      INTO v_headroom
      FROM ledger.balance b
     WHERE b.book_id = v_acct.book_id AND b.currency = v_acct.base_currency
       AND b.account_code IN ('principal', 'reserve', 'operations');
    IF v_prop.amount > v_headroom THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('treasury transfer %s refused: %s would reach into principal (headroom %s)', p_proposal_no, v_prop.amount, round(v_headroom, 2)),
            DETAIL = format('account=%s amount=%s headroom=%s equity=%s', p_account, v_prop.amount, v_headroom, v_equity),
            HINT = 'The treasury policy never touches principal: wait for a later proposal.';
    END IF;
    v_tx := ledger._post(v_acct.book_id, 'transfer', 'operations:' || p_proposal_no, p_ts,
        ARRAY['operations', 'treasury'], ARRAY[v_prop.currency, v_prop.currency], ARRAY[v_prop.amount, -v_prop.amount]);
    INSERT INTO ledger.treasury_transfer (book_id, proposal_no, action, amount, currency, day, tx_seq, reason, actor, ts)
    VALUES (v_acct.book_id, p_proposal_no, 'approved', v_prop.amount, v_prop.currency, v_prop.day, v_tx, p_reason, ops.actor(), p_ts);
    PERFORM ops._audit(v_acct.book_id, 'approve_treasury_transfer', p_account,
        jsonb_build_object('proposal_no', p_proposal_no, 'amount', v_prop.amount, 'currency', v_prop.currency,
                           'tx_seq', v_tx, 'ts', p_ts), p_reason);
    RETURN v_tx;
END
$$;


ALTER FUNCTION api.approve_treasury_transfer(p_account text, p_proposal_no integer, p_ts timestamp with time zone, p_reason text) OWNER TO predator_owner;

--
-- Name: FUNCTION approve_treasury_transfer(p_account text, p_proposal_no integer, p_ts timestamp with time zone, p_reason text); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.approve_treasury_transfer(p_account text, p_proposal_no integer, p_ts timestamp with time zone, p_reason text) IS 'Operator: approves a proposed transfer of surplus to the operations bucket (journal operations + / treasury -, audited). PD011 unknown proposal, PD012 already approved / no reason / would reach into principal, PD013 before the proposal, PD015 future time.';


--
-- Name: balance_changes(text, timestamp with time zone, timestamp with time zone, text); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.balance_changes(p_account text DEFAULT NULL::text, p_from timestamp with time zone DEFAULT '-infinity'::timestamp with time zone, p_to timestamp with time zone DEFAULT 'infinity'::timestamp with time zone, p_ledger text DEFAULT 'trading'::text) RETURNS TABLE(account text, ledger text, currency text, start_balance numeric, end_balance numeric, fills numeric, fees numeric, deposits numeric, withdrawals numeric, transfers numeric, voids numeric, other numeric)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    PERFORM ops._report_period('api.balance_changes', p_account, p_from, p_to);
    RETURN QUERY
    WITH accts AS (
        SELECT a.book_id, a.name FROM trading.account a WHERE p_account IS NULL OR a.name = p_account),
    p AS (
        SELECT x.name, q.currency, q.amount, q.ts, t.kind, q.leg
          FROM accts x JOIN ledger.posting q ON q.book_id = x.book_id
          JOIN ledger.transaction t ON t.book_id = q.book_id AND t.seq = q.tx_seq
         WHERE q.account_code = p_ledger AND q.ts <= p_to)
    SELECT p.name, p_ledger, p.currency,
           coalesce(sum(p.amount) FILTER (WHERE p.ts <= p_from), 0), sum(p.amount),
           -- a fill's legs 1-4 are the traded base and quote (never zero); its fee legs follow (ledger._post)
           coalesce(sum(p.amount) FILTER (WHERE p.ts > p_from AND p.kind = 'fill' AND p.leg <= 4), 0),
           coalesce(sum(p.amount) FILTER (WHERE p.ts > p_from AND p.kind = 'fill' AND p.leg > 4), 0),
           coalesce(sum(p.amount) FILTER (WHERE p.ts > p_from AND p.kind = 'deposit'), 0),
           coalesce(sum(p.amount) FILTER (WHERE p.ts > p_from AND p.kind = 'withdrawal'), 0),
           coalesce(sum(p.amount) FILTER (WHERE p.ts > p_from AND p.kind = 'transfer'), 0),
           coalesce(sum(p.amount) FILTER (WHERE p.ts > p_from AND p.kind = 'void'), 0),
           coalesce(sum(p.amount) FILTER (WHERE p.ts > p_from AND p.kind NOT IN ('fill', 'deposit', 'withdrawal',
                                                                                 'transfer', 'void')), 0)
      FROM p GROUP BY p.name, p.currency
     ORDER BY p.name, p.currency;
END
$$;


ALTER FUNCTION api.balance_changes(p_account text, p_from timestamp with time zone, p_to timestamp with time zone, p_ledger text) OWNER TO predator_owner;

--
-- Name: FUNCTION balance_changes(p_account text, p_from timestamp with time zone, p_to timestamp with time zone, p_ledger text); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.balance_changes(p_account text, p_from timestamp with time zone, p_to timestamp with time zone, p_ledger text) IS 'Reads: per account and currency, a ledger''s balance (default trading: what the book holds at the venue) at p_from and p_to and its movements over (p_from, p_to] by kind: fills, fees, deposits, withdrawals, transfers, voids, other; start + movements = end. PD011, PD012.';


--
-- Name: begin_candle_load(); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.begin_candle_load() RETURNS uuid
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    SELECT pg_catalog.gen_random_uuid()
$$;


ALTER FUNCTION api.begin_candle_load() OWNER TO predator_owner;

--
-- Name: FUNCTION begin_candle_load(); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.begin_candle_load() IS 'Worker: a fresh random load key; stage the lines under it with COPY market.candle_stage (load_key, raw) FROM STDIN (the worker may only insert there) and pass it to api.load_candles in the same transaction.';


--
-- Name: burn_in(text, text); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.burn_in(p_venue text, p_strategy text) RETURNS TABLE(account text, mode text, hours bigint, days numeric, first_hour timestamp with time zone, last_hour timestamp with time zone)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    SELECT a.name, a.mode, count(h.hour), round(count(h.hour) / 24.0, 2), min(h.hour), max(h.hour)
      FROM trading.account a
      JOIN trading.strategy s ON s.book_id = a.book_id AND s.strategy = p_strategy
      JOIN portfolio.hourly_state h ON h.book_id = a.book_id
     WHERE a.venue = p_venue AND a.mode IN ('paper', 'shadow')
       AND EXISTS (SELECT FROM ops.run r WHERE r.book_id = a.book_id AND r.config->>'feed' = 'sync')
     GROUP BY a.name, a.mode
     ORDER BY count(h.hour) DESC, a.name;
$$;


ALTER FUNCTION api.burn_in(p_venue text, p_strategy text) OWNER TO predator_owner;

--
-- Name: FUNCTION burn_in(p_venue text, p_strategy text); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.burn_in(p_venue text, p_strategy text) IS 'The forward burn-in records of a strategy on a venue: sync-fed paper or shadow accounts with it registered, and the hours (days) each closed. A live account may register the strategy only with live_burn_in_days of it.';


--
-- Name: candle_gaps(text, text, text, timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.candle_gaps(p_venue text, p_interval text, p_symbol text DEFAULT NULL::text, p_from timestamp with time zone DEFAULT NULL::timestamp with time zone, p_to timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS TABLE(venue text, symbol text, "interval" text, after_ts timestamp with time zone, next_ts timestamp with time zone, missing bigint)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET "TimeZone" TO 'UTC'
    AS $$
DECLARE
    v_secs integer := market.interval_seconds(p_interval);
    v_step interval;
BEGIN
    IF v_secs IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('gap listing refused: unknown interval %L', p_interval),
            DETAIL = format('venue=%s symbol=%s interval=%s', p_venue, p_symbol, p_interval),
            HINT = 'Intervals are ccxt timeframes: 1m 5m 15m 30m 1h 4h 1d.';
    END IF;
    v_step := make_interval(secs => v_secs);
    -- Revisions repeat an open time; consecutive equal times are no gap, so no DISTINCT is needed.
    RETURN QUERY
    SELECT g.venue, g.symbol, g.interval, g.ts, g.next_ts,
           (extract(epoch FROM g.next_ts - g.ts)::bigint / v_secs) - 1
      FROM (SELECT c.venue, c.symbol, c.interval, c.ts,
                   lead(c.ts) OVER (PARTITION BY c.venue, c.symbol, c.interval ORDER BY c.ts) AS next_ts
              FROM market.candle c
             WHERE c.venue = p_venue AND c.interval = p_interval
               AND (p_symbol IS NULL OR c.symbol = p_symbol)
               AND (p_from IS NULL OR c.ts >= p_from) AND (p_to IS NULL OR c.ts < p_to)) g
     WHERE g.next_ts > g.ts + v_step
     ORDER BY g.venue, g.symbol, g.ts;
END
$$;


ALTER FUNCTION api.candle_gaps(p_venue text, p_interval text, p_symbol text, p_from timestamp with time zone, p_to timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION candle_gaps(p_venue text, p_interval text, p_symbol text, p_from timestamp with time zone, p_to timestamp with time zone); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.candle_gaps(p_venue text, p_interval text, p_symbol text, p_from timestamp with time zone, p_to timestamp with time zone) IS 'Worker, auditor: missing bars between consecutive stored bars of a venue and interval (one symbol or all), open times in [p_from, p_to): last bar before, first bar after, number missing. Gaps are listed, never filled. PD012 unknown interval.';


--
-- Name: candles_known(text, text, text, timestamp with time zone, timestamp with time zone, bigint); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.candles_known(p_venue text, p_symbol text, p_interval text, p_from timestamp with time zone, p_to timestamp with time zone, p_load_id bigint) RETURNS TABLE(ts timestamp with time zone, open numeric, high numeric, low numeric, close numeric, volume numeric, revision smallint)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET "TimeZone" TO 'UTC'
    AS $$
BEGIN
    IF p_interval IS NULL OR market.interval_seconds(p_interval) IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('candles_known refused: unknown interval %L', p_interval),
            HINT = 'Intervals are ccxt timeframes: 1m 5m 15m 30m 1h 4h 1d.';
    END IF;
    IF p_from IS NULL OR p_to IS NULL OR NOT isfinite(p_from) OR NOT isfinite(p_to) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'candles_known refused: the bounds must be finite times',
            DETAIL = format('from=%s to=%s', p_from, p_to),
            HINT = 'Pass the first open time and the open time after the last bar wanted.';
    END IF;
    RETURN QUERY
    SELECT DISTINCT ON (c.ts) c.ts, c.open, c.high, c.low, c.close, c.volume, c.revision
      FROM market.candle c
     WHERE c.venue = p_venue AND c.symbol = p_symbol AND c.interval = p_interval
       AND c.ts >= p_from AND c.ts < p_to AND c.load_id <= p_load_id
     ORDER BY c.ts, c.revision DESC;
END
$$;


ALTER FUNCTION api.candles_known(p_venue text, p_symbol text, p_interval text, p_from timestamp with time zone, p_to timestamp with time zone, p_load_id bigint) OWNER TO predator_owner;

--
-- Name: FUNCTION candles_known(p_venue text, p_symbol text, p_interval text, p_from timestamp with time zone, p_to timestamp with time zone, p_load_id bigint); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.candles_known(p_venue text, p_symbol text, p_interval text, p_from timestamp with time zone, p_to timestamp with time zone, p_load_id bigint) IS 'Worker, auditor: effective bars of a feed in [p_from, p_to) as known once the loads up to p_load_id had committed (the bars an hour of a sync-fed run decided on). PD012.';


--
-- Name: close_hour(text, timestamp with time zone); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.close_hour(p_account text, p_hour timestamp with time zone) RETURNS TABLE(hour timestamp with time zone, cash numeric, positions_value numeric, equity numeric, peak_equity numeric, drawdown numeric, daily_pnl numeric, realized_pnl numeric, unrealized_pnl numeric, fees numeric, gross_exposure numeric, open_orders integer, stale_marks text[], positions jsonb, inputs_hash text, outputs_hash text, halts text[])
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET "TimeZone" TO 'UTC'
    AS $$
DECLARE
    v_acct      trading.account;
    v_last      portfolio.hourly_state;
    v_cash      numeric;
    v_pos_value numeric;
    v_cost      numeric;
    v_equity    numeric;
    v_peak      numeric;
    v_day_start numeric;
    v_realized  numeric;
    v_fees      numeric;
    v_open      integer;
    v_stale     text[];
    v_prev      jsonb;
    v_heads     jsonb;
    v_digests   jsonb;
    v_inputs    bytea;
    v_outputs   bytea;
    v_symbols   text[];
    v_syms      text[];
    v_clusters  text[];
    v_quotes    text[];
    v_qtys      numeric[];
    v_marks     numeric[];
    v_notionals numeric[];
    v_exposures jsonb;
    v_stale_hours numeric;
    v_mark_syms   text[];
    v_mark_closes numeric[];
    v_mark_times  timestamptz[];
    v_stale_detail jsonb;
    v_flat_run    integer;
    v_flat_detail jsonb;
    v_wick_pct    numeric;
    v_wick_detail jsonb;
    v_last_fill timestamptz;
    v_val       record;  -- portfolio.valuation: the one definition of the book's figures (issue 17 item 1)
    v_started   timestamptz := clock_timestamp();  -- wall time on entry: ops.hour_close_timing (migration 0033)
BEGIN
    PERFORM ops._require_business_time('api.close_hour', ARRAY['p_hour'], ARRAY[p_hour]);
    v_acct := trading._account(p_account);
    IF p_hour IS NULL OR date_trunc('hour', p_hour) <> p_hour THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('close_hour refused: %s is not a whole hour', p_hour),
            HINT = 'Pass the close time of the hour, for example 2023-06-01T13:00:00Z.';
    END IF;
    PERFORM ops._lock_book(v_acct.book_id);

    SELECT * INTO v_last FROM portfolio.hourly_state h WHERE h.book_id = v_acct.book_id ORDER BY h.hour DESC LIMIT 1;
    IF FOUND AND p_hour <= v_last.hour THEN
        IF EXISTS (SELECT FROM portfolio.hourly_state h WHERE h.book_id = v_acct.book_id AND h.hour = p_hour) THEN
            RETURN QUERY SELECT * FROM portfolio._hour_result(v_acct.book_id, p_hour);
            RETURN;
        END IF;
        RAISE EXCEPTION USING ERRCODE = 'PD013',
            MESSAGE = format('close_hour refused: %s is before the last closed hour %s', p_hour, v_last.hour),
            HINT = 'Hours close in order; business time never goes backwards.';
    END IF;

    -- The hour's symbols (issue 17 item 4): the database's, never the worker's (portfolio.book_symbols), so no
    -- argument can take a traded symbol out of the stale-data and data-quality breakers below. Their marks.
    v_symbols := portfolio.book_symbols(v_acct.book_id, p_hour);
    SELECT coalesce(array_agg(m.symbol), '{}'), coalesce(array_agg(m.close), '{}'), coalesce(array_agg(m.bar_close), '{}')
      INTO v_mark_syms, v_mark_closes, v_mark_times
      FROM market.marks(v_acct.venue, v_symbols, p_hour) m;

    -- The one valuation (portfolio.valuation): cash per currency and positions at mark (a position without a bar
    -- closed by p_hour within 7 days at cost, listed in stale_marks), converted into the reporting currency at
    -- the rates it records; exposures by instrument, cluster and quote go into the row.
    SELECT * INTO v_val FROM portfolio.valuation(v_acct.book_id, p_hour);
    v_cash := v_val.cash; v_pos_value := v_val.positions_value; v_cost := v_val.cost_basis; v_equity := v_val.equity;
    v_stale := v_val.stale_marks;
    SELECT coalesce(array_agg(l ->> 'symbol' ORDER BY l ->> 'symbol'), '{}'),
           coalesce(array_agg(l ->> 'cluster' ORDER BY l ->> 'symbol'), '{}'),
           coalesce(array_agg(l ->> 'quote' ORDER BY l ->> 'symbol'), '{}'),
           coalesce(array_agg((l ->> 'quantity')::numeric ORDER BY l ->> 'symbol'), '{}'),
           coalesce(array_agg((l ->> 'mark')::numeric ORDER BY l ->> 'symbol'), '{}'),
           coalesce(array_agg((l ->> 'notional')::numeric ORDER BY l ->> 'symbol'), '{}')
      INTO v_syms, v_clusters, v_quotes, v_qtys, v_marks, v_notionals
      FROM jsonb_array_elements(v_val.lines) l
     WHERE (l ->> 'held')::boolean AND NOT (l ->> 'is_cash')::boolean;

    SELECT coalesce(jsonb_agg(jsonb_build_object('kind', x.kind, 'key', x.key, 'quantity', x.quantity, 'mark', x.mark,
                                                 'notional', x.notional,
                                                 'exposure', CASE WHEN v_equity > 0 THEN x.notional / v_equity ELSE 0 END)
                              ORDER BY x.ord, x.key), '[]'::jsonb)
      INTO v_exposures
      FROM (SELECT 'instrument'::text AS kind, e.sym AS key, e.qty AS quantity, e.mark, e.notional, 1 AS ord
              FROM unnest(v_syms, v_qtys, v_marks, v_notionals) e(sym, qty, mark, notional)
            UNION ALL
            SELECT 'cluster', e.cluster, NULL, NULL, sum(e.notional), 2
              FROM unnest(v_clusters, v_notionals) e(cluster, notional) GROUP BY e.cluster
            UNION ALL
            SELECT 'quote', e.quote, NULL, NULL, sum(e.notional), 3
              FROM unnest(v_quotes, v_notionals) e(quote, notional) GROUP BY e.quote) x;

    v_peak := v_val.peak_equity;
    v_day_start := v_val.day_start_equity;

    -- Treasury (docs/treasury.md): declared operating costs accrue for the hours this close opens, at business
    -- time; at 00:00 UTC the self-financing status of the day and the rolling window, then the treasury policy.
    -- Before the heads, so what they post is part of this hour's outputs.
    PERFORM ledger._accrue_operating_costs(v_acct.book_id, v_last.hour, p_hour);
    PERFORM portfolio._treasury_close(v_acct.book_id, p_hour, v_equity);

    v_prev := coalesce(v_last.digests -> 'heads', '{}'::jsonb);
    SELECT coalesce(jsonb_object_agg(split_part(h.chain, ':', 1), h.seq), '{}'::jsonb) INTO v_heads
      FROM ops.chain_head h WHERE h.book_id = v_acct.book_id;

    SELECT coalesce(sum(portfolio._to_reporting(v_acct.venue, v_acct.base_currency, split_part(f.symbol, '/', 2),
                                                trading._fee_in_quote(v_acct.venue, f.symbol, f.fee, f.fee_currency, f.price, f.ts), f.ts)), 0),
           max(f.ts)
      INTO v_fees, v_last_fill FROM trading.fill f
     WHERE f.book_id = v_acct.book_id AND f.seq > coalesce((v_prev ->> 'trading.fill')::bigint, 0)
       AND f.seq <= coalesce((v_heads ->> 'trading.fill')::bigint, 0);
    -- The hour counts the fills recorded since the previous close; none of them may be dated after it.
    IF v_last_fill > p_hour THEN
        RAISE EXCEPTION USING ERRCODE = 'PD013',
            MESSAGE = format('close_hour refused: hour %s would count a fill dated %s, after the hour', p_hour, v_last_fill),
            DETAIL = format('account=%s hour=%s last_fill_ts=%s', p_account, p_hour, v_last_fill),
            HINT = 'A fill is counted by the first hour closed after it is recorded: close an hour at or after the fill''s time, or investigate the fill''s timestamp.';
    END IF;
    -- A fill voided since the previous close (api.void_fill: the venue never made it) takes its fee back.
    v_fees := v_fees - (SELECT coalesce(sum(portfolio._to_reporting(v_acct.venue, v_acct.base_currency, split_part(f.symbol, '/', 2),
                                                trading._fee_in_quote(v_acct.venue, f.symbol, f.fee, f.fee_currency, f.price, f.ts), f.ts)), 0)
                          FROM trading.fill_void v
                          JOIN trading.fill f ON f.book_id = v.book_id AND f.symbol = v.symbol AND f.venue_trade_id = v.venue_trade_id
                         WHERE v.book_id = v_acct.book_id AND v.seq > coalesce((v_prev ->> 'trading.fill_void')::bigint, 0)
                           AND v.seq <= coalesce((v_heads ->> 'trading.fill_void')::bigint, 0));
    SELECT coalesce(sum(portfolio._to_reporting(v_acct.venue, v_acct.base_currency, split_part(a.symbol, '/', 2), a.realized_pnl, a.ts)), 0)
      INTO v_realized FROM trading.lot_allocation a
     WHERE a.book_id = v_acct.book_id AND a.seq > coalesce((v_prev ->> 'trading.lot_allocation')::bigint, 0)
       AND a.seq <= coalesce((v_heads ->> 'trading.lot_allocation')::bigint, 0);
    -- A sell voided since the previous close takes back the realized PnL of its allocations.
    v_realized := v_realized - (SELECT coalesce(sum(portfolio._to_reporting(v_acct.venue, v_acct.base_currency, split_part(a.symbol, '/', 2),
                                                                            a.realized_pnl, a.ts)), 0)
                                  FROM trading.fill_void v
                                  JOIN trading.lot_allocation a ON a.book_id = v.book_id AND a.symbol = v.symbol AND a.venue_trade_id = v.venue_trade_id
                                 WHERE v.book_id = v_acct.book_id AND v.seq > coalesce((v_prev ->> 'trading.fill_void')::bigint, 0)
                                   AND v.seq <= coalesce((v_heads ->> 'trading.fill_void')::bigint, 0));
    SELECT count(*) INTO v_open FROM trading.order_state s
     WHERE s.book_id = v_acct.book_id AND s.status IN ('new', 'open', 'partially_filled');

    v_digests := portfolio.window_digests(v_acct.book_id, v_prev, v_heads, false);
    v_outputs := portfolio.outputs_hash(v_digests);
    v_inputs := sha256(portfolio.inputs_digest(v_acct.venue, v_symbols, p_hour)
                       || decode(v_digests ->> 'trading.signal', 'hex'));

    INSERT INTO portfolio.hourly_state (book_id, hour, cash, positions_value, equity, peak_equity, drawdown,
                                        day_start_equity, daily_pnl, realized_pnl, unrealized_pnl, fees,
                                        gross_exposure, open_orders, stale_marks, exposures, inputs_hash, outputs_hash,
                                        digests, valuation)
    VALUES (v_acct.book_id, p_hour, v_cash, v_pos_value, v_equity, v_peak,
            CASE WHEN v_peak > 0 THEN greatest(0, 1 - v_equity / v_peak) ELSE 0 END,
            v_day_start, v_equity - v_day_start,
            coalesce(v_last.realized_pnl, 0) + v_realized, v_pos_value - v_cost,
            coalesce(v_last.fees, 0) + v_fees,
            CASE WHEN v_equity > 0 THEN v_pos_value / v_equity ELSE 0 END,
            v_open, v_stale, v_exposures, v_inputs, v_outputs,
            v_digests || jsonb_build_object('heads', v_heads, 'symbols', to_jsonb(v_symbols)),
            jsonb_build_object('reporting', v_val.reporting, 'currencies', v_val.currencies));

    PERFORM risk._evaluate_hour(v_acct.book_id, p_hour, v_equity, v_peak, v_day_start);
    PERFORM risk._evaluate_strategies(v_acct.book_id, p_hour, v_day_start, v_peak);  -- issue 13: each strategy's own limits
    PERFORM risk._hour_reviews(v_acct.book_id, p_hour);  -- adaptive horizon, strategy health (docs/risk.md)
    -- Stale-data breaker: hours since the last bar of each of the hour's symbols closed, over the symbols
    -- that had a bar within the last week (a symbol with none, e.g. not listed yet, cannot be traded at
    -- all: its signals are refused with data_stale).
    IF cardinality(v_symbols) > 0 THEN
        SELECT max(extract(epoch FROM p_hour - m.bar_close) / 3600),
               jsonb_object_agg(m.symbol, extract(epoch FROM p_hour - m.bar_close) / 3600)
          INTO v_stale_hours, v_stale_detail
          FROM unnest(v_mark_syms, v_mark_times) m(symbol, bar_close)
         WHERE m.symbol = ANY (v_symbols);
        IF v_stale_hours > 0 THEN
            PERFORM risk._check_breaker(v_acct.book_id, 'stale_data_hours', p_hour, v_stale_hours, 1,
                                        jsonb_build_object('hours_since_last_bar', v_stale_detail));
        END IF;
        -- Data-quality breakers (market.feed_quality): a feed repeating one flat bar hour after hour (a frozen
        -- feed: flat_feed_hours, the run of repeated bars) and a bar printed far outside where it traded (a
        -- single-venue print: bar_outlier_pct, the largest wick beyond the body of the bar closed at p_hour).
        SELECT max(q.flat_run), jsonb_object_agg(q.symbol, q.flat_run) FILTER (WHERE q.flat_run > 0),
               max(q.wick_pct), jsonb_object_agg(q.symbol, round(q.wick_pct, 4)) FILTER (WHERE q.wick_pct IS NOT NULL)
          INTO v_flat_run, v_flat_detail, v_wick_pct, v_wick_detail
          FROM market.feed_quality(v_acct.venue, v_symbols, p_hour) q;
        IF v_flat_run > 0 THEN
            PERFORM risk._check_breaker(v_acct.book_id, 'flat_feed_hours', p_hour, v_flat_run, 1,
                                        jsonb_build_object('flat_repeated_bars', v_flat_detail));
        END IF;
        IF v_wick_pct > 0 THEN
            PERFORM risk._check_breaker(v_acct.book_id, 'bar_outlier_pct', p_hour, v_wick_pct, 1,
                                        jsonb_build_object('wick_pct', v_wick_detail));
        END IF;
    END IF;
    PERFORM risk._advance_state(v_acct.book_id, p_hour);  -- risk state: mirror halts, lift what has cleared
    -- The anchor (docs/audit.md, "Anchors"): the book's and the control plane's chain heads as this close leaves
    -- them, signed under the operator's key (none set: nothing). Outside every hour digest.
    PERFORM ops._append_anchor(v_acct.book_id, 'close', p_hour);
    -- The close's wall-clock duration (the hour-close duration metric, api.hour_closes): never hashed.
    INSERT INTO ops.hour_close_timing (book_id, hour, started_at, finished_at)
    VALUES (v_acct.book_id, p_hour, v_started, clock_timestamp());
    RETURN QUERY SELECT * FROM portfolio._hour_result(v_acct.book_id, p_hour);
END
$$;


ALTER FUNCTION api.close_hour(p_account text, p_hour timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION close_hour(p_account text, p_hour timestamp with time zone); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.close_hour(p_account text, p_hour timestamp with time zone) IS 'Worker: closes an hour for an account: hourly portfolio and risk state with exposures and the hashes of the hour''s inputs and outputs, then drawdown and daily-loss limits and the stale-data and data-quality breakers over the book''s symbols (portfolio.book_symbols: derived by the database, never a worker argument). Idempotent per hour; PD012 misaligned, PD013 out of order.';


--
-- Name: compare_shadow(text, timestamp with time zone); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.compare_shadow(p_shadow text, p_until timestamp with time zone) RETURNS TABLE(hour timestamp with time zone, divergence integer, threshold numeric, tripped boolean)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET "TimeZone" TO 'UTC'
    AS $$
DECLARE
    v_acct  trading.account;
    v_pair  risk.shadow_pair;
    v_hour  timestamptz;
    v_mine  jsonb;
    v_ref   jsonb;
    v_div   integer;
    v_brk   record;
    v_trip  boolean;
BEGIN
    PERFORM ops._require_business_time('api.compare_shadow', ARRAY['p_until'], ARRAY[p_until]);
    v_acct := trading._account(p_shadow);
    SELECT * INTO v_pair FROM risk.shadow_pair p WHERE p.shadow_book_id = v_acct.book_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('compare_shadow refused: %s is not a paired shadow account', p_shadow),
            HINT = 'An operator pairs it first: SELECT api.pair_shadow(shadow, reference, reason).';
    END IF;
    PERFORM ops._lock_book(v_acct.book_id);
    FOR v_hour IN
        SELECT h.hour FROM portfolio.hourly_state h
         WHERE h.book_id = v_acct.book_id AND h.hour <= p_until
           AND h.hour > coalesce((SELECT max(c.hour) FROM risk.shadow_comparison c WHERE c.shadow_book_id = v_acct.book_id),
                                 '-infinity')
           AND EXISTS (SELECT FROM portfolio.hourly_state r WHERE r.book_id = v_pair.reference_book_id AND r.hour = h.hour)
         ORDER BY h.hour
    LOOP
        SELECT coalesce(jsonb_agg(jsonb_build_array(s.symbol, s.direction, d.outcome) ORDER BY s.symbol, s.direction, d.outcome), '[]')
          INTO v_mine
          FROM trading.signal s JOIN risk.decision d ON d.book_id = s.book_id AND d.signal_seq = s.seq
         WHERE s.book_id = v_acct.book_id AND s.ts = v_hour;
        SELECT coalesce(jsonb_agg(jsonb_build_array(s.symbol, s.direction, d.outcome) ORDER BY s.symbol, s.direction, d.outcome), '[]')
          INTO v_ref
          FROM trading.signal s JOIN risk.decision d ON d.book_id = s.book_id AND d.signal_seq = s.seq
         WHERE s.book_id = v_pair.reference_book_id AND s.ts = v_hour;
        -- Multiset difference both ways: each triple counted with its multiplicity.
        SELECT coalesce(sum(abs(coalesce(a.n, 0) - coalesce(b.n, 0))), 0)::integer INTO v_div
          FROM (SELECT e AS t, count(*) AS n FROM jsonb_array_elements(v_mine) e GROUP BY e) a
          FULL JOIN (SELECT e AS t, count(*) AS n FROM jsonb_array_elements(v_ref) e GROUP BY e) b ON a.t = b.t;
        SELECT * INTO v_brk FROM risk._breaker(v_acct.lane, v_acct.name, 'shadow_divergence');
        v_trip := false;
        IF v_brk.threshold IS NOT NULL AND v_div > v_brk.threshold THEN
            v_trip := risk._trip(v_acct.book_id, 'shadow_divergence', v_hour, v_div, v_brk.threshold, v_brk.trip_scope,
                                 jsonb_build_object('hour', v_hour, 'shadow', v_mine, 'reference', v_ref));
        END IF;
        INSERT INTO risk.shadow_comparison (shadow_book_id, hour, reference_book_id, shadow_decisions, reference_decisions,
                                            divergence, threshold, tripped)
        VALUES (v_acct.book_id, v_hour, v_pair.reference_book_id, v_mine, v_ref, v_div, v_brk.threshold, v_trip);
        hour := v_hour; divergence := v_div; threshold := v_brk.threshold; tripped := v_trip;
        RETURN NEXT;
    END LOOP;
END
$$;


ALTER FUNCTION api.compare_shadow(p_shadow text, p_until timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION compare_shadow(p_shadow text, p_until timestamp with time zone); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.compare_shadow(p_shadow text, p_until timestamp with time zone) IS 'Worker: compares a paired shadow account''s decisions with its reference''s for every hour both closed up to p_until and not compared yet; records risk.shadow_comparison and trips the shadow_divergence breaker above its threshold. PD011, PD012, PD015.';


--
-- Name: create_account(text, text, text, text, text, numeric, text, text); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.create_account(p_name text, p_mode text, p_venue text, p_base_currency text, p_lane text, p_initial_principal numeric, p_risk_profile text, p_reason text) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_book integer;
BEGIN
    PERFORM ops._require_finite('api.create_account', ARRAY['p_initial_principal'], ARRAY[p_initial_principal]);
    IF EXISTS (SELECT FROM trading.account a WHERE a.name = p_name) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('account %L already exists', p_name),
            HINT = 'Choose another name; accounts are never renamed or deleted.';
    END IF;
    IF NOT EXISTS (SELECT FROM market.venue v WHERE v.venue = p_venue)
       OR NOT EXISTS (SELECT FROM risk.profile r WHERE r.profile = p_risk_profile)
       OR NOT EXISTS (SELECT FROM market.asset s WHERE s.asset = p_base_currency) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011',
            MESSAGE = format('account %L refused: unknown venue %L, risk profile %L or currency %L', p_name, p_venue, p_risk_profile, p_base_currency),
            HINT = 'See market.venue, risk.profile and market.asset for the known values.';
    END IF;
    BEGIN
        INSERT INTO trading.account (name, mode, venue, base_currency, lane, initial_principal, risk_profile)
        VALUES (p_name, p_mode, p_venue, p_base_currency, p_lane, p_initial_principal, p_risk_profile)
        RETURNING book_id INTO v_book;
    EXCEPTION WHEN check_violation THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('account %L refused: %s', p_name, SQLERRM),
            HINT = 'mode is paper|shadow|live, lane is paper|live_canary|live_promoted; paper runs in the paper lane, live never does; the principal is positive.';
    END;
    INSERT INTO ledger.ledger_account (book_id, code, non_negative)
    VALUES (v_book, 'trading', true), (v_book, 'reserve', true), (v_book, 'venue', false),
           (v_book, 'fees', false), (v_book, 'external', false), (v_book, 'ops_cost', false),
           -- the treasury memo accounts (docs/treasury.md)
           (v_book, 'principal', false), (v_book, 'realized_pnl', false), (v_book, 'fee_expense', false),
           (v_book, 'operations', true), (v_book, 'treasury', false);
    PERFORM ops._audit(v_book, 'create_account', p_name,
        jsonb_build_object('mode', p_mode, 'venue', p_venue, 'base_currency', p_base_currency, 'lane', p_lane,
                           'initial_principal', p_initial_principal, 'risk_profile', p_risk_profile), p_reason);
    RETURN v_book;
END
$$;


ALTER FUNCTION api.create_account(p_name text, p_mode text, p_venue text, p_base_currency text, p_lane text, p_initial_principal numeric, p_risk_profile text, p_reason text) OWNER TO predator_owner;

--
-- Name: FUNCTION create_account(p_name text, p_mode text, p_venue text, p_base_currency text, p_lane text, p_initial_principal numeric, p_risk_profile text, p_reason text); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.create_account(p_name text, p_mode text, p_venue text, p_base_currency text, p_lane text, p_initial_principal numeric, p_risk_profile text, p_reason text) IS 'Operator: creates a trading account (book) with its ledger accounts; returns book_id. PD011 unknown venue/profile/currency, PD012 duplicate or inconsistent.';


--
-- Name: dataset_hash(text, text[], text, timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.dataset_hash(p_venue text, p_symbols text[], p_interval text, p_from timestamp with time zone, p_to timestamp with time zone) RETURNS TABLE(dataset_hash text, bars bigint, symbols integer, first_ts timestamp with time zone, last_ts timestamp with time zone, digests jsonb)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET "TimeZone" TO 'UTC'
    AS $$
DECLARE
    v_symbol  text;
    v_n       bigint;
    v_first   timestamptz;
    v_last    timestamptz;
    v_digest  bytea;
    v_lines   text := '';
    v_bars    bigint := 0;
    v_count   integer := 0;
    v_min     timestamptz;
    v_max     timestamptz;
    v_digests jsonb := '{}'::jsonb;
BEGIN
    IF market.interval_seconds(p_interval) IS NULL OR p_venue IS NULL OR cardinality(p_symbols) IS NULL
       OR cardinality(p_symbols) = 0 OR p_from IS NULL OR p_to IS NULL OR NOT isfinite(p_from)
       OR NOT isfinite(p_to) OR p_from >= p_to THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'dataset hash refused: invalid dataset definition',
            DETAIL = format('venue=%s symbols=%s interval=%s from=%s to=%s', p_venue, p_symbols, p_interval, p_from, p_to),
            HINT = 'Give a venue, at least one symbol, a known interval (1m 5m 15m 30m 1h 4h 1d) and finite from < to.';
    END IF;
    -- One symbol at a time: memory stays bounded by the largest symbol.
    FOR v_symbol IN SELECT DISTINCT s COLLATE "C" FROM unnest(p_symbols) s WHERE s IS NOT NULL ORDER BY 1 LOOP
        SELECT count(*), min(e.ts), max(e.ts),
               sha256(convert_to(coalesce(string_agg(
                   concat(extract(epoch FROM e.ts)::bigint, ',', trim_scale(e.open), ',', trim_scale(e.high), ',',
                          trim_scale(e.low), ',', trim_scale(e.close), ',', trim_scale(e.volume), E'\n'),
                   '' ORDER BY e.ts), ''), 'UTF8'))
          INTO v_n, v_first, v_last, v_digest
          FROM (SELECT DISTINCT ON (c.ts) c.ts, c.open, c.high, c.low, c.close, c.volume
                  FROM market.candle c
                 WHERE c.venue = p_venue AND c.symbol = v_symbol AND c.interval = p_interval
                   AND c.ts >= p_from AND c.ts < p_to
                 ORDER BY c.ts, c.revision DESC) e;
        v_lines := v_lines || v_symbol || '|' || v_n || '|' || encode(v_digest, 'hex') || E'\n';
        v_digests := v_digests || jsonb_build_object(v_symbol, jsonb_build_object('bars', v_n, 'sha256', encode(v_digest, 'hex')));
        v_bars := v_bars + v_n;
        v_count := v_count + 1;
        v_min := least(v_min, v_first);
        v_max := greatest(v_max, v_last);
    END LOOP;
    RETURN QUERY SELECT encode(sha256(convert_to(
               concat('predator-dataset/v1|', p_venue, '|', p_interval, '|', extract(epoch FROM p_from)::bigint, '|',
                      extract(epoch FROM p_to)::bigint, E'\n', v_lines), 'UTF8')), 'hex'),
           v_bars, v_count, v_min, v_max, v_digests;
END
$$;


ALTER FUNCTION api.dataset_hash(p_venue text, p_symbols text[], p_interval text, p_from timestamp with time zone, p_to timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION dataset_hash(p_venue text, p_symbols text[], p_interval text, p_from timestamp with time zone, p_to timestamp with time zone); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.dataset_hash(p_venue text, p_symbols text[], p_interval text, p_from timestamp with time zone, p_to timestamp with time zone) IS 'Worker, auditor: deterministic sha256 of the effective bars of the given symbols, venue and interval with open time in [p_from, p_to) (content only: identical after a reload into an empty database), with bar count, time span and per-symbol digests. PD012 invalid definition.';


--
-- Name: declare_operating_cost(text, text, numeric, text, text, timestamp with time zone, text); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.declare_operating_cost(p_account text, p_name text, p_amount numeric, p_currency text, p_period text, p_effective_from timestamp with time zone, p_reason text) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
DECLARE
    v_acct trading.account;
    v_rev  integer;
    v_last timestamptz;
BEGIN
    PERFORM ops._require_finite('api.declare_operating_cost', ARRAY['p_amount'], ARRAY[p_amount]);
    PERFORM ops._require_business_time('api.declare_operating_cost', ARRAY['p_effective_from'], ARRAY[p_effective_from]);
    v_acct := trading._account(p_account);
    IF p_amount IS NULL OR p_amount < 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('operating cost %s refused: amount %s is not a non-negative number', p_name, p_amount),
            DETAIL = format('account=%s name=%s amount=%s', p_account, p_name, p_amount),
            HINT = 'Declare the amount per period; end a cost with api.end_operating_cost.';
    END IF;
    IF p_period IS NULL OR p_period NOT IN ('day', 'week', 'month', 'year') THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('operating cost %s refused: unknown period %L', p_name, p_period),
            DETAIL = format('account=%s name=%s period=%s', p_account, p_name, p_period),
            HINT = 'Periods: day, week, month (calendar month, UTC), year (calendar year, UTC).';
    END IF;
    IF p_name IS NULL OR p_name !~ '^[a-z0-9][a-z0-9_.-]{0,62}$' THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('operating cost refused: name %L is not an identifier', p_name),
            DETAIL = format('account=%s name=%s', p_account, p_name),
            HINT = 'Lower-case letters, digits, _ . -; for example infrastructure.';
    END IF;
    IF p_effective_from IS NULL OR date_trunc('hour', p_effective_from) <> p_effective_from THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('operating cost %s refused: %s is not a whole hour', p_name, p_effective_from),
            DETAIL = format('account=%s name=%s effective_from=%s', p_account, p_name, p_effective_from),
            HINT = 'Costs accrue hour by hour; a declaration takes effect at the start of an hour.';
    END IF;
    IF NOT EXISTS (SELECT FROM market.asset a WHERE a.asset = p_currency) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('operating cost %s refused: unknown currency %L', p_name, p_currency),
            DETAIL = format('account=%s currency=%s', p_account, p_currency), HINT = 'See api.assets.';
    END IF;
    IF p_currency <> v_acct.base_currency THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('operating cost %s refused: currency %s is not the book''s reporting currency %s', p_name, p_currency, v_acct.base_currency),
            DETAIL = format('account=%s currency=%s reporting=%s', p_account, p_currency, v_acct.base_currency),
            HINT = 'Declare the cost in the reporting currency (costs in another currency are not built yet, docs/treasury.md).';
    END IF;
    PERFORM ops._lock_book(v_acct.book_id);
    SELECT max(h.hour) INTO v_last FROM portfolio.hourly_state h WHERE h.book_id = v_acct.book_id;
    IF v_last IS NOT NULL AND p_effective_from <= v_last THEN
        RAISE EXCEPTION USING ERRCODE = 'PD013', MESSAGE = format('operating cost %s refused: effective %s is not after the last closed hour %s', p_name, p_effective_from, v_last),
            DETAIL = format('account=%s effective_from=%s last_closed=%s', p_account, p_effective_from, v_last),
            HINT = 'Accruals already posted are never rewritten: declare the change from a later hour.';
    END IF;
    SELECT coalesce(max(o.revision), 0) + 1 INTO v_rev FROM ledger.operating_cost o WHERE o.book_id = v_acct.book_id AND o.name = p_name;
    PERFORM ops._audit(v_acct.book_id, 'declare_operating_cost', p_account || '/' || p_name,
        jsonb_build_object('name', p_name, 'amount', p_amount, 'currency', p_currency, 'period', p_period,
                           'effective_from', p_effective_from, 'revision', v_rev), p_reason);
    INSERT INTO ledger.operating_cost (book_id, name, revision, active, amount, currency, period, effective_from, reason, actor)
    VALUES (v_acct.book_id, p_name, v_rev, true, p_amount, p_currency, p_period, p_effective_from, p_reason, ops.actor());
    RETURN v_rev;
END
$_$;


ALTER FUNCTION api.declare_operating_cost(p_account text, p_name text, p_amount numeric, p_currency text, p_period text, p_effective_from timestamp with time zone, p_reason text) OWNER TO predator_owner;

--
-- Name: FUNCTION declare_operating_cost(p_account text, p_name text, p_amount numeric, p_currency text, p_period text, p_effective_from timestamp with time zone, p_reason text); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.declare_operating_cost(p_account text, p_name text, p_amount numeric, p_currency text, p_period text, p_effective_from timestamp with time zone, p_reason text) IS 'Operator: declares or changes a recurring operating cost (amount per day, week, calendar month or year, in the reporting currency) from a business hour after the last closed one; a new audited revision, accrued by the hour close. PD011 unknown account or currency, PD012 bad amount, period, name, hour, currency or no reason, PD013 an hour already closed, PD015 future time.';


--
-- Name: deposit(text, numeric, timestamp with time zone, text, text, text); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.deposit(p_account text, p_amount numeric, p_ts timestamp with time zone, p_reason text, p_currency text DEFAULT NULL::text, p_ref text DEFAULT NULL::text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_acct trading.account;
    v_ccy  text;
    v_tx   bigint;
BEGIN
    PERFORM ops._require_finite('api.deposit', ARRAY['p_amount'], ARRAY[p_amount]);
    PERFORM ops._require_business_time('api.deposit', ARRAY['p_ts'], ARRAY[p_ts]);
    v_acct := trading._account(p_account);
    v_ccy := coalesce(p_currency, v_acct.base_currency);
    IF p_amount IS NULL OR p_amount <= 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('deposit refused: amount %s is not positive', p_amount),
            HINT = 'Deposit a positive amount; capital leaves only through a recorded withdrawal, never through Predator.';
    END IF;
    IF NOT EXISTS (SELECT FROM market.asset a WHERE a.asset = v_ccy) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('deposit refused: unknown currency %L', v_ccy),
            HINT = 'See market.asset.';
    END IF;
    PERFORM ops._lock_book(v_acct.book_id);
    v_tx := ledger._post(v_acct.book_id, 'deposit', coalesce(p_ref, 'deposit'), p_ts,
                         ARRAY['trading', 'external'], ARRAY[v_ccy, v_ccy], ARRAY[p_amount, -p_amount]);
    -- The treasury memo of the principal (docs/treasury.md): principal -amount, treasury +amount.
    PERFORM ledger._post(v_acct.book_id, 'principal', coalesce(p_ref, 'deposit'), p_ts,
                         ARRAY['principal', 'treasury'], ARRAY[v_ccy, v_ccy], ARRAY[-p_amount, p_amount]);
    PERFORM ops._audit(v_acct.book_id, 'deposit', p_account,
        jsonb_build_object('amount', p_amount, 'currency', v_ccy, 'ts', p_ts, 'tx_seq', v_tx), p_reason);
    RETURN v_tx;
END
$$;


ALTER FUNCTION api.deposit(p_account text, p_amount numeric, p_ts timestamp with time zone, p_reason text, p_currency text, p_ref text) OWNER TO predator_owner;

--
-- Name: FUNCTION deposit(p_account text, p_amount numeric, p_ts timestamp with time zone, p_reason text, p_currency text, p_ref text); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.deposit(p_account text, p_amount numeric, p_ts timestamp with time zone, p_reason text, p_currency text, p_ref text) IS 'Operator: deposits capital into the trading account (trading +amount, external -amount); returns the journal transaction seq. PD011/PD012 on bad input.';


--
-- Name: enable_book_currency(text, text, text, boolean); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.enable_book_currency(p_account text, p_currency text, p_reason text, p_enabled boolean DEFAULT true) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_acct trading.account;
    v_rev  integer;
BEGIN
    v_acct := trading._account(p_account);
    IF NOT EXISTS (SELECT FROM market.asset a WHERE a.asset = p_currency) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011',
            MESSAGE = format('enable_book_currency refused: unknown currency %L', p_currency),
            HINT = 'See api.assets; an operator adds assets with api.add_asset.';
    END IF;
    IF p_currency = v_acct.base_currency OR p_enabled IS NULL OR coalesce(btrim(p_reason), '') = '' THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('enable_book_currency refused: account %L currency %L enabled %s', p_account, p_currency, p_enabled),
            DETAIL = format('account=%s currency=%s reporting_currency=%s enabled=%s reason=%s',
                            p_account, p_currency, v_acct.base_currency, p_enabled, p_reason),
            HINT = 'The reporting currency (the account''s base currency) is always enabled; pass true or false and a reason.';
    END IF;
    PERFORM ops._lock_book(v_acct.book_id);  -- admissions read the book's currencies under the book lock
    SELECT coalesce(max(c.revision), 0) + 1 INTO v_rev
      FROM trading.book_currency c WHERE c.book_id = v_acct.book_id AND c.currency = p_currency;
    INSERT INTO trading.book_currency (book_id, currency, revision, enabled, reason, actor)
    VALUES (v_acct.book_id, p_currency, v_rev, p_enabled, p_reason, ops.actor());
    PERFORM ops._audit(v_acct.book_id, 'enable_book_currency', p_account || '/' || p_currency,
                       jsonb_build_object('currency', p_currency, 'enabled', p_enabled, 'revision', v_rev), p_reason);
    RETURN v_rev;
END
$$;


ALTER FUNCTION api.enable_book_currency(p_account text, p_currency text, p_reason text, p_enabled boolean) OWNER TO predator_owner;

--
-- Name: FUNCTION enable_book_currency(p_account text, p_currency text, p_reason text, p_enabled boolean); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.enable_book_currency(p_account text, p_currency text, p_reason text, p_enabled boolean) IS 'Operator: enables (or disables) an extra quote currency of a book (new revision of trading.book_currency; audited): its instruments trade against their own quote cash, valued in the reporting currency. PD011 unknown account or currency; PD012 the reporting currency, no reason.';


--
-- Name: end_operating_cost(text, text, timestamp with time zone, text); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.end_operating_cost(p_account text, p_name text, p_effective_from timestamp with time zone, p_reason text) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_acct trading.account;
    v_cur  ledger.operating_cost;
    v_last timestamptz;
BEGIN
    PERFORM ops._require_business_time('api.end_operating_cost', ARRAY['p_effective_from'], ARRAY[p_effective_from]);
    v_acct := trading._account(p_account);
    PERFORM ops._lock_book(v_acct.book_id);
    SELECT * INTO v_cur FROM ledger.operating_cost o WHERE o.book_id = v_acct.book_id AND o.name = p_name
     ORDER BY o.revision DESC LIMIT 1;
    IF NOT FOUND OR NOT v_cur.active THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('end of operating cost %L refused: the book has no active cost of that name', p_name),
            DETAIL = format('account=%s name=%s', p_account, p_name), HINT = 'See api.operating_costs.';
    END IF;
    IF p_effective_from IS NULL OR date_trunc('hour', p_effective_from) <> p_effective_from THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('end of operating cost %s refused: %s is not a whole hour', p_name, p_effective_from),
            DETAIL = format('account=%s effective_from=%s', p_account, p_effective_from), HINT = 'A cost ends at the start of an hour.';
    END IF;
    SELECT max(h.hour) INTO v_last FROM portfolio.hourly_state h WHERE h.book_id = v_acct.book_id;
    IF v_last IS NOT NULL AND p_effective_from <= v_last THEN
        RAISE EXCEPTION USING ERRCODE = 'PD013', MESSAGE = format('end of operating cost %s refused: effective %s is not after the last closed hour %s', p_name, p_effective_from, v_last),
            DETAIL = format('account=%s effective_from=%s last_closed=%s', p_account, p_effective_from, v_last),
            HINT = 'Accruals already posted are never rewritten: end the cost from a later hour.';
    END IF;
    PERFORM ops._audit(v_acct.book_id, 'end_operating_cost', p_account || '/' || p_name,
        jsonb_build_object('name', p_name, 'effective_from', p_effective_from, 'revision', v_cur.revision + 1), p_reason);
    INSERT INTO ledger.operating_cost (book_id, name, revision, active, amount, currency, period, effective_from, reason, actor)
    VALUES (v_acct.book_id, p_name, v_cur.revision + 1, false, v_cur.amount, v_cur.currency, v_cur.period, p_effective_from,
            p_reason, ops.actor());
    RETURN v_cur.revision + 1;
END
$$;


ALTER FUNCTION api.end_operating_cost(p_account text, p_name text, p_effective_from timestamp with time zone, p_reason text) OWNER TO predator_owner;

--
-- Name: FUNCTION end_operating_cost(p_account text, p_name text, p_effective_from timestamp with time zone, p_reason text); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.end_operating_cost(p_account text, p_name text, p_effective_from timestamp with time zone, p_reason text) IS 'Operator: ends a declared operating cost from a business hour after the last closed one (a revision with active false; audited). PD011 no active cost of that name, PD012 bad hour or no reason, PD013 an hour already closed, PD015 future time.';


--
-- Name: execution_quality(text, timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.execution_quality(p_account text DEFAULT NULL::text, p_from timestamp with time zone DEFAULT '-infinity'::timestamp with time zone, p_to timestamp with time zone DEFAULT 'infinity'::timestamp with time zone) RETURNS TABLE(account text, orders bigint, acknowledged bigint, rejected bigint, filled_orders bigint, fill_rate numeric, rejection_rate numeric, decisions bigint, refused bigint, refusal_rate numeric, fills bigint, slippage_fills bigint, slippage_bps_sum numeric, mean_slippage_bps numeric, answered_orders bigint, ack_latency_seconds_sum numeric, mean_ack_latency_seconds numeric, max_ack_latency_seconds numeric)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    PERFORM ops._report_period('api.execution_quality', p_account, p_from, p_to);
    RETURN QUERY
    WITH accts AS (
        SELECT a.book_id, a.name FROM trading.account a WHERE p_account IS NULL OR a.name = p_account),
    ord AS (
        SELECT r.book_id, r.client_order_id, r.recorded_at, s.filled_qty,
               EXISTS (SELECT FROM trading.order_event e WHERE e.client_order_id = r.client_order_id
                          AND e.kind = 'acknowledged') AS acked,
               EXISTS (SELECT FROM trading.order_event e WHERE e.client_order_id = r.client_order_id
                          AND e.kind = 'rejected') AS rejected,
               (SELECT min(e.recorded_at) FROM trading.order_event e WHERE e.client_order_id = r.client_order_id
                   AND e.kind IN ('acknowledged', 'rejected', 'fill')) AS answered_at
          FROM trading.order_request r JOIN trading.order_state s USING (client_order_id)
         WHERE r.book_id IN (SELECT x.book_id FROM accts x) AND r.ts > p_from AND r.ts <= p_to),
    o AS (
        SELECT ord.book_id, count(*) AS n, count(*) FILTER (WHERE ord.acked) AS acked,
               count(*) FILTER (WHERE ord.rejected) AS rejected, count(*) FILTER (WHERE ord.filled_qty > 0) AS filled,
               count(ord.answered_at) AS answered,
               sum(extract(epoch FROM ord.answered_at - ord.recorded_at)) AS lat_sum,
               max(extract(epoch FROM ord.answered_at - ord.recorded_at)) AS lat_max
          FROM ord GROUP BY ord.book_id),
    d AS (
        SELECT x.book_id, count(*) FILTER (WHERE d.outcome IN ('admitted', 'refused')) AS n,
               count(*) FILTER (WHERE d.outcome = 'refused') AS refused
          FROM accts x JOIN risk.decision d ON d.book_id = x.book_id
         WHERE d.ts >= p_from AND d.ts < p_to GROUP BY x.book_id),
    f AS (
        SELECT x.book_id, count(*) AS n, count(f.slippage_bps) AS slipped, sum(f.slippage_bps) AS slip_sum
          FROM accts x JOIN api.fills f ON f.account = x.name
         WHERE NOT f.voided AND f.ts > p_from AND f.ts <= p_to GROUP BY x.book_id)
    SELECT x.name, coalesce(o.n, 0), coalesce(o.acked, 0), coalesce(o.rejected, 0), coalesce(o.filled, 0),
           o.filled::numeric / nullif(o.n, 0), o.rejected::numeric / nullif(o.n, 0),
           coalesce(d.n, 0), coalesce(d.refused, 0), d.refused::numeric / nullif(d.n, 0),
           coalesce(f.n, 0), coalesce(f.slipped, 0), coalesce(f.slip_sum, 0), f.slip_sum / nullif(f.slipped, 0),
           coalesce(o.answered, 0), coalesce(o.lat_sum, 0), o.lat_sum / nullif(o.answered, 0), o.lat_max
      FROM accts x
      LEFT JOIN o ON o.book_id = x.book_id
      LEFT JOIN d ON d.book_id = x.book_id
      LEFT JOIN f ON f.book_id = x.book_id
     ORDER BY x.name;
END
$$;


ALTER FUNCTION api.execution_quality(p_account text, p_from timestamp with time zone, p_to timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION execution_quality(p_account text, p_from timestamp with time zone, p_to timestamp with time zone); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.execution_quality(p_account text, p_from timestamp with time zone, p_to timestamp with time zone) IS 'Reads: per account over (p_from, p_to] (decisions [p_from, p_to)), the execution figures the report and the metrics share: orders, acknowledged, rejected, filled at least in part, fill_rate and rejection_rate (fractions of the orders), admission refusal_rate, fills (not voided) and their slippage (sum and mean, bps, positive = adverse), and the wall-clock seconds from an order''s recording to the venue''s first answer (sum, mean, max). PD011 unknown account, PD012 bad period.';


--
-- Name: feed_status(timestamp with time zone, text, text); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.feed_status(p_clock timestamp with time zone, p_venue text DEFAULT NULL::text, p_interval text DEFAULT NULL::text) RETURNS TABLE(venue text, symbol text, "interval" text, expected_ts timestamp with time zone, last_ts timestamp with time zone, last_close timestamp with time zone, missing_bars bigint, staleness interval, status text, expected_quarantined boolean, last_quarantined_ts timestamp with time zone, last_load_id bigint, last_loaded_at timestamp with time zone)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET "TimeZone" TO 'UTC'
    AS $$
BEGIN
    IF p_clock IS NULL OR NOT isfinite(p_clock) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'feed status refused: the clock must be a finite time',
            DETAIL = format('clock=%s venue=%s interval=%s', p_clock, p_venue, p_interval),
            HINT = 'Pass the business time to judge the feeds at (now() in live).';
    END IF;
    IF p_interval IS NOT NULL AND market.interval_seconds(p_interval) IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('feed status refused: unknown interval %L', p_interval),
            DETAIL = format('clock=%s venue=%s interval=%s', p_clock, p_venue, p_interval),
            HINT = 'Intervals are ccxt timeframes: 1m 5m 15m 30m 1h 4h 1d.';
    END IF;
    RETURN QUERY
    WITH RECURSIVE loaded AS (  -- distinct feeds of market.candle_load, one index probe each (a skip scan)
        (SELECT l.venue, l.symbol, l.interval FROM market.candle_load l
          ORDER BY l.venue, l.symbol, l.interval LIMIT 1)
        UNION ALL
        SELECT n.venue, n.symbol, n.interval
          FROM loaded f
         CROSS JOIN LATERAL (SELECT l.venue, l.symbol, l.interval FROM market.candle_load l
                              WHERE (l.venue, l.symbol, l.interval) > (f.venue, f.symbol, f.interval)
                              ORDER BY l.venue, l.symbol, l.interval LIMIT 1) n),
    feeds AS (
        SELECT f.venue, f.symbol, f.interval FROM loaded f
         WHERE (p_venue IS NULL OR f.venue = p_venue) AND (p_interval IS NULL OR f.interval = p_interval)
        UNION
        SELECT i.venue, i.symbol, p_interval FROM market.instrument i
         WHERE p_venue IS NOT NULL AND p_interval IS NOT NULL AND i.venue = p_venue),
    k AS (
        SELECT f.venue, f.symbol, f.interval, make_interval(secs => market.interval_seconds(f.interval)) AS step
          FROM feeds f WHERE market.interval_seconds(f.interval) IS NOT NULL),
    e AS (
        SELECT k.*, date_bin(k.step, p_clock, timestamptz '1970-01-01 00:00:00+00') - k.step AS expected FROM k)
    SELECT e.venue, e.symbol, e.interval, e.expected, b.ts, b.ts + e.step,
           CASE WHEN b.ts IS NOT NULL THEN (extract(epoch FROM e.expected - b.ts) / extract(epoch FROM e.step))::bigint END,
           p_clock - (b.ts + e.step),
           CASE WHEN b.ts IS NULL THEN 'no_data'
                WHEN b.ts = e.expected THEN 'ok'
                WHEN qe.hit THEN 'quarantined'
                ELSE 'stale' END,
           coalesce(qe.hit, false), ql.ts, ld.load_id, ld.recorded_at
      FROM e
      LEFT JOIN LATERAL (SELECT c.ts FROM market.candle c
                          WHERE c.venue = e.venue AND c.symbol = e.symbol AND c.interval = e.interval
                            AND c.ts <= e.expected
                          ORDER BY c.ts DESC LIMIT 1) b ON true
      LEFT JOIN LATERAL (SELECT true AS hit FROM market.candle_quarantine q
                          WHERE q.venue = e.venue AND q.symbol = e.symbol AND q.interval = e.interval
                            AND q.ts = e.expected LIMIT 1) qe ON true
      LEFT JOIN LATERAL (SELECT q.ts FROM market.candle_quarantine q
                          WHERE q.venue = e.venue AND q.symbol = e.symbol AND q.interval = e.interval
                            AND q.ts IS NOT NULL AND q.ts <= e.expected
                          ORDER BY q.ts DESC LIMIT 1) ql ON true
      LEFT JOIN LATERAL (SELECT l.load_id, l.recorded_at FROM market.candle_load l
                          WHERE l.venue = e.venue AND l.symbol = e.symbol AND l.interval = e.interval
                          ORDER BY l.load_id DESC LIMIT 1) ld ON true
     ORDER BY e.venue, e.symbol, e.interval;
END
$$;


ALTER FUNCTION api.feed_status(p_clock timestamp with time zone, p_venue text, p_interval text) OWNER TO predator_owner;

--
-- Name: FUNCTION feed_status(p_clock timestamp with time zone, p_venue text, p_interval text); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.feed_status(p_clock timestamp with time zone, p_venue text, p_interval text) IS 'Worker, auditor: per feed (venue, symbol, interval) at p_clock: the bar expected by the last interval boundary, the last stored bar closed by then, missing bars, staleness, status ok | quarantined | stale | no_data, quarantine evidence and the last load. Lists every instrument of the venue when venue and interval are given. PD012 bad clock or interval.';


--
-- Name: halt(text, text, text); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.halt(p_reason text, p_scope text DEFAULT 'global'::text, p_target text DEFAULT NULL::text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_scope record;
    v_seq   bigint;
BEGIN
    SELECT * INTO v_scope FROM risk._scope(p_scope, p_target);
    PERFORM ops._audit(v_scope.book_id, 'halt', v_scope.scope_kind || ':' || v_scope.scope_key, '{}', p_reason);
    v_seq := risk._set_halt(v_scope.scope_kind, v_scope.scope_key, v_scope.book_id, 'halt', p_reason, 'operator', NULL);
    RETURN v_seq;
END
$$;


ALTER FUNCTION api.halt(p_reason text, p_scope text, p_target text) OWNER TO predator_owner;

--
-- Name: FUNCTION halt(p_reason text, p_scope text, p_target text); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.halt(p_reason text, p_scope text, p_target text) IS 'Operator kill of new orders: SELECT api.halt(''reason'') halts globally; p_scope account|lane|strategy with p_target halts one scope. Nothing resumes by itself. Audited.';


--
-- Name: hour_digests(text, timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.hour_digests(p_account text, p_from timestamp with time zone, p_to timestamp with time zone) RETURNS TABLE(hour timestamp with time zone, inputs_hash text, outputs_hash text, recomputed_outputs_hash text, state_hash text, digests jsonb, recomputed jsonb)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET "TimeZone" TO 'UTC'
    AS $$
    SELECT h.hour, encode(h.inputs_hash, 'hex'), encode(h.outputs_hash, 'hex'),
           encode(portfolio.outputs_hash(r.d), 'hex'),
           encode(sha256(convert_to(ops.canonical(to_jsonb(h) || jsonb_build_object('digests', h.digests - 'heads'), '{seq}'),
                                    'UTF8')), 'hex'),
           h.digests - 'heads' - 'symbols', r.d
      FROM portfolio.hourly_state h
      JOIN trading.account a ON a.book_id = h.book_id
      LEFT JOIN LATERAL (SELECT p.digests -> 'heads' AS heads FROM portfolio.hourly_state p
                          WHERE p.book_id = h.book_id AND p.hour < h.hour ORDER BY p.hour DESC LIMIT 1) prev ON true
      CROSS JOIN LATERAL (SELECT portfolio.window_digests(h.book_id, coalesce(prev.heads, '{}'), h.digests -> 'heads', true) AS d) r
     WHERE a.name = p_account AND h.hour >= p_from AND h.hour <= p_to
     ORDER BY h.hour
$$;


ALTER FUNCTION api.hour_digests(p_account text, p_from timestamp with time zone, p_to timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION hour_digests(p_account text, p_from timestamp with time zone, p_to timestamp with time zone); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.hour_digests(p_account text, p_from timestamp with time zone, p_to timestamp with time zone) IS 'Per closed hour: recorded input/output hashes, output hash recomputed from content, state content hash and the per-chain digests; the material of replay parity.';


--
-- Name: kill_listeners(); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.kill_listeners() RETURNS TABLE(pid integer, login text, account text, application_name text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    SELECT a.pid, a.usename::text, nullif(substr(a.application_name, length('predator-killwatch:') + 1), ''),
           a.application_name
      FROM pg_catalog.pg_stat_activity a
     WHERE a.datname = current_database()
       AND a.application_name LIKE 'predator-killwatch:%'
     ORDER BY a.pid;
$$;


ALTER FUNCTION api.kill_listeners() OWNER TO predator_owner;

--
-- Name: FUNCTION kill_listeners(); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.kill_listeners() IS 'Operator, auditor: the sessions of this database listening for the kill switch (channel predator_kill), by the application_name predator-killwatch:<account> a worker''s listener sets after its LISTEN; empty when no worker would carry out a kill switch now.';


--
-- Name: kill_switch(text, boolean); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.kill_switch(p_reason text, flatten boolean DEFAULT false) RETURNS TABLE(halt_seq bigint, orders_marked integer, flatten_orders integer)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_halt    bigint;
    v_marked  integer := 0;
    v_flat    integer := 0;
    v_book    record;
    v_order   record;
    v_ts      timestamptz;
BEGIN
    PERFORM ops._audit(0, 'kill_switch', 'global:*', jsonb_build_object('flatten', kill_switch.flatten), p_reason);
    IF coalesce((SELECT h.active FROM risk.halt_state h WHERE h.scope_kind = 'global' AND h.scope_key = '*'), false) THEN
        PERFORM ops._lock_halts(true);
        v_halt := NULL;
    ELSE
        v_halt := risk._set_halt('global', '*', 0, 'halt', 'kill switch: ' || p_reason, 'operator', NULL);
    END IF;
    FOR v_book IN SELECT a.book_id FROM trading.account a ORDER BY a.book_id LOOP
        PERFORM ops._lock_book(v_book.book_id);
        v_ts := coalesce((SELECT max(h.hour) FROM portfolio.hourly_state h WHERE h.book_id = v_book.book_id),
                         (SELECT max(t.ts) FROM ledger.transaction t WHERE t.book_id = v_book.book_id), now());
        FOR v_order IN
            SELECT s.client_order_id, s.updated_ts FROM trading.order_state s
             WHERE s.book_id = v_book.book_id AND s.status IN ('new', 'open', 'partially_filled') AND NOT s.cancel_requested
             ORDER BY s.client_order_id
        LOOP
            INSERT INTO trading.order_event (book_id, client_order_id, kind, status_after, reason, ts)
            SELECT v_book.book_id, v_order.client_order_id, 'cancel_requested', s.status, 'kill switch: ' || p_reason,
                   greatest(v_ts, v_order.updated_ts)
              FROM trading.order_state s WHERE s.client_order_id = v_order.client_order_id;
            v_marked := v_marked + 1;
        END LOOP;
        IF kill_switch.flatten THEN
            v_flat := v_flat + risk._flatten(v_book.book_id, v_ts, 'kill_switch', 'kill switch: ' || p_reason, true);
        END IF;
    END LOOP;
    PERFORM pg_notify('predator_kill', json_build_object('reason', p_reason, 'flatten', kill_switch.flatten,
                                                         'orders_marked', v_marked, 'flatten_orders', v_flat)::text);
    RETURN QUERY SELECT v_halt, v_marked, v_flat;
END
$$;


ALTER FUNCTION api.kill_switch(p_reason text, flatten boolean) OWNER TO predator_owner;

--
-- Name: FUNCTION kill_switch(p_reason text, flatten boolean); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.kill_switch(p_reason text, flatten boolean) IS 'Operator: global halt, every open order marked for cancellation and, with flatten, reduce-only market exits of every position (the only orders admitted while halted); notifies predator_kill. Audited.';


--
-- Name: limit_breaches(text, timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.limit_breaches(p_account text DEFAULT NULL::text, p_from timestamp with time zone DEFAULT '-infinity'::timestamp with time zone, p_to timestamp with time zone DEFAULT 'infinity'::timestamp with time zone) RETURNS TABLE(account text, kind text, key text, count bigint, first_ts timestamp with time zone, last_ts timestamp with time zone, detail text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    PERFORM ops._report_period('api.limit_breaches', p_account, p_from, p_to);
    RETURN QUERY
    WITH accts AS (
        SELECT a.book_id, a.name, a.lane FROM trading.account a WHERE p_account IS NULL OR a.name = p_account),
    b AS (
        SELECT x.name, 'refusal'::text AS kind, r.reason AS key, count(*) AS n, min(d.ts) AS first_ts,
               max(d.ts) AS last_ts, NULL::text AS detail
          FROM accts x JOIN risk.decision d ON d.book_id = x.book_id CROSS JOIN LATERAL unnest(d.reasons) r(reason)
         WHERE d.outcome = 'refused' AND d.ts >= p_from AND d.ts < p_to
         GROUP BY x.name, r.reason
        UNION ALL
        SELECT x.name, 'breaker', t.breaker, count(*), min(t.ts), max(t.ts),
               (array_agg(format('value %s, threshold %s, %s halted, INC-%s-%s', round(t.value, 6), t.threshold,
                                 t.trip_scope, t.book_id, t.incident_seq) ORDER BY t.ts DESC, t.seq DESC))[1]
          FROM accts x JOIN risk.breaker_trip t ON t.book_id = x.book_id
         WHERE t.ts > p_from AND t.ts <= p_to
         GROUP BY x.name, t.breaker
        UNION ALL
        SELECT x.name, 'halt', h.scope_kind || ':' || h.scope_key, count(*), min(coalesce(h.ts, h.effective_at)),
               max(coalesce(h.ts, h.effective_at)), string_agg(DISTINCT h.reason, '; ')
          FROM accts x JOIN risk.halt_event h
            ON (h.book_id = x.book_id AND h.scope_kind IN ('account', 'strategy'))
               OR (h.scope_kind = 'global') OR (h.scope_kind = 'lane' AND h.scope_key = x.lane)
         WHERE h.action = 'halt' AND coalesce(h.ts, h.effective_at) > p_from AND coalesce(h.ts, h.effective_at) <= p_to
         GROUP BY x.name, h.scope_kind, h.scope_key
        UNION ALL
        SELECT x.name, 'risk_state', e.cause, count(*), min(e.ts), max(e.ts), string_agg(DISTINCT e.reason, '; ')
          FROM accts x JOIN risk.state_event e ON e.book_id = x.book_id
         WHERE e.state_after IN ('reducing', 'halted', 'cooldown') AND e.ts > p_from AND e.ts <= p_to
         GROUP BY x.name, e.cause)
    SELECT b.name, b.kind, b.key, b.n, b.first_ts, b.last_ts, b.detail
      FROM b ORDER BY b.name, array_position(ARRAY['refusal', 'breaker', 'halt', 'risk_state'], b.kind), b.n DESC, b.key;
END
$$;


ALTER FUNCTION api.limit_breaches(p_account text, p_from timestamp with time zone, p_to timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION limit_breaches(p_account text, p_from timestamp with time zone, p_to timestamp with time zone); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.limit_breaches(p_account text, p_from timestamp with time zone, p_to timestamp with time zone) IS 'Reads: per account over the period, what a limit stopped or halted: admission refusals by reason code, breaker trips by breaker (last trip''s figures), halts by scope with their reasons, risk-state moves into reducing/halted/cooldown by cause. PD011, PD012.';


--
-- Name: load_candles(uuid, text, text, text, text, timestamp with time zone, integer); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.load_candles(p_load_key uuid, p_venue text, p_symbol text, p_interval text, p_source text, p_clock timestamp with time zone DEFAULT now(), p_line_offset integer DEFAULT 1) RETURNS TABLE(load_id bigint, read bigint, loaded bigint, duplicate bigint, corrected bigint, quarantined bigint, first_ts timestamp with time zone, last_ts timestamp with time zone)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET "TimeZone" TO 'UTC'
    SET "DateStyle" TO 'ISO, YMD'
    AS $_$
DECLARE
    v_secs        integer := market.interval_seconds(p_interval);
    v_step        interval;
    v_latest      timestamptz;
    v_load        bigint;
    v_read        bigint;
    v_attempt     integer;
    v_fast        boolean := false;
    v_good        bigint;
    v_loaded      bigint := 0;
    v_duplicate   bigint := 0;
    v_corrected   bigint := 0;
    v_quarantined bigint := 0;
    v_first       timestamptz;
    v_last        timestamptz;
BEGIN
    IF v_secs IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('candle load refused: unknown interval %L', p_interval),
            DETAIL = format('venue=%s symbol=%s interval=%s', p_venue, p_symbol, p_interval),
            HINT = 'Intervals are ccxt timeframes: 1m 5m 15m 30m 1h 4h 1d.';
    END IF;
    IF p_symbol IS NULL OR p_symbol !~ '^[A-Z0-9]{2,12}/[A-Z0-9]{2,12}$' THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('candle load refused: %L is not a ccxt unified symbol', p_symbol),
            DETAIL = format('venue=%s symbol=%s interval=%s', p_venue, p_symbol, p_interval),
            HINT = 'Use BASE/QUOTE, for example BTC/USDT.';
    END IF;
    IF p_source IS NULL OR btrim(p_source) = '' THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'candle load refused: no source given',
            DETAIL = format('venue=%s symbol=%s interval=%s', p_venue, p_symbol, p_interval),
            HINT = 'Name where the rows come from (a file name, ccxt:<venue>), so corrections carry evidence.';
    END IF;
    IF p_clock IS NULL OR NOT isfinite(p_clock) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'candle load refused: the clock must be a finite time',
            DETAIL = format('clock=%s', p_clock),
            HINT = 'Pass the load''s business time (the venue''s or the simulated clock).';
    END IF;
    IF NOT EXISTS (SELECT FROM market.venue v WHERE v.venue = p_venue) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('candle load refused: unknown venue %L', p_venue),
            DETAIL = format('venue=%s symbol=%s interval=%s', p_venue, p_symbol, p_interval),
            HINT = 'See market.venue.';
    END IF;
    IF p_load_key IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'candle load refused: no load key given',
            DETAIL = format('venue=%s symbol=%s interval=%s', p_venue, p_symbol, p_interval),
            HINT = 'Take a key from api.begin_candle_load(), COPY market.candle_stage (load_key, raw) FROM STDIN under it, then call api.load_candles with it (predator.marketdata.loader does this).';
    END IF;

    -- One load of a feed at a time: classification and revisions must see each other's rows.
    PERFORM pg_catalog.pg_advisory_xact_lock(1349731650, pg_catalog.hashtext(p_venue || '|' || p_symbol || '|' || p_interval));
    v_step := make_interval(secs => v_secs);
    v_latest := p_clock - v_step;
    v_load := nextval('market.candle_load_id_seq');

    SELECT count(*) INTO v_read FROM market.candle_stage s WHERE s.load_key = p_load_key;

    -- Fast path: every line canonical (open time "YYYY-MM-DDTHH:MM:SSZ" first, exactly six fields), parsed
    -- once, gated, inserted. A line that is not canonical or does not parse raises a cast error, and a time
    -- already stored or repeated raises a unique violation: the block's work is rolled back and the guarded
    -- path decides. A missing partition (a check violation) is created and the insert tried once more.
    IF v_read > 0 THEN
        FOR v_attempt IN 1 .. 2 LOOP
            BEGIN
                WITH ins AS (
                    INSERT INTO market.candle (venue, symbol, interval, ts, revision, open, high, low, close, volume, load_id)
                    SELECT p_venue, p_symbol, p_interval, p.ts, 0, p.open, p.high, p.low, p.close, p.volume, v_load
                      FROM (SELECT (CASE WHEN s.raw LIKE '____-__-__T__:__:__Z,%' THEN left(s.raw, 20) ELSE 'not canonical' END)::timestamptz AS ts,
                                   split_part(s.raw, ',', 2)::numeric AS open, split_part(s.raw, ',', 3)::numeric AS high,
                                   split_part(s.raw, ',', 4)::numeric AS low, split_part(s.raw, ',', 5)::numeric AS close,
                                   (CASE WHEN octet_length(s.raw) - octet_length(replace(s.raw, ',', '')) = 5
                                         THEN split_part(s.raw, ',', 6) ELSE 'not six fields' END)::numeric AS volume
                              FROM market.candle_stage s
                             WHERE s.load_key = p_load_key
                            OFFSET 0) p  -- a fence: each field is parsed once, not once per gate that reads it
                     WHERE market.bar_is_good(p.ts, p.open, p.high, p.low, p.close, p.volume, v_step, v_latest)
                    RETURNING ts)
                SELECT count(*), min(ins.ts), max(ins.ts) INTO v_loaded, v_first, v_last FROM ins;
                v_fast := true;
                EXIT;
            EXCEPTION
                WHEN check_violation THEN
                    -- "no partition of relation candle found for row": create the months the good rows span.
                    EXIT WHEN v_attempt = 2;
                    BEGIN
                        SELECT min(p.ts), max(p.ts) INTO v_first, v_last
                          FROM (SELECT left(s.raw, 20)::timestamptz AS ts,
                                       split_part(s.raw, ',', 2)::numeric AS open, split_part(s.raw, ',', 3)::numeric AS high,
                                       split_part(s.raw, ',', 4)::numeric AS low, split_part(s.raw, ',', 5)::numeric AS close,
                                       split_part(s.raw, ',', 6)::numeric AS volume
                                  FROM market.candle_stage s
                                 WHERE s.load_key = p_load_key
                                OFFSET 0) p
                         WHERE market.bar_is_good(p.ts, p.open, p.high, p.low, p.close, p.volume, v_step, v_latest);
                    EXCEPTION WHEN data_exception THEN
                        EXIT;  -- the insert would fail on the same field: the guarded path decides
                    END;
                    IF v_first IS NOT NULL THEN
                        PERFORM market.ensure_partitions(v_first, v_last);
                    END IF;
                WHEN data_exception OR unique_violation THEN
                    EXIT;
            END;
        END LOOP;
        IF NOT v_fast THEN
            v_loaded := 0;
            v_first := NULL;
            v_last := NULL;
        END IF;
    END IF;

    IF v_fast AND v_loaded < v_read THEN
        -- The good rows are stored already: quarantine the others, and the guarded parse must agree.
        WITH parsed AS MATERIALIZED (SELECT * FROM market._staged_lines(p_load_key, v_step, v_latest)),
        bad AS (
            INSERT INTO market.candle_quarantine (load_id, line_no, venue, symbol, interval, ts, raw, raw_length, reasons)
            SELECT v_load, p.line_no + p_line_offset, p_venue, p_symbol, p_interval,
                   CASE WHEN isfinite(p.ts) THEN p.ts END, left(p.raw, 1000), length(p.raw),
                   market._quarantine_reasons(p.n, p.ts, p.open, p.high, p.low, p.close, p.volume, v_step, v_latest)
              FROM parsed p
             WHERE NOT p.good
            RETURNING 1)
        SELECT (SELECT count(*) FROM bad), count(*) FILTER (WHERE p.good), min(p.ts) FILTER (WHERE p.good),
               max(p.ts) FILTER (WHERE p.good)
          INTO v_quarantined, v_good, v_first, v_last
          FROM parsed p;
        IF v_good <> v_loaded THEN
            RAISE EXCEPTION USING ERRCODE = 'XX000',
                MESSAGE = 'candle load aborted: the fast and guarded parses disagree (a bug in the gates)',
                DETAIL = format('venue=%s symbol=%s interval=%s read=%s fast_loaded=%s guarded_good=%s',
                                p_venue, p_symbol, p_interval, v_read, v_loaded, v_good),
                HINT = 'Report it with the staged file; nothing of this load was kept.';
        END IF;
    ELSIF NOT v_fast AND v_read > 0 THEN
        -- Guarded path: every staged line parsed without raising; the bad ones quarantined with all their
        -- reasons; the good ones classified (repeated times within the input, then against the stored bar)
        -- and filed: one statement over one parse. A month with no partition yet (a check violation) rolls
        -- the statement back; the months the good rows span are created and it runs once more.
        FOR v_attempt IN 1 .. 2 LOOP
            BEGIN
                WITH parsed AS MATERIALIZED (SELECT * FROM market._staged_lines(p_load_key, v_step, v_latest)),
                bad AS (
                    INSERT INTO market.candle_quarantine (load_id, line_no, venue, symbol, interval, ts, raw, raw_length, reasons)
                    SELECT v_load, p.line_no + p_line_offset, p_venue, p_symbol, p_interval,
                           CASE WHEN isfinite(p.ts) THEN p.ts END, left(p.raw, 1000), length(p.raw),
                           market._quarantine_reasons(p.n, p.ts, p.open, p.high, p.low, p.close, p.volume, v_step, v_latest)
                      FROM parsed p
                     WHERE NOT p.good
                    RETURNING 1),
                classified AS MATERIALIZED (
                    SELECT g.line_no, g.raw, g.ts, g.open, g.high, g.low, g.close, g.volume,
                           CASE WHEN g.rn > 1 AND (g.open, g.high, g.low, g.close, g.volume) = (g.f_open, g.f_high, g.f_low, g.f_close, g.f_volume)
                                    THEN 'duplicate'
                                WHEN g.rn > 1 THEN 'conflict'
                                WHEN st.ts IS NULL THEN 'new'
                                WHEN (g.open, g.high, g.low, g.close, g.volume) = (st.open, st.high, st.low, st.close, st.volume) THEN 'duplicate'
                                ELSE 'correction' END AS class,
                           st.revision AS stored_revision,
                           CASE WHEN st.ts IS NOT NULL THEN jsonb_build_object('open', st.open, 'high', st.high, 'low', st.low,
                                                                               'close', st.close, 'volume', st.volume) END AS old_values
                      FROM (SELECT p.*, row_number() OVER w AS rn,
                                   first_value(p.open) OVER w AS f_open, first_value(p.high) OVER w AS f_high,
                                   first_value(p.low) OVER w AS f_low, first_value(p.close) OVER w AS f_close,
                                   first_value(p.volume) OVER w AS f_volume
                              FROM parsed p
                             WHERE p.good
                            WINDOW w AS (PARTITION BY p.ts ORDER BY p.line_no)) g
                      LEFT JOIN (SELECT DISTINCT ON (c.ts) c.ts, c.revision, c.open, c.high, c.low, c.close, c.volume
                                   FROM market.candle c
                                  WHERE c.venue = p_venue AND c.symbol = p_symbol AND c.interval = p_interval
                                    AND c.ts >= (SELECT min(p.ts) FROM parsed p WHERE p.good)
                                    AND c.ts <= (SELECT max(p.ts) FROM parsed p WHERE p.good)
                                  ORDER BY c.ts, c.revision DESC) st ON st.ts = g.ts),
                filed AS (
                    INSERT INTO market.candle (venue, symbol, interval, ts, revision, open, high, low, close, volume, load_id)
                    SELECT p_venue, p_symbol, p_interval, k.ts, coalesce(k.stored_revision + 1, 0), k.open, k.high, k.low, k.close, k.volume, v_load
                      FROM classified k WHERE k.class IN ('new', 'correction')
                    RETURNING 1),
                evidence AS (
                    INSERT INTO market.candle_correction (venue, symbol, interval, ts, from_revision, to_revision, old_values, new_values, load_id, source)
                    SELECT p_venue, p_symbol, p_interval, k.ts, k.stored_revision, k.stored_revision + 1, k.old_values,
                           jsonb_build_object('open', k.open, 'high', k.high, 'low', k.low, 'close', k.close, 'volume', k.volume), v_load, p_source
                      FROM classified k WHERE k.class = 'correction'
                    RETURNING 1),
                conflicts AS (
                    INSERT INTO market.candle_quarantine (load_id, line_no, venue, symbol, interval, ts, raw, raw_length, reasons)
                    SELECT v_load, k.line_no + p_line_offset, p_venue, p_symbol, p_interval, k.ts, left(k.raw, 1000), length(k.raw),
                           ARRAY['conflicting_duplicate_in_file']
                      FROM classified k WHERE k.class = 'conflict'
                    RETURNING 1)
                SELECT count(*) FILTER (WHERE k.class = 'new'), count(*) FILTER (WHERE k.class = 'duplicate'),
                       count(*) FILTER (WHERE k.class = 'correction'),
                       (SELECT count(*) FROM bad) + count(*) FILTER (WHERE k.class = 'conflict'),
                       min(k.ts), max(k.ts)
                  INTO v_loaded, v_duplicate, v_corrected, v_quarantined, v_first, v_last
                  FROM classified k;
                EXIT;
            EXCEPTION WHEN check_violation THEN
                -- "no partition of relation candle found for row": create the months the good rows span.
                IF v_attempt = 2 THEN
                    RAISE;
                END IF;
                SELECT min(p.ts), max(p.ts) INTO v_first, v_last
                  FROM market._staged_lines(p_load_key, v_step, v_latest) p WHERE p.good;
                PERFORM market.ensure_partitions(v_first, v_last);
            END;
        END LOOP;
    END IF;

    DELETE FROM market.candle_stage s WHERE s.load_key = p_load_key;
    INSERT INTO market.candle_load (load_id, venue, symbol, interval, source, clock, read, loaded, duplicate,
                                    corrected, quarantined, first_ts, last_ts)
    VALUES (v_load, p_venue, p_symbol, p_interval, p_source, p_clock, v_read, v_loaded, v_duplicate,
            v_corrected, v_quarantined, v_first, v_last);
    RETURN QUERY SELECT v_load, v_read, v_loaded, v_duplicate, v_corrected, v_quarantined, v_first, v_last;
END
$_$;


ALTER FUNCTION api.load_candles(p_load_key uuid, p_venue text, p_symbol text, p_interval text, p_source text, p_clock timestamp with time zone, p_line_offset integer) OWNER TO predator_owner;

--
-- Name: FUNCTION load_candles(p_load_key uuid, p_venue text, p_symbol text, p_interval text, p_source text, p_clock timestamp with time zone, p_line_offset integer); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.load_candles(p_load_key uuid, p_venue text, p_symbol text, p_interval text, p_source text, p_clock timestamp with time zone, p_line_offset integer) IS 'Worker: gates the CSV lines staged in market.candle_stage under a load key (api.begin_candle_load) and files every row as loaded, duplicate, corrected (new revision with evidence in market.candle_correction) or quarantined (reason codes in market.candle_quarantine); loaded + duplicate + corrected + quarantined = read, recorded in market.candle_load; the staged rows of the key are deleted. PD011 unknown venue, PD012 unknown interval, malformed symbol, empty source, bad clock or no load key.';


--
-- Name: open_incident(integer, text, text, text, text, text, jsonb); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.open_incident(p_severity integer, p_category text, p_title text, p_description text, p_reason text, p_account text DEFAULT NULL::text, p_links jsonb DEFAULT '{}'::jsonb) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_book integer := 0;
    v_seq  bigint;
BEGIN
    IF p_account IS NOT NULL THEN
        v_book := (trading._account(p_account)).book_id;
    END IF;
    IF p_severity NOT BETWEEN 1 AND 3 OR p_category NOT IN ('data', 'model', 'execution', 'risk', 'infrastructure')
       OR coalesce(btrim(p_title), '') = '' THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'incident refused: severity 1..3, a known category and a title are required',
            DETAIL = format('severity=%s category=%s', p_severity, p_category),
            HINT = 'Categories: data, model, execution, risk, infrastructure.';
    END IF;
    PERFORM ops._audit(v_book, 'open_incident', coalesce(p_account, '*'),
                       jsonb_build_object('severity', p_severity, 'category', p_category, 'title', p_title), p_reason);
    v_seq := ops._open_incident(v_book, p_severity, p_category, CASE WHEN p_account IS NULL THEN 'global' ELSE 'account:' || p_account END,
                                p_title, p_description, p_links, NULL, 'operator');
    RETURN 'INC-' || v_book || '-' || v_seq;
END
$$;


ALTER FUNCTION api.open_incident(p_severity integer, p_category text, p_title text, p_description text, p_reason text, p_account text, p_links jsonb) OWNER TO predator_owner;

--
-- Name: FUNCTION open_incident(p_severity integer, p_category text, p_title text, p_description text, p_reason text, p_account text, p_links jsonb); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.open_incident(p_severity integer, p_category text, p_title text, p_description text, p_reason text, p_account text, p_links jsonb) IS 'Operator: opens an incident (severity 1..3, category, title, description, links) for an account or every book; returns INC-<book>-<seq>. Audited.';


--
-- Name: pair_shadow(text, text, text); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.pair_shadow(p_shadow text, p_reference text, p_reason text) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_shadow trading.account := trading._account(p_shadow);
    v_ref    trading.account := trading._account(p_reference);
BEGIN
    IF v_shadow.mode <> 'shadow' THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('pair_shadow refused: account %s is in mode %s, not shadow', p_shadow, v_shadow.mode),
            HINT = 'Create the account with mode shadow (predator run --mode shadow) and pair it then.';
    END IF;
    IF v_shadow.book_id = v_ref.book_id OR v_shadow.venue <> v_ref.venue THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('pair_shadow refused: %s and %s must be two accounts on one venue', p_shadow, p_reference),
            HINT = 'Pair the shadow with the paper or live account that trades the same venue and data.';
    END IF;
    IF EXISTS (SELECT FROM risk.shadow_pair p WHERE p.shadow_book_id = v_shadow.book_id) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('pair_shadow refused: %s is already paired', p_shadow),
            HINT = 'A pairing is for good: start a new shadow account to compare with another reference.';
    END IF;
    PERFORM ops._audit(v_shadow.book_id, 'pair_shadow', p_shadow || '/' || p_reference,
                       jsonb_build_object('reference', p_reference), p_reason);
    INSERT INTO risk.shadow_pair (shadow_book_id, reference_book_id, reason, actor)
    VALUES (v_shadow.book_id, v_ref.book_id, p_reason, ops.actor());
    RETURN v_shadow.book_id;
END
$$;


ALTER FUNCTION api.pair_shadow(p_shadow text, p_reference text, p_reason text) OWNER TO predator_owner;

--
-- Name: FUNCTION pair_shadow(p_shadow text, p_reference text, p_reason text); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.pair_shadow(p_shadow text, p_reference text, p_reason text) IS 'Operator: pairs a shadow account with the reference account (paper or live, same venue) its decisions are compared with every hour; once, audited. PD011, PD012.';


--
-- Name: pause_strategy(text, text, text); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.pause_strategy(p_account text, p_strategy text, p_reason text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_acct trading.account := trading._account(p_account);
BEGIN
    PERFORM ops._audit(v_acct.book_id, 'pause_strategy', p_account || '/' || p_strategy, '{}', p_reason);
    UPDATE trading.strategy s SET status = 'paused' WHERE s.book_id = v_acct.book_id AND s.strategy = p_strategy;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('unknown strategy %L on account %L', p_strategy, p_account),
            HINT = 'Register it with api.register_strategy.';
    END IF;
END
$$;


ALTER FUNCTION api.pause_strategy(p_account text, p_strategy text, p_reason text) OWNER TO predator_owner;

--
-- Name: FUNCTION pause_strategy(p_account text, p_strategy text, p_reason text); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.pause_strategy(p_account text, p_strategy text, p_reason text) IS 'Operator: pauses a strategy (its signals are refused with strategy_paused); audited. PD011 when unknown.';


--
-- Name: post_venue_transfer(text, text, text, numeric, timestamp with time zone, text, text, text); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.post_venue_transfer(p_account text, p_kind text, p_currency text, p_amount numeric, p_ts timestamp with time zone, p_reason text, p_incident text, p_venue_ref text DEFAULT NULL::text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_acct trading.account;
    v_inc  bigint;
    v_rel  ops.venue_transfer;
    v_tx   bigint;
    v_ref  text;
    v_sign integer;
BEGIN
    PERFORM ops._require_finite('api.post_venue_transfer', ARRAY['p_amount'], ARRAY[p_amount]);
    PERFORM ops._require_business_time('api.post_venue_transfer', ARRAY['p_ts'], ARRAY[p_ts]);
    v_acct := trading._account(p_account);
    IF p_kind IS NULL OR p_kind NOT IN ('deposit', 'withdrawal') OR p_amount IS NULL OR p_amount <= 0 OR p_ts IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = 'venue transfer posting refused: kind deposit or withdrawal, a positive amount and a time are required',
            DETAIL = format('kind=%s amount=%s ts=%s', p_kind, p_amount, p_ts),
            HINT = 'Post what the venue''s account statement shows: its kind, currency and amount.';
    END IF;
    IF p_reason IS NULL OR length(btrim(p_reason)) = 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'venue transfer posting refused: a correction needs a reason',
            HINT = 'Say what the venue shows and why the book takes it (kept in the audit log).';
    END IF;
    IF NOT EXISTS (SELECT FROM market.asset a WHERE a.asset = p_currency) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('venue transfer posting refused: unknown currency %L', p_currency),
            HINT = 'See market.asset.';
    END IF;
    PERFORM ops._lock_book(v_acct.book_id);
    v_inc := ops._require_correctable('api.post_venue_transfer', v_acct, p_incident, p_ts);
    IF p_venue_ref IS NOT NULL THEN
        SELECT * INTO v_rel FROM ops.venue_transfer t WHERE t.book_id = v_acct.book_id AND t.venue_ref = p_venue_ref;
        IF NOT FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'PD011',
                MESSAGE = format('venue transfer posting refused: no transfer %L was relayed for %s', p_venue_ref, p_account),
                HINT = 'Name a relayed transfer (api.venue_transfers), or post without a venue reference.';
        END IF;
        IF (v_rel.kind, v_rel.currency, v_rel.amount) IS DISTINCT FROM (p_kind, p_currency, p_amount) THEN
            RAISE EXCEPTION USING ERRCODE = 'PD012',
                MESSAGE = format('venue transfer posting refused: %s differs from the relayed transfer', p_venue_ref),
                DETAIL = format('relayed=%s %s %s given=%s %s %s', v_rel.kind, v_rel.amount, v_rel.currency, p_kind, p_amount, p_currency),
                HINT = 'Post the relayed transfer as the venue reported it.';
        END IF;
        IF EXISTS (SELECT FROM ops.transfer_posting t WHERE t.book_id = v_acct.book_id AND t.venue_ref = p_venue_ref) THEN
            RAISE EXCEPTION USING ERRCODE = 'PD016',
                MESSAGE = format('venue transfer posting refused: %s is already posted', p_venue_ref),
                HINT = 'Each transfer is posted once (api.transfer_postings).';
        END IF;
    END IF;
    v_ref := coalesce(p_venue_ref, format('%s:%s', p_kind, p_incident));
    v_sign := CASE WHEN p_kind = 'deposit' THEN 1 ELSE -1 END;
    v_tx := ledger._post(v_acct.book_id, p_kind, v_ref, p_ts,
                         ARRAY['trading', 'external'], ARRAY[p_currency, p_currency], ARRAY[v_sign * p_amount, -v_sign * p_amount]);
    -- The treasury memo of the principal (docs/treasury.md), as api.deposit posts it for a deposit.
    PERFORM ledger._post(v_acct.book_id, 'principal', v_ref, p_ts,
                         ARRAY['principal', 'treasury'], ARRAY[p_currency, p_currency], ARRAY[-v_sign * p_amount, v_sign * p_amount]);
    INSERT INTO ops.transfer_posting (book_id, kind, currency, amount, venue_ref, tx_seq, incident_seq, reason, ts)
    VALUES (v_acct.book_id, p_kind, p_currency, p_amount, p_venue_ref, v_tx, v_inc, p_reason, p_ts);
    PERFORM ops._audit(v_acct.book_id, 'post_venue_transfer', p_account,
        jsonb_build_object('kind', p_kind, 'currency', p_currency, 'amount', p_amount, 'ts', p_ts,
                           'venue_ref', p_venue_ref, 'incident', p_incident, 'tx_seq', v_tx), p_reason);
    RETURN v_tx;
END
$$;


ALTER FUNCTION api.post_venue_transfer(p_account text, p_kind text, p_currency text, p_amount numeric, p_ts timestamp with time zone, p_reason text, p_incident text, p_venue_ref text) OWNER TO predator_owner;

--
-- Name: FUNCTION post_venue_transfer(p_account text, p_kind text, p_currency text, p_amount numeric, p_ts timestamp with time zone, p_reason text, p_incident text, p_venue_ref text); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.post_venue_transfer(p_account text, p_kind text, p_currency text, p_amount numeric, p_ts timestamp with time zone, p_reason text, p_incident text, p_venue_ref text) IS 'Operator: posts a deposit or withdrawal seen on the venue account (trading against external, and the principal memo), citing the open incident it corrects, while the book is halted and its reconciliation dirty; once per relayed venue reference; audited. PD011/PD012/PD013/PD015/PD016 (docs/errors.md).';


--
-- Name: reconcile(text, timestamp with time zone, jsonb, text[], text); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.reconcile(p_account text, p_ts timestamp with time zone, p_venue_balances jsonb, p_venue_open_orders text[], p_kind text DEFAULT 'hourly'::text) RETURNS TABLE(clean boolean, diffs jsonb, reconciliation_seq bigint)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_acct   trading.account;
    v_book   jsonb;
    v_orders text[];
    v_diffs  jsonb;
    v_seq    bigint;
    v_ref    jsonb;
    v_inc    bigint;
    v_prev_diffs jsonb;
    v_since  timestamptz;
    v_venue  jsonb;
    v_tolerance numeric := ops.reconcile_tolerance();
BEGIN
    PERFORM ops._require_finite_json('api.reconcile', 'p_venue_balances', p_venue_balances);
    PERFORM ops._require_business_time('api.reconcile', ARRAY['p_ts'], ARRAY[p_ts]);
    v_acct := trading._account(p_account);
    IF p_ts IS NULL OR p_venue_balances IS NULL OR jsonb_typeof(p_venue_balances) <> 'object' THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'reconcile refused: the venue balances must be a JSON object',
            HINT = 'Pass {"<currency>": "<total>", ...} as the venue reports it, and the business time.';
    END IF;
    -- Balances in canonical form (numbers without trailing zeros, zero balances left out), so that the
    -- stored comparison does not depend on how the venue or the book happens to scale a number.
    SELECT coalesce(jsonb_object_agg(e.key, trim_scale(e.value::numeric) ORDER BY e.key), '{}'::jsonb) INTO v_venue
      FROM jsonb_each_text(p_venue_balances) e WHERE e.value::numeric <> 0;
    PERFORM ops._lock_book(v_acct.book_id);
    SELECT r.diffs INTO v_prev_diffs FROM ops.reconciliation r WHERE r.book_id = v_acct.book_id ORDER BY r.seq DESC LIMIT 1;

    SELECT coalesce(jsonb_object_agg(b.currency, trim_scale(b.balance) ORDER BY b.currency), '{}'::jsonb) INTO v_book
      FROM ledger.balance b
     WHERE b.book_id = v_acct.book_id AND b.account_code = 'trading' AND b.balance <> 0;
    SELECT coalesce(array_agg(s.client_order_id ORDER BY s.client_order_id), '{}') INTO v_orders
      FROM trading.order_state s
     WHERE s.book_id = v_acct.book_id AND s.status IN ('open', 'partially_filled');

    SELECT coalesce(jsonb_agg(d ORDER BY d->>'kind', d->>'key'), '[]'::jsonb) INTO v_diffs
      FROM (
        SELECT jsonb_build_object('kind', 'balance', 'key', c.ccy, 'book', coalesce((v_book ->> c.ccy)::numeric, 0),
                                  'venue', coalesce((v_venue ->> c.ccy)::numeric, 0),
                                  'difference', coalesce((v_venue ->> c.ccy)::numeric, 0) - coalesce((v_book ->> c.ccy)::numeric, 0)) AS d
          FROM (SELECT jsonb_object_keys(v_book) AS ccy UNION SELECT jsonb_object_keys(v_venue)) c
         WHERE abs(coalesce((v_venue ->> c.ccy)::numeric, 0) - coalesce((v_book ->> c.ccy)::numeric, 0)) > v_tolerance
        UNION ALL
        SELECT jsonb_build_object('kind', 'order_missing_at_venue', 'key', o) FROM unnest(v_orders) o
         WHERE NOT (o = ANY (coalesce(p_venue_open_orders, '{}')))
        UNION ALL
        SELECT jsonb_build_object('kind', 'order_unknown_to_book', 'key', o) FROM unnest(coalesce(p_venue_open_orders, '{}')) o
         WHERE NOT (o = ANY (v_orders))) x;

    INSERT INTO ops.reconciliation (book_id, kind, ts, venue_balances, book_balances, venue_open_orders, book_open_orders,
                                    tolerance, diffs, clean)
    VALUES (v_acct.book_id, p_kind, p_ts, v_venue, v_book, coalesce(p_venue_open_orders, '{}'), v_orders,
            v_tolerance, v_diffs, v_diffs = '[]'::jsonb)
    RETURNING seq INTO v_seq;
    -- The evidence names the comparison by its business time and kind, never by its seq: a restart's start-up
    -- comparisons take seqs an uninterrupted run (a replay) does not have, and the evidence is hashed.
    v_ref := jsonb_build_object('ts', p_ts, 'kind', p_kind);

    IF v_diffs <> '[]'::jsonb AND v_diffs IS DISTINCT FROM v_prev_diffs THEN
        v_inc := ops._open_incident(v_acct.book_id, 1, 'execution', 'global',
            format('reconciliation mismatch on %s', p_account),
            format('%s difference(s) between the book and the venue at %s: %s', jsonb_array_length(v_diffs), p_ts, v_diffs),
            jsonb_build_object('reconciliation', v_ref, 'hours', jsonb_build_array(p_ts)), p_ts, 'system');
        IF NOT coalesce((SELECT h.active FROM risk.halt_state h WHERE h.scope_kind = 'global' AND h.scope_key = '*'), false) THEN
            PERFORM risk._set_halt('global', '*', 0, 'halt',
                format('reconciliation mismatch on %s (incident %s of account %s)', p_account, v_inc, p_account), 'system', p_ts,
                v_inc);
        END IF;
        -- The desync breaker records the trip (risk.breaker_trip, linked to the incident above; the global halt above
        -- already stopped trading).
        v_since := p_ts - risk._window_hours(v_acct.book_id, 'reconciliation_desync');
        PERFORM risk._check_breaker(v_acct.book_id, 'reconciliation_desync', p_ts,
            (SELECT count(*) FROM ops.reconciliation r WHERE r.book_id = v_acct.book_id AND NOT r.clean
                AND r.ts > v_since), 1,
            jsonb_build_object('reconciliation', v_ref, 'diffs', v_diffs, 'incident', v_inc));  -- a breaker_trip row, linked to v_inc
    END IF;
    RETURN QUERY SELECT v_diffs = '[]'::jsonb, v_diffs, v_seq;
END
$$;


ALTER FUNCTION api.reconcile(p_account text, p_ts timestamp with time zone, p_venue_balances jsonb, p_venue_open_orders text[], p_kind text) OWNER TO predator_owner;

--
-- Name: FUNCTION reconcile(p_account text, p_ts timestamp with time zone, p_venue_balances jsonb, p_venue_open_orders text[], p_kind text); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.reconcile(p_account text, p_ts timestamp with time zone, p_venue_balances jsonb, p_venue_open_orders text[], p_kind text) IS 'Worker: compares the book''s trading balances and open orders with the venue''s, stores the comparison; any difference beyond the operator''s reconcile_tolerance setting halts globally and opens a severity-1 incident.';


--
-- Name: reconciliation_status(text, timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.reconciliation_status(p_account text DEFAULT NULL::text, p_from timestamp with time zone DEFAULT '-infinity'::timestamp with time zone, p_to timestamp with time zone DEFAULT 'infinity'::timestamp with time zone) RETURNS TABLE(account text, comparisons bigint, clean bigint, mismatches bigint, first_mismatch_ts timestamp with time zone, last_mismatch_ts timestamp with time zone, mismatched text[], latest_ts timestamp with time zone, latest_clean boolean)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    PERFORM ops._report_period('api.reconciliation_status', p_account, p_from, p_to);
    RETURN QUERY
    WITH accts AS (
        SELECT a.book_id, a.name FROM trading.account a WHERE p_account IS NULL OR a.name = p_account),
    r AS (
        SELECT x.book_id, count(*) AS n, count(*) FILTER (WHERE c.clean) AS clean,
               min(c.ts) FILTER (WHERE NOT c.clean) AS first_bad, max(c.ts) FILTER (WHERE NOT c.clean) AS last_bad
          FROM accts x JOIN ops.reconciliation c ON c.book_id = x.book_id
         WHERE c.ts > p_from AND c.ts <= p_to GROUP BY x.book_id),
    k AS (
        SELECT x.book_id, array_agg(DISTINCT (d ->> 'kind') || ':' || (d ->> 'key') ORDER BY (d ->> 'kind') || ':' || (d ->> 'key')) AS keys
          FROM accts x JOIN ops.reconciliation c ON c.book_id = x.book_id
         CROSS JOIN LATERAL jsonb_array_elements(c.diffs) d
         WHERE NOT c.clean AND c.ts > p_from AND c.ts <= p_to GROUP BY x.book_id),
    l AS (
        SELECT DISTINCT ON (c.book_id) c.book_id, c.ts, c.clean
          FROM ops.reconciliation c WHERE c.book_id IN (SELECT x.book_id FROM accts x) AND c.ts <= p_to
         ORDER BY c.book_id, c.ts DESC, c.seq DESC)
    SELECT x.name, coalesce(r.n, 0), coalesce(r.clean, 0), coalesce(r.n - r.clean, 0), r.first_bad, r.last_bad,
           coalesce(k.keys, '{}'), l.ts, l.clean
      FROM accts x LEFT JOIN r ON r.book_id = x.book_id LEFT JOIN k ON k.book_id = x.book_id
      LEFT JOIN l ON l.book_id = x.book_id
     ORDER BY x.name;
END
$$;


ALTER FUNCTION api.reconciliation_status(p_account text, p_from timestamp with time zone, p_to timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION reconciliation_status(p_account text, p_from timestamp with time zone, p_to timestamp with time zone); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.reconciliation_status(p_account text, p_from timestamp with time zone, p_to timestamp with time zone) IS 'Reads: per account over (p_from, p_to], the reconciliations with the venue: comparisons, clean, mismatches, first and last mismatch, the differences named (kind:key), and the latest comparison by p_to with its verdict. PD011, PD012.';


--
-- Name: record_alert_attempt(bigint, text, boolean, text, bigint); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.record_alert_attempt(p_seq bigint, p_channel text, p_ok boolean, p_error text DEFAULT NULL::text, p_duplicate_of bigint DEFAULT NULL::bigint) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
DECLARE
    v_alert  ops.alert_outbox%ROWTYPE;
    v_n      integer;
    v_max    integer := coalesce(ops.setting_value('alert_max_attempts'), 5)::integer;
    v_window interval := make_interval(secs => coalesce(ops.setting_value('alert_dedup_window_seconds'), 900)::double precision);
    v_status text;
    v_error  text;
BEGIN
    IF p_channel IS NULL OR p_channel !~ '^[a-z0-9][a-z0-9_.-]{0,62}$' THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('alert attempt refused: channel %L is not a name', p_channel),
            DETAIL = format('argument=p_channel value=%s', p_channel),
            HINT = 'Name each channel with lower-case letters, digits, _ . - (at most 63 characters).';
    END IF;
    SELECT * INTO v_alert FROM ops.alert_outbox o WHERE o.seq = p_seq;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('alert attempt refused: no alert %s', p_seq),
            DETAIL = format('seq=%s', p_seq), HINT = 'Take the alert from api.alerts_pending.';
    END IF;
    -- one attempt at a time per alert and channel (two notifiers on one channel serialise here)
    PERFORM pg_catalog.pg_advisory_xact_lock(1349731649, hashtext(p_seq::text || '/' || p_channel));
    IF EXISTS (SELECT FROM ops.alert_attempt t WHERE t.alert_seq = p_seq AND t.channel = p_channel AND t.status <> 'retry') THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('alert attempt refused: alert %s is already settled on %s', p_seq, p_channel),
            DETAIL = format('seq=%s channel=%s', p_seq, p_channel),
            HINT = 'A delivered, failed or deduplicated alert takes no further attempt on that channel.';
    END IF;
    IF p_duplicate_of IS NOT NULL THEN
        IF NOT EXISTS (SELECT FROM ops.alert_outbox p
                        WHERE p.seq = p_duplicate_of AND p.seq < p_seq AND p.dedup_key = v_alert.dedup_key
                          AND p.ts >= v_alert.ts - v_window
                          AND EXISTS (SELECT FROM ops.alert_attempt d WHERE d.alert_seq = p.seq AND d.channel = p_channel
                                                                        AND d.status = 'delivered')) THEN
            RAISE EXCEPTION USING ERRCODE = 'PD012',
                MESSAGE = format('alert attempt refused: alert %s is no delivered duplicate of %s on %s', p_duplicate_of, p_seq, p_channel),
                DETAIL = format('seq=%s duplicate_of=%s channel=%s', p_seq, p_duplicate_of, p_channel),
                HINT = 'duplicate_of must be an earlier alert of the same dedup key, delivered on the channel within alert_dedup_window_seconds (api.alerts_pending names it).';
        END IF;
        v_status := 'deduplicated';
    ELSIF p_ok IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'alert attempt refused: p_ok is NULL',
            DETAIL = 'argument=p_ok value=NULL', HINT = 'Say whether the channel accepted the alert.';
    END IF;
    SELECT count(*) + 1 INTO v_n FROM ops.alert_attempt t WHERE t.alert_seq = p_seq AND t.channel = p_channel;
    IF v_status IS NULL THEN
        v_status := CASE WHEN p_ok THEN 'delivered' WHEN v_n >= v_max THEN 'failed' ELSE 'retry' END;
    END IF;
    -- Mask what the caller may have missed: a URL's user:password@, a Telegram bot token, key=value secrets.
    v_error := regexp_replace(p_error, '(://[^/\s:@]*):[^/\s@]*@', '\1:[REDACTED]@', 'g');
    v_error := regexp_replace(v_error, '[0-9]{6,}:[A-Za-z0-9_-]{20,}', '[REDACTED]', 'g');
    v_error := regexp_replace(v_error, '((pass|password|token|secret|apikey|api_key|key)=)[^&\s]+', '\1[REDACTED]', 'gi');
    INSERT INTO ops.alert_attempt (alert_seq, channel, attempt, ok, status, error, duplicate_of, actor)
    VALUES (p_seq, p_channel, v_n, v_status IN ('delivered', 'deduplicated'), v_status, left(v_error, 2000), p_duplicate_of,
            ops.actor());
    RETURN v_status;
END
$_$;


ALTER FUNCTION api.record_alert_attempt(p_seq bigint, p_channel text, p_ok boolean, p_error text, p_duplicate_of bigint) OWNER TO predator_owner;

--
-- Name: FUNCTION record_alert_attempt(p_seq bigint, p_channel text, p_ok boolean, p_error text, p_duplicate_of bigint); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.record_alert_attempt(p_seq bigint, p_channel text, p_ok boolean, p_error text, p_duplicate_of bigint) IS 'Notifier: records a delivery attempt of an alert on a channel; the database decides its status (deduplicated, delivered, retry, or failed at alert_max_attempts) and masks the error. PD011 unknown alert, PD012 bad channel, settled alert or bad duplicate_of.';


--
-- Name: record_chaos_campaign(text, jsonb, jsonb, text); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.record_chaos_campaign(p_account text, p_campaign jsonb, p_faults jsonb, p_reason text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_book integer;
    v_id   bigint;
    c      jsonb := p_campaign;
BEGIN
    v_book := (trading._account(p_account)).book_id;
    IF jsonb_typeof(c) IS DISTINCT FROM 'object' OR jsonb_typeof(p_faults) IS DISTINCT FROM 'array'
       OR NOT c ?& ARRAY['campaign', 'seed', 'days', 'schedule_digest', 'first_hour', 'last_hour', 'faults_end_hour',
                         'worker_starts', 'worker_kills', 'db_stops', 'operator_resumes', 'failed_gate_checks',
                         'failed_chain_checks', 'segments', 'passed', 'wall_seconds'] THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = 'chaos campaign refused: the campaign must be a JSON object with every figure, the faults an array',
            HINT = 'predator chaos run records its campaigns; see api.record_chaos_campaign''s comment for the keys.';
    END IF;
    PERFORM ops._require_finite_json('api.record_chaos_campaign', 'p_campaign',
        jsonb_build_object('seed', c -> 'seed', 'days', c -> 'days', 'wall_seconds', c -> 'wall_seconds'));
    PERFORM ops._require_business_time('api.record_chaos_campaign', ARRAY['first_hour', 'last_hour', 'liveness_hour'],
        ARRAY[(c ->> 'first_hour')::timestamptz, (c ->> 'last_hour')::timestamptz, (c ->> 'liveness_hour')::timestamptz]);
    PERFORM ops._audit(v_book, 'record_chaos_campaign', p_account,
                       jsonb_build_object('campaign', c -> 'campaign', 'seed', c -> 'seed', 'days', c -> 'days',
                                          'passed', c -> 'passed'), p_reason);
    -- Ids 1, 2, ... without a sequence: one recording at a time.
    LOCK TABLE ops.chaos_campaign IN SHARE ROW EXCLUSIVE MODE;
    SELECT coalesce(max(campaign_id), 0) + 1 INTO v_id FROM ops.chaos_campaign;
    INSERT INTO ops.chaos_campaign (campaign_id, campaign, seed, days, book_id, schedule_digest, first_hour, last_hour, faults_end_hour,
                                    worker_starts, worker_kills, db_stops, operator_resumes, failed_gate_checks,
                                    failed_chain_checks, segments, liveness_hour, replay_parity, passed, failures, wall_seconds)
    VALUES (v_id, (c ->> 'campaign')::integer, (c ->> 'seed')::bigint, (c ->> 'days')::integer, v_book, c ->> 'schedule_digest',
            (c ->> 'first_hour')::timestamptz, (c ->> 'last_hour')::timestamptz, (c ->> 'faults_end_hour')::timestamptz,
            (c ->> 'worker_starts')::integer, (c ->> 'worker_kills')::integer, (c ->> 'db_stops')::integer,
            (c ->> 'operator_resumes')::integer, (c ->> 'failed_gate_checks')::integer,
            (c ->> 'failed_chain_checks')::integer, (c ->> 'segments')::integer, (c ->> 'liveness_hour')::timestamptz,
            (c ->> 'replay_parity')::boolean, (c ->> 'passed')::boolean, coalesce(c -> 'failures', '[]'),
            (c ->> 'wall_seconds')::numeric);
    INSERT INTO ops.chaos_fault (campaign_id, seq, hour, layer, kind, params, outcome, recovery_seconds)
    SELECT v_id, f.ord::integer, (f.value ->> 'hour')::timestamptz, f.value ->> 'layer', f.value ->> 'kind',
           coalesce(f.value -> 'params', '{}'), coalesce(f.value ->> 'outcome', 'scheduled'),
           coalesce((f.value ->> 'recovery_seconds')::numeric, 0)
      FROM jsonb_array_elements(p_faults) WITH ORDINALITY f(value, ord);
    RETURN v_id;
EXCEPTION
    WHEN invalid_text_representation OR invalid_datetime_format OR datetime_field_overflow OR numeric_value_out_of_range THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('chaos campaign refused: a figure is malformed (%s)', SQLERRM),
            HINT = 'Hours are ISO-8601 timestamps, counts integers, wall_seconds a number, passed and replay_parity booleans.';
END
$$;


ALTER FUNCTION api.record_chaos_campaign(p_account text, p_campaign jsonb, p_faults jsonb, p_reason text) OWNER TO predator_owner;

--
-- Name: FUNCTION record_chaos_campaign(p_account text, p_campaign jsonb, p_faults jsonb, p_reason text); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.record_chaos_campaign(p_account text, p_campaign jsonb, p_faults jsonb, p_reason text) IS 'Operator: records a chaos campaign run (ops.chaos_campaign) and its faults (ops.chaos_fault) in one call; returns the campaign id. PD011 unknown account, PD012 malformed figures, PD015 an hour in the future. Audited.';


--
-- Name: record_fill(text, text, numeric, numeric, numeric, text, text, timestamp with time zone); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.record_fill(p_client_order_id text, p_venue_trade_id text, p_quantity numeric, p_price numeric, p_fee numeric, p_fee_currency text, p_liquidity text, p_ts timestamp with time zone) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_book       integer;
    v_req        trading.order_request;
    v_state      trading.order_state;
    v_prior      trading.fill;
    v_base       text;
    v_quote      text;
    v_notional   numeric;
    v_fee_quote  numeric;
    v_fee_base   numeric;
    v_pos        trading.position;
    v_lot        record;
    v_left       numeric;
    v_take       numeric;
    v_entry_fee  numeric;
    v_exit_fee   numeric;
    v_exit_left  numeric;
    v_lot_qty    numeric;
    v_cost_out   numeric := 0;
    v_consumed   numeric;
    v_acct       trading.account;
    v_fee_held   numeric;
    v_fee_owed   numeric := 0;
BEGIN
    PERFORM ops._require_finite('api.record_fill', ARRAY['p_quantity', 'p_price', 'p_fee'], ARRAY[p_quantity, p_price, p_fee]);
    PERFORM ops._require_business_time('api.record_fill', ARRAY['p_ts'], ARRAY[p_ts]);
    v_book := trading._order_book(p_client_order_id);
    v_notional := p_quantity * p_price;
    SELECT * INTO v_req FROM trading.order_request r WHERE r.client_order_id = p_client_order_id;
    v_base := split_part(v_req.symbol, '/', 1);
    v_quote := split_part(v_req.symbol, '/', 2);

    SELECT * INTO v_prior FROM trading.fill f
     WHERE f.book_id = v_book AND f.symbol = v_req.symbol AND f.venue_trade_id = p_venue_trade_id;
    IF FOUND THEN
        IF (v_prior.client_order_id, v_prior.quantity, v_prior.price, v_prior.fee, v_prior.fee_currency, v_prior.liquidity, v_prior.ts)
           IS DISTINCT FROM (p_client_order_id, p_quantity, p_price, p_fee, p_fee_currency, p_liquidity, p_ts) THEN
            RAISE EXCEPTION USING ERRCODE = 'PD010',
                MESSAGE = format('fill %s of %s refused: it conflicts with the fill already recorded under that trade id', p_venue_trade_id, v_req.symbol),
                DETAIL = format('recorded=%s/%s@%s given=%s/%s@%s', v_prior.client_order_id, v_prior.quantity, v_prior.price,
                                p_client_order_id, p_quantity, p_price),
                HINT = 'Two different executions under one venue trade id are a reconciliation incident.';
        END IF;
        RETURN 'duplicate';
    END IF;

    IF p_quantity IS NULL OR p_quantity <= 0 OR p_price IS NULL OR p_price <= 0 OR p_fee IS NULL OR p_fee < 0
       OR p_liquidity NOT IN ('maker', 'taker') OR p_ts IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('fill %s refused: invalid quantity, price, fee, liquidity or time', p_venue_trade_id),
            DETAIL = format('quantity=%s price=%s fee=%s liquidity=%s ts=%s', p_quantity, p_price, p_fee, p_liquidity, p_ts),
            HINT = 'quantity and price are positive, the fee is non-negative, liquidity is maker or taker.';
    END IF;

    SELECT * INTO v_state FROM trading.order_state s WHERE s.client_order_id = p_client_order_id;
    IF v_state.status NOT IN ('open', 'partially_filled') THEN
        RAISE EXCEPTION USING ERRCODE = 'PD005',
            MESSAGE = format('fill %s refused: order %s is %s', p_venue_trade_id, p_client_order_id, v_state.status),
            HINT = 'Relay the acknowledgement first; a terminal order takes no fills (reconcile with the venue).';
    END IF;

    INSERT INTO trading.fill (book_id, client_order_id, symbol, side, venue_trade_id, quantity, price, fee,
                              fee_currency, liquidity, ts)
    VALUES (v_book, p_client_order_id, v_req.symbol, v_req.side, p_venue_trade_id, p_quantity, p_price, p_fee,
            p_fee_currency, p_liquidity, p_ts);

    INSERT INTO trading.order_event (book_id, client_order_id, kind, status_after, filled_qty_after, reason, ts)
    VALUES (v_book, p_client_order_id, 'fill',
            CASE WHEN v_state.filled_qty + p_quantity >= v_state.quantity THEN 'filled' ELSE 'partially_filled' END,
            v_state.filled_qty + p_quantity, p_venue_trade_id, p_ts);

    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = v_book;
    v_fee_quote := trading._fee_in_quote(v_acct.venue, v_req.symbol, p_fee, p_fee_currency, p_price, p_ts);
    v_fee_base := CASE WHEN p_fee_currency = v_base THEN p_fee ELSE 0 END;
    IF p_fee_currency NOT IN (v_base, v_quote) AND p_fee > 0 THEN
        -- A third-currency fee: what the book holds of it pays; the rest is owed to the venue.
        SELECT coalesce(max(b.balance), 0) INTO v_fee_held FROM ledger.balance b
         WHERE b.book_id = v_book AND b.account_code = 'trading' AND b.currency = p_fee_currency;
        v_fee_owed := p_fee - least(p_fee, greatest(v_fee_held, 0));
    END IF;

    UPDATE trading.order_state s
       SET filled_notional = s.filled_notional + v_notional, fees_quote = s.fees_quote + v_fee_quote
     WHERE s.client_order_id = p_client_order_id;

    IF v_req.side = 'buy' THEN
        PERFORM ledger._post(v_book, 'fill', p_venue_trade_id, p_ts,
            ARRAY['trading', 'venue', 'trading', 'venue', 'trading', 'venue', 'fees'],
            ARRAY[v_base, v_base, v_quote, v_quote, p_fee_currency, p_fee_currency, p_fee_currency],
            ARRAY[p_quantity, -p_quantity, -v_notional, v_notional, -(p_fee - v_fee_owed), -v_fee_owed, p_fee]);
    ELSE
        PERFORM ledger._post(v_book, 'fill', p_venue_trade_id, p_ts,
            ARRAY['trading', 'venue', 'trading', 'venue', 'trading', 'venue', 'fees'],
            ARRAY[v_quote, v_quote, v_base, v_base, p_fee_currency, p_fee_currency, p_fee_currency],
            ARRAY[v_notional, -v_notional, -p_quantity, p_quantity, -(p_fee - v_fee_owed), -v_fee_owed, p_fee]);
    END IF;

    SELECT * INTO v_pos FROM trading.position p WHERE p.book_id = v_book AND p.symbol = v_req.symbol FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO trading.position (book_id, symbol, quantity, cost_basis, updated_ts)
        VALUES (v_book, v_req.symbol, 0, 0, p_ts)
        RETURNING * INTO v_pos;
    END IF;

    IF v_req.side = 'buy' THEN
        -- A fee paid in base reduces what the lot holds; its value is part of the lot's cost.
        v_lot_qty := p_quantity - v_fee_base;
        INSERT INTO trading.lot (book_id, symbol, lot_no, venue_trade_id, quantity, price, fee_quote, remaining, ts)
        VALUES (v_book, v_req.symbol, v_pos.next_lot_no, p_venue_trade_id, v_lot_qty, p_price,
                CASE WHEN v_fee_base > 0 THEN v_fee_base * p_price ELSE v_fee_quote END, v_lot_qty, p_ts);
        UPDATE trading.position p
           SET quantity = p.quantity + v_lot_qty,
               cost_basis = p.cost_basis + v_notional + CASE WHEN v_fee_base > 0 THEN 0 ELSE v_fee_quote END,
               next_lot_no = p.next_lot_no + 1,
               trip_no = CASE WHEN p.quantity = 0 THEN p.trip_no + 1 ELSE p.trip_no END,
               trip_opened_at = CASE WHEN p.quantity = 0 THEN p_ts ELSE p.trip_opened_at END,
               trip_buy_qty = CASE WHEN p.quantity = 0 THEN 0 ELSE p.trip_buy_qty END + v_lot_qty,
               trip_buy_notional = CASE WHEN p.quantity = 0 THEN 0 ELSE p.trip_buy_notional END + v_lot_qty * p_price,
               trip_buy_fees = CASE WHEN p.quantity = 0 THEN 0 ELSE p.trip_buy_fees END + v_fee_quote,
               trip_sell_qty = CASE WHEN p.quantity = 0 THEN 0 ELSE p.trip_sell_qty END,
               trip_sell_notional = CASE WHEN p.quantity = 0 THEN 0 ELSE p.trip_sell_notional END,
               trip_fees = CASE WHEN p.quantity = 0 THEN 0 ELSE p.trip_fees END + v_fee_quote,
               updated_ts = p_ts
         WHERE p.book_id = v_book AND p.symbol = v_req.symbol;
        PERFORM ledger._treasury_fill(v_book, p_venue_trade_id, v_req.symbol, v_fee_quote, p_ts);  -- docs/treasury.md
        PERFORM risk._after_fill(v_book, p_client_order_id, p_price, p_ts);
        RETURN 'recorded';
    END IF;

    -- Sell: consume open lots oldest first. A fee paid in base consumes lots too.
    v_left := p_quantity + v_fee_base;
    v_consumed := v_left;
    v_exit_left := v_fee_quote;
    FOR v_lot IN
        SELECT l.lot_no, l.quantity, l.price, l.fee_quote, l.remaining
          FROM trading.lot l
         WHERE l.book_id = v_book AND l.symbol = v_req.symbol AND l.remaining > 0
         ORDER BY l.lot_no
           FOR UPDATE OF l
    LOOP
        EXIT WHEN v_left = 0;
        v_take := least(v_left, v_lot.remaining);
        -- A lot's fee is shared by cumulative difference: an allocation takes the rounded fee share of the
        -- lot consumed after it less that consumed before it, so the shares of a lot telescope to its fee
        -- exactly without reading earlier allocations (constant cost however often a lot is split); the
        -- last allocation of a sell takes what is left of the exit fee, so exit shares add up exactly too.
        v_entry_fee := CASE WHEN v_take = v_lot.remaining THEN v_lot.fee_quote
                            ELSE round(v_lot.fee_quote * (v_lot.quantity - v_lot.remaining + v_take) / v_lot.quantity, 18) END
                     - CASE WHEN v_lot.remaining = v_lot.quantity THEN 0
                            ELSE round(v_lot.fee_quote * (v_lot.quantity - v_lot.remaining) / v_lot.quantity, 18) END;
        v_exit_fee := CASE WHEN v_take = v_left THEN v_exit_left
                           ELSE round(v_fee_quote * v_take / v_consumed, 18) END;
        v_exit_left := v_exit_left - v_exit_fee;
        INSERT INTO trading.lot_allocation (book_id, symbol, lot_no, venue_trade_id, quantity, entry_price, exit_price,
                                            entry_fee, exit_fee, realized_pnl, ts)
        VALUES (v_book, v_req.symbol, v_lot.lot_no, p_venue_trade_id, v_take, v_lot.price, p_price,
                v_entry_fee, v_exit_fee, v_take * (p_price - v_lot.price) - v_entry_fee - v_exit_fee, p_ts);
        UPDATE trading.lot l SET remaining = l.remaining - v_take
         WHERE l.book_id = v_book AND l.symbol = v_req.symbol AND l.lot_no = v_lot.lot_no;
        v_cost_out := v_cost_out + v_take * v_lot.price + v_entry_fee;
        v_left := v_left - v_take;
    END LOOP;
    IF v_left > 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'PD007',
            MESSAGE = format('fill %s refused: the sell of %s %s exceeds the open FIFO lots', p_venue_trade_id, p_quantity, v_req.symbol),
            DETAIL = format('sell_qty=%s uncovered=%s', p_quantity + v_fee_base, v_left),
            HINT = 'No shorting: a sell never exceeds what the book holds.';
    END IF;

    UPDATE trading.position p
       SET quantity = p.quantity - v_consumed,
           cost_basis = CASE WHEN p.quantity - v_consumed = 0 THEN 0 ELSE p.cost_basis - v_cost_out END,
           trip_sell_qty = p.trip_sell_qty + v_consumed,
           trip_sell_notional = p.trip_sell_notional + v_consumed * p_price,
           trip_fees = p.trip_fees + v_fee_quote,
           updated_ts = p_ts
     WHERE p.book_id = v_book AND p.symbol = v_req.symbol
    RETURNING * INTO v_pos;

    IF v_pos.quantity = 0 THEN
        INSERT INTO trading.round_trip (book_id, symbol, trip_no, entry_ts, exit_ts, quantity, entry_avg_price,
                                        exit_avg_price, fees, gross_pnl, net_pnl, net_return)
        VALUES (v_book, v_req.symbol, v_pos.trip_no, v_pos.trip_opened_at, p_ts, v_pos.trip_buy_qty,
                v_pos.trip_buy_notional / v_pos.trip_buy_qty, v_pos.trip_sell_notional / v_pos.trip_sell_qty,
                v_pos.trip_fees, v_pos.trip_sell_notional - v_pos.trip_buy_notional,
                v_pos.trip_sell_notional - v_pos.trip_buy_notional - v_pos.trip_fees,
                (v_pos.trip_sell_notional - v_pos.trip_buy_notional - v_pos.trip_fees)
                    / (v_pos.trip_buy_notional + v_pos.trip_buy_fees));
    END IF;
    PERFORM ledger._treasury_fill(v_book, p_venue_trade_id, v_req.symbol, v_fee_quote, p_ts);  -- docs/treasury.md
    PERFORM risk._after_fill(v_book, p_client_order_id, p_price, p_ts);
    RETURN 'recorded';
END
$$;


ALTER FUNCTION api.record_fill(p_client_order_id text, p_venue_trade_id text, p_quantity numeric, p_price numeric, p_fee numeric, p_fee_currency text, p_liquidity text, p_ts timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION record_fill(p_client_order_id text, p_venue_trade_id text, p_quantity numeric, p_price numeric, p_fee numeric, p_fee_currency text, p_liquidity text, p_ts timestamp with time zone); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.record_fill(p_client_order_id text, p_venue_trade_id text, p_quantity numeric, p_price numeric, p_fee numeric, p_fee_currency text, p_liquidity text, p_ts timestamp with time zone) IS 'Worker: records a venue execution (base qty, quote price, fee in the currency charged: base, quote or a known third currency such as BNB, UTC time): fill, order event, balanced journal, FIFO lots and allocations with realized PnL, position and round trip, in one transaction. A third-currency fee is paid from the book''s holding of it, the rest owed to the venue, valued in quote at its mark. Idempotent on the venue trade id (duplicate); PD010 conflicting report, PD005 order not open, PD006 overfill, PD007 sell beyond open lots, PD003 negative balance, PD012 unknown fee currency.';


--
-- Name: record_hour_knowledge(text, timestamp with time zone, text[], text); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.record_hour_knowledge(p_account text, p_hour timestamp with time zone, p_symbols text[], p_interval text DEFAULT '1h'::text) RETURNS TABLE(symbol text, load_id bigint)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET "TimeZone" TO 'UTC'
    AS $$
DECLARE
    v_acct trading.account;
    v_symbol text;
BEGIN
    PERFORM ops._require_business_time('api.record_hour_knowledge', ARRAY['p_hour'], ARRAY[p_hour]);
    v_acct := trading._account(p_account);
    IF p_hour IS NULL OR date_trunc('hour', p_hour) <> p_hour THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('record_hour_knowledge refused: %s is not a whole hour', p_hour),
            HINT = 'Pass the close time of the hour, for example 2024-03-01T13:00:00Z.';
    END IF;
    IF p_symbols IS NULL OR cardinality(p_symbols) = 0 OR array_position(p_symbols, NULL) IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = 'record_hour_knowledge refused: give the run''s symbols (a non-empty array without NULL)',
            HINT = 'Pass the symbols the run trades, e.g. ARRAY[''BTC/USD''].';
    END IF;
    IF p_interval IS NULL OR market.interval_seconds(p_interval) IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('record_hour_knowledge refused: unknown interval %L', p_interval),
            HINT = 'Intervals are ccxt timeframes: 1m 5m 15m 30m 1h 4h 1d.';
    END IF;
    IF EXISTS (SELECT FROM portfolio.hourly_state h WHERE h.book_id = v_acct.book_id AND h.hour >= p_hour) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD013',
            MESSAGE = format('record_hour_knowledge refused: the hour %s of %s is already closed', p_hour, p_account),
            HINT = 'Record what an hour knows in the transaction that closes it, before api.close_hour.';
    END IF;
    -- The loads' own lock (api.load_candles): loads of these feeds wait until this transaction ends.
    FOREACH v_symbol IN ARRAY ARRAY(SELECT DISTINCT s FROM unnest(p_symbols) s ORDER BY 1) LOOP
        PERFORM pg_catalog.pg_advisory_xact_lock(1349731650,
            pg_catalog.hashtext(v_acct.venue || '|' || v_symbol || '|' || p_interval));
    END LOOP;
    INSERT INTO portfolio.hour_knowledge (book_id, hour, symbol, interval, load_id)
    SELECT v_acct.book_id, p_hour, s.sym, p_interval,
           (SELECT max(l.load_id) FROM market.candle_load l
             WHERE l.venue = v_acct.venue AND l.symbol = s.sym AND l.interval = p_interval)
      FROM (SELECT DISTINCT u AS sym FROM unnest(p_symbols) u) s
    ON CONFLICT DO NOTHING;
    RETURN QUERY
    SELECT k.symbol, k.load_id FROM portfolio.hour_knowledge k
     WHERE k.book_id = v_acct.book_id AND k.hour = p_hour AND k.interval = p_interval AND k.symbol = ANY (p_symbols)
     ORDER BY k.symbol;
END
$$;


ALTER FUNCTION api.record_hour_knowledge(p_account text, p_hour timestamp with time zone, p_symbols text[], p_interval text) OWNER TO predator_owner;

--
-- Name: FUNCTION record_hour_knowledge(p_account text, p_hour timestamp with time zone, p_symbols text[], p_interval text); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.record_hour_knowledge(p_account text, p_hour timestamp with time zone, p_symbols text[], p_interval text) IS 'Worker: for a run fed by the live sync, locks the feeds of p_symbols against new loads until the transaction ends and records (portfolio.hour_knowledge) and returns each feed''s last load id: what the hour p_hour decides on. Call first in the transaction that closes the hour. PD011, PD012, PD013, PD015.';


--
-- Name: record_order_confusion(text, text, timestamp with time zone, text); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.record_order_confusion(p_client_order_id text, p_kind text, p_ts timestamp with time zone, p_detail text) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_book     integer;
    v_acct     trading.account;
    v_status   text;
    v_incident bigint;
BEGIN
    PERFORM ops._require_business_time('api.record_order_confusion', ARRAY['p_ts'], ARRAY[p_ts]);
    IF p_kind IS NULL OR length(btrim(p_kind)) = 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'order confusion refused: the event kind is missing',
            HINT = 'Pass the kind of the venue event the order state machine refused.';
    END IF;
    v_book := trading._order_book(p_client_order_id);
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = v_book;
    PERFORM ops._lock_book(v_book);
    SELECT s.status INTO v_status FROM trading.order_state s WHERE s.client_order_id = p_client_order_id;
    v_incident := ops._open_incident(v_book, 2, 'execution', 'account:' || v_acct.name,
        format('order-state confusion on %s', v_acct.name),
        format('the venue reported %s for order %s (status %s in the book) at %s, which the order state machine refused: %s',
               p_kind, p_client_order_id, v_status, p_ts, coalesce(p_detail, '')),
        jsonb_build_object('orders', jsonb_build_array(p_client_order_id), 'hours', jsonb_build_array(p_ts)), p_ts, 'system');
    IF NOT coalesce((SELECT h.active FROM risk.halt_state h WHERE h.scope_kind = 'account' AND h.scope_key = v_acct.name), false) THEN
        PERFORM risk._set_halt('account', v_acct.name, v_book, 'halt',
            format('order-state confusion: the venue reported %s for order %s (%s in the book) (incident %s of account %s)',
                   p_kind, p_client_order_id, v_status, v_incident, v_acct.name), 'system', p_ts, v_incident);
        PERFORM risk._sync_halt(v_book, p_ts);
    END IF;
    RETURN 'INC-' || v_book || '-' || v_incident;
END
$$;


ALTER FUNCTION api.record_order_confusion(p_client_order_id text, p_kind text, p_ts timestamp with time zone, p_detail text) OWNER TO predator_owner;

--
-- Name: FUNCTION record_order_confusion(p_client_order_id text, p_kind text, p_ts timestamp with time zone, p_detail text); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.record_order_confusion(p_client_order_id text, p_kind text, p_ts timestamp with time zone, p_detail text) IS 'Worker: a venue event the order state machine refused (PD005): opens an execution incident and halts the account (system halt, operator lifts) instead of stopping the worker; returns the incident. PD011, PD012, PD015.';


--
-- Name: record_order_event(text, text, timestamp with time zone, text, text); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.record_order_event(p_client_order_id text, p_kind text, p_ts timestamp with time zone, p_venue_order_id text DEFAULT NULL::text, p_reason text DEFAULT NULL::text) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_book   integer;
    v_state  trading.order_state;
    v_after  text;
    v_rejects bigint;
    v_orders  bigint;
    v_since   timestamptz;
BEGIN
    PERFORM ops._require_business_time('api.record_order_event', ARRAY['p_ts'], ARRAY[p_ts]);
    v_book := trading._order_book(p_client_order_id);
    v_after := CASE p_kind WHEN 'acknowledged' THEN 'open' WHEN 'rejected' THEN 'rejected'
                           WHEN 'canceled' THEN 'canceled' WHEN 'expired' THEN 'expired' END;
    IF v_after IS NULL AND p_kind IS DISTINCT FROM 'cancel_requested' THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('unknown order event kind %L', p_kind),
            HINT = 'Kinds: acknowledged, rejected, canceled, expired, cancel_requested; fills go through api.record_fill.';
    END IF;
    SELECT * INTO v_state FROM trading.order_state s WHERE s.client_order_id = p_client_order_id;
    -- Idempotent re-delivery of the same venue event.
    IF (p_kind = 'acknowledged' AND v_state.status IN ('open', 'partially_filled', 'filled')
            AND v_state.venue_order_id IS NOT DISTINCT FROM coalesce(p_venue_order_id, v_state.venue_order_id))
       OR (p_kind <> 'acknowledged' AND v_state.status = v_after)
       OR (p_kind = 'cancel_requested' AND (v_state.cancel_requested OR v_state.status IN ('filled', 'canceled', 'rejected', 'expired'))) THEN
        RETURN v_state.status;
    END IF;
    INSERT INTO trading.order_event (book_id, client_order_id, kind, status_after, venue_order_id, reason, ts)
    VALUES (v_book, p_client_order_id, p_kind, coalesce(v_after, v_state.status), p_venue_order_id, p_reason, p_ts);
    IF p_kind = 'rejected' THEN
        -- Reject-rate breaker: venue rejects / orders created in the breaker's window.
        v_since := p_ts - risk._window_hours(v_book, 'reject_rate');
        SELECT count(*) FILTER (WHERE s.status = 'rejected'), count(*) INTO v_rejects, v_orders
          FROM trading.order_request r JOIN trading.order_state s USING (client_order_id)
         WHERE r.book_id = v_book AND r.ts > v_since AND r.ts <= p_ts;
        PERFORM risk._check_breaker(v_book, 'reject_rate', p_ts, v_rejects::numeric / greatest(v_orders, 1), v_orders,
                                    jsonb_build_object('rejects', v_rejects, 'orders', v_orders, 'last_reason', p_reason));
    END IF;
    RETURN coalesce(v_after, v_state.status);
END
$$;


ALTER FUNCTION api.record_order_event(p_client_order_id text, p_kind text, p_ts timestamp with time zone, p_venue_order_id text, p_reason text) OWNER TO predator_owner;

--
-- Name: FUNCTION record_order_event(p_client_order_id text, p_kind text, p_ts timestamp with time zone, p_venue_order_id text, p_reason text); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.record_order_event(p_client_order_id text, p_kind text, p_ts timestamp with time zone, p_venue_order_id text, p_reason text) IS 'Worker: relays an acknowledgement, reject, cancel, expiry or cancel request for an order through the state machine; idempotent on re-delivery. PD005 illegal transition, PD011 unknown order, PD012 unknown kind, PD013 time going backwards.';


--
-- Name: record_validation(text, timestamp with time zone, timestamp with time zone, boolean, jsonb); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.record_validation(p_account text, p_from timestamp with time zone, p_to timestamp with time zone, p_incremental boolean, p_gates jsonb) RETURNS TABLE(book_id integer, seq bigint, passed boolean, checkpoint boolean)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET "TimeZone" TO 'UTC'
    AS $_$
DECLARE
    v_book    integer := 0;
    v_passed  boolean;
    v_point   boolean;
    v_heads   jsonb;
    v_resume  timestamptz;
    v_has     boolean;
    v_row     ops.validation_run;
BEGIN
    PERFORM ops._require_business_time('record_validation', ARRAY['p_from', 'p_to'], ARRAY[p_from, p_to]);
    IF p_to IS NULL OR p_incremental IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'record_validation refused: p_to and p_incremental are required',
            DETAIL = format('p_to=%s p_incremental=%s', p_to, p_incremental),
            HINT = 'Pass the exclusive end of the business times the gates judged (the close of the last closed hour) and whether the run was incremental.';
    END IF;
    IF p_from > p_to THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('record_validation refused: p_from %s is after p_to %s', p_from, p_to),
            DETAIL = format('p_from=%s p_to=%s', p_from, p_to),
            HINT = 'The range judged is [p_from, p_to): p_from at or before p_to.';
    END IF;
    IF p_gates IS NULL OR jsonb_typeof(p_gates) <> 'object' OR p_gates = '{}'::jsonb
       OR EXISTS (SELECT FROM jsonb_each(p_gates) g
                   WHERE g.key !~ '^[A-Za-z0-9_.-]{1,100}$'
                      OR NOT (jsonb_typeof(g.value) = 'null'
                              OR (jsonb_typeof(g.value) = 'number' AND g.value::text ~ '^[0-9]{1,18}$'))) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'record_validation refused: p_gates is not a map of gate names to violation counts',
            DETAIL = format('p_gates=%s', left(p_gates::text, 500)),
            HINT = 'Pass {"<gate>": <rows returned, a non-negative integer> | null (the gate errored), ...} with at least one gate.';
    END IF;
    IF p_account IS NOT NULL THEN
        v_book := (trading._account(p_account)).book_id;
    END IF;

    v_passed := NOT EXISTS (SELECT FROM jsonb_each(p_gates) g WHERE jsonb_typeof(g.value) <> 'number' OR g.value::text <> '0');
    SELECT coalesce(jsonb_object_agg(x.chain, jsonb_build_object('seq', x.seq, 'hash', encode(x.head_hash, 'hex'))), '{}'::jsonb)
      INTO v_heads
      FROM (SELECT h.chain, h.seq, h.head_hash FROM ops.chain_head h
             WHERE (v_book = 0 OR h.book_id = v_book) AND split_part(h.chain, ':', 1) <> 'ops.validation_run'
            UNION ALL
            SELECT 'ledger.posting:' || b.book_id || ':' || b.account_code || ':' || b.currency, b.seq, b.head_hash
              FROM ledger.balance b WHERE v_book = 0 OR b.book_id = v_book) x;
    IF v_book <> 0 THEN
        SELECT r.resume_from, true INTO v_resume, v_has FROM ops._validation_resume(v_book) r;
    END IF;
    v_point := v_passed AND (p_from IS NULL OR (v_book <> 0 AND coalesce(v_has, false) AND p_from <= v_resume));

    INSERT INTO ops.validation_run AS v (book_id, range_from, range_to, incremental, gates, passed, checkpoint, heads, actor)
    VALUES (v_book, p_from, p_to, p_incremental, p_gates, v_passed, v_point, v_heads, ops.actor())
    RETURNING * INTO v_row;
    RETURN QUERY SELECT v_row.book_id, v_row.seq, v_row.passed, v_row.checkpoint;
END
$_$;


ALTER FUNCTION api.record_validation(p_account text, p_from timestamp with time zone, p_to timestamp with time zone, p_incremental boolean, p_gates jsonb) OWNER TO predator_owner;

--
-- Name: FUNCTION record_validation(p_account text, p_from timestamp with time zone, p_to timestamp with time zone, p_incremental boolean, p_gates jsonb); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.record_validation(p_account text, p_from timestamp with time zone, p_to timestamp with time zone, p_incremental boolean, p_gates jsonb) IS 'Auditor: records a run of the validation gates (the book or every book, business times [p_from, p_to), incremental or not, violations per gate) in ops.validation_run, chained, with the book''s chain heads of the caller''s snapshot; passed when every gate returned 0 rows; a checkpoint when passed and contiguous from the book''s start. The auditor''s own attestation, never business data. PD011 unknown account; PD012 missing p_to, p_from after p_to, bad p_gates; PD015 an infinite or future bound.';


--
-- Name: record_venue_health(text, timestamp with time zone, integer, integer, boolean, jsonb); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.record_venue_health(p_account text, p_ts timestamp with time zone, p_calls integer, p_errors integer, p_connected boolean, p_detail jsonb DEFAULT '{}'::jsonb) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_acct    trading.account;
    v_calls   bigint;
    v_errors  bigint;
    v_down    bigint;
    v_tripped boolean := false;
    v_since   timestamptz;
    v_fatal   integer := 0;
BEGIN
    PERFORM ops._require_business_time('api.record_venue_health', ARRAY['p_ts'], ARRAY[p_ts]);
    v_acct := trading._account(p_account);
    IF p_ts IS NULL OR p_calls IS NULL OR p_errors IS NULL OR p_connected IS NULL OR p_calls < 0 OR p_errors < 0
       OR p_errors > p_calls THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'venue health refused: calls and errors must be 0 <= errors <= calls',
            DETAIL = format('calls=%s errors=%s connected=%s', p_calls, p_errors, p_connected),
            HINT = 'Report the counts observed since the last report, with the business time.';
    END IF;
    IF jsonb_typeof(p_detail -> 'fatal_errors') = 'number' THEN
        v_fatal := (p_detail ->> 'fatal_errors')::numeric::integer;
    END IF;
    IF (p_detail ? 'fatal_errors' AND jsonb_typeof(p_detail -> 'fatal_errors') <> 'number') OR v_fatal < 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'venue health refused: fatal_errors must be a non-negative count',
            DETAIL = format('fatal_errors=%s', p_detail -> 'fatal_errors'),
            HINT = 'Report how many venue errors classified as halt the worker saw since its last report.';
    END IF;
    PERFORM ops._lock_book(v_acct.book_id);
    INSERT INTO ops.venue_health (book_id, ts, calls, errors, connected, detail)
    VALUES (v_acct.book_id, p_ts, p_calls, p_errors, p_connected, coalesce(p_detail, '{}'));

    v_since := p_ts - risk._window_hours(v_acct.book_id, 'api_error_rate');
    SELECT coalesce(sum(h.calls), 0), coalesce(sum(h.errors), 0) INTO v_calls, v_errors
      FROM ops.venue_health h
     WHERE h.book_id = v_acct.book_id AND h.ts > v_since AND h.ts <= p_ts;
    v_tripped := risk._check_breaker(v_acct.book_id, 'api_error_rate', p_ts, v_errors::numeric / greatest(v_calls, 1),
                                     v_calls, jsonb_build_object('calls', v_calls, 'errors', v_errors, 'detail', p_detail));
    IF NOT p_connected THEN
        SELECT count(*) INTO v_down
          FROM ops.venue_health h
         WHERE h.book_id = v_acct.book_id
           AND h.seq > coalesce((SELECT max(u.seq) FROM ops.venue_health u WHERE u.book_id = v_acct.book_id AND u.connected), 0);
        v_tripped := risk._check_breaker(v_acct.book_id, 'connectivity_loss', p_ts, v_down, 1,
                                         jsonb_build_object('consecutive_disconnected', v_down, 'detail', p_detail))
                     OR v_tripped;
    END IF;
    IF v_fatal > 0 THEN
        v_tripped := risk._check_breaker(v_acct.book_id, 'venue_fatal_error', p_ts, v_fatal, v_fatal,
                                         jsonb_build_object('fatal_errors', v_fatal, 'detail', p_detail))
                     OR v_tripped;
    END IF;
    RETURN v_tripped;
END
$$;


ALTER FUNCTION api.record_venue_health(p_account text, p_ts timestamp with time zone, p_calls integer, p_errors integer, p_connected boolean, p_detail jsonb) OWNER TO predator_owner;

--
-- Name: FUNCTION record_venue_health(p_account text, p_ts timestamp with time zone, p_calls integer, p_errors integer, p_connected boolean, p_detail jsonb); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.record_venue_health(p_account text, p_ts timestamp with time zone, p_calls integer, p_errors integer, p_connected boolean, p_detail jsonb) IS 'Worker: records venue API calls, errors and connectivity, and the venue errors classified as halt (p_detail fatal_errors); trips the api_error_rate, connectivity_loss and venue_fatal_error breakers (halt, incident) at their thresholds. PD012 a negative or non-numeric fatal_errors.';


--
-- Name: record_venue_transfer(text, text, text, numeric, text, timestamp with time zone); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.record_venue_transfer(p_account text, p_kind text, p_currency text, p_amount numeric, p_venue_ref text, p_ts timestamp with time zone) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_acct trading.account;
    v_inc  bigint;
BEGIN
    PERFORM ops._require_finite('api.record_venue_transfer', ARRAY['p_amount'], ARRAY[p_amount]);
    PERFORM ops._require_business_time('api.record_venue_transfer', ARRAY['p_ts'], ARRAY[p_ts]);
    v_acct := trading._account(p_account);
    IF p_kind NOT IN ('deposit', 'withdrawal') OR p_amount IS NULL OR p_amount <= 0 OR p_venue_ref IS NULL OR p_ts IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'venue transfer refused: kind, positive amount, reference and time are required',
            DETAIL = format('kind=%s amount=%s ref=%s', p_kind, p_amount, p_venue_ref),
            HINT = 'kind is deposit or withdrawal, as the venue reports it.';
    END IF;
    PERFORM ops._lock_book(v_acct.book_id);
    IF EXISTS (SELECT FROM ops.venue_transfer t WHERE t.book_id = v_acct.book_id AND t.venue_ref = p_venue_ref) THEN
        RETURN 'duplicate';
    END IF;
    INSERT INTO ops.venue_transfer (book_id, kind, currency, amount, venue_ref, ts)
    VALUES (v_acct.book_id, p_kind, p_currency, p_amount, p_venue_ref, p_ts);
    IF p_kind = 'withdrawal' THEN
        v_inc := ops._open_incident(v_acct.book_id, 1, 'risk', 'global',
            format('withdrawal seen on the venue account of %s', p_account),
            format('%s %s withdrawn (venue reference %s) at %s; Predator never withdraws', p_amount, p_currency, p_venue_ref, p_ts),
            jsonb_build_object('venue_ref', p_venue_ref, 'hours', jsonb_build_array(p_ts)), p_ts, 'system');
        IF NOT coalesce((SELECT h.active FROM risk.halt_state h WHERE h.scope_kind = 'global' AND h.scope_key = '*'), false) THEN
            PERFORM risk._set_halt('global', '*', 0, 'halt',
                format('withdrawal of %s %s seen on %s (incident %s of account %s)', p_amount, p_currency, p_account, v_inc, p_account),
                'system', p_ts, v_inc);
        END IF;
    END IF;
    RETURN 'recorded';
END
$$;


ALTER FUNCTION api.record_venue_transfer(p_account text, p_kind text, p_currency text, p_amount numeric, p_venue_ref text, p_ts timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION record_venue_transfer(p_account text, p_kind text, p_currency text, p_amount numeric, p_venue_ref text, p_ts timestamp with time zone); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.record_venue_transfer(p_account text, p_kind text, p_currency text, p_amount numeric, p_venue_ref text, p_ts timestamp with time zone) IS 'Worker: records a deposit or withdrawal seen on the venue (idempotent on the venue reference); any withdrawal halts globally and opens a severity-1 incident.';


--
-- Name: record_worker_health(text, timestamp with time zone, bigint, integer, jsonb); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.record_worker_health(p_account text, p_ts timestamp with time zone, p_rss_kb bigint, p_pid integer DEFAULT NULL::integer, p_detail jsonb DEFAULT '{}'::jsonb) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_acct trading.account;
    v_seq  bigint;
    v_mb   numeric;
BEGIN
    PERFORM ops._require_business_time('api.record_worker_health', ARRAY['p_ts'], ARRAY[p_ts]);
    v_acct := trading._account(p_account);
    IF p_ts IS NULL OR p_rss_kb IS NULL OR p_rss_kb < 0 OR p_rss_kb > 1099511627776 OR p_pid <= 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = 'worker health refused: the resident memory must be a count of kB >= 0 at a business time',
            DETAIL = format('ts=%s rss_kb=%s pid=%s', p_ts, p_rss_kb, p_pid),
            HINT = 'Report the worker process''s VmRSS in kB (and its pid, > 0) at the hour it closed.';
    END IF;
    PERFORM ops._lock_book(v_acct.book_id);
    SELECT coalesce(max(h.seq), 0) + 1 INTO v_seq FROM ops.worker_health h WHERE h.book_id = v_acct.book_id;
    INSERT INTO ops.worker_health (book_id, seq, ts, rss_kb, pid, detail)
    VALUES (v_acct.book_id, v_seq, p_ts, p_rss_kb, p_pid, coalesce(p_detail, '{}'));
    v_mb := round(p_rss_kb / 1024.0, 3);
    RETURN risk._check_breaker(v_acct.book_id, 'worker_rss_mb', p_ts, v_mb, 1,
                               jsonb_build_object('rss_kb', p_rss_kb, 'rss_mb', v_mb, 'pid', p_pid,
                                                  'detail', coalesce(p_detail, '{}')));
END
$$;


ALTER FUNCTION api.record_worker_health(p_account text, p_ts timestamp with time zone, p_rss_kb bigint, p_pid integer, p_detail jsonb) OWNER TO predator_owner;

--
-- Name: FUNCTION record_worker_health(p_account text, p_ts timestamp with time zone, p_rss_kb bigint, p_pid integer, p_detail jsonb); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.record_worker_health(p_account text, p_ts timestamp with time zone, p_rss_kb bigint, p_pid integer, p_detail jsonb) IS 'Worker: records the worker process''s resident memory (kB) at an hour''s close and trips the worker_rss_mb breaker (paper: entries paused with an infrastructure incident; live lanes: global halt) when it reaches the threshold set with api.set_breaker. PD012 a negative or NULL RSS, a pid <= 0; PD015 a business time in the future.';


--
-- Name: register_run(text, text, text, jsonb, text); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.register_run(p_run_id text, p_account text, p_kind text, p_config jsonb, p_dataset_hash text) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_acct trading.account := trading._account(p_account);
    v_run  ops.run;
BEGIN
    SELECT * INTO v_run FROM ops.run r WHERE r.run_id = p_run_id;
    IF FOUND THEN
        IF v_run.book_id <> v_acct.book_id OR v_run.kind <> p_kind OR v_run.config <> p_config
           OR v_run.dataset_hash IS DISTINCT FROM p_dataset_hash THEN
            RAISE EXCEPTION USING ERRCODE = 'PD010',
                MESSAGE = format('run %s refused: it is registered with another configuration', p_run_id),
                HINT = 'Resume a run with exactly its configuration, or start a new run id.';
        END IF;
        RETURN p_run_id;
    END IF;
    INSERT INTO ops.run (run_id, book_id, kind, config, dataset_hash) VALUES (p_run_id, v_acct.book_id, p_kind, p_config, p_dataset_hash);
    RETURN p_run_id;
END
$$;


ALTER FUNCTION api.register_run(p_run_id text, p_account text, p_kind text, p_config jsonb, p_dataset_hash text) OWNER TO predator_owner;

--
-- Name: FUNCTION register_run(p_run_id text, p_account text, p_kind text, p_config jsonb, p_dataset_hash text); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.register_run(p_run_id text, p_account text, p_kind text, p_config jsonb, p_dataset_hash text) IS 'Worker: registers a runner run (configuration and dataset hash); idempotent, PD010 on a reused id with another configuration.';


--
-- Name: register_strategy(text, text, jsonb, text, text, integer); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.register_strategy(p_account text, p_strategy text, p_params jsonb, p_reason text, p_pool text DEFAULT 'CORE'::text, p_priority integer DEFAULT 0) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_acct trading.account := trading._account(p_account);
    v_need numeric;
    v_have numeric;
BEGIN
    PERFORM ops._lock_book(v_acct.book_id);
    IF p_pool IS NULL OR NOT EXISTS (SELECT FROM risk.pool p WHERE p.pool = p_pool) OR p_priority IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('register_strategy refused: unknown pool %L or no priority for %s', p_pool, p_strategy),
            DETAIL = format('pool=%s priority=%s', p_pool, p_priority),
            HINT = 'Pools are CORE, AGGRESSIVE and TAIL_RISK (risk.pool); the priority is an integer (higher wins arbitration).';
    END IF;
    IF v_acct.mode = 'live' THEN
        v_need := coalesce(ops.setting_value('live_burn_in_days'), 30);  -- the shipped default when unset
        SELECT max(b.days) INTO v_have FROM api.burn_in(v_acct.venue, p_strategy) b;
        IF coalesce(v_have, 0) < v_need THEN
            RAISE EXCEPTION USING ERRCODE = 'PD014',
                MESSAGE = format('register_strategy refused: %s has %s days of forward burn-in on %s, live needs %s',
                                 p_strategy, coalesce(v_have, 0), v_acct.venue, v_need),
                HINT = 'Run it forward first: predator run --mode paper|shadow on live data (see api.burn_in); the days are the operator setting live_burn_in_days.';
        END IF;
    END IF;
    INSERT INTO trading.strategy (book_id, strategy, params, pool, priority)
    VALUES (v_acct.book_id, p_strategy, coalesce(p_params, '{}'::jsonb), p_pool, p_priority)
    ON CONFLICT (book_id, strategy) DO UPDATE SET params = EXCLUDED.params, pool = EXCLUDED.pool, priority = EXCLUDED.priority;
    PERFORM ops._audit(v_acct.book_id, 'register_strategy', p_account || '/' || p_strategy,
                       jsonb_build_object('params', p_params)
                       -- pool and priority are recorded when not the defaults (older audit rows stay as they were)
                       || CASE WHEN p_pool = 'CORE' AND p_priority = 0 THEN '{}'::jsonb
                               ELSE jsonb_build_object('pool', p_pool, 'priority', p_priority) END, p_reason);
END
$$;


ALTER FUNCTION api.register_strategy(p_account text, p_strategy text, p_params jsonb, p_reason text, p_pool text, p_priority integer) OWNER TO predator_owner;

--
-- Name: FUNCTION register_strategy(p_account text, p_strategy text, p_params jsonb, p_reason text, p_pool text, p_priority integer); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.register_strategy(p_account text, p_strategy text, p_params jsonb, p_reason text, p_pool text, p_priority integer) IS 'Operator: registers a strategy on an account with its capital pool (default CORE) and arbitration priority (or replaces them); audited; PD012 unknown pool. On a live account PD014 without live_burn_in_days of forward burn-in (api.burn_in).';


--
-- Name: request_approval(text, text, text, text, numeric, timestamp with time zone); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.request_approval(p_action text, p_target text, p_reason text, p_mode text DEFAULT NULL::text, p_value numeric DEFAULT NULL::numeric, p_valid_until timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_now   timestamptz := clock_timestamp();
    v_until timestamptz := coalesce(p_valid_until, clock_timestamp() + interval '1 hour');
    v_canon jsonb;
    v_id    bigint;
BEGIN
    PERFORM ops._require_finite('api.request_approval', ARRAY['p_value'], ARRAY[p_value]);
    IF NOT isfinite(v_until) OR v_until <= v_now OR v_until > v_now + interval '24 hours' THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('approval request refused: valid until %s is not within the next 24 hours', v_until),
            DETAIL = format('argument=p_valid_until value=%s now=%s', v_until, v_now),
            HINT = 'Omit p_valid_until (one hour) or give a wall-clock time after now and at most 24 hours ahead.';
    END IF;
    v_canon := ops._approval_target(p_action, p_target, p_mode, p_value);
    IF p_reason IS NULL OR length(btrim(p_reason)) = 0 THEN
        PERFORM ops._audit(0, 'request_approval', p_action || ':' || (v_canon ->> 'target'), '{}', p_reason);  -- PD012
    END IF;
    INSERT INTO ops.approval_request (action, target, params, reason, requested_by, requested_at, valid_until)
    VALUES (p_action, v_canon ->> 'target', v_canon -> 'params', p_reason, ops.operator_login(), v_now, v_until)
    RETURNING request_id INTO v_id;
    PERFORM ops._audit(0, 'request_approval', p_action || ':' || (v_canon ->> 'target'),
                       jsonb_build_object('request', v_id, 'params', v_canon -> 'params', 'valid_until', v_until), p_reason);
    RETURN v_id;
END
$$;


ALTER FUNCTION api.request_approval(p_action text, p_target text, p_reason text, p_mode text, p_value numeric, p_valid_until timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION request_approval(p_action text, p_target text, p_reason text, p_mode text, p_value numeric, p_valid_until timestamp with time zone); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.request_approval(p_action text, p_target text, p_reason text, p_mode text, p_value numeric, p_valid_until timestamp with time zone) IS 'Operator: asks a second operator to approve a high-risk action (resume global; set_limit or set_limit_policy above the policy ceiling; set_setting two_person_rule 0), valid until p_valid_until (default 1 hour, at most 24 hours); audited. PD011 unknown profile/limit, PD012 not a high-risk action, no reason, a non-finite value or a validity outside the next 24 hours.';


--
-- Name: resample_candles(text, text, text, text, timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.resample_candles(p_venue text, p_symbol text, p_from_interval text, p_to_interval text, p_from timestamp with time zone DEFAULT NULL::timestamp with time zone, p_to timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS TABLE(ts timestamp with time zone, open numeric, high numeric, low numeric, close numeric, volume numeric, bars integer, complete boolean)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET "TimeZone" TO 'UTC'
    AS $$
DECLARE
    v_src integer := market.interval_seconds(p_from_interval);
    v_dst integer := market.interval_seconds(p_to_interval);
BEGIN
    IF v_src IS NULL OR v_dst IS NULL OR v_dst <= v_src OR v_dst % v_src <> 0
       OR (p_from IS NOT NULL AND p_to IS NOT NULL AND p_from >= p_to) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('resampling refused: %s -> %s', p_from_interval, p_to_interval),
            DETAIL = format('venue=%s symbol=%s from_interval=%s to_interval=%s from=%s to=%s',
                            p_venue, p_symbol, p_from_interval, p_to_interval, p_from, p_to),
            HINT = 'Resample to a longer interval that is a whole multiple of the source (1m -> 1h), over from < to.';
    END IF;
    RETURN QUERY
    SELECT b.bucket, (array_agg(b.open ORDER BY b.ts))[1], max(b.high), min(b.low),
           (array_agg(b.close ORDER BY b.ts DESC))[1], sum(b.volume), count(*)::integer, count(*) = v_dst / v_src
      FROM (SELECT DISTINCT ON (c.ts) c.ts, c.open, c.high, c.low, c.close, c.volume,
                   date_bin(make_interval(secs => v_dst), c.ts, timestamptz '1970-01-01 00:00:00+00') AS bucket
              FROM market.candle c
             WHERE c.venue = p_venue AND c.symbol = p_symbol AND c.interval = p_from_interval
               AND (p_from IS NULL OR c.ts >= p_from) AND (p_to IS NULL OR c.ts < p_to)
             ORDER BY c.ts, c.revision DESC) b
     GROUP BY b.bucket
     ORDER BY b.bucket;
END
$$;


ALTER FUNCTION api.resample_candles(p_venue text, p_symbol text, p_from_interval text, p_to_interval text, p_from timestamp with time zone, p_to timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION resample_candles(p_venue text, p_symbol text, p_from_interval text, p_to_interval text, p_from timestamp with time zone, p_to timestamp with time zone); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.resample_candles(p_venue text, p_symbol text, p_from_interval text, p_to_interval text, p_from timestamp with time zone, p_to timestamp with time zone) IS 'Worker, auditor: aggregates the effective bars of a feed into a coarser interval (first open, max high, min low, last close, summed volume per bucket, with source bar count and completeness); stores nothing. PD012 incompatible intervals or bad range.';


--
-- Name: resume(text, text, text, text[]); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.resume(p_reason text, p_scope text DEFAULT 'global'::text, p_target text DEFAULT NULL::text, p_incidents text[] DEFAULT NULL::text[]) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
DECLARE
    v_scope    record;
    v_incident text;
    v_book     integer;
    v_request  bigint;
    v_args     jsonb := '{}'::jsonb;
BEGIN
    SELECT * INTO v_scope FROM risk._scope(p_scope, p_target);
    IF p_reason IS NULL OR length(btrim(p_reason)) = 0 THEN
        PERFORM ops._audit(v_scope.book_id, 'resume', v_scope.scope_kind || ':' || v_scope.scope_key, '{}', p_reason);  -- PD012
    END IF;
    IF p_incidents IS NOT NULL AND cardinality(p_incidents) > 0 THEN
        FOREACH v_incident IN ARRAY p_incidents LOOP
            IF v_incident IS NULL OR v_incident !~ '^INC-[0-9]+-[0-9]+$' THEN
                RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('resume refused: malformed incident %L', v_incident),
                    HINT = 'Name each incident INC-<book>-<seq> (see predator incidents).';
            END IF;
            v_book := split_part(v_incident, '-', 2)::integer;
            IF v_scope.scope_kind IN ('account', 'strategy') AND v_book NOT IN (0, v_scope.book_id) THEN
                RAISE EXCEPTION USING ERRCODE = 'PD012',
                    MESSAGE = format('resume of %s %s refused: incident %s is not one it answers', v_scope.scope_kind,
                                     v_scope.scope_key, v_incident),
                    HINT = 'An account or strategy resume answers the account''s own incidents and the global ones (INC-0-n).';
            END IF;
            IF NOT EXISTS (SELECT FROM api.incidents i WHERE i.incident = v_incident AND i.status = 'resolved') THEN
                PERFORM ops._update_incident(v_incident, 'resolved',
                    format('answered by the resume of %s %s: %s', v_scope.scope_kind, v_scope.scope_key, p_reason));
            END IF;
        END LOOP;
        v_args := jsonb_build_object('incidents', to_jsonb(p_incidents));
    END IF;
    -- Dirty reconciliation, open severity-1 incident: the one rule, shared with api.resume_strategy.
    PERFORM risk._require_resumable(format('resume of %s %s', v_scope.scope_kind, v_scope.scope_key),
                                    v_scope.scope_kind, v_scope.scope_key, v_scope.book_id);
    IF v_scope.scope_kind = 'global' THEN
        IF NOT EXISTS (SELECT FROM risk.halt_state h WHERE h.scope_kind = 'global' AND h.active) THEN
            RAISE EXCEPTION USING ERRCODE = 'PD014',
                MESSAGE = format('resume refused: %s %s is not halted', v_scope.scope_kind, v_scope.scope_key),
                HINT = 'See api.halts for the active halts.';
        END IF;
        v_request := ops._require_approval('resume', 'global', '{}'::jsonb, 'resume of global *');
        IF v_request IS NOT NULL THEN
            v_args := v_args || jsonb_build_object('approval', v_request);
        END IF;
    END IF;
    PERFORM ops._audit(v_scope.book_id, 'resume', v_scope.scope_kind || ':' || v_scope.scope_key, v_args, p_reason);
    RETURN risk._set_halt(v_scope.scope_kind, v_scope.scope_key, v_scope.book_id, 'resume', p_reason, 'operator', NULL);
END
$_$;


ALTER FUNCTION api.resume(p_reason text, p_scope text, p_target text, p_incidents text[]) OWNER TO predator_owner;

--
-- Name: FUNCTION resume(p_reason text, p_scope text, p_target text, p_incidents text[]); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.resume(p_reason text, p_scope text, p_target text, p_incidents text[]) IS 'Operator: lifts a halt at a scope with a reason (never automatic), resolving the incidents it names as answered (p_incidents); PD014 when the scope is not halted, reconciliation is dirty or a severity-1 incident is open; a global resume consumes a second operator''s approval while the two-person rule holds (PD017 without one). Audited.';


--
-- Name: resume_reducing(text, text, text); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.resume_reducing(p_account text, p_reason text, p_strategy text DEFAULT NULL::text) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_acct   trading.account := trading._account(p_account);
    v_before text;
    v_after  text;
BEGIN
    IF coalesce(btrim(p_reason), '') = '' THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'resume_reducing refused: no reason given',
            HINT = 'Say why the book (or strategy) may take entries again.';
    END IF;
    IF p_strategy IS NOT NULL AND NOT EXISTS (SELECT FROM trading.strategy s WHERE s.book_id = v_acct.book_id AND s.strategy = p_strategy) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('unknown strategy %L on account %L', p_strategy, p_account),
            HINT = 'Register it with api.register_strategy.';
    END IF;
    PERFORM ops._lock_book(v_acct.book_id);
    v_before := CASE WHEN p_strategy IS NULL THEN risk._state(v_acct.book_id) ELSE risk._strategy_state(v_acct.book_id, p_strategy) END;
    IF NOT EXISTS (SELECT FROM risk.state_current c
                    WHERE c.book_id = v_acct.book_id AND c.scope_kind = CASE WHEN p_strategy IS NULL THEN 'book' ELSE 'strategy' END
                      AND c.scope_key = coalesce(p_strategy, v_acct.name)
                      AND ((c.state = 'reducing' AND c.hold IS NOT NULL) OR (p_strategy IS NOT NULL AND c.state = 'halted')))
       AND NOT (p_strategy IS NOT NULL AND coalesce((SELECT h.active FROM risk.halt_state h WHERE h.scope_kind = 'strategy'
                                                      AND h.scope_key = p_account || '/' || p_strategy), false)) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD014',
            MESSAGE = format('resume_reducing refused: %s is %s, not held for an operator', coalesce(p_account || '/' || p_strategy, p_account), v_before),
            HINT = 'A daily stop and a paper breaker pause lift by themselves; a halt is lifted with api.resume.';
    END IF;
    PERFORM ops._audit(v_acct.book_id, 'resume_reducing', coalesce(p_account || '/' || p_strategy, p_account),
                       jsonb_build_object('state_before', v_before), p_reason);
    v_after := risk._resume_risk(v_acct.book_id, p_strategy, p_reason);
    RETURN v_after;
END
$$;


ALTER FUNCTION api.resume_reducing(p_account text, p_reason text, p_strategy text) OWNER TO predator_owner;

--
-- Name: FUNCTION resume_reducing(p_account text, p_reason text, p_strategy text); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.resume_reducing(p_account text, p_reason text, p_strategy text) IS 'Operator: releases a book''s or a strategy''s risk state held for an operator (a paper drawdown_halt_tier, a strategy drawdown, a live strategy daily loss, a strategy kill) by a recorded move (operator_resume, or halted -> cooldown); audited. PD011 unknown, PD012 no reason, PD014 nothing held.';


--
-- Name: resume_strategy(text, text, text); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.resume_strategy(p_account text, p_strategy text, p_reason text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_acct trading.account := trading._account(p_account);
BEGIN
    PERFORM risk._require_resumable(format('resume_strategy of %s/%s', p_account, p_strategy), 'strategy',
                                    p_account || '/' || p_strategy, v_acct.book_id);
    PERFORM ops._audit(v_acct.book_id, 'resume_strategy', p_account || '/' || p_strategy, '{}', p_reason);
    UPDATE trading.strategy s SET status = 'active' WHERE s.book_id = v_acct.book_id AND s.strategy = p_strategy;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('unknown strategy %L on account %L', p_strategy, p_account),
            HINT = 'Register it with api.register_strategy.';
    END IF;
    PERFORM risk._resume_risk(v_acct.book_id, p_strategy, p_reason);  -- issue 13: kill -> cooldown, held reducing -> normal
END
$$;


ALTER FUNCTION api.resume_strategy(p_account text, p_strategy text, p_reason text) OWNER TO predator_owner;

--
-- Name: FUNCTION resume_strategy(p_account text, p_strategy text, p_reason text); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.resume_strategy(p_account text, p_strategy text, p_reason text) IS 'Operator: resumes a paused strategy, lifts its kill (halted -> cooldown) and a held reducing state (-> normal); audited. PD011 when unknown; PD014 while the book''s latest reconciliation is dirty or a severity-1 incident of the book (or global) is open.';


--
-- Name: revert_safe_mode(text, text); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.revert_safe_mode(p_profile text, p_reason text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_app ops.safe_mode_application;
    v_row jsonb;
BEGIN
    IF NOT EXISTS (SELECT FROM risk.profile p WHERE p.profile = p_profile) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('unknown risk profile %L', p_profile),
            HINT = 'See risk.profile.';
    END IF;
    IF p_reason IS NULL OR length(btrim(p_reason)) = 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('%s refused: an operator action needs a reason', 'revert_safe_mode'),
            HINT = 'Pass a non-empty reason; it is kept in the audit log.';
    END IF;
    PERFORM pg_catalog.pg_advisory_xact_lock(1349731649, -2);
    SELECT * INTO v_app FROM ops.safe_mode_application a
     WHERE a.profile = p_profile AND NOT EXISTS (SELECT FROM ops.safe_mode_revert r WHERE r.application_id = a.application_id)
     ORDER BY a.application_id DESC LIMIT 1;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'PD014', MESSAGE = format('revert refused: no safe mode is in force on profile %s', p_profile),
            HINT = 'See api.safe_modes.';
    END IF;
    FOR v_row IN SELECT e FROM jsonb_array_elements(v_app.replaced) e LOOP
        PERFORM risk._set_limit(p_profile, v_row ->> 'limit', v_row ->> 'mode', (v_row ->> 'value')::numeric, p_reason,
                                v_row ->> 'scope', 'safe_mode_revert:' || v_app.template);
    END LOOP;
    INSERT INTO ops.safe_mode_revert (application_id, reason, actor) VALUES (v_app.application_id, p_reason, ops.actor());
    PERFORM ops._audit(0, 'revert_safe_mode', p_profile || '/' || v_app.template,
                       jsonb_build_object('application', v_app.application_id, 'restored', v_app.replaced), p_reason);
    RETURN v_app.application_id;
END
$$;


ALTER FUNCTION api.revert_safe_mode(p_profile text, p_reason text) OWNER TO predator_owner;

--
-- Name: FUNCTION revert_safe_mode(p_profile text, p_reason text); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.revert_safe_mode(p_profile text, p_reason text) IS 'Operator: reverts the safe mode in force on a risk profile in one audited call: the limits it replaced written back through risk._set_limit (above policy: PD017 without an approval). PD011 unknown profile, PD012 no reason, PD014 no safe mode in force.';


--
-- Name: revoke_anchor_key(integer, text); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.revoke_anchor_key(p_key_id integer, p_reason text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_active integer;
BEGIN
    PERFORM pg_catalog.pg_advisory_xact_lock(1349731649, -5);
    IF p_key_id IS NULL OR NOT EXISTS (SELECT FROM ops.anchor_key k WHERE k.key_id = p_key_id) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('revoke_anchor_key refused: no anchor key %s', p_key_id),
            HINT = 'The view api.anchor_keys lists the key ids.';
    END IF;
    IF EXISTS (SELECT FROM ops.anchor_key_revocation r WHERE r.key_id = p_key_id) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('revoke_anchor_key refused: key %s is already revoked', p_key_id),
            HINT = 'Nothing to do: a revocation is final.';
    END IF;
    SELECT max(k.key_id) INTO v_active FROM ops.anchor_key k;
    IF p_key_id = v_active THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('revoke_anchor_key refused: key %s is the active key', p_key_id),
            HINT = 'Set a new key first (api.set_anchor_key), then revoke this one, then anchor the current heads (api.anchor_chains).';
    END IF;
    PERFORM ops._audit(0, 'revoke_anchor_key', 'key ' || p_key_id, jsonb_build_object('key_id', p_key_id), p_reason);
    INSERT INTO ops.anchor_key_revocation (key_id, reason, actor) VALUES (p_key_id, p_reason, ops.actor());
END
$$;


ALTER FUNCTION api.revoke_anchor_key(p_key_id integer, p_reason text) OWNER TO predator_owner;

--
-- Name: FUNCTION revoke_anchor_key(p_key_id integer, p_reason text); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.revoke_anchor_key(p_key_id integer, p_reason text) IS 'Operator: revokes an anchor key; api.verify_anchors then reports the anchors signed under it as not trusted. Not the active key (set a new one first). Audited. PD011 unknown key; PD012 no reason, already revoked, or the active key.';


--
-- Name: set_anchor_key(text, bytea); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.set_anchor_key(p_reason text, p_secret bytea DEFAULT NULL::bytea) RETURNS TABLE(key_id integer, fingerprint text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_secret bytea;
    v_id     integer;
    v_fp     text;
BEGIN
    IF p_secret IS NOT NULL AND octet_length(p_secret) NOT BETWEEN 32 AND 128 THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('set_anchor_key refused: a secret of %s bytes (32 to 128 needed)', octet_length(p_secret)),
            HINT = 'Pass at least 32 random bytes, or no secret at all to have the database generate one.';
    END IF;
    v_secret := coalesce(p_secret, sha256(uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid())
                                          || uuid_send(gen_random_uuid())));
    v_fp := left(encode(sha256(convert_to('predator-anchor-key|', 'UTF8') || v_secret), 'hex'), 16);
    PERFORM pg_catalog.pg_advisory_xact_lock(1349731649, -5);
    IF EXISTS (SELECT FROM ops.anchor_key k WHERE k.fingerprint = v_fp) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('set_anchor_key refused: this secret is already key %s',
                             (SELECT k.key_id FROM ops.anchor_key k WHERE k.fingerprint = v_fp)),
            HINT = 'A rotation needs a new secret: pass fresh random bytes, or none.';
    END IF;
    SELECT coalesce(max(k.key_id), 0) + 1 INTO v_id FROM ops.anchor_key k;
    PERFORM ops._audit(0, 'set_anchor_key', 'key ' || v_id,
                       jsonb_build_object('key_id', v_id, 'fingerprint', v_fp, 'supplied', p_secret IS NOT NULL), p_reason);
    INSERT INTO ops.anchor_key (key_id, secret, fingerprint, supplied, reason, actor)
    VALUES (v_id, v_secret, v_fp, p_secret IS NOT NULL, p_reason, ops.actor());
    RETURN QUERY SELECT v_id, v_fp;
END
$$;


ALTER FUNCTION api.set_anchor_key(p_reason text, p_secret bytea) OWNER TO predator_owner;

--
-- Name: FUNCTION set_anchor_key(p_reason text, p_secret bytea); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.set_anchor_key(p_reason text, p_secret bytea) IS 'Operator: sets a new anchor signing key (HMAC-SHA256), active at once: the first starts anchoring, later ones rotate. No secret: generated in the database, never shown. Returns the key id and its public fingerprint; audited. PD012 no reason, a secret outside 32..128 bytes or already used.';


--
-- Name: set_arbitration(text, text, text); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.set_arbitration(p_profile text, p_rule text, p_reason text) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_rev integer;
BEGIN
    IF NOT EXISTS (SELECT FROM risk.profile p WHERE p.profile = p_profile) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('unknown risk profile %L', p_profile),
            HINT = 'See risk.profile (api.limits lists the profiles in use).';
    END IF;
    IF p_rule IS NULL OR p_rule NOT IN ('refuse_both', 'priority', 'net') OR coalesce(btrim(p_reason), '') = '' THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('set_arbitration refused: rule %L', p_rule),
            DETAIL = format('profile=%s rule=%s reason=%s', p_profile, p_rule, p_reason),
            HINT = 'Rules: refuse_both (default), priority or net; give a reason.';
    END IF;
    PERFORM pg_catalog.pg_advisory_xact_lock(1349731649, -2);  -- the lock api.set_limit takes
    SELECT coalesce(max(s.revision), 0) + 1 INTO v_rev FROM risk.arbitration_setting s WHERE s.profile = p_profile;
    INSERT INTO risk.arbitration_setting (profile, revision, rule, reason, actor)
    VALUES (p_profile, v_rev, p_rule, p_reason, ops.actor());
    PERFORM ops._audit(0, 'set_arbitration', p_profile, jsonb_build_object('rule', p_rule, 'revision', v_rev), p_reason);
    RETURN v_rev;
END
$$;


ALTER FUNCTION api.set_arbitration(p_profile text, p_rule text, p_reason text) OWNER TO predator_owner;

--
-- Name: FUNCTION set_arbitration(p_profile text, p_rule text, p_reason text); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.set_arbitration(p_profile text, p_rule text, p_reason text) IS 'Operator: sets the arbitration rule of a risk profile (refuse_both, priority or net) for strategies that disagree on a symbol in the same hour; new revision, audited. PD011 unknown profile, PD012 unknown rule or no reason.';


--
-- Name: set_breaker(text, text, numeric, text, text, integer, integer, text); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.set_breaker(p_lane text, p_breaker text, p_threshold numeric, p_reason text, p_account text DEFAULT '*'::text, p_window_hours integer DEFAULT NULL::integer, p_min_events integer DEFAULT NULL::integer, p_trip_scope text DEFAULT NULL::text) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_cur risk.breaker_setting;
    v_rev integer;
BEGIN
    PERFORM ops._require_finite('api.set_breaker', ARRAY['p_threshold'], ARRAY[p_threshold]);
    IF NOT EXISTS (SELECT FROM risk.breaker_kind k WHERE k.breaker = p_breaker)
       OR p_lane NOT IN ('paper', 'live_canary', 'live_promoted') THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('unknown breaker %L or lane %L', p_breaker, p_lane),
            HINT = 'See risk.breaker_kind; lanes are paper, live_canary, live_promoted.';
    END IF;
    PERFORM pg_catalog.pg_advisory_xact_lock(1349731649, -3);
    SELECT * INTO v_cur FROM risk.breaker_setting s
     WHERE s.lane = p_lane AND s.account IN (p_account, '*') AND s.breaker = p_breaker
     ORDER BY (s.account = '*') = (p_account = '*') DESC, s.revision DESC LIMIT 1;
    SELECT coalesce(max(s.revision), 0) + 1 INTO v_rev FROM risk.breaker_setting s
     WHERE s.lane = p_lane AND s.account = p_account AND s.breaker = p_breaker;
    PERFORM ops._audit(0, 'set_breaker', p_lane || '/' || p_account || '/' || p_breaker,
                       jsonb_build_object('threshold', p_threshold, 'window_hours', p_window_hours,
                                          'min_events', p_min_events, 'trip_scope', p_trip_scope), p_reason);
    BEGIN
        INSERT INTO risk.breaker_setting (lane, account, breaker, revision, threshold, window_hours, min_events, trip_scope, reason, actor)
        VALUES (p_lane, p_account, p_breaker, v_rev, p_threshold, coalesce(p_window_hours, v_cur.window_hours, 1),
                coalesce(p_min_events, v_cur.min_events, 1), coalesce(p_trip_scope, v_cur.trip_scope, 'account'), p_reason,
                ops.actor());
    EXCEPTION WHEN check_violation THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('breaker setting refused: %s', SQLERRM),
            HINT = 'threshold >= 0 (or NULL), window_hours > 0, min_events > 0, trip_scope global|lane|account.';
    END;
    RETURN v_rev;
END
$$;


ALTER FUNCTION api.set_breaker(p_lane text, p_breaker text, p_threshold numeric, p_reason text, p_account text, p_window_hours integer, p_min_events integer, p_trip_scope text) OWNER TO predator_owner;

--
-- Name: FUNCTION set_breaker(p_lane text, p_breaker text, p_threshold numeric, p_reason text, p_account text, p_window_hours integer, p_min_events integer, p_trip_scope text); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.set_breaker(p_lane text, p_breaker text, p_threshold numeric, p_reason text, p_account text, p_window_hours integer, p_min_events integer, p_trip_scope text) IS 'Operator: sets a circuit-breaker threshold for a lane or one account (new revision; NULL disables); audited.';


--
-- Name: set_lane_pool(text, text, boolean, text); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.set_lane_pool(p_lane text, p_pool text, p_enabled boolean, p_reason text) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_rev integer;
BEGIN
    IF p_lane IS NULL OR p_lane NOT IN ('paper', 'live_canary', 'live_promoted')
       OR NOT EXISTS (SELECT FROM risk.pool p WHERE p.pool = p_pool) OR p_enabled IS NULL
       OR coalesce(btrim(p_reason), '') = '' THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('set_lane_pool refused: lane %L pool %L enabled %s', p_lane, p_pool, p_enabled),
            DETAIL = format('lane=%s pool=%s enabled=%s reason=%s', p_lane, p_pool, p_enabled, p_reason),
            HINT = 'Lanes: paper, live_canary, live_promoted; pools: CORE, AGGRESSIVE, TAIL_RISK; enabled true or false; give a reason.';
    END IF;
    PERFORM ops._lock_halts(true);  -- admissions read the policy under the halt lock: a change waits for them
    SELECT coalesce(max(s.revision), 0) + 1 INTO v_rev FROM risk.lane_pool_setting s WHERE s.lane = p_lane AND s.pool = p_pool;
    INSERT INTO risk.lane_pool_setting (lane, pool, revision, enabled, reason, actor)
    VALUES (p_lane, p_pool, v_rev, p_enabled, p_reason, ops.actor());
    PERFORM ops._audit(0, 'set_lane_pool', p_lane || '/' || p_pool,
                       jsonb_build_object('enabled', p_enabled, 'revision', v_rev), p_reason);
    RETURN v_rev;
END
$$;


ALTER FUNCTION api.set_lane_pool(p_lane text, p_pool text, p_enabled boolean, p_reason text) OWNER TO predator_owner;

--
-- Name: FUNCTION set_lane_pool(p_lane text, p_pool text, p_enabled boolean, p_reason text); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.set_lane_pool(p_lane text, p_pool text, p_enabled boolean, p_reason text) IS 'Operator: enables or disables a capital pool in a lane (new revision of risk.lane_pool_setting; audited); entries of a disabled pool are refused pool_disabled. PD012 unknown lane or pool, no reason.';


--
-- Name: set_limit(text, text, text, numeric, text, text); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.set_limit(p_profile text, p_limit text, p_mode text, p_value numeric, p_reason text, p_scope text DEFAULT '*'::text) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    RETURN risk._set_limit(p_profile, p_limit, p_mode, p_value, p_reason, p_scope, NULL);
END
$$;


ALTER FUNCTION api.set_limit(p_profile text, p_limit text, p_mode text, p_value numeric, p_reason text, p_scope text) OWNER TO predator_owner;

--
-- Name: FUNCTION set_limit(p_profile text, p_limit text, p_mode text, p_value numeric, p_reason text, p_scope text); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.set_limit(p_profile text, p_limit text, p_mode text, p_value numeric, p_reason text, p_scope text) IS 'Operator: sets a risk limit (new revision; NULL value disables); audited. PD011 unknown profile/limit, PD012 invalid mode or value, PD017 above the policy ceiling without a second operator''s approval.';


--
-- Name: set_limit_policy(text, text, text, numeric, text); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.set_limit_policy(p_profile text, p_limit text, p_mode text, p_ceiling numeric, p_reason text) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_canon   jsonb;
    v_old     record;
    v_rev     integer;
    v_request bigint;
BEGIN
    PERFORM ops._require_finite('api.set_limit_policy', ARRAY['p_ceiling'], ARRAY[p_ceiling]);
    v_canon := ops._approval_target('set_limit_policy', p_profile || '/' || p_limit, p_mode, p_ceiling);
    PERFORM pg_catalog.pg_advisory_xact_lock(1349731649, -2);
    SELECT lp.mode, lp.ceiling, lp.revision INTO v_old FROM risk.limit_policy lp
     WHERE lp.profile = p_profile AND lp.limit_name = p_limit ORDER BY lp.revision DESC LIMIT 1;
    IF FOUND AND v_old.ceiling IS NOT NULL
       AND (p_ceiling IS NULL OR p_mode <> v_old.mode OR p_ceiling > v_old.ceiling) THEN
        v_request := ops._require_approval('set_limit_policy', v_canon ->> 'target', v_canon -> 'params',
                                           format('set_limit_policy %s raising the ceiling %s %s to %s %s', v_canon ->> 'target',
                                                  v_old.mode, v_old.ceiling, p_mode, coalesce(p_ceiling::text, 'none')));
    END IF;
    v_rev := coalesce(v_old.revision, 0) + 1;
    PERFORM ops._audit(0, 'set_limit_policy', v_canon ->> 'target',
                       jsonb_build_object('mode', p_mode, 'ceiling', p_ceiling, 'revision', v_rev, 'approval', v_request), p_reason);
    INSERT INTO risk.limit_policy (profile, limit_name, revision, mode, ceiling, reason, actor)
    VALUES (p_profile, p_limit, v_rev, p_mode, p_ceiling, p_reason, ops.actor());
    RETURN v_rev;
END
$$;


ALTER FUNCTION api.set_limit_policy(p_profile text, p_limit text, p_mode text, p_ceiling numeric, p_reason text) OWNER TO predator_owner;

--
-- Name: FUNCTION set_limit_policy(p_profile text, p_limit text, p_mode text, p_ceiling numeric, p_reason text); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.set_limit_policy(p_profile text, p_limit text, p_mode text, p_ceiling numeric, p_reason text) IS 'Operator: sets the policy ceiling of a profile''s limit (new revision; NULL lifts it); audited. Lowering is free; raising, changing mode or lifting needs a second operator''s approval (PD017). PD011 unknown profile/limit, PD012 invalid mode or ceiling.';


--
-- Name: set_setting(text, numeric, text); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.set_setting(p_name text, p_value numeric, p_reason text) RETURNS integer
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_rev integer;
    v_max numeric;
    v_min numeric;
    v_request bigint;
BEGIN
    PERFORM ops._require_finite('api.set_setting', ARRAY['p_value'], ARRAY[p_value]);
    IF p_name IS NULL OR p_name NOT IN ('max_clock_skew_seconds', 'reconcile_tolerance', 'live_burn_in_days',
                                        'alert_dedup_window_seconds', 'alert_rate_limit_per_minute', 'alert_max_attempts',
                                        'two_person_rule', 'retention_log_days', 'retention_report_days',
                                        'retention_chaos_days') THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('unknown setting %L', p_name),
            DETAIL = format('name=%s', p_name),
            HINT = 'Settings: max_clock_skew_seconds, reconcile_tolerance, live_burn_in_days, alert_dedup_window_seconds, alert_rate_limit_per_minute, alert_max_attempts, two_person_rule, retention_log_days, retention_report_days, retention_chaos_days.';
    END IF;
    v_max := CASE p_name WHEN 'max_clock_skew_seconds' THEN 3600 WHEN 'live_burn_in_days' THEN 365
                         WHEN 'alert_dedup_window_seconds' THEN 86400 WHEN 'alert_rate_limit_per_minute' THEN 600
                         WHEN 'alert_max_attempts' THEN 20
                         WHEN 'retention_log_days' THEN 3650 WHEN 'retention_report_days' THEN 3650
                         WHEN 'retention_chaos_days' THEN 3650 ELSE 1 END;
    v_min := CASE WHEN p_name IN ('alert_rate_limit_per_minute', 'alert_max_attempts') THEN 1 ELSE 0 END;
    IF p_value IS NULL OR p_value < v_min OR p_value > v_max
       OR (p_name IN ('alert_rate_limit_per_minute', 'alert_max_attempts', 'two_person_rule', 'retention_log_days',
                      'retention_report_days', 'retention_chaos_days') AND p_value <> trunc(p_value)) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('setting %s refused: value %s is out of range', p_name, p_value),
            DETAIL = format('name=%s value=%s', p_name, p_value),
            HINT = 'max_clock_skew_seconds is 0..3600 seconds; reconcile_tolerance is 0..1 (in each currency); live_burn_in_days is 0..365; alert_dedup_window_seconds is 0..86400; alert_rate_limit_per_minute 1..600 and alert_max_attempts 1..20 are whole numbers; two_person_rule is 0 or 1; retention_*_days are whole days 0..3650 (0 = for ever).';
    END IF;
    PERFORM pg_catalog.pg_advisory_xact_lock(1349731649, -4);
    IF p_name = 'two_person_rule' AND p_value = 0 THEN   -- no-op while the rule is off
        v_request := ops._require_approval('set_setting', 'two_person_rule', jsonb_build_object('value', 0),
                                           'set_setting two_person_rule 0 (one operator alone)');
    END IF;
    SELECT coalesce(max(s.revision), 0) + 1 INTO v_rev FROM ops.setting s WHERE s.name = p_name;
    PERFORM ops._audit(0, 'set_setting', p_name, jsonb_build_object('value', p_value, 'revision', v_rev)
                       || CASE WHEN v_request IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('approval', v_request) END, p_reason);
    INSERT INTO ops.setting (name, revision, value, reason, actor) VALUES (p_name, v_rev, p_value, p_reason, ops.actor());
    RETURN v_rev;
END
$$;


ALTER FUNCTION api.set_setting(p_name text, p_value numeric, p_reason text) OWNER TO predator_owner;

--
-- Name: FUNCTION set_setting(p_name text, p_value numeric, p_reason text); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.set_setting(p_name text, p_value numeric, p_reason text) IS 'Operator: sets an operator setting (new revision; audited): max_clock_skew_seconds 0..3600, how far business time may run ahead of the wall clock; reconcile_tolerance 0..1, the balance difference reconciliation still counts as clean; live_burn_in_days 0..365, the forward paper or shadow days before live; alert_dedup_window_seconds 0..86400, alert_rate_limit_per_minute 1..600, alert_max_attempts 1..20, the notifier''s pacing; two_person_rule 0|1 (turning it off needs a second operator''s approval, PD017); retention_log_days, retention_report_days, retention_chaos_days 0..3650 whole days (0 = for ever), how long predator retention apply keeps log files, reports and chaos work directories (files, never rows). PD011 unknown setting, PD012 value out of range or not finite.';


--
-- Name: submit_signal(text, text, text, timestamp with time zone, text, numeric, numeric, timestamp with time zone, numeric, text, numeric); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.submit_signal(p_account text, p_strategy text, p_symbol text, p_ts timestamp with time zone, p_direction text, p_confidence numeric, p_edge_bps numeric, p_expiry timestamp with time zone, p_quantity numeric DEFAULT NULL::numeric, p_order_type text DEFAULT 'market'::text, p_limit_price numeric DEFAULT NULL::numeric) RETURNS TABLE(outcome text, client_order_id text, side text, quantity numeric, decision_price numeric, reasons text[], signal_seq bigint)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_acct        trading.account;
    v_inst        market.instrument;
    v_cluster     text;
    v_status      text;
    v_fee_rate    numeric;
    v_sig         trading.signal;
    v_sig_seq     bigint;
    v_last        portfolio.hourly_state;
    v_reasons     text[] := '{}';
    v_price       numeric;
    v_bar_close   timestamptz;
    v_cash        numeric;
    v_pos_value   numeric;
    v_equity      numeric;
    v_peak        numeric;
    v_day_start   numeric;
    v_drawdown    numeric;
    v_daily_pnl   numeric;
    v_pos_qty     numeric;
    v_open_sell   numeric;
    v_open_buys   numeric;
    v_inst_after  numeric;
    v_clus_after  numeric;
    v_quote_after numeric;
    v_port_after  numeric;
    v_side        text;
    v_qty         numeric;
    v_notional    numeric;
    v_limits      jsonb;
    v_cap         numeric;
    v_tier        numeric;
    v_caps        jsonb := '{}'::jsonb;
    v_orders_hour bigint;
    v_coid        text;
    v_figures     jsonb;
    v_rules       jsonb := '{}'::jsonb;  -- issue 13: pools, strategy allocation and loss, arbitration
    v_val         record;                -- issue 13 item 6, issue 17 item 1: portfolio.valuation
    v_ccy         jsonb;                 -- the instrument's quote: rate, quote cash and open buys, notional value
    v_notional_value numeric;
BEGIN
    PERFORM ops._require_finite('api.submit_signal', ARRAY['p_confidence', 'p_edge_bps', 'p_quantity', 'p_limit_price'],
                                ARRAY[p_confidence, p_edge_bps, p_quantity, p_limit_price]);
    PERFORM ops._require_business_time('api.submit_signal', ARRAY['p_ts'], ARRAY[p_ts]);
    PERFORM ops._require_business_time('api.submit_signal', ARRAY['p_expiry'], ARRAY[p_expiry], false);
    v_acct := trading._account(p_account);
    IF p_direction NOT IN ('buy', 'sell', 'hold', 'reduce', 'exit') OR p_direction IS NULL
       OR p_ts IS NULL OR p_expiry IS NULL OR p_expiry <= p_ts
       OR p_confidence IS NULL OR p_confidence < 0 OR p_confidence > 1 OR p_edge_bps IS NULL
       OR p_order_type NOT IN ('market', 'limit') OR ((p_order_type = 'limit') <> (p_limit_price IS NOT NULL))
       OR (p_direction IN ('buy', 'sell', 'reduce') AND (p_quantity IS NULL OR p_quantity <= 0)) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('signal refused: invalid arguments for %s %s at %s', p_direction, p_symbol, p_ts),
            DETAIL = format('direction=%s confidence=%s edge_bps=%s expiry=%s quantity=%s order_type=%s limit_price=%s',
                            p_direction, p_confidence, p_edge_bps, p_expiry, p_quantity, p_order_type, p_limit_price),
            HINT = 'direction buy|sell|reduce|exit|hold; confidence 0..1; expiry after ts; buy, sell and reduce need a positive quantity; a limit order needs a limit price.';
    END IF;

    PERFORM ops._lock_halts(false);
    PERFORM ops._lock_book(v_acct.book_id);

    -- Idempotency: one signal per (strategy, symbol, decision time).
    SELECT * INTO v_sig FROM trading.signal s
     WHERE s.book_id = v_acct.book_id AND s.strategy = p_strategy AND s.symbol = p_symbol AND s.ts = p_ts;
    IF FOUND THEN
        IF (v_sig.direction, v_sig.quantity, v_sig.order_type, v_sig.limit_price, v_sig.expiry, v_sig.confidence, v_sig.edge_bps)
           IS DISTINCT FROM (p_direction, p_quantity, p_order_type, p_limit_price, p_expiry, p_confidence, p_edge_bps) THEN
            RAISE EXCEPTION USING ERRCODE = 'PD010',
                MESSAGE = format('signal refused: %s/%s at %s differs from the signal already recorded', p_strategy, p_symbol, p_ts),
                DETAIL = format('recorded_direction=%s recorded_quantity=%s given_direction=%s given_quantity=%s',
                                v_sig.direction, v_sig.quantity, p_direction, p_quantity),
                HINT = 'A strategy decides once per symbol and decision time; replays must send the same signal.';
        END IF;
        RETURN QUERY
            SELECT d.outcome, d.client_order_id, r.side, r.quantity, r.decision_price, d.reasons, d.signal_seq
              FROM risk.decision d LEFT JOIN trading.order_request r ON r.client_order_id = d.client_order_id
             WHERE d.book_id = v_acct.book_id AND d.signal_seq = v_sig.seq;
        RETURN;
    END IF;

    SELECT * INTO v_last FROM portfolio.hourly_state h WHERE h.book_id = v_acct.book_id ORDER BY h.hour DESC LIMIT 1;
    IF FOUND AND p_ts < v_last.hour THEN
        RAISE EXCEPTION USING ERRCODE = 'PD013',
            MESSAGE = format('signal refused: decision time %s is before the last closed hour %s', p_ts, v_last.hour),
            HINT = 'Business time never goes backwards; decide for the current hour.';
    END IF;

    SELECT * INTO v_inst FROM market.instrument i WHERE i.venue = v_acct.venue AND i.symbol = p_symbol;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011',
            MESSAGE = format('signal refused: %s is not an instrument of venue %s', p_symbol, v_acct.venue),
            HINT = 'Load the venue''s markets or fix the symbol (ccxt unified form BASE/QUOTE).';
    END IF;
    SELECT s.status INTO v_status FROM trading.strategy s WHERE s.book_id = v_acct.book_id AND s.strategy = p_strategy;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011',
            MESSAGE = format('signal refused: strategy %L is not registered on account %L', p_strategy, p_account),
            HINT = 'An operator registers strategies with api.register_strategy.';
    END IF;

    INSERT INTO trading.signal (book_id, strategy, symbol, ts, direction, confidence, edge_bps, expiry,
                                quantity, order_type, limit_price)
    VALUES (v_acct.book_id, p_strategy, p_symbol, p_ts, p_direction, p_confidence, p_edge_bps, p_expiry,
            p_quantity, p_order_type, p_limit_price)
    RETURNING seq INTO v_sig_seq;

    IF p_direction = 'hold' THEN
        INSERT INTO risk.decision (book_id, signal_seq, strategy, symbol, ts, outcome)
        VALUES (v_acct.book_id, v_sig_seq, p_strategy, p_symbol, p_ts, 'hold');
        RETURN QUERY SELECT 'hold'::text, NULL::text, NULL::text, NULL::numeric, NULL::numeric, '{}'::text[], v_sig_seq;
        RETURN;
    END IF;

    -- Market state as of the decision time: only bars closed by p_ts.
    SELECT b.close, b.bar_close INTO v_price, v_bar_close FROM market.last_bar(v_acct.venue, p_symbol, p_ts) b;
    IF v_bar_close IS NULL OR v_bar_close < p_ts THEN
        v_reasons := v_reasons || 'data_stale'::text;
    END IF;
    SELECT a.cluster INTO v_cluster FROM market.asset a WHERE a.asset = v_inst.base;
    v_fee_rate := (SELECT v.taker_fee_bps FROM market.venue v WHERE v.venue = v_acct.venue) / 10000;

    -- The one valuation (portfolio.valuation): cash per currency and positions at mark (at cost basis without a
    -- recent bar) converted into the reporting currency, open buys at their limit (or decision) price, equity,
    -- peak, day start; the instrument's, cluster's and quote's exposure in the reporting currency.
    SELECT * INTO v_val FROM portfolio.valuation(v_acct.book_id, p_ts);
    SELECT v_val.cash, v_val.positions_value, v_val.open_buy_notional, v_val.equity, v_val.peak_equity, v_val.day_start_equity,
           v_val.drawdown, v_val.daily_pnl, x.position_qty, x.instrument, x.cluster, x.quote
      INTO v_cash, v_pos_value, v_open_buys, v_equity, v_peak, v_day_start, v_drawdown, v_daily_pnl,
           v_pos_qty, v_inst_after, v_clus_after, v_quote_after
      FROM portfolio._exposure(v_val.lines, p_symbol, v_cluster, v_inst.quote) x;

    SELECT coalesce(sum(s.quantity - s.filled_qty), 0) INTO v_open_sell
      FROM trading.order_state s
     WHERE s.book_id = v_acct.book_id AND s.symbol = p_symbol AND s.side = 'sell'
       AND s.status IN ('new', 'open', 'partially_filled');
    SELECT x.position_qty, x.open_sell_qty INTO v_pos_qty, v_open_sell
      FROM risk._strategy_position(v_acct.book_id, p_strategy, p_symbol, v_pos_qty, v_open_sell) x;

    -- Side and quantity.
    IF p_direction = 'buy' THEN
        v_side := 'buy';
        v_qty := p_quantity;
    ELSE
        v_side := 'sell';
        v_qty := CASE WHEN p_direction = 'exit' THEN v_pos_qty - v_open_sell ELSE p_quantity END;
        IF v_pos_qty - v_open_sell <= 0 THEN
            v_reasons := v_reasons || 'no_position'::text;
        ELSIF v_qty > v_pos_qty - v_open_sell THEN
            v_reasons := v_reasons || 'sell_exceeds_position'::text;
        END IF;
    END IF;
    v_notional := coalesce(v_qty * coalesce(p_limit_price, v_price), 0);
    v_ccy := portfolio._quote_figures(v_val.currencies, v_inst.quote, v_notional);  -- multi-currency: rate, quote cash
    v_notional_value := (v_ccy ->> 'notional_value')::numeric;                     -- the notional in the reporting currency

    -- Halts and pauses cover every order.
    v_reasons := v_reasons || risk._active_halts(v_acct.name, v_acct.lane, p_strategy);
    v_reasons := v_reasons || risk._admission_state(v_acct.book_id, v_side, p_ts);  -- risk_reducing, risk_cooldown
    v_reasons := v_reasons || risk._strategy_admission_state(v_acct.book_id, p_strategy, v_side, p_ts, v_day_start, v_peak);  -- strategy_reducing, strategy_cooldown
    IF v_status = 'paused' THEN
        v_reasons := v_reasons || 'strategy_paused'::text;
    END IF;
    v_reasons := v_reasons || risk._check_currency(v_val.trade_currencies, v_val.missing_rates, v_ccy, v_side);  -- quote_currency_mismatch, conversion_rate_missing

    v_limits := risk.current_limits(v_acct.risk_profile);
    v_cap := risk.cap(v_limits, 'max_orders_per_hour', '*', NULL);
    IF v_cap IS NOT NULL THEN
        SELECT count(*) INTO v_orders_hour FROM trading.order_request r
         WHERE r.book_id = v_acct.book_id AND r.ts > p_ts - interval '1 hour' AND r.ts <= p_ts;
        v_caps := v_caps || jsonb_build_object('max_orders_per_hour', v_cap);
        IF v_orders_hour >= v_cap THEN
            v_reasons := v_reasons || 'order_rate_limit'::text;
        END IF;
    END IF;

    -- Entries (buys) must also pass every cap.
    IF v_side = 'buy' THEN
        v_inst_after := v_inst_after + v_notional_value;
        v_clus_after := v_clus_after + v_notional_value;
        v_quote_after := v_quote_after + v_notional_value;
        v_port_after := v_pos_value + v_open_buys + v_notional_value;

        v_cap := risk.cap(v_limits, 'min_edge_bps', p_symbol, NULL);
        v_caps := v_caps || jsonb_build_object('min_edge_bps', v_cap);
        IF v_cap IS NOT NULL AND p_edge_bps < v_cap THEN
            v_reasons := v_reasons || 'edge_below_minimum'::text;
        END IF;
        v_cap := risk.cap(v_limits, 'max_claimed_edge_bps', p_symbol, NULL);
        v_caps := v_caps || jsonb_build_object('max_claimed_edge_bps', v_cap);
        IF v_cap IS NOT NULL AND p_edge_bps > v_cap THEN
            v_reasons := v_reasons || 'implausible_edge'::text;  -- seed 001 F1: a corrupted score is refused, not believed
        END IF;
        IF v_notional * (1 + v_fee_rate) > (v_ccy ->> 'quote_cash')::numeric - (v_ccy ->> 'quote_open_buys')::numeric * (1 + v_fee_rate) THEN
            v_reasons := v_reasons || 'insufficient_cash'::text;
        END IF;
        v_cap := risk.cap(v_limits, 'max_order_notional', p_symbol, v_equity);
        -- Drawdown reduce tier: beyond it, entries are limited to half the order cap (half the equity when
        -- no order cap is set).
        v_tier := risk.cap(v_limits, 'drawdown_reduce_tier', '*', v_peak);
        IF v_tier IS NOT NULL AND v_peak > v_equity AND v_peak - v_equity >= v_tier THEN
            v_cap := coalesce(v_cap, v_equity) / 2;
            v_caps := v_caps || jsonb_build_object('drawdown_reduce_tier_active', true);
        END IF;
        v_caps := v_caps || jsonb_build_object('max_order_notional', v_cap);
        IF v_cap IS NOT NULL AND v_notional_value > v_cap THEN
            v_reasons := v_reasons || 'order_notional_cap'::text;
        END IF;
        SELECT v_reasons || x.reasons, v_caps || x.caps INTO v_reasons, v_caps
          FROM risk._health_cap(v_acct.book_id, p_strategy, v_limits, v_cap, v_equity, v_notional_value) x;
        v_cap := risk.cap(v_limits, 'max_instrument_exposure', p_symbol, v_equity);
        v_caps := v_caps || jsonb_build_object('max_instrument_exposure', v_cap);
        IF v_cap IS NOT NULL AND v_inst_after > v_cap THEN
            v_reasons := v_reasons || 'instrument_cap'::text;
        END IF;
        SELECT v_reasons || x.reasons, v_caps || x.caps INTO v_reasons, v_caps
          FROM risk._volatility_cap(v_acct.venue, p_symbol, p_ts, v_limits, v_equity, v_inst_after) x;
        v_cap := risk.cap(v_limits, 'max_cluster_exposure', v_cluster, v_equity);
        v_caps := v_caps || jsonb_build_object('max_cluster_exposure', v_cap);
        IF v_cap IS NOT NULL AND v_clus_after > v_cap THEN
            v_reasons := v_reasons || 'cluster_cap'::text;
        END IF;
        v_cap := risk.cap(v_limits, 'max_quote_exposure', v_inst.quote, v_equity);
        v_caps := v_caps || jsonb_build_object('max_quote_exposure', v_cap);
        IF v_cap IS NOT NULL AND v_quote_after > v_cap THEN
            v_reasons := v_reasons || 'quote_cap'::text;
        END IF;
        v_cap := risk.cap(v_limits, 'max_portfolio_exposure', '*', v_equity);
        v_caps := v_caps || jsonb_build_object('max_portfolio_exposure', v_cap);
        IF v_cap IS NOT NULL AND v_port_after > v_cap THEN
            v_reasons := v_reasons || 'portfolio_cap'::text;
        END IF;
        v_cap := risk.cap(v_limits, 'max_daily_loss', '*', v_day_start);
        v_caps := v_caps || jsonb_build_object('max_daily_loss', v_cap);
        IF v_cap IS NOT NULL AND -v_daily_pnl >= v_cap AND v_daily_pnl < 0 THEN
            v_reasons := v_reasons || 'daily_loss_limit'::text;
        END IF;
        v_cap := risk.cap(v_limits, 'max_drawdown', '*', v_peak);
        v_caps := v_caps || jsonb_build_object('max_drawdown', v_cap);
        IF v_cap IS NOT NULL AND v_peak - v_equity >= v_cap AND v_peak > v_equity THEN
            v_reasons := v_reasons || 'drawdown_limit'::text;
        END IF;
        SELECT v_reasons || x.reasons, v_caps || x.caps INTO v_reasons, v_caps  -- the treasury's risk-budget cut
          FROM risk._treasury_budget(v_acct.book_id, p_ts, v_limits, p_symbol, v_cluster, v_inst.quote, v_equity,
                                     v_notional_value, v_inst_after, v_clus_after, v_quote_after, v_port_after) x;
        v_rules := v_rules || jsonb_build_object(
            'pool', risk._check_pool(v_acct.book_id, p_strategy, p_ts, v_side, v_notional_value, v_limits, v_equity, v_day_start, v_peak),
            'strategy_allocation', risk._check_strategy_allocation(v_acct.book_id, p_strategy, p_ts, v_side, v_notional_value, v_limits, v_equity),
            'strategy_loss', risk._check_strategy_loss(v_acct.book_id, p_strategy, p_ts, v_side, v_limits, v_day_start, v_peak));
        v_reasons := v_reasons || risk._rule_reasons(v_rules);
        IF v_notional < v_inst.min_notional THEN
            v_reasons := v_reasons || 'below_min_notional'::text;
        END IF;
        IF v_qty < v_inst.min_qty THEN
            v_reasons := v_reasons || 'below_min_qty'::text;
        END IF;
        IF v_inst.step_size IS NOT NULL AND mod(v_qty, v_inst.step_size) <> 0 THEN
            v_reasons := v_reasons || 'qty_not_multiple_of_step'::text;
        END IF;
    END IF;
    v_rules := v_rules || jsonb_build_object('arbitration', risk._check_arbitration(v_acct.book_id, p_strategy, p_symbol, p_ts, v_side, cardinality(v_reasons) > 0 OR v_price IS NULL, v_qty, coalesce(p_limit_price, v_price)));
    SELECT x.quantity, x.notional INTO v_qty, v_notional FROM risk._arbitrated_quantity(v_rules -> 'arbitration', v_qty, v_notional) x;  -- net: the residual
    v_ccy := portfolio._quote_figures(v_val.currencies, v_inst.quote, v_notional);  -- the residual's value (caps were judged on the larger whole)
    v_reasons := v_reasons || risk._rule_reasons(v_rules -> 'arbitration');

    v_figures := jsonb_build_object(
        'price', v_price, 'bar_close', v_bar_close, 'cash', v_cash, 'positions_value', v_pos_value,
        'equity', v_equity, 'peak_equity', v_peak, 'drawdown', v_drawdown, 'daily_pnl', v_daily_pnl,
        'open_buy_notional', v_open_buys, 'position_qty', v_pos_qty, 'open_sell_qty', v_open_sell,
        'notional', v_notional, 'fee_rate', v_fee_rate, 'instrument_after', v_inst_after,
        'cluster', v_cluster, 'cluster_after', v_clus_after, 'quote_after', v_quote_after,
        'portfolio_after', v_port_after, 'caps', v_caps, 'rules', v_rules,
        'valuation', v_ccy || jsonb_build_object('reporting', v_val.reporting, 'rates', v_val.currencies));

    IF cardinality(v_reasons) > 0 OR v_price IS NULL THEN
        IF v_price IS NULL AND NOT ('data_stale' = ANY (v_reasons)) THEN
            v_reasons := v_reasons || 'data_stale'::text;
        END IF;
        INSERT INTO risk.decision (book_id, signal_seq, strategy, symbol, ts, outcome, reasons, figures)
        VALUES (v_acct.book_id, v_sig_seq, p_strategy, p_symbol, p_ts, 'refused', v_reasons, v_figures);
        RETURN QUERY SELECT 'refused'::text, NULL::text, v_side, v_qty, v_price, v_reasons, v_sig_seq;
        RETURN;
    END IF;

    v_coid := trading.client_order_id(v_acct.name, p_strategy, p_symbol, p_ts, p_direction);
    INSERT INTO trading.order_request (book_id, client_order_id, signal_seq, strategy, symbol, side, order_type,
                                       quantity, limit_price, decision_price, reduce_only, origin, ts, expiry)
    VALUES (v_acct.book_id, v_coid, v_sig_seq, p_strategy, p_symbol, v_side, p_order_type,
            v_qty, p_limit_price, v_price, v_side = 'sell', 'signal', p_ts, p_expiry);
    INSERT INTO trading.order_event (book_id, client_order_id, kind, status_after, filled_qty_after, ts)
    VALUES (v_acct.book_id, v_coid, 'created', 'new', 0, p_ts);
    INSERT INTO risk.decision (book_id, signal_seq, strategy, symbol, ts, outcome, reasons, client_order_id, figures)
    VALUES (v_acct.book_id, v_sig_seq, p_strategy, p_symbol, p_ts, 'admitted', '{}', v_coid, v_figures);
    -- Runaway-trading breaker: orders admitted for the account within the last hour.
    SELECT count(*) INTO v_orders_hour FROM trading.order_request r
     WHERE r.book_id = v_acct.book_id AND r.ts > p_ts - interval '1 hour' AND r.ts <= p_ts;
    PERFORM risk._check_breaker(v_acct.book_id, 'orders_per_hour', p_ts, v_orders_hour, v_orders_hour,
                                jsonb_build_object('last_client_order_id', v_coid));
    RETURN QUERY SELECT 'admitted'::text, v_coid, v_side, v_qty, v_price, '{}'::text[], v_sig_seq;
END
$$;


ALTER FUNCTION api.submit_signal(p_account text, p_strategy text, p_symbol text, p_ts timestamp with time zone, p_direction text, p_confidence numeric, p_edge_bps numeric, p_expiry timestamp with time zone, p_quantity numeric, p_order_type text, p_limit_price numeric) OWNER TO predator_owner;

--
-- Name: FUNCTION submit_signal(p_account text, p_strategy text, p_symbol text, p_ts timestamp with time zone, p_direction text, p_confidence numeric, p_edge_bps numeric, p_expiry timestamp with time zone, p_quantity numeric, p_order_type text, p_limit_price numeric); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.submit_signal(p_account text, p_strategy text, p_symbol text, p_ts timestamp with time zone, p_direction text, p_confidence numeric, p_edge_bps numeric, p_expiry timestamp with time zone, p_quantity numeric, p_order_type text, p_limit_price numeric) IS 'Worker: records a signal and runs the pre-trade risk gate in one transaction (halts, pause, stale data, edge, cash, order/instrument/cluster/quote/portfolio caps, daily loss, drawdown, venue minimums, order rate, no shorting). Returns admitted with a deterministic client order id, refused with reason codes, or hold. Idempotent per (strategy, symbol, decision time); PD010 conflicting resubmission, PD011 unknown references, PD012 bad arguments, PD013 time before the last closed hour.';


--
-- Name: update_incident(text, text, text); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.update_incident(p_incident text, p_action text, p_reason text) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    RETURN ops._update_incident(p_incident, p_action, p_reason);
END
$$;


ALTER FUNCTION api.update_incident(p_incident text, p_action text, p_reason text) OWNER TO predator_owner;

--
-- Name: FUNCTION update_incident(p_incident text, p_action text, p_reason text); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.update_incident(p_incident text, p_action text, p_reason text) IS 'Operator: acknowledges, resolves or comments on an incident with a reason; audited. PD011 unknown, PD012 invalid or already resolved.';


--
-- Name: upsert_instruments(text, jsonb, text); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.upsert_instruments(p_venue text, p_instruments jsonb, p_source text) RETURNS TABLE(symbol text, action text, detail text)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
DECLARE
    v_bad     record;
    v_rows    jsonb;
    v_changes jsonb;
BEGIN
    IF NOT EXISTS (SELECT FROM market.venue v WHERE v.venue = p_venue) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('instruments refused: unknown venue %L', p_venue),
            DETAIL = format('venue=%s source=%s', p_venue, p_source),
            HINT = 'See market.venue.';
    END IF;
    IF p_instruments IS NULL OR jsonb_typeof(p_instruments) <> 'array' OR p_source IS NULL OR btrim(p_source) = '' THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'instruments refused: expected a JSON array of instruments and a source',
            DETAIL = format('venue=%s source=%s type=%s', p_venue, p_source, jsonb_typeof(p_instruments)),
            HINT = 'Pass [{"symbol", "base", "quote", "tick_size", "step_size", "min_qty", "min_notional"}, ...] and where it came from.';
    END IF;
    PERFORM pg_catalog.pg_advisory_xact_lock(1349731651, pg_catalog.hashtext(p_venue));

    -- Every given number must be finite: NaN and infinities are refused outright, not skipped.
    SELECT e.ord, e.j ->> 'symbol' AS symbol, k.field, e.j ->> k.field AS value INTO v_bad
      FROM jsonb_array_elements(p_instruments) WITH ORDINALITY e(j, ord)
     CROSS JOIN unnest(ARRAY['tick_size', 'step_size', 'min_qty', 'min_notional']) k(field)
     WHERE jsonb_typeof(e.j) = 'object'
       AND market._try_numeric(e.j ->> k.field) IN ('NaN', 'Infinity', '-Infinity')
     ORDER BY e.ord, k.field
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('instruments refused: %s of %s is not a finite number', v_bad.field, coalesce(v_bad.symbol, 'element ' || v_bad.ord)),
            DETAIL = format('venue=%s source=%s element=%s symbol=%s field=%s value=%s', p_venue, p_source, v_bad.ord, v_bad.symbol, v_bad.field, v_bad.value),
            HINT = 'Tick size, step size, minimum quantity and minimum notional are finite numbers (or null when unknown); NaN and infinities are never stored. Fix the venue''s market data and call again.';
    END IF;

    -- The stored instruments of the venue, locked in symbol order.
    PERFORM FROM market.instrument m WHERE m.venue = p_venue ORDER BY m.symbol FOR UPDATE;

    -- Classify every element (in a variable: a definer never keeps work in a table its caller could create).
    WITH input AS (
        SELECT e.ord, e.j ->> 'symbol' AS symbol, e.j ->> 'base' AS base, e.j ->> 'quote' AS quote,
               market._try_numeric(e.j ->> 'tick_size') AS tick_size, market._try_numeric(e.j ->> 'step_size') AS step_size,
               coalesce(market._try_numeric(e.j ->> 'min_qty'), 0) AS min_qty,
               coalesce(market._try_numeric(e.j ->> 'min_notional'), 0) AS min_notional,
               -- every given value must be a number (JSON null or absent counts as not given)
               (e.j ->> 'tick_size' IS NULL OR market._try_numeric(e.j ->> 'tick_size') IS NOT NULL)
               AND (e.j ->> 'step_size' IS NULL OR market._try_numeric(e.j ->> 'step_size') IS NOT NULL)
               AND (e.j ->> 'min_qty' IS NULL OR market._try_numeric(e.j ->> 'min_qty') IS NOT NULL)
               AND (e.j ->> 'min_notional' IS NULL OR market._try_numeric(e.j ->> 'min_notional') IS NOT NULL) AS numbers_ok,
               count(*) FILTER (WHERE e.j ->> 'symbol' IS NOT NULL)
                   OVER (PARTITION BY e.j ->> 'symbol' ORDER BY e.ord ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS earlier
          FROM jsonb_array_elements(p_instruments) WITH ORDINALITY e(j, ord)),
    judged AS (
        SELECT n.*, CASE
                   WHEN n.symbol IS NULL OR n.base IS NULL OR n.quote IS NULL OR n.symbol <> n.base || '/' || n.quote
                        OR n.symbol !~ '^[A-Z0-9]{2,12}/[A-Z0-9]{2,12}$' THEN 'malformed'
                   WHEN n.earlier > 0 THEN 'duplicate'
                   WHEN NOT EXISTS (SELECT FROM market.asset a WHERE a.asset = n.base)
                        OR NOT EXISTS (SELECT FROM market.asset a WHERE a.asset = n.quote) THEN 'unknown_asset'
                   WHEN NOT n.numbers_ok OR n.tick_size <= 0 OR n.step_size <= 0 OR n.min_qty < 0 OR n.min_notional < 0
                        THEN 'invalid_values'
                   END AS detail
          FROM input n)
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'ord', n.ord, 'symbol', n.symbol, 'base', n.base, 'quote', n.quote, 'tick_size', n.tick_size,
               'step_size', n.step_size, 'min_qty', n.min_qty, 'min_notional', n.min_notional, 'detail', n.detail,
               'action', CASE WHEN n.detail IS NOT NULL THEN 'skipped'
                              WHEN i.symbol IS NULL THEN 'inserted'
                              WHEN (i.tick_size, i.step_size, i.min_qty, i.min_notional)
                                   IS NOT DISTINCT FROM (n.tick_size, n.step_size, n.min_qty, n.min_notional) THEN 'unchanged'
                              ELSE 'updated' END,
               'old_values', CASE WHEN n.detail IS NULL AND i.symbol IS NOT NULL THEN
                   jsonb_build_object('tick_size', i.tick_size, 'step_size', i.step_size, 'min_qty', i.min_qty,
                                      'min_notional', i.min_notional, 'source', i.source, 'updated_at', i.updated_at) END)
               ORDER BY n.ord), '[]')
      INTO v_rows
      FROM judged n
      LEFT JOIN market.instrument i ON i.venue = p_venue AND i.symbol = n.symbol;

    UPDATE market.instrument i
       SET tick_size = n.tick_size, step_size = n.step_size, min_qty = n.min_qty, min_notional = n.min_notional,
           source = p_source, updated_at = now()
      FROM jsonb_to_recordset(v_rows) n(symbol text, tick_size numeric, step_size numeric, min_qty numeric,
                                        min_notional numeric, action text)
     WHERE n.action = 'updated' AND i.venue = p_venue AND i.symbol = n.symbol;
    INSERT INTO market.instrument (venue, symbol, base, quote, tick_size, step_size, min_qty, min_notional, source)
    SELECT p_venue, n.symbol, n.base, n.quote, n.tick_size, n.step_size, n.min_qty, n.min_notional, p_source
      FROM jsonb_to_recordset(v_rows) n(symbol text, base text, quote text, tick_size numeric, step_size numeric,
                                        min_qty numeric, min_notional numeric, action text)
     WHERE n.action = 'inserted' ORDER BY n.symbol;

    SELECT jsonb_agg(jsonb_build_object('symbol', n.symbol, 'action', n.action, 'old', n.old_values,
                                        'new', jsonb_build_object('tick_size', n.tick_size, 'step_size', n.step_size,
                                                                  'min_qty', n.min_qty, 'min_notional', n.min_notional))
                     ORDER BY n.symbol)
      INTO v_changes
      FROM jsonb_to_recordset(v_rows) n(symbol text, tick_size numeric, step_size numeric, min_qty numeric,
                                        min_notional numeric, action text, old_values jsonb)
     WHERE n.action IN ('inserted', 'updated');
    IF v_changes IS NOT NULL THEN
        PERFORM ops._audit(0, 'upsert_instruments', p_venue, jsonb_build_object('source', p_source, 'changes', v_changes),
                           format('market structure of %s from %s', p_venue, p_source));
    END IF;

    RETURN QUERY SELECT n.symbol, n.action, n.detail
                   FROM jsonb_to_recordset(v_rows) n(ord bigint, symbol text, action text, detail text)
                  ORDER BY n.symbol COLLATE "C", n.ord;
END
$_$;


ALTER FUNCTION api.upsert_instruments(p_venue text, p_instruments jsonb, p_source text) OWNER TO predator_owner;

--
-- Name: FUNCTION upsert_instruments(p_venue text, p_instruments jsonb, p_source text); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.upsert_instruments(p_venue text, p_instruments jsonb, p_source text) IS 'Worker: stores a venue''s market structure (tick size, step size, minimum quantity and notional, as parsed by ccxt load_markets) in market.instrument; per instrument inserted, updated, unchanged or skipped (malformed, unknown_asset, invalid_values, duplicate); every change audited with old and new values. PD011 unknown venue, PD012 not a JSON array, no source, or a non-finite number (NaN, Infinity).';


--
-- Name: validation_checkpoint(text); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.validation_checkpoint(p_account text) RETURNS TABLE(seq bigint, range_to timestamp with time zone, resume_from timestamp with time zone, late_rows bigint)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET "TimeZone" TO 'UTC'
    AS $$
BEGIN
    RETURN QUERY SELECT r.seq, r.range_to, r.resume_from, r.late_rows
                   FROM ops._validation_resume((trading._account(p_account)).book_id) r;
END
$$;


ALTER FUNCTION api.validation_checkpoint(p_account text) OWNER TO predator_owner;

--
-- Name: FUNCTION validation_checkpoint(p_account text); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.validation_checkpoint(p_account text) IS 'The account''s last validation checkpoint (seq, exclusive range_to) and resume_from, where the next incremental validation starts (earlier than range_to when rows appended since carry an earlier business time; late_rows counts them). No row: no checkpoint. PD011 unknown account.';


--
-- Name: venue_errors(text, timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.venue_errors(p_account text DEFAULT NULL::text, p_from timestamp with time zone DEFAULT '-infinity'::timestamp with time zone, p_to timestamp with time zone DEFAULT 'infinity'::timestamp with time zone) RETURNS TABLE(account text, reports bigint, calls bigint, errors bigint, error_rate numeric, disconnected_reports bigint, fatal_errors bigint, fatal text[], breaker_trips bigint)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    PERFORM ops._report_period('api.venue_errors', p_account, p_from, p_to);
    RETURN QUERY
    WITH accts AS (
        SELECT a.book_id, a.name FROM trading.account a WHERE p_account IS NULL OR a.name = p_account),
    h AS (
        SELECT x.book_id, count(*) AS n, sum(v.calls) AS calls, sum(v.errors) AS errors,
               count(*) FILTER (WHERE NOT v.connected) AS down,
               sum(CASE WHEN jsonb_typeof(v.detail -> 'fatal_errors') = 'number'
                        THEN (v.detail ->> 'fatal_errors')::numeric ELSE 0 END)::bigint AS fatal_n,
               array_agg(DISTINCT r.reason ORDER BY r.reason) FILTER (WHERE r.reason IS NOT NULL) AS fatal
          FROM accts x JOIN ops.venue_health v ON v.book_id = x.book_id
          LEFT JOIN LATERAL jsonb_array_elements_text(CASE WHEN jsonb_typeof(v.detail -> 'fatal') = 'array'
                                                           THEN v.detail -> 'fatal' ELSE '[]' END) r(reason) ON true
         WHERE v.ts > p_from AND v.ts <= p_to GROUP BY x.book_id),
    t AS (
        SELECT x.book_id, count(*) AS n
          FROM accts x JOIN risk.breaker_trip b ON b.book_id = x.book_id
         WHERE b.breaker IN ('api_error_rate', 'connectivity_loss', 'venue_fatal_error')
           AND b.ts > p_from AND b.ts <= p_to GROUP BY x.book_id)
    SELECT x.name, coalesce(h.n, 0), coalesce(h.calls, 0)::bigint, coalesce(h.errors, 0)::bigint,
           h.errors::numeric / nullif(h.calls, 0), coalesce(h.down, 0), coalesce(h.fatal_n, 0),
           coalesce(h.fatal, '{}'), coalesce(t.n, 0)
      FROM accts x LEFT JOIN h ON h.book_id = x.book_id LEFT JOIN t ON t.book_id = x.book_id
     ORDER BY x.name;
END
$$;


ALTER FUNCTION api.venue_errors(p_account text, p_from timestamp with time zone, p_to timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION venue_errors(p_account text, p_from timestamp with time zone, p_to timestamp with time zone); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.venue_errors(p_account text, p_from timestamp with time zone, p_to timestamp with time zone) IS 'Reads: per account over (p_from, p_to], the venue API errors from the worker''s health reports: reports, calls, errors, error_rate, reports with the venue unreachable, errors classified as halt and their reasons, and the trips of the api_error_rate, connectivity_loss and venue_fatal_error breakers. Zero reports means the worker reported nothing, not that nothing failed. PD011, PD012.';


--
-- Name: verify_anchors(jsonb); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.verify_anchors(p_anchors jsonb) RETURNS TABLE(subject text, book_id integer, seq bigint, problem text, breaks boolean)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET "TimeZone" TO 'UTC'
    AS $_$
DECLARE
    a         jsonb;
    i         bigint;
    v_book    integer;
    v_seq     bigint;
    v_kind    text;
    v_hour    timestamptz;
    v_heads   jsonb;
    v_key     integer;
    v_prev    bytea;
    v_sig     bytea;
    v_secret  bytea;
    v_revoked timestamptz;
    v_stored  bytea;
    v_trusted bigint[] := '{}';
    r         record;
BEGIN
    IF p_anchors IS NULL OR jsonb_typeof(p_anchors) <> 'array' THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'verify_anchors refused: the anchors are not a JSON array',
            HINT = 'Pass the lines of an export (predator audit anchor export) as one JSON array.';
    END IF;
    FOR a, i IN SELECT x.e, x.n FROM jsonb_array_elements(p_anchors) WITH ORDINALITY x(e, n) LOOP
        BEGIN
            v_book := (a ->> 'book_id')::integer;
            v_seq := (a ->> 'seq')::bigint;
            v_kind := a ->> 'kind';
            v_hour := (a ->> 'hour')::timestamptz;
            v_heads := a -> 'heads';
            v_key := (a ->> 'key_id')::integer;
            v_prev := decode(a ->> 'prev_signature', 'hex');
            v_sig := decode(a ->> 'signature', 'hex');
            IF v_book IS NULL OR v_seq IS NULL OR v_kind IS NULL OR v_key IS NULL OR v_prev IS NULL OR v_sig IS NULL
               OR jsonb_typeof(v_heads) IS DISTINCT FROM 'array' OR NOT isfinite(coalesce(v_hour, 'epoch')) THEN
                RAISE EXCEPTION 'a field is missing, or an hour is infinite';
            END IF;
        EXCEPTION WHEN OTHERS THEN
            RETURN QUERY SELECT format('anchor #%s', i), NULL::integer, NULL::bigint,
                                format('malformed anchor (line %s): %s', i, SQLERRM), true;
            CONTINUE;
        END;
        subject := format('anchor %s/%s', v_book, v_seq);
        SELECT k.secret INTO v_secret FROM ops.anchor_key k WHERE k.key_id = v_key;
        IF NOT FOUND THEN
            RETURN QUERY SELECT subject, v_book, v_seq, format('signed under key %s, which the database does not know', v_key), true;
            CONTINUE;
        END IF;
        IF ops.hmac_sha256(v_secret, ops._anchor_message(v_book, v_seq, v_kind, v_hour, v_heads, v_key, v_prev)) <> v_sig THEN
            RETURN QUERY SELECT subject, v_book, v_seq,
                                format('the signature does not verify under key %s: the anchor was altered or forged', v_key), true;
            CONTINUE;
        END IF;
        SELECT x.revoked_at INTO v_revoked FROM ops.anchor_key_revocation x WHERE x.key_id = v_key;
        IF FOUND THEN
            RETURN QUERY SELECT subject, v_book, v_seq,
                                format('signed under key %s, revoked at %s: not trusted, its heads are not checked', v_key, v_revoked), false;
            CONTINUE;
        END IF;
        SELECT c.signature INTO v_stored FROM ops.chain_anchor c WHERE c.book_id = v_book AND c.seq = v_seq;
        IF NOT FOUND THEN
            RETURN QUERY SELECT subject, v_book, v_seq, 'the database no longer holds this anchor (ops.chain_anchor rows deleted)'::text, true;
        ELSIF v_stored <> v_sig THEN
            RETURN QUERY SELECT subject, v_book, v_seq, 'the database holds another anchor under this seq'::text, true;
        END IF;
        v_trusted := v_trusted || i;
    END LOOP;
    IF cardinality(v_trusted) = 0 AND jsonb_array_length(p_anchors) > 0 THEN
        RETURN QUERY SELECT 'anchors'::text, NULL::integer, NULL::bigint,
                            'no anchor is trusted: no chain head was checked against them'::text, true;
    END IF;

    -- The heads of the trusted anchors, by table: each distinct (chain, seq, head) once.
    FOR r IN
        WITH heads AS (
            SELECT DISTINCT h ->> 'chain' AS chain, (h ->> 'seq')::bigint AS seq, h ->> 'head' AS head
              FROM jsonb_array_elements(p_anchors) WITH ORDINALITY x(e, n)
              JOIN unnest(v_trusted) t(n) ON t.n = x.n
             CROSS JOIN LATERAL jsonb_array_elements(x.e -> 'heads') h),
        named AS (
            SELECT hd.*, split_part(hd.chain, ':', 1) AS tbl, split_part(hd.chain, ':', 2) AS book,
                   split_part(hd.chain, ':', 3) AS account, split_part(hd.chain, ':', 4) AS currency
              FROM heads hd)
        SELECT n.tbl, n.tbl IN (SELECT c.tbl FROM ops.chained_tables() c) AS chained,
               jsonb_agg(jsonb_build_object('chain', n.chain, 'book_id', n.book::integer, 'account', n.account,
                                            'currency', n.currency, 'seq', n.seq, 'head', n.head)) AS heads
          FROM named n
         WHERE n.book ~ '^[0-9]{1,9}$'
         GROUP BY n.tbl
    LOOP
        IF r.tbl = 'ledger.posting' THEN
            RETURN QUERY
            SELECT g.chain, g.book_id, CASE WHEN g.missing THEN g.last + 1 ELSE g.min_seq END,
                   CASE WHEN NOT g.missing THEN format('the posting at anchored seq %s differs from the anchored head (the chain was rewritten)', g.min_seq)
                        WHEN g.last < g.max_seq THEN format('rows deleted: the chain ends at seq %s, an anchor holds seq %s (seq %s..%s missing)',
                                                            g.last, g.max_seq, g.last + 1, g.max_seq)
                        ELSE format('the posting at anchored seq %s is missing', g.min_seq) END,
                   true
              FROM (SELECT x.chain, x.book_id, x.missing, min(x.seq) AS min_seq, max(x.seq) AS max_seq,
                           (SELECT coalesce(max(p.seq), 0) FROM ledger.posting p
                             WHERE p.book_id = x.book_id AND p.account_code = x.account AND p.currency = x.currency) AS last
                      FROM (SELECT h.chain, h.book_id, h.account, h.currency, h.seq, t.seq IS NULL AS missing
                              FROM jsonb_to_recordset(r.heads) h(chain text, book_id integer, account text, currency text, seq bigint, head text)
                              LEFT JOIN ledger.posting t ON t.book_id = h.book_id AND t.account_code = h.account
                                                        AND t.currency = h.currency AND t.seq = h.seq
                             WHERE t.seq IS NULL OR t.row_hash <> decode(h.head, 'hex')) x
                     GROUP BY x.chain, x.book_id, x.account, x.currency, x.missing) g
             ORDER BY 1, 4;
        ELSIF r.chained THEN
            RETURN QUERY EXECUTE format($q$
                SELECT g.chain, g.book_id, CASE WHEN g.missing THEN g.last + 1 ELSE g.min_seq END,
                       CASE WHEN NOT g.missing THEN format('the row at anchored seq %%s differs from the anchored head (the chain was rewritten)', g.min_seq)
                            WHEN g.last < g.max_seq THEN format('rows deleted: the chain ends at seq %%s, an anchor holds seq %%s (seq %%s..%%s missing)',
                                                                g.last, g.max_seq, g.last + 1, g.max_seq)
                            ELSE format('the row at anchored seq %%s is missing', g.min_seq) END,
                       true
                  FROM (SELECT x.chain, x.book_id, x.missing, min(x.seq) AS min_seq, max(x.seq) AS max_seq,
                               (SELECT coalesce(max(t.seq), 0) FROM %1$s t WHERE t.book_id = x.book_id) AS last
                          FROM (SELECT h.chain, h.book_id, h.seq, t.seq IS NULL AS missing
                                  FROM jsonb_to_recordset($1) h(chain text, book_id integer, seq bigint, head text)
                                  LEFT JOIN %1$s t ON t.book_id = h.book_id AND t.seq = h.seq
                                 WHERE t.seq IS NULL OR t.row_hash <> decode(h.head, 'hex')) x
                         GROUP BY x.chain, x.book_id, x.missing) g
                 ORDER BY 1, 4$q$, r.tbl) USING r.heads;
        ELSE
            RETURN QUERY SELECT DISTINCT h.chain, h.book_id, NULL::bigint, 'an anchor names a chain the database does not have'::text, true
                           FROM jsonb_to_recordset(r.heads) h(chain text, book_id integer);
        END IF;
    END LOOP;
END
$_$;


ALTER FUNCTION api.verify_anchors(p_anchors jsonb) OWNER TO predator_owner;

--
-- Name: FUNCTION verify_anchors(p_anchors jsonb); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.verify_anchors(p_anchors jsonb) IS 'Operator and auditor: checks exported anchors (a JSON array) against the database without revealing a key: each signature under its key id (altered, forged or unknown-key anchors break; revoked-key anchors are reported, not trusted), the anchors still stored, and every trusted anchored head against the chain''s own rows: a chain ending before an anchored seq (rows deleted, the missing seq range) or differing at it breaks. Empty: all verify.';


--
-- Name: verify_book_chains(integer); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.verify_book_chains(p_book_id integer) RETURNS TABLE(chain text, tbl text, book_id integer, seq bigint, problem text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET "TimeZone" TO 'UTC'
    AS $_$
DECLARE
    r record;
    -- a literal predicate (not a parameter), so each scan is planned for this book: an index range on
    -- book_id for one book, a plain scan for all
    in_book text := CASE WHEN p_book_id IS NULL THEN 'true' ELSE format('t.book_id = %s', p_book_id) END;
BEGIN
    FOR r IN SELECT * FROM ops.chained_tables() ORDER BY 1 LOOP
        RETURN QUERY EXECUTE format($q$
            SELECT DISTINCT ON (x.book_id) %1$L || ':' || x.book_id, %1$L::text, x.book_id, x.seq, x.problem
              FROM (SELECT t.book_id, t.seq,
                           CASE WHEN t.seq <> coalesce(lag(t.seq) OVER w, 0) + 1 THEN 'sequence gap'
                                WHEN t.prev_hash <> coalesce(lag(t.row_hash) OVER w, ops.genesis_hash())
                                    THEN 'prev_hash is not the previous row''s row_hash'
                                WHEN t.row_hash <> ops.row_hash(t.prev_hash, to_jsonb(t), %2$L::text[])
                                    THEN 'row_hash does not match the row''s content'
                           END AS problem
                      FROM %1$s t
                     WHERE %3$s
                    WINDOW w AS (PARTITION BY t.book_id ORDER BY t.seq)) x
             WHERE x.problem IS NOT NULL
             ORDER BY x.book_id, x.seq$q$, r.tbl, r.extra_exclude, in_book);
        RETURN QUERY EXECUTE format($q$
            SELECT h.chain, %1$L::text, h.book_id, h.seq, 'chain head does not match the last row'::text
              FROM ops.chain_head h
              LEFT JOIN LATERAL (SELECT t.seq, t.row_hash FROM %1$s t WHERE t.book_id = h.book_id ORDER BY t.seq DESC LIMIT 1) l ON true
             WHERE split_part(h.chain, ':', 1) = %1$L
               AND %2$s
               AND (l.seq IS DISTINCT FROM h.seq OR l.row_hash IS DISTINCT FROM h.head_hash)$q$,
            r.tbl, replace(in_book, 't.', 'h.'));
    END LOOP;

    RETURN QUERY EXECUTE format($q$
        SELECT DISTINCT ON (x.book_id, x.account_code, x.currency)
               'ledger.posting:' || x.book_id || ':' || x.account_code || ':' || x.currency, 'ledger.posting'::text,
               x.book_id, x.seq, x.problem
          FROM (SELECT t.book_id, t.account_code, t.currency, t.seq,
                       CASE WHEN t.seq <> coalesce(lag(t.seq) OVER w, 0) + 1 THEN 'sequence gap'
                            WHEN t.balance_after <> coalesce(lag(t.balance_after) OVER w, 0) + t.amount
                                THEN 'balance_after breaks continuity'
                            WHEN t.prev_hash <> coalesce(lag(t.row_hash) OVER w, ops.genesis_hash())
                                THEN 'prev_hash is not the previous row''s row_hash'
                            WHEN t.row_hash <> ops.row_hash(t.prev_hash, to_jsonb(t))
                                THEN 'row_hash does not match the row''s content'
                       END AS problem
                  FROM ledger.posting t
                 WHERE %1$s
                WINDOW w AS (PARTITION BY t.book_id, t.account_code, t.currency ORDER BY t.seq)) x
         WHERE x.problem IS NOT NULL
         ORDER BY x.book_id, x.account_code, x.currency, x.seq$q$, in_book);
    RETURN QUERY EXECUTE format($q$
        SELECT 'ledger.posting:' || t.book_id || ':' || t.account_code || ':' || t.currency, 'ledger.balance'::text,
               t.book_id, t.seq, 'balance head does not match the last posting'::text
          FROM ledger.balance t
          LEFT JOIN LATERAL (SELECT p.seq, p.balance_after, p.row_hash FROM ledger.posting p
                              WHERE p.book_id = t.book_id AND p.account_code = t.account_code AND p.currency = t.currency
                              ORDER BY p.seq DESC LIMIT 1) l ON true
         WHERE %1$s
           AND (l.seq IS DISTINCT FROM t.seq OR l.balance_after IS DISTINCT FROM t.balance OR l.row_hash IS DISTINCT FROM t.head_hash)$q$,
        in_book);
END
$_$;


ALTER FUNCTION api.verify_book_chains(p_book_id integer) OWNER TO predator_owner;

--
-- Name: FUNCTION verify_book_chains(p_book_id integer); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.verify_book_chains(p_book_id integer) IS 'api.verify_chains() for one book (NULL: every book): recomputes the book''s hash chains and running balances from content through its primary keys; returns the first broken row of each broken chain, empty when all verify.';


--
-- Name: verify_book_chains_since(integer, bigint); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.verify_book_chains_since(p_book_id integer, p_checkpoint bigint) RETURNS TABLE(chain text, tbl text, book_id integer, seq bigint, problem text)
    LANGUAGE plpgsql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET "TimeZone" TO 'UTC'
    AS $_$
DECLARE
    r       record;
    v_heads jsonb := '{}'::jsonb;
    v_from  bigint;
    v_hash  text;
BEGIN
    IF p_checkpoint IS NULL OR p_book_id IS NULL THEN
        RETURN QUERY SELECT * FROM api.verify_book_chains(p_book_id);
        RETURN;
    END IF;
    SELECT v.heads INTO v_heads FROM ops.validation_run v WHERE v.book_id = p_book_id AND v.seq = p_checkpoint;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011',
            MESSAGE = format('verify_book_chains_since refused: book %s has no recorded validation run %s', p_book_id, p_checkpoint),
            DETAIL = format('book_id=%s checkpoint=%s', p_book_id, p_checkpoint),
            HINT = 'Name a run of api.validation_runs for this book (api.validation_checkpoint gives the last checkpoint), or pass NULL to verify from genesis.';
    END IF;
    FOR r IN SELECT * FROM ops.chained_tables() ORDER BY 1 LOOP
        v_from := coalesce((v_heads -> (r.tbl || ':' || p_book_id) ->> 'seq')::bigint, 0);
        v_hash := v_heads -> (r.tbl || ':' || p_book_id) ->> 'hash';
        RETURN QUERY EXECUTE format($q$
            SELECT DISTINCT ON (x.book_id) %1$L || ':' || x.book_id, %1$L::text, x.book_id, x.seq, x.problem
              FROM (SELECT t.book_id, t.seq,
                           CASE WHEN t.seq = %4$s THEN
                                    CASE WHEN t.row_hash <> decode(%5$L, 'hex')
                                         THEN 'row at the checkpoint''s head does not carry the recorded hash' END
                                WHEN t.seq <> coalesce(lag(t.seq) OVER w, 0) + 1 THEN 'sequence gap'
                                WHEN t.prev_hash <> coalesce(lag(t.row_hash) OVER w, ops.genesis_hash())
                                    THEN 'prev_hash is not the previous row''s row_hash'
                                WHEN t.row_hash <> ops.row_hash(t.prev_hash, to_jsonb(t), %2$L::text[])
                                    THEN 'row_hash does not match the row''s content'
                           END AS problem
                      FROM %1$s t
                     WHERE t.book_id = %3$s AND t.seq >= %4$s
                    WINDOW w AS (ORDER BY t.seq)) x
             WHERE x.problem IS NOT NULL
             ORDER BY x.book_id, x.seq$q$, r.tbl, r.extra_exclude, p_book_id, v_from, v_hash);
        IF v_from > 0 AND NOT EXISTS (SELECT FROM ops.chain_head h WHERE h.chain = r.tbl || ':' || p_book_id AND h.seq >= v_from) THEN
            RETURN QUERY SELECT r.tbl || ':' || p_book_id, r.tbl, p_book_id, v_from, 'chain is shorter than at the checkpoint'::text;
        END IF;
        RETURN QUERY EXECUTE format($q$
            SELECT h.chain, %1$L::text, h.book_id, h.seq, 'chain head does not match the last row'::text
              FROM ops.chain_head h
              LEFT JOIN LATERAL (SELECT t.seq, t.row_hash FROM %1$s t WHERE t.book_id = h.book_id ORDER BY t.seq DESC LIMIT 1) l ON true
             WHERE h.chain = %1$L || ':' || %2$s
               AND (l.seq IS DISTINCT FROM h.seq OR l.row_hash IS DISTINCT FROM h.head_hash)$q$,
            r.tbl, p_book_id);
    END LOOP;

    RETURN QUERY
        SELECT DISTINCT ON (x.account_code, x.currency)
               'ledger.posting:' || p_book_id || ':' || x.account_code || ':' || x.currency, 'ledger.posting'::text,
               p_book_id, x.seq, x.problem
          FROM ledger.balance b
          CROSS JOIN LATERAL (
                SELECT coalesce((v_heads -> ('ledger.posting:' || p_book_id || ':' || b.account_code || ':' || b.currency) ->> 'seq')::bigint, 0) AS from_seq,
                       v_heads -> ('ledger.posting:' || p_book_id || ':' || b.account_code || ':' || b.currency) ->> 'hash' AS from_hash) f
          CROSS JOIN LATERAL (
                SELECT t.account_code, t.currency, t.seq,
                       CASE WHEN t.seq = f.from_seq THEN
                                CASE WHEN t.row_hash <> decode(f.from_hash, 'hex')
                                     THEN 'row at the checkpoint''s head does not carry the recorded hash' END
                            WHEN t.seq <> coalesce(lag(t.seq) OVER w, 0) + 1 THEN 'sequence gap'
                            WHEN t.balance_after <> coalesce(lag(t.balance_after) OVER w, 0) + t.amount
                                THEN 'balance_after breaks continuity'
                            WHEN t.prev_hash <> coalesce(lag(t.row_hash) OVER w, ops.genesis_hash())
                                THEN 'prev_hash is not the previous row''s row_hash'
                            WHEN t.row_hash <> ops.row_hash(t.prev_hash, to_jsonb(t))
                                THEN 'row_hash does not match the row''s content'
                       END AS problem
                  FROM ledger.posting t
                 WHERE t.book_id = p_book_id AND t.account_code = b.account_code AND t.currency = b.currency
                   AND t.seq >= f.from_seq
                WINDOW w AS (ORDER BY t.seq)) x
         WHERE b.book_id = p_book_id AND x.problem IS NOT NULL
         ORDER BY x.account_code, x.currency, x.seq;
    RETURN QUERY
        SELECT 'ledger.posting:' || t.book_id || ':' || t.account_code || ':' || t.currency, 'ledger.balance'::text,
               t.book_id, t.seq, 'balance head does not match the last posting'::text
          FROM ledger.balance t
          LEFT JOIN LATERAL (SELECT p.seq, p.balance_after, p.row_hash FROM ledger.posting p
                              WHERE p.book_id = t.book_id AND p.account_code = t.account_code AND p.currency = t.currency
                              ORDER BY p.seq DESC LIMIT 1) l ON true
         WHERE t.book_id = p_book_id
           AND (l.seq IS DISTINCT FROM t.seq OR l.balance_after IS DISTINCT FROM t.balance OR l.row_hash IS DISTINCT FROM t.head_hash);
END
$_$;


ALTER FUNCTION api.verify_book_chains_since(p_book_id integer, p_checkpoint bigint) OWNER TO predator_owner;

--
-- Name: FUNCTION verify_book_chains_since(p_book_id integer, p_checkpoint bigint); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.verify_book_chains_since(p_book_id integer, p_checkpoint bigint) IS 'api.verify_book_chains for one book from a recorded validation run''s chain heads (NULL: from genesis): the row at each recorded head must carry the recorded hash, later rows verify as in a full verification, chains the run did not name verify from genesis, heads match the last rows. Rows before the recorded heads are not recomputed. PD011 not a recorded run of the book.';


--
-- Name: verify_chains(); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.verify_chains() RETURNS TABLE(chain text, tbl text, book_id integer, seq bigint, problem text)
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET "TimeZone" TO 'UTC'
    AS $$
    SELECT v.chain, v.tbl, v.book_id, v.seq, v.problem FROM api.verify_book_chains(NULL) v
$$;


ALTER FUNCTION api.verify_chains() OWNER TO predator_owner;

--
-- Name: FUNCTION verify_chains(); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.verify_chains() IS 'Recomputes every hash chain (and the ledger''s running balances) from content; returns the first broken row of each broken chain, empty when all verify.';


--
-- Name: void_fill(text, text, text, timestamp with time zone, text, text); Type: FUNCTION; Schema: api; Owner: predator_owner
--

CREATE FUNCTION api.void_fill(p_account text, p_symbol text, p_venue_trade_id text, p_ts timestamp with time zone, p_reason text, p_incident text) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_acct  trading.account;
    v_fill  trading.fill;
    v_later trading.fill;
    v_lot   trading.lot;
    v_pos   trading.position;
    v_inc   bigint;
    v_tx    bigint;
    v_fee_quote numeric;
    v_legs  record;
    v_qty   numeric;
    v_cost  numeric;
    v_trip  bigint;
BEGIN
    PERFORM ops._require_business_time('api.void_fill', ARRAY['p_ts'], ARRAY[p_ts]);
    v_acct := trading._account(p_account);
    IF p_reason IS NULL OR length(btrim(p_reason)) = 0 OR p_ts IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = 'void refused: a correction needs a time and a reason',
            HINT = 'Say what the venue shows (no trade under this id) and why the book takes it (kept in the audit log).';
    END IF;
    PERFORM ops._lock_book(v_acct.book_id);
    SELECT * INTO v_fill FROM trading.fill f
     WHERE f.book_id = v_acct.book_id AND f.symbol = p_symbol AND f.venue_trade_id = p_venue_trade_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011',
            MESSAGE = format('void refused: no fill %s of %s in account %s', p_venue_trade_id, p_symbol, p_account),
            HINT = 'Name a recorded fill by its symbol and venue trade id (api.fills).';
    END IF;
    IF EXISTS (SELECT FROM trading.fill_void v WHERE v.book_id = v_acct.book_id AND v.symbol = p_symbol
                  AND v.venue_trade_id = p_venue_trade_id) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD016', MESSAGE = format('void refused: fill %s of %s is already voided', p_venue_trade_id, p_symbol),
            HINT = 'A fill is voided once (api.fill_voids).';
    END IF;
    v_inc := ops._require_correctable('api.void_fill', v_acct, p_incident, p_ts);
    IF p_ts <= v_fill.ts THEN
        RAISE EXCEPTION USING ERRCODE = 'PD013', MESSAGE = format('void refused: time %s is not after the fill at %s', p_ts, v_fill.ts),
            HINT = 'A void is booked after the fill it voids.';
    END IF;
    v_fee_quote := trading._fee_in_quote(v_acct.venue, p_symbol, v_fill.fee, v_fill.fee_currency, v_fill.price, v_fill.ts);
    SELECT * INTO v_pos FROM trading.position p WHERE p.book_id = v_acct.book_id AND p.symbol = p_symbol FOR UPDATE;

    IF v_fill.side = 'sell' THEN
        -- Only the symbol's newest fill: what came after it was decided on the position it left.
        SELECT * INTO v_later FROM trading.fill f
         WHERE f.book_id = v_acct.book_id AND f.symbol = p_symbol AND f.seq > v_fill.seq
           AND NOT EXISTS (SELECT FROM trading.fill_void v WHERE v.book_id = f.book_id AND v.symbol = f.symbol
                              AND v.venue_trade_id = f.venue_trade_id)
         ORDER BY f.seq LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'PD016',
                MESSAGE = format('void refused: sell %s of %s is not the symbol''s newest fill', p_venue_trade_id, p_symbol),
                DETAIL = format('later fill %s (%s) at %s', v_later.venue_trade_id, v_later.side, v_later.ts),
                HINT = 'Only the newest fill of a symbol can be voided as a sell (void the later ghost fills first, newest first); a sell followed by other fills needs the later lots and allocations rebuilt: not built (docs/live.md "Corrections"). Leave the book halted and escalate.';
        END IF;
        SELECT coalesce(sum(a.quantity), 0), coalesce(sum(a.quantity * a.entry_price + a.entry_fee), 0)
          INTO v_qty, v_cost
          FROM trading.lot_allocation a
         WHERE a.book_id = v_acct.book_id AND a.symbol = p_symbol AND a.venue_trade_id = p_venue_trade_id;
        IF v_pos.quantity = 0 THEN
            -- The sell closed the trip: its round trip (the newest of that trip number) is taken back.
            SELECT r.seq INTO v_trip FROM trading.round_trip r
             WHERE r.book_id = v_acct.book_id AND r.symbol = p_symbol AND r.trip_no = v_pos.trip_no AND r.exit_ts = v_fill.ts
               AND NOT EXISTS (SELECT FROM trading.fill_void v WHERE v.book_id = r.book_id AND v.round_trip_seq = r.seq)
             ORDER BY r.seq DESC LIMIT 1;
        END IF;
    ELSE
        SELECT * INTO v_lot FROM trading.lot l
         WHERE l.book_id = v_acct.book_id AND l.symbol = p_symbol AND l.venue_trade_id = p_venue_trade_id FOR UPDATE;
        IF v_lot.remaining <> v_lot.quantity
           OR EXISTS (SELECT FROM trading.lot_allocation a WHERE a.book_id = v_acct.book_id AND a.symbol = p_symbol
                         AND a.lot_no = v_lot.lot_no) THEN
            RAISE EXCEPTION USING ERRCODE = 'PD016',
                MESSAGE = format('void refused: the lot of fill %s of %s was consumed by later sells', p_venue_trade_id, p_symbol),
                DETAIL = format('lot=%s quantity=%s remaining=%s', v_lot.lot_no, v_lot.quantity, v_lot.remaining),
                HINT = 'Voiding a consumed lot means rebuilding the later sells'' allocations: not built (docs/live.md "Corrections"). Void the later ghost sell first if it is one; otherwise leave the book halted and escalate.';
        END IF;
        IF EXISTS (SELECT FROM trading.lot l WHERE l.book_id = v_acct.book_id AND l.symbol = p_symbol AND l.lot_no > v_lot.lot_no) THEN
            RAISE EXCEPTION USING ERRCODE = 'PD016',
                MESSAGE = format('void refused: a later buy of %s opened a newer lot than fill %s', p_symbol, p_venue_trade_id),
                HINT = 'Only the newest lot of a symbol can be voided (the trip it belongs to is rebuilt from its lots): not built for older lots.';
        END IF;
        v_qty := v_lot.quantity;
    END IF;

    -- The journal: every leg of the fill's own transaction, of its realized memo and of its reserve accrual,
    -- negated, in one transaction.
    SELECT array_agg(p.account_code ORDER BY t.seq, p.leg) AS accounts, array_agg(p.currency ORDER BY t.seq, p.leg) AS currencies,
           array_agg(-p.amount ORDER BY t.seq, p.leg) AS amounts
      INTO v_legs
      FROM ledger.transaction t JOIN ledger.posting p ON p.book_id = t.book_id AND p.tx_seq = t.seq
     WHERE t.book_id = v_acct.book_id AND t.kind IN ('fill', 'realized', 'reserve') AND t.ref = p_venue_trade_id AND t.ts = v_fill.ts;
    v_tx := ledger._post(v_acct.book_id, 'void', p_venue_trade_id, p_ts, v_legs.accounts, v_legs.currencies, v_legs.amounts);

    -- The void first: the lot guard lets a sell's lots rise only once it is recorded.
    INSERT INTO trading.fill_void (book_id, symbol, venue_trade_id, client_order_id, lot_no, quantity, tx_seq,
                                   incident_seq, reason, ts, round_trip_seq)
    VALUES (v_acct.book_id, p_symbol, p_venue_trade_id, v_fill.client_order_id, v_lot.lot_no, v_qty, v_tx,
            v_inc, p_reason, p_ts, v_trip);

    IF v_fill.side = 'sell' THEN
        -- The lots it consumed get their allocations back; the position its quantity and cost, the trip its sell
        -- side and the fill's fee (the trip columns still hold the trip a closing sell ended: nothing bought since).
        UPDATE trading.lot l SET remaining = l.remaining + a.quantity
          FROM trading.lot_allocation a
         WHERE a.book_id = v_acct.book_id AND a.symbol = p_symbol AND a.venue_trade_id = p_venue_trade_id
           AND l.book_id = a.book_id AND l.symbol = a.symbol AND l.lot_no = a.lot_no;
        UPDATE trading.position p
           SET quantity = p.quantity + v_qty,
               cost_basis = p.cost_basis + v_cost,
               trip_sell_qty = p.trip_sell_qty - v_qty,
               trip_sell_notional = p.trip_sell_notional - v_qty * v_fill.price,
               trip_fees = p.trip_fees - v_fee_quote,
               updated_ts = p_ts
         WHERE p.book_id = v_acct.book_id AND p.symbol = p_symbol;
    ELSE
        UPDATE trading.lot l SET remaining = 0
         WHERE l.book_id = v_acct.book_id AND l.symbol = p_symbol AND l.lot_no = v_lot.lot_no;
        IF v_pos.quantity = v_lot.quantity THEN
            -- The ghost opened the trip (the book held nothing before it): the trip is taken back.
            UPDATE trading.position p
               SET quantity = 0, cost_basis = 0, trip_no = p.trip_no - 1, trip_buy_qty = 0, trip_buy_notional = 0,
                   trip_buy_fees = 0, trip_sell_qty = 0, trip_sell_notional = 0, trip_fees = 0, updated_ts = p_ts
             WHERE p.book_id = v_acct.book_id AND p.symbol = p_symbol;
        ELSE
            UPDATE trading.position p
               SET quantity = p.quantity - v_lot.quantity,
                   cost_basis = p.cost_basis - v_lot.quantity * v_lot.price - v_lot.fee_quote,
                   trip_buy_qty = p.trip_buy_qty - v_lot.quantity,
                   trip_buy_notional = p.trip_buy_notional - v_lot.quantity * v_lot.price,
                   trip_buy_fees = p.trip_buy_fees - v_fee_quote,
                   trip_fees = p.trip_fees - v_fee_quote,
                   updated_ts = p_ts
             WHERE p.book_id = v_acct.book_id AND p.symbol = p_symbol;
        END IF;
    END IF;

    PERFORM ops._audit(v_acct.book_id, 'void_fill', p_account || '/' || p_symbol || '/' || p_venue_trade_id,
        jsonb_build_object('symbol', p_symbol, 'venue_trade_id', p_venue_trade_id, 'side', v_fill.side, 'ts', p_ts,
                           'incident', p_incident, 'tx_seq', v_tx, 'round_trip_seq', v_trip), p_reason);
    RETURN v_tx;
END
$$;


ALTER FUNCTION api.void_fill(p_account text, p_symbol text, p_venue_trade_id text, p_ts timestamp with time zone, p_reason text, p_incident text) OWNER TO predator_owner;

--
-- Name: FUNCTION void_fill(p_account text, p_symbol text, p_venue_trade_id text, p_ts timestamp with time zone, p_reason text, p_incident text); Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON FUNCTION api.void_fill(p_account text, p_symbol text, p_venue_trade_id text, p_ts timestamp with time zone, p_reason text, p_incident text) IS 'Operator: voids a fill the venue never made (the fill stays; a fill_void row and a reversing journal transaction of its fill, realized and reserve postings): a buy whose lot is untouched and newest (its lot emptied, the position and trip taken back), or a sell that is the symbol''s newest fill (its allocations given back to their lots, the position, the trip and any round trip it closed taken back), citing the open incident it corrects, while the book is halted and its reconciliation dirty; audited. PD011/PD012/PD013/PD015/PD016 (docs/errors.md).';


--
-- Name: _accrue_operating_costs(integer, timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: ledger; Owner: predator_owner
--

CREATE FUNCTION ledger._accrue_operating_costs(p_book_id integer, p_after timestamp with time zone, p_hour timestamp with time zone) RETURNS numeric
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    r       record;
    v_total numeric := 0;
BEGIN
    FOR r IN SELECT c.name, c.currency, sum(c.accrual) AS amount
               FROM ledger.operating_cost_hours(p_book_id, p_after, p_hour) c
              GROUP BY c.name, c.currency ORDER BY c.name LOOP
        CONTINUE WHEN r.amount = 0;
        PERFORM ledger._post(p_book_id, 'ops_cost', 'opcost:' || r.name || ':' || to_char(p_hour AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"'),
                             p_hour, ARRAY['ops_cost', 'treasury'], ARRAY[r.currency, r.currency], ARRAY[r.amount, -r.amount]);
        v_total := v_total + r.amount;
    END LOOP;
    RETURN v_total;
END
$$;


ALTER FUNCTION ledger._accrue_operating_costs(p_book_id integer, p_after timestamp with time zone, p_hour timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION _accrue_operating_costs(p_book_id integer, p_after timestamp with time zone, p_hour timestamp with time zone); Type: COMMENT; Schema: ledger; Owner: predator_owner
--

COMMENT ON FUNCTION ledger._accrue_operating_costs(p_book_id integer, p_after timestamp with time zone, p_hour timestamp with time zone) IS 'Internal: posts the accrual of every declared operating cost for the hours a close at p_hour accrues (ops_cost + / treasury -), at business time p_hour.';


--
-- Name: _post(integer, text, text, timestamp with time zone, text[], text[], numeric[]); Type: FUNCTION; Schema: ledger; Owner: predator_owner
--

CREATE FUNCTION ledger._post(p_book_id integer, p_kind text, p_ref text, p_ts timestamp with time zone, p_accounts text[], p_currencies text[], p_amounts numeric[]) RETURNS bigint
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_tx   bigint;
    v_legs integer;
BEGIN
    SELECT count(*) INTO v_legs FROM unnest(p_amounts) a WHERE a <> 0;
    INSERT INTO ledger.transaction (book_id, kind, ref, legs, ts)
    VALUES (p_book_id, p_kind, p_ref, v_legs, p_ts)
    RETURNING seq INTO v_tx;

    INSERT INTO ledger.posting (book_id, tx_seq, leg, account_code, currency, amount, ts)
    SELECT p_book_id, v_tx, row_number() OVER (ORDER BY l.ord), l.acct, l.ccy, l.amt, p_ts
      FROM unnest(p_accounts, p_currencies, p_amounts) WITH ORDINALITY AS l(acct, ccy, amt, ord)
     WHERE l.amt <> 0
     ORDER BY l.ord;
    RETURN v_tx;
END
$$;


ALTER FUNCTION ledger._post(p_book_id integer, p_kind text, p_ref text, p_ts timestamp with time zone, p_accounts text[], p_currencies text[], p_amounts numeric[]) OWNER TO predator_owner;

--
-- Name: FUNCTION _post(p_book_id integer, p_kind text, p_ref text, p_ts timestamp with time zone, p_accounts text[], p_currencies text[], p_amounts numeric[]); Type: COMMENT; Schema: ledger; Owner: predator_owner
--

COMMENT ON FUNCTION ledger._post(p_book_id integer, p_kind text, p_ref text, p_ts timestamp with time zone, p_accounts text[], p_currencies text[], p_amounts numeric[]) IS 'Posts one balanced journal transaction (header plus non-zero legs in one statement) and returns its seq.';


--
-- Name: _treasury_fill(integer, text, text, numeric, timestamp with time zone); Type: FUNCTION; Schema: ledger; Owner: predator_owner
--

CREATE FUNCTION ledger._treasury_fill(p_book_id integer, p_venue_trade_id text, p_symbol text, p_fee_quote numeric, p_ts timestamp with time zone) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_acct   trading.account;
    v_quote  text := split_part(p_symbol, '/', 2);
    v_gross  numeric;
    v_net    numeric;
    v_fee    numeric;
    v_limits jsonb;
    v_pct    numeric;
    v_carry  numeric;
    v_hwm_before numeric;
    v_hwm_after  numeric;
    v_reserve numeric := 0;
BEGIN
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = p_book_id;
    SELECT coalesce(sum(a.quantity * (a.exit_price - a.entry_price)), 0), coalesce(sum(a.realized_pnl), 0)
      INTO v_gross, v_net
      FROM trading.lot_allocation a
     WHERE a.book_id = p_book_id AND a.symbol = p_symbol AND a.venue_trade_id = p_venue_trade_id;
    v_gross := portfolio._to_reporting(v_acct.venue, v_acct.base_currency, v_quote, v_gross, p_ts);
    v_net := portfolio._to_reporting(v_acct.venue, v_acct.base_currency, v_quote, v_net, p_ts);
    v_fee := portfolio._to_reporting(v_acct.venue, v_acct.base_currency, v_quote, coalesce(p_fee_quote, 0), p_ts);
    IF v_gross <> 0 OR v_fee <> 0 THEN
        PERFORM ledger._post(p_book_id, 'realized', p_venue_trade_id, p_ts,
            ARRAY['realized_pnl', 'fee_expense', 'treasury'],
            ARRAY[v_acct.base_currency, v_acct.base_currency, v_acct.base_currency],
            ARRAY[-v_gross, v_fee, v_gross - v_fee]);
    END IF;

    v_limits := risk.current_limits(v_acct.risk_profile);
    v_pct := risk.cap(v_limits, 'treasury_reserve_pct', '*', 100);  -- pct of 100: the percentage itself
    IF v_pct IS NULL OR v_pct = 0 OR v_net = 0 THEN
        RETURN;
    END IF;
    v_carry := risk.cap(v_limits, 'treasury_reserve_carry_forward', '*', NULL);
    IF coalesce(v_carry, 0) = 1 THEN
        -- High-water mark of the cumulative realized PnL over the book's fills before this one and after it.
        SELECT greatest(0, coalesce(max(x.cum) FILTER (WHERE NOT x.this), 0)), greatest(0, coalesce(max(x.cum), 0))
          INTO v_hwm_before, v_hwm_after
          FROM (SELECT sum(f.net) OVER (ORDER BY f.first_seq) AS cum, f.this
                  FROM (SELECT min(a.seq) AS first_seq,
                               sum(portfolio._to_reporting(v_acct.venue, v_acct.base_currency, split_part(a.symbol, '/', 2),
                                                           a.realized_pnl, a.ts)) AS net,
                               bool_or(a.symbol = p_symbol AND a.venue_trade_id = p_venue_trade_id) AS this
                          FROM trading.lot_allocation a
                         WHERE a.book_id = p_book_id
                           -- a voided sell (api.void_fill) realized nothing: its reserve was reversed with it
                           AND NOT EXISTS (SELECT FROM trading.fill_void fv WHERE fv.book_id = a.book_id AND fv.symbol = a.symbol AND fv.venue_trade_id = a.venue_trade_id)
                         GROUP BY a.symbol, a.venue_trade_id) f) x;
        v_reserve := round(v_pct / 100 * (v_hwm_after - v_hwm_before), 10);
    ELSE
        v_reserve := round(v_pct / 100 * greatest(v_net, 0), 10);
    END IF;
    IF v_reserve > 0 THEN
        PERFORM ledger._post(p_book_id, 'reserve', p_venue_trade_id, p_ts,
            ARRAY['reserve', 'treasury'], ARRAY[v_acct.base_currency, v_acct.base_currency], ARRAY[v_reserve, -v_reserve]);
    END IF;
END
$$;


ALTER FUNCTION ledger._treasury_fill(p_book_id integer, p_venue_trade_id text, p_symbol text, p_fee_quote numeric, p_ts timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION _treasury_fill(p_book_id integer, p_venue_trade_id text, p_symbol text, p_fee_quote numeric, p_ts timestamp with time zone); Type: COMMENT; Schema: ledger; Owner: predator_owner
--

COMMENT ON FUNCTION ledger._treasury_fill(p_book_id integer, p_venue_trade_id text, p_symbol text, p_fee_quote numeric, p_ts timestamp with time zone) IS 'Internal: the treasury postings of a fill: realized PnL (gross) and fee expense against treasury, and the reserve accrual of its realized gain (treasury_reserve_pct; treasury_reserve_carry_forward), in the reporting currency. docs/treasury.md.';


--
-- Name: operating_cost_hours(integer, timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: ledger; Owner: predator_owner
--

CREATE FUNCTION ledger.operating_cost_hours(p_book_id integer, p_after timestamp with time zone, p_hour timestamp with time zone) RETURNS TABLE(name text, hour timestamp with time zone, currency text, accrual numeric)
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    SELECT c.name, h.hour, c.currency, ledger.operating_cost_rate(c.amount, c.period, h.hour)
      FROM generate_series(coalesce(p_after + interval '1 hour', p_hour), p_hour, interval '1 hour') AS h(hour)
     CROSS JOIN LATERAL (
        SELECT DISTINCT ON (o.name) o.*
          FROM ledger.operating_cost o
         WHERE o.book_id = p_book_id AND o.effective_from <= h.hour
         ORDER BY o.name, o.effective_from DESC, o.revision DESC) c
     WHERE c.active AND c.amount > 0
$$;


ALTER FUNCTION ledger.operating_cost_hours(p_book_id integer, p_after timestamp with time zone, p_hour timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION operating_cost_hours(p_book_id integer, p_after timestamp with time zone, p_hour timestamp with time zone); Type: COMMENT; Schema: ledger; Owner: predator_owner
--

COMMENT ON FUNCTION ledger.operating_cost_hours(p_book_id integer, p_after timestamp with time zone, p_hour timestamp with time zone) IS 'The hours a close at p_hour accrues (after p_after up to p_hour inclusive: each hour in advance) and each declared cost''s accrual in them at the revision in force at the hour''s start.';


--
-- Name: operating_cost_rate(numeric, text, timestamp with time zone); Type: FUNCTION; Schema: ledger; Owner: predator_owner
--

CREATE FUNCTION ledger.operating_cost_rate(p_amount numeric, p_period text, p_hour timestamp with time zone) RETURNS numeric
    LANGUAGE sql IMMUTABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    SELECT round(p_amount / CASE p_period
        WHEN 'day' THEN 24
        WHEN 'week' THEN 168
        WHEN 'month' THEN extract(epoch FROM (date_trunc('month', p_hour AT TIME ZONE 'UTC') + interval '1 month')
                                             - date_trunc('month', p_hour AT TIME ZONE 'UTC')) / 3600
        WHEN 'year' THEN extract(epoch FROM (date_trunc('year', p_hour AT TIME ZONE 'UTC') + interval '1 year')
                                            - date_trunc('year', p_hour AT TIME ZONE 'UTC')) / 3600
    END, 10)
$$;


ALTER FUNCTION ledger.operating_cost_rate(p_amount numeric, p_period text, p_hour timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION operating_cost_rate(p_amount numeric, p_period text, p_hour timestamp with time zone); Type: COMMENT; Schema: ledger; Owner: predator_owner
--

COMMENT ON FUNCTION ledger.operating_cost_rate(p_amount numeric, p_period text, p_hour timestamp with time zone) IS 'The accrual of one hour (starting at p_hour) of a cost of p_amount per day, week, calendar month or calendar year (UTC), rounded to 10 decimals.';


--
-- Name: tg_posting__balanced(); Type: FUNCTION; Schema: ledger; Owner: predator_owner
--

CREATE FUNCTION ledger.tg_posting__balanced() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_bad record;
BEGIN
    SELECT p.book_id, p.tx_seq, p.currency, sum(p.amount) AS total
      INTO v_bad
      FROM new_postings p
     GROUP BY p.book_id, p.tx_seq, p.currency
    HAVING sum(p.amount) <> 0
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'PD002',
            MESSAGE = format('journal transaction %s of book %s refused: its %s postings do not sum to zero',
                             v_bad.tx_seq, v_bad.book_id, v_bad.currency),
            DETAIL = format('currency=%s sum=%s', v_bad.currency, v_bad.total),
            HINT = 'Post every economic event as one balanced transaction (ledger._post).';
    END IF;

    SELECT n.book_id, n.tx_seq, n.legs_posted, t.legs
      INTO v_bad
      FROM (SELECT p.book_id, p.tx_seq, count(*) AS legs_posted FROM new_postings p GROUP BY 1, 2) n
      JOIN ledger.transaction t ON t.book_id = n.book_id AND t.seq = n.tx_seq
     WHERE n.legs_posted <> t.legs
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'PD002',
            MESSAGE = format('journal transaction %s of book %s refused: it must be posted whole, in one statement',
                             v_bad.tx_seq, v_bad.book_id),
            DETAIL = format('legs_declared=%s legs_in_statement=%s', v_bad.legs, v_bad.legs_posted),
            HINT = 'Post every economic event as one balanced transaction (ledger._post).';
    END IF;
    RETURN NULL;
END
$$;


ALTER FUNCTION ledger.tg_posting__balanced() OWNER TO predator_owner;

--
-- Name: FUNCTION tg_posting__balanced(); Type: COMMENT; Schema: ledger; Owner: predator_owner
--

COMMENT ON FUNCTION ledger.tg_posting__balanced() IS 'Double-entry check: each statement posts whole transactions whose postings sum to zero per currency; PD002 otherwise.';


--
-- Name: tg_posting__chain(); Type: FUNCTION; Schema: ledger; Owner: predator_owner
--

CREATE FUNCTION ledger.tg_posting__chain() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET "TimeZone" TO 'UTC'
    AS $$
DECLARE
    v_seq      bigint;
    v_balance  numeric;
    v_prev     bytea;
    v_non_neg  boolean;
BEGIN
    SELECT b.seq, b.balance, b.head_hash, b.non_negative
      INTO v_seq, v_balance, v_prev, v_non_neg
      FROM ledger.balance b
     WHERE b.book_id = NEW.book_id AND b.account_code = NEW.account_code AND b.currency = NEW.currency
       FOR UPDATE;
    IF NOT FOUND THEN
        SELECT a.non_negative INTO v_non_neg
          FROM ledger.ledger_account a WHERE a.book_id = NEW.book_id AND a.code = NEW.account_code;
        IF NOT FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'PD011',
                MESSAGE = format('posting refused: book %s has no ledger account %s', NEW.book_id, NEW.account_code),
                HINT = 'Create the account with api.create_account; it opens every ledger account of the book.';
        END IF;
        INSERT INTO ledger.balance (book_id, account_code, currency, seq, balance, head_hash, non_negative)
        VALUES (NEW.book_id, NEW.account_code, NEW.currency, 0, 0, ops.genesis_hash(), v_non_neg);
        v_seq := 0; v_balance := 0; v_prev := ops.genesis_hash();
    END IF;

    v_seq := v_seq + 1;
    v_balance := v_balance + NEW.amount;

    IF (NEW.seq IS NOT NULL AND NEW.seq <> v_seq)
       OR (NEW.balance_after IS NOT NULL AND NEW.balance_after <> v_balance)
       OR (NEW.prev_hash IS NOT NULL AND NEW.prev_hash <> v_prev) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD004',
            MESSAGE = format('posting refused: it breaks the continuity of %s/%s in book %s', NEW.account_code, NEW.currency, NEW.book_id),
            DETAIL = format('expected_seq=%s given_seq=%s expected_balance_after=%s given_balance_after=%s',
                            v_seq, NEW.seq, v_balance, NEW.balance_after),
            HINT = 'Post through ledger._post (api procedures); seq, balance_after and hashes are assigned by the trigger.';
    END IF;

    IF v_non_neg AND v_balance < 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'PD003',
            MESSAGE = format('posting refused: %s balance of %s in book %s would go negative (no leverage, no shorting)',
                             NEW.currency, NEW.account_code, NEW.book_id),
            DETAIL = format('balance_before=%s amount=%s balance_after=%s', v_balance - NEW.amount, NEW.amount, v_balance),
            HINT = 'Only spend what the book holds: size the order within the available balance.';
    END IF;

    NEW.seq := v_seq;
    NEW.balance_after := v_balance;
    NEW.prev_hash := v_prev;
    NEW.row_hash := ops.row_hash(v_prev, to_jsonb(NEW));

    UPDATE ledger.balance b
       SET seq = v_seq, balance = v_balance, head_hash = NEW.row_hash
     WHERE b.book_id = NEW.book_id AND b.account_code = NEW.account_code AND b.currency = NEW.currency;
    RETURN NEW;
END
$$;


ALTER FUNCTION ledger.tg_posting__chain() OWNER TO predator_owner;

--
-- Name: FUNCTION tg_posting__chain(); Type: COMMENT; Schema: ledger; Owner: predator_owner
--

COMMENT ON FUNCTION ledger.tg_posting__chain() IS 'Posting trigger: gapless seq, running balance and sha256 chain per (book, account, currency); PD003 on a negative balance of a non-negative account, PD004 on broken continuity.';


--
-- Name: tg_transaction__complete(); Type: FUNCTION; Schema: ledger; Owner: predator_owner
--

CREATE FUNCTION ledger.tg_transaction__complete() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_posted bigint;
BEGIN
    SELECT count(*) INTO v_posted FROM ledger.posting p WHERE p.book_id = NEW.book_id AND p.tx_seq = NEW.seq;
    IF v_posted <> NEW.legs THEN
        RAISE EXCEPTION USING ERRCODE = 'PD002',
            MESSAGE = format('journal transaction %s of book %s refused at commit: %s of %s legs posted',
                             NEW.seq, NEW.book_id, v_posted, NEW.legs),
            HINT = 'Post every economic event as one balanced transaction (ledger._post).';
    END IF;
    RETURN NULL;
END
$$;


ALTER FUNCTION ledger.tg_transaction__complete() OWNER TO predator_owner;

--
-- Name: FUNCTION tg_transaction__complete(); Type: COMMENT; Schema: ledger; Owner: predator_owner
--

COMMENT ON FUNCTION ledger.tg_transaction__complete() IS 'Deferred check that every journal transaction has all its declared legs posted by commit; PD002 otherwise.';


--
-- Name: _quarantine_reasons(integer, timestamp with time zone, numeric, numeric, numeric, numeric, numeric, interval, timestamp with time zone); Type: FUNCTION; Schema: market; Owner: predator_owner
--

CREATE FUNCTION market._quarantine_reasons(p_n integer, p_ts timestamp with time zone, p_open numeric, p_high numeric, p_low numeric, p_close numeric, p_volume numeric, p_step interval, p_latest_open timestamp with time zone) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT coalesce(nullif(pg_catalog.array_remove(ARRAY[
               CASE WHEN p_n <> 6 THEN 'wrong_column_count' END,
               CASE WHEN p_n = 6 AND NOT coalesce(pg_catalog.isfinite(p_ts), false) THEN 'bad_timestamp' END,
               CASE WHEN p_n = 6 AND (p_open IS NULL OR p_open IN ('NaN', 'Infinity', '-Infinity')) THEN 'open_not_a_number' END,
               CASE WHEN p_n = 6 AND (p_high IS NULL OR p_high IN ('NaN', 'Infinity', '-Infinity')) THEN 'high_not_a_number' END,
               CASE WHEN p_n = 6 AND (p_low IS NULL OR p_low IN ('NaN', 'Infinity', '-Infinity')) THEN 'low_not_a_number' END,
               CASE WHEN p_n = 6 AND (p_close IS NULL OR p_close IN ('NaN', 'Infinity', '-Infinity')) THEN 'close_not_a_number' END,
               CASE WHEN p_n = 6 AND (p_volume IS NULL OR p_volume IN ('NaN', 'Infinity', '-Infinity')) THEN 'volume_not_a_number' END,
               CASE WHEN pg_catalog.isfinite(p_ts)
                         AND pg_catalog.date_bin(p_step, p_ts, timestamptz '1970-01-01 00:00:00+00') <> p_ts THEN 'misaligned_ts' END,
               CASE WHEN pg_catalog.isfinite(p_ts) AND p_ts < timestamptz '2009-01-03 00:00:00+00' THEN 'ts_out_of_range' END,
               CASE WHEN pg_catalog.isfinite(p_ts) AND p_ts > p_latest_open THEN 'future_bar' END,
               CASE WHEN least(p_open, p_high, p_low, p_close) <= 0 THEN 'non_positive_price' END,
               CASE WHEN p_volume < 0 THEN 'negative_volume' END,
               CASE WHEN p_high < greatest(p_open, p_close) AND 'NaN' NOT IN (p_open, p_high, p_close) THEN 'high_below_open_close' END,
               CASE WHEN p_low > least(p_open, p_close) AND 'NaN' NOT IN (p_open, p_low, p_close) THEN 'low_above_open_close' END
           ], NULL), '{}'), ARRAY['invalid_row'])
$$;


ALTER FUNCTION market._quarantine_reasons(p_n integer, p_ts timestamp with time zone, p_open numeric, p_high numeric, p_low numeric, p_close numeric, p_volume numeric, p_step interval, p_latest_open timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION _quarantine_reasons(p_n integer, p_ts timestamp with time zone, p_open numeric, p_high numeric, p_low numeric, p_close numeric, p_volume numeric, p_step interval, p_latest_open timestamp with time zone); Type: COMMENT; Schema: market; Owner: predator_owner
--

COMMENT ON FUNCTION market._quarantine_reasons(p_n integer, p_ts timestamp with time zone, p_open numeric, p_high numeric, p_low numeric, p_close numeric, p_volume numeric, p_step interval, p_latest_open timestamp with time zone) IS 'Internal: the reason codes of a candle line the gates refused (api.load_candles), {invalid_row} when none applies.';


--
-- Name: _staged_lines(uuid, interval, timestamp with time zone); Type: FUNCTION; Schema: market; Owner: predator_owner
--

CREATE FUNCTION market._staged_lines(p_load_key uuid, p_step interval, p_latest_open timestamp with time zone) RETURNS TABLE(line_no bigint, raw text, n integer, ts timestamp with time zone, open numeric, high numeric, low numeric, close numeric, volume numeric, good boolean)
    LANGUAGE sql STABLE
    AS $_$
    SELECT x.line_no, x.raw, x.n, x.ts, x.open, x.high, x.low, x.close, x.volume,
           x.n = 6 AND market.bar_is_good(x.ts, x.open, x.high, x.low, x.close, x.volume, p_step, p_latest_open)
      FROM (SELECT pg_catalog.row_number() OVER (ORDER BY s.line_no) AS line_no, coalesce(s.raw, '') AS raw, f.n,
                   CASE WHEN f.n <> 6 THEN NULL
                        WHEN s.raw LIKE '____-__-__T__:__:__Z,%' THEN market._try_timestamptz(pg_catalog.left(s.raw, 20))
                        WHEN f.a[1] ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?$'
                            THEN market._try_timestamptz(f.a[1]) END AS ts,
                   CASE WHEN f.n = 6 THEN market._try_numeric(f.a[2]) END AS open,
                   CASE WHEN f.n = 6 THEN market._try_numeric(f.a[3]) END AS high,
                   CASE WHEN f.n = 6 THEN market._try_numeric(f.a[4]) END AS low,
                   CASE WHEN f.n = 6 THEN market._try_numeric(f.a[5]) END AS close,
                   CASE WHEN f.n = 6 THEN market._try_numeric(f.a[6]) END AS volume
              FROM market.candle_stage s
             CROSS JOIN LATERAL (SELECT a, coalesce(pg_catalog.cardinality(a), 0) AS n
                                   FROM pg_catalog.string_to_array(pg_catalog.rtrim(s.raw, E'\r'), ',') a) f
             WHERE s.load_key = p_load_key
            OFFSET 0) x  -- a fence: each field is parsed once, not once per gate that reads it
$_$;


ALTER FUNCTION market._staged_lines(p_load_key uuid, p_step interval, p_latest_open timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION _staged_lines(p_load_key uuid, p_step interval, p_latest_open timestamp with time zone); Type: COMMENT; Schema: market; Owner: predator_owner
--

COMMENT ON FUNCTION market._staged_lines(p_load_key uuid, p_step interval, p_latest_open timestamp with time zone) IS 'Internal: the lines staged under a load key in market.candle_stage, parsed without raising (NULL where a field does not parse), numbered in staging order, with the gates'' verdict (good).';


--
-- Name: _try_numeric(text); Type: FUNCTION; Schema: market; Owner: predator_owner
--

CREATE FUNCTION market._try_numeric(p_text text) RETURNS numeric
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    AS $_$
BEGIN
    IF p_text IS NULL THEN
        RETURN NULL;
    END IF;
    -- A plain decimal of bounded length always parses: no subtransaction needed.
    IF octet_length(p_text) <= 1000 AND p_text ~ '^\s*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,3})?\s*$' THEN
        RETURN p_text::numeric;
    END IF;
    BEGIN
        RETURN p_text::numeric;
    EXCEPTION WHEN data_exception THEN
        RETURN NULL;
    END;
END
$_$;


ALTER FUNCTION market._try_numeric(p_text text) OWNER TO predator_owner;

--
-- Name: FUNCTION _try_numeric(p_text text); Type: COMMENT; Schema: market; Owner: predator_owner
--

COMMENT ON FUNCTION market._try_numeric(p_text text) IS 'Internal: p_text as numeric, or NULL when it does not parse (never an error).';


--
-- Name: _try_timestamptz(text); Type: FUNCTION; Schema: market; Owner: predator_owner
--

CREATE FUNCTION market._try_timestamptz(p_text text) RETURNS timestamp with time zone
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    AS $$
BEGIN
    IF p_text IS NULL THEN
        RETURN NULL;
    END IF;
    BEGIN
        RETURN p_text::timestamptz;
    EXCEPTION WHEN data_exception THEN
        RETURN NULL;
    END;
END
$$;


ALTER FUNCTION market._try_timestamptz(p_text text) OWNER TO predator_owner;

--
-- Name: FUNCTION _try_timestamptz(p_text text); Type: COMMENT; Schema: market; Owner: predator_owner
--

COMMENT ON FUNCTION market._try_timestamptz(p_text text) IS 'Internal: p_text as timestamptz, or NULL when it does not parse (never an error).';


--
-- Name: bar_is_good(timestamp with time zone, numeric, numeric, numeric, numeric, numeric, interval, timestamp with time zone); Type: FUNCTION; Schema: market; Owner: predator_owner
--

CREATE FUNCTION market.bar_is_good(p_ts timestamp with time zone, p_open numeric, p_high numeric, p_low numeric, p_close numeric, p_volume numeric, p_step interval, p_latest_open timestamp with time zone) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT coalesce(isfinite(p_ts)
           AND pg_catalog.date_bin(p_step, p_ts, timestamptz '1970-01-01 00:00:00+00') = p_ts
           AND p_ts >= timestamptz '2009-01-03 00:00:00+00'
           AND p_ts <= p_latest_open
           AND p_open > 0 AND p_high > 0 AND p_low > 0 AND p_close > 0 AND p_volume >= 0
           AND p_high < 'Infinity'::numeric AND p_volume < 'Infinity'::numeric
           AND p_high >= p_open AND p_high >= p_close AND p_high >= p_low
           AND p_low <= p_open AND p_low <= p_close, false)
$$;


ALTER FUNCTION market.bar_is_good(p_ts timestamp with time zone, p_open numeric, p_high numeric, p_low numeric, p_close numeric, p_volume numeric, p_step interval, p_latest_open timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION bar_is_good(p_ts timestamp with time zone, p_open numeric, p_high numeric, p_low numeric, p_close numeric, p_volume numeric, p_step interval, p_latest_open timestamp with time zone); Type: COMMENT; Schema: market; Owner: predator_owner
--

COMMENT ON FUNCTION market.bar_is_good(p_ts timestamp with time zone, p_open numeric, p_high numeric, p_low numeric, p_close numeric, p_volume numeric, p_step interval, p_latest_open timestamp with time zone) IS 'Candle gates in one inlinable expression: finite open time aligned to the interval, not before 2009-01-03, closed by the clock (ts <= latest_open), positive finite prices, finite non-negative volume, consistent high and low.';


--
-- Name: bar_known(text, text, timestamp with time zone, bigint, interval); Type: FUNCTION; Schema: market; Owner: predator_owner
--

CREATE FUNCTION market.bar_known(p_venue text, p_symbol text, p_at timestamp with time zone, p_load_id bigint DEFAULT NULL::bigint, p_within interval DEFAULT NULL::interval) RETURNS TABLE(ts timestamp with time zone, close numeric, bar_close timestamp with time zone)
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET plan_cache_mode TO 'force_generic_plan'
    AS $$
BEGIN
    RETURN QUERY
    SELECT c.ts, c.close, c.ts + interval '1 hour'
      FROM market.candle c
     WHERE c.venue = p_venue AND c.symbol = p_symbol AND c.interval = '1h'
       AND c.ts <= p_at - interval '1 hour'
       AND c.ts > coalesce(p_at - p_within, '-infinity'::timestamptz)
       AND c.load_id <= coalesce(p_load_id, 9223372036854775807)
     ORDER BY c.ts DESC, c.revision DESC
     LIMIT 1;
END
$$;


ALTER FUNCTION market.bar_known(p_venue text, p_symbol text, p_at timestamp with time zone, p_load_id bigint, p_within interval) OWNER TO predator_owner;

--
-- Name: FUNCTION bar_known(p_venue text, p_symbol text, p_at timestamp with time zone, p_load_id bigint, p_within interval); Type: COMMENT; Schema: market; Owner: predator_owner
--

COMMENT ON FUNCTION market.bar_known(p_venue text, p_symbol text, p_at timestamp with time zone, p_load_id bigint, p_within interval) IS 'The one rule for the bar known at p_at: the latest effective 1h bar closed by p_at (highest revision), among the revisions loaded up to p_load_id when given (a sync-fed hour''s knowledge), opened within p_within when given. Used by market.last_bar, market.marks, market.conversion_rate and gate 20.';


--
-- Name: conversion_rate(text, text, text, timestamp with time zone, bigint, bigint); Type: FUNCTION; Schema: market; Owner: predator_owner
--

CREATE FUNCTION market.conversion_rate(p_venue text, p_from text, p_to text, p_at timestamp with time zone, p_direct_load bigint DEFAULT NULL::bigint, p_inverse_load bigint DEFAULT NULL::bigint) RETURNS TABLE(rate numeric, symbol text, bar_close timestamp with time zone, inverted boolean)
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET plan_cache_mode TO 'force_generic_plan'
    AS $$
DECLARE
    v_direct_ts  timestamptz;
    v_direct     numeric;
    v_inverse_ts timestamptz;
    v_inverse    numeric;
BEGIN
    IF p_from = p_to THEN
        RETURN QUERY SELECT 1::numeric, NULL::text, NULL::timestamptz, false;
        RETURN;
    END IF;
    SELECT b.ts, b.close INTO v_direct_ts, v_direct
      FROM market.bar_known(p_venue, p_from || '/' || p_to, p_at, p_direct_load, NULL) b;
    SELECT b.ts, b.close INTO v_inverse_ts, v_inverse
      FROM market.bar_known(p_venue, p_to || '/' || p_from, p_at, p_inverse_load, NULL) b;
    IF v_direct_ts IS NOT NULL AND (v_inverse_ts IS NULL OR v_direct_ts >= v_inverse_ts) THEN
        RETURN QUERY SELECT v_direct, p_from || '/' || p_to, v_direct_ts + interval '1 hour', false;
    ELSIF v_inverse_ts IS NOT NULL AND v_inverse > 0 THEN
        RETURN QUERY SELECT round(1 / v_inverse, 12), p_to || '/' || p_from, v_inverse_ts + interval '1 hour', true;
    END IF;
END
$$;


ALTER FUNCTION market.conversion_rate(p_venue text, p_from text, p_to text, p_at timestamp with time zone, p_direct_load bigint, p_inverse_load bigint) OWNER TO predator_owner;

--
-- Name: FUNCTION conversion_rate(p_venue text, p_from text, p_to text, p_at timestamp with time zone, p_direct_load bigint, p_inverse_load bigint); Type: COMMENT; Schema: market; Owner: predator_owner
--

COMMENT ON FUNCTION market.conversion_rate(p_venue text, p_from text, p_to text, p_at timestamp with time zone, p_direct_load bigint, p_inverse_load bigint) IS 'Rate converting p_from into p_to at p_at on a venue: 1 for the same currency; else the close of the latest 1h bar closed by p_at of FROM/TO, or 1/close (12 places, inverted) of TO/FROM, whichever closed later (the direct pair on a tie); with the pair and its bar close. No row when neither pair has a bar. p_direct_load / p_inverse_load: only revisions loaded up to them (a sync-fed hour''s knowledge; gate 20).';


--
-- Name: ensure_partitions(timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: market; Owner: predator_owner
--

CREATE FUNCTION market.ensure_partitions(p_from timestamp with time zone, p_to timestamp with time zone) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET "TimeZone" TO 'UTC'
    AS $$
DECLARE
    v_month   timestamptz;
    v_name    text;
    v_created integer := 0;
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_partitioned_table WHERE partrelid = 'market.candle'::regclass) THEN
        RETURN 0;
    END IF;
    IF p_from IS NULL OR p_to IS NULL OR p_from > p_to THEN
        RETURN 0;
    END IF;
    IF p_to - p_from > interval '100 years' THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = 'candle partitions refused: the time range spans more than 100 years',
            DETAIL = format('from=%s to=%s', p_from, p_to),
            HINT = 'Candle open times are gated to [2009-01-03, clock]; check the caller.';
    END IF;
    v_month := date_trunc('month', p_from);
    WHILE v_month <= p_to AND to_regclass('market.candle_y' || to_char(v_month, 'YYYY') || 'm' || to_char(v_month, 'MM')) IS NOT NULL LOOP
        v_month := v_month + interval '1 month';
    END LOOP;
    IF v_month > p_to THEN
        RETURN 0;
    END IF;
    LOCK TABLE market.candle IN SHARE UPDATE EXCLUSIVE MODE;
    WHILE v_month <= p_to LOOP
        v_name := 'candle_y' || to_char(v_month, 'YYYY') || 'm' || to_char(v_month, 'MM');
        IF to_regclass('market.' || v_name) IS NULL THEN
            EXECUTE format('CREATE TABLE market.%I (LIKE market.candle INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', v_name);
            EXECUTE format('ALTER TABLE market.candle ATTACH PARTITION market.%I FOR VALUES FROM (%L) TO (%L)',
                           v_name, v_month, v_month + interval '1 month');
            EXECUTE format('CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON market.%I FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse()', v_name);
            EXECUTE format('GRANT SELECT ON market.%I TO predator_auditor', v_name);
            v_created := v_created + 1;
        END IF;
        v_month := v_month + interval '1 month';
    END LOOP;
    RETURN v_created;
END
$$;


ALTER FUNCTION market.ensure_partitions(p_from timestamp with time zone, p_to timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION ensure_partitions(p_from timestamp with time zone, p_to timestamp with time zone); Type: COMMENT; Schema: market; Owner: predator_owner
--

COMMENT ON FUNCTION market.ensure_partitions(p_from timestamp with time zone, p_to timestamp with time zone) IS 'Creates missing monthly partitions of market.candle for [p_from, p_to] (built apart and attached, so readers and other loads are not blocked; TRUNCATE refused like the parent, readable by predator_auditor); returns how many were created. No-op on a TimescaleDB hypertable.';


--
-- Name: feed_quality(text, text[], timestamp with time zone); Type: FUNCTION; Schema: market; Owner: predator_owner
--

CREATE FUNCTION market.feed_quality(p_venue text, p_symbols text[], p_at timestamp with time zone) RETURNS TABLE(symbol text, bar_ts timestamp with time zone, flat_run integer, wick_pct numeric)
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET plan_cache_mode TO 'force_generic_plan'
    AS $$
BEGIN
    RETURN QUERY
    SELECT s.sym, q.bar_ts, q.flat_run, q.wick_pct
      FROM unnest(p_symbols) s(sym)
     CROSS JOIN LATERAL (
           SELECT max(b.ts) AS bar_ts,
                  coalesce(min(b.n) FILTER (WHERE NOT b.repeat), count(*) + 1)::integer - 1 AS flat_run,
                  max(CASE WHEN b.n = 1 AND b.ts = p_at - interval '1 hour' AND least(b.open, b.close) > 0 THEN
                          100 * greatest((least(b.open, b.close) - b.low) / least(b.open, b.close),
                                         (b.high - greatest(b.open, b.close)) / greatest(b.open, b.close)) END)
                      AS wick_pct
             FROM (SELECT e.ts, e.open, e.high, e.low, e.close,
                          row_number() OVER w AS n,
                          coalesce(e.open = e.high AND e.high = e.low AND e.low = e.close
                                   AND e.open = lead(e.close) OVER w
                                   AND (e.volume = 0 OR e.volume = lead(e.volume) OVER w), false) AS repeat
                     FROM (SELECT DISTINCT ON (c.ts) c.ts, c.open, c.high, c.low, c.close, c.volume
                             FROM market.candle c
                            WHERE c.venue = p_venue AND c.symbol = s.sym AND c.interval = '1h'
                              AND c.ts <= p_at - interval '1 hour' AND c.ts > p_at - interval '25 hours'
                            ORDER BY c.ts DESC, c.revision DESC) e
                   WINDOW w AS (ORDER BY e.ts DESC)) b
           HAVING count(*) > 0) q;
END
$$;


ALTER FUNCTION market.feed_quality(p_venue text, p_symbols text[], p_at timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION feed_quality(p_venue text, p_symbols text[], p_at timestamp with time zone); Type: COMMENT; Schema: market; Owner: predator_owner
--

COMMENT ON FUNCTION market.feed_quality(p_venue text, p_symbols text[], p_at timestamp with time zone) IS 'Data-quality figures per symbol at p_at: flat_run (latest bars in a row repeating the previous close flat, volume 0 or repeated: a frozen feed) and wick_pct (the bar closed at p_at: largest wick beyond its body, percent: a single-venue print). Read by api.close_hour for the flat_feed_hours and bar_outlier_pct breakers.';


--
-- Name: interval_seconds(text); Type: FUNCTION; Schema: market; Owner: predator_owner
--

CREATE FUNCTION market.interval_seconds(p_interval text) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT CASE p_interval
    WHEN '1m' THEN 60 WHEN '5m' THEN 300 WHEN '15m' THEN 900 WHEN '30m' THEN 1800
    WHEN '1h' THEN 3600 WHEN '4h' THEN 14400 WHEN '1d' THEN 86400 END $$;


ALTER FUNCTION market.interval_seconds(p_interval text) OWNER TO predator_owner;

--
-- Name: FUNCTION interval_seconds(p_interval text); Type: COMMENT; Schema: market; Owner: predator_owner
--

COMMENT ON FUNCTION market.interval_seconds(p_interval text) IS 'Seconds in a ccxt timeframe (1m 5m 15m 30m 1h 4h 1d); NULL when unknown.';


--
-- Name: last_bar(text, text, timestamp with time zone); Type: FUNCTION; Schema: market; Owner: predator_owner
--

CREATE FUNCTION market.last_bar(p_venue text, p_symbol text, p_at timestamp with time zone) RETURNS TABLE(ts timestamp with time zone, close numeric, bar_close timestamp with time zone)
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET plan_cache_mode TO 'force_generic_plan'
    AS $$
BEGIN
    RETURN QUERY SELECT b.ts, b.close, b.bar_close FROM market.bar_known(p_venue, p_symbol, p_at, NULL, interval '7 days') b;
END
$$;


ALTER FUNCTION market.last_bar(p_venue text, p_symbol text, p_at timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION last_bar(p_venue text, p_symbol text, p_at timestamp with time zone); Type: COMMENT; Schema: market; Owner: predator_owner
--

COMMENT ON FUNCTION market.last_bar(p_venue text, p_symbol text, p_at timestamp with time zone) IS 'Latest effective 1h bar closed by p_at (open time <= p_at - 1h, within 7 days): its open time, close (quote) and close time.';


--
-- Name: marks(text, text[], timestamp with time zone); Type: FUNCTION; Schema: market; Owner: predator_owner
--

CREATE FUNCTION market.marks(p_venue text, p_symbols text[], p_at timestamp with time zone) RETURNS TABLE(symbol text, ts timestamp with time zone, close numeric, bar_close timestamp with time zone)
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET plan_cache_mode TO 'force_generic_plan'
    AS $$
BEGIN
    -- One backward index probe per symbol (not a scan of the week's bars); the rule is market.bar_known's.
    RETURN QUERY
    SELECT s.sym, b.ts, b.close, b.bar_close
      FROM unnest(p_symbols) s(sym)
     CROSS JOIN LATERAL market.bar_known(p_venue, s.sym, p_at, NULL, interval '7 days') b;
END
$$;


ALTER FUNCTION market.marks(p_venue text, p_symbols text[], p_at timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION marks(p_venue text, p_symbols text[], p_at timestamp with time zone); Type: COMMENT; Schema: market; Owner: predator_owner
--

COMMENT ON FUNCTION market.marks(p_venue text, p_symbols text[], p_at timestamp with time zone) IS 'Marks of several symbols at p_at: per symbol the latest effective 1h bar closed by p_at (within 7 days).';


--
-- Name: tg_candle_load__clock(); Type: FUNCTION; Schema: market; Owner: predator_owner
--

CREATE FUNCTION market.tg_candle_load__clock() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    PERFORM ops._require_business_time('api.load_candles', ARRAY['p_clock'], ARRAY[NEW.clock]);
    RETURN NEW;
END
$$;


ALTER FUNCTION market.tg_candle_load__clock() OWNER TO predator_owner;

--
-- Name: FUNCTION tg_candle_load__clock(); Type: COMMENT; Schema: market; Owner: predator_owner
--

COMMENT ON FUNCTION market.tg_candle_load__clock() IS 'Trigger: refuses a candle load whose clock is infinite or later than the wall clock plus max_clock_skew_seconds (PD015), so no load admits bars from the future.';


--
-- Name: _anchor_heads(integer[]); Type: FUNCTION; Schema: ops; Owner: predator_owner
--

CREATE FUNCTION ops._anchor_heads(p_books integer[]) RETURNS jsonb
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    SELECT coalesce(jsonb_agg(jsonb_build_object('chain', x.chain, 'seq', x.seq, 'head', encode(x.head_hash, 'hex'))
                              ORDER BY x.chain COLLATE "C"), '[]'::jsonb)
      FROM (SELECT h.chain, h.seq, h.head_hash FROM ops.chain_head h
             WHERE p_books IS NULL OR h.book_id = ANY (p_books)
            UNION ALL
            SELECT 'ledger.posting:' || b.book_id || ':' || b.account_code || ':' || b.currency, b.seq, b.head_hash
              FROM ledger.balance b
             WHERE (p_books IS NULL OR b.book_id = ANY (p_books)) AND b.seq > 0) x
$$;


ALTER FUNCTION ops._anchor_heads(p_books integer[]) OWNER TO predator_owner;

--
-- Name: FUNCTION _anchor_heads(p_books integer[]); Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON FUNCTION ops._anchor_heads(p_books integer[]) IS 'The heads an anchor signs: [{chain, seq, head (hex row_hash)}] of every chain of the given books (NULL: all), sorted by chain name; ops.chain_head and ledger.balance.';


--
-- Name: _anchor_message(integer, bigint, text, timestamp with time zone, jsonb, integer, bytea); Type: FUNCTION; Schema: ops; Owner: predator_owner
--

CREATE FUNCTION ops._anchor_message(p_book_id integer, p_seq bigint, p_kind text, p_hour timestamp with time zone, p_heads jsonb, p_key_id integer, p_prev_signature bytea) RETURNS bytea
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    SELECT convert_to(concat_ws('|', 'predator-anchor-v1', p_book_id::text, p_seq::text, p_kind,
                                coalesce(extract(epoch FROM p_hour)::bigint::text, ''), p_key_id::text,
                                encode(p_prev_signature, 'hex'), p_heads::text), 'UTF8')
$$;


ALTER FUNCTION ops._anchor_message(p_book_id integer, p_seq bigint, p_kind text, p_hour timestamp with time zone, p_heads jsonb, p_key_id integer, p_prev_signature bytea) OWNER TO predator_owner;

--
-- Name: FUNCTION _anchor_message(p_book_id integer, p_seq bigint, p_kind text, p_hour timestamp with time zone, p_heads jsonb, p_key_id integer, p_prev_signature bytea); Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON FUNCTION ops._anchor_message(p_book_id integer, p_seq bigint, p_kind text, p_hour timestamp with time zone, p_heads jsonb, p_key_id integer, p_prev_signature bytea) IS 'The bytes an anchor signs: predator-anchor-v1|book|seq|kind|hour (Unix seconds)|key id|previous signature (hex)|heads (jsonb text), UTF-8.';


--
-- Name: _append_anchor(integer, text, timestamp with time zone); Type: FUNCTION; Schema: ops; Owner: predator_owner
--

CREATE FUNCTION ops._append_anchor(p_book_id integer, p_kind text, p_hour timestamp with time zone) RETURNS bigint
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_key   ops.anchor_key;
    v_prev  ops.chain_anchor;
    v_seq   bigint;
    v_heads jsonb;
    v_psig  bytea;
BEGIN
    SELECT * INTO v_key FROM ops.anchor_key k ORDER BY k.key_id DESC LIMIT 1;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    SELECT * INTO v_prev FROM ops.chain_anchor a WHERE a.book_id = p_book_id ORDER BY a.seq DESC LIMIT 1;
    v_seq := coalesce(v_prev.seq, 0) + 1;
    v_psig := coalesce(v_prev.signature, ops.genesis_hash());
    v_heads := ops._anchor_heads(CASE WHEN p_kind = 'close' THEN ARRAY[p_book_id, 0] END);
    INSERT INTO ops.chain_anchor (book_id, seq, kind, hour, heads, key_id, prev_signature, signature, actor)
    VALUES (p_book_id, v_seq, p_kind, p_hour, v_heads, v_key.key_id, v_psig,
            ops.hmac_sha256(v_key.secret, ops._anchor_message(p_book_id, v_seq, p_kind, p_hour, v_heads, v_key.key_id, v_psig)),
            ops.actor());
    RETURN v_seq;
END
$$;


ALTER FUNCTION ops._append_anchor(p_book_id integer, p_kind text, p_hour timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION _append_anchor(p_book_id integer, p_kind text, p_hour timestamp with time zone); Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON FUNCTION ops._append_anchor(p_book_id integer, p_kind text, p_hour timestamp with time zone) IS 'Appends one anchor (ops.chain_anchor) signing the current chain heads under the active key: close (the book''s and book 0''s chains) or demand (book 0 row, every chain). No key set: writes nothing, returns NULL.';


--
-- Name: _approval_target(text, text, text, numeric); Type: FUNCTION; Schema: ops; Owner: predator_owner
--

CREATE FUNCTION ops._approval_target(p_action text, p_target text, p_mode text, p_value numeric) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_parts text[];
    v_modes text[];
    v_arity integer;
BEGIN
    IF p_action = 'resume' AND p_target IN ('global', 'global:*', '*') AND p_mode IS NULL AND p_value IS NULL THEN
        RETURN jsonb_build_object('target', 'global', 'params', '{}'::jsonb, 'what', 'resume of global *');
    ELSIF p_action = 'set_setting' AND p_target = 'two_person_rule' AND p_mode IS NULL AND p_value = 0 THEN
        RETURN jsonb_build_object('target', 'two_person_rule', 'params', jsonb_build_object('value', 0),
                                  'what', 'set_setting two_person_rule 0');
    ELSIF p_action IN ('set_limit', 'set_limit_policy') AND p_target IS NOT NULL THEN
        v_parts := string_to_array(p_target, '/');
        IF p_action = 'set_limit' AND cardinality(v_parts) = 2 THEN
            v_parts := v_parts || '*'::text;
        END IF;
        v_arity := CASE p_action WHEN 'set_limit' THEN 3 ELSE 2 END;
        IF cardinality(v_parts) = v_arity
           AND NOT EXISTS (SELECT FROM unnest(v_parts) p WHERE p IS NULL OR p = '') THEN
            SELECT k.allowed_modes INTO v_modes FROM risk.limit_kind k WHERE k.limit_name = v_parts[2];
            IF v_modes IS NULL OR NOT EXISTS (SELECT FROM risk.profile p WHERE p.profile = v_parts[1]) THEN
                RAISE EXCEPTION USING ERRCODE = 'PD011',
                    MESSAGE = format('unknown risk profile %L or limit %L', v_parts[1], v_parts[2]),
                    HINT = 'See risk.profile and risk.limit_kind (api.limits).';
            END IF;
            IF p_mode = ANY (v_modes) AND (p_value IS NULL OR (p_value >= 0 AND (p_mode <> 'pct' OR p_value <= 100))) THEN
                RETURN jsonb_build_object('target', array_to_string(v_parts, '/'),
                                          'params', jsonb_build_object('mode', p_mode, 'value', p_value),
                                          'what', format('%s %s', p_action, array_to_string(v_parts, '/')));
            END IF;
        END IF;
    END IF;
    RAISE EXCEPTION USING ERRCODE = 'PD012',
        MESSAGE = format('approval request refused: %L on %L (mode %s, value %s) is not a high-risk action',
                         p_action, p_target, coalesce(p_mode, 'none'), coalesce(p_value::text, 'none')),
        DETAIL = format('action=%s target=%s mode=%s value=%s', p_action, p_target, p_mode, p_value),
        HINT = 'Actions: resume (target global), set_limit (target profile/limit[/scope], a mode the limit allows, '
               'a value >= 0 or NULL to disable), set_limit_policy (target profile/limit, mode, ceiling or NULL), '
               'set_setting (target two_person_rule, value 0).';
END
$$;


ALTER FUNCTION ops._approval_target(p_action text, p_target text, p_mode text, p_value numeric) OWNER TO predator_owner;

--
-- Name: FUNCTION _approval_target(p_action text, p_target text, p_mode text, p_value numeric); Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON FUNCTION ops._approval_target(p_action text, p_target text, p_mode text, p_value numeric) IS 'Internal: the canonical target and parameters of a high-risk action (resume global; set_limit profile/limit/scope with mode and value; set_limit_policy profile/limit with mode and ceiling; set_setting two_person_rule 0), shared by api.request_approval and the actions; PD011 unknown profile or limit, PD012 anything else.';


--
-- Name: _audit(integer, text, text, jsonb, text); Type: FUNCTION; Schema: ops; Owner: predator_owner
--

CREATE FUNCTION ops._audit(p_book_id integer, p_action text, p_target text, p_args jsonb, p_reason text) RETURNS bigint
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_seq bigint;
BEGIN
    IF p_reason IS NULL OR length(btrim(p_reason)) = 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('%s refused: an operator action needs a reason', p_action),
            HINT = 'Pass a non-empty reason; it is kept in the audit log.';
    END IF;
    INSERT INTO ops.audit_log (book_id, action, target, args, reason, actor, correlation_id)
    VALUES (coalesce(p_book_id, 0), p_action, coalesce(p_target, '*'), coalesce(p_args, '{}'::jsonb), p_reason, ops.actor(),
            ops.correlation_id())
    RETURNING seq INTO v_seq;
    RETURN v_seq;
END
$$;


ALTER FUNCTION ops._audit(p_book_id integer, p_action text, p_target text, p_args jsonb, p_reason text) OWNER TO predator_owner;

--
-- Name: FUNCTION _audit(p_book_id integer, p_action text, p_target text, p_args jsonb, p_reason text); Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON FUNCTION ops._audit(p_book_id integer, p_action text, p_target text, p_args jsonb, p_reason text) IS 'Appends an operator action (who = session_user, what, target, arguments, why) to ops.audit_log, with the session''s correlation id (ops.correlation_id(): advisory, caller-supplied, NULL when malformed; never a decision input); PD012 without a reason.';


--
-- Name: _enqueue_alert(text, text, integer, text, text, jsonb, text, text, timestamp with time zone); Type: FUNCTION; Schema: ops; Owner: predator_owner
--

CREATE FUNCTION ops._enqueue_alert(p_category text, p_severity text, p_book_id integer, p_dedup_key text, p_title text, p_payload jsonb, p_source_table text, p_source_key text, p_business_ts timestamp with time zone) RETURNS bigint
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_seq bigint;
BEGIN
    INSERT INTO ops.alert_outbox (business_ts, category, severity, book_id, account, dedup_key, title, payload,
                                  source_table, source_key)
    VALUES (p_business_ts, p_category, p_severity, nullif(p_book_id, 0),
            (SELECT a.name FROM trading.account a WHERE a.book_id = nullif(p_book_id, 0)),
            p_dedup_key, left(p_title, 500), coalesce(p_payload, '{}'::jsonb), p_source_table, p_source_key)
    RETURNING seq INTO v_seq;
    RETURN v_seq;
END
$$;


ALTER FUNCTION ops._enqueue_alert(p_category text, p_severity text, p_book_id integer, p_dedup_key text, p_title text, p_payload jsonb, p_source_table text, p_source_key text, p_business_ts timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION _enqueue_alert(p_category text, p_severity text, p_book_id integer, p_dedup_key text, p_title text, p_payload jsonb, p_source_table text, p_source_key text, p_business_ts timestamp with time zone); Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON FUNCTION ops._enqueue_alert(p_category text, p_severity text, p_book_id integer, p_dedup_key text, p_title text, p_payload jsonb, p_source_table text, p_source_key text, p_business_ts timestamp with time zone) IS 'Internal: appends an alert (category, severity, book, dedup key, title, payload, the source row) to ops.alert_outbox in the caller''s transaction; returns its seq.';


--
-- Name: _lock_book(integer); Type: FUNCTION; Schema: ops; Owner: predator_owner
--

CREATE FUNCTION ops._lock_book(p_book_id integer) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    PERFORM pg_catalog.pg_advisory_xact_lock_shared(1349731649, 0);
    PERFORM pg_catalog.pg_advisory_xact_lock(1349731650, p_book_id);
END
$$;


ALTER FUNCTION ops._lock_book(p_book_id integer) OWNER TO predator_owner;

--
-- Name: FUNCTION _lock_book(p_book_id integer); Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON FUNCTION ops._lock_book(p_book_id integer) IS 'Transaction-scoped book lock (after the shared halt lock): serialises the governed writes of one book.';


--
-- Name: _lock_halts(boolean); Type: FUNCTION; Schema: ops; Owner: predator_owner
--

CREATE FUNCTION ops._lock_halts(p_exclusive boolean) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    IF p_exclusive THEN
        PERFORM pg_catalog.pg_advisory_xact_lock(1349731649, 0);
    ELSE
        PERFORM pg_catalog.pg_advisory_xact_lock_shared(1349731649, 0);
    END IF;
END
$$;


ALTER FUNCTION ops._lock_halts(p_exclusive boolean) OWNER TO predator_owner;

--
-- Name: FUNCTION _lock_halts(p_exclusive boolean); Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON FUNCTION ops._lock_halts(p_exclusive boolean) IS 'Halt lock: shared for admissions, exclusive for halts and resumes, so that no order is admitted after a halt commits.';


--
-- Name: _open_incident(integer, integer, text, text, text, text, jsonb, timestamp with time zone, text); Type: FUNCTION; Schema: ops; Owner: predator_owner
--

CREATE FUNCTION ops._open_incident(p_book_id integer, p_severity integer, p_category text, p_scope text, p_title text, p_description text, p_links jsonb, p_ts timestamp with time zone, p_source text) RETURNS bigint
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_seq bigint;
BEGIN
    INSERT INTO ops.incident (book_id, severity, category, scope, title, description, links, source, actor, ts)
    VALUES (coalesce(p_book_id, 0), p_severity, p_category, p_scope, p_title, p_description, coalesce(p_links, '{}'),
            p_source, CASE p_source WHEN 'system' THEN 'system' ELSE ops.actor() END, p_ts)
    RETURNING seq INTO v_seq;
    RETURN v_seq;
END
$$;


ALTER FUNCTION ops._open_incident(p_book_id integer, p_severity integer, p_category text, p_scope text, p_title text, p_description text, p_links jsonb, p_ts timestamp with time zone, p_source text) OWNER TO predator_owner;

--
-- Name: FUNCTION _open_incident(p_book_id integer, p_severity integer, p_category text, p_scope text, p_title text, p_description text, p_links jsonb, p_ts timestamp with time zone, p_source text); Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON FUNCTION ops._open_incident(p_book_id integer, p_severity integer, p_category text, p_scope text, p_title text, p_description text, p_links jsonb, p_ts timestamp with time zone, p_source text) IS 'Internal: appends an incident (severity 1..3, category, scope, links) and returns its seq in the book.';


--
-- Name: _report_period(text, text, timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: ops; Owner: predator_owner
--

CREATE FUNCTION ops._report_period(p_caller text, p_account text, p_from timestamp with time zone, p_to timestamp with time zone) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    IF p_account IS NOT NULL THEN
        PERFORM trading._account(p_account);
    END IF;
    IF p_from IS NULL OR p_to IS NULL OR p_from > p_to THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('%s refused: the period must run from p_from to p_to', p_caller),
            DETAIL = format('p_from=%s p_to=%s', p_from, p_to),
            HINT = 'Give both bounds with p_from <= p_to (''-infinity'' / ''infinity'' for an open end).';
    END IF;
END
$$;


ALTER FUNCTION ops._report_period(p_caller text, p_account text, p_from timestamp with time zone, p_to timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION _report_period(p_caller text, p_account text, p_from timestamp with time zone, p_to timestamp with time zone); Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON FUNCTION ops._report_period(p_caller text, p_account text, p_from timestamp with time zone, p_to timestamp with time zone) IS 'Internal: checks the account and period of a period read (PD011 unknown account, PD012 a NULL bound or p_from after p_to).';


--
-- Name: _require_approval(text, text, jsonb, text); Type: FUNCTION; Schema: ops; Owner: predator_owner
--

CREATE FUNCTION ops._require_approval(p_action text, p_target text, p_params jsonb, p_what text) RETURNS bigint
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_request bigint;
    v_pending text;
BEGIN
    IF NOT ops.two_person_rule() THEN
        RETURN NULL;
    END IF;
    PERFORM pg_catalog.pg_advisory_xact_lock(1349731649, -36);
    SELECT r.request_id INTO v_request
      FROM ops.approval_request r JOIN ops.approval a ON a.request_id = r.request_id
     WHERE r.action = p_action AND r.target = p_target AND r.params = coalesce(p_params, '{}'::jsonb)
       AND r.requested_by = ops.operator_login()
       AND r.valid_until > clock_timestamp()
       AND NOT EXISTS (SELECT FROM ops.approval_use u WHERE u.request_id = r.request_id)
     ORDER BY r.request_id
     LIMIT 1;
    IF v_request IS NULL THEN
        SELECT string_agg(r.request_id::text, ', ' ORDER BY r.request_id) INTO v_pending
          FROM ops.approval_request r
         WHERE r.action = p_action AND r.target = p_target AND r.params = coalesce(p_params, '{}'::jsonb)
           AND r.requested_by = ops.operator_login() AND r.valid_until > clock_timestamp()
           AND NOT EXISTS (SELECT FROM ops.approval a WHERE a.request_id = r.request_id);
        RAISE EXCEPTION USING ERRCODE = 'PD017',
            MESSAGE = format('%s refused: it needs a second operator''s approval (two-person rule)', p_what),
            DETAIL = format('action=%s target=%s params=%s login=%s awaiting_approval=%s',
                            p_action, p_target, coalesce(p_params, '{}'::jsonb), ops.operator_login(), coalesce(v_pending, 'none')),
            HINT = format('Ask with SELECT api.request_approval(%L, %L, ''<reason>''%s) (predator approval request); '
                          'another operator login approves it with SELECT api.approve(<request>, ''<reason>'') '
                          '(predator approval approve); then repeat this call from your login.',
                          p_action, p_target,
                          CASE WHEN p_params ? 'mode' THEN format(', %L, %s', p_params ->> 'mode', coalesce(p_params ->> 'value', 'NULL'))
                               WHEN p_params ? 'value' THEN format(', NULL, %s', p_params ->> 'value') ELSE '' END);
    END IF;
    INSERT INTO ops.approval_use (request_id, used_by) VALUES (v_request, ops.operator_login());
    RETURN v_request;
END
$$;


ALTER FUNCTION ops._require_approval(p_action text, p_target text, p_params jsonb, p_what text) OWNER TO predator_owner;

--
-- Name: FUNCTION _require_approval(p_action text, p_target text, p_params jsonb, p_what text); Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON FUNCTION ops._require_approval(p_action text, p_target text, p_params jsonb, p_what text) IS 'Internal: the two-person rule. While it holds, consumes this login''s approved, unused, unexpired request for exactly this action, target and parameters; PD017 without one (HINT: api.request_approval, api.approve). NULL when the rule is off.';


--
-- Name: _require_business_time(text, text[], timestamp with time zone[], boolean); Type: FUNCTION; Schema: ops; Owner: predator_owner
--

CREATE FUNCTION ops._require_business_time(p_routine text, p_names text[], p_values timestamp with time zone[], p_bounded boolean DEFAULT true) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    i       integer;
    v_skew  interval;
    v_limit timestamptz;
BEGIN
    FOR i IN 1 .. coalesce(cardinality(p_values), 0) LOOP
        CONTINUE WHEN p_values[i] IS NULL;
        IF NOT isfinite(p_values[i]) THEN
            RAISE EXCEPTION USING ERRCODE = 'PD015',
                MESSAGE = format('%s refused: %s is not a finite time', p_routine, p_names[i]),
                DETAIL = format('argument=%s value=%s', p_names[i], p_values[i]),
                HINT = 'Pass the business time of the event (the venue''s or the simulated clock); infinity is never a time.';
        END IF;
        CONTINUE WHEN NOT p_bounded;
        IF v_skew IS NULL THEN
            v_skew := ops.clock_skew();
            v_limit := clock_timestamp() + v_skew;
        END IF;
        IF p_values[i] > v_limit THEN
            RAISE EXCEPTION USING ERRCODE = 'PD015',
                MESSAGE = format('%s refused: %s %s is later than the wall clock plus the allowed skew',
                                 p_routine, p_names[i], p_values[i]),
                DETAIL = format('argument=%s value=%s wall_clock=%s max_clock_skew=%s', p_names[i], p_values[i],
                                v_limit - v_skew, v_skew),
                HINT = 'Business time never runs ahead of the wall clock: check the worker''s clock or the venue timestamp; an operator may widen max_clock_skew_seconds with api.set_setting.';
        END IF;
    END LOOP;
END
$$;


ALTER FUNCTION ops._require_business_time(p_routine text, p_names text[], p_values timestamp with time zone[], p_bounded boolean) OWNER TO predator_owner;

--
-- Name: FUNCTION _require_business_time(p_routine text, p_names text[], p_values timestamp with time zone[], p_bounded boolean); Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON FUNCTION ops._require_business_time(p_routine text, p_names text[], p_values timestamp with time zone[], p_bounded boolean) IS 'Refuses an infinite business time, or (p_bounded) one later than the wall clock plus max_clock_skew_seconds, with PD015 (argument named in DETAIL); NULLs pass.';


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: account; Type: TABLE; Schema: trading; Owner: predator_owner
--

CREATE TABLE trading.account (
    book_id integer NOT NULL,
    name text NOT NULL,
    mode text NOT NULL,
    venue text NOT NULL,
    base_currency text NOT NULL,
    lane text NOT NULL,
    initial_principal numeric NOT NULL,
    risk_profile text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT account_created_at_is_finite CHECK (((created_at > '-infinity'::timestamp with time zone) AND (created_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT account_initial_principal_is_finite CHECK (((initial_principal > '-Infinity'::numeric) AND (initial_principal < 'Infinity'::numeric))),
    CONSTRAINT account_mode_is_known CHECK ((mode = ANY (ARRAY['paper'::text, 'shadow'::text, 'live'::text]))),
    CONSTRAINT account_name_is_identifier CHECK ((name ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'::text)),
    CONSTRAINT lane_is_known CHECK ((lane = ANY (ARRAY['paper'::text, 'live_canary'::text, 'live_promoted'::text]))),
    CONSTRAINT live_mode_is_not_in_paper_lane CHECK (((mode <> 'live'::text) OR (lane <> 'paper'::text))),
    CONSTRAINT paper_mode_is_in_paper_lane CHECK (((mode <> 'paper'::text) OR (lane = 'paper'::text))),
    CONSTRAINT principal_is_positive CHECK ((initial_principal > (0)::numeric))
);


ALTER TABLE trading.account OWNER TO predator_owner;

--
-- Name: TABLE account; Type: COMMENT; Schema: trading; Owner: predator_owner
--

COMMENT ON TABLE trading.account IS 'Trading accounts. Each account with its counter-accounts in the ledger is a book (book_id), the unit of isolation: every governed row carries its book_id.';


--
-- Name: COLUMN account.base_currency; Type: COMMENT; Schema: trading; Owner: predator_owner
--

COMMENT ON COLUMN trading.account.base_currency IS 'The book''s reporting currency: equity, exposures, caps and PnL are valued in it (docs/risk.md, Multi-currency valuation). Its cash is always counted; other quote currencies are enabled per book (trading.book_currency).';


--
-- Name: _require_correctable(text, trading.account, text, timestamp with time zone); Type: FUNCTION; Schema: ops; Owner: predator_owner
--

CREATE FUNCTION ops._require_correctable(p_routine text, p_acct trading.account, p_incident text, p_ts timestamp with time zone) RETURNS bigint
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
DECLARE
    v_last  timestamptz;
    v_seq   bigint;
    v_clean boolean;
BEGIN
    SELECT max(h.hour) INTO v_last FROM portfolio.hourly_state h WHERE h.book_id = p_acct.book_id;
    IF v_last IS NOT NULL AND p_ts <= v_last THEN
        RAISE EXCEPTION USING ERRCODE = 'PD013',
            MESSAGE = format('%s refused: time %s is not after the last closed hour %s', p_routine, p_ts, v_last),
            DETAIL = format('account=%s ts=%s last_closed=%s', p_acct.name, p_ts, v_last),
            HINT = 'A correction is booked after the last closed hour (what closed hours counted is never rewritten); the venue''s own time goes in the reason.';
    END IF;
    IF p_incident IS NULL OR p_incident !~ '^INC-[0-9]+-[0-9]+$' THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('%s refused: incident %L is not INC-<book>-<seq>', p_routine, p_incident),
            HINT = 'Cite the incident the correction answers (predator incidents, api.incidents).';
    END IF;
    v_seq := split_part(p_incident, '-', 3)::bigint;
    IF split_part(p_incident, '-', 2)::integer <> p_acct.book_id
       OR NOT EXISTS (SELECT FROM ops.incident i WHERE i.book_id = p_acct.book_id AND i.seq = v_seq) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011',
            MESSAGE = format('%s refused: %s is not an incident of account %s', p_routine, p_incident, p_acct.name),
            HINT = 'Cite an incident of the corrected book (api.incidents).';
    END IF;
    IF EXISTS (SELECT FROM ops.incident_update u WHERE u.book_id = p_acct.book_id AND u.incident_seq = v_seq
                  AND u.action = 'resolved') THEN
        RAISE EXCEPTION USING ERRCODE = 'PD016', MESSAGE = format('%s refused: incident %s is resolved', p_routine, p_incident),
            HINT = 'Correct the book before resolving the incident that reported the difference; open a new incident for a new problem.';
    END IF;
    IF cardinality(risk._active_halts(p_acct.name, p_acct.lane, NULL)) = 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'PD016', MESSAGE = format('%s refused: account %s is not halted', p_routine, p_acct.name),
            DETAIL = format('account=%s lane=%s', p_acct.name, p_acct.lane),
            HINT = 'Corrections are made while nothing trades: halt the account (api.halt) first.';
    END IF;
    SELECT r.clean INTO v_clean FROM ops.reconciliation r WHERE r.book_id = p_acct.book_id ORDER BY r.seq DESC LIMIT 1;
    IF coalesce(v_clean, true) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD016',
            MESSAGE = format('%s refused: the latest reconciliation of %s is %s', p_routine, p_acct.name,
                             CASE WHEN v_clean IS NULL THEN 'missing' ELSE 'clean' END),
            HINT = 'A correction brings the book to the venue''s truth: it answers the differences of a dirty reconciliation (api.reconciliations).';
    END IF;
    RETURN v_seq;
END
$_$;


ALTER FUNCTION ops._require_correctable(p_routine text, p_acct trading.account, p_incident text, p_ts timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION _require_correctable(p_routine text, p_acct trading.account, p_incident text, p_ts timestamp with time zone); Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON FUNCTION ops._require_correctable(p_routine text, p_acct trading.account, p_incident text, p_ts timestamp with time zone) IS 'Preconditions of a book correction: after the last closed hour (PD013), citing an open incident of the book (PD012/PD011/PD016), the book halted and its latest reconciliation dirty (PD016). Returns the incident seq.';


--
-- Name: _require_finite(text, text[], numeric[]); Type: FUNCTION; Schema: ops; Owner: predator_owner
--

CREATE FUNCTION ops._require_finite(p_routine text, p_names text[], p_values numeric[]) RETURNS void
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    i integer;
BEGIN
    FOR i IN 1 .. coalesce(cardinality(p_values), 0) LOOP
        IF p_values[i] IS NOT NULL AND NOT ops.is_finite(p_values[i]) THEN
            RAISE EXCEPTION USING ERRCODE = 'PD012',
                MESSAGE = format('%s refused: %s is not a finite number', p_routine, p_names[i]),
                DETAIL = format('argument=%s value=%s', p_names[i], p_values[i]),
                HINT = 'Pass a finite number: NaN, Infinity and -Infinity are never a valid price, quantity, amount, fee, limit, threshold, tolerance or edge.';
        END IF;
    END LOOP;
END
$$;


ALTER FUNCTION ops._require_finite(p_routine text, p_names text[], p_values numeric[]) OWNER TO predator_owner;

--
-- Name: FUNCTION _require_finite(p_routine text, p_names text[], p_values numeric[]); Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON FUNCTION ops._require_finite(p_routine text, p_names text[], p_values numeric[]) IS 'Refuses NaN and ±Infinity among an api routine''s numeric arguments with PD012 (argument named in DETAIL); NULLs pass.';


--
-- Name: _require_finite_json(text, text, jsonb); Type: FUNCTION; Schema: ops; Owner: predator_owner
--

CREATE FUNCTION ops._require_finite_json(p_routine text, p_name text, p_json jsonb) RETURNS void
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT e.key, e.value FROM jsonb_each(CASE jsonb_typeof(p_json) WHEN 'object' THEN p_json ELSE '{}' END) e
        UNION ALL
        SELECT (e.ord - 1)::text, e.value
          FROM jsonb_array_elements(CASE jsonb_typeof(p_json) WHEN 'array' THEN p_json ELSE '[]' END) WITH ORDINALITY e(value, ord)
    LOOP
        CONTINUE WHEN jsonb_typeof(r.value) NOT IN ('number', 'string');
        -- A finite decimal is exactly what this pattern matches; NaN, Infinity, inf and words do not.
        CONTINUE WHEN (r.value #>> '{}') ~ '^\s*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?\s*$';
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('%s refused: %s[%s] is not a finite number', p_routine, p_name, r.key),
            DETAIL = format('argument=%s key=%s value=%s', p_name, r.key, r.value),
            HINT = 'Pass finite decimal numbers (as JSON numbers or decimal strings): NaN, Infinity and -Infinity are refused.';
    END LOOP;
END
$_$;


ALTER FUNCTION ops._require_finite_json(p_routine text, p_name text, p_json jsonb) OWNER TO predator_owner;

--
-- Name: FUNCTION _require_finite_json(p_routine text, p_name text, p_json jsonb); Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON FUNCTION ops._require_finite_json(p_routine text, p_name text, p_json jsonb) IS 'Refuses a jsonb argument whose top-level values include a number or numeric string that is NaN, ±Infinity or not a number, with PD012 (argument and key in DETAIL).';


--
-- Name: _update_incident(text, text, text); Type: FUNCTION; Schema: ops; Owner: predator_owner
--

CREATE FUNCTION ops._update_incident(p_incident text, p_action text, p_reason text) RETURNS text
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
DECLARE
    v_book integer;
    v_seq  bigint;
BEGIN
    IF p_incident !~ '^INC-[0-9]+-[0-9]+$' OR p_action NOT IN ('acknowledged', 'resolved', 'comment') THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('incident update refused: %L / %L', p_incident, p_action),
            HINT = 'Name the incident INC-<book>-<seq> (see predator incidents); actions: acknowledged, resolved, comment.';
    END IF;
    v_book := split_part(p_incident, '-', 2)::integer;
    v_seq := split_part(p_incident, '-', 3)::bigint;
    IF NOT EXISTS (SELECT FROM ops.incident i WHERE i.book_id = v_book AND i.seq = v_seq) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('unknown incident %s', p_incident),
            HINT = 'See predator incidents.';
    END IF;
    IF p_action <> 'comment' AND EXISTS (SELECT FROM ops.incident_update u WHERE u.book_id = v_book
                                           AND u.incident_seq = v_seq AND u.action = 'resolved') THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('incident %s is already resolved', p_incident),
            HINT = 'Open a new incident for a new problem; comments are still accepted.';
    END IF;
    PERFORM ops._audit(v_book, 'incident_' || p_action, p_incident, '{}', p_reason);
    -- incident_book_id stays NULL: the update lives in its incident's book (migration 0009).
    INSERT INTO ops.incident_update (book_id, incident_seq, action, reason, actor)
    VALUES (v_book, v_seq, p_action, p_reason, ops.actor());
    RETURN (SELECT i.status FROM api.incidents i WHERE i.book_id = v_book AND i.seq = v_seq);
END
$_$;


ALTER FUNCTION ops._update_incident(p_incident text, p_action text, p_reason text) OWNER TO predator_owner;

--
-- Name: FUNCTION _update_incident(p_incident text, p_action text, p_reason text); Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON FUNCTION ops._update_incident(p_incident text, p_action text, p_reason text) IS 'Internal: acknowledges, resolves or comments on an incident with a reason; audited (api.update_incident, api.resume). PD011 unknown, PD012 invalid or already resolved.';


--
-- Name: _validation_resume(integer); Type: FUNCTION; Schema: ops; Owner: predator_owner
--

CREATE FUNCTION ops._validation_resume(p_book_id integer) RETURNS TABLE(seq bigint, range_to timestamp with time zone, resume_from timestamp with time zone, late_rows bigint)
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET "TimeZone" TO 'UTC'
    AS $_$
DECLARE
    v_run  ops.validation_run;
    r      record;
    v_col  text;
    v_min  timestamptz;
    v_n    bigint;
BEGIN
    SELECT * INTO v_run FROM ops.validation_run v
     WHERE v.book_id = p_book_id AND v.checkpoint ORDER BY v.seq DESC LIMIT 1;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    seq := v_run.seq;
    range_to := v_run.range_to;
    resume_from := v_run.range_to;
    late_rows := 0;
    FOR r IN SELECT t.tbl FROM ops.chained_tables() t WHERE t.tbl <> 'ops.validation_run' ORDER BY 1 LOOP
        v_col := CASE r.tbl WHEN 'portfolio.hourly_state' THEN 'hour' WHEN 'trading.round_trip' THEN 'exit_ts' ELSE 'ts' END;
        CONTINUE WHEN NOT EXISTS (SELECT FROM pg_catalog.pg_attribute a
                                   WHERE a.attrelid = r.tbl::regclass AND a.attname = v_col AND NOT a.attisdropped);
        EXECUTE format('SELECT min(t.%1$I), count(*) FROM %2$s t WHERE t.book_id = %3$s AND t.seq > %4$s AND t.%1$I < %5$L',
                       v_col, r.tbl, p_book_id, coalesce((v_run.heads -> (r.tbl || ':' || p_book_id) ->> 'seq')::bigint, 0),
                       v_run.range_to)
           INTO v_min, v_n;
        IF v_min < resume_from THEN
            resume_from := v_min;
        END IF;
        late_rows := late_rows + v_n;
    END LOOP;
    RETURN NEXT;
END
$_$;


ALTER FUNCTION ops._validation_resume(p_book_id integer) OWNER TO predator_owner;

--
-- Name: FUNCTION _validation_resume(p_book_id integer); Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON FUNCTION ops._validation_resume(p_book_id integer) IS 'Internal: a book''s last validation checkpoint (seq, range_to) and where an incremental run resumes: range_to, or earlier when rows appended after the checkpoint''s chain heads carry a business time before it (late_rows counts them).';


--
-- Name: actor(); Type: FUNCTION; Schema: ops; Owner: predator_owner
--

CREATE FUNCTION ops.actor() RETURNS text
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$ SELECT coalesce(nullif(current_setting('role'), 'none'), session_user::text) $$;


ALTER FUNCTION ops.actor() OWNER TO predator_owner;

--
-- Name: FUNCTION actor(); Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON FUNCTION ops.actor() IS 'The acting role: the session''s SET ROLE when set, else the login role.';


--
-- Name: canonical(jsonb, text[]); Type: FUNCTION; Schema: ops; Owner: predator_owner
--

CREATE FUNCTION ops.canonical(p_row jsonb, p_extra_exclude text[] DEFAULT '{}'::text[]) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT (jsonb_strip_nulls(p_row) - (ops.hash_excluded_columns() || p_extra_exclude))::text $$;


ALTER FUNCTION ops.canonical(p_row jsonb, p_extra_exclude text[]) OWNER TO predator_owner;

--
-- Name: FUNCTION canonical(p_row jsonb, p_extra_exclude text[]); Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON FUNCTION ops.canonical(p_row jsonb, p_extra_exclude text[]) IS 'Canonical text of a row for hashing: jsonb of the row without null fields, ops.hash_excluded_columns() and p_extra_exclude, as jsonb text.';


--
-- Name: chained_tables(); Type: FUNCTION; Schema: ops; Owner: predator_owner
--

CREATE FUNCTION ops.chained_tables() RETURNS TABLE(tbl text, extra_exclude text[])
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    VALUES ('trading.signal', '{}'::text[]),
           ('risk.decision', '{}'),
           ('trading.order_request', '{}'),
           ('trading.order_event', '{}'),
           ('trading.fill', '{}'),
           ('trading.lot', '{remaining}'),
           ('trading.lot_allocation', '{}'),
           ('trading.round_trip', '{}'),
           ('ledger.transaction', '{}'),
           ('portfolio.hourly_state', '{}'),
           ('risk.halt_event', '{}'),
           ('ops.audit_log', '{correlation_id}'),
           ('ops.reconciliation', '{}'),
           ('ops.incident', '{}'),
           ('ops.incident_update', '{}'),
           ('risk.breaker_trip', '{}'),
           ('ops.venue_health', '{}'),
           ('ops.venue_transfer', '{}'),
           ('ops.validation_run', '{}'),
           ('risk.strategy_health', '{}'),
           ('risk.horizon_flag', '{}'),
           ('risk.state_event', '{}'),
           ('ledger.treasury_transfer', '{}'),
           ('portfolio.treasury_status', '{}'),
           ('ops.transfer_posting', '{}'),
           ('trading.fill_void', '{}')
$$;


ALTER FUNCTION ops.chained_tables() OWNER TO predator_owner;

--
-- Name: FUNCTION chained_tables(); Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON FUNCTION ops.chained_tables() IS 'The hash-chained append-only tables (chain per book) and the columns their row hash excludes besides ops.hash_excluded_columns(). ledger.posting is chained per (book, account, currency) separately.';


--
-- Name: clock_skew(timestamp with time zone); Type: FUNCTION; Schema: ops; Owner: predator_owner
--

CREATE FUNCTION ops.clock_skew(p_at timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS interval
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    SELECT make_interval(secs => coalesce(ops.setting_value('max_clock_skew_seconds', p_at), 300)::double precision)
$$;


ALTER FUNCTION ops.clock_skew(p_at timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION clock_skew(p_at timestamp with time zone); Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON FUNCTION ops.clock_skew(p_at timestamp with time zone) IS 'The largest lead of a business time over the wall clock allowed at wall time p_at (default now): the setting max_clock_skew_seconds in force then, 300 s when none.';


--
-- Name: correlation_id(); Type: FUNCTION; Schema: ops; Owner: predator_owner
--

CREATE FUNCTION ops.correlation_id() RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
    SELECT CASE WHEN length(v) BETWEEN 1 AND 64 AND v ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$' THEN v END
      FROM (SELECT current_setting('predator.correlation_id', true) AS v) s
$_$;


ALTER FUNCTION ops.correlation_id() OWNER TO predator_owner;

--
-- Name: FUNCTION correlation_id(); Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON FUNCTION ops.correlation_id() IS 'The session''s predator.correlation_id when well-formed (1-64 characters of A-Z a-z 0-9 . _ : -, starting alphanumeric), else NULL. Caller-supplied advisory metadata that joins audit rows and log lines; recorded by ops._audit, never used in a decision and not covered by any hash.';


--
-- Name: genesis_hash(); Type: FUNCTION; Schema: ops; Owner: predator_owner
--

CREATE FUNCTION ops.genesis_hash() RETURNS bytea
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea $$;


ALTER FUNCTION ops.genesis_hash() OWNER TO predator_owner;

--
-- Name: FUNCTION genesis_hash(); Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON FUNCTION ops.genesis_hash() IS 'prev_hash of the first row of every hash chain: 32 zero bytes.';


--
-- Name: hash_excluded_columns(); Type: FUNCTION; Schema: ops; Owner: predator_owner
--

CREATE FUNCTION ops.hash_excluded_columns() RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT ARRAY['book_id', 'prev_hash', 'row_hash', 'recorded_at', 'effective_at', 'admitted_at']::text[] $$;


ALTER FUNCTION ops.hash_excluded_columns() OWNER TO predator_owner;

--
-- Name: FUNCTION hash_excluded_columns(); Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON FUNCTION ops.hash_excluded_columns() IS 'Columns excluded from every canonical row encoding: book_id, prev_hash, row_hash and the wall-clock columns recorded_at, effective_at, admitted_at.';


--
-- Name: hmac_sha256(bytea, bytea); Type: FUNCTION; Schema: ops; Owner: predator_owner
--

CREATE FUNCTION ops.hmac_sha256(p_key bytea, p_message bytea) RETURNS bytea
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    SELECT sha256(o.pad || sha256(i.pad || p_message))
      FROM (SELECT CASE WHEN octet_length(p_key) > 64 THEN sha256(p_key) ELSE p_key END AS k) k0
     CROSS JOIN LATERAL (
           SELECT decode(string_agg(lpad(to_hex(CASE WHEN n < octet_length(k0.k) THEN get_byte(k0.k, n) ELSE 0 END # 54), 2, '0'),
                                    '' ORDER BY n), 'hex') AS pad
             FROM generate_series(0, 63) n) i
     CROSS JOIN LATERAL (
           SELECT decode(string_agg(lpad(to_hex(CASE WHEN n < octet_length(k0.k) THEN get_byte(k0.k, n) ELSE 0 END # 92), 2, '0'),
                                    '' ORDER BY n), 'hex') AS pad
             FROM generate_series(0, 63) n) o
$$;


ALTER FUNCTION ops.hmac_sha256(p_key bytea, p_message bytea) OWNER TO predator_owner;

--
-- Name: FUNCTION hmac_sha256(p_key bytea, p_message bytea); Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON FUNCTION ops.hmac_sha256(p_key bytea, p_message bytea) IS 'HMAC-SHA256(key, message) over the built-in sha256() (no extension needed); RFC 4231 test vectors in tests/sql/37_anchors.sql. Signs and verifies chain anchors.';


--
-- Name: is_finite(numeric); Type: FUNCTION; Schema: ops; Owner: predator_owner
--

CREATE FUNCTION ops.is_finite(p_value numeric) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    RETURN ((p_value > '-Infinity'::numeric) AND (p_value < 'Infinity'::numeric));


ALTER FUNCTION ops.is_finite(p_value numeric) OWNER TO predator_owner;

--
-- Name: FUNCTION is_finite(p_value numeric); Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON FUNCTION ops.is_finite(p_value numeric) IS 'True for an ordinary number, false for NaN and ±Infinity (NULL for NULL): the finiteness predicate of every api boundary and every numeric CHECK.';


--
-- Name: operator_login(); Type: FUNCTION; Schema: ops; Owner: predator_owner
--

CREATE FUNCTION ops.operator_login() RETURNS text
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$ SELECT session_user::text $$;


ALTER FUNCTION ops.operator_login() OWNER TO predator_owner;

--
-- Name: FUNCTION operator_login(); Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON FUNCTION ops.operator_login() IS 'The operator''s identity for the two-person rule: the session''s login role (session_user), which SET ROLE cannot change.';


--
-- Name: reconcile_tolerance(); Type: FUNCTION; Schema: ops; Owner: predator_owner
--

CREATE FUNCTION ops.reconcile_tolerance() RETURNS numeric
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    SELECT coalesce(ops.setting_value('reconcile_tolerance'), 0.00000001)
$$;


ALTER FUNCTION ops.reconcile_tolerance() OWNER TO predator_owner;

--
-- Name: FUNCTION reconcile_tolerance(); Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON FUNCTION ops.reconcile_tolerance() IS 'The reconciliation tolerance in force (operator setting reconcile_tolerance, default 1e-8): the largest balance difference per currency that still counts as clean.';


--
-- Name: row_hash(bytea, jsonb, text[]); Type: FUNCTION; Schema: ops; Owner: predator_owner
--

CREATE FUNCTION ops.row_hash(p_prev bytea, p_row jsonb, p_extra_exclude text[] DEFAULT '{}'::text[]) RETURNS bytea
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT pg_catalog.sha256(p_prev || pg_catalog.convert_to(ops.canonical(p_row, p_extra_exclude), 'UTF8')) $$;


ALTER FUNCTION ops.row_hash(p_prev bytea, p_row jsonb, p_extra_exclude text[]) OWNER TO predator_owner;

--
-- Name: FUNCTION row_hash(p_prev bytea, p_row jsonb, p_extra_exclude text[]); Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON FUNCTION ops.row_hash(p_prev bytea, p_row jsonb, p_extra_exclude text[]) IS 'sha256(prev_hash || UTF-8 canonical row): the hash-chain step of every append-only table.';


--
-- Name: setting_value(text, timestamp with time zone); Type: FUNCTION; Schema: ops; Owner: predator_owner
--

CREATE FUNCTION ops.setting_value(p_name text, p_at timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS numeric
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    SELECT s.value FROM ops.setting s
     WHERE s.name = p_name AND (p_at IS NULL OR s.recorded_at <= p_at)
     ORDER BY s.revision DESC LIMIT 1
$$;


ALTER FUNCTION ops.setting_value(p_name text, p_at timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION setting_value(p_name text, p_at timestamp with time zone); Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON FUNCTION ops.setting_value(p_name text, p_at timestamp with time zone) IS 'The operator setting p_name in force at wall time p_at (default now): its highest revision recorded by then; NULL when none.';


--
-- Name: tg_alert__enqueue(); Type: FUNCTION; Schema: ops; Owner: predator_owner
--

CREATE FUNCTION ops.tg_alert__enqueue() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    n      jsonb := to_jsonb(NEW);
    v_tbl  text := TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME;
    v_book integer := (n ->> 'book_id')::integer;
    v_key  text := (n ->> 'book_id') || ':' || (n ->> 'seq');
    v_acct text := (SELECT a.name FROM trading.account a WHERE a.book_id = (n ->> 'book_id')::integer);
    v_cat  text;
    v_sev  text;
BEGIN
    CASE v_tbl
    WHEN 'risk.halt_event' THEN
        IF n ->> 'action' = 'halt' THEN
            IF n ->> 'scope_kind' = 'global' AND n ->> 'source' = 'operator' AND n ->> 'reason' LIKE 'kill switch: %' THEN
                RETURN NULL;   -- the kill switch's halt: its audit row raises the one alert
            END IF;
            PERFORM ops._enqueue_alert('halt', CASE WHEN n ->> 'scope_kind' IN ('global', 'lane') THEN 'critical' ELSE 'warning' END,
                v_book, 'halt:' || (n ->> 'scope_kind') || ':' || (n ->> 'scope_key'),
                format('HALT %s:%s (%s): %s', n ->> 'scope_kind', n ->> 'scope_key', n ->> 'source', n ->> 'reason'),
                jsonb_build_object('scope_kind', n -> 'scope_kind', 'scope_key', n -> 'scope_key', 'reason', n -> 'reason',
                                   'source', n -> 'source', 'actor', n -> 'actor', 'effective_at', n -> 'effective_at'),
                v_tbl, v_key, (n ->> 'ts')::timestamptz);
        ELSE
            PERFORM ops._enqueue_alert('resume', 'info', v_book,
                'resume:' || (n ->> 'scope_kind') || ':' || (n ->> 'scope_key'),
                format('RESUME %s:%s: %s', n ->> 'scope_kind', n ->> 'scope_key', n ->> 'reason'),
                jsonb_build_object('scope_kind', n -> 'scope_kind', 'scope_key', n -> 'scope_key', 'reason', n -> 'reason',
                                   'source', n -> 'source', 'actor', n -> 'actor', 'effective_at', n -> 'effective_at'),
                v_tbl, v_key, (n ->> 'ts')::timestamptz);
        END IF;
    WHEN 'ops.audit_log' THEN
        PERFORM ops._enqueue_alert('kill_switch', 'critical', v_book, 'kill_switch',
            format('KILL SWITCH (flatten %s): %s', coalesce(n -> 'args' ->> 'flatten', 'false'), n ->> 'reason'),
            jsonb_build_object('reason', n -> 'reason', 'flatten', n -> 'args' -> 'flatten', 'actor', n -> 'actor',
                               'recorded_at', n -> 'recorded_at'),
            v_tbl, v_key, NULL);
    WHEN 'risk.breaker_trip' THEN
        v_cat := CASE WHEN n ->> 'breaker' IN ('stale_data_hours', 'flat_feed_hours', 'bar_outlier_pct') THEN 'stale_feed' ELSE 'breaker' END;
        v_sev := CASE WHEN n ->> 'trip_scope' IN ('global', 'lane') THEN 'critical' ELSE 'warning' END;
        PERFORM ops._enqueue_alert(v_cat, v_sev, v_book, 'breaker:' || (n ->> 'breaker') || ':' || coalesce(v_acct, '*'),
            format('BREAKER %s tripped on %s: %s against %s (%s)', n ->> 'breaker', coalesce(v_acct, '*'), n ->> 'value',
                   n ->> 'threshold', n ->> 'trip_scope'),
            jsonb_build_object('breaker', n -> 'breaker', 'value', n -> 'value', 'threshold', n -> 'threshold',
                               'trip_scope', n -> 'trip_scope', 'figures', n -> 'figures',
                               'incident', CASE WHEN n ->> 'incident_seq' IS NOT NULL
                                                THEN 'INC-' || (n ->> 'book_id') || '-' || (n ->> 'incident_seq') END),
            v_tbl, v_key, (n ->> 'ts')::timestamptz);
    WHEN 'risk.state_event' THEN
        PERFORM ops._enqueue_alert('risk_breach', 'warning', v_book,
            'risk:' || (n ->> 'cause') || ':' || coalesce(v_acct, '*')
                || CASE WHEN n ->> 'scope_kind' = 'strategy' THEN ':' || (n ->> 'scope_key') ELSE '' END,
            format('RISK %s: %s %s moved %s -> %s: %s', n ->> 'cause', n ->> 'scope_kind', n ->> 'scope_key',
                   n ->> 'state_before', n ->> 'state_after', n ->> 'reason'),
            jsonb_build_object('cause', n -> 'cause', 'scope_kind', n -> 'scope_kind', 'scope_key', n -> 'scope_key',
                               'state_before', n -> 'state_before', 'state_after', n -> 'state_after',
                               'reason', n -> 'reason', 'until_ts', n -> 'until_ts'),
            v_tbl, v_key, (n ->> 'ts')::timestamptz);
    WHEN 'ops.venue_transfer' THEN
        PERFORM ops._enqueue_alert('withdrawal', 'critical', v_book, 'withdrawal:' || coalesce(v_acct, '*') || ':' || (n ->> 'venue_ref'),
            format('WITHDRAWAL seen on %s: %s %s (venue ref %s)', coalesce(v_acct, '*'), n ->> 'amount', n ->> 'currency', n ->> 'venue_ref'),
            jsonb_build_object('currency', n -> 'currency', 'amount', n -> 'amount', 'venue_ref', n -> 'venue_ref'),
            v_tbl, v_key, (n ->> 'ts')::timestamptz);
    WHEN 'ops.reconciliation' THEN
        IF coalesce((SELECT r.clean FROM ops.reconciliation r
                      WHERE r.book_id = v_book AND r.seq < (n ->> 'seq')::bigint ORDER BY r.seq DESC LIMIT 1), true) THEN
            PERFORM ops._enqueue_alert('reconciliation_mismatch', 'critical', v_book, 'reconciliation:' || coalesce(v_acct, '*'),
                format('RECONCILIATION MISMATCH on %s (%s): %s difference(s)', coalesce(v_acct, '*'), n ->> 'kind',
                       jsonb_array_length(n -> 'diffs')),
                jsonb_build_object('kind', n -> 'kind', 'diffs', n -> 'diffs', 'tolerance', n -> 'tolerance'),
                v_tbl, v_key, (n ->> 'ts')::timestamptz);
        END IF;
    WHEN 'portfolio.treasury_status' THEN
        IF coalesce((SELECT s.surplus >= 0 FROM portfolio.treasury_status s
                      WHERE s.book_id = v_book AND s.window_days = (n ->> 'window_days')::integer
                        AND s.seq < (n ->> 'seq')::bigint
                      ORDER BY s.seq DESC LIMIT 1), true) THEN
            PERFORM ops._enqueue_alert('treasury_deficit', 'warning', v_book, 'treasury:' || coalesce(v_acct, '*'),
                format('ROLLING SURPLUS NEGATIVE on %s: %s %s over %s days to %s', coalesce(v_acct, '*'), n ->> 'surplus',
                       n ->> 'currency', n ->> 'window_days', n ->> 'day'),
                jsonb_build_object('surplus', n -> 'surplus', 'currency', n -> 'currency', 'window_days', n -> 'window_days',
                                   'day', n -> 'day', 'principal_protected', n -> 'principal_protected',
                                   'policy_action', n -> 'policy_action'),
                v_tbl, v_key, (n ->> 'period_to')::timestamptz);
        END IF;
    ELSE
        RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('no alert rule for %s', v_tbl),
            HINT = 'Attach ops.tg_alert__enqueue only to the tables it knows (sql/triggers/alerts.sql).';
    END CASE;
    RETURN NULL;
END
$$;


ALTER FUNCTION ops.tg_alert__enqueue() OWNER TO predator_owner;

--
-- Name: FUNCTION tg_alert__enqueue(); Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON FUNCTION ops.tg_alert__enqueue() IS 'AFTER INSERT trigger: appends the alert of a halt or resume, the kill switch, a breaker trip (stale_feed for the feed breakers), a risk breach, a withdrawal, a reconciliation turning dirty or a rolling surplus turning negative to ops.alert_outbox, in the same transaction.';


--
-- Name: tg_append_only__refuse(); Type: FUNCTION; Schema: ops; Owner: predator_owner
--

CREATE FUNCTION ops.tg_append_only__refuse() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    RAISE EXCEPTION USING
        ERRCODE = 'PD001',
        MESSAGE = format('%s on %I.%I refused: the table is append-only', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME),
        HINT    = 'Record a new row that references the one it corrects.';
END
$$;


ALTER FUNCTION ops.tg_append_only__refuse() OWNER TO predator_owner;

--
-- Name: FUNCTION tg_append_only__refuse(); Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON FUNCTION ops.tg_append_only__refuse() IS 'Refuses UPDATE, DELETE and TRUNCATE on append-only tables with SQLSTATE PD001.';


--
-- Name: tg_chain__append(); Type: FUNCTION; Schema: ops; Owner: predator_owner
--

CREATE FUNCTION ops.tg_chain__append() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET "TimeZone" TO 'UTC'
    AS $$
DECLARE
    v_chain text := TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME || ':' || NEW.book_id;
    v_seq   bigint;
    v_prev  bytea;
BEGIN
    UPDATE ops.chain_head h SET seq = h.seq + 1 WHERE h.chain = v_chain RETURNING h.seq, h.head_hash INTO v_seq, v_prev;
    IF NOT FOUND THEN
        INSERT INTO ops.chain_head AS h (chain, book_id, seq, head_hash)
        VALUES (v_chain, NEW.book_id, 1, ops.genesis_hash())
        ON CONFLICT (chain) DO UPDATE SET seq = h.seq + 1
        RETURNING h.seq, h.head_hash INTO v_seq, v_prev;
    END IF;
    IF (NEW.seq IS NOT NULL AND NEW.seq <> v_seq) OR (NEW.prev_hash IS NOT NULL AND NEW.prev_hash <> v_prev) THEN
        RAISE EXCEPTION USING
            ERRCODE = 'PD009',
            MESSAGE = format('insert into %s refused: it does not continue the hash chain', v_chain),
            DETAIL  = format('expected_seq=%s given_seq=%s', v_seq, NEW.seq),
            HINT    = 'Leave seq, prev_hash and row_hash empty; the chain trigger assigns them.';
    END IF;
    NEW.seq := v_seq;
    NEW.prev_hash := v_prev;
    NEW.row_hash := ops.row_hash(v_prev, to_jsonb(NEW), TG_ARGV::text[]);
    UPDATE ops.chain_head h SET head_hash = NEW.row_hash WHERE h.chain = v_chain;
    RETURN NEW;
END
$$;


ALTER FUNCTION ops.tg_chain__append() OWNER TO predator_owner;

--
-- Name: FUNCTION tg_chain__append(); Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON FUNCTION ops.tg_chain__append() IS 'Chain trigger: assigns seq, prev_hash and row_hash = sha256(prev_hash || canonical row) per book and table, and advances ops.chain_head. Raises PD009 on a supplied seq or prev_hash that breaks the chain.';


--
-- Name: two_person_rule(); Type: FUNCTION; Schema: ops; Owner: predator_owner
--

CREATE FUNCTION ops.two_person_rule() RETURNS boolean
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$ SELECT coalesce(ops.setting_value('two_person_rule'), 1) = 1 $$;


ALTER FUNCTION ops.two_person_rule() OWNER TO predator_owner;

--
-- Name: FUNCTION two_person_rule(); Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON FUNCTION ops.two_person_rule() IS 'Whether the two-person rule holds (operator setting two_person_rule, 1 when unset): high-risk actions then need a second operator''s approval.';


--
-- Name: _exposure(jsonb, text, text, text); Type: FUNCTION; Schema: portfolio; Owner: predator_owner
--

CREATE FUNCTION portfolio._exposure(p_lines jsonb, p_symbol text, p_cluster text, p_quote text) RETURNS TABLE(position_qty numeric, instrument numeric, cluster numeric, quote numeric)
    LANGUAGE sql IMMUTABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    SELECT coalesce(sum((l ->> 'quantity')::numeric) FILTER (WHERE l ->> 'symbol' = p_symbol), 0),
           coalesce(sum((l ->> 'notional')::numeric + (l ->> 'open_buy')::numeric) FILTER (WHERE l ->> 'symbol' = p_symbol), 0),
           coalesce(sum((l ->> 'notional')::numeric + (l ->> 'open_buy')::numeric) FILTER (WHERE l ->> 'cluster' = p_cluster), 0),
           coalesce(sum((l ->> 'notional')::numeric + (l ->> 'open_buy')::numeric) FILTER (WHERE l ->> 'quote' = p_quote), 0)
      FROM jsonb_array_elements(p_lines) l
$$;


ALTER FUNCTION portfolio._exposure(p_lines jsonb, p_symbol text, p_cluster text, p_quote text) OWNER TO predator_owner;

--
-- Name: FUNCTION _exposure(p_lines jsonb, p_symbol text, p_cluster text, p_quote text); Type: COMMENT; Schema: portfolio; Owner: predator_owner
--

COMMENT ON FUNCTION portfolio._exposure(p_lines jsonb, p_symbol text, p_cluster text, p_quote text) IS 'Internal: from portfolio.valuation''s lines, the position in a symbol and the exposure (positions at mark + open buys, reporting currency) of the symbol, its cluster and its quote currency.';


--
-- Name: _hour_result(integer, timestamp with time zone); Type: FUNCTION; Schema: portfolio; Owner: predator_owner
--

CREATE FUNCTION portfolio._hour_result(p_book_id integer, p_hour timestamp with time zone) RETURNS TABLE(hour timestamp with time zone, cash numeric, positions_value numeric, equity numeric, peak_equity numeric, drawdown numeric, daily_pnl numeric, realized_pnl numeric, unrealized_pnl numeric, fees numeric, gross_exposure numeric, open_orders integer, stale_marks text[], positions jsonb, inputs_hash text, outputs_hash text, halts text[])
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    RETURN QUERY
    SELECT h.hour, h.cash, h.positions_value, h.equity, h.peak_equity, h.drawdown, h.daily_pnl, h.realized_pnl,
           h.unrealized_pnl, h.fees, h.gross_exposure, h.open_orders, h.stale_marks,
           (SELECT coalesce(jsonb_object_agg(p.symbol, p.quantity ORDER BY p.symbol), '{}'::jsonb)
              FROM trading.position p WHERE p.book_id = h.book_id AND p.quantity > 0),
           encode(h.inputs_hash, 'hex'), encode(h.outputs_hash, 'hex'),
           risk._active_halts(a.name, a.lane, NULL)
      FROM portfolio.hourly_state h JOIN trading.account a ON a.book_id = h.book_id
     WHERE h.book_id = p_book_id AND h.hour = p_hour;
END
$$;


ALTER FUNCTION portfolio._hour_result(p_book_id integer, p_hour timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION _hour_result(p_book_id integer, p_hour timestamp with time zone); Type: COMMENT; Schema: portfolio; Owner: predator_owner
--

COMMENT ON FUNCTION portfolio._hour_result(p_book_id integer, p_hour timestamp with time zone) IS 'Internal: a closed hour''s state with current positions and active halts, as returned by api.close_hour.';


--
-- Name: _quote_figures(jsonb, text, numeric); Type: FUNCTION; Schema: portfolio; Owner: predator_owner
--

CREATE FUNCTION portfolio._quote_figures(p_currencies jsonb, p_quote text, p_notional numeric) RETURNS jsonb
    LANGUAGE sql IMMUTABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    SELECT jsonb_build_object(
               'quote', p_quote, 'rate', c -> 'rate', 'rate_symbol', c -> 'symbol', 'rate_bar_close', c -> 'bar_close',
               'inverted', c -> 'inverted',
               'quote_cash', (c ->> 'cash')::numeric,
               'quote_open_buys', (c ->> 'open_buys')::numeric,
               'notional_value', p_notional * coalesce((c ->> 'rate')::numeric, 0))
      FROM (SELECT p_currencies -> p_quote AS c) x
$$;


ALTER FUNCTION portfolio._quote_figures(p_currencies jsonb, p_quote text, p_notional numeric) OWNER TO predator_owner;

--
-- Name: FUNCTION _quote_figures(p_currencies jsonb, p_quote text, p_notional numeric); Type: COMMENT; Schema: portfolio; Owner: predator_owner
--

COMMENT ON FUNCTION portfolio._quote_figures(p_currencies jsonb, p_quote text, p_notional numeric) IS 'Internal: the quote currency''s rate, cash, open buys and the order''s notional in the reporting currency, as admission records them under figures -> ''valuation''.';


--
-- Name: _to_reporting(text, text, text, numeric, timestamp with time zone); Type: FUNCTION; Schema: portfolio; Owner: predator_owner
--

CREATE FUNCTION portfolio._to_reporting(p_venue text, p_reporting text, p_currency text, p_amount numeric, p_ts timestamp with time zone) RETURNS numeric
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    IF p_currency = p_reporting OR p_amount = 0 THEN
        RETURN p_amount;
    END IF;
    RETURN p_amount * coalesce((SELECT r.rate FROM market.conversion_rate(p_venue, p_currency, p_reporting, p_ts) r), 0);
END
$$;


ALTER FUNCTION portfolio._to_reporting(p_venue text, p_reporting text, p_currency text, p_amount numeric, p_ts timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION _to_reporting(p_venue text, p_reporting text, p_currency text, p_amount numeric, p_ts timestamp with time zone); Type: COMMENT; Schema: portfolio; Owner: predator_owner
--

COMMENT ON FUNCTION portfolio._to_reporting(p_venue text, p_reporting text, p_currency text, p_amount numeric, p_ts timestamp with time zone) IS 'Internal: an amount in a currency converted into the reporting currency at p_ts (market.conversion_rate; as is in the reporting currency, 0 without a rate).';


--
-- Name: _treasury_close(integer, timestamp with time zone, numeric); Type: FUNCTION; Schema: portfolio; Owner: predator_owner
--

CREATE FUNCTION portfolio._treasury_close(p_book_id integer, p_hour timestamp with time zone, p_equity numeric) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_acct      trading.account;
    v_limits    jsonb;
    v_window    integer;
    v_first     timestamptz;
    v_day       record;
    v_roll      record;
    v_from      timestamptz;
    v_complete  boolean;
    v_action    text := 'none';
    v_amount    numeric;
    v_threshold numeric;
    v_tolerance numeric;
    v_undist    numeric;
    v_headroom  numeric;
    v_tx        bigint;
    v_no        integer;
    v_state     risk.state_current;
    v_cut_pct   numeric;   -- the step, a fraction of the full budget
    v_floor     numeric;   -- the floor, a fraction
    v_scale     numeric;   -- budget scale after this close (NULL: the cut policy is off)
    v_last_cut  date;
    v_halted    boolean := false;
    v_cut       boolean := false;
    v_known     bigint;    -- the book's newest journal transaction: what the figures are computed from
BEGIN
    IF p_hour <> date_trunc('day', p_hour AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' THEN
        RETURN;
    END IF;
    SELECT min(p.ts) INTO v_first FROM ledger.posting p WHERE p.book_id = p_book_id AND p.account_code = 'principal';
    IF v_first IS NULL OR v_first >= p_hour THEN
        RETURN;  -- nothing deposited yet: no status
    END IF;
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = p_book_id;
    v_limits := risk.current_limits(v_acct.risk_profile);
    v_window := coalesce(risk.cap(v_limits, 'treasury_window_days', '*', NULL), 30)::integer;

    SELECT max(t.seq) INTO v_known FROM ledger.transaction t WHERE t.book_id = p_book_id;
    SELECT * INTO v_day FROM portfolio.treasury_figures(p_book_id, p_hour - interval '1 day', p_hour);
    INSERT INTO portfolio.treasury_status (book_id, day, window_days, period_from, period_to, complete, currency,
        realized_pnl, trading_fees, operating_costs, reserve_accrual, surplus, equity, principal, principal_protected,
        known_tx_seq)
    VALUES (p_book_id, (p_hour - interval '1 day') AT TIME ZONE 'UTC', 1, p_hour - interval '1 day', p_hour,
            v_first <= p_hour - interval '1 day', v_day.currency, v_day.realized_pnl, v_day.trading_fees,
            v_day.operating_costs, v_day.reserve_accrual, v_day.surplus, p_equity, v_day.principal,
            p_equity >= v_day.principal, v_known);
    IF v_window = 1 THEN
        RETURN;
    END IF;

    v_from := p_hour - make_interval(days => v_window);
    v_complete := v_first <= v_from;
    SELECT * INTO v_roll FROM portfolio.treasury_figures(p_book_id, v_from, p_hour);
    v_threshold := risk.cap(v_limits, 'treasury_transfer_threshold', '*', NULL);
    v_tolerance := risk.cap(v_limits, 'treasury_deficit_tolerance', '*', NULL);

    IF v_complete AND v_threshold IS NOT NULL AND v_roll.surplus > v_threshold THEN
        -- Undistributed surplus: the treasury balance less the principal (= cumulative surplus less transfers).
        SELECT coalesce(sum(b.balance) FILTER (WHERE b.account_code = 'treasury'), 0) - v_roll.principal,
               p_equity - v_roll.principal - coalesce(sum(b.balance) FILTER (WHERE b.account_code IN ('reserve', 'operations')), 0)
          INTO v_undist, v_headroom
          FROM ledger.balance b
         WHERE b.book_id = p_book_id AND b.currency = v_acct.base_currency
           AND b.account_code IN ('treasury', 'reserve', 'operations');
        v_amount := trunc(least(v_undist - v_threshold, v_headroom), 2);
        IF v_amount > 0 THEN
            SELECT coalesce(max(t.proposal_no), 0) + 1 INTO v_no FROM ledger.treasury_transfer t WHERE t.book_id = p_book_id;
            IF coalesce(risk.cap(v_limits, 'treasury_auto_transfer', '*', NULL), 0) = 1 THEN
                v_tx := ledger._post(p_book_id, 'transfer', 'operations:' || v_no, p_hour,
                    ARRAY['operations', 'treasury'], ARRAY[v_acct.base_currency, v_acct.base_currency], ARRAY[v_amount, -v_amount]);
                INSERT INTO ledger.treasury_transfer (book_id, proposal_no, action, amount, currency, day, tx_seq, reason, actor, ts)
                VALUES (p_book_id, v_no, 'automatic', v_amount, v_acct.base_currency, (p_hour - interval '1 day') AT TIME ZONE 'UTC',
                        v_tx, format('rolling %s-day surplus %s above threshold %s', v_window, round(v_roll.surplus, 2), v_threshold),
                        'system', p_hour);
                PERFORM ops._audit(p_book_id, 'treasury_transfer', v_acct.name,
                    jsonb_build_object('proposal_no', v_no, 'amount', v_amount, 'currency', v_acct.base_currency,
                                       'tx_seq', v_tx, 'ts', p_hour, 'mode', 'automatic'),
                    'automatic transfer of surplus to the operations bucket (treasury_auto_transfer)');
                v_action := 'transfer_automatic';
            ELSIF NOT EXISTS (SELECT FROM ledger.treasury_transfer t
                               WHERE t.book_id = p_book_id AND t.action = 'proposed'
                                 AND NOT EXISTS (SELECT FROM ledger.treasury_transfer u
                                                  WHERE u.book_id = t.book_id AND u.proposal_no = t.proposal_no AND u.action <> 'proposed')) THEN
                INSERT INTO ledger.treasury_transfer (book_id, proposal_no, action, amount, currency, day, reason, actor, ts)
                VALUES (p_book_id, v_no, 'proposed', v_amount, v_acct.base_currency, (p_hour - interval '1 day') AT TIME ZONE 'UTC',
                        format('rolling %s-day surplus %s above threshold %s', v_window, round(v_roll.surplus, 2), v_threshold),
                        'system', p_hour);
                v_action := 'transfer_proposed';
            END IF;
        END IF;
    ELSIF v_complete AND v_tolerance IS NOT NULL AND v_roll.surplus < -v_tolerance THEN
        IF coalesce(risk.cap(v_limits, 'treasury_deficit_halt', '*', NULL), 0) = 1 THEN
            SELECT * INTO v_state FROM risk.state_current c WHERE c.book_id = p_book_id AND c.scope_kind = 'book';
            IF coalesce(v_state.state, 'normal') IN ('normal', 'reducing') AND NOT coalesce(v_state.state = 'reducing' AND v_state.hold IS NOT NULL, false) THEN
                PERFORM risk._transition(p_book_id, 'reducing', 'treasury_deficit',
                    format('treasury_deficit: rolling %s-day surplus %s below -%s; entries refused until an operator releases the book (api.resume_reducing)',
                           v_window, round(v_roll.surplus, 2), v_tolerance), p_hour);
                PERFORM ops._open_incident(p_book_id, 2, 'risk', 'account:' || v_acct.name,
                    format('treasury deficit: new entries halted on %s', v_acct.name),
                    format('reason treasury_deficit: the rolling %s-day net operating surplus %s is below -%s (treasury_deficit_tolerance)',
                           v_window, round(v_roll.surplus, 2), v_tolerance),
                    jsonb_build_object('hours', jsonb_build_array(p_hour)), p_hour, 'system');
                v_halted := true;
            END IF;
        END IF;
        -- The risk-budget cut: one step per rolling window at most, never below the floor.
        v_cut_pct := risk.cap(v_limits, 'treasury_deficit_cut_pct', '*', 1);
        IF v_cut_pct > 0 THEN
            v_floor := least(greatest(coalesce(risk.cap(v_limits, 'treasury_budget_floor_pct', '*', 1), 0), 0), 1);
            SELECT coalesce(s.budget_scale, 1) INTO v_scale FROM portfolio.treasury_status s
             WHERE s.book_id = p_book_id AND s.window_days > 1 ORDER BY s.seq DESC LIMIT 1;
            v_scale := coalesce(v_scale, 1);
            SELECT max(s.day) INTO v_last_cut FROM portfolio.treasury_status s
             WHERE s.book_id = p_book_id AND s.window_days > 1 AND s.policy_action IN ('budget_cut', 'entries_halted_budget_cut')
               AND NOT EXISTS (SELECT FROM portfolio.treasury_status r
                                WHERE r.book_id = s.book_id AND r.window_days > 1 AND r.seq > s.seq AND r.policy_action = 'budget_restored');
            IF v_scale > v_floor AND (v_last_cut IS NULL OR v_last_cut <= ((p_hour - interval '1 day') AT TIME ZONE 'UTC')::date - v_window) THEN
                v_scale := greatest(v_floor, v_scale - v_cut_pct);
                PERFORM ops._audit(p_book_id, 'treasury_budget_cut', v_acct.name,
                    jsonb_build_object('budget_scale', v_scale, 'step', v_cut_pct, 'floor', v_floor, 'surplus', v_roll.surplus,
                                       'tolerance', v_tolerance, 'window_days', v_window, 'ts', p_hour),
                    format('treasury_deficit: rolling %s-day surplus %s below -%s; risk budget cut to %s %%',
                           v_window, round(v_roll.surplus, 2), v_tolerance, round(v_scale * 100, 4)));
                PERFORM ops._open_incident(p_book_id, 3, 'risk', 'account:' || v_acct.name,
                    format('treasury deficit: risk budget of %s cut to %s %%', v_acct.name, round(v_scale * 100, 4)),
                    format('reason treasury_deficit: the rolling %s-day net operating surplus %s is below -%s (treasury_deficit_tolerance); the entry caps are scaled to %s %% (treasury_deficit_cut_pct %s %%, floor %s %%) until the rolling surplus is no longer negative',
                           v_window, round(v_roll.surplus, 2), v_tolerance, round(v_scale * 100, 4), round(v_cut_pct * 100, 4), round(v_floor * 100, 4)),
                    jsonb_build_object('hours', jsonb_build_array(p_hour)), p_hour, 'system');
                v_cut := true;
            END IF;
        END IF;
        v_action := CASE WHEN v_halted AND v_cut THEN 'entries_halted_budget_cut' WHEN v_halted THEN 'entries_halted'
                         WHEN v_cut THEN 'budget_cut' ELSE 'none' END;
        v_amount := v_roll.surplus;
    END IF;

    -- The budget scale after this close: NULL when the cut policy is off; restored to 1 by a surplus >= 0.
    IF NOT v_cut THEN
        v_cut_pct := risk.cap(v_limits, 'treasury_deficit_cut_pct', '*', 1);
        IF v_cut_pct IS NOT NULL THEN
            SELECT coalesce(s.budget_scale, 1) INTO v_scale FROM portfolio.treasury_status s
             WHERE s.book_id = p_book_id AND s.window_days > 1 ORDER BY s.seq DESC LIMIT 1;
            v_scale := coalesce(v_scale, 1);
            IF v_scale < 1 AND v_complete AND v_roll.surplus >= 0 THEN
                v_scale := 1;
                PERFORM ops._audit(p_book_id, 'treasury_budget_restore', v_acct.name,
                    jsonb_build_object('budget_scale', 1, 'surplus', v_roll.surplus, 'window_days', v_window, 'ts', p_hour),
                    format('rolling %s-day surplus %s is no longer negative: risk budget restored to 100 %%', v_window, round(v_roll.surplus, 2)));
                IF v_action = 'none' THEN
                    v_action := 'budget_restored';
                    v_amount := v_roll.surplus;
                END IF;
            END IF;
        END IF;
    END IF;

    INSERT INTO portfolio.treasury_status (book_id, day, window_days, period_from, period_to, complete, currency,
        realized_pnl, trading_fees, operating_costs, reserve_accrual, surplus, equity, principal, principal_protected,
        policy_action, policy_amount, budget_scale, known_tx_seq)
    VALUES (p_book_id, (p_hour - interval '1 day') AT TIME ZONE 'UTC', v_window, v_from, p_hour, v_complete, v_roll.currency,
            v_roll.realized_pnl, v_roll.trading_fees, v_roll.operating_costs, v_roll.reserve_accrual, v_roll.surplus,
            p_equity, v_roll.principal, p_equity >= v_roll.principal, v_action,
            CASE WHEN v_action <> 'none' THEN v_amount END, v_scale, v_known);
END
$$;


ALTER FUNCTION portfolio._treasury_close(p_book_id integer, p_hour timestamp with time zone, p_equity numeric) OWNER TO predator_owner;

--
-- Name: FUNCTION _treasury_close(p_book_id integer, p_hour timestamp with time zone, p_equity numeric); Type: COMMENT; Schema: portfolio; Owner: predator_owner
--

COMMENT ON FUNCTION portfolio._treasury_close(p_book_id integer, p_hour timestamp with time zone, p_equity numeric) IS 'Internal: at 00:00 UTC stores the self-financing status of the day and of the rolling window from the treasury postings, then applies the treasury policy (transfer of surplus to the operations bucket, automatic or proposed; deficit: entries halted and/or the risk budget cut by treasury_deficit_cut_pct, with an incident; a cut budget restored when the rolling surplus is no longer negative). Never posts to principal.';


--
-- Name: book_symbols(integer, timestamp with time zone); Type: FUNCTION; Schema: portfolio; Owner: predator_owner
--

CREATE FUNCTION portfolio.book_symbols(p_book_id integer, p_hour timestamp with time zone) RETURNS text[]
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    WITH run AS (
        SELECT r.config FROM ops.run r WHERE r.book_id = p_book_id ORDER BY r.started_at DESC, r.run_id DESC LIMIT 1
    )
    SELECT coalesce(array_agg(DISTINCT s.symbol ORDER BY s.symbol), '{}')
      FROM (SELECT e.symbol
              FROM run, LATERAL (VALUES (run.config -> 'symbols'), (run.config -> 'rate_symbols')) v(list),
                   LATERAL jsonb_array_elements_text(CASE WHEN jsonb_typeof(v.list) = 'array' THEN v.list ELSE '[]'::jsonb END) e(symbol)
            UNION
            SELECT q.symbol FROM trading.position q WHERE q.book_id = p_book_id AND q.quantity > 0
            UNION
            SELECT o.symbol FROM trading.order_state o
             WHERE o.book_id = p_book_id AND o.status IN ('new', 'open', 'partially_filled')
            UNION
            SELECT g.symbol FROM trading.signal g
             WHERE g.book_id = p_book_id AND g.ts > p_hour - interval '7 days' AND g.ts < p_hour) s
$$;


ALTER FUNCTION portfolio.book_symbols(p_book_id integer, p_hour timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION book_symbols(p_book_id integer, p_hour timestamp with time zone); Type: COMMENT; Schema: portfolio; Owner: predator_owner
--

COMMENT ON FUNCTION portfolio.book_symbols(p_book_id integer, p_hour timestamp with time zone) IS 'The symbols an hour of a book covers (inputs hash, stale-data and data-quality breakers): the latest registered run''s symbols and conversion pairs, every held symbol, every symbol with an open order and every symbol signalled in the week before the hour. Never a worker argument (issue 17 item 4).';


--
-- Name: inputs_digest(text, text[], timestamp with time zone); Type: FUNCTION; Schema: portfolio; Owner: predator_owner
--

CREATE FUNCTION portfolio.inputs_digest(p_venue text, p_symbols text[], p_hour timestamp with time zone) RETURNS bytea
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET plan_cache_mode TO 'force_generic_plan'
    AS $$
BEGIN
    RETURN (
    SELECT sha256(convert_to(coalesce(string_agg(
               concat_ws('|', c.symbol, extract(epoch FROM c.ts)::bigint, c.open, c.high, c.low, c.close, c.volume),
               E'\n' ORDER BY c.symbol), ''), 'UTF8'))
      FROM (SELECT DISTINCT ON (k.symbol) k.symbol, k.ts, k.open, k.high, k.low, k.close, k.volume
              FROM market.candle k
             WHERE k.venue = p_venue AND k.symbol = ANY (p_symbols) AND k.interval = '1h'
               AND k.ts = p_hour - interval '1 hour'
             ORDER BY k.symbol, k.revision DESC) c);
END
$$;


ALTER FUNCTION portfolio.inputs_digest(p_venue text, p_symbols text[], p_hour timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION inputs_digest(p_venue text, p_symbols text[], p_hour timestamp with time zone); Type: COMMENT; Schema: portfolio; Owner: predator_owner
--

COMMENT ON FUNCTION portfolio.inputs_digest(p_venue text, p_symbols text[], p_hour timestamp with time zone) IS 'sha256 over the effective 1h bars of the given symbols that closed at p_hour.';


--
-- Name: outputs_hash(jsonb); Type: FUNCTION; Schema: portfolio; Owner: predator_owner
--

CREATE FUNCTION portfolio.outputs_hash(p_digests jsonb) RETURNS bytea
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT sha256(convert_to(concat_ws('|',
    p_digests ->> 'trading.signal', p_digests ->> 'risk.decision', p_digests ->> 'trading.order_request',
    p_digests ->> 'trading.order_event', p_digests ->> 'trading.fill', p_digests ->> 'trading.lot',
    p_digests ->> 'trading.lot_allocation', p_digests ->> 'trading.round_trip', p_digests ->> 'ledger.journal',
    p_digests ->> 'risk.halt_event', p_digests ->> 'ops.reconciliation',
    p_digests ->> 'ops.incident', p_digests ->> 'risk.breaker_trip',
    p_digests ->> 'risk.strategy_health', p_digests ->> 'risk.horizon_flag', p_digests ->> 'risk.state_event',
    p_digests ->> 'trading.fill_void'),
    'UTF8')) $$;


ALTER FUNCTION portfolio.outputs_hash(p_digests jsonb) OWNER TO predator_owner;

--
-- Name: FUNCTION outputs_hash(p_digests jsonb); Type: COMMENT; Schema: portfolio; Owner: predator_owner
--

COMMENT ON FUNCTION portfolio.outputs_hash(p_digests jsonb) IS 'sha256 over the output digests of an hour, in a fixed order.';


--
-- Name: treasury_figures(integer, timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: portfolio; Owner: predator_owner
--

CREATE FUNCTION portfolio.treasury_figures(p_book_id integer, p_from timestamp with time zone, p_to timestamp with time zone) RETURNS TABLE(currency text, realized_pnl numeric, trading_fees numeric, operating_costs numeric, reserve_accrual numeric, surplus numeric, principal numeric)
    LANGUAGE sql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    WITH a AS (SELECT x.book_id, x.base_currency FROM trading.account x WHERE x.book_id = p_book_id),
    f AS (
        SELECT coalesce(-sum(p.amount) FILTER (WHERE p.account_code = 'realized_pnl' AND p.ts >= p_from), 0) AS realized,
               coalesce(sum(p.amount) FILTER (WHERE p.account_code = 'fee_expense' AND p.ts >= p_from), 0) AS fees,
               coalesce(sum(p.amount) FILTER (WHERE p.account_code = 'ops_cost' AND p.ts >= p_from), 0) AS costs,
               coalesce(sum(p.amount) FILTER (WHERE p.account_code = 'reserve' AND p.ts >= p_from), 0) AS reserve,
               coalesce(-sum(p.amount) FILTER (WHERE p.account_code = 'principal'), 0) AS principal
          FROM ledger.posting p JOIN a ON a.book_id = p.book_id AND p.currency = a.base_currency
         WHERE p.book_id = p_book_id AND p.ts < p_to
           AND p.account_code IN ('realized_pnl', 'fee_expense', 'ops_cost', 'reserve', 'principal'))
    SELECT a.base_currency, f.realized, f.fees, f.costs, f.reserve, f.realized - f.fees - f.costs - f.reserve, f.principal
      FROM a, f
$$;


ALTER FUNCTION portfolio.treasury_figures(p_book_id integer, p_from timestamp with time zone, p_to timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION treasury_figures(p_book_id integer, p_from timestamp with time zone, p_to timestamp with time zone); Type: COMMENT; Schema: portfolio; Owner: predator_owner
--

COMMENT ON FUNCTION portfolio.treasury_figures(p_book_id integer, p_from timestamp with time zone, p_to timestamp with time zone) IS 'Self-financing figures of a book over [p_from, p_to) from its treasury postings in the reporting currency: realized PnL, trading fees, operating costs, reserve accrual, surplus, and the principal deposited before p_to.';


--
-- Name: valuation(integer, timestamp with time zone); Type: FUNCTION; Schema: portfolio; Owner: predator_owner
--

CREATE FUNCTION portfolio.valuation(p_book_id integer, p_ts timestamp with time zone) RETURNS TABLE(reporting text, cash numeric, positions_value numeric, open_buy_notional numeric, cost_basis numeric, equity numeric, peak_equity numeric, day_start_equity numeric, drawdown numeric, daily_pnl numeric, last_hour timestamp with time zone, trade_currencies text[], currencies jsonb, lines jsonb, missing_rates text[], stale_marks text[])
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_acct   trading.account;
    v_last   portfolio.hourly_state;
    v_cash_c text[];
    v_trade  text[];
    v_equity numeric;
BEGIN
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = p_book_id;
    SELECT * INTO v_last FROM portfolio.hourly_state h WHERE h.book_id = p_book_id ORDER BY h.hour DESC LIMIT 1;
    v_cash_c := ARRAY[v_acct.base_currency]
             || ARRAY(SELECT DISTINCT c.currency FROM trading.book_currency c
                       WHERE c.book_id = p_book_id AND c.currency <> v_acct.base_currency ORDER BY 1);
    v_trade := ARRAY[v_acct.base_currency]
            || ARRAY(SELECT x.currency FROM (SELECT DISTINCT ON (c.currency) c.currency, c.enabled FROM trading.book_currency c
                                             WHERE c.book_id = p_book_id AND c.currency <> v_acct.base_currency
                                             ORDER BY c.currency, c.revision DESC) x
                      WHERE x.enabled ORDER BY 1);

    RETURN QUERY
    WITH pos AS (
        SELECT p.symbol, a.cluster, i.quote, p.quantity, m.close AS mark, m.bar_close,
               CASE WHEN i.base = ANY (v_cash_c) THEN 0
                    ELSE p.quantity * coalesce(m.close, p.cost_basis / p.quantity) END AS local_notional,
               CASE WHEN i.base = ANY (v_cash_c) THEN 0 ELSE p.cost_basis END AS cost_basis,
               i.base = ANY (v_cash_c) AS is_cash
          FROM trading.position p
          JOIN market.instrument i ON i.venue = v_acct.venue AND i.symbol = p.symbol
          JOIN market.asset a ON a.asset = i.base
          LEFT JOIN market.marks(v_acct.venue,
                                 ARRAY(SELECT q.symbol FROM trading.position q WHERE q.book_id = p_book_id AND q.quantity > 0),
                                 p_ts) m ON m.symbol = p.symbol
         WHERE p.book_id = p_book_id AND p.quantity > 0),
    buys AS (
        SELECT r.symbol, a.cluster, i.quote,
               sum((s.quantity - s.filled_qty) * coalesce(r.limit_price, r.decision_price)) AS local_open_buy
          FROM trading.order_state s
          JOIN trading.order_request r ON r.client_order_id = s.client_order_id
          JOIN market.instrument i ON i.venue = v_acct.venue AND i.symbol = r.symbol
          JOIN market.asset a ON a.asset = i.base
         WHERE s.book_id = p_book_id AND s.status IN ('new', 'open', 'partially_filled') AND s.side = 'buy'
         GROUP BY r.symbol, a.cluster, i.quote),
    l AS (
        SELECT coalesce(p.symbol, b.symbol) AS symbol, coalesce(p.cluster, b.cluster) AS cluster,
               coalesce(p.quote, b.quote) AS quote, coalesce(p.quantity, 0) AS quantity, p.mark, p.bar_close,
               coalesce(p.local_notional, 0) AS local_notional, coalesce(b.local_open_buy, 0) AS local_open_buy,
               coalesce(p.cost_basis, 0) AS cost_basis, coalesce(p.is_cash, false) AS is_cash, p.symbol IS NOT NULL AS held
          FROM pos p FULL JOIN buys b ON b.symbol = p.symbol),
    c AS (
        SELECT x.ccy, x.ccy = ANY (v_cash_c) AS is_cash_ccy
          FROM (SELECT unnest(v_cash_c) AS ccy UNION SELECT l.quote FROM l) x),
    r AS (
        SELECT c.ccy, c.is_cash_ccy, cr.rate, cr.symbol, cr.bar_close, cr.inverted,
               CASE WHEN c.is_cash_ccy THEN coalesce(b.balance, 0) ELSE 0 END AS cash
          FROM c
          LEFT JOIN LATERAL market.conversion_rate(v_acct.venue, c.ccy, v_acct.base_currency, p_ts) cr ON true
          LEFT JOIN ledger.balance b ON b.book_id = p_book_id AND b.account_code = 'trading' AND b.currency = c.ccy),
    lr AS (
        SELECT l.*, r.rate, l.local_notional * coalesce(r.rate, 0) AS notional,
               l.local_open_buy * coalesce(r.rate, 0) AS open_buy, l.cost_basis * coalesce(r.rate, 0) AS cost_value
          FROM l JOIN r ON r.ccy = l.quote),
    tot AS (
        SELECT (SELECT coalesce(sum(r.cash * coalesce(r.rate, 0)), 0) FROM r) AS cash,
               (SELECT coalesce(sum(lr.notional), 0) FROM lr) AS positions_value,
               (SELECT coalesce(sum(lr.open_buy), 0) FROM lr) AS open_buys,
               (SELECT coalesce(sum(lr.cost_value), 0) FROM lr) AS cost_value),
    e AS (
        SELECT t.*, t.cash + t.positions_value AS equity,
               greatest(coalesce(v_last.peak_equity, t.cash + t.positions_value), t.cash + t.positions_value) AS peak,
               CASE WHEN v_last.hour IS NULL THEN t.cash + t.positions_value
                    WHEN date_trunc('day', v_last.hour - interval '1 second', 'UTC') = date_trunc('day', p_ts - interval '1 second', 'UTC')
                        THEN v_last.day_start_equity
                    ELSE v_last.equity END AS day_start
          FROM tot t)
    SELECT v_acct.base_currency, t.cash, t.positions_value, t.open_buys, t.cost_value, t.equity, t.peak, t.day_start,
           CASE WHEN t.peak > 0 THEN greatest(0, 1 - t.equity / t.peak) ELSE 0 END,
           t.equity - t.day_start, v_last.hour, v_trade,
           (SELECT jsonb_object_agg(r.ccy, jsonb_build_object(
                       'cash', r.cash,
                       'positions', (SELECT coalesce(sum(lr.local_notional), 0) FROM lr WHERE lr.quote = r.ccy),
                       'open_buys', (SELECT coalesce(sum(lr.local_open_buy), 0) FROM lr WHERE lr.quote = r.ccy),
                       'rate', r.rate, 'symbol', r.symbol, 'bar_close', r.bar_close, 'inverted', r.inverted,
                       'cash_currency', r.is_cash_ccy))
              FROM r),
           (SELECT coalesce(jsonb_agg(jsonb_build_object(
                       'symbol', lr.symbol, 'cluster', lr.cluster, 'quote', lr.quote, 'quantity', lr.quantity,
                       'mark', lr.mark, 'bar_close', lr.bar_close, 'local_notional', lr.local_notional,
                       'local_open_buy', lr.local_open_buy, 'rate', lr.rate, 'notional', lr.notional,
                       'open_buy', lr.open_buy, 'held', lr.held, 'is_cash', lr.is_cash) ORDER BY lr.symbol), '[]'::jsonb)
              FROM lr),
           ARRAY(SELECT r.ccy FROM r WHERE r.rate IS NULL AND (r.cash <> 0 OR EXISTS (SELECT FROM lr WHERE lr.quote = r.ccy))
                  ORDER BY 1),
           ARRAY(SELECT lr.symbol FROM lr WHERE lr.held AND NOT lr.is_cash AND (lr.bar_close IS NULL OR lr.bar_close < p_ts)
                  ORDER BY 1)
      FROM e t;
END
$$;


ALTER FUNCTION portfolio.valuation(p_book_id integer, p_ts timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION valuation(p_book_id integer, p_ts timestamp with time zone); Type: COMMENT; Schema: portfolio; Owner: predator_owner
--

COMMENT ON FUNCTION portfolio.valuation(p_book_id integer, p_ts timestamp with time zone) IS 'The one definition of a book''s figures at p_ts, in its reporting currency: cash per currency and positions at mark converted at market.conversion_rate, open-buy commitments, equity, peak, day-start equity, drawdown, daily PnL; with the rates used (currencies), the lines per symbol, missing rates and stale marks. Used by api.submit_signal, api.close_hour and risk._evaluate_intrahour.';


--
-- Name: window_digests(integer, jsonb, jsonb, boolean); Type: FUNCTION; Schema: portfolio; Owner: predator_owner
--

CREATE FUNCTION portfolio.window_digests(p_book_id integer, p_from jsonb, p_to jsonb, p_recompute boolean) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET "TimeZone" TO 'UTC'
    AS $$
DECLARE
    c_empty CONSTANT text := 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
    v_out   jsonb := '{}'::jsonb;
    v_key   text;
    v_lo    bigint;
    v_hi    bigint;
    v_hex   text;
BEGIN
    FOREACH v_key IN ARRAY ARRAY['trading.signal', 'risk.decision', 'trading.order_request', 'trading.order_event',
                                 'trading.fill', 'trading.lot', 'trading.lot_allocation', 'trading.round_trip',
                                 'ledger.transaction', 'risk.halt_event', 'ops.reconciliation', 'ops.incident',
                                 'risk.breaker_trip', 'risk.strategy_health', 'risk.horizon_flag', 'risk.state_event',
                                 'trading.fill_void'] LOOP
        -- The risk state chain (migration 0017) counts only once the book has one: the hashes of books (and
        -- hours recorded before 0017) without a risk state move stay what they were.
        CONTINUE WHEN v_key = 'risk.state_event' AND NOT (p_to ? v_key);
        -- Likewise the fill voids (migration 0026): they count once the book has one (api.void_fill).
        CONTINUE WHEN v_key = 'trading.fill_void' AND NOT (p_to ? v_key);
        v_lo := coalesce((p_from ->> v_key)::bigint, 0);
        v_hi := coalesce((p_to ->> v_key)::bigint, 0);
        IF v_hi <= v_lo THEN
            v_hex := c_empty;
        ELSE
            CASE v_key
            WHEN 'trading.signal' THEN
                SELECT encode(sha256(string_agg(CASE WHEN p_recompute THEN ops.row_hash(t.prev_hash, to_jsonb(t)) ELSE t.row_hash END, ''::bytea ORDER BY t.seq)), 'hex')
                  INTO v_hex FROM trading.signal t WHERE t.book_id = p_book_id AND t.seq > v_lo AND t.seq <= v_hi;
            WHEN 'risk.decision' THEN
                SELECT encode(sha256(string_agg(CASE WHEN p_recompute THEN ops.row_hash(t.prev_hash, to_jsonb(t)) ELSE t.row_hash END, ''::bytea ORDER BY t.seq)), 'hex')
                  INTO v_hex FROM risk.decision t WHERE t.book_id = p_book_id AND t.seq > v_lo AND t.seq <= v_hi;
            WHEN 'trading.order_request' THEN
                SELECT encode(sha256(string_agg(CASE WHEN p_recompute THEN ops.row_hash(t.prev_hash, to_jsonb(t)) ELSE t.row_hash END, ''::bytea ORDER BY t.seq)), 'hex')
                  INTO v_hex FROM trading.order_request t WHERE t.book_id = p_book_id AND t.seq > v_lo AND t.seq <= v_hi;
            WHEN 'trading.order_event' THEN
                SELECT encode(sha256(string_agg(CASE WHEN p_recompute THEN ops.row_hash(t.prev_hash, to_jsonb(t)) ELSE t.row_hash END, ''::bytea ORDER BY t.seq)), 'hex')
                  INTO v_hex FROM trading.order_event t WHERE t.book_id = p_book_id AND t.seq > v_lo AND t.seq <= v_hi;
            WHEN 'trading.fill' THEN
                SELECT encode(sha256(string_agg(CASE WHEN p_recompute THEN ops.row_hash(t.prev_hash, to_jsonb(t)) ELSE t.row_hash END, ''::bytea ORDER BY t.seq)), 'hex')
                  INTO v_hex FROM trading.fill t WHERE t.book_id = p_book_id AND t.seq > v_lo AND t.seq <= v_hi;
            WHEN 'trading.lot' THEN
                SELECT encode(sha256(string_agg(CASE WHEN p_recompute THEN ops.row_hash(t.prev_hash, to_jsonb(t), '{remaining}') ELSE t.row_hash END, ''::bytea ORDER BY t.seq)), 'hex')
                  INTO v_hex FROM trading.lot t WHERE t.book_id = p_book_id AND t.seq > v_lo AND t.seq <= v_hi;
            WHEN 'trading.lot_allocation' THEN
                SELECT encode(sha256(string_agg(CASE WHEN p_recompute THEN ops.row_hash(t.prev_hash, to_jsonb(t)) ELSE t.row_hash END, ''::bytea ORDER BY t.seq)), 'hex')
                  INTO v_hex FROM trading.lot_allocation t WHERE t.book_id = p_book_id AND t.seq > v_lo AND t.seq <= v_hi;
            WHEN 'trading.fill_void' THEN
                SELECT encode(sha256(string_agg(CASE WHEN p_recompute THEN ops.row_hash(t.prev_hash, to_jsonb(t)) ELSE t.row_hash END, ''::bytea ORDER BY t.seq)), 'hex')
                  INTO v_hex FROM trading.fill_void t WHERE t.book_id = p_book_id AND t.seq > v_lo AND t.seq <= v_hi;
            WHEN 'trading.round_trip' THEN
                SELECT encode(sha256(string_agg(CASE WHEN p_recompute THEN ops.row_hash(t.prev_hash, to_jsonb(t)) ELSE t.row_hash END, ''::bytea ORDER BY t.seq)), 'hex')
                  INTO v_hex FROM trading.round_trip t WHERE t.book_id = p_book_id AND t.seq > v_lo AND t.seq <= v_hi;
            WHEN 'ledger.transaction' THEN
                SELECT encode(sha256(
                         coalesce((SELECT string_agg(CASE WHEN p_recompute THEN ops.row_hash(t.prev_hash, to_jsonb(t)) ELSE t.row_hash END, ''::bytea ORDER BY t.seq)
                                     FROM ledger.transaction t WHERE t.book_id = p_book_id AND t.seq > v_lo AND t.seq <= v_hi), '')
                      || coalesce((SELECT string_agg(CASE WHEN p_recompute THEN ops.row_hash(p.prev_hash, to_jsonb(p)) ELSE p.row_hash END, ''::bytea ORDER BY p.tx_seq, p.leg)
                                     FROM ledger.posting p WHERE p.book_id = p_book_id AND p.tx_seq > v_lo AND p.tx_seq <= v_hi), '')), 'hex')
                  INTO v_hex;
            WHEN 'risk.halt_event' THEN
                SELECT encode(sha256(string_agg(CASE WHEN p_recompute THEN ops.row_hash(t.prev_hash, to_jsonb(t)) ELSE t.row_hash END, ''::bytea ORDER BY t.seq)), 'hex')
                  INTO v_hex FROM risk.halt_event t WHERE t.book_id = p_book_id AND t.seq > v_lo AND t.seq <= v_hi;
            WHEN 'ops.reconciliation' THEN
                -- Content only (no seq, no chain link): start-up rows of a restart sit in the same chain.
                SELECT encode(sha256(string_agg(ops.row_hash(ops.genesis_hash(), to_jsonb(t), '{seq}'), ''::bytea ORDER BY t.seq)), 'hex')
                  INTO v_hex FROM ops.reconciliation t
                 WHERE t.book_id = p_book_id AND t.seq > v_lo AND t.seq <= v_hi AND t.kind = 'hourly';
            WHEN 'ops.incident' THEN
                SELECT encode(sha256(string_agg(CASE WHEN p_recompute THEN ops.row_hash(t.prev_hash, to_jsonb(t)) ELSE t.row_hash END, ''::bytea ORDER BY t.seq)), 'hex')
                  INTO v_hex FROM ops.incident t WHERE t.book_id = p_book_id AND t.seq > v_lo AND t.seq <= v_hi;
            WHEN 'risk.breaker_trip' THEN
                SELECT encode(sha256(string_agg(CASE WHEN p_recompute THEN ops.row_hash(t.prev_hash, to_jsonb(t)) ELSE t.row_hash END, ''::bytea ORDER BY t.seq)), 'hex')
                  INTO v_hex FROM risk.breaker_trip t WHERE t.book_id = p_book_id AND t.seq > v_lo AND t.seq <= v_hi;
            WHEN 'risk.strategy_health' THEN
                SELECT encode(sha256(string_agg(CASE WHEN p_recompute THEN ops.row_hash(t.prev_hash, to_jsonb(t)) ELSE t.row_hash END, ''::bytea ORDER BY t.seq)), 'hex')
                  INTO v_hex FROM risk.strategy_health t WHERE t.book_id = p_book_id AND t.seq > v_lo AND t.seq <= v_hi;
            WHEN 'risk.horizon_flag' THEN
                SELECT encode(sha256(string_agg(CASE WHEN p_recompute THEN ops.row_hash(t.prev_hash, to_jsonb(t)) ELSE t.row_hash END, ''::bytea ORDER BY t.seq)), 'hex')
                  INTO v_hex FROM risk.horizon_flag t WHERE t.book_id = p_book_id AND t.seq > v_lo AND t.seq <= v_hi;
            WHEN 'risk.state_event' THEN
                SELECT encode(sha256(string_agg(CASE WHEN p_recompute THEN ops.row_hash(t.prev_hash, to_jsonb(t)) ELSE t.row_hash END, ''::bytea ORDER BY t.seq)), 'hex')
                  INTO v_hex FROM risk.state_event t WHERE t.book_id = p_book_id AND t.seq > v_lo AND t.seq <= v_hi;
            END CASE;
            v_hex := coalesce(v_hex, c_empty);
        END IF;
        v_out := v_out || jsonb_build_object(CASE v_key WHEN 'ledger.transaction' THEN 'ledger.journal' ELSE v_key END, v_hex);
    END LOOP;
    RETURN v_out;
END
$$;


ALTER FUNCTION portfolio.window_digests(p_book_id integer, p_from jsonb, p_to jsonb, p_recompute boolean) OWNER TO predator_owner;

--
-- Name: FUNCTION window_digests(p_book_id integer, p_from jsonb, p_to jsonb, p_recompute boolean); Type: COMMENT; Schema: portfolio; Owner: predator_owner
--

COMMENT ON FUNCTION portfolio.window_digests(p_book_id integer, p_from jsonb, p_to jsonb, p_recompute boolean) IS 'Per-chain sha256 digests of the rows a book appended between two sets of chain heads (unchanged chains: sha256 of nothing); with p_recompute, from the rows'' content rather than their stored hashes.';


--
-- Name: _active_halts(text, text, text); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk._active_halts(p_account text, p_lane text, p_strategy text) RETURNS text[]
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    RETURN (SELECT coalesce(array_agg('halted_' || h.scope_kind ORDER BY h.scope_kind), '{}')
      FROM risk.halt_state h
     WHERE h.active
       AND (   h.scope_kind = 'global'
            OR (h.scope_kind = 'lane' AND h.scope_key = p_lane)
            OR (h.scope_kind = 'account' AND h.scope_key = p_account)
            OR (h.scope_kind = 'strategy' AND h.scope_key = p_account || '/' || coalesce(p_strategy, ''))));
END
$$;


ALTER FUNCTION risk._active_halts(p_account text, p_lane text, p_strategy text) OWNER TO predator_owner;

--
-- Name: FUNCTION _active_halts(p_account text, p_lane text, p_strategy text); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk._active_halts(p_account text, p_lane text, p_strategy text) IS 'Active halts covering an order of (account, lane, strategy), as reason codes halted_global|halted_lane|halted_account|halted_strategy.';


--
-- Name: _admission_state(integer, text, timestamp with time zone); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk._admission_state(p_book_id integer, p_side text, p_ts timestamp with time zone) RETURNS text[]
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_state text := risk._sync_halt(p_book_id, p_ts);
BEGIN
    IF p_side = 'buy' AND v_state = 'reducing' THEN
        RETURN ARRAY['risk_reducing'];
    ELSIF p_side = 'buy' AND v_state = 'cooldown' THEN
        RETURN ARRAY['risk_cooldown'];
    END IF;
    RETURN '{}';
END
$$;


ALTER FUNCTION risk._admission_state(p_book_id integer, p_side text, p_ts timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION _admission_state(p_book_id integer, p_side text, p_ts timestamp with time zone); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk._admission_state(p_book_id integer, p_side text, p_ts timestamp with time zone) IS 'Internal: the risk state at admission: risk_reducing or risk_cooldown for an entry while the book is reducing or cooling down (after mirroring the halts in force).';


--
-- Name: _advance_state(integer, timestamp with time zone); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk._advance_state(p_book_id integer, p_hour timestamp with time zone) RETURNS text
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_acct  trading.account;
    v_cur   risk.state_current;
    v_clear numeric;
BEGIN
    PERFORM risk._sync_halt(p_book_id, p_hour);
    SELECT * INTO v_cur FROM risk.state_current c WHERE c.book_id = p_book_id AND c.scope_kind = 'book';
    IF NOT FOUND THEN
        RETURN 'normal';
    END IF;
    IF v_cur.state = 'reducing' AND v_cur.hold IS NOT NULL THEN
        RETURN v_cur.state;  -- held (a paper drawdown_halt_tier): only an operator releases it (api.resume_reducing)
    ELSIF v_cur.state = 'reducing' AND (v_cur.until_ts IS NULL OR p_hour >= v_cur.until_ts) THEN
        IF v_cur.breaker IS NULL THEN
            RETURN risk._transition(p_book_id, 'normal', 'next_utc_day',
                format('daily stop lifted: a new UTC day began at %s', to_char(v_cur.until_ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"')),
                p_hour);
        END IF;
        SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = p_book_id;
        v_clear := risk.cap(risk.current_limits(v_acct.risk_profile), 'breaker_clear_hours', '*', NULL);
        IF v_clear IS NOT NULL AND p_hour >= v_cur.last_breach + make_interval(hours => v_clear::integer) THEN
            RETURN risk._transition(p_book_id, 'normal', 'breaker_cleared',
                format('circuit breaker %s cleared: %s closed hours without a breach since %s', v_cur.breaker, v_clear,
                       to_char(v_cur.last_breach AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"')),
                p_hour);
        END IF;
    ELSIF v_cur.state = 'cooldown' AND p_hour >= v_cur.until_ts THEN
        RETURN risk._transition(p_book_id, 'normal', 'cooldown_elapsed',
            format('cooldown ended at %s', to_char(v_cur.until_ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"')), p_hour);
    END IF;
    RETURN v_cur.state;
END
$$;


ALTER FUNCTION risk._advance_state(p_book_id integer, p_hour timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION _advance_state(p_book_id integer, p_hour timestamp with time zone); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk._advance_state(p_book_id integer, p_hour timestamp with time zone) IS 'Internal: at an hour''s close, mirrors the halts into the book''s risk state and lifts a daily stop on the next UTC day, a paper breaker pause after breaker_clear_hours clean hours (hysteresis: breaker_clear_pct) and a cooldown when it ends, each by a recorded move.';


--
-- Name: _advance_strategy_state(integer, text, timestamp with time zone, jsonb, numeric, numeric); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk._advance_strategy_state(p_book_id integer, p_strategy text, p_hour timestamp with time zone, p_limits jsonb, p_day_start numeric, p_peak numeric) RETURNS text
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_cur risk.state_current;
BEGIN
    PERFORM risk._sync_strategy_halt(p_book_id, p_strategy, p_hour);
    PERFORM risk._strategy_reduce(p_book_id, p_strategy, p_hour, p_limits, p_day_start, p_peak);
    SELECT * INTO v_cur FROM risk.state_current c
     WHERE c.book_id = p_book_id AND c.scope_kind = 'strategy' AND c.scope_key = p_strategy;
    IF NOT FOUND THEN
        RETURN 'normal';
    ELSIF v_cur.state = 'reducing' AND v_cur.hold IS NULL AND p_hour >= v_cur.until_ts THEN
        RETURN risk._strategy_transition(p_book_id, p_strategy, 'normal', 'next_utc_day',
            format('strategy daily stop lifted: a new UTC day began at %s', to_char(v_cur.until_ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"')),
            p_hour);
    ELSIF v_cur.state = 'cooldown' AND p_hour >= v_cur.until_ts THEN
        RETURN risk._strategy_transition(p_book_id, p_strategy, 'normal', 'cooldown_elapsed',
            format('cooldown ended at %s', to_char(v_cur.until_ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"')), p_hour);
    END IF;
    RETURN v_cur.state;
END
$$;


ALTER FUNCTION risk._advance_strategy_state(p_book_id integer, p_strategy text, p_hour timestamp with time zone, p_limits jsonb, p_day_start numeric, p_peak numeric) OWNER TO predator_owner;

--
-- Name: FUNCTION _advance_strategy_state(p_book_id integer, p_strategy text, p_hour timestamp with time zone, p_limits jsonb, p_day_start numeric, p_peak numeric); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk._advance_strategy_state(p_book_id integer, p_strategy text, p_hour timestamp with time zone, p_limits jsonb, p_day_start numeric, p_peak numeric) IS 'Internal: at an hour close, mirrors a strategy''s halt, applies its reduce tier and lifts its paper daily stop on the next UTC day and its cooldown when it ends, each by a recorded move; a held reducing state waits for an operator.';


--
-- Name: _after_fill(integer, text, numeric, timestamp with time zone); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk._after_fill(p_book_id integer, p_client_order_id text, p_price numeric, p_ts timestamp with time zone) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_req trading.order_request;
    v_bps numeric;
BEGIN
    SELECT * INTO v_req FROM trading.order_request r WHERE r.client_order_id = p_client_order_id;
    IF v_req.origin = 'signal' THEN
        v_bps := CASE v_req.side WHEN 'buy' THEN (p_price / v_req.decision_price - 1) * 10000
                                 ELSE (1 - p_price / v_req.decision_price) * 10000 END;
        IF v_bps > 0 THEN
            PERFORM risk._check_breaker(p_book_id, 'slippage_bps', p_ts, v_bps, 1,
                jsonb_build_object('client_order_id', p_client_order_id, 'price', p_price,
                                   'decision_price', v_req.decision_price, 'side', v_req.side));
        END IF;
    END IF;
    PERFORM risk._evaluate_intrahour(p_book_id, p_ts);
END
$$;


ALTER FUNCTION risk._after_fill(p_book_id integer, p_client_order_id text, p_price numeric, p_ts timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION _after_fill(p_book_id integer, p_client_order_id text, p_price numeric, p_ts timestamp with time zone); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk._after_fill(p_book_id integer, p_client_order_id text, p_price numeric, p_ts timestamp with time zone) IS 'Internal: abnormal-slippage breaker and intra-hour loss limits after a fill.';


--
-- Name: _arbitrated_quantity(jsonb, numeric, numeric); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk._arbitrated_quantity(p_arbitration jsonb, p_qty numeric, p_notional numeric) RETURNS TABLE(quantity numeric, notional numeric)
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_res numeric := (p_arbitration -> 'arbitration' ->> 'residual')::numeric;
BEGIN
    IF v_res IS NULL THEN
        RETURN QUERY SELECT p_qty, p_notional;
    ELSE
        RETURN QUERY SELECT v_res, v_res * (p_arbitration -> 'arbitration' ->> 'price')::numeric;
    END IF;
END
$$;


ALTER FUNCTION risk._arbitrated_quantity(p_arbitration jsonb, p_qty numeric, p_notional numeric) OWNER TO predator_owner;

--
-- Name: FUNCTION _arbitrated_quantity(p_arbitration jsonb, p_qty numeric, p_notional numeric); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk._arbitrated_quantity(p_arbitration jsonb, p_qty numeric, p_notional numeric) IS 'Internal: the quantity and notional a signal trades after arbitration: the net rule''s residual at the same unit price, else unchanged.';


--
-- Name: _breaker(text, text, text); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk._breaker(p_lane text, p_account text, p_breaker text) RETURNS TABLE(threshold numeric, window_hours integer, min_events integer, trip_scope text)
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    RETURN QUERY
    SELECT s.threshold, s.window_hours, s.min_events, s.trip_scope
      FROM risk.breaker_setting s
     WHERE s.lane = p_lane AND s.account IN (p_account, '*') AND s.breaker = p_breaker
     ORDER BY (s.account = '*'), s.revision DESC
     LIMIT 1;
END
$$;


ALTER FUNCTION risk._breaker(p_lane text, p_account text, p_breaker text) OWNER TO predator_owner;

--
-- Name: FUNCTION _breaker(p_lane text, p_account text, p_breaker text); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk._breaker(p_lane text, p_account text, p_breaker text) IS 'Internal: the circuit-breaker setting in force for (lane, account): account override first, then the lane default; highest revision.';


--
-- Name: _breaker_pause(integer, text, timestamp with time zone, numeric, numeric, jsonb); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk._breaker_pause(p_book_id integer, p_breaker text, p_ts timestamp with time zone, p_value numeric, p_threshold numeric, p_figures jsonb) RETURNS boolean
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_acct     trading.account;
    v_cur      risk.state_current;
    v_incident bigint;
BEGIN
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = p_book_id;
    SELECT * INTO v_cur FROM risk.state_current c WHERE c.book_id = p_book_id AND c.scope_kind = 'book';
    IF v_cur.state = 'halted' OR (v_cur.state = 'reducing' AND v_cur.breaker IS NOT NULL) THEN
        RETURN false;
    END IF;
    v_incident := ops._open_incident(p_book_id, 2,
        CASE p_breaker WHEN 'api_error_rate' THEN 'infrastructure' WHEN 'connectivity_loss' THEN 'infrastructure'
                       WHEN 'venue_fatal_error' THEN 'infrastructure' WHEN 'worker_rss_mb' THEN 'infrastructure'
                       WHEN 'stale_data_hours' THEN 'data'
        WHEN 'flat_feed_hours' THEN 'data' WHEN 'bar_outlier_pct' THEN 'data'
                       WHEN 'orders_per_hour' THEN 'model' ELSE 'execution' END,
        'account:' || v_acct.name,
        format('circuit breaker %s tripped on %s', p_breaker, v_acct.name),
        format('%s = %s reached the threshold %s; paper book %s reduces (entries paused) until the breaker clears',
               p_breaker, round(p_value, 8), p_threshold, v_acct.name),
        jsonb_build_object('breaker', p_breaker, 'figures', p_figures, 'hours', jsonb_build_array(p_ts)), p_ts, 'system');
    INSERT INTO risk.breaker_trip (book_id, breaker, ts, value, threshold, trip_scope, figures, incident_seq)
    VALUES (p_book_id, p_breaker, p_ts, p_value, p_threshold, 'reducing', p_figures, v_incident);
    PERFORM risk._transition(p_book_id, 'reducing', 'breaker:' || p_breaker,
        format('circuit breaker %s: %s reached %s (incident %s of account %s); entries paused until it clears',
               p_breaker, round(p_value, 8), p_threshold, v_incident, v_acct.name), p_ts);
    RETURN true;
END
$$;


ALTER FUNCTION risk._breaker_pause(p_book_id integer, p_breaker text, p_ts timestamp with time zone, p_value numeric, p_threshold numeric, p_figures jsonb) OWNER TO predator_owner;

--
-- Name: FUNCTION _breaker_pause(p_book_id integer, p_breaker text, p_ts timestamp with time zone, p_value numeric, p_threshold numeric, p_figures jsonb); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk._breaker_pause(p_book_id integer, p_breaker text, p_ts timestamp with time zone, p_value numeric, p_threshold numeric, p_figures jsonb) IS 'Internal: a paper book''s account-scope breaker trip: records the trip and an incident and moves the book to reducing (entries paused) until the breaker clears; false when halted or already paused by a breaker.';


--
-- Name: _check_arbitration(integer, text, text, timestamp with time zone, text, boolean, numeric, numeric); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk._check_arbitration(p_book_id integer, p_strategy text, p_symbol text, p_ts timestamp with time zone, p_side text, p_blocked boolean, p_qty numeric DEFAULT NULL::numeric, p_price numeric DEFAULT NULL::numeric) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_profile  text;
    v_rule     text;
    v_prio     integer;
    v_against  jsonb;
    v_max      integer;
    v_reason   text;
    v_cancel   boolean;
    v_o        record;
    v_done     text[] := '{}';
BEGIN
    IF p_blocked THEN
        RETURN jsonb_build_object('reasons', '[]'::jsonb);
    END IF;
    SELECT coalesce(jsonb_agg(jsonb_build_object('strategy', r.strategy, 'client_order_id', r.client_order_id,
                                                 'side', r.side, 'priority', st.priority) ORDER BY r.seq), '[]'::jsonb),
           max(st.priority)
      INTO v_against, v_max
      FROM trading.order_request r
      JOIN trading.strategy st ON st.book_id = r.book_id AND st.strategy = r.strategy
     WHERE r.book_id = p_book_id AND r.symbol = p_symbol AND r.origin IN ('signal', 'arbitration_net')
       AND r.strategy IS NOT NULL AND r.strategy <> p_strategy AND r.side <> p_side
       AND r.ts > p_ts - interval '1 hour' AND r.ts <= p_ts;
    IF jsonb_array_length(v_against) = 0 THEN
        RETURN jsonb_build_object('reasons', '[]'::jsonb);
    END IF;
    SELECT a.risk_profile INTO v_profile FROM trading.account a WHERE a.book_id = p_book_id;
    v_rule := risk.arbitration_rule(v_profile);
    IF v_rule = 'net' THEN
        RETURN risk._net_arbitration(p_book_id, p_strategy, p_symbol, p_ts, p_side, p_qty, p_price, v_against);
    END IF;
    SELECT s.priority INTO v_prio FROM trading.strategy s WHERE s.book_id = p_book_id AND s.strategy = p_strategy;
    IF v_rule = 'priority' AND v_prio < v_max THEN
        v_reason := 'arbitration_lost';
        v_cancel := false;
    ELSIF v_rule = 'priority' AND v_prio > v_max THEN
        v_reason := NULL;
        v_cancel := true;
    ELSE
        v_reason := 'arbitration_refused';
        v_cancel := true;
    END IF;
    IF v_cancel THEN
        FOR v_o IN
            SELECT s.client_order_id, s.status, s.venue_order_id, s.filled_qty, s.updated_ts, s.cancel_requested
              FROM trading.order_state s
             WHERE s.client_order_id IN (SELECT x ->> 'client_order_id' FROM jsonb_array_elements(v_against) x)
               AND s.status IN ('new', 'open', 'partially_filled')
             ORDER BY s.client_order_id
        LOOP
            IF v_o.status = 'new' AND v_o.venue_order_id IS NULL THEN
                INSERT INTO trading.order_event (book_id, client_order_id, kind, status_after, filled_qty_after, reason, ts)
                VALUES (p_book_id, v_o.client_order_id, 'canceled', 'canceled', v_o.filled_qty,
                        format('%s: %s disagrees (%s)', coalesce(v_reason, 'arbitration_lost'), p_strategy, v_rule),
                        greatest(p_ts, v_o.updated_ts));
            ELSIF NOT v_o.cancel_requested THEN
                INSERT INTO trading.order_event (book_id, client_order_id, kind, status_after, reason, ts)
                VALUES (p_book_id, v_o.client_order_id, 'cancel_requested', v_o.status,
                        format('%s: %s disagrees (%s)', coalesce(v_reason, 'arbitration_lost'), p_strategy, v_rule),
                        greatest(p_ts, v_o.updated_ts));
            END IF;
            v_done := v_done || v_o.client_order_id;
        END LOOP;
    END IF;
    RETURN jsonb_build_object(
        'reasons', CASE WHEN v_reason IS NULL THEN '[]'::jsonb ELSE jsonb_build_array(v_reason) END,
        'arbitration', jsonb_build_object('rule', v_rule, 'priority', v_prio, 'against', v_against,
                                          'cancelled', to_jsonb(v_done)));
END
$$;


ALTER FUNCTION risk._check_arbitration(p_book_id integer, p_strategy text, p_symbol text, p_ts timestamp with time zone, p_side text, p_blocked boolean, p_qty numeric, p_price numeric) OWNER TO predator_owner;

--
-- Name: FUNCTION _check_arbitration(p_book_id integer, p_strategy text, p_symbol text, p_ts timestamp with time zone, p_side text, p_blocked boolean, p_qty numeric, p_price numeric); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk._check_arbitration(p_book_id integer, p_strategy text, p_symbol text, p_ts timestamp with time zone, p_side text, p_blocked boolean, p_qty numeric, p_price numeric) IS 'Internal: arbitration (unless the signal is refused already) when another strategy of the book had an order admitted on the other side of the same symbol in the same hour: refuse_both (arbitration_refused, the other''s order cancelled) or priority (the lower is refused arbitration_lost, the higher wins and the other''s order is cancelled) or net (risk._net_arbitration: offsets, arbitration_netted); jsonb {reasons, arbitration}.';


--
-- Name: _check_breaker(integer, text, timestamp with time zone, numeric, bigint, jsonb); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk._check_breaker(p_book_id integer, p_breaker text, p_ts timestamp with time zone, p_value numeric, p_events bigint, p_figures jsonb) RETURNS boolean
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_acct trading.account;
    v_set  record;
BEGIN
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = p_book_id;
    SELECT * INTO v_set FROM risk._breaker(v_acct.lane, v_acct.name, p_breaker);
    IF NOT FOUND OR v_set.threshold IS NULL OR p_value IS NULL OR p_events < v_set.min_events THEN
        RETURN false;
    END IF;
    PERFORM risk._note_breaker(p_book_id, p_breaker, p_ts, p_value, v_set.threshold);
    IF (p_breaker = 'reconciliation_desync' AND p_value > v_set.threshold)
       OR (p_breaker <> 'reconciliation_desync' AND p_value >= v_set.threshold) THEN
        RETURN risk._trip(p_book_id, p_breaker, p_ts, p_value, v_set.threshold, v_set.trip_scope,
                          p_figures || jsonb_build_object('value', p_value, 'events', p_events,
                                                          'threshold', v_set.threshold, 'window_hours', v_set.window_hours));
    END IF;
    RETURN false;
END
$$;


ALTER FUNCTION risk._check_breaker(p_book_id integer, p_breaker text, p_ts timestamp with time zone, p_value numeric, p_events bigint, p_figures jsonb) OWNER TO predator_owner;

--
-- Name: FUNCTION _check_breaker(p_book_id integer, p_breaker text, p_ts timestamp with time zone, p_value numeric, p_events bigint, p_figures jsonb); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk._check_breaker(p_book_id integer, p_breaker text, p_ts timestamp with time zone, p_value numeric, p_events bigint, p_figures jsonb) IS 'Internal: trips a circuit breaker when an observed figure reaches the account''s threshold (with enough observations).';


--
-- Name: _check_currency(text[], text[], jsonb, text); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk._check_currency(p_trade_currencies text[], p_missing_rates text[], p_quote jsonb, p_side text) RETURNS text[]
    LANGUAGE sql IMMUTABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    SELECT CASE
        WHEN NOT (p_quote ->> 'quote' = ANY (p_trade_currencies)) THEN ARRAY['quote_currency_mismatch']
        WHEN p_side = 'buy' AND (p_quote ->> 'rate' IS NULL OR cardinality(p_missing_rates) > 0) THEN ARRAY['conversion_rate_missing']
        ELSE '{}'::text[] END
$$;


ALTER FUNCTION risk._check_currency(p_trade_currencies text[], p_missing_rates text[], p_quote jsonb, p_side text) OWNER TO predator_owner;

--
-- Name: FUNCTION _check_currency(p_trade_currencies text[], p_missing_rates text[], p_quote jsonb, p_side text); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk._check_currency(p_trade_currencies text[], p_missing_rates text[], p_quote jsonb, p_side text) IS 'Internal: quote_currency_mismatch (the quote is neither the reporting currency nor enabled for the book) and, for an entry, conversion_rate_missing (no rate for the quote or for a currency the equity counts).';


--
-- Name: _check_pool(integer, text, timestamp with time zone, text, numeric, jsonb, numeric, numeric, numeric); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk._check_pool(p_book_id integer, p_strategy text, p_ts timestamp with time zone, p_side text, p_notional numeric, p_limits jsonb, p_equity numeric, p_day_start numeric, p_peak numeric) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_lane     text;
    v_pool     text;
    v_enabled  boolean;
    v_after    numeric;
    v_daily    numeric;
    v_pnl      numeric;
    v_peak     numeric;
    v_budget   numeric;
    v_max_loss numeric;
    v_max_dd   numeric;
    v_reasons  text[] := '{}';
BEGIN
    IF p_side <> 'buy' THEN
        RETURN jsonb_build_object('reasons', '[]'::jsonb);
    END IF;
    SELECT a.lane INTO v_lane FROM trading.account a WHERE a.book_id = p_book_id;
    SELECT s.pool INTO v_pool FROM trading.strategy s WHERE s.book_id = p_book_id AND s.strategy = p_strategy;
    v_enabled := risk.pool_enabled(v_lane, v_pool);
    IF NOT v_enabled THEN
        v_reasons := v_reasons || 'pool_disabled'::text;
    END IF;
    v_budget := risk.cap(p_limits, 'pool_budget', v_pool, p_equity);
    v_max_loss := risk.cap(p_limits, 'pool_max_daily_loss', v_pool, p_day_start);
    v_max_dd := risk.cap(p_limits, 'pool_max_drawdown', v_pool, p_peak);
    IF v_budget IS NULL AND v_max_loss IS NULL AND v_max_dd IS NULL THEN  -- no pool limit: nothing to compute
        RETURN jsonb_build_object('reasons', to_jsonb(v_reasons), 'pool', v_pool, 'pool_enabled', v_enabled,
                                  'pool_budget', NULL);
    END IF;
    SELECT coalesce(sum(f.position_value + f.open_buy_notional), 0), coalesce(sum(f.daily_pnl), 0), coalesce(sum(f.pnl), 0)
      INTO v_after, v_daily, v_pnl
      FROM trading.strategy s CROSS JOIN LATERAL risk.strategy_figures(p_book_id, s.strategy, p_ts) f
     WHERE s.book_id = p_book_id AND s.pool = v_pool;
    v_after := v_after + p_notional;
    IF v_budget IS NOT NULL AND v_after > v_budget THEN
        v_reasons := v_reasons || 'pool_budget'::text;
    END IF;
    IF v_max_loss IS NOT NULL AND v_daily < 0 AND -v_daily >= v_max_loss THEN
        v_reasons := v_reasons || 'pool_daily_loss'::text;
    END IF;
    IF v_max_dd IS NOT NULL THEN
        SELECT greatest(0, v_pnl, max(x.pnl)) INTO v_peak
          FROM (SELECT sum(h.pnl) AS pnl FROM portfolio.strategy_hour h
                 WHERE h.book_id = p_book_id AND h.pool = v_pool AND h.hour < p_ts GROUP BY h.hour) x;
        IF v_peak - v_pnl >= v_max_dd AND v_peak > v_pnl THEN
            v_reasons := v_reasons || 'pool_drawdown'::text;
        END IF;
    END IF;
    RETURN jsonb_build_object('reasons', to_jsonb(v_reasons), 'pool', v_pool, 'pool_enabled', v_enabled,
                              'pool_after', v_after, 'pool_budget', v_budget, 'pool_daily_pnl', v_daily,
                              'pool_max_daily_loss', v_max_loss, 'pool_drawdown', v_peak - v_pnl,
                              'pool_max_drawdown', v_max_dd);
END
$$;


ALTER FUNCTION risk._check_pool(p_book_id integer, p_strategy text, p_ts timestamp with time zone, p_side text, p_notional numeric, p_limits jsonb, p_equity numeric, p_day_start numeric, p_peak numeric) OWNER TO predator_owner;

--
-- Name: FUNCTION _check_pool(p_book_id integer, p_strategy text, p_ts timestamp with time zone, p_side text, p_notional numeric, p_limits jsonb, p_equity numeric, p_day_start numeric, p_peak numeric); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk._check_pool(p_book_id integer, p_strategy text, p_ts timestamp with time zone, p_side text, p_notional numeric, p_limits jsonb, p_equity numeric, p_day_start numeric, p_peak numeric) IS 'Internal: the pool rules of an entry for api.submit_signal (pool_disabled, pool_budget, pool_daily_loss, pool_drawdown) with the figures they used, as jsonb {reasons, pool, pool_after, pool_budget, ...}.';


--
-- Name: _check_strategy_allocation(integer, text, timestamp with time zone, text, numeric, jsonb, numeric); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk._check_strategy_allocation(p_book_id integer, p_strategy text, p_ts timestamp with time zone, p_side text, p_notional numeric, p_limits jsonb, p_equity numeric) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_after numeric;
    v_cap   numeric;
BEGIN
    IF p_side <> 'buy' THEN
        RETURN jsonb_build_object('reasons', '[]'::jsonb);
    END IF;
    v_cap := risk.cap(p_limits, 'strategy_allocation', p_strategy, p_equity);
    IF v_cap IS NULL THEN  -- no allocation: nothing to compute
        RETURN jsonb_build_object('reasons', '[]'::jsonb, 'strategy_allocation', NULL);
    END IF;
    SELECT f.position_value + f.open_buy_notional + p_notional INTO v_after
      FROM risk.strategy_figures(p_book_id, p_strategy, p_ts) f;
    RETURN jsonb_build_object(
        'reasons', CASE WHEN v_cap IS NOT NULL AND v_after > v_cap THEN '["strategy_allocation"]'::jsonb ELSE '[]'::jsonb END,
        'strategy_after', v_after, 'strategy_allocation', v_cap);
END
$$;


ALTER FUNCTION risk._check_strategy_allocation(p_book_id integer, p_strategy text, p_ts timestamp with time zone, p_side text, p_notional numeric, p_limits jsonb, p_equity numeric) OWNER TO predator_owner;

--
-- Name: FUNCTION _check_strategy_allocation(p_book_id integer, p_strategy text, p_ts timestamp with time zone, p_side text, p_notional numeric, p_limits jsonb, p_equity numeric); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk._check_strategy_allocation(p_book_id integer, p_strategy text, p_ts timestamp with time zone, p_side text, p_notional numeric, p_limits jsonb, p_equity numeric) IS 'Internal: refuses an entry past the strategy''s capital allocation (strategy_allocation), as jsonb {reasons, strategy_after, strategy_allocation}.';


--
-- Name: _check_strategy_loss(integer, text, timestamp with time zone, text, jsonb, numeric, numeric); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk._check_strategy_loss(p_book_id integer, p_strategy text, p_ts timestamp with time zone, p_side text, p_limits jsonb, p_day_start numeric, p_peak numeric) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_f       record;
    v_loss    numeric;
    v_dd      numeric;
    v_reasons text[] := '{}';
BEGIN
    IF p_side IS DISTINCT FROM 'buy' AND p_side IS NOT NULL THEN
        RETURN jsonb_build_object('reasons', '[]'::jsonb);
    END IF;
    v_loss := risk.cap(p_limits, 'strategy_max_daily_loss', p_strategy, p_day_start);
    v_dd := risk.cap(p_limits, 'strategy_max_drawdown', p_strategy, p_peak);
    IF v_loss IS NULL AND v_dd IS NULL THEN  -- no limit: nothing to compute
        RETURN jsonb_build_object('reasons', '[]'::jsonb);
    END IF;
    SELECT * INTO v_f FROM risk.strategy_figures(p_book_id, p_strategy, p_ts);
    IF v_loss IS NOT NULL AND v_f.daily_pnl < 0 AND -v_f.daily_pnl >= v_loss THEN
        v_reasons := v_reasons || 'strategy_daily_loss'::text;
    END IF;
    IF v_dd IS NOT NULL AND v_f.drawdown > 0 AND v_f.drawdown >= v_dd THEN
        v_reasons := v_reasons || 'strategy_drawdown'::text;
    END IF;
    RETURN jsonb_build_object('reasons', to_jsonb(v_reasons), 'strategy_daily_pnl', v_f.daily_pnl,
                              'strategy_max_daily_loss', v_loss, 'strategy_drawdown', v_f.drawdown,
                              'strategy_max_drawdown', v_dd);
END
$$;


ALTER FUNCTION risk._check_strategy_loss(p_book_id integer, p_strategy text, p_ts timestamp with time zone, p_side text, p_limits jsonb, p_day_start numeric, p_peak numeric) OWNER TO predator_owner;

--
-- Name: FUNCTION _check_strategy_loss(p_book_id integer, p_strategy text, p_ts timestamp with time zone, p_side text, p_limits jsonb, p_day_start numeric, p_peak numeric); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk._check_strategy_loss(p_book_id integer, p_strategy text, p_ts timestamp with time zone, p_side text, p_limits jsonb, p_day_start numeric, p_peak numeric) IS 'Internal: a strategy''s own daily-loss and drawdown limits (strategy_daily_loss, strategy_drawdown) from risk.strategy_figures, as jsonb {reasons, strategy_daily_pnl, strategy_max_daily_loss, strategy_drawdown, strategy_max_drawdown}; entries only unless p_side is null.';


--
-- Name: _drawdown_hold(integer, timestamp with time zone, text); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk._drawdown_hold(p_book_id integer, p_ts timestamp with time zone, p_reason text) RETURNS boolean
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_acct trading.account;
    v_cur  risk.state_current;
BEGIN
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = p_book_id;
    IF v_acct.lane <> 'paper' THEN
        IF coalesce((SELECT h.active FROM risk.halt_state h WHERE h.scope_kind = 'global' AND h.scope_key = '*'), false) THEN
            RETURN false;
        END IF;
        PERFORM risk._set_halt('global', '*', 0, 'halt',
            format('%s (account %s, lane %s: a live lane escalates to a global halt)', p_reason, v_acct.name, v_acct.lane),
            'system', p_ts);
        PERFORM risk._sync_halt(p_book_id, p_ts);
        RETURN true;
    END IF;
    SELECT * INTO v_cur FROM risk.state_current c WHERE c.book_id = p_book_id AND c.scope_kind = 'book';
    IF v_cur.state = 'halted' OR (v_cur.state = 'reducing' AND v_cur.hold IS NOT NULL) THEN
        RETURN false;
    END IF;
    PERFORM risk._transition(p_book_id, 'reducing', 'drawdown_halt_tier',
        p_reason || '; entries refused until an operator releases the book (api.resume_reducing)', p_ts);
    RETURN true;
END
$$;


ALTER FUNCTION risk._drawdown_hold(p_book_id integer, p_ts timestamp with time zone, p_reason text) OWNER TO predator_owner;

--
-- Name: FUNCTION _drawdown_hold(p_book_id integer, p_ts timestamp with time zone, p_reason text); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk._drawdown_hold(p_book_id integer, p_ts timestamp with time zone, p_reason text) IS 'Internal: the drawdown halt tier: a paper book reduces (exits admitted) until an operator releases it; a live lane halts globally until an operator resumes. False when already in force.';


--
-- Name: _evaluate_hour(integer, timestamp with time zone, numeric, numeric, numeric); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk._evaluate_hour(p_book_id integer, p_ts timestamp with time zone, p_equity numeric, p_peak numeric, p_day_start numeric) RETURNS text[]
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_acct    trading.account;
    v_limits  jsonb;
    v_cap     numeric;
    v_actions text[] := '{}';
    v_halted  boolean;
    v_dd      numeric := CASE WHEN p_peak > 0 THEN greatest(0, 1 - p_equity / p_peak) ELSE 0 END;
BEGIN
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = p_book_id;
    v_limits := risk.current_limits(v_acct.risk_profile);
    SELECT coalesce(h.active, false) INTO v_halted
      FROM (SELECT NULL) x LEFT JOIN risk.halt_state h ON h.scope_kind = 'account' AND h.scope_key = v_acct.name;

    v_cap := risk.cap(v_limits, 'drawdown_flatten_tier', '*', p_peak);
    IF v_cap IS NOT NULL AND p_peak - p_equity >= v_cap AND p_peak > p_equity THEN
        IF NOT v_halted THEN
            PERFORM risk._set_halt('account', v_acct.name, p_book_id, 'halt',
                format('drawdown_flatten_tier: drawdown %s of peak %s', round(v_dd, 6), p_peak), 'system', p_ts);
            v_halted := true;
        END IF;
        IF risk._flatten(p_book_id, p_ts, 'risk_flatten', 'drawdown_flatten_tier') > 0 THEN
            v_actions := v_actions || 'flatten'::text;
        END IF;
        v_actions := v_actions || 'drawdown_flatten_tier'::text;
    END IF;

    v_cap := risk.cap(v_limits, 'drawdown_halt_tier', '*', p_peak);
    IF v_cap IS NOT NULL AND p_peak - p_equity >= v_cap AND p_peak > p_equity THEN
        IF NOT v_halted THEN  -- paper: the book reduces, held for an operator; live lanes: a global halt
            PERFORM risk._drawdown_hold(p_book_id, p_ts, format('drawdown_halt_tier: drawdown %s of peak %s', round(v_dd, 6), p_peak));
            v_halted := true;
        END IF;
        v_actions := v_actions || 'drawdown_halt_tier'::text;
    END IF;

    v_cap := risk.cap(v_limits, 'daily_loss_halt', '*', p_day_start);
    IF v_cap IS NOT NULL AND p_equity < p_day_start AND p_day_start - p_equity >= v_cap THEN
        IF NOT v_halted THEN
            PERFORM risk._loss_stop(p_book_id, p_ts,
                format('daily_loss_halt: loss %s since 00:00 UTC from %s', p_day_start - p_equity, p_day_start));
            v_halted := true;
        END IF;
        v_actions := v_actions || 'daily_loss_halt'::text;
    END IF;
    RETURN v_actions;
END
$$;


ALTER FUNCTION risk._evaluate_hour(p_book_id integer, p_ts timestamp with time zone, p_equity numeric, p_peak numeric, p_day_start numeric) OWNER TO predator_owner;

--
-- Name: FUNCTION _evaluate_hour(p_book_id integer, p_ts timestamp with time zone, p_equity numeric, p_peak numeric, p_day_start numeric); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk._evaluate_hour(p_book_id integer, p_ts timestamp with time zone, p_equity numeric, p_peak numeric, p_day_start numeric) IS 'Internal: applies drawdown tiers (flatten: account halt and flatten; halt: paper reducing held for an operator, live global halt) and the daily-loss halt to an equity figure (at an hour''s close or intra-hour after a fill); returns the actions taken. System halts are lifted only by an operator.';


--
-- Name: _evaluate_intrahour(integer, timestamp with time zone); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk._evaluate_intrahour(p_book_id integer, p_ts timestamp with time zone) RETURNS text[]
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_val record;
BEGIN
    SELECT * INTO v_val FROM portfolio.valuation(p_book_id, p_ts);
    IF v_val.last_hour IS NULL THEN
        RETURN '{}';
    END IF;
    RETURN risk._evaluate_hour(p_book_id, p_ts, v_val.equity, v_val.peak_equity, v_val.day_start_equity);
END
$$;


ALTER FUNCTION risk._evaluate_intrahour(p_book_id integer, p_ts timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION _evaluate_intrahour(p_book_id integer, p_ts timestamp with time zone); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk._evaluate_intrahour(p_book_id integer, p_ts timestamp with time zone) IS 'Internal: intra-hour loss limits after a fill: equity, peak and day-start equity from portfolio.valuation (the one definition), through risk._evaluate_hour.';


--
-- Name: _evaluate_strategies(integer, timestamp with time zone, numeric, numeric); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk._evaluate_strategies(p_book_id integer, p_hour timestamp with time zone, p_day_start numeric, p_peak numeric) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_acct    trading.account;
    v_limits  jsonb;
    v_s       record;
    v_f       record;
    v_check   jsonb;
    v_actions text[];
    v_killed  integer := 0;
BEGIN
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = p_book_id;
    v_limits := risk.current_limits(v_acct.risk_profile);
    FOR v_s IN SELECT s.strategy FROM trading.strategy s WHERE s.book_id = p_book_id ORDER BY s.strategy LOOP
        CONTINUE WHEN EXISTS (SELECT FROM portfolio.strategy_hour h
                               WHERE h.book_id = p_book_id AND h.strategy = v_s.strategy AND h.hour = p_hour);
        SELECT * INTO v_f FROM risk.strategy_figures(p_book_id, v_s.strategy, p_hour);
        v_check := risk._check_strategy_loss(p_book_id, v_s.strategy, p_hour, NULL, v_limits, p_day_start, p_peak);
        v_actions := ARRAY(SELECT jsonb_array_elements_text(v_check -> 'reasons'));
        IF cardinality(v_actions) > 0 THEN
            IF NOT coalesce((SELECT h.active FROM risk.halt_state h WHERE h.scope_kind = 'strategy'
                              AND h.scope_key = v_acct.name || '/' || v_s.strategy), false) THEN
                PERFORM risk._kill_strategy(p_book_id, v_s.strategy, p_hour,
                    format('%s: daily pnl %s (limit %s), drawdown %s (limit %s)', array_to_string(v_actions, ','),
                           round(v_f.daily_pnl, 8), v_check ->> 'strategy_max_daily_loss',
                           round(v_f.drawdown, 8), v_check ->> 'strategy_max_drawdown'));
                v_actions := 'strategy_killed'::text || v_actions;
                v_killed := v_killed + 1;
            END IF;
        END IF;
        PERFORM risk._advance_strategy_state(p_book_id, v_s.strategy, p_hour, v_limits, p_day_start, p_peak);
        INSERT INTO portfolio.strategy_hour (book_id, strategy, hour, pool, position_value, open_buy_notional,
                                             realized_pnl, unrealized_pnl, pnl, day_start_pnl, peak_pnl, actions)
        VALUES (p_book_id, v_s.strategy, p_hour, v_f.pool, v_f.position_value, v_f.open_buy_notional,
                v_f.realized_pnl, v_f.unrealized_pnl, v_f.pnl, v_f.day_start_pnl, v_f.peak_pnl, v_actions);
    END LOOP;
    RETURN v_killed;
END
$$;


ALTER FUNCTION risk._evaluate_strategies(p_book_id integer, p_hour timestamp with time zone, p_day_start numeric, p_peak numeric) OWNER TO predator_owner;

--
-- Name: FUNCTION _evaluate_strategies(p_book_id integer, p_hour timestamp with time zone, p_day_start numeric, p_peak numeric); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk._evaluate_strategies(p_book_id integer, p_hour timestamp with time zone, p_day_start numeric, p_peak numeric) IS 'Internal: at an hour close, records each strategy''s own figures (portfolio.strategy_hour) and kills alone a strategy past its own daily-loss or drawdown limit (risk._kill_strategy). Returns the number killed.';


--
-- Name: _flatten(integer, timestamp with time zone, text, text, boolean); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk._flatten(p_book_id integer, p_ts timestamp with time zone, p_origin text, p_reason text, p_whole_position boolean DEFAULT false) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_acct  trading.account;
    v_pos   record;
    v_coid  text;
    v_n     integer := 0;
BEGIN
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = p_book_id;
    FOR v_pos IN
        SELECT p.symbol, p.quantity - CASE WHEN p_whole_position THEN 0 ELSE coalesce(s.open_sell, 0) END AS free_qty, p.cost_basis / p.quantity AS avg_cost, m.close
          FROM trading.position p
          LEFT JOIN (SELECT o.symbol, sum(o.quantity - o.filled_qty) AS open_sell
                       FROM trading.order_state o
                      WHERE o.book_id = p_book_id AND o.side = 'sell' AND o.status IN ('new', 'open', 'partially_filled')
                      GROUP BY o.symbol) s ON s.symbol = p.symbol
          LEFT JOIN LATERAL market.last_bar(v_acct.venue, p.symbol, p_ts) m ON true
         WHERE p.book_id = p_book_id AND p.quantity > 0
         ORDER BY p.symbol
    LOOP
        CONTINUE WHEN v_pos.free_qty <= 0;
        v_coid := trading.client_order_id(v_acct.name, p_origin, v_pos.symbol, p_ts, 'exit');
        CONTINUE WHEN EXISTS (SELECT FROM trading.order_request r WHERE r.client_order_id = v_coid);
        INSERT INTO trading.order_request (book_id, client_order_id, signal_seq, strategy, symbol, side, order_type,
                                           quantity, limit_price, decision_price, reduce_only, origin, ts, expiry)
        VALUES (p_book_id, v_coid, NULL, NULL, v_pos.symbol, 'sell', 'market', v_pos.free_qty, NULL,
                coalesce(v_pos.close, v_pos.avg_cost), true, p_origin, p_ts, p_ts + interval '1 day');
        INSERT INTO trading.order_event (book_id, client_order_id, kind, status_after, filled_qty_after, reason, ts)
        VALUES (p_book_id, v_coid, 'created', 'new', 0, p_reason, p_ts);
        v_n := v_n + 1;
    END LOOP;
    RETURN v_n;
END
$$;


ALTER FUNCTION risk._flatten(p_book_id integer, p_ts timestamp with time zone, p_origin text, p_reason text, p_whole_position boolean) OWNER TO predator_owner;

--
-- Name: FUNCTION _flatten(p_book_id integer, p_ts timestamp with time zone, p_origin text, p_reason text, p_whole_position boolean); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk._flatten(p_book_id integer, p_ts timestamp with time zone, p_origin text, p_reason text, p_whole_position boolean) IS 'Internal: creates reduce-only market sells of every free position of a book (kill switch flatten, drawdown flatten tier); returns how many orders it created.';


--
-- Name: _health_cap(integer, text, jsonb, numeric, numeric, numeric); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk._health_cap(p_book_id integer, p_strategy text, p_limits jsonb, p_order_cap numeric, p_equity numeric, p_notional numeric) RETURNS TABLE(reasons text[], caps jsonb)
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_state text;
    v_cap   numeric;
BEGIN
    SELECT h.state INTO v_state FROM risk.strategy_health h
     WHERE h.book_id = p_book_id AND h.strategy = p_strategy ORDER BY h.hour DESC LIMIT 1;
    IF v_state IS DISTINCT FROM 'demoted' THEN
        RETURN QUERY SELECT '{}'::text[], '{}'::jsonb;
        RETURN;
    END IF;
    v_cap := coalesce(p_order_cap, p_equity) * coalesce(risk.cap(p_limits, 'health_demoted_size', p_strategy, 1), 0.5);
    RETURN QUERY SELECT CASE WHEN p_notional > v_cap THEN ARRAY['health_demoted']::text[] ELSE '{}'::text[] END,
                        jsonb_build_object('health_demoted_cap', v_cap);
END
$$;


ALTER FUNCTION risk._health_cap(p_book_id integer, p_strategy text, p_limits jsonb, p_order_cap numeric, p_equity numeric, p_notional numeric) OWNER TO predator_owner;

--
-- Name: FUNCTION _health_cap(p_book_id integer, p_strategy text, p_limits jsonb, p_order_cap numeric, p_equity numeric, p_notional numeric); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk._health_cap(p_book_id integer, p_strategy text, p_limits jsonb, p_order_cap numeric, p_equity numeric, p_notional numeric) IS 'Internal (admission): a demoted strategy''s entries are limited to health_demoted_size of the order cap (of equity without one); reason health_demoted above it.';


--
-- Name: _horizon_review(integer, timestamp with time zone); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk._horizon_review(p_book_id integer, p_hour timestamp with time zone) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_acct    trading.account;
    v_limits  jsonb;
    e         record;
    v_window  integer;
    v_now     numeric;
    v_entry   numeric;
    v_count   integer := 0;
BEGIN
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = p_book_id;
    v_limits := risk.current_limits(v_acct.risk_profile);
    FOR e IN
        SELECT p.symbol, p.quantity, sg.seq, sg.strategy, sg.ts, sg.edge_bps, sg.expiry
          FROM trading.position p
          CROSS JOIN LATERAL (SELECT l.venue_trade_id FROM trading.lot l
                               WHERE l.book_id = p.book_id AND l.symbol = p.symbol AND l.remaining > 0
                               ORDER BY l.lot_no DESC LIMIT 1) l
          JOIN trading.fill f ON f.book_id = p.book_id AND f.symbol = p.symbol AND f.venue_trade_id = l.venue_trade_id
          JOIN trading.order_request o ON o.client_order_id = f.client_order_id
          JOIN trading.signal sg ON sg.book_id = o.book_id AND sg.seq = o.signal_seq
         WHERE p.book_id = p_book_id AND p.quantity > 0 AND sg.expiry <= p_hour
           AND NOT EXISTS (SELECT FROM risk.horizon_flag h
                            WHERE h.book_id = p_book_id AND h.symbol = p.symbol AND h.entry_signal_seq = sg.seq)
         ORDER BY p.symbol
    LOOP
        v_window := coalesce(risk.cap(v_limits, 'vol_window_hours', e.symbol, NULL), 168)::integer;
        SELECT v.sigma INTO v_now FROM risk.realized_volatility(v_acct.venue, e.symbol, p_hour, v_window) v;
        SELECT v.sigma INTO v_entry FROM risk.realized_volatility(v_acct.venue, e.symbol, e.ts, v_window) v;
        IF v_now > v_entry THEN
            INSERT INTO risk.horizon_flag (book_id, symbol, hour, reason, strategy, entry_signal_seq, entry_ts, entry_edge_bps,
                                           entry_expiry, vol_entry, vol_now, position_qty)
            VALUES (p_book_id, e.symbol, p_hour, 'horizon_expired', e.strategy, e.seq, e.ts, e.edge_bps, e.expiry,
                    v_entry, v_now, e.quantity);
            v_count := v_count + 1;
        END IF;
    END LOOP;
    RETURN v_count;
END
$$;


ALTER FUNCTION risk._horizon_review(p_book_id integer, p_hour timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION _horizon_review(p_book_id integer, p_hour timestamp with time zone); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk._horizon_review(p_book_id integer, p_hour timestamp with time zone) IS 'Internal (hour close): reviews every held position against its entry signal; flags it for exit (risk.horizon_flag, reason horizon_expired) once its recorded edge has expired and its realized volatility has grown since entry. No fixed maximum holding time.';


--
-- Name: _hour_reviews(integer, timestamp with time zone); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk._hour_reviews(p_book_id integer, p_hour timestamp with time zone) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    PERFORM risk._horizon_review(p_book_id, p_hour);
    PERFORM risk._strategy_health(p_book_id, p_hour);
END
$$;


ALTER FUNCTION risk._hour_reviews(p_book_id integer, p_hour timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION _hour_reviews(p_book_id integer, p_hour timestamp with time zone); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk._hour_reviews(p_book_id integer, p_hour timestamp with time zone) IS 'Internal (hour close): runs the adaptive-horizon review and the strategy health scores of a book for an hour.';


--
-- Name: _kill_strategy(integer, text, timestamp with time zone, text); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk._kill_strategy(p_book_id integer, p_strategy text, p_ts timestamp with time zone, p_reason text) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_acct trading.account;
    v_o    record;
    v_p    record;
    v_coid text;
    v_n    integer := 0;
BEGIN
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = p_book_id;
    IF coalesce((SELECT h.active FROM risk.halt_state h
                  WHERE h.scope_kind = 'strategy' AND h.scope_key = v_acct.name || '/' || p_strategy), false) THEN
        RETURN 0;
    END IF;
    PERFORM risk._set_halt('strategy', v_acct.name || '/' || p_strategy, p_book_id, 'halt',
                           'strategy_killed: ' || p_reason, 'system', p_ts);
    FOR v_o IN
        SELECT s.client_order_id, s.status, s.venue_order_id, s.filled_qty, s.updated_ts, s.cancel_requested
          FROM trading.order_state s JOIN trading.order_request r ON r.client_order_id = s.client_order_id
         WHERE s.book_id = p_book_id AND r.strategy = p_strategy AND s.side = 'buy'
           AND s.status IN ('new', 'open', 'partially_filled')
         ORDER BY s.client_order_id
    LOOP
        IF v_o.status = 'new' AND v_o.venue_order_id IS NULL THEN
            INSERT INTO trading.order_event (book_id, client_order_id, kind, status_after, filled_qty_after, reason, ts)
            VALUES (p_book_id, v_o.client_order_id, 'canceled', 'canceled', v_o.filled_qty,
                    'strategy_killed: ' || p_reason, greatest(p_ts, v_o.updated_ts));
        ELSIF NOT v_o.cancel_requested THEN
            INSERT INTO trading.order_event (book_id, client_order_id, kind, status_after, reason, ts)
            VALUES (p_book_id, v_o.client_order_id, 'cancel_requested', v_o.status,
                    'strategy_killed: ' || p_reason, greatest(p_ts, v_o.updated_ts));
        END IF;
    END LOOP;
    FOR v_p IN
        SELECT p.symbol, sp.position_qty - sp.open_sell_qty AS free_qty, p.cost_basis / p.quantity AS avg_cost, m.close
          FROM trading.position p
          LEFT JOIN LATERAL (SELECT coalesce(sum(o.quantity - o.filled_qty), 0) AS open_sell
                               FROM trading.order_state o
                              WHERE o.book_id = p_book_id AND o.symbol = p.symbol AND o.side = 'sell'
                                AND o.status IN ('new', 'open', 'partially_filled')) b ON true
          CROSS JOIN LATERAL risk._strategy_position(p_book_id, p_strategy, p.symbol, p.quantity, b.open_sell) sp
          LEFT JOIN LATERAL market.last_bar(v_acct.venue, p.symbol, p_ts) m ON true
         WHERE p.book_id = p_book_id AND p.quantity > 0
         ORDER BY p.symbol
    LOOP
        CONTINUE WHEN v_p.free_qty <= 0;
        v_coid := trading.client_order_id(v_acct.name, p_strategy, v_p.symbol, p_ts, 'strategy_kill');
        CONTINUE WHEN EXISTS (SELECT FROM trading.order_request r WHERE r.client_order_id = v_coid);
        INSERT INTO trading.order_request (book_id, client_order_id, signal_seq, strategy, symbol, side, order_type,
                                           quantity, limit_price, decision_price, reduce_only, origin, ts, expiry)
        VALUES (p_book_id, v_coid, NULL, p_strategy, v_p.symbol, 'sell', 'market', v_p.free_qty, NULL,
                coalesce(v_p.close, v_p.avg_cost), true, 'strategy_kill', p_ts, p_ts + interval '1 day');
        INSERT INTO trading.order_event (book_id, client_order_id, kind, status_after, filled_qty_after, reason, ts)
        VALUES (p_book_id, v_coid, 'created', 'new', 0, 'strategy_killed: ' || p_reason, p_ts);
        v_n := v_n + 1;
    END LOOP;
    RETURN v_n;
END
$$;


ALTER FUNCTION risk._kill_strategy(p_book_id integer, p_strategy text, p_ts timestamp with time zone, p_reason text) OWNER TO predator_owner;

--
-- Name: FUNCTION _kill_strategy(p_book_id integer, p_strategy text, p_ts timestamp with time zone, p_reason text); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk._kill_strategy(p_book_id integer, p_strategy text, p_ts timestamp with time zone, p_reason text) IS 'Internal: kills one strategy alone: a system halt at its strategy scope (with an incident), its open buys cancelled, and its own positions sold by its own reduce-only exits (origin strategy_kill); returns the number of exits. Nothing when already halted.';


--
-- Name: _loss_stop(integer, timestamp with time zone, text); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk._loss_stop(p_book_id integer, p_ts timestamp with time zone, p_reason text) RETURNS boolean
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_acct  trading.account;
    v_cur   risk.state_current;
    v_until timestamptz := date_trunc('day', p_ts - interval '1 second', 'UTC') + interval '1 day';
BEGIN
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = p_book_id;
    IF v_acct.lane <> 'paper' THEN
        IF coalesce((SELECT h.active FROM risk.halt_state h WHERE h.scope_kind = 'global' AND h.scope_key = '*'), false) THEN
            RETURN false;
        END IF;
        PERFORM risk._set_halt('global', '*', 0, 'halt',
            format('%s (account %s, lane %s: a live lane escalates to a global halt)', p_reason, v_acct.name, v_acct.lane),
            'system', p_ts);
        PERFORM risk._sync_halt(p_book_id, p_ts);
        RETURN true;
    END IF;
    SELECT * INTO v_cur FROM risk.state_current c WHERE c.book_id = p_book_id AND c.scope_kind = 'book';
    IF v_cur.state = 'halted' OR (v_cur.state = 'reducing' AND v_cur.until_ts >= v_until) THEN
        RETURN false;
    END IF;
    PERFORM risk._transition(p_book_id, 'reducing', 'daily_loss_halt',
        format('%s; entries refused until %s', p_reason, to_char(v_until AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"')),
        p_ts, v_until);
    RETURN true;
END
$$;


ALTER FUNCTION risk._loss_stop(p_book_id integer, p_ts timestamp with time zone, p_reason text) OWNER TO predator_owner;

--
-- Name: FUNCTION _loss_stop(p_book_id integer, p_ts timestamp with time zone, p_reason text); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk._loss_stop(p_book_id integer, p_ts timestamp with time zone, p_reason text) IS 'Internal: the daily-loss stop: a paper book reduces until the next 00:00 UTC; a live lane halts globally until an operator resumes. False when already in force.';


--
-- Name: _net_arbitration(integer, text, text, timestamp with time zone, text, numeric, numeric, jsonb); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk._net_arbitration(p_book_id integer, p_strategy text, p_symbol text, p_ts timestamp with time zone, p_side text, p_qty numeric, p_price numeric, p_against jsonb) RETURNS jsonb
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_acct      trading.account;
    v_inst      market.instrument;
    v_q         numeric;
    v_m         numeric;
    v_n         numeric := p_qty * p_price;
    v_left      numeric;
    v_take      numeric;
    v_rest      numeric;
    v_admit     numeric;
    v_dropped   boolean := false;
    v_o         record;
    v_coid      text;
    v_cancelled text[] := '{}';
    v_residuals jsonb := '[]'::jsonb;
BEGIN
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = p_book_id;
    SELECT * INTO v_inst FROM market.instrument i WHERE i.venue = v_acct.venue AND i.symbol = p_symbol;
    SELECT coalesce(sum(s.quantity - s.filled_qty), 0),
           coalesce(sum((s.quantity - s.filled_qty) * coalesce(r.limit_price, r.decision_price)), 0)
      INTO v_q, v_m
      FROM trading.order_state s JOIN trading.order_request r ON r.client_order_id = s.client_order_id
     WHERE s.client_order_id IN (SELECT x ->> 'client_order_id' FROM jsonb_array_elements(p_against) x)
       AND s.status = 'new' AND s.venue_order_id IS NULL;
    IF v_q = 0 THEN
        RETURN jsonb_build_object('reasons', '[]'::jsonb);
    END IF;
    IF v_n > v_m AND p_qty > v_q THEN
        v_admit := p_qty - v_q;
        IF v_admit < v_inst.min_qty OR v_admit * p_price < v_inst.min_notional THEN
            v_admit := NULL;
            v_dropped := true;
        END IF;
    END IF;
    -- The offset: everything nettable when this signal is admitted for its residual (or its residual was dropped
    -- as it is the larger side), else this signal's quantity.
    v_left := CASE WHEN v_admit IS NOT NULL OR v_dropped THEN v_q ELSE least(p_qty, v_q) END;
    FOR v_o IN
        SELECT r.client_order_id, r.strategy, r.side, r.order_type, r.limit_price, r.decision_price, r.reduce_only, r.expiry,
               s.quantity - s.filled_qty AS remaining, s.filled_qty, s.updated_ts
          FROM trading.order_state s JOIN trading.order_request r ON r.client_order_id = s.client_order_id
         WHERE s.client_order_id IN (SELECT x ->> 'client_order_id' FROM jsonb_array_elements(p_against) x)
           AND s.status = 'new' AND s.venue_order_id IS NULL
         ORDER BY r.seq
    LOOP
        EXIT WHEN v_left <= 0;
        v_take := least(v_o.remaining, v_left);
        v_left := v_left - v_take;
        v_rest := v_o.remaining - v_take;
        INSERT INTO trading.order_event (book_id, client_order_id, kind, status_after, filled_qty_after, reason, ts)
        VALUES (p_book_id, v_o.client_order_id, 'canceled', 'canceled', v_o.filled_qty,
                format('arbitration_netted: %s offset against %s %s of %s (net)', v_take, p_side, p_qty, p_strategy),
                greatest(p_ts, v_o.updated_ts));
        v_cancelled := v_cancelled || v_o.client_order_id;
        IF v_rest > 0 AND v_rest >= v_inst.min_qty AND v_rest * coalesce(v_o.limit_price, v_o.decision_price) >= v_inst.min_notional THEN
            v_coid := trading.client_order_id(v_acct.name, v_o.strategy, p_symbol, p_ts, 'net:' || v_o.client_order_id);
            INSERT INTO trading.order_request (book_id, client_order_id, signal_seq, strategy, symbol, side, order_type,
                                               quantity, limit_price, decision_price, reduce_only, origin, ts, expiry)
            VALUES (p_book_id, v_coid, NULL, v_o.strategy, p_symbol, v_o.side, v_o.order_type, v_rest, v_o.limit_price,
                    v_o.decision_price, v_o.reduce_only, 'arbitration_net', greatest(p_ts, v_o.updated_ts), v_o.expiry);
            INSERT INTO trading.order_event (book_id, client_order_id, kind, status_after, filled_qty_after, reason, ts)
            VALUES (p_book_id, v_coid, 'created', 'new', 0,
                    format('arbitration_netted: residual %s of %s after %s offset against %s (net)', v_rest,
                           v_o.client_order_id, v_take, p_strategy),
                    greatest(p_ts, v_o.updated_ts));
            v_residuals := v_residuals || jsonb_build_object('client_order_id', v_coid, 'strategy', v_o.strategy,
                                                             'replaces', v_o.client_order_id, 'quantity', v_rest, 'offset', v_take);
        ELSIF v_rest > 0 THEN
            v_dropped := true;
        END IF;
    END LOOP;
    RETURN jsonb_build_object(
        'reasons', CASE WHEN v_admit IS NULL THEN '["arbitration_netted"]'::jsonb ELSE '[]'::jsonb END,
        'arbitration', jsonb_build_object(
            'rule', 'net', 'quantity', p_qty, 'price', p_price, 'notional', v_n, 'other_quantity', v_q, 'other_notional', v_m,
            'offset', CASE WHEN v_admit IS NOT NULL OR v_dropped THEN v_q ELSE least(p_qty, v_q) END,
            'residual', v_admit, 'residual_dropped', v_dropped,
            'against', (SELECT jsonb_agg(x.e || jsonb_build_object('nettable', (s.status = 'new' AND s.venue_order_id IS NULL)
                                                                                OR x.e ->> 'client_order_id' = ANY (v_cancelled))
                                         ORDER BY x.n)
                          FROM jsonb_array_elements(p_against) WITH ORDINALITY x(e, n)
                          JOIN trading.order_state s ON s.client_order_id = x.e ->> 'client_order_id'),
            'cancelled', to_jsonb(v_cancelled), 'residuals', v_residuals));
END
$$;


ALTER FUNCTION risk._net_arbitration(p_book_id integer, p_strategy text, p_symbol text, p_ts timestamp with time zone, p_side text, p_qty numeric, p_price numeric, p_against jsonb) OWNER TO predator_owner;

--
-- Name: FUNCTION _net_arbitration(p_book_id integer, p_strategy text, p_symbol text, p_ts timestamp with time zone, p_side text, p_qty numeric, p_price numeric, p_against jsonb); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk._net_arbitration(p_book_id integer, p_strategy text, p_symbol text, p_ts timestamp with time zone, p_side text, p_qty numeric, p_price numeric, p_against jsonb) IS 'Internal: the net arbitration rule: opposing never-sent orders of other strategies offset this signal; the larger side''s residual trades, owned by one strategy (this signal reduced, or a residual order of origin arbitration_net replacing the cancelled one); the smaller side is refused or cancelled arbitration_netted, offsets recorded.';


--
-- Name: _note_breaker(integer, text, timestamp with time zone, numeric, numeric); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk._note_breaker(p_book_id integer, p_breaker text, p_ts timestamp with time zone, p_value numeric, p_threshold numeric) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_pct numeric;
BEGIN
    IF NOT EXISTS (SELECT FROM risk.state_current c WHERE c.book_id = p_book_id AND c.scope_kind = 'book'
                      AND c.state = 'reducing' AND c.breaker = p_breaker) THEN
        RETURN;
    END IF;
    v_pct := coalesce(risk.cap(risk.current_limits((SELECT a.risk_profile FROM trading.account a WHERE a.book_id = p_book_id)),
                               'breaker_clear_pct', '*', 100), 100);
    IF p_value > 0 AND p_value >= p_threshold * v_pct / 100 THEN
        UPDATE risk.state_current c SET last_breach = greatest(c.last_breach, p_ts)
         WHERE c.book_id = p_book_id AND c.scope_kind = 'book';
    END IF;
END
$$;


ALTER FUNCTION risk._note_breaker(p_book_id integer, p_breaker text, p_ts timestamp with time zone, p_value numeric, p_threshold numeric) OWNER TO predator_owner;

--
-- Name: FUNCTION _note_breaker(p_book_id integer, p_breaker text, p_ts timestamp with time zone, p_value numeric, p_threshold numeric); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk._note_breaker(p_book_id integer, p_breaker text, p_ts timestamp with time zone, p_value numeric, p_threshold numeric) IS 'Internal: restarts the clean-hour count of a paper breaker pause when its figure reaches breaker_clear_pct of the threshold (hysteresis).';


--
-- Name: _require_resumable(text, text, text, integer); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk._require_resumable(p_what text, p_scope_kind text, p_scope_key text, p_book_id integer) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_dirty text;
    v_open  text;
BEGIN
    SELECT string_agg(a.name, ', ' ORDER BY a.name) INTO v_dirty
      FROM trading.account a
      JOIN LATERAL (SELECT r.clean FROM ops.reconciliation r WHERE r.book_id = a.book_id ORDER BY r.seq DESC LIMIT 1) last ON true
     WHERE NOT last.clean
       AND (p_scope_kind = 'global' OR (p_scope_kind = 'lane' AND a.lane = p_scope_key) OR a.book_id = p_book_id);
    IF v_dirty IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'PD014',
            MESSAGE = format('%s refused: reconciliation is dirty for %s', p_what, v_dirty),
            HINT = 'Find the difference (api.reconcile diffs, predator incidents), fix the book or the venue, and resume after a clean reconciliation.';
    END IF;
    SELECT string_agg(i.incident, ', ' ORDER BY i.incident) INTO v_open
      FROM api.incidents i
     WHERE i.severity = 1 AND i.status <> 'resolved'
       AND (p_scope_kind IN ('global', 'lane') OR i.book_id IN (0, p_book_id));
    IF v_open IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'PD014',
            MESSAGE = format('%s refused: severity-1 incident(s) open: %s', p_what, v_open),
            HINT = 'Resolve the incident with api.update_incident(id, ''resolved'', reason) once it is understood, then resume.';
    END IF;
END
$$;


ALTER FUNCTION risk._require_resumable(p_what text, p_scope_kind text, p_scope_key text, p_book_id integer) OWNER TO predator_owner;

--
-- Name: FUNCTION _require_resumable(p_what text, p_scope_kind text, p_scope_key text, p_book_id integer); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk._require_resumable(p_what text, p_scope_kind text, p_scope_key text, p_book_id integer) IS 'Internal: what an operator resume waits for (api.resume, api.resume_strategy): PD014 while a reconciliation the scope covers is dirty or a severity-1 incident it covers is open.';


--
-- Name: _resume_risk(integer, text, text); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk._resume_risk(p_book_id integer, p_strategy text, p_reason text) RETURNS text
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_acct trading.account;
    v_cur  risk.state_current;
    v_ts   timestamptz;
BEGIN
    PERFORM ops._lock_book(p_book_id);
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = p_book_id;
    SELECT * INTO v_cur FROM risk.state_current c
     WHERE c.book_id = p_book_id AND c.scope_kind = CASE WHEN p_strategy IS NULL THEN 'book' ELSE 'strategy' END
       AND c.scope_key = coalesce(p_strategy, v_acct.name);
    v_ts := greatest((SELECT max(h.hour) FROM portfolio.hourly_state h WHERE h.book_id = p_book_id), v_cur.since_ts);
    IF p_strategy IS NOT NULL AND coalesce((SELECT h.active FROM risk.halt_state h WHERE h.scope_kind = 'strategy'
                                             AND h.scope_key = v_acct.name || '/' || p_strategy), false) THEN
        PERFORM risk._set_halt('strategy', v_acct.name || '/' || p_strategy, p_book_id, 'resume', p_reason, 'operator', NULL);
        RETURN risk._sync_strategy_halt(p_book_id, p_strategy, coalesce(v_ts, v_cur.since_ts));
    ELSIF v_cur.state = 'halted' AND p_strategy IS NOT NULL THEN
        RETURN risk._sync_strategy_halt(p_book_id, p_strategy, v_ts);
    ELSIF v_cur.state = 'reducing' AND v_cur.hold IS NOT NULL THEN
        IF p_strategy IS NULL THEN
            RETURN risk._transition(p_book_id, 'normal', 'operator_resume', format('%s released by an operator: %s', v_cur.hold, p_reason), v_ts);
        END IF;
        RETURN risk._strategy_transition(p_book_id, p_strategy, 'normal', 'operator_resume',
                                         format('%s released by an operator: %s', v_cur.hold, p_reason), v_ts);
    END IF;
    RETURN coalesce(v_cur.state, 'normal');
END
$$;


ALTER FUNCTION risk._resume_risk(p_book_id integer, p_strategy text, p_reason text) OWNER TO predator_owner;

--
-- Name: FUNCTION _resume_risk(p_book_id integer, p_strategy text, p_reason text); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk._resume_risk(p_book_id integer, p_strategy text, p_reason text) IS 'Internal: an operator lifts a strategy''s kill (halted -> cooldown) or a held reducing state of a strategy or a book (-> normal, cause operator_resume), at the book''s last closed hour.';


--
-- Name: _rule_reasons(jsonb); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk._rule_reasons(p_checks jsonb) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    IF p_checks IS NULL THEN
        RETURN '{}';
    ELSIF p_checks ? 'reasons' THEN
        RETURN ARRAY(SELECT jsonb_array_elements_text(p_checks -> 'reasons'));
    END IF;
    RETURN ARRAY(SELECT r FROM jsonb_each(p_checks) c(k, v)
                  CROSS JOIN LATERAL jsonb_array_elements_text(coalesce(c.v -> 'reasons', '[]'::jsonb)) WITH ORDINALITY x(r, n)
                 ORDER BY c.k, x.n);
END
$$;


ALTER FUNCTION risk._rule_reasons(p_checks jsonb) OWNER TO predator_owner;

--
-- Name: FUNCTION _rule_reasons(p_checks jsonb); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk._rule_reasons(p_checks jsonb) IS 'Internal: the reason codes of a check result {reasons, ...} or of a map of them (in key order).';


--
-- Name: _scope(text, text); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk._scope(p_scope text, p_target text) RETURNS TABLE(scope_kind text, scope_key text, book_id integer)
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_book integer;
BEGIN
    CASE p_scope
        WHEN 'global' THEN
            RETURN QUERY SELECT 'global'::text, '*'::text, 0;
        WHEN 'lane' THEN
            IF p_target NOT IN ('paper', 'live_canary', 'live_promoted') OR p_target IS NULL THEN
                RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('unknown lane %L', p_target),
                    HINT = 'Lanes are paper, live_canary and live_promoted.';
            END IF;
            RETURN QUERY SELECT 'lane'::text, p_target, 0;
        WHEN 'account' THEN
            SELECT a.book_id INTO v_book FROM trading.account a WHERE a.name = p_target;
            IF NOT FOUND THEN
                RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('unknown account %L', p_target),
                    HINT = 'Pass the account name.';
            END IF;
            RETURN QUERY SELECT 'account'::text, p_target, v_book;
        WHEN 'strategy' THEN
            SELECT s.book_id INTO v_book FROM trading.strategy s JOIN trading.account a USING (book_id)
             WHERE a.name = split_part(p_target, '/', 1) AND s.strategy = substr(p_target, length(split_part(p_target, '/', 1)) + 2);
            IF NOT FOUND THEN
                RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('unknown strategy %L', p_target),
                    HINT = 'Pass account/strategy, for example paper1/trend.';
            END IF;
            RETURN QUERY SELECT 'strategy'::text, p_target, v_book;
        ELSE
            RAISE EXCEPTION USING ERRCODE = 'PD012', MESSAGE = format('unknown halt scope %L', p_scope),
                HINT = 'Scopes are global, account, lane and strategy.';
    END CASE;
END
$$;


ALTER FUNCTION risk._scope(p_scope text, p_target text) OWNER TO predator_owner;

--
-- Name: FUNCTION _scope(p_scope text, p_target text); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk._scope(p_scope text, p_target text) IS 'Internal: validates and normalises a halt scope and target into (scope_kind, scope_key, book_id).';


--
-- Name: _set_halt(text, text, integer, text, text, text, timestamp with time zone, bigint); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk._set_halt(p_scope_kind text, p_scope_key text, p_book_id integer, p_action text, p_reason text, p_source text, p_ts timestamp with time zone, p_incident bigint DEFAULT NULL::bigint) RETURNS bigint
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_seq    bigint;
    v_active boolean;
BEGIN
    IF p_scope_kind IN ('global', 'lane') THEN
        PERFORM ops._lock_halts(true);
    ELSE
        PERFORM ops._lock_book(p_book_id);
    END IF;
    SELECT h.active INTO v_active FROM risk.halt_state h WHERE h.scope_kind = p_scope_kind AND h.scope_key = p_scope_key;
    IF p_action = 'resume' AND NOT coalesce(v_active, false) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD014',
            MESSAGE = format('resume refused: %s %s is not halted', p_scope_kind, p_scope_key),
            HINT = 'See api.halts for the active halts.';
    END IF;
    IF p_action = 'halt' AND p_incident IS NULL THEN
        PERFORM ops._open_incident(coalesce(p_book_id, 0),
            CASE WHEN p_scope_kind = 'global' AND p_source = 'system' THEN 1 ELSE 2 END, 'risk',
            p_scope_kind || ':' || p_scope_key, format('%s halt of %s %s', p_source, p_scope_kind, p_scope_key), p_reason,
            jsonb_build_object('hours', CASE WHEN p_ts IS NULL THEN '[]'::jsonb ELSE jsonb_build_array(p_ts) END),
            p_ts, p_source);
    END IF;
    INSERT INTO risk.halt_event (book_id, scope_kind, scope_key, action, reason, source, actor, ts, effective_at)
    VALUES (coalesce(p_book_id, 0), p_scope_kind, p_scope_key, p_action, p_reason, p_source,
            CASE p_source WHEN 'system' THEN 'system' ELSE ops.actor() END, p_ts, clock_timestamp())
    RETURNING seq INTO v_seq;
    INSERT INTO risk.halt_state AS h (scope_kind, scope_key, active, reason, since)
    VALUES (p_scope_kind, p_scope_key, p_action = 'halt', p_reason, clock_timestamp())
    ON CONFLICT (scope_kind, scope_key) DO UPDATE
        SET active = EXCLUDED.active, reason = EXCLUDED.reason,
            since = CASE WHEN h.active = EXCLUDED.active THEN h.since ELSE EXCLUDED.since END;
    RETURN v_seq;
END
$$;


ALTER FUNCTION risk._set_halt(p_scope_kind text, p_scope_key text, p_book_id integer, p_action text, p_reason text, p_source text, p_ts timestamp with time zone, p_incident bigint) OWNER TO predator_owner;

--
-- Name: FUNCTION _set_halt(p_scope_kind text, p_scope_key text, p_book_id integer, p_action text, p_reason text, p_source text, p_ts timestamp with time zone, p_incident bigint); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk._set_halt(p_scope_kind text, p_scope_key text, p_book_id integer, p_action text, p_reason text, p_source text, p_ts timestamp with time zone, p_incident bigint) IS 'Internal: records a halt or resume at a scope (global and lane under the exclusive halt lock, account and strategy under the book lock), updates risk.halt_state and makes sure every halt has an incident; PD014 when resuming a scope that is not halted.';


--
-- Name: _set_limit(text, text, text, numeric, text, text, text); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk._set_limit(p_profile text, p_limit text, p_mode text, p_value numeric, p_reason text, p_scope text, p_origin text) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_kind    risk.limit_kind;
    v_rev     integer;
    v_policy  record;
    v_above   boolean := false;
    v_request bigint;
BEGIN
    PERFORM ops._require_finite('api.set_limit', ARRAY['p_value'], ARRAY[p_value]);
    SELECT * INTO v_kind FROM risk.limit_kind k WHERE k.limit_name = p_limit;
    IF NOT FOUND OR NOT EXISTS (SELECT FROM risk.profile p WHERE p.profile = p_profile) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011', MESSAGE = format('unknown risk profile %L or limit %L', p_profile, p_limit),
            HINT = 'See risk.profile and risk.limit_kind.';
    END IF;
    IF NOT (p_mode = ANY (v_kind.allowed_modes)) OR p_value < 0 OR (p_mode = 'pct' AND p_value > 100) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('limit %s refused: mode %L value %s', p_limit, p_mode, p_value),
            DETAIL = format('allowed_modes=%s', v_kind.allowed_modes),
            HINT = 'pct is 0..100 percent, abs an amount in the account base currency, values are non-negative.';
    END IF;
    SELECT lp.mode, lp.ceiling INTO v_policy FROM risk.limit_policy lp
     WHERE lp.profile = p_profile AND lp.limit_name = p_limit ORDER BY lp.revision DESC LIMIT 1;
    IF FOUND AND v_policy.ceiling IS NOT NULL
       AND (p_value IS NULL OR p_mode <> v_policy.mode OR p_value > v_policy.ceiling) THEN
        v_above := true;
        v_request := ops._require_approval('set_limit', p_profile || '/' || p_limit || '/' || p_scope,
                                           jsonb_build_object('mode', p_mode, 'value', p_value),
                                           format('set_limit %s/%s/%s %s %s above the policy ceiling %s %s',
                                                  p_profile, p_limit, p_scope, p_mode, coalesce(p_value::text, 'off'),
                                                  v_policy.mode, v_policy.ceiling));
    END IF;
    PERFORM pg_catalog.pg_advisory_xact_lock(1349731649, -2);
    SELECT coalesce(max(s.revision), 0) + 1 INTO v_rev
      FROM risk.limit_setting s WHERE s.profile = p_profile AND s.limit_name = p_limit AND s.scope = p_scope;
    INSERT INTO risk.limit_setting (profile, limit_name, scope, revision, mode, value, reason, actor)
    VALUES (p_profile, p_limit, p_scope, v_rev, p_mode, p_value, p_reason, ops.actor());
    PERFORM ops._audit(0, 'set_limit', p_profile || '/' || p_limit || '/' || p_scope,
                       jsonb_build_object('mode', p_mode, 'value', p_value, 'revision', v_rev)
                       || CASE WHEN p_origin IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('origin', p_origin) END
                       || CASE WHEN v_above THEN jsonb_build_object('above_policy', true, 'approval', v_request) ELSE '{}'::jsonb END,
                       p_reason);
    RETURN v_rev;
END
$$;


ALTER FUNCTION risk._set_limit(p_profile text, p_limit text, p_mode text, p_value numeric, p_reason text, p_scope text, p_origin text) OWNER TO predator_owner;

--
-- Name: FUNCTION _set_limit(p_profile text, p_limit text, p_mode text, p_value numeric, p_reason text, p_scope text, p_origin text); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk._set_limit(p_profile text, p_limit text, p_mode text, p_value numeric, p_reason text, p_scope text, p_origin text) IS 'Internal: the one definition of setting a limit (api.set_limit, the safe-mode calls): PD011/PD012 as api.set_limit, the policy ceiling (a second operator''s approval above it, PD017 without one), a new revision and its audit row.';


--
-- Name: _state(integer); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk._state(p_book_id integer) RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    RETURN coalesce((SELECT c.state FROM risk.state_current c WHERE c.book_id = p_book_id AND c.scope_kind = 'book'), 'normal');
END
$$;


ALTER FUNCTION risk._state(p_book_id integer) OWNER TO predator_owner;

--
-- Name: FUNCTION _state(p_book_id integer); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk._state(p_book_id integer) IS 'Internal: current risk state of a book (normal when it never moved).';


--
-- Name: _strategy_admission_state(integer, text, text, timestamp with time zone, numeric, numeric); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk._strategy_admission_state(p_book_id integer, p_strategy text, p_side text, p_ts timestamp with time zone, p_day_start numeric, p_peak numeric) RETURNS text[]
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_state text;
BEGIN
    PERFORM risk._sync_strategy_halt(p_book_id, p_strategy, p_ts);
    v_state := risk._strategy_reduce(p_book_id, p_strategy, p_ts,
        risk.current_limits((SELECT a.risk_profile FROM trading.account a WHERE a.book_id = p_book_id)), p_day_start, p_peak);
    IF p_side = 'buy' AND v_state = 'reducing' THEN
        RETURN ARRAY['strategy_reducing'];
    ELSIF p_side = 'buy' AND v_state = 'cooldown' THEN
        RETURN ARRAY['strategy_cooldown'];
    END IF;
    RETURN '{}';
END
$$;


ALTER FUNCTION risk._strategy_admission_state(p_book_id integer, p_strategy text, p_side text, p_ts timestamp with time zone, p_day_start numeric, p_peak numeric) OWNER TO predator_owner;

--
-- Name: FUNCTION _strategy_admission_state(p_book_id integer, p_strategy text, p_side text, p_ts timestamp with time zone, p_day_start numeric, p_peak numeric); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk._strategy_admission_state(p_book_id integer, p_strategy text, p_side text, p_ts timestamp with time zone, p_day_start numeric, p_peak numeric) IS 'Internal: a strategy''s risk state at admission: strategy_reducing or strategy_cooldown for its entries while it reduces or cools down (after mirroring its halt and applying its reduce tier).';


--
-- Name: _strategy_health(integer, timestamp with time zone); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk._strategy_health(p_book_id integer, p_hour timestamp with time zone) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET "TimeZone" TO 'UTC'
    AS $$
DECLARE
    v_acct     trading.account;
    v_limits   jsonb;
    s          record;
    v_prev     risk.strategy_health;
    v_window   integer;
    v_min      integer;
    v_frac     numeric;
    v_demote   numeric;
    v_pause    numeric;
    v_from     timestamptz;
    v_n        integer;
    v_new      integer;
    v_demoted  timestamptz;
    v_claimed  numeric;
    v_realized numeric;
    v_hits     integer;
    v_mu       numeric;
    v_var      numeric;
    v_mean     numeric;
    v_sd       numeric;
    v_m3       numeric;
    v_m4       numeric;
    v_xs       numeric[];  -- x = r − f·c of each trade in the window
    v_sr       numeric;
    v_psr      numeric;
    v_hit_p    numeric;
    v_dec      integer;
    v_ref      integer;
    v_score    numeric;
    v_before   text;
    v_state    text;
    v_action   text;
    v_cause    text;
    v_count    integer := 0;
BEGIN
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = p_book_id;
    v_limits := risk.current_limits(v_acct.risk_profile);
    FOR s IN SELECT t.strategy, t.status FROM trading.strategy t WHERE t.book_id = p_book_id ORDER BY t.strategy LOOP
        v_window := coalesce(risk.cap(v_limits, 'health_window_hours', s.strategy, NULL), 720)::integer;
        v_min := coalesce(risk.cap(v_limits, 'health_min_trades', s.strategy, NULL), 10)::integer;
        v_frac := coalesce(risk.cap(v_limits, 'health_edge_fraction', s.strategy, 1), 0.5);
        v_demote := risk.cap(v_limits, 'health_demote_score', s.strategy, 1);
        v_pause := risk.cap(v_limits, 'health_pause_score', s.strategy, 1);

        SELECT * INTO v_prev FROM risk.strategy_health h
         WHERE h.book_id = p_book_id AND h.strategy = s.strategy ORDER BY h.hour DESC LIMIT 1;
        v_before := coalesce(v_prev.state, 'normal');
        v_action := NULL;
        v_cause := NULL;
        v_from := greatest(p_hour - v_window * interval '1 hour', v_prev.scored_from);
        IF v_before = 'paused' AND s.status = 'active' THEN
            -- An operator resumed the strategy: the evidence starts again now.
            v_from := p_hour;
            v_action := 'resumed';
            v_cause := 'an operator resumed the strategy after a health pause; evidence starts again at this hour';
        END IF;

        v_demoted := NULL;
        IF v_before = 'demoted' THEN
            SELECT max(h.hour) INTO v_demoted FROM risk.strategy_health h
             WHERE h.book_id = p_book_id AND h.strategy = s.strategy AND h.action = 'demote';
        END IF;

        -- Trades: allocations of lots opened by the strategy's entries.
        WITH t AS (
            SELECT a.ts, a.realized_pnl / (a.entry_price * a.quantity + a.entry_fee) * 10000 AS r,
                   sg.edge_bps AS c, sg.confidence AS p
              FROM trading.lot_allocation a
              JOIN trading.lot l ON l.book_id = a.book_id AND l.symbol = a.symbol AND l.lot_no = a.lot_no
              JOIN trading.fill f ON f.book_id = l.book_id AND f.symbol = l.symbol AND f.venue_trade_id = l.venue_trade_id
              JOIN trading.order_request o ON o.client_order_id = f.client_order_id
              JOIN trading.signal sg ON sg.book_id = o.book_id AND sg.seq = o.signal_seq
             WHERE a.book_id = p_book_id AND a.ts > v_from AND a.ts <= p_hour AND o.strategy = s.strategy
               AND NOT EXISTS (SELECT FROM trading.fill_void fv WHERE fv.book_id = a.book_id AND fv.symbol = a.symbol AND fv.venue_trade_id = a.venue_trade_id))
        SELECT count(*), avg(t.c), avg(t.r), count(*) FILTER (WHERE t.r > 0), sum(t.p), sum(t.p * (1 - t.p)),
               avg(t.r - v_frac * t.c), stddev_pop(t.r - v_frac * t.c), count(*) FILTER (WHERE t.ts > v_demoted),
               array_agg(t.r - v_frac * t.c)
          INTO v_n, v_claimed, v_realized, v_hits, v_mu, v_var, v_mean, v_sd, v_new, v_xs
          FROM t;
        IF v_n >= 2 AND v_sd > 0 THEN
            -- The third and fourth standardised moments over the same trades' x (collected above: one pass over
            -- the window's allocations, not two).
            SELECT avg(power((x.x - v_mean) / v_sd, 3)), avg(power((x.x - v_mean) / v_sd, 4)) INTO v_m3, v_m4
              FROM unnest(v_xs) x(x);
            v_sr := v_mean / v_sd;
            v_psr := risk.normal_cdf(round(v_sr * sqrt((v_n - 1)::numeric)
                                           / sqrt(greatest(1 - v_m3 * v_sr + (v_m4 - 1) / 4 * v_sr * v_sr, 1e-12)), 9));
        ELSIF v_n >= 1 THEN
            v_psr := CASE WHEN v_mean > 0 THEN 1 WHEN v_mean < 0 THEN 0 ELSE 0.5 END;
        ELSE
            v_psr := NULL;
        END IF;
        IF v_n >= 1 THEN
            v_hit_p := CASE WHEN v_var > 0 THEN risk.normal_cdf(round((v_hits + 0.5 - v_mu) / sqrt(v_var), 9))
                            WHEN v_hits >= v_mu THEN 1 ELSE 0 END;
        ELSE
            v_hit_p := NULL;
        END IF;

        SELECT count(*) FILTER (WHERE d.outcome IN ('admitted', 'refused')),
               count(*) FILTER (WHERE d.outcome = 'refused'
                                  AND EXISTS (SELECT FROM unnest(d.reasons) x
                                               WHERE x NOT IN ('halted_global', 'halted_lane', 'halted_account', 'halted_strategy',
                                                               'strategy_paused', 'data_stale', 'conversion_rate_missing',
                                                               'health_demoted')))
          INTO v_dec, v_ref
          FROM risk.decision d
         WHERE d.book_id = p_book_id AND d.strategy = s.strategy AND d.ts > v_from AND d.ts <= p_hour;

        v_score := CASE WHEN v_n >= greatest(v_min, 1)
                        THEN round(least(v_psr, v_hit_p) * (1 - CASE WHEN v_dec > 0 THEN v_ref::numeric / v_dec ELSE 0 END), 6) END;

        v_state := v_before;
        IF v_action IS NOT NULL THEN
            v_state := 'normal';
        ELSIF v_score IS NOT NULL THEN
            IF v_before = 'normal' AND v_demote IS NOT NULL AND v_score < v_demote THEN
                v_state := 'demoted';
                v_action := 'demote';
                v_cause := format('health score %s below health_demote_score %s (trades %s, realized edge %s bps against claimed %s bps, hit rate %s, refused %s of %s)',
                                  v_score, v_demote, v_n, round(v_realized, 2), round(v_claimed, 2),
                                  round(v_hits::numeric / v_n, 4), v_ref, v_dec);
            ELSIF v_before = 'demoted' AND v_pause IS NOT NULL AND v_score < v_pause AND v_new > 0 THEN
                v_state := 'paused';
                v_action := 'pause';
                v_cause := format('health score %s below health_pause_score %s while demoted, with %s trade(s) closed since the demotion at %s (trades %s, realized edge %s bps against claimed %s bps, hit rate %s, refused %s of %s)',
                                  v_score, v_pause, v_new, v_demoted, v_n, round(v_realized, 2), round(v_claimed, 2),
                                  round(v_hits::numeric / v_n, 4), v_ref, v_dec);
            ELSIF v_before = 'demoted' AND (v_demote IS NULL OR v_score >= v_demote) THEN
                v_state := 'normal';
                v_action := 'restore';
                v_cause := format('health score %s back at or above health_demote_score %s', v_score, v_demote);
            END IF;
        END IF;

        INSERT INTO risk.strategy_health (book_id, strategy, hour, scored_from, trades, claimed_edge_bps, realized_edge_bps,
                                          hit_rate, claimed_hit_rate, decisions, refused, edge_psr, hit_p, score,
                                          state_before, state, action, cause, thresholds)
        VALUES (p_book_id, s.strategy, p_hour, v_from, v_n, round(v_claimed, 6), round(v_realized, 6),
                CASE WHEN v_n > 0 THEN round(v_hits::numeric / v_n, 6) END,
                CASE WHEN v_n > 0 THEN round(v_mu / v_n, 6) END, v_dec, v_ref, round(v_psr, 6), round(v_hit_p, 6), v_score,
                v_before, v_state, v_action, v_cause,
                jsonb_build_object('window_hours', v_window, 'min_trades', v_min, 'edge_fraction', v_frac,
                                   'demote_score', v_demote, 'pause_score', v_pause));
        IF v_action = 'pause' THEN
            UPDATE trading.strategy t SET status = 'paused' WHERE t.book_id = p_book_id AND t.strategy = s.strategy;
            PERFORM ops._open_incident(p_book_id, 2, 'model', 'strategy:' || v_acct.name || '/' || s.strategy,
                format('strategy %s paused by its health score', s.strategy), v_cause,
                jsonb_build_object('hours', jsonb_build_array(p_hour)), p_hour, 'system');
        END IF;
        v_count := v_count + 1;
    END LOOP;
    RETURN v_count;
END
$$;


ALTER FUNCTION risk._strategy_health(p_book_id integer, p_hour timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION _strategy_health(p_book_id integer, p_hour timestamp with time zone); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk._strategy_health(p_book_id integer, p_hour timestamp with time zone) IS 'Internal (hour close): scores every strategy of a book (probabilistic Sharpe ratio of realized against claimed edge, hit rate against claimed confidence, refusal share) into risk.strategy_health and demotes, restores or pauses it by the operator''s thresholds, recording each action with its cause (a pause also opens an incident).';


--
-- Name: _strategy_position(integer, text, text, numeric, numeric); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk._strategy_position(p_book_id integer, p_strategy text, p_symbol text, p_book_qty numeric, p_book_open_sell numeric) RETURNS TABLE(position_qty numeric, open_sell_qty numeric)
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_own      numeric;
    v_own_open numeric;
BEGIN
    SELECT coalesce(sum(CASE WHEN f.side = 'buy' THEN f.quantity ELSE -f.quantity END
                        - CASE WHEN f.fee_currency = split_part(f.symbol, '/', 1) THEN f.fee ELSE 0 END), 0)
      INTO v_own
      FROM trading.fill f JOIN trading.order_request r ON r.client_order_id = f.client_order_id
     WHERE f.book_id = p_book_id AND f.symbol = p_symbol AND r.strategy = p_strategy
       AND NOT EXISTS (SELECT FROM trading.fill_void v WHERE v.book_id = f.book_id AND v.symbol = f.symbol
                          AND v.venue_trade_id = f.venue_trade_id);  -- voided: the venue never made it
    SELECT coalesce(sum(s.quantity - s.filled_qty), 0) INTO v_own_open
      FROM trading.order_state s JOIN trading.order_request r ON r.client_order_id = s.client_order_id
     WHERE s.book_id = p_book_id AND s.symbol = p_symbol AND s.side = 'sell' AND r.strategy = p_strategy
       AND s.status IN ('new', 'open', 'partially_filled');
    v_own := greatest(v_own, 0);
    RETURN QUERY SELECT least(v_own, p_book_qty - p_book_open_sell + v_own_open), v_own_open;
END
$$;


ALTER FUNCTION risk._strategy_position(p_book_id integer, p_strategy text, p_symbol text, p_book_qty numeric, p_book_open_sell numeric) OWNER TO predator_owner;

--
-- Name: FUNCTION _strategy_position(p_book_id integer, p_strategy text, p_symbol text, p_book_qty numeric, p_book_open_sell numeric); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk._strategy_position(p_book_id integer, p_strategy text, p_symbol text, p_book_qty numeric, p_book_open_sell numeric) IS 'Internal: a strategy''s own position in a symbol (from its own fills) and its own open sells, bounded by the book''s free position; what its sells and exits may take.';


--
-- Name: _strategy_reduce(integer, text, timestamp with time zone, jsonb, numeric, numeric); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk._strategy_reduce(p_book_id integer, p_strategy text, p_ts timestamp with time zone, p_limits jsonb, p_day_start numeric, p_peak numeric) RETURNS text
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_lane  text;
    v_cur   risk.state_current;
    v_state text := risk._strategy_state(p_book_id, p_strategy);
    v_loss  numeric := risk.cap(p_limits, 'strategy_reduce_daily_loss', p_strategy, p_day_start);
    v_dd    numeric := risk.cap(p_limits, 'strategy_reduce_drawdown', p_strategy, p_peak);
    v_until timestamptz := date_trunc('day', p_ts - interval '1 second', 'UTC') + interval '1 day';
    v_f     record;
BEGIN
    IF (v_loss IS NULL AND v_dd IS NULL) OR v_state = 'halted' THEN
        RETURN v_state;
    END IF;
    SELECT a.lane INTO v_lane FROM trading.account a WHERE a.book_id = p_book_id;
    SELECT * INTO v_cur FROM risk.state_current c
     WHERE c.book_id = p_book_id AND c.scope_kind = 'strategy' AND c.scope_key = p_strategy;
    SELECT * INTO v_f FROM risk.strategy_figures(p_book_id, p_strategy, p_ts);
    IF v_dd IS NOT NULL AND v_f.drawdown > 0 AND v_f.drawdown >= v_dd
       AND NOT (v_state = 'reducing' AND v_cur.hold IS NOT NULL) THEN
        v_state := risk._strategy_transition(p_book_id, p_strategy, 'reducing', 'strategy_drawdown',
            format('strategy_reduce_drawdown: drawdown %s of the strategy''s peak pnl %s (limit %s); entries refused until an operator resumes it',
                   round(v_f.drawdown, 8), round(v_f.peak_pnl, 8), v_dd), p_ts);
        SELECT * INTO v_cur FROM risk.state_current c
         WHERE c.book_id = p_book_id AND c.scope_kind = 'strategy' AND c.scope_key = p_strategy;
    END IF;
    IF v_loss IS NOT NULL AND v_f.daily_pnl < 0 AND -v_f.daily_pnl >= v_loss
       AND NOT (v_state = 'reducing' AND (v_cur.hold IS NOT NULL OR v_cur.until_ts >= v_until))
       AND NOT EXISTS (SELECT FROM risk.state_event e  -- one daily stop per UTC day: a lifted or released one is not redone
                        WHERE e.book_id = p_book_id AND e.scope_kind = 'strategy' AND e.scope_key = p_strategy
                          AND e.cause = 'strategy_daily_loss' AND e.ts > v_until - interval '1 day') THEN
        v_state := risk._strategy_transition(p_book_id, p_strategy, 'reducing', 'strategy_daily_loss',
            format('strategy_reduce_daily_loss: daily pnl %s (limit %s); entries refused %s', round(v_f.daily_pnl, 8), v_loss,
                   CASE WHEN v_lane = 'paper' THEN 'until ' || to_char(v_until AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"')
                        ELSE 'until an operator resumes it (live lane)' END),
            p_ts, CASE WHEN v_lane = 'paper' THEN v_until END);
    END IF;
    RETURN v_state;
END
$$;


ALTER FUNCTION risk._strategy_reduce(p_book_id integer, p_strategy text, p_ts timestamp with time zone, p_limits jsonb, p_day_start numeric, p_peak numeric) OWNER TO predator_owner;

--
-- Name: FUNCTION _strategy_reduce(p_book_id integer, p_strategy text, p_ts timestamp with time zone, p_limits jsonb, p_day_start numeric, p_peak numeric); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk._strategy_reduce(p_book_id integer, p_strategy text, p_ts timestamp with time zone, p_limits jsonb, p_day_start numeric, p_peak numeric) IS 'Internal: the reduce tier of a strategy''s own loss: strategy_reduce_daily_loss (paper: until the next UTC day; live: held) and strategy_reduce_drawdown (held until an operator) move the strategy to reducing by a recorded move.';


--
-- Name: _strategy_state(integer, text); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk._strategy_state(p_book_id integer, p_strategy text) RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    RETURN coalesce((SELECT c.state FROM risk.state_current c
                      WHERE c.book_id = p_book_id AND c.scope_kind = 'strategy' AND c.scope_key = p_strategy), 'normal');
END
$$;


ALTER FUNCTION risk._strategy_state(p_book_id integer, p_strategy text) OWNER TO predator_owner;

--
-- Name: FUNCTION _strategy_state(p_book_id integer, p_strategy text); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk._strategy_state(p_book_id integer, p_strategy text) IS 'Internal: current risk state of a strategy of a book (normal when it never moved).';


--
-- Name: _strategy_transition(integer, text, text, text, text, timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk._strategy_transition(p_book_id integer, p_strategy text, p_state_after text, p_cause text, p_reason text, p_ts timestamp with time zone, p_until timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS text
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    INSERT INTO risk.state_event (book_id, scope_kind, scope_key, state_before, state_after, cause, reason, until_ts, ts)
    VALUES (p_book_id, 'strategy', p_strategy, risk._strategy_state(p_book_id, p_strategy), p_state_after, p_cause,
            p_reason, p_until, p_ts);
    RETURN p_state_after;
END
$$;


ALTER FUNCTION risk._strategy_transition(p_book_id integer, p_strategy text, p_state_after text, p_cause text, p_reason text, p_ts timestamp with time zone, p_until timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION _strategy_transition(p_book_id integer, p_strategy text, p_state_after text, p_cause text, p_reason text, p_ts timestamp with time zone, p_until timestamp with time zone); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk._strategy_transition(p_book_id integer, p_strategy text, p_state_after text, p_cause text, p_reason text, p_ts timestamp with time zone, p_until timestamp with time zone) IS 'Internal: records a move of a strategy''s risk state from its current state (PD020 when not legal), with cause, reason, business time and earliest lift time.';


--
-- Name: _sync_halt(integer, timestamp with time zone); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk._sync_halt(p_book_id integer, p_ts timestamp with time zone) RETURNS text
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_acct   trading.account;
    v_state  text := risk._state(p_book_id);
    v_reason text;
    v_hours  numeric;
BEGIN
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = p_book_id;
    SELECT string_agg(h.scope_kind || ':' || h.scope_key || ' (' || h.reason || ')', '; ' ORDER BY h.scope_kind, h.scope_key)
      INTO v_reason
      FROM risk.halt_state h
     WHERE h.active
       AND (h.scope_kind = 'global' OR (h.scope_kind = 'lane' AND h.scope_key = v_acct.lane)
            OR (h.scope_kind = 'account' AND h.scope_key = v_acct.name));
    IF v_reason IS NOT NULL AND v_state <> 'halted' THEN
        RETURN risk._transition(p_book_id, 'halted', 'halt', v_reason, p_ts);
    ELSIF v_reason IS NULL AND v_state = 'halted' THEN
        v_hours := coalesce(risk.cap(risk.current_limits(v_acct.risk_profile), 'cooldown_hours', '*', NULL), 0);
        PERFORM risk._transition(p_book_id, 'cooldown', 'halt_lifted',
            format('every halt covering the book has lifted; cooldown %s h', v_hours), p_ts,
            p_ts + make_interval(hours => v_hours::integer));
        IF v_hours = 0 THEN
            RETURN risk._transition(p_book_id, 'normal', 'cooldown_elapsed', 'cooldown_hours is 0', p_ts);
        END IF;
        RETURN 'cooldown';
    END IF;
    RETURN v_state;
END
$$;


ALTER FUNCTION risk._sync_halt(p_book_id integer, p_ts timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION _sync_halt(p_book_id integer, p_ts timestamp with time zone); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk._sync_halt(p_book_id integer, p_ts timestamp with time zone) IS 'Internal: moves a book to halted when a global, lane or account halt covers it, and from halted to cooldown (then normal when cooldown_hours is 0) when none does any more.';


--
-- Name: _sync_strategy_halt(integer, text, timestamp with time zone); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk._sync_strategy_halt(p_book_id integer, p_strategy text, p_ts timestamp with time zone) RETURNS text
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_acct   trading.account;
    v_state  text := risk._strategy_state(p_book_id, p_strategy);
    v_reason text;
    v_hours  numeric;
BEGIN
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = p_book_id;
    SELECT h.reason INTO v_reason FROM risk.halt_state h
     WHERE h.active AND h.scope_kind = 'strategy' AND h.scope_key = v_acct.name || '/' || p_strategy;
    IF v_reason IS NOT NULL AND v_state <> 'halted' THEN
        RETURN risk._strategy_transition(p_book_id, p_strategy, 'halted', 'halt', v_reason, p_ts);
    ELSIF v_reason IS NULL AND v_state = 'halted' THEN
        v_hours := coalesce(risk.cap(risk.current_limits(v_acct.risk_profile), 'cooldown_hours', p_strategy, NULL), 0);
        PERFORM risk._strategy_transition(p_book_id, p_strategy, 'cooldown', 'halt_lifted',
            format('the strategy''s halt was lifted; cooldown %s h', v_hours), p_ts, p_ts + make_interval(hours => v_hours::integer));
        IF v_hours = 0 THEN
            RETURN risk._strategy_transition(p_book_id, p_strategy, 'normal', 'cooldown_elapsed', 'cooldown_hours is 0', p_ts);
        END IF;
        RETURN 'cooldown';
    END IF;
    RETURN v_state;
END
$$;


ALTER FUNCTION risk._sync_strategy_halt(p_book_id integer, p_strategy text, p_ts timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION _sync_strategy_halt(p_book_id integer, p_strategy text, p_ts timestamp with time zone); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk._sync_strategy_halt(p_book_id integer, p_strategy text, p_ts timestamp with time zone) IS 'Internal: moves a strategy to halted when a halt at its own scope covers it, and from halted to cooldown (then normal when cooldown_hours is 0) when that halt has been lifted.';


--
-- Name: _transition(integer, text, text, text, timestamp with time zone, timestamp with time zone); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk._transition(p_book_id integer, p_state_after text, p_cause text, p_reason text, p_ts timestamp with time zone, p_until timestamp with time zone DEFAULT NULL::timestamp with time zone) RETURNS text
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_name text;
BEGIN
    SELECT a.name INTO v_name FROM trading.account a WHERE a.book_id = p_book_id;
    INSERT INTO risk.state_event (book_id, scope_kind, scope_key, state_before, state_after, cause, reason, until_ts, ts)
    VALUES (p_book_id, 'book', v_name, risk._state(p_book_id), p_state_after, p_cause, p_reason, p_until, p_ts);
    RETURN p_state_after;
END
$$;


ALTER FUNCTION risk._transition(p_book_id integer, p_state_after text, p_cause text, p_reason text, p_ts timestamp with time zone, p_until timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION _transition(p_book_id integer, p_state_after text, p_cause text, p_reason text, p_ts timestamp with time zone, p_until timestamp with time zone); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk._transition(p_book_id integer, p_state_after text, p_cause text, p_reason text, p_ts timestamp with time zone, p_until timestamp with time zone) IS 'Internal: records a move of a book''s risk state from its current state, with its cause, reason, business time and earliest lift time (PD020 when the move is not legal).';


--
-- Name: _treasury_budget(integer, timestamp with time zone, jsonb, text, text, text, numeric, numeric, numeric, numeric, numeric, numeric); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk._treasury_budget(p_book_id integer, p_ts timestamp with time zone, p_limits jsonb, p_symbol text, p_cluster text, p_quote text, p_equity numeric, p_notional numeric, p_inst_after numeric, p_clus_after numeric, p_quote_after numeric, p_port_after numeric) RETURNS TABLE(reasons text[], caps jsonb)
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_scale numeric;
    v_order numeric;
    v_inst  numeric;
    v_clus  numeric;
    v_quote numeric;
    v_port  numeric;
BEGIN
    SELECT s.budget_scale INTO v_scale FROM portfolio.treasury_status s
     WHERE s.book_id = p_book_id AND s.window_days > 1 AND s.period_to <= p_ts
     ORDER BY s.seq DESC LIMIT 1;
    IF v_scale IS NULL OR v_scale >= 1 THEN
        RETURN QUERY SELECT '{}'::text[], '{}'::jsonb;
        RETURN;
    END IF;
    v_order := v_scale * risk.cap(p_limits, 'max_order_notional', p_symbol, p_equity);
    v_inst := v_scale * risk.cap(p_limits, 'max_instrument_exposure', p_symbol, p_equity);
    v_clus := v_scale * risk.cap(p_limits, 'max_cluster_exposure', p_cluster, p_equity);
    v_quote := v_scale * risk.cap(p_limits, 'max_quote_exposure', p_quote, p_equity);
    v_port := v_scale * coalesce(risk.cap(p_limits, 'max_portfolio_exposure', '*', p_equity), p_equity);
    RETURN QUERY SELECT
        CASE WHEN p_notional > v_order OR p_inst_after > v_inst OR p_clus_after > v_clus OR p_quote_after > v_quote
                  OR p_port_after > v_port
             THEN ARRAY['treasury_budget_cut']::text[] ELSE '{}'::text[] END,
        jsonb_build_object('treasury_budget_scale', v_scale,
                           'treasury_budget', jsonb_build_object('order_notional', v_order, 'instrument', v_inst,
                                                                 'cluster', v_clus, 'quote', v_quote, 'portfolio', v_port));
END
$$;


ALTER FUNCTION risk._treasury_budget(p_book_id integer, p_ts timestamp with time zone, p_limits jsonb, p_symbol text, p_cluster text, p_quote text, p_equity numeric, p_notional numeric, p_inst_after numeric, p_clus_after numeric, p_quote_after numeric, p_port_after numeric) OWNER TO predator_owner;

--
-- Name: FUNCTION _treasury_budget(p_book_id integer, p_ts timestamp with time zone, p_limits jsonb, p_symbol text, p_cluster text, p_quote text, p_equity numeric, p_notional numeric, p_inst_after numeric, p_clus_after numeric, p_quote_after numeric, p_port_after numeric); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk._treasury_budget(p_book_id integer, p_ts timestamp with time zone, p_limits jsonb, p_symbol text, p_cluster text, p_quote text, p_equity numeric, p_notional numeric, p_inst_after numeric, p_clus_after numeric, p_quote_after numeric, p_port_after numeric) IS 'Internal (admission): under a treasury risk-budget cut (the latest rolling treasury status''s budget_scale below 1) an entry''s order notional and exposures after it must stay within the scaled caps (the portfolio''s within the scaled max_portfolio_exposure, or equity when unset); reason treasury_budget_cut above any.';


--
-- Name: _trip(integer, text, timestamp with time zone, numeric, numeric, text, jsonb); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk._trip(p_book_id integer, p_breaker text, p_ts timestamp with time zone, p_value numeric, p_threshold numeric, p_scope text, p_figures jsonb) RETURNS boolean
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_acct     trading.account;
    v_key      text;
    v_book     integer;
    v_incident bigint;
    v_category text;
BEGIN
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = p_book_id;
    -- Issue 13 (docs/risk.md): in a live lane every breaker halts globally; in a paper lane a breaker of
    -- account scope pauses the book's entries (risk state reducing) until it clears; shadow_divergence (a
    -- shadow that decides differently from its reference: a defect, not a market condition) still halts.
    IF v_acct.lane <> 'paper' THEN
        p_scope := 'global';
    ELSIF p_scope = 'account' AND p_breaker <> 'shadow_divergence' THEN
        RETURN risk._breaker_pause(p_book_id, p_breaker, p_ts, p_value, p_threshold, p_figures);
    END IF;
    v_key := CASE p_scope WHEN 'global' THEN '*' WHEN 'lane' THEN v_acct.lane ELSE v_acct.name END;
    v_book := CASE p_scope WHEN 'account' THEN p_book_id ELSE 0 END;
    IF coalesce((SELECT h.active FROM risk.halt_state h WHERE h.scope_kind = p_scope AND h.scope_key = v_key), false) THEN
        IF p_breaker = 'reconciliation_desync' AND p_figures ? 'incident' THEN
            -- api.reconcile halts globally (with its own incident) before it evaluates this breaker: the trip is
            -- still recorded, linked to that incident, like every other breaker's.
            INSERT INTO risk.breaker_trip (book_id, breaker, ts, value, threshold, trip_scope, figures, incident_seq)
            VALUES (p_book_id, p_breaker, p_ts, p_value, p_threshold, p_scope, p_figures, (p_figures ->> 'incident')::bigint);
            RETURN true;
        END IF;
        RETURN false;
    END IF;
    v_category := CASE p_breaker
        WHEN 'api_error_rate' THEN 'infrastructure' WHEN 'connectivity_loss' THEN 'infrastructure'
        WHEN 'venue_fatal_error' THEN 'infrastructure' WHEN 'worker_rss_mb' THEN 'infrastructure'
        WHEN 'stale_data_hours' THEN 'data'
        WHEN 'flat_feed_hours' THEN 'data' WHEN 'bar_outlier_pct' THEN 'data' WHEN 'orders_per_hour' THEN 'model'
        ELSE 'execution' END;
    v_incident := ops._open_incident(p_book_id, CASE p_scope WHEN 'global' THEN 1 ELSE 2 END, v_category,
        p_scope || ':' || v_key,
        format('circuit breaker %s tripped on %s', p_breaker, v_acct.name),
        format('%s = %s reached the threshold %s; trading halted at %s scope %s', p_breaker, round(p_value, 8),
               p_threshold, p_scope, v_key),
        jsonb_build_object('breaker', p_breaker, 'figures', p_figures, 'hours', jsonb_build_array(p_ts)), p_ts, 'system');
    INSERT INTO risk.breaker_trip (book_id, breaker, ts, value, threshold, trip_scope, figures, incident_seq)
    VALUES (p_book_id, p_breaker, p_ts, p_value, p_threshold, p_scope, p_figures, v_incident);
    PERFORM risk._set_halt(p_scope, v_key, v_book, 'halt',
        format('circuit breaker %s: %s reached %s (incident %s of account %s)', p_breaker, round(p_value, 8), p_threshold,
               v_incident, v_acct.name), 'system', p_ts, v_incident);
    RETURN true;
END
$$;


ALTER FUNCTION risk._trip(p_book_id integer, p_breaker text, p_ts timestamp with time zone, p_value numeric, p_threshold numeric, p_scope text, p_figures jsonb) OWNER TO predator_owner;

--
-- Name: FUNCTION _trip(p_book_id integer, p_breaker text, p_ts timestamp with time zone, p_value numeric, p_threshold numeric, p_scope text, p_figures jsonb); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk._trip(p_book_id integer, p_breaker text, p_ts timestamp with time zone, p_value numeric, p_threshold numeric, p_scope text, p_figures jsonb) IS 'Internal: a circuit breaker tripped: records the trip and its figures, opens an incident and halts at the breaker''s scope (no-op when that scope is already halted).';


--
-- Name: _volatility_cap(text, text, timestamp with time zone, jsonb, numeric, numeric); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk._volatility_cap(p_venue text, p_symbol text, p_ts timestamp with time zone, p_limits jsonb, p_equity numeric, p_position_after numeric) RETURNS TABLE(reasons text[], caps jsonb)
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_target  numeric := risk.cap(p_limits, 'vol_target', p_symbol, 1);
    v_window  integer := coalesce(risk.cap(p_limits, 'vol_window_hours', p_symbol, NULL), 168)::integer;
    v_sigma   numeric;
    v_returns integer;
    v_cap     numeric;
BEGIN
    IF v_target IS NULL THEN
        RETURN QUERY SELECT '{}'::text[], '{}'::jsonb;
        RETURN;
    END IF;
    SELECT v.sigma, v.returns INTO v_sigma, v_returns FROM risk.realized_volatility(p_venue, p_symbol, p_ts, v_window) v;
    IF v_sigma > 0 THEN
        v_cap := round(p_equity * v_target / (v_sigma * sqrt(8760::numeric)), 8);
    END IF;
    RETURN QUERY SELECT
        CASE WHEN v_returns < greatest(2, ceil(v_window / 2.0)) OR p_position_after > v_cap
             THEN ARRAY['volatility_cap']::text[] ELSE '{}'::text[] END,
        jsonb_build_object('vol_target', v_target, 'volatility', v_sigma, 'volatility_returns', v_returns,
                           'volatility_cap', v_cap);
END
$$;


ALTER FUNCTION risk._volatility_cap(p_venue text, p_symbol text, p_ts timestamp with time zone, p_limits jsonb, p_equity numeric, p_position_after numeric) OWNER TO predator_owner;

--
-- Name: FUNCTION _volatility_cap(p_venue text, p_symbol text, p_ts timestamp with time zone, p_limits jsonb, p_equity numeric, p_position_after numeric); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk._volatility_cap(p_venue text, p_symbol text, p_ts timestamp with time zone, p_limits jsonb, p_equity numeric, p_position_after numeric) IS 'Internal (admission): the volatility-target cap of a position, equity × vol_target / annualised realized volatility of hourly log returns; reason volatility_cap above it or without enough returns; no reason and no figures without vol_target.';


--
-- Name: _window_hours(integer, text); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk._window_hours(p_book_id integer, p_breaker text) RETURNS interval
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_acct trading.account;
    v_hours integer;
BEGIN
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = p_book_id;
    SELECT b.window_hours INTO v_hours FROM risk._breaker(v_acct.lane, v_acct.name, p_breaker) b;
    RETURN make_interval(hours => coalesce(v_hours, 1));
END
$$;


ALTER FUNCTION risk._window_hours(p_book_id integer, p_breaker text) OWNER TO predator_owner;

--
-- Name: FUNCTION _window_hours(p_book_id integer, p_breaker text); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk._window_hours(p_book_id integer, p_breaker text) IS 'Internal: look-back window of a breaker for an account.';


--
-- Name: arbitration_rule(text); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk.arbitration_rule(p_profile text) RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    RETURN coalesce((SELECT s.rule FROM risk.arbitration_setting s WHERE s.profile = p_profile
                      ORDER BY s.revision DESC LIMIT 1), 'refuse_both');
END
$$;


ALTER FUNCTION risk.arbitration_rule(p_profile text) OWNER TO predator_owner;

--
-- Name: FUNCTION arbitration_rule(p_profile text); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk.arbitration_rule(p_profile text) IS 'The arbitration rule in force for a risk profile: refuse_both (default), priority or net.';


--
-- Name: cap(jsonb, text, text, numeric); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk.cap(p_limits jsonb, p_limit text, p_scope text, p_base numeric) RETURNS numeric
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT CASE s->>'mode'
               WHEN 'pct' THEN (s->>'value')::numeric / 100 * p_base
               ELSE (s->>'value')::numeric
           END
      FROM (SELECT coalesce(p_limits -> p_limit -> p_scope, p_limits -> p_limit -> '*') AS s) x
$$;


ALTER FUNCTION risk.cap(p_limits jsonb, p_limit text, p_scope text, p_base numeric) OWNER TO predator_owner;

--
-- Name: FUNCTION cap(p_limits jsonb, p_limit text, p_scope text, p_base numeric); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk.cap(p_limits jsonb, p_limit text, p_scope text, p_base numeric) IS 'Resolves a limit for a scope key (falling back to *) into an amount: pct of p_base, or the absolute value; NULL when disabled.';


--
-- Name: current_limits(text); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk.current_limits(p_profile text) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    RETURN (SELECT coalesce(jsonb_object_agg(x.limit_name, x.scopes), '{}'::jsonb)
      FROM (SELECT l.limit_name, jsonb_object_agg(l.scope, jsonb_build_object('mode', l.mode, 'value', l.value)) AS scopes
              FROM (SELECT DISTINCT ON (s.limit_name, s.scope) s.limit_name, s.scope, s.mode, s.value
                      FROM risk.limit_setting s
                     WHERE s.profile = p_profile
                     ORDER BY s.limit_name, s.scope, s.revision DESC) l
             GROUP BY l.limit_name) x);
END
$$;


ALTER FUNCTION risk.current_limits(p_profile text) OWNER TO predator_owner;

--
-- Name: FUNCTION current_limits(p_profile text); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk.current_limits(p_profile text) IS 'Current limits of a risk profile as jsonb {limit: {scope: {mode, value}}}; the highest revision of each (limit, scope) wins.';


--
-- Name: normal_cdf(numeric); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk.normal_cdf(p_x numeric) RETURNS numeric
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    SELECT round(CASE WHEN p_x >= 0 THEN 1 - q ELSE q END, 9)
      FROM (SELECT exp(-least(x * x, 1400) / 2) / 2.506628274631000502 * t
                   * (0.319381530 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429)))) AS q
              FROM (SELECT abs(p_x) AS x, 1 / (1 + 0.2316419 * abs(p_x)) AS t) a) b
$$;


ALTER FUNCTION risk.normal_cdf(p_x numeric) OWNER TO predator_owner;

--
-- Name: FUNCTION normal_cdf(p_x numeric); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk.normal_cdf(p_x numeric) IS 'Standard normal distribution function Φ(x) in numeric (Abramowitz & Stegun 26.2.17, error < 7.5e-8), rounded to 9 places.';


--
-- Name: pool_enabled(text, text); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk.pool_enabled(p_lane text, p_pool text) RETURNS boolean
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    RETURN coalesce((SELECT s.enabled FROM risk.lane_pool_setting s WHERE s.lane = p_lane AND s.pool = p_pool
                      ORDER BY s.revision DESC LIMIT 1), false);
END
$$;


ALTER FUNCTION risk.pool_enabled(p_lane text, p_pool text) OWNER TO predator_owner;

--
-- Name: FUNCTION pool_enabled(p_lane text, p_pool text); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk.pool_enabled(p_lane text, p_pool text) IS 'Whether a lane enables a capital pool (the latest risk.lane_pool_setting revision; false without one).';


--
-- Name: realized_volatility(text, text, timestamp with time zone, integer); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk.realized_volatility(p_venue text, p_symbol text, p_at timestamp with time zone, p_hours integer) RETURNS TABLE(sigma numeric, returns integer)
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    SET plan_cache_mode TO 'force_generic_plan'
    AS $$
BEGIN
    RETURN QUERY
    SELECT round(stddev_samp(r.lr), 12), count(r.lr)::integer
      FROM (SELECT ln(b.close / lag(b.close) OVER w) AS lr, b.ts - lag(b.ts) OVER w AS gap
              FROM (SELECT DISTINCT ON (c.ts) c.ts, c.close
                      FROM market.candle c
                     WHERE c.venue = p_venue AND c.symbol = p_symbol AND c.interval = '1h'
                       AND c.ts <= p_at - interval '1 hour'
                       AND c.ts > p_at - (p_hours + 2) * interval '1 hour'
                     ORDER BY c.ts, c.revision DESC) b
            WINDOW w AS (ORDER BY b.ts)) r
     WHERE r.gap = interval '1 hour';
END
$$;


ALTER FUNCTION risk.realized_volatility(p_venue text, p_symbol text, p_at timestamp with time zone, p_hours integer) OWNER TO predator_owner;

--
-- Name: FUNCTION realized_volatility(p_venue text, p_symbol text, p_at timestamp with time zone, p_hours integer); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk.realized_volatility(p_venue text, p_symbol text, p_at timestamp with time zone, p_hours integer) IS 'Sample standard deviation of hourly log returns of the 1h bars closed by p_at over the last p_hours hours (per hour, 12 places) and the number of returns; sigma NULL below 2 returns.';


--
-- Name: strategy_figures(integer, text, timestamp with time zone); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk.strategy_figures(p_book_id integer, p_strategy text, p_ts timestamp with time zone) RETURNS TABLE(pool text, position_value numeric, open_buy_notional numeric, realized_pnl numeric, unrealized_pnl numeric, pnl numeric, day_start_pnl numeric, daily_pnl numeric, peak_pnl numeric, drawdown numeric)
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_venue  text;
    v_rep    text;  -- the reporting currency
    v_pool   text;
    v_value  numeric;
    v_cost   numeric;
    v_flow   numeric;
    v_open   numeric;
    v_pnl    numeric;
    v_day    numeric;
    v_peak   numeric;
BEGIN
    SELECT a.venue, a.base_currency INTO v_venue, v_rep FROM trading.account a WHERE a.book_id = p_book_id;
    SELECT s.pool INTO v_pool FROM trading.strategy s WHERE s.book_id = p_book_id AND s.strategy = p_strategy;
    WITH f AS (
        SELECT f.symbol,
               sum(CASE WHEN f.side = 'buy' THEN f.quantity ELSE -f.quantity END
                   - CASE WHEN f.fee_currency = split_part(f.symbol, '/', 1) THEN f.fee ELSE 0 END) AS qty,
               sum(CASE WHEN f.side = 'buy' THEN -f.quantity * f.price ELSE f.quantity * f.price END
                   - CASE WHEN f.fee = 0 OR f.fee_currency = split_part(f.symbol, '/', 1) THEN 0
                          WHEN f.fee_currency = split_part(f.symbol, '/', 2) THEN f.fee
                          ELSE trading._fee_in_quote(v_venue, f.symbol, f.fee, f.fee_currency, f.price, f.ts) END) AS flow,
               sum(f.quantity) FILTER (WHERE f.side = 'buy') AS buy_qty,
               sum(f.quantity * f.price) FILTER (WHERE f.side = 'buy') AS buy_notional
          FROM trading.fill f
          JOIN trading.order_request r ON r.client_order_id = f.client_order_id
         WHERE f.book_id = p_book_id AND r.book_id = p_book_id AND r.strategy = p_strategy AND f.ts <= p_ts
           -- a fill voided by p_ts (api.void_fill: the venue never made it) holds nothing
           AND NOT EXISTS (SELECT FROM trading.fill_void v WHERE v.book_id = f.book_id AND v.symbol = f.symbol
                              AND v.venue_trade_id = f.venue_trade_id AND v.ts <= p_ts)
         GROUP BY f.symbol),
    m AS (
        SELECT k.symbol, k.close FROM market.marks(v_venue, ARRAY(SELECT f.symbol FROM f WHERE f.qty > 0), p_ts) k)
    -- Multi-currency books (issue 13 item 6): each symbol's figures in the reporting currency at p_ts
    -- (portfolio._to_reporting: as they are in a book trading in its reporting currency only).
    SELECT coalesce(sum(portfolio._to_reporting(v_venue, v_rep, split_part(f.symbol, '/', 2),
                            CASE WHEN f.qty > 0 THEN f.qty * coalesce(m.close, f.buy_notional / f.buy_qty) ELSE 0 END, p_ts)), 0),
           coalesce(sum(portfolio._to_reporting(v_venue, v_rep, split_part(f.symbol, '/', 2),
                            CASE WHEN f.qty > 0 THEN f.qty * f.buy_notional / f.buy_qty ELSE 0 END, p_ts)), 0),
           coalesce(sum(portfolio._to_reporting(v_venue, v_rep, split_part(f.symbol, '/', 2), f.flow, p_ts)), 0)
      INTO v_value, v_cost, v_flow
      FROM f LEFT JOIN m ON m.symbol = f.symbol;
    -- Open buys as of p_ts (not as of now): decided by p_ts and not closed by a terminal event dated by p_ts, the
    -- quantity remaining after the fills dated by p_ts — the same rows gate 17 re-derives, so a buy filled or
    -- cancelled after p_ts still counts for another entry decided at p_ts. In the reporting currency at p_ts.
    SELECT coalesce(sum(portfolio._to_reporting(v_venue, v_rep, split_part(r.symbol, '/', 2),
                        (r.quantity - coalesce((SELECT sum(f.quantity) FROM trading.fill f
                                                 WHERE f.book_id = r.book_id AND f.client_order_id = r.client_order_id
                                                   AND f.ts <= p_ts), 0))
                        * coalesce(r.limit_price, r.decision_price), p_ts)), 0) INTO v_open
      FROM trading.order_request r
     WHERE r.book_id = p_book_id AND r.strategy = p_strategy AND r.side = 'buy' AND r.ts <= p_ts
       -- Candidates, so that the cost does not grow with the book's history: an order without a terminal event
       -- dated by p_ts either has no terminal event at all (its status, the status_after of its latest event,
       -- is still new, open or partially_filled: terminal states are final, and every order request is created
       -- with its 'created' event) or has an event dated after p_ts. The test below then decides, as before.
       AND r.client_order_id IN (SELECT s.client_order_id FROM trading.order_state s
                                  WHERE s.book_id = p_book_id AND s.status IN ('new', 'open', 'partially_filled')
                                 UNION
                                 SELECT e.client_order_id FROM trading.order_event e
                                  WHERE e.book_id = p_book_id AND e.ts > p_ts)
       AND NOT EXISTS (SELECT FROM trading.order_event v
                        WHERE v.book_id = r.book_id AND v.client_order_id = r.client_order_id
                          AND v.status_after IN ('filled', 'canceled', 'rejected', 'expired') AND v.ts <= p_ts);
    v_pnl := v_flow + v_value;
    SELECT h.pnl INTO v_day FROM portfolio.strategy_hour h
     WHERE h.book_id = p_book_id AND h.strategy = p_strategy
       AND h.hour <= date_trunc('day', p_ts - interval '1 second', 'UTC')
     ORDER BY h.hour DESC LIMIT 1;
    SELECT h.peak_pnl INTO v_peak FROM portfolio.strategy_hour h
     WHERE h.book_id = p_book_id AND h.strategy = p_strategy AND h.hour < p_ts
     ORDER BY h.hour DESC LIMIT 1;
    v_day := coalesce(v_day, 0);
    v_peak := greatest(coalesce(v_peak, 0), v_pnl);
    RETURN QUERY SELECT v_pool, v_value, v_open, v_pnl - (v_value - v_cost), v_value - v_cost, v_pnl, v_day,
                        v_pnl - v_day, v_peak, v_peak - v_pnl;
END
$$;


ALTER FUNCTION risk.strategy_figures(p_book_id integer, p_strategy text, p_ts timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION strategy_figures(p_book_id integer, p_strategy text, p_ts timestamp with time zone); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk.strategy_figures(p_book_id integer, p_strategy text, p_ts timestamp with time zone) IS 'A strategy''s own figures at business time p_ts from its own fills, marked at the last closed bars, in the reporting currency (base currency; other quotes converted at p_ts): pool, position value, open buy notional, realized and unrealized PnL, PnL, day-start PnL, daily PnL, peak PnL and drawdown (amount). The one computation admission, the hour close and the gates use.';


--
-- Name: tg_state_event__apply(); Type: FUNCTION; Schema: risk; Owner: predator_owner
--

CREATE FUNCTION risk.tg_state_event__apply() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_cur risk.state_current;
    v_brk text := CASE WHEN NEW.cause LIKE 'breaker:%' THEN substr(NEW.cause, 9) END;
    v_hold text := CASE WHEN NEW.state_after = 'reducing' AND NEW.until_ts IS NULL AND NEW.cause NOT LIKE 'breaker:%'
                        THEN NEW.cause END;
BEGIN
    IF NEW.scope_kind = 'strategy' AND NOT EXISTS (SELECT FROM trading.strategy s
                                                    WHERE s.book_id = NEW.book_id AND s.strategy = NEW.scope_key) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD020',
            MESSAGE = format('risk state of strategy %s refused: not a strategy of book %s', NEW.scope_key, NEW.book_id),
            HINT = 'A strategy''s risk state moves only for a strategy registered on the book (api.register_strategy).';
    END IF;
    SELECT * INTO v_cur FROM risk.state_current c
     WHERE c.book_id = NEW.book_id AND c.scope_kind = NEW.scope_kind AND c.scope_key = NEW.scope_key
       FOR UPDATE;
    IF NEW.state_before IS DISTINCT FROM coalesce(v_cur.state, 'normal')
       OR NOT EXISTS (SELECT FROM risk.state_transition t
                       WHERE t.state_before = NEW.state_before AND t.state_after = NEW.state_after) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD020',
            MESSAGE = format('risk state of %s %s: move %s -> %s (%s) refused', NEW.scope_kind, NEW.scope_key,
                             NEW.state_before, NEW.state_after, NEW.cause),
            DETAIL = format('current_state=%s', coalesce(v_cur.state, 'normal')),
            HINT = 'Only the moves of risk.state_transition (docs/risk.md) from the current state are accepted.';
    END IF;
    INSERT INTO risk.state_current AS c (book_id, scope_kind, scope_key, state, cause, since_ts, until_ts, breaker, last_breach, hold)
    VALUES (NEW.book_id, NEW.scope_kind, NEW.scope_key, NEW.state_after, NEW.cause, NEW.ts, NEW.until_ts, v_brk,
            CASE WHEN v_brk IS NOT NULL THEN NEW.ts END, v_hold)
    ON CONFLICT (book_id, scope_kind, scope_key) DO UPDATE
        SET state = EXCLUDED.state, cause = EXCLUDED.cause, since_ts = EXCLUDED.since_ts,
            until_ts = CASE WHEN c.state = EXCLUDED.state THEN greatest(c.until_ts, EXCLUDED.until_ts) ELSE EXCLUDED.until_ts END,
            breaker = CASE WHEN EXCLUDED.breaker IS NOT NULL THEN EXCLUDED.breaker
                           WHEN c.state = EXCLUDED.state THEN c.breaker END,
            last_breach = CASE WHEN EXCLUDED.breaker IS NOT NULL THEN greatest(c.last_breach, EXCLUDED.last_breach)
                               WHEN c.state = EXCLUDED.state THEN c.last_breach END,
            hold = CASE WHEN EXCLUDED.state <> 'reducing' THEN NULL
                        WHEN c.state = EXCLUDED.state THEN coalesce(c.hold, EXCLUDED.hold) ELSE EXCLUDED.hold END;
    RETURN NEW;
END
$$;


ALTER FUNCTION risk.tg_state_event__apply() OWNER TO predator_owner;

--
-- Name: FUNCTION tg_state_event__apply(); Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON FUNCTION risk.tg_state_event__apply() IS 'Risk state machine: a move must start from the book''s current state and be a row of risk.state_transition (PD020), a strategy scope names a registered strategy; keeps risk.state_current (with the operator hold of a reducing state).';


--
-- Name: _account(text); Type: FUNCTION; Schema: trading; Owner: predator_owner
--

CREATE FUNCTION trading._account(p_account text) RETURNS trading.account
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v trading.account;
BEGIN
    SELECT * INTO v FROM trading.account a WHERE a.name = p_account;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011',
            MESSAGE = format('unknown account %L', p_account),
            HINT = 'Create it with api.create_account (predator account create).';
    END IF;
    RETURN v;
END
$$;


ALTER FUNCTION trading._account(p_account text) OWNER TO predator_owner;

--
-- Name: FUNCTION _account(p_account text); Type: COMMENT; Schema: trading; Owner: predator_owner
--

COMMENT ON FUNCTION trading._account(p_account text) IS 'Internal: the account row for a name, PD011 when unknown.';


--
-- Name: _fee_in_quote(text, text, numeric, text, numeric, timestamp with time zone); Type: FUNCTION; Schema: trading; Owner: predator_owner
--

CREATE FUNCTION trading._fee_in_quote(p_venue text, p_symbol text, p_fee numeric, p_fee_currency text, p_price numeric, p_ts timestamp with time zone) RETURNS numeric
    LANGUAGE plpgsql STABLE
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_quote text := split_part(p_symbol, '/', 2);
    v_mark  numeric;
BEGIN
    IF p_fee = 0 OR p_fee_currency = v_quote THEN
        RETURN p_fee;
    ELSIF p_fee_currency = split_part(p_symbol, '/', 1) THEN
        RETURN p_fee * p_price;
    END IF;
    SELECT m.close INTO v_mark FROM market.marks(p_venue, ARRAY[p_fee_currency || '/' || v_quote], p_ts) m;
    RETURN coalesce(p_fee * v_mark, 0);
END
$$;


ALTER FUNCTION trading._fee_in_quote(p_venue text, p_symbol text, p_fee numeric, p_fee_currency text, p_price numeric, p_ts timestamp with time zone) OWNER TO predator_owner;

--
-- Name: FUNCTION _fee_in_quote(p_venue text, p_symbol text, p_fee numeric, p_fee_currency text, p_price numeric, p_ts timestamp with time zone); Type: COMMENT; Schema: trading; Owner: predator_owner
--

COMMENT ON FUNCTION trading._fee_in_quote(p_venue text, p_symbol text, p_fee numeric, p_fee_currency text, p_price numeric, p_ts timestamp with time zone) IS 'Internal: a fill''s fee in quote: as is in the quote, at the fill price in the base, at the FEE/QUOTE mark by the fill''s time in a third currency (0 without a bar within 7 days).';


--
-- Name: _order_book(text); Type: FUNCTION; Schema: trading; Owner: predator_owner
--

CREATE FUNCTION trading._order_book(p_client_order_id text) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_book integer;
BEGIN
    SELECT r.book_id INTO v_book FROM trading.order_request r WHERE r.client_order_id = p_client_order_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011',
            MESSAGE = format('unknown client order id %L', p_client_order_id),
            HINT = 'Relay venue events only for orders Predator admitted; anything else is a reconciliation incident.';
    END IF;
    PERFORM ops._lock_book(v_book);
    RETURN v_book;
END
$$;


ALTER FUNCTION trading._order_book(p_client_order_id text) OWNER TO predator_owner;

--
-- Name: FUNCTION _order_book(p_client_order_id text); Type: COMMENT; Schema: trading; Owner: predator_owner
--

COMMENT ON FUNCTION trading._order_book(p_client_order_id text) IS 'Internal: book of an order (PD011 when unknown), with the book lock taken.';


--
-- Name: client_order_id(text, text, text, timestamp with time zone, text); Type: FUNCTION; Schema: trading; Owner: predator_owner
--

CREATE FUNCTION trading.client_order_id(p_account text, p_strategy text, p_symbol text, p_ts timestamp with time zone, p_direction text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT 'PD' || left(encode(sha256(convert_to(
    concat_ws('|', p_account, p_strategy, p_symbol, extract(epoch FROM p_ts)::bigint::text, p_direction), 'UTF8')), 'hex'), 30) $$;


ALTER FUNCTION trading.client_order_id(p_account text, p_strategy text, p_symbol text, p_ts timestamp with time zone, p_direction text) OWNER TO predator_owner;

--
-- Name: FUNCTION client_order_id(p_account text, p_strategy text, p_symbol text, p_ts timestamp with time zone, p_direction text); Type: COMMENT; Schema: trading; Owner: predator_owner
--

COMMENT ON FUNCTION trading.client_order_id(p_account text, p_strategy text, p_symbol text, p_ts timestamp with time zone, p_direction text) IS 'Deterministic 32-character client order id: PD + 30 hex digits of sha256(account|strategy|symbol|unix ts|direction).';


--
-- Name: tg_fill__check(); Type: FUNCTION; Schema: trading; Owner: predator_owner
--

CREATE FUNCTION trading.tg_fill__check() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_req trading.order_request;
BEGIN
    SELECT * INTO v_req FROM trading.order_request r WHERE r.client_order_id = NEW.client_order_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011',
            MESSAGE = format('fill %s refused: unknown client order id %s', NEW.venue_trade_id, NEW.client_order_id),
            HINT = 'A fill for an order Predator never sent is a reconciliation incident.';
    END IF;
    IF v_req.book_id <> NEW.book_id OR v_req.symbol <> NEW.symbol OR v_req.side <> NEW.side THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('fill %s refused: it does not match order %s', NEW.venue_trade_id, NEW.client_order_id),
            DETAIL = format('order=%s/%s/%s fill=%s/%s/%s', v_req.book_id, v_req.symbol, v_req.side, NEW.book_id, NEW.symbol, NEW.side),
            HINT = 'Relay the venue''s fill under the order it belongs to.';
    END IF;
    IF NEW.ts < v_req.ts THEN
        RAISE EXCEPTION USING ERRCODE = 'PD013',
            MESSAGE = format('fill %s refused: it precedes its order %s', NEW.venue_trade_id, NEW.client_order_id),
            DETAIL = format('fill_ts=%s order_ts=%s', NEW.ts, v_req.ts),
            HINT = 'Pass the venue''s execution time.';
    END IF;
    IF NEW.fee_currency IS NULL OR (NEW.fee_currency NOT IN (split_part(NEW.symbol, '/', 1), split_part(NEW.symbol, '/', 2))
                                    AND NOT EXISTS (SELECT FROM market.asset a WHERE a.asset = NEW.fee_currency)) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('fill %s refused: fee currency %s is not a known currency', NEW.venue_trade_id, NEW.fee_currency),
            DETAIL = format('symbol=%s fee_currency=%s', NEW.symbol, NEW.fee_currency),
            HINT = 'A fee is paid in the base, the quote, or a third currency listed in market.asset (for example BNB).';
    END IF;
    IF v_req.limit_price IS NOT NULL
       AND ((NEW.side = 'buy' AND NEW.price > v_req.limit_price) OR (NEW.side = 'sell' AND NEW.price < v_req.limit_price)) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD012',
            MESSAGE = format('fill %s refused: price %s is worse than the limit %s of order %s', NEW.venue_trade_id, NEW.price, v_req.limit_price, NEW.client_order_id),
            HINT = 'A limit order never fills through its limit; reconcile with the venue.';
    END IF;
    RETURN NEW;
END
$$;


ALTER FUNCTION trading.tg_fill__check() OWNER TO predator_owner;

--
-- Name: FUNCTION tg_fill__check(); Type: COMMENT; Schema: trading; Owner: predator_owner
--

COMMENT ON FUNCTION trading.tg_fill__check() IS 'Fill sanity: known matching order (PD011/PD012), not before the order (PD013), fee in the base, the quote or a known third currency (PD012), within the limit price (PD012).';


--
-- Name: tg_lot__guard(); Type: FUNCTION; Schema: trading; Owner: predator_owner
--

CREATE FUNCTION trading.tg_lot__guard() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_left numeric;
BEGIN
    IF (to_jsonb(NEW) - 'remaining') IS DISTINCT FROM (to_jsonb(OLD) - 'remaining') OR NEW.remaining IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'PD001',
            MESSAGE = format('update of lot %s/%s refused: only remaining may change, and only downwards', OLD.symbol, OLD.lot_no),
            HINT = 'Lots are consumed by sell fills (api.record_fill); corrections are new rows.';
    END IF;
    IF NEW.remaining > OLD.remaining THEN
        SELECT OLD.quantity
               - coalesce((SELECT sum(a.quantity) FROM trading.lot_allocation a
                            WHERE a.book_id = OLD.book_id AND a.symbol = OLD.symbol AND a.lot_no = OLD.lot_no
                              AND NOT EXISTS (SELECT FROM trading.fill_void v WHERE v.book_id = a.book_id AND v.symbol = a.symbol
                                                 AND v.venue_trade_id = a.venue_trade_id)), 0)
               - coalesce((SELECT sum(v.quantity) FROM trading.fill_void v
                            WHERE v.book_id = OLD.book_id AND v.symbol = OLD.symbol AND v.lot_no = OLD.lot_no), 0)
          INTO v_left;
        IF NEW.remaining <> v_left
           OR NOT EXISTS (SELECT FROM trading.lot_allocation a
                            JOIN trading.fill_void v ON v.book_id = a.book_id AND v.symbol = a.symbol AND v.venue_trade_id = a.venue_trade_id
                           WHERE a.book_id = OLD.book_id AND a.symbol = OLD.symbol AND a.lot_no = OLD.lot_no) THEN
            RAISE EXCEPTION USING ERRCODE = 'PD001',
                MESSAGE = format('update of lot %s/%s refused: remaining may rise only by the void of a sell that consumed it', OLD.symbol, OLD.lot_no),
                DETAIL = format('remaining %s -> %s; quantity less live allocations and voids: %s', OLD.remaining, NEW.remaining, v_left),
                HINT = 'A lot gets quantity back only from api.void_fill of a sell (a fill the venue never made); corrections are new rows.';
        END IF;
    END IF;
    RETURN NEW;
END
$$;


ALTER FUNCTION trading.tg_lot__guard() OWNER TO predator_owner;

--
-- Name: FUNCTION tg_lot__guard(); Type: COMMENT; Schema: trading; Owner: predator_owner
--

COMMENT ON FUNCTION trading.tg_lot__guard() IS 'Lots are append-only except remaining, which only decreases (an allocation, the void of its buy) or rises back to what its live allocations leave when a sell that consumed it is voided (api.void_fill); PD001 otherwise.';


--
-- Name: tg_order_event__apply(); Type: FUNCTION; Schema: trading; Owner: predator_owner
--

CREATE FUNCTION trading.tg_order_event__apply() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_state trading.order_state;
    v_req   trading.order_request;
BEGIN
    IF NEW.kind = 'created' THEN
        SELECT * INTO v_req FROM trading.order_request r WHERE r.client_order_id = NEW.client_order_id;
        INSERT INTO trading.order_state (client_order_id, book_id, symbol, side, quantity, status, filled_qty,
                                         last_event_no, updated_ts)
        VALUES (v_req.client_order_id, v_req.book_id, v_req.symbol, v_req.side, v_req.quantity, 'new', 0, 1, NEW.ts);
        NEW.event_no := 1;
        NEW.status_after := 'new';
        NEW.filled_qty_after := 0;
        RETURN NEW;
    END IF;

    SELECT * INTO v_state FROM trading.order_state s WHERE s.client_order_id = NEW.client_order_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011',
            MESSAGE = format('order event refused: unknown client order id %s', NEW.client_order_id),
            HINT = 'Relay events only for orders admitted by api.submit_signal.';
    END IF;

    NEW.status_before := coalesce(NEW.status_before, v_state.status);
    -- A status may stay the same only on a cancel request or a further partial fill (the table's
    -- new->new, open->open and partially_filled->partially_filled rows; CHECK
    -- status_stays_only_on_request_or_partial_fill is the declarative backstop): a second acknowledgement
    -- of an open order, for example, is an illegal transition, not a malformed row.
    IF NEW.status_before <> v_state.status
       OR NOT EXISTS (SELECT FROM trading.order_transition t
                       WHERE t.status_before = NEW.status_before AND t.status_after = NEW.status_after)
       OR (NEW.status_after = NEW.status_before AND NEW.kind NOT IN ('cancel_requested', 'fill')) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD005',
            MESSAGE = format('order %s: transition %s -> %s (%s) refused', NEW.client_order_id,
                             v_state.status, NEW.status_after, NEW.kind),
            DETAIL = format('current_status=%s requested_status=%s event=%s', v_state.status, NEW.status_after, NEW.kind),
            HINT = 'Only legal transitions of docs/state_machine.md are accepted; terminal states are final.';
    END IF;

    NEW.filled_qty_after := coalesce(NEW.filled_qty_after, v_state.filled_qty);
    IF NEW.filled_qty_after > v_state.quantity THEN
        RAISE EXCEPTION USING ERRCODE = 'PD006',
            MESSAGE = format('order %s: fill refused, filled quantity would exceed the order quantity', NEW.client_order_id),
            DETAIL = format('order_qty=%s filled_before=%s filled_after=%s', v_state.quantity, v_state.filled_qty, NEW.filled_qty_after),
            HINT = 'A venue report that overfills an order is a reconciliation incident, not a fill.';
    END IF;
    IF NEW.filled_qty_after < v_state.filled_qty
       OR (NEW.kind = 'fill' AND NEW.filled_qty_after = v_state.filled_qty)
       OR (NEW.kind <> 'fill' AND NEW.filled_qty_after <> v_state.filled_qty) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD006',
            MESSAGE = format('order %s: event %s refused, filled quantity may only grow, and only by a fill', NEW.client_order_id, NEW.kind),
            DETAIL = format('filled_before=%s filled_after=%s', v_state.filled_qty, NEW.filled_qty_after),
            HINT = 'Record executions with api.record_fill.';
    END IF;
    IF NEW.ts < v_state.updated_ts THEN
        RAISE EXCEPTION USING ERRCODE = 'PD013',
            MESSAGE = format('order %s: event %s refused, it precedes the order''s last event', NEW.client_order_id, NEW.kind),
            DETAIL = format('event_ts=%s last_event_ts=%s', NEW.ts, v_state.updated_ts),
            HINT = 'Pass the venue''s event time; business time never goes backwards.';
    END IF;

    NEW.event_no := v_state.last_event_no + 1;
    UPDATE trading.order_state s
       SET status = NEW.status_after,
           filled_qty = NEW.filled_qty_after,
           last_event_no = NEW.event_no,
           venue_order_id = coalesce(NEW.venue_order_id, s.venue_order_id),
           cancel_requested = s.cancel_requested OR NEW.kind = 'cancel_requested',
           updated_ts = NEW.ts
     WHERE s.client_order_id = NEW.client_order_id;
    RETURN NEW;
END
$$;


ALTER FUNCTION trading.tg_order_event__apply() OWNER TO predator_owner;

--
-- Name: FUNCTION tg_order_event__apply(); Type: COMMENT; Schema: trading; Owner: predator_owner
--

COMMENT ON FUNCTION trading.tg_order_event__apply() IS 'Order state machine: applies each order event to trading.order_state; PD005 illegal transition, PD006 overfill, PD013 time going backwards.';


--
-- Name: tg_order_request__check(); Type: FUNCTION; Schema: trading; Owner: predator_owner
--

CREATE FUNCTION trading.tg_order_request__check() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_acct   trading.account;
    v_halts  text[];
BEGIN
    SELECT * INTO v_acct FROM trading.account a WHERE a.book_id = NEW.book_id;
    IF NOT EXISTS (SELECT FROM market.instrument i WHERE i.venue = v_acct.venue AND i.symbol = NEW.symbol) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD011',
            MESSAGE = format('order refused: %s is not an instrument of venue %s', NEW.symbol, v_acct.venue),
            HINT = 'Load the venue''s markets (predator data markets) or fix the symbol.';
    END IF;
    IF NEW.origin = 'signal' OR NOT NEW.reduce_only THEN
        v_halts := risk._active_halts(v_acct.name, v_acct.lane, NEW.strategy);
        IF cardinality(v_halts) > 0 THEN
            RAISE EXCEPTION USING ERRCODE = 'PD008',
                MESSAGE = format('order %s refused: trading is halted (%s)', NEW.client_order_id, array_to_string(v_halts, ', ')),
                HINT = 'An operator lifts a halt with api.resume(reason) after inspection; nothing resumes by itself.';
        END IF;
    END IF;
    RETURN NEW;
END
$$;


ALTER FUNCTION trading.tg_order_request__check() OWNER TO predator_owner;

--
-- Name: FUNCTION tg_order_request__check(); Type: COMMENT; Schema: trading; Owner: predator_owner
--

COMMENT ON FUNCTION trading.tg_order_request__check() IS 'Refuses any order request created while a halt covers it (PD008), except reduce-only kill-switch or risk-flatten exits, and orders on unknown instruments (PD011).';


--
-- Name: tg_round_trip__check(); Type: FUNCTION; Schema: trading; Owner: predator_owner
--

CREATE FUNCTION trading.tg_round_trip__check() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
BEGIN
    IF EXISTS (SELECT FROM trading.round_trip r
                WHERE r.book_id = NEW.book_id AND r.symbol = NEW.symbol AND r.trip_no = NEW.trip_no
                  AND NOT EXISTS (SELECT FROM trading.fill_void v WHERE v.book_id = r.book_id AND v.round_trip_seq = r.seq)) THEN
        RAISE EXCEPTION USING ERRCODE = 'PD001',
            MESSAGE = format('round trip %s of %s refused: that trip is already closed', NEW.trip_no, NEW.symbol),
            HINT = 'A trip closes once; only a void of the sell that closed it (api.void_fill) opens it again.';
    END IF;
    RETURN NEW;
END
$$;


ALTER FUNCTION trading.tg_round_trip__check() OWNER TO predator_owner;

--
-- Name: FUNCTION tg_round_trip__check(); Type: COMMENT; Schema: trading; Owner: predator_owner
--

COMMENT ON FUNCTION trading.tg_round_trip__check() IS 'One round trip per book, symbol and trip number besides those a void of their closing sell took back (trading.fill_void.round_trip_seq); PD001 otherwise.';


--
-- Name: accounts; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.accounts AS
 SELECT a.book_id,
    a.name,
    a.mode,
    a.venue,
    a.base_currency,
    a.lane,
    a.initial_principal,
    a.risk_profile,
    a.created_at
   FROM trading.account a;


ALTER TABLE api.accounts OWNER TO predator_owner;

--
-- Name: VIEW accounts; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.accounts IS 'Trading accounts (books): mode, venue, base currency, lane, initial principal, risk profile.';


--
-- Name: alert_attempt; Type: TABLE; Schema: ops; Owner: predator_owner
--

CREATE TABLE ops.alert_attempt (
    alert_seq bigint NOT NULL,
    channel text NOT NULL,
    attempt integer NOT NULL,
    ts timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    ok boolean NOT NULL,
    status text NOT NULL,
    error text,
    duplicate_of bigint,
    actor text DEFAULT SESSION_USER NOT NULL,
    CONSTRAINT alert_attempt_is_positive CHECK ((attempt > 0)),
    CONSTRAINT alert_attempt_ts_is_finite CHECK (((ts > '-infinity'::timestamp with time zone) AND (ts < 'infinity'::timestamp with time zone))),
    CONSTRAINT alert_channel_is_a_name CHECK ((channel ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'::text)),
    CONSTRAINT alert_duplicate_names_its_original CHECK (((status = 'deduplicated'::text) = (duplicate_of IS NOT NULL))),
    CONSTRAINT alert_error_is_bounded CHECK ((length(error) <= 2000)),
    CONSTRAINT alert_ok_means_delivered CHECK ((ok = (status = ANY (ARRAY['delivered'::text, 'deduplicated'::text])))),
    CONSTRAINT alert_status_is_known CHECK ((status = ANY (ARRAY['delivered'::text, 'retry'::text, 'failed'::text, 'deduplicated'::text])))
);


ALTER TABLE ops.alert_attempt OWNER TO predator_owner;

--
-- Name: TABLE alert_attempt; Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON TABLE ops.alert_attempt IS 'Every delivery attempt of an alert on a notifier channel (api.record_alert_attempt): ok, status delivered | retry | failed (the attempt that reached alert_max_attempts: the alert is given up on that channel, and that is visible here and in api.alerts) | deduplicated (duplicate_of: the alert of the same key delivered within the window), the error masked (no password or token). At most one outcome other than retry per alert and channel. Append-only.';


--
-- Name: alert_outbox; Type: TABLE; Schema: ops; Owner: predator_owner
--

CREATE TABLE ops.alert_outbox (
    seq bigint NOT NULL,
    ts timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    business_ts timestamp with time zone,
    category text NOT NULL,
    severity text NOT NULL,
    book_id integer,
    account text,
    dedup_key text NOT NULL,
    title text NOT NULL,
    payload jsonb DEFAULT '{}'::jsonb NOT NULL,
    source_table text NOT NULL,
    source_key text NOT NULL,
    CONSTRAINT alert_category_is_known CHECK ((category = ANY (ARRAY['halt'::text, 'resume'::text, 'kill_switch'::text, 'breaker'::text, 'stale_feed'::text, 'risk_breach'::text, 'withdrawal'::text, 'reconciliation_mismatch'::text, 'treasury_deficit'::text]))),
    CONSTRAINT alert_dedup_key_is_given CHECK ((length(btrim(dedup_key)) > 0)),
    CONSTRAINT alert_outbox_business_ts_is_finite CHECK (((business_ts > '-infinity'::timestamp with time zone) AND (business_ts < 'infinity'::timestamp with time zone))),
    CONSTRAINT alert_outbox_ts_is_finite CHECK (((ts > '-infinity'::timestamp with time zone) AND (ts < 'infinity'::timestamp with time zone))),
    CONSTRAINT alert_severity_is_known CHECK ((severity = ANY (ARRAY['critical'::text, 'warning'::text, 'info'::text]))),
    CONSTRAINT alert_title_is_given CHECK ((length(btrim(title)) > 0))
);


ALTER TABLE ops.alert_outbox OWNER TO predator_owner;

--
-- Name: TABLE alert_outbox; Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON TABLE ops.alert_outbox IS 'Transactional outbox of alerts (issue 16 item 5): one row per alertable event (halt, resume, kill switch, breaker trip, stale feed, risk breach, withdrawal, reconciliation turning dirty, rolling surplus turning negative), appended by the AFTER INSERT triggers of the tables recording it (ops.tg_alert__enqueue) in the same transaction. ts: wall time; business_ts: the event''s business time when it has one; book_id/account: NULL for global and lane events; dedup_key: events that are one alert for a person; source_table/source_key: the row that raised it. Append-only; not chained, outside every hash.';


--
-- Name: COLUMN alert_outbox.dedup_key; Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON COLUMN ops.alert_outbox.dedup_key IS 'Events with the same key within alert_dedup_window_seconds (by ts) are delivered once per channel; later ones are recorded as deduplicated.';


--
-- Name: alert_attempts; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.alert_attempts AS
 SELECT t.alert_seq,
    o.category,
    o.dedup_key,
    t.channel,
    t.attempt,
    t.ts,
    t.ok,
    t.status,
    t.error,
    t.duplicate_of,
    t.actor
   FROM (ops.alert_attempt t
     JOIN ops.alert_outbox o ON ((o.seq = t.alert_seq)));


ALTER TABLE api.alert_attempts OWNER TO predator_owner;

--
-- Name: VIEW alert_attempts; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.alert_attempts IS 'Every delivery attempt of an alert on a notifier channel: attempt number, wall time, ok, status (delivered, retry, failed, deduplicated), the masked error and the alert it duplicated.';


--
-- Name: alerts; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.alerts AS
 SELECT o.seq,
    o.ts,
    o.business_ts,
    o.category,
    o.severity,
    o.account,
    o.dedup_key,
    o.title,
    o.payload,
    COALESCE(( SELECT jsonb_object_agg(s.channel, s.status) AS jsonb_object_agg
           FROM ( SELECT DISTINCT ON (t.channel) t.channel,
                    t.status
                   FROM ops.alert_attempt t
                  WHERE (t.alert_seq = o.seq)
                  ORDER BY t.channel, t.attempt DESC) s), '{}'::jsonb) AS channels,
    ( SELECT count(*) AS count
           FROM ops.alert_attempt t
          WHERE (t.alert_seq = o.seq)) AS attempts,
    o.source_table,
    o.source_key
   FROM ops.alert_outbox o;


ALTER TABLE api.alerts OWNER TO predator_owner;

--
-- Name: VIEW alerts; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.alerts IS 'Every alert of the outbox (category, severity, account, dedup key, title, payload, the row that raised it) with the latest status on each channel that tried it (channels: {"channel": "delivered|retry|failed|deduplicated"}; empty: not tried yet) and the number of attempts.';


--
-- Name: anchor_key; Type: TABLE; Schema: ops; Owner: predator_owner
--

CREATE TABLE ops.anchor_key (
    key_id integer NOT NULL,
    secret bytea NOT NULL,
    fingerprint text NOT NULL,
    supplied boolean NOT NULL,
    reason text NOT NULL,
    actor text DEFAULT SESSION_USER NOT NULL,
    created_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    CONSTRAINT anchor_key_created_at_is_finite CHECK (((created_at > '-infinity'::timestamp with time zone) AND (created_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT anchor_key_fingerprint_is_hex CHECK ((fingerprint ~ '^[0-9a-f]{16}$'::text)),
    CONSTRAINT anchor_key_has_reason CHECK ((length(btrim(reason)) > 0)),
    CONSTRAINT anchor_key_id_is_positive CHECK ((key_id > 0)),
    CONSTRAINT anchor_key_secret_is_long_enough CHECK (((octet_length(secret) >= 32) AND (octet_length(secret) <= 128)))
);


ALTER TABLE ops.anchor_key OWNER TO predator_owner;

--
-- Name: TABLE anchor_key; Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON TABLE ops.anchor_key IS 'The secrets that sign chain anchors (HMAC-SHA256), one per key id; the newest is the active key (api.set_anchor_key). Readable by predator_owner alone: no login, the auditor included, may SELECT it; fingerprint (public) names a secret without revealing it. Append-only.';


--
-- Name: anchor_key_revocation; Type: TABLE; Schema: ops; Owner: predator_owner
--

CREATE TABLE ops.anchor_key_revocation (
    key_id integer NOT NULL,
    reason text NOT NULL,
    actor text DEFAULT SESSION_USER NOT NULL,
    revoked_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    CONSTRAINT anchor_key_revocation_has_reason CHECK ((length(btrim(reason)) > 0)),
    CONSTRAINT anchor_key_revocation_revoked_at_is_finite CHECK (((revoked_at > '-infinity'::timestamp with time zone) AND (revoked_at < 'infinity'::timestamp with time zone)))
);


ALTER TABLE ops.anchor_key_revocation OWNER TO predator_owner;

--
-- Name: TABLE anchor_key_revocation; Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON TABLE ops.anchor_key_revocation IS 'A revoked anchor key (api.revoke_anchor_key): anchors signed under it are no longer trusted by api.verify_anchors. The active (newest) key cannot be revoked. Append-only.';


--
-- Name: anchor_keys; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.anchor_keys AS
 SELECT k.key_id,
    k.fingerprint,
    k.supplied,
    k.reason,
    k.actor,
    k.created_at,
    r.revoked_at,
    r.actor AS revoked_by,
    r.reason AS revoke_reason,
    (k.key_id = ( SELECT max(x.key_id) AS max
           FROM ops.anchor_key x)) AS active
   FROM (ops.anchor_key k
     LEFT JOIN ops.anchor_key_revocation r ON ((r.key_id = k.key_id)));


ALTER TABLE api.anchor_keys OWNER TO predator_owner;

--
-- Name: VIEW anchor_keys; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.anchor_keys IS 'Anchor signing keys, never their secrets: key id, public fingerprint, whether the operator supplied the secret (else the database generated it), who set it, why and when, its revocation if any, and whether it is the active (newest) key.';


--
-- Name: approval; Type: TABLE; Schema: ops; Owner: predator_owner
--

CREATE TABLE ops.approval (
    request_id bigint NOT NULL,
    approved_by text DEFAULT SESSION_USER NOT NULL,
    reason text NOT NULL,
    approved_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    CONSTRAINT approval_approved_at_is_finite CHECK (((approved_at > '-infinity'::timestamp with time zone) AND (approved_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT approval_has_reason CHECK ((length(btrim(reason)) > 0))
);


ALTER TABLE ops.approval OWNER TO predator_owner;

--
-- Name: TABLE approval; Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON TABLE ops.approval IS 'The second operator''s approval of a request (api.approve): one per request, by a login other than the requester''s, with a reason. Append-only.';


--
-- Name: approval_request; Type: TABLE; Schema: ops; Owner: predator_owner
--

CREATE TABLE ops.approval_request (
    request_id bigint NOT NULL,
    action text NOT NULL,
    target text NOT NULL,
    params jsonb DEFAULT '{}'::jsonb NOT NULL,
    reason text NOT NULL,
    requested_by text DEFAULT SESSION_USER NOT NULL,
    requested_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    valid_until timestamp with time zone NOT NULL,
    CONSTRAINT approval_action_is_known CHECK ((action = ANY (ARRAY['resume'::text, 'set_limit'::text, 'set_limit_policy'::text, 'set_setting'::text]))),
    CONSTRAINT approval_request_has_reason CHECK ((length(btrim(reason)) > 0)),
    CONSTRAINT approval_request_is_valid_for_a_day_at_most CHECK (((valid_until > requested_at) AND (valid_until <= (requested_at + '24:00:00'::interval)))),
    CONSTRAINT approval_request_requested_at_is_finite CHECK (((requested_at > '-infinity'::timestamp with time zone) AND (requested_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT approval_request_valid_until_is_finite CHECK (((valid_until > '-infinity'::timestamp with time zone) AND (valid_until < 'infinity'::timestamp with time zone)))
);


ALTER TABLE ops.approval_request OWNER TO predator_owner;

--
-- Name: TABLE approval_request; Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON TABLE ops.approval_request IS 'High-risk actions an operator asks a second operator to approve (api.request_approval): action (resume of a global halt, set_limit or set_limit_policy above the policy ceiling, set_setting turning the two-person rule off), its target and parameters, who asked (their login, session_user), why, and until when an approval may be used (at most 24 hours). Append-only.';


--
-- Name: approval_use; Type: TABLE; Schema: ops; Owner: predator_owner
--

CREATE TABLE ops.approval_use (
    request_id bigint NOT NULL,
    used_by text DEFAULT SESSION_USER NOT NULL,
    used_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    CONSTRAINT approval_use_used_at_is_finite CHECK (((used_at > '-infinity'::timestamp with time zone) AND (used_at < 'infinity'::timestamp with time zone)))
);


ALTER TABLE ops.approval_use OWNER TO predator_owner;

--
-- Name: TABLE approval_use; Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON TABLE ops.approval_use IS 'The action that consumed an approval (ops._require_approval): an approval is used once, by the operator who asked for it, before it expires. Append-only.';


--
-- Name: approval_requests; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.approval_requests AS
 SELECT r.request_id,
    r.action,
    r.target,
    r.params,
    r.reason,
    r.requested_by,
    r.requested_at,
    r.valid_until,
    a.approved_by,
    a.reason AS approval_reason,
    a.approved_at,
    u.used_by,
    u.used_at,
        CASE
            WHEN (u.request_id IS NOT NULL) THEN 'used'::text
            WHEN (r.valid_until <= clock_timestamp()) THEN 'expired'::text
            WHEN (a.request_id IS NOT NULL) THEN 'approved'::text
            ELSE 'pending'::text
        END AS status
   FROM ((ops.approval_request r
     LEFT JOIN ops.approval a ON ((a.request_id = r.request_id)))
     LEFT JOIN ops.approval_use u ON ((u.request_id = r.request_id)));


ALTER TABLE api.approval_requests OWNER TO predator_owner;

--
-- Name: VIEW approval_requests; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.approval_requests IS 'High-risk actions asked for (api.request_approval), who approved them (api.approve) and which action used them, with status pending, approved, used or expired (wall clock).';


--
-- Name: arbitration_setting; Type: TABLE; Schema: risk; Owner: predator_owner
--

CREATE TABLE risk.arbitration_setting (
    profile text NOT NULL,
    revision integer NOT NULL,
    rule text NOT NULL,
    reason text NOT NULL,
    actor text DEFAULT SESSION_USER NOT NULL,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    CONSTRAINT arbitration_revision_is_positive CHECK ((revision > 0)),
    CONSTRAINT arbitration_rule_is_known CHECK ((rule = ANY (ARRAY['refuse_both'::text, 'priority'::text, 'net'::text]))),
    CONSTRAINT arbitration_setting_recorded_at_is_finite CHECK (((recorded_at > '-infinity'::timestamp with time zone) AND (recorded_at < 'infinity'::timestamp with time zone)))
);


ALTER TABLE risk.arbitration_setting OWNER TO predator_owner;

--
-- Name: TABLE arbitration_setting; Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON TABLE risk.arbitration_setting IS 'The arbitration rule of a risk profile when two strategies of a book disagree on a symbol in the same hour: refuse_both (the default without a row), priority (the higher trading.strategy.priority wins, a tie refuses both) or net (opposing quantities offset, the larger side''s residual trades, owned by its strategy). Append-only; the highest revision is in force (api.set_arbitration, audited).';


--
-- Name: profile; Type: TABLE; Schema: risk; Owner: predator_owner
--

CREATE TABLE risk.profile (
    profile text NOT NULL,
    description text NOT NULL,
    CONSTRAINT profile_is_identifier CHECK ((profile ~ '^[a-z][a-z0-9_]*$'::text))
);


ALTER TABLE risk.profile OWNER TO predator_owner;

--
-- Name: TABLE profile; Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON TABLE risk.profile IS 'Named sets of risk limits; each account uses one profile.';


--
-- Name: arbitration; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.arbitration AS
 SELECT p.profile,
    COALESCE(s.rule, 'refuse_both'::text) AS rule,
    s.revision,
    s.reason,
    s.actor,
    s.recorded_at
   FROM (risk.profile p
     LEFT JOIN LATERAL ( SELECT x.profile,
            x.revision,
            x.rule,
            x.reason,
            x.actor,
            x.recorded_at
           FROM risk.arbitration_setting x
          WHERE (x.profile = p.profile)
          ORDER BY x.revision DESC
         LIMIT 1) s ON (true));


ALTER TABLE api.arbitration OWNER TO predator_owner;

--
-- Name: VIEW arbitration; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.arbitration IS 'Arbitration rule per risk profile when two strategies disagree on a symbol in the same hour: refuse_both (default) or priority, with who set it and why.';


--
-- Name: asset; Type: TABLE; Schema: market; Owner: predator_owner
--

CREATE TABLE market.asset (
    asset text NOT NULL,
    kind text NOT NULL,
    cluster text,
    CONSTRAINT asset_is_uppercase_code CHECK ((asset ~ '^[A-Z0-9]{2,12}$'::text)),
    CONSTRAINT asset_kind_is_known CHECK ((kind = ANY (ARRAY['crypto'::text, 'stablecoin'::text, 'fiat'::text]))),
    CONSTRAINT crypto_asset_has_cluster CHECK (((kind <> 'crypto'::text) OR (cluster IS NOT NULL)))
);


ALTER TABLE market.asset OWNER TO predator_owner;

--
-- Name: TABLE asset; Type: COMMENT; Schema: market; Owner: predator_owner
--

COMMENT ON TABLE market.asset IS 'Currencies: crypto assets (each in one cluster), stablecoins and fiat used as quote or base currency; added by migrations or api.add_asset (audited), never changed by a call.';


--
-- Name: assets; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.assets AS
 SELECT a.asset,
    a.kind,
    a.cluster
   FROM market.asset a;


ALTER TABLE api.assets OWNER TO predator_owner;

--
-- Name: VIEW assets; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.assets IS 'Currencies: code, kind (crypto, stablecoin, fiat) and, for crypto, the cluster whose exposure caps it (api.add_asset adds one).';


--
-- Name: audit_log; Type: TABLE; Schema: ops; Owner: predator_owner
--

CREATE TABLE ops.audit_log (
    book_id integer DEFAULT 0 NOT NULL,
    seq bigint NOT NULL,
    action text NOT NULL,
    target text DEFAULT '*'::text NOT NULL,
    args jsonb DEFAULT '{}'::jsonb NOT NULL,
    reason text NOT NULL,
    actor text DEFAULT SESSION_USER NOT NULL,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    prev_hash bytea NOT NULL,
    row_hash bytea NOT NULL,
    correlation_id text,
    CONSTRAINT audit_correlation_id_shape CHECK ((correlation_id ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$'::text)),
    CONSTRAINT audit_log_recorded_at_is_finite CHECK (((recorded_at > '-infinity'::timestamp with time zone) AND (recorded_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT audit_reason_is_given CHECK ((length(btrim(reason)) > 0))
);


ALTER TABLE ops.audit_log OWNER TO predator_owner;

--
-- Name: TABLE audit_log; Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON TABLE ops.audit_log IS 'Append-only log of every operator action: who (actor), when (recorded_at, wall time), what (action, target, args) and why (reason). Chained per book; book_id 0 is the control plane (actions that span books).';


--
-- Name: COLUMN audit_log.correlation_id; Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON COLUMN ops.audit_log.correlation_id IS 'Correlation id of the unit of work that wrote the row (GUC predator.correlation_id of the session: a console request, a CLI command, a worker hour), NULL when unset or malformed. Caller-supplied advisory metadata to join log lines; never used in a decision; not covered by the row hash.';


--
-- Name: audit_log; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.audit_log AS
 SELECT l.book_id,
    l.seq,
    l.action,
    l.target,
    l.args,
    l.reason,
    l.actor,
    l.recorded_at,
    l.correlation_id
   FROM ops.audit_log l;


ALTER TABLE api.audit_log OWNER TO predator_owner;

--
-- Name: VIEW audit_log; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.audit_log IS 'Operator actions: what, on which target, with which arguments, who (login role), why and when (wall clock), and the correlation id of the request, command or worker hour that wrote it (advisory, caller-supplied, joins the log lines; NULL before migration 0038 or when malformed).';


--
-- Name: balance; Type: TABLE; Schema: ledger; Owner: predator_owner
--

CREATE TABLE ledger.balance (
    book_id integer NOT NULL,
    account_code text NOT NULL,
    currency text NOT NULL,
    seq bigint NOT NULL,
    balance numeric NOT NULL,
    head_hash bytea NOT NULL,
    non_negative boolean NOT NULL,
    CONSTRAINT balance_balance_is_finite CHECK (((balance > '-Infinity'::numeric) AND (balance < 'Infinity'::numeric))),
    CONSTRAINT non_negative_balance CHECK (((NOT non_negative) OR (balance >= (0)::numeric)))
);


ALTER TABLE ledger.balance OWNER TO predator_owner;

--
-- Name: TABLE balance; Type: COMMENT; Schema: ledger; Owner: predator_owner
--

COMMENT ON TABLE ledger.balance IS 'Head of each (account, currency) posting chain: last seq, balance and row hash. Maintained only by the posting trigger.';


--
-- Name: balances; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.balances AS
 SELECT a.name AS account,
    b.account_code,
    b.currency,
    b.balance,
    b.seq
   FROM (ledger.balance b
     JOIN trading.account a USING (book_id));


ALTER TABLE api.balances OWNER TO predator_owner;

--
-- Name: VIEW balances; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.balances IS 'Running balances of every (ledger account, currency) of every book.';


--
-- Name: book_currency; Type: TABLE; Schema: trading; Owner: predator_owner
--

CREATE TABLE trading.book_currency (
    book_id integer NOT NULL,
    currency text NOT NULL,
    revision integer NOT NULL,
    enabled boolean NOT NULL,
    reason text NOT NULL,
    actor text DEFAULT SESSION_USER NOT NULL,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    CONSTRAINT book_currency_recorded_at_is_finite CHECK (((recorded_at > '-infinity'::timestamp with time zone) AND (recorded_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT book_currency_revision_is_positive CHECK ((revision > 0))
);


ALTER TABLE trading.book_currency OWNER TO predator_owner;

--
-- Name: TABLE book_currency; Type: COMMENT; Schema: trading; Owner: predator_owner
--

COMMENT ON TABLE trading.book_currency IS 'Extra quote currencies an operator enables per book (the reporting currency, trading.account.base_currency, always is): append-only history, the highest revision of (book, currency) is in force (api.enable_book_currency, audited). Entries of an instrument quoted in a currency neither reporting nor enabled are refused quote_currency_mismatch; the cash of every currency with a row counts in equity (portfolio.valuation).';


--
-- Name: book_currencies; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.book_currencies AS
 SELECT a.name AS account,
    a.base_currency AS currency,
    true AS reporting,
    true AS enabled,
    NULL::integer AS revision,
    COALESCE(b.balance, (0)::numeric) AS cash,
    NULL::text AS reason,
    NULL::text AS actor,
    a.created_at AS recorded_at
   FROM (trading.account a
     LEFT JOIN ledger.balance b ON (((b.book_id = a.book_id) AND (b.account_code = 'trading'::text) AND (b.currency = a.base_currency))))
UNION ALL
 SELECT a.name AS account,
    c.currency,
    false AS reporting,
    c.enabled,
    c.revision,
    COALESCE(b.balance, (0)::numeric) AS cash,
    c.reason,
    c.actor,
    c.recorded_at
   FROM ((( SELECT DISTINCT ON (x.book_id, x.currency) x.book_id,
            x.currency,
            x.revision,
            x.enabled,
            x.reason,
            x.actor,
            x.recorded_at
           FROM trading.book_currency x
          ORDER BY x.book_id, x.currency, x.revision DESC) c
     JOIN trading.account a ON ((a.book_id = c.book_id)))
     LEFT JOIN ledger.balance b ON (((b.book_id = c.book_id) AND (b.account_code = 'trading'::text) AND (b.currency = c.currency))));


ALTER TABLE api.book_currencies OWNER TO predator_owner;

--
-- Name: VIEW book_currencies; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.book_currencies IS 'Currencies of each book: its reporting currency (trading.account.base_currency; equity, exposures and caps are valued in it) and the extra quote currencies an operator enabled (latest revision of trading.book_currency, api.enable_book_currency), with the trading cash held in each.';


--
-- Name: breaker_trip; Type: TABLE; Schema: risk; Owner: predator_owner
--

CREATE TABLE risk.breaker_trip (
    book_id integer NOT NULL,
    seq bigint NOT NULL,
    breaker text NOT NULL,
    ts timestamp with time zone NOT NULL,
    value numeric NOT NULL,
    threshold numeric NOT NULL,
    trip_scope text NOT NULL,
    figures jsonb NOT NULL,
    incident_seq bigint,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    prev_hash bytea NOT NULL,
    row_hash bytea NOT NULL,
    CONSTRAINT breaker_trip_recorded_at_is_finite CHECK (((recorded_at > '-infinity'::timestamp with time zone) AND (recorded_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT breaker_trip_threshold_is_finite CHECK (((threshold > '-Infinity'::numeric) AND (threshold < 'Infinity'::numeric))),
    CONSTRAINT breaker_trip_ts_is_finite CHECK (((ts > '-infinity'::timestamp with time zone) AND (ts < 'infinity'::timestamp with time zone))),
    CONSTRAINT breaker_trip_value_is_finite CHECK (((value > '-Infinity'::numeric) AND (value < 'Infinity'::numeric)))
);


ALTER TABLE risk.breaker_trip OWNER TO predator_owner;

--
-- Name: TABLE breaker_trip; Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON TABLE risk.breaker_trip IS 'Every circuit-breaker trip: the figure that tripped it against its threshold, what it did (trip_scope: global, lane or account for a halt; reducing when a paper book was paused instead) and the incident opened. Append-only, chained per book.';


--
-- Name: breaker_trips; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.breaker_trips AS
 SELECT a.name AS account,
    t.breaker,
    t.ts,
    t.value,
    t.threshold,
    t.trip_scope,
    t.figures,
    ((('INC-'::text || t.book_id) || '-'::text) || t.incident_seq) AS incident,
    t.seq
   FROM (risk.breaker_trip t
     JOIN trading.account a USING (book_id));


ALTER TABLE api.breaker_trips OWNER TO predator_owner;

--
-- Name: VIEW breaker_trips; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.breaker_trips IS 'Circuit-breaker trips: the figure that tripped, its threshold, the scope halted, the incident opened.';


--
-- Name: breaker_kind; Type: TABLE; Schema: risk; Owner: predator_owner
--

CREATE TABLE risk.breaker_kind (
    breaker text NOT NULL,
    unit text NOT NULL,
    description text NOT NULL
);


ALTER TABLE risk.breaker_kind OWNER TO predator_owner;

--
-- Name: TABLE breaker_kind; Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON TABLE risk.breaker_kind IS 'The circuit breakers the database evaluates, with the unit of their threshold.';


--
-- Name: breaker_setting; Type: TABLE; Schema: risk; Owner: predator_owner
--

CREATE TABLE risk.breaker_setting (
    lane text NOT NULL,
    account text DEFAULT '*'::text NOT NULL,
    breaker text NOT NULL,
    revision integer NOT NULL,
    threshold numeric,
    window_hours integer DEFAULT 1 NOT NULL,
    min_events integer DEFAULT 1 NOT NULL,
    trip_scope text NOT NULL,
    reason text NOT NULL,
    actor text DEFAULT SESSION_USER NOT NULL,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    CONSTRAINT breaker_lane_is_known CHECK ((lane = ANY (ARRAY['paper'::text, 'live_canary'::text, 'live_promoted'::text]))),
    CONSTRAINT breaker_revision_is_positive CHECK ((revision > 0)),
    CONSTRAINT breaker_setting_recorded_at_is_finite CHECK (((recorded_at > '-infinity'::timestamp with time zone) AND (recorded_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT breaker_setting_threshold_is_finite CHECK (((threshold > '-Infinity'::numeric) AND (threshold < 'Infinity'::numeric))),
    CONSTRAINT min_events_is_positive CHECK ((min_events > 0)),
    CONSTRAINT threshold_is_non_negative CHECK ((threshold >= (0)::numeric)),
    CONSTRAINT trip_scope_is_known CHECK ((trip_scope = ANY (ARRAY['global'::text, 'lane'::text, 'account'::text]))),
    CONSTRAINT window_is_positive CHECK ((window_hours > 0))
);


ALTER TABLE risk.breaker_setting OWNER TO predator_owner;

--
-- Name: TABLE breaker_setting; Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON TABLE risk.breaker_setting IS 'Circuit-breaker thresholds per lane and account (* = every account of the lane); the highest revision wins; NULL threshold disables. window_hours: the look-back; min_events: the smallest sample before a rate may trip; trip_scope: what a trip halts. Append-only.';


--
-- Name: breakers; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.breakers AS
 SELECT DISTINCT ON (s.lane, s.account, s.breaker) s.lane,
    s.account,
    s.breaker,
    k.unit,
    s.threshold,
    s.window_hours,
    s.min_events,
    s.trip_scope,
    s.revision,
    s.reason,
    s.actor,
    s.recorded_at
   FROM (risk.breaker_setting s
     JOIN risk.breaker_kind k USING (breaker))
  ORDER BY s.lane, s.account, s.breaker, s.revision DESC;


ALTER TABLE api.breakers OWNER TO predator_owner;

--
-- Name: VIEW breakers; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.breakers IS 'Circuit-breaker thresholds per lane and account (* = every account of the lane), highest revision; NULL threshold = off.';


--
-- Name: candle; Type: TABLE; Schema: market; Owner: predator_owner
--

CREATE TABLE market.candle (
    venue text NOT NULL,
    symbol text NOT NULL,
    "interval" text NOT NULL,
    ts timestamp with time zone NOT NULL,
    revision smallint DEFAULT 0 NOT NULL,
    open numeric NOT NULL,
    high numeric NOT NULL,
    low numeric NOT NULL,
    close numeric NOT NULL,
    volume numeric NOT NULL,
    load_id bigint NOT NULL,
    CONSTRAINT candle_close_is_finite CHECK (((close > '-Infinity'::numeric) AND (close < 'Infinity'::numeric))),
    CONSTRAINT candle_high_is_finite CHECK (((high > '-Infinity'::numeric) AND (high < 'Infinity'::numeric))),
    CONSTRAINT candle_high_is_highest CHECK (((high >= open) AND (high >= close) AND (high >= low))),
    CONSTRAINT candle_low_is_finite CHECK (((low > '-Infinity'::numeric) AND (low < 'Infinity'::numeric))),
    CONSTRAINT candle_low_is_lowest CHECK (((low <= open) AND (low <= close))),
    CONSTRAINT candle_open_is_finite CHECK (((open > '-Infinity'::numeric) AND (open < 'Infinity'::numeric))),
    CONSTRAINT candle_prices_are_positive CHECK (((open > (0)::numeric) AND (high > (0)::numeric) AND (low > (0)::numeric) AND (close > (0)::numeric) AND (((('NaN'::numeric <> open) AND ('NaN'::numeric <> high)) AND ('NaN'::numeric <> low)) AND ('NaN'::numeric <> close)))),
    CONSTRAINT candle_ts_is_finite CHECK (((ts > '-infinity'::timestamp with time zone) AND (ts < 'infinity'::timestamp with time zone))),
    CONSTRAINT candle_volume_is_finite CHECK (((volume > '-Infinity'::numeric) AND (volume < 'Infinity'::numeric))),
    CONSTRAINT candle_volume_is_non_negative CHECK (((volume >= (0)::numeric) AND (volume <> 'NaN'::numeric))),
    CONSTRAINT revision_is_non_negative CHECK ((revision >= 0))
)
PARTITION BY RANGE (ts);


ALTER TABLE market.candle OWNER TO predator_owner;

--
-- Name: TABLE candle; Type: COMMENT; Schema: market; Owner: predator_owner
--

COMMENT ON TABLE market.candle IS 'OHLCV bars keyed by (venue, symbol, interval, open time ts UTC); prices in quote currency, volume in base. Append-only: a revised bar is a new revision with evidence in market.candle_correction. Monthly range partitions are created on demand.';


--
-- Name: candle_anomalies; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.candle_anomalies AS
 SELECT a.venue,
    a.symbol,
    a."interval",
    a.ts,
    a.open,
    a.high,
    a.low,
    a.close,
    a.volume,
    a.prev_close,
    a.flags
   FROM ( SELECT e.venue,
            e.symbol,
            e."interval",
            e.ts,
            e.open,
            e.high,
            e.low,
            e.close,
            e.volume,
            e.prev_close,
            array_remove(ARRAY[
                CASE
                    WHEN ((e.volume = (0)::numeric) AND (e.open = e.high) AND (e.high = e.low) AND (e.low = e.close)) THEN 'zero_volume_flat'::text
                    ELSE NULL::text
                END,
                CASE
                    WHEN ((e.volume = (0)::numeric) AND (NOT ((e.open = e.high) AND (e.high = e.low) AND (e.low = e.close)))) THEN 'zero_volume'::text
                    ELSE NULL::text
                END,
                CASE
                    WHEN (e.high >= ((2)::numeric * e.low)) THEN 'range_spike'::text
                    ELSE NULL::text
                END,
                CASE
                    WHEN ((e.open >= (1.5 * e.prev_close)) OR ((1.5 * e.open) <= e.prev_close)) THEN 'open_jump'::text
                    ELSE NULL::text
                END], NULL::text) AS flags
           FROM ( SELECT d.venue,
                    d.symbol,
                    d."interval",
                    d.ts,
                    d.open,
                    d.high,
                    d.low,
                    d.close,
                    d.volume,
                    lag(d.close) OVER (PARTITION BY d.venue, d.symbol, d."interval" ORDER BY d.ts) AS prev_close
                   FROM ( SELECT DISTINCT ON (c.venue, c.symbol, c."interval", c.ts) c.venue,
                            c.symbol,
                            c."interval",
                            c.ts,
                            c.open,
                            c.high,
                            c.low,
                            c.close,
                            c.volume
                           FROM market.candle c
                          ORDER BY c.venue, c.symbol, c."interval", c.ts, c.revision DESC) d) e) a
  WHERE (cardinality(a.flags) > 0);


ALTER TABLE api.candle_anomalies OWNER TO predator_owner;

--
-- Name: VIEW candle_anomalies; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.candle_anomalies IS 'Valid but unusual effective bars, flagged and kept: zero_volume_flat (exchange halt hours), zero_volume, range_spike (high >= 2 x low: listing hours, flash-crash wicks), open_jump (open 50 % or more away from the previous close).';


--
-- Name: candle_correction; Type: TABLE; Schema: market; Owner: predator_owner
--

CREATE TABLE market.candle_correction (
    venue text NOT NULL,
    symbol text NOT NULL,
    "interval" text NOT NULL,
    ts timestamp with time zone NOT NULL,
    from_revision smallint NOT NULL,
    to_revision smallint NOT NULL,
    old_values jsonb NOT NULL,
    new_values jsonb NOT NULL,
    load_id bigint NOT NULL,
    source text NOT NULL,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    CONSTRAINT candle_correction_recorded_at_is_finite CHECK (((recorded_at > '-infinity'::timestamp with time zone) AND (recorded_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT candle_correction_ts_is_finite CHECK (((ts > '-infinity'::timestamp with time zone) AND (ts < 'infinity'::timestamp with time zone))),
    CONSTRAINT correction_moves_forward CHECK ((to_revision = (from_revision + 1)))
);


ALTER TABLE market.candle_correction OWNER TO predator_owner;

--
-- Name: TABLE candle_correction; Type: COMMENT; Schema: market; Owner: predator_owner
--

COMMENT ON TABLE market.candle_correction IS 'Evidence for every revised bar: old and new OHLCV, the load and source that revised it, and when.';


--
-- Name: candle_corrections; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.candle_corrections AS
 SELECT k.venue,
    k.symbol,
    k."interval",
    k.ts,
    k.from_revision,
    k.to_revision,
    k.old_values,
    k.new_values,
    k.load_id,
    k.source,
    k.recorded_at
   FROM market.candle_correction k;


ALTER TABLE api.candle_corrections OWNER TO predator_owner;

--
-- Name: VIEW candle_corrections; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.candle_corrections IS 'Revised bars (never overwritten): open time, revision from and to, old and new OHLCV, the load and source that revised it, wall time recorded.';


--
-- Name: candle_load; Type: TABLE; Schema: market; Owner: predator_owner
--

CREATE TABLE market.candle_load (
    load_id bigint NOT NULL,
    venue text NOT NULL,
    symbol text NOT NULL,
    "interval" text NOT NULL,
    source text NOT NULL,
    clock timestamp with time zone NOT NULL,
    read bigint NOT NULL,
    loaded bigint NOT NULL,
    duplicate bigint NOT NULL,
    corrected bigint NOT NULL,
    quarantined bigint NOT NULL,
    first_ts timestamp with time zone,
    last_ts timestamp with time zone,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    CONSTRAINT candle_load_clock_is_finite CHECK (((clock > '-infinity'::timestamp with time zone) AND (clock < 'infinity'::timestamp with time zone))),
    CONSTRAINT candle_load_first_ts_is_finite CHECK (((first_ts > '-infinity'::timestamp with time zone) AND (first_ts < 'infinity'::timestamp with time zone))),
    CONSTRAINT candle_load_last_ts_is_finite CHECK (((last_ts > '-infinity'::timestamp with time zone) AND (last_ts < 'infinity'::timestamp with time zone))),
    CONSTRAINT candle_load_recorded_at_is_finite CHECK (((recorded_at > '-infinity'::timestamp with time zone) AND (recorded_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT load_accounts_for_every_row CHECK (((((loaded + duplicate) + corrected) + quarantined) = read)),
    CONSTRAINT read_is_non_negative CHECK ((read >= 0))
);


ALTER TABLE market.candle_load OWNER TO predator_owner;

--
-- Name: TABLE candle_load; Type: COMMENT; Schema: market; Owner: predator_owner
--

COMMENT ON TABLE market.candle_load IS 'One row per gated candle load: every row read is loaded, a duplicate, a correction or quarantined.';


--
-- Name: candle_loads; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.candle_loads AS
 SELECT l.load_id,
    l.venue,
    l.symbol,
    l."interval",
    l.source,
    l.clock,
    l.read,
    l.loaded,
    l.duplicate,
    l.corrected,
    l.quarantined,
    l.first_ts,
    l.last_ts,
    l.recorded_at
   FROM market.candle_load l;


ALTER TABLE api.candle_loads OWNER TO predator_owner;

--
-- Name: VIEW candle_loads; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.candle_loads IS 'Gated candle loads: feed, source, clock (business time), accounting (loaded + duplicate + corrected + quarantined = read), time span of the accepted rows, wall time recorded.';


--
-- Name: candle_quarantine; Type: TABLE; Schema: market; Owner: predator_owner
--

CREATE TABLE market.candle_quarantine (
    load_id bigint NOT NULL,
    line_no bigint NOT NULL,
    venue text NOT NULL,
    symbol text NOT NULL,
    "interval" text NOT NULL,
    ts timestamp with time zone,
    raw text NOT NULL,
    raw_length integer NOT NULL,
    reasons text[] NOT NULL,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    CONSTRAINT candle_quarantine_recorded_at_is_finite CHECK (((recorded_at > '-infinity'::timestamp with time zone) AND (recorded_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT candle_quarantine_ts_is_finite CHECK (((ts > '-infinity'::timestamp with time zone) AND (ts < 'infinity'::timestamp with time zone))),
    CONSTRAINT quarantine_has_reason CHECK ((cardinality(reasons) > 0))
);


ALTER TABLE market.candle_quarantine OWNER TO predator_owner;

--
-- Name: TABLE candle_quarantine; Type: COMMENT; Schema: market; Owner: predator_owner
--

COMMENT ON TABLE market.candle_quarantine IS 'Input rows refused by the candle gates, with reason codes and the raw line (first 1,000 characters; raw_length is the full length).';


--
-- Name: candle_quarantine; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.candle_quarantine AS
 SELECT q.load_id,
    l.source,
    q.line_no,
    q.venue,
    q.symbol,
    q."interval",
    q.ts,
    q.reasons,
    q.raw,
    q.raw_length,
    q.recorded_at
   FROM (market.candle_quarantine q
     LEFT JOIN market.candle_load l ON ((l.load_id = q.load_id)));


ALTER TABLE api.candle_quarantine OWNER TO predator_owner;

--
-- Name: VIEW candle_quarantine; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.candle_quarantine IS 'Rows refused by the candle gates: load and source, file line number, feed, open time when it parsed, reason codes (docs/market_data.md), the raw line (first 1,000 characters) and its full length.';


--
-- Name: candle_revisions; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.candle_revisions AS
 SELECT c.venue,
    c.symbol,
    c."interval",
    c.ts,
    c.revision,
    c.open,
    c.high,
    c.low,
    c.close,
    c.volume,
    c.load_id,
    l.source,
    l.clock
   FROM (market.candle c
     JOIN market.candle_load l ON ((l.load_id = c.load_id)));


ALTER TABLE api.candle_revisions OWNER TO predator_owner;

--
-- Name: VIEW candle_revisions; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.candle_revisions IS 'Every stored revision of every bar (ts = open time UTC, prices in quote, volume in base), with the load that wrote it (load_id in commit order per feed, its source and business clock).';


--
-- Name: candles; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.candles AS
 SELECT DISTINCT ON (c.venue, c.symbol, c."interval", c.ts) c.venue,
    c.symbol,
    c."interval",
    c.ts,
    c.open,
    c.high,
    c.low,
    c.close,
    c.volume,
    c.revision
   FROM market.candle c
  ORDER BY c.venue, c.symbol, c."interval", c.ts, c.revision DESC;


ALTER TABLE api.candles OWNER TO predator_owner;

--
-- Name: VIEW candles; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.candles IS 'Effective OHLCV bars (highest revision): ts = open time UTC, prices in quote, volume in base.';


--
-- Name: chain_anchor; Type: TABLE; Schema: ops; Owner: predator_owner
--

CREATE TABLE ops.chain_anchor (
    book_id integer NOT NULL,
    seq bigint NOT NULL,
    kind text NOT NULL,
    hour timestamp with time zone,
    heads jsonb NOT NULL,
    key_id integer NOT NULL,
    prev_signature bytea NOT NULL,
    signature bytea NOT NULL,
    actor text DEFAULT SESSION_USER NOT NULL,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    CONSTRAINT chain_anchor_close_has_hour CHECK (((kind = 'close'::text) = (hour IS NOT NULL))),
    CONSTRAINT chain_anchor_heads_is_an_array CHECK ((jsonb_typeof(heads) = 'array'::text)),
    CONSTRAINT chain_anchor_hour_is_finite CHECK (((hour > '-infinity'::timestamp with time zone) AND (hour < 'infinity'::timestamp with time zone))),
    CONSTRAINT chain_anchor_kind_is_known CHECK ((kind = ANY (ARRAY['close'::text, 'demand'::text]))),
    CONSTRAINT chain_anchor_prev_signature_is_sha256 CHECK ((octet_length(prev_signature) = 32)),
    CONSTRAINT chain_anchor_recorded_at_is_finite CHECK (((recorded_at > '-infinity'::timestamp with time zone) AND (recorded_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT chain_anchor_seq_is_positive CHECK ((seq > 0)),
    CONSTRAINT chain_anchor_signature_is_sha256 CHECK ((octet_length(signature) = 32))
);


ALTER TABLE ops.chain_anchor OWNER TO predator_owner;

--
-- Name: TABLE chain_anchor; Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON TABLE ops.chain_anchor IS 'Signed checkpoints of chain heads (docs/audit.md, "Anchors"): one per hour close of a book (kind close: the book''s and the control plane''s chains) and per on-demand call (kind demand, book 0: every chain). heads = [{chain, seq, head}] sorted by chain; signature = HMAC-SHA256(key, ops._anchor_message(...)), which covers the previous anchor''s signature of the book. Append-only; outside every hour digest.';


--
-- Name: chain_anchors; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.chain_anchors AS
 SELECT c.book_id,
    a.name AS account,
    c.seq,
    c.kind,
    c.hour,
    c.heads,
    c.key_id,
    encode(c.prev_signature, 'hex'::text) AS prev_signature,
    encode(c.signature, 'hex'::text) AS signature,
    c.actor,
    c.recorded_at
   FROM (ops.chain_anchor c
     LEFT JOIN trading.account a ON ((a.book_id = c.book_id)));


ALTER TABLE api.chain_anchors OWNER TO predator_owner;

--
-- Name: VIEW chain_anchors; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.chain_anchors IS 'Every anchor: book (0: on-demand anchors of every chain; account NULL), seq, kind (close or demand), the closed hour, the signed heads [{chain, seq, head}], the key id, the previous anchor''s signature and the HMAC-SHA256 signature (hex). `predator audit anchor export` writes them; api.verify_anchors checks them.';


--
-- Name: chained_tables; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.chained_tables AS
 SELECT r.tbl AS table_name,
    r.extra_exclude
   FROM ops.chained_tables() r(tbl, extra_exclude)
UNION ALL
 SELECT 'ledger.posting'::text AS table_name,
    '{}'::text[] AS extra_exclude;


ALTER TABLE api.chained_tables OWNER TO predator_owner;

--
-- Name: VIEW chained_tables; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.chained_tables IS 'Every hash-chained table (schema.name) and the columns its row hash leaves out besides ops.hash_excluded_columns(): the chain registry plus ledger.posting (chained per book, account and currency). What the audit export exports and predator-verify re-verifies.';


--
-- Name: chaos_campaign; Type: TABLE; Schema: ops; Owner: predator_owner
--

CREATE TABLE ops.chaos_campaign (
    campaign_id bigint NOT NULL,
    campaign integer NOT NULL,
    seed bigint NOT NULL,
    days integer NOT NULL,
    book_id integer NOT NULL,
    schedule_digest text NOT NULL,
    first_hour timestamp with time zone NOT NULL,
    last_hour timestamp with time zone NOT NULL,
    faults_end_hour timestamp with time zone NOT NULL,
    worker_starts integer NOT NULL,
    worker_kills integer NOT NULL,
    db_stops integer NOT NULL,
    operator_resumes integer NOT NULL,
    failed_gate_checks integer NOT NULL,
    failed_chain_checks integer NOT NULL,
    segments integer NOT NULL,
    liveness_hour timestamp with time zone,
    replay_parity boolean,
    passed boolean NOT NULL,
    failures jsonb DEFAULT '[]'::jsonb NOT NULL,
    wall_seconds numeric NOT NULL,
    actor text DEFAULT SESSION_USER NOT NULL,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    CONSTRAINT chaos_campaign_days_positive CHECK ((days > 0)),
    CONSTRAINT chaos_campaign_db_stops_check CHECK ((db_stops >= 0)),
    CONSTRAINT chaos_campaign_digest_is_sha256 CHECK ((schedule_digest ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT chaos_campaign_failed_chain_checks_check CHECK ((failed_chain_checks >= 0)),
    CONSTRAINT chaos_campaign_failed_gate_checks_check CHECK ((failed_gate_checks >= 0)),
    CONSTRAINT chaos_campaign_faults_end_hour_is_finite CHECK (((faults_end_hour > '-infinity'::timestamp with time zone) AND (faults_end_hour < 'infinity'::timestamp with time zone))),
    CONSTRAINT chaos_campaign_first_hour_is_finite CHECK (((first_hour > '-infinity'::timestamp with time zone) AND (first_hour < 'infinity'::timestamp with time zone))),
    CONSTRAINT chaos_campaign_hours_ordered CHECK ((first_hour <= last_hour)),
    CONSTRAINT chaos_campaign_id_is_positive CHECK ((campaign_id > 0)),
    CONSTRAINT chaos_campaign_is_known CHECK (((campaign >= 1) AND (campaign <= 4))),
    CONSTRAINT chaos_campaign_last_hour_is_finite CHECK (((last_hour > '-infinity'::timestamp with time zone) AND (last_hour < 'infinity'::timestamp with time zone))),
    CONSTRAINT chaos_campaign_liveness_hour_is_finite CHECK (((liveness_hour > '-infinity'::timestamp with time zone) AND (liveness_hour < 'infinity'::timestamp with time zone))),
    CONSTRAINT chaos_campaign_operator_resumes_check CHECK ((operator_resumes >= 0)),
    CONSTRAINT chaos_campaign_recorded_at_is_finite CHECK (((recorded_at > '-infinity'::timestamp with time zone) AND (recorded_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT chaos_campaign_segments_check CHECK ((segments >= 0)),
    CONSTRAINT chaos_campaign_wall_seconds_is_finite CHECK (((wall_seconds > '-Infinity'::numeric) AND (wall_seconds < 'Infinity'::numeric))),
    CONSTRAINT chaos_campaign_wall_seconds_not_negative CHECK ((wall_seconds >= (0)::numeric)),
    CONSTRAINT chaos_campaign_worker_kills_check CHECK ((worker_kills >= 0)),
    CONSTRAINT chaos_campaign_worker_starts_check CHECK ((worker_starts >= 0))
);


ALTER TABLE ops.chaos_campaign OWNER TO predator_owner;

--
-- Name: TABLE chaos_campaign; Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON TABLE ops.chaos_campaign IS 'One chaos campaign run (predator chaos run): campaign 1..4, seed, days, the book it traded, its fault schedule digest, the hours it covered and where its faults ended, what the supervisor counted (worker starts, SIGKILLs, PostgreSQL immediate stops, operator resumes, failed gate and chain checks), liveness, replay parity and verdict. Append-only; written by api.record_chaos_campaign.';


--
-- Name: COLUMN chaos_campaign.faults_end_hour; Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON COLUMN ops.chaos_campaign.faults_end_hour IS 'First hour of the liveness phase (no fault from there on).';


--
-- Name: COLUMN chaos_campaign.failed_gate_checks; Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON COLUMN ops.chaos_campaign.failed_gate_checks IS 'Segments after which a validation gate returned violations (state corruption).';


--
-- Name: COLUMN chaos_campaign.failed_chain_checks; Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON COLUMN ops.chaos_campaign.failed_chain_checks IS 'Segments after which a hash chain did not verify (state corruption).';


--
-- Name: COLUMN chaos_campaign.liveness_hour; Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON COLUMN ops.chaos_campaign.liveness_hour IS 'End of the first segment after the faults at which the book was reconciled, within caps (every gate passed) and every halt explained by an incident; NULL: never within the campaign.';


--
-- Name: chaos_campaigns; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.chaos_campaigns AS
 SELECT c.campaign_id,
    c.campaign,
    c.seed,
    c.days,
    a.name AS account,
    c.schedule_digest,
    c.first_hour,
    c.last_hour,
    c.faults_end_hour,
    c.worker_starts,
    c.worker_kills,
    c.db_stops,
    c.operator_resumes,
    c.failed_gate_checks,
    c.failed_chain_checks,
    c.segments,
    c.liveness_hour,
    c.replay_parity,
    c.passed,
    c.failures,
    c.wall_seconds,
    c.actor,
    c.recorded_at,
    c.book_id
   FROM (ops.chaos_campaign c
     JOIN trading.account a USING (book_id));


ALTER TABLE api.chaos_campaigns OWNER TO predator_owner;

--
-- Name: VIEW chaos_campaigns; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.chaos_campaigns IS 'Chaos campaign runs (predator chaos run): campaign 1..4, seed, days, account, schedule digest, hours, what the supervisor counted, liveness, replay parity, verdict and failures.';


--
-- Name: chaos_fault; Type: TABLE; Schema: ops; Owner: predator_owner
--

CREATE TABLE ops.chaos_fault (
    campaign_id bigint NOT NULL,
    seq integer NOT NULL,
    hour timestamp with time zone NOT NULL,
    layer text NOT NULL,
    kind text NOT NULL,
    params jsonb DEFAULT '{}'::jsonb NOT NULL,
    outcome text NOT NULL,
    recovery_seconds numeric DEFAULT 0 NOT NULL,
    CONSTRAINT chaos_fault_hour_is_finite CHECK (((hour > '-infinity'::timestamp with time zone) AND (hour < 'infinity'::timestamp with time zone))),
    CONSTRAINT chaos_fault_layer_is_known CHECK ((layer = ANY (ARRAY['venue'::text, 'worker'::text, 'postgres'::text, 'decision'::text, 'feed'::text, 'memory'::text, 'operator'::text]))),
    CONSTRAINT chaos_fault_recovery_seconds_is_finite CHECK (((recovery_seconds > '-Infinity'::numeric) AND (recovery_seconds < 'Infinity'::numeric))),
    CONSTRAINT chaos_fault_recovery_seconds_not_negative CHECK ((recovery_seconds >= (0)::numeric)),
    CONSTRAINT chaos_fault_seq_check CHECK ((seq > 0))
);


ALTER TABLE ops.chaos_fault OWNER TO predator_owner;

--
-- Name: TABLE chaos_fault; Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON TABLE ops.chaos_fault IS 'Each fault a chaos campaign scheduled: business hour, layer (venue, worker, postgres, decision, feed, memory, operator), kind, parameters, and what became of it (outcome; missed when the worker had already finished the hour). Append-only; written by api.record_chaos_campaign.';


--
-- Name: chaos_faults; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.chaos_faults AS
 SELECT f.campaign_id,
    f.seq,
    f.hour,
    f.layer,
    f.kind,
    f.params,
    f.outcome,
    f.recovery_seconds
   FROM ops.chaos_fault f;


ALTER TABLE api.chaos_faults OWNER TO predator_owner;

--
-- Name: VIEW chaos_faults; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.chaos_faults IS 'The faults of each chaos campaign: business hour, layer (venue, worker, postgres, decision), kind, parameters and outcome (missed: the worker had already finished the hour).';


--
-- Name: reconciliation; Type: TABLE; Schema: ops; Owner: predator_owner
--

CREATE TABLE ops.reconciliation (
    book_id integer NOT NULL,
    seq bigint NOT NULL,
    kind text NOT NULL,
    ts timestamp with time zone NOT NULL,
    venue_balances jsonb NOT NULL,
    book_balances jsonb NOT NULL,
    venue_open_orders text[] NOT NULL,
    book_open_orders text[] NOT NULL,
    tolerance numeric NOT NULL,
    diffs jsonb NOT NULL,
    clean boolean NOT NULL,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    prev_hash bytea NOT NULL,
    row_hash bytea NOT NULL,
    CONSTRAINT clean_means_no_diff CHECK ((clean = (diffs = '[]'::jsonb))),
    CONSTRAINT reconciliation_kind_is_known CHECK ((kind = ANY (ARRAY['hourly'::text, 'startup'::text, 'manual'::text]))),
    CONSTRAINT reconciliation_recorded_at_is_finite CHECK (((recorded_at > '-infinity'::timestamp with time zone) AND (recorded_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT reconciliation_tolerance_is_finite CHECK (((tolerance > '-Infinity'::numeric) AND (tolerance < 'Infinity'::numeric))),
    CONSTRAINT reconciliation_ts_is_finite CHECK (((ts > '-infinity'::timestamp with time zone) AND (ts < 'infinity'::timestamp with time zone))),
    CONSTRAINT tolerance_is_non_negative CHECK ((tolerance >= (0)::numeric))
);


ALTER TABLE ops.reconciliation OWNER TO predator_owner;

--
-- Name: TABLE reconciliation; Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON TABLE ops.reconciliation IS 'Every comparison of the book with the venue''s truth (balances per currency, open orders), the differences beyond the tolerance, and whether it was clean. Append-only, chained per book.';


--
-- Name: transfer_posting; Type: TABLE; Schema: ops; Owner: predator_owner
--

CREATE TABLE ops.transfer_posting (
    book_id integer NOT NULL,
    seq bigint NOT NULL,
    kind text NOT NULL,
    currency text NOT NULL,
    amount numeric NOT NULL,
    venue_ref text,
    tx_seq bigint NOT NULL,
    incident_seq bigint NOT NULL,
    reason text NOT NULL,
    actor text DEFAULT SESSION_USER NOT NULL,
    ts timestamp with time zone NOT NULL,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    prev_hash bytea NOT NULL,
    row_hash bytea NOT NULL,
    CONSTRAINT transfer_posting_amount_is_finite CHECK (((amount > '-Infinity'::numeric) AND (amount < 'Infinity'::numeric))),
    CONSTRAINT transfer_posting_amount_is_positive CHECK ((amount > (0)::numeric)),
    CONSTRAINT transfer_posting_kind_is_known CHECK ((kind = ANY (ARRAY['deposit'::text, 'withdrawal'::text]))),
    CONSTRAINT transfer_posting_reason_is_given CHECK ((length(btrim(reason)) > 0)),
    CONSTRAINT transfer_posting_recorded_at_is_finite CHECK (((recorded_at > '-infinity'::timestamp with time zone) AND (recorded_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT transfer_posting_ts_is_finite CHECK (((ts > '-infinity'::timestamp with time zone) AND (ts < 'infinity'::timestamp with time zone)))
);


ALTER TABLE ops.transfer_posting OWNER TO predator_owner;

--
-- Name: TABLE transfer_posting; Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON TABLE ops.transfer_posting IS 'Deposits and withdrawals seen on the venue account and posted to the journal by an operator (api.post_venue_transfer): the journal transaction (trading against external) and the incident it corrects; venue_ref, when given, is the relayed transfer (ops.venue_transfer) it posts, once. Append-only, chained per book.';


--
-- Name: hourly_state; Type: TABLE; Schema: portfolio; Owner: predator_owner
--

CREATE TABLE portfolio.hourly_state (
    book_id integer NOT NULL,
    seq bigint NOT NULL,
    hour timestamp with time zone NOT NULL,
    cash numeric NOT NULL,
    positions_value numeric NOT NULL,
    equity numeric NOT NULL,
    peak_equity numeric NOT NULL,
    drawdown numeric NOT NULL,
    day_start_equity numeric NOT NULL,
    daily_pnl numeric NOT NULL,
    realized_pnl numeric NOT NULL,
    unrealized_pnl numeric NOT NULL,
    fees numeric NOT NULL,
    gross_exposure numeric NOT NULL,
    open_orders integer NOT NULL,
    stale_marks text[] DEFAULT '{}'::text[] NOT NULL,
    inputs_hash bytea NOT NULL,
    outputs_hash bytea NOT NULL,
    digests jsonb NOT NULL,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    prev_hash bytea NOT NULL,
    row_hash bytea NOT NULL,
    exposures jsonb,
    valuation jsonb,
    CONSTRAINT drawdown_is_a_fraction CHECK (((drawdown >= (0)::numeric) AND (drawdown <= (1)::numeric))),
    CONSTRAINT equity_adds_up CHECK ((equity = (cash + positions_value))),
    CONSTRAINT hour_is_aligned CHECK ((date_trunc('hour'::text, hour) = hour)),
    CONSTRAINT hourly_state_cash_is_finite CHECK (((cash > '-Infinity'::numeric) AND (cash < 'Infinity'::numeric))),
    CONSTRAINT hourly_state_daily_pnl_is_finite CHECK (((daily_pnl > '-Infinity'::numeric) AND (daily_pnl < 'Infinity'::numeric))),
    CONSTRAINT hourly_state_day_start_equity_is_finite CHECK (((day_start_equity > '-Infinity'::numeric) AND (day_start_equity < 'Infinity'::numeric))),
    CONSTRAINT hourly_state_drawdown_is_finite CHECK (((drawdown > '-Infinity'::numeric) AND (drawdown < 'Infinity'::numeric))),
    CONSTRAINT hourly_state_equity_is_finite CHECK (((equity > '-Infinity'::numeric) AND (equity < 'Infinity'::numeric))),
    CONSTRAINT hourly_state_fees_is_finite CHECK (((fees > '-Infinity'::numeric) AND (fees < 'Infinity'::numeric))),
    CONSTRAINT hourly_state_gross_exposure_is_finite CHECK (((gross_exposure > '-Infinity'::numeric) AND (gross_exposure < 'Infinity'::numeric))),
    CONSTRAINT hourly_state_hour_is_finite CHECK (((hour > '-infinity'::timestamp with time zone) AND (hour < 'infinity'::timestamp with time zone))),
    CONSTRAINT hourly_state_peak_equity_is_finite CHECK (((peak_equity > '-Infinity'::numeric) AND (peak_equity < 'Infinity'::numeric))),
    CONSTRAINT hourly_state_positions_value_is_finite CHECK (((positions_value > '-Infinity'::numeric) AND (positions_value < 'Infinity'::numeric))),
    CONSTRAINT hourly_state_realized_pnl_is_finite CHECK (((realized_pnl > '-Infinity'::numeric) AND (realized_pnl < 'Infinity'::numeric))),
    CONSTRAINT hourly_state_recorded_at_is_finite CHECK (((recorded_at > '-infinity'::timestamp with time zone) AND (recorded_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT hourly_state_unrealized_pnl_is_finite CHECK (((unrealized_pnl > '-Infinity'::numeric) AND (unrealized_pnl < 'Infinity'::numeric))),
    CONSTRAINT peak_is_at_least_equity CHECK ((peak_equity >= equity))
);


ALTER TABLE portfolio.hourly_state OWNER TO predator_owner;

--
-- Name: TABLE hourly_state; Type: COMMENT; Schema: portfolio; Owner: predator_owner
--

COMMENT ON TABLE portfolio.hourly_state IS 'Portfolio and risk state at the close of each hour (hour = close time, UTC), all amounts in the account''s base currency: cash, positions at mark, equity, peak, drawdown (fraction of peak), daily PnL since 00:00 UTC, cumulative realized PnL and fees, unrealized PnL, gross exposure (fraction of equity); with the hashes of the hour''s inputs and outputs for replay parity. Append-only, chained per book.';


--
-- Name: COLUMN hourly_state.exposures; Type: COMMENT; Schema: portfolio; Owner: predator_owner
--

COMMENT ON COLUMN portfolio.hourly_state.exposures IS 'Exposure at the close by instrument, cluster and quote currency: a JSON array of {kind, key, quantity, mark, notional (base currency, at mark), exposure (fraction of equity)}; NULL on rows written before migration 0005.';


--
-- Name: COLUMN hourly_state.valuation; Type: COMMENT; Schema: portfolio; Owner: predator_owner
--

COMMENT ON COLUMN portfolio.hourly_state.valuation IS 'What the close valued (portfolio.valuation): {"reporting": currency, "currencies": {CCY: {"cash", "positions", "open_buys", "rate", "symbol", "bar_close", "inverted", "cash_currency"}}}: per cash or quote currency its trading balance (cash currencies only), positions at mark and open buys in that currency and the conversion rate to the reporting currency with its pair and bar close (rate null: none, valued 0). NULL on rows closed before migration 0019.';


--
-- Name: strategy_hour; Type: TABLE; Schema: portfolio; Owner: predator_owner
--

CREATE TABLE portfolio.strategy_hour (
    book_id integer NOT NULL,
    strategy text NOT NULL,
    hour timestamp with time zone NOT NULL,
    pool text NOT NULL,
    position_value numeric NOT NULL,
    open_buy_notional numeric NOT NULL,
    realized_pnl numeric NOT NULL,
    unrealized_pnl numeric NOT NULL,
    pnl numeric NOT NULL,
    day_start_pnl numeric NOT NULL,
    peak_pnl numeric NOT NULL,
    actions text[] DEFAULT '{}'::text[] NOT NULL,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    CONSTRAINT strategy_hour_day_start_pnl_is_finite CHECK (((day_start_pnl > '-Infinity'::numeric) AND (day_start_pnl < 'Infinity'::numeric))),
    CONSTRAINT strategy_hour_hour_is_finite CHECK (((hour > '-infinity'::timestamp with time zone) AND (hour < 'infinity'::timestamp with time zone))),
    CONSTRAINT strategy_hour_is_aligned CHECK ((date_trunc('hour'::text, hour) = hour)),
    CONSTRAINT strategy_hour_open_buy_notional_is_finite CHECK (((open_buy_notional > '-Infinity'::numeric) AND (open_buy_notional < 'Infinity'::numeric))),
    CONSTRAINT strategy_hour_peak_pnl_is_finite CHECK (((peak_pnl > '-Infinity'::numeric) AND (peak_pnl < 'Infinity'::numeric))),
    CONSTRAINT strategy_hour_pnl_is_finite CHECK (((pnl > '-Infinity'::numeric) AND (pnl < 'Infinity'::numeric))),
    CONSTRAINT strategy_hour_position_value_is_finite CHECK (((position_value > '-Infinity'::numeric) AND (position_value < 'Infinity'::numeric))),
    CONSTRAINT strategy_hour_realized_pnl_is_finite CHECK (((realized_pnl > '-Infinity'::numeric) AND (realized_pnl < 'Infinity'::numeric))),
    CONSTRAINT strategy_hour_recorded_at_is_finite CHECK (((recorded_at > '-infinity'::timestamp with time zone) AND (recorded_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT strategy_hour_unrealized_pnl_is_finite CHECK (((unrealized_pnl > '-Infinity'::numeric) AND (unrealized_pnl < 'Infinity'::numeric))),
    CONSTRAINT strategy_peak_is_at_least_pnl CHECK ((peak_pnl >= pnl))
);


ALTER TABLE portfolio.strategy_hour OWNER TO predator_owner;

--
-- Name: TABLE strategy_hour; Type: COMMENT; Schema: portfolio; Owner: predator_owner
--

COMMENT ON TABLE portfolio.strategy_hour IS 'Each strategy''s own figures at each hour close (risk.strategy_figures, in the base currency): its positions at mark and open buys, realized and unrealized PnL of its own fills, PnL at the day start and its peak, and the actions its limits took (strategy_killed). Written by api.close_hour; append-only.';


--
-- Name: halt_event; Type: TABLE; Schema: risk; Owner: predator_owner
--

CREATE TABLE risk.halt_event (
    book_id integer DEFAULT 0 NOT NULL,
    seq bigint NOT NULL,
    scope_kind text NOT NULL,
    scope_key text NOT NULL,
    action text NOT NULL,
    reason text NOT NULL,
    source text DEFAULT 'operator'::text NOT NULL,
    actor text DEFAULT SESSION_USER NOT NULL,
    ts timestamp with time zone,
    effective_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    prev_hash bytea NOT NULL,
    row_hash bytea NOT NULL,
    CONSTRAINT global_scope_key_is_star CHECK (((scope_kind <> 'global'::text) OR (scope_key = '*'::text))),
    CONSTRAINT halt_action_is_known CHECK ((action = ANY (ARRAY['halt'::text, 'resume'::text]))),
    CONSTRAINT halt_event_effective_at_is_finite CHECK (((effective_at > '-infinity'::timestamp with time zone) AND (effective_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT halt_event_recorded_at_is_finite CHECK (((recorded_at > '-infinity'::timestamp with time zone) AND (recorded_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT halt_event_ts_is_finite CHECK (((ts > '-infinity'::timestamp with time zone) AND (ts < 'infinity'::timestamp with time zone))),
    CONSTRAINT halt_reason_is_given CHECK ((length(btrim(reason)) > 0)),
    CONSTRAINT halt_scope_is_known CHECK ((scope_kind = ANY (ARRAY['global'::text, 'account'::text, 'lane'::text, 'strategy'::text]))),
    CONSTRAINT halt_source_is_known CHECK ((source = ANY (ARRAY['operator'::text, 'system'::text])))
);


ALTER TABLE risk.halt_event OWNER TO predator_owner;

--
-- Name: TABLE halt_event; Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON TABLE risk.halt_event IS 'Append-only halts and resumes at global, account, lane or strategy scope, with reason, actor and effective time (wall clock after the halt lock); ts is the business time for system halts. Chained per book (account, strategy scope) or on the control-plane chain book_id 0 (global, lane).';


--
-- Name: strategy_health; Type: TABLE; Schema: risk; Owner: predator_owner
--

CREATE TABLE risk.strategy_health (
    book_id integer NOT NULL,
    seq bigint NOT NULL,
    strategy text NOT NULL,
    hour timestamp with time zone NOT NULL,
    scored_from timestamp with time zone NOT NULL,
    trades integer NOT NULL,
    claimed_edge_bps numeric,
    realized_edge_bps numeric,
    hit_rate numeric,
    claimed_hit_rate numeric,
    decisions integer NOT NULL,
    refused integer NOT NULL,
    edge_psr numeric,
    hit_p numeric,
    score numeric,
    state_before text NOT NULL,
    state text NOT NULL,
    action text,
    cause text,
    thresholds jsonb DEFAULT '{}'::jsonb NOT NULL,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    prev_hash bytea NOT NULL,
    row_hash bytea NOT NULL,
    CONSTRAINT health_action_is_known CHECK ((action = ANY (ARRAY['demote'::text, 'restore'::text, 'pause'::text, 'resumed'::text]))),
    CONSTRAINT health_claimed_hit_rate_is_a_share CHECK (((claimed_hit_rate >= (0)::numeric) AND (claimed_hit_rate <= (1)::numeric))),
    CONSTRAINT health_decisions_non_negative CHECK ((decisions >= 0)),
    CONSTRAINT health_hit_p_is_a_probability CHECK (((hit_p >= (0)::numeric) AND (hit_p <= (1)::numeric))),
    CONSTRAINT health_hit_rate_is_a_share CHECK (((hit_rate >= (0)::numeric) AND (hit_rate <= (1)::numeric))),
    CONSTRAINT health_psr_is_a_probability CHECK (((edge_psr >= (0)::numeric) AND (edge_psr <= (1)::numeric))),
    CONSTRAINT health_refused_within_decisions CHECK (((refused >= 0) AND (refused <= decisions))),
    CONSTRAINT health_score_is_a_probability CHECK (((score >= (0)::numeric) AND (score <= (1)::numeric))),
    CONSTRAINT health_state_before_is_known CHECK ((state_before = ANY (ARRAY['normal'::text, 'demoted'::text, 'paused'::text]))),
    CONSTRAINT health_state_is_known CHECK ((state = ANY (ARRAY['normal'::text, 'demoted'::text, 'paused'::text]))),
    CONSTRAINT health_trades_non_negative CHECK ((trades >= 0)),
    CONSTRAINT strategy_health_action_has_cause CHECK (((action IS NULL) = (cause IS NULL))),
    CONSTRAINT strategy_health_action_moves_state CHECK (((action IS NULL) OR (state <> state_before))),
    CONSTRAINT strategy_health_claimed_edge_bps_is_finite CHECK (((claimed_edge_bps > '-Infinity'::numeric) AND (claimed_edge_bps < 'Infinity'::numeric))),
    CONSTRAINT strategy_health_claimed_hit_rate_is_finite CHECK (((claimed_hit_rate > '-Infinity'::numeric) AND (claimed_hit_rate < 'Infinity'::numeric))),
    CONSTRAINT strategy_health_edge_psr_is_finite CHECK (((edge_psr > '-Infinity'::numeric) AND (edge_psr < 'Infinity'::numeric))),
    CONSTRAINT strategy_health_hit_p_is_finite CHECK (((hit_p > '-Infinity'::numeric) AND (hit_p < 'Infinity'::numeric))),
    CONSTRAINT strategy_health_hit_rate_is_finite CHECK (((hit_rate > '-Infinity'::numeric) AND (hit_rate < 'Infinity'::numeric))),
    CONSTRAINT strategy_health_hour_is_aligned CHECK ((date_trunc('hour'::text, hour) = hour)),
    CONSTRAINT strategy_health_hour_is_finite CHECK (((hour > '-infinity'::timestamp with time zone) AND (hour < 'infinity'::timestamp with time zone))),
    CONSTRAINT strategy_health_realized_edge_bps_is_finite CHECK (((realized_edge_bps > '-Infinity'::numeric) AND (realized_edge_bps < 'Infinity'::numeric))),
    CONSTRAINT strategy_health_recorded_at_is_finite CHECK (((recorded_at > '-infinity'::timestamp with time zone) AND (recorded_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT strategy_health_score_is_finite CHECK (((score > '-Infinity'::numeric) AND (score < 'Infinity'::numeric))),
    CONSTRAINT strategy_health_scored_from_is_finite CHECK (((scored_from > '-infinity'::timestamp with time zone) AND (scored_from < 'infinity'::timestamp with time zone)))
);


ALTER TABLE risk.strategy_health OWNER TO predator_owner;

--
-- Name: TABLE strategy_health; Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON TABLE risk.strategy_health IS 'Per strategy and closed hour: its rolling health score (docs/risk.md "Strategy health") from the lot allocations its entries closed in the window (claimed against realized edge, hit rate against claimed confidence) and its refused signals; the state (normal, demoted, paused) before and after, and the action taken with its cause (demote, restore, pause; resumed when an operator resumed a strategy health had paused). Append-only, chained per book.';


--
-- Name: COLUMN strategy_health.hour; Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON COLUMN risk.strategy_health.hour IS 'Close time of the hour (UTC) at which the score was computed (api.close_hour).';


--
-- Name: COLUMN strategy_health.scored_from; Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON COLUMN risk.strategy_health.scored_from IS 'Start of the evidence: the later of hour − window and the hour an operator last resumed the strategy after a health pause.';


--
-- Name: COLUMN strategy_health.score; Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON COLUMN risk.strategy_health.score IS 'min(edge_psr, hit_p) × (1 − refused / decisions), rounded to 6 places; NULL when fewer than health_min_trades allocations closed in the window (unscored: no action).';


--
-- Name: fill_void; Type: TABLE; Schema: trading; Owner: predator_owner
--

CREATE TABLE trading.fill_void (
    book_id integer NOT NULL,
    seq bigint NOT NULL,
    symbol text NOT NULL,
    venue_trade_id text NOT NULL,
    client_order_id text NOT NULL,
    lot_no integer,
    quantity numeric NOT NULL,
    tx_seq bigint NOT NULL,
    incident_seq bigint NOT NULL,
    reason text NOT NULL,
    actor text DEFAULT SESSION_USER NOT NULL,
    ts timestamp with time zone NOT NULL,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    prev_hash bytea NOT NULL,
    row_hash bytea NOT NULL,
    round_trip_seq bigint,
    CONSTRAINT fill_void_qty_is_positive CHECK ((quantity > (0)::numeric)),
    CONSTRAINT fill_void_quantity_is_finite CHECK (((quantity > '-Infinity'::numeric) AND (quantity < 'Infinity'::numeric))),
    CONSTRAINT fill_void_reason_is_given CHECK ((length(btrim(reason)) > 0)),
    CONSTRAINT fill_void_recorded_at_is_finite CHECK (((recorded_at > '-infinity'::timestamp with time zone) AND (recorded_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT fill_void_ts_is_finite CHECK (((ts > '-infinity'::timestamp with time zone) AND (ts < 'infinity'::timestamp with time zone)))
);


ALTER TABLE trading.fill_void OWNER TO predator_owner;

--
-- Name: TABLE fill_void; Type: COMMENT; Schema: trading; Owner: predator_owner
--

COMMENT ON TABLE trading.fill_void IS 'Fills the venue never made, voided by an operator (api.void_fill): the fill stays; a buy''s void names the lot it emptied, a sell''s void gives its allocations back to their lots and names the round trip it had closed, if any; quantity is the base taken out of or given back to the position; the reversing journal transaction (kind void) and the incident it corrects. Gates 04, 05, 11, 13, 17, 20 and 21, the hour close and the strategy figures leave a voided fill, its allocations and its round trip out. Append-only, chained per book.';


--
-- Name: COLUMN fill_void.lot_no; Type: COMMENT; Schema: trading; Owner: predator_owner
--

COMMENT ON COLUMN trading.fill_void.lot_no IS 'A voided buy: the lot it emptied. A voided sell: NULL (the lots it consumed are its trading.lot_allocation rows, each given back its quantity).';


--
-- Name: COLUMN fill_void.quantity; Type: COMMENT; Schema: trading; Owner: predator_owner
--

COMMENT ON COLUMN trading.fill_void.quantity IS 'The base quantity the void took out of (a buy: its lot''s quantity) or gave back to (a sell: its allocations, the sell''s quantity plus a fee paid in the base) the lots and the position.';


--
-- Name: COLUMN fill_void.round_trip_seq; Type: COMMENT; Schema: trading; Owner: predator_owner
--

COMMENT ON COLUMN trading.fill_void.round_trip_seq IS 'A voided sell that had closed a round trip: that trading.round_trip row, taken back (the trip is open again under its number). NULL otherwise.';


--
-- Name: chaos_metrics; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.chaos_metrics AS
 WITH c AS (
         SELECT cc.campaign_id,
            cc.campaign,
            cc.seed,
            cc.days,
            cc.book_id,
            cc.schedule_digest,
            cc.first_hour,
            cc.last_hour,
            cc.faults_end_hour,
            cc.worker_starts,
            cc.worker_kills,
            cc.db_stops,
            cc.operator_resumes,
            cc.failed_gate_checks,
            cc.failed_chain_checks,
            cc.segments,
            cc.liveness_hour,
            cc.replay_parity,
            cc.passed,
            cc.failures,
            cc.wall_seconds,
            cc.actor,
            cc.recorded_at,
            a.name AS account,
            a.lane,
            (cc.recorded_at - make_interval(secs => (cc.wall_seconds)::double precision)) AS started_at
           FROM (ops.chaos_campaign cc
             JOIN trading.account a USING (book_id))
        ), hs AS (
         SELECT c_1.campaign_id,
            h.hour,
            h.equity,
            h.drawdown,
            (EXISTS ( SELECT
                   FROM risk.halt_event e
                  WHERE (((e.scope_kind = 'global'::text) OR ((e.scope_kind = 'lane'::text) AND (e.scope_key = c_1.lane)) OR ((e.scope_kind = 'account'::text) AND (e.scope_key = c_1.account))) AND (e.action = 'halt'::text) AND (e.effective_at <= h.recorded_at) AND (NOT (EXISTS ( SELECT
                           FROM risk.halt_event r
                          WHERE ((r.scope_kind = e.scope_kind) AND (r.scope_key = e.scope_key) AND (r.action = 'resume'::text) AND (r.effective_at > e.effective_at) AND (r.effective_at <= h.recorded_at)))))))) AS halted
           FROM (c c_1
             JOIN portfolio.hourly_state h ON (((h.book_id = c_1.book_id) AND ((h.hour >= c_1.first_hour) AND (h.hour <= c_1.last_hour)))))
        ), halts AS (
         SELECT c_1.campaign_id,
            e.scope_kind,
            e.effective_at,
            ( SELECT min(r.effective_at) AS min
                   FROM risk.halt_event r
                  WHERE ((r.scope_kind = e.scope_kind) AND (r.scope_key = e.scope_key) AND (r.action = 'resume'::text) AND (r.effective_at > e.effective_at))) AS resumed_at,
            ( SELECT r.source
                   FROM risk.halt_event r
                  WHERE ((r.scope_kind = e.scope_kind) AND (r.scope_key = e.scope_key) AND (r.action = 'resume'::text) AND (r.effective_at > e.effective_at))
                  ORDER BY r.effective_at
                 LIMIT 1) AS resumed_by
           FROM (c c_1
             JOIN risk.halt_event e ON (((e.action = 'halt'::text) AND ((e.effective_at >= c_1.started_at) AND (e.effective_at <= c_1.recorded_at)) AND ((e.scope_kind = 'global'::text) OR ((e.scope_kind = 'lane'::text) AND (e.scope_key = c_1.lane)) OR ((e.scope_kind = 'account'::text) AND (e.scope_key = c_1.account))))))
        ), pool_dd AS (
         SELECT z.campaign_id,
            jsonb_object_agg(z.pool, z.dd ORDER BY z.pool) AS dd
           FROM ( SELECT y.campaign_id,
                    y.pool,
                    max((y.peak - y.pnl)) AS dd
                   FROM ( SELECT x.campaign_id,
                            x.pool,
                            x.pnl,
                            max(x.pnl) OVER (PARTITION BY x.campaign_id, x.pool ORDER BY x.hour) AS peak
                           FROM ( SELECT c_1.campaign_id,
                                    s.pool,
                                    s.hour,
                                    sum(s.pnl) AS pnl
                                   FROM (c c_1
                                     JOIN portfolio.strategy_hour s ON (((s.book_id = c_1.book_id) AND ((s.hour >= c_1.first_hour) AND (s.hour <= c_1.last_hour)))))
                                  GROUP BY c_1.campaign_id, s.pool, s.hour) x) y
                  GROUP BY y.campaign_id, y.pool) z
          GROUP BY z.campaign_id
        )
 SELECT c.campaign_id,
    c.campaign,
    c.seed,
    c.account,
    ( SELECT count(*) AS count
           FROM hs
          WHERE (hs.campaign_id = c.campaign_id)) AS hours,
    round(((100.0 * (( SELECT count(*) FILTER (WHERE (NOT hs.halted)) AS count
           FROM hs
          WHERE (hs.campaign_id = c.campaign_id)))::numeric) / (NULLIF(( SELECT count(*) AS count
           FROM hs
          WHERE (hs.campaign_id = c.campaign_id)), 0))::numeric), 2) AS uptime_pct,
    ( SELECT count(*) AS count
           FROM halts
          WHERE ((halts.campaign_id = c.campaign_id) AND (halts.scope_kind = 'global'::text))) AS global_kill_switch_triggers,
    ( SELECT count(*) AS count
           FROM halts
          WHERE (halts.campaign_id = c.campaign_id)) AS halts,
    (( SELECT count(*) AS count
           FROM risk.halt_event e
          WHERE ((e.action = 'halt'::text) AND (e.scope_kind = 'strategy'::text) AND (e.scope_key ~~ (c.account || '/%'::text)) AND ((e.effective_at >= c.started_at) AND (e.effective_at <= c.recorded_at)))) + ( SELECT count(*) AS count
           FROM risk.strategy_health h
          WHERE ((h.book_id = c.book_id) AND (h.action = 'pause'::text) AND ((h.hour >= c.first_hour) AND (h.hour <= c.last_hour))))) AS local_kills,
    ( SELECT round(avg(EXTRACT(epoch FROM (halts.resumed_at - halts.effective_at))), 3) AS round
           FROM halts
          WHERE ((halts.campaign_id = c.campaign_id) AND (halts.resumed_at IS NOT NULL))) AS mttr_seconds,
    ( SELECT round(max(EXTRACT(epoch FROM (halts.resumed_at - halts.effective_at))), 3) AS round
           FROM halts
          WHERE ((halts.campaign_id = c.campaign_id) AND (halts.resumed_at IS NOT NULL))) AS max_recovery_seconds,
    ( SELECT count(*) AS count
           FROM halts
          WHERE ((halts.campaign_id = c.campaign_id) AND (halts.resumed_at IS NULL))) AS halts_unresolved,
    ( SELECT max(hs.drawdown) AS max
           FROM hs
          WHERE (hs.campaign_id = c.campaign_id)) AS max_drawdown,
    COALESCE(( SELECT pool_dd.dd
           FROM pool_dd
          WHERE (pool_dd.campaign_id = c.campaign_id)), '{}'::jsonb) AS max_drawdown_per_pool,
    (c.failed_gate_checks + c.failed_chain_checks) AS state_corruption_incidents,
    ( SELECT count(*) AS count
           FROM ops.reconciliation r
          WHERE ((r.book_id = c.book_id) AND (NOT r.clean) AND ((r.ts >= c.first_hour) AND (r.ts <= c.last_hour)))) AS execution_portfolio_mismatches,
    COALESCE(( SELECT
                CASE jsonb_typeof(r.diffs)
                    WHEN 'array'::text THEN (jsonb_array_length(r.diffs))::bigint
                    WHEN 'object'::text THEN ( SELECT count(*) AS count
                       FROM jsonb_object_keys(r.diffs) jsonb_object_keys(jsonb_object_keys))
                    ELSE (0)::bigint
                END AS "case"
           FROM ops.reconciliation r
          WHERE ((r.book_id = c.book_id) AND (r.ts <= c.last_hour))
          ORDER BY r.seq DESC
         LIMIT 1), (0)::bigint) AS events_lost,
    ( SELECT count(*) AS count
           FROM ops.chaos_fault f
          WHERE ((f.campaign_id = c.campaign_id) AND (f.outcome !~~ 'missed%'::text))) AS faults_injected,
    ( SELECT count(DISTINCT ((f.layer || ':'::text) || f.kind)) AS count
           FROM ops.chaos_fault f
          WHERE ((f.campaign_id = c.campaign_id) AND (f.outcome !~~ 'missed%'::text))) AS scenarios_injected,
    round((100.0 * ((1)::numeric - ((LEAST((c.operator_resumes + ( SELECT count(*) AS count
           FROM ops.chaos_fault f
          WHERE ((f.campaign_id = c.campaign_id) AND (f.layer = 'venue'::text) AND (f.kind = ANY (ARRAY['ghost_fill'::text, 'withdrawal'::text])) AND (f.outcome !~~ 'not reached%'::text) AND (f.outcome !~~ 'missed%'::text) AND (NOT (EXISTS ( SELECT
                   FROM trading.fill_void v
                  WHERE (v.book_id = c.book_id)))) AND (NOT (EXISTS ( SELECT
                   FROM ops.transfer_posting t
                  WHERE (t.book_id = c.book_id))))))), ( SELECT count(*) AS count
           FROM ops.chaos_fault f
          WHERE ((f.campaign_id = c.campaign_id) AND (f.outcome !~~ 'missed%'::text)))))::numeric / (NULLIF(( SELECT count(*) AS count
           FROM ops.chaos_fault f
          WHERE ((f.campaign_id = c.campaign_id) AND (f.outcome !~~ 'missed%'::text))), 0))::numeric))), 2) AS survived_without_human_pct,
    c.worker_kills,
    c.db_stops,
    c.operator_resumes,
    c.liveness_hour,
    c.replay_parity,
    c.passed
   FROM c;


ALTER TABLE api.chaos_metrics OWNER TO predator_owner;

--
-- Name: VIEW chaos_metrics; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.chaos_metrics IS 'Seed 001''s metrics per chaos campaign, computed from the book: uptime % (closed hours without a halt covering the book in force at the close), global kill-switch triggers (global halts), halts, local kills (strategy halts and health pauses), MTTR and the longest recovery (wall seconds from halt to resume), halts never lifted, max drawdown (book) and per pool (fall of the pool''s PnL from its peak, quote currency), state-corruption incidents (segments whose gates or chains failed), execution/portfolio mismatches (dirty reconciliations), events lost (differences left in the last reconciliation), faults and distinct scenarios injected, % survived without a human (faults not followed by an operator resume nor ending the account''s trading; a corrected terminal fault counts by its resume), SIGKILLs, database stops, liveness, replay parity, verdict.';


--
-- Name: decision; Type: TABLE; Schema: risk; Owner: predator_owner
--

CREATE TABLE risk.decision (
    book_id integer NOT NULL,
    seq bigint NOT NULL,
    signal_seq bigint NOT NULL,
    strategy text NOT NULL,
    symbol text NOT NULL,
    ts timestamp with time zone NOT NULL,
    outcome text NOT NULL,
    reasons text[] DEFAULT '{}'::text[] NOT NULL,
    client_order_id text,
    figures jsonb DEFAULT '{}'::jsonb NOT NULL,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    prev_hash bytea NOT NULL,
    row_hash bytea NOT NULL,
    CONSTRAINT admission_has_order CHECK (((outcome = 'admitted'::text) = (client_order_id IS NOT NULL))),
    CONSTRAINT decision_outcome_is_known CHECK ((outcome = ANY (ARRAY['admitted'::text, 'refused'::text, 'hold'::text]))),
    CONSTRAINT decision_recorded_at_is_finite CHECK (((recorded_at > '-infinity'::timestamp with time zone) AND (recorded_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT decision_ts_is_finite CHECK (((ts > '-infinity'::timestamp with time zone) AND (ts < 'infinity'::timestamp with time zone))),
    CONSTRAINT refusal_has_reasons CHECK (((outcome <> 'refused'::text) OR (cardinality(reasons) > 0)))
);


ALTER TABLE risk.decision OWNER TO predator_owner;

--
-- Name: TABLE decision; Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON TABLE risk.decision IS 'The admission gate''s verdict on every signal: admitted (with its client order id), refused (with reason codes) or hold; figures holds the equity, prices, exposures and limits it used. Append-only, chained per book.';


--
-- Name: signal; Type: TABLE; Schema: trading; Owner: predator_owner
--

CREATE TABLE trading.signal (
    book_id integer NOT NULL,
    seq bigint NOT NULL,
    strategy text NOT NULL,
    symbol text NOT NULL,
    ts timestamp with time zone NOT NULL,
    direction text NOT NULL,
    confidence numeric NOT NULL,
    edge_bps numeric NOT NULL,
    expiry timestamp with time zone NOT NULL,
    quantity numeric,
    order_type text DEFAULT 'market'::text NOT NULL,
    limit_price numeric,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    prev_hash bytea NOT NULL,
    row_hash bytea NOT NULL,
    CONSTRAINT confidence_is_a_probability CHECK (((confidence >= (0)::numeric) AND (confidence <= (1)::numeric))),
    CONSTRAINT limit_order_has_price CHECK (((order_type = 'limit'::text) = (limit_price IS NOT NULL))),
    CONSTRAINT limit_price_is_positive CHECK ((limit_price > (0)::numeric)),
    CONSTRAINT signal_confidence_is_finite CHECK (((confidence > '-Infinity'::numeric) AND (confidence < 'Infinity'::numeric))),
    CONSTRAINT signal_direction_is_known CHECK ((direction = ANY (ARRAY['buy'::text, 'sell'::text, 'hold'::text, 'reduce'::text, 'exit'::text]))),
    CONSTRAINT signal_edge_bps_is_finite CHECK (((edge_bps > '-Infinity'::numeric) AND (edge_bps < 'Infinity'::numeric))),
    CONSTRAINT signal_expires_after_decision CHECK ((expiry > ts)),
    CONSTRAINT signal_expiry_is_finite CHECK (((expiry > '-infinity'::timestamp with time zone) AND (expiry < 'infinity'::timestamp with time zone))),
    CONSTRAINT signal_limit_price_is_finite CHECK (((limit_price > '-Infinity'::numeric) AND (limit_price < 'Infinity'::numeric))),
    CONSTRAINT signal_order_type_is_known CHECK ((order_type = ANY (ARRAY['market'::text, 'limit'::text]))),
    CONSTRAINT signal_qty_is_positive CHECK ((quantity > (0)::numeric)),
    CONSTRAINT signal_quantity_is_finite CHECK (((quantity > '-Infinity'::numeric) AND (quantity < 'Infinity'::numeric))),
    CONSTRAINT signal_recorded_at_is_finite CHECK (((recorded_at > '-infinity'::timestamp with time zone) AND (recorded_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT signal_ts_is_finite CHECK (((ts > '-infinity'::timestamp with time zone) AND (ts < 'infinity'::timestamp with time zone)))
);


ALTER TABLE trading.signal OWNER TO predator_owner;

--
-- Name: TABLE signal; Type: COMMENT; Schema: trading; Owner: predator_owner
--

COMMENT ON TABLE trading.signal IS 'Normalised strategy signals: decision time ts (UTC), direction, confidence 0..1, expected edge after fees and slippage in basis points, expiry, optional base quantity. Append-only, chained per book; one signal per (strategy, symbol, decision time).';


--
-- Name: decisions; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.decisions AS
 SELECT a.name AS account,
    s.strategy,
    s.symbol,
    s.ts,
    s.direction,
    s.confidence,
    s.edge_bps,
    s.expiry,
    s.quantity,
    d.outcome,
    d.reasons,
    d.client_order_id,
    d.figures,
    s.seq AS signal_seq
   FROM ((trading.signal s
     JOIN risk.decision d ON (((d.book_id = s.book_id) AND (d.signal_seq = s.seq))))
     JOIN trading.account a ON ((a.book_id = s.book_id)));


ALTER TABLE api.decisions OWNER TO predator_owner;

--
-- Name: VIEW decisions; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.decisions IS 'Every signal and its verdict: admitted (client order id), refused (reason codes) or hold, with the figures used.';


--
-- Name: exposures; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.exposures AS
 SELECT a.name AS account,
    h.hour,
    e.kind,
    e.key,
    e.quantity,
    e.mark,
    e.notional,
    e.exposure
   FROM ((portfolio.hourly_state h
     JOIN trading.account a USING (book_id))
     CROSS JOIN LATERAL jsonb_to_recordset(h.exposures) e(kind text, key text, quantity numeric, mark numeric, notional numeric, exposure numeric));


ALTER TABLE api.exposures OWNER TO predator_owner;

--
-- Name: VIEW exposures; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.exposures IS 'Exposure at each hour''s close (from portfolio.hourly_state.exposures): notional at mark (base currency) and fraction of equity, by instrument, cluster and quote currency.';


--
-- Name: fill_voids; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.fill_voids AS
 SELECT a.name AS account,
    v.symbol,
    v.venue_trade_id,
    v.client_order_id,
    v.lot_no,
    v.quantity,
    v.tx_seq,
    format('INC-%s-%s'::text, v.book_id, v.incident_seq) AS incident,
    v.reason,
    v.actor,
    v.ts,
    v.recorded_at,
    v.seq,
    v.round_trip_seq
   FROM (trading.fill_void v
     JOIN trading.account a USING (book_id));


ALTER TABLE api.fill_voids OWNER TO predator_owner;

--
-- Name: VIEW fill_voids; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.fill_voids IS 'Fills voided by an operator as never made by the venue: a buy''s lot emptied (lot_no; NULL for a sell, whose allocations went back to their lots), the base quantity taken out of (buy) or given back to (sell) the position, the reversing journal transaction (kind void), the incident corrected, and the round trip a voided sell had closed (round_trip_seq).';


--
-- Name: fill; Type: TABLE; Schema: trading; Owner: predator_owner
--

CREATE TABLE trading.fill (
    book_id integer NOT NULL,
    seq bigint NOT NULL,
    client_order_id text NOT NULL,
    symbol text NOT NULL,
    side text NOT NULL,
    venue_trade_id text NOT NULL,
    quantity numeric NOT NULL,
    price numeric NOT NULL,
    fee numeric NOT NULL,
    fee_currency text NOT NULL,
    liquidity text NOT NULL,
    ts timestamp with time zone NOT NULL,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    prev_hash bytea NOT NULL,
    row_hash bytea NOT NULL,
    CONSTRAINT fee_is_non_negative CHECK ((fee >= (0)::numeric)),
    CONSTRAINT fill_fee_is_finite CHECK (((fee > '-Infinity'::numeric) AND (fee < 'Infinity'::numeric))),
    CONSTRAINT fill_price_is_finite CHECK (((price > '-Infinity'::numeric) AND (price < 'Infinity'::numeric))),
    CONSTRAINT fill_price_is_positive CHECK ((price > (0)::numeric)),
    CONSTRAINT fill_qty_is_positive CHECK ((quantity > (0)::numeric)),
    CONSTRAINT fill_quantity_is_finite CHECK (((quantity > '-Infinity'::numeric) AND (quantity < 'Infinity'::numeric))),
    CONSTRAINT fill_recorded_at_is_finite CHECK (((recorded_at > '-infinity'::timestamp with time zone) AND (recorded_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT fill_side_is_known CHECK ((side = ANY (ARRAY['buy'::text, 'sell'::text]))),
    CONSTRAINT fill_ts_is_finite CHECK (((ts > '-infinity'::timestamp with time zone) AND (ts < 'infinity'::timestamp with time zone))),
    CONSTRAINT liquidity_is_maker_or_taker CHECK ((liquidity = ANY (ARRAY['maker'::text, 'taker'::text])))
);


ALTER TABLE trading.fill OWNER TO predator_owner;

--
-- Name: TABLE fill; Type: COMMENT; Schema: trading; Owner: predator_owner
--

COMMENT ON TABLE trading.fill IS 'Executions reported by the venue: base quantity, price in quote, fee in fee_currency (the currency the venue charged: the base, the quote or a known third currency such as BNB). Idempotent on the venue trade id. Append-only, chained per book.';


--
-- Name: order_request; Type: TABLE; Schema: trading; Owner: predator_owner
--

CREATE TABLE trading.order_request (
    book_id integer NOT NULL,
    seq bigint NOT NULL,
    client_order_id text NOT NULL,
    signal_seq bigint,
    strategy text,
    symbol text NOT NULL,
    side text NOT NULL,
    order_type text NOT NULL,
    quantity numeric NOT NULL,
    limit_price numeric,
    decision_price numeric NOT NULL,
    reduce_only boolean DEFAULT false NOT NULL,
    origin text DEFAULT 'signal'::text NOT NULL,
    ts timestamp with time zone NOT NULL,
    expiry timestamp with time zone NOT NULL,
    admitted_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    prev_hash bytea NOT NULL,
    row_hash bytea NOT NULL,
    CONSTRAINT client_order_id_is_venue_safe CHECK ((client_order_id ~ '^[A-Za-z0-9_-]{8,36}$'::text)),
    CONSTRAINT decision_price_is_positive CHECK ((decision_price > (0)::numeric)),
    CONSTRAINT order_limit_has_price CHECK (((order_type = 'limit'::text) = (limit_price IS NOT NULL))),
    CONSTRAINT order_limit_price_is_positive CHECK ((limit_price > (0)::numeric)),
    CONSTRAINT order_origin_is_known CHECK ((origin = ANY (ARRAY['signal'::text, 'kill_switch'::text, 'risk_flatten'::text, 'strategy_kill'::text, 'arbitration_net'::text]))),
    CONSTRAINT order_qty_is_positive CHECK ((quantity > (0)::numeric)),
    CONSTRAINT order_request_admitted_at_is_finite CHECK (((admitted_at > '-infinity'::timestamp with time zone) AND (admitted_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT order_request_decision_price_is_finite CHECK (((decision_price > '-Infinity'::numeric) AND (decision_price < 'Infinity'::numeric))),
    CONSTRAINT order_request_expiry_is_finite CHECK (((expiry > '-infinity'::timestamp with time zone) AND (expiry < 'infinity'::timestamp with time zone))),
    CONSTRAINT order_request_limit_price_is_finite CHECK (((limit_price > '-Infinity'::numeric) AND (limit_price < 'Infinity'::numeric))),
    CONSTRAINT order_request_quantity_is_finite CHECK (((quantity > '-Infinity'::numeric) AND (quantity < 'Infinity'::numeric))),
    CONSTRAINT order_request_recorded_at_is_finite CHECK (((recorded_at > '-infinity'::timestamp with time zone) AND (recorded_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT order_request_ts_is_finite CHECK (((ts > '-infinity'::timestamp with time zone) AND (ts < 'infinity'::timestamp with time zone))),
    CONSTRAINT order_side_is_known CHECK ((side = ANY (ARRAY['buy'::text, 'sell'::text]))),
    CONSTRAINT order_type_is_known CHECK ((order_type = ANY (ARRAY['market'::text, 'limit'::text]))),
    CONSTRAINT sell_only_reduces CHECK (((side = 'sell'::text) OR (NOT reduce_only))),
    CONSTRAINT signal_order_has_signal CHECK (((origin = 'signal'::text) = (signal_seq IS NOT NULL)))
);


ALTER TABLE trading.order_request OWNER TO predator_owner;

--
-- Name: TABLE order_request; Type: COMMENT; Schema: trading; Owner: predator_owner
--

COMMENT ON TABLE trading.order_request IS 'Admitted order requests. The client order id is derived deterministically from the decision (see docs/hashing.md), so a retried submission can never create a second order. Append-only, chained per book; the current status lives in trading.order_state.';


--
-- Name: fills; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.fills AS
 SELECT a.name AS account,
    f.client_order_id,
    f.symbol,
    f.side,
    f.venue_trade_id,
    f.quantity,
    f.price,
    f.fee,
    f.fee_currency,
    f.liquidity,
    f.ts,
    r.decision_price,
    r.strategy,
    r.origin,
    f.seq,
    (EXISTS ( SELECT
           FROM trading.fill_void v
          WHERE ((v.book_id = f.book_id) AND (v.symbol = f.symbol) AND (v.venue_trade_id = f.venue_trade_id)))) AS voided,
        CASE f.side
            WHEN 'buy'::text THEN (((f.price / NULLIF(r.decision_price, (0)::numeric)) - (1)::numeric) * (10000)::numeric)
            ELSE (((1)::numeric - (f.price / NULLIF(r.decision_price, (0)::numeric))) * (10000)::numeric)
        END AS slippage_bps
   FROM ((trading.fill f
     JOIN trading.order_request r USING (client_order_id))
     JOIN trading.account a ON ((a.book_id = f.book_id)));


ALTER TABLE api.fills OWNER TO predator_owner;

--
-- Name: VIEW fills; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.fills IS 'Executions: base quantity, price (quote), fee and its currency, maker/taker, venue time; with the order''s decision price for slippage; voided: an operator voided it as a fill the venue never made (api.fill_voids); slippage_bps: the price against the decision price in basis points, positive = adverse (a buy above it, a sell below it; NULL without a decision price), the one definition of slippage (api.execution_quality, the report, the metrics).';


--
-- Name: halt_events; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.halt_events AS
 SELECT e.scope_kind,
    e.scope_key,
    e.action,
    e.reason,
    e.source,
    e.actor,
    e.ts,
    e.effective_at,
    e.book_id,
    e.seq
   FROM risk.halt_event e;


ALTER TABLE api.halt_events OWNER TO predator_owner;

--
-- Name: VIEW halt_events; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.halt_events IS 'Every halt and resume: scope, reason, operator or system, who, business time (system halts) and effective wall time.';


--
-- Name: halt_state; Type: TABLE; Schema: risk; Owner: predator_owner
--

CREATE TABLE risk.halt_state (
    scope_kind text NOT NULL,
    scope_key text NOT NULL,
    active boolean NOT NULL,
    reason text NOT NULL,
    since timestamp with time zone NOT NULL,
    CONSTRAINT halt_state_since_is_finite CHECK (((since > '-infinity'::timestamp with time zone) AND (since < 'infinity'::timestamp with time zone)))
);


ALTER TABLE risk.halt_state OWNER TO predator_owner;

--
-- Name: TABLE halt_state; Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON TABLE risk.halt_state IS 'Current halt status per scope; a cache of the latest risk.halt_event per scope, maintained by the halt procedures.';


--
-- Name: halts; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.halts AS
 SELECT h.scope_kind,
    h.scope_key,
    h.active,
    h.reason,
    h.since
   FROM risk.halt_state h;


ALTER TABLE api.halts OWNER TO predator_owner;

--
-- Name: VIEW halts; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.halts IS 'Halt status per scope (global, lane, account, strategy): active or lifted, why, since when (wall clock).';


--
-- Name: horizon_flag; Type: TABLE; Schema: risk; Owner: predator_owner
--

CREATE TABLE risk.horizon_flag (
    book_id integer NOT NULL,
    seq bigint NOT NULL,
    symbol text NOT NULL,
    hour timestamp with time zone NOT NULL,
    reason text NOT NULL,
    strategy text NOT NULL,
    entry_signal_seq bigint NOT NULL,
    entry_ts timestamp with time zone NOT NULL,
    entry_edge_bps numeric NOT NULL,
    entry_expiry timestamp with time zone NOT NULL,
    vol_entry numeric NOT NULL,
    vol_now numeric NOT NULL,
    position_qty numeric NOT NULL,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    prev_hash bytea NOT NULL,
    row_hash bytea NOT NULL,
    CONSTRAINT horizon_flag_edge_expired CHECK ((entry_expiry <= hour)),
    CONSTRAINT horizon_flag_entry_edge_bps_is_finite CHECK (((entry_edge_bps > '-Infinity'::numeric) AND (entry_edge_bps < 'Infinity'::numeric))),
    CONSTRAINT horizon_flag_entry_expiry_is_finite CHECK (((entry_expiry > '-infinity'::timestamp with time zone) AND (entry_expiry < 'infinity'::timestamp with time zone))),
    CONSTRAINT horizon_flag_entry_ts_is_finite CHECK (((entry_ts > '-infinity'::timestamp with time zone) AND (entry_ts < 'infinity'::timestamp with time zone))),
    CONSTRAINT horizon_flag_hour_is_aligned CHECK ((date_trunc('hour'::text, hour) = hour)),
    CONSTRAINT horizon_flag_hour_is_finite CHECK (((hour > '-infinity'::timestamp with time zone) AND (hour < 'infinity'::timestamp with time zone))),
    CONSTRAINT horizon_flag_position_qty_is_finite CHECK (((position_qty > '-Infinity'::numeric) AND (position_qty < 'Infinity'::numeric))),
    CONSTRAINT horizon_flag_recorded_at_is_finite CHECK (((recorded_at > '-infinity'::timestamp with time zone) AND (recorded_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT horizon_flag_risk_grew CHECK ((vol_now > vol_entry)),
    CONSTRAINT horizon_flag_vol_entry_is_finite CHECK (((vol_entry > '-Infinity'::numeric) AND (vol_entry < 'Infinity'::numeric))),
    CONSTRAINT horizon_flag_vol_now_is_finite CHECK (((vol_now > '-Infinity'::numeric) AND (vol_now < 'Infinity'::numeric))),
    CONSTRAINT horizon_reason_is_known CHECK ((reason = 'horizon_expired'::text))
);


ALTER TABLE risk.horizon_flag OWNER TO predator_owner;

--
-- Name: TABLE horizon_flag; Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON TABLE risk.horizon_flag IS 'Adaptive horizon (docs/risk.md): a held position flagged for exit at an hour close because the edge recorded on its entry signal had expired and its risk had grown (realized hourly volatility now above the one at entry). Once per entry; no fixed maximum holding time. Append-only, chained per book.';


--
-- Name: COLUMN horizon_flag.vol_entry; Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON COLUMN risk.horizon_flag.vol_entry IS 'Realized volatility of hourly log returns (per hour, not annualised) over vol_window_hours up to the entry signal''s decision time.';


--
-- Name: COLUMN horizon_flag.vol_now; Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON COLUMN risk.horizon_flag.vol_now IS 'The same estimate up to the hour of the review.';


--
-- Name: horizon_flags; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.horizon_flags AS
 SELECT a.name AS account,
    f.symbol,
    f.hour,
    f.reason,
    f.strategy,
    f.entry_signal_seq,
    f.entry_ts,
    f.entry_edge_bps,
    f.entry_expiry,
    f.vol_entry,
    f.vol_now,
    f.position_qty,
    f.seq
   FROM (risk.horizon_flag f
     JOIN trading.account a USING (book_id));


ALTER TABLE api.horizon_flags OWNER TO predator_owner;

--
-- Name: VIEW horizon_flags; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.horizon_flags IS 'Positions flagged for exit at an hour close (reason horizon_expired): the entry signal''s edge had expired and the realized hourly volatility had grown since entry (docs/risk.md "Adaptive horizon").';


--
-- Name: hour_close_timing; Type: TABLE; Schema: ops; Owner: predator_owner
--

CREATE TABLE ops.hour_close_timing (
    book_id integer NOT NULL,
    hour timestamp with time zone NOT NULL,
    started_at timestamp with time zone NOT NULL,
    finished_at timestamp with time zone NOT NULL,
    CONSTRAINT hour_close_finishes_after_it_starts CHECK ((finished_at >= started_at)),
    CONSTRAINT hour_close_timing_finished_at_is_finite CHECK (((finished_at > '-infinity'::timestamp with time zone) AND (finished_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT hour_close_timing_hour_is_finite CHECK (((hour > '-infinity'::timestamp with time zone) AND (hour < 'infinity'::timestamp with time zone))),
    CONSTRAINT hour_close_timing_started_at_is_finite CHECK (((started_at > '-infinity'::timestamp with time zone) AND (started_at < 'infinity'::timestamp with time zone)))
);


ALTER TABLE ops.hour_close_timing OWNER TO predator_owner;

--
-- Name: TABLE hour_close_timing; Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON TABLE ops.hour_close_timing IS 'Wall-clock start and end of every hour api.close_hour closed (an idempotent repeat writes none): the hour-close duration metric. Append-only; not chained, no input of any hash (it describes the server, not the book).';


--
-- Name: hour_closes; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.hour_closes AS
 SELECT a.name AS account,
    t.hour,
    t.started_at,
    t.finished_at,
    EXTRACT(epoch FROM (t.finished_at - t.started_at)) AS duration_seconds
   FROM (ops.hour_close_timing t
     JOIN trading.account a USING (book_id));


ALTER TABLE api.hour_closes OWNER TO predator_owner;

--
-- Name: VIEW hour_closes; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.hour_closes IS 'Every hour api.close_hour closed (hour = close time) with the wall-clock start and end of the call and its duration in seconds: the hour-close duration metric. Hours closed before migration 0033 have no row.';


--
-- Name: hour_knowledge; Type: TABLE; Schema: portfolio; Owner: predator_owner
--

CREATE TABLE portfolio.hour_knowledge (
    book_id integer NOT NULL,
    hour timestamp with time zone NOT NULL,
    symbol text NOT NULL,
    "interval" text DEFAULT '1h'::text NOT NULL,
    load_id bigint,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    CONSTRAINT hour_knowledge_hour_is_aligned CHECK ((date_trunc('hour'::text, hour) = hour)),
    CONSTRAINT hour_knowledge_hour_is_finite CHECK (((hour > '-infinity'::timestamp with time zone) AND (hour < 'infinity'::timestamp with time zone))),
    CONSTRAINT hour_knowledge_recorded_at_is_finite CHECK (((recorded_at > '-infinity'::timestamp with time zone) AND (recorded_at < 'infinity'::timestamp with time zone)))
);


ALTER TABLE portfolio.hour_knowledge OWNER TO predator_owner;

--
-- Name: TABLE hour_knowledge; Type: COMMENT; Schema: portfolio; Owner: predator_owner
--

COMMENT ON TABLE portfolio.hour_knowledge IS 'Append-only. Per hour of a run fed by the live sync and per traded symbol: the last load of the feed (market.candle_load.load_id, NULL when none) visible when the hour closed; the bars the hour decided on are the effective bars among the revisions loaded up to it. Outside every hash (load ids are per database); replay reads it.';


--
-- Name: COLUMN hour_knowledge.hour; Type: COMMENT; Schema: portfolio; Owner: predator_owner
--

COMMENT ON COLUMN portfolio.hour_knowledge.hour IS 'Close time of the hour (UTC), as in portfolio.hourly_state.';


--
-- Name: COLUMN hour_knowledge.load_id; Type: COMMENT; Schema: portfolio; Owner: predator_owner
--

COMMENT ON COLUMN portfolio.hour_knowledge.load_id IS 'Highest load_id of the feed (venue of the account, symbol, interval) committed when the hour closed; NULL when nothing was loaded.';


--
-- Name: COLUMN hour_knowledge.recorded_at; Type: COMMENT; Schema: portfolio; Owner: predator_owner
--

COMMENT ON COLUMN portfolio.hour_knowledge.recorded_at IS 'Wall time of the write (never hashed).';


--
-- Name: hour_knowledge; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.hour_knowledge AS
 SELECT a.name AS account,
    a.venue,
    k.hour,
    k.symbol,
    k."interval",
    k.load_id
   FROM (portfolio.hour_knowledge k
     JOIN trading.account a ON ((a.book_id = k.book_id)));


ALTER TABLE api.hour_knowledge OWNER TO predator_owner;

--
-- Name: VIEW hour_knowledge; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.hour_knowledge IS 'What each hour of a sync-fed run knew of the market: per account, hour (close time UTC) and symbol, the feed''s last load id committed at close (NULL: none). Load ids are per database; replay reads them to feed its scratch database in the same order.';


--
-- Name: hourly_states; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.hourly_states AS
 SELECT a.name AS account,
    h.hour,
    h.cash,
    h.positions_value,
    h.equity,
    h.peak_equity,
    h.drawdown,
    h.day_start_equity,
    h.daily_pnl,
    h.realized_pnl,
    h.unrealized_pnl,
    h.fees,
    h.gross_exposure,
    h.open_orders,
    h.stale_marks,
    encode(h.inputs_hash, 'hex'::text) AS inputs_hash,
    encode(h.outputs_hash, 'hex'::text) AS outputs_hash,
    encode(h.row_hash, 'hex'::text) AS state_hash,
    h.seq,
    h.valuation
   FROM (portfolio.hourly_state h
     JOIN trading.account a USING (book_id));


ALTER TABLE api.hourly_states OWNER TO predator_owner;

--
-- Name: VIEW hourly_states; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.hourly_states IS 'State at the close of each hour (in the reporting currency, the account''s base currency): cash, positions at mark, equity, peak, drawdown, daily PnL, cumulative realized PnL and fees, unrealized PnL, gross exposure, with input/output/state hashes and the valuation (cash per currency and the conversion rates used, with their pairs and bars; migration 0019).';


--
-- Name: incident; Type: TABLE; Schema: ops; Owner: predator_owner
--

CREATE TABLE ops.incident (
    book_id integer DEFAULT 0 NOT NULL,
    seq bigint NOT NULL,
    severity smallint NOT NULL,
    category text NOT NULL,
    scope text NOT NULL,
    title text NOT NULL,
    description text NOT NULL,
    links jsonb DEFAULT '{}'::jsonb NOT NULL,
    source text NOT NULL,
    actor text NOT NULL,
    ts timestamp with time zone,
    opened_at timestamp with time zone,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    prev_hash bytea NOT NULL,
    row_hash bytea NOT NULL,
    CONSTRAINT incident_category_is_known CHECK ((category = ANY (ARRAY['data'::text, 'model'::text, 'execution'::text, 'risk'::text, 'infrastructure'::text]))),
    CONSTRAINT incident_opened_at_is_finite CHECK (((opened_at > '-infinity'::timestamp with time zone) AND (opened_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT incident_recorded_at_is_finite CHECK (((recorded_at > '-infinity'::timestamp with time zone) AND (recorded_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT incident_source_is_known CHECK ((source = ANY (ARRAY['system'::text, 'operator'::text]))),
    CONSTRAINT incident_ts_is_finite CHECK (((ts > '-infinity'::timestamp with time zone) AND (ts < 'infinity'::timestamp with time zone))),
    CONSTRAINT severity_is_1_to_3 CHECK (((severity >= 1) AND (severity <= 3)))
);


ALTER TABLE ops.incident OWNER TO predator_owner;

--
-- Name: TABLE incident; Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON TABLE ops.incident IS 'Append-only incident log: severity (1 = highest), category (data, model, execution, risk, infrastructure), scope, what happened, links to the orders, hours, reconciliations and gates involved, who or what opened it, business time ts (hashed) and wall time recorded_at (not hashed). Chained per book; book_id 0 for incidents that span books.';


--
-- Name: COLUMN incident.opened_at; Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON COLUMN ops.incident.opened_at IS 'Wall time the incident was opened, on rows written before migration 0009 only (covered by their hashes, so kept as written); NULL on later rows, whose wall time is recorded_at (never hashed). Business time: ts.';


--
-- Name: incident_update; Type: TABLE; Schema: ops; Owner: predator_owner
--

CREATE TABLE ops.incident_update (
    book_id integer DEFAULT 0 NOT NULL,
    seq bigint NOT NULL,
    incident_book_id integer,
    incident_seq bigint NOT NULL,
    action text NOT NULL,
    reason text NOT NULL,
    actor text NOT NULL,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    prev_hash bytea NOT NULL,
    row_hash bytea NOT NULL,
    CONSTRAINT incident_action_is_known CHECK ((action = ANY (ARRAY['acknowledged'::text, 'resolved'::text, 'comment'::text]))),
    CONSTRAINT incident_update_has_reason CHECK ((length(btrim(reason)) > 0)),
    CONSTRAINT incident_update_recorded_at_is_finite CHECK (((recorded_at > '-infinity'::timestamp with time zone) AND (recorded_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT update_incident_book_is_its_book CHECK (((incident_book_id IS NULL) OR (incident_book_id = book_id)))
);


ALTER TABLE ops.incident_update OWNER TO predator_owner;

--
-- Name: TABLE incident_update; Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON TABLE ops.incident_update IS 'Acknowledgements, resolutions and comments on incidents: who and why. Append-only, chained per book.';


--
-- Name: COLUMN incident_update.incident_book_id; Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON COLUMN ops.incident_update.incident_book_id IS 'The incident''s book, on rows written before migration 0009 only (always equal to book_id; kept as hashed); NULL on later rows. The incident is (book_id, incident_seq).';


--
-- Name: incidents; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.incidents AS
 SELECT i.book_id,
    i.seq,
    ((('INC-'::text || i.book_id) || '-'::text) || i.seq) AS incident,
    a.name AS account,
    i.severity,
    i.category,
    i.scope,
    i.title,
    i.description,
    i.links,
    i.source,
    i.actor,
    i.ts,
    COALESCE(i.opened_at, i.recorded_at) AS opened_at,
    COALESCE(( SELECT
                CASE bool_or((u.action = 'resolved'::text))
                    WHEN true THEN 'resolved'::text
                    ELSE
                    CASE bool_or((u.action = 'acknowledged'::text))
                        WHEN true THEN 'acknowledged'::text
                        ELSE NULL::text
                    END
                END AS "case"
           FROM ops.incident_update u
          WHERE ((u.book_id = i.book_id) AND (u.incident_seq = i.seq))), 'open'::text) AS status,
    ( SELECT ((u.actor || ': '::text) || u.reason)
           FROM ops.incident_update u
          WHERE ((u.book_id = i.book_id) AND (u.incident_seq = i.seq) AND (u.action = 'resolved'::text))
          ORDER BY u.seq DESC
         LIMIT 1) AS resolution
   FROM (ops.incident i
     LEFT JOIN trading.account a ON ((a.book_id = i.book_id)));


ALTER TABLE api.incidents OWNER TO predator_owner;

--
-- Name: VIEW incidents; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.incidents IS 'Incidents (INC-<book>-<seq>; book 0 spans books) with severity, category, scope, links, who or what opened them, business time ts, wall time opened_at, and their status: open, acknowledged or resolved (with who and why).';


--
-- Name: instrument; Type: TABLE; Schema: market; Owner: predator_owner
--

CREATE TABLE market.instrument (
    venue text NOT NULL,
    symbol text NOT NULL,
    base text NOT NULL,
    quote text NOT NULL,
    tick_size numeric,
    step_size numeric,
    min_qty numeric DEFAULT 0 NOT NULL,
    min_notional numeric DEFAULT 0 NOT NULL,
    source text DEFAULT 'seed'::text NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT instrument_min_notional_is_finite CHECK (((min_notional > '-Infinity'::numeric) AND (min_notional < 'Infinity'::numeric))),
    CONSTRAINT instrument_min_qty_is_finite CHECK (((min_qty > '-Infinity'::numeric) AND (min_qty < 'Infinity'::numeric))),
    CONSTRAINT instrument_step_size_is_finite CHECK (((step_size > '-Infinity'::numeric) AND (step_size < 'Infinity'::numeric))),
    CONSTRAINT instrument_tick_size_is_finite CHECK (((tick_size > '-Infinity'::numeric) AND (tick_size < 'Infinity'::numeric))),
    CONSTRAINT instrument_updated_at_is_finite CHECK (((updated_at > '-infinity'::timestamp with time zone) AND (updated_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT min_notional_is_non_negative CHECK ((min_notional >= (0)::numeric)),
    CONSTRAINT min_qty_is_non_negative CHECK ((min_qty >= (0)::numeric)),
    CONSTRAINT step_size_is_positive CHECK ((step_size > (0)::numeric)),
    CONSTRAINT symbol_is_base_slash_quote CHECK ((symbol = ((base || '/'::text) || quote))),
    CONSTRAINT tick_size_is_positive CHECK ((tick_size > (0)::numeric))
);


ALTER TABLE market.instrument OWNER TO predator_owner;

--
-- Name: TABLE instrument; Type: COMMENT; Schema: market; Owner: predator_owner
--

COMMENT ON TABLE market.instrument IS 'Spot instruments per venue under their ccxt unified symbol (BASE/QUOTE), with the venue''s precision and minimums (tick and step in quote/base units, min_qty in base, min_notional in quote).';


--
-- Name: instruments; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.instruments AS
 SELECT i.venue,
    i.symbol,
    i.base,
    i.quote,
    a.cluster,
    i.tick_size,
    i.step_size,
    i.min_qty,
    i.min_notional,
    i.source,
    i.updated_at
   FROM (market.instrument i
     JOIN market.asset a ON ((a.asset = i.base)));


ALTER TABLE api.instruments OWNER TO predator_owner;

--
-- Name: VIEW instruments; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.instruments IS 'Instruments per venue: base, quote, cluster, tick size (quote), step size and minimum quantity (base), minimum notional (quote).';


--
-- Name: limit_policy; Type: TABLE; Schema: risk; Owner: predator_owner
--

CREATE TABLE risk.limit_policy (
    profile text NOT NULL,
    limit_name text NOT NULL,
    revision integer NOT NULL,
    mode text NOT NULL,
    ceiling numeric,
    reason text NOT NULL,
    actor text DEFAULT SESSION_USER NOT NULL,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    CONSTRAINT limit_policy_ceiling_is_finite CHECK (((ceiling > '-Infinity'::numeric) AND (ceiling < 'Infinity'::numeric))),
    CONSTRAINT limit_policy_ceiling_is_non_negative CHECK ((ceiling >= (0)::numeric)),
    CONSTRAINT limit_policy_has_reason CHECK ((length(btrim(reason)) > 0)),
    CONSTRAINT limit_policy_mode_is_known CHECK ((mode = ANY (ARRAY['pct'::text, 'abs'::text, 'bps'::text, 'count'::text]))),
    CONSTRAINT limit_policy_pct_is_a_fraction_of_100 CHECK (((mode <> 'pct'::text) OR (ceiling <= (100)::numeric))),
    CONSTRAINT limit_policy_recorded_at_is_finite CHECK (((recorded_at > '-infinity'::timestamp with time zone) AND (recorded_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT limit_policy_revision_is_positive CHECK ((revision > 0))
);


ALTER TABLE risk.limit_policy OWNER TO predator_owner;

--
-- Name: TABLE limit_policy; Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON TABLE risk.limit_policy IS 'The policy ceiling of a limit of a risk profile (api.set_limit_policy, audited), append-only revisions: the highest one is in force; ceiling NULL = no ceiling. While the two-person rule holds, api.set_limit of that limit (any scope) above the ceiling, in another mode, or disabled (NULL) needs a second operator''s approval.';


--
-- Name: limit_policy; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.limit_policy AS
 SELECT DISTINCT ON (lp.profile, lp.limit_name) lp.profile,
    lp.limit_name,
    lp.mode,
    lp.ceiling,
    lp.revision,
    lp.reason,
    lp.actor,
    lp.recorded_at
   FROM risk.limit_policy lp
  ORDER BY lp.profile, lp.limit_name, lp.revision DESC;


ALTER TABLE api.limit_policy OWNER TO predator_owner;

--
-- Name: VIEW limit_policy; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.limit_policy IS 'Policy ceilings in force per risk profile and limit (ceiling NULL: none): api.set_limit above one needs a second operator''s approval while the two-person rule holds.';


--
-- Name: limit_setting; Type: TABLE; Schema: risk; Owner: predator_owner
--

CREATE TABLE risk.limit_setting (
    profile text NOT NULL,
    limit_name text NOT NULL,
    scope text DEFAULT '*'::text NOT NULL,
    revision integer NOT NULL,
    mode text NOT NULL,
    value numeric,
    reason text NOT NULL,
    actor text DEFAULT SESSION_USER NOT NULL,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    CONSTRAINT limit_mode_is_known CHECK ((mode = ANY (ARRAY['pct'::text, 'abs'::text, 'bps'::text, 'count'::text]))),
    CONSTRAINT limit_revision_is_positive CHECK ((revision > 0)),
    CONSTRAINT limit_setting_recorded_at_is_finite CHECK (((recorded_at > '-infinity'::timestamp with time zone) AND (recorded_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT limit_setting_value_is_finite CHECK (((value > '-Infinity'::numeric) AND (value < 'Infinity'::numeric))),
    CONSTRAINT limit_value_is_non_negative CHECK ((value >= (0)::numeric)),
    CONSTRAINT pct_limit_is_a_fraction_of_100 CHECK (((mode <> 'pct'::text) OR (value <= (100)::numeric)))
);


ALTER TABLE risk.limit_setting OWNER TO predator_owner;

--
-- Name: TABLE limit_setting; Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON TABLE risk.limit_setting IS 'Append-only history of limit values; the current value of (profile, limit, scope) is its highest revision. NULL value = limit disabled. Scope * applies to all; a cluster, quote currency or symbol name overrides it for that key.';


--
-- Name: limits; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.limits AS
 SELECT DISTINCT ON (s.profile, s.limit_name, s.scope) s.profile,
    s.limit_name,
    s.scope,
    s.mode,
    s.value,
    s.revision,
    s.reason,
    s.actor,
    s.recorded_at
   FROM risk.limit_setting s
  ORDER BY s.profile, s.limit_name, s.scope, s.revision DESC;


ALTER TABLE api.limits OWNER TO predator_owner;

--
-- Name: VIEW limits; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.limits IS 'Current limit per (profile, limit, scope): mode pct|abs|bps|count and value (NULL = disabled), with who set it and why.';


--
-- Name: lot; Type: TABLE; Schema: trading; Owner: predator_owner
--

CREATE TABLE trading.lot (
    book_id integer NOT NULL,
    seq bigint NOT NULL,
    symbol text NOT NULL,
    lot_no integer NOT NULL,
    venue_trade_id text NOT NULL,
    quantity numeric NOT NULL,
    price numeric NOT NULL,
    fee_quote numeric NOT NULL,
    remaining numeric NOT NULL,
    ts timestamp with time zone NOT NULL,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    prev_hash bytea NOT NULL,
    row_hash bytea NOT NULL,
    CONSTRAINT lot_fee_is_non_negative CHECK ((fee_quote >= (0)::numeric)),
    CONSTRAINT lot_fee_quote_is_finite CHECK (((fee_quote > '-Infinity'::numeric) AND (fee_quote < 'Infinity'::numeric))),
    CONSTRAINT lot_no_is_positive CHECK ((lot_no > 0)),
    CONSTRAINT lot_price_is_finite CHECK (((price > '-Infinity'::numeric) AND (price < 'Infinity'::numeric))),
    CONSTRAINT lot_price_is_positive CHECK ((price > (0)::numeric)),
    CONSTRAINT lot_qty_is_positive CHECK ((quantity > (0)::numeric)),
    CONSTRAINT lot_quantity_is_finite CHECK (((quantity > '-Infinity'::numeric) AND (quantity < 'Infinity'::numeric))),
    CONSTRAINT lot_recorded_at_is_finite CHECK (((recorded_at > '-infinity'::timestamp with time zone) AND (recorded_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT lot_remaining_is_finite CHECK (((remaining > '-Infinity'::numeric) AND (remaining < 'Infinity'::numeric))),
    CONSTRAINT lot_remaining_within_quantity CHECK (((remaining >= (0)::numeric) AND (remaining <= quantity))),
    CONSTRAINT lot_ts_is_finite CHECK (((ts > '-infinity'::timestamp with time zone) AND (ts < 'infinity'::timestamp with time zone)))
);


ALTER TABLE trading.lot OWNER TO predator_owner;

--
-- Name: TABLE lot; Type: COMMENT; Schema: trading; Owner: predator_owner
--

COMMENT ON TABLE trading.lot IS 'FIFO lots opened by buy fills (quantity in base, price and fee in quote). Only remaining may change, only downwards, and only by an allocation; the hash covers everything but remaining.';


--
-- Name: lots; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.lots AS
 SELECT a.name AS account,
    l.symbol,
    l.lot_no,
    l.venue_trade_id,
    l.quantity,
    l.price,
    l.fee_quote,
    l.remaining,
    l.ts
   FROM (trading.lot l
     JOIN trading.account a USING (book_id));


ALTER TABLE api.lots OWNER TO predator_owner;

--
-- Name: VIEW lots; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.lots IS 'FIFO lots: quantity and remaining (base), price and fee (quote).';


--
-- Name: operating_cost; Type: TABLE; Schema: ledger; Owner: predator_owner
--

CREATE TABLE ledger.operating_cost (
    book_id integer NOT NULL,
    name text NOT NULL,
    revision integer NOT NULL,
    active boolean NOT NULL,
    amount numeric NOT NULL,
    currency text NOT NULL,
    period text NOT NULL,
    effective_from timestamp with time zone NOT NULL,
    reason text NOT NULL,
    actor text DEFAULT SESSION_USER NOT NULL,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    CONSTRAINT operating_cost_amount_is_finite CHECK (((amount > '-Infinity'::numeric) AND (amount < 'Infinity'::numeric))),
    CONSTRAINT operating_cost_amount_not_negative CHECK ((amount >= (0)::numeric)),
    CONSTRAINT operating_cost_effective_from_is_finite CHECK (((effective_from > '-infinity'::timestamp with time zone) AND (effective_from < 'infinity'::timestamp with time zone))),
    CONSTRAINT operating_cost_hour_is_aligned CHECK ((date_trunc('hour'::text, effective_from) = effective_from)),
    CONSTRAINT operating_cost_name_is_identifier CHECK ((name ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'::text)),
    CONSTRAINT operating_cost_period_is_known CHECK ((period = ANY (ARRAY['day'::text, 'week'::text, 'month'::text, 'year'::text]))),
    CONSTRAINT operating_cost_reason_is_given CHECK ((length(btrim(reason)) > 0)),
    CONSTRAINT operating_cost_recorded_at_is_finite CHECK (((recorded_at > '-infinity'::timestamp with time zone) AND (recorded_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT operating_cost_revision_is_positive CHECK ((revision > 0))
);


ALTER TABLE ledger.operating_cost OWNER TO predator_owner;

--
-- Name: TABLE operating_cost; Type: COMMENT; Schema: ledger; Owner: predator_owner
--

COMMENT ON TABLE ledger.operating_cost IS 'Declared recurring operating costs of a book (infrastructure, data, subscriptions): amount in currency per period (day, week, calendar month, calendar year), in force from a business hour; each change a new revision, an end a revision with active false. Accrued hour by hour by api.close_hour (ops_cost postings). Append-only; written by api.declare_operating_cost and api.end_operating_cost.';


--
-- Name: operating_costs; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.operating_costs AS
 SELECT a.name AS account,
    o.name,
    o.revision,
    o.active,
    o.amount,
    o.currency,
    o.period,
    o.effective_from,
    o.reason,
    o.actor,
    o.recorded_at
   FROM (ledger.operating_cost o
     JOIN trading.account a ON ((a.book_id = o.book_id)));


ALTER TABLE api.operating_costs OWNER TO predator_owner;

--
-- Name: VIEW operating_costs; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.operating_costs IS 'Declared operating costs per account: every revision (amount per period, currency, in force from effective_from; active false = ended), who declared it and why.';


--
-- Name: order_event; Type: TABLE; Schema: trading; Owner: predator_owner
--

CREATE TABLE trading.order_event (
    book_id integer NOT NULL,
    seq bigint NOT NULL,
    client_order_id text NOT NULL,
    event_no integer NOT NULL,
    kind text NOT NULL,
    status_before text,
    status_after text NOT NULL,
    filled_qty_after numeric NOT NULL,
    venue_order_id text,
    reason text,
    ts timestamp with time zone NOT NULL,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    prev_hash bytea NOT NULL,
    row_hash bytea NOT NULL,
    CONSTRAINT creation_starts_new CHECK (((kind <> 'created'::text) OR (status_after = 'new'::text))),
    CONSTRAINT event_kind_matches_status CHECK (
CASE kind
    WHEN 'acknowledged'::text THEN (status_after = 'open'::text)
    WHEN 'rejected'::text THEN (status_after = 'rejected'::text)
    WHEN 'canceled'::text THEN (status_after = 'canceled'::text)
    WHEN 'expired'::text THEN (status_after = 'expired'::text)
    WHEN 'fill'::text THEN (status_after = ANY (ARRAY['partially_filled'::text, 'filled'::text]))
    WHEN 'cancel_requested'::text THEN (status_after = status_before)
    ELSE true
END),
    CONSTRAINT event_no_is_positive CHECK ((event_no > 0)),
    CONSTRAINT only_creation_has_no_prior_status CHECK (((status_before IS NULL) = (kind = 'created'::text))),
    CONSTRAINT order_event_filled_qty_after_is_finite CHECK (((filled_qty_after > '-Infinity'::numeric) AND (filled_qty_after < 'Infinity'::numeric))),
    CONSTRAINT order_event_kind_is_known CHECK ((kind = ANY (ARRAY['created'::text, 'acknowledged'::text, 'rejected'::text, 'cancel_requested'::text, 'canceled'::text, 'expired'::text, 'fill'::text]))),
    CONSTRAINT order_event_recorded_at_is_finite CHECK (((recorded_at > '-infinity'::timestamp with time zone) AND (recorded_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT order_event_ts_is_finite CHECK (((ts > '-infinity'::timestamp with time zone) AND (ts < 'infinity'::timestamp with time zone))),
    CONSTRAINT status_stays_only_on_request_or_partial_fill CHECK (((status_before IS DISTINCT FROM status_after) OR (kind = ANY (ARRAY['cancel_requested'::text, 'fill'::text]))))
);


ALTER TABLE trading.order_event OWNER TO predator_owner;

--
-- Name: TABLE order_event; Type: COMMENT; Schema: trading; Owner: predator_owner
--

COMMENT ON TABLE trading.order_event IS 'Append-only order lifecycle events; every status change follows a legal transition of trading.order_transition. cancel_requested keeps the status. Chained per book.';


--
-- Name: order_events; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.order_events AS
 SELECT a.name AS account,
    e.client_order_id,
    e.event_no,
    e.kind,
    e.status_before,
    e.status_after,
    e.filled_qty_after,
    e.venue_order_id,
    e.reason,
    e.ts,
    e.seq
   FROM (trading.order_event e
     JOIN trading.account a USING (book_id));


ALTER TABLE api.order_events OWNER TO predator_owner;

--
-- Name: VIEW order_events; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.order_events IS 'Order lifecycle events with the status before and after each.';


--
-- Name: order_state; Type: TABLE; Schema: trading; Owner: predator_owner
--

CREATE TABLE trading.order_state (
    client_order_id text NOT NULL,
    book_id integer NOT NULL,
    symbol text NOT NULL,
    side text NOT NULL,
    quantity numeric NOT NULL,
    status text NOT NULL,
    filled_qty numeric DEFAULT 0 NOT NULL,
    filled_notional numeric DEFAULT 0 NOT NULL,
    fees_quote numeric DEFAULT 0 NOT NULL,
    last_event_no integer NOT NULL,
    venue_order_id text,
    cancel_requested boolean DEFAULT false NOT NULL,
    updated_ts timestamp with time zone NOT NULL,
    CONSTRAINT fill_within_order_qty CHECK (((filled_qty >= (0)::numeric) AND (filled_qty <= quantity))),
    CONSTRAINT filled_means_fully_filled CHECK (((status = 'filled'::text) = (filled_qty = quantity))),
    CONSTRAINT order_state_fees_quote_is_finite CHECK (((fees_quote > '-Infinity'::numeric) AND (fees_quote < 'Infinity'::numeric))),
    CONSTRAINT order_state_filled_notional_is_finite CHECK (((filled_notional > '-Infinity'::numeric) AND (filled_notional < 'Infinity'::numeric))),
    CONSTRAINT order_state_filled_qty_is_finite CHECK (((filled_qty > '-Infinity'::numeric) AND (filled_qty < 'Infinity'::numeric))),
    CONSTRAINT order_state_quantity_is_finite CHECK (((quantity > '-Infinity'::numeric) AND (quantity < 'Infinity'::numeric))),
    CONSTRAINT order_state_updated_ts_is_finite CHECK (((updated_ts > '-infinity'::timestamp with time zone) AND (updated_ts < 'infinity'::timestamp with time zone))),
    CONSTRAINT order_status_is_known CHECK ((status = ANY (ARRAY['new'::text, 'open'::text, 'partially_filled'::text, 'filled'::text, 'canceled'::text, 'rejected'::text, 'expired'::text])))
);


ALTER TABLE trading.order_state OWNER TO predator_owner;

--
-- Name: TABLE order_state; Type: COMMENT; Schema: trading; Owner: predator_owner
--

COMMENT ON TABLE trading.order_state IS 'Current status, filled quantity (base), filled notional and fees (quote) of every order: a cache maintained only by the order-event trigger and re-derived by the gates.';


--
-- Name: orders; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.orders AS
 SELECT a.name AS account,
    r.client_order_id,
    r.strategy,
    r.symbol,
    r.side,
    r.order_type,
    r.quantity,
    r.limit_price,
    r.decision_price,
    r.reduce_only,
    r.origin,
    r.ts,
    r.expiry,
    s.status,
    s.filled_qty,
    s.filled_notional,
    s.fees_quote,
    s.venue_order_id,
    s.cancel_requested,
    s.updated_ts,
    r.seq
   FROM ((trading.order_request r
     JOIN trading.order_state s USING (client_order_id))
     JOIN trading.account a ON ((a.book_id = r.book_id)));


ALTER TABLE api.orders OWNER TO predator_owner;

--
-- Name: VIEW orders; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.orders IS 'Orders: the request (base quantity, limit and decision price in quote, business time ts) and current status, filled quantity, notional and fees (quote).';


--
-- Name: lane_pool_setting; Type: TABLE; Schema: risk; Owner: predator_owner
--

CREATE TABLE risk.lane_pool_setting (
    lane text NOT NULL,
    pool text NOT NULL,
    revision integer NOT NULL,
    enabled boolean NOT NULL,
    reason text NOT NULL,
    actor text DEFAULT SESSION_USER NOT NULL,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    CONSTRAINT lane_pool_lane_is_known CHECK ((lane = ANY (ARRAY['paper'::text, 'live_canary'::text, 'live_promoted'::text]))),
    CONSTRAINT lane_pool_revision_is_positive CHECK ((revision > 0)),
    CONSTRAINT lane_pool_setting_recorded_at_is_finite CHECK (((recorded_at > '-infinity'::timestamp with time zone) AND (recorded_at < 'infinity'::timestamp with time zone)))
);


ALTER TABLE risk.lane_pool_setting OWNER TO predator_owner;

--
-- Name: TABLE lane_pool_setting; Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON TABLE risk.lane_pool_setting IS 'Which capital pools each lane enables: append-only history, the highest revision of (lane, pool) is in force (api.set_lane_pool, audited). A strategy of a disabled pool is refused pool_disabled. A (lane, pool) without a row is disabled.';


--
-- Name: pool; Type: TABLE; Schema: risk; Owner: predator_owner
--

CREATE TABLE risk.pool (
    pool text NOT NULL,
    description text NOT NULL,
    CONSTRAINT pool_is_known CHECK ((pool = ANY (ARRAY['CORE'::text, 'AGGRESSIVE'::text, 'TAIL_RISK'::text])))
);


ALTER TABLE risk.pool OWNER TO predator_owner;

--
-- Name: TABLE pool; Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON TABLE risk.pool IS 'The capital pools of every book: CORE, AGGRESSIVE, TAIL_RISK. A strategy belongs to one pool; the pool''s budget and loss limits are limits of the book''s risk profile scoped by the pool name (pool_budget, pool_max_daily_loss, pool_max_drawdown).';


--
-- Name: pools; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.pools AS
 SELECT DISTINCT ON (s.lane, s.pool) s.lane,
    s.pool,
    p.description,
    s.enabled,
    s.revision,
    s.reason,
    s.actor,
    s.recorded_at
   FROM (risk.lane_pool_setting s
     JOIN risk.pool p USING (pool))
  ORDER BY s.lane, s.pool, s.revision DESC;


ALTER TABLE api.pools OWNER TO predator_owner;

--
-- Name: VIEW pools; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.pools IS 'Capital pools per lane: enabled (latest revision of risk.lane_pool_setting), with who set it and why. Budgets and loss limits are in api.limits (pool_budget, pool_max_daily_loss, pool_max_drawdown, scoped by pool).';


--
-- Name: position; Type: TABLE; Schema: trading; Owner: predator_owner
--

CREATE TABLE trading."position" (
    book_id integer NOT NULL,
    symbol text NOT NULL,
    quantity numeric NOT NULL,
    cost_basis numeric NOT NULL,
    next_lot_no integer DEFAULT 1 NOT NULL,
    trip_no integer DEFAULT 0 NOT NULL,
    trip_opened_at timestamp with time zone,
    trip_buy_qty numeric DEFAULT 0 NOT NULL,
    trip_buy_notional numeric DEFAULT 0 NOT NULL,
    trip_sell_qty numeric DEFAULT 0 NOT NULL,
    trip_sell_notional numeric DEFAULT 0 NOT NULL,
    trip_buy_fees numeric DEFAULT 0 NOT NULL,
    trip_fees numeric DEFAULT 0 NOT NULL,
    updated_ts timestamp with time zone NOT NULL,
    CONSTRAINT position_cost_basis_is_finite CHECK (((cost_basis > '-Infinity'::numeric) AND (cost_basis < 'Infinity'::numeric))),
    CONSTRAINT position_is_long_or_flat CHECK ((quantity >= (0)::numeric)),
    CONSTRAINT position_quantity_is_finite CHECK (((quantity > '-Infinity'::numeric) AND (quantity < 'Infinity'::numeric))),
    CONSTRAINT position_trip_buy_fees_is_finite CHECK (((trip_buy_fees > '-Infinity'::numeric) AND (trip_buy_fees < 'Infinity'::numeric))),
    CONSTRAINT position_trip_buy_notional_is_finite CHECK (((trip_buy_notional > '-Infinity'::numeric) AND (trip_buy_notional < 'Infinity'::numeric))),
    CONSTRAINT position_trip_buy_qty_is_finite CHECK (((trip_buy_qty > '-Infinity'::numeric) AND (trip_buy_qty < 'Infinity'::numeric))),
    CONSTRAINT position_trip_fees_is_finite CHECK (((trip_fees > '-Infinity'::numeric) AND (trip_fees < 'Infinity'::numeric))),
    CONSTRAINT position_trip_opened_at_is_finite CHECK (((trip_opened_at > '-infinity'::timestamp with time zone) AND (trip_opened_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT position_trip_sell_notional_is_finite CHECK (((trip_sell_notional > '-Infinity'::numeric) AND (trip_sell_notional < 'Infinity'::numeric))),
    CONSTRAINT position_trip_sell_qty_is_finite CHECK (((trip_sell_qty > '-Infinity'::numeric) AND (trip_sell_qty < 'Infinity'::numeric))),
    CONSTRAINT position_updated_ts_is_finite CHECK (((updated_ts > '-infinity'::timestamp with time zone) AND (updated_ts < 'infinity'::timestamp with time zone)))
);


ALTER TABLE trading."position" OWNER TO predator_owner;

--
-- Name: TABLE "position"; Type: COMMENT; Schema: trading; Owner: predator_owner
--

COMMENT ON TABLE trading."position" IS 'Current long position per instrument (base quantity, cost basis in quote including buy fees) and the accumulators of the open round trip. A cache maintained by api.record_fill; the gates re-derive it from lots and the ledger.';


--
-- Name: positions; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.positions AS
 SELECT a.name AS account,
    p.symbol,
    p.quantity,
    p.cost_basis,
    p.trip_no,
    p.trip_opened_at,
    p.updated_ts
   FROM (trading."position" p
     JOIN trading.account a USING (book_id))
  WHERE (p.quantity > (0)::numeric);


ALTER TABLE api.positions OWNER TO predator_owner;

--
-- Name: VIEW positions; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.positions IS 'Open long positions: base quantity and cost basis (quote, buy fees included).';


--
-- Name: reconciliations; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.reconciliations AS
 SELECT a.name AS account,
    r.seq,
    r.kind,
    r.ts,
    r.clean,
    r.diffs,
    r.venue_balances,
    r.book_balances,
    r.venue_open_orders,
    r.book_open_orders,
    r.tolerance
   FROM (ops.reconciliation r
     JOIN trading.account a USING (book_id));


ALTER TABLE api.reconciliations OWNER TO predator_owner;

--
-- Name: VIEW reconciliations; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.reconciliations IS 'Reconciliations (hourly, at start-up, manual): venue and book balances per currency and open orders, the differences beyond the tolerance, clean or not.';


--
-- Name: state_event; Type: TABLE; Schema: risk; Owner: predator_owner
--

CREATE TABLE risk.state_event (
    book_id integer NOT NULL,
    seq bigint NOT NULL,
    scope_kind text DEFAULT 'book'::text NOT NULL,
    scope_key text NOT NULL,
    state_before text NOT NULL,
    state_after text NOT NULL,
    cause text NOT NULL,
    reason text NOT NULL,
    until_ts timestamp with time zone,
    ts timestamp with time zone NOT NULL,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    prev_hash bytea NOT NULL,
    row_hash bytea NOT NULL,
    CONSTRAINT state_cause_is_given CHECK ((length(btrim(cause)) > 0)),
    CONSTRAINT state_event_recorded_at_is_finite CHECK (((recorded_at > '-infinity'::timestamp with time zone) AND (recorded_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT state_event_ts_is_finite CHECK (((ts > '-infinity'::timestamp with time zone) AND (ts < 'infinity'::timestamp with time zone))),
    CONSTRAINT state_event_until_ts_is_finite CHECK (((until_ts > '-infinity'::timestamp with time zone) AND (until_ts < 'infinity'::timestamp with time zone))),
    CONSTRAINT state_reason_is_given CHECK ((length(btrim(reason)) > 0)),
    CONSTRAINT state_scope_is_known CHECK ((scope_kind = ANY (ARRAY['book'::text, 'strategy'::text])))
);


ALTER TABLE risk.state_event OWNER TO predator_owner;

--
-- Name: TABLE state_event; Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON TABLE risk.state_event IS 'Append-only moves of the risk state machine of a book (scope_kind book) or of one of its strategies (scope_kind strategy, scope_key its name): before and after, cause (daily_loss_halt, breaker:<name>, drawdown_halt_tier, strategy_daily_loss, strategy_drawdown, halt, halt_lifted, next_utc_day, breaker_cleared, cooldown_elapsed, operator_resume), a reason, the business time ts and, for a stop the system lifts itself, the earliest business time until_ts it may lift. Chained per book; every move is a row of risk.state_transition (PD020).';


--
-- Name: risk_state_events; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.risk_state_events AS
 SELECT a.name AS account,
    e.state_before,
    e.state_after,
    e.cause,
    e.reason,
    e.ts,
    e.until_ts,
    e.recorded_at,
    e.seq,
        CASE
            WHEN (e.scope_kind = 'strategy'::text) THEN e.scope_key
            ELSE NULL::text
        END AS strategy
   FROM (risk.state_event e
     JOIN trading.account a USING (book_id));


ALTER TABLE api.risk_state_events OWNER TO predator_owner;

--
-- Name: VIEW risk_state_events; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.risk_state_events IS 'Every move of a book''s risk state (strategy NULL) or of one of its strategies'' (strategy given): from, to, cause, reason, business time and the earliest time the system may lift it; chained per book (risk.state_event).';


--
-- Name: state_current; Type: TABLE; Schema: risk; Owner: predator_owner
--

CREATE TABLE risk.state_current (
    book_id integer NOT NULL,
    scope_kind text DEFAULT 'book'::text NOT NULL,
    scope_key text NOT NULL,
    state text NOT NULL,
    cause text NOT NULL,
    since_ts timestamp with time zone NOT NULL,
    until_ts timestamp with time zone,
    breaker text,
    last_breach timestamp with time zone,
    hold text,
    CONSTRAINT state_current_last_breach_is_finite CHECK (((last_breach > '-infinity'::timestamp with time zone) AND (last_breach < 'infinity'::timestamp with time zone))),
    CONSTRAINT state_current_since_ts_is_finite CHECK (((since_ts > '-infinity'::timestamp with time zone) AND (since_ts < 'infinity'::timestamp with time zone))),
    CONSTRAINT state_current_state_is_known CHECK ((state = ANY (ARRAY['normal'::text, 'reducing'::text, 'halted'::text, 'cooldown'::text]))),
    CONSTRAINT state_current_until_ts_is_finite CHECK (((until_ts > '-infinity'::timestamp with time zone) AND (until_ts < 'infinity'::timestamp with time zone)))
);


ALTER TABLE risk.state_current OWNER TO predator_owner;

--
-- Name: TABLE state_current; Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON TABLE risk.state_current IS 'Current risk state per book: a cache of the latest risk.state_event (state, cause, since, until), plus the breaker that paused a paper book and the business time of its last breach (a figure at or above breaker_clear_pct of the threshold), which the clean-hour count starts from. Written only by the trigger of risk.state_event and risk._note_breaker.';


--
-- Name: COLUMN state_current.hold; Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON COLUMN risk.state_current.hold IS 'While reducing: the cause that only an operator lifts (drawdown_halt_tier of a paper book, strategy_drawdown, a live lane''s strategy_daily_loss); NULL otherwise. risk._advance_state and risk._advance_strategy_state never lift a held state; api.resume_reducing and api.resume_strategy do.';


--
-- Name: risk_states; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.risk_states AS
 SELECT a.name AS account,
    a.lane,
    COALESCE(c.state, 'normal'::text) AS state,
    c.cause,
    c.since_ts,
    c.until_ts,
    c.breaker,
    c.last_breach,
    c.hold
   FROM (trading.account a
     LEFT JOIN risk.state_current c ON (((c.book_id = a.book_id) AND (c.scope_kind = 'book'::text))));


ALTER TABLE api.risk_states OWNER TO predator_owner;

--
-- Name: VIEW risk_states; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.risk_states IS 'Current risk state per account (normal, reducing, halted, cooldown): its cause, since when and until when (business time), for a paper breaker pause the breaker and its last breach, and the hold of a reducing state only an operator releases (api.resume_reducing).';


--
-- Name: round_trip; Type: TABLE; Schema: trading; Owner: predator_owner
--

CREATE TABLE trading.round_trip (
    book_id integer NOT NULL,
    seq bigint NOT NULL,
    symbol text NOT NULL,
    trip_no integer NOT NULL,
    entry_ts timestamp with time zone NOT NULL,
    exit_ts timestamp with time zone NOT NULL,
    quantity numeric NOT NULL,
    entry_avg_price numeric NOT NULL,
    exit_avg_price numeric NOT NULL,
    fees numeric NOT NULL,
    gross_pnl numeric NOT NULL,
    net_pnl numeric NOT NULL,
    net_return numeric NOT NULL,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    prev_hash bytea NOT NULL,
    row_hash bytea NOT NULL,
    CONSTRAINT round_trip_entry_avg_price_is_finite CHECK (((entry_avg_price > '-Infinity'::numeric) AND (entry_avg_price < 'Infinity'::numeric))),
    CONSTRAINT round_trip_entry_ts_is_finite CHECK (((entry_ts > '-infinity'::timestamp with time zone) AND (entry_ts < 'infinity'::timestamp with time zone))),
    CONSTRAINT round_trip_exit_avg_price_is_finite CHECK (((exit_avg_price > '-Infinity'::numeric) AND (exit_avg_price < 'Infinity'::numeric))),
    CONSTRAINT round_trip_exit_ts_is_finite CHECK (((exit_ts > '-infinity'::timestamp with time zone) AND (exit_ts < 'infinity'::timestamp with time zone))),
    CONSTRAINT round_trip_exits_after_entry CHECK ((exit_ts >= entry_ts)),
    CONSTRAINT round_trip_fees_is_finite CHECK (((fees > '-Infinity'::numeric) AND (fees < 'Infinity'::numeric))),
    CONSTRAINT round_trip_gross_pnl_is_finite CHECK (((gross_pnl > '-Infinity'::numeric) AND (gross_pnl < 'Infinity'::numeric))),
    CONSTRAINT round_trip_net_pnl_is_finite CHECK (((net_pnl > '-Infinity'::numeric) AND (net_pnl < 'Infinity'::numeric))),
    CONSTRAINT round_trip_net_return_is_finite CHECK (((net_return > '-Infinity'::numeric) AND (net_return < 'Infinity'::numeric))),
    CONSTRAINT round_trip_quantity_is_finite CHECK (((quantity > '-Infinity'::numeric) AND (quantity < 'Infinity'::numeric))),
    CONSTRAINT round_trip_recorded_at_is_finite CHECK (((recorded_at > '-infinity'::timestamp with time zone) AND (recorded_at < 'infinity'::timestamp with time zone)))
);


ALTER TABLE trading.round_trip OWNER TO predator_owner;

--
-- Name: TABLE round_trip; Type: COMMENT; Schema: trading; Owner: predator_owner
--

COMMENT ON TABLE trading.round_trip IS 'Executed round trips: from flat to long and back to flat. Prices and PnL in quote; net_return = net PnL / (buy notional + buy fees). Append-only, chained per book.';


--
-- Name: round_trips; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.round_trips AS
 SELECT a.name AS account,
    t.symbol,
    t.trip_no,
    t.entry_ts,
    t.exit_ts,
    t.quantity,
    t.entry_avg_price,
    t.exit_avg_price,
    t.fees,
    t.gross_pnl,
    t.net_pnl,
    t.net_return
   FROM (trading.round_trip t
     JOIN trading.account a USING (book_id))
  WHERE (NOT (EXISTS ( SELECT
           FROM trading.fill_void v
          WHERE ((v.book_id = t.book_id) AND (v.round_trip_seq = t.seq)))));


ALTER TABLE api.round_trips OWNER TO predator_owner;

--
-- Name: VIEW round_trips; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.round_trips IS 'Round trips (flat to flat): entry and exit times, base quantity, average prices, fees and PnL in quote, net return. A round trip whose closing sell was voided (api.void_fill: the venue never made it) is left out: the trip is open again.';


--
-- Name: run; Type: TABLE; Schema: ops; Owner: predator_owner
--

CREATE TABLE ops.run (
    run_id text NOT NULL,
    book_id integer NOT NULL,
    kind text NOT NULL,
    config jsonb NOT NULL,
    dataset_hash text,
    started_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    CONSTRAINT run_kind_is_known CHECK ((kind = ANY (ARRAY['paper'::text, 'shadow'::text, 'live'::text, 'backtest'::text]))),
    CONSTRAINT run_started_at_is_finite CHECK (((started_at > '-infinity'::timestamp with time zone) AND (started_at < 'infinity'::timestamp with time zone)))
);


ALTER TABLE ops.run OWNER TO predator_owner;

--
-- Name: TABLE run; Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON TABLE ops.run IS 'Registered runs of the hour runner: the configuration that makes the run reproducible (symbols, strategy and parameters, venue model and seed, period) and the hash of the dataset it used. The latest run''s symbols and rate_symbols are part of every hour''s symbol set of its book (portfolio.book_symbols: inputs hash, stale-data and data-quality breakers).';


--
-- Name: runs; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.runs AS
 SELECT r.run_id,
    a.name AS account,
    r.kind,
    r.config,
    r.dataset_hash,
    r.started_at
   FROM (ops.run r
     JOIN trading.account a USING (book_id));


ALTER TABLE api.runs OWNER TO predator_owner;

--
-- Name: VIEW runs; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.runs IS 'Runs of the hour runner with the configuration that reproduces them and their dataset hash.';


--
-- Name: safe_mode_limit; Type: TABLE; Schema: risk; Owner: predator_owner
--

CREATE TABLE risk.safe_mode_limit (
    template text NOT NULL,
    limit_name text NOT NULL,
    mode text NOT NULL,
    value numeric NOT NULL,
    CONSTRAINT safe_mode_limit_value_is_finite CHECK (((value > '-Infinity'::numeric) AND (value < 'Infinity'::numeric))),
    CONSTRAINT safe_mode_mode_is_known CHECK ((mode = ANY (ARRAY['pct'::text, 'abs'::text, 'bps'::text, 'count'::text]))),
    CONSTRAINT safe_mode_pct_is_a_fraction_of_100 CHECK (((mode <> 'pct'::text) OR (value <= (100)::numeric))),
    CONSTRAINT safe_mode_value_is_non_negative CHECK ((value >= (0)::numeric))
);


ALTER TABLE risk.safe_mode_limit OWNER TO predator_owner;

--
-- Name: TABLE safe_mode_limit; Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON TABLE risk.safe_mode_limit IS 'The limits of a safe-mode template: each one a limit where a lower value is less risk (a cap, a loss or drawdown tier, an order count). Applied to every scope of the profile whose value is higher (or off, or in another mode); a value already lower is kept.';


--
-- Name: safe_mode_template; Type: TABLE; Schema: risk; Owner: predator_owner
--

CREATE TABLE risk.safe_mode_template (
    template text NOT NULL,
    description text NOT NULL,
    CONSTRAINT safe_mode_template_is_identifier CHECK ((template ~ '^[a-z][a-z0-9_]*$'::text))
);


ALTER TABLE risk.safe_mode_template OWNER TO predator_owner;

--
-- Name: TABLE safe_mode_template; Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON TABLE risk.safe_mode_template IS 'Predefined reduced-risk limit sets an operator applies to a risk profile in one audited call (api.apply_safe_mode) and reverts in another (api.revert_safe_mode). Shipped: reduced, minimal.';


--
-- Name: safe_mode_templates; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.safe_mode_templates AS
 SELECT t.template,
    t.description,
    l.limit_name,
    l.mode,
    l.value
   FROM (risk.safe_mode_template t
     JOIN risk.safe_mode_limit l ON ((l.template = t.template)));


ALTER TABLE api.safe_mode_templates OWNER TO predator_owner;

--
-- Name: VIEW safe_mode_templates; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.safe_mode_templates IS 'Safe-mode templates (api.apply_safe_mode): one row per template and limit with the mode and value it sets.';


--
-- Name: safe_mode_application; Type: TABLE; Schema: ops; Owner: predator_owner
--

CREATE TABLE ops.safe_mode_application (
    application_id bigint NOT NULL,
    profile text NOT NULL,
    template text NOT NULL,
    replaced jsonb NOT NULL,
    reason text NOT NULL,
    actor text DEFAULT SESSION_USER NOT NULL,
    applied_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    CONSTRAINT safe_mode_application_applied_at_is_finite CHECK (((applied_at > '-infinity'::timestamp with time zone) AND (applied_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT safe_mode_application_has_reason CHECK ((length(btrim(reason)) > 0))
);


ALTER TABLE ops.safe_mode_application OWNER TO predator_owner;

--
-- Name: TABLE safe_mode_application; Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON TABLE ops.safe_mode_application IS 'Each safe-mode template applied to a risk profile (api.apply_safe_mode): the limits it replaced ([{limit, scope, mode, value, existed}], what api.revert_safe_mode restores), who and why. Append-only.';


--
-- Name: safe_mode_revert; Type: TABLE; Schema: ops; Owner: predator_owner
--

CREATE TABLE ops.safe_mode_revert (
    application_id bigint NOT NULL,
    reason text NOT NULL,
    actor text DEFAULT SESSION_USER NOT NULL,
    reverted_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    CONSTRAINT safe_mode_revert_has_reason CHECK ((length(btrim(reason)) > 0)),
    CONSTRAINT safe_mode_revert_reverted_at_is_finite CHECK (((reverted_at > '-infinity'::timestamp with time zone) AND (reverted_at < 'infinity'::timestamp with time zone)))
);


ALTER TABLE ops.safe_mode_revert OWNER TO predator_owner;

--
-- Name: TABLE safe_mode_revert; Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON TABLE ops.safe_mode_revert IS 'The revert of a safe-mode application (api.revert_safe_mode): the replaced limits written back as new revisions, who and why. Append-only.';


--
-- Name: safe_modes; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.safe_modes AS
 SELECT a.application_id,
    a.profile,
    a.template,
    a.replaced,
    a.reason,
    a.actor,
    a.applied_at,
    r.reason AS revert_reason,
    r.actor AS reverted_by,
    r.reverted_at,
    (r.application_id IS NULL) AS in_force
   FROM (ops.safe_mode_application a
     LEFT JOIN ops.safe_mode_revert r ON ((r.application_id = a.application_id)));


ALTER TABLE api.safe_modes OWNER TO predator_owner;

--
-- Name: VIEW safe_modes; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.safe_modes IS 'Safe-mode applications (api.apply_safe_mode) per risk profile with the limits they replaced, who and why, and their revert (api.revert_safe_mode); in_force until reverted.';


--
-- Name: setting; Type: TABLE; Schema: ops; Owner: predator_owner
--

CREATE TABLE ops.setting (
    name text NOT NULL,
    revision integer NOT NULL,
    value numeric NOT NULL,
    reason text NOT NULL,
    actor text DEFAULT SESSION_USER NOT NULL,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    CONSTRAINT alert_settings_are_bounded CHECK ((((name <> 'alert_dedup_window_seconds'::text) OR ((value >= (0)::numeric) AND (value <= (86400)::numeric))) AND ((name <> 'alert_rate_limit_per_minute'::text) OR ((value >= (1)::numeric) AND (value <= (600)::numeric) AND (value = trunc(value)))) AND ((name <> 'alert_max_attempts'::text) OR ((value >= (1)::numeric) AND (value <= (20)::numeric) AND (value = trunc(value)))))),
    CONSTRAINT clock_skew_is_small CHECK (((name <> 'max_clock_skew_seconds'::text) OR ((value >= (0)::numeric) AND (value <= (3600)::numeric)))),
    CONSTRAINT live_burn_in_days_is_bounded CHECK (((name <> 'live_burn_in_days'::text) OR ((value >= (0)::numeric) AND (value <= (365)::numeric)))),
    CONSTRAINT reconcile_tolerance_is_small CHECK (((name <> 'reconcile_tolerance'::text) OR ((value >= (0)::numeric) AND (value <= (1)::numeric)))),
    CONSTRAINT retention_days_are_bounded CHECK (((name <> ALL (ARRAY['retention_log_days'::text, 'retention_report_days'::text, 'retention_chaos_days'::text])) OR ((value >= (0)::numeric) AND (value <= (3650)::numeric) AND (value = trunc(value))))),
    CONSTRAINT setting_name_is_known CHECK ((name = ANY (ARRAY['max_clock_skew_seconds'::text, 'reconcile_tolerance'::text, 'live_burn_in_days'::text, 'alert_dedup_window_seconds'::text, 'alert_rate_limit_per_minute'::text, 'alert_max_attempts'::text, 'two_person_rule'::text, 'retention_log_days'::text, 'retention_report_days'::text, 'retention_chaos_days'::text]))),
    CONSTRAINT setting_reason_is_given CHECK ((length(btrim(reason)) > 0)),
    CONSTRAINT setting_recorded_at_is_finite CHECK (((recorded_at > '-infinity'::timestamp with time zone) AND (recorded_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT setting_revision_is_positive CHECK ((revision > 0)),
    CONSTRAINT setting_value_is_finite CHECK (((value > '-Infinity'::numeric) AND (value < 'Infinity'::numeric))),
    CONSTRAINT two_person_rule_is_0_or_1 CHECK (((name <> 'two_person_rule'::text) OR (value = ANY (ARRAY[(0)::numeric, (1)::numeric]))))
);


ALTER TABLE ops.setting OWNER TO predator_owner;

--
-- Name: TABLE setting; Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON TABLE ops.setting IS 'Operator settings of the database, append-only: the value in force is the highest revision (set with api.set_setting, audited). max_clock_skew_seconds: how far a business time may run ahead of the wall clock, 0..3600 seconds. reconcile_tolerance: the largest balance difference per currency that reconciliation still counts as clean, 0..1. live_burn_in_days: the forward paper or shadow days before live, 0..365. alert_*: the notifier''s pacing. two_person_rule: 0 or 1. retention_log_days, retention_report_days, retention_chaos_days: how many days predator retention apply keeps log files, reports and chaos work directories, 0..3650 (0 = for ever); never rows of the database.';


--
-- Name: settings; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.settings AS
 SELECT DISTINCT ON (s.name) s.name,
    s.value,
    s.revision,
    s.reason,
    s.actor,
    s.recorded_at
   FROM ops.setting s
  ORDER BY s.name, s.revision DESC;


ALTER TABLE api.settings OWNER TO predator_owner;

--
-- Name: VIEW settings; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.settings IS 'Operator settings in force (highest revision per name): max_clock_skew_seconds, how far business time may run ahead of the wall clock; with who set it and why.';


--
-- Name: shadow_comparison; Type: TABLE; Schema: risk; Owner: predator_owner
--

CREATE TABLE risk.shadow_comparison (
    shadow_book_id integer NOT NULL,
    hour timestamp with time zone NOT NULL,
    reference_book_id integer NOT NULL,
    shadow_decisions jsonb NOT NULL,
    reference_decisions jsonb NOT NULL,
    divergence integer NOT NULL,
    threshold numeric,
    tripped boolean NOT NULL,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    CONSTRAINT divergence_is_non_negative CHECK ((divergence >= 0)),
    CONSTRAINT shadow_comparison_hour_is_aligned CHECK ((date_trunc('hour'::text, hour) = hour)),
    CONSTRAINT shadow_comparison_hour_is_finite CHECK (((hour > '-infinity'::timestamp with time zone) AND (hour < 'infinity'::timestamp with time zone))),
    CONSTRAINT shadow_comparison_recorded_at_is_finite CHECK (((recorded_at > '-infinity'::timestamp with time zone) AND (recorded_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT shadow_comparison_threshold_is_finite CHECK (((threshold > '-Infinity'::numeric) AND (threshold < 'Infinity'::numeric)))
);


ALTER TABLE risk.shadow_comparison OWNER TO predator_owner;

--
-- Name: TABLE shadow_comparison; Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON TABLE risk.shadow_comparison IS 'Append-only. Per hour closed by a shadow book and its reference: the decisions each made at that hour (sorted [symbol, direction, outcome] triples), how many are in one and not the other (divergence, a multiset difference), the shadow_divergence threshold in force and whether it tripped.';


--
-- Name: COLUMN shadow_comparison.hour; Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON COLUMN risk.shadow_comparison.hour IS 'Close time of the hour compared (UTC): the decisions with ts = hour.';


--
-- Name: COLUMN shadow_comparison.recorded_at; Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON COLUMN risk.shadow_comparison.recorded_at IS 'Wall time of the comparison (never hashed).';


--
-- Name: shadow_comparisons; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.shadow_comparisons AS
 SELECT s.name AS shadow,
    r.name AS reference,
    c.hour,
    c.divergence,
    c.threshold,
    c.tripped,
    c.shadow_decisions,
    c.reference_decisions,
    c.recorded_at
   FROM ((risk.shadow_comparison c
     JOIN trading.account s ON ((s.book_id = c.shadow_book_id)))
     JOIN trading.account r ON ((r.book_id = c.reference_book_id)));


ALTER TABLE api.shadow_comparisons OWNER TO predator_owner;

--
-- Name: VIEW shadow_comparisons; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.shadow_comparisons IS 'Shadow mode: per hour closed by a shadow account and its reference, the decisions of each ([symbol, direction, outcome]), their divergence (multiset difference), the shadow_divergence threshold in force and whether it tripped.';


--
-- Name: strategy; Type: TABLE; Schema: trading; Owner: predator_owner
--

CREATE TABLE trading.strategy (
    book_id integer NOT NULL,
    strategy text NOT NULL,
    params jsonb DEFAULT '{}'::jsonb NOT NULL,
    status text DEFAULT 'active'::text NOT NULL,
    pool text DEFAULT 'CORE'::text NOT NULL,
    priority integer DEFAULT 0 NOT NULL,
    CONSTRAINT strategy_is_identifier CHECK ((strategy ~ '^[A-Za-z0-9_.:-]{1,100}$'::text)),
    CONSTRAINT strategy_status_is_known CHECK ((status = ANY (ARRAY['active'::text, 'paused'::text])))
);


ALTER TABLE trading.strategy OWNER TO predator_owner;

--
-- Name: TABLE strategy; Type: COMMENT; Schema: trading; Owner: predator_owner
--

COMMENT ON TABLE trading.strategy IS 'Strategies registered on an account and whether they are active or paused (an operator action).';


--
-- Name: COLUMN strategy.pool; Type: COMMENT; Schema: trading; Owner: predator_owner
--

COMMENT ON COLUMN trading.strategy.pool IS 'The capital pool the strategy belongs to (CORE by default); its entries count against the pool''s budget.';


--
-- Name: COLUMN strategy.priority; Type: COMMENT; Schema: trading; Owner: predator_owner
--

COMMENT ON COLUMN trading.strategy.priority IS 'Arbitration priority under the priority rule: the higher wins a disagreement on a symbol in the same hour.';


--
-- Name: strategies; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.strategies AS
 SELECT a.name AS account,
    s.strategy,
    s.params,
    s.status,
    s.pool,
    s.priority
   FROM (trading.strategy s
     JOIN trading.account a USING (book_id));


ALTER TABLE api.strategies OWNER TO predator_owner;

--
-- Name: VIEW strategies; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.strategies IS 'Strategies per account: parameters, status (active or paused), capital pool (CORE, AGGRESSIVE, TAIL_RISK) and arbitration priority.';


--
-- Name: strategy_health; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.strategy_health AS
 SELECT a.name AS account,
    h.strategy,
    h.hour,
    h.scored_from,
    h.trades,
    h.claimed_edge_bps,
    h.realized_edge_bps,
    h.hit_rate,
    h.claimed_hit_rate,
    h.decisions,
    h.refused,
    h.edge_psr,
    h.hit_p,
    h.score,
    h.state_before,
    h.state,
    h.action,
    h.cause,
    h.thresholds,
    h.recorded_at,
    h.seq
   FROM (risk.strategy_health h
     JOIN trading.account a USING (book_id));


ALTER TABLE api.strategy_health OWNER TO predator_owner;

--
-- Name: VIEW strategy_health; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.strategy_health IS 'Strategy health per closed hour (docs/risk.md "Strategy health"): evidence window, claimed and realized edge (bps), hit rate against claimed confidence, refusals, the probabilities edge_psr and hit_p, the score, the state before and after and the action taken (demote, restore, pause, resumed) with its cause.';


--
-- Name: strategy_hours; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.strategy_hours AS
 SELECT a.name AS account,
    h.strategy,
    h.hour,
    h.pool,
    h.position_value,
    h.open_buy_notional,
    h.realized_pnl,
    h.unrealized_pnl,
    h.pnl,
    h.day_start_pnl,
    (h.pnl - h.day_start_pnl) AS daily_pnl,
    h.peak_pnl,
    (h.peak_pnl - h.pnl) AS drawdown,
    h.actions
   FROM (portfolio.strategy_hour h
     JOIN trading.account a USING (book_id));


ALTER TABLE api.strategy_hours OWNER TO predator_owner;

--
-- Name: VIEW strategy_hours; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.strategy_hours IS 'Each strategy''s own figures at each hour close, in the base currency: positions at mark, open buys, realized and unrealized PnL of its own fills, daily PnL, peak and drawdown (amounts), and what its limits did (strategy_killed with the reason codes).';


--
-- Name: strategy_positions; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.strategy_positions AS
 SELECT a.name AS account,
    r.strategy,
    f.symbol,
    sum((
        CASE
            WHEN (f.side = 'buy'::text) THEN f.quantity
            ELSE (- f.quantity)
        END -
        CASE
            WHEN (f.fee_currency = split_part(f.symbol, '/'::text, 1)) THEN f.fee
            ELSE (0)::numeric
        END)) AS quantity
   FROM ((trading.fill f
     JOIN trading.order_request r ON ((r.client_order_id = f.client_order_id)))
     JOIN trading.account a ON ((a.book_id = f.book_id)))
  WHERE ((r.strategy IS NOT NULL) AND (NOT (EXISTS ( SELECT
           FROM trading.fill_void v
          WHERE ((v.book_id = f.book_id) AND (v.symbol = f.symbol) AND (v.venue_trade_id = f.venue_trade_id))))))
  GROUP BY a.name, r.strategy, f.symbol;


ALTER TABLE api.strategy_positions OWNER TO predator_owner;

--
-- Name: VIEW strategy_positions; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.strategy_positions IS 'Each strategy''s own net position per symbol (base units): its buys less its sells and the fees paid in the base, over the fills of its own orders. What it may sell is also bounded by the book''s free position (risk._strategy_position); kill-switch and flatten exits belong to no strategy.';


--
-- Name: strategy_risk_states; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.strategy_risk_states AS
 SELECT a.name AS account,
    s.strategy,
    s.pool,
    COALESCE(c.state, 'normal'::text) AS state,
    c.cause,
    c.since_ts,
    c.until_ts,
    c.hold
   FROM ((trading.strategy s
     JOIN trading.account a ON ((a.book_id = s.book_id)))
     LEFT JOIN risk.state_current c ON (((c.book_id = s.book_id) AND (c.scope_kind = 'strategy'::text) AND (c.scope_key = s.strategy))));


ALTER TABLE api.strategy_risk_states OWNER TO predator_owner;

--
-- Name: VIEW strategy_risk_states; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.strategy_risk_states IS 'Current risk state per strategy (normal, reducing, halted, cooldown): its cause, since when and until when (business time), and the hold of a reducing state only an operator releases (api.resume_strategy, api.resume_reducing).';


--
-- Name: transfer_postings; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.transfer_postings AS
 SELECT a.name AS account,
    t.kind,
    t.currency,
    t.amount,
    t.venue_ref,
    t.tx_seq,
    format('INC-%s-%s'::text, t.book_id, t.incident_seq) AS incident,
    t.reason,
    t.actor,
    t.ts,
    t.recorded_at,
    t.seq
   FROM (ops.transfer_posting t
     JOIN trading.account a USING (book_id));


ALTER TABLE api.transfer_postings OWNER TO predator_owner;

--
-- Name: VIEW transfer_postings; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.transfer_postings IS 'Deposits and withdrawals seen on the venue account and posted to the journal by an operator (trading against external, with the principal memo), each with the incident it corrects.';


--
-- Name: treasury_balances; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.treasury_balances AS
 SELECT a.name AS account,
    b.account_code AS ledger,
    b.currency,
    b.balance,
        CASE
            WHEN (b.account_code = ANY (ARRAY['principal'::text, 'realized_pnl'::text])) THEN (- b.balance)
            ELSE b.balance
        END AS amount
   FROM (ledger.balance b
     JOIN trading.account a ON ((a.book_id = b.book_id)))
  WHERE (b.account_code = ANY (ARRAY['principal'::text, 'realized_pnl'::text, 'fees'::text, 'fee_expense'::text, 'ops_cost'::text, 'reserve'::text, 'operations'::text, 'treasury'::text]));


ALTER TABLE api.treasury_balances OWNER TO predator_owner;

--
-- Name: VIEW treasury_balances; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.treasury_balances IS 'The treasury ledgers per account and currency: balance as posted (debit positive) and amount with the ledger''s natural sign (principal deposited, realized PnL gained, fees as charged, fee expense, operating costs, reserve, operations bucket, treasury = free capital).';


--
-- Name: treasury_status; Type: TABLE; Schema: portfolio; Owner: predator_owner
--

CREATE TABLE portfolio.treasury_status (
    book_id integer NOT NULL,
    seq bigint NOT NULL,
    day date NOT NULL,
    window_days integer NOT NULL,
    period_from timestamp with time zone NOT NULL,
    period_to timestamp with time zone NOT NULL,
    complete boolean NOT NULL,
    currency text NOT NULL,
    realized_pnl numeric NOT NULL,
    trading_fees numeric NOT NULL,
    operating_costs numeric NOT NULL,
    reserve_accrual numeric NOT NULL,
    surplus numeric NOT NULL,
    equity numeric NOT NULL,
    principal numeric NOT NULL,
    principal_protected boolean NOT NULL,
    policy_action text DEFAULT 'none'::text NOT NULL,
    policy_amount numeric,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    prev_hash bytea NOT NULL,
    row_hash bytea NOT NULL,
    budget_scale numeric,
    known_tx_seq bigint,
    CONSTRAINT treasury_status_action_is_known CHECK ((policy_action = ANY (ARRAY['none'::text, 'transfer_proposed'::text, 'transfer_automatic'::text, 'entries_halted'::text, 'budget_cut'::text, 'entries_halted_budget_cut'::text, 'budget_restored'::text]))),
    CONSTRAINT treasury_status_budget_scale_is_finite CHECK (((budget_scale > '-Infinity'::numeric) AND (budget_scale < 'Infinity'::numeric))),
    CONSTRAINT treasury_status_budget_scale_is_fraction CHECK (((budget_scale >= (0)::numeric) AND (budget_scale <= (1)::numeric))),
    CONSTRAINT treasury_status_equity_is_finite CHECK (((equity > '-Infinity'::numeric) AND (equity < 'Infinity'::numeric))),
    CONSTRAINT treasury_status_operating_costs_is_finite CHECK (((operating_costs > '-Infinity'::numeric) AND (operating_costs < 'Infinity'::numeric))),
    CONSTRAINT treasury_status_period CHECK ((period_from < period_to)),
    CONSTRAINT treasury_status_period_from_is_finite CHECK (((period_from > '-infinity'::timestamp with time zone) AND (period_from < 'infinity'::timestamp with time zone))),
    CONSTRAINT treasury_status_period_to_is_finite CHECK (((period_to > '-infinity'::timestamp with time zone) AND (period_to < 'infinity'::timestamp with time zone))),
    CONSTRAINT treasury_status_policy_amount_is_finite CHECK (((policy_amount > '-Infinity'::numeric) AND (policy_amount < 'Infinity'::numeric))),
    CONSTRAINT treasury_status_principal_is_finite CHECK (((principal > '-Infinity'::numeric) AND (principal < 'Infinity'::numeric))),
    CONSTRAINT treasury_status_realized_pnl_is_finite CHECK (((realized_pnl > '-Infinity'::numeric) AND (realized_pnl < 'Infinity'::numeric))),
    CONSTRAINT treasury_status_recorded_at_is_finite CHECK (((recorded_at > '-infinity'::timestamp with time zone) AND (recorded_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT treasury_status_reserve_accrual_is_finite CHECK (((reserve_accrual > '-Infinity'::numeric) AND (reserve_accrual < 'Infinity'::numeric))),
    CONSTRAINT treasury_status_surplus_formula CHECK ((surplus = (((realized_pnl - trading_fees) - operating_costs) - reserve_accrual))),
    CONSTRAINT treasury_status_surplus_is_finite CHECK (((surplus > '-Infinity'::numeric) AND (surplus < 'Infinity'::numeric))),
    CONSTRAINT treasury_status_trading_fees_is_finite CHECK (((trading_fees > '-Infinity'::numeric) AND (trading_fees < 'Infinity'::numeric))),
    CONSTRAINT treasury_status_window_is_positive CHECK ((window_days > 0))
);


ALTER TABLE portfolio.treasury_status OWNER TO predator_owner;

--
-- Name: TABLE treasury_status; Type: COMMENT; Schema: portfolio; Owner: predator_owner
--

COMMENT ON TABLE portfolio.treasury_status IS 'Self-financing status of a book (docs/treasury.md), stored by api.close_hour at 00:00 UTC for the UTC day that ended (window_days 1) and the rolling window ending there (treasury_window_days, 30 when unset), from the treasury postings over [period_from, period_to): surplus = realized_pnl - trading_fees - operating_costs - reserve_accrual; principal protected = equity at period_to >= principal. complete: the window lies after the book''s first deposit. policy_action: what the policy did at that close. Gate 21 recomputes every row from the postings. Append-only, chained per book.';


--
-- Name: COLUMN treasury_status.day; Type: COMMENT; Schema: portfolio; Owner: predator_owner
--

COMMENT ON COLUMN portfolio.treasury_status.day IS 'The UTC day that ended at period_to (period_to = day + 1).';


--
-- Name: COLUMN treasury_status.budget_scale; Type: COMMENT; Schema: portfolio; Owner: predator_owner
--

COMMENT ON COLUMN portfolio.treasury_status.budget_scale IS 'Fraction of the book''s risk budget (its entry exposure caps; equity for an unset portfolio cap) in force after this close: cut by treasury_deficit_cut_pct on a rolling deficit, floored at treasury_budget_floor_pct, back to 1 when the rolling surplus is not negative. NULL: the cut policy is off (scale 1). Rolling rows only.';


--
-- Name: COLUMN treasury_status.known_tx_seq; Type: COMMENT; Schema: portfolio; Owner: predator_owner
--

COMMENT ON COLUMN portfolio.treasury_status.known_tx_seq IS 'The book''s newest journal transaction (ledger.transaction.seq) when the status was stored: the figures are those of the postings of transactions up to it (a fill relayed after its day''s status is in later rolling windows, not in that row). NULL on statuses stored before migration 0034.';


--
-- Name: treasury_status; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.treasury_status AS
 SELECT a.name AS account,
    s.day,
    s.window_days,
    s.period_from,
    s.period_to,
    s.complete,
    s.currency,
    s.realized_pnl,
    s.trading_fees,
    s.operating_costs,
    s.reserve_accrual,
    s.surplus,
    s.equity,
    s.principal,
    s.principal_protected,
    s.policy_action,
    s.policy_amount,
    s.budget_scale,
    s.seq
   FROM (portfolio.treasury_status s
     JOIN trading.account a ON ((a.book_id = s.book_id)));


ALTER TABLE api.treasury_status OWNER TO predator_owner;

--
-- Name: VIEW treasury_status; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.treasury_status IS 'Self-financing status per account, UTC day (window_days 1) and rolling window: realized PnL, trading fees, operating costs, reserve accrual, net operating surplus, equity, principal, principal protected, what the treasury policy did, and the risk budget scale in force after the close (budget_scale; NULL: the cut policy is off).';


--
-- Name: treasury_transfer; Type: TABLE; Schema: ledger; Owner: predator_owner
--

CREATE TABLE ledger.treasury_transfer (
    book_id integer NOT NULL,
    seq bigint NOT NULL,
    proposal_no integer NOT NULL,
    action text NOT NULL,
    amount numeric NOT NULL,
    currency text NOT NULL,
    day date NOT NULL,
    tx_seq bigint,
    reason text NOT NULL,
    actor text DEFAULT SESSION_USER NOT NULL,
    ts timestamp with time zone NOT NULL,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    prev_hash bytea NOT NULL,
    row_hash bytea NOT NULL,
    CONSTRAINT treasury_transfer_action_is_known CHECK ((action = ANY (ARRAY['proposed'::text, 'approved'::text, 'automatic'::text]))),
    CONSTRAINT treasury_transfer_amount_is_finite CHECK (((amount > '-Infinity'::numeric) AND (amount < 'Infinity'::numeric))),
    CONSTRAINT treasury_transfer_amount_is_positive CHECK ((amount > (0)::numeric)),
    CONSTRAINT treasury_transfer_posted CHECK (((action = 'proposed'::text) = (tx_seq IS NULL))),
    CONSTRAINT treasury_transfer_proposal_is_positive CHECK ((proposal_no > 0)),
    CONSTRAINT treasury_transfer_recorded_at_is_finite CHECK (((recorded_at > '-infinity'::timestamp with time zone) AND (recorded_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT treasury_transfer_ts_is_finite CHECK (((ts > '-infinity'::timestamp with time zone) AND (ts < 'infinity'::timestamp with time zone)))
);


ALTER TABLE ledger.treasury_transfer OWNER TO predator_owner;

--
-- Name: TABLE treasury_transfer; Type: COMMENT; Schema: ledger; Owner: predator_owner
--

COMMENT ON TABLE ledger.treasury_transfer IS 'Transfers of surplus to the operations bucket: proposed by the day close when the rolling surplus is above treasury_transfer_threshold, then approved by an operator (api.approve_treasury_transfer), or automatic when treasury_auto_transfer is 1; an approved or automatic row names its journal transaction (operations +, treasury -). Append-only, chained per book.';


--
-- Name: treasury_transfers; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.treasury_transfers AS
 SELECT a.name AS account,
    t.proposal_no,
    t.action,
    t.amount,
    t.currency,
    t.day,
    t.tx_seq,
    t.reason,
    t.actor,
    t.ts,
    ((t.action = 'proposed'::text) AND (NOT (EXISTS ( SELECT
           FROM ledger.treasury_transfer u
          WHERE ((u.book_id = t.book_id) AND (u.proposal_no = t.proposal_no) AND (u.action <> 'proposed'::text)))))) AS pending
   FROM (ledger.treasury_transfer t
     JOIN trading.account a ON ((a.book_id = t.book_id)));


ALTER TABLE api.treasury_transfers OWNER TO predator_owner;

--
-- Name: VIEW treasury_transfers; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.treasury_transfers IS 'Transfers of surplus to the operations bucket per account: proposals (pending until approved with api.approve_treasury_transfer), approvals and automatic transfers with their journal transaction.';


--
-- Name: validation_run; Type: TABLE; Schema: ops; Owner: predator_owner
--

CREATE TABLE ops.validation_run (
    book_id integer NOT NULL,
    seq bigint NOT NULL,
    range_from timestamp with time zone,
    range_to timestamp with time zone NOT NULL,
    incremental boolean NOT NULL,
    gates jsonb NOT NULL,
    passed boolean NOT NULL,
    checkpoint boolean NOT NULL,
    heads jsonb NOT NULL,
    actor text DEFAULT SESSION_USER NOT NULL,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    prev_hash bytea NOT NULL,
    row_hash bytea NOT NULL,
    CONSTRAINT validation_run_checkpoint_passed CHECK (((NOT checkpoint) OR passed)),
    CONSTRAINT validation_run_gates_is_object CHECK ((jsonb_typeof(gates) = 'object'::text)),
    CONSTRAINT validation_run_heads_is_object CHECK ((jsonb_typeof(heads) = 'object'::text)),
    CONSTRAINT validation_run_range_from_is_finite CHECK (((range_from > '-infinity'::timestamp with time zone) AND (range_from < 'infinity'::timestamp with time zone))),
    CONSTRAINT validation_run_range_is_ordered CHECK (((range_from IS NULL) OR (range_from <= range_to))),
    CONSTRAINT validation_run_range_to_is_finite CHECK (((range_to > '-infinity'::timestamp with time zone) AND (range_to < 'infinity'::timestamp with time zone))),
    CONSTRAINT validation_run_recorded_at_is_finite CHECK (((recorded_at > '-infinity'::timestamp with time zone) AND (recorded_at < 'infinity'::timestamp with time zone)))
);


ALTER TABLE ops.validation_run OWNER TO predator_owner;

--
-- Name: TABLE validation_run; Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON TABLE ops.validation_run IS 'Append-only, chained per book: one row per recorded run of the validation gates (api.record_validation, auditor): the book (0: every book), the business times judged [range_from, range_to) (range_from NULL: from the start), the violations per gate (null: the gate errored), passed, checkpoint (passed and contiguous from the start: where predator validate --incremental resumes), the book''s chain heads in the judged snapshot, who and when (wall time, not hashed).';


--
-- Name: COLUMN validation_run.range_to; Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON COLUMN ops.validation_run.range_to IS 'Exclusive end of the business times judged: the close of the book''s last closed hour in the judged snapshot (or the run''s --to plus 1 microsecond when earlier).';


--
-- Name: COLUMN validation_run.heads; Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON COLUMN ops.validation_run.heads IS 'Chain heads {"<schema>.<table>:<book>" | "ledger.posting:<book>:<account>:<currency>": {"seq": n, "hash": hex}} of the judged book(s) in the snapshot the gates judged: rows appended after them with a business time before range_to are judged by the next incremental run, whose chain verification starts from them.';


--
-- Name: validation_runs; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.validation_runs AS
 SELECT v.book_id,
    a.name AS account,
    v.seq,
    v.range_from,
    v.range_to,
    v.incremental,
    v.gates,
    v.passed,
    v.checkpoint,
    v.actor,
    v.recorded_at
   FROM (ops.validation_run v
     LEFT JOIN trading.account a ON ((a.book_id = v.book_id)));


ALTER TABLE api.validation_runs OWNER TO predator_owner;

--
-- Name: VIEW validation_runs; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.validation_runs IS 'Recorded runs of the validation gates: the book (account NULL and book 0: every book), business times judged [range_from, range_to) (range_from NULL: from the start), incremental or not, violations per gate (null: the gate errored), passed, checkpoint (where predator validate --incremental resumes), who and when (wall time).';


--
-- Name: venue_health; Type: TABLE; Schema: ops; Owner: predator_owner
--

CREATE TABLE ops.venue_health (
    book_id integer NOT NULL,
    seq bigint NOT NULL,
    ts timestamp with time zone NOT NULL,
    calls integer NOT NULL,
    errors integer NOT NULL,
    connected boolean NOT NULL,
    detail jsonb DEFAULT '{}'::jsonb NOT NULL,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    prev_hash bytea NOT NULL,
    row_hash bytea NOT NULL,
    CONSTRAINT calls_is_non_negative CHECK ((calls >= 0)),
    CONSTRAINT errors_within_calls CHECK (((errors >= 0) AND (errors <= calls))),
    CONSTRAINT venue_health_recorded_at_is_finite CHECK (((recorded_at > '-infinity'::timestamp with time zone) AND (recorded_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT venue_health_ts_is_finite CHECK (((ts > '-infinity'::timestamp with time zone) AND (ts < 'infinity'::timestamp with time zone)))
);


ALTER TABLE ops.venue_health OWNER TO predator_owner;

--
-- Name: TABLE venue_health; Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON TABLE ops.venue_health IS 'Venue API calls and errors observed by the worker per interval, and whether the venue was reachable: the input of the API-error-rate and connectivity breakers. Append-only, chained per book.';


--
-- Name: venue_health; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.venue_health AS
 SELECT a.name AS account,
    h.ts,
    h.calls,
    h.errors,
    h.connected,
        CASE
            WHEN (jsonb_typeof((h.detail -> 'fatal_errors'::text)) = 'number'::text) THEN (((h.detail ->> 'fatal_errors'::text))::numeric)::integer
            ELSE 0
        END AS fatal_errors,
    h.detail,
    h.recorded_at,
    h.seq
   FROM (ops.venue_health h
     JOIN trading.account a USING (book_id));


ALTER TABLE api.venue_health OWNER TO predator_owner;

--
-- Name: VIEW venue_health; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.venue_health IS 'What the worker reported about the venue API since its previous report (api.record_venue_health): calls made, calls that failed (transient errors, timeouts), whether the venue was reachable, and the errors it classified as halt (fatal_errors, listed in detail->fatal); business time ts, wall time recorded_at. The input of the api_error_rate, connectivity_loss and venue_fatal_error breakers.';


--
-- Name: venue_transfer; Type: TABLE; Schema: ops; Owner: predator_owner
--

CREATE TABLE ops.venue_transfer (
    book_id integer NOT NULL,
    seq bigint NOT NULL,
    kind text NOT NULL,
    currency text NOT NULL,
    amount numeric NOT NULL,
    venue_ref text NOT NULL,
    ts timestamp with time zone NOT NULL,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    prev_hash bytea NOT NULL,
    row_hash bytea NOT NULL,
    CONSTRAINT transfer_amount_is_positive CHECK ((amount > (0)::numeric)),
    CONSTRAINT transfer_kind_is_known CHECK ((kind = ANY (ARRAY['deposit'::text, 'withdrawal'::text]))),
    CONSTRAINT venue_transfer_amount_is_finite CHECK (((amount > '-Infinity'::numeric) AND (amount < 'Infinity'::numeric))),
    CONSTRAINT venue_transfer_recorded_at_is_finite CHECK (((recorded_at > '-infinity'::timestamp with time zone) AND (recorded_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT venue_transfer_ts_is_finite CHECK (((ts > '-infinity'::timestamp with time zone) AND (ts < 'infinity'::timestamp with time zone)))
);


ALTER TABLE ops.venue_transfer OWNER TO predator_owner;

--
-- Name: TABLE venue_transfer; Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON TABLE ops.venue_transfer IS 'Deposits and withdrawals seen on the venue account. Predator has no code path that withdraws: any withdrawal seen here halts globally. Append-only, chained per book.';


--
-- Name: venue_transfers; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.venue_transfers AS
 SELECT a.name AS account,
    t.kind,
    t.currency,
    t.amount,
    t.venue_ref,
    t.ts,
    t.seq,
    (EXISTS ( SELECT
           FROM ops.transfer_posting p
          WHERE ((p.book_id = t.book_id) AND (p.venue_ref = t.venue_ref)))) AS posted
   FROM (ops.venue_transfer t
     JOIN trading.account a USING (book_id));


ALTER TABLE api.venue_transfers OWNER TO predator_owner;

--
-- Name: VIEW venue_transfers; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.venue_transfers IS 'Deposits and withdrawals seen on the venue account (any withdrawal halts globally); posted: an operator posted it to the journal (api.post_venue_transfer).';


--
-- Name: venue; Type: TABLE; Schema: market; Owner: predator_owner
--

CREATE TABLE market.venue (
    venue text NOT NULL,
    name text NOT NULL,
    maker_fee_bps numeric NOT NULL,
    taker_fee_bps numeric NOT NULL,
    CONSTRAINT maker_fee_is_non_negative CHECK ((maker_fee_bps >= (0)::numeric)),
    CONSTRAINT taker_fee_is_non_negative CHECK ((taker_fee_bps >= (0)::numeric)),
    CONSTRAINT venue_is_lowercase_identifier CHECK ((venue ~ '^[a-z][a-z0-9_]*$'::text)),
    CONSTRAINT venue_maker_fee_bps_is_finite CHECK (((maker_fee_bps > '-Infinity'::numeric) AND (maker_fee_bps < 'Infinity'::numeric))),
    CONSTRAINT venue_taker_fee_bps_is_finite CHECK (((taker_fee_bps > '-Infinity'::numeric) AND (taker_fee_bps < 'Infinity'::numeric)))
);


ALTER TABLE market.venue OWNER TO predator_owner;

--
-- Name: TABLE venue; Type: COMMENT; Schema: market; Owner: predator_owner
--

COMMENT ON TABLE market.venue IS 'Trading venues (ccxt exchange ids) and their default spot fee tier in basis points; added by migrations or api.add_venue (audited), never changed by a call.';


--
-- Name: venues; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.venues AS
 SELECT v.venue,
    v.name,
    v.maker_fee_bps,
    v.taker_fee_bps
   FROM market.venue v;


ALTER TABLE api.venues OWNER TO predator_owner;

--
-- Name: VIEW venues; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.venues IS 'Trading venues (ccxt ids) and their spot fee tier in basis points (maker, taker): the one source of fees for admission and the paper engine.';


--
-- Name: worker_health; Type: TABLE; Schema: ops; Owner: predator_owner
--

CREATE TABLE ops.worker_health (
    book_id integer NOT NULL,
    seq bigint NOT NULL,
    ts timestamp with time zone NOT NULL,
    rss_kb bigint NOT NULL,
    pid integer,
    detail jsonb DEFAULT '{}'::jsonb NOT NULL,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    CONSTRAINT worker_health_pid_is_positive CHECK ((pid > 0)),
    CONSTRAINT worker_health_recorded_at_is_finite CHECK (((recorded_at > '-infinity'::timestamp with time zone) AND (recorded_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT worker_health_rss_is_non_negative CHECK ((rss_kb >= 0)),
    CONSTRAINT worker_health_seq_is_positive CHECK ((seq > 0)),
    CONSTRAINT worker_health_ts_is_finite CHECK (((ts > '-infinity'::timestamp with time zone) AND (ts < 'infinity'::timestamp with time zone)))
);


ALTER TABLE ops.worker_health OWNER TO predator_owner;

--
-- Name: TABLE worker_health; Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON TABLE ops.worker_health IS 'What a worker reported about its own process at an hour''s close (api.record_worker_health): resident memory (kB), pid, detail; the input of the worker_rss_mb breaker. Append-only; not chained (it describes the process, not the book).';


--
-- Name: worker_health; Type: VIEW; Schema: api; Owner: predator_owner
--

CREATE VIEW api.worker_health AS
 SELECT a.name AS account,
    h.ts,
    h.rss_kb,
    round(((h.rss_kb)::numeric / 1024.0), 3) AS rss_mb,
    h.pid,
    h.detail,
    h.recorded_at,
    h.seq
   FROM (ops.worker_health h
     JOIN trading.account a USING (book_id));


ALTER TABLE api.worker_health OWNER TO predator_owner;

--
-- Name: VIEW worker_health; Type: COMMENT; Schema: api; Owner: predator_owner
--

COMMENT ON VIEW api.worker_health IS 'The worker process''s resident memory (kB and MB) and pid as the worker reported them at each hour''s close: the input of the worker_rss_mb breaker.';


--
-- Name: ledger_account; Type: TABLE; Schema: ledger; Owner: predator_owner
--

CREATE TABLE ledger.ledger_account (
    book_id integer NOT NULL,
    code text NOT NULL,
    non_negative boolean NOT NULL,
    CONSTRAINT ledger_account_code_is_known CHECK ((code = ANY (ARRAY['trading'::text, 'venue'::text, 'fees'::text, 'external'::text, 'reserve'::text, 'ops_cost'::text, 'principal'::text, 'realized_pnl'::text, 'fee_expense'::text, 'operations'::text, 'treasury'::text]))),
    CONSTRAINT trading_account_is_non_negative CHECK (((code <> 'trading'::text) OR non_negative))
);


ALTER TABLE ledger.ledger_account OWNER TO predator_owner;

--
-- Name: TABLE ledger_account; Type: COMMENT; Schema: ledger; Owner: predator_owner
--

COMMENT ON TABLE ledger.ledger_account IS 'The accounts of a book: trading (what the book holds at the venue, never negative), venue (trade counterparty), fees (as charged, per currency), external (capital in and out); the treasury memo accounts (docs/treasury.md), in the reporting currency: principal, realized_pnl, fee_expense, ops_cost, reserve and operations (earmarks, never negative), treasury (their counterpart: free capital).';


--
-- Name: posting; Type: TABLE; Schema: ledger; Owner: predator_owner
--

CREATE TABLE ledger.posting (
    book_id integer NOT NULL,
    tx_seq bigint NOT NULL,
    leg smallint NOT NULL,
    account_code text NOT NULL,
    currency text NOT NULL,
    amount numeric NOT NULL,
    seq bigint NOT NULL,
    balance_after numeric NOT NULL,
    ts timestamp with time zone NOT NULL,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    prev_hash bytea NOT NULL,
    row_hash bytea NOT NULL,
    CONSTRAINT leg_is_positive CHECK ((leg > 0)),
    CONSTRAINT posting_amount_is_finite CHECK (((amount > '-Infinity'::numeric) AND (amount < 'Infinity'::numeric))),
    CONSTRAINT posting_amount_is_non_zero CHECK ((amount <> (0)::numeric)),
    CONSTRAINT posting_balance_after_is_finite CHECK (((balance_after > '-Infinity'::numeric) AND (balance_after < 'Infinity'::numeric))),
    CONSTRAINT posting_recorded_at_is_finite CHECK (((recorded_at > '-infinity'::timestamp with time zone) AND (recorded_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT posting_ts_is_finite CHECK (((ts > '-infinity'::timestamp with time zone) AND (ts < 'infinity'::timestamp with time zone)))
);


ALTER TABLE ledger.posting OWNER TO predator_owner;

--
-- Name: TABLE posting; Type: COMMENT; Schema: ledger; Owner: predator_owner
--

COMMENT ON TABLE ledger.posting IS 'Journal postings: amount in currency (signed), per-(account, currency) gapless seq, running balance_after, and a sha256 chain per (book, account, currency). Append-only.';


--
-- Name: transaction; Type: TABLE; Schema: ledger; Owner: predator_owner
--

CREATE TABLE ledger.transaction (
    book_id integer NOT NULL,
    seq bigint NOT NULL,
    kind text NOT NULL,
    ref text NOT NULL,
    legs smallint NOT NULL,
    ts timestamp with time zone NOT NULL,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    prev_hash bytea NOT NULL,
    row_hash bytea NOT NULL,
    CONSTRAINT ledger_tx_kind_is_known CHECK ((kind = ANY (ARRAY['deposit'::text, 'withdrawal'::text, 'fill'::text, 'fee'::text, 'ops_cost'::text, 'reserve'::text, 'transfer'::text, 'principal'::text, 'realized'::text, 'void'::text]))),
    CONSTRAINT transaction_has_two_legs CHECK ((legs >= 2)),
    CONSTRAINT transaction_recorded_at_is_finite CHECK (((recorded_at > '-infinity'::timestamp with time zone) AND (recorded_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT transaction_ts_is_finite CHECK (((ts > '-infinity'::timestamp with time zone) AND (ts < 'infinity'::timestamp with time zone)))
);


ALTER TABLE ledger.transaction OWNER TO predator_owner;

--
-- Name: TABLE transaction; Type: COMMENT; Schema: ledger; Owner: predator_owner
--

COMMENT ON TABLE ledger.transaction IS 'Journal transaction headers: one per economic event (deposit, fill, fee, ...), with the number of legs posted. Append-only, chained per book.';


--
-- Name: candle_load_id_seq; Type: SEQUENCE; Schema: market; Owner: predator_owner
--

CREATE SEQUENCE market.candle_load_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


ALTER TABLE market.candle_load_id_seq OWNER TO predator_owner;

--
-- Name: candle_stage; Type: TABLE; Schema: market; Owner: predator_owner
--

CREATE UNLOGGED TABLE market.candle_stage (
    load_key uuid NOT NULL,
    line_no bigint NOT NULL,
    raw text
);


ALTER TABLE market.candle_stage OWNER TO predator_owner;

--
-- Name: TABLE candle_stage; Type: COMMENT; Schema: market; Owner: predator_owner
--

COMMENT ON TABLE market.candle_stage IS 'Inbox of api.load_candles: one CSV data line "ts,open,high,low,close,volume" per row, under the load''s key (api.begin_candle_load); line_no orders the lines of a load. The worker may only INSERT (load_key, raw); api.load_candles reads the rows of its key and deletes them in the same transaction. Not governed data: nothing here is ever read by anything else.';


--
-- Name: COLUMN candle_stage.load_key; Type: COMMENT; Schema: market; Owner: predator_owner
--

COMMENT ON COLUMN market.candle_stage.load_key IS 'The load these lines belong to (api.begin_candle_load); api.load_candles reads only its own key.';


--
-- Name: COLUMN candle_stage.line_no; Type: COMMENT; Schema: market; Owner: predator_owner
--

COMMENT ON COLUMN market.candle_stage.line_no IS 'Insertion order (an identity, increasing within a session): the n-th line of a load is its n-th line_no.';


--
-- Name: COLUMN candle_stage.raw; Type: COMMENT; Schema: market; Owner: predator_owner
--

COMMENT ON COLUMN market.candle_stage.raw IS 'One data line as read from the source, unchanged (a CR of a CRLF ending included).';


--
-- Name: candle_stage_line_no_seq; Type: SEQUENCE; Schema: market; Owner: predator_owner
--

ALTER TABLE market.candle_stage ALTER COLUMN line_no ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME market.candle_stage_line_no_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: cluster; Type: TABLE; Schema: market; Owner: predator_owner
--

CREATE TABLE market.cluster (
    cluster text NOT NULL,
    description text NOT NULL,
    CONSTRAINT cluster_is_lowercase_identifier CHECK ((cluster ~ '^[a-z][a-z0-9_]*$'::text))
);


ALTER TABLE market.cluster OWNER TO predator_owner;

--
-- Name: TABLE cluster; Type: COMMENT; Schema: market; Owner: predator_owner
--

COMMENT ON TABLE market.cluster IS 'Groups of assets whose exposure is capped together (for example smart-contract L1s).';


--
-- Name: universe; Type: TABLE; Schema: market; Owner: predator_owner
--

CREATE TABLE market.universe (
    universe text NOT NULL,
    symbol text NOT NULL
);


ALTER TABLE market.universe OWNER TO predator_owner;

--
-- Name: TABLE universe; Type: COMMENT; Schema: market; Owner: predator_owner
--

COMMENT ON TABLE market.universe IS 'Named, versioned trading universes (V1 = the 30 top non-stable assets quoted in USDT).';


--
-- Name: alert_outbox_seq_seq; Type: SEQUENCE; Schema: ops; Owner: predator_owner
--

ALTER TABLE ops.alert_outbox ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME ops.alert_outbox_seq_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: approval_request_request_id_seq; Type: SEQUENCE; Schema: ops; Owner: predator_owner
--

ALTER TABLE ops.approval_request ALTER COLUMN request_id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME ops.approval_request_request_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: chain_head; Type: TABLE; Schema: ops; Owner: predator_owner
--

CREATE TABLE ops.chain_head (
    chain text NOT NULL,
    book_id integer NOT NULL,
    seq bigint NOT NULL,
    head_hash bytea NOT NULL,
    CONSTRAINT chain_head_is_sha256 CHECK ((octet_length(head_hash) = 32)),
    CONSTRAINT chain_seq_is_non_negative CHECK ((seq >= 0))
);


ALTER TABLE ops.chain_head OWNER TO predator_owner;

--
-- Name: TABLE chain_head; Type: COMMENT; Schema: ops; Owner: predator_owner
--

COMMENT ON TABLE ops.chain_head IS 'Head (last sequence number and row hash) of every hash chain; one row per chain "<schema>.<table>:<book_id>" (book 0 = control plane). A cache of the chained rows, re-derived by api.verify_chains().';


--
-- Name: safe_mode_application_application_id_seq; Type: SEQUENCE; Schema: ops; Owner: predator_owner
--

ALTER TABLE ops.safe_mode_application ALTER COLUMN application_id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME ops.safe_mode_application_application_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: alembic_version; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.alembic_version (
    version_num character varying(32) NOT NULL
);


ALTER TABLE public.alembic_version OWNER TO postgres;

--
-- Name: limit_kind; Type: TABLE; Schema: risk; Owner: predator_owner
--

CREATE TABLE risk.limit_kind (
    limit_name text NOT NULL,
    allowed_modes text[] NOT NULL,
    description text NOT NULL
);


ALTER TABLE risk.limit_kind OWNER TO predator_owner;

--
-- Name: TABLE limit_kind; Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON TABLE risk.limit_kind IS 'Every limit the admission gate knows (DESIGN.md §3.7) and the modes it may be set in: pct (percent of equity), abs (amount in the account''s base currency), bps, count.';


--
-- Name: shadow_pair; Type: TABLE; Schema: risk; Owner: predator_owner
--

CREATE TABLE risk.shadow_pair (
    shadow_book_id integer NOT NULL,
    reference_book_id integer NOT NULL,
    reason text NOT NULL,
    actor text NOT NULL,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    CONSTRAINT shadow_pair_is_two_books CHECK ((shadow_book_id <> reference_book_id)),
    CONSTRAINT shadow_pair_reason_given CHECK ((btrim(reason) <> ''::text)),
    CONSTRAINT shadow_pair_recorded_at_is_finite CHECK (((recorded_at > '-infinity'::timestamp with time zone) AND (recorded_at < 'infinity'::timestamp with time zone)))
);


ALTER TABLE risk.shadow_pair OWNER TO predator_owner;

--
-- Name: TABLE shadow_pair; Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON TABLE risk.shadow_pair IS 'Append-only. A shadow book and the reference book its decisions are compared with (api.pair_shadow), once and for good.';


--
-- Name: state_transition; Type: TABLE; Schema: risk; Owner: predator_owner
--

CREATE TABLE risk.state_transition (
    state_before text NOT NULL,
    state_after text NOT NULL,
    description text NOT NULL,
    CONSTRAINT state_after_is_known CHECK ((state_after = ANY (ARRAY['normal'::text, 'reducing'::text, 'halted'::text, 'cooldown'::text]))),
    CONSTRAINT state_before_is_known CHECK ((state_before = ANY (ARRAY['normal'::text, 'reducing'::text, 'halted'::text, 'cooldown'::text])))
);


ALTER TABLE risk.state_transition OWNER TO predator_owner;

--
-- Name: TABLE state_transition; Type: COMMENT; Schema: risk; Owner: predator_owner
--

COMMENT ON TABLE risk.state_transition IS 'The legal moves of the risk state machine of a book (docs/risk.md): normal, reducing (exits only), halted (a halt covers the book), cooldown (after a halt lifts). risk.state_event references it by foreign key; anything else is refused with PD020.';


--
-- Name: account_book_id_seq; Type: SEQUENCE; Schema: trading; Owner: predator_owner
--

ALTER TABLE trading.account ALTER COLUMN book_id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME trading.account_book_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: lot_allocation; Type: TABLE; Schema: trading; Owner: predator_owner
--

CREATE TABLE trading.lot_allocation (
    book_id integer NOT NULL,
    seq bigint NOT NULL,
    symbol text NOT NULL,
    lot_no integer NOT NULL,
    venue_trade_id text NOT NULL,
    quantity numeric NOT NULL,
    entry_price numeric NOT NULL,
    exit_price numeric NOT NULL,
    entry_fee numeric NOT NULL,
    exit_fee numeric NOT NULL,
    realized_pnl numeric NOT NULL,
    ts timestamp with time zone NOT NULL,
    recorded_at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    prev_hash bytea NOT NULL,
    row_hash bytea NOT NULL,
    CONSTRAINT allocation_qty_is_positive CHECK ((quantity > (0)::numeric)),
    CONSTRAINT lot_allocation_entry_fee_is_finite CHECK (((entry_fee > '-Infinity'::numeric) AND (entry_fee < 'Infinity'::numeric))),
    CONSTRAINT lot_allocation_entry_price_is_finite CHECK (((entry_price > '-Infinity'::numeric) AND (entry_price < 'Infinity'::numeric))),
    CONSTRAINT lot_allocation_exit_fee_is_finite CHECK (((exit_fee > '-Infinity'::numeric) AND (exit_fee < 'Infinity'::numeric))),
    CONSTRAINT lot_allocation_exit_price_is_finite CHECK (((exit_price > '-Infinity'::numeric) AND (exit_price < 'Infinity'::numeric))),
    CONSTRAINT lot_allocation_quantity_is_finite CHECK (((quantity > '-Infinity'::numeric) AND (quantity < 'Infinity'::numeric))),
    CONSTRAINT lot_allocation_realized_pnl_is_finite CHECK (((realized_pnl > '-Infinity'::numeric) AND (realized_pnl < 'Infinity'::numeric))),
    CONSTRAINT lot_allocation_recorded_at_is_finite CHECK (((recorded_at > '-infinity'::timestamp with time zone) AND (recorded_at < 'infinity'::timestamp with time zone))),
    CONSTRAINT lot_allocation_ts_is_finite CHECK (((ts > '-infinity'::timestamp with time zone) AND (ts < 'infinity'::timestamp with time zone)))
);


ALTER TABLE trading.lot_allocation OWNER TO predator_owner;

--
-- Name: TABLE lot_allocation; Type: COMMENT; Schema: trading; Owner: predator_owner
--

COMMENT ON TABLE trading.lot_allocation IS 'A sell fill consuming an open lot, oldest first: quantity (base), entry and exit prices, the fee shares of both sides and realized PnL (quote). Append-only, chained per book.';


--
-- Name: order_transition; Type: TABLE; Schema: trading; Owner: predator_owner
--

CREATE TABLE trading.order_transition (
    status_before text NOT NULL,
    status_after text NOT NULL
);


ALTER TABLE trading.order_transition OWNER TO predator_owner;

--
-- Name: TABLE order_transition; Type: COMMENT; Schema: trading; Owner: predator_owner
--

COMMENT ON TABLE trading.order_transition IS 'The legal order state transitions (docs/state_machine.md); order events reference it by foreign key. new->new and open->open are legal only for cancel_requested events, partially_filled->partially_filled only for fills.';


--
-- Name: balance balance_pk; Type: CONSTRAINT; Schema: ledger; Owner: predator_owner
--

ALTER TABLE ONLY ledger.balance
    ADD CONSTRAINT balance_pk PRIMARY KEY (book_id, account_code, currency);


--
-- Name: ledger_account ledger_account_pk; Type: CONSTRAINT; Schema: ledger; Owner: predator_owner
--

ALTER TABLE ONLY ledger.ledger_account
    ADD CONSTRAINT ledger_account_pk PRIMARY KEY (book_id, code);


--
-- Name: operating_cost operating_cost_pk; Type: CONSTRAINT; Schema: ledger; Owner: predator_owner
--

ALTER TABLE ONLY ledger.operating_cost
    ADD CONSTRAINT operating_cost_pk PRIMARY KEY (book_id, name, revision);


--
-- Name: posting posting_leg_is_unique; Type: CONSTRAINT; Schema: ledger; Owner: predator_owner
--

ALTER TABLE ONLY ledger.posting
    ADD CONSTRAINT posting_leg_is_unique UNIQUE (book_id, tx_seq, leg);


--
-- Name: posting posting_pk; Type: CONSTRAINT; Schema: ledger; Owner: predator_owner
--

ALTER TABLE ONLY ledger.posting
    ADD CONSTRAINT posting_pk PRIMARY KEY (book_id, account_code, currency, seq);


--
-- Name: transaction transaction_pk; Type: CONSTRAINT; Schema: ledger; Owner: predator_owner
--

ALTER TABLE ONLY ledger.transaction
    ADD CONSTRAINT transaction_pk PRIMARY KEY (book_id, seq);


--
-- Name: treasury_transfer treasury_transfer_once; Type: CONSTRAINT; Schema: ledger; Owner: predator_owner
--

ALTER TABLE ONLY ledger.treasury_transfer
    ADD CONSTRAINT treasury_transfer_once UNIQUE (book_id, proposal_no, action);


--
-- Name: treasury_transfer treasury_transfer_pk; Type: CONSTRAINT; Schema: ledger; Owner: predator_owner
--

ALTER TABLE ONLY ledger.treasury_transfer
    ADD CONSTRAINT treasury_transfer_pk PRIMARY KEY (book_id, seq);


--
-- Name: asset asset_pkey; Type: CONSTRAINT; Schema: market; Owner: predator_owner
--

ALTER TABLE ONLY market.asset
    ADD CONSTRAINT asset_pkey PRIMARY KEY (asset);


--
-- Name: candle_correction candle_correction_pk; Type: CONSTRAINT; Schema: market; Owner: predator_owner
--

ALTER TABLE ONLY market.candle_correction
    ADD CONSTRAINT candle_correction_pk PRIMARY KEY (venue, symbol, "interval", ts, to_revision);


--
-- Name: candle_load candle_load_pkey; Type: CONSTRAINT; Schema: market; Owner: predator_owner
--

ALTER TABLE ONLY market.candle_load
    ADD CONSTRAINT candle_load_pkey PRIMARY KEY (load_id);


--
-- Name: candle candle_pk; Type: CONSTRAINT; Schema: market; Owner: predator_owner
--

ALTER TABLE ONLY market.candle
    ADD CONSTRAINT candle_pk PRIMARY KEY (venue, symbol, "interval", ts, revision);


--
-- Name: candle_quarantine candle_quarantine_pk; Type: CONSTRAINT; Schema: market; Owner: predator_owner
--

ALTER TABLE ONLY market.candle_quarantine
    ADD CONSTRAINT candle_quarantine_pk PRIMARY KEY (load_id, line_no);


--
-- Name: candle_stage candle_stage_pk; Type: CONSTRAINT; Schema: market; Owner: predator_owner
--

ALTER TABLE ONLY market.candle_stage
    ADD CONSTRAINT candle_stage_pk PRIMARY KEY (load_key, line_no);


--
-- Name: cluster cluster_pkey; Type: CONSTRAINT; Schema: market; Owner: predator_owner
--

ALTER TABLE ONLY market.cluster
    ADD CONSTRAINT cluster_pkey PRIMARY KEY (cluster);


--
-- Name: instrument instrument_pk; Type: CONSTRAINT; Schema: market; Owner: predator_owner
--

ALTER TABLE ONLY market.instrument
    ADD CONSTRAINT instrument_pk PRIMARY KEY (venue, symbol);


--
-- Name: universe universe_pk; Type: CONSTRAINT; Schema: market; Owner: predator_owner
--

ALTER TABLE ONLY market.universe
    ADD CONSTRAINT universe_pk PRIMARY KEY (universe, symbol);


--
-- Name: venue venue_pkey; Type: CONSTRAINT; Schema: market; Owner: predator_owner
--

ALTER TABLE ONLY market.venue
    ADD CONSTRAINT venue_pkey PRIMARY KEY (venue);


--
-- Name: alert_attempt alert_attempt_pk; Type: CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.alert_attempt
    ADD CONSTRAINT alert_attempt_pk PRIMARY KEY (alert_seq, channel, attempt);


--
-- Name: alert_outbox alert_outbox_pk; Type: CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.alert_outbox
    ADD CONSTRAINT alert_outbox_pk PRIMARY KEY (seq);


--
-- Name: alert_outbox alert_outbox_source_once; Type: CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.alert_outbox
    ADD CONSTRAINT alert_outbox_source_once UNIQUE (source_table, source_key);


--
-- Name: anchor_key anchor_key_fingerprint_is_unique; Type: CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.anchor_key
    ADD CONSTRAINT anchor_key_fingerprint_is_unique UNIQUE (fingerprint);


--
-- Name: anchor_key anchor_key_pkey; Type: CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.anchor_key
    ADD CONSTRAINT anchor_key_pkey PRIMARY KEY (key_id);


--
-- Name: anchor_key_revocation anchor_key_revocation_pkey; Type: CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.anchor_key_revocation
    ADD CONSTRAINT anchor_key_revocation_pkey PRIMARY KEY (key_id);


--
-- Name: approval approval_pkey; Type: CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.approval
    ADD CONSTRAINT approval_pkey PRIMARY KEY (request_id);


--
-- Name: approval_request approval_request_pkey; Type: CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.approval_request
    ADD CONSTRAINT approval_request_pkey PRIMARY KEY (request_id);


--
-- Name: approval_use approval_use_pkey; Type: CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.approval_use
    ADD CONSTRAINT approval_use_pkey PRIMARY KEY (request_id);


--
-- Name: audit_log audit_log_pk; Type: CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.audit_log
    ADD CONSTRAINT audit_log_pk PRIMARY KEY (book_id, seq);


--
-- Name: chain_anchor chain_anchor_pk; Type: CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.chain_anchor
    ADD CONSTRAINT chain_anchor_pk PRIMARY KEY (book_id, seq);


--
-- Name: chain_head chain_head_pkey; Type: CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.chain_head
    ADD CONSTRAINT chain_head_pkey PRIMARY KEY (chain);


--
-- Name: chaos_campaign chaos_campaign_pkey; Type: CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.chaos_campaign
    ADD CONSTRAINT chaos_campaign_pkey PRIMARY KEY (campaign_id);


--
-- Name: chaos_fault chaos_fault_pk; Type: CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.chaos_fault
    ADD CONSTRAINT chaos_fault_pk PRIMARY KEY (campaign_id, seq);


--
-- Name: hour_close_timing hour_close_timing_pk; Type: CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.hour_close_timing
    ADD CONSTRAINT hour_close_timing_pk PRIMARY KEY (book_id, hour);


--
-- Name: incident incident_pk; Type: CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.incident
    ADD CONSTRAINT incident_pk PRIMARY KEY (book_id, seq);


--
-- Name: incident_update incident_update_pk; Type: CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.incident_update
    ADD CONSTRAINT incident_update_pk PRIMARY KEY (book_id, seq);


--
-- Name: reconciliation reconciliation_pk; Type: CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.reconciliation
    ADD CONSTRAINT reconciliation_pk PRIMARY KEY (book_id, seq);


--
-- Name: run run_pkey; Type: CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.run
    ADD CONSTRAINT run_pkey PRIMARY KEY (run_id);


--
-- Name: safe_mode_application safe_mode_application_pkey; Type: CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.safe_mode_application
    ADD CONSTRAINT safe_mode_application_pkey PRIMARY KEY (application_id);


--
-- Name: safe_mode_revert safe_mode_revert_pkey; Type: CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.safe_mode_revert
    ADD CONSTRAINT safe_mode_revert_pkey PRIMARY KEY (application_id);


--
-- Name: setting setting_pk; Type: CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.setting
    ADD CONSTRAINT setting_pk PRIMARY KEY (name, revision);


--
-- Name: transfer_posting transfer_posting_once; Type: CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.transfer_posting
    ADD CONSTRAINT transfer_posting_once UNIQUE (book_id, venue_ref);


--
-- Name: transfer_posting transfer_posting_pk; Type: CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.transfer_posting
    ADD CONSTRAINT transfer_posting_pk PRIMARY KEY (book_id, seq);


--
-- Name: validation_run validation_run_pk; Type: CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.validation_run
    ADD CONSTRAINT validation_run_pk PRIMARY KEY (book_id, seq);


--
-- Name: venue_health venue_health_pk; Type: CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.venue_health
    ADD CONSTRAINT venue_health_pk PRIMARY KEY (book_id, seq);


--
-- Name: venue_transfer venue_transfer_is_unique; Type: CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.venue_transfer
    ADD CONSTRAINT venue_transfer_is_unique UNIQUE (book_id, venue_ref);


--
-- Name: venue_transfer venue_transfer_pk; Type: CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.venue_transfer
    ADD CONSTRAINT venue_transfer_pk PRIMARY KEY (book_id, seq);


--
-- Name: worker_health worker_health_pk; Type: CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.worker_health
    ADD CONSTRAINT worker_health_pk PRIMARY KEY (book_id, seq);


--
-- Name: hour_knowledge hour_knowledge_pkey; Type: CONSTRAINT; Schema: portfolio; Owner: predator_owner
--

ALTER TABLE ONLY portfolio.hour_knowledge
    ADD CONSTRAINT hour_knowledge_pkey PRIMARY KEY (book_id, hour, symbol, "interval");


--
-- Name: hourly_state hourly_state_is_unique; Type: CONSTRAINT; Schema: portfolio; Owner: predator_owner
--

ALTER TABLE ONLY portfolio.hourly_state
    ADD CONSTRAINT hourly_state_is_unique UNIQUE (book_id, hour);


--
-- Name: hourly_state hourly_state_pk; Type: CONSTRAINT; Schema: portfolio; Owner: predator_owner
--

ALTER TABLE ONLY portfolio.hourly_state
    ADD CONSTRAINT hourly_state_pk PRIMARY KEY (book_id, seq);


--
-- Name: strategy_hour strategy_hour_pk; Type: CONSTRAINT; Schema: portfolio; Owner: predator_owner
--

ALTER TABLE ONLY portfolio.strategy_hour
    ADD CONSTRAINT strategy_hour_pk PRIMARY KEY (book_id, strategy, hour);


--
-- Name: treasury_status treasury_status_once; Type: CONSTRAINT; Schema: portfolio; Owner: predator_owner
--

ALTER TABLE ONLY portfolio.treasury_status
    ADD CONSTRAINT treasury_status_once UNIQUE (book_id, day, window_days);


--
-- Name: treasury_status treasury_status_pk; Type: CONSTRAINT; Schema: portfolio; Owner: predator_owner
--

ALTER TABLE ONLY portfolio.treasury_status
    ADD CONSTRAINT treasury_status_pk PRIMARY KEY (book_id, seq);


--
-- Name: alembic_version alembic_version_pkc; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.alembic_version
    ADD CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num);


--
-- Name: arbitration_setting arbitration_setting_pk; Type: CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.arbitration_setting
    ADD CONSTRAINT arbitration_setting_pk PRIMARY KEY (profile, revision);


--
-- Name: breaker_kind breaker_kind_pkey; Type: CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.breaker_kind
    ADD CONSTRAINT breaker_kind_pkey PRIMARY KEY (breaker);


--
-- Name: breaker_setting breaker_setting_pk; Type: CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.breaker_setting
    ADD CONSTRAINT breaker_setting_pk PRIMARY KEY (lane, account, breaker, revision);


--
-- Name: breaker_trip breaker_trip_pk; Type: CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.breaker_trip
    ADD CONSTRAINT breaker_trip_pk PRIMARY KEY (book_id, seq);


--
-- Name: decision decision_pk; Type: CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.decision
    ADD CONSTRAINT decision_pk PRIMARY KEY (book_id, seq);


--
-- Name: halt_event halt_event_pk; Type: CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.halt_event
    ADD CONSTRAINT halt_event_pk PRIMARY KEY (book_id, seq);


--
-- Name: halt_state halt_state_pk; Type: CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.halt_state
    ADD CONSTRAINT halt_state_pk PRIMARY KEY (scope_kind, scope_key);


--
-- Name: horizon_flag horizon_flag_once_per_entry; Type: CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.horizon_flag
    ADD CONSTRAINT horizon_flag_once_per_entry UNIQUE (book_id, symbol, entry_signal_seq);


--
-- Name: horizon_flag horizon_flag_pk; Type: CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.horizon_flag
    ADD CONSTRAINT horizon_flag_pk PRIMARY KEY (book_id, seq);


--
-- Name: lane_pool_setting lane_pool_setting_pk; Type: CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.lane_pool_setting
    ADD CONSTRAINT lane_pool_setting_pk PRIMARY KEY (lane, pool, revision);


--
-- Name: limit_kind limit_kind_pkey; Type: CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.limit_kind
    ADD CONSTRAINT limit_kind_pkey PRIMARY KEY (limit_name);


--
-- Name: limit_policy limit_policy_pk; Type: CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.limit_policy
    ADD CONSTRAINT limit_policy_pk PRIMARY KEY (profile, limit_name, revision);


--
-- Name: limit_setting limit_setting_pk; Type: CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.limit_setting
    ADD CONSTRAINT limit_setting_pk PRIMARY KEY (profile, limit_name, scope, revision);


--
-- Name: decision one_decision_per_signal; Type: CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.decision
    ADD CONSTRAINT one_decision_per_signal UNIQUE (book_id, signal_seq);


--
-- Name: pool pool_pkey; Type: CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.pool
    ADD CONSTRAINT pool_pkey PRIMARY KEY (pool);


--
-- Name: profile profile_pkey; Type: CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.profile
    ADD CONSTRAINT profile_pkey PRIMARY KEY (profile);


--
-- Name: safe_mode_limit safe_mode_limit_pk; Type: CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.safe_mode_limit
    ADD CONSTRAINT safe_mode_limit_pk PRIMARY KEY (template, limit_name);


--
-- Name: safe_mode_template safe_mode_template_pkey; Type: CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.safe_mode_template
    ADD CONSTRAINT safe_mode_template_pkey PRIMARY KEY (template);


--
-- Name: shadow_comparison shadow_comparison_pkey; Type: CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.shadow_comparison
    ADD CONSTRAINT shadow_comparison_pkey PRIMARY KEY (shadow_book_id, hour);


--
-- Name: shadow_pair shadow_pair_pkey; Type: CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.shadow_pair
    ADD CONSTRAINT shadow_pair_pkey PRIMARY KEY (shadow_book_id);


--
-- Name: state_current state_current_pk; Type: CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.state_current
    ADD CONSTRAINT state_current_pk PRIMARY KEY (book_id, scope_kind, scope_key);


--
-- Name: state_event state_event_pk; Type: CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.state_event
    ADD CONSTRAINT state_event_pk PRIMARY KEY (book_id, seq);


--
-- Name: state_transition state_transition_pk; Type: CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.state_transition
    ADD CONSTRAINT state_transition_pk PRIMARY KEY (state_before, state_after);


--
-- Name: strategy_health strategy_health_once_per_hour; Type: CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.strategy_health
    ADD CONSTRAINT strategy_health_once_per_hour UNIQUE (book_id, strategy, hour);


--
-- Name: strategy_health strategy_health_pk; Type: CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.strategy_health
    ADD CONSTRAINT strategy_health_pk PRIMARY KEY (book_id, seq);


--
-- Name: account account_name_key; Type: CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.account
    ADD CONSTRAINT account_name_key UNIQUE (name);


--
-- Name: account account_pkey; Type: CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.account
    ADD CONSTRAINT account_pkey PRIMARY KEY (book_id);


--
-- Name: book_currency book_currency_pk; Type: CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.book_currency
    ADD CONSTRAINT book_currency_pk PRIMARY KEY (book_id, currency, revision);


--
-- Name: fill fill_is_unique_per_venue_trade; Type: CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.fill
    ADD CONSTRAINT fill_is_unique_per_venue_trade UNIQUE (book_id, symbol, venue_trade_id);


--
-- Name: fill fill_pk; Type: CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.fill
    ADD CONSTRAINT fill_pk PRIMARY KEY (book_id, seq);


--
-- Name: fill_void fill_void_once; Type: CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.fill_void
    ADD CONSTRAINT fill_void_once UNIQUE (book_id, symbol, venue_trade_id);


--
-- Name: fill_void fill_void_pk; Type: CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.fill_void
    ADD CONSTRAINT fill_void_pk PRIMARY KEY (book_id, seq);


--
-- Name: fill_void fill_void_round_trip_once; Type: CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.fill_void
    ADD CONSTRAINT fill_void_round_trip_once UNIQUE (book_id, round_trip_seq);


--
-- Name: lot_allocation lot_allocation_pk; Type: CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.lot_allocation
    ADD CONSTRAINT lot_allocation_pk PRIMARY KEY (book_id, seq);


--
-- Name: lot lot_pk; Type: CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.lot
    ADD CONSTRAINT lot_pk PRIMARY KEY (book_id, symbol, lot_no);


--
-- Name: lot lot_seq_is_unique; Type: CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.lot
    ADD CONSTRAINT lot_seq_is_unique UNIQUE (book_id, seq);


--
-- Name: order_event order_event_no_is_unique; Type: CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.order_event
    ADD CONSTRAINT order_event_no_is_unique UNIQUE (client_order_id, event_no);


--
-- Name: order_event order_event_pk; Type: CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.order_event
    ADD CONSTRAINT order_event_pk PRIMARY KEY (book_id, seq);


--
-- Name: order_request order_request_pk; Type: CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.order_request
    ADD CONSTRAINT order_request_pk PRIMARY KEY (client_order_id);


--
-- Name: order_request order_request_seq_is_unique; Type: CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.order_request
    ADD CONSTRAINT order_request_seq_is_unique UNIQUE (book_id, seq);


--
-- Name: order_state order_state_pkey; Type: CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.order_state
    ADD CONSTRAINT order_state_pkey PRIMARY KEY (client_order_id);


--
-- Name: order_transition order_transition_pk; Type: CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.order_transition
    ADD CONSTRAINT order_transition_pk PRIMARY KEY (status_before, status_after);


--
-- Name: position position_pk; Type: CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading."position"
    ADD CONSTRAINT position_pk PRIMARY KEY (book_id, symbol);


--
-- Name: round_trip round_trip_pk; Type: CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.round_trip
    ADD CONSTRAINT round_trip_pk PRIMARY KEY (book_id, seq);


--
-- Name: signal signal_is_unique_per_decision; Type: CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.signal
    ADD CONSTRAINT signal_is_unique_per_decision UNIQUE (book_id, strategy, symbol, ts);


--
-- Name: signal signal_pk; Type: CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.signal
    ADD CONSTRAINT signal_pk PRIMARY KEY (book_id, seq);


--
-- Name: strategy strategy_pk; Type: CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.strategy
    ADD CONSTRAINT strategy_pk PRIMARY KEY (book_id, strategy);


--
-- Name: posting_ts_idx; Type: INDEX; Schema: ledger; Owner: predator_owner
--

CREATE INDEX posting_ts_idx ON ledger.posting USING btree (book_id, ts);


--
-- Name: transaction_ts_idx; Type: INDEX; Schema: ledger; Owner: predator_owner
--

CREATE INDEX transaction_ts_idx ON ledger.transaction USING btree (book_id, ts);


--
-- Name: candle_load_feed_idx; Type: INDEX; Schema: market; Owner: predator_owner
--

CREATE INDEX candle_load_feed_idx ON market.candle_load USING btree (venue, symbol, "interval", load_id);


--
-- Name: candle_quarantine_feed_ts_idx; Type: INDEX; Schema: market; Owner: predator_owner
--

CREATE INDEX candle_quarantine_feed_ts_idx ON market.candle_quarantine USING btree (venue, symbol, "interval", ts);


--
-- Name: alert_attempt_channel_ts_idx; Type: INDEX; Schema: ops; Owner: predator_owner
--

CREATE INDEX alert_attempt_channel_ts_idx ON ops.alert_attempt USING btree (channel, ts);


--
-- Name: alert_attempt_one_outcome; Type: INDEX; Schema: ops; Owner: predator_owner
--

CREATE UNIQUE INDEX alert_attempt_one_outcome ON ops.alert_attempt USING btree (alert_seq, channel) WHERE (status <> 'retry'::text);


--
-- Name: alert_outbox_dedup_idx; Type: INDEX; Schema: ops; Owner: predator_owner
--

CREATE INDEX alert_outbox_dedup_idx ON ops.alert_outbox USING btree (dedup_key, seq);


--
-- Name: chain_head_book_idx; Type: INDEX; Schema: ops; Owner: predator_owner
--

CREATE INDEX chain_head_book_idx ON ops.chain_head USING btree (book_id);


--
-- Name: venue_health_ts_idx; Type: INDEX; Schema: ops; Owner: predator_owner
--

CREATE INDEX venue_health_ts_idx ON ops.venue_health USING btree (book_id, ts);


--
-- Name: worker_health_ts_idx; Type: INDEX; Schema: ops; Owner: predator_owner
--

CREATE INDEX worker_health_ts_idx ON ops.worker_health USING btree (book_id, ts);


--
-- Name: decision_ts_idx; Type: INDEX; Schema: risk; Owner: predator_owner
--

CREATE INDEX decision_ts_idx ON risk.decision USING btree (book_id, ts);


--
-- Name: strategy_health_latest_idx; Type: INDEX; Schema: risk; Owner: predator_owner
--

CREATE INDEX strategy_health_latest_idx ON risk.strategy_health USING btree (book_id, strategy, hour DESC);


--
-- Name: fill_order_idx; Type: INDEX; Schema: trading; Owner: predator_owner
--

CREATE INDEX fill_order_idx ON trading.fill USING btree (client_order_id);


--
-- Name: fill_ts_idx; Type: INDEX; Schema: trading; Owner: predator_owner
--

CREATE INDEX fill_ts_idx ON trading.fill USING btree (book_id, ts);


--
-- Name: lot_allocation_lot_idx; Type: INDEX; Schema: trading; Owner: predator_owner
--

CREATE INDEX lot_allocation_lot_idx ON trading.lot_allocation USING btree (book_id, symbol, lot_no);


--
-- Name: lot_allocation_ts_idx; Type: INDEX; Schema: trading; Owner: predator_owner
--

CREATE INDEX lot_allocation_ts_idx ON trading.lot_allocation USING btree (book_id, ts);


--
-- Name: lot_open_idx; Type: INDEX; Schema: trading; Owner: predator_owner
--

CREATE INDEX lot_open_idx ON trading.lot USING btree (book_id, symbol, lot_no) WHERE (remaining > (0)::numeric);


--
-- Name: order_event_ts_idx; Type: INDEX; Schema: trading; Owner: predator_owner
--

CREATE INDEX order_event_ts_idx ON trading.order_event USING btree (book_id, ts);


--
-- Name: order_state_open_idx; Type: INDEX; Schema: trading; Owner: predator_owner
--

CREATE INDEX order_state_open_idx ON trading.order_state USING btree (book_id) WHERE (status = ANY (ARRAY['new'::text, 'open'::text, 'partially_filled'::text]));


--
-- Name: round_trip_trip_idx; Type: INDEX; Schema: trading; Owner: predator_owner
--

CREATE INDEX round_trip_trip_idx ON trading.round_trip USING btree (book_id, symbol, trip_no);


--
-- Name: signal_by_decision_time; Type: INDEX; Schema: trading; Owner: predator_owner
--

CREATE INDEX signal_by_decision_time ON trading.signal USING btree (book_id, ts);


--
-- Name: INDEX signal_by_decision_time; Type: COMMENT; Schema: trading; Owner: predator_owner
--

COMMENT ON INDEX trading.signal_by_decision_time IS 'A book''s signals by decision time: the week portfolio.book_symbols reads at each hour close.';


--
-- Name: operating_cost _010_append_only; Type: TRIGGER; Schema: ledger; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON ledger.operating_cost FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: posting _010_append_only; Type: TRIGGER; Schema: ledger; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON ledger.posting FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: transaction _010_append_only; Type: TRIGGER; Schema: ledger; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON ledger.transaction FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: treasury_transfer _010_append_only; Type: TRIGGER; Schema: ledger; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON ledger.treasury_transfer FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: operating_cost _011_no_truncate; Type: TRIGGER; Schema: ledger; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON ledger.operating_cost FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: posting _011_no_truncate; Type: TRIGGER; Schema: ledger; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON ledger.posting FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: transaction _011_no_truncate; Type: TRIGGER; Schema: ledger; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON ledger.transaction FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: treasury_transfer _011_no_truncate; Type: TRIGGER; Schema: ledger; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON ledger.treasury_transfer FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: posting _100_chain; Type: TRIGGER; Schema: ledger; Owner: predator_owner
--

CREATE TRIGGER _100_chain BEFORE INSERT ON ledger.posting FOR EACH ROW EXECUTE FUNCTION ledger.tg_posting__chain();


--
-- Name: posting _200_balanced; Type: TRIGGER; Schema: ledger; Owner: predator_owner
--

CREATE TRIGGER _200_balanced AFTER INSERT ON ledger.posting REFERENCING NEW TABLE AS new_postings FOR EACH STATEMENT EXECUTE FUNCTION ledger.tg_posting__balanced();


--
-- Name: transaction _300_complete; Type: TRIGGER; Schema: ledger; Owner: predator_owner
--

CREATE CONSTRAINT TRIGGER _300_complete AFTER INSERT ON ledger.transaction DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger.tg_transaction__complete();


--
-- Name: transaction _900_chain; Type: TRIGGER; Schema: ledger; Owner: predator_owner
--

CREATE TRIGGER _900_chain BEFORE INSERT ON ledger.transaction FOR EACH ROW EXECUTE FUNCTION ops.tg_chain__append();


--
-- Name: treasury_transfer _900_chain; Type: TRIGGER; Schema: ledger; Owner: predator_owner
--

CREATE TRIGGER _900_chain BEFORE INSERT ON ledger.treasury_transfer FOR EACH ROW EXECUTE FUNCTION ops.tg_chain__append();


--
-- Name: candle _010_append_only; Type: TRIGGER; Schema: market; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON market.candle FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: candle_correction _010_append_only; Type: TRIGGER; Schema: market; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON market.candle_correction FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: candle_load _010_append_only; Type: TRIGGER; Schema: market; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON market.candle_load FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: candle_quarantine _010_append_only; Type: TRIGGER; Schema: market; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON market.candle_quarantine FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: candle _011_no_truncate; Type: TRIGGER; Schema: market; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON market.candle FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: candle_correction _011_no_truncate; Type: TRIGGER; Schema: market; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON market.candle_correction FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: candle_load _011_no_truncate; Type: TRIGGER; Schema: market; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON market.candle_load FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: candle_quarantine _011_no_truncate; Type: TRIGGER; Schema: market; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON market.candle_quarantine FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: candle_load _100_clock; Type: TRIGGER; Schema: market; Owner: predator_owner
--

CREATE TRIGGER _100_clock BEFORE INSERT ON market.candle_load FOR EACH ROW EXECUTE FUNCTION market.tg_candle_load__clock();


--
-- Name: alert_attempt _010_append_only; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON ops.alert_attempt FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: alert_outbox _010_append_only; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON ops.alert_outbox FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: anchor_key _010_append_only; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON ops.anchor_key FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: anchor_key_revocation _010_append_only; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON ops.anchor_key_revocation FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: approval _010_append_only; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON ops.approval FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: approval_request _010_append_only; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON ops.approval_request FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: approval_use _010_append_only; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON ops.approval_use FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: audit_log _010_append_only; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON ops.audit_log FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: chain_anchor _010_append_only; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON ops.chain_anchor FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: chaos_campaign _010_append_only; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON ops.chaos_campaign FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: chaos_fault _010_append_only; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON ops.chaos_fault FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: hour_close_timing _010_append_only; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON ops.hour_close_timing FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: incident _010_append_only; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON ops.incident FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: incident_update _010_append_only; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON ops.incident_update FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: reconciliation _010_append_only; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON ops.reconciliation FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: run _010_append_only; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON ops.run FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: safe_mode_application _010_append_only; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON ops.safe_mode_application FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: safe_mode_revert _010_append_only; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON ops.safe_mode_revert FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: setting _010_append_only; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON ops.setting FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: transfer_posting _010_append_only; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON ops.transfer_posting FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: validation_run _010_append_only; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON ops.validation_run FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: venue_health _010_append_only; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON ops.venue_health FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: venue_transfer _010_append_only; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON ops.venue_transfer FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: worker_health _010_append_only; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON ops.worker_health FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: alert_attempt _011_no_truncate; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON ops.alert_attempt FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: alert_outbox _011_no_truncate; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON ops.alert_outbox FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: anchor_key _011_no_truncate; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON ops.anchor_key FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: anchor_key_revocation _011_no_truncate; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON ops.anchor_key_revocation FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: approval _011_no_truncate; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON ops.approval FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: approval_request _011_no_truncate; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON ops.approval_request FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: approval_use _011_no_truncate; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON ops.approval_use FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: audit_log _011_no_truncate; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON ops.audit_log FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: chain_anchor _011_no_truncate; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON ops.chain_anchor FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: chaos_campaign _011_no_truncate; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON ops.chaos_campaign FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: chaos_fault _011_no_truncate; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON ops.chaos_fault FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: hour_close_timing _011_no_truncate; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON ops.hour_close_timing FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: incident _011_no_truncate; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON ops.incident FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: incident_update _011_no_truncate; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON ops.incident_update FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: reconciliation _011_no_truncate; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON ops.reconciliation FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: run _011_no_truncate; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON ops.run FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: safe_mode_application _011_no_truncate; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON ops.safe_mode_application FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: safe_mode_revert _011_no_truncate; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON ops.safe_mode_revert FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: setting _011_no_truncate; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON ops.setting FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: transfer_posting _011_no_truncate; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON ops.transfer_posting FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: validation_run _011_no_truncate; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON ops.validation_run FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: venue_health _011_no_truncate; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON ops.venue_health FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: venue_transfer _011_no_truncate; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON ops.venue_transfer FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: worker_health _011_no_truncate; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON ops.worker_health FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: audit_log _500_alert; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _500_alert AFTER INSERT ON ops.audit_log FOR EACH ROW WHEN ((new.action = 'kill_switch'::text)) EXECUTE FUNCTION ops.tg_alert__enqueue();


--
-- Name: reconciliation _500_alert; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _500_alert AFTER INSERT ON ops.reconciliation FOR EACH ROW WHEN ((NOT new.clean)) EXECUTE FUNCTION ops.tg_alert__enqueue();


--
-- Name: venue_transfer _500_alert; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _500_alert AFTER INSERT ON ops.venue_transfer FOR EACH ROW WHEN ((new.kind = 'withdrawal'::text)) EXECUTE FUNCTION ops.tg_alert__enqueue();


--
-- Name: audit_log _900_chain; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _900_chain BEFORE INSERT ON ops.audit_log FOR EACH ROW EXECUTE FUNCTION ops.tg_chain__append('correlation_id');


--
-- Name: incident _900_chain; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _900_chain BEFORE INSERT ON ops.incident FOR EACH ROW EXECUTE FUNCTION ops.tg_chain__append();


--
-- Name: incident_update _900_chain; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _900_chain BEFORE INSERT ON ops.incident_update FOR EACH ROW EXECUTE FUNCTION ops.tg_chain__append();


--
-- Name: reconciliation _900_chain; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _900_chain BEFORE INSERT ON ops.reconciliation FOR EACH ROW EXECUTE FUNCTION ops.tg_chain__append();


--
-- Name: transfer_posting _900_chain; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _900_chain BEFORE INSERT ON ops.transfer_posting FOR EACH ROW EXECUTE FUNCTION ops.tg_chain__append();


--
-- Name: validation_run _900_chain; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _900_chain BEFORE INSERT ON ops.validation_run FOR EACH ROW EXECUTE FUNCTION ops.tg_chain__append();


--
-- Name: venue_health _900_chain; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _900_chain BEFORE INSERT ON ops.venue_health FOR EACH ROW EXECUTE FUNCTION ops.tg_chain__append();


--
-- Name: venue_transfer _900_chain; Type: TRIGGER; Schema: ops; Owner: predator_owner
--

CREATE TRIGGER _900_chain BEFORE INSERT ON ops.venue_transfer FOR EACH ROW EXECUTE FUNCTION ops.tg_chain__append();


--
-- Name: hour_knowledge _010_append_only; Type: TRIGGER; Schema: portfolio; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON portfolio.hour_knowledge FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: hourly_state _010_append_only; Type: TRIGGER; Schema: portfolio; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON portfolio.hourly_state FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: strategy_hour _010_append_only; Type: TRIGGER; Schema: portfolio; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON portfolio.strategy_hour FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: treasury_status _010_append_only; Type: TRIGGER; Schema: portfolio; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON portfolio.treasury_status FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: hour_knowledge _011_no_truncate; Type: TRIGGER; Schema: portfolio; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON portfolio.hour_knowledge FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: hourly_state _011_no_truncate; Type: TRIGGER; Schema: portfolio; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON portfolio.hourly_state FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: strategy_hour _011_no_truncate; Type: TRIGGER; Schema: portfolio; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON portfolio.strategy_hour FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: treasury_status _011_no_truncate; Type: TRIGGER; Schema: portfolio; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON portfolio.treasury_status FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: treasury_status _500_alert; Type: TRIGGER; Schema: portfolio; Owner: predator_owner
--

CREATE TRIGGER _500_alert AFTER INSERT ON portfolio.treasury_status FOR EACH ROW WHEN (((new.window_days > 1) AND new.complete AND (new.surplus < (0)::numeric))) EXECUTE FUNCTION ops.tg_alert__enqueue();


--
-- Name: hourly_state _900_chain; Type: TRIGGER; Schema: portfolio; Owner: predator_owner
--

CREATE TRIGGER _900_chain BEFORE INSERT ON portfolio.hourly_state FOR EACH ROW EXECUTE FUNCTION ops.tg_chain__append();


--
-- Name: treasury_status _900_chain; Type: TRIGGER; Schema: portfolio; Owner: predator_owner
--

CREATE TRIGGER _900_chain BEFORE INSERT ON portfolio.treasury_status FOR EACH ROW EXECUTE FUNCTION ops.tg_chain__append();


--
-- Name: arbitration_setting _010_append_only; Type: TRIGGER; Schema: risk; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON risk.arbitration_setting FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: breaker_setting _010_append_only; Type: TRIGGER; Schema: risk; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON risk.breaker_setting FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: breaker_trip _010_append_only; Type: TRIGGER; Schema: risk; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON risk.breaker_trip FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: decision _010_append_only; Type: TRIGGER; Schema: risk; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON risk.decision FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: halt_event _010_append_only; Type: TRIGGER; Schema: risk; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON risk.halt_event FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: horizon_flag _010_append_only; Type: TRIGGER; Schema: risk; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON risk.horizon_flag FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: lane_pool_setting _010_append_only; Type: TRIGGER; Schema: risk; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON risk.lane_pool_setting FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: limit_policy _010_append_only; Type: TRIGGER; Schema: risk; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON risk.limit_policy FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: limit_setting _010_append_only; Type: TRIGGER; Schema: risk; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON risk.limit_setting FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: safe_mode_limit _010_append_only; Type: TRIGGER; Schema: risk; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON risk.safe_mode_limit FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: safe_mode_template _010_append_only; Type: TRIGGER; Schema: risk; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON risk.safe_mode_template FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: shadow_comparison _010_append_only; Type: TRIGGER; Schema: risk; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON risk.shadow_comparison FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: shadow_pair _010_append_only; Type: TRIGGER; Schema: risk; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON risk.shadow_pair FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: state_event _010_append_only; Type: TRIGGER; Schema: risk; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON risk.state_event FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: strategy_health _010_append_only; Type: TRIGGER; Schema: risk; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON risk.strategy_health FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: arbitration_setting _011_no_truncate; Type: TRIGGER; Schema: risk; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON risk.arbitration_setting FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: breaker_setting _011_no_truncate; Type: TRIGGER; Schema: risk; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON risk.breaker_setting FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: breaker_trip _011_no_truncate; Type: TRIGGER; Schema: risk; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON risk.breaker_trip FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: decision _011_no_truncate; Type: TRIGGER; Schema: risk; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON risk.decision FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: halt_event _011_no_truncate; Type: TRIGGER; Schema: risk; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON risk.halt_event FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: horizon_flag _011_no_truncate; Type: TRIGGER; Schema: risk; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON risk.horizon_flag FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: lane_pool_setting _011_no_truncate; Type: TRIGGER; Schema: risk; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON risk.lane_pool_setting FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: limit_policy _011_no_truncate; Type: TRIGGER; Schema: risk; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON risk.limit_policy FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: limit_setting _011_no_truncate; Type: TRIGGER; Schema: risk; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON risk.limit_setting FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: safe_mode_limit _011_no_truncate; Type: TRIGGER; Schema: risk; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON risk.safe_mode_limit FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: safe_mode_template _011_no_truncate; Type: TRIGGER; Schema: risk; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON risk.safe_mode_template FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: shadow_comparison _011_no_truncate; Type: TRIGGER; Schema: risk; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON risk.shadow_comparison FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: shadow_pair _011_no_truncate; Type: TRIGGER; Schema: risk; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON risk.shadow_pair FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: state_event _011_no_truncate; Type: TRIGGER; Schema: risk; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON risk.state_event FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: strategy_health _011_no_truncate; Type: TRIGGER; Schema: risk; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON risk.strategy_health FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: state_event _100_apply; Type: TRIGGER; Schema: risk; Owner: predator_owner
--

CREATE TRIGGER _100_apply BEFORE INSERT ON risk.state_event FOR EACH ROW EXECUTE FUNCTION risk.tg_state_event__apply();


--
-- Name: breaker_trip _500_alert; Type: TRIGGER; Schema: risk; Owner: predator_owner
--

CREATE TRIGGER _500_alert AFTER INSERT ON risk.breaker_trip FOR EACH ROW EXECUTE FUNCTION ops.tg_alert__enqueue();


--
-- Name: halt_event _500_alert; Type: TRIGGER; Schema: risk; Owner: predator_owner
--

CREATE TRIGGER _500_alert AFTER INSERT ON risk.halt_event FOR EACH ROW EXECUTE FUNCTION ops.tg_alert__enqueue();


--
-- Name: state_event _500_alert; Type: TRIGGER; Schema: risk; Owner: predator_owner
--

CREATE TRIGGER _500_alert AFTER INSERT ON risk.state_event FOR EACH ROW WHEN (((new.state_after = 'reducing'::text) AND (new.cause = ANY (ARRAY['daily_loss_halt'::text, 'drawdown_halt_tier'::text, 'treasury_deficit'::text, 'strategy_daily_loss'::text, 'strategy_drawdown'::text])))) EXECUTE FUNCTION ops.tg_alert__enqueue();


--
-- Name: breaker_trip _900_chain; Type: TRIGGER; Schema: risk; Owner: predator_owner
--

CREATE TRIGGER _900_chain BEFORE INSERT ON risk.breaker_trip FOR EACH ROW EXECUTE FUNCTION ops.tg_chain__append();


--
-- Name: decision _900_chain; Type: TRIGGER; Schema: risk; Owner: predator_owner
--

CREATE TRIGGER _900_chain BEFORE INSERT ON risk.decision FOR EACH ROW EXECUTE FUNCTION ops.tg_chain__append();


--
-- Name: halt_event _900_chain; Type: TRIGGER; Schema: risk; Owner: predator_owner
--

CREATE TRIGGER _900_chain BEFORE INSERT ON risk.halt_event FOR EACH ROW EXECUTE FUNCTION ops.tg_chain__append();


--
-- Name: horizon_flag _900_chain; Type: TRIGGER; Schema: risk; Owner: predator_owner
--

CREATE TRIGGER _900_chain BEFORE INSERT ON risk.horizon_flag FOR EACH ROW EXECUTE FUNCTION ops.tg_chain__append();


--
-- Name: state_event _900_chain; Type: TRIGGER; Schema: risk; Owner: predator_owner
--

CREATE TRIGGER _900_chain BEFORE INSERT ON risk.state_event FOR EACH ROW EXECUTE FUNCTION ops.tg_chain__append();


--
-- Name: strategy_health _900_chain; Type: TRIGGER; Schema: risk; Owner: predator_owner
--

CREATE TRIGGER _900_chain BEFORE INSERT ON risk.strategy_health FOR EACH ROW EXECUTE FUNCTION ops.tg_chain__append();


--
-- Name: book_currency _010_append_only; Type: TRIGGER; Schema: trading; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON trading.book_currency FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: fill _010_append_only; Type: TRIGGER; Schema: trading; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON trading.fill FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: fill_void _010_append_only; Type: TRIGGER; Schema: trading; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON trading.fill_void FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: lot_allocation _010_append_only; Type: TRIGGER; Schema: trading; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON trading.lot_allocation FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: order_event _010_append_only; Type: TRIGGER; Schema: trading; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON trading.order_event FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: order_request _010_append_only; Type: TRIGGER; Schema: trading; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON trading.order_request FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: round_trip _010_append_only; Type: TRIGGER; Schema: trading; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON trading.round_trip FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: signal _010_append_only; Type: TRIGGER; Schema: trading; Owner: predator_owner
--

CREATE TRIGGER _010_append_only BEFORE DELETE OR UPDATE ON trading.signal FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: lot _010_guard; Type: TRIGGER; Schema: trading; Owner: predator_owner
--

CREATE TRIGGER _010_guard BEFORE UPDATE ON trading.lot FOR EACH ROW EXECUTE FUNCTION trading.tg_lot__guard();


--
-- Name: lot _011_append_only; Type: TRIGGER; Schema: trading; Owner: predator_owner
--

CREATE TRIGGER _011_append_only BEFORE DELETE ON trading.lot FOR EACH ROW EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: book_currency _011_no_truncate; Type: TRIGGER; Schema: trading; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON trading.book_currency FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: fill _011_no_truncate; Type: TRIGGER; Schema: trading; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON trading.fill FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: fill_void _011_no_truncate; Type: TRIGGER; Schema: trading; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON trading.fill_void FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: lot _011_no_truncate; Type: TRIGGER; Schema: trading; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON trading.lot FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: lot_allocation _011_no_truncate; Type: TRIGGER; Schema: trading; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON trading.lot_allocation FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: order_event _011_no_truncate; Type: TRIGGER; Schema: trading; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON trading.order_event FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: order_request _011_no_truncate; Type: TRIGGER; Schema: trading; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON trading.order_request FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: round_trip _011_no_truncate; Type: TRIGGER; Schema: trading; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON trading.round_trip FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: signal _011_no_truncate; Type: TRIGGER; Schema: trading; Owner: predator_owner
--

CREATE TRIGGER _011_no_truncate BEFORE TRUNCATE ON trading.signal FOR EACH STATEMENT EXECUTE FUNCTION ops.tg_append_only__refuse();


--
-- Name: order_event _100_apply; Type: TRIGGER; Schema: trading; Owner: predator_owner
--

CREATE TRIGGER _100_apply BEFORE INSERT ON trading.order_event FOR EACH ROW EXECUTE FUNCTION trading.tg_order_event__apply();


--
-- Name: fill _100_check; Type: TRIGGER; Schema: trading; Owner: predator_owner
--

CREATE TRIGGER _100_check BEFORE INSERT ON trading.fill FOR EACH ROW EXECUTE FUNCTION trading.tg_fill__check();


--
-- Name: order_request _100_check; Type: TRIGGER; Schema: trading; Owner: predator_owner
--

CREATE TRIGGER _100_check BEFORE INSERT ON trading.order_request FOR EACH ROW EXECUTE FUNCTION trading.tg_order_request__check();


--
-- Name: round_trip _100_check; Type: TRIGGER; Schema: trading; Owner: predator_owner
--

CREATE TRIGGER _100_check BEFORE INSERT ON trading.round_trip FOR EACH ROW EXECUTE FUNCTION trading.tg_round_trip__check();


--
-- Name: fill _900_chain; Type: TRIGGER; Schema: trading; Owner: predator_owner
--

CREATE TRIGGER _900_chain BEFORE INSERT ON trading.fill FOR EACH ROW EXECUTE FUNCTION ops.tg_chain__append();


--
-- Name: fill_void _900_chain; Type: TRIGGER; Schema: trading; Owner: predator_owner
--

CREATE TRIGGER _900_chain BEFORE INSERT ON trading.fill_void FOR EACH ROW EXECUTE FUNCTION ops.tg_chain__append();


--
-- Name: lot _900_chain; Type: TRIGGER; Schema: trading; Owner: predator_owner
--

CREATE TRIGGER _900_chain BEFORE INSERT ON trading.lot FOR EACH ROW EXECUTE FUNCTION ops.tg_chain__append('remaining');


--
-- Name: lot_allocation _900_chain; Type: TRIGGER; Schema: trading; Owner: predator_owner
--

CREATE TRIGGER _900_chain BEFORE INSERT ON trading.lot_allocation FOR EACH ROW EXECUTE FUNCTION ops.tg_chain__append();


--
-- Name: order_event _900_chain; Type: TRIGGER; Schema: trading; Owner: predator_owner
--

CREATE TRIGGER _900_chain BEFORE INSERT ON trading.order_event FOR EACH ROW EXECUTE FUNCTION ops.tg_chain__append();


--
-- Name: order_request _900_chain; Type: TRIGGER; Schema: trading; Owner: predator_owner
--

CREATE TRIGGER _900_chain BEFORE INSERT ON trading.order_request FOR EACH ROW EXECUTE FUNCTION ops.tg_chain__append();


--
-- Name: round_trip _900_chain; Type: TRIGGER; Schema: trading; Owner: predator_owner
--

CREATE TRIGGER _900_chain BEFORE INSERT ON trading.round_trip FOR EACH ROW EXECUTE FUNCTION ops.tg_chain__append();


--
-- Name: signal _900_chain; Type: TRIGGER; Schema: trading; Owner: predator_owner
--

CREATE TRIGGER _900_chain BEFORE INSERT ON trading.signal FOR EACH ROW EXECUTE FUNCTION ops.tg_chain__append();


--
-- Name: balance balance_has_account; Type: FK CONSTRAINT; Schema: ledger; Owner: predator_owner
--

ALTER TABLE ONLY ledger.balance
    ADD CONSTRAINT balance_has_account FOREIGN KEY (book_id, account_code) REFERENCES ledger.ledger_account(book_id, code);


--
-- Name: ledger_account ledger_account_book_id_fkey; Type: FK CONSTRAINT; Schema: ledger; Owner: predator_owner
--

ALTER TABLE ONLY ledger.ledger_account
    ADD CONSTRAINT ledger_account_book_id_fkey FOREIGN KEY (book_id) REFERENCES trading.account(book_id);


--
-- Name: operating_cost operating_cost_book_id_fkey; Type: FK CONSTRAINT; Schema: ledger; Owner: predator_owner
--

ALTER TABLE ONLY ledger.operating_cost
    ADD CONSTRAINT operating_cost_book_id_fkey FOREIGN KEY (book_id) REFERENCES trading.account(book_id);


--
-- Name: operating_cost operating_cost_currency_fkey; Type: FK CONSTRAINT; Schema: ledger; Owner: predator_owner
--

ALTER TABLE ONLY ledger.operating_cost
    ADD CONSTRAINT operating_cost_currency_fkey FOREIGN KEY (currency) REFERENCES market.asset(asset);


--
-- Name: posting posting_currency_fkey; Type: FK CONSTRAINT; Schema: ledger; Owner: predator_owner
--

ALTER TABLE ONLY ledger.posting
    ADD CONSTRAINT posting_currency_fkey FOREIGN KEY (currency) REFERENCES market.asset(asset);


--
-- Name: posting posting_has_account; Type: FK CONSTRAINT; Schema: ledger; Owner: predator_owner
--

ALTER TABLE ONLY ledger.posting
    ADD CONSTRAINT posting_has_account FOREIGN KEY (book_id, account_code) REFERENCES ledger.ledger_account(book_id, code);


--
-- Name: posting posting_has_transaction; Type: FK CONSTRAINT; Schema: ledger; Owner: predator_owner
--

ALTER TABLE ONLY ledger.posting
    ADD CONSTRAINT posting_has_transaction FOREIGN KEY (book_id, tx_seq) REFERENCES ledger.transaction(book_id, seq);


--
-- Name: transaction transaction_book_id_fkey; Type: FK CONSTRAINT; Schema: ledger; Owner: predator_owner
--

ALTER TABLE ONLY ledger.transaction
    ADD CONSTRAINT transaction_book_id_fkey FOREIGN KEY (book_id) REFERENCES trading.account(book_id);


--
-- Name: treasury_transfer treasury_transfer_book_id_fkey; Type: FK CONSTRAINT; Schema: ledger; Owner: predator_owner
--

ALTER TABLE ONLY ledger.treasury_transfer
    ADD CONSTRAINT treasury_transfer_book_id_fkey FOREIGN KEY (book_id) REFERENCES trading.account(book_id);


--
-- Name: treasury_transfer treasury_transfer_currency_fkey; Type: FK CONSTRAINT; Schema: ledger; Owner: predator_owner
--

ALTER TABLE ONLY ledger.treasury_transfer
    ADD CONSTRAINT treasury_transfer_currency_fkey FOREIGN KEY (currency) REFERENCES market.asset(asset);


--
-- Name: treasury_transfer treasury_transfer_tx; Type: FK CONSTRAINT; Schema: ledger; Owner: predator_owner
--

ALTER TABLE ONLY ledger.treasury_transfer
    ADD CONSTRAINT treasury_transfer_tx FOREIGN KEY (book_id, tx_seq) REFERENCES ledger.transaction(book_id, seq);


--
-- Name: asset asset_cluster_fkey; Type: FK CONSTRAINT; Schema: market; Owner: predator_owner
--

ALTER TABLE ONLY market.asset
    ADD CONSTRAINT asset_cluster_fkey FOREIGN KEY (cluster) REFERENCES market.cluster(cluster);


--
-- Name: instrument instrument_base_fkey; Type: FK CONSTRAINT; Schema: market; Owner: predator_owner
--

ALTER TABLE ONLY market.instrument
    ADD CONSTRAINT instrument_base_fkey FOREIGN KEY (base) REFERENCES market.asset(asset);


--
-- Name: instrument instrument_quote_fkey; Type: FK CONSTRAINT; Schema: market; Owner: predator_owner
--

ALTER TABLE ONLY market.instrument
    ADD CONSTRAINT instrument_quote_fkey FOREIGN KEY (quote) REFERENCES market.asset(asset);


--
-- Name: instrument instrument_venue_fkey; Type: FK CONSTRAINT; Schema: market; Owner: predator_owner
--

ALTER TABLE ONLY market.instrument
    ADD CONSTRAINT instrument_venue_fkey FOREIGN KEY (venue) REFERENCES market.venue(venue);


--
-- Name: alert_attempt alert_attempt_alert; Type: FK CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.alert_attempt
    ADD CONSTRAINT alert_attempt_alert FOREIGN KEY (alert_seq) REFERENCES ops.alert_outbox(seq);


--
-- Name: alert_attempt alert_attempt_duplicate_of; Type: FK CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.alert_attempt
    ADD CONSTRAINT alert_attempt_duplicate_of FOREIGN KEY (duplicate_of) REFERENCES ops.alert_outbox(seq);


--
-- Name: alert_outbox alert_outbox_book_id_fkey; Type: FK CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.alert_outbox
    ADD CONSTRAINT alert_outbox_book_id_fkey FOREIGN KEY (book_id) REFERENCES trading.account(book_id);


--
-- Name: anchor_key_revocation anchor_key_revocation_key_id_fkey; Type: FK CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.anchor_key_revocation
    ADD CONSTRAINT anchor_key_revocation_key_id_fkey FOREIGN KEY (key_id) REFERENCES ops.anchor_key(key_id);


--
-- Name: approval approval_request_id_fkey; Type: FK CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.approval
    ADD CONSTRAINT approval_request_id_fkey FOREIGN KEY (request_id) REFERENCES ops.approval_request(request_id);


--
-- Name: approval_use approval_use_request_id_fkey; Type: FK CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.approval_use
    ADD CONSTRAINT approval_use_request_id_fkey FOREIGN KEY (request_id) REFERENCES ops.approval(request_id);


--
-- Name: chain_anchor chain_anchor_key_id_fkey; Type: FK CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.chain_anchor
    ADD CONSTRAINT chain_anchor_key_id_fkey FOREIGN KEY (key_id) REFERENCES ops.anchor_key(key_id);


--
-- Name: chaos_fault chaos_fault_campaign_id_fkey; Type: FK CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.chaos_fault
    ADD CONSTRAINT chaos_fault_campaign_id_fkey FOREIGN KEY (campaign_id) REFERENCES ops.chaos_campaign(campaign_id);


--
-- Name: hour_close_timing hour_close_timing_book_id_fkey; Type: FK CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.hour_close_timing
    ADD CONSTRAINT hour_close_timing_book_id_fkey FOREIGN KEY (book_id) REFERENCES trading.account(book_id);


--
-- Name: reconciliation reconciliation_book_id_fkey; Type: FK CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.reconciliation
    ADD CONSTRAINT reconciliation_book_id_fkey FOREIGN KEY (book_id) REFERENCES trading.account(book_id);


--
-- Name: run run_book_id_fkey; Type: FK CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.run
    ADD CONSTRAINT run_book_id_fkey FOREIGN KEY (book_id) REFERENCES trading.account(book_id);


--
-- Name: safe_mode_application safe_mode_application_profile_fkey; Type: FK CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.safe_mode_application
    ADD CONSTRAINT safe_mode_application_profile_fkey FOREIGN KEY (profile) REFERENCES risk.profile(profile);


--
-- Name: safe_mode_application safe_mode_application_template_fkey; Type: FK CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.safe_mode_application
    ADD CONSTRAINT safe_mode_application_template_fkey FOREIGN KEY (template) REFERENCES risk.safe_mode_template(template);


--
-- Name: safe_mode_revert safe_mode_revert_application_id_fkey; Type: FK CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.safe_mode_revert
    ADD CONSTRAINT safe_mode_revert_application_id_fkey FOREIGN KEY (application_id) REFERENCES ops.safe_mode_application(application_id);


--
-- Name: transfer_posting transfer_posting_book_id_fkey; Type: FK CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.transfer_posting
    ADD CONSTRAINT transfer_posting_book_id_fkey FOREIGN KEY (book_id) REFERENCES trading.account(book_id);


--
-- Name: transfer_posting transfer_posting_currency_fkey; Type: FK CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.transfer_posting
    ADD CONSTRAINT transfer_posting_currency_fkey FOREIGN KEY (currency) REFERENCES market.asset(asset);


--
-- Name: transfer_posting transfer_posting_incident; Type: FK CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.transfer_posting
    ADD CONSTRAINT transfer_posting_incident FOREIGN KEY (book_id, incident_seq) REFERENCES ops.incident(book_id, seq);


--
-- Name: transfer_posting transfer_posting_tx; Type: FK CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.transfer_posting
    ADD CONSTRAINT transfer_posting_tx FOREIGN KEY (book_id, tx_seq) REFERENCES ledger.transaction(book_id, seq);


--
-- Name: incident_update update_refers_to_incident_of_its_book; Type: FK CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.incident_update
    ADD CONSTRAINT update_refers_to_incident_of_its_book FOREIGN KEY (book_id, incident_seq) REFERENCES ops.incident(book_id, seq);


--
-- Name: venue_health venue_health_book_id_fkey; Type: FK CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.venue_health
    ADD CONSTRAINT venue_health_book_id_fkey FOREIGN KEY (book_id) REFERENCES trading.account(book_id);


--
-- Name: venue_transfer venue_transfer_book_id_fkey; Type: FK CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.venue_transfer
    ADD CONSTRAINT venue_transfer_book_id_fkey FOREIGN KEY (book_id) REFERENCES trading.account(book_id);


--
-- Name: worker_health worker_health_book_id_fkey; Type: FK CONSTRAINT; Schema: ops; Owner: predator_owner
--

ALTER TABLE ONLY ops.worker_health
    ADD CONSTRAINT worker_health_book_id_fkey FOREIGN KEY (book_id) REFERENCES trading.account(book_id);


--
-- Name: hour_knowledge hour_knowledge_book_id_fkey; Type: FK CONSTRAINT; Schema: portfolio; Owner: predator_owner
--

ALTER TABLE ONLY portfolio.hour_knowledge
    ADD CONSTRAINT hour_knowledge_book_id_fkey FOREIGN KEY (book_id) REFERENCES trading.account(book_id);


--
-- Name: hourly_state hourly_state_book_id_fkey; Type: FK CONSTRAINT; Schema: portfolio; Owner: predator_owner
--

ALTER TABLE ONLY portfolio.hourly_state
    ADD CONSTRAINT hourly_state_book_id_fkey FOREIGN KEY (book_id) REFERENCES trading.account(book_id);


--
-- Name: strategy_hour strategy_hour_pool_fkey; Type: FK CONSTRAINT; Schema: portfolio; Owner: predator_owner
--

ALTER TABLE ONLY portfolio.strategy_hour
    ADD CONSTRAINT strategy_hour_pool_fkey FOREIGN KEY (pool) REFERENCES risk.pool(pool);


--
-- Name: strategy_hour strategy_hour_strategy_fk; Type: FK CONSTRAINT; Schema: portfolio; Owner: predator_owner
--

ALTER TABLE ONLY portfolio.strategy_hour
    ADD CONSTRAINT strategy_hour_strategy_fk FOREIGN KEY (book_id, strategy) REFERENCES trading.strategy(book_id, strategy);


--
-- Name: treasury_status treasury_status_book_id_fkey; Type: FK CONSTRAINT; Schema: portfolio; Owner: predator_owner
--

ALTER TABLE ONLY portfolio.treasury_status
    ADD CONSTRAINT treasury_status_book_id_fkey FOREIGN KEY (book_id) REFERENCES trading.account(book_id);


--
-- Name: treasury_status treasury_status_currency_fkey; Type: FK CONSTRAINT; Schema: portfolio; Owner: predator_owner
--

ALTER TABLE ONLY portfolio.treasury_status
    ADD CONSTRAINT treasury_status_currency_fkey FOREIGN KEY (currency) REFERENCES market.asset(asset);


--
-- Name: arbitration_setting arbitration_setting_profile_fkey; Type: FK CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.arbitration_setting
    ADD CONSTRAINT arbitration_setting_profile_fkey FOREIGN KEY (profile) REFERENCES risk.profile(profile);


--
-- Name: breaker_setting breaker_setting_breaker_fkey; Type: FK CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.breaker_setting
    ADD CONSTRAINT breaker_setting_breaker_fkey FOREIGN KEY (breaker) REFERENCES risk.breaker_kind(breaker);


--
-- Name: breaker_trip breaker_trip_book_id_fkey; Type: FK CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.breaker_trip
    ADD CONSTRAINT breaker_trip_book_id_fkey FOREIGN KEY (book_id) REFERENCES trading.account(book_id);


--
-- Name: breaker_trip breaker_trip_breaker_fkey; Type: FK CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.breaker_trip
    ADD CONSTRAINT breaker_trip_breaker_fkey FOREIGN KEY (breaker) REFERENCES risk.breaker_kind(breaker);


--
-- Name: decision decision_book_id_fkey; Type: FK CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.decision
    ADD CONSTRAINT decision_book_id_fkey FOREIGN KEY (book_id) REFERENCES trading.account(book_id);


--
-- Name: decision decision_has_signal; Type: FK CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.decision
    ADD CONSTRAINT decision_has_signal FOREIGN KEY (book_id, signal_seq) REFERENCES trading.signal(book_id, seq);


--
-- Name: decision decision_order; Type: FK CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.decision
    ADD CONSTRAINT decision_order FOREIGN KEY (client_order_id) REFERENCES trading.order_request(client_order_id);


--
-- Name: horizon_flag horizon_flag_book_id_fkey; Type: FK CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.horizon_flag
    ADD CONSTRAINT horizon_flag_book_id_fkey FOREIGN KEY (book_id) REFERENCES trading.account(book_id);


--
-- Name: horizon_flag horizon_flag_entry_signal; Type: FK CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.horizon_flag
    ADD CONSTRAINT horizon_flag_entry_signal FOREIGN KEY (book_id, entry_signal_seq) REFERENCES trading.signal(book_id, seq);


--
-- Name: lane_pool_setting lane_pool_setting_pool_fkey; Type: FK CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.lane_pool_setting
    ADD CONSTRAINT lane_pool_setting_pool_fkey FOREIGN KEY (pool) REFERENCES risk.pool(pool);


--
-- Name: limit_policy limit_policy_limit_name_fkey; Type: FK CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.limit_policy
    ADD CONSTRAINT limit_policy_limit_name_fkey FOREIGN KEY (limit_name) REFERENCES risk.limit_kind(limit_name);


--
-- Name: limit_policy limit_policy_profile_fkey; Type: FK CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.limit_policy
    ADD CONSTRAINT limit_policy_profile_fkey FOREIGN KEY (profile) REFERENCES risk.profile(profile);


--
-- Name: limit_setting limit_setting_limit_name_fkey; Type: FK CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.limit_setting
    ADD CONSTRAINT limit_setting_limit_name_fkey FOREIGN KEY (limit_name) REFERENCES risk.limit_kind(limit_name);


--
-- Name: limit_setting limit_setting_profile_fkey; Type: FK CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.limit_setting
    ADD CONSTRAINT limit_setting_profile_fkey FOREIGN KEY (profile) REFERENCES risk.profile(profile);


--
-- Name: safe_mode_limit safe_mode_limit_limit_name_fkey; Type: FK CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.safe_mode_limit
    ADD CONSTRAINT safe_mode_limit_limit_name_fkey FOREIGN KEY (limit_name) REFERENCES risk.limit_kind(limit_name);


--
-- Name: safe_mode_limit safe_mode_limit_template_fkey; Type: FK CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.safe_mode_limit
    ADD CONSTRAINT safe_mode_limit_template_fkey FOREIGN KEY (template) REFERENCES risk.safe_mode_template(template);


--
-- Name: shadow_comparison shadow_comparison_reference_book_id_fkey; Type: FK CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.shadow_comparison
    ADD CONSTRAINT shadow_comparison_reference_book_id_fkey FOREIGN KEY (reference_book_id) REFERENCES trading.account(book_id);


--
-- Name: shadow_comparison shadow_comparison_shadow_book_id_fkey; Type: FK CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.shadow_comparison
    ADD CONSTRAINT shadow_comparison_shadow_book_id_fkey FOREIGN KEY (shadow_book_id) REFERENCES risk.shadow_pair(shadow_book_id);


--
-- Name: shadow_pair shadow_pair_reference_book_id_fkey; Type: FK CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.shadow_pair
    ADD CONSTRAINT shadow_pair_reference_book_id_fkey FOREIGN KEY (reference_book_id) REFERENCES trading.account(book_id);


--
-- Name: shadow_pair shadow_pair_shadow_book_id_fkey; Type: FK CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.shadow_pair
    ADD CONSTRAINT shadow_pair_shadow_book_id_fkey FOREIGN KEY (shadow_book_id) REFERENCES trading.account(book_id);


--
-- Name: state_current state_current_book_id_fkey; Type: FK CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.state_current
    ADD CONSTRAINT state_current_book_id_fkey FOREIGN KEY (book_id) REFERENCES trading.account(book_id);


--
-- Name: state_event state_event_book_id_fkey; Type: FK CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.state_event
    ADD CONSTRAINT state_event_book_id_fkey FOREIGN KEY (book_id) REFERENCES trading.account(book_id);


--
-- Name: state_event state_move_is_legal; Type: FK CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.state_event
    ADD CONSTRAINT state_move_is_legal FOREIGN KEY (state_before, state_after) REFERENCES risk.state_transition(state_before, state_after);


--
-- Name: strategy_health strategy_health_book_id_fkey; Type: FK CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.strategy_health
    ADD CONSTRAINT strategy_health_book_id_fkey FOREIGN KEY (book_id) REFERENCES trading.account(book_id);


--
-- Name: strategy_health strategy_health_strategy_is_registered; Type: FK CONSTRAINT; Schema: risk; Owner: predator_owner
--

ALTER TABLE ONLY risk.strategy_health
    ADD CONSTRAINT strategy_health_strategy_is_registered FOREIGN KEY (book_id, strategy) REFERENCES trading.strategy(book_id, strategy);


--
-- Name: account account_base_currency_fkey; Type: FK CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.account
    ADD CONSTRAINT account_base_currency_fkey FOREIGN KEY (base_currency) REFERENCES market.asset(asset);


--
-- Name: account account_risk_profile_fkey; Type: FK CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.account
    ADD CONSTRAINT account_risk_profile_fkey FOREIGN KEY (risk_profile) REFERENCES risk.profile(profile);


--
-- Name: account account_venue_fkey; Type: FK CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.account
    ADD CONSTRAINT account_venue_fkey FOREIGN KEY (venue) REFERENCES market.venue(venue);


--
-- Name: lot_allocation allocation_has_lot; Type: FK CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.lot_allocation
    ADD CONSTRAINT allocation_has_lot FOREIGN KEY (book_id, symbol, lot_no) REFERENCES trading.lot(book_id, symbol, lot_no);


--
-- Name: book_currency book_currency_book_id_fkey; Type: FK CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.book_currency
    ADD CONSTRAINT book_currency_book_id_fkey FOREIGN KEY (book_id) REFERENCES trading.account(book_id);


--
-- Name: book_currency book_currency_currency_fkey; Type: FK CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.book_currency
    ADD CONSTRAINT book_currency_currency_fkey FOREIGN KEY (currency) REFERENCES market.asset(asset);


--
-- Name: fill fill_book_id_fkey; Type: FK CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.fill
    ADD CONSTRAINT fill_book_id_fkey FOREIGN KEY (book_id) REFERENCES trading.account(book_id);


--
-- Name: fill fill_client_order_id_fkey; Type: FK CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.fill
    ADD CONSTRAINT fill_client_order_id_fkey FOREIGN KEY (client_order_id) REFERENCES trading.order_request(client_order_id);


--
-- Name: fill_void fill_void_book_id_fkey; Type: FK CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.fill_void
    ADD CONSTRAINT fill_void_book_id_fkey FOREIGN KEY (book_id) REFERENCES trading.account(book_id);


--
-- Name: fill_void fill_void_client_order_id_fkey; Type: FK CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.fill_void
    ADD CONSTRAINT fill_void_client_order_id_fkey FOREIGN KEY (client_order_id) REFERENCES trading.order_request(client_order_id);


--
-- Name: fill_void fill_void_fill; Type: FK CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.fill_void
    ADD CONSTRAINT fill_void_fill FOREIGN KEY (book_id, symbol, venue_trade_id) REFERENCES trading.fill(book_id, symbol, venue_trade_id);


--
-- Name: fill_void fill_void_incident; Type: FK CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.fill_void
    ADD CONSTRAINT fill_void_incident FOREIGN KEY (book_id, incident_seq) REFERENCES ops.incident(book_id, seq);


--
-- Name: fill_void fill_void_lot; Type: FK CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.fill_void
    ADD CONSTRAINT fill_void_lot FOREIGN KEY (book_id, symbol, lot_no) REFERENCES trading.lot(book_id, symbol, lot_no);


--
-- Name: fill_void fill_void_round_trip; Type: FK CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.fill_void
    ADD CONSTRAINT fill_void_round_trip FOREIGN KEY (book_id, round_trip_seq) REFERENCES trading.round_trip(book_id, seq);


--
-- Name: fill_void fill_void_tx; Type: FK CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.fill_void
    ADD CONSTRAINT fill_void_tx FOREIGN KEY (book_id, tx_seq) REFERENCES ledger.transaction(book_id, seq);


--
-- Name: lot_allocation lot_allocation_book_id_fkey; Type: FK CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.lot_allocation
    ADD CONSTRAINT lot_allocation_book_id_fkey FOREIGN KEY (book_id) REFERENCES trading.account(book_id);


--
-- Name: lot lot_book_id_fkey; Type: FK CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.lot
    ADD CONSTRAINT lot_book_id_fkey FOREIGN KEY (book_id) REFERENCES trading.account(book_id);


--
-- Name: order_event order_event_book_id_fkey; Type: FK CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.order_event
    ADD CONSTRAINT order_event_book_id_fkey FOREIGN KEY (book_id) REFERENCES trading.account(book_id);


--
-- Name: order_event order_event_client_order_id_fkey; Type: FK CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.order_event
    ADD CONSTRAINT order_event_client_order_id_fkey FOREIGN KEY (client_order_id) REFERENCES trading.order_request(client_order_id);


--
-- Name: order_request order_has_signal; Type: FK CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.order_request
    ADD CONSTRAINT order_has_signal FOREIGN KEY (book_id, signal_seq) REFERENCES trading.signal(book_id, seq);


--
-- Name: order_request order_request_book_id_fkey; Type: FK CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.order_request
    ADD CONSTRAINT order_request_book_id_fkey FOREIGN KEY (book_id) REFERENCES trading.account(book_id);


--
-- Name: order_state order_state_book_id_fkey; Type: FK CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.order_state
    ADD CONSTRAINT order_state_book_id_fkey FOREIGN KEY (book_id) REFERENCES trading.account(book_id);


--
-- Name: order_state order_state_client_order_id_fkey; Type: FK CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.order_state
    ADD CONSTRAINT order_state_client_order_id_fkey FOREIGN KEY (client_order_id) REFERENCES trading.order_request(client_order_id);


--
-- Name: position position_book_id_fkey; Type: FK CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading."position"
    ADD CONSTRAINT position_book_id_fkey FOREIGN KEY (book_id) REFERENCES trading.account(book_id);


--
-- Name: round_trip round_trip_book_id_fkey; Type: FK CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.round_trip
    ADD CONSTRAINT round_trip_book_id_fkey FOREIGN KEY (book_id) REFERENCES trading.account(book_id);


--
-- Name: signal signal_book_id_fkey; Type: FK CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.signal
    ADD CONSTRAINT signal_book_id_fkey FOREIGN KEY (book_id) REFERENCES trading.account(book_id);


--
-- Name: strategy strategy_book_id_fkey; Type: FK CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.strategy
    ADD CONSTRAINT strategy_book_id_fkey FOREIGN KEY (book_id) REFERENCES trading.account(book_id);


--
-- Name: signal strategy_is_registered; Type: FK CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.signal
    ADD CONSTRAINT strategy_is_registered FOREIGN KEY (book_id, strategy) REFERENCES trading.strategy(book_id, strategy);


--
-- Name: strategy strategy_pool_fkey; Type: FK CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.strategy
    ADD CONSTRAINT strategy_pool_fkey FOREIGN KEY (pool) REFERENCES risk.pool(pool);


--
-- Name: order_event transition_is_legal; Type: FK CONSTRAINT; Schema: trading; Owner: predator_owner
--

ALTER TABLE ONLY trading.order_event
    ADD CONSTRAINT transition_is_legal FOREIGN KEY (status_before, status_after) REFERENCES trading.order_transition(status_before, status_after);


--
-- Name: SCHEMA api; Type: ACL; Schema: -; Owner: predator_owner
--

GRANT USAGE ON SCHEMA api TO predator_worker;
GRANT USAGE ON SCHEMA api TO predator_operator;
GRANT USAGE ON SCHEMA api TO predator_auditor;
GRANT USAGE ON SCHEMA api TO predator_notifier;


--
-- Name: SCHEMA ledger; Type: ACL; Schema: -; Owner: predator_owner
--

GRANT USAGE ON SCHEMA ledger TO predator_auditor;


--
-- Name: SCHEMA market; Type: ACL; Schema: -; Owner: predator_owner
--

GRANT USAGE ON SCHEMA market TO predator_auditor;
GRANT USAGE ON SCHEMA market TO predator_worker;


--
-- Name: SCHEMA ops; Type: ACL; Schema: -; Owner: predator_owner
--

GRANT USAGE ON SCHEMA ops TO predator_auditor;


--
-- Name: SCHEMA portfolio; Type: ACL; Schema: -; Owner: predator_owner
--

GRANT USAGE ON SCHEMA portfolio TO predator_auditor;


--
-- Name: SCHEMA risk; Type: ACL; Schema: -; Owner: predator_owner
--

GRANT USAGE ON SCHEMA risk TO predator_auditor;


--
-- Name: SCHEMA trading; Type: ACL; Schema: -; Owner: predator_owner
--

GRANT USAGE ON SCHEMA trading TO predator_auditor;


--
-- Name: FUNCTION add_asset(p_asset text, p_kind text, p_cluster text, p_reason text); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.add_asset(p_asset text, p_kind text, p_cluster text, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.add_asset(p_asset text, p_kind text, p_cluster text, p_reason text) TO predator_operator;


--
-- Name: FUNCTION add_venue(p_venue text, p_name text, p_maker_fee_bps numeric, p_taker_fee_bps numeric, p_reason text); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.add_venue(p_venue text, p_name text, p_maker_fee_bps numeric, p_taker_fee_bps numeric, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.add_venue(p_venue text, p_name text, p_maker_fee_bps numeric, p_taker_fee_bps numeric, p_reason text) TO predator_operator;


--
-- Name: FUNCTION alerts_pending(p_channels text[], p_limit integer); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.alerts_pending(p_channels text[], p_limit integer) FROM PUBLIC;
GRANT ALL ON FUNCTION api.alerts_pending(p_channels text[], p_limit integer) TO predator_notifier;


--
-- Name: FUNCTION anchor_chains(p_reason text); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.anchor_chains(p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.anchor_chains(p_reason text) TO predator_operator;


--
-- Name: FUNCTION apply_safe_mode(p_profile text, p_template text, p_reason text); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.apply_safe_mode(p_profile text, p_template text, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.apply_safe_mode(p_profile text, p_template text, p_reason text) TO predator_operator;


--
-- Name: FUNCTION approve(p_request bigint, p_reason text); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.approve(p_request bigint, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.approve(p_request bigint, p_reason text) TO predator_operator;


--
-- Name: FUNCTION approve_treasury_transfer(p_account text, p_proposal_no integer, p_ts timestamp with time zone, p_reason text); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.approve_treasury_transfer(p_account text, p_proposal_no integer, p_ts timestamp with time zone, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.approve_treasury_transfer(p_account text, p_proposal_no integer, p_ts timestamp with time zone, p_reason text) TO predator_operator;


--
-- Name: FUNCTION balance_changes(p_account text, p_from timestamp with time zone, p_to timestamp with time zone, p_ledger text); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.balance_changes(p_account text, p_from timestamp with time zone, p_to timestamp with time zone, p_ledger text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.balance_changes(p_account text, p_from timestamp with time zone, p_to timestamp with time zone, p_ledger text) TO predator_worker;
GRANT ALL ON FUNCTION api.balance_changes(p_account text, p_from timestamp with time zone, p_to timestamp with time zone, p_ledger text) TO predator_auditor;


--
-- Name: FUNCTION begin_candle_load(); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.begin_candle_load() FROM PUBLIC;
GRANT ALL ON FUNCTION api.begin_candle_load() TO predator_worker;


--
-- Name: FUNCTION burn_in(p_venue text, p_strategy text); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.burn_in(p_venue text, p_strategy text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.burn_in(p_venue text, p_strategy text) TO predator_worker;
GRANT ALL ON FUNCTION api.burn_in(p_venue text, p_strategy text) TO predator_auditor;


--
-- Name: FUNCTION candle_gaps(p_venue text, p_interval text, p_symbol text, p_from timestamp with time zone, p_to timestamp with time zone); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.candle_gaps(p_venue text, p_interval text, p_symbol text, p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION api.candle_gaps(p_venue text, p_interval text, p_symbol text, p_from timestamp with time zone, p_to timestamp with time zone) TO predator_worker;
GRANT ALL ON FUNCTION api.candle_gaps(p_venue text, p_interval text, p_symbol text, p_from timestamp with time zone, p_to timestamp with time zone) TO predator_auditor;


--
-- Name: FUNCTION candles_known(p_venue text, p_symbol text, p_interval text, p_from timestamp with time zone, p_to timestamp with time zone, p_load_id bigint); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.candles_known(p_venue text, p_symbol text, p_interval text, p_from timestamp with time zone, p_to timestamp with time zone, p_load_id bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION api.candles_known(p_venue text, p_symbol text, p_interval text, p_from timestamp with time zone, p_to timestamp with time zone, p_load_id bigint) TO predator_worker;
GRANT ALL ON FUNCTION api.candles_known(p_venue text, p_symbol text, p_interval text, p_from timestamp with time zone, p_to timestamp with time zone, p_load_id bigint) TO predator_auditor;


--
-- Name: FUNCTION close_hour(p_account text, p_hour timestamp with time zone); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.close_hour(p_account text, p_hour timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION api.close_hour(p_account text, p_hour timestamp with time zone) TO predator_worker;


--
-- Name: FUNCTION compare_shadow(p_shadow text, p_until timestamp with time zone); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.compare_shadow(p_shadow text, p_until timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION api.compare_shadow(p_shadow text, p_until timestamp with time zone) TO predator_worker;


--
-- Name: FUNCTION create_account(p_name text, p_mode text, p_venue text, p_base_currency text, p_lane text, p_initial_principal numeric, p_risk_profile text, p_reason text); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.create_account(p_name text, p_mode text, p_venue text, p_base_currency text, p_lane text, p_initial_principal numeric, p_risk_profile text, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.create_account(p_name text, p_mode text, p_venue text, p_base_currency text, p_lane text, p_initial_principal numeric, p_risk_profile text, p_reason text) TO predator_operator;


--
-- Name: FUNCTION dataset_hash(p_venue text, p_symbols text[], p_interval text, p_from timestamp with time zone, p_to timestamp with time zone); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.dataset_hash(p_venue text, p_symbols text[], p_interval text, p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION api.dataset_hash(p_venue text, p_symbols text[], p_interval text, p_from timestamp with time zone, p_to timestamp with time zone) TO predator_worker;
GRANT ALL ON FUNCTION api.dataset_hash(p_venue text, p_symbols text[], p_interval text, p_from timestamp with time zone, p_to timestamp with time zone) TO predator_auditor;


--
-- Name: FUNCTION declare_operating_cost(p_account text, p_name text, p_amount numeric, p_currency text, p_period text, p_effective_from timestamp with time zone, p_reason text); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.declare_operating_cost(p_account text, p_name text, p_amount numeric, p_currency text, p_period text, p_effective_from timestamp with time zone, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.declare_operating_cost(p_account text, p_name text, p_amount numeric, p_currency text, p_period text, p_effective_from timestamp with time zone, p_reason text) TO predator_operator;


--
-- Name: FUNCTION deposit(p_account text, p_amount numeric, p_ts timestamp with time zone, p_reason text, p_currency text, p_ref text); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.deposit(p_account text, p_amount numeric, p_ts timestamp with time zone, p_reason text, p_currency text, p_ref text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.deposit(p_account text, p_amount numeric, p_ts timestamp with time zone, p_reason text, p_currency text, p_ref text) TO predator_operator;


--
-- Name: FUNCTION enable_book_currency(p_account text, p_currency text, p_reason text, p_enabled boolean); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.enable_book_currency(p_account text, p_currency text, p_reason text, p_enabled boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION api.enable_book_currency(p_account text, p_currency text, p_reason text, p_enabled boolean) TO predator_operator;


--
-- Name: FUNCTION end_operating_cost(p_account text, p_name text, p_effective_from timestamp with time zone, p_reason text); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.end_operating_cost(p_account text, p_name text, p_effective_from timestamp with time zone, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.end_operating_cost(p_account text, p_name text, p_effective_from timestamp with time zone, p_reason text) TO predator_operator;


--
-- Name: FUNCTION execution_quality(p_account text, p_from timestamp with time zone, p_to timestamp with time zone); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.execution_quality(p_account text, p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION api.execution_quality(p_account text, p_from timestamp with time zone, p_to timestamp with time zone) TO predator_worker;
GRANT ALL ON FUNCTION api.execution_quality(p_account text, p_from timestamp with time zone, p_to timestamp with time zone) TO predator_auditor;


--
-- Name: FUNCTION feed_status(p_clock timestamp with time zone, p_venue text, p_interval text); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.feed_status(p_clock timestamp with time zone, p_venue text, p_interval text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.feed_status(p_clock timestamp with time zone, p_venue text, p_interval text) TO predator_worker;
GRANT ALL ON FUNCTION api.feed_status(p_clock timestamp with time zone, p_venue text, p_interval text) TO predator_auditor;


--
-- Name: FUNCTION halt(p_reason text, p_scope text, p_target text); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.halt(p_reason text, p_scope text, p_target text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.halt(p_reason text, p_scope text, p_target text) TO predator_operator;


--
-- Name: FUNCTION hour_digests(p_account text, p_from timestamp with time zone, p_to timestamp with time zone); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.hour_digests(p_account text, p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION api.hour_digests(p_account text, p_from timestamp with time zone, p_to timestamp with time zone) TO predator_worker;
GRANT ALL ON FUNCTION api.hour_digests(p_account text, p_from timestamp with time zone, p_to timestamp with time zone) TO predator_auditor;


--
-- Name: FUNCTION kill_listeners(); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.kill_listeners() FROM PUBLIC;
GRANT ALL ON FUNCTION api.kill_listeners() TO predator_operator;
GRANT ALL ON FUNCTION api.kill_listeners() TO predator_auditor;


--
-- Name: FUNCTION kill_switch(p_reason text, flatten boolean); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.kill_switch(p_reason text, flatten boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION api.kill_switch(p_reason text, flatten boolean) TO predator_operator;


--
-- Name: FUNCTION limit_breaches(p_account text, p_from timestamp with time zone, p_to timestamp with time zone); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.limit_breaches(p_account text, p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION api.limit_breaches(p_account text, p_from timestamp with time zone, p_to timestamp with time zone) TO predator_worker;
GRANT ALL ON FUNCTION api.limit_breaches(p_account text, p_from timestamp with time zone, p_to timestamp with time zone) TO predator_auditor;


--
-- Name: FUNCTION load_candles(p_load_key uuid, p_venue text, p_symbol text, p_interval text, p_source text, p_clock timestamp with time zone, p_line_offset integer); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.load_candles(p_load_key uuid, p_venue text, p_symbol text, p_interval text, p_source text, p_clock timestamp with time zone, p_line_offset integer) FROM PUBLIC;
GRANT ALL ON FUNCTION api.load_candles(p_load_key uuid, p_venue text, p_symbol text, p_interval text, p_source text, p_clock timestamp with time zone, p_line_offset integer) TO predator_worker;


--
-- Name: FUNCTION open_incident(p_severity integer, p_category text, p_title text, p_description text, p_reason text, p_account text, p_links jsonb); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.open_incident(p_severity integer, p_category text, p_title text, p_description text, p_reason text, p_account text, p_links jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION api.open_incident(p_severity integer, p_category text, p_title text, p_description text, p_reason text, p_account text, p_links jsonb) TO predator_operator;


--
-- Name: FUNCTION pair_shadow(p_shadow text, p_reference text, p_reason text); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.pair_shadow(p_shadow text, p_reference text, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.pair_shadow(p_shadow text, p_reference text, p_reason text) TO predator_operator;


--
-- Name: FUNCTION pause_strategy(p_account text, p_strategy text, p_reason text); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.pause_strategy(p_account text, p_strategy text, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.pause_strategy(p_account text, p_strategy text, p_reason text) TO predator_operator;


--
-- Name: FUNCTION post_venue_transfer(p_account text, p_kind text, p_currency text, p_amount numeric, p_ts timestamp with time zone, p_reason text, p_incident text, p_venue_ref text); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.post_venue_transfer(p_account text, p_kind text, p_currency text, p_amount numeric, p_ts timestamp with time zone, p_reason text, p_incident text, p_venue_ref text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.post_venue_transfer(p_account text, p_kind text, p_currency text, p_amount numeric, p_ts timestamp with time zone, p_reason text, p_incident text, p_venue_ref text) TO predator_operator;


--
-- Name: FUNCTION reconcile(p_account text, p_ts timestamp with time zone, p_venue_balances jsonb, p_venue_open_orders text[], p_kind text); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.reconcile(p_account text, p_ts timestamp with time zone, p_venue_balances jsonb, p_venue_open_orders text[], p_kind text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.reconcile(p_account text, p_ts timestamp with time zone, p_venue_balances jsonb, p_venue_open_orders text[], p_kind text) TO predator_worker;


--
-- Name: FUNCTION reconciliation_status(p_account text, p_from timestamp with time zone, p_to timestamp with time zone); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.reconciliation_status(p_account text, p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION api.reconciliation_status(p_account text, p_from timestamp with time zone, p_to timestamp with time zone) TO predator_worker;
GRANT ALL ON FUNCTION api.reconciliation_status(p_account text, p_from timestamp with time zone, p_to timestamp with time zone) TO predator_auditor;


--
-- Name: FUNCTION record_alert_attempt(p_seq bigint, p_channel text, p_ok boolean, p_error text, p_duplicate_of bigint); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.record_alert_attempt(p_seq bigint, p_channel text, p_ok boolean, p_error text, p_duplicate_of bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION api.record_alert_attempt(p_seq bigint, p_channel text, p_ok boolean, p_error text, p_duplicate_of bigint) TO predator_notifier;


--
-- Name: FUNCTION record_chaos_campaign(p_account text, p_campaign jsonb, p_faults jsonb, p_reason text); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.record_chaos_campaign(p_account text, p_campaign jsonb, p_faults jsonb, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.record_chaos_campaign(p_account text, p_campaign jsonb, p_faults jsonb, p_reason text) TO predator_operator;


--
-- Name: FUNCTION record_fill(p_client_order_id text, p_venue_trade_id text, p_quantity numeric, p_price numeric, p_fee numeric, p_fee_currency text, p_liquidity text, p_ts timestamp with time zone); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.record_fill(p_client_order_id text, p_venue_trade_id text, p_quantity numeric, p_price numeric, p_fee numeric, p_fee_currency text, p_liquidity text, p_ts timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION api.record_fill(p_client_order_id text, p_venue_trade_id text, p_quantity numeric, p_price numeric, p_fee numeric, p_fee_currency text, p_liquidity text, p_ts timestamp with time zone) TO predator_worker;


--
-- Name: FUNCTION record_hour_knowledge(p_account text, p_hour timestamp with time zone, p_symbols text[], p_interval text); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.record_hour_knowledge(p_account text, p_hour timestamp with time zone, p_symbols text[], p_interval text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.record_hour_knowledge(p_account text, p_hour timestamp with time zone, p_symbols text[], p_interval text) TO predator_worker;


--
-- Name: FUNCTION record_order_confusion(p_client_order_id text, p_kind text, p_ts timestamp with time zone, p_detail text); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.record_order_confusion(p_client_order_id text, p_kind text, p_ts timestamp with time zone, p_detail text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.record_order_confusion(p_client_order_id text, p_kind text, p_ts timestamp with time zone, p_detail text) TO predator_worker;


--
-- Name: FUNCTION record_order_event(p_client_order_id text, p_kind text, p_ts timestamp with time zone, p_venue_order_id text, p_reason text); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.record_order_event(p_client_order_id text, p_kind text, p_ts timestamp with time zone, p_venue_order_id text, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.record_order_event(p_client_order_id text, p_kind text, p_ts timestamp with time zone, p_venue_order_id text, p_reason text) TO predator_worker;


--
-- Name: FUNCTION record_validation(p_account text, p_from timestamp with time zone, p_to timestamp with time zone, p_incremental boolean, p_gates jsonb); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.record_validation(p_account text, p_from timestamp with time zone, p_to timestamp with time zone, p_incremental boolean, p_gates jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION api.record_validation(p_account text, p_from timestamp with time zone, p_to timestamp with time zone, p_incremental boolean, p_gates jsonb) TO predator_auditor;


--
-- Name: FUNCTION record_venue_health(p_account text, p_ts timestamp with time zone, p_calls integer, p_errors integer, p_connected boolean, p_detail jsonb); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.record_venue_health(p_account text, p_ts timestamp with time zone, p_calls integer, p_errors integer, p_connected boolean, p_detail jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION api.record_venue_health(p_account text, p_ts timestamp with time zone, p_calls integer, p_errors integer, p_connected boolean, p_detail jsonb) TO predator_worker;


--
-- Name: FUNCTION record_venue_transfer(p_account text, p_kind text, p_currency text, p_amount numeric, p_venue_ref text, p_ts timestamp with time zone); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.record_venue_transfer(p_account text, p_kind text, p_currency text, p_amount numeric, p_venue_ref text, p_ts timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION api.record_venue_transfer(p_account text, p_kind text, p_currency text, p_amount numeric, p_venue_ref text, p_ts timestamp with time zone) TO predator_worker;


--
-- Name: FUNCTION record_worker_health(p_account text, p_ts timestamp with time zone, p_rss_kb bigint, p_pid integer, p_detail jsonb); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.record_worker_health(p_account text, p_ts timestamp with time zone, p_rss_kb bigint, p_pid integer, p_detail jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION api.record_worker_health(p_account text, p_ts timestamp with time zone, p_rss_kb bigint, p_pid integer, p_detail jsonb) TO predator_worker;


--
-- Name: FUNCTION register_run(p_run_id text, p_account text, p_kind text, p_config jsonb, p_dataset_hash text); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.register_run(p_run_id text, p_account text, p_kind text, p_config jsonb, p_dataset_hash text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.register_run(p_run_id text, p_account text, p_kind text, p_config jsonb, p_dataset_hash text) TO predator_worker;


--
-- Name: FUNCTION register_strategy(p_account text, p_strategy text, p_params jsonb, p_reason text, p_pool text, p_priority integer); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.register_strategy(p_account text, p_strategy text, p_params jsonb, p_reason text, p_pool text, p_priority integer) FROM PUBLIC;
GRANT ALL ON FUNCTION api.register_strategy(p_account text, p_strategy text, p_params jsonb, p_reason text, p_pool text, p_priority integer) TO predator_operator;


--
-- Name: FUNCTION request_approval(p_action text, p_target text, p_reason text, p_mode text, p_value numeric, p_valid_until timestamp with time zone); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.request_approval(p_action text, p_target text, p_reason text, p_mode text, p_value numeric, p_valid_until timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION api.request_approval(p_action text, p_target text, p_reason text, p_mode text, p_value numeric, p_valid_until timestamp with time zone) TO predator_operator;


--
-- Name: FUNCTION resample_candles(p_venue text, p_symbol text, p_from_interval text, p_to_interval text, p_from timestamp with time zone, p_to timestamp with time zone); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.resample_candles(p_venue text, p_symbol text, p_from_interval text, p_to_interval text, p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION api.resample_candles(p_venue text, p_symbol text, p_from_interval text, p_to_interval text, p_from timestamp with time zone, p_to timestamp with time zone) TO predator_worker;
GRANT ALL ON FUNCTION api.resample_candles(p_venue text, p_symbol text, p_from_interval text, p_to_interval text, p_from timestamp with time zone, p_to timestamp with time zone) TO predator_auditor;


--
-- Name: FUNCTION resume(p_reason text, p_scope text, p_target text, p_incidents text[]); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.resume(p_reason text, p_scope text, p_target text, p_incidents text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION api.resume(p_reason text, p_scope text, p_target text, p_incidents text[]) TO predator_operator;


--
-- Name: FUNCTION resume_reducing(p_account text, p_reason text, p_strategy text); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.resume_reducing(p_account text, p_reason text, p_strategy text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.resume_reducing(p_account text, p_reason text, p_strategy text) TO predator_operator;


--
-- Name: FUNCTION resume_strategy(p_account text, p_strategy text, p_reason text); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.resume_strategy(p_account text, p_strategy text, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.resume_strategy(p_account text, p_strategy text, p_reason text) TO predator_operator;


--
-- Name: FUNCTION revert_safe_mode(p_profile text, p_reason text); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.revert_safe_mode(p_profile text, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.revert_safe_mode(p_profile text, p_reason text) TO predator_operator;


--
-- Name: FUNCTION revoke_anchor_key(p_key_id integer, p_reason text); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.revoke_anchor_key(p_key_id integer, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.revoke_anchor_key(p_key_id integer, p_reason text) TO predator_operator;


--
-- Name: FUNCTION set_anchor_key(p_reason text, p_secret bytea); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.set_anchor_key(p_reason text, p_secret bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION api.set_anchor_key(p_reason text, p_secret bytea) TO predator_operator;


--
-- Name: FUNCTION set_arbitration(p_profile text, p_rule text, p_reason text); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.set_arbitration(p_profile text, p_rule text, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.set_arbitration(p_profile text, p_rule text, p_reason text) TO predator_operator;


--
-- Name: FUNCTION set_breaker(p_lane text, p_breaker text, p_threshold numeric, p_reason text, p_account text, p_window_hours integer, p_min_events integer, p_trip_scope text); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.set_breaker(p_lane text, p_breaker text, p_threshold numeric, p_reason text, p_account text, p_window_hours integer, p_min_events integer, p_trip_scope text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.set_breaker(p_lane text, p_breaker text, p_threshold numeric, p_reason text, p_account text, p_window_hours integer, p_min_events integer, p_trip_scope text) TO predator_operator;


--
-- Name: FUNCTION set_lane_pool(p_lane text, p_pool text, p_enabled boolean, p_reason text); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.set_lane_pool(p_lane text, p_pool text, p_enabled boolean, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.set_lane_pool(p_lane text, p_pool text, p_enabled boolean, p_reason text) TO predator_operator;


--
-- Name: FUNCTION set_limit(p_profile text, p_limit text, p_mode text, p_value numeric, p_reason text, p_scope text); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.set_limit(p_profile text, p_limit text, p_mode text, p_value numeric, p_reason text, p_scope text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.set_limit(p_profile text, p_limit text, p_mode text, p_value numeric, p_reason text, p_scope text) TO predator_operator;


--
-- Name: FUNCTION set_limit_policy(p_profile text, p_limit text, p_mode text, p_ceiling numeric, p_reason text); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.set_limit_policy(p_profile text, p_limit text, p_mode text, p_ceiling numeric, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.set_limit_policy(p_profile text, p_limit text, p_mode text, p_ceiling numeric, p_reason text) TO predator_operator;


--
-- Name: FUNCTION set_setting(p_name text, p_value numeric, p_reason text); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.set_setting(p_name text, p_value numeric, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.set_setting(p_name text, p_value numeric, p_reason text) TO predator_operator;


--
-- Name: FUNCTION submit_signal(p_account text, p_strategy text, p_symbol text, p_ts timestamp with time zone, p_direction text, p_confidence numeric, p_edge_bps numeric, p_expiry timestamp with time zone, p_quantity numeric, p_order_type text, p_limit_price numeric); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.submit_signal(p_account text, p_strategy text, p_symbol text, p_ts timestamp with time zone, p_direction text, p_confidence numeric, p_edge_bps numeric, p_expiry timestamp with time zone, p_quantity numeric, p_order_type text, p_limit_price numeric) FROM PUBLIC;
GRANT ALL ON FUNCTION api.submit_signal(p_account text, p_strategy text, p_symbol text, p_ts timestamp with time zone, p_direction text, p_confidence numeric, p_edge_bps numeric, p_expiry timestamp with time zone, p_quantity numeric, p_order_type text, p_limit_price numeric) TO predator_worker;


--
-- Name: FUNCTION update_incident(p_incident text, p_action text, p_reason text); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.update_incident(p_incident text, p_action text, p_reason text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.update_incident(p_incident text, p_action text, p_reason text) TO predator_operator;


--
-- Name: FUNCTION upsert_instruments(p_venue text, p_instruments jsonb, p_source text); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.upsert_instruments(p_venue text, p_instruments jsonb, p_source text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.upsert_instruments(p_venue text, p_instruments jsonb, p_source text) TO predator_worker;


--
-- Name: FUNCTION validation_checkpoint(p_account text); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.validation_checkpoint(p_account text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.validation_checkpoint(p_account text) TO predator_worker;
GRANT ALL ON FUNCTION api.validation_checkpoint(p_account text) TO predator_auditor;


--
-- Name: FUNCTION venue_errors(p_account text, p_from timestamp with time zone, p_to timestamp with time zone); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.venue_errors(p_account text, p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION api.venue_errors(p_account text, p_from timestamp with time zone, p_to timestamp with time zone) TO predator_worker;
GRANT ALL ON FUNCTION api.venue_errors(p_account text, p_from timestamp with time zone, p_to timestamp with time zone) TO predator_auditor;


--
-- Name: FUNCTION verify_anchors(p_anchors jsonb); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.verify_anchors(p_anchors jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION api.verify_anchors(p_anchors jsonb) TO predator_operator;
GRANT ALL ON FUNCTION api.verify_anchors(p_anchors jsonb) TO predator_auditor;


--
-- Name: FUNCTION verify_book_chains(p_book_id integer); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.verify_book_chains(p_book_id integer) FROM PUBLIC;
GRANT ALL ON FUNCTION api.verify_book_chains(p_book_id integer) TO predator_worker;
GRANT ALL ON FUNCTION api.verify_book_chains(p_book_id integer) TO predator_auditor;


--
-- Name: FUNCTION verify_book_chains_since(p_book_id integer, p_checkpoint bigint); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.verify_book_chains_since(p_book_id integer, p_checkpoint bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION api.verify_book_chains_since(p_book_id integer, p_checkpoint bigint) TO predator_worker;
GRANT ALL ON FUNCTION api.verify_book_chains_since(p_book_id integer, p_checkpoint bigint) TO predator_auditor;


--
-- Name: FUNCTION verify_chains(); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.verify_chains() FROM PUBLIC;
GRANT ALL ON FUNCTION api.verify_chains() TO predator_worker;
GRANT ALL ON FUNCTION api.verify_chains() TO predator_auditor;


--
-- Name: FUNCTION void_fill(p_account text, p_symbol text, p_venue_trade_id text, p_ts timestamp with time zone, p_reason text, p_incident text); Type: ACL; Schema: api; Owner: predator_owner
--

REVOKE ALL ON FUNCTION api.void_fill(p_account text, p_symbol text, p_venue_trade_id text, p_ts timestamp with time zone, p_reason text, p_incident text) FROM PUBLIC;
GRANT ALL ON FUNCTION api.void_fill(p_account text, p_symbol text, p_venue_trade_id text, p_ts timestamp with time zone, p_reason text, p_incident text) TO predator_operator;


--
-- Name: FUNCTION _accrue_operating_costs(p_book_id integer, p_after timestamp with time zone, p_hour timestamp with time zone); Type: ACL; Schema: ledger; Owner: predator_owner
--

REVOKE ALL ON FUNCTION ledger._accrue_operating_costs(p_book_id integer, p_after timestamp with time zone, p_hour timestamp with time zone) FROM PUBLIC;


--
-- Name: FUNCTION _post(p_book_id integer, p_kind text, p_ref text, p_ts timestamp with time zone, p_accounts text[], p_currencies text[], p_amounts numeric[]); Type: ACL; Schema: ledger; Owner: predator_owner
--

REVOKE ALL ON FUNCTION ledger._post(p_book_id integer, p_kind text, p_ref text, p_ts timestamp with time zone, p_accounts text[], p_currencies text[], p_amounts numeric[]) FROM PUBLIC;


--
-- Name: FUNCTION _treasury_fill(p_book_id integer, p_venue_trade_id text, p_symbol text, p_fee_quote numeric, p_ts timestamp with time zone); Type: ACL; Schema: ledger; Owner: predator_owner
--

REVOKE ALL ON FUNCTION ledger._treasury_fill(p_book_id integer, p_venue_trade_id text, p_symbol text, p_fee_quote numeric, p_ts timestamp with time zone) FROM PUBLIC;


--
-- Name: FUNCTION operating_cost_hours(p_book_id integer, p_after timestamp with time zone, p_hour timestamp with time zone); Type: ACL; Schema: ledger; Owner: predator_owner
--

REVOKE ALL ON FUNCTION ledger.operating_cost_hours(p_book_id integer, p_after timestamp with time zone, p_hour timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION ledger.operating_cost_hours(p_book_id integer, p_after timestamp with time zone, p_hour timestamp with time zone) TO predator_auditor;


--
-- Name: FUNCTION operating_cost_rate(p_amount numeric, p_period text, p_hour timestamp with time zone); Type: ACL; Schema: ledger; Owner: predator_owner
--

REVOKE ALL ON FUNCTION ledger.operating_cost_rate(p_amount numeric, p_period text, p_hour timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION ledger.operating_cost_rate(p_amount numeric, p_period text, p_hour timestamp with time zone) TO predator_auditor;


--
-- Name: FUNCTION tg_posting__balanced(); Type: ACL; Schema: ledger; Owner: predator_owner
--

REVOKE ALL ON FUNCTION ledger.tg_posting__balanced() FROM PUBLIC;


--
-- Name: FUNCTION tg_posting__chain(); Type: ACL; Schema: ledger; Owner: predator_owner
--

REVOKE ALL ON FUNCTION ledger.tg_posting__chain() FROM PUBLIC;


--
-- Name: FUNCTION tg_transaction__complete(); Type: ACL; Schema: ledger; Owner: predator_owner
--

REVOKE ALL ON FUNCTION ledger.tg_transaction__complete() FROM PUBLIC;


--
-- Name: FUNCTION _quarantine_reasons(p_n integer, p_ts timestamp with time zone, p_open numeric, p_high numeric, p_low numeric, p_close numeric, p_volume numeric, p_step interval, p_latest_open timestamp with time zone); Type: ACL; Schema: market; Owner: predator_owner
--

REVOKE ALL ON FUNCTION market._quarantine_reasons(p_n integer, p_ts timestamp with time zone, p_open numeric, p_high numeric, p_low numeric, p_close numeric, p_volume numeric, p_step interval, p_latest_open timestamp with time zone) FROM PUBLIC;


--
-- Name: FUNCTION _staged_lines(p_load_key uuid, p_step interval, p_latest_open timestamp with time zone); Type: ACL; Schema: market; Owner: predator_owner
--

REVOKE ALL ON FUNCTION market._staged_lines(p_load_key uuid, p_step interval, p_latest_open timestamp with time zone) FROM PUBLIC;


--
-- Name: FUNCTION _try_numeric(p_text text); Type: ACL; Schema: market; Owner: predator_owner
--

REVOKE ALL ON FUNCTION market._try_numeric(p_text text) FROM PUBLIC;


--
-- Name: FUNCTION _try_timestamptz(p_text text); Type: ACL; Schema: market; Owner: predator_owner
--

REVOKE ALL ON FUNCTION market._try_timestamptz(p_text text) FROM PUBLIC;


--
-- Name: FUNCTION bar_is_good(p_ts timestamp with time zone, p_open numeric, p_high numeric, p_low numeric, p_close numeric, p_volume numeric, p_step interval, p_latest_open timestamp with time zone); Type: ACL; Schema: market; Owner: predator_owner
--

REVOKE ALL ON FUNCTION market.bar_is_good(p_ts timestamp with time zone, p_open numeric, p_high numeric, p_low numeric, p_close numeric, p_volume numeric, p_step interval, p_latest_open timestamp with time zone) FROM PUBLIC;


--
-- Name: FUNCTION bar_known(p_venue text, p_symbol text, p_at timestamp with time zone, p_load_id bigint, p_within interval); Type: ACL; Schema: market; Owner: predator_owner
--

REVOKE ALL ON FUNCTION market.bar_known(p_venue text, p_symbol text, p_at timestamp with time zone, p_load_id bigint, p_within interval) FROM PUBLIC;
GRANT ALL ON FUNCTION market.bar_known(p_venue text, p_symbol text, p_at timestamp with time zone, p_load_id bigint, p_within interval) TO predator_auditor;


--
-- Name: FUNCTION conversion_rate(p_venue text, p_from text, p_to text, p_at timestamp with time zone, p_direct_load bigint, p_inverse_load bigint); Type: ACL; Schema: market; Owner: predator_owner
--

REVOKE ALL ON FUNCTION market.conversion_rate(p_venue text, p_from text, p_to text, p_at timestamp with time zone, p_direct_load bigint, p_inverse_load bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION market.conversion_rate(p_venue text, p_from text, p_to text, p_at timestamp with time zone, p_direct_load bigint, p_inverse_load bigint) TO predator_auditor;


--
-- Name: FUNCTION ensure_partitions(p_from timestamp with time zone, p_to timestamp with time zone); Type: ACL; Schema: market; Owner: predator_owner
--

REVOKE ALL ON FUNCTION market.ensure_partitions(p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;


--
-- Name: FUNCTION feed_quality(p_venue text, p_symbols text[], p_at timestamp with time zone); Type: ACL; Schema: market; Owner: predator_owner
--

REVOKE ALL ON FUNCTION market.feed_quality(p_venue text, p_symbols text[], p_at timestamp with time zone) FROM PUBLIC;


--
-- Name: FUNCTION interval_seconds(p_interval text); Type: ACL; Schema: market; Owner: predator_owner
--

REVOKE ALL ON FUNCTION market.interval_seconds(p_interval text) FROM PUBLIC;
GRANT ALL ON FUNCTION market.interval_seconds(p_interval text) TO predator_auditor;


--
-- Name: FUNCTION last_bar(p_venue text, p_symbol text, p_at timestamp with time zone); Type: ACL; Schema: market; Owner: predator_owner
--

REVOKE ALL ON FUNCTION market.last_bar(p_venue text, p_symbol text, p_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION market.last_bar(p_venue text, p_symbol text, p_at timestamp with time zone) TO predator_auditor;


--
-- Name: FUNCTION marks(p_venue text, p_symbols text[], p_at timestamp with time zone); Type: ACL; Schema: market; Owner: predator_owner
--

REVOKE ALL ON FUNCTION market.marks(p_venue text, p_symbols text[], p_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION market.marks(p_venue text, p_symbols text[], p_at timestamp with time zone) TO predator_auditor;


--
-- Name: FUNCTION tg_candle_load__clock(); Type: ACL; Schema: market; Owner: predator_owner
--

REVOKE ALL ON FUNCTION market.tg_candle_load__clock() FROM PUBLIC;


--
-- Name: FUNCTION _anchor_heads(p_books integer[]); Type: ACL; Schema: ops; Owner: predator_owner
--

REVOKE ALL ON FUNCTION ops._anchor_heads(p_books integer[]) FROM PUBLIC;


--
-- Name: FUNCTION _anchor_message(p_book_id integer, p_seq bigint, p_kind text, p_hour timestamp with time zone, p_heads jsonb, p_key_id integer, p_prev_signature bytea); Type: ACL; Schema: ops; Owner: predator_owner
--

REVOKE ALL ON FUNCTION ops._anchor_message(p_book_id integer, p_seq bigint, p_kind text, p_hour timestamp with time zone, p_heads jsonb, p_key_id integer, p_prev_signature bytea) FROM PUBLIC;


--
-- Name: FUNCTION _append_anchor(p_book_id integer, p_kind text, p_hour timestamp with time zone); Type: ACL; Schema: ops; Owner: predator_owner
--

REVOKE ALL ON FUNCTION ops._append_anchor(p_book_id integer, p_kind text, p_hour timestamp with time zone) FROM PUBLIC;


--
-- Name: FUNCTION _approval_target(p_action text, p_target text, p_mode text, p_value numeric); Type: ACL; Schema: ops; Owner: predator_owner
--

REVOKE ALL ON FUNCTION ops._approval_target(p_action text, p_target text, p_mode text, p_value numeric) FROM PUBLIC;


--
-- Name: FUNCTION _audit(p_book_id integer, p_action text, p_target text, p_args jsonb, p_reason text); Type: ACL; Schema: ops; Owner: predator_owner
--

REVOKE ALL ON FUNCTION ops._audit(p_book_id integer, p_action text, p_target text, p_args jsonb, p_reason text) FROM PUBLIC;


--
-- Name: FUNCTION _enqueue_alert(p_category text, p_severity text, p_book_id integer, p_dedup_key text, p_title text, p_payload jsonb, p_source_table text, p_source_key text, p_business_ts timestamp with time zone); Type: ACL; Schema: ops; Owner: predator_owner
--

REVOKE ALL ON FUNCTION ops._enqueue_alert(p_category text, p_severity text, p_book_id integer, p_dedup_key text, p_title text, p_payload jsonb, p_source_table text, p_source_key text, p_business_ts timestamp with time zone) FROM PUBLIC;


--
-- Name: FUNCTION _lock_book(p_book_id integer); Type: ACL; Schema: ops; Owner: predator_owner
--

REVOKE ALL ON FUNCTION ops._lock_book(p_book_id integer) FROM PUBLIC;


--
-- Name: FUNCTION _lock_halts(p_exclusive boolean); Type: ACL; Schema: ops; Owner: predator_owner
--

REVOKE ALL ON FUNCTION ops._lock_halts(p_exclusive boolean) FROM PUBLIC;


--
-- Name: FUNCTION _open_incident(p_book_id integer, p_severity integer, p_category text, p_scope text, p_title text, p_description text, p_links jsonb, p_ts timestamp with time zone, p_source text); Type: ACL; Schema: ops; Owner: predator_owner
--

REVOKE ALL ON FUNCTION ops._open_incident(p_book_id integer, p_severity integer, p_category text, p_scope text, p_title text, p_description text, p_links jsonb, p_ts timestamp with time zone, p_source text) FROM PUBLIC;


--
-- Name: FUNCTION _report_period(p_caller text, p_account text, p_from timestamp with time zone, p_to timestamp with time zone); Type: ACL; Schema: ops; Owner: predator_owner
--

REVOKE ALL ON FUNCTION ops._report_period(p_caller text, p_account text, p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;


--
-- Name: FUNCTION _require_approval(p_action text, p_target text, p_params jsonb, p_what text); Type: ACL; Schema: ops; Owner: predator_owner
--

REVOKE ALL ON FUNCTION ops._require_approval(p_action text, p_target text, p_params jsonb, p_what text) FROM PUBLIC;


--
-- Name: FUNCTION _require_business_time(p_routine text, p_names text[], p_values timestamp with time zone[], p_bounded boolean); Type: ACL; Schema: ops; Owner: predator_owner
--

REVOKE ALL ON FUNCTION ops._require_business_time(p_routine text, p_names text[], p_values timestamp with time zone[], p_bounded boolean) FROM PUBLIC;


--
-- Name: TABLE account; Type: ACL; Schema: trading; Owner: predator_owner
--

GRANT SELECT ON TABLE trading.account TO predator_auditor;


--
-- Name: FUNCTION _require_correctable(p_routine text, p_acct trading.account, p_incident text, p_ts timestamp with time zone); Type: ACL; Schema: ops; Owner: predator_owner
--

REVOKE ALL ON FUNCTION ops._require_correctable(p_routine text, p_acct trading.account, p_incident text, p_ts timestamp with time zone) FROM PUBLIC;


--
-- Name: FUNCTION _require_finite(p_routine text, p_names text[], p_values numeric[]); Type: ACL; Schema: ops; Owner: predator_owner
--

REVOKE ALL ON FUNCTION ops._require_finite(p_routine text, p_names text[], p_values numeric[]) FROM PUBLIC;


--
-- Name: FUNCTION _require_finite_json(p_routine text, p_name text, p_json jsonb); Type: ACL; Schema: ops; Owner: predator_owner
--

REVOKE ALL ON FUNCTION ops._require_finite_json(p_routine text, p_name text, p_json jsonb) FROM PUBLIC;


--
-- Name: FUNCTION _update_incident(p_incident text, p_action text, p_reason text); Type: ACL; Schema: ops; Owner: predator_owner
--

REVOKE ALL ON FUNCTION ops._update_incident(p_incident text, p_action text, p_reason text) FROM PUBLIC;


--
-- Name: FUNCTION _validation_resume(p_book_id integer); Type: ACL; Schema: ops; Owner: predator_owner
--

REVOKE ALL ON FUNCTION ops._validation_resume(p_book_id integer) FROM PUBLIC;


--
-- Name: FUNCTION actor(); Type: ACL; Schema: ops; Owner: predator_owner
--

REVOKE ALL ON FUNCTION ops.actor() FROM PUBLIC;


--
-- Name: FUNCTION canonical(p_row jsonb, p_extra_exclude text[]); Type: ACL; Schema: ops; Owner: predator_owner
--

REVOKE ALL ON FUNCTION ops.canonical(p_row jsonb, p_extra_exclude text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION ops.canonical(p_row jsonb, p_extra_exclude text[]) TO predator_auditor;


--
-- Name: FUNCTION chained_tables(); Type: ACL; Schema: ops; Owner: predator_owner
--

REVOKE ALL ON FUNCTION ops.chained_tables() FROM PUBLIC;
GRANT ALL ON FUNCTION ops.chained_tables() TO predator_auditor;


--
-- Name: FUNCTION clock_skew(p_at timestamp with time zone); Type: ACL; Schema: ops; Owner: predator_owner
--

REVOKE ALL ON FUNCTION ops.clock_skew(p_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION ops.clock_skew(p_at timestamp with time zone) TO predator_auditor;


--
-- Name: FUNCTION correlation_id(); Type: ACL; Schema: ops; Owner: predator_owner
--

REVOKE ALL ON FUNCTION ops.correlation_id() FROM PUBLIC;


--
-- Name: FUNCTION genesis_hash(); Type: ACL; Schema: ops; Owner: predator_owner
--

REVOKE ALL ON FUNCTION ops.genesis_hash() FROM PUBLIC;
GRANT ALL ON FUNCTION ops.genesis_hash() TO predator_auditor;


--
-- Name: FUNCTION hash_excluded_columns(); Type: ACL; Schema: ops; Owner: predator_owner
--

REVOKE ALL ON FUNCTION ops.hash_excluded_columns() FROM PUBLIC;
GRANT ALL ON FUNCTION ops.hash_excluded_columns() TO predator_auditor;


--
-- Name: FUNCTION hmac_sha256(p_key bytea, p_message bytea); Type: ACL; Schema: ops; Owner: predator_owner
--

REVOKE ALL ON FUNCTION ops.hmac_sha256(p_key bytea, p_message bytea) FROM PUBLIC;
GRANT ALL ON FUNCTION ops.hmac_sha256(p_key bytea, p_message bytea) TO predator_auditor;


--
-- Name: FUNCTION is_finite(p_value numeric); Type: ACL; Schema: ops; Owner: predator_owner
--

REVOKE ALL ON FUNCTION ops.is_finite(p_value numeric) FROM PUBLIC;
GRANT ALL ON FUNCTION ops.is_finite(p_value numeric) TO predator_auditor;


--
-- Name: FUNCTION operator_login(); Type: ACL; Schema: ops; Owner: predator_owner
--

REVOKE ALL ON FUNCTION ops.operator_login() FROM PUBLIC;
GRANT ALL ON FUNCTION ops.operator_login() TO predator_auditor;


--
-- Name: FUNCTION reconcile_tolerance(); Type: ACL; Schema: ops; Owner: predator_owner
--

REVOKE ALL ON FUNCTION ops.reconcile_tolerance() FROM PUBLIC;


--
-- Name: FUNCTION row_hash(p_prev bytea, p_row jsonb, p_extra_exclude text[]); Type: ACL; Schema: ops; Owner: predator_owner
--

REVOKE ALL ON FUNCTION ops.row_hash(p_prev bytea, p_row jsonb, p_extra_exclude text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION ops.row_hash(p_prev bytea, p_row jsonb, p_extra_exclude text[]) TO predator_auditor;


--
-- Name: FUNCTION setting_value(p_name text, p_at timestamp with time zone); Type: ACL; Schema: ops; Owner: predator_owner
--

REVOKE ALL ON FUNCTION ops.setting_value(p_name text, p_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION ops.setting_value(p_name text, p_at timestamp with time zone) TO predator_auditor;


--
-- Name: FUNCTION tg_alert__enqueue(); Type: ACL; Schema: ops; Owner: predator_owner
--

REVOKE ALL ON FUNCTION ops.tg_alert__enqueue() FROM PUBLIC;


--
-- Name: FUNCTION tg_append_only__refuse(); Type: ACL; Schema: ops; Owner: predator_owner
--

REVOKE ALL ON FUNCTION ops.tg_append_only__refuse() FROM PUBLIC;


--
-- Name: FUNCTION tg_chain__append(); Type: ACL; Schema: ops; Owner: predator_owner
--

REVOKE ALL ON FUNCTION ops.tg_chain__append() FROM PUBLIC;


--
-- Name: FUNCTION two_person_rule(); Type: ACL; Schema: ops; Owner: predator_owner
--

REVOKE ALL ON FUNCTION ops.two_person_rule() FROM PUBLIC;
GRANT ALL ON FUNCTION ops.two_person_rule() TO predator_auditor;


--
-- Name: FUNCTION _exposure(p_lines jsonb, p_symbol text, p_cluster text, p_quote text); Type: ACL; Schema: portfolio; Owner: predator_owner
--

REVOKE ALL ON FUNCTION portfolio._exposure(p_lines jsonb, p_symbol text, p_cluster text, p_quote text) FROM PUBLIC;


--
-- Name: FUNCTION _hour_result(p_book_id integer, p_hour timestamp with time zone); Type: ACL; Schema: portfolio; Owner: predator_owner
--

REVOKE ALL ON FUNCTION portfolio._hour_result(p_book_id integer, p_hour timestamp with time zone) FROM PUBLIC;


--
-- Name: FUNCTION _quote_figures(p_currencies jsonb, p_quote text, p_notional numeric); Type: ACL; Schema: portfolio; Owner: predator_owner
--

REVOKE ALL ON FUNCTION portfolio._quote_figures(p_currencies jsonb, p_quote text, p_notional numeric) FROM PUBLIC;


--
-- Name: FUNCTION _to_reporting(p_venue text, p_reporting text, p_currency text, p_amount numeric, p_ts timestamp with time zone); Type: ACL; Schema: portfolio; Owner: predator_owner
--

REVOKE ALL ON FUNCTION portfolio._to_reporting(p_venue text, p_reporting text, p_currency text, p_amount numeric, p_ts timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION portfolio._to_reporting(p_venue text, p_reporting text, p_currency text, p_amount numeric, p_ts timestamp with time zone) TO predator_auditor;


--
-- Name: FUNCTION _treasury_close(p_book_id integer, p_hour timestamp with time zone, p_equity numeric); Type: ACL; Schema: portfolio; Owner: predator_owner
--

REVOKE ALL ON FUNCTION portfolio._treasury_close(p_book_id integer, p_hour timestamp with time zone, p_equity numeric) FROM PUBLIC;


--
-- Name: FUNCTION book_symbols(p_book_id integer, p_hour timestamp with time zone); Type: ACL; Schema: portfolio; Owner: predator_owner
--

REVOKE ALL ON FUNCTION portfolio.book_symbols(p_book_id integer, p_hour timestamp with time zone) FROM PUBLIC;


--
-- Name: FUNCTION inputs_digest(p_venue text, p_symbols text[], p_hour timestamp with time zone); Type: ACL; Schema: portfolio; Owner: predator_owner
--

REVOKE ALL ON FUNCTION portfolio.inputs_digest(p_venue text, p_symbols text[], p_hour timestamp with time zone) FROM PUBLIC;


--
-- Name: FUNCTION outputs_hash(p_digests jsonb); Type: ACL; Schema: portfolio; Owner: predator_owner
--

REVOKE ALL ON FUNCTION portfolio.outputs_hash(p_digests jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION portfolio.outputs_hash(p_digests jsonb) TO predator_auditor;


--
-- Name: FUNCTION treasury_figures(p_book_id integer, p_from timestamp with time zone, p_to timestamp with time zone); Type: ACL; Schema: portfolio; Owner: predator_owner
--

REVOKE ALL ON FUNCTION portfolio.treasury_figures(p_book_id integer, p_from timestamp with time zone, p_to timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION portfolio.treasury_figures(p_book_id integer, p_from timestamp with time zone, p_to timestamp with time zone) TO predator_auditor;


--
-- Name: FUNCTION valuation(p_book_id integer, p_ts timestamp with time zone); Type: ACL; Schema: portfolio; Owner: predator_owner
--

REVOKE ALL ON FUNCTION portfolio.valuation(p_book_id integer, p_ts timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION portfolio.valuation(p_book_id integer, p_ts timestamp with time zone) TO predator_auditor;


--
-- Name: FUNCTION window_digests(p_book_id integer, p_from jsonb, p_to jsonb, p_recompute boolean); Type: ACL; Schema: portfolio; Owner: predator_owner
--

REVOKE ALL ON FUNCTION portfolio.window_digests(p_book_id integer, p_from jsonb, p_to jsonb, p_recompute boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION portfolio.window_digests(p_book_id integer, p_from jsonb, p_to jsonb, p_recompute boolean) TO predator_auditor;


--
-- Name: FUNCTION _active_halts(p_account text, p_lane text, p_strategy text); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk._active_halts(p_account text, p_lane text, p_strategy text) FROM PUBLIC;


--
-- Name: FUNCTION _admission_state(p_book_id integer, p_side text, p_ts timestamp with time zone); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk._admission_state(p_book_id integer, p_side text, p_ts timestamp with time zone) FROM PUBLIC;


--
-- Name: FUNCTION _advance_state(p_book_id integer, p_hour timestamp with time zone); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk._advance_state(p_book_id integer, p_hour timestamp with time zone) FROM PUBLIC;


--
-- Name: FUNCTION _advance_strategy_state(p_book_id integer, p_strategy text, p_hour timestamp with time zone, p_limits jsonb, p_day_start numeric, p_peak numeric); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk._advance_strategy_state(p_book_id integer, p_strategy text, p_hour timestamp with time zone, p_limits jsonb, p_day_start numeric, p_peak numeric) FROM PUBLIC;


--
-- Name: FUNCTION _after_fill(p_book_id integer, p_client_order_id text, p_price numeric, p_ts timestamp with time zone); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk._after_fill(p_book_id integer, p_client_order_id text, p_price numeric, p_ts timestamp with time zone) FROM PUBLIC;


--
-- Name: FUNCTION _arbitrated_quantity(p_arbitration jsonb, p_qty numeric, p_notional numeric); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk._arbitrated_quantity(p_arbitration jsonb, p_qty numeric, p_notional numeric) FROM PUBLIC;


--
-- Name: FUNCTION _breaker(p_lane text, p_account text, p_breaker text); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk._breaker(p_lane text, p_account text, p_breaker text) FROM PUBLIC;


--
-- Name: FUNCTION _breaker_pause(p_book_id integer, p_breaker text, p_ts timestamp with time zone, p_value numeric, p_threshold numeric, p_figures jsonb); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk._breaker_pause(p_book_id integer, p_breaker text, p_ts timestamp with time zone, p_value numeric, p_threshold numeric, p_figures jsonb) FROM PUBLIC;


--
-- Name: FUNCTION _check_arbitration(p_book_id integer, p_strategy text, p_symbol text, p_ts timestamp with time zone, p_side text, p_blocked boolean, p_qty numeric, p_price numeric); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk._check_arbitration(p_book_id integer, p_strategy text, p_symbol text, p_ts timestamp with time zone, p_side text, p_blocked boolean, p_qty numeric, p_price numeric) FROM PUBLIC;


--
-- Name: FUNCTION _check_breaker(p_book_id integer, p_breaker text, p_ts timestamp with time zone, p_value numeric, p_events bigint, p_figures jsonb); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk._check_breaker(p_book_id integer, p_breaker text, p_ts timestamp with time zone, p_value numeric, p_events bigint, p_figures jsonb) FROM PUBLIC;


--
-- Name: FUNCTION _check_currency(p_trade_currencies text[], p_missing_rates text[], p_quote jsonb, p_side text); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk._check_currency(p_trade_currencies text[], p_missing_rates text[], p_quote jsonb, p_side text) FROM PUBLIC;


--
-- Name: FUNCTION _check_pool(p_book_id integer, p_strategy text, p_ts timestamp with time zone, p_side text, p_notional numeric, p_limits jsonb, p_equity numeric, p_day_start numeric, p_peak numeric); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk._check_pool(p_book_id integer, p_strategy text, p_ts timestamp with time zone, p_side text, p_notional numeric, p_limits jsonb, p_equity numeric, p_day_start numeric, p_peak numeric) FROM PUBLIC;


--
-- Name: FUNCTION _check_strategy_allocation(p_book_id integer, p_strategy text, p_ts timestamp with time zone, p_side text, p_notional numeric, p_limits jsonb, p_equity numeric); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk._check_strategy_allocation(p_book_id integer, p_strategy text, p_ts timestamp with time zone, p_side text, p_notional numeric, p_limits jsonb, p_equity numeric) FROM PUBLIC;


--
-- Name: FUNCTION _check_strategy_loss(p_book_id integer, p_strategy text, p_ts timestamp with time zone, p_side text, p_limits jsonb, p_day_start numeric, p_peak numeric); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk._check_strategy_loss(p_book_id integer, p_strategy text, p_ts timestamp with time zone, p_side text, p_limits jsonb, p_day_start numeric, p_peak numeric) FROM PUBLIC;


--
-- Name: FUNCTION _drawdown_hold(p_book_id integer, p_ts timestamp with time zone, p_reason text); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk._drawdown_hold(p_book_id integer, p_ts timestamp with time zone, p_reason text) FROM PUBLIC;


--
-- Name: FUNCTION _evaluate_hour(p_book_id integer, p_ts timestamp with time zone, p_equity numeric, p_peak numeric, p_day_start numeric); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk._evaluate_hour(p_book_id integer, p_ts timestamp with time zone, p_equity numeric, p_peak numeric, p_day_start numeric) FROM PUBLIC;


--
-- Name: FUNCTION _evaluate_intrahour(p_book_id integer, p_ts timestamp with time zone); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk._evaluate_intrahour(p_book_id integer, p_ts timestamp with time zone) FROM PUBLIC;


--
-- Name: FUNCTION _evaluate_strategies(p_book_id integer, p_hour timestamp with time zone, p_day_start numeric, p_peak numeric); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk._evaluate_strategies(p_book_id integer, p_hour timestamp with time zone, p_day_start numeric, p_peak numeric) FROM PUBLIC;


--
-- Name: FUNCTION _flatten(p_book_id integer, p_ts timestamp with time zone, p_origin text, p_reason text, p_whole_position boolean); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk._flatten(p_book_id integer, p_ts timestamp with time zone, p_origin text, p_reason text, p_whole_position boolean) FROM PUBLIC;


--
-- Name: FUNCTION _health_cap(p_book_id integer, p_strategy text, p_limits jsonb, p_order_cap numeric, p_equity numeric, p_notional numeric); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk._health_cap(p_book_id integer, p_strategy text, p_limits jsonb, p_order_cap numeric, p_equity numeric, p_notional numeric) FROM PUBLIC;


--
-- Name: FUNCTION _horizon_review(p_book_id integer, p_hour timestamp with time zone); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk._horizon_review(p_book_id integer, p_hour timestamp with time zone) FROM PUBLIC;


--
-- Name: FUNCTION _hour_reviews(p_book_id integer, p_hour timestamp with time zone); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk._hour_reviews(p_book_id integer, p_hour timestamp with time zone) FROM PUBLIC;


--
-- Name: FUNCTION _kill_strategy(p_book_id integer, p_strategy text, p_ts timestamp with time zone, p_reason text); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk._kill_strategy(p_book_id integer, p_strategy text, p_ts timestamp with time zone, p_reason text) FROM PUBLIC;


--
-- Name: FUNCTION _loss_stop(p_book_id integer, p_ts timestamp with time zone, p_reason text); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk._loss_stop(p_book_id integer, p_ts timestamp with time zone, p_reason text) FROM PUBLIC;


--
-- Name: FUNCTION _net_arbitration(p_book_id integer, p_strategy text, p_symbol text, p_ts timestamp with time zone, p_side text, p_qty numeric, p_price numeric, p_against jsonb); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk._net_arbitration(p_book_id integer, p_strategy text, p_symbol text, p_ts timestamp with time zone, p_side text, p_qty numeric, p_price numeric, p_against jsonb) FROM PUBLIC;


--
-- Name: FUNCTION _note_breaker(p_book_id integer, p_breaker text, p_ts timestamp with time zone, p_value numeric, p_threshold numeric); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk._note_breaker(p_book_id integer, p_breaker text, p_ts timestamp with time zone, p_value numeric, p_threshold numeric) FROM PUBLIC;


--
-- Name: FUNCTION _require_resumable(p_what text, p_scope_kind text, p_scope_key text, p_book_id integer); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk._require_resumable(p_what text, p_scope_kind text, p_scope_key text, p_book_id integer) FROM PUBLIC;


--
-- Name: FUNCTION _resume_risk(p_book_id integer, p_strategy text, p_reason text); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk._resume_risk(p_book_id integer, p_strategy text, p_reason text) FROM PUBLIC;


--
-- Name: FUNCTION _rule_reasons(p_checks jsonb); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk._rule_reasons(p_checks jsonb) FROM PUBLIC;


--
-- Name: FUNCTION _scope(p_scope text, p_target text); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk._scope(p_scope text, p_target text) FROM PUBLIC;


--
-- Name: FUNCTION _set_halt(p_scope_kind text, p_scope_key text, p_book_id integer, p_action text, p_reason text, p_source text, p_ts timestamp with time zone, p_incident bigint); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk._set_halt(p_scope_kind text, p_scope_key text, p_book_id integer, p_action text, p_reason text, p_source text, p_ts timestamp with time zone, p_incident bigint) FROM PUBLIC;


--
-- Name: FUNCTION _set_limit(p_profile text, p_limit text, p_mode text, p_value numeric, p_reason text, p_scope text, p_origin text); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk._set_limit(p_profile text, p_limit text, p_mode text, p_value numeric, p_reason text, p_scope text, p_origin text) FROM PUBLIC;


--
-- Name: FUNCTION _state(p_book_id integer); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk._state(p_book_id integer) FROM PUBLIC;


--
-- Name: FUNCTION _strategy_admission_state(p_book_id integer, p_strategy text, p_side text, p_ts timestamp with time zone, p_day_start numeric, p_peak numeric); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk._strategy_admission_state(p_book_id integer, p_strategy text, p_side text, p_ts timestamp with time zone, p_day_start numeric, p_peak numeric) FROM PUBLIC;


--
-- Name: FUNCTION _strategy_health(p_book_id integer, p_hour timestamp with time zone); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk._strategy_health(p_book_id integer, p_hour timestamp with time zone) FROM PUBLIC;


--
-- Name: FUNCTION _strategy_position(p_book_id integer, p_strategy text, p_symbol text, p_book_qty numeric, p_book_open_sell numeric); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk._strategy_position(p_book_id integer, p_strategy text, p_symbol text, p_book_qty numeric, p_book_open_sell numeric) FROM PUBLIC;


--
-- Name: FUNCTION _strategy_reduce(p_book_id integer, p_strategy text, p_ts timestamp with time zone, p_limits jsonb, p_day_start numeric, p_peak numeric); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk._strategy_reduce(p_book_id integer, p_strategy text, p_ts timestamp with time zone, p_limits jsonb, p_day_start numeric, p_peak numeric) FROM PUBLIC;


--
-- Name: FUNCTION _strategy_state(p_book_id integer, p_strategy text); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk._strategy_state(p_book_id integer, p_strategy text) FROM PUBLIC;


--
-- Name: FUNCTION _strategy_transition(p_book_id integer, p_strategy text, p_state_after text, p_cause text, p_reason text, p_ts timestamp with time zone, p_until timestamp with time zone); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk._strategy_transition(p_book_id integer, p_strategy text, p_state_after text, p_cause text, p_reason text, p_ts timestamp with time zone, p_until timestamp with time zone) FROM PUBLIC;


--
-- Name: FUNCTION _sync_halt(p_book_id integer, p_ts timestamp with time zone); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk._sync_halt(p_book_id integer, p_ts timestamp with time zone) FROM PUBLIC;


--
-- Name: FUNCTION _sync_strategy_halt(p_book_id integer, p_strategy text, p_ts timestamp with time zone); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk._sync_strategy_halt(p_book_id integer, p_strategy text, p_ts timestamp with time zone) FROM PUBLIC;


--
-- Name: FUNCTION _transition(p_book_id integer, p_state_after text, p_cause text, p_reason text, p_ts timestamp with time zone, p_until timestamp with time zone); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk._transition(p_book_id integer, p_state_after text, p_cause text, p_reason text, p_ts timestamp with time zone, p_until timestamp with time zone) FROM PUBLIC;


--
-- Name: FUNCTION _treasury_budget(p_book_id integer, p_ts timestamp with time zone, p_limits jsonb, p_symbol text, p_cluster text, p_quote text, p_equity numeric, p_notional numeric, p_inst_after numeric, p_clus_after numeric, p_quote_after numeric, p_port_after numeric); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk._treasury_budget(p_book_id integer, p_ts timestamp with time zone, p_limits jsonb, p_symbol text, p_cluster text, p_quote text, p_equity numeric, p_notional numeric, p_inst_after numeric, p_clus_after numeric, p_quote_after numeric, p_port_after numeric) FROM PUBLIC;


--
-- Name: FUNCTION _trip(p_book_id integer, p_breaker text, p_ts timestamp with time zone, p_value numeric, p_threshold numeric, p_scope text, p_figures jsonb); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk._trip(p_book_id integer, p_breaker text, p_ts timestamp with time zone, p_value numeric, p_threshold numeric, p_scope text, p_figures jsonb) FROM PUBLIC;


--
-- Name: FUNCTION _volatility_cap(p_venue text, p_symbol text, p_ts timestamp with time zone, p_limits jsonb, p_equity numeric, p_position_after numeric); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk._volatility_cap(p_venue text, p_symbol text, p_ts timestamp with time zone, p_limits jsonb, p_equity numeric, p_position_after numeric) FROM PUBLIC;


--
-- Name: FUNCTION _window_hours(p_book_id integer, p_breaker text); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk._window_hours(p_book_id integer, p_breaker text) FROM PUBLIC;


--
-- Name: FUNCTION arbitration_rule(p_profile text); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk.arbitration_rule(p_profile text) FROM PUBLIC;
GRANT ALL ON FUNCTION risk.arbitration_rule(p_profile text) TO predator_auditor;


--
-- Name: FUNCTION cap(p_limits jsonb, p_limit text, p_scope text, p_base numeric); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk.cap(p_limits jsonb, p_limit text, p_scope text, p_base numeric) FROM PUBLIC;
GRANT ALL ON FUNCTION risk.cap(p_limits jsonb, p_limit text, p_scope text, p_base numeric) TO predator_auditor;


--
-- Name: FUNCTION current_limits(p_profile text); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk.current_limits(p_profile text) FROM PUBLIC;
GRANT ALL ON FUNCTION risk.current_limits(p_profile text) TO predator_auditor;


--
-- Name: FUNCTION normal_cdf(p_x numeric); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk.normal_cdf(p_x numeric) FROM PUBLIC;


--
-- Name: FUNCTION pool_enabled(p_lane text, p_pool text); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk.pool_enabled(p_lane text, p_pool text) FROM PUBLIC;
GRANT ALL ON FUNCTION risk.pool_enabled(p_lane text, p_pool text) TO predator_auditor;


--
-- Name: FUNCTION realized_volatility(p_venue text, p_symbol text, p_at timestamp with time zone, p_hours integer); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk.realized_volatility(p_venue text, p_symbol text, p_at timestamp with time zone, p_hours integer) FROM PUBLIC;


--
-- Name: FUNCTION strategy_figures(p_book_id integer, p_strategy text, p_ts timestamp with time zone); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk.strategy_figures(p_book_id integer, p_strategy text, p_ts timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION risk.strategy_figures(p_book_id integer, p_strategy text, p_ts timestamp with time zone) TO predator_auditor;


--
-- Name: FUNCTION tg_state_event__apply(); Type: ACL; Schema: risk; Owner: predator_owner
--

REVOKE ALL ON FUNCTION risk.tg_state_event__apply() FROM PUBLIC;


--
-- Name: FUNCTION _account(p_account text); Type: ACL; Schema: trading; Owner: predator_owner
--

REVOKE ALL ON FUNCTION trading._account(p_account text) FROM PUBLIC;


--
-- Name: FUNCTION _fee_in_quote(p_venue text, p_symbol text, p_fee numeric, p_fee_currency text, p_price numeric, p_ts timestamp with time zone); Type: ACL; Schema: trading; Owner: predator_owner
--

REVOKE ALL ON FUNCTION trading._fee_in_quote(p_venue text, p_symbol text, p_fee numeric, p_fee_currency text, p_price numeric, p_ts timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION trading._fee_in_quote(p_venue text, p_symbol text, p_fee numeric, p_fee_currency text, p_price numeric, p_ts timestamp with time zone) TO predator_auditor;


--
-- Name: FUNCTION _order_book(p_client_order_id text); Type: ACL; Schema: trading; Owner: predator_owner
--

REVOKE ALL ON FUNCTION trading._order_book(p_client_order_id text) FROM PUBLIC;


--
-- Name: FUNCTION client_order_id(p_account text, p_strategy text, p_symbol text, p_ts timestamp with time zone, p_direction text); Type: ACL; Schema: trading; Owner: predator_owner
--

REVOKE ALL ON FUNCTION trading.client_order_id(p_account text, p_strategy text, p_symbol text, p_ts timestamp with time zone, p_direction text) FROM PUBLIC;


--
-- Name: FUNCTION tg_fill__check(); Type: ACL; Schema: trading; Owner: predator_owner
--

REVOKE ALL ON FUNCTION trading.tg_fill__check() FROM PUBLIC;


--
-- Name: FUNCTION tg_lot__guard(); Type: ACL; Schema: trading; Owner: predator_owner
--

REVOKE ALL ON FUNCTION trading.tg_lot__guard() FROM PUBLIC;


--
-- Name: FUNCTION tg_order_event__apply(); Type: ACL; Schema: trading; Owner: predator_owner
--

REVOKE ALL ON FUNCTION trading.tg_order_event__apply() FROM PUBLIC;


--
-- Name: FUNCTION tg_order_request__check(); Type: ACL; Schema: trading; Owner: predator_owner
--

REVOKE ALL ON FUNCTION trading.tg_order_request__check() FROM PUBLIC;


--
-- Name: FUNCTION tg_round_trip__check(); Type: ACL; Schema: trading; Owner: predator_owner
--

REVOKE ALL ON FUNCTION trading.tg_round_trip__check() FROM PUBLIC;


--
-- Name: TABLE accounts; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.accounts TO predator_worker;
GRANT SELECT ON TABLE api.accounts TO predator_operator;
GRANT SELECT ON TABLE api.accounts TO predator_auditor;


--
-- Name: TABLE alert_attempt; Type: ACL; Schema: ops; Owner: predator_owner
--

GRANT SELECT ON TABLE ops.alert_attempt TO predator_auditor;


--
-- Name: TABLE alert_outbox; Type: ACL; Schema: ops; Owner: predator_owner
--

GRANT SELECT ON TABLE ops.alert_outbox TO predator_auditor;


--
-- Name: TABLE alert_attempts; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.alert_attempts TO predator_worker;
GRANT SELECT ON TABLE api.alert_attempts TO predator_operator;
GRANT SELECT ON TABLE api.alert_attempts TO predator_auditor;


--
-- Name: TABLE alerts; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.alerts TO predator_worker;
GRANT SELECT ON TABLE api.alerts TO predator_operator;
GRANT SELECT ON TABLE api.alerts TO predator_auditor;


--
-- Name: TABLE anchor_key_revocation; Type: ACL; Schema: ops; Owner: predator_owner
--

GRANT SELECT ON TABLE ops.anchor_key_revocation TO predator_auditor;


--
-- Name: TABLE anchor_keys; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.anchor_keys TO predator_worker;
GRANT SELECT ON TABLE api.anchor_keys TO predator_operator;
GRANT SELECT ON TABLE api.anchor_keys TO predator_auditor;


--
-- Name: TABLE approval; Type: ACL; Schema: ops; Owner: predator_owner
--

GRANT SELECT ON TABLE ops.approval TO predator_auditor;


--
-- Name: TABLE approval_request; Type: ACL; Schema: ops; Owner: predator_owner
--

GRANT SELECT ON TABLE ops.approval_request TO predator_auditor;


--
-- Name: TABLE approval_use; Type: ACL; Schema: ops; Owner: predator_owner
--

GRANT SELECT ON TABLE ops.approval_use TO predator_auditor;


--
-- Name: TABLE approval_requests; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.approval_requests TO predator_worker;
GRANT SELECT ON TABLE api.approval_requests TO predator_operator;
GRANT SELECT ON TABLE api.approval_requests TO predator_auditor;


--
-- Name: TABLE arbitration_setting; Type: ACL; Schema: risk; Owner: predator_owner
--

GRANT SELECT ON TABLE risk.arbitration_setting TO predator_auditor;


--
-- Name: TABLE profile; Type: ACL; Schema: risk; Owner: predator_owner
--

GRANT SELECT ON TABLE risk.profile TO predator_auditor;


--
-- Name: TABLE arbitration; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.arbitration TO predator_worker;
GRANT SELECT ON TABLE api.arbitration TO predator_operator;
GRANT SELECT ON TABLE api.arbitration TO predator_auditor;


--
-- Name: TABLE asset; Type: ACL; Schema: market; Owner: predator_owner
--

GRANT SELECT ON TABLE market.asset TO predator_auditor;


--
-- Name: TABLE assets; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.assets TO predator_worker;
GRANT SELECT ON TABLE api.assets TO predator_operator;
GRANT SELECT ON TABLE api.assets TO predator_auditor;


--
-- Name: TABLE audit_log; Type: ACL; Schema: ops; Owner: predator_owner
--

GRANT SELECT ON TABLE ops.audit_log TO predator_auditor;


--
-- Name: TABLE audit_log; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.audit_log TO predator_worker;
GRANT SELECT ON TABLE api.audit_log TO predator_operator;
GRANT SELECT ON TABLE api.audit_log TO predator_auditor;


--
-- Name: TABLE balance; Type: ACL; Schema: ledger; Owner: predator_owner
--

GRANT SELECT ON TABLE ledger.balance TO predator_auditor;


--
-- Name: TABLE balances; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.balances TO predator_worker;
GRANT SELECT ON TABLE api.balances TO predator_operator;
GRANT SELECT ON TABLE api.balances TO predator_auditor;


--
-- Name: TABLE book_currency; Type: ACL; Schema: trading; Owner: predator_owner
--

GRANT SELECT ON TABLE trading.book_currency TO predator_auditor;


--
-- Name: TABLE book_currencies; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.book_currencies TO predator_worker;
GRANT SELECT ON TABLE api.book_currencies TO predator_operator;
GRANT SELECT ON TABLE api.book_currencies TO predator_auditor;


--
-- Name: TABLE breaker_trip; Type: ACL; Schema: risk; Owner: predator_owner
--

GRANT SELECT ON TABLE risk.breaker_trip TO predator_auditor;


--
-- Name: TABLE breaker_trips; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.breaker_trips TO predator_worker;
GRANT SELECT ON TABLE api.breaker_trips TO predator_operator;
GRANT SELECT ON TABLE api.breaker_trips TO predator_auditor;


--
-- Name: TABLE breaker_kind; Type: ACL; Schema: risk; Owner: predator_owner
--

GRANT SELECT ON TABLE risk.breaker_kind TO predator_auditor;


--
-- Name: TABLE breaker_setting; Type: ACL; Schema: risk; Owner: predator_owner
--

GRANT SELECT ON TABLE risk.breaker_setting TO predator_auditor;


--
-- Name: TABLE breakers; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.breakers TO predator_worker;
GRANT SELECT ON TABLE api.breakers TO predator_operator;
GRANT SELECT ON TABLE api.breakers TO predator_auditor;


--
-- Name: TABLE candle; Type: ACL; Schema: market; Owner: predator_owner
--

GRANT SELECT ON TABLE market.candle TO predator_auditor;


--
-- Name: TABLE candle_anomalies; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.candle_anomalies TO predator_worker;
GRANT SELECT ON TABLE api.candle_anomalies TO predator_operator;
GRANT SELECT ON TABLE api.candle_anomalies TO predator_auditor;


--
-- Name: TABLE candle_correction; Type: ACL; Schema: market; Owner: predator_owner
--

GRANT SELECT ON TABLE market.candle_correction TO predator_auditor;


--
-- Name: TABLE candle_corrections; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.candle_corrections TO predator_worker;
GRANT SELECT ON TABLE api.candle_corrections TO predator_operator;
GRANT SELECT ON TABLE api.candle_corrections TO predator_auditor;


--
-- Name: TABLE candle_load; Type: ACL; Schema: market; Owner: predator_owner
--

GRANT SELECT ON TABLE market.candle_load TO predator_auditor;


--
-- Name: TABLE candle_loads; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.candle_loads TO predator_worker;
GRANT SELECT ON TABLE api.candle_loads TO predator_operator;
GRANT SELECT ON TABLE api.candle_loads TO predator_auditor;


--
-- Name: TABLE candle_quarantine; Type: ACL; Schema: market; Owner: predator_owner
--

GRANT SELECT ON TABLE market.candle_quarantine TO predator_auditor;


--
-- Name: TABLE candle_quarantine; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.candle_quarantine TO predator_worker;
GRANT SELECT ON TABLE api.candle_quarantine TO predator_operator;
GRANT SELECT ON TABLE api.candle_quarantine TO predator_auditor;


--
-- Name: TABLE candle_revisions; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.candle_revisions TO predator_worker;
GRANT SELECT ON TABLE api.candle_revisions TO predator_operator;
GRANT SELECT ON TABLE api.candle_revisions TO predator_auditor;


--
-- Name: TABLE candles; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.candles TO predator_worker;
GRANT SELECT ON TABLE api.candles TO predator_operator;
GRANT SELECT ON TABLE api.candles TO predator_auditor;


--
-- Name: TABLE chain_anchor; Type: ACL; Schema: ops; Owner: predator_owner
--

GRANT SELECT ON TABLE ops.chain_anchor TO predator_auditor;


--
-- Name: TABLE chain_anchors; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.chain_anchors TO predator_worker;
GRANT SELECT ON TABLE api.chain_anchors TO predator_operator;
GRANT SELECT ON TABLE api.chain_anchors TO predator_auditor;


--
-- Name: TABLE chained_tables; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.chained_tables TO predator_worker;
GRANT SELECT ON TABLE api.chained_tables TO predator_operator;
GRANT SELECT ON TABLE api.chained_tables TO predator_auditor;


--
-- Name: TABLE chaos_campaign; Type: ACL; Schema: ops; Owner: predator_owner
--

GRANT SELECT ON TABLE ops.chaos_campaign TO predator_auditor;


--
-- Name: TABLE chaos_campaigns; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.chaos_campaigns TO predator_worker;
GRANT SELECT ON TABLE api.chaos_campaigns TO predator_operator;
GRANT SELECT ON TABLE api.chaos_campaigns TO predator_auditor;


--
-- Name: TABLE chaos_fault; Type: ACL; Schema: ops; Owner: predator_owner
--

GRANT SELECT ON TABLE ops.chaos_fault TO predator_auditor;


--
-- Name: TABLE chaos_faults; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.chaos_faults TO predator_worker;
GRANT SELECT ON TABLE api.chaos_faults TO predator_operator;
GRANT SELECT ON TABLE api.chaos_faults TO predator_auditor;


--
-- Name: TABLE reconciliation; Type: ACL; Schema: ops; Owner: predator_owner
--

GRANT SELECT ON TABLE ops.reconciliation TO predator_auditor;


--
-- Name: TABLE transfer_posting; Type: ACL; Schema: ops; Owner: predator_owner
--

GRANT SELECT ON TABLE ops.transfer_posting TO predator_auditor;


--
-- Name: TABLE hourly_state; Type: ACL; Schema: portfolio; Owner: predator_owner
--

GRANT SELECT ON TABLE portfolio.hourly_state TO predator_auditor;


--
-- Name: TABLE strategy_hour; Type: ACL; Schema: portfolio; Owner: predator_owner
--

GRANT SELECT ON TABLE portfolio.strategy_hour TO predator_auditor;


--
-- Name: TABLE halt_event; Type: ACL; Schema: risk; Owner: predator_owner
--

GRANT SELECT ON TABLE risk.halt_event TO predator_auditor;


--
-- Name: TABLE strategy_health; Type: ACL; Schema: risk; Owner: predator_owner
--

GRANT SELECT ON TABLE risk.strategy_health TO predator_auditor;


--
-- Name: TABLE fill_void; Type: ACL; Schema: trading; Owner: predator_owner
--

GRANT SELECT ON TABLE trading.fill_void TO predator_auditor;


--
-- Name: TABLE chaos_metrics; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.chaos_metrics TO predator_worker;
GRANT SELECT ON TABLE api.chaos_metrics TO predator_operator;
GRANT SELECT ON TABLE api.chaos_metrics TO predator_auditor;


--
-- Name: TABLE decision; Type: ACL; Schema: risk; Owner: predator_owner
--

GRANT SELECT ON TABLE risk.decision TO predator_auditor;


--
-- Name: TABLE signal; Type: ACL; Schema: trading; Owner: predator_owner
--

GRANT SELECT ON TABLE trading.signal TO predator_auditor;


--
-- Name: TABLE decisions; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.decisions TO predator_worker;
GRANT SELECT ON TABLE api.decisions TO predator_operator;
GRANT SELECT ON TABLE api.decisions TO predator_auditor;


--
-- Name: TABLE exposures; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.exposures TO predator_worker;
GRANT SELECT ON TABLE api.exposures TO predator_operator;
GRANT SELECT ON TABLE api.exposures TO predator_auditor;


--
-- Name: TABLE fill_voids; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.fill_voids TO predator_worker;
GRANT SELECT ON TABLE api.fill_voids TO predator_operator;
GRANT SELECT ON TABLE api.fill_voids TO predator_auditor;


--
-- Name: TABLE fill; Type: ACL; Schema: trading; Owner: predator_owner
--

GRANT SELECT ON TABLE trading.fill TO predator_auditor;


--
-- Name: TABLE order_request; Type: ACL; Schema: trading; Owner: predator_owner
--

GRANT SELECT ON TABLE trading.order_request TO predator_auditor;


--
-- Name: TABLE fills; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.fills TO predator_worker;
GRANT SELECT ON TABLE api.fills TO predator_operator;
GRANT SELECT ON TABLE api.fills TO predator_auditor;


--
-- Name: TABLE halt_events; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.halt_events TO predator_worker;
GRANT SELECT ON TABLE api.halt_events TO predator_operator;
GRANT SELECT ON TABLE api.halt_events TO predator_auditor;


--
-- Name: TABLE halt_state; Type: ACL; Schema: risk; Owner: predator_owner
--

GRANT SELECT ON TABLE risk.halt_state TO predator_auditor;


--
-- Name: TABLE halts; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.halts TO predator_worker;
GRANT SELECT ON TABLE api.halts TO predator_operator;
GRANT SELECT ON TABLE api.halts TO predator_auditor;


--
-- Name: TABLE horizon_flag; Type: ACL; Schema: risk; Owner: predator_owner
--

GRANT SELECT ON TABLE risk.horizon_flag TO predator_auditor;


--
-- Name: TABLE horizon_flags; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.horizon_flags TO predator_worker;
GRANT SELECT ON TABLE api.horizon_flags TO predator_operator;
GRANT SELECT ON TABLE api.horizon_flags TO predator_auditor;


--
-- Name: TABLE hour_close_timing; Type: ACL; Schema: ops; Owner: predator_owner
--

GRANT SELECT ON TABLE ops.hour_close_timing TO predator_auditor;


--
-- Name: TABLE hour_closes; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.hour_closes TO predator_worker;
GRANT SELECT ON TABLE api.hour_closes TO predator_operator;
GRANT SELECT ON TABLE api.hour_closes TO predator_auditor;


--
-- Name: TABLE hour_knowledge; Type: ACL; Schema: portfolio; Owner: predator_owner
--

GRANT SELECT ON TABLE portfolio.hour_knowledge TO predator_auditor;


--
-- Name: TABLE hour_knowledge; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.hour_knowledge TO predator_worker;
GRANT SELECT ON TABLE api.hour_knowledge TO predator_operator;
GRANT SELECT ON TABLE api.hour_knowledge TO predator_auditor;


--
-- Name: TABLE hourly_states; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.hourly_states TO predator_worker;
GRANT SELECT ON TABLE api.hourly_states TO predator_operator;
GRANT SELECT ON TABLE api.hourly_states TO predator_auditor;


--
-- Name: TABLE incident; Type: ACL; Schema: ops; Owner: predator_owner
--

GRANT SELECT ON TABLE ops.incident TO predator_auditor;


--
-- Name: TABLE incident_update; Type: ACL; Schema: ops; Owner: predator_owner
--

GRANT SELECT ON TABLE ops.incident_update TO predator_auditor;


--
-- Name: TABLE incidents; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.incidents TO predator_worker;
GRANT SELECT ON TABLE api.incidents TO predator_operator;
GRANT SELECT ON TABLE api.incidents TO predator_auditor;


--
-- Name: TABLE instrument; Type: ACL; Schema: market; Owner: predator_owner
--

GRANT SELECT ON TABLE market.instrument TO predator_auditor;


--
-- Name: TABLE instruments; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.instruments TO predator_worker;
GRANT SELECT ON TABLE api.instruments TO predator_operator;
GRANT SELECT ON TABLE api.instruments TO predator_auditor;


--
-- Name: TABLE limit_policy; Type: ACL; Schema: risk; Owner: predator_owner
--

GRANT SELECT ON TABLE risk.limit_policy TO predator_auditor;


--
-- Name: TABLE limit_policy; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.limit_policy TO predator_worker;
GRANT SELECT ON TABLE api.limit_policy TO predator_operator;
GRANT SELECT ON TABLE api.limit_policy TO predator_auditor;


--
-- Name: TABLE limit_setting; Type: ACL; Schema: risk; Owner: predator_owner
--

GRANT SELECT ON TABLE risk.limit_setting TO predator_auditor;


--
-- Name: TABLE limits; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.limits TO predator_worker;
GRANT SELECT ON TABLE api.limits TO predator_operator;
GRANT SELECT ON TABLE api.limits TO predator_auditor;


--
-- Name: TABLE lot; Type: ACL; Schema: trading; Owner: predator_owner
--

GRANT SELECT ON TABLE trading.lot TO predator_auditor;


--
-- Name: TABLE lots; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.lots TO predator_worker;
GRANT SELECT ON TABLE api.lots TO predator_operator;
GRANT SELECT ON TABLE api.lots TO predator_auditor;


--
-- Name: TABLE operating_cost; Type: ACL; Schema: ledger; Owner: predator_owner
--

GRANT SELECT ON TABLE ledger.operating_cost TO predator_auditor;


--
-- Name: TABLE operating_costs; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.operating_costs TO predator_worker;
GRANT SELECT ON TABLE api.operating_costs TO predator_operator;
GRANT SELECT ON TABLE api.operating_costs TO predator_auditor;


--
-- Name: TABLE order_event; Type: ACL; Schema: trading; Owner: predator_owner
--

GRANT SELECT ON TABLE trading.order_event TO predator_auditor;


--
-- Name: TABLE order_events; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.order_events TO predator_worker;
GRANT SELECT ON TABLE api.order_events TO predator_operator;
GRANT SELECT ON TABLE api.order_events TO predator_auditor;


--
-- Name: TABLE order_state; Type: ACL; Schema: trading; Owner: predator_owner
--

GRANT SELECT ON TABLE trading.order_state TO predator_auditor;


--
-- Name: TABLE orders; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.orders TO predator_worker;
GRANT SELECT ON TABLE api.orders TO predator_operator;
GRANT SELECT ON TABLE api.orders TO predator_auditor;


--
-- Name: TABLE lane_pool_setting; Type: ACL; Schema: risk; Owner: predator_owner
--

GRANT SELECT ON TABLE risk.lane_pool_setting TO predator_auditor;


--
-- Name: TABLE pool; Type: ACL; Schema: risk; Owner: predator_owner
--

GRANT SELECT ON TABLE risk.pool TO predator_auditor;


--
-- Name: TABLE pools; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.pools TO predator_worker;
GRANT SELECT ON TABLE api.pools TO predator_operator;
GRANT SELECT ON TABLE api.pools TO predator_auditor;


--
-- Name: TABLE "position"; Type: ACL; Schema: trading; Owner: predator_owner
--

GRANT SELECT ON TABLE trading."position" TO predator_auditor;


--
-- Name: TABLE positions; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.positions TO predator_worker;
GRANT SELECT ON TABLE api.positions TO predator_operator;
GRANT SELECT ON TABLE api.positions TO predator_auditor;


--
-- Name: TABLE reconciliations; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.reconciliations TO predator_worker;
GRANT SELECT ON TABLE api.reconciliations TO predator_operator;
GRANT SELECT ON TABLE api.reconciliations TO predator_auditor;


--
-- Name: TABLE state_event; Type: ACL; Schema: risk; Owner: predator_owner
--

GRANT SELECT ON TABLE risk.state_event TO predator_auditor;


--
-- Name: TABLE risk_state_events; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.risk_state_events TO predator_worker;
GRANT SELECT ON TABLE api.risk_state_events TO predator_operator;
GRANT SELECT ON TABLE api.risk_state_events TO predator_auditor;


--
-- Name: TABLE state_current; Type: ACL; Schema: risk; Owner: predator_owner
--

GRANT SELECT ON TABLE risk.state_current TO predator_auditor;


--
-- Name: TABLE risk_states; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.risk_states TO predator_worker;
GRANT SELECT ON TABLE api.risk_states TO predator_operator;
GRANT SELECT ON TABLE api.risk_states TO predator_auditor;


--
-- Name: TABLE round_trip; Type: ACL; Schema: trading; Owner: predator_owner
--

GRANT SELECT ON TABLE trading.round_trip TO predator_auditor;


--
-- Name: TABLE round_trips; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.round_trips TO predator_worker;
GRANT SELECT ON TABLE api.round_trips TO predator_operator;
GRANT SELECT ON TABLE api.round_trips TO predator_auditor;


--
-- Name: TABLE run; Type: ACL; Schema: ops; Owner: predator_owner
--

GRANT SELECT ON TABLE ops.run TO predator_auditor;


--
-- Name: TABLE runs; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.runs TO predator_worker;
GRANT SELECT ON TABLE api.runs TO predator_operator;
GRANT SELECT ON TABLE api.runs TO predator_auditor;


--
-- Name: TABLE safe_mode_limit; Type: ACL; Schema: risk; Owner: predator_owner
--

GRANT SELECT ON TABLE risk.safe_mode_limit TO predator_auditor;


--
-- Name: TABLE safe_mode_template; Type: ACL; Schema: risk; Owner: predator_owner
--

GRANT SELECT ON TABLE risk.safe_mode_template TO predator_auditor;


--
-- Name: TABLE safe_mode_templates; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.safe_mode_templates TO predator_worker;
GRANT SELECT ON TABLE api.safe_mode_templates TO predator_operator;
GRANT SELECT ON TABLE api.safe_mode_templates TO predator_auditor;


--
-- Name: TABLE safe_mode_application; Type: ACL; Schema: ops; Owner: predator_owner
--

GRANT SELECT ON TABLE ops.safe_mode_application TO predator_auditor;


--
-- Name: TABLE safe_mode_revert; Type: ACL; Schema: ops; Owner: predator_owner
--

GRANT SELECT ON TABLE ops.safe_mode_revert TO predator_auditor;


--
-- Name: TABLE safe_modes; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.safe_modes TO predator_worker;
GRANT SELECT ON TABLE api.safe_modes TO predator_operator;
GRANT SELECT ON TABLE api.safe_modes TO predator_auditor;


--
-- Name: TABLE setting; Type: ACL; Schema: ops; Owner: predator_owner
--

GRANT SELECT ON TABLE ops.setting TO predator_auditor;


--
-- Name: TABLE settings; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.settings TO predator_worker;
GRANT SELECT ON TABLE api.settings TO predator_operator;
GRANT SELECT ON TABLE api.settings TO predator_auditor;
GRANT SELECT ON TABLE api.settings TO predator_notifier;


--
-- Name: TABLE shadow_comparison; Type: ACL; Schema: risk; Owner: predator_owner
--

GRANT SELECT ON TABLE risk.shadow_comparison TO predator_auditor;


--
-- Name: TABLE shadow_comparisons; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.shadow_comparisons TO predator_worker;
GRANT SELECT ON TABLE api.shadow_comparisons TO predator_operator;
GRANT SELECT ON TABLE api.shadow_comparisons TO predator_auditor;


--
-- Name: TABLE strategy; Type: ACL; Schema: trading; Owner: predator_owner
--

GRANT SELECT ON TABLE trading.strategy TO predator_auditor;


--
-- Name: TABLE strategies; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.strategies TO predator_worker;
GRANT SELECT ON TABLE api.strategies TO predator_operator;
GRANT SELECT ON TABLE api.strategies TO predator_auditor;


--
-- Name: TABLE strategy_health; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.strategy_health TO predator_worker;
GRANT SELECT ON TABLE api.strategy_health TO predator_operator;
GRANT SELECT ON TABLE api.strategy_health TO predator_auditor;


--
-- Name: TABLE strategy_hours; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.strategy_hours TO predator_worker;
GRANT SELECT ON TABLE api.strategy_hours TO predator_operator;
GRANT SELECT ON TABLE api.strategy_hours TO predator_auditor;


--
-- Name: TABLE strategy_positions; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.strategy_positions TO predator_worker;
GRANT SELECT ON TABLE api.strategy_positions TO predator_operator;
GRANT SELECT ON TABLE api.strategy_positions TO predator_auditor;


--
-- Name: TABLE strategy_risk_states; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.strategy_risk_states TO predator_worker;
GRANT SELECT ON TABLE api.strategy_risk_states TO predator_operator;
GRANT SELECT ON TABLE api.strategy_risk_states TO predator_auditor;


--
-- Name: TABLE transfer_postings; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.transfer_postings TO predator_worker;
GRANT SELECT ON TABLE api.transfer_postings TO predator_operator;
GRANT SELECT ON TABLE api.transfer_postings TO predator_auditor;


--
-- Name: TABLE treasury_balances; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.treasury_balances TO predator_worker;
GRANT SELECT ON TABLE api.treasury_balances TO predator_operator;
GRANT SELECT ON TABLE api.treasury_balances TO predator_auditor;


--
-- Name: TABLE treasury_status; Type: ACL; Schema: portfolio; Owner: predator_owner
--

GRANT SELECT ON TABLE portfolio.treasury_status TO predator_auditor;


--
-- Name: TABLE treasury_status; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.treasury_status TO predator_worker;
GRANT SELECT ON TABLE api.treasury_status TO predator_operator;
GRANT SELECT ON TABLE api.treasury_status TO predator_auditor;


--
-- Name: TABLE treasury_transfer; Type: ACL; Schema: ledger; Owner: predator_owner
--

GRANT SELECT ON TABLE ledger.treasury_transfer TO predator_auditor;


--
-- Name: TABLE treasury_transfers; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.treasury_transfers TO predator_worker;
GRANT SELECT ON TABLE api.treasury_transfers TO predator_operator;
GRANT SELECT ON TABLE api.treasury_transfers TO predator_auditor;


--
-- Name: TABLE validation_run; Type: ACL; Schema: ops; Owner: predator_owner
--

GRANT SELECT ON TABLE ops.validation_run TO predator_auditor;


--
-- Name: TABLE validation_runs; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.validation_runs TO predator_worker;
GRANT SELECT ON TABLE api.validation_runs TO predator_operator;
GRANT SELECT ON TABLE api.validation_runs TO predator_auditor;


--
-- Name: TABLE venue_health; Type: ACL; Schema: ops; Owner: predator_owner
--

GRANT SELECT ON TABLE ops.venue_health TO predator_auditor;


--
-- Name: TABLE venue_health; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.venue_health TO predator_worker;
GRANT SELECT ON TABLE api.venue_health TO predator_operator;
GRANT SELECT ON TABLE api.venue_health TO predator_auditor;


--
-- Name: TABLE venue_transfer; Type: ACL; Schema: ops; Owner: predator_owner
--

GRANT SELECT ON TABLE ops.venue_transfer TO predator_auditor;


--
-- Name: TABLE venue_transfers; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.venue_transfers TO predator_worker;
GRANT SELECT ON TABLE api.venue_transfers TO predator_operator;
GRANT SELECT ON TABLE api.venue_transfers TO predator_auditor;


--
-- Name: TABLE venue; Type: ACL; Schema: market; Owner: predator_owner
--

GRANT SELECT ON TABLE market.venue TO predator_auditor;


--
-- Name: TABLE venues; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.venues TO predator_worker;
GRANT SELECT ON TABLE api.venues TO predator_operator;
GRANT SELECT ON TABLE api.venues TO predator_auditor;


--
-- Name: TABLE worker_health; Type: ACL; Schema: ops; Owner: predator_owner
--

GRANT SELECT ON TABLE ops.worker_health TO predator_auditor;


--
-- Name: TABLE worker_health; Type: ACL; Schema: api; Owner: predator_owner
--

GRANT SELECT ON TABLE api.worker_health TO predator_worker;
GRANT SELECT ON TABLE api.worker_health TO predator_operator;
GRANT SELECT ON TABLE api.worker_health TO predator_auditor;


--
-- Name: TABLE ledger_account; Type: ACL; Schema: ledger; Owner: predator_owner
--

GRANT SELECT ON TABLE ledger.ledger_account TO predator_auditor;


--
-- Name: TABLE posting; Type: ACL; Schema: ledger; Owner: predator_owner
--

GRANT SELECT ON TABLE ledger.posting TO predator_auditor;


--
-- Name: TABLE transaction; Type: ACL; Schema: ledger; Owner: predator_owner
--

GRANT SELECT ON TABLE ledger.transaction TO predator_auditor;


--
-- Name: TABLE candle_stage; Type: ACL; Schema: market; Owner: predator_owner
--

GRANT SELECT ON TABLE market.candle_stage TO predator_auditor;


--
-- Name: COLUMN candle_stage.load_key; Type: ACL; Schema: market; Owner: predator_owner
--

GRANT INSERT(load_key) ON TABLE market.candle_stage TO predator_worker;


--
-- Name: COLUMN candle_stage.raw; Type: ACL; Schema: market; Owner: predator_owner
--

GRANT INSERT(raw) ON TABLE market.candle_stage TO predator_worker;


--
-- Name: TABLE cluster; Type: ACL; Schema: market; Owner: predator_owner
--

GRANT SELECT ON TABLE market.cluster TO predator_auditor;


--
-- Name: TABLE universe; Type: ACL; Schema: market; Owner: predator_owner
--

GRANT SELECT ON TABLE market.universe TO predator_auditor;


--
-- Name: TABLE chain_head; Type: ACL; Schema: ops; Owner: predator_owner
--

GRANT SELECT ON TABLE ops.chain_head TO predator_auditor;


--
-- Name: TABLE limit_kind; Type: ACL; Schema: risk; Owner: predator_owner
--

GRANT SELECT ON TABLE risk.limit_kind TO predator_auditor;


--
-- Name: TABLE shadow_pair; Type: ACL; Schema: risk; Owner: predator_owner
--

GRANT SELECT ON TABLE risk.shadow_pair TO predator_auditor;


--
-- Name: TABLE state_transition; Type: ACL; Schema: risk; Owner: predator_owner
--

GRANT SELECT ON TABLE risk.state_transition TO predator_auditor;


--
-- Name: TABLE lot_allocation; Type: ACL; Schema: trading; Owner: predator_owner
--

GRANT SELECT ON TABLE trading.lot_allocation TO predator_auditor;


--
-- Name: TABLE order_transition; Type: ACL; Schema: trading; Owner: predator_owner
--

GRANT SELECT ON TABLE trading.order_transition TO predator_auditor;


--
-- Name: DEFAULT PRIVILEGES FOR FUNCTIONS; Type: DEFAULT ACL; Schema: -; Owner: predator_owner
--

ALTER DEFAULT PRIVILEGES FOR ROLE predator_owner REVOKE ALL ON FUNCTIONS  FROM PUBLIC;


--
-- PostgreSQL database dump complete
--
