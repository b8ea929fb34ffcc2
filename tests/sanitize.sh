#!/usr/bin/env bash
# Memory safety: the extension built with AddressSanitizer and
# UndefinedBehaviorSanitizer, loaded into the stock (non-instrumented)
# Debian PostgreSQL 15 server with the sanitizer runtimes preloaded, under
# the pg_regress suites, the isolation specs, the fuzz suite and the
# PostgREST replay (SANITIZE_SUITES="fuzz http_replay" names the
# tests/suites run).  Passes when every suite passes and the sanitizers
# reported nothing.  Run as root:
#
#     make sanitize-check            (or: bash tests/sanitize.sh)
#
# How the instrumented library is loaded, without touching the normal
# installation (other clusters on this machine keep loading the normal
# $libdir/members.so while this runs):
#
#   PostgreSQL computes $libdir and its share directory relative to the
#   location of the postgres executable (the relocatable-installation
#   rule; the postgres binary resolves symbolic links to itself first).  So
#   a copy of the unchanged stock binary at
#       $WORK/inst/usr/lib/postgresql/15/bin/postgres
#   has
#       $libdir   = $WORK/inst/usr/lib/postgresql/15/lib
#       sharedir  = $WORK/inst/usr/share/postgresql/15
#   These two directories hold symbolic links to every file of the real
#   ones (plpgsql.so, encodings, timezonesets, other extensions, ...),
#   except that the members files (members.so, members.control,
#   members--*.sql) are the instrumented build's, installed there with
#   make install DESTDIR=$WORK/inst.  CREATE EXTENSION members, the
#   'MODULE_PATHNAME' of its functions and the background worker
#   (bgw_library_name "$libdir/members", src/worker.c) all resolve to the
#   instrumented library; no other cluster can see it.  Nothing is
#   written to the system's $libdir or share directory (the end checks that
#   the installed members.so is still the uninstrumented one), so there is
#   nothing to restore; the trap only stops the cluster and removes the
#   temporary tree.  (Installing over $libdir/members.so for the run and
#   restoring it afterwards would break every other cluster on the machine
#   that loads members meanwhile: an ASan-instrumented library cannot be
#   loaded into a server without the runtime preloaded.)
#
# Sanitizer settings (see bench/RESULTS-safety.md):
#   compile: -fsanitize=address,undefined -fsanitize-recover=all
#            -fno-omit-frame-pointer -O1 -g (added with COPT, so PGXS's
#            flags, -Werror included, stay), without LLVM bitcode;
#   server:  LD_PRELOAD of the libasan and libubsan the library links
#            against; ASAN_OPTIONS halt_on_error=0 (with -fsanitize-recover
#            every report is written and the backend goes on, so all are
#            counted), detect_leaks=0 (PostgreSQL frees memory by context,
#            and not at exit), detect_stack_use_after_return=0 (fake stacks
#            move locals to the heap and break PostgreSQL's stack-depth
#            check), quarantine_size_mb=64 (bounded memory per backend),
#            log_path (one file per process); UBSAN_OPTIONS
#            print_stacktrace=1, halt_on_error=0, suppressions (the helper's
#            own shift only) and a log_path explained below; jit = off (JIT
#            could inline the installed, non-instrumented bitcode of
#            members).
#   start-up: preloading libasan into Debian's postgres hangs before main:
#            ASan initialises lazily at the first malloc, which happens in
#            libgpg-error's constructor while glibc's bindtextdomain holds
#            _nl_state_lock for writing; ASan's initialisation looks up
#            swift_demangle with dlsym and clears the failure with
#            dlerror(), whose message translation re-enters gettext and
#            corrupts that lock, so postgres's own bindtextdomain (in
#            set_pglocale_pgservice) waits forever.  A preloaded helper
#            defines swift_demangle (returning NULL: no Swift demangling),
#            so the lookup succeeds and dlerror() has nothing to format.
#   UBSan reports: with gcc, UBSan's runtime (libubsan) is apart from
#            ASan's, is initialised lazily at its first report (in a
#            backend, where /proc/self/environ, from which it reads
#            UBSAN_OPTIONS, has been overwritten by the process title), and
#            its initialisation applies its log_path through the exported
#            __sanitizer_set_report_path, which resolves to libasan's: its
#            own reports would go to stderr and ASan's file would be
#            reopened (truncated).  The helper therefore (1) makes UBSan
#            initialise in the postmaster at start-up, with a deliberate
#            oversized shift of its own that the suppressions file
#            silences, (2) gives UBSAN_OPTIONS ASan's log_path, so that this
#            early re-set changes nothing, and (3) sets libubsan's own
#            report file (dlsym on libubsan's handle) to
#            MEMBERS_UBSAN_LOG_PATH.  Reports are counted in every file and
#            in the server log (stderr) as well.
#   A probe library with one heap overflow and one oversized shift, built
#   the same way and called once, proves that the runtime is live in the
#   server's backends and that reports are written and counted; its two
#   reports are set aside before the suites run.
#
# Prints TAP-like "ok - ..." / "not ok - ..." lines (suite output is kept
# under $MEMBERS_TEST_OUTPUT/sanitize, default tests/output/sanitize) and
# exits non-zero on any failure.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/tests/lib/common.sh"

