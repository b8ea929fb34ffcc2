-- RBAC engine: the policy rules of docs/coder-behaviour.md 2.3, one case per consequence, plus
-- nil uuids, soft-deleted organizations and soft-deleted users.
--
-- Each case states the answer the spec gives ("expected") next to the
-- engine's answer ("allowed"); the last query of each block lists the cases
-- where they differ (none).
\set VERBOSITY sqlstate

-- Organizations: O and Q active, G soft-deleted.
INSERT INTO members.organizations (id, name, display_name, deleted) VALUES
	('0a000000-0000-0000-0000-00000000000a', 'org-o', 'O', false),
	('0c000000-0000-0000-0000-00000000000c', 'org-q', 'Q', false),
	('0d000000-0000-0000-0000-00000000000d', 'org-g', 'G', true);
-- A custom role of O that denies everything at organization level, stored
-- directly (the API refuses negative permissions; the engine honours them).
INSERT INTO members.custom_roles (name, display_name, organization_id, org_permissions) VALUES
	('deny-all', 'Deny all', '0a000000-0000-0000-0000-00000000000a',
	 '[{"negate": true, "resource_type": "*", "action": "*"}]');
INSERT INTO members.users (id, username, email, rbac_roles, deleted) VALUES
	('00000000-0000-0000-0000-000000000001', 'owner', 'owner@example.com', '{owner}', false),
	('00000000-0000-0000-0000-000000000002', 'auditor', 'auditor@example.com', '{auditor}', false),
	('00000000-0000-0000-0000-000000000005', 'plain', 'plain@example.com', '{}', false),
	('00000000-0000-0000-0000-000000000010', 'o-admin', 'o-admin@example.com', '{}', false),
	('00000000-0000-0000-0000-000000000014', 'o-ban', 'o-ban@example.com', '{}', false),
	('00000000-0000-0000-0000-000000000015', 'o-member', 'o-member@example.com', '{}', false),
	('00000000-0000-0000-0000-000000000016', 'o-admin-ban', 'o-admin-ban@example.com', '{}', false),
	('00000000-0000-0000-0000-000000000017', 'ban-o-admin-q', 'ban-o-admin-q@example.com', '{}', false),
	('00000000-0000-0000-0000-000000000018', 'ban-o-member-q', 'ban-o-member-q@example.com', '{}', false),
	('00000000-0000-0000-0000-000000000019', 'g-admin', 'g-admin@example.com', '{}', false),
	('00000000-0000-0000-0000-00000000001f', 'gone-owner', 'gone-owner@example.com', '{owner}', true),
	('00000000-0000-0000-0000-0000000000ff', 'other', 'other@example.com', '{}', false);
INSERT INTO members.organization_members (organization_id, user_id, roles) VALUES
	('0a000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-000000000001', '{deny-all,organization-workspace-creation-ban}'),
	('0a000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-000000000002', '{deny-all}'),
	('0a000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-000000000010', '{organization-admin}'),
	('0a000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-000000000014', '{organization-workspace-creation-ban}'),
	('0a000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-000000000015', '{}'),
	('0a000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-000000000016', '{organization-admin,organization-workspace-creation-ban}'),
	('0a000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-000000000017', '{organization-workspace-creation-ban}'),
	('0c000000-0000-0000-0000-00000000000c', '00000000-0000-0000-0000-000000000017', '{organization-admin}'),
	('0a000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-000000000018', '{organization-workspace-creation-ban}'),
	('0c000000-0000-0000-0000-00000000000c', '00000000-0000-0000-0000-000000000018', '{}'),
	('0d000000-0000-0000-0000-00000000000d', '00000000-0000-0000-0000-000000000019', '{organization-admin}'),
	('0a000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-00000000001f', '{}'),
	('0a000000-0000-0000-0000-00000000000a', '00000000-0000-0000-0000-0000000000ff', '{}');

