-- bench/scale/bare.sql: the bare-query baselines of bench/scale.sh and the
-- timing helpers.  Each baseline is plain SQL over the same indexed tables,
-- joined the same way, returning the same rows aggregated to JSON with the
-- same fields (bench/scale/measure.sql checks that the JSON is equal).  The
-- listings run as plain SQL planned for their arguments (EXECUTE), as a
-- client's statement is; the members functions plan their page and count
-- queries for each call too (src/endpoints_read.c).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;

-- RFC 3339 in UTC with Go's trimming of fractional zeros.
CREATE FUNCTION scale.ts(t timestamptz) RETURNS text LANGUAGE sql STABLE AS $$
	SELECT rtrim(rtrim(to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), '0'), '.') || 'Z'
$$;

-- Display names of the roles a listing can show (site built-ins, and the
-- big organization's built-in and custom roles), as a lookup table.
CREATE TABLE scale.role_names (scope text NOT NULL, name text NOT NULL, display_name text NOT NULL,
							   PRIMARY KEY (scope, name));
INSERT INTO scale.role_names
SELECT 'site', r->>'name', r->>'display_name' FROM jsonb_array_elements(members.site_roles()) r
UNION ALL
SELECT 'org', r->>'name', r->>'display_name'
  FROM jsonb_array_elements(members.organization_roles((SELECT big::text FROM scale.settings))) r;
INSERT INTO scale.role_names VALUES ('site', 'member', 'Member'), ('org', 'organization-member', '');
ANALYZE scale.role_names;

-- GET /organizations/{org}/members, bare: every live member ordered by
-- lower(username), id.
CREATE FUNCTION scale.bare_members(org uuid) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
DECLARE
	result jsonb;
BEGIN
	EXECUTE $q$
		SELECT coalesce(jsonb_agg(
				   jsonb_build_object(
					   'username', u.username, 'email', u.email,
					   'global_roles', CASE WHEN cardinality(u.rbac_roles) = 0 THEN '[]'::jsonb ELSE
						   (SELECT jsonb_agg(jsonb_build_object('name', r.n, 'display_name', coalesce(d.display_name, ''))
											 ORDER BY r.i)
							  FROM unnest(u.rbac_roles) WITH ORDINALITY r(n, i)
							  LEFT JOIN scale.role_names d ON d.scope = 'site' AND d.name = r.n) END,
					   'user_id', m.user_id, 'organization_id', m.organization_id,
					   'created_at', scale.ts(m.created_at), 'updated_at', scale.ts(m.updated_at),
					   'roles', CASE WHEN cardinality(m.roles) = 0 THEN '[]'::jsonb ELSE
						   (SELECT jsonb_agg(jsonb_build_object('name', r.n, 'display_name', coalesce(d.display_name, ''),
																'organization_id', m.organization_id) ORDER BY r.i)
							  FROM unnest(m.roles) WITH ORDINALITY r(n, i)
							  LEFT JOIN scale.role_names d ON d.scope = 'org' AND d.name = r.n) END)
				   || CASE WHEN u.name <> '' THEN jsonb_build_object('name', u.name) ELSE '{}' END
				   || CASE WHEN u.avatar_url <> '' THEN jsonb_build_object('avatar_url', u.avatar_url) ELSE '{}' END
				   ORDER BY lower(u.username), u.id), '[]')
		  FROM members.organization_members m
		  JOIN members.users u ON u.id = m.user_id
		 WHERE m.organization_id = $1 AND NOT u.deleted
	$q$ INTO result USING org;
	RETURN result;
END
$$;

-- GET /organizations/{org}/paginated-members?limit=&offset=, bare: the
-- plain SELECT ... ORDER BY lower(username), id LIMIT lim OFFSET off over
-- the same join, its rows aggregated to JSON with the same fields, and the
-- count of the same join.
CREATE FUNCTION scale.bare_page(org uuid, lim integer, off integer) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
DECLARE
	result jsonb;
BEGIN
	EXECUTE $q$
	SELECT jsonb_build_object(
		'members', (
			SELECT coalesce(jsonb_agg(
					   jsonb_build_object(
						   'username', p.username, 'email', p.email,
						   'global_roles', CASE WHEN cardinality(p.rbac_roles) = 0 THEN '[]'::jsonb ELSE
							   (SELECT jsonb_agg(jsonb_build_object('name', r.n, 'display_name', coalesce(d.display_name, ''))
												 ORDER BY r.i)
								  FROM unnest(p.rbac_roles) WITH ORDINALITY r(n, i)
								  LEFT JOIN scale.role_names d ON d.scope = 'site' AND d.name = r.n) END,
						   'user_id', p.user_id, 'organization_id', p.organization_id,
						   'created_at', scale.ts(p.created_at), 'updated_at', scale.ts(p.updated_at),
						   'roles', CASE WHEN cardinality(p.roles) = 0 THEN '[]'::jsonb ELSE
							   (SELECT jsonb_agg(jsonb_build_object('name', r.n, 'display_name', coalesce(d.display_name, ''),
																	'organization_id', p.organization_id) ORDER BY r.i)
								  FROM unnest(p.roles) WITH ORDINALITY r(n, i)
								  LEFT JOIN scale.role_names d ON d.scope = 'org' AND d.name = r.n) END)
					   || CASE WHEN p.name <> '' THEN jsonb_build_object('name', p.name) ELSE '{}' END
					   || CASE WHEN p.avatar_url <> '' THEN jsonb_build_object('avatar_url', p.avatar_url) ELSE '{}' END
					   ORDER BY p.k, p.id), '[]')
			  FROM (SELECT lower(u.username) AS k, u.id, u.username, u.name, u.avatar_url, u.email, u.rbac_roles,
						   m.user_id, m.organization_id, m.created_at, m.updated_at, m.roles
					  FROM members.organization_members m
					  JOIN members.users u ON u.id = m.user_id
					 WHERE m.organization_id = $1 AND NOT u.deleted
					 ORDER BY lower(u.username), u.id
					 LIMIT $2 OFFSET $3) p),
		'count', (SELECT count(*)
					FROM members.organization_members m
					JOIN members.users u ON u.id = m.user_id
				   WHERE m.organization_id = $1 AND NOT u.deleted))
	$q$ INTO result USING org, lim, off;
	RETURN result;
END
$$;

-- GET /organizations/{org}/members/roles, bare: the organization's custom
-- roles (the only stored rows of the listing) with the same fields, after
-- the built-in roles, which are not rows of any table: their JSON, as the
-- function gave it to the same actor, is a constant here
-- (scale.builtin_roles, filled by measure.sql), and so is the custom roles'
-- "assignable".
CREATE TABLE scale.builtin_roles (org uuid PRIMARY KEY, roles jsonb NOT NULL, custom_assignable boolean NOT NULL);
CREATE FUNCTION scale.bare_roles(org_id uuid) RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN (
		SELECT b.roles || coalesce((
			SELECT jsonb_agg(jsonb_build_object(
					   'name', c.name, 'organization_id', c.organization_id, 'display_name', c.display_name,
					   'site_permissions', c.site_permissions, 'user_permissions', c.user_permissions,
					   'organization_permissions', c.org_permissions,
					   'organization_member_permissions', NULL,
					   'assignable', b.custom_assignable, 'built_in', false)
					   ORDER BY c.name COLLATE "C")
			  FROM members.custom_roles c WHERE c.organization_id = org_id), '[]')
		  FROM scale.builtin_roles b WHERE b.org = org_id);
END
$$;

-- A warm check's bare query: the rows a check is about (the user's row and
-- its membership of the organization), by primary key.  The user and the
-- organization are literals in the generated function (made by
-- scale.make_bare_check), so the cached plan is the one for those values:
-- with parameters, the generic plan that the plan cache adopts reads the
-- membership through organization_members_user_id_idx and filters every
-- membership of the user (about 80 us instead of 5 us for a user in 1,000
-- organizations; see bench/RESULTS-reliability.md).
CREATE FUNCTION scale.make_bare_check(usr uuid, org uuid) RETURNS void LANGUAGE plpgsql AS $f$
BEGIN
	EXECUTE format($q$
		CREATE FUNCTION scale.loop_bare_check(n integer) RETURNS double precision
		LANGUAGE plpgsql AS $$
		DECLARE
			t0 timestamptz := clock_timestamp();
			site text[];
			orgr text[];
		BEGIN
			FOR i IN 1 .. n LOOP
				SELECT u.rbac_roles, m.roles INTO site, orgr
				  FROM members.users u
				  LEFT JOIN members.organization_members m
					ON m.organization_id = %L::uuid AND m.user_id = u.id
				 WHERE u.id = %L::uuid AND NOT u.deleted AND u.status = 'active';
			END LOOP;
			RETURN extract(epoch FROM clock_timestamp() - t0) * 1e6 / n;		-- us per call
		END
		$$ $q$, org, usr);
