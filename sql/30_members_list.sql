-- Read endpoints: members.organization_members (docs/coder-behaviour.md 7.5) and
-- members.paginated_organization_members (docs/coder-behaviour.md 7.6), with organization
-- resolution (docs/coder-behaviour.md 7.1), per-actor visibility and workspace sharing.
\set VERBOSITY default

-- Fixtures, inserted by the superuser with fixed ids and timestamps.
\set acme    '''0a000000-0000-4000-8000-000000000001'''
\set globex  '''0a000000-0000-4000-8000-000000000002'''
\set olivia  '''0b000000-0000-4000-8000-000000000001'''
\set oscar   '''0b000000-0000-4000-8000-000000000002'''
\set ursula  '''0b000000-0000-4000-8000-000000000003'''
\set uma     '''0b000000-0000-4000-8000-000000000004'''
\set audrey  '''0b000000-0000-4000-8000-000000000005'''
\set tess    '''0b000000-0000-4000-8000-000000000006'''
\set pat     '''0b000000-0000-4000-8000-000000000007'''
\set bob     '''0b000000-0000-4000-8000-000000000008'''
\set zara    '''0b000000-0000-4000-8000-000000000009'''
\set gone    '''0b000000-0000-4000-8000-00000000000a'''
\set nina    '''0b000000-0000-4000-8000-00000000000b'''
\set sam     '''0b000000-0000-4000-8000-00000000000c'''

INSERT INTO members.organizations (id, name, display_name, is_default, created_at, updated_at) VALUES
	(:acme, 'acme', 'Acme', true, '2024-01-01 00:00:00+00', '2024-01-01 00:00:00+00'),
	(:globex, 'globex', 'Globex', false, '2024-01-01 00:00:00+00', '2024-01-01 00:00:00+00');
INSERT INTO members.users (id, username, email, name, avatar_url, rbac_roles, status, deleted, created_at, updated_at) VALUES
	(:olivia, 'olivia', 'olivia@example.com', 'Olivia Owner', '', '{owner}', 'active', false, '2024-01-01 00:00:00+00', '2024-01-01 00:00:00+00'),
	(:oscar, 'oscar', 'oscar@example.com', '', '', '{}', 'active', false, '2024-01-01 00:00:00+00', '2024-01-01 00:00:00+00'),
	(:ursula, 'ursula', 'ursula@example.com', '', '', '{}', 'active', false, '2024-01-01 00:00:00+00', '2024-01-01 00:00:00+00'),
	(:uma, 'uma', 'uma@example.com', '', '', '{user-admin}', 'active', false, '2024-01-01 00:00:00+00', '2024-01-01 00:00:00+00'),
	(:audrey, 'audrey', 'audrey@example.com', '', '', '{auditor}', 'active', false, '2024-01-01 00:00:00+00', '2024-01-01 00:00:00+00'),
	(:tess, 'tess', 'tess@example.com', '', '', '{template-admin}', 'active', false, '2024-01-01 00:00:00+00', '2024-01-01 00:00:00+00'),
	(:pat, 'pat', 'pat@example.com', '', '', '{}', 'active', false, '2024-01-01 00:00:00+00', '2024-01-01 00:00:00+00'),
	(:bob, 'Bob', 'bob@example.com', 'Bob "the builder"', 'https://example.com/bob.png', '{member,ghost-site}', 'active', false, '2024-01-01 00:00:00+00', '2024-01-01 00:00:00+00'),
	(:zara, 'Zara', 'zara@example.com', '', 'https://example.com/z.png', '{}', 'active', false, '2024-01-01 00:00:00+00', '2024-01-01 00:00:00+00'),
	(:gone, 'gone', 'gone@example.com', '', '', '{}', 'active', true, '2024-01-01 00:00:00+00', '2024-01-01 00:00:00+00'),
	(:nina, 'nina', 'nina@example.com', '', '', '{}', 'active', false, '2024-01-01 00:00:00+00', '2024-01-01 00:00:00+00'),
	(:sam, 'sam', 'sam@example.com', '', '', '{}', 'suspended', false, '2024-01-01 00:00:00+00', '2024-01-01 00:00:00+00');
