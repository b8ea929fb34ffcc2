-- bench/authorize_measure.sql: the measurements of bench/authorize.sh.
-- Variables: :runs (repetitions per series), :reps (first-check samples).
\set ON_ERROR_STOP 1
SET bench.runs = :runs;
SET bench.reps = :reps;
SET max_parallel_workers_per_gather = 0;
SET jit = off;

-- 1. Warm checks: one query over every row of bench.objects calling the
--    function once per row with that row's organization and owner, in two
--    shapes, each against its floor (the same query calling the built-in
--    uuid_eq(org, owner)):
--      eval    WHERE f(...) IS NULL: every row calls f and no row reaches
--              the aggregate, so the time does not depend on how many rows
--              a subject may see (the cost of the check itself);
--      filter  WHERE f(...): the row-level-security shape; rows that pass
--              also pay for count(*).
--    Each subject query runs right after its floor query, so that each
--    run gives a ratio measured under the same machine conditions; :runs
--    runs after one warm-up round; medians are reported.
DO $$
DECLARE
	shapes constant text[] := ARRAY['eval', 'filter'];
	s record;
	shape text;
	fq text;
	q text;
	fms double precision;
	ms double precision;
BEGIN
	FOR r IN 0 .. current_setting('bench.runs')::integer LOOP
		FOREACH shape IN ARRAY shapes LOOP
			fq := 'SELECT count(*) FROM bench.objects WHERE uuid_eq(org, owner)'
				|| CASE shape WHEN 'eval' THEN ' IS NULL' ELSE '' END;
			q := 'SELECT count(*) FROM bench.objects '
				'WHERE members.authorize(''read'', ''workspace'', org, owner)'
				|| CASE shape WHEN 'eval' THEN ' IS NULL' ELSE '' END;
			FOR s IN SELECT * FROM bench.subjects WHERE n <= 6 ORDER BY n LOOP
				fms := bench.time_query(fq, NULL);
				ms := bench.time_query(q, s.id);
				IF r > 0 THEN
					INSERT INTO bench.runs VALUES (shape, s.label, r, ms, fms);
				END IF;
			END LOOP;
		END LOOP;
	END LOOP;
END
$$;

-- 2. The first check after an invalidation, one call at a time.
--    (a) after members.subject_cache_clear(), in one statement;
--    (b) after a committed change to the user (the change log names it:
--        its subject, and only it, is built again), one transaction per
--        sample;
--    and, for reference, the same single call with a warm cache.
DO $$
DECLARE
	o constant uuid := bench.org(1);
	t0 timestamptz;
	s record;
BEGIN
	FOR s IN SELECT * FROM bench.subjects WHERE n IN (4, 5, 7) ORDER BY n LOOP
		PERFORM set_config('members.actor', s.id::text, true);
		PERFORM members.authorize('read', 'workspace', o, s.id);
		FOR i IN 1 .. current_setting('bench.reps')::integer LOOP
			t0 := clock_timestamp();
			PERFORM members.authorize('read', 'workspace', o, s.id);
			INSERT INTO bench.first_check VALUES ('warm call, ' || s.label,
				extract(epoch FROM clock_timestamp() - t0) * 1e6);
		END LOOP;
		FOR i IN 1 .. current_setting('bench.reps')::integer LOOP
			PERFORM members.subject_cache_clear();
			t0 := clock_timestamp();
			PERFORM members.authorize('read', 'workspace', o, s.id);
			INSERT INTO bench.first_check VALUES ('after cache clear, ' || s.label,
				extract(epoch FROM clock_timestamp() - t0) * 1e6);
		END LOOP;
	END LOOP;
END
$$;

CREATE PROCEDURE bench.after_commit(subject integer, reps integer)
LANGUAGE plpgsql AS $$
DECLARE
	o constant uuid := bench.org(1);
	u uuid;
	label text;
	t0 timestamptz;
	us double precision;
BEGIN
	SELECT id, s.label INTO u, label FROM bench.subjects s WHERE n = subject;
	FOR i IN 1 .. reps LOOP
		-- a change to this user that the change log names (the implied
		-- "member" stored or not: the same permissions), so that its
		-- subject, and only it, is built again
		UPDATE members.users SET rbac_roles = CASE WHEN i % 2 = 0 THEN '{}' ELSE '{member}' END::text[]
		 WHERE id = u;
		COMMIT;
		PERFORM set_config('members.actor', u::text, true);
		t0 := clock_timestamp();
		PERFORM members.authorize('read', 'workspace', o, u);
		us := extract(epoch FROM clock_timestamp() - t0) * 1e6;
		INSERT INTO bench.first_check VALUES ('after a committed change to the user, ' || label, us);
		COMMIT;
	END LOOP;
END
$$;
CALL bench.after_commit(7, current_setting('bench.reps')::integer / 4);
CALL bench.after_commit(5, current_setting('bench.reps')::integer / 4);

-- 3. Memory of the cache holding one subject.
DO $$
DECLARE
	s record;
BEGIN
	FOR s IN SELECT * FROM bench.subjects WHERE n IN (4, 5, 7) ORDER BY n LOOP
		PERFORM members.subject_cache_clear();
		PERFORM set_config('members.actor', s.id::text, true);
		PERFORM members.authorize('read', 'workspace', bench.org(1), s.id);
		INSERT INTO bench.memory SELECT s.label, i.subjects, i.bytes FROM members.subject_cache_info() i;
		PERFORM members.authorize('read', 'workspace', NULL, s.id, true);
		INSERT INTO bench.memory SELECT s.label || ', after an any_org check', i.subjects, i.bytes
		  FROM members.subject_cache_info() i;
	END LOOP;