OUT="${MEMBERS_TEST_OUTPUT:-$ROOT/tests/output}/sanitize"
rm -rf "$OUT"; mkdir -p "$OUT"
WORK=$(mktemp -d /tmp/members-sanitize.XXXXXX)
chmod 755 "$WORK"
BUILD=$WORK/build
INST=$WORK/inst
SAN=$WORK/san			# sanitizer log_path directory
DATA=$WORK/data
PGLIB=$($PG_CONFIG --pkglibdir)
PGSHARE=$($PG_CONFIG --sharedir)
PGBINDIR=$($PG_CONFIG --bindir)
IBIN=$INST$PGBINDIR
ILIB=$INST$PGLIB
ISHARE=$INST$PGSHARE
SAN_CFLAGS="-fsanitize=address,undefined -fsanitize-recover=all -fno-omit-frame-pointer -O1 -g"

failures=0
ok() { echo "ok - sanitize: $*"; }
not_ok() { echo "not ok - sanitize: $*"; failures=$((failures + 1)); }
check() { local cond=$1; shift; if [ "$cond" = 0 ]; then ok "$@"; else not_ok "$@"; fi; }

cleanup() {
	local pids
	if [ -f "$DATA/postmaster.pid" ]; then
		runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$DATA" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	# a server that never got as far as writing postmaster.pid (a start-up
	# hang): the processes of this run's private copy of the binary
	pids=$(pgrep -f -- "^$IBIN/postgres -D $DATA" 2>/dev/null || true)
	[ -n "$pids" ] && kill -9 $pids 2>/dev/null
	# keep what explains a failure
	cp -r "$SAN" "$OUT/reports" 2>/dev/null || true
	cp "$WORK/server.log" "$OUT/server.log" 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT

#---- 1. the instrumented build, in a copy of the sources -----------------
mkdir -p "$BUILD/src" "$BUILD/sqlsrc"
cp "$ROOT/Makefile" "$ROOT/members.control" "$ROOT"/members--*.sql "$BUILD/"
cp -R "$ROOT"/sqlsrc/. "$BUILD/sqlsrc/"  # with sqlsrc/http (the generated adapters)
cp "$ROOT"/src/*.c "$ROOT"/src/*.h "$BUILD/src/"
# ISOLATION and REGRESS are computed from the copy's (absent) test files:
# harmless, the suites run from the source tree below.
if make -C "$BUILD" -s PG_CONFIG="$PG_CONFIG" with_llvm=no COPT="$SAN_CFLAGS" \
		>"$OUT/build.log" 2>&1 &&
	make -C "$BUILD" -s PG_CONFIG="$PG_CONFIG" with_llvm=no COPT="$SAN_CFLAGS" \
		DESTDIR="$INST" install >>"$OUT/build.log" 2>&1; then
	ok "instrumented build (gcc $SAN_CFLAGS) in a copy of the sources, installed under $INST"
else
	cat "$OUT/build.log"
	not_ok "instrumented build (see $OUT/build.log)"
	exit 1
fi
ASAN_RT=$(ldd "$ILIB/members.so" | awk '/libasan\.so/ {print $3}')
UBSAN_RT=$(ldd "$ILIB/members.so" | awk '/libubsan\.so/ {print $3}')
if [ -z "$ASAN_RT" ] || [ -z "$UBSAN_RT" ]; then
	not_ok "members.so links libasan and libubsan (ldd: ${ASAN_RT:-none} ${UBSAN_RT:-none})"
	exit 1
fi

# The probe library (positive control): one report of each sanitizer.
cat >"$BUILD/members_sanitize_probe.c" <<'EOF'
#include "postgres.h"
#include "fmgr.h"
#include <stdlib.h>

PG_MODULE_MAGIC;
PG_FUNCTION_INFO_V1(members_probe_heap_overflow);
PG_FUNCTION_INFO_V1(members_probe_shift);

/* reads one byte past a malloc'd buffer: heap-buffer-overflow */
Datum
members_probe_heap_overflow(PG_FUNCTION_ARGS)
{
	int			n = PG_GETARG_INT32(0);
	volatile char *p = malloc(n);
	char		c;

	p[0] = 'x';
	c = p[n];
	free((void *) p);
	PG_RETURN_INT32(c != 0);
}

/* 1 << 40 on an int: shift exponent too large */
Datum
members_probe_shift(PG_FUNCTION_ARGS)
{
	int			s = PG_GETARG_INT32(0);

	PG_RETURN_INT32(1 << s);
}
EOF
cat >"$BUILD/probe.mk" <<'EOF'
MODULES = members_sanitize_probe
PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)
EOF
if ! make -C "$BUILD" -f probe.mk -s PG_CONFIG="$PG_CONFIG" with_llvm=no COPT="$SAN_CFLAGS" \
		>>"$OUT/build.log" 2>&1; then
	not_ok "probe library build (see $OUT/build.log)"
	exit 1
