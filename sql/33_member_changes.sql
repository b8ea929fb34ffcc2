-- Write endpoints for organization members: add_organization_member
-- (docs/coder-behaviour.md 7.2), remove_organization_member (docs/coder-behaviour.md 7.3) and
-- update_organization_member_roles (docs/coder-behaviour.md 7.4), for every kind of actor,
-- every success with its exact JSON and every failure with its SQLSTATE.
\set VERBOSITY default

-- Fixtures with fixed ids.  Organization org-a is the default and shares
-- workspaces, org-b too, org-c has workspace sharing disabled (plain
-- members read only their own membership there).
\set orga    '''0a000000-0000-4000-8000-00000000000a'''
\set orgb    '''0a000000-0000-4000-8000-00000000000b'''
\set orgc    '''0a000000-0000-4000-8000-00000000000c'''
\set owner   '''0c000000-0000-4000-8000-000000000001'''
\set uadmin  '''0c000000-0000-4000-8000-000000000002'''
\set auditor '''0c000000-0000-4000-8000-000000000003'''
\set tadmin  '''0c000000-0000-4000-8000-000000000004'''
\set oadmin  '''0c000000-0000-4000-8000-000000000010'''
\set ouadmin '''0c000000-0000-4000-8000-000000000011'''
\set oaud    '''0c000000-0000-4000-8000-000000000012'''
\set pm      '''0c000000-0000-4000-8000-000000000013'''
\set nm      '''0c000000-0000-4000-8000-000000000014'''
\set cadmin  '''0c000000-0000-4000-8000-000000000015'''
\set badmin  '''0c000000-0000-4000-8000-000000000016'''
\set cpm     '''0c000000-0000-4000-8000-000000000017'''

INSERT INTO members.organizations (id, name, display_name, is_default, workspace_sharing_disabled) VALUES
	(:orga, 'org-a', 'Org A', true, false),
	(:orgb, 'org-b', 'Org B', false, false),
	(:orgc, 'org-c', 'Org C', false, true);
INSERT INTO members.users (id, username, email, rbac_roles, deleted) VALUES
	(:owner, 'owner', 'owner@example.com', '{owner}', false),
	(:uadmin, 'uadmin', 'uadmin@example.com', '{user-admin}', false),
	(:auditor, 'auditor', 'auditor@example.com', '{auditor}', false),
	(:tadmin, 'tadmin', 'tadmin@example.com', '{template-admin}', false),
	(:oadmin, 'oadmin', 'oadmin@example.com', '{}', false),
	(:ouadmin, 'ouadmin', 'ouadmin@example.com', '{}', false),
	(:oaud, 'oaud', 'oaud@example.com', '{}', false),
	(:pm, 'pm', 'pm@example.com', '{}', false),
	(:nm, 'nm', 'nm@example.com', '{}', false),
	(:cadmin, 'cadmin', 'cadmin@example.com', '{auditor}', false),
	(:badmin, 'badmin', 'badmin@example.com', '{}', false),
	(:cpm, 'cpm', 'cpm@example.com', '{}', false),
	('0c000000-0000-4000-8000-000000000020', 'T1', 't1@example.com', '{}', false),
	('0c000000-0000-4000-8000-000000000021', 't2', 't2@example.com', '{}', false),
	('0c000000-0000-4000-8000-000000000022', 't3', 't3@example.com', '{}', false),
	('0c000000-0000-4000-8000-000000000023', 't4', 't4@example.com', '{}', false),
	('0c000000-0000-4000-8000-000000000024', 'ghost', 'ghost@example.com', '{}', true),
	('0c000000-0000-4000-8000-000000000025', 't5', 't5@example.com', '{}', false),
	('0c000000-0000-4000-8000-000000000026', 't6', 't6@example.com', '{}', false),
	('0c000000-0000-4000-8000-000000000027', 't7', 't7@example.com', '{}', false),
	('0c000000-0000-4000-8000-000000000028', 't8', 't8@example.com', '{}', false),
	('0c000000-0000-4000-8000-000000000029', 't9', 't9@example.com', '{}', false),
	('0c000000-0000-4000-8000-00000000002a', 'ghost2', 'ghost2@example.com', '{}', true);
