-- Read endpoints: members.organization_roles (docs/coder-behaviour.md 7.8, 5.4) and
-- members.site_roles (docs/coder-behaviour.md 8.1): the listed roles, their exact JSON, who may
-- list them and what each actor may assign.
\set VERBOSITY default

-- Fixtures, inserted by the superuser with fixed ids.
\set acme    '''0a000000-0000-4000-8000-000000000001'''
\set globex  '''0a000000-0000-4000-8000-000000000002'''
\set olivia  '''0b000000-0000-4000-8000-000000000001'''
\set oscar   '''0b000000-0000-4000-8000-000000000002'''
\set ursula  '''0b000000-0000-4000-8000-000000000003'''
\set uma     '''0b000000-0000-4000-8000-000000000004'''
\set audrey  '''0b000000-0000-4000-8000-000000000005'''
\set tess    '''0b000000-0000-4000-8000-000000000006'''
\set pat     '''0b000000-0000-4000-8000-000000000007'''
\set otto    '''0b000000-0000-4000-8000-000000000008'''
\set tom     '''0b000000-0000-4000-8000-000000000009'''
\set rita    '''0b000000-0000-4000-8000-00000000000a'''
\set nina    '''0b000000-0000-4000-8000-00000000000b'''
\set sam     '''0b000000-0000-4000-8000-00000000000c'''

INSERT INTO members.organizations (id, name, display_name, is_default) VALUES
	(:acme, 'acme', 'Acme', true),
	(:globex, 'globex', 'Globex', false);
INSERT INTO members.users (id, username, email, rbac_roles, status) VALUES
	(:olivia, 'olivia', 'olivia@example.com', '{owner}', 'active'),
	(:oscar, 'oscar', 'oscar@example.com', '{}', 'active'),
	(:ursula, 'ursula', 'ursula@example.com', '{}', 'active'),
	(:uma, 'uma', 'uma@example.com', '{user-admin}', 'active'),
	(:audrey, 'audrey', 'audrey@example.com', '{auditor}', 'active'),
	(:tess, 'tess', 'tess@example.com', '{template-admin}', 'active'),
	(:pat, 'pat', 'pat@example.com', '{}', 'active'),
	(:otto, 'otto', 'otto@example.com', '{}', 'active'),
	(:tom, 'tom', 'tom@example.com', '{}', 'active'),
	(:rita, 'rita', 'rita@example.com', '{}', 'active'),
	(:nina, 'nina', 'nina@example.com', '{}', 'active'),
	(:sam, 'sam', 'sam@example.com', '{owner}', 'suspended');
INSERT INTO members.custom_roles (id, name, display_name, org_permissions, organization_id) VALUES
	('0c000000-0000-4000-8000-000000000001', 'reviewer', 'Code Reviewer',
	 '[{"negate": false, "resource_type": "template", "action": "read"}, {"negate": false, "resource_type": "organization_member", "action": "read"}]', :acme),
	('0c000000-0000-4000-8000-000000000002', 'approver', '',
	 '[{"negate": true, "resource_type": "workspace", "action": "*"}]', :acme),
	('0c000000-0000-4000-8000-000000000003', 'globex-only', 'Globex Only', '[]', :globex);
INSERT INTO members.organization_members (organization_id, user_id, roles) VALUES
	(:acme, :olivia, '{}'),
	(:acme, :oscar, '{organization-admin}'),
	(:acme, :ursula, '{organization-user-admin}'),
	(:acme, :pat, '{}'),
	(:acme, :otto, '{organization-auditor}'),
	(:acme, :tom, '{organization-template-admin}'),
	(:acme, :rita, '{reviewer}'),
	(:acme, :sam, '{}'),
	(:globex, :oscar, '{}'),
	(:globex, :nina, '{organization-admin}');

-- An error as "SQLSTATE: message (detail)", so that each failure shows its class.
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/tests/regress/helpers.sql
\set ECHO all

