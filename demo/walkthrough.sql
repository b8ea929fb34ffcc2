-- members demo walkthrough: every statement is echoed before its answer.
\pset footer off
\pset format unaligned
\pset tuples_only on
\set ECHO queries
\set VERBOSITY default

CREATE EXTENSION members;
-- The service role: its members may set members.actor (the acting user).
CREATE ROLE members_service NOLOGIN;
CREATE ROLE app LOGIN IN ROLE members_service;
GRANT USAGE ON SCHEMA members TO members_service;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA members TO members_service;

-- 1. Bootstrap as the system (a service-role member with no actor set).
SET ROLE app;
SELECT jsonb_pretty(members.create_organization('coder', 'Coder', 'The default organization', is_default => true));
SELECT jsonb_pretty(members.create_user('admin', 'admin@example.com', 'Ada Admin', site_roles => '{owner}'));
SELECT jsonb_pretty(members.create_user('uadmin', 'uadmin@example.com', 'Uma User-Admin', site_roles => '{user-admin}'));
SELECT jsonb_pretty(members.create_user('alice', 'alice@example.com', 'Alice'));
SELECT jsonb_pretty(members.create_user('bob', 'bob@example.com'));
SELECT jsonb_pretty(members.create_user('carol', 'carol@example.com', 'Carol'));

-- The demo keeps the user ids in psql variables (read as the superuser).
RESET ROLE;
SELECT id AS admin_id FROM members.users WHERE username = 'admin' \gset
SELECT id AS uadmin_id FROM members.users WHERE username = 'uadmin' \gset
SELECT id AS alice_id FROM members.users WHERE username = 'alice' \gset
SELECT id AS bob_id FROM members.users WHERE username = 'bob' \gset
SET ROLE app;

-- 2. Act as the owner for one transaction: build an organization.
BEGIN;
SELECT set_config('members.actor', :'admin_id', true) IS NOT NULL AS actor_set;
SELECT members.current_actor() = :'admin_id' AS acting_as_admin;
SELECT jsonb_pretty(members.create_organization('acme', 'Acme Corp'));
-- POST /organizations/{organization}/members/{user}
SELECT jsonb_pretty(members.add_organization_member('acme', 'alice'));
SELECT jsonb_pretty(members.add_organization_member('acme', 'bob'));
SELECT jsonb_pretty(members.add_organization_member('acme', 'carol'));
-- PUT /organizations/{organization}/members/{user}/roles
SELECT jsonb_pretty(members.update_organization_member_roles('acme', 'alice', '{organization-admin}'));
COMMIT;
RESET ROLE;
SELECT id AS acme_id FROM members.organizations WHERE name = 'acme' \gset
SET ROLE app;

-- 3. Alice, now an organization admin, manages a custom role.
BEGIN;
SELECT set_config('members.actor', :'alice_id', true) IS NOT NULL AS actor_set;
-- POST /organizations/{organization}/members/roles
SELECT jsonb_pretty(members.insert_custom_role('acme', '{"name": "template-viewer", "display_name": "Template Viewer", "organization_permissions": [{"negate": false, "resource_type": "template", "action": "read"}]}'));
-- PUT /organizations/{organization}/members/roles (full replacement)
SELECT jsonb_pretty(members.update_custom_role('acme', '{"name": "template-viewer", "display_name": "Template Viewer", "organization_permissions": [{"negate": false, "resource_type": "template", "action": "read"}, {"negate": false, "resource_type": "template", "action": "view_insights"}]}'));
SELECT jsonb_pretty(members.update_organization_member_roles('acme', 'bob', '{template-viewer}'));
-- GET /organizations/{organization}/members/roles (assignable for Alice)
SELECT r->>'name' AS role, r->>'assignable' AS assignable, r->>'built_in' AS built_in
  FROM jsonb_array_elements(members.organization_roles('acme')) r;
COMMIT;
-- A custom role may grant only what its author holds: no negatives, no wildcards (22023).
BEGIN;
SELECT set_config('members.actor', :'alice_id', true) IS NOT NULL AS actor_set;
SELECT members.insert_custom_role('acme', '{"name": "everything", "organization_permissions": [{"negate": false, "resource_type": "*", "action": "*"}]}');
ROLLBACK;