-- Custom roles of org-a: "reviewer" (harmless), "assigner" (holds the RBAC
-- half of role assignment and of adding members, but no role of the static
-- assignment table; its holder cadmin is a site auditor, to read users);
-- "other-org" exists in org-b only.
INSERT INTO members.custom_roles (id, name, display_name, organization_id, org_permissions) VALUES
	('0d000000-0000-4000-8000-000000000001', 'reviewer', 'Code Reviewer', :orga,
	 '[{"negate": false, "resource_type": "template", "action": "read"}]'),
	('0d000000-0000-4000-8000-000000000002', 'assigner', 'Assigner', :orga,
	 '[{"negate": false, "resource_type": "assign_org_role", "action": "assign"},
	   {"negate": false, "resource_type": "assign_org_role", "action": "unassign"},
	   {"negate": false, "resource_type": "organization_member", "action": "create"},
	   {"negate": false, "resource_type": "organization_member", "action": "delete"}]'),
	('0d000000-0000-4000-8000-000000000003', 'other-org', 'Other Org Role', :orgb, '[]');
INSERT INTO members.organization_members (organization_id, user_id, roles) VALUES
	(:orga, :owner, '{}'),
	(:orga, :oadmin, '{organization-admin}'),
	(:orga, :ouadmin, '{organization-user-admin}'),
	(:orga, :oaud, '{organization-auditor}'),
	(:orga, :pm, '{}'),
	(:orga, :cadmin, '{assigner}'),
	(:orgb, :badmin, '{organization-admin}'),
	(:orgc, :cpm, '{}'),
	(:orga, '0c000000-0000-4000-8000-000000000020', '{}'),
	(:orga, '0c000000-0000-4000-8000-000000000021', '{organization-template-admin}'),
	(:orga, '0c000000-0000-4000-8000-000000000024', '{}'),
	(:orgc, '0c000000-0000-4000-8000-000000000025', '{}');

-- act(actor, query): run query as actor (NULL: no actor, i.e. the system
-- for the superuser running these tests) in the current transaction.
-- Returns the jsonb result with created_at/updated_at replaced by
-- "timestamps_rfc3339" (both RFC 3339 UTC with a Z), "void" for a void
-- result, or "SQLSTATE: message (detail)" for an error.
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/tests/regress/helpers.sql
\set ECHO all

-- The stored memberships of some users, to see what a call changed.
CREATE FUNCTION pg_temp.memberships(names text[]) RETURNS TABLE (org text, username text, roles text[])
LANGUAGE sql AS $$
	SELECT o.name, u.username, m.roles
	  FROM members.organization_members m
	  JOIN members.organizations o ON o.id = m.organization_id
	  JOIN members.users u ON u.id = m.user_id
	 WHERE u.username = ANY (names)
	 ORDER BY 1, 2
$$;

---------------------------------------------------------------------------
-- add_organization_member (docs/coder-behaviour.md 7.2)
---------------------------------------------------------------------------

-- Successes: the OrganizationMember with roles [].  The owner adds by
-- username (case-insensitive) and by uuid; "default" names org-a.
SELECT pg_temp.act(:owner, $$SELECT members.add_organization_member('org-a', 'T3')$$);
SELECT pg_temp.act(:owner, $$SELECT members.add_organization_member('ORG-B', '0c000000-0000-4000-8000-000000000022')$$);
-- The owner adds itself to org-b with "me".
SELECT pg_temp.act(:owner, $$SELECT members.add_organization_member('org-b', 'me')$$);
-- User admin (site), organization admin and organization user admin of
-- org-a; the system (no actor, superuser).
SELECT pg_temp.act(:uadmin, $$SELECT members.add_organization_member('default', 't4')$$);
SELECT pg_temp.act(:oadmin, $$SELECT members.add_organization_member('org-a', 't6')$$);
SELECT pg_temp.act(:ouadmin, $$SELECT members.add_organization_member('0a000000-0000-4000-8000-00000000000a', 't7')$$);
SELECT pg_temp.act(NULL, $$SELECT members.add_organization_member('org-c', 't8')$$);
SELECT * FROM pg_temp.memberships('{t3,t4,t6,t7,t8,owner}');
-- created_at and updated_at are the transaction's time.
BEGIN;
SELECT (r->>'created_at')::timestamptz = now() AND (r->>'updated_at')::timestamptz = now() AS timestamps_now
  FROM (SELECT members.add_organization_member('org-c', 't9') AS r) s;
