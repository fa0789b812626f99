-- 0008_login_roles.down.sql — undoes 0008.
SET LOCAL ROLE predator_owner;