INSERT INTO members.custom_roles (name, display_name, org_permissions, organization_id) VALUES
	('reviewer', 'Code Reviewer', '[{"negate": false, "resource_type": "template", "action": "read"}]', :acme);
-- Timestamps with fractions show Go's RFC 3339 trimming.
INSERT INTO members.organization_members (organization_id, user_id, roles, created_at, updated_at) VALUES
	(:acme, :olivia, '{}', '2024-02-01 10:00:00+00', '2024-02-01 10:00:00+00'),
	(:acme, :oscar, '{organization-admin}', '2024-02-02 10:00:00.5+00', '2024-03-02 10:00:00.123456+00'),
	(:acme, :ursula, '{organization-user-admin}', '2024-02-03 10:00:00+00', '2024-02-03 10:00:00+00'),
	(:acme, :pat, '{}', '2024-02-04 10:00:00+00', '2024-02-04 10:00:00+00'),
	(:acme, :bob, '{reviewer,organization-auditor,ghost}', '2024-02-05 10:00:00.01+00', '2024-02-05 10:00:00.01+00'),
	(:acme, :zara, '{organization-member}', '2024-02-06 10:00:00+00', '2024-02-06 10:00:00+00'),
	(:acme, :gone, '{}', '2024-02-07 10:00:00+00', '2024-02-07 10:00:00+00'),
	(:acme, :sam, '{}', '2024-02-08 10:00:00+00', '2024-02-08 10:00:00+00'),
	(:globex, :nina, '{}', '2024-02-09 10:00:00+00', '2024-02-09 10:00:00+00'),
	(:globex, :oscar, '{}', '2024-02-10 10:00:00+00', '2024-02-10 10:00:00+00');

-- An error as "SQLSTATE: message (detail)", so that each failure shows its class.
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/tests/regress/helpers.sql
\set ECHO all

-- Usernames of a listing, in order.
CREATE FUNCTION pg_temp.usernames(j jsonb) RETURNS text LANGUAGE sql AS $$
	SELECT coalesce(string_agg(e->>'username', ',' ORDER BY n), '')
	  FROM jsonb_array_elements(j) WITH ORDINALITY AS t(e, n)
$$;

---------------------------------------------------------------------------
-- organization_members as the system (superuser, no actor): every
-- non-deleted member (the deleted user "gone" is hidden; the suspended
-- "sam" is listed), ordered by lower(username) (so "Bob" first and "Zara"
-- last, which a plain byte order would not give).  name and avatar_url are
-- omitted when empty; global_roles are the stored site roles as stored
-- (the implied member is never added; an unknown name gets display name
-- ""); roles are the stored org roles (custom display name, "" for an
-- unknown name, organization-member only because it is stored).
-- Timestamps are UTC with a Z whatever the session time zone.
SET timezone = 'Asia/Tokyo';
SELECT jsonb_pretty(members.organization_members('acme'));
RESET timezone;

-- Organization resolution (docs/coder-behaviour.md 7.1): by uuid, by name ignoring case,
-- "default" and the nil uuid give the default organization.
SELECT members.organization_members(:acme) = members.organization_members('acme') AS by_uuid,
       members.organization_members('ACME') = members.organization_members('acme') AS by_name_ci,
       members.organization_members('default') = members.organization_members('acme') AS by_default,
       members.organization_members('00000000-0000-0000-0000-000000000000') = members.organization_members('acme') AS by_nil_uuid;
SELECT jsonb_pretty(members.organization_members('Globex'));

