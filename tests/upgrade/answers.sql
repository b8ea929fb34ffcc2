-- The endpoints' answers over fill.sql's data, as the system (a superuser
-- with no actor) and as some of its users; compared between an updated and
-- a fresh database by tests/suites/upgrade.sh.
\pset format unaligned
\pset tuples_only on
\pset pager off
SELECT 'members ' || o || ' ' || members.organization_members(o)::text
  FROM unnest(ARRAY['coder', 'acme', 'widgets']) o ORDER BY o;
SELECT 'page ' || members.paginated_organization_members('acme', 2, 1)::text;
SELECT 'roles ' || o || ' ' || members.organization_roles(o)::text
  FROM unnest(ARRAY['coder', 'acme', 'widgets']) o ORDER BY o;
SELECT 'site_roles ' || members.site_roles()::text;
BEGIN;
SET LOCAL members.actor = '00000000-0000-4000-8000-000000000004';
SELECT 'alice members acme ' || members.organization_members('acme')::text;
SELECT 'alice roles acme ' || members.organization_roles('acme')::text;
SELECT 'alice checks ' || members.check_permissions('{
	"a": {"object": {"resource_type": "template", "organization_id": "00000000-0000-4000-8000-00000000000b"}, "action": "read"},
	"b": {"object": {"resource_type": "audit_log", "organization_id": "00000000-0000-4000-8000-00000000000c"}, "action": "read"},
	"c": {"object": {"resource_type": "workspace", "any_org": true}, "action": "create"}}')::text;
COMMIT;
BEGIN;
SET LOCAL members.actor = '00000000-0000-4000-8000-000000000003';
SELECT 'orgadmin members acme ' || members.organization_members('acme')::text;
SELECT 'orgadmin explain ' || members.explain_authorize('update', 'template', '00000000-0000-4000-8000-00000000000b')::text;
COMMIT;
