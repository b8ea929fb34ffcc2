-- Custom organization roles (docs/coder-behaviour.md 6): members.insert_custom_role (POST),
-- members.update_custom_role (PUT) and members.delete_custom_role (DELETE),
-- every validation step of docs/coder-behaviour.md 6.1 in order, the semantics of 6.2, the
-- effect on authorization and the audit rows (docs/coder-behaviour.md 9).
\set VERBOSITY default
\set SHOW_CONTEXT never
-- Unaligned output: the JSON answers are long.
\pset format unaligned

SET client_min_messages = warning;
TRUNCATE members.organizations, members.users, members.audit_log CASCADE;
RESET client_min_messages;

-- Fixtures, inserted by the superuser with fixed ids.
\set acme    '''0c100000-0000-4000-8000-000000000001'''
\set globex  '''0c100000-0000-4000-8000-000000000002'''
\set olivia  '''0c200000-0000-4000-8000-000000000001'''
\set oscar   '''0c200000-0000-4000-8000-000000000002'''
\set ursula  '''0c200000-0000-4000-8000-000000000003'''
\set uma     '''0c200000-0000-4000-8000-000000000004'''
\set audrey  '''0c200000-0000-4000-8000-000000000005'''
\set pat     '''0c200000-0000-4000-8000-000000000006'''
\set nina    '''0c200000-0000-4000-8000-000000000007'''
\set gina    '''0c200000-0000-4000-8000-000000000008'''

INSERT INTO members.organizations (id, name, display_name, is_default) VALUES
	(:acme, 'acme', 'Acme', true),
	(:globex, 'globex', 'Globex', false);
INSERT INTO members.users (id, username, email, rbac_roles) VALUES
	(:olivia, 'olivia', 'olivia@example.com', '{owner}'),
	(:oscar, 'oscar', 'oscar@example.com', '{}'),
	(:ursula, 'ursula', 'ursula@example.com', '{}'),
	(:uma, 'uma', 'uma@example.com', '{user-admin}'),
	(:audrey, 'audrey', 'audrey@example.com', '{auditor}'),
	(:pat, 'pat', 'pat@example.com', '{}'),
	(:nina, 'nina', 'nina@example.com', '{}'),
	(:gina, 'gina', 'gina@example.com', '{}');
-- oscar administers acme and is a plain member of globex; ursula is acme's
-- organization user admin; pat a plain member; nina belongs to globex only;
-- gina administers globex.  The site user admin (uma) and auditor (audrey)
-- are plain members of acme.
INSERT INTO members.organization_members (organization_id, user_id, roles) VALUES
	(:acme, :olivia, '{}'),
	(:acme, :oscar, '{organization-admin}'),
	(:acme, :ursula, '{organization-user-admin}'),
	(:acme, :uma, '{}'),
	(:acme, :audrey, '{}'),
	(:acme, :pat, '{}'),
	(:globex, :oscar, '{}'),
	(:globex, :nina, '{}'),
	(:globex, :gina, '{organization-admin}');