-- Empty or NULL organization: 22023; unknown name or uuid: P0002 (404).
SELECT pg_temp.try('SELECT members.organization_members('''')');
SELECT pg_temp.try('SELECT members.organization_members(NULL)');
SELECT pg_temp.try('SELECT members.organization_members(''initech'')');
SELECT pg_temp.try('SELECT members.organization_members(''0a000000-0000-4000-8000-0000000000ff'')');

---------------------------------------------------------------------------
-- organization_members per actor.  Everyone who may read every member of
-- acme sees the same list as the system.
CREATE TABLE pg_temp.full_list AS SELECT members.organization_members('acme') AS j;

-- owner (also a plain member of acme)
BEGIN;
SET LOCAL members.actor = :olivia;
SELECT members.organization_members('acme') = (SELECT j FROM full_list) AS same_as_system;
ROLLBACK;
-- organization admin
BEGIN;
SET LOCAL members.actor = :oscar;
SELECT members.organization_members('acme') = (SELECT j FROM full_list) AS same_as_system;
ROLLBACK;
-- organization user admin
BEGIN;
SET LOCAL members.actor = :ursula;
SELECT members.organization_members('acme') = (SELECT j FROM full_list) AS same_as_system;
ROLLBACK;
-- site user admin, auditor and template admin, none of them a member of acme
BEGIN;
SET LOCAL members.actor = :uma;
SELECT members.organization_members('acme') = (SELECT j FROM full_list) AS same_as_system;
ROLLBACK;
BEGIN;
SET LOCAL members.actor = :audrey;
SELECT members.organization_members('acme') = (SELECT j FROM full_list) AS same_as_system;
ROLLBACK;
BEGIN;
SET LOCAL members.actor = :tess;
SELECT members.organization_members('acme') = (SELECT j FROM full_list) AS same_as_system;
ROLLBACK;
-- a plain member, workspace sharing enabled (the default): every member
BEGIN;
SET LOCAL members.actor = :pat;
SELECT pg_temp.usernames(members.organization_members('acme')) AS pat_sees;
SELECT members.organization_members('acme') = (SELECT j FROM full_list) AS same_as_system;
ROLLBACK;
-- a member holding only a custom role and organization-auditor
BEGIN;
SET LOCAL members.actor = :bob;
SELECT pg_temp.usernames(members.organization_members('acme')) AS bob_sees;
ROLLBACK;
-- a member of another organization only: 404 for acme, its own org listed
BEGIN;
SET LOCAL members.actor = :nina;
SELECT pg_temp.try('SELECT members.organization_members(''acme'')');
ROLLBACK;
BEGIN;
SET LOCAL members.actor = :nina;
SELECT pg_temp.usernames(members.organization_members('globex')) AS nina_sees_globex;
SELECT pg_temp.try('SELECT members.organization_members(''default'')') AS nina_default;
ROLLBACK;
-- an inactive user cannot act (28000)
BEGIN;
SET LOCAL members.actor = :sam;
SELECT pg_temp.try('SELECT members.organization_members(''acme'')');
ROLLBACK;

-- Workspace sharing disabled: organization-member loses org-level read of
-- members, so a plain member sees only their own row; admins and site
-- readers are unaffected.
UPDATE members.organizations SET workspace_sharing_disabled = true WHERE id = :acme;
BEGIN;
SET LOCAL members.actor = :pat;
SELECT jsonb_pretty(members.organization_members('acme'));
ROLLBACK;
BEGIN;
SET LOCAL members.actor = :zara;
SELECT pg_temp.usernames(members.organization_members('acme')) AS zara_sees;
ROLLBACK;
BEGIN;
SET LOCAL members.actor = :bob;
SELECT pg_temp.usernames(members.organization_members('acme')) AS org_auditor_sees;
ROLLBACK;
BEGIN;
SET LOCAL members.actor = :oscar;
SELECT members.organization_members('acme') = (SELECT j FROM full_list) AS org_admin_same;
ROLLBACK;
BEGIN;
SET LOCAL members.actor = :ursula;
SELECT members.organization_members('acme') = (SELECT j FROM full_list) AS org_user_admin_same;
ROLLBACK;
BEGIN;
SET LOCAL members.actor = :audrey;
SELECT members.organization_members('acme') = (SELECT j FROM full_list) AS auditor_same;
ROLLBACK;
-- the owner is a plain member of acme but reads through the site role
BEGIN;
SET LOCAL members.actor = :olivia;
SELECT members.organization_members('acme') = (SELECT j FROM full_list) AS owner_same;
ROLLBACK;
-- paginated needs read on every member: 404 for the plain member
BEGIN;
SET LOCAL members.actor = :pat;
SELECT pg_temp.try('SELECT members.paginated_organization_members(''acme'')');
ROLLBACK;
BEGIN;
SET LOCAL members.actor = :oscar;
SELECT (members.paginated_organization_members('acme', 2))->'count' AS org_admin_count;
ROLLBACK;
UPDATE members.organizations SET workspace_sharing_disabled = false WHERE id = :acme;

-- Without an actor: a plain database role cannot act (28000); a member of
-- the service role acts as the system.
SET ROLE members_plain;
SELECT pg_temp.try('SELECT members.organization_members(''acme'')');
SELECT pg_temp.try('SELECT members.paginated_organization_members(''acme'')');
RESET ROLE;
SELECT md5(j::text) AS full_md5 FROM full_list \gset
SET ROLE members_app;
SELECT md5(members.organization_members('acme')::text) = :'full_md5' AS service_as_system;
RESET ROLE;

---------------------------------------------------------------------------
-- paginated_organization_members (docs/coder-behaviour.md 7.6).
-- A page: count is the total before offset and limit.
SELECT jsonb_pretty(members.paginated_organization_members('acme', 2, 1));
-- limit 0 (the default) returns every member, in the same order as the
-- unpaginated listing; NULL limit and offset mean 0.
SELECT m->'members' = (SELECT j FROM full_list) AS all_members, m->'count' AS count
  FROM members.paginated_organization_members('acme') AS m;
SELECT members.paginated_organization_members('acme', NULL, NULL) =
       members.paginated_organization_members('acme') AS nulls_are_zero;
SELECT members.paginated_organization_members('acme', 0, 4)->'count' AS count,
       pg_temp.usernames(members.paginated_organization_members('acme', 0, 4)->'members') AS from_offset_4;
SELECT pg_temp.usernames(members.paginated_organization_members('acme', 3)->'members') AS first_3,
       pg_temp.usernames(members.paginated_organization_members('acme', 3, 3)->'members') AS next_3,
       pg_temp.usernames(members.paginated_organization_members('acme', 3, 6)->'members') AS next_after;
SELECT pg_temp.usernames(members.paginated_organization_members('acme', 1000, 5)->'members') AS largest_limit;
-- A page holds at most 1000 members: past it, 22023 naming the limit.
SELECT pg_temp.usernames(members.paginated_organization_members('acme', 2147483647, 5)->'members') AS huge_limit;
-- Offset 6 of 7: the last member alone.
SELECT members.paginated_organization_members('acme', 0, 6);
-- Past the end: no members, the total count (docs/decisions.md).
SELECT members.paginated_organization_members('acme', 10, 7);
SELECT members.paginated_organization_members('acme', 1, 2147483647);
-- Named arguments, as PostgREST passes them.
SELECT pg_temp.usernames(members.paginated_organization_members(organization => 'acme', "offset" => 1, "limit" => 1)->'members') AS named;

-- Negative limit or offset: 22023 with Coder's validation text.
SELECT pg_temp.try('SELECT members.paginated_organization_members(''acme'', -1)');
SELECT pg_temp.try('SELECT members.paginated_organization_members(''acme'', 0, -5)');
SELECT pg_temp.try('SELECT members.paginated_organization_members(''acme'', -1, -1)');
-- The organization is resolved first, as in Coder: 404 wins over 400.
SELECT pg_temp.try('SELECT members.paginated_organization_members(''initech'', -1)');
SELECT pg_temp.try('SELECT members.paginated_organization_members('''', -1)');

