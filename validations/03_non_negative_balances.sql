-- Gate 03 — no leverage, no shorting (DESIGN.md §3.4).
-- Rule: no balance of a non-negative ledger account (the trading account, reserves) is ever below zero:
-- not at any posting (balance_after), not at the head; and the head's non_negative flag is the account's.
-- A row is one violation: the posting or head whose balance is negative, or whose flag disagrees.
SELECT p.book_id, p.account_code, p.currency, p.seq, format('balance_after %s is negative', p.balance_after) AS problem
  FROM ledger.posting p
  JOIN ledger.ledger_account a ON a.book_id = p.book_id AND a.code = p.account_code
 WHERE a.non_negative AND p.balance_after < 0
UNION ALL
SELECT b.book_id, b.account_code, b.currency, b.seq,
       CASE WHEN b.non_negative IS DISTINCT FROM a.non_negative
            THEN format('head non_negative=%s but the account says %s', b.non_negative, a.non_negative)
            ELSE format('head balance %s is negative', b.balance) END
  FROM ledger.balance b
  LEFT JOIN ledger.ledger_account a ON a.book_id = b.book_id AND a.code = b.account_code
 WHERE b.non_negative IS DISTINCT FROM a.non_negative OR (a.non_negative AND b.balance < 0)
ORDER BY 1, 2, 3, 4;
