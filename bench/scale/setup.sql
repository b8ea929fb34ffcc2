-- bench/scale/setup.sql: the datasets of bench/scale.sh.
-- Run as a superuser in a fresh database with the extension created.
-- Variables: :members (live members of the big organization, 100000) and
-- :orgs (organizations of the multi-organization user, 1000).
--
-- Dataset 1, one big organization: "scale-big" with :members live members,
-- and 100 more whose users are soft-deleted (hidden from every listing and
-- count).  Usernames are mixed-case and unrelated to the ids, so the
-- listing order (lower(username), then id) differs from insertion and id
-- order.  Members carry roles: a tenth one built-in role, a tenth a
-- custom role of the organization (3 custom roles), some both; half have a
-- name, a third an avatar (omitempty fields), a twentieth site roles.
--
-- Dataset 2, one user in many organizations: "scale-multi" is a member of
-- :orgs organizations "scale-org-<n>" with 3 roles in each:
-- organization-user-admin, organization-template-admin and the
-- organization's custom role "scale-custom" (5 organization permissions).
-- Organization :orgs/2 has 20 more custom roles (the assignable-roles
-- listing measured) and 50 other members.
--
-- Acting users: "scale-owner" (site owner, no membership) reads the big
-- organization; "scale-multi" acts in its own organizations.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

CREATE SCHEMA scale;

-- Fixed ids: organizations 0e...-<n>, users 0f...-<n>.
CREATE FUNCTION scale.org(n integer) RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
	$$ SELECT ('0e000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid $$;
CREATE FUNCTION scale.usr(n integer) RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
	$$ SELECT ('0f000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid $$;

-- Organization 0 is the big one; 1..:orgs the multi-organization user's.
CREATE TABLE scale.settings (members integer NOT NULL, orgs integer NOT NULL,
							 big uuid NOT NULL, roles_org uuid NOT NULL,
							 owner uuid NOT NULL, multi uuid NOT NULL);
INSERT INTO scale.settings VALUES (:members, :orgs, scale.org(0), scale.org(:orgs / 2),
								   scale.usr(0), scale.usr(1));

INSERT INTO members.organizations (id, name, display_name)
SELECT scale.org(i), CASE WHEN i = 0 THEN 'scale-big' ELSE 'scale-org-' || i END,
	   CASE WHEN i = 0 THEN 'Scale Big' ELSE 'Scale Org ' || i END
  FROM generate_series(0, :orgs) i;

-- Users: 0 owner, 1 multi, 2..:orgs+1 unused ids, then the big
-- organization's members from 10 000 001 on (deleted ones last).
INSERT INTO members.users (id, username, email, rbac_roles) VALUES
	(scale.usr(0), 'scale-owner', 'scale-owner@example.com', '{owner}'),
	(scale.usr(1), 'scale-multi', 'scale-multi@example.com', '{}');

CREATE TABLE scale.big_users (n integer PRIMARY KEY, id uuid NOT NULL);
INSERT INTO scale.big_users SELECT i, scale.usr(10000000 + i) FROM generate_series(1, :members + 100) i;

INSERT INTO members.users (id, username, email, name, avatar_url, rbac_roles, deleted)
SELECT b.id,
	   -- mixed case; md5 scatters the order
	   CASE WHEN b.n % 3 = 0 THEN upper(substr(md5(b.n::text), 1, 2)) || substr(md5(b.n::text), 3, 8)
			ELSE substr(md5(b.n::text), 1, 10) END || '-' || b.n,
	   'big' || b.n || '@example.com',
	   CASE WHEN b.n % 2 = 0 THEN 'Big User ' || b.n ELSE '' END,
	   CASE WHEN b.n % 3 = 0 THEN 'https://example.com/a/' || b.n || '.png' ELSE '' END,
	   CASE WHEN b.n % 20 = 0 THEN '{auditor}'::text[] WHEN b.n % 31 = 0 THEN '{template-admin,user-admin}' ELSE '{}' END,
	   b.n > :members
  FROM scale.big_users b;

INSERT INTO members.custom_roles (name, display_name, organization_id, org_permissions)
SELECT 'scale-big-' || k, 'Scale Big ' || k, scale.org(0),
	   jsonb_build_array(jsonb_build_object('negate', false, 'resource_type', 'workspace', 'action', 'read'),
						 jsonb_build_object('negate', false, 'resource_type', 'template', 'action', 'read'))
  FROM generate_series(1, 3) k;

INSERT INTO members.organization_members (organization_id, user_id, roles)
SELECT scale.org(0), b.id,
	   (CASE WHEN b.n % 10 = 1 THEN '{organization-admin}'::text[]
			 WHEN b.n % 10 = 2 THEN '{organization-auditor}'
			 ELSE '{}' END)
	   || (CASE WHEN b.n % 10 IN (2, 5) THEN ARRAY['scale-big-' || (b.n % 3 + 1)] ELSE '{}' END)
  FROM scale.big_users b;

-- The multi-organization user: 3 roles in each of :orgs organizations.
INSERT INTO members.custom_roles (name, display_name, organization_id, org_permissions)
SELECT 'scale-custom', 'Scale Custom', scale.org(i),
	   '[{"negate": false, "resource_type": "workspace", "action": "read"},
		 {"negate": false, "resource_type": "workspace", "action": "update"},
		 {"negate": false, "resource_type": "workspace", "action": "start"},
		 {"negate": false, "resource_type": "template", "action": "read"},
		 {"negate": false, "resource_type": "organization_member", "action": "read"}]'
  FROM generate_series(1, :orgs) i;
INSERT INTO members.organization_members (organization_id, user_id, roles)
SELECT scale.org(i), scale.usr(1), '{organization-user-admin,organization-template-admin,scale-custom}'
  FROM generate_series(1, :orgs) i;

-- The organization whose assignable roles are listed: 20 more custom roles
-- and 50 more members (big-organization users).
INSERT INTO members.custom_roles (name, display_name, organization_id, org_permissions)
SELECT 'scale-extra-' || lpad(k::text, 2, '0'), 'Scale Extra ' || k, scale.org(:orgs / 2),
	   jsonb_build_array(jsonb_build_object('negate', false, 'resource_type', 'workspace', 'action', 'read'),
						 jsonb_build_object('negate', false, 'resource_type',
											(ARRAY['template', 'file', 'group', 'audit_log'])[k % 4 + 1],
											'action', 'read'))
  FROM generate_series(1, 20) k;
INSERT INTO members.organization_members (organization_id, user_id, roles)
SELECT scale.org(:orgs / 2), b.id, CASE WHEN b.n % 2 = 0 THEN '{scale-custom}'::text[] ELSE '{}' END
  FROM scale.big_users b WHERE b.n <= 50;

VACUUM ANALYZE;
