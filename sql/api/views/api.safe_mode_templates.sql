-- api.safe_mode_templates — the predefined reduced-risk limit sets and their limits.
CREATE VIEW api.safe_mode_templates AS
SELECT t.template, t.description, l.limit_name, l.mode, l.value
  FROM risk.safe_mode_template t JOIN risk.safe_mode_limit l ON l.template = t.template;
COMMENT ON VIEW api.safe_mode_templates IS 'Safe-mode templates (api.apply_safe_mode): one row per template and limit with the mode and value it sets.';
