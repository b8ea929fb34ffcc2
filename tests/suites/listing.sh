#!/usr/bin/env bash
# Authorized listings with random data (docs/rls-index.md): runs
# sql/37_listing.sql again in fresh databases with other seeds, more rows
# and random extra memberships (custom roles with negative permissions,
# organization-workspace-creation-ban, admins, auditors), and checks that
# every listing mode (default plan, sequential scans off, index and bitmap
# scans off, listing scan off, one plan reused for every actor with generic
# and custom plans) shows exactly the rows members.authorize_user allows,
# that the listing scan ran its index child, and that the server did not
# crash.  Needs the cluster of tests/run-all.sh (PGHOST, PGPORT) with the
# extension installed.  Prints "ok - ..." / "not ok - ..." lines.
# MEMBERS_LISTING_ROUNDS (default 3) sets the number of rounds.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/lib/common.sh"
members_suite_needs listing
OUT="${MEMBERS_TEST_OUTPUT:-$ROOT/tests/output}/listing"
rm -rf "$OUT"; mkdir -p "$OUT"
DB=members_listing_suite
rounds=${MEMBERS_LISTING_ROUNDS:-3}
failed=0

psql_q() { "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }
cleanup() { psql_q -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1; }
trap cleanup EXIT

for round in $(seq 1 "$rounds"); do
	seed=$(python3 -c 'import random; print(round(random.uniform(-1, 1), 6))')
	nrows=$(python3 -c 'import random; print(random.choice([500, 2000, 6000]))')
	cleanup
	psql_q -d postgres -c "CREATE DATABASE $DB" >/dev/null || { echo "not ok - listing: create database"; exit 1; }
	# the roles of sql/00_setup.sql, created when missing (they are global)
	psql_q -d "$DB" >/dev/null <<'SQL' || { echo "not ok - listing: setup"; exit 1; }
DO $$BEGIN
	IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'members_service') THEN CREATE ROLE members_service NOLOGIN; END IF;
	IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'members_app') THEN CREATE ROLE members_app LOGIN IN ROLE members_service; END IF;
	IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'members_plain') THEN CREATE ROLE members_plain LOGIN; END IF;
END$$;
CREATE EXTENSION members;
GRANT USAGE ON SCHEMA members TO members_service, members_plain;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA members TO members_service, members_plain;
SQL
	log="$OUT/round$round.out"
	"$PG_BIN/psql" -X -a -d "$DB" -v seed="$seed" -v nrows="$nrows" -v shuffle=1 \
		-f "$ROOT/sql/37_listing.sql" >"$log" 2>&1
	name="round $round (seed $seed, $nrows rows per table)"
	# the differences from the truth: the query's result must be empty
	diffs=$(awk '/^SELECT \* FROM public.listing_diff/{f=1} f&&/rows?\)/{print; exit}' "$log")
	modes=$(awk '/GROUP BY mode ORDER BY mode;/{f=1} f&&/rows?\)/{print; exit}' "$log")
	if [ "$diffs" = "(0 rows)" ] && [ "$modes" = "(12 rows)" ]; then
		echo "ok - listing: $name: 12 listing modes (2 of them rescans) x 7 tables x every actor equal the authorize_user truth"
	else
		echo "not ok - listing: $name: differences from the truth ($log): $diffs / modes $modes"
		failed=1
	fi
	same=$(grep -A5 'AS prepared_equals_truth' "$log" | grep -cE '^ t( |$)')
	notsame=$(grep -A5 'AS prepared_equals_truth' "$log" | grep -cE '^ f( |$)')
	if [ "$same" -eq 6 ] && [ "$notsame" -eq 0 ]; then
		echo "ok - listing: $name: one prepared statement, several actors and a role change: 6 counts equal the truth"
	else
		echo "not ok - listing: $name: prepared statement counts: $same equal, $notsame differ ($log)"
		failed=1
	fi
	if grep -q '| index (n organizations' "$log"; then
		echo "ok - listing: $name: the index child ran"
	else
		echo "not ok - listing: $name: the index child never ran ($log)"
		failed=1
	fi
	# errors other than the ones the file provokes (22023, 28000)
	other=$(grep -E 'ERROR:' "$log" | grep -vcE 'ERROR:  (22023|28000)')
	if [ "$other" -eq 0 ]; then
		echo "ok - listing: $name: no unexpected error"
	else
		echo "not ok - listing: $name: $other unexpected errors ($log)"
		grep -E 'ERROR:' "$log" | grep -vE 'ERROR:  (22023|28000)' | head -5 | sed 's/^/    /'
		failed=1
	fi