-- Run q as a user (NULL: no actor, so the superuser acts as the system) and
-- show its result, or its error as "SQLSTATE: message (detail)".
CREATE FUNCTION pg_temp.as_user(who uuid, q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	r text; st text; msg text; det text;
BEGIN
	PERFORM set_config('members.actor', coalesce(who::text, ''), true);
	BEGIN
		EXECUTE q INTO r;
		RETURN CASE WHEN coalesce(r, '') = '' THEN 'ok (no result)' ELSE r END;
	EXCEPTION WHEN OTHERS THEN
		GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
		RETURN st || ': ' || msg || CASE WHEN det <> '' THEN ' (' || det || ')' ELSE '' END;
	END;
END
$$;

-- Shorthands for the three endpoints in acme.
CREATE FUNCTION pg_temp.post(who uuid, body text, org text DEFAULT 'acme') RETURNS text LANGUAGE sql AS $$
	SELECT pg_temp.as_user(who, format('SELECT members.insert_custom_role(%L, %L::jsonb)', org, body))
$$;
CREATE FUNCTION pg_temp.put(who uuid, body text, org text DEFAULT 'acme') RETURNS text LANGUAGE sql AS $$
	SELECT pg_temp.as_user(who, format('SELECT members.update_custom_role(%L, %L::jsonb)', org, body))
$$;
CREATE FUNCTION pg_temp.del(who uuid, role_name text, org text DEFAULT 'acme') RETURNS text LANGUAGE sql AS $$
	SELECT pg_temp.as_user(who, format('SELECT members.delete_custom_role(%L, %L)', org, role_name))
$$;

-- The stored custom roles (ids are random: only checked to be version-4 uuids).
CREATE FUNCTION pg_temp.roles() RETURNS TABLE (org text, name text, display_name text, org_permissions jsonb,
	other_permissions jsonb, id_ok boolean) LANGUAGE sql AS $$
	SELECT o.name, c.name, c.display_name, c.org_permissions,
	       c.site_permissions || c.user_permissions || c.member_permissions,
	       c.id::text ~ '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'
	  FROM members.custom_roles c JOIN members.organizations o ON o.id = c.organization_id
	 ORDER BY 1, 2
$$;

-- The audit rows of custom roles written since the last call, oldest first.
-- Role ids are random: each resource_id is shown as a label numbered by
-- first appearance ("role#1"), with "(gone)" once no role of that name in
-- that organization has that id any more.
CREATE TEMP TABLE seen_audit (id uuid PRIMARY KEY);
CREATE TEMP TABLE role_ids (resource_id uuid PRIMARY KEY, label integer NOT NULL);
CREATE FUNCTION pg_temp.audit() RETURNS TABLE (action text, target text, status integer, actor text, org text,
	resource text, diff jsonb) LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
	rid uuid;
BEGIN
	FOR rid IN
		SELECT a.resource_id FROM members.audit_log a
		 WHERE a.resource_type = 'custom_role'
		   AND NOT EXISTS (SELECT 1 FROM seen_audit s WHERE s.id = a.id)
		   AND NOT EXISTS (SELECT 1 FROM role_ids r WHERE r.resource_id = a.resource_id)
		 GROUP BY a.resource_id ORDER BY min(a."time")
	LOOP
		INSERT INTO role_ids SELECT rid, count(*) + 1 FROM role_ids;
	END LOOP;
	RETURN QUERY
	SELECT a.action, a.resource_target, a.status_code, coalesce(u.username, '(system)'), o.name,
	       'role#' || r.label || CASE WHEN c.id IS NULL THEN ' (gone)' ELSE '' END,
	       a.diff
	  FROM members.audit_log a
	  JOIN role_ids r ON r.resource_id = a.resource_id
	  LEFT JOIN members.custom_roles c ON c.id = a.resource_id
	       AND c.organization_id = a.organization_id AND c.name = a.resource_target
	  LEFT JOIN members.users u ON u.id = a.user_id
	  LEFT JOIN members.organizations o ON o.id = a.organization_id
	 WHERE a.resource_type = 'custom_role'
	   AND NOT EXISTS (SELECT 1 FROM seen_audit s WHERE s.id = a.id)
	 ORDER BY a."time", a.id;
	INSERT INTO seen_audit SELECT a.id FROM members.audit_log a
	 WHERE a.resource_type = 'custom_role' ON CONFLICT DO NOTHING;
END
$$;

---------------------------------------------------------------------------
-- POST: success paths.

-- The owner creates a role: the name is stored lower-cased, a null
-- display_name is "", omitted and null lists are empty; the answer is the
-- Role object with organization_member_permissions null (docs/coder-behaviour.md 6.2).
SELECT pg_temp.post(:olivia, '{"name": "Template-Reader", "display_name": null,
	"site_permissions": null, "organization_permissions": [
		{"negate": false, "resource_type": "template", "action": "read"},
		{"negate": false, "resource_type": "template", "action": "use"}]}');
-- Keys match as Go's decoder does (exact first, else ignoring case); unknown
-- keys are ignored; display_name is not validated; order and duplicates of
-- permissions are kept.
SELECT pg_temp.post(:olivia, '{"NAME": "auditors", "Display_Name": "  Audit (read-only) ✓ ", "name": "log-readers",
	"extra": {"anything": [1, 2]}, "Organization_Permissions": [
		{"Negate": false, "RESOURCE_TYPE": "audit_log", "action": "read"},
		{"negate": false, "resource_type": "audit_log", "action": "read"}]}');
-- Empty lists given explicitly are fine.
SELECT pg_temp.post(:olivia, '{"name": "nothing", "display_name": "Nothing", "site_permissions": [],
	"user_permissions": [], "organization_permissions": [], "organization_member_permissions": []}');
-- The organization by uuid, by name ignoring case, and "default".
SELECT pg_temp.post(:olivia, '{"name": "by-uuid"}', :acme);
SELECT pg_temp.post(:olivia, '{"name": "by-name"}', 'ACME');
SELECT pg_temp.post(:olivia, '{"name": "by-default"}', 'default');
-- The same name in another organization is another role.
SELECT pg_temp.post(:olivia, '{"name": "template-reader", "display_name": "Globex TR"}', 'globex');
-- "custom-organization-role" is a placeholder, not a reserved name.
SELECT pg_temp.post(:olivia, '{"name": "custom-organization-role"}');
-- The system (a trusted caller without an actor) may create anything valid.
SELECT pg_temp.post(NULL, '{"name": "sys-role", "organization_permissions": [
	{"negate": false, "resource_type": "workspace", "action": "ssh"}]}');