-- Cases: subject and owner by username, organization by display name ('-'
-- for none, 'nil' for the nil uuid).
CREATE TEMP TABLE cases (
	n int PRIMARY KEY, rule text, subject text, action text, resource text,
	org text, owner text, any_org boolean, expected boolean);
CREATE FUNCTION pg_temp.org_id(o text) RETURNS uuid LANGUAGE sql AS $$
	SELECT CASE o WHEN '-' THEN NULL WHEN 'nil' THEN '00000000-0000-0000-0000-000000000000'::uuid
	       ELSE (SELECT id FROM members.organizations WHERE display_name = o) END
$$;
CREATE FUNCTION pg_temp.user_id(u text) RETURNS uuid LANGUAGE sql AS $$
	SELECT CASE u WHEN '-' THEN NULL WHEN 'nil' THEN '00000000-0000-0000-0000-000000000000'::uuid
	       ELSE (SELECT id FROM members.users WHERE username = u) END
$$;
CREATE VIEW pg_temp.results AS
	SELECT n, rule, subject, action || ' ' || resource AS check,
	       'org=' || org || ' owner=' || owner || CASE WHEN any_org THEN ' any_org' ELSE '' END AS object,
	       expected,
	       members.authorize_user(pg_temp.user_id(subject), action, resource,
	                              pg_temp.org_id(org), pg_temp.user_id(owner), any_org) AS allowed
	  FROM cases;

INSERT INTO cases VALUES
-- 1. A site-level positive wins over organization and member negatives.
--    (User- and member-level negatives cannot be built: no built-in role
--    has one and custom roles hold organization permissions only; the
--    organization-level deny-all is the strongest negative there is.)
	(101, 'site + beats org -', 'owner', 'read', 'template', 'O', '-', false, true),
	(102, 'site + beats org -', 'owner', 'create', 'workspace', 'O', 'owner', false, true),
	(103, 'site + beats org -', 'owner', 'read', 'template', '-', '-', true, true),
	(104, 'site + beats org -', 'auditor', 'read', 'template', 'O', '-', false, true),
	(105, 'site + beats org -', 'auditor', 'update', 'template', 'O', 'auditor', false, false),
	(106, 'org deny-all blocks member level', 'auditor', 'read', 'api_key', 'O', 'auditor', false, false),
-- 2. A site-level negative would block every level.  No built-in role has a
--    site negative and custom roles cannot hold site permissions (table
--    constraint custom_roles_only_org_permissions, and the engine reads
--    only org_permissions), so no subject can have one.
-- 3. An organization negative blocks the member level in that org: the
--    workspace-creation ban against organization-member's member-level
--    workspace:*, and against organization-admin's org-level create.
	(301, 'org - blocks member +', 'o-ban', 'create', 'workspace', 'O', 'o-ban', false, false),
	(302, 'org - blocks member +', 'o-ban', 'delete', 'workspace', 'O', 'o-ban', false, false),
	(303, 'org - blocks member +', 'o-ban', 'create_agent', 'workspace', 'O', 'o-ban', false, false),
	(304, 'org - blocks member +', 'o-ban', 'delete_agent', 'workspace', 'O', 'o-ban', false, false),
	(305, 'ban leaves other actions', 'o-ban', 'start', 'workspace', 'O', 'o-ban', false, true),
	(306, 'ban leaves other actions', 'o-ban', 'ssh', 'workspace', 'O', 'o-ban', false, true),
	(307, 'control: no ban', 'o-member', 'create', 'workspace', 'O', 'o-member', false, true),
	(308, 'org - beats org + (pooled)', 'o-admin-ban', 'create', 'workspace', 'O', '-', false, false),
	(309, 'org - beats org + (pooled)', 'o-admin-ban', 'create', 'workspace', 'O', 'o-admin-ban', false, false),
	(310, 'ban leaves other actions', 'o-admin-ban', 'update', 'workspace', 'O', '-', false, true),
	(311, 'control: no ban', 'o-admin', 'create', 'workspace', 'O', '-', false, true),
	(312, 'ban is per org', 'ban-o-admin-q', 'create', 'workspace', 'Q', '-', false, true),
	(313, 'ban is per org', 'ban-o-admin-q', 'create', 'workspace', 'O', 'ban-o-admin-q', false, false),
