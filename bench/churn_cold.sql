-- bench/churn.sh's cold-build figures, in the churn dataset: the first
-- check of a subject right after a committed change to that user (its
-- subject must be built again), one transaction per sample, median and p90
-- in microseconds, and the cache memory for that one subject.
--   1 org:       a member of one organization, no stored role;
--   3 orgs:      a member of three organizations with built-in roles;
--   1,000 orgs:  a member of every organization holding a custom role
--                (three permissions, its own in each organization).
SET client_min_messages = warning;
INSERT INTO members.users (id, username, email) VALUES
	(bench.user_id(30001), 'cold1', 'cold1@example.com'),
	(bench.user_id(30002), 'cold3', 'cold3@example.com'),
	(bench.user_id(30003), 'cold1000', 'cold1000@example.com');
INSERT INTO members.organization_members (organization_id, user_id)
	VALUES (bench.org_of(1, 0), bench.user_id(30001));
INSERT INTO members.organization_members (organization_id, user_id, roles)
	SELECT bench.org_of(2, k), bench.user_id(30002), '{organization-auditor,organization-template-admin}'
	  FROM generate_series(0, 2) k;
INSERT INTO members.custom_roles (name, display_name, organization_id, org_permissions)
	SELECT 'cold-role', 'Cold role', o.id,
	       '[{"negate": false, "resource_type": "template", "action": "read"},
	         {"negate": false, "resource_type": "template", "action": "update"},
	         {"negate": false, "resource_type": "file", "action": "create"}]'
	  FROM members.organizations o;
INSERT INTO members.organization_members (organization_id, user_id, roles)
	SELECT o.id, bench.user_id(30003), '{cold-role}' FROM members.organizations o;
CREATE TABLE bench.cold (label text, us double precision);
CREATE TABLE bench.cold_memory (label text, bytes bigint);

CREATE PROCEDURE bench.cold(n integer, label text, reps integer)
LANGUAGE plpgsql AS $$
DECLARE
	u constant uuid := bench.user_id(n);
	o constant uuid := bench.org_of(1, 0);
	t0 timestamptz;
BEGIN
	FOR i IN 0 .. reps LOOP
		UPDATE members.users SET status = CASE WHEN i % 2 = 0 THEN 'dormant' ELSE 'active' END
		 WHERE id = u;
		COMMIT;
		t0 := clock_timestamp();
		PERFORM members.authorize_user(u, 'read', 'template', o);
		IF i > 0 THEN
			INSERT INTO bench.cold VALUES (label, extract(epoch FROM clock_timestamp() - t0) * 1e6);
		END IF;
		COMMIT;
	END LOOP;
	PERFORM members.subject_cache_clear();
	PERFORM members.authorize_user(u, 'read', 'template', o);
	INSERT INTO bench.cold_memory SELECT label, i.bytes FROM members.subject_cache_info() i;
	COMMIT;
END
$$;
CALL bench.cold(30001, '1 org', 400);
CALL bench.cold(30002, '3 orgs, built-in roles', 400);
CALL bench.cold(30003, '1,000 orgs, a custom role in each', 40);

\pset footer off
SELECT c.label AS subject,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY c.us)::numeric, 1) AS median_us,
       round(percentile_cont(0.9) WITHIN GROUP (ORDER BY c.us)::numeric, 1) AS p90_us,
       min(m.bytes) AS cache_bytes
  FROM bench.cold c JOIN bench.cold_memory m USING (label)
 GROUP BY c.label ORDER BY median_us;