fi

# The preload helper (see the header): a stub swift_demangle, and UBSan
# initialised in the postmaster with its own report file.
cat >"$BUILD/members_sanitizer_preload.c" <<'EOF'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

char	   *swift_demangle(const char *mangled, size_t mangled_len, char *out,
						   size_t *out_len, uint32_t flags);

/* Never demangles: the sanitizer symbolizer falls back to C++ demangling. */
char *
swift_demangle(const char *mangled, size_t mangled_len, char *out,
			   size_t *out_len, uint32_t flags)
{
	(void) mangled;
	(void) mangled_len;
	(void) out;
	(void) out_len;
	(void) flags;
	return NULL;
}

static volatile int forty = 40;

/* Runs when the postmaster starts, before postgres rewrites its environment. */
__attribute__((constructor)) static void
members_sanitizer_preload_init(void)
{
	volatile int x;
	void	   *ubsan;
	const char *path = getenv("MEMBERS_UBSAN_LOG_PATH");

	/*
	 * An oversized shift, suppressed by UBSAN_OPTIONS' suppressions file:
	 * UBSan initialises now (reading UBSAN_OPTIONS), not at the first report
	 * in a backend.
	 */
	x = 1 << forty;
	(void) x;

	/* libubsan's own report file (not libasan's, which the symbol names) */
	ubsan = dlopen("libubsan.so.1", RTLD_NOLOAD | RTLD_NOW);
	if (ubsan != NULL && path != NULL)
	{
		void		(*set_path) (const char *) =
			(void (*) (const char *)) dlsym(ubsan, "__sanitizer_set_report_path");

		if (set_path != NULL)
			set_path(path);
	}
}
EOF
echo "shift-exponent:members_sanitizer_preload.so" >"$BUILD/ubsan.supp"
if ! gcc -shared -fPIC -O1 -Wall -fsanitize=shift-exponent -fsanitize-recover=all \
		-o "$BUILD/members_sanitizer_preload.so" "$BUILD/members_sanitizer_preload.c" \
		>>"$OUT/build.log" 2>&1; then
	not_ok "preload helper build (see $OUT/build.log)"
	exit 1
fi

#---- 2. the separate installation tree ------------------------------------
# A copy (not a link: links are resolved) of the stock postgres binary, and
# $libdir and sharedir made of links to the real files, members excepted.
mkdir -p "$IBIN" "$ILIB/bitcode" "$ISHARE/extension"
cp "$PGBINDIR/postgres" "$IBIN/postgres"
for f in "$PGLIB"/* "$PGLIB"/bitcode/* "$PGSHARE"/* "$PGSHARE"/extension/*; do
	[ -e "$f" ] || continue
	case "$f" in
		"$PGLIB/bitcode" | "$PGSHARE/extension") continue ;;
		*/members.so | */members.control | */members--*.sql | "$PGLIB"/bitcode/members*) continue ;;
	esac
	t=$INST$f
	[ -e "$t" ] || ln -s "$f" "$t"
done
cp "$BUILD/members_sanitize_probe.so" "$ILIB/"
mkdir -p "$WORK/preload"
cp "$BUILD/members_sanitizer_preload.so" "$BUILD/ubsan.supp" "$WORK/preload/"
mkdir -p "$SAN"
chown -R postgres:postgres "$WORK"
chmod -R a+rX "$INST"