END
$$;

-- Results.
\echo
\echo Warm checks: one query over every row, median of :runs runs, against the floor of the same shape measured in the same runs
\echo '  eval:   SELECT count(*) FROM bench.objects WHERE members.authorize(''read'', ''workspace'', org, owner) IS NULL'
\echo '  filter: SELECT count(*) FROM bench.objects WHERE members.authorize(''read'', ''workspace'', org, owner)'
\echo '  floor:  the same query with uuid_eq(org, owner); actor set with set_config(''members.actor'', ..., true)'
WITH med AS (
	SELECT shape, series,
		   percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS ms,
		   percentile_cont(0.5) WITHIN GROUP (ORDER BY floor_ms) AS floor_ms,
		   percentile_cont(0.5) WITHIN GROUP (ORDER BY ms / floor_ms) AS ratio,
		   percentile_cont(0.5) WITHIN GROUP (ORDER BY ms - floor_ms) AS over,
		   (max(ms / floor_ms) - min(ms / floor_ms)) / percentile_cont(0.5) WITHIN GROUP (ORDER BY ms / floor_ms) AS spread
	  FROM bench.runs GROUP BY shape, series
), n AS (
	SELECT count(*) AS rows FROM bench.objects
), fl AS (
	SELECT shape, percentile_cont(0.5) WITHIN GROUP (ORDER BY floor_ms) AS ms
	  FROM bench.runs GROUP BY shape
), t AS (
	SELECT e.series, e.ms, e.ratio, e.over, e.spread, f.ms AS filter_ms, f.ratio AS filter_ratio,
		   (SELECT s.n FROM bench.subjects s WHERE s.label = e.series) AS n
	  FROM med e JOIN med f ON f.series = e.series AND f.shape = 'filter'
	 WHERE e.shape = 'eval'
	UNION ALL
	SELECT 'floor: uuid_eq(org, owner)', e.ms, 1, NULL, NULL, f.ms, 1, 0
	  FROM fl e JOIN fl f ON f.shape = 'filter' WHERE e.shape = 'eval'
)
SELECT t.series AS "function called per row",
	   round(t.ms::numeric, 1) AS "eval ms",
	   round((t.ms * 1e6 / n.rows)::numeric, 1) AS "ns/row",
	   round((n.rows / (t.ms / 1000))::numeric / 1e6, 2) AS "M checks/s",
	   round((t.over * 1e6 / n.rows)::numeric, 1) AS "ns over floor",
	   round(t.ratio::numeric, 2) AS "eval x floor",
	   round((t.spread * 100)::numeric, 0) AS "ratio spread %",
	   round(t.filter_ms::numeric, 1) AS "filter ms",
	   round(t.filter_ratio::numeric, 2) AS "filter x floor"
  FROM t, n
 ORDER BY t.n;

\echo Single calls in microseconds: :reps samples per line, a quarter of that after a committed change
SELECT kind AS "call",
	   count(*) AS samples,
	   round(percentile_cont(0.5) WITHIN GROUP (ORDER BY us)::numeric, 1) AS "median us",
	   round(percentile_cont(0.99) WITHIN GROUP (ORDER BY us)::numeric, 1) AS "p99 us",
	   round(max(us)::numeric, 1) AS "max us"
  FROM bench.first_check
 GROUP BY kind
 ORDER BY min(ctid);

\echo 'Subject cache memory (members.subject_cache_info() with one subject cached)'
SELECT label AS "subject", subjects, bytes, pg_size_pretty(bytes) AS size FROM bench.memory;

\echo 'Targets (warm checks: eval shape, median of the per-run ratios)'
WITH med AS (
	SELECT shape, series,
		   percentile_cont(0.5) WITHIN GROUP (ORDER BY ms / floor_ms) AS ratio,
		   percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS ms
	  FROM bench.runs GROUP BY shape, series
), fc AS (
	SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY us) AS med,
		   percentile_cont(0.99) WITHIN GROUP (ORDER BY us) AS p99
	  FROM bench.first_check WHERE kind LIKE 'after%100 orgs%'
)
SELECT 'warm check within 3x the floor (worst subject)' AS target,
	   round(max(ratio)::numeric, 2)::text || 'x' AS measured,
	   CASE WHEN max(ratio) <= 3 THEN 'met' ELSE 'MISSED' END AS result
  FROM med WHERE shape = 'eval'
UNION ALL
SELECT '1000-org member within 1.5x of the 1-org member (floor-normalised)',
	   round((a.ratio / b.ratio)::numeric, 2)::text || 'x',
	   CASE WHEN a.ratio / b.ratio <= 1.5 THEN 'met' ELSE 'MISSED' END
  FROM med a JOIN med b USING (shape)
 WHERE a.shape = 'eval' AND a.series = '1000 orgs x 3 roles' AND b.series = '1 org x 3 roles'
UNION ALL
SELECT 'first check after invalidation, 100 orgs, under 1 ms (median / p99)',
	   round(fc.med::numeric, 0)::text || ' / ' || round(fc.p99::numeric, 0)::text || ' us',
	   CASE WHEN fc.p99 < 1000 THEN 'met' WHEN fc.med < 1000 THEN 'met (median), p99 over' ELSE 'MISSED' END
  FROM fc;