END
$f$;

-- The same loop calling members.authorize as the actor (warm cache).
CREATE FUNCTION scale.loop_authorize(n integer, usr uuid, org uuid) RETURNS double precision
LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz;
	ok boolean;
BEGIN
	PERFORM set_config('members.actor', usr::text, true);
	ok := members.authorize('read', 'workspace', org, usr);	-- warm up
	t0 := clock_timestamp();
	FOR i IN 1 .. n LOOP
		ok := members.authorize('read', 'workspace', org, usr);
	END LOOP;
	RETURN extract(epoch FROM clock_timestamp() - t0) * 1e6 / n;
END
$$;

-- A cold check (first after the cache was emptied), one call at a time,
-- median over n samples; and its bare query: the three queries that build
-- a subject (the user; the custom roles its memberships name; its
-- memberships of live organizations), every row fetched.
CREATE FUNCTION scale.cold_authorize(n integer, usr uuid, org uuid) RETURNS double precision
LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz;
	ok boolean;
	samples double precision[] := '{}';
BEGIN
	PERFORM set_config('members.actor', usr::text, true);
	FOR i IN 1 .. n LOOP
		PERFORM members.subject_cache_clear();
		t0 := clock_timestamp();
		ok := members.authorize('read', 'workspace', org, usr);
		samples := samples || extract(epoch FROM clock_timestamp() - t0) * 1e6;
	END LOOP;
	RETURN (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY s) FROM unnest(samples) s);
