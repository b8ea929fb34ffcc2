#!/usr/bin/env bash
# bench/load.sh: does members hold under concurrent load? 
#
# Run as root from anywhere: bench/load.sh
#   LOAD_SECONDS  seconds per mix (default 60)
#   LOAD_DB       database to use (default members_load; dropped and made
#                 again at the start, dropped at the end)
#   LOAD_ORGS, LOAD_USERS  dataset size (default 20 organizations, 400 users)
#   LOAD_OUT      where pgbench's per-transaction logs go (default a new
#                 directory under /tmp, or $MEMBERS_TEST_OUTPUT/load)
#
# Without PGHOST: installs what is missing, builds and installs the
# extension, starts a throwaway PostgreSQL 15 cluster (tests/lib/common.sh)
# and stops it on exit.  With PGHOST set (the test command's cluster, for
# tests/suites/reliability_load.sh): uses that cluster as PGUSER, which must
# be a superuser, with the extension already installed.
#
# Builds the dataset (bench/load/setup.sql), then bench/load/run_load.py runs
# the two mixes with pgbench -c 2 -j 2 -T $LOAD_SECONDS (check-heavy: 99%
# permission checks, 1% role and membership changes; write-heavy: add and
# remove members, assign roles, create and delete custom roles), prints TPS
# and p50/p99 latency from pgbench's per-transaction logs, and after each
# mix runs the consistency check.  Exits non-zero if any check fails.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/tests/lib/common.sh"

SECONDS_PER_MIX=${LOAD_SECONDS:-60}
DB=${LOAD_DB:-members_load}
NORGS=${LOAD_ORGS:-20}
NUSERS=${LOAD_USERS:-400}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

if [ -z "${PGHOST:-}" ]; then
	OUTDIR=${LOAD_OUT:-$(mktemp -d /tmp/members-load.XXXXXX)}
else
	OUTDIR=${LOAD_OUT:-${MEMBERS_TEST_OUTPUT:-$(mktemp -d /tmp/members-load.XXXXXX)}/load}
fi
members_bench_setup "$DB" LOAD_KEEP_DB || exit 1
mkdir -p "$OUTDIR"
PSQL=("$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1)

echo "members load benchmark: $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs, $NORGS organizations, $NUSERS users, $SECONDS_PER_MIX s per mix"
echo "server: $("$PG_BIN/psql" -X -At -d "$DB" -c 'SELECT version()')"
t0=$(date +%s)
"${PSQL[@]}" -d "$DB" -c 'CREATE EXTENSION members' || exit 1
"${PSQL[@]}" -d "$DB" -v norgs="$NORGS" -v nusers="$NUSERS" -f "$ROOT/bench/load/setup.sql" >/dev/null || {
	echo "not ok - load: dataset (bench/load/setup.sql)"; exit 1; }
echo "ok - load: dataset of $NORGS organizations, $NUSERS users, $("$PG_BIN/psql" -X -At -d "$DB" -c \
	'SELECT count(*) FROM members.organization_members') memberships built in $(( $(date +%s) - t0 )) s"

PG_BIN="$PG_BIN" "$PY" "$ROOT/bench/load/run_load.py" --db "$DB" --seconds "$SECONDS_PER_MIX" --out "$OUTDIR"
rc=$?
log "load benchmark done in $(( $(date +%s) - t0 )) s"
exit $rc
