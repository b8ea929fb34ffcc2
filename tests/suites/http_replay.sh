#!/usr/bin/env bash
# HTTP through PostgREST, replayed: every case of tests/http/cases/*.json is a
# request as a Coder client sends it; it is mapped as postgrest/nginx.conf
# maps it (tests/http/routes.json) and PostgREST's request handling (v12 and v13)
# and exact statement sequence is run for it as the authenticator role (tests/http/pgrst_replay.py),
# then status and body are derived by PostgREST's rules and compared.
# PostgREST itself is not run (it cannot be installed from the project's
# package sources).  Needs PGHOST/PGPORT/PGUSER=postgres of a running cluster
# with the extension installed.  Prints "ok - ..." / "not ok - ..." lines.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
. "$ROOT/tests/http/db.sh"

TPL=members_http_replay_tpl
trap 'http_drop_db $TPL' EXIT

if ! http_make_db "$TPL" "$ROOT"; then
	echo "not ok - replay: template database with the extension and roles.sql"
	exit 1
fi
echo "ok - replay: template database with the extension and roles.sql"

# Every case under both PostgREST versions whose request handling differs
# (v12.2 and v13.0: error codes, headers, an empty bearer token).
rc=0
for v in 12 13; do
	"$HTTP_PY" "$ROOT/tests/http/run_cases.py" --version $v --template "$TPL" \
		--prefix members_http_replay "$ROOT"/tests/http/cases/*.json || rc=1
done
# docs/http-statuses.md: every row is a case of 30_statuses.json
"$HTTP_PY" "$ROOT/tests/http/check_statuses.py" || rc=1
exit $rc
