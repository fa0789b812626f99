-- 32_treasury_principal.sql — property: no treasury policy action ever reduces principal (issue 15 "Tests";
-- docs/treasury.md "Policy"). Seeded random books (setseed): each a random treasury profile (window 1-4 days,
-- reserve 0-50 %, transfer threshold unset or 0-40 with automatic or proposed transfers, deficit tolerance 0-30
-- with or without the halt, a budget cut step of 0-60 % with a floor of 0-50 %), a random daily operating cost, and
-- random round trips (buys at 100, sells at 60-150) over five days, with every pending proposal offered to the
-- operator (an approval that would reach into principal is refused PD012). After every day close: principal is
-- the deposit; no posting but a deposit's memo touches it; no transfer is larger than the equity above principal
-- and the earmarks; and the policy did act (transfers, halts, cuts, restores), so the property is not vacuous.
BEGIN;
\i tests/sql/helpers/fixtures.sql
SELECT plan(8);

SELECT pg_temp.load_bars('BTC/USDT', '2024-01-01T00:00:00Z', array_fill(100, ARRAY[24 * 7])::numeric[]) AS bars \gset
CREATE FUNCTION pg_temp.at(p_hour integer) RETURNS timestamptz LANGUAGE sql AS $$
    SELECT '2024-01-01T00:00:00Z'::timestamptz + p_hour * interval '1 hour' $$;
CREATE TEMP TABLE prop_violation (book text, hour integer, what text);
CREATE TEMP TABLE prop_refusal (book text, hour integer, sqlstate text);

DO $prop$
DECLARE
    v_name   text;
    v_prof   text;
    v_book   integer;
    v_held   boolean;
    v_qty    numeric;
    v_dec    record;
    v_prop   record;
    v_n      integer := 0;
BEGIN
    PERFORM setseed(0.3141);
    FOR k IN 1..8 LOOP
        v_name := 'prop' || k;
        v_prof := 't_prop' || k;
        INSERT INTO risk.profile (profile, description) VALUES (v_prof, 'pgtap: principal property');
        PERFORM api.set_limit(v_prof, 'treasury_window_days', 'count', (1 + floor(random() * 4))::numeric, 'pgtap');
        PERFORM api.set_limit(v_prof, 'treasury_reserve_pct', 'pct', round((random() * 50)::numeric, 2), 'pgtap');
        IF random() < 0.8 THEN
            PERFORM api.set_limit(v_prof, 'treasury_transfer_threshold', 'abs', round((random() * 40)::numeric, 2), 'pgtap');
            PERFORM api.set_limit(v_prof, 'treasury_auto_transfer', 'count', floor(random() * 2)::numeric, 'pgtap');
        END IF;
        PERFORM api.set_limit(v_prof, 'treasury_deficit_tolerance', 'abs', round((random() * 30)::numeric, 2), 'pgtap');
        PERFORM api.set_limit(v_prof, 'treasury_deficit_halt', 'count', CASE WHEN random() < 0.4 THEN 1 ELSE 0 END, 'pgtap');
        IF random() < 0.8 THEN
            PERFORM api.set_limit(v_prof, 'treasury_deficit_cut_pct', 'pct', round((random() * 60)::numeric, 2), 'pgtap');
            PERFORM api.set_limit(v_prof, 'treasury_budget_floor_pct', 'pct', round((random() * 50)::numeric, 2), 'pgtap');
        END IF;
        v_book := pg_temp.new_account(v_name, 10000, v_prof);
        PERFORM api.declare_operating_cost(v_name, 'infrastructure', round((random() * 120)::numeric, 2), 'USDT', 'day',
                                           pg_temp.at(1), 'pgtap: a random cost');
        v_held := false;
        FOR h IN 1..(24 * 5) LOOP
            PERFORM api.close_hour(v_name, pg_temp.at(h));
            -- The operator approves every pending proposal; a refusal (PD012: it would reach into principal) is kept.
            FOR v_prop IN SELECT proposal_no FROM api.treasury_transfers WHERE account = v_name AND pending LOOP
                BEGIN
                    PERFORM api.approve_treasury_transfer(v_name, v_prop.proposal_no, pg_temp.at(h), 'pgtap: approve');
                EXCEPTION WHEN SQLSTATE 'PD012' THEN
                    INSERT INTO prop_refusal VALUES (v_name, h, 'PD012');
                END;
            END LOOP;
            -- A round trip now and then: a buy at 100, a sell a few hours later at a random price.
            IF h % 7 = 3 AND NOT v_held THEN
                v_qty := 5 + floor(random() * 60);
                SELECT * INTO v_dec FROM pg_temp.signal(v_name, 'BTC/USDT', pg_temp.at(h), 'buy', v_qty);
                IF v_dec.outcome = 'admitted' THEN
                    PERFORM api.record_order_event(v_dec.client_order_id, 'acknowledged', pg_temp.at(h), 'V-' || v_name || '-' || h);
                    PERFORM api.record_fill(v_dec.client_order_id, v_name || '-' || h, v_qty, 100, v_qty * 0.1, 'USDT', 'taker',
                                            pg_temp.at(h) + interval '1 minute');
                    v_held := true;
                END IF;
            ELSIF h % 7 = 6 AND v_held THEN
                SELECT * INTO v_dec FROM pg_temp.signal(v_name, 'BTC/USDT', pg_temp.at(h), 'exit');
                IF v_dec.outcome = 'admitted' THEN
                    PERFORM api.record_order_event(v_dec.client_order_id, 'acknowledged', pg_temp.at(h), 'V-' || v_name || '-' || h);
                    PERFORM api.record_fill(v_dec.client_order_id, v_name || '-' || h, v_dec.quantity, round((60 + random() * 90)::numeric, 2),
                                            v_dec.quantity * 0.1, 'USDT', 'taker', pg_temp.at(h) + interval '1 minute');
                    v_held := false;
                END IF;
            END IF;
            IF h % 24 = 0 THEN
                -- The property, after every day close.
                INSERT INTO prop_violation
                SELECT v_name, h, 'principal ' || coalesce(sum(amount), 0) FROM api.treasury_balances
                 WHERE account = v_name AND ledger = 'principal' HAVING coalesce(sum(amount), 0) <> 10000;
                INSERT INTO prop_violation
                SELECT v_name, h, 'posting to principal by ' || t.kind FROM ledger.posting p
                  JOIN ledger.transaction t ON t.book_id = p.book_id AND t.seq = p.tx_seq
                 WHERE p.book_id = v_book AND p.account_code = 'principal' AND t.kind <> 'principal';
                INSERT INTO prop_violation
                SELECT v_name, h, format('transfer %s of %s above the headroom %s', x.proposal_no, x.amount, x.equity - 10000 - x.earmarked)
                  FROM (SELECT t.proposal_no, t.amount,
                               (SELECT e.equity FROM portfolio.hourly_state e WHERE e.book_id = t.book_id AND e.hour <= t.ts
                                 ORDER BY e.hour DESC LIMIT 1) AS equity,
                               (SELECT coalesce(sum(p.amount), 0) FROM ledger.posting p WHERE p.book_id = t.book_id
                                   AND p.account_code IN ('reserve', 'operations') AND p.tx_seq < t.tx_seq) AS earmarked
                          FROM ledger.treasury_transfer t WHERE t.book_id = v_book AND t.action <> 'proposed') x
                 WHERE x.amount > x.equity - 10000 - x.earmarked;
                v_n := v_n + 1;
            END IF;
        END LOOP;
    END LOOP;
    RAISE NOTICE 'principal property: % day closes judged', v_n;
