-- api.operating_costs — every revision of the declared operating costs (docs/treasury.md).
CREATE VIEW api.operating_costs AS
SELECT a.name AS account, o.name, o.revision, o.active, o.amount, o.currency, o.period, o.effective_from,
       o.reason, o.actor, o.recorded_at
  FROM ledger.operating_cost o JOIN trading.account a ON a.book_id = o.book_id;
COMMENT ON VIEW api.operating_costs IS 'Declared operating costs per account: every revision (amount per period, currency, in force from effective_from; active false = ended), who declared it and why.';
