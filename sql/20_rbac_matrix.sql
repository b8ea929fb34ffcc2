-- RBAC engine: the full matrix of every built-in role x every resource type
-- x every action, for six object shapes (docs/coder-behaviour.md 2.3, 4.3, 4.5), as Coder's
-- TestRolePermissions does.  The resources and actions come from the
-- registry (members.rbac_resources()), so a resource or action added later
-- changes this output and cannot slip through untested.
--
-- Layout of the matrix: one row per (subject, resource type); one column per
-- object shape; in each column one character per action, in the order of
-- the legend below (action names sorted), 'x' = allowed, '.' = denied.
-- Actions a resource does not list are evaluated like any other (docs/decisions.md),
-- so wildcard permissions show up on them.
--
-- Object shapes (O is the subject's organization, or P for the P rows):
--   a_none      no organization, no owner
--   b_org       in O, no owner
--   c_org_mine  in O, owned by the subject
--   d_org_other in O, owned by another user (a plain member of O and P)
--   e_mine      no organization, owned by the subject
--   f_any_org   any_org (no organization, no owner)
\set VERBOSITY default

-- The registry: 42 resource types, each with its valid actions in Coder's
-- declaration order.
SELECT resource_type, array_to_string(actions, ',') AS actions
  FROM members.rbac_resources()
 ORDER BY resource_type;
SELECT count(DISTINCT r.resource_type) AS resource_types,
       count(DISTINCT a) AS distinct_actions
  FROM members.rbac_resources() r, unnest(r.actions) AS a;

-- The action order of every matrix string: position, action.
SELECT row_number() OVER (ORDER BY a) AS pos, a AS action
  FROM (SELECT DISTINCT unnest(actions) AS a FROM members.rbac_resources()) s
 ORDER BY pos;

-- Fixtures.  O shares workspaces (the default), P does not.
INSERT INTO members.organizations (id, name, display_name, workspace_sharing_disabled) VALUES
	('0a000000-0000-0000-0000-00000000000a', 'org-o', 'O', false),
	('0b000000-0000-0000-0000-00000000000b', 'org-p', 'P', true);
INSERT INTO members.users (id, username, email, rbac_roles) VALUES
	('00000000-0000-0000-0000-000000000001', 'owner', 'owner@example.com', '{owner}'),
	('00000000-0000-0000-0000-000000000002', 'auditor', 'auditor@example.com', '{auditor}'),
	('00000000-0000-0000-0000-000000000003', 'tpl-admin', 'tpl-admin@example.com', '{template-admin}'),
	('00000000-0000-0000-0000-000000000004', 'user-admin', 'user-admin@example.com', '{user-admin}'),
	('00000000-0000-0000-0000-000000000005', 'plain', 'plain@example.com', '{}'),
	('00000000-0000-0000-0000-000000000010', 'o-admin', 'o-admin@example.com', '{}'),
	('00000000-0000-0000-0000-000000000011', 'o-auditor', 'o-auditor@example.com', '{}'),
	('00000000-0000-0000-0000-000000000012', 'o-user-admin', 'o-user-admin@example.com', '{}'),
	('00000000-0000-0000-0000-000000000013', 'o-tpl-admin', 'o-tpl-admin@example.com', '{}'),
	('00000000-0000-0000-0000-000000000014', 'o-ws-ban', 'o-ws-ban@example.com', '{}'),
	('00000000-0000-0000-0000-000000000015', 'o-member', 'o-member@example.com', '{}'),
	('00000000-0000-0000-0000-000000000020', 'p-admin', 'p-admin@example.com', '{}'),
	('00000000-0000-0000-0000-000000000021', 'p-auditor', 'p-auditor@example.com', '{}'),
	('00000000-0000-0000-0000-000000000022', 'p-user-admin', 'p-user-admin@example.com', '{}'),
	('00000000-0000-0000-0000-000000000023', 'p-tpl-admin', 'p-tpl-admin@example.com', '{}'),
	('00000000-0000-0000-0000-000000000024', 'p-ws-ban', 'p-ws-ban@example.com', '{}'),
	('00000000-0000-0000-0000-000000000025', 'p-member', 'p-member@example.com', '{}'),
	('00000000-0000-0000-0000-0000000000ff', 'other', 'other@example.com', '{}');
INSERT INTO members.organization_members (organization_id, user_id, roles) VALUES
	('0a000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-000000000010', '{organization-admin}'),
	('0a000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-000000000011', '{organization-auditor}'),
	('0a000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-000000000012', '{organization-user-admin}'),
	('0a000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-000000000013', '{organization-template-admin}'),
	('0a000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-000000000014', '{organization-workspace-creation-ban}'),
	('0a000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-000000000015', '{}'),
	('0b000000-0000-0000-0000-00000000000b', '00000000-0000-0000-0000-000000000020', '{organization-admin}'),
	('0b000000-0000-0000-0000-00000000000b', '00000000-0000-0000-0000-000000000021', '{organization-auditor}'),
	('0b000000-0000-0000-0000-00000000000b', '00000000-0000-0000-0000-000000000022', '{organization-user-admin}'),
	('0b000000-0000-0000-0000-00000000000b', '00000000-0000-0000-0000-000000000023', '{organization-template-admin}'),
	('0b000000-0000-0000-0000-00000000000b', '00000000-0000-0000-0000-000000000024', '{organization-workspace-creation-ban}'),
	('0b000000-0000-0000-0000-00000000000b', '00000000-0000-0000-0000-000000000025', '{}'),
	('0a000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-0000000000ff', '{}'),
	('0b000000-0000-0000-0000-00000000000b', '00000000-0000-0000-0000-0000000000ff', '{}');

-- The subjects, in matrix order.  Site-role subjects and "plain" belong to
-- no organization; their b/c/d shapes use O.
CREATE TEMP TABLE subj (ord int PRIMARY KEY, label text NOT NULL, user_id uuid NOT NULL, org uuid NOT NULL);
INSERT INTO subj
SELECT row_number() OVER (ORDER BY u.id), u.username, u.id,
       coalesce(m.organization_id, '0a000000-0000-0000-0000-00000000000a')
  FROM members.users u
  LEFT JOIN members.organization_members m ON m.user_id = u.id
 WHERE u.username <> 'other';

-- Who each subject is.
SELECT s.label, u.rbac_roles AS site_roles, o.display_name AS org,
       o.workspace_sharing_disabled AS sharing_disabled, m.roles AS org_roles
  FROM subj s
  JOIN members.users u ON u.id = s.user_id
  LEFT JOIN members.organization_members m ON m.user_id = s.user_id
  LEFT JOIN members.organizations o ON o.id = m.organization_id
 ORDER BY s.ord;

CREATE TEMP VIEW acts AS
	SELECT DISTINCT unnest(actions) AS action FROM members.rbac_resources();

CREATE FUNCTION pg_temp.cell(u uuid, act text, res text, org uuid, owner uuid, any_org boolean)
RETURNS text LANGUAGE sql AS $$
	SELECT CASE WHEN members.authorize_user(u, act, res, org, owner, any_org) THEN 'x' ELSE '.' END
$$;

-- The matrix.
SELECT s.label AS subject, r.resource_type AS resource,
       string_agg(pg_temp.cell(s.user_id, a.action, r.resource_type, NULL, NULL, false), '' ORDER BY a.action) AS a_none,
       string_agg(pg_temp.cell(s.user_id, a.action, r.resource_type, s.org, NULL, false), '' ORDER BY a.action) AS b_org,
       string_agg(pg_temp.cell(s.user_id, a.action, r.resource_type, s.org, s.user_id, false), '' ORDER BY a.action) AS c_org_mine,
       string_agg(pg_temp.cell(s.user_id, a.action, r.resource_type, s.org, '00000000-0000-0000-0000-0000000000ff', false), '' ORDER BY a.action) AS d_org_other,
       string_agg(pg_temp.cell(s.user_id, a.action, r.resource_type, NULL, s.user_id, false), '' ORDER BY a.action) AS e_mine,
       string_agg(pg_temp.cell(s.user_id, a.action, r.resource_type, NULL, NULL, true), '' ORDER BY a.action) AS f_any_org
  FROM subj s CROSS JOIN members.rbac_resources() r CROSS JOIN acts a
 GROUP BY s.ord, s.label, r.resource_type
 ORDER BY s.ord, r.resource_type;

SET client_min_messages = warning;
TRUNCATE members.organizations, members.users CASCADE;
RESET client_min_messages;
