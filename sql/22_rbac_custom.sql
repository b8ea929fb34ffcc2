-- RBAC engine: custom organization roles, unknown stored role names, the
-- workspace-sharing switch, and users who are not active.
\set VERBOSITY sqlstate

INSERT INTO members.organizations (id, name, display_name) VALUES
	('0a000000-0000-0000-0000-00000000000a', 'org-o', 'O'),
	('0c000000-0000-0000-0000-00000000000c', 'org-q', 'Q');
INSERT INTO members.users (id, username, email, rbac_roles, status, deleted) VALUES
	('00000000-0000-0000-0000-000000000001', 'owner', 'owner@example.com', '{owner}', 'active', false),
	('00000000-0000-0000-0000-000000000002', 'auditor', 'auditor@example.com', '{auditor}', 'active', false),
	('00000000-0000-0000-0000-000000000003', 'user-admin', 'user-admin@example.com', '{user-admin}', 'active', false),
	('00000000-0000-0000-0000-000000000005', 'plain', 'plain@example.com', '{}', 'active', false),
	('00000000-0000-0000-0000-000000000010', 'o-admin', 'o-admin@example.com', '{}', 'active', false),
	('00000000-0000-0000-0000-000000000011', 'o-reader', 'o-reader@example.com', '{}', 'active', false),
	('00000000-0000-0000-0000-000000000012', 'q-reader', 'q-reader@example.com', '{}', 'active', false),
	('00000000-0000-0000-0000-000000000013', 'both-reader', 'both-reader@example.com', '{}', 'active', false),
	('00000000-0000-0000-0000-000000000014', 'o-member', 'o-member@example.com', '{}', 'active', false),
	('00000000-0000-0000-0000-000000000015', 'q-admin', 'q-admin@example.com', '{}', 'active', false),
	('00000000-0000-0000-0000-000000000016', 'o-custom', 'o-custom@example.com', '{}', 'active', false),
	('00000000-0000-0000-0000-000000000017', 'o-user-admin', 'o-user-admin@example.com', '{}', 'active', false),
	('00000000-0000-0000-0000-000000000020', 'junk', 'junk@example.com', '{bogus,owner,organization-admin}', 'active', false),
	('00000000-0000-0000-0000-000000000021', 'junk2', 'junk2@example.com', '{member,bogus}', 'active', false),
	('00000000-0000-0000-0000-000000000030', 'sus-owner', 'sus-owner@example.com', '{owner}', 'suspended', false),
	('00000000-0000-0000-0000-000000000031', 'dorm-owner', 'dorm-owner@example.com', '{owner}', 'dormant', false),
	('00000000-0000-0000-0000-000000000032', 'del-owner', 'del-owner@example.com', '{owner}', 'active', true);
-- Custom roles.  "reader" exists in O and in Q with different permissions.
INSERT INTO members.custom_roles (name, display_name, organization_id, org_permissions) VALUES
	('reader', 'Reader (O)', '0a000000-0000-0000-0000-00000000000a',
	 '[{"negate": false, "resource_type": "template", "action": "read"},
	   {"negate": false, "resource_type": "workspace", "action": "read"}]'),
	('reader', 'Reader (Q)', '0c000000-0000-0000-0000-00000000000c',
	 '[{"negate": false, "resource_type": "provisioner_daemon", "action": "delete"}]'),
	('q-only', 'Only in Q', '0c000000-0000-0000-0000-00000000000c',
	 '[{"negate": false, "resource_type": "*", "action": "*"}]');
INSERT INTO members.organization_members (organization_id, user_id, roles) VALUES
	('0a000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-000000000010', '{organization-admin}'),
	('0a000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-000000000011', '{reader}'),
	('0c000000-0000-0000-0000-00000000000c', '00000000-0000-0000-0000-000000000012', '{reader}'),
	('0a000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-000000000013', '{reader}'),
	('0c000000-0000-0000-0000-00000000000c', '00000000-0000-0000-0000-000000000013', '{reader}'),
	('0a000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-000000000014', '{}'),
	('0c000000-0000-0000-0000-00000000000c', '00000000-0000-0000-0000-000000000015', '{organization-admin}'),
	('0a000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-000000000016', '{}'),
	('0a000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-000000000017', '{organization-user-admin}'),
	('0a000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-000000000020', '{bogus,owner,q-only,organization-auditor}'),
	('0a000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-000000000030', '{organization-admin}'),
	('0a000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-000000000031', '{organization-admin}');

CREATE FUNCTION pg_temp.u(text) RETURNS uuid LANGUAGE sql AS $$
	SELECT id FROM members.users WHERE username = $1 $$;