-- An organization admin may create roles granting what it holds in that
-- organization.
SELECT pg_temp.post(:oscar, '{"name": "oscar-role", "display_name": "By Oscar", "organization_permissions": [
	{"negate": false, "resource_type": "template", "action": "update"},
	{"negate": false, "resource_type": "organization_member", "action": "read"},
	{"negate": false, "resource_type": "usage_event", "action": "create"}]}');
SELECT pg_temp.post(:gina, '{"name": "gina-role"}', 'globex');
SELECT * FROM pg_temp.roles();
SELECT * FROM pg_temp.audit();

---------------------------------------------------------------------------
-- POST: every failure of docs/coder-behaviour.md 6.1, in order.

-- Step 1: a plain database role without an actor cannot act (28000).
SET ROLE members_plain;
SELECT members.insert_custom_role('acme', '{"name": "x"}');
SELECT members.update_custom_role('acme', '{"name": "x"}');
SELECT members.delete_custom_role('acme', 'template-reader');
RESET ROLE;

-- Step 3: the organization must resolve and be visible (404); empty or NULL
-- is 22023.  It comes before the body.
SELECT pg_temp.post(:olivia, '{"name": "x"}', 'initech');
SELECT pg_temp.post(:olivia, '[]', 'initech');
SELECT pg_temp.post(:olivia, '{"name": "x"}', '0c100000-0000-4000-8000-0000000000ff');
SELECT pg_temp.post(:olivia, '{"name": "x"}', '');
SELECT pg_temp.as_user(:olivia, 'SELECT members.insert_custom_role(NULL, ''{"name": "x"}'')');
SELECT pg_temp.post(:nina, '{"name": "x"}');

