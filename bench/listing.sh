#!/usr/bin/env bash
# bench/listing.sh: listing a table through an RLS policy built on
# members.authorize, with the listing scan (docs/rls-index.md), side by side
# with hand-written queries over the same rows, measured in the same run.
#
# Run as root from anywhere: bench/listing.sh [sizes] [runs]
#   sizes  space-separated row counts (default "100000 1000000"; add
#          10000000 if the disk allows: about 1.5 GB)
#   runs   executions of each query; the median is reported (default 7)
#
# Uses the cluster named by PGHOST/PGPORT if set, else starts a throwaway
# one (no parallel workers, no JIT, 1 GB shared_buffers: tables are read
# from memory).  Users: a site owner, a member of 3 of the 1,000
# organizations and a member of all of them (organization-auditor in each,
# which reads templates at organization level).  Prints one table per size;
# compare ratios, not absolute times.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/tests/lib/common.sh"

SIZES=${1:-"100000 1000000"}
RUNS=${2:-7}
members_bench_setup bench_listing "" "max_parallel_workers_per_gather = 0" "jit = off" \
	"shared_buffers = 1GB" "autovacuum = off"
PSQL=("$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -d bench_listing)

"${PSQL[@]}" <<'SQL'
SET client_min_messages = warning;
-- no parallel plans and no JIT on any cluster, for comparable figures
ALTER DATABASE bench_listing SET max_parallel_workers_per_gather = 0;
ALTER DATABASE bench_listing SET jit = off;
CREATE EXTENSION IF NOT EXISTS members;
DO $$BEGIN
	IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'members_service') THEN CREATE ROLE members_service NOLOGIN; END IF;
	IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bench_reader') THEN CREATE ROLE bench_reader IN ROLE members_service; END IF;
END$$;
GRANT members_service TO bench_reader;
GRANT USAGE ON SCHEMA members TO bench_reader;
GRANT EXECUTE ON FUNCTION members.authorize(text, text, uuid, uuid, boolean) TO bench_reader;
INSERT INTO members.organizations (id, name, display_name)
	SELECT ('b0000000-0000-0000-0000-' || lpad(to_hex(i), 12, '0'))::uuid, 'bench-' || i, 'Bench ' || i
	  FROM generate_series(1, 1000) i;
INSERT INTO members.users (id, username, email, rbac_roles) VALUES
	('b1000000-0000-0000-0000-000000000001', 'bench-owner', 'bench-owner@example.com', '{owner}'),
	('b1000000-0000-0000-0000-000000000003', 'bench-m3', 'bench-m3@example.com', '{}'),
	('b1000000-0000-0000-0000-000000001000', 'bench-m1000', 'bench-m1000@example.com', '{}');
INSERT INTO members.organization_members (organization_id, user_id, roles)
	SELECT id, 'b1000000-0000-0000-0000-000000000003', '{organization-auditor}'
	  FROM members.organizations WHERE name IN ('bench-17', 'bench-500', 'bench-983');
INSERT INTO members.organization_members (organization_id, user_id, roles)
	SELECT id, 'b1000000-0000-0000-0000-000000001000', '{organization-auditor}'
	  FROM members.organizations WHERE name LIKE 'bench-%';
SQL

echo "listing benchmark: $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs, sizes: $SIZES, median of $RUNS runs"
echo "server: $("$PG_BIN/psql" -X -At -d bench_listing -c 'SELECT version()')"
for n in $SIZES; do
	t0=$(date +%s)
	"${PSQL[@]}" -v rows="$n" -v runs="$RUNS" -f "$ROOT/bench/listing.sql"
	log "size $n done in $(( $(date +%s) - t0 )) s"
done
