-- bench/listing.sql: one size of bench/listing.sh (psql variable rows).
-- Builds app.templates (rows rows, 1,000 organizations, NOT NULL indexed
-- organization_id, rows of an organization spread over the whole table) with
-- the policy USING (members.authorize('read', 'template', organization_id))
-- and prints, side by side in this run, the median of :runs executions of:
--   member of 3 organizations: policy listing vs the hand-written
--     organization_id = ANY(<its organizations>) (goal <= 1.5x), counting
--     rows (count(*): an index-only scan) and reading them (count(name));
--     and the policy without the listing scan (before);
--   site owner: policy listing vs count(*) of the table (goal <= 1.2x);
--   member of all 1,000 organizations: policy listing vs the hand-written
--     query and vs count(*).
\set ON_ERROR_STOP 1
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS app CASCADE;
CREATE SCHEMA app;
GRANT USAGE ON SCHEMA app TO bench_reader;
CREATE TABLE app.templates (id bigint, organization_id uuid NOT NULL, owner_id uuid, name text);
INSERT INTO app.templates
	SELECT i, ('b0000000-0000-0000-0000-' || lpad(to_hex(1 + (hashint8(i) & 1023) % 1000), 12, '0'))::uuid,
		   NULL, 'template ' || i
	  FROM generate_series(1, :rows) i;
CREATE INDEX ON app.templates (organization_id);
VACUUM ANALYZE app.templates;
ALTER TABLE app.templates ENABLE ROW LEVEL SECURITY;
CREATE POLICY templates_read ON app.templates FOR SELECT USING (members.authorize('read', 'template', organization_id));
GRANT SELECT ON app.templates TO bench_reader;
-- warm the table and the index
SELECT count(*) FROM app.templates \gset warm_
SELECT count(*) FROM app.templates WHERE organization_id = 'b0000000-0000-0000-0000-000000000001' \gset warm_

-- The median milliseconds of n executions of q (planning included).
CREATE OR REPLACE FUNCTION public.bench_ms(q text, n int) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE
	t0 timestamptz;
	times numeric[] := '{}';
	r bigint;
BEGIN
	EXECUTE q INTO r;			-- warm-up (subject cache, plan)
	FOR i IN 1..n LOOP
		t0 := clock_timestamp();
		EXECUTE q INTO r;
		times := times || (extract(epoch FROM clock_timestamp() - t0) * 1000)::numeric;
	END LOOP;
	RETURN (SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY x)::numeric, 2) FROM unnest(times) x);
END $$;
GRANT EXECUTE ON FUNCTION public.bench_ms(text, int) TO bench_reader;
CREATE TEMP TABLE results (n int, case_ text, policy_ms numeric, baseline text, baseline_ms numeric, goal text);
GRANT ALL ON results TO bench_reader;

-- hand-written queries (as the table owner: no policy)
SELECT format('SELECT count(*) FROM app.templates WHERE organization_id = ANY(%L)',
			  (SELECT array_agg(organization_id ORDER BY organization_id)
				 FROM members.organization_members WHERE user_id = 'b1000000-0000-0000-0000-000000000003')) AS q3 \gset
SELECT format('SELECT count(*) FROM app.templates WHERE organization_id = ANY(%L)',
			  (SELECT array_agg(organization_id ORDER BY organization_id)
				 FROM members.organization_members WHERE user_id = 'b1000000-0000-0000-0000-000000001000')) AS q1000 \gset
SELECT public.bench_ms(:'q3', :runs) AS hand3 \gset
SELECT public.bench_ms(replace(:'q3', 'count(*)', 'count(name)'), :runs) AS hand3name \gset
SELECT public.bench_ms(:'q1000', :runs) AS hand1000 \gset
SELECT public.bench_ms('SELECT count(*) FROM app.templates', :runs) AS seqcount \gset

SET ROLE bench_reader;
SET members.actor = 'b1000000-0000-0000-0000-000000000003';
SELECT public.bench_ms('SELECT count(*) FROM app.templates', :runs) AS pol3 \gset
SELECT public.bench_ms('SELECT count(name) FROM app.templates', :runs) AS pol3name \gset
SET members.enable_listing_scan = off;
SELECT public.bench_ms('SELECT count(*) FROM app.templates', :runs) AS before3 \gset
RESET members.enable_listing_scan;
SET members.actor = 'b1000000-0000-0000-0000-000000000001';
SELECT public.bench_ms('SELECT count(*) FROM app.templates', :runs) AS polowner \gset
SET members.enable_listing_scan = off;
SELECT public.bench_ms('SELECT count(*) FROM app.templates', :runs) AS beforeowner \gset
RESET members.enable_listing_scan;
SET members.actor = 'b1000000-0000-0000-0000-000000001000';
SELECT public.bench_ms('SELECT count(*) FROM app.templates', :runs) AS pol1000 \gset
-- the plans, once
SET members.actor = 'b1000000-0000-0000-0000-000000000003';
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT count(*) FROM app.templates;
RESET members.actor;
RESET ROLE;

INSERT INTO results VALUES
	(:rows, 'member of 3 orgs', :pol3, 'hand-written = ANY(3 orgs)', :hand3, '<= 1.5'),
	(:rows, 'member of 3 orgs, listing scan off (before)', :before3, 'hand-written = ANY(3 orgs)', :hand3, ''),
	(:rows, 'member of 3 orgs, count(name): rows read', :pol3name, 'hand-written = ANY(3 orgs), count(name)', :hand3name, '<= 1.5'),
	(:rows, 'site owner', :polowner, 'count(*) of the table', :seqcount, '<= 1.2'),
	(:rows, 'site owner, listing scan off (before)', :beforeowner, 'count(*) of the table', :seqcount, ''),
	(:rows, 'member of 1,000 orgs', :pol1000, 'hand-written = ANY(1,000 orgs)', :hand1000, ''),
	(:rows, 'member of 1,000 orgs', :pol1000, 'count(*) of the table', :seqcount, '');
SELECT n AS rows, case_ AS "listing through the policy", policy_ms AS ms, baseline, baseline_ms AS "baseline ms",
	   round(policy_ms / nullif(baseline_ms, 0), 2) AS ratio, goal
  FROM results ORDER BY case_ <> 'member of 3 orgs', case_, baseline;