-- Step 4: the body must decode as a CustomRoleRequest (22023 "Request body
-- must be valid JSON.", Go's decoder error as detail).
SELECT pg_temp.as_user(:olivia, 'SELECT members.insert_custom_role(''acme'', NULL)');
SELECT pg_temp.post(:olivia, '[{"name": "x"}]');
SELECT pg_temp.post(:olivia, '"x"');
SELECT pg_temp.post(:olivia, '42');
SELECT pg_temp.post(:olivia, 'true');
SELECT pg_temp.post(:olivia, '{"name": 5}');
SELECT pg_temp.post(:olivia, '{"name": ["x"]}');
SELECT pg_temp.post(:olivia, '{"name": "x", "display_name": false}');
SELECT pg_temp.post(:olivia, '{"name": "x", "organization_permissions": "template:read"}');
SELECT pg_temp.post(:olivia, '{"name": "x", "organization_permissions": {"negate": false}}');
SELECT pg_temp.post(:olivia, '{"name": "x", "site_permissions": 1}');
SELECT pg_temp.post(:olivia, '{"name": "x", "organization_permissions": [1]}');
SELECT pg_temp.post(:olivia, '{"name": "x", "organization_permissions": [{"negate": "no", "resource_type": "template", "action": "read"}]}');
SELECT pg_temp.post(:olivia, '{"name": "x", "organization_permissions": [{"negate": false, "action": "read"}]}');
SELECT pg_temp.post(:olivia, '{"name": "x", "organization_permissions": [{"negate": false, "resource_type": null, "action": "read"}]}');
SELECT pg_temp.post(:olivia, '{"name": "x", "user_permissions": [{"negate": false, "resource_type": "template", "action": 7}]}');
-- decoding comes before any validation: a bad name and a bad shape give the shape error
SELECT pg_temp.post(:olivia, '{"name": "bad_name", "organization_member_permissions": [[]]}');

-- Step 5: the name must pass NameValid (tag "username"); JSON null decodes
-- as an empty request, as in Go.
SELECT pg_temp.post(:olivia, 'null');
SELECT pg_temp.post(:olivia, '{}');
SELECT pg_temp.post(:olivia, '{"name": ""}');
SELECT pg_temp.post(:olivia, '{"name": "bad_name"}');
SELECT pg_temp.post(:olivia, '{"name": "-lead"}');
SELECT pg_temp.post(:olivia, '{"name": "trail-"}');
SELECT pg_temp.post(:olivia, '{"name": "dou--ble"}');
SELECT pg_temp.post(:olivia, '{"name": "with space"}');
SELECT pg_temp.post(:olivia, '{"name": "ünïcode"}');
SELECT pg_temp.post(:olivia, '{"name": "a23456789012345678901234567890123"}');
SELECT pg_temp.post(:olivia, '{"name": "new"}');
SELECT pg_temp.post(:olivia, '{"name": "CREATE"}');
SELECT pg_temp.post(:olivia, '{"name": "x\"; DROP TABLE members.users; --"}');
-- the name is checked before the reserved names and the permission lists
SELECT pg_temp.post(:olivia, '{"name": "", "site_permissions": [{"negate": false, "resource_type": "template", "action": "read"}]}');

-- Step 6: reserved names, compared after lower-casing.
SELECT pg_temp.post(:olivia, '{"name": "owner"}');
SELECT pg_temp.post(:olivia, '{"name": "Owner"}');
SELECT pg_temp.post(:olivia, '{"name": "member"}');
SELECT pg_temp.post(:olivia, '{"name": "Organization-Admin"}');
SELECT pg_temp.post(:olivia, '{"name": "organization-member"}');
-- (a built-in name longer than 32 characters fails step 5 first)
SELECT pg_temp.post(:olivia, '{"name": "organization-workspace-creation-ban"}');
SELECT pg_temp.post(:olivia, '{"name": "user-admin", "site_permissions": [{"negate": false, "resource_type": "template", "action": "read"}]}');

-- Steps 8 to 10: an organization role holds organization permissions only
-- (an invalid entry counts too); site before user before member.
SELECT pg_temp.post(:olivia, '{"name": "x", "site_permissions": [{"negate": false, "resource_type": "template", "action": "read"}]}');
SELECT pg_temp.post(:olivia, '{"name": "x", "site_permissions": [{"negate": false, "resource_type": "nope", "action": "read"}],
	"user_permissions": [{"negate": false, "resource_type": "template", "action": "read"}]}');
SELECT pg_temp.post(:olivia, '{"name": "x", "user_permissions": [{"negate": false, "resource_type": "template", "action": "read"}],
	"organization_member_permissions": [{"negate": false, "resource_type": "template", "action": "read"}]}');
SELECT pg_temp.post(:olivia, '{"name": "x", "organization_member_permissions": [{"negate": false, "resource_type": "template", "action": "read"}]}');
-- these come before authorization: a plain member gets the 400 too
SELECT pg_temp.post(:pat, '{"name": "x", "site_permissions": [{"negate": false, "resource_type": "template", "action": "read"}]}');

-- Step 11: create on assign_org_role in the organization, else 404.
-- Organization user admin, site user admin, auditor, plain member:
SELECT pg_temp.post(:ursula, '{"name": "x"}');
SELECT pg_temp.post(:uma, '{"name": "x"}');
SELECT pg_temp.post(:audrey, '{"name": "x"}');
SELECT pg_temp.post(:pat, '{"name": "x"}');
-- oscar administers acme, not globex (where he is a plain member)
SELECT pg_temp.post(:oscar, '{"name": "x"}', 'globex');
-- authorization comes before the permission checks
SELECT pg_temp.post(:pat, '{"name": "x", "organization_permissions": [{"negate": true, "resource_type": "nope", "action": "read"}]}');

-- Step 13d: every permission valid for its resource; all invalid ones are
-- reported, joined by newlines (errors.Join).
SELECT pg_temp.post(:olivia, '{"name": "x", "organization_permissions": [{"negate": false, "resource_type": "templates", "action": "read"}]}');
SELECT pg_temp.post(:olivia, '{"name": "x", "organization_permissions": [{"negate": false, "resource_type": "template", "action": "ssh"}]}');
SELECT pg_temp.post(:olivia, '{"name": "x", "organization_permissions": [
	{"negate": false, "resource_type": "template", "action": "read"},
	{"negate": false, "resource_type": "Template", "action": "read"},
	{"negate": true, "resource_type": "*", "action": "fly"},
	{"negate": false, "resource_type": "workspace", "action": "READ"}]}');
