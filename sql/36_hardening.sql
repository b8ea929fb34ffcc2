-- Limits and refusals from a hostile review: active session tokens per
-- user (members.max_api_keys_per_user).
\set VERBOSITY default

\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/tests/regress/helpers.sql
\set ECHO all

INSERT INTO members.users (id, username, email) VALUES
	('0f400000-0000-4000-8000-000000000001', 'h-tokens', 'h-tokens@example.com');

-- The default is generous; a superuser may lower it.
SHOW members.max_api_keys_per_user;
SET members.max_api_keys_per_user = 2;
SELECT length(members.create_api_key('h-tokens')) AS token_length;
SELECT length(members.create_api_key('h-tokens')) AS token_length;
-- one more: a clear 22023 naming the limit
SELECT pg_temp.try($$SELECT members.create_api_key('h-tokens')$$);
-- expired tokens do not count
UPDATE members.api_keys SET expires_at = now() - interval '1 second'
 WHERE id = (SELECT min(id) FROM members.api_keys
              WHERE user_id = '0f400000-0000-4000-8000-000000000001');
SELECT length(members.create_api_key('h-tokens')) AS token_length;
SELECT pg_temp.try($$SELECT members.create_api_key('h-tokens')$$);
SELECT count(*) FILTER (WHERE expires_at > now()) AS active, count(*) AS total
  FROM members.api_keys WHERE user_id = '0f400000-0000-4000-8000-000000000001';
RESET members.max_api_keys_per_user;
-- only superusers set it
SET ROLE members_plain;
SELECT pg_temp.try($$SET members.max_api_keys_per_user = 100000$$);
RESET ROLE;

-- Reserved role names: every built-in and system role name, whatever its
-- case, is refused for a custom role (22023 "reserved role name").
INSERT INTO members.organizations (id, name, display_name) VALUES
	('0f400000-0000-4000-8000-0000000000a0', 'h-org', 'H');
INSERT INTO members.users (id, username, email, rbac_roles) VALUES
	('0f400000-0000-4000-8000-000000000002', 'h-owner', 'h-owner@example.com', '{owner}'),
	('0f400000-0000-4000-8000-000000000003', 'h-holder', 'h-holder@example.com', '{}'),
	('0f400000-0000-4000-8000-000000000004', 'h-target', 'h-target@example.com', '{}'),
	('0f400000-0000-4000-8000-000000000005', 'h-gone', 'h-gone@example.com', '{}');
INSERT INTO members.organization_members (organization_id, user_id) VALUES
	('0f400000-0000-4000-8000-0000000000a0', '0f400000-0000-4000-8000-000000000003'),
	('0f400000-0000-4000-8000-0000000000a0', '0f400000-0000-4000-8000-000000000004');
SELECT n AS name, pg_temp.try_as('0f400000-0000-4000-8000-000000000002',
	format($$SELECT members.insert_custom_role('h-org', '{"name": %s}')$$, to_json(n))) AS result
  FROM unnest(ARRAY['system', 'SYSTEM', 'prebuilds-orchestrator', 'Prebuilds-Orchestrator',
                    'owner', 'member', 'auditor', 'template-admin', 'USER-ADMIN',
                    'organization-admin', 'organization-member', 'organization-auditor',
                    'organization-user-admin', 'organization-template-admin']) AS n;

-- A custom role called "system" stored before the name was reserved (here:
-- written directly) that grants assign_org_role: its holder has the RBAC
-- half of assignment but no row in the static table, so it may assign
-- nothing; it used to inherit the built-in system role's row (assign
-- anything).
INSERT INTO members.custom_roles (name, display_name, organization_id, org_permissions) VALUES
	('system', 'Not the system', '0f400000-0000-4000-8000-0000000000a0',
	 '[{"negate": false, "resource_type": "assign_org_role", "action": "*"},
	   {"negate": false, "resource_type": "organization_member", "action": "read"}]'),
	('prebuilds-orchestrator', 'Not the orchestrator', '0f400000-0000-4000-8000-0000000000a0',
	 '[{"negate": false, "resource_type": "assign_org_role", "action": "*"},
	   {"negate": false, "resource_type": "organization_member", "action": "read"}]');
UPDATE members.organization_members SET roles = '{system,prebuilds-orchestrator}'
 WHERE user_id = '0f400000-0000-4000-8000-000000000003';
SELECT pg_temp.try_as('0f400000-0000-4000-8000-000000000003',
	$$SELECT members.update_organization_member_roles('h-org', 'h-target', '{organization-admin}')$$);
