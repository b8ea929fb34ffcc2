-- bench/churn.sh's dataset: 20,000 users and 1,000 organizations, user n
-- a member of organizations org_of(n, 0..2) (three distinct ones), with
-- ids computed from the numbers so that pgbench scripts can name them.
SET client_min_messages = warning;
CREATE EXTENSION members;
CREATE SCHEMA bench;
CREATE FUNCTION bench.user_id(n int) RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE
	AS $$ SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid $$;
CREATE FUNCTION bench.org_no(n int, k int) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE
	AS $$ SELECT ((n * 7 + k * 331) % 1000) + 1 $$;
CREATE FUNCTION bench.org_of(n int, k int) RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE
	AS $$ SELECT ('00000000-0000-4000-9000-' || lpad(to_hex(bench.org_no(n, k)), 12, '0'))::uuid $$;
INSERT INTO members.organizations (id, name, display_name)
	SELECT ('00000000-0000-4000-9000-' || lpad(to_hex(o), 12, '0'))::uuid, 'org' || o, 'Org ' || o
	  FROM generate_series(1, 1000) o;
INSERT INTO members.users (id, username, email)
	SELECT bench.user_id(n), 'user' || n, 'user' || n || '@example.com'
	  FROM generate_series(1, 20000) n;
INSERT INTO members.organization_members (organization_id, user_id)
	SELECT bench.org_of(n, k), bench.user_id(n)
	  FROM generate_series(1, 20000) n, generate_series(0, 2) k;
VACUUM ANALYZE;
GRANT USAGE ON SCHEMA bench TO PUBLIC;