END
$$;

CREATE TYPE scale.custom_row AS (organization_id uuid, name text, display_name text, org_permissions jsonb);
CREATE TYPE scale.membership_row AS (organization_id uuid, roles text[], workspace_sharing_disabled boolean);
CREATE FUNCTION scale.cold_bare(n integer, usr uuid, org uuid) RETURNS double precision
LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz;
	u record;
	customs scale.custom_row[];
	orgs scale.membership_row[];
	samples double precision[] := '{}';
BEGIN
	FOR i IN 1 .. n LOOP
		t0 := clock_timestamp();
		SELECT x.status, x.deleted, x.rbac_roles INTO u FROM members.users x WHERE x.id = usr;
		SELECT array_agg(ROW(c.organization_id, c.name, c.display_name, c.org_permissions)::scale.custom_row)
		  INTO customs
		  FROM members.custom_roles c
		  JOIN members.organization_members m
			ON m.organization_id = c.organization_id AND c.name = ANY (m.roles)
		 WHERE m.user_id = usr;
		SELECT array_agg(ROW(m.organization_id, m.roles, o.workspace_sharing_disabled)::scale.membership_row
						 ORDER BY m.organization_id)
		  INTO orgs
		  FROM members.organization_members m
		  JOIN members.organizations o ON o.id = m.organization_id
		 WHERE m.user_id = usr AND NOT o.deleted;
		samples := samples || extract(epoch FROM clock_timestamp() - t0) * 1e6;
	END LOOP;
	RETURN (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY s) FROM unnest(samples) s);
END
$$;

-- Time one query returning jsonb (ms), as the given actor, in the caller's
-- transaction.
CREATE FUNCTION scale.time_query(q text, actor uuid) RETURNS double precision
LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz;
	v jsonb;
BEGIN
	PERFORM set_config('members.actor', coalesce(actor::text, ''), true);
	t0 := clock_timestamp();
	EXECUTE q INTO v;
	RETURN extract(epoch FROM clock_timestamp() - t0) * 1000.0;
END
$$;

-- Does the function's JSON equal the bare query's?
CREATE FUNCTION scale.same_json(f text, b text, actor uuid) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
	x jsonb;
	y jsonb;
BEGIN
	PERFORM set_config('members.actor', coalesce(actor::text, ''), true);
	EXECUTE f INTO x;
	EXECUTE b INTO y;
	RETURN x = y;
END
$$;

CREATE TABLE scale.runs (id integer NOT NULL, what text NOT NULL, run integer NOT NULL,
						 ms double precision NOT NULL, bare_ms double precision NOT NULL);
CREATE TABLE scale.checks (id serial PRIMARY KEY, ok boolean NOT NULL, what text NOT NULL);