CREATE FUNCTION pg_temp.o(text) RETURNS uuid LANGUAGE sql AS $$
	SELECT id FROM members.organizations WHERE display_name = $1 $$;
-- can(user, action, resource[, org[, owner[, any_org]]])
CREATE FUNCTION pg_temp.can(u text, act text, res text, org text DEFAULT NULL,
                            owner text DEFAULT NULL, any_org boolean DEFAULT false)
RETURNS boolean LANGUAGE sql AS $$
	SELECT members.authorize_user(pg_temp.u(u), act, res, pg_temp.o(org), pg_temp.u(owner), any_org) $$;

-- 1. A custom role's organization permissions take effect in its org, and
--    only there.  "reader" of O and "reader" of Q share a name, not
--    permissions.
SELECT u AS subject,
       pg_temp.can(u, 'read', 'template', 'O') AS o_template_read,
       pg_temp.can(u, 'read', 'workspace', 'O') AS o_workspace_read,
       pg_temp.can(u, 'delete', 'provisioner_daemon', 'O') AS o_daemon_delete,
       pg_temp.can(u, 'read', 'template', 'Q') AS q_template_read,
       pg_temp.can(u, 'delete', 'provisioner_daemon', 'Q') AS q_daemon_delete,
       pg_temp.can(u, 'delete', 'provisioner_daemon', NULL, NULL, true) AS any_daemon_delete,
       pg_temp.can(u, 'read', 'template') AS site_template_read
  FROM unnest(ARRAY['o-reader', 'q-reader', 'both-reader', 'o-member']) AS u
 ORDER BY u;

-- 2. Changing a custom role's permissions takes effect at the next
--    statement; deleting it removes its name from every member of its org
--    (trigger) and it grants nothing afterwards, in the same transaction and
--    after commit.  Re-creating the name does not give it back.
UPDATE members.custom_roles SET org_permissions = '[{"negate": false, "resource_type": "template", "action": "update"}]'
 WHERE name = 'reader' AND organization_id = pg_temp.o('O');
SELECT pg_temp.can('o-reader', 'read', 'template', 'O') AS template_read,
       pg_temp.can('o-reader', 'update', 'template', 'O') AS template_update;
BEGIN;
DELETE FROM members.custom_roles WHERE name = 'reader' AND organization_id = pg_temp.o('O');
SELECT u.username, m.roles
  FROM members.organization_members m JOIN members.users u ON u.id = m.user_id
 WHERE m.organization_id = pg_temp.o('O') AND u.username LIKE '%reader'
 ORDER BY u.username;
SELECT pg_temp.can('o-reader', 'update', 'template', 'O') AS in_transaction,
       pg_temp.can('both-reader', 'delete', 'provisioner_daemon', 'Q') AS q_reader_kept;
COMMIT;
SELECT pg_temp.can('o-reader', 'update', 'template', 'O') AS after_commit;
INSERT INTO members.custom_roles (name, display_name, organization_id, org_permissions) VALUES
	('reader', 'Reader again', '0a000000-0000-0000-0000-00000000000a',
	 '[{"negate": false, "resource_type": "template", "action": "update"}]');
SELECT pg_temp.can('o-reader', 'update', 'template', 'O') AS after_recreate;
-- A deletion rolled back changes nothing.
UPDATE members.organization_members SET roles = '{reader}'
 WHERE user_id = pg_temp.u('o-reader') AND organization_id = pg_temp.o('O');
BEGIN;
DELETE FROM members.custom_roles WHERE name = 'reader' AND organization_id = pg_temp.o('O');
SELECT pg_temp.can('o-reader', 'update', 'template', 'O') AS deleted_in_transaction;
ROLLBACK;
SELECT pg_temp.can('o-reader', 'update', 'template', 'O') AS after_rollback;

-- 3. Permissions stored directly by the superuser, which the API would
--    refuse: negatives (an org-level negative blocks the org and member
--    levels, also against organization-admin), wildcards, and keys matched
--    ignoring case as Go's decoder does.  Invalid entries cannot be stored
--    at all (below).
INSERT INTO members.custom_roles (name, display_name, organization_id, org_permissions) VALUES
	('no-ws-read', '', '0a000000-0000-0000-0000-00000000000a',
	 '[{"negate": true, "resource_type": "workspace", "action": "read"}]'),
	('all', '', '0a000000-0000-0000-0000-00000000000a',
	 '[{"negate": false, "resource_type": "*", "action": "*"}]'),
	('ws-all', '', '0a000000-0000-0000-0000-00000000000a',
	 '[{"negate": false, "resource_type": "workspace", "action": "*"}]'),
	('read-all', '', '0a000000-0000-0000-0000-00000000000a',
	 '[{"negate": false, "resource_type": "*", "action": "read"}]'),
	('deny-reads', '', '0a000000-0000-0000-0000-00000000000a',
	 '[{"negate": true, "resource_type": "*", "action": "read"}]'),
	('odd-keys', '', '0a000000-0000-0000-0000-00000000000a',
	 '[{"NEGATE": false, "Resource_Type": "template", "ACTION": "read", "extra": 1}]');
