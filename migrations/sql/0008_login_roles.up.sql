-- 0008_login_roles.up.sql — Separate least-privilege login roles; the group roles no longer log in.
SET LOCAL ROLE predator_owner;
