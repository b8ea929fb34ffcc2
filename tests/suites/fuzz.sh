#!/usr/bin/env bash
# Fuzz suite: thousands of malformed inputs to every members.*
# endpoint function, as the owner, as a plain member and as a plain database
# role without an actor; see tests/fuzz/fuzz.py.  Runs against the cluster
# started by tests/run-all.sh (PGHOST, PGPORT and PGUSER exported, extension
# installed with make install), in a database of its own that it drops at
# the end.  Prints "ok - ..." / "not ok - ..." lines; exits non-zero on any
# failure.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

if [ -z "${PGHOST:-}" ] || [ -z "${PGPORT:-}" ]; then
	echo "not ok - fuzz: PGHOST and PGPORT must point at a running cluster"
	exit 1
fi
if ! command -v python3 >/dev/null 2>&1; then
	echo "not ok - fuzz: python3 is missing"
	exit 1
fi
exec python3 "$ROOT/tests/fuzz/fuzz.py"