CREATE TEMP TABLE grid (role_set text[], ord int);
INSERT INTO grid VALUES
	('{}', 1), ('{no-ws-read}', 2), ('{organization-admin,no-ws-read}', 3), ('{all}', 4),
	('{ws-all}', 5), ('{read-all}', 6), ('{deny-reads}', 7), ('{all,deny-reads}', 8),
	('{odd-keys}', 10);
CREATE FUNCTION pg_temp.with_roles(r text[]) RETURNS void LANGUAGE sql AS $$
	UPDATE members.organization_members SET roles = r
	 WHERE user_id = pg_temp.u('o-custom') AND organization_id = pg_temp.o('O') $$;
-- One statement per role set (a change is seen by the next statement).
CREATE TEMP TABLE grid_result (ord int, roles text[], ws_read_own boolean, ws_read_org boolean,
	ws_ssh_own boolean, ws_ssh_org boolean, secret_read_org boolean, license_read_none boolean,
	tpl_read_org boolean, tpl_update_org boolean, tpl_insights_org boolean, tpl_ssh_org boolean,
	group_read_org boolean, group_read_q boolean);
DO $$
DECLARE r record;
BEGIN
	FOR r IN SELECT * FROM grid ORDER BY ord LOOP
		-- this transaction's own change reaches the cache at the next
		-- command (local invalidation), even inside one statement
		PERFORM pg_temp.with_roles(r.role_set);
		EXECUTE 'INSERT INTO grid_result SELECT $1, $2,
			pg_temp.can(''o-custom'', ''read'', ''workspace'', ''O'', ''o-custom''),
			pg_temp.can(''o-custom'', ''read'', ''workspace'', ''O''),
			pg_temp.can(''o-custom'', ''ssh'', ''workspace'', ''O'', ''o-custom''),
			pg_temp.can(''o-custom'', ''ssh'', ''workspace'', ''O''),
			pg_temp.can(''o-custom'', ''read'', ''user_secret'', ''O''),
			pg_temp.can(''o-custom'', ''read'', ''license''),
			pg_temp.can(''o-custom'', ''read'', ''template'', ''O''),
			pg_temp.can(''o-custom'', ''update'', ''template'', ''O''),
			pg_temp.can(''o-custom'', ''view_insights'', ''template'', ''O''),
			pg_temp.can(''o-custom'', ''ssh'', ''template'', ''O''),
			pg_temp.can(''o-custom'', ''read'', ''group'', ''O''),
			pg_temp.can(''o-custom'', ''read'', ''group'', ''Q'')'
		USING r.ord, r.role_set;
	END LOOP;
END $$;
SELECT * FROM grid_result ORDER BY ord;

-- Invalid or malformed permissions cannot be stored, not even by the
-- superuser: the CHECK custom_roles_org_permissions_valid raises 22023
-- naming the entry, so the engine never meets a permission it cannot read.
\set VERBOSITY default
INSERT INTO members.custom_roles (name, display_name, organization_id, org_permissions) VALUES
	('half-valid', '', '0a000000-0000-0000-0000-00000000000a',
	 '[{"negate": false, "resource_type": "template", "action": "view_insights"},
	   {"negate": false, "resource_type": "nope", "action": "read"}]');
INSERT INTO members.custom_roles (name, display_name, organization_id, org_permissions) VALUES
	('half-valid', '', '0a000000-0000-0000-0000-00000000000a',
	 '[{"negate": false, "resource_type": "template", "action": "ssh"}]');
INSERT INTO members.custom_roles (name, display_name, organization_id, org_permissions) VALUES
	('half-valid', '', '0a000000-0000-0000-0000-00000000000a',
	 '[{"negate": false, "resource_type": "workspace", "action": "update_agent"}]');
UPDATE members.custom_roles SET org_permissions = '[{"negate": false, "resource_type": "group"}]'
 WHERE name = 'odd-keys';
UPDATE members.custom_roles SET org_permissions = '["group:read"]' WHERE name = 'odd-keys';
SELECT count(*) AS half_valid_rows FROM members.custom_roles WHERE name = 'half-valid';
\set VERBOSITY sqlstate
SELECT pg_temp.with_roles('{}');