-- Organization resolution, as for the listing.
SELECT members.paginated_organization_members('ACME', 1) = members.paginated_organization_members('default', 1) AS ci_equals_default,
       members.paginated_organization_members(:acme, 1) = members.paginated_organization_members('00000000-0000-0000-0000-000000000000', 1) AS uuid_equals_nil;
SELECT pg_temp.try('SELECT members.paginated_organization_members(''0a000000-0000-4000-8000-0000000000ff'')');
SELECT pg_temp.try('SELECT members.paginated_organization_members(NULL)');

-- Per actor: everyone who reads every member gets the system's page.
CREATE TABLE pg_temp.page_2_2 AS SELECT members.paginated_organization_members('acme', 2, 2) AS j;
SELECT pg_temp.usernames(j->'members') AS system_page, j->'count' AS count FROM page_2_2;
BEGIN;
SET LOCAL members.actor = :olivia;
SELECT members.paginated_organization_members('acme', 2, 2) = (SELECT j FROM page_2_2) AS owner_same;
ROLLBACK;
BEGIN;
SET LOCAL members.actor = :oscar;
SELECT members.paginated_organization_members('acme', 2, 2) = (SELECT j FROM page_2_2) AS org_admin_same;
ROLLBACK;
BEGIN;
SET LOCAL members.actor = :ursula;
SELECT pg_temp.usernames(members.paginated_organization_members('acme', 2, 2)->'members') AS org_user_admin_page;
ROLLBACK;
BEGIN;
SET LOCAL members.actor = :uma;
SELECT pg_temp.usernames(members.paginated_organization_members('acme', 2, 2)->'members') AS user_admin_page;
ROLLBACK;
BEGIN;
SET LOCAL members.actor = :audrey;
SELECT pg_temp.usernames(members.paginated_organization_members('acme', 2, 2)->'members') AS auditor_page;
ROLLBACK;
BEGIN;
SET LOCAL members.actor = :pat;
SELECT members.paginated_organization_members('acme', 2, 2) AS plain_member_page_sharing_enabled;
ROLLBACK;
-- a non-member: 404 (from the organization)
BEGIN;
SET LOCAL members.actor = :nina;
SELECT pg_temp.try('SELECT members.paginated_organization_members(''acme'')');
ROLLBACK;
BEGIN;
SET LOCAL members.actor = :nina;
SELECT pg_temp.try('SELECT members.paginated_organization_members(''acme'', -1)');
ROLLBACK;

