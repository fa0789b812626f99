-- 37_anchors.sql — anchored chains (issue 17 item 5; migration 0036; docs/audit.md, "Anchors").
--
-- The HMAC is HMAC-SHA256 (RFC 4231 vectors); no login reads the signing secrets or sets, rotates or revokes a
-- key but the operator; every hour close appends one anchor once a key is set (none before: a replay's scratch
-- database has no key), chained to the previous one by its signature; anchors, keys and revocations are
-- append-only. api.verify_anchors passes an untouched export, names the chain and the missing seq range after the
-- newest rows of a chain were deleted (and its head cache fixed up, which plain verification cannot see), refuses
-- a forged anchor, and reports the anchors of a revoked key as not trusted. Attacker-style: NaN/infinite times.
BEGIN;
\i tests/sql/helpers/fixtures.sql
SELECT plan(50);

-- pg_temp.as_login(login, sql) -> 'ok' or the SQLSTATE the statement raised, run as that login.
CREATE FUNCTION pg_temp.as_login(p_login text, p_sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('SET LOCAL SESSION AUTHORIZATION %I', p_login);
    BEGIN
        EXECUTE p_sql;
    EXCEPTION WHEN OTHERS THEN
        RESET SESSION AUTHORIZATION;
        RETURN SQLSTATE;
    END;
    RESET SESSION AUTHORIZATION;
    RETURN 'ok';
END
$$;
-- pg_temp.exported() -> jsonb: the anchors as `predator audit anchor export` writes them (one object a line).
CREATE FUNCTION pg_temp.exported() RETURNS jsonb LANGUAGE sql AS $$
    SELECT coalesce(jsonb_agg(jsonb_build_object('book_id', a.book_id, 'seq', a.seq, 'kind', a.kind, 'hour', a.hour,
                                                 'heads', a.heads, 'key_id', a.key_id, 'prev_signature', a.prev_signature,
                                                 'signature', a.signature) ORDER BY a.book_id, a.seq), '[]'::jsonb)
      FROM api.chain_anchors a
$$;
GRANT EXECUTE ON FUNCTION pg_temp.as_login(text, text), pg_temp.exported() TO PUBLIC;

-- HMAC-SHA256 over the built-in sha256 (RFC 4231 test cases 1, 2 and 6) --------------------------------------------
SELECT is(encode(ops.hmac_sha256(decode(repeat('0b', 20), 'hex'), convert_to('Hi There', 'UTF8')), 'hex'),
          'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7', 'HMAC-SHA256: RFC 4231 test case 1');
SELECT is(encode(ops.hmac_sha256(convert_to('Jefe', 'UTF8'), convert_to('what do ya want for nothing?', 'UTF8')), 'hex'),
          '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843', 'HMAC-SHA256: RFC 4231 test case 2');
SELECT is(encode(ops.hmac_sha256(decode(repeat('aa', 131), 'hex'),
                                 convert_to('Test Using Larger Than Block-Size Key - Hash Key First', 'UTF8')), 'hex'),
          '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54', 'HMAC-SHA256: RFC 4231 test case 6 (a key longer than the block)');

-- No key yet: closes anchor nothing ------------------------------------------------------------------------------------
SELECT pg_temp.busy_book('anc') AS book \gset
SELECT is((SELECT count(*) FROM ops.chain_anchor), 0::bigint, 'without an anchor key, hour closes write no anchor (a replay''s scratch database)');
SELECT throws_ok($$SELECT * FROM api.anchor_chains('pgtap')$$, 'PD011', NULL, 'an on-demand anchor without a key is refused (PD011)');

-- Who may touch the keys ------------------------------------------------------------------------------------------------
SELECT throws_ok($$SELECT * FROM api.set_anchor_key('  ')$$, 'PD012', NULL, 'a key without a reason is refused (PD012)');
SELECT throws_ok($$SELECT * FROM api.set_anchor_key('pgtap', '\x0102'::bytea)$$, 'PD012', NULL, 'a secret shorter than 32 bytes is refused (PD012)');
SELECT is(pg_temp.as_login('predator_worker_login', $$SELECT * FROM api.set_anchor_key('worker')$$), '42501', 'the worker cannot set an anchor key');
SELECT is(pg_temp.as_login('predator_auditor_login', $$SELECT * FROM api.set_anchor_key('auditor')$$), '42501', 'the auditor cannot set an anchor key');
SELECT is(pg_temp.as_login('predator_operator_login', $$SELECT * FROM api.set_anchor_key('pgtap: first key')$$), 'ok',
          'the operator sets the first key (generated in the database)');
SELECT is(pg_temp.as_login(l, 'SELECT count(*) FROM ops.anchor_key'), '42501', format('%s cannot read the signing secrets', l))
  FROM unnest(ARRAY['predator_worker_login', 'predator_operator_login', 'predator_auditor_login']) l;
SELECT is(pg_temp.as_login('predator_worker_login', $$SELECT ops._append_anchor(1, 'demand', NULL)$$), '42501',
          'the worker cannot sign an anchor itself');
SELECT is(pg_temp.as_login('predator_worker_login', $$SELECT * FROM api.verify_anchors('[]')$$), '42501',
          'the worker cannot run the verification (a signature oracle is for operator and auditor)');
SELECT is(pg_temp.as_login('predator_worker_login', $$SELECT * FROM api.anchor_chains('worker')$$), '42501',
          'the worker cannot anchor on demand');
SELECT is(pg_temp.as_login('predator_auditor_login', $$SELECT * FROM api.revoke_anchor_key(1, 'auditor')$$), '42501',
          'the auditor cannot revoke a key');
SELECT ok(NOT EXISTS (SELECT FROM information_schema.columns c WHERE c.table_schema = 'api'
                       AND c.table_name IN ('anchor_keys', 'chain_anchors') AND c.column_name = 'secret'),
          'no api view shows a secret');
SELECT is((SELECT count(*) FROM api.audit_log a WHERE a.action = 'set_anchor_key'
            AND a.args ->> 'fingerprint' = (SELECT k.fingerprint FROM api.anchor_keys k WHERE k.key_id = 1)
            AND position(encode((SELECT k.secret FROM ops.anchor_key k WHERE k.key_id = 1), 'hex') IN a.args::text) = 0),
          1::bigint, 'the key is audited by id and fingerprint, the secret is not in the audit log');

-- One anchor per close -------------------------------------------------------------------------------------------------
SELECT * FROM api.close_hour('anc', '2024-01-01T05:00:00Z') \gset
SELECT is((SELECT count(*) FROM ops.chain_anchor WHERE book_id = :book), 1::bigint, 'an hour close appends one anchor');
SELECT * FROM api.close_hour('anc', '2024-01-01T05:00:00Z') \gset
SELECT is((SELECT count(*) FROM ops.chain_anchor WHERE book_id = :book), 1::bigint, 'closing the same hour again appends none');
SELECT * FROM api.close_hour('anc', '2024-01-01T06:00:00Z') \gset
SELECT results_eq($$SELECT seq, kind, hour, key_id FROM ops.chain_anchor WHERE book_id = $$ || :book || $$ ORDER BY seq$$,
                  $$VALUES (1::bigint, 'close'::text, '2024-01-01T05:00:00Z'::timestamptz, 1), (2, 'close', '2024-01-01T06:00:00Z', 1)$$,
                  'the next close appends the next anchor, under the active key');
SELECT is((SELECT a.prev_signature FROM ops.chain_anchor a WHERE a.book_id = :book AND a.seq = 2),
          (SELECT a.signature FROM ops.chain_anchor a WHERE a.book_id = :book AND a.seq = 1),
          'an anchor signs the previous anchor''s signature of its book');
SELECT is((SELECT a.heads FROM ops.chain_anchor a WHERE a.book_id = :book AND a.seq = 2), ops._anchor_heads(ARRAY[:book, 0]),
          'the anchor holds the heads of the book''s and the control plane''s chains as the close left them');
SELECT ok((SELECT a.heads @> jsonb_build_array(jsonb_build_object('chain', 'portfolio.hourly_state:' || :book, 'seq', 4))
                  AND a.heads @> jsonb_build_array(jsonb_build_object('chain', 'ledger.posting:' || :book || ':trading:USDT'))
             FROM ops.chain_anchor a WHERE a.book_id = :book AND a.seq = 2),
          'the heads include the hour states (seq 4 after the fourth close) and the journal''s posting chains');
SELECT is((SELECT a.signature FROM ops.chain_anchor a WHERE a.book_id = :book AND a.seq = 2),
          (SELECT ops.hmac_sha256(k.secret, ops._anchor_message(a.book_id, a.seq, a.kind, a.hour, a.heads, a.key_id, a.prev_signature))
             FROM ops.chain_anchor a JOIN ops.anchor_key k USING (key_id) WHERE a.book_id = :book AND a.seq = 2),
          'the signature is HMAC-SHA256(key, the anchor message)');

-- Append-only, even for the owner ----------------------------------------------------------------------------------------
SELECT throws_ok($$UPDATE ops.chain_anchor SET kind = 'demand'$$, 'PD001', NULL, 'an anchor cannot be updated');
SELECT throws_ok($$DELETE FROM ops.chain_anchor$$, 'PD001', NULL, 'an anchor cannot be deleted');
SELECT throws_ok($$TRUNCATE ops.chain_anchor$$, 'PD001', NULL, 'the anchors cannot be truncated');
SELECT throws_ok($$DELETE FROM ops.anchor_key$$, 'PD001', NULL, 'a key cannot be deleted');

-- Verification ------------------------------------------------------------------------------------------------------------
SELECT pg_temp.exported() AS export \gset
SELECT is(pg_temp.as_login('predator_auditor_login', format('SELECT * FROM api.verify_anchors(%L)', :'export')), 'ok',
          'the auditor runs the verification');
SELECT is_empty(format('SELECT * FROM api.verify_anchors(%L)', :'export'), 'an untouched export verifies');
SELECT throws_ok($$SELECT * FROM api.verify_anchors('{}')$$, 'PD012', NULL, 'anchors that are not an array are refused (PD012)');

SAVEPOINT tamper;
-- The two newest hour states deleted with the triggers off, and the head cache moved back: plain verification passes.
SET LOCAL session_replication_role = replica;
DELETE FROM portfolio.hourly_state WHERE book_id = :book AND seq >= 3;
UPDATE ops.chain_head h SET seq = 2, head_hash = (SELECT s.row_hash FROM portfolio.hourly_state s WHERE s.book_id = :book AND s.seq = 2)
 WHERE h.chain = 'portfolio.hourly_state:' || :book;
SET LOCAL session_replication_role = origin;
SELECT is_empty('SELECT * FROM api.verify_book_chains(' || :book || ')', 'a careful tail deletion passes plain chain verification');
SELECT results_eq(format('SELECT subject, seq, problem, breaks FROM api.verify_anchors(%L)', :'export'),
                  format($$VALUES ('portfolio.hourly_state:%s', 3::bigint,
                                   'rows deleted: the chain ends at seq 2, an anchor holds seq 4 (seq 3..4 missing)', true)$$, :book),
                  'the anchors name the chain whose newest rows were deleted and the missing seq range');
ROLLBACK TO SAVEPOINT tamper;

SELECT results_eq(format($$SELECT problem FROM api.verify_anchors(jsonb_set(%L::jsonb, '{0,heads,0,seq}', '99'))$$, :'export'),
                  $$VALUES ('the signature does not verify under key 1: the anchor was altered or forged'::text)$$,
                  'a forged anchor (a head moved forward) does not verify');
SELECT results_eq(format($$SELECT problem FROM api.verify_anchors(jsonb_set(%L::jsonb, '{0,key_id}', '7'))$$, :'export'),
                  $$VALUES ('signed under key 7, which the database does not know'::text)$$, 'an anchor under an unknown key breaks');
SELECT ok((SELECT bool_and(v.breaks AND v.problem LIKE 'malformed anchor%')
             FROM api.verify_anchors(jsonb_build_array(jsonb_set((:'export'::jsonb) -> 0, '{hour}', '"infinity"'),
                                                       jsonb_set((:'export'::jsonb) -> 0, '{seq}', '"NaN"'))) v
            WHERE v.subject LIKE 'anchor #%'),
          'an anchor with an infinite hour or a NaN seq is malformed');
SELECT throws_ok($$SELECT * FROM api.close_hour('anc', 'infinity')$$, 'PD015', NULL, 'an infinite hour is refused before any anchor (PD015)');
SELECT throws_ok($$SELECT * FROM api.close_hour('anc', date_trunc('hour', now()) + interval '30 days')$$, 'PD015', NULL,
                 'a far-future hour is refused before any anchor (PD015)');

-- Rotation and revocation ----------------------------------------------------------------------------------------------------
SELECT throws_ok($$SELECT api.revoke_anchor_key(1, 'pgtap')$$, 'PD012', NULL, 'the active key cannot be revoked (PD012)');
SELECT throws_ok($$SELECT api.revoke_anchor_key(9, 'pgtap')$$, 'PD011', NULL, 'an unknown key cannot be revoked (PD011)');
SELECT is((SELECT key_id FROM api.set_anchor_key('pgtap: rotation', sha256('\x01'::bytea) || sha256('\x02'::bytea))), 2,
          'a rotation sets key 2 (here with an operator-supplied secret)');
SELECT throws_ok($$SELECT * FROM api.set_anchor_key('pgtap: reuse', sha256('\x01'::bytea) || sha256('\x02'::bytea))$$, 'PD012', NULL,
                 'a secret already used cannot be set again (PD012)');
SELECT lives_ok($$SELECT api.revoke_anchor_key(1, 'pgtap: leaked')$$, 'the old key is revoked');
SELECT throws_ok($$SELECT api.revoke_anchor_key(1, 'pgtap: again')$$, 'PD012', NULL, 'a revocation is final (PD012 the second time)');
SELECT results_eq(format('SELECT subject, breaks FROM api.verify_anchors(%L) ORDER BY subject', :'export'),
                  format($$VALUES ('anchor %1$s/1', false), ('anchor %1$s/2', false), ('anchors', true)$$, :book),
                  'anchors of the revoked key are flagged, not trusted, and an export holding no trusted anchor fails');
SELECT is((SELECT seq FROM api.anchor_chains('pgtap: re-anchor after revocation')), 1::bigint, 'an on-demand anchor under the new key');
SELECT results_eq(format('SELECT subject, breaks FROM api.verify_anchors(%L) ORDER BY subject', pg_temp.exported()),
                  format($$VALUES ('anchor %1$s/1', false), ('anchor %1$s/2', false)$$, :book),
                  'with the re-anchor under the new key the export verifies (the revoked key''s anchors still flagged)');
SELECT is((SELECT jsonb_array_length(heads) FROM ops.chain_anchor WHERE book_id = 0 AND seq = 1),
          (SELECT count(*)::integer FROM ops.chain_head) + (SELECT count(*)::integer FROM ledger.balance WHERE seq > 0),
          'an on-demand anchor holds every chain of every book');

SELECT * FROM finish();
ROLLBACK;