-- 4. Unknown role names are dropped silently (docs/coder-behaviour.md 2.1): in rbac_roles
--    (unknown names, and org role names, which are no site roles) and in
--    organization_members.roles (unknown names, site role names, and
--    custom roles of another organization).
SELECT u.rbac_roles, m.roles
  FROM members.users u JOIN members.organization_members m ON m.user_id = u.id
 WHERE u.username = 'junk';
SELECT pg_temp.can('junk', 'delete', 'license') AS site_owner_kept;
UPDATE members.users SET rbac_roles = '{bogus,organization-admin}' WHERE username = 'junk';
SELECT pg_temp.can('junk', 'delete', 'license') AS site_owner_gone,
       pg_temp.can('junk', 'read', 'user') AS no_site_org_admin,
       pg_temp.can('junk', 'read', 'audit_log', 'O') AS org_auditor_kept,
       pg_temp.can('junk', 'read', 'license', 'O') AS org_owner_is_no_role,
       pg_temp.can('junk', 'read', 'api_key', 'O') AS q_only_not_in_o,
       pg_temp.can('junk2', 'read', 'assign_role') AS member_still_implied;

-- 5. A custom role named like a built-in: an org built-in name always means
-- the built-in (the stored row is ignored); a site built-in name is no org
-- built-in, so in an org it is looked up as a custom role.
INSERT INTO members.custom_roles (name, display_name, organization_id, org_permissions) VALUES
	('organization-auditor', 'Shadow', '0a000000-0000-0000-0000-00000000000a',
	 '[{"negate": false, "resource_type": "*", "action": "*"}]'),
	('owner', 'Org owner', '0a000000-0000-0000-0000-00000000000a',
	 '[{"negate": false, "resource_type": "license", "action": "read"}]');
SELECT pg_temp.with_roles('{organization-auditor}');
SELECT pg_temp.can('o-custom', 'read', 'audit_log', 'O') AS builtin_read,
       pg_temp.can('o-custom', 'delete', 'template', 'O') AS shadow_ignored;
SELECT pg_temp.with_roles('{owner}');
SELECT pg_temp.can('o-custom', 'read', 'license', 'O') AS org_custom_owner,
       pg_temp.can('o-custom', 'read', 'license') AS not_site_owner,
       pg_temp.can('o-custom', 'read', 'template', 'O') AS not_site_owner_in_org;
SELECT pg_temp.with_roles('{organization-auditor}');
-- Deleting such a row (only the superuser can store one; the API reserves
-- built-in names) removes the name from every member of the org, as Coder's
-- trigger does: here the built-in organization-auditor held by o-custom and
-- junk goes with it.
DELETE FROM members.custom_roles WHERE name IN ('organization-auditor', 'owner');
SELECT u.username, m.roles
  FROM members.organization_members m JOIN members.users u ON u.id = m.user_id
 WHERE u.username IN ('o-custom', 'junk') ORDER BY u.username;
SELECT pg_temp.can('o-custom', 'read', 'audit_log', 'O') AS auditor_gone,
       pg_temp.can('junk', 'read', 'audit_log', 'O') AS junk_auditor_gone;


