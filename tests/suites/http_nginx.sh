#!/usr/bin/env bash
# nginx for real: Debian's nginx runs postgrest/nginx.conf (on a free
# 127.0.0.1 port, under a temporary prefix) in front of a recording upstream;
# every Coder path and method must land on the intended /rpc/ call with the
# intended arguments (tests/http/routes.json), other methods get 405, bearer
# values are filtered, and Coder-shaped requests are chained through nginx
# into the PostgREST replay against a database (tests/http/nginx_check.py).
# Needs PGHOST/PGPORT/PGUSER=postgres of a running cluster with the extension
# installed.  Prints "ok - ..." / "not ok - ..." lines.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/http/db.sh"

DB=members_http_nginx
trap 'http_drop_db $DB' EXIT

if [ ! -x /usr/sbin/nginx ]; then
	echo "not ok - nginx: /usr/sbin/nginx is installed (package nginx-light)"
	exit 1
fi
if ! http_make_db "$DB" "$ROOT"; then
	echo "not ok - nginx: database with the extension and roles.sql"
	exit 1
fi

timeout 300 "$HTTP_PY" "$ROOT/tests/http/nginx_check.py" --db "$DB"
