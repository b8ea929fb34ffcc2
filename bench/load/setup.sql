-- bench/load/setup.sql: the dataset and helpers of bench/load.sh
-- Run as a superuser in a fresh database with the extension
-- created.  Variables: :norgs organizations, :nusers users.
--
-- Dataset:
--   organizations 1..:norgs (ids load.org(n)), each with a custom role
--     "load-editor" that is never deleted and custom roles
--     "load-pool-1" .. "load-pool-3" that the write mix deletes and creates
--     again (names "load-pool-1" .. "load-pool-6" are in play);
--   users 1..:nusers (ids load.usr(n)): user 1 is a site owner (the usual
--     acting administrator); the others have a few site roles (auditor,
--     user-admin, template-admin) and are members of up to 3 organizations
--     with built-in and custom organization roles (some organization-admin
--     and organization-user-admin, who may change other members of their
--     organization and are refused elsewhere).
--
-- The operations of the pgbench scripts (bench/load/*.pgbench) are the
-- load.* functions below.  Each sets the acting user for its transaction
-- (set_config(..., true), as a superuser may), calls one members.* endpoint
-- and returns 'ok' or the SQLSTATE of an expected refusal (22023, 23505,
-- P0002, 42501), which it also counts in load.outcomes.  Any other error
-- (a deadlock, a foreign-key violation, an internal error) is raised again,
-- which aborts the pgbench client: bench/load/run_load.py then fails.
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

CREATE SCHEMA load;

-- Fixed ids: organizations 0c...-<n>, users 0d...-<n>.
CREATE FUNCTION load.org(n integer) RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
	$$ SELECT ('0c000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid $$;
CREATE FUNCTION load.usr(n integer) RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
	$$ SELECT ('0d000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid $$;

CREATE TABLE load.settings (norgs integer NOT NULL, nusers integer NOT NULL);
INSERT INTO load.settings VALUES (:norgs, :nusers);

INSERT INTO members.organizations (id, name, display_name)
SELECT load.org(i), 'load-org-' || i, 'Load Org ' || i FROM generate_series(1, :norgs) i;

INSERT INTO members.users (id, username, email, name, rbac_roles)
SELECT load.usr(i), 'load-u' || i, 'load-u' || i || '@example.com', 'Load User ' || i,
	   CASE WHEN i = 1 THEN '{owner}'::text[]
			WHEN i % 10 = 0 THEN '{auditor}'
			WHEN i % 10 = 1 THEN '{user-admin}'
			WHEN i % 15 = 0 THEN '{template-admin}'
			ELSE '{}' END
  FROM generate_series(1, :nusers) i;

-- Custom roles: organization permissions only (the owner holds them all).
CREATE TABLE load.custom_role_pool (k integer PRIMARY KEY, name text NOT NULL, perms jsonb NOT NULL);
INSERT INTO load.custom_role_pool VALUES
	(0, 'load-editor', '[{"negate": false, "resource_type": "workspace", "action": "read"},
						 {"negate": false, "resource_type": "workspace", "action": "update"},
						 {"negate": false, "resource_type": "template", "action": "read"}]'),
	(1, 'load-pool-1', '[{"negate": false, "resource_type": "template", "action": "update"}]'),
	(2, 'load-pool-2', '[{"negate": false, "resource_type": "workspace", "action": "delete"},
						 {"negate": false, "resource_type": "workspace", "action": "read"}]'),
	(3, 'load-pool-3', '[{"negate": false, "resource_type": "organization_member", "action": "read"}]'),
	(4, 'load-pool-4', '[{"negate": false, "resource_type": "audit_log", "action": "read"}]'),
	(5, 'load-pool-5', '[{"negate": false, "resource_type": "workspace", "action": "ssh"},
						 {"negate": false, "resource_type": "workspace", "action": "start"}]'),
	(6, 'load-pool-6', '[{"negate": false, "resource_type": "group", "action": "read"}]');
INSERT INTO members.custom_roles (name, display_name, organization_id, org_permissions)
SELECT p.name, initcap(replace(p.name, '-', ' ')), load.org(o), p.perms
  FROM load.custom_role_pool p, generate_series(1, :norgs) o
 WHERE p.k <= 3;

-- Memberships: user i (2..nusers) in organizations (i + k * (2 (i % 7) + 1))
-- mod norgs for k in 0..9, about half of the (user, organization) pairs,
-- where adding and removing random members keeps it; roles in the first 3.
INSERT INTO members.organization_members (organization_id, user_id, roles)
SELECT DISTINCT ON (o, i) load.org(o), load.usr(i),
	   CASE WHEN k >= 3 THEN '{}'::text[]
			WHEN i % 8 = 0 AND k = 0 THEN '{organization-admin}'
			WHEN i % 5 = 0 THEN '{organization-user-admin,load-editor}'
			WHEN i % 6 = 0 THEN '{load-pool-1,load-editor}'
			WHEN i % 7 = 0 THEN '{organization-auditor,load-pool-2}'
			WHEN i % 9 = 0 THEN '{organization-template-admin}'
			ELSE '{}' END
  FROM generate_series(2, :nusers) i, generate_series(0, 9) k,
	   LATERAL (SELECT (i + k * (2 * (i % 7) + 1)) % :norgs + 1) AS v(o)
 ORDER BY o, i, k;

-- (action, resource type) pairs of the registry, for the checks.
CREATE TABLE load.pairs (id integer PRIMARY KEY, action text NOT NULL, resource_type text NOT NULL);
INSERT INTO load.pairs
SELECT row_number() OVER (ORDER BY r.resource_type, a), a, r.resource_type
  FROM members.rbac_resources() r, unnest(r.actions) a;

-- The organization roles the write mixes assign: bit k (0..4) of a mask
-- picks role k; mask >> 5 (0..6) adds custom role load-pool-<n> (n > 0).
CREATE TABLE load.org_role_choices (k integer PRIMARY KEY, name text NOT NULL);
INSERT INTO load.org_role_choices VALUES
	(0, 'organization-admin'), (1, 'organization-auditor'), (2, 'organization-template-admin'),
	(3, 'organization-user-admin'), (4, 'load-editor');
CREATE TABLE load.site_role_choices (k integer PRIMARY KEY, name text NOT NULL);
INSERT INTO load.site_role_choices VALUES (0, 'auditor'), (1, 'template-admin'), (2, 'user-admin');

-- What each operation gave (op, 'ok' or SQLSTATE).  Unlogged, insert-only.
CREATE UNLOGGED TABLE load.outcomes (mix text NOT NULL, op text NOT NULL, result text NOT NULL);

-- The acting user for a write: x in 1..100 picks the site owner (70%),
-- the system (10%: no actor, a superuser acts as the system) or a user
-- (20%: mostly refused, sometimes an organization admin or user admin who
-- may).
CREATE FUNCTION load.actor(x integer, u integer) RETURNS uuid LANGUAGE sql STABLE AS $$
	SELECT CASE WHEN x <= 70 THEN load.usr(1)
				WHEN x <= 80 THEN NULL
				ELSE load.usr(2 + (u * 31 + x) % (s.nusers - 1)) END
	  FROM load.settings s
$$;

CREATE FUNCTION load.set_actor(actor uuid) RETURNS void LANGUAGE sql VOLATILE AS $$
	SELECT set_config('members.actor', coalesce(actor::text, ''), true)
$$;

CREATE FUNCTION load.record(op text, result text) RETURNS text LANGUAGE sql VOLATILE AS $$
	INSERT INTO load.outcomes VALUES (coalesce(current_setting('load.mix', true), ''), op, result)
	RETURNING result
$$;

CREATE FUNCTION load.add_member(x integer, o integer, u integer) RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
	PERFORM load.set_actor(load.actor(x, u));
	PERFORM members.add_organization_member(load.org(o)::text, load.usr(u)::text);
	RETURN load.record('add_member', 'ok');
EXCEPTION WHEN invalid_parameter_value OR unique_violation OR no_data_found OR insufficient_privilege THEN
	RETURN load.record('add_member', SQLSTATE);
END
$$;

CREATE FUNCTION load.remove_member(x integer, o integer, u integer) RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
	PERFORM load.set_actor(load.actor(x, u));
	PERFORM members.remove_organization_member(load.org(o)::text, load.usr(u)::text);
	RETURN load.record('remove_member', 'ok');
EXCEPTION WHEN invalid_parameter_value OR unique_violation OR no_data_found OR insufficient_privilege THEN
	RETURN load.record('remove_member', SQLSTATE);
END
$$;

-- Replace the organization roles of a member of organization o (the first
-- at or after user u) with the roles of mask (load.org_role_choices).
CREATE FUNCTION load.assign_roles(x integer, o integer, u integer, mask integer) RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	target uuid;
BEGIN
	SELECT coalesce(
		(SELECT m.user_id FROM members.organization_members m
		  WHERE m.organization_id = load.org(o) AND m.user_id >= load.usr(u)
		  ORDER BY m.user_id LIMIT 1),
		(SELECT m.user_id FROM members.organization_members m
		  WHERE m.organization_id = load.org(o) ORDER BY m.user_id LIMIT 1),
		load.usr(u)) INTO target;
	PERFORM load.set_actor(load.actor(x, u));
	PERFORM members.update_organization_member_roles(load.org(o)::text, target::text,
		ARRAY(SELECT c.name FROM load.org_role_choices c WHERE mask & (1 << c.k) <> 0
			  UNION ALL SELECT 'load-pool-' || (mask >> 5) WHERE mask >> 5 > 0));
	RETURN load.record('assign_roles', 'ok');
EXCEPTION WHEN invalid_parameter_value OR unique_violation OR no_data_found OR insufficient_privilege THEN
	RETURN load.record('assign_roles', SQLSTATE);
END
$$;

CREATE FUNCTION load.site_roles(x integer, u integer, mask integer) RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
	PERFORM load.set_actor(load.actor(x, u));
	PERFORM members.update_user_site_roles(load.usr(u)::text,
		ARRAY(SELECT c.name FROM load.site_role_choices c WHERE mask & (1 << c.k) <> 0 ORDER BY c.k));
	RETURN load.record('site_roles', 'ok');
EXCEPTION WHEN invalid_parameter_value OR unique_violation OR no_data_found OR insufficient_privilege THEN
	RETURN load.record('site_roles', SQLSTATE);
END
$$;

-- Create custom role "load-pool-<k>" (k in 1..6) in organization o.
CREATE FUNCTION load.create_role(x integer, o integer, k integer) RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	p load.custom_role_pool;
BEGIN
	SELECT * INTO STRICT p FROM load.custom_role_pool WHERE custom_role_pool.k = create_role.k;
	PERFORM load.set_actor(load.actor(x, o * 10 + k));
	PERFORM members.insert_custom_role(load.org(o)::text,
		jsonb_build_object('name', p.name, 'display_name', initcap(replace(p.name, '-', ' ')),
						   'organization_permissions', p.perms));
	RETURN load.record('create_role', 'ok');
EXCEPTION WHEN invalid_parameter_value OR unique_violation OR no_data_found OR insufficient_privilege THEN
	RETURN load.record('create_role', SQLSTATE);
END
$$;

CREATE FUNCTION load.delete_role(x integer, o integer, k integer) RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
	PERFORM load.set_actor(load.actor(x, o * 10 + k));
	PERFORM members.delete_custom_role(load.org(o)::text, 'load-pool-' || k);
	RETURN load.record('delete_role', 'ok');
EXCEPTION WHEN invalid_parameter_value OR unique_violation OR no_data_found OR insufficient_privilege THEN
	RETURN load.record('delete_role', SQLSTATE);
END
$$;

-- The 1% of the check-heavy mix: one role or membership change, picked by
-- kind (1..100): member roles 50%, site roles 20%, add 15%, remove 15%.
CREATE FUNCTION load.change(kind integer, x integer, o integer, u integer, mask integer) RETURNS text
LANGUAGE sql VOLATILE AS $$
	SELECT CASE WHEN kind <= 50 THEN load.assign_roles(x, o, u, mask)
				WHEN kind <= 70 THEN load.site_roles(x, u, mask & 7)
				WHEN kind <= 85 THEN load.add_member(x, o, u)
				ELSE load.remove_member(x, o, u) END
$$;

-- The consistency sample: (user, action, resource type, organization,
-- owner, any_org) checks, fixed by a seed.  Every user appears; a third of
-- the checks are about the user's own objects; a tenth are any_org.
CREATE TABLE load.sample (id integer PRIMARY KEY, usr integer NOT NULL, action text NOT NULL,
						  resource_type text NOT NULL, org uuid, owner uuid, any_org boolean NOT NULL);
SELECT setseed(0.6);
INSERT INTO load.sample
SELECT row_number() OVER (ORDER BY u, j), u, p.action, p.resource_type,
	   CASE WHEN j % 10 = 9 OR j % 7 = 3 THEN NULL ELSE load.org(1 + (random() * (:norgs - 1))::integer) END,
	   CASE WHEN j % 3 = 0 THEN load.usr(u)
			WHEN j % 3 = 1 THEN load.usr(1 + (random() * (:nusers - 1))::integer) END,
	   j % 10 = 9
  FROM generate_series(1, :nusers) u, generate_series(0, 5) j,
	   LATERAL (SELECT * FROM load.pairs ORDER BY random() + u * 0 + j * 0 LIMIT 1) p;

-- The sample's answers in one string ('t'/'f' per check, in id order), by
-- authorize_user and by authorize with the user as the actor.
CREATE FUNCTION load.sample_answers() RETURNS text LANGUAGE plpgsql VOLATILE AS $$
DECLARE
	r load.sample;
	a text := '';
	b text := '';
BEGIN
	FOR r IN SELECT * FROM load.sample ORDER BY id LOOP
		a := a || CASE WHEN members.authorize_user(load.usr(r.usr), r.action, r.resource_type,
												   r.org, r.owner, r.any_org) THEN 't' ELSE 'f' END;
		PERFORM set_config('members.actor', load.usr(r.usr)::text, true);
		b := b || CASE WHEN members.authorize(r.action, r.resource_type, r.org, r.owner, r.any_org)
					   THEN 't' ELSE 'f' END;
	END LOOP;
	PERFORM set_config('members.actor', '', true);
	RETURN a || ' ' || b;
END
$$;

-- The stored-names invariant: rows naming a role that does not exist.
CREATE VIEW load.bad_role_names AS
WITH org_builtin AS (
	SELECT r->>'name' AS name
	  FROM jsonb_array_elements(members.organization_roles(load.org(1)::text)) r
	 WHERE (r->>'built_in')::boolean
	UNION SELECT 'organization-member'
), site_builtin AS (
	SELECT r->>'name' AS name FROM jsonb_array_elements(members.site_roles()) r
	UNION SELECT 'member'
)
SELECT 'organization_members' AS tab, m.organization_id AS org, m.user_id AS usr, n AS name
  FROM members.organization_members m, unnest(m.roles) n
 WHERE n NOT IN (SELECT name FROM org_builtin)
   AND NOT EXISTS (SELECT 1 FROM members.custom_roles c
					WHERE c.organization_id = m.organization_id AND c.name = n)
UNION ALL
SELECT 'users', NULL, u.id, n
  FROM members.users u, unnest(u.rbac_roles) n
 WHERE n NOT IN (SELECT name FROM site_builtin);

ANALYZE;
