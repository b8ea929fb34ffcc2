#!/usr/bin/env bash
# The background worker under attack and under hostile settings
# (tests/workers/workers.py): refused attempts and read-only token uses from
# many connections with a single free max_worker_processes slot lose no
# audit row and start no process per event; a NOLOGIN extension owner;
# REASSIGN OWNED and a re-created extension seen by a long-lived
# connection; a non-superuser database owner's ALTER DATABASE ... SET
# statement_timeout / default_transaction_read_only.  Starts a throwaway
# cluster of its own (it needs max_worker_processes = 1), using the
# extension installed by "make install".  Prints "ok - ..." / "not ok - ..."
# lines; exits non-zero on any failure.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/lib/common.sh"

trap members_cluster_stop EXIT
members_cluster_start "max_worker_processes = 1" "max_logical_replication_workers = 0" \
	"max_parallel_workers = 0" "members.worker_idle_timeout = '500ms'" >/dev/null 2>&1 || {
	echo "not ok - workers: could not start a cluster"; exit 1; }
/usr/bin/python3 "$ROOT/tests/workers/workers.py"
rc=$?
if grep -qE 'terminated by signal|TRAP:' "$MEMBERS_TMP/server.log"; then
	echo "not ok - workers: the server log shows a crash"
	grep -E 'terminated by signal|TRAP:' "$MEMBERS_TMP/server.log" | head -5
	rc=1
fi
exit $rc
