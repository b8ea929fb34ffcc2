# Shared by tests/run-all.sh, demo/run.sh and bench scripts: install what is
# missing, build and install the extension, start and stop a throwaway
# PostgreSQL 15 cluster.  Source it; it defines functions and sets nothing
# else.  Runs as root (the server itself runs as the postgres OS user).

# MEMBERS_PG_BIN picks another (relocated) copy of the PostgreSQL 15
# installation, so that several work trees can install and test their own
# build side by side; the default is Debian's.
PG_BIN=${MEMBERS_PG_BIN:-/usr/lib/postgresql/15/bin}
PG_CONFIG=$PG_BIN/pg_config
export PG_CONFIG PG_BIN

# Debian packages every suite needs.
MEMBERS_APT_PACKAGES="postgresql-15 postgresql-server-dev-15 postgresql-contrib uuid-dev build-essential libipc-run-perl nginx-light python3 python3-psycopg jq"

log() { printf '==> %s\n' "$*" >&2; }

# Install the missing packages (apt-get update only when something is missing).
members_install_deps() {
	local missing=()
	for p in $MEMBERS_APT_PACKAGES; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		log "installing: ${missing[*]}"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq
		apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	fi
	# Debian's postgresql package may start its own cluster; ours is separate.
}

# Build and install the extension from the repository root ($1).
members_build_install() {
	local root=$1
	log "building and installing the extension"
	make -C "$root" -s PG_CONFIG="$PG_CONFIG" >/dev/null
	make -C "$root" -s PG_CONFIG="$PG_CONFIG" install >/dev/null
}

# Pick a free TCP port on loopback.
members_free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Start a throwaway cluster; sets PGHOST, PGPORT, PGUSER, PGDATABASE and
# MEMBERS_TMP.  Extra postgresql.conf lines may be passed as arguments.
members_cluster_start() {
	MEMBERS_TMP=$(mktemp -d /tmp/members-test.XXXXXX)
	chmod 755 "$MEMBERS_TMP"
	mkdir -p "$MEMBERS_TMP/sock"
	chown -R postgres:postgres "$MEMBERS_TMP"
	local port
	port=$(members_free_port)
	runuser -u postgres -- "$PG_BIN/initdb" -D "$MEMBERS_TMP/data" -A trust -U postgres \
		--no-sync -E UTF8 --locale=C.UTF-8 >"$MEMBERS_TMP/initdb.log" 2>&1 || {
		cat "$MEMBERS_TMP/initdb.log" >&2; return 1; }
	{
		echo "listen_addresses = ''"
		echo "port = $port"
		echo "unix_socket_directories = '$MEMBERS_TMP/sock'"
		echo "fsync = off"
		echo "max_connections = 50"
		echo "max_prepared_transactions = 10"
		for line in "$@"; do echo "$line"; done
	} >>"$MEMBERS_TMP/data/postgresql.conf"
	runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$MEMBERS_TMP/data" -l "$MEMBERS_TMP/server.log" -w start >/dev/null || {
		cat "$MEMBERS_TMP/server.log" >&2; return 1; }
	export PGHOST="$MEMBERS_TMP/sock" PGPORT="$port" PGUSER=postgres PGDATABASE=postgres
	log "PostgreSQL 15 running on socket $PGHOST port $PGPORT"
}

# Stop the throwaway cluster and remove its files (safe to call twice).
members_cluster_stop() {
	if [ -n "${MEMBERS_TMP:-}" ] && [ -d "$MEMBERS_TMP/data" ]; then
		runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$MEMBERS_TMP/data" -m immediate -w stop >/dev/null 2>&1 || true
		rm -rf "$MEMBERS_TMP"
	fi
	MEMBERS_TMP=
}

# For benchmarks (bench/*.sh): use the cluster named by PGHOST when there is
# one (as when a suite of tests/run-all.sh runs the benchmark), else install,
# build and start a throwaway cluster with the extra postgresql.conf lines
# given.  Then (re)create database $1.  At exit the database is dropped
# (unless $2, the name of a "keep it" variable, is set to something) and a
# cluster started here is stopped.  Sets MEMBERS_BENCH_OWN_CLUSTER=1 when it
# started the cluster.
members_bench_setup() {
	MEMBERS_BENCH_DB=$1
	MEMBERS_BENCH_KEEP=${2:-}
	shift 2
	MEMBERS_BENCH_OWN_CLUSTER=
	trap members_bench_exit EXIT
	if [ -z "${PGHOST:-}" ]; then
		members_install_deps || return 1
		members_build_install "$ROOT" || return 1
		MEMBERS_BENCH_OWN_CLUSTER=1
		members_cluster_start "$@" || return 1
	fi
	export PGUSER=${PGUSER:-postgres}
	"$PG_BIN/psql" -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$MEMBERS_BENCH_DB\" WITH (FORCE)" \
		>/dev/null || return 1
	"$PG_BIN/createdb" "$MEMBERS_BENCH_DB"
}

members_bench_exit() {
	if [ -z "$MEMBERS_BENCH_KEEP" ] || [ -z "${!MEMBERS_BENCH_KEEP:-}" ]; then
		"$PG_BIN/psql" -X -q -d postgres \
			-c "DROP DATABASE IF EXISTS \"$MEMBERS_BENCH_DB\" WITH (FORCE)" >/dev/null 2>&1 || true
	fi
	[ -z "$MEMBERS_BENCH_OWN_CLUSTER" ] || members_cluster_stop
}

# For suites (tests/suites/*.sh): "members_suite_needs NAME [long]" prints
# the skip line and exits 0 when a long suite runs without
# MEMBERS_LONG_TESTS=1, and fails when no cluster is named by PGHOST/PGPORT.
members_suite_needs() {
	local name=$1 long=${2:-}
	if [ -n "$long" ] && [ "${MEMBERS_LONG_TESTS:-}" != "1" ]; then
		echo "ok - skipped: set MEMBERS_LONG_TESTS=1 to run the $name suite ($long)"
		exit 0
	fi
	if [ -z "${PGHOST:-}" ] || [ -z "${PGPORT:-}" ]; then
		echo "not ok - $name: PGHOST and PGPORT must point at a running cluster"
		exit 1
	fi
}
