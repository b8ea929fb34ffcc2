-- bench/authorize_setup.sql: the datasets of bench/authorize.sh.
--
-- 1,000 organizations; one subject per benchmarked case; a table of
-- :rows objects whose organization and owner vary by row, so that every
-- row calls the function under test with different arguments.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

CREATE EXTENSION members;
CREATE SCHEMA bench;

-- Fixed ids: organizations 0a...-<n>, users 0b...-<n>.
CREATE FUNCTION bench.org(n integer) RETURNS uuid LANGUAGE sql IMMUTABLE AS
	$$ SELECT ('0a000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid $$;
CREATE FUNCTION bench.usr(n integer) RETURNS uuid LANGUAGE sql IMMUTABLE AS
	$$ SELECT ('0b000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid $$;

INSERT INTO members.organizations (id, name, display_name)
SELECT bench.org(i), 'org-' || i, 'Org ' || i FROM generate_series(1, 1000) i;

-- A custom role in organization 1: a few organization permissions.
INSERT INTO members.custom_roles (name, display_name, organization_id, org_permissions)
VALUES ('bench-editor', 'Bench Editor', bench.org(1),
		'[{"negate": false, "resource_type": "workspace", "action": "read"},
		  {"negate": false, "resource_type": "workspace", "action": "update"},
		  {"negate": false, "resource_type": "template", "action": "read"},
		  {"negate": false, "resource_type": "template", "action": "update"},
		  {"negate": true,  "resource_type": "workspace", "action": "delete"}]');

-- The subjects (name, site roles); memberships below.
CREATE TABLE bench.subjects (n integer PRIMARY KEY, label text NOT NULL, id uuid NOT NULL);
INSERT INTO bench.subjects (n, label, id) VALUES
	(1, 'owner',               bench.usr(1)),
	(2, 'organization-admin',  bench.usr(2)),
	(3, 'plain member',        bench.usr(3)),
	(4, '1 org x 3 roles',     bench.usr(4)),
	(5, '1000 orgs x 3 roles', bench.usr(5)),
	(6, 'custom-role holder',  bench.usr(6)),
	(7, '100 orgs x 3 roles',  bench.usr(7)),
	(8, 'bystander',           bench.usr(8));
INSERT INTO members.users (id, username, email, rbac_roles)
SELECT id, 'bench-' || n, 'bench-' || n || '@example.com',
	   CASE WHEN n = 1 THEN '{owner}'::text[] ELSE '{}' END
  FROM bench.subjects;

INSERT INTO members.organization_members (organization_id, user_id, roles) VALUES
	(bench.org(1), bench.usr(2), '{organization-admin}'),
	(bench.org(1), bench.usr(3), '{}'),
	(bench.org(1), bench.usr(4), '{organization-auditor,organization-template-admin,organization-user-admin}'),
	(bench.org(1), bench.usr(6), '{bench-editor}');
INSERT INTO members.organization_members (organization_id, user_id, roles)
SELECT bench.org(i), bench.usr(5),
	   '{organization-auditor,organization-template-admin,organization-user-admin}'
  FROM generate_series(1, 1000) i;
INSERT INTO members.organization_members (organization_id, user_id, roles)
SELECT bench.org(i), bench.usr(7),
	   '{organization-auditor,organization-template-admin,organization-user-admin}'
  FROM generate_series(1, 100) i;

-- The objects: organization i % 1000 + 1, owner one of the 8 subjects.
CREATE TABLE bench.objects (org uuid NOT NULL, owner uuid NOT NULL);
INSERT INTO bench.objects (org, owner)
SELECT bench.org(i % 1000 + 1), bench.usr(i % 8 + 1)
  FROM generate_series(1, :rows) i;
VACUUM (FREEZE, ANALYZE) bench.objects;

-- Timing helpers.  Each runs one query (or one call) as the given actor
-- inside the calling transaction and returns its wall time.
CREATE FUNCTION bench.time_query(q text, actor uuid) RETURNS double precision
LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz;
	n bigint;
BEGIN
	PERFORM set_config('members.actor', coalesce(actor::text, ''), true);
	t0 := clock_timestamp();
	EXECUTE q INTO n;
	RETURN extract(epoch FROM clock_timestamp() - t0) * 1000.0;	-- ms
END
$$;

CREATE TABLE bench.runs (shape text NOT NULL, series text NOT NULL, run integer NOT NULL,
						 ms double precision NOT NULL, floor_ms double precision NOT NULL);
CREATE TABLE bench.first_check (kind text NOT NULL, us double precision NOT NULL);
CREATE TABLE bench.memory (label text NOT NULL, subjects bigint, bytes bigint);
