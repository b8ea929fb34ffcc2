-- The audit log of the write endpoints (docs/coder-behaviour.md 9) and
-- members.audit_log_entries: one row per mutation, in Coder's diff shape;
-- successes written atomically with the change; refused removals and role
-- changes whose target was resolved written by a background worker so
-- that they survive the caller's abort; failed additions not audited.
\set VERBOSITY default

-- Fixtures with fixed ids and timestamps.
\set orga    '''0a000000-0000-4000-8000-0000000000f1'''
\set orgb    '''0a000000-0000-4000-8000-0000000000f2'''
\set owner   '''0f000000-0000-4000-8000-000000000001'''
\set uadmin  '''0f000000-0000-4000-8000-000000000002'''
\set auditor '''0f000000-0000-4000-8000-000000000003'''
\set oadmin  '''0f000000-0000-4000-8000-000000000010'''
\set oaud    '''0f000000-0000-4000-8000-000000000012'''
\set pm      '''0f000000-0000-4000-8000-000000000013'''
\set badmin  '''0f000000-0000-4000-8000-000000000016'''

INSERT INTO members.organizations (id, name, display_name, is_default) VALUES
	(:orga, 'org-a', 'Org A', true),
	(:orgb, 'org-b', 'Org B', false);
INSERT INTO members.users (id, username, email, rbac_roles) VALUES
	(:owner, 'owner', 'owner@example.com', '{owner}'),
	(:uadmin, 'uadmin', 'uadmin@example.com', '{user-admin}'),
	(:auditor, 'auditor', 'auditor@example.com', '{auditor}'),
	(:oadmin, 'oadmin', 'oadmin@example.com', '{}'),
	(:oaud, 'oaud', 'oaud@example.com', '{}'),
	(:pm, 'pm', 'pm@example.com', '{}'),
	(:badmin, 'badmin', 'badmin@example.com', '{}'),
	('0f000000-0000-4000-8000-000000000020', 't1', 't1@example.com', '{}'),
	('0f000000-0000-4000-8000-000000000021', 't2', 't2@example.com', '{}'),
	('0f000000-0000-4000-8000-000000000022', 't3', 't3@example.com', '{}');
INSERT INTO members.organization_members (organization_id, user_id, roles, created_at, updated_at) VALUES
	(:orga, :owner, '{}', '2024-01-01 00:00:00+00', '2024-01-01 00:00:00+00'),
	(:orga, :oadmin, '{organization-admin}', '2024-01-01 00:00:00+00', '2024-01-01 00:00:00+00'),
	(:orga, :oaud, '{organization-auditor}', '2024-01-01 00:00:00+00', '2024-01-01 00:00:00+00'),
	(:orga, :pm, '{}', '2024-01-01 00:00:00+00', '2024-01-01 00:00:00+00'),
	(:orgb, :badmin, '{organization-admin}', '2024-01-01 00:00:00+00', '2024-01-01 00:00:00+00'),
	(:orga, '0f000000-0000-4000-8000-000000000020', '{}', '2024-01-02 03:04:05.5+00', '2024-01-02 03:04:05.5+00'),
	(:orga, '0f000000-0000-4000-8000-000000000022', '{organization-template-admin,organization-auditor}',
	 '2024-01-03 00:00:00.123456+00', '2024-02-03 00:00:00+00');
TRUNCATE members.audit_log;

-- act(actor, query): run query as actor (NULL: the system); "ok", or
-- "SQLSTATE: message (detail)" for an error.
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/tests/regress/helpers.sql
\set ECHO all

