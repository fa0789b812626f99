-- api.chained_tables — every hash-chained table and the columns its row hash leaves out (besides
-- ops.hash_excluded_columns()): the registry ops.chained_tables() plus ledger.posting, which is chained per
-- (book, account, currency) by its own trigger. Read by the audit export (predator.db.audit_export).
CREATE VIEW api.chained_tables AS
SELECT r.tbl AS table_name, r.extra_exclude
  FROM ops.chained_tables() r
UNION ALL
SELECT 'ledger.posting', '{}'::text[];
COMMENT ON VIEW api.chained_tables IS 'Every hash-chained table (schema.name) and the columns its row hash leaves out besides ops.hash_excluded_columns(): the chain registry plus ledger.posting (chained per book, account and currency). What the audit export exports and predator-verify re-verifies.';