ROLLBACK;

-- Already a member: 23505, checked after authorization, with the
-- username and the organization's display name (also for the owner and
-- for the system).
SELECT pg_temp.act(:owner, $$SELECT members.add_organization_member('org-a', 't3')$$);
SELECT pg_temp.act(:oadmin, $$SELECT members.add_organization_member('org-a', 'pm')$$);
SELECT pg_temp.act(NULL, $$SELECT members.add_organization_member('org-a', 'oadmin')$$);
SELECT pg_temp.act(:owner, $$SELECT members.add_organization_member('org-a', 'me')$$);
-- a plain member gets 404 (not allowed) before the duplicate is noticed
SELECT pg_temp.act(:pm, $$SELECT members.add_organization_member('org-a', 'me')$$);

-- Organization path value: empty or NULL 22023; unknown 404; not readable
-- by the actor 404 (nm is in no organization; badmin administers org-b).
SELECT pg_temp.act(:owner, $$SELECT members.add_organization_member('', 't5')$$);
SELECT pg_temp.act(:owner, $$SELECT members.add_organization_member(NULL, 't5')$$);
SELECT pg_temp.act(:owner, $$SELECT members.add_organization_member('initech', 't5')$$);
SELECT pg_temp.act(:owner, $$SELECT members.add_organization_member('0a000000-0000-4000-8000-0000000000ff', 't5')$$);
SELECT pg_temp.act(:nm, $$SELECT members.add_organization_member('org-a', 'me')$$);
SELECT pg_temp.act(:badmin, $$SELECT members.add_organization_member('org-a', 't5')$$);

-- User path value (read as the caller): empty or NULL 22023; unknown 404;
-- "me" without a user 22023; a user the actor may not read 404 (plain
-- and organization-auditor members read only themselves).
SELECT pg_temp.act(:owner, $$SELECT members.add_organization_member('org-a', '')$$);
SELECT pg_temp.act(:owner, $$SELECT members.add_organization_member('org-a', NULL)$$);
SELECT pg_temp.act(:owner, $$SELECT members.add_organization_member('org-a', 'nobody')$$);
SELECT pg_temp.act(:owner, $$SELECT members.add_organization_member('org-a', '0c000000-0000-4000-8000-0000000000ff')$$);
SELECT pg_temp.act(NULL, $$SELECT members.add_organization_member('org-a', 'me')$$);
SELECT pg_temp.act(:pm, $$SELECT members.add_organization_member('org-a', 't5')$$);
SELECT pg_temp.act(:oaud, $$SELECT members.add_organization_member('org-a', 't5')$$);
-- a deleted user's name does not resolve
SELECT pg_temp.act(:owner, $$SELECT members.add_organization_member('org-a', 'ghost2')$$);

-- Not allowed (no assign on assign_org_role, or no create on
-- organization_member): 404.  Auditor and template admin read the
-- organization and the user, but may not add; organization auditors and
-- plain members may not add even themselves.
SELECT pg_temp.act(:auditor, $$SELECT members.add_organization_member('org-a', 't5')$$);
SELECT pg_temp.act(:tadmin, $$SELECT members.add_organization_member('org-a', 't5')$$);
SELECT pg_temp.act(:oaud, $$SELECT members.add_organization_member('org-c', 'me')$$);
SELECT pg_temp.act(:cpm, $$SELECT members.add_organization_member('org-c', 'oadmin')$$);
-- A custom role holding the RBAC permissions but no role of the static
-- assignment table: Coder fails with a 500 here; we give the 400 that the
-- same check gives when changing roles.
SELECT pg_temp.act(:cadmin, $$SELECT members.add_organization_member('org-a', 't5')$$);
SELECT * FROM pg_temp.memberships('{t5}');

-- A soft-deleted user is not found, by uuid as by name: it cannot be
-- added to an organization.
SELECT pg_temp.act(:owner, $$SELECT members.add_organization_member('org-b', '0c000000-0000-4000-8000-00000000002a')$$);