-- A diff with every RFC 3339 UTC timestamp from 2025 on (the
-- time of the change) shown as "<now>"; other values untouched.
CREATE FUNCTION pg_temp.mask(d jsonb) RETURNS jsonb LANGUAGE sql AS $$
	SELECT coalesce(jsonb_object_agg(k, (
		SELECT jsonb_object_agg(f, CASE
			WHEN jsonb_typeof(v) = 'string'
			 AND v #>> '{}' ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$'
			 AND (v #>> '{}')::timestamptz >= '2025-01-01 00:00:00+00'
			THEN '"<now>"'::jsonb ELSE v END)
		  FROM jsonb_each(o) AS x(f, v))), '{}'::jsonb)
	  FROM jsonb_each(d) AS y(k, o)
$$;

-- The audit rows written since the last call, oldest first, with the
-- actor's and organization's names.
CREATE TABLE pg_temp.seen (id uuid PRIMARY KEY);
CREATE FUNCTION pg_temp.new_rows() RETURNS TABLE (actor text, org text, action text, resource_type text,
	target text, resource_is_target boolean, status integer, diff jsonb)
LANGUAGE sql AS $$
	WITH fresh AS (
		SELECT a.* FROM members.audit_log a WHERE a.id NOT IN (SELECT id FROM seen)
	), mark AS (
		INSERT INTO seen SELECT id FROM fresh
	)
	SELECT coalesce(u.username, '<system>'), o.name, f.action, f.resource_type, f.resource_target,
	       f.resource_id = t.id, f.status_code, pg_temp.mask(f.diff)
	  FROM fresh f
	  LEFT JOIN members.users u ON u.id = f.user_id
	  LEFT JOIN members.organizations o ON o.id = f.organization_id
	  LEFT JOIN members.users t ON t.username = f.resource_target
	 ORDER BY f."time", f.id
$$;

---------------------------------------------------------------------------
-- Successful mutations: one row each, in the same transaction
---------------------------------------------------------------------------

-- add: create, 200; the diff shows every tracked field going from Go's
-- zero values to the new member (organization_id is not tracked).
SELECT pg_temp.try_as(:owner, $$SELECT members.add_organization_member('org-a', 't2')$$);
SELECT * FROM pg_temp.new_rows();
-- The system acts with no user: user_id is NULL.
SELECT pg_temp.try_as(NULL, $$SELECT members.add_organization_member('org-b', 't2')$$);
SELECT * FROM pg_temp.new_rows();
SELECT count(*) AS system_rows FROM members.audit_log WHERE user_id IS NULL;

-- role change: write, 200; only the changed fields (roles, updated_at).
SELECT pg_temp.try_as(:owner, $$SELECT members.update_organization_member_roles('org-a', 't1', '{Organization-Auditor}')$$);
SELECT * FROM pg_temp.new_rows();
SELECT pg_temp.try_as(:oadmin, $$SELECT members.update_organization_member_roles('org-a', 't1', '{organization-auditor,organization-admin}')$$);
SELECT * FROM pg_temp.new_rows();

-- removal: delete, 204; every tracked field goes to its zero value.
SELECT pg_temp.try_as(:oadmin, $$SELECT members.remove_organization_member('org-a', 't3')$$);
SELECT * FROM pg_temp.new_rows();

-- site roles: write on the user, 200, no organization; the diff tracks
-- rbac_roles.
SELECT pg_temp.try_as(:owner, $$SELECT members.update_user_site_roles('t1', '{Auditor,template-admin}')$$);
SELECT * FROM pg_temp.new_rows();

-- A success rolled back leaves no audit row (it is atomic with the change).
BEGIN;
SET LOCAL members.actor = :owner;
SELECT members.update_organization_member_roles('org-a', 't1', '{}') IS NOT NULL AS changed;
SELECT count(*) AS rows_inside FROM members.audit_log WHERE status_code = 200 AND resource_target = 't1';
ROLLBACK;
SELECT count(*) AS rows_after FROM members.audit_log WHERE status_code = 200 AND resource_target = 't1';
SELECT * FROM pg_temp.new_rows();

---------------------------------------------------------------------------
-- Refused attempts
---------------------------------------------------------------------------

-- Failed additions are never audited: already a member (23505), not
-- allowed (404), unknown user or organization (404).
SELECT pg_temp.try_as(:owner, $$SELECT members.add_organization_member('org-a', 't1')$$);
SELECT pg_temp.try_as(:pm, $$SELECT members.add_organization_member('org-a', 'me')$$);
SELECT pg_temp.try_as(:owner, $$SELECT members.add_organization_member('org-a', 'nobody')$$);
SELECT pg_temp.try_as(:owner, $$SELECT members.add_organization_member('initech', 't1')$$);
SELECT * FROM pg_temp.new_rows();

-- Refused role changes whose member was resolved are audited with the
-- status the HTTP layer gives and an empty diff: 403 (no assign), 400
-- (unknown role, static table, name:org, yourself, NULL roles).
SELECT pg_temp.try_as(:pm, $$SELECT members.update_organization_member_roles('org-a', 't1', '{}')$$);
SELECT pg_temp.try_as(:owner, $$SELECT members.update_organization_member_roles('org-a', 't1', '{bogus}')$$);
SELECT pg_temp.try_as(:oaud, $$SELECT members.update_organization_member_roles('org-a', 't1', '{}')$$);
SELECT pg_temp.try_as(:owner, $$SELECT members.update_organization_member_roles('org-a', 't1', '{a:b}')$$);
SELECT pg_temp.try_as(:oadmin, $$SELECT members.update_organization_member_roles('org-a', 'me', '{}')$$);
SELECT pg_temp.try_as(:owner, $$SELECT members.update_organization_member_roles('org-a', 't1', NULL)$$);
SELECT * FROM pg_temp.new_rows();
-- A member that cannot be resolved (404) is not audited: not a member,
-- unknown user, organization not readable.
SELECT pg_temp.try_as(:owner, $$SELECT members.update_organization_member_roles('org-a', 't3', '{}')$$);
SELECT pg_temp.try_as(:owner, $$SELECT members.update_organization_member_roles('org-a', 'nobody', '{}')$$);
SELECT pg_temp.try_as(:badmin, $$SELECT members.update_organization_member_roles('org-a', 't1', '{}')$$);
SELECT * FROM pg_temp.new_rows();

-- Refused removals: yourself (400), not allowed to delete (404); an
-- unresolved member (404) is not audited.
SELECT pg_temp.try_as(:owner, $$SELECT members.remove_organization_member('org-a', 'me')$$);
SELECT pg_temp.try_as(:pm, $$SELECT members.remove_organization_member('org-a', 't1')$$);
SELECT pg_temp.try_as(:auditor, $$SELECT members.remove_organization_member('org-a', 't1')$$);
SELECT pg_temp.try_as(:owner, $$SELECT members.remove_organization_member('org-a', 't3')$$);
SELECT pg_temp.try_as(:badmin, $$SELECT members.remove_organization_member('org-a', 't1')$$);
SELECT * FROM pg_temp.new_rows();

-- Refused site-role changes: 403, 400 (static table, unknown role,
-- yourself); the user path value (404) is not audited.
SELECT pg_temp.try_as(:auditor, $$SELECT members.update_user_site_roles('t1', '{}')$$);
SELECT pg_temp.try_as(:uadmin, $$SELECT members.update_user_site_roles('t2', '{owner}')$$);
SELECT pg_temp.try_as(:owner, $$SELECT members.update_user_site_roles('t2', '{bogus}')$$);
SELECT pg_temp.try_as(:owner, $$SELECT members.update_user_site_roles('me', '{}')$$);
SELECT pg_temp.try_as(:pm, $$SELECT members.update_user_site_roles('t1', '{}')$$);
SELECT * FROM pg_temp.new_rows();

-- The row of a refused attempt is committed before the error reaches the
-- caller, and survives the caller's transaction rolling back.
BEGIN;
SET LOCAL members.actor = :pm;
SELECT members.remove_organization_member('org-a', 't1');
ROLLBACK;
BEGIN;
SET LOCAL members.actor = :auditor;
SELECT members.update_user_site_roles('t2', '{auditor}');
ROLLBACK;
SELECT * FROM pg_temp.new_rows();
-- ... also when the refused call ran after changes that roll back with it.
BEGIN;
SET LOCAL members.actor = :owner;
SELECT members.add_organization_member('org-b', 't1') IS NOT NULL AS added;
SELECT members.remove_organization_member('org-a', 'me');
ROLLBACK;
SELECT * FROM pg_temp.new_rows();

-- When the audit worker cannot write (here: this transaction holds a lock
-- on audit_log that would block it), the refusal is raised as usual with a
-- WARNING that it went unaudited.
BEGIN;
LOCK TABLE members.audit_log IN SHARE MODE;
SET LOCAL members.actor = :pm;
SELECT members.remove_organization_member('org-a', 't1');
ROLLBACK;
SELECT * FROM pg_temp.new_rows();

---------------------------------------------------------------------------
-- members.audit_log_entries
---------------------------------------------------------------------------

-- Entries without id and time, time checked for shape; resource ids and
-- organization ids shown by name.
CREATE FUNCTION pg_temp.entries(p_actor text, p_org text, p_lim integer) RETURNS TABLE (n bigint, who text, org text,
	action text, resource_type text, target text, status integer, diff jsonb, time_rfc3339 boolean, rest jsonb)
LANGUAGE plpgsql AS $$
DECLARE
	j jsonb;
BEGIN
	PERFORM set_config('members.actor', coalesce(p_actor, ''), true);
	j := members.audit_log_entries(p_org, p_lim);
	RETURN QUERY
	SELECT e.n, coalesce(u.username, '<system>'), o.name, e.v->>'action', e.v->>'resource_type',
	       e.v->>'resource_target', (e.v->>'status_code')::integer, pg_temp.mask(e.v->'diff'),
	       (e.v->>'time') ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$',
	       e.v - 'id' - 'time' - 'user_id' - 'organization_id' - 'action' - 'resource_type'
	         - 'resource_target' - 'status_code' - 'diff' - 'resource_id'
	  FROM jsonb_array_elements(j) WITH ORDINALITY AS e(v, n)
	  LEFT JOIN members.users u ON u.id = (e.v->>'user_id')::uuid
	  LEFT JOIN members.organizations o ON o.id = (e.v->>'organization_id')::uuid
	 ORDER BY e.n;
END
$$;

-- The owner and the auditor read every entry, newest first; "limit"
-- defaults to 100, 0 means all.
SELECT * FROM pg_temp.entries(:owner, NULL, 5);
SELECT count(*) AS all_rows FROM members.audit_log;
BEGIN;
SET LOCAL members.actor = :auditor;
SELECT jsonb_array_length(members.audit_log_entries()) AS default_limit,
       jsonb_array_length(members.audit_log_entries(NULL, 0)) AS no_limit,
       jsonb_array_length(members.audit_log_entries(NULL, 2)) AS limit_2;
-- newest first, ties broken by id descending
SELECT bool_and(a.t >= b.t) AS newest_first
  FROM (SELECT n, (v->>'time')::timestamptz AS t FROM jsonb_array_elements(members.audit_log_entries(NULL, 0)) WITH ORDINALITY AS x(v, n)) a
  JOIN (SELECT n, (v->>'time')::timestamptz AS t FROM jsonb_array_elements(members.audit_log_entries(NULL, 0)) WITH ORDINALITY AS x(v, n)) b
    ON b.n = a.n + 1;
SELECT members.audit_log_entries(NULL, 0) = (
	SELECT jsonb_agg(e ORDER BY (e->>'time')::timestamptz DESC, (e->>'id')::uuid DESC)
	  FROM jsonb_array_elements(members.audit_log_entries(NULL, 0)) e) AS ordered;
ROLLBACK;
-- An organization's entries for organization admins and auditors (and
-- site readers): rows of org-a only (site-role rows have no organization).
SELECT * FROM pg_temp.entries(:oadmin, 'org-a', 3);
BEGIN;
SET LOCAL members.actor = :oaud;
SELECT jsonb_array_length(members.audit_log_entries('org-a', 0)) AS org_a_rows,
       (SELECT count(*) FROM members.audit_log WHERE organization_id = :orga) AS expected_rows;
