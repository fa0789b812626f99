-- Gate 16 — every hour of a run fed by the live sync says what it knew (migration 0010; docs/architecture.md §4.1).
-- Rules: a book whose run is sync-fed (ops.run.config->>'feed' = 'sync') has, for every closed hour from the
-- run's start and every symbol of the run, a row in portfolio.hour_knowledge; and the load it names belongs
-- to that feed (venue of the account, symbol, interval) and existed (a known load id is a committed load).
-- Without it the hour's inputs cannot be reconstructed in order, and replay parity cannot be shown.
-- A row is one violation: the book, hour, symbol and what is wrong.
-- Scope: psql variables, all optional (without them the gate judges the whole database):
--   psql -v account=NAME -v from=2024-01-01 -v to=2024-02-01 -f validations/16_sync_hours_know.sql
-- `predator validate --account NAME --from … --to …` sets the same three (from/to inclusive); the \gset line
-- looks the account's book id up once (-1 when unknown), so every scan below filters on a constant :book.
-- Account: the book's runs and hours; from/to: the hours judged.
\if :{?account} \else \set account '' \endif
\if :{?from} \else \set from -infinity \endif
\if :{?to} \else \set to infinity \endif
SELECT coalesce((SELECT sc.book_id FROM trading.account sc WHERE sc.name = :'account'), -1) AS book \gset
WITH sync_runs AS (
    SELECT r.book_id, r.run_id, (r.config->>'start')::timestamptz AS start,
           ARRAY(SELECT jsonb_array_elements_text(r.config->'symbols')) AS symbols
      FROM ops.run r
     WHERE (:'account' = '' OR r.book_id = :book)
       AND r.config->>'feed' = 'sync'
), expected AS (
    SELECT s.book_id, h.hour, sym AS symbol
      FROM sync_runs s
      JOIN portfolio.hourly_state h ON h.book_id = s.book_id AND h.hour >= s.start AND h.hour >= :'from' AND h.hour <= :'to'
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
 WHERE (:'account' = '' OR k.book_id = :book) AND k.hour >= :'from' AND k.hour <= :'to'
   AND k.load_id IS NOT NULL
   AND NOT EXISTS (SELECT FROM market.candle_load l
                    WHERE l.load_id = k.load_id AND l.venue = a.venue AND l.symbol = k.symbol AND l.interval = k.interval)
ORDER BY 1, 2, 3;
