-- api.arbitration — the arbitration rule of each risk profile (refuse_both when never set).
CREATE VIEW api.arbitration AS
SELECT p.profile, coalesce(s.rule, 'refuse_both') AS rule, s.revision, s.reason, s.actor, s.recorded_at
  FROM risk.profile p
  LEFT JOIN LATERAL (SELECT * FROM risk.arbitration_setting x WHERE x.profile = p.profile ORDER BY x.revision DESC LIMIT 1) s ON true;
COMMENT ON VIEW api.arbitration IS 'Arbitration rule per risk profile when two strategies disagree on a symbol in the same hour: refuse_both (default) or priority, with who set it and why.';
