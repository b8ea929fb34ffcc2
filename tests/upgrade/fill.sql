-- Data for tests/suites/upgrade.sh, written with fixed ids and times straight
-- into the tables as a superuser, so that the same rows can be loaded into a
-- 1.0 database (before the update) and into a fresh install.  Uses only the
-- columns that 1.0 has.
\set ON_ERROR_STOP 1
INSERT INTO members.organizations (id, name, display_name, description, icon, is_default,
		workspace_sharing_disabled, created_at, updated_at) VALUES
	('00000000-0000-4000-8000-00000000000a', 'coder', 'Coder', 'the default', '', true, false,
	 '2026-01-01 00:00:00+00', '2026-01-01 00:00:00+00'),
	('00000000-0000-4000-8000-00000000000b', 'acme', 'Acme', '', '/icon/acme.svg', false, false,
	 '2026-01-02 00:00:00+00', '2026-01-02 00:00:00+00'),
	('00000000-0000-4000-8000-00000000000c', 'widgets', 'Widgets', '', '', false, true,
	 '2026-01-03 00:00:00+00', '2026-01-03 00:00:00+00');
INSERT INTO members.organizations (id, name, display_name, deleted, created_at, updated_at) VALUES
	('00000000-0000-4000-8000-00000000000d', 'gone', 'Gone', true,
	 '2026-01-04 00:00:00+00', '2026-01-04 00:00:00+00');

INSERT INTO members.users (id, username, email, name, avatar_url, status, login_type, rbac_roles,
		deleted, created_at, updated_at) VALUES
	('00000000-0000-4000-8000-000000000001', 'owner', 'owner@example.com', 'Olive Owner', '', 'active', 'password', '{owner}', false,
	 '2026-02-01 00:00:00+00', '2026-02-01 00:00:00+00'),
	('00000000-0000-4000-8000-000000000002', 'auditor', 'auditor@example.com', 'Aude', '', 'active', 'password', '{auditor}', false,
	 '2026-02-02 00:00:00+00', '2026-02-02 00:00:00+00'),
	('00000000-0000-4000-8000-000000000003', 'orgadmin', 'orgadmin@example.com', 'Orla Admin', '', 'active', 'oidc', '{}', false,
	 '2026-02-03 00:00:00+00', '2026-02-03 00:00:00+00'),
	('00000000-0000-4000-8000-000000000004', 'alice', 'alice@example.com', 'Alice', 'https://example.com/a.png', 'active', 'password', '{}', false,
	 '2026-02-04 00:00:00+00', '2026-02-04 00:00:00+00'),
	('00000000-0000-4000-8000-000000000005', 'bob', 'bob@example.com', '', '', 'active', 'github', '{template-admin}', false,
	 '2026-02-05 00:00:00+00', '2026-02-05 00:00:00+00'),
	('00000000-0000-4000-8000-000000000006', 'carol', 'carol@example.com', 'Carol', '', 'suspended', 'password', '{}', false,
	 '2026-02-06 00:00:00+00', '2026-02-06 00:00:00+00'),
	('00000000-0000-4000-8000-000000000007', 'dave', 'dave@example.com', 'Dave', '', 'dormant', 'password', '{user-admin}', false,
	 '2026-02-07 00:00:00+00', '2026-02-07 00:00:00+00'),
	('00000000-0000-4000-8000-000000000008', 'erin', 'erin@example.com', 'Erin', '', 'active', 'password', '{}', true,
	 '2026-02-08 00:00:00+00', '2026-02-08 00:00:00+00'),
	('00000000-0000-4000-8000-000000000009', 'frank', 'frank@example.com', 'Frank', '', 'active', 'token', '{}', false,
	 '2026-02-09 00:00:00+00', '2026-02-09 00:00:00+00');

INSERT INTO members.custom_roles (id, name, display_name, org_permissions, organization_id,
		created_at, updated_at) VALUES
	('00000000-0000-4000-8000-0000000000c1', 'template-viewer', 'Template Viewer',
	 '[{"negate": false, "resource_type": "template", "action": "read"}]',
	 '00000000-0000-4000-8000-00000000000b', '2026-03-01 00:00:00+00', '2026-03-01 00:00:00+00'),
	('00000000-0000-4000-8000-0000000000c2', 'no-workspaces', 'No Workspaces',
	 '[{"negate": true, "resource_type": "workspace", "action": "*"}, {"negate": false, "resource_type": "organization_member", "action": "read"}]',
	 '00000000-0000-4000-8000-00000000000b', '2026-03-02 00:00:00+00', '2026-03-02 00:00:00+00'),
	('00000000-0000-4000-8000-0000000000c3', 'auditor-lite', '',
	 '[{"negate": false, "resource_type": "audit_log", "action": "read"}]',
	 '00000000-0000-4000-8000-00000000000c', '2026-03-03 00:00:00+00', '2026-03-03 00:00:00+00');

