#!/usr/bin/env bash
# bench/scale.sh: does members hold at scale? 
#
# Run as root from anywhere: bench/scale.sh
#   SCALE_MEMBERS  members of the big organization (default 100000)
#   SCALE_ORGS     organizations of the multi-organization user (default 1000)
#   SCALE_RUNS     timed runs per measurement, after one warm-up (default 5)
#   SCALE_SWEEP    distinct users checked per cache setting (default 20000)
#   SCALE_DB       database to use (default members_scale; made again at the
#                  start, dropped at the end unless SCALE_KEEP_DB is set)
#
# Without PGHOST: installs what is missing, builds and installs the
# extension, starts a throwaway PostgreSQL 15 cluster (tests/lib/common.sh;
# no parallel workers or JIT, so both sides of a ratio run alike) and stops
# it on exit.  With PGHOST set (the test command's cluster, for
# tests/suites/reliability_scale.sh): uses that cluster as PGUSER, a
# superuser, with the extension already installed.
#
# Builds the two datasets (bench/scale/setup.sql: one organization with
# SCALE_MEMBERS members; one user in SCALE_ORGS organizations with 3 roles
# in each), then measures (bench/scale/measure.sql) the member list, pages
# of 50 at offsets 0, SCALE_MEMBERS/2 and the last page, the assignable-roles
# list and a check, each against a bare indexed query for the same rows run
# in the same script (bench/scale/bare.sql), and prints both times and their
# ratio (target <= 2x, printed, never asserted); then the subject cache's
# memory per backend and its bounds (bench/scale/memory.sql).  Prints
# "ok - ..." / "not ok - ..." lines for the correctness checks (the
# function's JSON equals the bare query's; the cache never holds more
# subjects or memory than its bounds, and pg_backend_memory_contexts agrees
# with members.subject_cache_info()) and exits non-zero if one fails.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/tests/lib/common.sh"

MEMBERS=${SCALE_MEMBERS:-100000}
ORGS=${SCALE_ORGS:-1000}
RUNS=${SCALE_RUNS:-5}
SWEEP=${SCALE_SWEEP:-20000}
DB=${SCALE_DB:-members_scale}

members_bench_setup "$DB" SCALE_KEEP_DB "max_parallel_workers_per_gather = 0" "jit = off" \
	"shared_buffers = 256MB" "autovacuum = off" || exit 1
PSQL=("$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$DB")
# the same planner settings on both sides of every ratio, whatever the cluster
"$PG_BIN/psql" -X -q -d postgres -c "ALTER DATABASE \"$DB\" SET max_parallel_workers_per_gather = 0" \
	-c "ALTER DATABASE \"$DB\" SET jit = off" >/dev/null || exit 1

echo "members scale benchmark: $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs, $MEMBERS members, $ORGS organizations, $RUNS runs"
echo "server: $("$PG_BIN/psql" -X -At -d "$DB" -c 'SELECT version()')"
t0=$(date +%s)
"${PSQL[@]}" -c 'CREATE EXTENSION members' || exit 1
if "${PSQL[@]}" -v members="$MEMBERS" -v orgs="$ORGS" -f "$ROOT/bench/scale/setup.sql" >/dev/null &&
	"${PSQL[@]}" -f "$ROOT/bench/scale/bare.sql" >/dev/null; then
	echo "ok - scale: datasets built in $(( $(date +%s) - t0 )) s: one organization with $MEMBERS members, one user in $ORGS organizations with 3 roles each ($("$PG_BIN/psql" -X -At -d "$DB" -c \
		'SELECT count(*) FROM members.users') users, $("$PG_BIN/psql" -X -At -d "$DB" -c \
		'SELECT count(*) FROM members.organization_members') memberships)"
else
	echo "not ok - scale: datasets (bench/scale/setup.sql, bench/scale/bare.sql)"
	exit 1
fi

log "measuring ($RUNS runs)"
t1=$(date +%s)
rc=0
"${PSQL[@]}" -v runs="$RUNS" -f "$ROOT/bench/scale/measure.sql" || { echo "not ok - scale: bench/scale/measure.sql failed"; rc=1; }
log "measured in $(( $(date +%s) - t1 )) s; cache memory ($SWEEP users per setting)"
t1=$(date +%s)
"${PSQL[@]}" -v sweep="$SWEEP" -f "$ROOT/bench/scale/memory.sql" || { echo "not ok - scale: bench/scale/memory.sql failed"; rc=1; }
log "memory measured in $(( $(date +%s) - t1 )) s"

# A bound given before the library loads (here ALTER DATABASE ... SET; also
# postgresql.conf, ALTER ROLE, an earlier SET) is kept when it loads and holds.
"$PG_BIN/psql" -X -q -d postgres -c "ALTER DATABASE \"$DB\" SET members.subject_cache_size = 50" >/dev/null &&
"$PG_BIN/psql" -X -q -d "$DB" -v ON_ERROR_STOP=1 >/dev/null 2>"${TMPDIR:-/tmp}/members-scale-preload.$$" <<'SQL' || rc=1
SELECT count(*) FROM scale.big_users b, scale.settings s
 WHERE b.n <= 200 AND members.authorize_user(b.id, 'read', 'workspace', s.big, b.id) IS NOT NULL;
INSERT INTO scale.checks (ok, what)
SELECT current_setting('members.subject_cache_size') = '50' AND c.subjects <= 50 AND c.subjects > 0,
	   format('scale: a size bound set before the library loads (ALTER DATABASE ... SET members.subject_cache_size = 50) '
			  'is kept when it loads (now %s) and holds: %s subjects cached after 200 distinct checks',
			  current_setting('members.subject_cache_size'), c.subjects)
  FROM members.subject_cache_info() c;
SQL
if grep -q WARNING "${TMPDIR:-/tmp}/members-scale-preload.$$"; then
	echo "not ok - scale: loading the library warned about a members.* setting given before it loaded: $(head -2 "${TMPDIR:-/tmp}/members-scale-preload.$$" | tr '\n' ' ')"
	rc=1
fi
rm -f "${TMPDIR:-/tmp}/members-scale-preload.$$"
"$PG_BIN/psql" -X -q -d postgres -c "ALTER DATABASE \"$DB\" RESET members.subject_cache_size" >/dev/null

echo
"$PG_BIN/psql" -X -At -d "$DB" -c \
	"SELECT CASE WHEN ok THEN 'ok' ELSE 'not ok' END || ' - ' || what FROM scale.checks ORDER BY id" \
	>"${TMPDIR:-/tmp}/members-scale-checks.$$" 2>&1 || { echo "not ok - scale: could not read the checks"; rc=1; }
cat "${TMPDIR:-/tmp}/members-scale-checks.$$"
failed=$(grep -c '^not ok' "${TMPDIR:-/tmp}/members-scale-checks.$$" || true)
total=$(grep -c '^ok' "${TMPDIR:-/tmp}/members-scale-checks.$$" || true)
rm -f "${TMPDIR:-/tmp}/members-scale-checks.$$"
log "scale benchmark done in $(( $(date +%s) - t0 )) s"
[ "$rc" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$total" -gt 0 ]
