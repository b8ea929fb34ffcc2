-- RBAC engine: the SQL interface of permission checks.  members.authorize,
-- authorize_user, check_permissions, explain_authorize and rbac_resources:
-- argument errors, who may call them, the system actor, explain's output,
-- and the same answers inside parallel workers.
\set VERBOSITY default
\set SHOW_CONTEXT never

INSERT INTO members.organizations (id, name, display_name) VALUES
	('0a000000-0000-0000-0000-00000000000a', 'org-o', 'O'),
	('0c000000-0000-0000-0000-00000000000c', 'org-q', 'Q');
INSERT INTO members.custom_roles (name, display_name, organization_id, org_permissions) VALUES
	('tpl-reader', 'Template reader', '0a000000-0000-0000-0000-00000000000a',
	 '[{"negate": false, "resource_type": "template", "action": "read"},
	   {"negate": false, "resource_type": "*", "action": "view_insights"}]');
INSERT INTO members.users (id, username, email, rbac_roles) VALUES
	('00000000-0000-0000-0000-000000000001', 'owner', 'owner@example.com', '{owner}'),
	('00000000-0000-0000-0000-000000000002', 'auditor', 'auditor@example.com', '{auditor}'),
	('00000000-0000-0000-0000-000000000005', 'plain', 'plain@example.com', '{}'),
	('00000000-0000-0000-0000-000000000010', 'o-admin', 'o-admin@example.com', '{}'),
	('00000000-0000-0000-0000-000000000014', 'o-ban', 'o-ban@example.com', '{}'),
	('00000000-0000-0000-0000-000000000015', 'o-member', 'o-member@example.com', '{}');
INSERT INTO members.organization_members (organization_id, user_id, roles) VALUES
	('0a000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-000000000010', '{organization-admin}'),
	('0a000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-000000000014', '{organization-workspace-creation-ban,tpl-reader}'),
	('0a000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-000000000015', '{}'),
	('0c000000-0000-0000-0000-00000000000c', '00000000-0000-0000-0000-000000000014', '{organization-admin}');

-- 1. Argument errors (22023), the same for every check function: unknown
--    or wildcard action or resource type, NULL action or resource type,
--    any_org together with an organization.  Names are exact (no case
--    folding).  The checks come before the actor is resolved, so the
--    system gets them too.
\set ECHO none
\getenv abs_srcdir PG_ABS_SRCDIR
\i :abs_srcdir/tests/regress/helpers.sql
\set ECHO all
SELECT c.n, c.call, t.* FROM (VALUES
	(1, $c$members.authorize('frobnicate', 'template')$c$),
	(2, $c$members.authorize('*', 'template')$c$),
	(3, $c$members.authorize('read', 'nope')$c$),
	(4, $c$members.authorize('read', '*')$c$),
	(5, $c$members.authorize('read', 'chat')$c$),
	(6, $c$members.authorize('update_agent', 'workspace')$c$),
	(7, $c$members.authorize('READ', 'template')$c$),
	(8, $c$members.authorize('read', 'Template')$c$),
	(9, $c$members.authorize(NULL, 'template')$c$),
	(10, $c$members.authorize('read', NULL)$c$),
	(11, $c$members.authorize('', 'template')$c$),
	(12, $c$members.authorize('read', 'template', '0a000000-0000-0000-0000-00000000000a', NULL, true)$c$),
	(13, $c$members.authorize_user('00000000-0000-0000-0000-000000000001', 'frobnicate', 'template')$c$),
	(14, $c$members.authorize_user('00000000-0000-0000-0000-000000000001', 'read', '*')$c$),
	(15, $c$members.authorize_user('00000000-0000-0000-0000-000000000001', NULL, 'template')$c$),
	(16, $c$members.authorize_user('00000000-0000-0000-0000-000000000001', 'read', NULL)$c$),
	(17, $c$members.authorize_user(NULL, 'read', 'template')$c$),
	(18, $c$members.authorize_user('00000000-0000-0000-0000-000000000001', 'read', 'template', '0a000000-0000-0000-0000-00000000000a', NULL, true)$c$),
	(19, $c$members.explain_authorize('*', 'template')$c$),
	(20, $c$members.explain_authorize('read', 'nope')$c$),
	(21, $c$members.explain_authorize(NULL, 'template')$c$),
	(22, $c$members.explain_authorize('read', 'template', '0a000000-0000-0000-0000-00000000000a', NULL, true)$c$)
) AS c(n, call), LATERAL pg_temp.try_call(c.call) AS t ORDER BY c.n;
-- A known action that the resource does not list is evaluated like any
-- other (no error): the owner's workspace permissions do not list it, its
-- template:* does.
SELECT members.authorize_user('00000000-0000-0000-0000-000000000001', 'assign', 'workspace') AS owner_assign_workspace,
       members.authorize_user('00000000-0000-0000-0000-000000000001', 'ssh', 'template') AS owner_ssh_template;
