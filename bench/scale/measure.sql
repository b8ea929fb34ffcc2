-- bench/scale/measure.sql: the measurements of bench/scale.sh.
-- Variable :runs (timed runs per measurement, after one warm-up run).
--
-- Each measurement runs the members function and its bare query
-- (bench/scale/bare.sql) back to back in every run, alternating which goes
-- first, and keeps the per-run ratio; the tables give medians.  Before
-- timing, the function's JSON is compared with the bare query's (equal
-- JSON is a correctness check recorded in scale.checks).
\set ON_ERROR_STOP 1
SET scale.runs = :runs;
SET jit = off;

-- The built-in part of the assignable-roles listing, as the function gives
-- it to the multi-organization user (see scale.bare_roles).
DO $$
DECLARE
	s scale.settings;
	j jsonb;
BEGIN
	SELECT * INTO s FROM scale.settings;
	PERFORM set_config('members.actor', s.multi::text, true);
	j := members.organization_roles(s.roles_org::text);
	INSERT INTO scale.builtin_roles
	SELECT s.roles_org,
		   (SELECT jsonb_agg(r ORDER BY o) FROM jsonb_array_elements(j) WITH ORDINALITY e(r, o)
			 WHERE (r->>'built_in')::boolean),
		   coalesce((SELECT (r->>'assignable')::boolean FROM jsonb_array_elements(j) r
					  WHERE NOT (r->>'built_in')::boolean LIMIT 1), false);
END
$$;

CREATE TABLE scale.listings (id integer PRIMARY KEY, what text NOT NULL, f text NOT NULL,
							 b text NOT NULL, actor uuid NOT NULL);
INSERT INTO scale.listings
SELECT 1, format('member list (members.organization_members), %s members', s.members),
	   format('SELECT members.organization_members(%L)', s.big), format('SELECT scale.bare_members(%L)', s.big), s.owner
  FROM scale.settings s
UNION ALL
SELECT 2, 'page of 50 at offset 0 (members.paginated_organization_members)',
	   format('SELECT members.paginated_organization_members(%L, 50, 0)', s.big),
	   format('SELECT scale.bare_page(%L, 50, 0)', s.big), s.owner
  FROM scale.settings s
UNION ALL
SELECT 3, format('page of 50 at offset %s', s.members / 2),
	   format('SELECT members.paginated_organization_members(%L, 50, %s)', s.big, s.members / 2),
	   format('SELECT scale.bare_page(%L, 50, %s)', s.big, s.members / 2), s.owner
  FROM scale.settings s
UNION ALL
SELECT 4, format('last page of 50 (offset %s)', s.members - 50),
	   format('SELECT members.paginated_organization_members(%L, 50, %s)', s.big, s.members - 50),
	   format('SELECT scale.bare_page(%L, 50, %s)', s.big, s.members - 50), s.owner
  FROM scale.settings s
UNION ALL
SELECT 5, format('assignable roles (members.organization_roles), as the %s-organization user, %s custom roles',
				 s.orgs, (SELECT count(*) FROM members.custom_roles c WHERE c.organization_id = s.roles_org)),
	   format('SELECT members.organization_roles(%L)', s.roles_org),
	   format('SELECT scale.bare_roles(%L)', s.roles_org), s.multi
  FROM scale.settings s;

-- 1. Correctness first: the function's JSON equals the bare query's.
INSERT INTO scale.checks (ok, what)
SELECT scale.same_json(l.f, l.b, l.actor),
	   'scale: ' || l.what || ': the function''s JSON equals the bare query''s'
  FROM scale.listings l ORDER BY l.id;
INSERT INTO scale.checks (ok, what)
SELECT (members.paginated_organization_members(s.big::text, 50, s.members))::text
		   = format('{"count": %s, "members": []}', s.members),
	   'scale: a page past the end is {"members": [], "count": ' || s.members || '}'
  FROM scale.settings s;

-- 2. Listings: function and bare query in each run (ms).
DO $$
DECLARE
	l scale.listings;
	fms double precision;
	bms double precision;
BEGIN
	FOR r IN 0 .. current_setting('scale.runs')::integer LOOP
		FOR l IN SELECT * FROM scale.listings ORDER BY id LOOP
			IF r % 2 = 0 THEN
				fms := scale.time_query(l.f, l.actor);
				bms := scale.time_query(l.b, l.actor);
			ELSE
				bms := scale.time_query(l.b, l.actor);
				fms := scale.time_query(l.f, l.actor);
			END IF;
			IF r > 0 THEN
				INSERT INTO scale.runs VALUES (l.id, l.what, r, fms, bms);
			END IF;
		END LOOP;
	END LOOP;
END
$$;

-- 3. Checks as the multi-organization user in one of its organizations,
--    and as a member of the big organization (us per call):
--    warm: 2,000 calls of members.authorize against 2,000 runs of the bare
--          primary-key query for the user's row and membership;
--    cold: the first call after members.subject_cache_clear() against the
--          three queries that build the subject, median of 50 samples.
DO $$
DECLARE
	s scale.settings;
	member uuid;
	f double precision;
	b double precision;
BEGIN
	SELECT * INTO s FROM scale.settings;
	SELECT id INTO member FROM scale.big_users WHERE n = 7;
	PERFORM scale.make_bare_check(s.multi, s.roles_org);
	FOR r IN 0 .. current_setting('scale.runs')::integer LOOP
		b := scale.loop_bare_check(2000);
		f := scale.loop_authorize(2000, s.multi, s.roles_org);
		IF r > 0 THEN
			INSERT INTO scale.runs VALUES (6, format('check (members.authorize), warm, the %s-organization user (us)', s.orgs), r, f, b);
		END IF;
		f := scale.cold_authorize(50, s.multi, s.roles_org);
		b := scale.cold_bare(50, s.multi, s.roles_org);
		IF r > 0 THEN
			INSERT INTO scale.runs VALUES (7, format('check, cold (first after a cache clear), the %s-organization user (us)', s.orgs), r, f, b);
		END IF;
		f := scale.cold_authorize(50, member, s.big);
		b := scale.cold_bare(50, member, s.big);
		IF r > 0 THEN
			INSERT INTO scale.runs VALUES (8, 'check, cold, a member of the big organization only (us)', r, f, b);
		END IF;
	END LOOP;
END
$$;

\echo
\echo 'Scale: each members function against a bare indexed query for the same rows (bench/scale/bare.sql), same run; medians of' :runs 'runs'
SELECT id AS "#", what AS "measurement",
	   round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 3) AS "members",
	   round(percentile_cont(0.5) WITHIN GROUP (ORDER BY bare_ms)::numeric, 3) AS "bare query",
	   round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms / bare_ms)::numeric, 2) AS "ratio",
	   round(min(ms / bare_ms)::numeric, 2) || '-' || round(max(ms / bare_ms)::numeric, 2) AS "ratio range",
	   CASE WHEN id <= 5 THEN 'ms' ELSE 'us' END AS unit,
	   CASE WHEN percentile_cont(0.5) WITHIN GROUP (ORDER BY ms / bare_ms) <= 2 THEN 'met' ELSE 'over 2x' END AS "target <= 2x"
  FROM scale.runs GROUP BY id, what ORDER BY id;
