#!/usr/bin/env bash
# TAP suite: tests/tap/NNN_*.pl with PostgreSQL's own
# PostgreSQL::Test::Cluster, run by PGXS ("make tap-installcheck", which is
# PGXS's prove_installcheck with the paths of $PG_CONFIG), each file on
# clusters of its own that it creates and stops: crash recovery under a
# write load, pg_dump and restore, a hot standby, a logical subscriber.
# Uses the extension installed by "make install"; needs no running cluster.
# initdb refuses root, so each file runs as the postgres OS user in its own
# copy of the tree (so the files can run concurrently: prove_installcheck
# empties tmp_check/ of the directory it runs in).  Prints one
# "ok - tap FILE" / "not ok - tap FILE" line per test file, prove's own
# output indented; exits non-zero on any failure.  Logs of the TAP clusters
# go to $MEMBERS_TEST_OUTPUT/tap/ (tests/output/tap/ by default).
#
# Run alone, as root:  bash tests/suites/tap.sh [001_crash.pl ...]
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PG_BIN=${MEMBERS_PG_BIN:-/usr/lib/postgresql/15/bin}
PG_CONFIG=$PG_BIN/pg_config
PERL_LIB=$(dirname "$($PG_CONFIG --pgxs)")/../../src/test/perl
OUT="${MEMBERS_TEST_OUTPUT:-$ROOT/tests/output}/tap"

missing=""
[ -f "$PERL_LIB/PostgreSQL/Test/Cluster.pm" ] || missing="$missing postgresql-server-dev-15"
perl -MIPC::Run -e 1 2>/dev/null || missing="$missing libipc-run-perl"
command -v prove >/dev/null 2>&1 || missing="$missing prove"
if [ -n "$missing" ]; then
	echo "not ok - tap: missing$missing"
	exit 1
fi
if [ ! -f "$($PG_CONFIG --sharedir)/extension/members.control" ]; then
	echo "not ok - tap: the extension is not installed (make install)"
	exit 1
fi

if [ $# -gt 0 ]; then
	files=("$@")
else
	files=()
	for f in "$ROOT"/tests/tap/[0-9]*.pl; do files+=("$(basename "$f")"); done
fi

WORK=$(mktemp -d /tmp/members-tap.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/portlock"
chmod 755 "$WORK"
rm -rf "$OUT"
mkdir -p "$OUT"

# Run one test file as postgres in its own copy of the tree (the sources the
# Makefile and the tests read; no build products); output in $WORK/NAME.out.
run_one() {
	local file=$1 name=${1%.pl} tree=$WORK/${1%.pl}
	mkdir -p "$tree"
	(cd "$ROOT" && tar cf - Makefile members.control sqlsrc tests/tap) | tar xf - -C "$tree"
	chown -R postgres:postgres "$tree" "$WORK/portlock"
	(cd "$tree" && timeout 900 runuser -u postgres -- env \
		PG_TEST_PORT_DIR="$WORK/portlock" \
		PG_TEST_TIMEOUT_DEFAULT=120 \
		make -s tap-installcheck PG_CONFIG="$PG_CONFIG" PROVE_TESTS="tests/tap/$file") \
		>"$WORK/$name.out" 2>&1
	echo $? >"$WORK/$name.rc"
}

# The files run concurrently (each on its own clusters and ports).
start=$(date +%s)
for f in "${files[@]}"; do
	if [ ! -f "$ROOT/tests/tap/$f" ]; then
		echo "no such test file: $f" >"$WORK/${f%.pl}.out"
		echo 1 >"$WORK/${f%.pl}.rc"
		continue
	fi
	run_one "$f" &
done
wait

failed=0
for f in "${files[@]}"; do
	name=${f%.pl}
	rc=$(cat "$WORK/$name.rc" 2>/dev/null || echo 1)
	sed 's/^/    /' "$WORK/$name.out"
	# keep the TAP logs (regress_log_*, server logs) of this run
	if [ -d "$WORK/$name/tmp_check/log" ]; then
		mkdir -p "$OUT/$name" && cp -r "$WORK/$name/tmp_check/log/." "$OUT/$name/"
	fi
	if [ "$rc" = 0 ]; then
		echo "ok - tap $f"
	else
		echo "not ok - tap $f (exit $rc; logs in $OUT/$name)"
		failed=1
	fi
done
echo "tap: $(( $(date +%s) - start ))s"
exit $failed
