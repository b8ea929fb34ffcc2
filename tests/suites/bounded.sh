#!/usr/bin/env bash
# Bounded work per request (tests/fuzz/bounded.py): the largest input each
# cap allows, and the inputs of the review that found quadratic loops
# (40,000 role names), each sent with statement_timeout = 100ms, end within
# the timeout plus a generous margin, cleanly.  Runs against the cluster
# started by tests/run-all.sh, in a database of its own.  Prints "ok - ..."
# / "not ok - ..." lines; exits non-zero on any failure.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/lib/common.sh"
members_suite_needs bounded
exec /usr/bin/python3 "$ROOT/tests/fuzz/bounded.py"