#---- 3. a throwaway cluster of the copied binary, runtimes preloaded ------
port=$(members_free_port)
mkdir -p "$WORK/sock"; chown postgres:postgres "$WORK/sock"
runuser -u postgres -- "$PG_BIN/initdb" -D "$DATA" -A trust -U postgres --no-sync -E UTF8 \
	--locale=C.UTF-8 >"$WORK/initdb.log" 2>&1 || { cat "$WORK/initdb.log"; not_ok "initdb"; exit 1; }
cat >>"$DATA/postgresql.conf" <<EOF
listen_addresses = ''
port = $port
unix_socket_directories = '$WORK/sock'
fsync = off
max_connections = 50
max_prepared_transactions = 10
jit = off
EOF
ASAN_OPTIONS="log_path=$SAN/asan:halt_on_error=0:abort_on_error=0:detect_leaks=0:detect_stack_use_after_return=0:quarantine_size_mb=64:print_summary=1"
# UBSan's log_path is applied to libasan's report file (see the header), so
# it names ASan's; UBSan's own is MEMBERS_UBSAN_LOG_PATH.
UBSAN_OPTIONS="log_path=$SAN/asan:print_stacktrace=1:halt_on_error=0:suppressions=$WORK/preload/ubsan.supp"
if ! runuser -u postgres -- env LD_PRELOAD="$ASAN_RT $WORK/preload/members_sanitizer_preload.so $UBSAN_RT" ASAN_OPTIONS="$ASAN_OPTIONS" \
		UBSAN_OPTIONS="$UBSAN_OPTIONS" MEMBERS_UBSAN_LOG_PATH="$SAN/ubsan" \
		"$PG_BIN/pg_ctl" -D "$DATA" -p "$IBIN/postgres" -l "$WORK/server.log" -w start >/dev/null; then
	cat "$WORK/server.log"
	not_ok "cluster start with the sanitizer runtimes preloaded"
	exit 1
fi
export PGHOST="$WORK/sock" PGPORT="$port" PGUSER=postgres PGDATABASE=postgres
unset PGOPTIONS

# The server uses the separate tree, and a backend maps the runtime and the
# instrumented library once members is loaded.
q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
libdir=$(q -c "SELECT setting FROM pg_config WHERE name = 'PKGLIBDIR'")
maps=$(q -c "CREATE EXTENSION IF NOT EXISTS members" \
	-c "SELECT members.new_id() IS NOT NULL" \
	-c "SELECT string_agg(DISTINCT substring(l from '\S+\$'), ' ') FROM regexp_split_to_table(pg_read_file('/proc/self/maps'), E'\n') l WHERE l ~ '(libasan|libubsan|members)[^/]*\.so'" 2>&1 | tail -1)
q -c "DROP EXTENSION members" >/dev/null 2>&1
if [ "$libdir" = "$ILIB" ] && [[ "$maps" == *"$ILIB/members.so"* ]] && [[ "$maps" == *libasan* ]] && [[ "$maps" == *libubsan* ]]; then
	ok "the server's \$libdir is $libdir; a backend maps $(echo "$maps" | tr ' ' '\n' | xargs -n1 basename | tr '\n' ' ')"
else
	not_ok "the server runs the instrumented library (libdir=$libdir, maps: $maps)"
	exit 1
fi

# Reports ("ERROR: AddressSanitizer", "runtime error:") in every sanitizer
# file and in the server log (stderr) since offset $2.
count_reports() { { cat "$SAN"/asan.* "$SAN"/ubsan.* 2>/dev/null; tail -c +"$(( ${2:-0} + 1 ))" "$WORK/server.log"; } | grep -cE "$1" || true; }
ASAN_RE='ERROR: AddressSanitizer'
UBSAN_RE='runtime error:'

q -d postgres -c "CREATE DATABASE members_sanitize_probe" >/dev/null
q -d members_sanitize_probe <<'EOF' >"$OUT/probe.log" 2>&1
CREATE FUNCTION probe_heap_overflow(int) RETURNS int
	AS '$libdir/members_sanitize_probe', 'members_probe_heap_overflow' LANGUAGE C STRICT;
CREATE FUNCTION probe_shift(int) RETURNS int
	AS '$libdir/members_sanitize_probe', 'members_probe_shift' LANGUAGE C STRICT;
SELECT probe_heap_overflow(16);
SELECT probe_shift(40);
EOF
probe_rc=$?
q -d postgres -c "DROP DATABASE members_sanitize_probe" >/dev/null
sleep 1
pa=$(count_reports "$ASAN_RE"); pu=$(count_reports "$UBSAN_RE")
if [ $probe_rc -eq 0 ] && [ "$pa" -eq 1 ] && [ "$pu" -eq 1 ] &&
	grep -q 'heap-buffer-overflow' "$SAN"/asan.* && grep -q 'shift exponent 40' "$SAN"/ubsan.* &&
	! grep -q 'runtime error' "$SAN"/asan.*; then
	ok "probe: a heap overflow and an oversized shift in a probe library were reported ($pa AddressSanitizer in asan.<pid>, $pu UndefinedBehaviorSanitizer in ubsan.<pid>) and the backend went on"