-- The exact JSON of a role listing, one line per field and one per
-- permission (each permission object printed as it is): every key of every
-- role is shown, in a fixed order.
CREATE FUNCTION pg_temp.show_roles(j jsonb) RETURNS TABLE (role bigint, field text, value text)
LANGUAGE sql AS $$
	SELECT t.n, f.key || CASE WHEN e.i IS NULL THEN '' ELSE '[' || e.i || ']' END,
	       CASE WHEN jsonb_typeof(f.value) = 'array' AND e.i IS NOT NULL THEN e.v::text
	            ELSE f.value::text END
	  FROM jsonb_array_elements(j) WITH ORDINALITY AS t(r, n)
	 CROSS JOIN LATERAL jsonb_each(t.r) AS f(key, value)
	  LEFT JOIN LATERAL jsonb_array_elements(
	            CASE WHEN jsonb_typeof(f.value) = 'array' THEN f.value ELSE '[]' END)
	            WITH ORDINALITY AS e(v, i) ON true
	 ORDER BY t.n,
	          array_position(ARRAY['name', 'organization_id', 'display_name', 'assignable', 'built_in',
	                               'site_permissions', 'user_permissions', 'organization_permissions',
	                               'organization_member_permissions'], f.key),
	          f.key, e.i
$$;

-- One line per listing: name=assignable, with * for built-ins.
CREATE FUNCTION pg_temp.assignable(j jsonb) RETURNS text LANGUAGE sql AS $$
	SELECT string_agg(r->>'name' || CASE WHEN (r->'built_in')::boolean THEN '*' ELSE '' END
	                  || '=' || CASE WHEN (r->'assignable')::boolean THEN 't' ELSE 'f' END,
	                  ' ' ORDER BY n)
	  FROM jsonb_array_elements(j) WITH ORDINALITY AS t(r, n)
$$;

-- A listing without "assignable", to compare what different actors see.
CREATE FUNCTION pg_temp.roles_md5(j jsonb) RETURNS text LANGUAGE sql AS $$
	SELECT md5(jsonb_agg(r - 'assignable' ORDER BY n)::text)
	  FROM jsonb_array_elements(j) WITH ORDINALITY AS t(r, n)
$$;

---------------------------------------------------------------------------
-- organization_roles as the system: the five org built-ins by name
-- (never organization-member), with their permission lists (org-level as
-- organization_permissions, member-level as
-- organization_member_permissions, all arrays), then acme's custom roles by
-- name (site and user permissions [], organization_permissions as stored,
-- organization_member_permissions null).  Everything is assignable by the
-- system.  globex's custom role is not listed.
SELECT * FROM pg_temp.show_roles(members.organization_roles('acme'));
SELECT pg_temp.roles_md5(members.organization_roles('acme')) AS org_md5,
       pg_temp.roles_md5(members.site_roles()) AS site_md5 \gset

-- Organization resolution (docs/coder-behaviour.md 7.1).
SELECT members.organization_roles(:acme) = members.organization_roles('acme') AS by_uuid,
       members.organization_roles('AcMe') = members.organization_roles('acme') AS by_name_ci,
       members.organization_roles('default') = members.organization_roles('acme') AS by_default,
       members.organization_roles('00000000-0000-0000-0000-000000000000') = members.organization_roles('acme') AS by_nil_uuid;