SELECT pg_temp.try_as('0f400000-0000-4000-8000-000000000003',
	$$SELECT members.update_organization_member_roles('h-org', 'h-target', '{organization-member}')$$);
SELECT roles FROM members.organization_members WHERE user_id = '0f400000-0000-4000-8000-000000000004';
-- as members.can_assign_role says
SELECT set_config('members.actor', '0f400000-0000-4000-8000-000000000003', false) IS NOT NULL AS set;
SELECT r AS role, members.can_assign_role(r, '0f400000-0000-4000-8000-0000000000a0') AS may_assign
  FROM unnest(ARRAY['organization-admin', 'organization-member', 'custom-organization-role']) AS r;
RESET members.actor;

-- Deleted users are not found (P0002), by uuid as by name, everywhere a
-- user is resolved: adding to an organization, site roles, session tokens.
UPDATE members.users SET deleted = true WHERE id = '0f400000-0000-4000-8000-000000000005';
SELECT pg_temp.try_as('0f400000-0000-4000-8000-000000000002',
	$$SELECT members.add_organization_member('h-org', '0f400000-0000-4000-8000-000000000005')$$);
SELECT pg_temp.try_as('0f400000-0000-4000-8000-000000000002',
	$$SELECT members.add_organization_member('h-org', 'h-gone')$$);
SELECT pg_temp.try_as('0f400000-0000-4000-8000-000000000002',
	$$SELECT members.update_user_site_roles('0f400000-0000-4000-8000-000000000005', '{auditor}')$$);
SELECT pg_temp.try_as('0f400000-0000-4000-8000-000000000002',
	$$SELECT members.create_api_key('0f400000-0000-4000-8000-000000000005')$$);
SELECT pg_temp.try_as('0f400000-0000-4000-8000-000000000002',
	$$SELECT members.remove_organization_member('h-org', '0f400000-0000-4000-8000-000000000005')$$);
SELECT count(*) AS memberships, (SELECT rbac_roles FROM members.users
                                  WHERE id = '0f400000-0000-4000-8000-000000000005') AS site_roles
  FROM members.organization_members WHERE user_id = '0f400000-0000-4000-8000-000000000005';
-- no audit row names the deleted user: each refusal came before it was found
SELECT count(*) AS audit_rows FROM members.audit_log
 WHERE resource_id = '0f400000-0000-4000-8000-000000000005';

-- Bounded input: every list, name and nesting a request sends is capped
-- (src/caps.h); past a cap, 22023 naming the limit.  The largest allowed
-- input is accepted (here it fails later, for its content).
UPDATE members.users SET rbac_roles = '{owner}' WHERE id = '0f400000-0000-4000-8000-000000000002';
-- roles per request: 100
SELECT pg_temp.try_as('0f400000-0000-4000-8000-000000000002', format(
	$$SELECT members.update_organization_member_roles('h-org', 'h-target', %L)$$,
	(SELECT array_agg('r' || i) FROM generate_series(1, 100) i)));
SELECT pg_temp.try_as('0f400000-0000-4000-8000-000000000002', format(
	$$SELECT members.update_organization_member_roles('h-org', 'h-target', %L)$$,
	(SELECT array_agg('r' || i) FROM generate_series(1, 101) i)));
SELECT pg_temp.try_as('0f400000-0000-4000-8000-000000000002', format(
	$$SELECT members.update_user_site_roles('h-target', %L)$$,
	(SELECT array_agg('auditor'::text) FROM generate_series(1, 40000) i)));
-- a role name of at most 256 bytes
SELECT pg_temp.try_as('0f400000-0000-4000-8000-000000000002', format(
	$$SELECT members.update_organization_member_roles('h-org', 'h-target', ARRAY[%L])$$, repeat('a', 256)));
SELECT pg_temp.try_as('0f400000-0000-4000-8000-000000000002', format(
	$$SELECT members.update_organization_member_roles('h-org', 'h-target', ARRAY[%L])$$, repeat('a', 257)));
-- refusals past a cap are audited like any other refusal of a found target
SELECT status_code, count(*) FROM members.audit_log
 WHERE resource_id = '0f400000-0000-4000-8000-000000000004' GROUP BY 1 ORDER BY 1;
-- path values of at most 256 bytes
SELECT pg_temp.try_as('0f400000-0000-4000-8000-000000000002', format(
	$$SELECT members.organization_members(%L)$$, repeat('o', 256)));
SELECT pg_temp.try_as('0f400000-0000-4000-8000-000000000002', format(
	$$SELECT members.organization_members(%L)$$, repeat('o', 257)));
