-- Every row of every members table as text, ordered: compared before and
-- after the update by tests/suites/upgrade.sh.  Only 1.0's columns.
\pset format unaligned
\pset tuples_only on
\pset pager off
SELECT 'organizations ' || row(id, name, display_name, description, icon, is_default,
	workspace_sharing_disabled, deleted, created_at, updated_at)::text
  FROM members.organizations ORDER BY id;
SELECT 'users ' || row(id, username, email, name, avatar_url, status, login_type, rbac_roles,
	deleted, created_at, updated_at)::text
  FROM members.users ORDER BY id;
SELECT 'organization_members ' || row(organization_id, user_id, roles, created_at, updated_at)::text
  FROM members.organization_members ORDER BY organization_id, user_id;
SELECT 'custom_roles ' || row(id, name, display_name, site_permissions, org_permissions,
	user_permissions, member_permissions, organization_id, created_at, updated_at)::text
  FROM members.custom_roles ORDER BY id;
SELECT 'api_keys ' || row(id, hashed_secret, user_id, login_type, scope, token_name,
	lifetime_seconds, last_used, expires_at, created_at, updated_at)::text
  FROM members.api_keys ORDER BY id;
SELECT 'audit_log ' || row(id, "time", user_id, organization_id, action, resource_type,
	resource_id, resource_target, diff, status_code, ip, user_agent, request_id)::text
  FROM members.audit_log ORDER BY id;
