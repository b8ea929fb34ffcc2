#!/usr/bin/env bash
# Upgrade suite: a database installed at 1.0 (members--1.0.sql, kept as
# released), filled with data (tests/upgrade/fill.sql) and given the
# PostgREST roles' grants, then updated with ALTER EXTENSION members UPDATE,
# must equal a fresh install of the current version given the same data and
# grants:
#   - the catalog of everything the extension owns (tests/upgrade/catalog.sql:
#     functions with arguments, volatility, proconfig and ACLs; tables,
#     columns, constraints, indexes, triggers, comments, extconfig);
#   - the data: every row of 1.0's columns is unchanged by the update;
#   - the answers: every permission answer of every user (tests/upgrade/matrix.sql)
#     is the same before and after the update, and the same as the fresh
#     database's; the endpoints' answers (tests/upgrade/answers.sql) equal the
#     fresh database's.
# postgrest/roles.sql is run again after the update, as the README tells
# administrators to.  Needs the cluster of tests/run-all.sh (PGHOST, PGPORT,
# PGUSER=postgres) with the extension installed.  Prints "ok - ..." /
# "not ok - ..." lines; the differences go to $MEMBERS_TEST_OUTPUT/upgrade/.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
U="$ROOT/tests/upgrade"
OUT="${MEMBERS_TEST_OUTPUT:-$ROOT/tests/output}/upgrade"
rm -rf "$OUT"; mkdir -p "$OUT"
UP=members_upgrade_updated
FRESH=members_upgrade_fresh
failed=0

if [ -z "${PGHOST:-}" ] || [ -z "${PGPORT:-}" ]; then
	echo "not ok - upgrade: PGHOST and PGPORT must point at a running cluster"
	exit 1
fi
psql_db() { local db=$1; shift; psql -X -q -v ON_ERROR_STOP=1 -d "$db" "$@"; }
drop_dbs() {
	for db in $UP $FRESH; do
		psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1
	done
}
trap drop_dbs EXIT
# check NAME FILE-A FILE-B: equal files pass; otherwise the diff is kept
check() {
	local name=$1 a=$2 b=$3
	if [ ! -s "$a" ] || [ ! -s "$b" ] || grep -q 'ERROR:' "$a" "$b"; then
		echo "not ok - upgrade: $name (no output or an error: see $OUT)"
		failed=1
	elif diff -u "$a" "$b" >"$OUT/$name.diff"; then
		echo "ok - upgrade: $name ($(wc -l <"$a") lines equal)"
		rm -f "$OUT/$name.diff"
	else
		echo "not ok - upgrade: $name differs ($OUT/$name.diff):"
		head -40 "$OUT/$name.diff" | sed 's/^/    /'
		failed=1
	fi
}
step() {
	local name=$1; shift
	if "$@" >"$OUT/$name.log" 2>&1; then
		echo "ok - upgrade: $name"
	else
		echo "not ok - upgrade: $name (see $OUT/$name.log)"
		sed 's/^/    /' "$OUT/$name.log" | head -20
		drop_dbs
		exit 1
	fi
}

drop_dbs
current=$(sed -n "s/^default_version = '\(.*\)'/\1/p" "$ROOT/members.control")

# The database that starts at 1.0.
step "install 1.0, PostgREST grants and data" bash -c "
	createdb $UP &&
	psql -X -q -v ON_ERROR_STOP=1 -d $UP -c \"CREATE EXTENSION members VERSION '1.0'\" &&
	psql -X -q -v ON_ERROR_STOP=1 -d $UP -f '$ROOT/postgrest/roles.sql' &&
	psql -X -q -v ON_ERROR_STOP=1 -d $UP -f '$U/fill.sql'"
psql_db $UP -f "$U/data.sql" >"$OUT/data-before.txt"
psql_db $UP -f "$U/matrix.sql" >"$OUT/matrix-before.txt"
step "ALTER EXTENSION members UPDATE (1.0 to $current)" bash -c "
	psql -X -q -v ON_ERROR_STOP=1 -d $UP -c 'ALTER EXTENSION members UPDATE' &&
	test \"\$(psql -X -At -d $UP -c \"SELECT extversion FROM pg_extension WHERE extname = 'members'\")\" = '$current' &&
	psql -X -q -v ON_ERROR_STOP=1 -d $UP -f '$ROOT/postgrest/roles.sql'"

# The fresh install.
step "fresh install of $current, PostgREST grants and data" bash -c "
	createdb $FRESH &&
	psql -X -q -v ON_ERROR_STOP=1 -d $FRESH -c 'CREATE EXTENSION members' &&
	psql -X -q -v ON_ERROR_STOP=1 -d $FRESH -f '$ROOT/postgrest/roles.sql' &&
	psql -X -q -v ON_ERROR_STOP=1 -d $FRESH -f '$U/fill.sql'"

for db in $UP $FRESH; do
	psql_db $db -f "$U/catalog.sql" >"$OUT/catalog-$db.txt" 2>&1
	psql_db $db -f "$U/matrix.sql" >"$OUT/matrix-$db.txt" 2>&1
	psql_db $db -f "$U/answers.sql" >"$OUT/answers-$db.txt" 2>&1
done
psql_db $UP -f "$U/data.sql" >"$OUT/data-after.txt" 2>&1

check catalog "$OUT/catalog-$UP.txt" "$OUT/catalog-$FRESH.txt"
check data "$OUT/data-before.txt" "$OUT/data-after.txt"
check "permission answers before and after the update" "$OUT/matrix-before.txt" "$OUT/matrix-$UP.txt"
check "permission answers, updated and fresh" "$OUT/matrix-$UP.txt" "$OUT/matrix-$FRESH.txt"
check "endpoint answers, updated and fresh" "$OUT/answers-$UP.txt" "$OUT/answers-$FRESH.txt"

# The check can fail: a catalog that differs by one function setting is seen.
psql_db $UP -c "ALTER FUNCTION members.site_roles() SET work_mem = '1MB'" >/dev/null 2>&1
psql_db $UP -f "$U/catalog.sql" >"$OUT/catalog-tampered.txt" 2>&1
if diff -q "$OUT/catalog-tampered.txt" "$OUT/catalog-$FRESH.txt" >/dev/null; then
	echo "not ok - upgrade: the catalog comparison misses a changed function setting"
	failed=1
else
	echo "ok - upgrade: the catalog comparison sees a changed function setting"
fi
exit $failed