done
# Lossy bitmap pages: with the smallest work_mem a bitmap over ~1,500 pages
# keeps whole pages, whose rows are rechecked; the listing must still show
# exactly the rows authorize_user allows, and the original call runs as the
# filter (the member's rows of other owners are removed by it).
cleanup
psql_q -d postgres -c "CREATE DATABASE $DB" >/dev/null
log="$OUT/lossy.out"
psql_q -d "$DB" >"$log" 2>&1 <<'SQL'
SET client_min_messages = warning;
CREATE EXTENSION members;
GRANT USAGE ON SCHEMA members TO members_service;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA members TO members_service;
INSERT INTO members.organizations (id, name, display_name)
	SELECT ('3a000000-0000-0000-0000-00000000000' || i)::uuid, 'lossy-' || i, 'Lossy ' || i FROM generate_series(0, 9) i;
INSERT INTO members.users (id, username, email) VALUES
	('ea000000-0000-0000-0000-000000000001', 'lossy-admin', 'la@example.com'),
	('ea000000-0000-0000-0000-000000000002', 'lossy-member', 'lm@example.com');
INSERT INTO members.organization_members (organization_id, user_id, roles)
	SELECT ('3a000000-0000-0000-0000-00000000000' || i)::uuid, 'ea000000-0000-0000-0000-000000000001', '{organization-admin}'
	  FROM generate_series(0, 4) i;
INSERT INTO members.organization_members (organization_id, user_id, roles)
	SELECT ('3a000000-0000-0000-0000-00000000000' || i)::uuid, 'ea000000-0000-0000-0000-000000000002', '{}'
	  FROM generate_series(3, 7) i;
CREATE SCHEMA lossy;
GRANT USAGE ON SCHEMA lossy TO members_app;
CREATE TABLE lossy.t (id int, organization_id uuid NOT NULL, owner_id uuid);
INSERT INTO lossy.t SELECT i, ('3a000000-0000-0000-0000-00000000000' || (i % 10))::uuid,
		CASE WHEN i % 3 = 0 THEN 'ea000000-0000-0000-0000-000000000002'::uuid END
	  FROM generate_series(1, 250000) i;
CREATE INDEX ON lossy.t (organization_id);
VACUUM ANALYZE lossy.t;
ALTER TABLE lossy.t ENABLE ROW LEVEL SECURITY;
CREATE POLICY p ON lossy.t FOR SELECT USING (members.authorize('read', 'workspace', organization_id, owner_id));
GRANT SELECT ON lossy.t TO members_app;
CREATE TABLE lossy.truth AS
	SELECT u.id AS actor,
		   (SELECT count(*) FROM lossy.t
			 WHERE members.authorize_user(u.id, 'read', 'workspace', organization_id, owner_id)) AS n
	  FROM members.users u WHERE u.id::text LIKE 'ea000000-%';
GRANT SELECT ON lossy.truth TO members_app;
SET ROLE members_app;
SET work_mem = '64kB';
SET enable_seqscan = off;
SET enable_indexscan = off;
SET members.listing_index_fraction = 1;
SET members.actor = 'ea000000-0000-0000-0000-000000000001';
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT count(*) FROM lossy.t;
SELECT 'admin equal: ' || ((SELECT count(*) FROM lossy.t) =
	(SELECT n FROM lossy.truth WHERE actor = 'ea000000-0000-0000-0000-000000000001'));
SET members.actor = 'ea000000-0000-0000-0000-000000000002';
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT count(*) FROM lossy.t;
SELECT 'member equal: ' || ((SELECT count(*) FROM lossy.t) =
	(SELECT n FROM lossy.truth WHERE actor = 'ea000000-0000-0000-0000-000000000002'));
SQL
if grep -q 'lossy=' "$log" && grep -q 'admin equal: true' "$log" && grep -q 'member equal: true' "$log" \
	&& grep -q 'Rows Removed by Filter' "$log" && ! grep -q 'ERROR' "$log"; then
	echo "ok - listing: lossy bitmap pages (work_mem 64kB, 250,000 rows): counts equal the truth, the per-row check ran"
else
	echo "not ok - listing: lossy bitmap pages ($log)"
	failed=1
fi
exit $failed