-- any_org with a NULL or nil organization is fine; NULL any_org is false.
SELECT members.authorize_user('00000000-0000-0000-0000-000000000015', 'read', 'organization', NULL, NULL, true) AS any_org_null,
       members.authorize_user('00000000-0000-0000-0000-000000000015', 'read', 'organization', '00000000-0000-0000-0000-000000000000', NULL, true) AS any_org_nil,
       members.authorize_user('00000000-0000-0000-0000-000000000015', 'read', 'organization', NULL, NULL, NULL) AS any_org_is_null;

-- check_permissions: shape errors (22023), malformed uuids (22P02).
SELECT c.n, c.call, t.* FROM (VALUES
	(101, $c$members.check_permissions('[]')$c$),
	(102, $c$members.check_permissions('"x"')$c$),
	(103, $c$members.check_permissions('{"k": 1}')$c$),
	(104, $c$members.check_permissions('{"k": {"action": "read"}}')$c$),
	(105, $c$members.check_permissions('{"k": {"object": [], "action": "read"}}')$c$),
	(106, $c$members.check_permissions('{"k": {"object": {"resource_type": "template"}}}')$c$),
	(107, $c$members.check_permissions('{"k": {"object": {}, "action": "read"}}')$c$),
	(108, $c$members.check_permissions('{"k": {"object": {"resource_type": "template"}, "action": 7}}')$c$),
	(109, $c$members.check_permissions('{"k": {"object": {"resource_type": "template"}, "action": "*"}}')$c$),
	(110, $c$members.check_permissions('{"k": {"object": {"resource_type": "nope"}, "action": "read"}}')$c$),
	(111, $c$members.check_permissions('{"k": {"object": {"resource_type": "template", "any_org": "yes"}, "action": "read"}}')$c$),
	(112, $c$members.check_permissions('{"k": {"object": {"resource_type": "template", "any_org": true, "organization_id": "0a000000-0000-0000-0000-00000000000a"}, "action": "read"}}')$c$),
	(113, $c$members.check_permissions('{"k": {"object": {"resource_type": "template", "organization_id": 5}, "action": "read"}}')$c$),
	(114, $c$members.check_permissions('{"k": {"object": {"resource_type": "template", "organization_id": "not-a-uuid"}, "action": "read"}}')$c$),
	(115, $c$members.check_permissions('{"k": {"object": {"resource_type": "template", "owner_id": "00000000-0000-0000-0000-00000000000"}, "action": "read"}}')$c$)
) AS c(n, call), LATERAL pg_temp.try_call(c.call) AS t ORDER BY c.n;
-- Empty, NULL, and absent/null/""/nil fields (all "none").
SELECT members.check_permissions('{}') AS empty, members.check_permissions(NULL) AS null_checks;
SELECT members.check_permissions('{"a": {"object": {"resource_type": "template", "organization_id": null, "owner_id": "", "any_org": null}, "action": "read"},
                                   "b": {"object": {"resource_type": "template", "organization_id": "00000000-0000-0000-0000-000000000000"}, "action": "read"}}') AS system_fields;

-- 2. Who may call.  A superuser or service-role member without an actor is
--    the system, which may do anything (even what no role grants).  A plain
--    role needs an actor (28000) and may not check other users (42501).
SELECT members.authorize('read', 'user_secret') AS system_user_secret,
       members.authorize('ssh', 'workspace_dormant', '0c000000-0000-0000-0000-00000000000c') AS system_dormant_ssh,
       members.authorize('share', 'workspace', NULL, NULL, true) AS system_any_org;