-- 13d comes before the escalation check (a negative permission here)
SELECT pg_temp.post(:olivia, '{"name": "x", "organization_permissions": [
	{"negate": true, "resource_type": "template", "action": "read"},
	{"negate": false, "resource_type": "nope", "action": "read"}]}');

-- Step 13g: the escalation check, permission by permission in order.
SELECT pg_temp.post(:olivia, '{"name": "x", "organization_permissions": [{"negate": true, "resource_type": "workspace", "action": "create"}]}');
SELECT pg_temp.post(:olivia, '{"name": "x", "organization_permissions": [{"negate": false, "resource_type": "*", "action": "read"}]}');
SELECT pg_temp.post(:olivia, '{"name": "x", "organization_permissions": [{"negate": false, "resource_type": "template", "action": "*"}]}');
-- negative is checked before wildcard
SELECT pg_temp.post(:olivia, '{"name": "x", "organization_permissions": [{"negate": true, "resource_type": "*", "action": "*"}]}');
-- the first failing permission is reported
SELECT pg_temp.post(:olivia, '{"name": "x", "organization_permissions": [
	{"negate": false, "resource_type": "template", "action": "read"},
	{"negate": false, "resource_type": "template", "action": "*"},
	{"negate": true, "resource_type": "template", "action": "read"}]}');
-- even the owner cannot grant what it does not hold (user_secret)
SELECT pg_temp.post(:olivia, '{"name": "x", "organization_permissions": [{"negate": false, "resource_type": "user_secret", "action": "read"}]}');
-- an organization admin may grant only what it holds in that organization
SELECT pg_temp.post(:oscar, '{"name": "x", "organization_permissions": [
	{"negate": false, "resource_type": "template", "action": "read"},
	{"negate": false, "resource_type": "workspace", "action": "ssh"}]}');