-- A database role with EXECUTE but no acting user: 28000.
SET ROLE members_plain;
SELECT pg_temp.act(NULL, $$SELECT members.add_organization_member('org-a', 't5')$$);
RESET ROLE;

---------------------------------------------------------------------------
-- update_organization_member_roles (docs/coder-behaviour.md 7.4)
---------------------------------------------------------------------------

-- Successes: names lower-cased, de-duplicated in first-occurrence order;
-- built-ins with their display names, custom roles with theirs.
SELECT pg_temp.act(:owner, $$SELECT members.update_organization_member_roles('org-a', 't1', '{Organization-Admin,organization-auditor,ORGANIZATION-ADMIN,reviewer}')$$);
SELECT * FROM pg_temp.memberships('{T1}');
-- updated_at moves to now(); created_at stays.
BEGIN;
SELECT (r->>'updated_at')::timestamptz = now() AS updated_now,
       (r->>'created_at')::timestamptz < now() AS created_kept
  FROM (SELECT members.update_organization_member_roles('org-a', 't1', '{}') AS r) s;
ROLLBACK;
-- An explicitly requested organization-member is stored (design decision).
SELECT pg_temp.act(:owner, $$SELECT members.update_organization_member_roles('org-a', 'T1', '{organization-member}')$$);
-- The organization admin sets built-ins and custom roles of its org.
SELECT pg_temp.act(:oadmin, $$SELECT members.update_organization_member_roles('org-a', 't1', '{organization-user-admin,reviewer}')$$);
-- Removing every role.
SELECT pg_temp.act(:oadmin, $$SELECT members.update_organization_member_roles('org-a', '0c000000-0000-4000-8000-000000000020', '{}')$$);
-- Organization user admin and user admin may submit only sets that leave
-- the stored roles as they are (they may assign organization-member only).
SELECT pg_temp.act(:ouadmin, $$SELECT members.update_organization_member_roles('org-a', 't1', '{}')$$);
SELECT pg_temp.act(:uadmin, $$SELECT members.update_organization_member_roles('org-a', 't2', '{organization-template-admin}')$$);
SELECT pg_temp.act(:uadmin, $$SELECT members.update_organization_member_roles('org-a', 't2', '{organization-template-admin,organization-member}')$$);
SELECT pg_temp.act(:owner, $$SELECT members.update_organization_member_roles('org-a', 't2', '{organization-template-admin}')$$);
-- The system.
SELECT pg_temp.act(NULL, $$SELECT members.update_organization_member_roles('org-c', 't5', '{organization-workspace-creation-ban}')$$);