ROLLBACK;
BEGIN;
SET LOCAL members.actor = :owner;
SELECT members.audit_log_entries('org-a', 0) = members.audit_log_entries('0a000000-0000-4000-8000-0000000000f1', 0) AS same_org;
ROLLBACK;
-- Refused: organization admins and auditors site-wide, plain members
-- anywhere (42501); an organization the actor cannot read (404); a
-- negative limit (22023); no actor for a plain database role (28000).
SELECT pg_temp.try_as(:oadmin, $$SELECT members.audit_log_entries()$$);
SELECT pg_temp.try_as(:oaud, $$SELECT members.audit_log_entries(NULL, 1)$$);
SELECT pg_temp.try_as(:pm, $$SELECT members.audit_log_entries()$$);
SELECT pg_temp.try_as(:pm, $$SELECT members.audit_log_entries('org-a')$$);
SELECT pg_temp.try_as(:uadmin, $$SELECT members.audit_log_entries('org-a')$$);
SELECT pg_temp.try_as(:badmin, $$SELECT members.audit_log_entries('org-a')$$);
SELECT pg_temp.try_as(:owner, $$SELECT members.audit_log_entries('initech')$$);
SELECT pg_temp.try_as(:owner, $$SELECT members.audit_log_entries(NULL, -1)$$);
SET ROLE members_plain;
SELECT pg_temp.try_as(NULL, $$SELECT members.audit_log_entries()$$);
RESET ROLE;
-- badmin reads org-b's entries (the system's addition of t2).
SELECT * FROM pg_temp.entries(:badmin, 'org-b', 0);

TRUNCATE members.organizations, members.users, members.audit_log CASCADE;