INSERT INTO members.organization_members (organization_id, user_id, roles, created_at, updated_at) VALUES
	('00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-000000000001', '{}', '2026-04-01 00:00:00+00', '2026-04-01 00:00:00+00'),
	('00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-000000000003', '{organization-admin}', '2026-04-02 00:00:00+00', '2026-04-02 00:00:00+00'),
	('00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-000000000004', '{}', '2026-04-03 00:00:00+00', '2026-04-03 00:00:00+00'),
	('00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-000000000006', '{}', '2026-04-04 00:00:00+00', '2026-04-04 00:00:00+00'),
	('00000000-0000-4000-8000-00000000000b', '00000000-0000-4000-8000-000000000003', '{organization-admin,template-viewer}', '2026-04-05 00:00:00+00', '2026-04-05 00:00:00+00'),
	('00000000-0000-4000-8000-00000000000b', '00000000-0000-4000-8000-000000000004', '{template-viewer,organization-auditor}', '2026-04-06 00:00:00+00', '2026-04-06 00:00:00+00'),
	('00000000-0000-4000-8000-00000000000b', '00000000-0000-4000-8000-000000000005', '{no-workspaces,organization-workspace-creation-ban}', '2026-04-07 00:00:00+00', '2026-04-07 00:00:00+00'),
	('00000000-0000-4000-8000-00000000000b', '00000000-0000-4000-8000-000000000009', '{organization-user-admin}', '2026-04-08 00:00:00+00', '2026-04-08 00:00:00+00'),
	('00000000-0000-4000-8000-00000000000c', '00000000-0000-4000-8000-000000000004', '{auditor-lite}', '2026-04-09 00:00:00+00', '2026-04-09 00:00:00+00'),
	('00000000-0000-4000-8000-00000000000c', '00000000-0000-4000-8000-000000000009', '{organization-template-admin}', '2026-04-10 00:00:00+00', '2026-04-10 00:00:00+00'),
	('00000000-0000-4000-8000-00000000000c', '00000000-0000-4000-8000-000000000007', '{}', '2026-04-11 00:00:00+00', '2026-04-11 00:00:00+00'),
	('00000000-0000-4000-8000-00000000000d', '00000000-0000-4000-8000-000000000004', '{}', '2026-04-12 00:00:00+00', '2026-04-12 00:00:00+00');

INSERT INTO members.api_keys (id, hashed_secret, user_id, lifetime_seconds, last_used, expires_at,
		created_at, updated_at) VALUES
	('AbCdEfGhIj', pg_catalog.sha256('secret-of-alice'), '00000000-0000-4000-8000-000000000004', 604800,
	 '2026-05-01 00:00:00+00', '2999-01-01 00:00:00+00', '2026-05-01 00:00:00+00', '2026-05-01 00:00:00+00'),
	('KlMnOpQrSt', pg_catalog.sha256('secret-of-owner'), '00000000-0000-4000-8000-000000000001', 604800,
	 '2026-05-02 00:00:00+00', '2026-05-09 00:00:00+00', '2026-05-02 00:00:00+00', '2026-05-02 00:00:00+00');

INSERT INTO members.audit_log (id, "time", user_id, organization_id, action, resource_type,
		resource_id, resource_target, diff, status_code) VALUES
	('00000000-0000-4000-8000-0000000000e1', '2026-06-01 00:00:00+00', '00000000-0000-4000-8000-000000000003',
	 '00000000-0000-4000-8000-00000000000b', 'write', 'organization_member',
	 '00000000-0000-4000-8000-000000000004', 'alice', '{"roles": {"old": [], "new": ["template-viewer"]}}', 200),
	('00000000-0000-4000-8000-0000000000e2', '2026-06-02 00:00:00+00', '00000000-0000-4000-8000-000000000004',
	 '00000000-0000-4000-8000-00000000000b', 'create', 'organization_role',
	 '00000000-0000-4000-8000-000000000000', 'x', '{}', 403);
