#!/usr/bin/env bash
# Reliability at scale: bench/scale.sh against the cluster
# the test command started (PGHOST, PGPORT, PGUSER exported; extension
# installed), in a database of its own (members_reliability_scale, dropped at
# the end).  Builds one organization with 100,000 members and one user in
# 1,000 organizations with 3 roles each; asserts that the member list and
# pages of 50 (offsets 0, 50,000, last) and the assignable-roles list equal
# a bare SQL query's JSON for the same rows, and that the subject cache
# never holds more subjects or memory than members.subject_cache_size /
# members.subject_cache_memory (set low and high, 20,000 distinct users per
# setting) and reports the same memory as pg_backend_memory_contexts.
# Timings and ratios against the bare queries are printed for information
# only, never asserted.
#
# Long: runs only with MEMBERS_LONG_TESTS=1 (about 2 minutes).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

. "$ROOT/tests/lib/common.sh"
members_suite_needs scale "100,000 members, 1,000 organizations"

export SCALE_DB=members_reliability_scale
export SCALE_RUNS=${SCALE_RUNS:-3}
bash "$ROOT/bench/scale.sh"
