-- RBAC engine: who may assign which role (docs/coder-behaviour.md 5.1-5.2), through
-- members.can_assign_role(role_name, organization_id) for the current actor,
-- and the site-role check of members.create_user (docs/coder-behaviour.md 5.3).
\set VERBOSITY default
\set SHOW_CONTEXT never

INSERT INTO members.organizations (id, name, display_name) VALUES
	('0a000000-0000-0000-0000-00000000000a', 'org-o', 'O'),
	('0c000000-0000-0000-0000-00000000000c', 'org-q', 'Q');
-- A custom role of O that even grants the RBAC half of assignment: holding
-- it still lets nobody assign anything (the static table knows no custom
-- role).
INSERT INTO members.custom_roles (name, display_name, organization_id, org_permissions) VALUES
	('assigner', 'Assigner', '0a000000-0000-0000-0000-00000000000a',
	 '[{"negate": false, "resource_type": "assign_org_role", "action": "*"}]'),
	('custom-x', 'Custom X', '0a000000-0000-0000-0000-00000000000a', '[]');
INSERT INTO members.users (id, username, email, rbac_roles, status) VALUES
	('00000000-0000-0000-0000-000000000001', 'owner', 'owner@example.com', '{owner}', 'active'),
	('00000000-0000-0000-0000-000000000002', 'auditor', 'auditor@example.com', '{auditor}', 'active'),
	('00000000-0000-0000-0000-000000000003', 'tpl-admin', 'tpl-admin@example.com', '{template-admin}', 'active'),
	('00000000-0000-0000-0000-000000000004', 'user-admin', 'user-admin@example.com', '{user-admin}', 'active'),
	('00000000-0000-0000-0000-000000000010', 'o-admin', 'o-admin@example.com', '{}', 'active'),
	('00000000-0000-0000-0000-000000000011', 'o-auditor', 'o-auditor@example.com', '{}', 'active'),
	('00000000-0000-0000-0000-000000000012', 'o-user-admin', 'o-user-admin@example.com', '{}', 'active'),
	('00000000-0000-0000-0000-000000000013', 'o-tpl-admin', 'o-tpl-admin@example.com', '{}', 'active'),
	('00000000-0000-0000-0000-000000000014', 'o-ws-ban', 'o-ws-ban@example.com', '{}', 'active'),
	('00000000-0000-0000-0000-000000000015', 'o-member', 'o-member@example.com', '{}', 'active'),
	('00000000-0000-0000-0000-000000000016', 'o-assigner', 'o-assigner@example.com', '{}', 'active'),
	('00000000-0000-0000-0000-000000000020', 'q-admin', 'q-admin@example.com', '{}', 'active'),
	('00000000-0000-0000-0000-000000000030', 'sus-owner', 'sus-owner@example.com', '{owner}', 'suspended');
INSERT INTO members.organization_members (organization_id, user_id, roles) VALUES
	('0a000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-000000000010', '{organization-admin}'),
	('0a000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-000000000011', '{organization-auditor}'),
	('0a000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-000000000012', '{organization-user-admin}'),
	('0a000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-000000000013', '{organization-template-admin}'),
	('0a000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-000000000014', '{organization-workspace-creation-ban}'),
	('0a000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-000000000015', '{}'),
	('0a000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-000000000016', '{assigner}'),
	-- Q's admin is a plain member of O
	('0c000000-0000-0000-0000-00000000000c', '00000000-0000-0000-0000-000000000020', '{organization-admin}'),
	('0a000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-000000000020', '{}'),
	('0a000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-000000000030', '{organization-admin}');

-- With SET LOCAL, one actor per transaction.
BEGIN;
SET LOCAL members.actor = '00000000-0000-0000-0000-000000000010';	-- o-admin
SELECT members.can_assign_role('organization-auditor', '0a000000-0000-0000-0000-00000000000a') AS in_own_org,
       members.can_assign_role('organization-auditor', '0c000000-0000-0000-0000-00000000000c') AS in_other_org,
       members.can_assign_role('auditor') AS site_role,
       members.can_assign_role('ORGANIZATION-Admin', '0a000000-0000-0000-0000-00000000000a') AS upper_case,
       members.can_assign_role('custom-x', '0a000000-0000-0000-0000-00000000000a') AS custom,
       members.can_assign_role('no-such-role', '0a000000-0000-0000-0000-00000000000a') AS unknown_as_custom;
COMMIT;
BEGIN;
SET LOCAL members.actor = '00000000-0000-0000-0000-000000000004';	-- user-admin
SELECT members.can_assign_role('member') AS site_member,
       members.can_assign_role('member', '00000000-0000-0000-0000-000000000000') AS nil_org_is_site,
       members.can_assign_role('organization-member', '0c000000-0000-0000-0000-00000000000c') AS org_member_anywhere,
       members.can_assign_role('Auditor') AS site_auditor;
COMMIT;

-- The full table: every actor x every built-in role name plus custom role
-- names, in O, in Q and site-wide (organization NULL).  A name that is not
-- a built-in of the asked scope is checked as a custom role
-- (custom-organization-role in an org, custom-site-role site-wide).
CREATE TEMP TABLE actors (ord int PRIMARY KEY, label text, id uuid);
INSERT INTO actors VALUES
	(1, 'system', NULL), (2, 'owner', '00000000-0000-0000-0000-000000000001'),
	(3, 'user-admin', '00000000-0000-0000-0000-000000000004'),
	(4, 'o-admin', '00000000-0000-0000-0000-000000000010'),
	(5, 'q-admin', '00000000-0000-0000-0000-000000000020'),
	(6, 'o-user-admin', '00000000-0000-0000-0000-000000000012'),
	(7, 'auditor', '00000000-0000-0000-0000-000000000002'),
	(8, 'tpl-admin', '00000000-0000-0000-0000-000000000003'),
	(9, 'o-auditor', '00000000-0000-0000-0000-000000000011'),
	(10, 'o-tpl-admin', '00000000-0000-0000-0000-000000000013'),
	(11, 'o-ws-ban', '00000000-0000-0000-0000-000000000014'),
	(12, 'o-assigner', '00000000-0000-0000-0000-000000000016'),
	(13, 'o-member', '00000000-0000-0000-0000-000000000015');