SELECT pg_temp.try('SELECT members.organization_roles('''')');
SELECT pg_temp.try('SELECT members.organization_roles(NULL)');
SELECT pg_temp.try('SELECT members.organization_roles(''initech'')');
SELECT pg_temp.try('SELECT members.organization_roles(''0a000000-0000-4000-8000-0000000000ff'')');
-- Another organization lists its own custom roles, with its id.
SELECT r->>'name' AS name, r->>'organization_id' AS organization_id, r->>'display_name' AS display_name
  FROM jsonb_array_elements(members.organization_roles('globex')) AS r;

-- Per actor (docs/coder-behaviour.md 5.4): the same roles, with what the actor may assign.
-- owner: everything
BEGIN;
SET LOCAL members.actor = :olivia;
SELECT pg_temp.assignable(j) AS owner, pg_temp.roles_md5(j) = :'org_md5' AS same_roles
  FROM members.organization_roles('acme') AS j;
SELECT pg_temp.assignable(members.organization_roles('globex')) AS owner_in_globex_not_a_member;
ROLLBACK;
-- organization admin: every built-in and the custom roles of its own org
BEGIN;
SET LOCAL members.actor = :oscar;
SELECT pg_temp.assignable(j) AS org_admin, pg_temp.roles_md5(j) = :'org_md5' AS same_roles
  FROM members.organization_roles('acme') AS j;
-- ... but org roles count only in their org: in globex oscar is a plain member
SELECT pg_temp.assignable(members.organization_roles('globex')) AS org_admin_elsewhere;
ROLLBACK;
-- organization user admin: may assign only organization-member, which is not listed
BEGIN;
SET LOCAL members.actor = :ursula;
SELECT pg_temp.assignable(j) AS org_user_admin, pg_temp.roles_md5(j) = :'org_md5' AS same_roles
  FROM members.organization_roles('acme') AS j;
ROLLBACK;
-- organization auditor, organization template admin, custom role holder,
-- plain member: list (through organization-member), assign nothing
BEGIN;
SET LOCAL members.actor = :otto;
SELECT pg_temp.assignable(j) AS org_auditor, pg_temp.roles_md5(j) = :'org_md5' AS same_roles
  FROM members.organization_roles('acme') AS j;
ROLLBACK;
BEGIN;
SET LOCAL members.actor = :tom;
SELECT pg_temp.assignable(j) AS org_template_admin, pg_temp.roles_md5(j) = :'org_md5' AS same_roles
  FROM members.organization_roles('acme') AS j;
ROLLBACK;
BEGIN;
SET LOCAL members.actor = :rita;
SELECT pg_temp.assignable(j) AS custom_role_holder, pg_temp.roles_md5(j) = :'org_md5' AS same_roles
  FROM members.organization_roles('acme') AS j;
ROLLBACK;
BEGIN;
SET LOCAL members.actor = :pat;
SELECT pg_temp.assignable(j) AS plain_member, pg_temp.roles_md5(j) = :'org_md5' AS same_roles
  FROM members.organization_roles('acme') AS j;
ROLLBACK;
-- site user admin, auditor and template admin (not members of acme): list
-- through their site read of assign_org_role; the user admin may assign
-- only organization-member, so nothing listed is assignable
BEGIN;
SET LOCAL members.actor = :uma;
SELECT pg_temp.assignable(j) AS user_admin, pg_temp.roles_md5(j) = :'org_md5' AS same_roles
  FROM members.organization_roles('acme') AS j;
ROLLBACK;
BEGIN;
SET LOCAL members.actor = :audrey;
SELECT pg_temp.assignable(j) AS auditor, pg_temp.roles_md5(j) = :'org_md5' AS same_roles
  FROM members.organization_roles('acme') AS j;
ROLLBACK;
BEGIN;
SET LOCAL members.actor = :tess;
SELECT pg_temp.assignable(j) AS template_admin, pg_temp.roles_md5(j) = :'org_md5' AS same_roles
  FROM members.organization_roles('acme') AS j;
ROLLBACK;
-- not a member of acme: 404 (the organization itself is not readable)
BEGIN;
SET LOCAL members.actor = :nina;
SELECT pg_temp.try('SELECT members.organization_roles(''acme'')') AS non_member;
SELECT pg_temp.assignable(members.organization_roles('globex')) AS nina_in_own_org;
ROLLBACK;
-- an inactive user cannot act, even an owner (28000)
BEGIN;
SET LOCAL members.actor = :sam;
SELECT pg_temp.try('SELECT members.organization_roles(''acme'')') AS suspended;
ROLLBACK;

-- Workspace sharing disabled: organization-member keeps read of
-- assign_org_role, so a plain member still lists the roles.
UPDATE members.organizations SET workspace_sharing_disabled = true WHERE id = :acme;
BEGIN;
SET LOCAL members.actor = :pat;
SELECT pg_temp.assignable(j) AS plain_member_sharing_disabled, pg_temp.roles_md5(j) = :'org_md5' AS same_roles
  FROM members.organization_roles('acme') AS j;
ROLLBACK;
UPDATE members.organizations SET workspace_sharing_disabled = false WHERE id = :acme;

-- A custom role created or removed is listed or gone at once.
BEGIN;
INSERT INTO members.custom_roles (name, display_name, organization_id) VALUES ('aaa-first', 'First', :acme);
DELETE FROM members.custom_roles WHERE name = 'reviewer';
SELECT pg_temp.assignable(members.organization_roles('acme')) AS after_changes;
ROLLBACK;

---------------------------------------------------------------------------
-- site_roles as the system: owner, auditor, template-admin and user-admin
-- by name (member is never listed), built_in true, no organization_id, all
-- four permission lists as arrays; all assignable by the system.
SELECT * FROM pg_temp.show_roles(members.site_roles());

-- Per actor (docs/coder-behaviour.md 8.1): every user reads assign_role through the implied
-- member role; only owners may assign the listed roles.
BEGIN;
SET LOCAL members.actor = :olivia;
SELECT pg_temp.assignable(j) AS owner, pg_temp.roles_md5(j) = :'site_md5' AS same_roles
  FROM members.site_roles() AS j;
ROLLBACK;
BEGIN;
SET LOCAL members.actor = :uma;
SELECT pg_temp.assignable(j) AS user_admin, pg_temp.roles_md5(j) = :'site_md5' AS same_roles
  FROM members.site_roles() AS j;
ROLLBACK;
BEGIN;
SET LOCAL members.actor = :audrey;
SELECT pg_temp.assignable(j) AS auditor, pg_temp.roles_md5(j) = :'site_md5' AS same_roles
  FROM members.site_roles() AS j;
ROLLBACK;
BEGIN;
SET LOCAL members.actor = :tess;
SELECT pg_temp.assignable(j) AS template_admin, pg_temp.roles_md5(j) = :'site_md5' AS same_roles
  FROM members.site_roles() AS j;
ROLLBACK;
BEGIN;
SET LOCAL members.actor = :oscar;
SELECT pg_temp.assignable(j) AS org_admin, pg_temp.roles_md5(j) = :'site_md5' AS same_roles
  FROM members.site_roles() AS j;
ROLLBACK;
BEGIN;
SET LOCAL members.actor = :pat;
SELECT pg_temp.assignable(j) AS plain_member, pg_temp.roles_md5(j) = :'site_md5' AS same_roles
  FROM members.site_roles() AS j;
ROLLBACK;
BEGIN;
SET LOCAL members.actor = :sam;
SELECT pg_temp.try('SELECT members.site_roles()') AS suspended;
ROLLBACK;

-- Without an actor: a plain database role cannot act (28000); a member of
-- the service role acts as the system.
SET ROLE members_plain;
SELECT pg_temp.try('SELECT members.site_roles()') AS plain_role_site;
SELECT pg_temp.try('SELECT members.organization_roles(''acme'')') AS plain_role_org;
RESET ROLE;
SET ROLE members_app;
SELECT pg_temp.assignable(members.site_roles()) AS service_site,
       pg_temp.assignable(members.organization_roles('acme')) AS service_org;
RESET ROLE;

-- In a parallel worker (PARALLEL SAFE), with the leader's actor: the same
-- answers.
SELECT md5(members.organization_roles('acme')::text) AS org_roles_md5,
       md5(members.site_roles()::text) AS site_roles_md5 \gset leader_
BEGIN;
SET LOCAL members.actor = :oscar;
SELECT md5(members.organization_roles('acme')::text) AS org_roles_md5,
       md5(members.site_roles()::text) AS site_roles_md5 \gset oscar_
SET LOCAL force_parallel_mode = on;
EXPLAIN (COSTS OFF) SELECT members.site_roles();
SELECT md5(members.organization_roles('acme')::text) = :'oscar_org_roles_md5' AS org_roles_same,
       md5(members.site_roles()::text) = :'oscar_site_roles_md5' AS site_roles_same,
       :'oscar_org_roles_md5' = :'leader_org_roles_md5' AS org_admin_assigns_all_in_acme,
       :'oscar_site_roles_md5' = :'leader_site_roles_md5' AS org_admin_assigns_site_roles;
ROLLBACK;

SET client_min_messages = warning;
TRUNCATE members.organizations, members.users CASCADE;
RESET client_min_messages;
