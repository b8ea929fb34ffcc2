#!/usr/bin/env bash
# bench/churn.sh: do permission checks stay warm while memberships change?
#
# Run as root from anywhere: bench/churn.sh [seconds] [base]
#   seconds  length of each measured run (default 20)
#   base     the commit to compare with (default c800366, main before the
#            change log: every committed change dropped every backend's
#            whole subject cache), taken from the repository
#            $MEMBERS_BENCH_REPO (default this tree)
#
# For each build (base, then this tree), in one invocation: build and
# install it into $MEMBERS_PG_BIN's PostgreSQL, start a throwaway cluster,
# load 20,000 users and 1,000 organizations, each user a member of 3
# organizations (bench/churn_setup.sql), then for each write rate 0, 10 and
# 100 per second run:
#   - checks: pgbench, 8 connections, each transaction one
#     members.authorize_user(user, 'read', 'organization', org) for a
#     Zipf-distributed user (random_zipfian, s = 1.1) and one of its
#     organizations, for $seconds seconds after a 5 s warm-up;
#   - a background writer: pgbench -R rate, one connection, each transaction
#     toggling the roles of one random membership.
# Reports check throughput (tps) and the p99 latency per rate, and the
# ratios to the same build's no-write run.  Then the cold-build figures
# (bench/churn_cold.sql): the first check of a member of 1, 3 and 1,000
# organizations right after a committed change to that user.  Goal: at 100 writes/s,
# throughput >= 0.9x and p99 <= 1.5x the no-write run.  The base is
# reinstalled and then this tree's build, so the extension installed at
# the end is this tree's.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/tests/lib/common.sh"

SECS=${1:-20}
BASE=${2:-c800366}
RATES="0 10 100"
CLIENTS=8

members_install_deps
WORK=$(mktemp -d /tmp/members-churn.XXXXXX)
chmod 755 "$WORK"
cleanup() { members_cluster_stop; rm -rf "$WORK"; }
trap cleanup EXIT

cat >"$WORK/check.pgbench" <<'SQL'
\set u random_zipfian(1, 20000, 1.1)
\set k random(0, 2)
SELECT members.authorize_user(bench.user_id(:u), 'read', 'organization', bench.org_of(:u, :k));
SQL
cat >"$WORK/write.pgbench" <<'SQL'
\set u random(1, 20000)
\set k random(0, 2)
UPDATE members.organization_members
   SET roles = CASE WHEN roles = '{}' THEN ARRAY['organization-auditor'] ELSE '{}' END
 WHERE user_id = bench.user_id(:u) AND organization_id = bench.org_of(:u, :k);
SQL
chmod 644 "$WORK"/*.pgbench

# One build: install, cluster, data, three rates.  Prints "label rate tps p99_ms".
run_build() {
	local label=$1 tree=$2
	log "$label: building $tree"
	members_build_install "$tree"
	members_cluster_start "max_connections = 50" "shared_buffers = 256MB" "jit = off" \
		"max_parallel_workers_per_gather = 0"
	"$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -f "$ROOT/bench/churn_setup.sql" >/dev/null
	for rate in $RATES; do
		local wpid=""
		if [ "$rate" -gt 0 ]; then
			"$PG_BIN/pgbench" -n -c 1 -R "$rate" -T $((SECS + 10)) -f "$WORK/write.pgbench" \
				>"$WORK/write-$label-$rate.log" 2>&1 &
			wpid=$!
		fi
		# warm-up, then the measured run with a per-transaction log
		"$PG_BIN/pgbench" -n -c $CLIENTS -j 2 -T 5 -f "$WORK/check.pgbench" >/dev/null 2>&1
		(cd "$WORK" && "$PG_BIN/pgbench" -n -c $CLIENTS -j 2 -T "$SECS" -f "$WORK/check.pgbench" \
			-l --log-prefix="lat-$label-$rate" >"$WORK/check-$label-$rate.log" 2>&1)
		[ -n "$wpid" ] && wait "$wpid"
		local tps p99
		tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$WORK/check-$label-$rate.log" | head -1)
		p99=$(cat "$WORK"/lat-"$label-$rate".* | awk '{print $3}' | sort -n |
			awk '{a[NR]=$1} END {i=int(NR*0.99); if (i<1) i=1; printf "%.3f", a[i]/1000}')
		rm -f "$WORK"/lat-"$label-$rate".*
		echo "$label $rate $tps $p99"
	done
	"$PG_BIN/psql" -X -At -c "SELECT 'writes applied: ' || count(*) FROM members.organization_members WHERE roles <> '{}'" >&2
	"$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -f "$ROOT/bench/churn_cold.sql" >"$WORK/cold-$label.txt"
	members_cluster_stop
}

log "exporting $BASE"
mkdir "$WORK/base"
git -C "${MEMBERS_BENCH_REPO:-$ROOT}" archive "$BASE" | tar -x -C "$WORK/base"

echo "churn benchmark: $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs, $CLIENTS check connections, ${SECS} s per run"
results=$( { run_build base "$WORK/base"; run_build new "$ROOT"; } )
echo "$results" | awk '
{ tps[$1,$2] = $3; p99[$1,$2] = $4; }
END {
	printf "%-6s %8s %12s %10s %10s %10s\n", "build", "writes/s", "checks/s", "p99 ms", "tps ratio", "p99 ratio";
	n = split("base new", b, " ");
	for (i = 1; i <= n; i++)
		for (r = 0; r <= 100; r = (r == 0 ? 10 : r * 10))
			printf "%-6s %8d %12.0f %10.3f %10.2f %10.2f\n", b[i], r, tps[b[i],r], p99[b[i],r],
				tps[b[i],r] / tps[b[i],0], p99[b[i],r] / p99[b[i],0];
}'
for label in base new; do
	echo
	echo "cold builds, $label (first check after a committed change to the user; microseconds):"
	cat "$WORK/cold-$label.txt"
done