CREATE TEMP TABLE targets (ord int PRIMARY KEY, name text);
INSERT INTO targets VALUES
	(1, 'owner'), (2, 'member'), (3, 'auditor'), (4, 'template-admin'), (5, 'user-admin'),
	(6, 'organization-admin'), (7, 'organization-auditor'), (8, 'organization-user-admin'),
	(9, 'organization-template-admin'), (10, 'organization-workspace-creation-ban'),
	(11, 'organization-member'), (12, 'custom-x'), (13, 'assigner');
CREATE FUNCTION pg_temp.can_assign_as(actor uuid, role text, org uuid) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM set_config('members.actor', coalesce(actor::text, ''), true);
	RETURN CASE WHEN members.can_assign_role(role, org) THEN 'x' ELSE '.' END;
END $$;
-- One row per (scope, target role); one character per actor, in the order
-- system, owner, user-admin, o-admin, q-admin, o-user-admin, auditor,
-- tpl-admin, o-auditor, o-tpl-admin, o-ws-ban, o-assigner, o-member.
BEGIN;
SELECT s.scope, t.name AS target,
       string_agg(pg_temp.can_assign_as(a.id, t.name, s.org), '' ORDER BY a.ord) AS by_actor
  FROM (VALUES ('O', '0a000000-0000-0000-0000-00000000000a'::uuid),
               ('Q', '0c000000-0000-0000-0000-00000000000c'::uuid),
               ('site', NULL::uuid)) AS s(scope, org)
 CROSS JOIN targets t CROSS JOIN actors a
 GROUP BY s.scope, t.ord, t.name
 ORDER BY s.scope, t.ord;
ROLLBACK;

-- Errors, as SQLSTATE and message: a NULL role name (22023); an inactive
-- actor and a plain role without an actor cannot act (28000).  The service
-- role without an actor is the system.
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/tests/regress/helpers.sql
\set ECHO all
SELECT state, message FROM pg_temp.try_call($$members.can_assign_role(NULL, '0a000000-0000-0000-0000-00000000000a')$$);
BEGIN;
SET LOCAL members.actor = '00000000-0000-0000-0000-000000000030';	-- suspended owner
SELECT state, message FROM pg_temp.try_call($$members.can_assign_role('owner')$$);
ROLLBACK;
SET ROLE members_plain;
SELECT state, message FROM pg_temp.try_call($$members.can_assign_role('owner')$$);
RESET ROLE;
SET ROLE members_app;
SELECT members.can_assign_role('owner') AS service_role_is_system;
RESET ROLE;

-- create_user with site roles: needs create on user (the owner, the
-- user-admin, the system) and then every given site role plus the implied
-- member must pass canAssignRoles (assign on assign_role and the static
-- table): the owner may give any site role, the user-admin only member.
-- Without create on user: 42501 (organization-admin's org-level user:*
-- does not cover a user object, which has no organization; auditor and
-- template-admin only read users).
CREATE FUNCTION pg_temp.create_as(actor uuid, uname text, roles text[],
                                  OUT state text, OUT result text)
LANGUAGE plpgsql AS $$
DECLARE r jsonb;
BEGIN
	PERFORM set_config('members.actor', coalesce(actor::text, ''), true);
	r := members.create_user(uname, uname || '@example.com', site_roles => roles);
	state := '00000';
	result := 'created ' || (r->>'username');
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, result = MESSAGE_TEXT;
END $$;
BEGIN;
SELECT c.n, c.actor, c.roles AS site_roles, t.state, t.result
  FROM (VALUES
	(1, 'owner', '00000000-0000-0000-0000-000000000001'::uuid, '{auditor,Template-Admin,owner}'::text[]),
	(2, 'owner', '00000000-0000-0000-0000-000000000001', '{user-admin,member}'),
	(3, 'user-admin', '00000000-0000-0000-0000-000000000004', '{}'),
	(4, 'user-admin', '00000000-0000-0000-0000-000000000004', '{member}'),
	(5, 'system', NULL, '{owner,user-admin}'),
	(6, 'user-admin', '00000000-0000-0000-0000-000000000004', '{auditor}'),
	(7, 'user-admin', '00000000-0000-0000-0000-000000000004', '{member,owner}'),
	(8, 'user-admin', '00000000-0000-0000-0000-000000000004', '{organization-admin}'),
	(9, 'o-admin', '00000000-0000-0000-0000-000000000010', '{}'),
	(10, 'auditor', '00000000-0000-0000-0000-000000000002', '{}'),
	(11, 'tpl-admin', '00000000-0000-0000-0000-000000000003', '{}'),
	(12, 'q-admin', '00000000-0000-0000-0000-000000000020', '{}')
  ) AS c(n, actor, id, roles),
  LATERAL pg_temp.create_as(c.id, 'new-' || c.n, c.roles) AS t
 ORDER BY c.n;
SELECT string_agg(username, ',' ORDER BY username) AS created FROM members.users WHERE username LIKE 'new-%';
ROLLBACK;

SET client_min_messages = warning;
TRUNCATE members.organizations, members.users CASCADE;
RESET client_min_messages;