-- Refusals by the static table (400, 22023): custom roles appear as
-- custom-organization-role.
SELECT pg_temp.act(:ouadmin, $$SELECT members.update_organization_member_roles('org-a', 't1', '{organization-auditor}')$$);
SELECT pg_temp.act(:ouadmin, $$SELECT members.update_organization_member_roles('org-a', 't2', '{}')$$);
SELECT pg_temp.act(:uadmin, $$SELECT members.update_organization_member_roles('org-a', 't1', '{reviewer}')$$);
SELECT pg_temp.act(:cadmin, $$SELECT members.update_organization_member_roles('org-a', 't1', '{}')$$);
-- Missing assign/unassign (403, 42501): plain member, auditors, template
-- admin (organization-member is always "added", so even [] needs assign).
SELECT pg_temp.act(:pm, $$SELECT members.update_organization_member_roles('org-a', 't1', '{}')$$);
SELECT pg_temp.act(:oaud, $$SELECT members.update_organization_member_roles('org-a', 't1', '{}')$$);
SELECT pg_temp.act(:auditor, $$SELECT members.update_organization_member_roles('org-a', 't1', '{organization-auditor}')$$);
SELECT pg_temp.act(:tadmin, $$SELECT members.update_organization_member_roles('org-a', 't1', '{}')$$);
-- Unknown names (400, 22023), checked before the permission: site roles,
-- another organization's custom role, a made-up name.
SELECT pg_temp.act(:owner, $$SELECT members.update_organization_member_roles('org-a', 't1', '{owner}')$$);
SELECT pg_temp.act(:owner, $$SELECT members.update_organization_member_roles('org-a', 't1', '{organization-admin,member}')$$);
SELECT pg_temp.act(:owner, $$SELECT members.update_organization_member_roles('org-a', 't1', '{other-org}')$$);
SELECT pg_temp.act(:pm, $$SELECT members.update_organization_member_roles('org-a', 't1', '{No-Such-Role}')$$);
-- A name:org suffix (400, 22023), with the name as given.
SELECT pg_temp.act(:owner, $$SELECT members.update_organization_member_roles('org-a', 't1', '{Organization-Admin:0a000000-0000-4000-8000-00000000000a}')$$);
-- Yourself (400, 22023), before the roles are looked at; also the owner.
SELECT pg_temp.act(:oadmin, $$SELECT members.update_organization_member_roles('org-a', 'me', '{}')$$);
SELECT pg_temp.act(:owner, $$SELECT members.update_organization_member_roles('org-a', 'owner', NULL)$$);
-- NULL roles, NULL elements, two dimensions (400, 22023).
SELECT pg_temp.act(:owner, $$SELECT members.update_organization_member_roles('org-a', 't1', NULL)$$);
SELECT pg_temp.act(:owner, $$SELECT members.update_organization_member_roles('org-a', 't1', '{reviewer,NULL}')$$);
SELECT pg_temp.act(:owner, $$SELECT members.update_organization_member_roles('org-a', 't1', '{{a},{b}}')$$);
-- Member path value (404): not a member, unknown user, deleted user,
-- member of another organization, a member the actor may not read (org-c
-- has sharing disabled), an organization the actor may not read.
SELECT pg_temp.act(:owner, $$SELECT members.update_organization_member_roles('org-a', 'nm', '{}')$$);
SELECT pg_temp.act(:owner, $$SELECT members.update_organization_member_roles('org-a', 'nobody', '{}')$$);
SELECT pg_temp.act(:owner, $$SELECT members.update_organization_member_roles('org-a', '0c000000-0000-4000-8000-000000000024', '{}')$$);
SELECT pg_temp.act(:owner, $$SELECT members.update_organization_member_roles('org-b', 't1', '{}')$$);
SELECT pg_temp.act(:cpm, $$SELECT members.update_organization_member_roles('org-c', 't5', '{}')$$);
SELECT pg_temp.act(:nm, $$SELECT members.update_organization_member_roles('org-a', 't1', '{}')$$);
SELECT pg_temp.act(:badmin, $$SELECT members.update_organization_member_roles('org-a', 't1', '{}')$$);
SELECT pg_temp.act(NULL, $$SELECT members.update_organization_member_roles('org-a', 'me', '{}')$$);
SELECT pg_temp.act(:owner, $$SELECT members.update_organization_member_roles('', 't1', '{}')$$);
SET ROLE members_plain;
SELECT pg_temp.act(NULL, $$SELECT members.update_organization_member_roles('org-a', 't1', '{}')$$);
RESET ROLE;
-- Nothing refused changed anything.
SELECT * FROM pg_temp.memberships('{T1,t2,t5,owner,oadmin}');

---------------------------------------------------------------------------
-- remove_organization_member (docs/coder-behaviour.md 7.3)
---------------------------------------------------------------------------