SELECT pg_temp.post(:oscar, '{"name": "x", "organization_permissions": [{"negate": false, "resource_type": "assign_role", "action": "assign"}]}');
SELECT pg_temp.post(:oscar, '{"name": "x", "organization_permissions": [{"negate": false, "resource_type": "workspace", "action": "application_connect"}]}');
SELECT pg_temp.post(:oscar, '{"name": "x", "organization_permissions": [{"negate": false, "resource_type": "user_secret", "action": "read"}]}');

-- Step 14: a taken name (compared after lower-casing) is 23505 with Coder's
-- message and the database error as detail.
SELECT pg_temp.post(:olivia, '{"name": "template-reader"}');
SELECT pg_temp.post(:oscar, '{"name": "TEMPLATE-READER", "display_name": "again"}');
SELECT pg_temp.post(NULL, '{"name": "gina-role"}', 'globex');

-- Nothing of the refused attempts was stored, and refused POSTs are not
-- audited (nothing was resolved).
SELECT count(*) AS roles FROM members.custom_roles;
SELECT * FROM pg_temp.audit();

---------------------------------------------------------------------------
-- The effect on authorization: pat holds template-reader in acme.
UPDATE members.organization_members SET roles = '{template-reader}'
 WHERE organization_id = :acme AND user_id = :pat;
SELECT members.authorize_user(:pat, 'read', 'template', :acme) AS read_template,
       members.authorize_user(:pat, 'use', 'template', :acme) AS use_template,
       members.authorize_user(:pat, 'update', 'template', :acme) AS update_template,
       members.authorize_user(:pat, 'read', 'template', :globex) AS read_globex_template;

---------------------------------------------------------------------------
-- PUT: success paths.  A full replacement: display name and permissions
-- overwritten, updated_at moves; the name (any case) picks the role.
CREATE TEMP TABLE before_put AS
	SELECT c.id, c.created_at, c.updated_at FROM members.custom_roles c
	 WHERE c.organization_id = :acme AND c.name = 'template-reader';
SELECT pg_temp.put(:olivia, '{"name": "TEMPLATE-Reader", "display_name": "Template Updater",
	"organization_permissions": [{"negate": false, "resource_type": "template", "action": "update"}]}');
SELECT c.id = b.id AS same_id, c.created_at = b.created_at AS created_kept, c.updated_at > b.updated_at AS updated_moved
  FROM members.custom_roles c, before_put b
 WHERE c.organization_id = :acme AND c.name = 'template-reader';
SELECT members.authorize_user(:pat, 'read', 'template', :acme) AS read_template,
       members.authorize_user(:pat, 'update', 'template', :acme) AS update_template;
