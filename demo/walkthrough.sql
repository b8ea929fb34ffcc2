-- members demo walkthrough: every statement is echoed before its answer.
\pset footer off
\pset format unaligned
\pset tuples_only on
\set ECHO queries
\set VERBOSITY default

CREATE EXTENSION members;
-- The service role: its members may set members.actor (the acting user).
CREATE ROLE members_service NOLOGIN;
CREATE ROLE app LOGIN IN ROLE members_service;
GRANT USAGE ON SCHEMA members TO members_service;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA members TO members_service;

-- 1. Bootstrap as the system (a service-role member with no actor set).
SET ROLE app;
SELECT jsonb_pretty(members.create_organization('coder', 'Coder', 'The default organization', is_default => true));
SELECT jsonb_pretty(members.create_user('admin', 'admin@example.com', 'Ada Admin', site_roles => '{owner}'));
SELECT jsonb_pretty(members.create_user('uadmin', 'uadmin@example.com', 'Uma User-Admin', site_roles => '{user-admin}'));
SELECT jsonb_pretty(members.create_user('alice', 'alice@example.com', 'Alice'));
SELECT jsonb_pretty(members.create_user('bob', 'bob@example.com'));

-- The demo keeps the user ids in psql variables (read as the superuser).
RESET ROLE;
SELECT id AS admin_id FROM members.users WHERE username = 'admin' \gset
SELECT id AS uadmin_id FROM members.users WHERE username = 'uadmin' \gset
SELECT id AS alice_id FROM members.users WHERE username = 'alice' \gset
SET ROLE app;

-- 2. Act as the owner: set the acting user for one transaction.
BEGIN;
SELECT set_config('members.actor', :'admin_id', true) IS NOT NULL AS actor_set;
SELECT members.current_actor() = :'admin_id' AS acting_as_admin;
SELECT jsonb_pretty(members.create_organization('acme', 'Acme Corp'));
COMMIT;

-- 3. Refusals: a plain member cannot create organizations (42501) ...
BEGIN;
SELECT set_config('members.actor', :'alice_id', true) IS NOT NULL AS actor_set;
SELECT members.create_organization('umbrella');
ROLLBACK;
-- ... a user admin may create users but not hand out site roles beyond member ...
BEGIN;
SELECT set_config('members.actor', :'uadmin_id', true) IS NOT NULL AS actor_set;
SELECT members.create_user('carol', 'carol@example.com', site_roles => '{auditor}');
ROLLBACK;
-- ... and a role outside the service role cannot set the actor at all.
RESET ROLE;
CREATE ROLE outsider LOGIN;
SET ROLE outsider;
SET members.actor = '00000000-0000-0000-0000-000000000001';
RESET ROLE;

-- 4. What exists now (read as the superuser: the tables are not granted to anyone).
SELECT name, display_name, is_default FROM members.organizations ORDER BY name;
SELECT username, email, rbac_roles, status FROM members.users ORDER BY username;
SELECT o.name AS organization, u.username, m.roles
  FROM members.organization_members m
  JOIN members.organizations o ON o.id = m.organization_id
  JOIN members.users u ON u.id = m.user_id
 ORDER BY 1, 2;
