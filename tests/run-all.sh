#!/usr/bin/env bash
# The test command: installs what is missing, builds and installs the
# extension, starts a throwaway PostgreSQL 15, runs the pg_regress suites,
# the isolation specs and every suite under tests/suites/, stops the cluster
# and ends with one line "N passed, N failed".  Exit status 0 only if nothing
# failed.  Run as root from anywhere: sudo tests/run-all.sh
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/tests/lib/common.sh"

members_install_deps || { echo "0 passed, 1 failed"; exit 1; }
members_build_install "$ROOT" || { echo "0 passed, 1 failed"; exit 1; }
trap members_cluster_stop EXIT
members_cluster_start || { echo "0 passed, 1 failed"; exit 1; }

passed=0
failed=0
# Logs, pg_regress results and diffs of this run (MEMBERS_TEST_OUTPUT lets
# concurrent runs in one work tree keep apart).
OUT="${MEMBERS_TEST_OUTPUT:-$ROOT/tests/output}"
rm -rf "$OUT"; mkdir -p "$OUT/regress" "$OUT/isolation"
export MEMBERS_TEST_OUTPUT="$OUT"

# Count pg_regress result lines ("ok" / "FAILED") of one run's output.
count_regress() {
	local file=$1 p f
	p=$(grep -cE '\.\.\. ok' "$file" || true)
	f=$(grep -cE '\.\.\. FAILED' "$file" || true)
	passed=$((passed + p)); failed=$((failed + f))
}

log "pg_regress suites (make installcheck)"
make -C "$ROOT" -s installcheck PG_CONFIG="$PG_CONFIG" ISOLATION= TAP_TESTS= \
	REGRESS_OPTS="--inputdir=$ROOT --outputdir=$OUT/regress" >"$OUT/regress.log" 2>&1
rc=$?
cat "$OUT/regress.log"
count_regress "$OUT/regress.log"
[ $rc -ne 0 ] && [ -f "$OUT/regress/regression.diffs" ] && cat "$OUT/regress/regression.diffs"
[ $rc -ne 0 ] && ! grep -q FAILED "$OUT/regress.log" && failed=$((failed + 1))

if ls "$ROOT"/tests/isolation/specs/*.spec >/dev/null 2>&1; then
	log "isolation specs (make installcheck, isolation part)"
	make -C "$ROOT" -s installcheck PG_CONFIG="$PG_CONFIG" REGRESS= TAP_TESTS= \
		ISOLATION_OPTS="--inputdir=$ROOT/tests/isolation --outputdir=$OUT/isolation --load-extension=members" \
		>"$OUT/isolation.log" 2>&1
	rc=$?
	cat "$OUT/isolation.log"
	count_regress "$OUT/isolation.log"
	[ $rc -ne 0 ] && [ -f "$OUT/isolation/regression.diffs" ] && cat "$OUT/isolation/regression.diffs"
	[ $rc -ne 0 ] && ! grep -q FAILED "$OUT/isolation.log" && failed=$((failed + 1))
fi

# Every other suite: an executable tests/suites/NAME.sh printing TAP-like
# "ok - ..." / "not ok - ..." lines; a non-zero exit with no "not ok" counts
# as one failure.
for suite in "$ROOT"/tests/suites/*.sh; do
	[ -e "$suite" ] || continue
	name=$(basename "$suite" .sh)
	log "suite $name"
	bash "$suite" >"$OUT/$name.log" 2>&1
	rc=$?
	cat "$OUT/$name.log"
	p=$(grep -cE '^ok ' "$OUT/$name.log" || true)
	f=$(grep -cE '^not ok ' "$OUT/$name.log" || true)
	passed=$((passed + p)); failed=$((failed + f))
	[ $rc -ne 0 ] && [ "$f" -eq 0 ] && failed=$((failed + 1))
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
