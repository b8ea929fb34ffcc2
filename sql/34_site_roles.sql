-- members.update_user_site_roles (PUT /users/{user}/roles, docs/coder-behaviour.md 8.2) for
-- every kind of actor: successes with the exact User object, failures with
-- their SQLSTATE.
\set VERBOSITY default

-- Fixtures with fixed ids.
\set orga    '''0a000000-0000-4000-8000-0000000000a1'''
\set owner   '''0e000000-0000-4000-8000-000000000001'''
\set uadmin  '''0e000000-0000-4000-8000-000000000002'''
\set auditor '''0e000000-0000-4000-8000-000000000003'''
\set tadmin  '''0e000000-0000-4000-8000-000000000004'''
\set oadmin  '''0e000000-0000-4000-8000-000000000010'''
\set ouadmin '''0e000000-0000-4000-8000-000000000011'''
\set pm      '''0e000000-0000-4000-8000-000000000013'''
\set u3      '''0e000000-0000-4000-8000-000000000022'''

INSERT INTO members.organizations (id, name, display_name, is_default) VALUES
	(:orga, 'org-a', 'Org A', true);
INSERT INTO members.users (id, username, email, name, avatar_url, rbac_roles, deleted) VALUES
	(:owner, 'owner', 'owner@example.com', '', '', '{owner}', false),
	(:uadmin, 'uadmin', 'uadmin@example.com', '', '', '{user-admin}', false),
	(:auditor, 'auditor', 'auditor@example.com', '', '', '{auditor}', false),
	(:tadmin, 'tadmin', 'tadmin@example.com', '', '', '{template-admin}', false),
	(:oadmin, 'oadmin', 'oadmin@example.com', '', '', '{}', false),
	(:ouadmin, 'ouadmin', 'ouadmin@example.com', '', '', '{}', false),
	(:pm, 'pm', 'pm@example.com', '', '', '{}', false),
	('0e000000-0000-4000-8000-000000000020', 'U1', 'u1@example.com', 'Una One', 'https://example.com/u1.png', '{}', false),
	('0e000000-0000-4000-8000-000000000021', 'u2', 'u2@example.com', '', '', '{auditor}', false),
	(:u3, 'u3', 'u3@example.com', '', '', '{}', false),
	('0e000000-0000-4000-8000-000000000023', 'u4', 'u4@example.com', '', '', '{}', false),
	('0e000000-0000-4000-8000-000000000024', 'ghost', 'ghost@example.com', '', '', '{}', true);
INSERT INTO members.organization_members (organization_id, user_id, roles) VALUES
	(:orga, :oadmin, '{organization-admin}'),
	(:orga, :ouadmin, '{organization-user-admin}'),
	(:orga, :pm, '{}'),
	(:orga, '0e000000-0000-4000-8000-000000000020', '{}');

-- act(actor, query): run query as actor (NULL: the system) and return the
-- jsonb result with created_at/updated_at replaced by
-- "timestamps_rfc3339", or "SQLSTATE: message (detail)" for an error.
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/tests/regress/helpers.sql
\set ECHO all

CREATE FUNCTION pg_temp.stored(names text[]) RETURNS TABLE (username text, rbac_roles text[])
LANGUAGE sql AS $$
	SELECT u.username, u.rbac_roles FROM members.users u
	 WHERE u.username = ANY (names) ORDER BY 1
$$;

---------------------------------------------------------------------------
-- Successes: the User object (name and avatar_url omitted when empty,
-- roles = the stored site roles as SlimRoles, organization_ids).
---------------------------------------------------------------------------

-- The owner grants any site role; names are lower-cased and de-duplicated
-- in first-occurrence order; the user is named by username (ignoring
-- case) or uuid.
SELECT pg_temp.act(:owner, $$SELECT members.update_user_site_roles('u1', '{Auditor,template-admin,AUDITOR}')$$);
SELECT pg_temp.act(:owner, $$SELECT members.update_user_site_roles('0e000000-0000-4000-8000-000000000020', '{owner,user-admin}')$$);
SELECT pg_temp.act(:owner, $$SELECT members.update_user_site_roles('U1', '{}')$$);
-- An explicitly requested member is stored (it is implied either way).
SELECT pg_temp.act(:owner, $$SELECT members.update_user_site_roles('u1', '{member}')$$);
SELECT * FROM pg_temp.stored('{U1}');
-- updated_at moves to now().
BEGIN;
SELECT (r->>'updated_at')::timestamptz = now() AS updated_now,
       (r->>'created_at')::timestamptz < now() AS created_kept
  FROM (SELECT members.update_user_site_roles('u4', '{auditor}') AS r) s;
