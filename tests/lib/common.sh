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
