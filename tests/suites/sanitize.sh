#!/usr/bin/env bash
# Memory safety: tests/sanitize.sh builds the extension
# with AddressSanitizer and UndefinedBehaviorSanitizer in a separate tree,
# runs the pg_regress suites, the isolation specs and the fuzz suite against
# a throwaway cluster of the stock server with the sanitizer runtimes
# preloaded, and requires zero sanitizer reports.  It takes a few minutes and
# starts its own cluster (the one of tests/run-all.sh is left alone), so it
# runs only when MEMBERS_LONG_TESTS=1 (CI sets it); `make sanitize-check`
# runs it directly.  Prints "ok - ..." / "not ok - ..." lines.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

if [ "${MEMBERS_LONG_TESTS:-0}" != 1 ]; then
	echo "ok - sanitize: skipped (set MEMBERS_LONG_TESTS=1 to run the suites under ASan/UBSan, or run make sanitize-check)"
	exit 0
fi
exec bash "$ROOT/tests/sanitize.sh"