-- Omitted lists and display_name become empty (Coder's RoleOverrides): the
-- holder loses the permission.
SELECT pg_temp.put(:olivia, '{"name": "template-reader"}');
SELECT members.authorize_user(:pat, 'update', 'template', :acme) AS update_template;
-- An organization admin may update, granting what it holds.
SELECT pg_temp.put(:oscar, '{"name": "template-reader", "display_name": "Template Reader",
	"organization_permissions": [{"negate": false, "resource_type": "template", "action": "read"}]}');
SELECT members.authorize_user(:pat, 'read', 'template', :acme) AS read_template;
-- The system may update.
SELECT pg_temp.put(NULL, '{"name": "sys-role", "display_name": "System role"}');
-- The role of that name in the other organization is untouched.
SELECT * FROM pg_temp.roles();
SELECT * FROM pg_temp.audit();

---------------------------------------------------------------------------
-- PUT: failures.
-- no actor
SET ROLE members_plain;
SELECT members.update_custom_role('acme', '{"name": "template-reader"}');
RESET ROLE;
-- organization
SELECT pg_temp.put(:olivia, '{"name": "template-reader"}', 'initech');
SELECT pg_temp.put(:nina, '{"name": "template-reader"}');
-- body, name, reserved, organization-only
SELECT pg_temp.as_user(:olivia, 'SELECT members.update_custom_role(''acme'', NULL)');
SELECT pg_temp.put(:olivia, '["template-reader"]');
SELECT pg_temp.put(:olivia, '{"name": "template-reader", "organization_permissions": [null]}');
SELECT pg_temp.put(:olivia, '{"name": "Template_Reader"}');
SELECT pg_temp.put(:olivia, '{"name": "OWNER"}');
SELECT pg_temp.put(:olivia, '{"name": "organization-member", "organization_permissions": []}');
SELECT pg_temp.put(:olivia, '{"name": "template-reader", "site_permissions": [{"negate": false, "resource_type": "template", "action": "read"}]}');
SELECT pg_temp.put(:olivia, '{"name": "template-reader", "user_permissions": [{"negate": false, "resource_type": "template", "action": "read"}]}');
SELECT pg_temp.put(:olivia, '{"name": "template-reader", "organization_member_permissions": [{"negate": false, "resource_type": "template", "action": "read"}]}');
-- authorization (404): audited with 404 when the role exists
SELECT pg_temp.put(:ursula, '{"name": "template-reader"}');
SELECT pg_temp.put(:uma, '{"name": "template-reader"}');
SELECT pg_temp.put(:audrey, '{"name": "template-reader"}');
SELECT pg_temp.put(:pat, '{"name": "template-reader"}');
SELECT pg_temp.put(:pat, '{"name": "no-such-role"}');
SELECT pg_temp.put(:oscar, '{"name": "template-reader"}', 'globex');
-- no upsert: an unknown role is 404 (not audited)
SELECT pg_temp.put(:olivia, '{"name": "no-such-role"}');
SELECT count(*) AS no_such_role FROM members.custom_roles WHERE name = 'no-such-role';
-- invalid permissions are rejected as by POST (design: no silent filter),
-- audited with 400
SELECT pg_temp.put(:olivia, '{"name": "template-reader", "organization_permissions": [
	{"negate": false, "resource_type": "nope", "action": "read"},
	{"negate": false, "resource_type": "template", "action": "fly"}]}');
-- escalation
SELECT pg_temp.put(:olivia, '{"name": "template-reader", "organization_permissions": [{"negate": true, "resource_type": "template", "action": "read"}]}');
SELECT pg_temp.put(:olivia, '{"name": "template-reader", "organization_permissions": [{"negate": false, "resource_type": "workspace", "action": "*"}]}');
SELECT pg_temp.put(:oscar, '{"name": "template-reader", "organization_permissions": [{"negate": false, "resource_type": "workspace", "action": "ssh"}]}');
-- the role is unchanged by every refused call
SELECT * FROM pg_temp.roles() WHERE org = 'acme' AND name = 'template-reader';
SELECT * FROM pg_temp.audit();

---------------------------------------------------------------------------
-- DELETE: failures first.
-- step 6: reserved (after lower-casing)
SELECT pg_temp.del(:olivia, 'organization-member');
SELECT pg_temp.del(:olivia, 'Owner');
-- step 7: NameValid on the path value ("invalid role name", reason as detail)
SELECT pg_temp.del(:olivia, '');
SELECT pg_temp.as_user(:olivia, 'SELECT members.delete_custom_role(''acme'', NULL)');
SELECT pg_temp.del(:olivia, 'bad_name');
SELECT pg_temp.del(:olivia, repeat('a', 33));
SELECT pg_temp.del(:olivia, 'new');
SELECT pg_temp.del(:olivia, 'x'';DELETE FROM t;--');
-- organization
SELECT pg_temp.del(:olivia, 'template-reader', 'initech');
SELECT pg_temp.del(:nina, 'template-reader');
-- an unknown role: 404 with Coder's message
SELECT pg_temp.del(:olivia, 'no-such-role');
SELECT pg_temp.del(:pat, 'no-such-role');
-- authorization: 403 (42501), audited with 403
SELECT pg_temp.del(:ursula, 'template-reader');
SELECT pg_temp.del(:uma, 'template-reader');
SELECT pg_temp.del(:audrey, 'template-reader');
SELECT pg_temp.del(:pat, 'Template-Reader');
SELECT pg_temp.del(:oscar, 'template-reader', 'globex');
SELECT count(*) AS still_there FROM members.custom_roles WHERE name = 'template-reader';
SELECT * FROM pg_temp.audit();

