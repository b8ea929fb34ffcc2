#!/usr/bin/env bash
# bench/authorize.sh: how fast is members.authorize?
#
# Run as root from anywhere: bench/authorize.sh [rows] [runs]
#   rows  rows of the scanned table (default 1000000)
#   runs  repetitions of each warm query; the median is reported (default 5)
#
# Installs what is missing, builds and installs the extension, starts a
# throwaway PostgreSQL 15 cluster (always stopped on exit), builds the
# datasets (bench/authorize_setup.sql) and measures (bench/authorize_measure.sql):
#   - warm checks: SELECT count(*) over every row of a table whose
#     organization and owner vary by row, calling members.authorize(...,
#     org, owner) as each subject (owner, organization-admin, plain member,
#     a member of 1 and of 1,000 organizations with 3 roles each, a
#     custom-role holder), against the same query calling the built-in
#     uuid_eq(org, owner) (the floor), in the same run, without parallel
#     workers or JIT;
#   - the first check after an invalidation (cache clear, committed change)
#     for members of 1, 100 and 1,000 organizations, one call at a time;
#   - the subject cache's memory for those subjects.
# Every number is measured in this run; compare ratios, not absolute times.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/tests/lib/common.sh"

ROWS=${1:-1000000}
RUNS=${2:-5}
REPS=1000

members_install_deps
members_build_install "$ROOT"
trap members_cluster_stop EXIT
members_cluster_start "max_parallel_workers_per_gather = 0" "jit = off" \
	"shared_buffers = 256MB" "autovacuum = off"

PSQL=("$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -d bench)
"$PG_BIN/createdb" bench

log "building datasets ($ROWS rows)"
t0=$(date +%s)
"${PSQL[@]}" -v rows="$ROWS" -f "$ROOT/bench/authorize_setup.sql"
log "datasets built in $(( $(date +%s) - t0 )) s; measuring ($RUNS runs)"

echo "members.authorize benchmark: $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs, $ROWS rows, $RUNS runs"
echo "server: $("$PG_BIN/psql" -X -At -d bench -c 'SELECT version()')"
"${PSQL[@]}" -v runs="$RUNS" -v reps="$REPS" -f "$ROOT/bench/authorize_measure.sql"
log "done in $(( $(date +%s) - t0 )) s"
