-- The data model: constraints, cascades, pg_dump registration, privileges.

-- Every user table is registered with pg_extension_config_dump.
SELECT c.relname
  FROM pg_extension e, unnest(e.extconfig) AS t(oid)
  JOIN pg_class c ON c.oid = t.oid
 WHERE e.extname = 'members'
 ORDER BY c.relname;

-- Nothing is granted to PUBLIC: no function EXECUTE, no table privilege.
SELECT p.oid::regprocedure AS function_executable_by_public
  FROM pg_proc p
 WHERE p.pronamespace = 'members'::regnamespace
   AND has_function_privilege('public', p.oid, 'EXECUTE')
 ORDER BY 1;
SELECT DISTINCT c.relname AS table_with_public_grant
  FROM pg_class c, aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a
 WHERE c.relnamespace = 'members'::regnamespace AND c.relkind = 'r'
   AND a.grantee = 0
 ORDER BY 1;

-- Every function pins search_path and has a comment; the only exceptions
-- are the two hot-path checks, whose SET clause would cost eight times the
-- check (see members--1.0.sql).
SELECT p.oid::regprocedure AS function_without_search_path
  FROM pg_proc p
 WHERE p.pronamespace = 'members'::regnamespace
   AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%')
 ORDER BY 1;
SELECT p.oid::regprocedure AS function_without_comment
  FROM pg_proc p
 WHERE p.pronamespace = 'members'::regnamespace
   AND obj_description(p.oid, 'pg_proc') IS NULL
 ORDER BY 1;

-- Ids are random version-4 uuids.
SELECT count(DISTINCT members.new_id()) AS distinct_ids,
       bool_and(substr(members.new_id()::text, 15, 1) = '4') AS version_4,
       bool_and(substr(members.new_id()::text, 20, 1) IN ('8', '9', 'a', 'b')) AS rfc4122_variant
  FROM generate_series(1, 1000);

-- Fixtures with fixed ids.
INSERT INTO members.organizations (id, name, display_name, is_default) VALUES
	('00000000-0000-0000-0000-0000000000a1', 'acme', 'Acme', true),
	('00000000-0000-0000-0000-0000000000a2', 'globex', 'Globex', false);
INSERT INTO members.users (id, username, email) VALUES
	('00000000-0000-0000-0000-000000000001', 'alice', 'alice@example.com'),
	('00000000-0000-0000-0000-000000000002', 'bob', 'bob@example.com');

-- Usernames and emails are unique case-insensitively.
INSERT INTO members.users (username, email) VALUES ('Alice', 'other@example.com');
INSERT INTO members.users (username, email) VALUES ('alice2', 'ALICE@example.com');
-- ... among non-deleted users only: a deleted user frees the name.
UPDATE members.users SET deleted = true WHERE username = 'bob';
INSERT INTO members.users (id, username, email) VALUES
	('00000000-0000-0000-0000-000000000003', 'BOB', 'Bob@example.com');
UPDATE members.users SET deleted = false WHERE username = 'bob';
DELETE FROM members.users WHERE id = '00000000-0000-0000-0000-000000000003';
UPDATE members.users SET deleted = false WHERE username = 'bob';

-- Check constraints (terse: the failing row shows random ids).
\set VERBOSITY terse
-- Names follow Coder's NameValid, in the table too.
INSERT INTO members.users (username, email) VALUES ('bad_name', 'x@example.com');
INSERT INTO members.users (username, email) VALUES ('-lead', 'x@example.com');
INSERT INTO members.users (username, email) VALUES ('new', 'x@example.com');
INSERT INTO members.users (username, email) VALUES (repeat('a', 33), 'x@example.com');
INSERT INTO members.organizations (name, display_name) VALUES ('two--hyphens', 'x');
-- status, login type and role arrays are checked.
INSERT INTO members.users (username, email, status) VALUES ('carol', 'carol@example.com', 'gone');
INSERT INTO members.users (username, email, rbac_roles) VALUES ('carol', 'carol@example.com', '{Owner}');
INSERT INTO members.users (username, email, rbac_roles) VALUES ('carol', 'carol@example.com', '{owner,NULL}');