SELECT members.check_permissions('{"x": {"object": {"resource_type": "boundary_usage"}, "action": "delete"}}') AS system_checks;
SELECT jsonb_pretty(members.explain_authorize('read', 'user_secret', '0a000000-0000-0000-0000-00000000000a'));
SET ROLE members_plain;
SELECT c.n, c.call, t.* FROM (VALUES
	(201, $c$members.authorize('read', 'template')$c$),
	(202, $c$members.check_permissions('{"x": {"object": {"resource_type": "template"}, "action": "read"}}')$c$),
	(203, $c$members.explain_authorize('read', 'template')$c$),
	(204, $c$members.authorize_user('00000000-0000-0000-0000-000000000001', 'read', 'template')$c$),
	-- argument errors come first for the plain role too
	(205, $c$members.authorize('read', 'nope')$c$)
) AS c(n, call), LATERAL pg_temp.try_call(c.call) AS t ORDER BY c.n;
-- the registry needs no actor
SELECT count(*) AS resources FROM members.rbac_resources();
RESET ROLE;
SET ROLE members_app;
SELECT members.authorize('read', 'user_secret') AS app_is_system,
       members.authorize_user('00000000-0000-0000-0000-000000000005', 'read', 'template') AS app_may_check_plain,
       members.authorize_user('00000000-0000-0000-0000-000000000005', 'read', 'template', NULL, '00000000-0000-0000-0000-000000000005') AS app_may_check_plain_own;
RESET ROLE;
-- The same user as the actor, through each function.
BEGIN;
SET LOCAL members.actor = '00000000-0000-0000-0000-000000000015';	-- o-member
SELECT members.authorize('read', 'template', NULL, '00000000-0000-0000-0000-000000000015') AS own_template,
       members.authorize('read', 'template', '0a000000-0000-0000-0000-00000000000a') AS org_template,
       members.authorize('read', 'organization', NULL, NULL, true) AS any_org_read;
