#!/usr/bin/env bash
# bench/workers.sh: what does a refused request cost next to an allowed one,
# now that refusals are audited by one long-lived worker fed through a queue?
#
# Run as root from anywhere: bench/workers.sh [requests] [clients]
#   requests  requests per measurement (default 1000)
#   clients   connections of the concurrent measurements (default 8)
#
# Installs what is missing, builds and installs the extension, starts a
# throwaway PostgreSQL 15 cluster (fsync off, like the test cluster; always
# stopped on exit) with max_worker_processes = 2, and measures in one run
# (bench/workers.py):
#   - sequential latency: an allowed PUT .../members/bob/roles (by an
#     organization admin: the change plus its audit row, one transaction)
#     against a refused one (by a plain member: 403, audit row written by the
#     worker before the error);
#   - the same with `clients` concurrent connections (throughput);
#   - read-only token uses (the GET path) with stale last_used;
#   - the worker's starts, transactions and records in the run.
# Prints ratios refused/allowed; compare ratios, not absolute times.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/tests/lib/common.sh"

members_install_deps
members_build_install "$ROOT"
trap members_cluster_stop EXIT
members_cluster_start "max_worker_processes = 2" "max_logical_replication_workers = 0" \
	"max_parallel_workers = 0" "autovacuum = off"
/usr/bin/python3 "$ROOT/bench/workers.py" "${1:-1000}" "${2:-8}"