\set VERBOSITY default
-- Organization names are unique case-insensitively; at most one default.
INSERT INTO members.organizations (name, display_name) VALUES ('ACME', 'dup');
INSERT INTO members.organizations (name, display_name, is_default) VALUES ('initech', 'Initech', true);

-- Memberships: primary key, foreign keys, clean role arrays.
INSERT INTO members.organization_members (organization_id, user_id, roles) VALUES
	('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-000000000001', '{organization-admin,auditors}'),
	('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-000000000002', '{auditors}'),
	('00000000-0000-0000-0000-0000000000a2', '00000000-0000-0000-0000-000000000001', '{auditors}');
INSERT INTO members.organization_members (organization_id, user_id) VALUES
	('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-000000000001');
INSERT INTO members.organization_members (organization_id, user_id) VALUES
	('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-0000000000ff');
\set VERBOSITY terse
INSERT INTO members.organization_members (organization_id, user_id, roles) VALUES
	('00000000-0000-0000-0000-0000000000a2', '00000000-0000-0000-0000-000000000002', '{Admin}');
\set VERBOSITY default

-- Custom roles: lower-case names unique per organization, only org permissions.
INSERT INTO members.custom_roles (id, name, display_name, organization_id, org_permissions) VALUES
	('00000000-0000-0000-0000-0000000000c1', 'auditors', 'Auditors', '00000000-0000-0000-0000-0000000000a1',
	 '[{"negate": false, "resource_type": "audit_log", "action": "read"}]'),
	('00000000-0000-0000-0000-0000000000c2', 'auditors', 'Auditors', '00000000-0000-0000-0000-0000000000a2', '[]');
INSERT INTO members.custom_roles (name, organization_id) VALUES ('auditors', '00000000-0000-0000-0000-0000000000a1');
\set VERBOSITY terse
INSERT INTO members.custom_roles (name, organization_id) VALUES ('Mixed', '00000000-0000-0000-0000-0000000000a1');
INSERT INTO members.custom_roles (name, organization_id, site_permissions) VALUES
	('sitey', '00000000-0000-0000-0000-0000000000a1', '[{"negate": false, "resource_type": "*", "action": "*"}]');
INSERT INTO members.custom_roles (name, organization_id, org_permissions) VALUES
	('objecty', '00000000-0000-0000-0000-0000000000a1', '{}');

\set VERBOSITY default
-- Deleting a custom role removes its name from every member of its
-- organization in the same statement, and only there.
DELETE FROM members.custom_roles WHERE id = '00000000-0000-0000-0000-0000000000c1';
SELECT organization_id, user_id, roles FROM members.organization_members ORDER BY 1, 2;

-- Deleting a user removes their memberships and keys; deleting an
-- organization removes its memberships and custom roles.
INSERT INTO members.api_keys (id, hashed_secret, user_id, lifetime_seconds, expires_at) VALUES
	('abcdefghij', sha256('s'), '00000000-0000-0000-0000-000000000002', 3600, now() + interval '1 hour');
DELETE FROM members.users WHERE id = '00000000-0000-0000-0000-000000000002';
SELECT organization_id, user_id FROM members.organization_members ORDER BY 1, 2;
SELECT count(*) AS keys_left FROM members.api_keys;
DELETE FROM members.organizations WHERE id = '00000000-0000-0000-0000-0000000000a2';
SELECT organization_id, user_id FROM members.organization_members ORDER BY 1, 2;
SELECT name, organization_id FROM members.custom_roles ORDER BY 1, 2;

-- Audit rows only take known actions and HTTP statuses.
\set VERBOSITY terse
INSERT INTO members.audit_log (action, resource_type, resource_id, status_code)
	VALUES ('erase', 'organization_member', members.new_id(), 200);
INSERT INTO members.audit_log (action, resource_type, resource_id, status_code)
	VALUES ('create', 'organization_member', members.new_id(), 42);

\set VERBOSITY default
-- Clean up for the next suites.
TRUNCATE members.organizations, members.users, members.organization_members,
	members.custom_roles, members.api_keys, members.audit_log;