-- Deleting a user hides them at once; their membership row stays.
BEGIN;
UPDATE members.users SET deleted = true WHERE id = :zara;
SELECT members.paginated_organization_members('acme', 1, 4);
SELECT count(*) AS membership_rows FROM members.organization_members WHERE organization_id = :acme;
ROLLBACK;

-- An organization without members.
INSERT INTO members.organizations (id, name, display_name) VALUES
	('0a000000-0000-4000-8000-000000000003', 'empty', 'Empty');
SELECT members.organization_members('empty') AS empty_list,
       members.paginated_organization_members('empty') AS empty_page;

-- The functions may run in a parallel worker (PARALLEL SAFE): the worker
-- inherits the actor and gives the same answers.
CREATE TABLE pg_temp.leader AS
	SELECT md5(members.organization_members('acme')::text) AS list,
	       md5(members.paginated_organization_members('acme', 2, 1)::text) AS page;
BEGIN;
SET LOCAL members.actor = :pat;
SET LOCAL force_parallel_mode = on;
EXPLAIN (COSTS OFF)
SELECT md5(members.organization_members('acme')::text);
SELECT md5(members.organization_members('acme')::text) AS list,
       md5(members.paginated_organization_members('acme', 2, 1)::text) AS page \gset worker_
SELECT :'worker_list' = (SELECT list FROM leader) AS list_same,
       :'worker_page' = (SELECT page FROM leader) AS page_same;
ROLLBACK;

-- Declared properties.
SELECT p.proname, p.provolatile, p.proparallel, p.proisstrict, p.proconfig,
       pg_get_function_identity_arguments(p.oid) AS args,
       obj_description(p.oid, 'pg_proc') IS NOT NULL AS has_comment
  FROM pg_proc p
 WHERE p.pronamespace = 'members'::regnamespace
   AND p.proname IN ('organization_members', 'paginated_organization_members',
                     'organization_roles', 'site_roles')
 ORDER BY p.proname;
SELECT has_function_privilege('public', 'members.organization_members(text)', 'EXECUTE') AS public_may_execute;

SET client_min_messages = warning;
TRUNCATE members.organizations, members.users CASCADE;
RESET client_min_messages;