END
$prop$;

SELECT is((SELECT count(*) FROM prop_violation), 0::bigint, 'no policy action reduced principal (40 day closes of 8 random books)');
SELECT is((SELECT count(*) FROM api.treasury_status WHERE account LIKE 'prop%' AND window_days = 1), 40::bigint,
          'every day of every book has its status');
SELECT ok((SELECT count(*) FROM api.treasury_transfers WHERE account LIKE 'prop%' AND action IN ('approved', 'automatic')) > 0,
          'transfers were posted (approved or automatic)');
SELECT ok((SELECT count(*) FROM api.treasury_status WHERE account LIKE 'prop%' AND policy_action IN ('entries_halted', 'entries_halted_budget_cut')) > 0,
          'deficits halted entries');
SELECT ok((SELECT count(*) FROM api.treasury_status WHERE account LIKE 'prop%' AND policy_action IN ('budget_cut', 'entries_halted_budget_cut')) > 0,
          'deficits cut the risk budget');
SELECT ok((SELECT count(*) FROM api.fills WHERE account LIKE 'prop%' AND side = 'sell') > 0, 'round trips were made');
SELECT is((SELECT count(*) FROM ledger.posting p JOIN ledger.transaction t ON t.book_id = p.book_id AND t.seq = p.tx_seq
            JOIN trading.account a ON a.book_id = p.book_id
            WHERE a.name LIKE 'prop%' AND p.account_code = 'principal' AND t.kind <> 'principal'), 0::bigint,
          'no transaction but a deposit''s memo posts to principal');
SELECT is((SELECT min(amount) FROM api.treasury_balances WHERE account LIKE 'prop%' AND ledger = 'principal'), 10000::numeric,
          'every book''s principal is its deposit');

SELECT diag(format('%s transfers posted, %s approvals refused PD012, %s halts, %s cuts, %s restores, %s entries refused treasury_budget_cut',
    (SELECT count(*) FROM api.treasury_transfers WHERE account LIKE 'prop%' AND action IN ('approved', 'automatic')),
    (SELECT count(*) FROM prop_refusal),
    (SELECT count(*) FROM api.treasury_status WHERE account LIKE 'prop%' AND policy_action IN ('entries_halted', 'entries_halted_budget_cut')),
    (SELECT count(*) FROM api.treasury_status WHERE account LIKE 'prop%' AND policy_action IN ('budget_cut', 'entries_halted_budget_cut')),
    (SELECT count(*) FROM api.treasury_status WHERE account LIKE 'prop%' AND policy_action = 'budget_restored'),
    (SELECT count(*) FROM api.decisions WHERE account LIKE 'prop%' AND 'treasury_budget_cut' = ANY (reasons))));
SELECT * FROM finish();
ROLLBACK;