-- 4. User-level permissions (member's user:*) apply only to objects owned
--    by the subject with no organization and not any_org.
	(401, 'user level: own, no org', 'plain', 'read', 'template', '-', 'plain', false, true),
	(402, 'user level: not with an org', 'plain', 'read', 'template', 'O', 'plain', false, false),
	(403, 'user level: not with any_org', 'plain', 'read', 'template', '-', 'plain', true, false),
	(404, 'user level: not for others', 'plain', 'read', 'template', '-', 'other', false, false),
	(405, 'user level: own, no org', 'o-member', 'read_personal', 'user', '-', 'o-member', false, true),
	(406, 'user level: not with an org', 'o-member', 'read_personal', 'user', 'O', 'o-member', false, false),
	(407, 'user level: not with any_org', 'o-member', 'read_personal', 'user', '-', 'o-member', true, false),
-- 5. Member-level permissions apply only to objects in an org of the
--    subject that the subject owns (organization-member's workspace:*).
	(501, 'member level: own, in org', 'o-member', 'read', 'workspace', 'O', 'o-member', false, true),
	(502, 'member level: not without owner', 'o-member', 'read', 'workspace', 'O', '-', false, false),
	(503, 'member level: not for others', 'o-member', 'read', 'workspace', 'O', 'other', false, false),
	(504, 'member level: not without org', 'o-member', 'read', 'workspace', '-', 'o-member', false, false),
	(505, 'member level: any_org, own', 'o-member', 'read', 'workspace', '-', 'o-member', true, true),
	(506, 'member level: any_org, no owner', 'o-member', 'read', 'workspace', '-', '-', true, false),
-- 6. Not a member of the object's org: nothing from org or member levels.
	(601, 'non-member: no org level', 'o-admin', 'read', 'template', 'Q', '-', false, false),
	(602, 'non-member: no member level', 'o-admin', 'read', 'template', 'Q', 'o-admin', false, false),
	(603, 'non-member: no member level', 'plain', 'read', 'workspace', 'O', 'plain', false, false),
	(604, 'non-member: site still counts', 'o-admin', 'read', 'user', 'Q', '-', false, true),
	(605, 'control: member', 'o-admin', 'read', 'template', 'O', '-', false, true),
-- 7. Objects with neither owner nor org: only site permissions grant.
--    organization-admin's license:* (org level) is inert there.
	(701, 'no org no owner: org perms inert', 'o-admin', 'read', 'license', '-', '-', false, false),
	(702, 'no org no owner: org perms inert', 'o-admin', 'update', 'deployment_config', '-', '-', false, false),
	(703, 'same type in the org', 'o-admin', 'read', 'license', 'O', '-', false, true),
	(704, 'no org no owner: site grants', 'auditor', 'read', 'deployment_config', '-', '-', false, true),
	(705, 'no org no owner: site grants', 'o-admin', 'read', 'user', '-', '-', false, true),
	(706, 'no org no owner: member user:* inert', 'plain', 'read', 'license', '-', '-', false, false),
-- 8. any_org: the org and member votes are the maxima over the subject's
--    organizations (-1 in O and +1 in Q gives +1).
	(801, 'any_org: max(-1, +1) = +1', 'ban-o-admin-q', 'create', 'workspace', '-', '-', true, true),
	(802, 'any_org: max(-1) = -1', 'o-admin-ban', 'create', 'workspace', '-', '-', true, false),
	(803, 'any_org: max(-1) blocks member', 'o-ban', 'create', 'workspace', '-', 'o-ban', true, false),
	(804, 'any_org: org max(-1,0)=0, member +1', 'ban-o-member-q', 'create', 'workspace', '-', 'ban-o-member-q', true, true),
	(805, 'any_org: org max(-1,0)=0, no owner', 'ban-o-member-q', 'create', 'workspace', '-', '-', true, false),
	(806, 'any_org: no orgs', 'plain', 'read', 'organization', '-', '-', true, false),
	(807, 'any_org: one org grants', 'o-member', 'read', 'organization', '-', '-', true, true),
-- 9. The nil uuid as organization or owner means "none".
	(901, 'nil org = no org', 'plain', 'read', 'template', 'nil', 'plain', false, true),
	(902, 'nil org = no org', 'o-admin', 'read', 'license', 'nil', '-', false, false),
	(903, 'nil org with any_org is fine', 'o-member', 'read', 'organization', 'nil', '-', true, true),
	(904, 'nil owner = no owner', 'o-member', 'read', 'workspace', 'O', 'nil', false, false),
	(905, 'nil owner = no owner', 'plain', 'read', 'template', '-', 'nil', false, false),
-- 10. A soft-deleted organization grants nothing, not even the site-level
--     user:read that organization-admin carries.
	(1001, 'deleted org: no org level', 'g-admin', 'read', 'template', 'G', '-', false, false),
	(1002, 'deleted org: no member level', 'g-admin', 'read', 'workspace', 'G', 'g-admin', false, false),
	(1003, 'deleted org: not in any_org', 'g-admin', 'read', 'template', '-', '-', true, false),
	(1004, 'deleted org: no site user:read', 'g-admin', 'read', 'user', '-', '-', false, false),
	(1005, 'deleted org: user level remains', 'g-admin', 'read', 'template', '-', 'g-admin', false, true),
	(1006, 'object in a deleted org: site grants', 'owner', 'read', 'template', 'G', '-', false, true);

SELECT * FROM pg_temp.results ORDER BY n;
SELECT n, rule FROM pg_temp.results WHERE allowed IS DISTINCT FROM expected ORDER BY n;

-- 11. A soft-deleted user is no subject: P0002, even an owner; an unknown
--     user likewise.  As the owner of an object a deleted user's id is just
--     an id.
SELECT members.authorize_user(pg_temp.user_id('gone-owner'), 'read', 'template');
SELECT members.authorize_user('00000000-0000-0000-0000-0000000000ee', 'read', 'template');
SELECT members.authorize_user(pg_temp.user_id('o-member'), 'read', 'workspace',
       pg_temp.org_id('O'), pg_temp.user_id('gone-owner')) AS other_owner_deleted;
-- Undeleting restores the subject (the change invalidates the cache).
UPDATE members.users SET deleted = false WHERE username = 'gone-owner';
SELECT members.authorize_user(pg_temp.user_id('gone-owner'), 'read', 'template') AS undeleted;
UPDATE members.users SET deleted = true WHERE username = 'gone-owner';
SELECT members.authorize_user(pg_temp.user_id('gone-owner'), 'read', 'template');

-- 12. Undeleting organization G brings its roles back, deleting O takes them
--     away, in the same session (statement-level invalidation).
UPDATE members.organizations SET deleted = false WHERE display_name = 'G';
SELECT members.authorize_user(pg_temp.user_id('g-admin'), 'read', 'template', pg_temp.org_id('G')) AS g_restored,
       members.authorize_user(pg_temp.user_id('g-admin'), 'read', 'user') AS site_user_read_back;
BEGIN;
UPDATE members.organizations SET deleted = true WHERE display_name = 'O';
SELECT members.authorize_user(pg_temp.user_id('o-admin'), 'read', 'template', pg_temp.org_id('O')) AS o_admin_in_deleted_o,
       members.authorize_user(pg_temp.user_id('o-member'), 'read', 'organization', NULL, NULL, true) AS o_member_any_org;
ROLLBACK;
SELECT members.authorize_user(pg_temp.user_id('o-admin'), 'read', 'template', pg_temp.org_id('O')) AS o_admin_after_rollback;

SET client_min_messages = warning;
TRUNCATE members.organizations, members.users CASCADE;
RESET client_min_messages;
