#!/usr/bin/env bash
# Reliability under load: bench/load.sh against the cluster
# the test command started (PGHOST, PGPORT, PGUSER exported; extension
# installed), in a database of its own (members_reliability_load, dropped at
# the end).  Two pgbench mixes, 2 clients, LOAD_SECONDS (default 60) each:
# 99% permission checks with 1% role and membership changes, then a
# write-heavy mix (members added and removed, roles assigned, custom roles
# created and deleted).  Passes when nothing but the expected refusals went
# wrong, every stored role name exists, every success has its audit row, and
# a session kept open across the load answers a sample of checks from its
# warm cache exactly as a fresh session does (bench/load/run_load.py).
# Timings are printed for information only, never asserted.
#
# Long: runs only with MEMBERS_LONG_TESTS=1 (about 2.5 minutes).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

. "$ROOT/tests/lib/common.sh"
members_suite_needs load "2 x 60 s of pgbench"

export LOAD_DB=members_reliability_load
export LOAD_OUT="${MEMBERS_TEST_OUTPUT:-$(mktemp -d /tmp/members-load.XXXXXX)}/reliability_load"
bash "$ROOT/bench/load.sh"