-- 6. The workspace-sharing switch.  members.set_workspace_sharing needs
--    update on the organization: the owner and O's admins may; a member of
--    O (read, no update) and the site auditor and user-admin (site read)
--    get 42501; users who cannot read O (a plain user, Q's admin) get P0002.
BEGIN;
SET LOCAL members.actor = '00000000-0000-0000-0000-000000000014';	-- o-member
SELECT members.set_workspace_sharing('org-o', true);
ROLLBACK;
BEGIN;
SET LOCAL members.actor = '00000000-0000-0000-0000-000000000017';	-- o-user-admin
SELECT members.set_workspace_sharing('org-o', true);
ROLLBACK;
BEGIN;
SET LOCAL members.actor = '00000000-0000-0000-0000-000000000002';	-- auditor
SELECT members.set_workspace_sharing('org-o', true);
ROLLBACK;
BEGIN;
SET LOCAL members.actor = '00000000-0000-0000-0000-000000000003';	-- user-admin
SELECT members.set_workspace_sharing('org-o', true);
ROLLBACK;
BEGIN;
SET LOCAL members.actor = '00000000-0000-0000-0000-000000000005';	-- plain
SELECT members.set_workspace_sharing('org-o', true);
ROLLBACK;
BEGIN;
SET LOCAL members.actor = '00000000-0000-0000-0000-000000000015';	-- q-admin
SELECT members.set_workspace_sharing('org-o', true);
ROLLBACK;
BEGIN;
SET LOCAL members.actor = '00000000-0000-0000-0000-000000000030';	-- suspended owner
SELECT members.set_workspace_sharing('org-o', true);
ROLLBACK;

CREATE TEMP VIEW sharing AS
SELECT (SELECT workspace_sharing_disabled FROM members.organizations WHERE display_name = 'O') AS disabled,
       pg_temp.can('o-member', 'read', 'organization_member', 'O') AS m_members_read,
       pg_temp.can('o-member', 'read', 'group', 'O') AS m_group_read,
       pg_temp.can('o-member', 'read', 'organization_member', 'O', 'o-member') AS m_own_row_read,
       pg_temp.can('o-member', 'share', 'workspace', 'O', 'o-member') AS m_own_ws_share,
       pg_temp.can('o-member', 'update', 'workspace', 'O', 'o-member') AS m_own_ws_update,
       pg_temp.can('o-admin', 'share', 'workspace', 'O') AS admin_ws_share,
       pg_temp.can('o-admin', 'update', 'workspace', 'O') AS admin_ws_update,
       pg_temp.can('owner', 'share', 'workspace', 'O') AS site_owner_share;
SELECT * FROM sharing;
-- The owner disables sharing (by organization name; the Organization object
-- comes back), seen by the next statement of the same transaction.
BEGIN;
SET LOCAL members.actor = '00000000-0000-0000-0000-000000000001';
SELECT r->>'name' AS name, r->>'workspace_sharing_disabled' AS disabled
  FROM members.set_workspace_sharing('ORG-O', true) AS r;
SELECT * FROM sharing;
COMMIT;
SELECT * FROM sharing;
-- O's admin enables it again, by organization id.
BEGIN;
SET LOCAL members.actor = '00000000-0000-0000-0000-000000000010';
SELECT r->>'workspace_sharing_disabled' AS disabled
  FROM members.set_workspace_sharing('0a000000-0000-0000-0000-00000000000a', false) AS r;
COMMIT;
SELECT * FROM sharing;
-- The system (no actor) may too; a rolled-back switch changes nothing.
BEGIN;
SELECT members.set_workspace_sharing('org-o', true)->>'workspace_sharing_disabled' AS disabled;
SELECT m_group_read FROM sharing;
ROLLBACK;
SELECT m_group_read FROM sharing;
-- Unknown organization: P0002.
SELECT members.set_workspace_sharing('no-such-org', true);

-- 7. Users who are not active.  As the actor: 28000 (even an owner).  For
--    authorize_user: a suspended or dormant user may do nothing (false), a
--    deleted user is not found (P0002).
BEGIN;
SET LOCAL members.actor = '00000000-0000-0000-0000-000000000030';
SELECT members.authorize('read', 'template');
ROLLBACK;
BEGIN;
SET LOCAL members.actor = '00000000-0000-0000-0000-000000000031';
SELECT members.authorize('read', 'template');
ROLLBACK;
BEGIN;
SET LOCAL members.actor = '00000000-0000-0000-0000-000000000032';
SELECT members.authorize('read', 'template');
ROLLBACK;
BEGIN;
SET LOCAL members.actor = '00000000-0000-0000-0000-000000000031';
SELECT members.check_permissions('{"k": {"object": {"resource_type": "template"}, "action": "read"}}');
ROLLBACK;
SELECT pg_temp.can('sus-owner', 'read', 'template') AS suspended,
       pg_temp.can('sus-owner', 'read', 'template', 'O') AS suspended_in_org,
       pg_temp.can('dorm-owner', 'read', 'template') AS dormant,
       pg_temp.can('dorm-owner', 'read', 'template', 'O', 'dorm-owner') AS dormant_own_in_org;
SELECT members.authorize_user('00000000-0000-0000-0000-000000000032', 'read', 'template');
-- Reactivation takes effect at the next statement.
UPDATE members.users SET status = 'active' WHERE username = 'sus-owner';
SELECT pg_temp.can('sus-owner', 'read', 'template') AS reactivated;
BEGIN;
SET LOCAL members.actor = '00000000-0000-0000-0000-000000000030';
SELECT members.authorize('read', 'template') AS reactivated_actor;
ROLLBACK;
UPDATE members.users SET status = 'suspended' WHERE username = 'sus-owner';
SELECT pg_temp.can('sus-owner', 'read', 'template') AS suspended_again;

SET client_min_messages = warning;
TRUNCATE members.organizations, members.users CASCADE;
RESET client_min_messages;