-- Yourself (400, 22023), for everyone including owners, also with "me".
SELECT pg_temp.act(:owner, $$SELECT members.remove_organization_member('org-a', 'me')$$);
SELECT pg_temp.act(:owner, $$SELECT members.remove_organization_member('org-a', 'OWNER')$$);
SELECT pg_temp.act(:oadmin, $$SELECT members.remove_organization_member('org-a', '0c000000-0000-4000-8000-000000000010')$$);
SELECT pg_temp.act(:pm, $$SELECT members.remove_organization_member('org-a', 'me')$$);
-- Not allowed to delete (404): readers of the member who may not delete it.
SELECT pg_temp.act(:pm, $$SELECT members.remove_organization_member('org-a', 't1')$$);
SELECT pg_temp.act(:oaud, $$SELECT members.remove_organization_member('org-a', 't1')$$);
SELECT pg_temp.act(:auditor, $$SELECT members.remove_organization_member('org-a', 't1')$$);
SELECT pg_temp.act(:tadmin, $$SELECT members.remove_organization_member('org-a', 't1')$$);
-- Member path value (404): not a member, unknown, deleted user, a member
-- the actor may not read, an organization the actor may not read.
SELECT pg_temp.act(:owner, $$SELECT members.remove_organization_member('org-a', 'nm')$$);
SELECT pg_temp.act(:owner, $$SELECT members.remove_organization_member('org-a', 'nobody')$$);
SELECT pg_temp.act(:owner, $$SELECT members.remove_organization_member('org-a', '0c000000-0000-4000-8000-000000000024')$$);
SELECT pg_temp.act(:cpm, $$SELECT members.remove_organization_member('org-c', 't5')$$);
SELECT pg_temp.act(:nm, $$SELECT members.remove_organization_member('org-a', 't1')$$);
SELECT pg_temp.act(:badmin, $$SELECT members.remove_organization_member('org-a', 't1')$$);
SELECT pg_temp.act(:owner, $$SELECT members.remove_organization_member('org-a', '')$$);
SELECT pg_temp.act(:owner, $$SELECT members.remove_organization_member(NULL, 't1')$$);
SELECT pg_temp.act(NULL, $$SELECT members.remove_organization_member('org-a', 'me')$$);
SET ROLE members_plain;
SELECT pg_temp.act(NULL, $$SELECT members.remove_organization_member('org-a', 't1')$$);
RESET ROLE;
SELECT * FROM pg_temp.memberships('{T1,owner,oadmin,pm,t5}');

-- Successes (204 = void): owner, user admin, organization admin,
-- organization user admin, a custom role with delete on
-- organization_member, the system.  Removal from the default organization
-- is allowed; the user's other memberships stay.
SELECT pg_temp.act(:owner, $$SELECT members.remove_organization_member('org-a', 't3')$$);
SELECT pg_temp.act(:uadmin, $$SELECT members.remove_organization_member('default', 't4')$$);
SELECT pg_temp.act(:oadmin, $$SELECT members.remove_organization_member('org-a', 't6')$$);
SELECT pg_temp.act(:ouadmin, $$SELECT members.remove_organization_member('org-a', 't7')$$);
SELECT pg_temp.act(:cadmin, $$SELECT members.remove_organization_member('org-a', 't2')$$);
SELECT pg_temp.act(NULL, $$SELECT members.remove_organization_member('org-c', '0c000000-0000-4000-8000-000000000028')$$);
SELECT * FROM pg_temp.memberships('{t2,t3,t4,t6,t7,t8}');
-- An organization admin may remove another organization admin.
SELECT pg_temp.act(:oadmin, $$SELECT members.add_organization_member('org-a', 't9')$$);
SELECT pg_temp.act(:owner, $$SELECT members.update_organization_member_roles('org-a', 't9', '{organization-admin}')$$);
SELECT pg_temp.act(:oadmin, $$SELECT members.remove_organization_member('org-a', 't9')$$);
-- Removed twice: 404.
SELECT pg_temp.act(:oadmin, $$SELECT members.remove_organization_member('org-a', 't9')$$);
-- Removed, then added again: a fresh membership with no roles.
SELECT pg_temp.act(:oadmin, $$SELECT members.add_organization_member('org-a', 't9')$$);

-- The subject cache follows in the next statement: while a member, t7
-- reads org-a and its members (403 for lacking assign); once removed, 404.
SELECT pg_temp.act(:oadmin, $$SELECT members.add_organization_member('org-a', 't7')$$);
SELECT pg_temp.act('0c000000-0000-4000-8000-000000000027', $$SELECT members.update_organization_member_roles('org-a', 't1', '{}')$$);
SELECT pg_temp.act(:oadmin, $$SELECT members.remove_organization_member('org-a', 't7')$$);
SELECT pg_temp.act('0c000000-0000-4000-8000-000000000027', $$SELECT members.update_organization_member_roles('org-a', 't1', '{}')$$);

TRUNCATE members.organizations, members.users, members.audit_log CASCADE;