---------------------------------------------------------------------------
-- DELETE: success.  pat holds template-reader and oscar-role, uma holds
-- template-reader; nina holds globex's template-reader.
UPDATE members.organization_members SET roles = '{oscar-role,template-reader,organization-workspace-creation-ban}'
 WHERE organization_id = :acme AND user_id = :pat;
UPDATE members.organization_members SET roles = '{template-reader}'
 WHERE organization_id = :acme AND user_id = :uma;
UPDATE members.organization_members SET roles = '{template-reader}'
 WHERE organization_id = :globex AND user_id = :nina;
SELECT members.authorize_user(:pat, 'read', 'template', :acme) AS pat_reads_template,
       members.authorize_user(:uma, 'read', 'template', :acme) AS uma_reads_template;
-- the owner deletes it, naming it in another case: 204 (void)
SELECT pg_temp.del(:olivia, 'Template-READER');
-- gone from every member of acme, other roles kept; globex untouched
SELECT o.name AS org, u.username, m.roles
  FROM members.organization_members m
  JOIN members.users u ON u.id = m.user_id
  JOIN members.organizations o ON o.id = m.organization_id
 ORDER BY 1, 2;
SELECT members.authorize_user(:pat, 'read', 'template', :acme) AS pat_reads_template,
       members.authorize_user(:uma, 'read', 'template', :acme) AS uma_reads_template,
       members.authorize_user(:pat, 'update', 'template', :acme) AS pat_updates_template,
       members.authorize_user(:nina, 'read', 'template', :globex) AS nina_reads_globex_template;
-- deleting it again: 404
SELECT pg_temp.del(:olivia, 'template-reader');
-- an organization admin and the system may delete
SELECT pg_temp.del(:oscar, 'oscar-role');
SELECT pg_temp.del(NULL, 'sys-role', :acme);
SELECT pg_temp.del(:gina, 'template-reader', 'globex');
SELECT members.authorize_user(:pat, 'update', 'template', :acme) AS pat_updates_template,
       members.authorize_user(:nina, 'read', 'template', :globex) AS nina_reads_globex_template;
SELECT o.name AS org, u.username, m.roles
  FROM members.organization_members m
  JOIN members.users u ON u.id = m.user_id
  JOIN members.organizations o ON o.id = m.organization_id
 WHERE m.roles <> '{}'
 ORDER BY 1, 2;
-- a deleted name can be created again (a new role, a new id)
SELECT pg_temp.post(:olivia, '{"name": "template-reader"}');
SELECT * FROM pg_temp.roles();
SELECT * FROM pg_temp.audit();

-- Atomicity: a successful call rolled back leaves neither the change nor
-- its audit row.
BEGIN;
SELECT pg_temp.post(:olivia, '{"name": "rolled-back"}');
SELECT pg_temp.del(:olivia, 'nothing');
ROLLBACK;
SELECT count(*) FILTER (WHERE name = 'rolled-back') AS rolled_back,
       count(*) FILTER (WHERE name = 'nothing') AS nothing
  FROM members.custom_roles;
SELECT * FROM pg_temp.audit();

-- The functions: volatile, not strict, parallel unsafe, pinned search_path,
-- not executable by PUBLIC, commented.
SELECT p.proname, p.provolatile, p.proisstrict, p.proparallel, p.proconfig,
       has_function_privilege('public', p.oid, 'EXECUTE') AS public_execute,
       obj_description(p.oid, 'pg_proc') IS NOT NULL AS commented
  FROM pg_proc p
 WHERE p.pronamespace = 'members'::regnamespace
   AND p.proname IN ('insert_custom_role', 'update_custom_role', 'delete_custom_role')
 ORDER BY 1;

SET client_min_messages = warning;
TRUNCATE members.organizations, members.users, members.audit_log CASCADE;
RESET client_min_messages;