SELECT pg_temp.try_as('0f400000-0000-4000-8000-000000000002', format(
	$$SELECT members.add_organization_member('h-org', %L)$$, repeat('u', 257)));
-- permissions per custom role: 1000 (all lists together)
SELECT pg_temp.try_as('0f400000-0000-4000-8000-000000000002', format(
	$$SELECT members.insert_custom_role('h-org', %L)$$,
	jsonb_build_object('name', 'h-many', 'organization_permissions',
		(SELECT jsonb_agg('{"negate": false, "resource_type": "template", "action": "read"}'::jsonb)
		   FROM generate_series(1, 1000))))) AS at_cap;
SELECT pg_temp.try_as('0f400000-0000-4000-8000-000000000002', format(
	$$SELECT members.insert_custom_role('h-org', %L)$$,
	jsonb_build_object('name', 'h-many2', 'organization_permissions',
		(SELECT jsonb_agg('{"negate": false, "resource_type": "template", "action": "read"}'::jsonb)
		   FROM generate_series(1, 600)),
		'site_permissions',
		(SELECT jsonb_agg('{"negate": false, "resource_type": "template", "action": "read"}'::jsonb)
		   FROM generate_series(1, 401)))));
-- names in the body: at most 256 bytes
SELECT pg_temp.try_as('0f400000-0000-4000-8000-000000000002', format(
	$$SELECT members.insert_custom_role('h-org', %L)$$,
	jsonb_build_object('name', repeat('n', 257))));
SELECT pg_temp.try_as('0f400000-0000-4000-8000-000000000002', format(
	$$SELECT members.insert_custom_role('h-org', %L)$$,
	jsonb_build_object('name', 'h-long', 'display_name', repeat('d', 257))));
-- JSON nesting: at most 16 levels
SELECT pg_temp.try_as('0f400000-0000-4000-8000-000000000002', format(
	$$SELECT members.insert_custom_role('h-org', %L)$$,
	'{"name": "h-deep", "x": ' || repeat('[', 15) || repeat(']', 15) || '}'));
SELECT pg_temp.try_as('0f400000-0000-4000-8000-000000000002', format(
	$$SELECT members.insert_custom_role('h-org', %L)$$,
	'{"name": "h-deep", "x": ' || repeat('[', 16) || repeat(']', 16) || '}'));
SELECT name FROM members.custom_roles
 WHERE organization_id = '0f400000-0000-4000-8000-0000000000a0' ORDER BY name;
-- page limit: at most 1000
SELECT pg_temp.try_as('0f400000-0000-4000-8000-000000000002',
	$$SELECT members.paginated_organization_members('h-org', 1000)$$);
SELECT pg_temp.try_as('0f400000-0000-4000-8000-000000000002',
	$$SELECT members.paginated_organization_members('h-org', 1001)$$);
SELECT pg_temp.try_as('0f400000-0000-4000-8000-000000000002',
	$$SELECT members.audit_log_entries('h-org', 1001)$$);
-- checks in one check_permissions call: at most 1000, keys at most 256 bytes
SELECT pg_temp.try_as('0f400000-0000-4000-8000-000000000002', format(
	$$SELECT members.check_permissions(%L)$$,
	(SELECT jsonb_object_agg('k' || i, '{"object": {"resource_type": "template"}, "action": "read"}'::jsonb)
	   FROM generate_series(1, 1000) i)));
SELECT pg_temp.try_as('0f400000-0000-4000-8000-000000000002', format(
	$$SELECT members.check_permissions(%L)$$,
	(SELECT jsonb_object_agg('k' || i, '{"object": {"resource_type": "template"}, "action": "read"}'::jsonb)
	   FROM generate_series(1, 1001) i)));
SELECT pg_temp.try_as('0f400000-0000-4000-8000-000000000002', format(
	$$SELECT members.check_permissions(%L)$$,
	jsonb_build_object(repeat('k', 257), '{"object": {"resource_type": "template"}, "action": "read"}'::jsonb)));

-- leave no fixture behind for the suites that follow
DELETE FROM members.api_keys WHERE user_id = '0f400000-0000-4000-8000-000000000001';
DELETE FROM members.audit_log WHERE organization_id = '0f400000-0000-4000-8000-0000000000a0'
   OR user_id::text LIKE '0f400000-%';
DELETE FROM members.custom_roles WHERE organization_id = '0f400000-0000-4000-8000-0000000000a0';
DELETE FROM members.organizations WHERE id = '0f400000-0000-4000-8000-0000000000a0';
DELETE FROM members.users WHERE id::text LIKE '0f400000-%';