else
	cat "$OUT/probe.log"
	not_ok "probe: sanitizer reports are written and counted (asan $pa, ubsan $pu, psql rc $probe_rc)"
fi
mkdir -p "$SAN/probe"
mv "$SAN"/asan.* "$SAN"/ubsan.* "$SAN/probe/" 2>/dev/null || true
log_offset=$(stat -c %s "$WORK/server.log")

#---- 4. the suites ----------------------------------------------------------
# pg_regress suites
make -C "$ROOT" -s installcheck PG_CONFIG="$PG_CONFIG" ISOLATION= TAP_TESTS= \
	REGRESS_OPTS="--inputdir=$ROOT --outputdir=$OUT/regress" >"$OUT/regress.log" 2>&1
rc=$?
np=$(grep -cE '\.\.\. ok' "$OUT/regress.log" || true)
nf=$(grep -cE '\.\.\. FAILED' "$OUT/regress.log" || true)
sed 's/^/# /' "$OUT/regress.log" | grep -E 'FAILED|failed' || true
check $(( rc != 0 || nf != 0 || np == 0 )) "pg_regress suites under ASan/UBSan: $np passed, $nf failed"

# isolation specs
if ls "$ROOT"/tests/isolation/specs/*.spec >/dev/null 2>&1; then
	make -C "$ROOT" -s installcheck PG_CONFIG="$PG_CONFIG" REGRESS= TAP_TESTS= \
		ISOLATION_OPTS="--inputdir=$ROOT/tests/isolation --outputdir=$OUT/isolation --load-extension=members" \
		>"$OUT/isolation.log" 2>&1
	rc=$?
	np=$(grep -cE '\.\.\. ok' "$OUT/isolation.log" || true)
	nf=$(grep -cE '\.\.\. FAILED' "$OUT/isolation.log" || true)
	sed 's/^/# /' "$OUT/isolation.log" | grep -E 'FAILED|failed' || true
	check $(( rc != 0 || nf != 0 || np == 0 )) "isolation specs under ASan/UBSan: $np passed, $nf failed"
fi

# the fuzz suite and the PostgREST replay (or the suites named in
# SANITIZE_SUITES)
for name in ${SANITIZE_SUITES:-fuzz http_replay}; do
	bash "$ROOT/tests/suites/$name.sh" >"$OUT/$name.log" 2>&1
	rc=$?
	np=$(grep -cE '^ok ' "$OUT/$name.log" || true)
	nf=$(grep -cE '^not ok ' "$OUT/$name.log" || true)
	grep -E '^not ok ' "$OUT/$name.log" | sed 's/^/# /' || true
	check $(( rc != 0 || nf != 0 || np == 0 )) "suite $name under ASan/UBSan: $np ok, $nf not ok"
done

#---- 5. the verdict -----------------------------------------------------------
runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null 2>&1
na=$(count_reports "$ASAN_RE" "$log_offset")
nu=$(count_reports "$UBSAN_RE" "$log_offset")
files=$(ls "$SAN" | grep -cE '^(asan|ubsan)\.' || true)
for f in "$SAN"/asan.* "$SAN"/ubsan.*; do
	[ -e "$f" ] || continue
	echo "# ---- $(basename "$f")"; head -40 "$f" | sed 's/^/# /'
done
check $(( na != 0 )) "AddressSanitizer reports during the suites: $na"
check $(( nu != 0 )) "UndefinedBehaviorSanitizer reports during the suites: $nu"
# a report file without a recognised report would be something else the
# runtime had to say (e.g. a failed interception)
check $(( files != 0 && na + nu == 0 )) "sanitizer log files during the suites: $files"
crashes=$(grep -cE 'terminated by signal|was terminated by exception|TRAP:' "$WORK/server.log" || true)
check $(( crashes != 0 )) "server log: no process terminated by a signal ($crashes)"
if [ ! -e "$PGLIB/members.so" ] || ! ldd "$PGLIB/members.so" | grep -qE 'lib(asan|ubsan)'; then
	ok "the normal installation is untouched: $PGLIB/members.so is not instrumented"
else
	not_ok "the normal installation is untouched: $PGLIB/members.so links a sanitizer runtime"
fi

[ "$failures" -eq 0 ]
