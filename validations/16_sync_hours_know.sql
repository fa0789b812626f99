-- Gate 16 — every hour of a run fed by the live sync says what it knew (migration 0010; docs/architecture.md §4.1).
-- Rules: a book whose run is sync-fed (ops.run.config->>'feed' = 'sync') has, for every closed hour from the
-- run's start and every symbol of the run, a row in portfolio.hour_knowledge; and the load it names belongs
-- to that feed (venue of the account, symbol, interval) and existed (a known load id is a committed load).
-- Without it the hour's inputs cannot be reconstructed in order, and replay parity cannot be shown.
-- A row is one violation: the book, hour, symbol and what is wrong.
WITH sync_runs AS (
    SELECT r.book_id, r.run_id, (r.config->>'start')::timestamptz AS start,
           ARRAY(SELECT jsonb_array_elements_text(r.config->'symbols')) AS symbols
      FROM ops.run r
     WHERE r.config->>'feed' = 'sync'
), expected AS (
    SELECT s.book_id, h.hour, sym AS symbol
      FROM sync_runs s
      JOIN portfolio.hourly_state h ON h.book_id = s.book_id AND h.hour >= s.start
     CROSS JOIN LATERAL unnest(s.symbols) sym
)
SELECT e.book_id, e.hour, e.symbol, 'closed without a record of what it knew' AS problem
  FROM expected e
 WHERE NOT EXISTS (SELECT FROM portfolio.hour_knowledge k
                    WHERE k.book_id = e.book_id AND k.hour = e.hour AND k.symbol = e.symbol AND k.interval = '1h')
UNION ALL
SELECT k.book_id, k.hour, k.symbol, format('names load %s, which is not a load of its feed', k.load_id)
  FROM portfolio.hour_knowledge k
  JOIN trading.account a ON a.book_id = k.book_id
 WHERE k.load_id IS NOT NULL
   AND NOT EXISTS (SELECT FROM market.candle_load l
                    WHERE l.load_id = k.load_id AND l.venue = a.venue AND l.symbol = k.symbol AND l.interval = k.interval)
ORDER BY 1, 2, 3;
