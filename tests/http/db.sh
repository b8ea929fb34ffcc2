# Shared by tests/suites/http_*.sh: a database with the extension and the
# PostgREST roles (postgrest/roles.sql).  Source it; needs PGHOST, PGPORT and
# PGUSER=postgres (tests/run-all.sh exports them).

# Python with Debian's python3-psycopg (not a pyenv shim earlier in PATH).
HTTP_PY=/usr/bin/python3

# http_make_db NAME ROOT: (re)create database NAME, CREATE EXTENSION members,
# run roles.sql in it.  Prints nothing on success.
http_make_db() {
	local db=$1 root=$2
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 &&
	createdb "$db" &&
	psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c 'CREATE EXTENSION members' >/dev/null &&
	psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$root/postgrest/roles.sql" >/dev/null
}

# http_drop_db NAME
http_drop_db() {
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" >/dev/null 2>&1 || true
}