ROLLBACK;
-- The system.
SELECT pg_temp.act(NULL, $$SELECT members.update_user_site_roles('u3', '{user-admin}')$$);
-- The user admin may (re)assign only member: sets that add or remove no
-- other role pass.
SELECT pg_temp.act(:uadmin, $$SELECT members.update_user_site_roles('u4', '{}')$$);
SELECT pg_temp.act(:uadmin, $$SELECT members.update_user_site_roles('u4', '{member}')$$);
SELECT pg_temp.act(:uadmin, $$SELECT members.update_user_site_roles('u2', '{auditor,member}')$$);
-- The new user admin u3 acts as one from the next statement on.
SELECT pg_temp.act(:u3, $$SELECT members.update_user_site_roles('u4', '{}')$$);
SELECT * FROM pg_temp.stored('{u2,u3,u4}');

---------------------------------------------------------------------------
-- Failures
---------------------------------------------------------------------------

-- The static table refuses (400, 22023): the user admin granting or
-- removing any role but member.
SELECT pg_temp.act(:uadmin, $$SELECT members.update_user_site_roles('u4', '{auditor}')$$);
SELECT pg_temp.act(:uadmin, $$SELECT members.update_user_site_roles('u2', '{}')$$);
SELECT pg_temp.act(:uadmin, $$SELECT members.update_user_site_roles('u4', '{owner}')$$);
-- No assign/unassign on assign_role (403, 42501): readers of the user who
-- may not assign site roles (auditor, template admin, organization admin
-- and organization user admin, who read users site-wide).
SELECT pg_temp.act(:auditor, $$SELECT members.update_user_site_roles('u4', '{}')$$);
SELECT pg_temp.act(:tadmin, $$SELECT members.update_user_site_roles('u4', '{auditor}')$$);
SELECT pg_temp.act(:oadmin, $$SELECT members.update_user_site_roles('u4', '{auditor}')$$);
SELECT pg_temp.act(:ouadmin, $$SELECT members.update_user_site_roles('u4', '{}')$$);
-- As in Coder, only the difference between the stored roles and the
-- requested ones plus the implied member is checked: U1 stores {member},
-- so [] adds and removes nothing and needs no permission beyond reading
-- the user (it still stores the new list).
SELECT pg_temp.act(:oadmin, $$SELECT members.update_user_site_roles('u1', '{}')$$);
-- Unknown names (400, 22023), checked before the permission: organization
-- roles, made-up names, a name:org form.
SELECT pg_temp.act(:owner, $$SELECT members.update_user_site_roles('u4', '{organization-admin}')$$);
SELECT pg_temp.act(:owner, $$SELECT members.update_user_site_roles('u4', '{auditor,Bogus}')$$);
SELECT pg_temp.act(:owner, $$SELECT members.update_user_site_roles('u4', '{owner:0a000000-0000-4000-8000-0000000000a1}')$$);
SELECT pg_temp.act(:auditor, $$SELECT members.update_user_site_roles('u4', '{bogus}')$$);
-- Yourself (400, 22023), even the owner, before the roles are looked at.
SELECT pg_temp.act(:owner, $$SELECT members.update_user_site_roles('me', '{owner}')$$);
SELECT pg_temp.act(:uadmin, $$SELECT members.update_user_site_roles('UADMIN', NULL)$$);
SELECT pg_temp.act(:pm, $$SELECT members.update_user_site_roles('me', '{owner}')$$);
-- NULL roles, NULL elements, two dimensions (400, 22023).
SELECT pg_temp.act(:owner, $$SELECT members.update_user_site_roles('u4', NULL)$$);
SELECT pg_temp.act(:owner, $$SELECT members.update_user_site_roles('u4', '{auditor,NULL}')$$);
SELECT pg_temp.act(:owner, $$SELECT members.update_user_site_roles('u4', '{{auditor}}')$$);
-- User path value, read as the caller (404): a plain member cannot read
-- other users; unknown and deleted names; empty, NULL and "me" without a
-- user (22023).
SELECT pg_temp.act(:pm, $$SELECT members.update_user_site_roles('u1', '{}')$$);
SELECT pg_temp.act(:pm, $$SELECT members.update_user_site_roles('u3', '{}')$$);
SELECT pg_temp.act(:owner, $$SELECT members.update_user_site_roles('nobody', '{}')$$);
SELECT pg_temp.act(:owner, $$SELECT members.update_user_site_roles('0e000000-0000-4000-8000-0000000000ff', '{}')$$);
SELECT pg_temp.act(:owner, $$SELECT members.update_user_site_roles('ghost', '{}')$$);
SELECT pg_temp.act(:owner, $$SELECT members.update_user_site_roles('', '{}')$$);
SELECT pg_temp.act(:owner, $$SELECT members.update_user_site_roles(NULL, '{}')$$);
SELECT pg_temp.act(NULL, $$SELECT members.update_user_site_roles('me', '{}')$$);
-- A database role with EXECUTE but no acting user: 28000.
SET ROLE members_plain;
SELECT pg_temp.act(NULL, $$SELECT members.update_user_site_roles('u4', '{}')$$);
RESET ROLE;
-- Nothing refused changed anything.
SELECT * FROM pg_temp.stored('{U1,u2,u4,owner,uadmin,pm}');

TRUNCATE members.organizations, members.users, members.audit_log CASCADE;