-- 4. Permission checks as Bob (plain member holding template-viewer).
BEGIN;
SELECT set_config('members.actor', :'bob_id', true) IS NOT NULL AS actor_set;
SELECT members.authorize('read', 'template', :'acme_id') AS bob_reads_templates,
       members.authorize('update', 'template', :'acme_id') AS bob_updates_templates,
       members.authorize('create', 'workspace', :'acme_id', :'bob_id') AS bob_creates_own_workspace,
       members.authorize('delete', 'workspace', :'acme_id', :'alice_id') AS bob_deletes_alices_workspace;
SELECT jsonb_pretty(members.check_permissions(('{"read_templates": {"object": {"resource_type": "template", "organization_id": "' || :'acme_id' || '"}, "action": "read"}, "read_all_users": {"object": {"resource_type": "user"}, "action": "read"}}')::jsonb));
SELECT jsonb_pretty(members.explain_authorize('update', 'template', :'acme_id'));
-- GET /organizations/{organization}/members and paginated-members
SELECT jsonb_pretty(members.organization_members('acme'));
SELECT jsonb_pretty(members.paginated_organization_members('acme', 2, 0));
-- GET /users/roles (nothing assignable for Bob)
SELECT r->>'name' AS role, r->>'assignable' AS assignable FROM jsonb_array_elements(members.site_roles()) r;
COMMIT;
-- Bob cannot change roles (403) or remove members (404), and cannot remove himself (400).
BEGIN;
SELECT set_config('members.actor', :'bob_id', true) IS NOT NULL AS actor_set;
SELECT members.update_organization_member_roles('acme', 'carol', '{organization-admin}');
ROLLBACK;
BEGIN;
SELECT set_config('members.actor', :'bob_id', true) IS NOT NULL AS actor_set;
SELECT members.remove_organization_member('acme', 'carol');
ROLLBACK;
BEGIN;
SELECT set_config('members.actor', :'bob_id', true) IS NOT NULL AS actor_set;
SELECT members.remove_organization_member('acme', 'me');
ROLLBACK;

-- 5. The owner: site roles, removal, deletion of the custom role.
BEGIN;
SELECT set_config('members.actor', :'admin_id', true) IS NOT NULL AS actor_set;
-- GET /users/roles (all assignable for an owner)
SELECT r->>'name' AS role, r->>'assignable' AS assignable FROM jsonb_array_elements(members.site_roles()) r;
-- PUT /users/{user}/roles
SELECT jsonb_pretty(members.update_user_site_roles('carol', '{auditor}'));
-- DELETE /organizations/{organization}/members/{user}
SELECT members.remove_organization_member('acme', 'carol');
-- DELETE /organizations/{organization}/members/roles/{roleName}: Bob loses it too
SELECT members.delete_custom_role('acme', 'template-viewer');
SELECT m->>'username' AS username, m->'roles' AS roles FROM jsonb_array_elements(members.organization_members('acme')) m;
-- Every mutation left an audit row.
SELECT e->>'action' AS action, e->>'resource_type' AS resource_type, e->>'resource_target' AS target, e->>'status_code' AS status
  FROM jsonb_array_elements(members.audit_log_entries()) e;
COMMIT;

-- 6. Refusals that need no actor: a role outside the service role cannot set the actor.
RESET ROLE;
CREATE ROLE outsider LOGIN;
SET ROLE outsider;
SET members.actor = '00000000-0000-0000-0000-000000000001';
RESET ROLE;

-- 7. A session token for HTTP clients (Coder's <id>-<secret> format; only a hash is stored).
SET ROLE app;
SELECT length(members.create_api_key('bob', '1 day')) AS token_length;
RESET ROLE;

-- 8. What exists now (read as the superuser: the tables are granted to no one).
SELECT name, display_name, is_default, workspace_sharing_disabled FROM members.organizations ORDER BY name;
SELECT username, email, rbac_roles, status FROM members.users ORDER BY username;
SELECT o.name AS organization, u.username, m.roles
  FROM members.organization_members m
  JOIN members.organizations o ON o.id = m.organization_id
  JOIN members.users u ON u.id = m.user_id
 ORDER BY 1, 2;