SELECT jsonb_pretty(members.check_permissions('{
	"own_template":   {"object": {"resource_type": "template", "owner_id": "00000000-0000-0000-0000-000000000015"}, "action": "read"},
	"org_template":   {"object": {"resource_type": "template", "organization_id": "0a000000-0000-0000-0000-00000000000a"}, "action": "read"},
	"any_org_read":   {"object": {"resource_type": "organization", "any_org": true}, "action": "read"},
	"own_workspace":  {"object": {"resource_type": "workspace", "organization_id": "0a000000-0000-0000-0000-00000000000a", "owner_id": "00000000-0000-0000-0000-000000000015"}, "action": "ssh"},
	"other_workspace":{"object": {"resource_type": "workspace", "organization_id": "0a000000-0000-0000-0000-00000000000a", "owner_id": "00000000-0000-0000-0000-000000000010"}, "action": "read"},
	"q_org":          {"object": {"resource_type": "organization", "organization_id": "0c000000-0000-0000-0000-00000000000c"}, "action": "read"},
	"site_roles":     {"object": {"resource_type": "assign_role"}, "action": "read"},
	"":               {"object": {"resource_type": "license"}, "action": "create"}
}'));
ROLLBACK;
-- Where authorize_user and authorize (as that actor) agree, check by check.
BEGIN;
SET LOCAL members.actor = '00000000-0000-0000-0000-000000000014';	-- o-ban
SELECT bool_and(members.authorize(a, r.resource_type, o, w, y) =
                members.authorize_user('00000000-0000-0000-0000-000000000014', a, r.resource_type, o, w, y)) AS agree,
       count(*) AS checks,
       count(*) FILTER (WHERE members.authorize(a, r.resource_type, o, w, y)) AS allowed
  FROM members.rbac_resources() r, unnest(r.actions) a,
       (VALUES (NULL::uuid, NULL::uuid, false),
               ('0a000000-0000-0000-0000-00000000000a', NULL, false),
               ('0a000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-000000000014', false),
               ('0c000000-0000-0000-0000-00000000000c', '00000000-0000-0000-0000-000000000014', false),
               (NULL, '00000000-0000-0000-0000-000000000014', false),
               (NULL, NULL, true),
               (NULL, '00000000-0000-0000-0000-000000000014', true)) AS s(o, w, y);
COMMIT;

-- 3. explain_authorize: the decision, the reason, and each level's vote,
--    whether it applies, and the permissions (with their roles and, for
--    organization roles, their organization) that match.  One in full:
--    the ban's org-level negative blocks organization-member's member-level
--    workspace:*.
BEGIN;
SET LOCAL members.actor = '00000000-0000-0000-0000-000000000014';	-- o-ban
SELECT jsonb_pretty(members.explain_authorize('create', 'workspace', '0a000000-0000-0000-0000-00000000000a',
                                              '00000000-0000-0000-0000-000000000014'));
ROLLBACK;
-- The others condensed: per level "vote [role@org permission, ...]", or
-- "n/a" when the level does not apply (org "0a" is O, "0c" is Q).
CREATE FUNCTION pg_temp.level(e jsonb, lvl text) RETURNS text LANGUAGE sql AS $$
	SELECT CASE WHEN NOT (e->'levels'->lvl->>'applies')::boolean THEN 'n/a'
	       ELSE (e->'levels'->lvl->>'vote') || ' [' ||
	            coalesce((SELECT string_agg((p->>'role') || coalesce('@' || left(p->>'organization_id', 2), '') || ' ' ||
	                                        CASE WHEN (p->>'negate')::boolean THEN '-' ELSE '' END ||
	                                        (p->>'resource_type') || ':' || (p->>'action'), ', ' ORDER BY n)
	                        FROM jsonb_array_elements(e->'levels'->lvl->'permissions') WITH ORDINALITY AS x(p, n)), '') || ']'
	       END $$;
CREATE FUNCTION pg_temp.explain_as(actor uuid, act text, res text, org uuid DEFAULT NULL,
                                   owner uuid DEFAULT NULL, any_org boolean DEFAULT false)
RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN
	PERFORM set_config('members.actor', actor::text, true);
	RETURN members.explain_authorize(act, res, org, owner, any_org);
END $$;
BEGIN;
SELECT c.n, c.what, e->>'allowed' AS allowed, e->>'reason' AS reason,
       pg_temp.level(e, 'site') AS site, pg_temp.level(e, 'user') AS "user",
       pg_temp.level(e, 'org') AS org, pg_temp.level(e, 'member') AS member
  FROM (VALUES
	(1, 'owner delete template in Q', pg_temp.explain_as('00000000-0000-0000-0000-000000000001', 'delete', 'template', '0c000000-0000-0000-0000-00000000000c')),
	(2, 'plain read own template', pg_temp.explain_as('00000000-0000-0000-0000-000000000005', 'read', 'template', NULL, '00000000-0000-0000-0000-000000000005')),
	(3, 'o-ban view_insights template in O', pg_temp.explain_as('00000000-0000-0000-0000-000000000014', 'view_insights', 'template', '0a000000-0000-0000-0000-00000000000a')),
	(4, 'o-member ssh own workspace in O', pg_temp.explain_as('00000000-0000-0000-0000-000000000015', 'ssh', 'workspace', '0a000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-000000000015')),
	(5, 'o-ban create workspace any_org', pg_temp.explain_as('00000000-0000-0000-0000-000000000014', 'create', 'workspace', NULL, NULL, true)),
	(6, 'o-ban create own workspace any_org', pg_temp.explain_as('00000000-0000-0000-0000-000000000014', 'create', 'workspace', NULL, '00000000-0000-0000-0000-000000000014', true)),
	(7, 'o-member read own template in Q', pg_temp.explain_as('00000000-0000-0000-0000-000000000015', 'read', 'template', '0c000000-0000-0000-0000-00000000000c', '00000000-0000-0000-0000-000000000015')),
	(8, 'o-admin read user', pg_temp.explain_as('00000000-0000-0000-0000-000000000010', 'read', 'user')),
	(9, 'o-admin read license', pg_temp.explain_as('00000000-0000-0000-0000-000000000010', 'read', 'license')),
	(10, 'auditor update template in O', pg_temp.explain_as('00000000-0000-0000-0000-000000000002', 'update', 'template', '0a000000-0000-0000-0000-00000000000a'))
  ) AS c(n, what, e)
 ORDER BY c.n;
ROLLBACK;
-- explain agrees with authorize on every check of a subject.
BEGIN;
SET LOCAL members.actor = '00000000-0000-0000-0000-000000000014';
SELECT bool_and((members.explain_authorize(a, r.resource_type, o, w, y)->>'allowed')::boolean =
                members.authorize(a, r.resource_type, o, w, y)) AS explain_agrees,
       count(*) AS checks
  FROM members.rbac_resources() r, unnest(r.actions) a,
       (VALUES (NULL::uuid, NULL::uuid, false),
               ('0a000000-0000-0000-0000-00000000000a', NULL, false),
               ('0a000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-000000000014', false),
               (NULL, '00000000-0000-0000-0000-000000000014', false),
               (NULL, NULL, true),
               (NULL, '00000000-0000-0000-0000-000000000014', true)) AS s(o, w, y);
COMMIT;

-- 4. Parallel queries give the same answers as serial ones.  A regular
--    table of checks is scanned by parallel workers (leader not
--    participating), which evaluate authorize and authorize_user there.
CREATE TABLE rbac_api_checks (id serial PRIMARY KEY, subject uuid, action text, resource_type text,
                              organization_id uuid, owner_id uuid, any_org boolean);
INSERT INTO rbac_api_checks (subject, action, resource_type, organization_id, owner_id, any_org)
SELECT u.id, a, r.resource_type, s.o, CASE s.w WHEN 'self' THEN u.id WHEN 'other' THEN '00000000-0000-0000-0000-000000000001'::uuid END, s.y
  FROM members.users u, members.rbac_resources() r, unnest(r.actions) a,
       (VALUES (NULL::uuid, NULL::text, false),
               ('0a000000-0000-0000-0000-00000000000a', NULL, false),
               ('0a000000-0000-0000-0000-00000000000a', 'self', false),
               ('0a000000-0000-0000-0000-00000000000a', 'other', false),
               (NULL, 'self', false),
               (NULL, NULL, true)) AS s(o, w, y)
 ORDER BY u.id, r.resource_type, a, s.o, s.w, s.y;
ANALYZE rbac_api_checks;
ALTER TABLE rbac_api_checks SET (parallel_workers = 2);
-- Workers the Gather node of a query's plan actually launched.
CREATE FUNCTION pg_temp.workers_launched(q text) RETURNS int LANGUAGE plpgsql AS $$
DECLARE plan json;
BEGIN
	EXECUTE 'EXPLAIN (ANALYZE, FORMAT JSON) ' || q INTO plan;
	RETURN (SELECT max((n->>'Workers Launched')::int)
	          FROM json_array_elements(plan->0->'Plan'->'Plans') AS n);
END $$;
CREATE TEMP TABLE serial_answers AS
SELECT count(*) AS checks,
       count(*) FILTER (WHERE members.authorize_user(subject, action, resource_type, organization_id, owner_id, any_org)) AS allowed,
       md5(string_agg(id::text, ',' ORDER BY id) FILTER (WHERE members.authorize_user(subject, action, resource_type, organization_id, owner_id, any_org))) AS allowed_ids
  FROM rbac_api_checks;
SELECT * FROM serial_answers;
BEGIN;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_leader_participation = off;
EXPLAIN (COSTS OFF)
SELECT string_agg(id::text, ',' ORDER BY id) FROM rbac_api_checks
 WHERE members.authorize_user(subject, action, resource_type, organization_id, owner_id, any_org);
SELECT pg_temp.workers_launched($$SELECT string_agg(id::text, ',' ORDER BY id) FROM rbac_api_checks
 WHERE members.authorize_user(subject, action, resource_type, organization_id, owner_id, any_org)$$) > 0 AS ran_in_workers;
SELECT count(*) AS allowed,
       md5(string_agg(id::text, ',' ORDER BY id)) = (SELECT allowed_ids FROM serial_answers) AS same_as_serial
  FROM rbac_api_checks
 WHERE members.authorize_user(subject, action, resource_type, organization_id, owner_id, any_org);
COMMIT;
-- authorize for the current actor, serial and parallel (the worker inherits
-- the actor), and with force_parallel_mode.
BEGIN;
SET LOCAL members.actor = '00000000-0000-0000-0000-000000000014';
SET LOCAL max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial_actor AS
SELECT md5(string_agg(id::text, ',' ORDER BY id)) AS ids, count(*) AS allowed FROM rbac_api_checks
 WHERE subject = '00000000-0000-0000-0000-000000000014'
   AND members.authorize(action, resource_type, organization_id, owner_id, any_org);
SELECT allowed FROM serial_actor;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_leader_participation = off;
SELECT md5(string_agg(id::text, ',' ORDER BY id)) = (SELECT ids FROM serial_actor) AS parallel_same
  FROM rbac_api_checks
 WHERE subject = '00000000-0000-0000-0000-000000000014'
   AND members.authorize(action, resource_type, organization_id, owner_id, any_org);
SELECT pg_temp.workers_launched($$SELECT count(*) FROM rbac_api_checks
 WHERE subject = '00000000-0000-0000-0000-000000000014'
   AND members.authorize(action, resource_type, organization_id, owner_id, any_org)$$) > 0 AS ran_in_workers;
SET LOCAL max_parallel_workers_per_gather = 0;
SET LOCAL force_parallel_mode = on;
SELECT md5(string_agg(id::text, ',' ORDER BY id)) = (SELECT ids FROM serial_actor) AS forced_same
  FROM (SELECT id, members.authorize(action, resource_type, organization_id, owner_id, any_org) AS ok
          FROM rbac_api_checks WHERE subject = '00000000-0000-0000-0000-000000000014') s
 WHERE ok;
SELECT members.check_permissions('{"k": {"object": {"resource_type": "workspace", "organization_id": "0c000000-0000-0000-0000-00000000000c"}, "action": "create"}}') AS forced_check;
COMMIT;

DROP TABLE rbac_api_checks;
SET client_min_messages = warning;
TRUNCATE members.organizations, members.users CASCADE;
RESET client_min_messages;
