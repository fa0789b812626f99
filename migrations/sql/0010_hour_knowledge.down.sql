-- 0010_hour_knowledge.down.sql
SET LOCAL ROLE predator_owner;
DROP TABLE portfolio.hour_knowledge;
