-- Gate 23 — an account is the book its chained records say it is (a review of the audit plane, 2026-12-06).
-- trading.account is not chained and book_id is left out of every row hash (docs/hashing.md), so an edit of an
-- account's name, mode, venue, quote currency or principal (two accounts' names swapped, say) would hand an auditor
-- asking for one account another book's history with every chain and anchor still verifying. The binding is the
-- book's own chained audit row of its creation (ops.audit_log, action create_account: target = the name, args =
-- mode, venue, base_currency, initial_principal, lane, risk_profile) and the chained lane changes since
-- (trading.account_lane). A row is one violation:
--   * no_creation_record: an account whose book holds no create_account audit row, or more than one;
--   * identity_differs: its name, mode, venue, base_currency or initial_principal differs from that row;
--   * lane_differs: its lane differs from its last chained lane change (from the creation's lane without one).
-- Scope: psql variables, all optional (without them the gate judges the whole database):
--   psql -v account=NAME -v from=2024-01-01 -v to=2024-02-01 -f validations/23_account_identity.sql
-- Account: the book; from/to are ignored (an account's identity has no time range).
\if :{?account} \else \set account '' \endif
\if :{?from} \else \set from -infinity \endif
\if :{?to} \else \set to infinity \endif
SELECT coalesce((SELECT sc.book_id FROM trading.account sc WHERE sc.name = :'account'), -1) AS book \gset
WITH acct AS (
    SELECT a.* FROM trading.account a WHERE :'account' = '' OR a.book_id = :book
), created AS (
    SELECT l.book_id, count(*) AS n, min(l.target) AS name, min(l.args ->> 'mode') AS mode,
           min(l.args ->> 'venue') AS venue, min(l.args ->> 'base_currency') AS base_currency,
           min((l.args ->> 'initial_principal')::numeric) AS initial_principal, min(l.args ->> 'lane') AS lane
      FROM ops.audit_log l JOIN acct ON acct.book_id = l.book_id
     WHERE l.action = 'create_account'
     GROUP BY l.book_id
), last_lane AS (
    SELECT DISTINCT ON (x.book_id) x.book_id, x.to_lane
      FROM trading.account_lane x JOIN acct ON acct.book_id = x.book_id
     ORDER BY x.book_id, x.seq DESC
)
SELECT a.book_id, a.name, 'no_creation_record' AS problem,
       format('%s create_account audit rows in the book''s chain', coalesce(c.n, 0)) AS detail
  FROM acct a LEFT JOIN created c ON c.book_id = a.book_id
 WHERE coalesce(c.n, 0) <> 1
UNION ALL
SELECT a.book_id, a.name, 'identity_differs',
       format('account row (%s, %s, %s, %s, %s) vs its chained creation (%s, %s, %s, %s, %s)',
              a.name, a.mode, a.venue, a.base_currency, a.initial_principal,
              c.name, c.mode, c.venue, c.base_currency, c.initial_principal)
  FROM acct a JOIN created c ON c.book_id = a.book_id AND c.n = 1
 WHERE (a.name, a.mode, a.venue, a.base_currency, a.initial_principal)
       IS DISTINCT FROM (c.name, c.mode, c.venue, c.base_currency, c.initial_principal)
UNION ALL
SELECT a.book_id, a.name, 'lane_differs',
       format('lane %s, but its chained records say %s', a.lane, coalesce(l.to_lane, c.lane))
  FROM acct a JOIN created c ON c.book_id = a.book_id AND c.n = 1
  LEFT JOIN last_lane l ON l.book_id = a.book_id
 WHERE a.lane IS DISTINCT FROM coalesce(l.to_lane, c.lane)
ORDER BY 1, 3;
