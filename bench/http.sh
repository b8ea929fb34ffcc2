#!/usr/bin/env bash
# bench/http.sh: what does the database side of one HTTP request cost?
#
# Run as root from anywhere: bench/http.sh [seconds] [clients]
#   seconds  length of each pgbench run (default 10)
#   clients  pgbench connections (default 1: latency, not the machine's
#            throughput)
#
# Uses the cluster named by PGHOST/PGPORT if set, else installs what is
# missing, builds and installs the extension and starts a throwaway
# PostgreSQL 15 cluster (always stopped on exit).  In a database with the
# extension, postgrest/roles.sql, an organization of 50 members and a
# session token, pgbench replays, as members_authenticator and with
# prepared statements (PostgREST's default), exactly the statements
# PostgREST sends for one request to each endpoint:
#   BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY|READ WRITE;
#   select set_config('search_path', ...), set_config('role', ...),
#          set_config('request.jwt.claims', ...), ... (one statement);
#   select "members_api"."authenticate"();            -- the pre-request
#   WITH pgrst_source AS (SELECT ... "members_api"."<fn>"(...) ...) SELECT ...;
#   COMMIT;
# Baseline, in the same run (first and last, averaged): the same sequence
# calling a trivial RPC that returns '{}'::jsonb, with no pre-request.  A
# third sequence, the trivial RPC after the pre-request, isolates
# authenticate(); a fourth, members.organization_members() called directly
# (as a superuser with members.actor, one transaction, no HTTP), shows how
# much of the listing's cost is the listing itself; a fifth returns the
# listing's answer stored beforehand (the floor for an answer of that size
# through PostgREST's wrapping).  Prints requests per second and the ratio to the baseline
# per endpoint, and authenticate()'s cost in ms per request; compare
# ratios, not absolute numbers (other work on the machine moves both).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/tests/lib/common.sh"

SECONDS_PER_RUN=${1:-10}
CLIENTS=${2:-1}
DB=members_http_bench

members_bench_setup "$DB" "" "autovacuum = off"
PSQL=("$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$DB")
"${PSQL[@]}" -c "CREATE EXTENSION members"
"${PSQL[@]}" -f "$ROOT/postgrest/roles.sql" >/dev/null
"${PSQL[@]}" >/dev/null <<'SQL'
SELECT members.create_organization('acme', is_default => true);
SELECT members.create_user('admin', 'admin@example.com', site_roles => '{owner}');
INSERT INTO members.organization_members (organization_id, user_id, roles)
	SELECT o.id, u.id, '{organization-admin}' FROM members.organizations o, members.users u
	 WHERE o.name = 'acme' AND u.username = 'admin';
-- 49 more members: an organization of 50
SELECT count(members.create_user('m' || i, 'm' || i || '@example.com')) FROM generate_series(1, 49) i;
INSERT INTO members.organization_members (organization_id, user_id, roles)
	SELECT o.id, u.id, CASE WHEN u.username = 'm1' THEN '{organization-auditor}'::text[] ELSE '{}' END
	  FROM members.organizations o, members.users u
	 WHERE o.name = 'acme' AND u.username ~ '^m[0-9]+$';
-- the baseline RPC (in the exposed schema, as PostgREST would call it)
CREATE FUNCTION members_api.bench_trivial() RETURNS jsonb
	LANGUAGE sql STABLE AS $$ SELECT '{}'::jsonb $$;
GRANT EXECUTE ON FUNCTION members_api.bench_trivial() TO members_web;
ANALYZE;
SQL
TOKEN=$("$PG_BIN/psql" -X -At -d "$DB" -c "SELECT members.create_api_key('admin', '1 day')")
ORG_COUNT=$("$PG_BIN/psql" -X -At -d "$DB" -c \
	"SELECT count(*) FROM members.organization_members m JOIN members.organizations o ON o.id = m.organization_id WHERE o.name = 'acme'")

WORK=$(mktemp -d /tmp/members-http-bench.XXXXXX)
chmod 755 "$WORK"
trap 'rm -rf "$WORK"; members_bench_exit' EXIT

# script NAME METHOD MODE FUNCTION ARG PRE [BODY-HEADERS]: one request as
# PostgREST sends it.  ARG is the call's argument list ('' or '$1::text'
# shape written out); PRE is 1 to run the pre-request.
script() {
	local name=$1 method=$2 mode=$3 fn=$4 arg=$5 pre=$6 extra=${7:-}
	local headers="{\"accept\":\"application/json\",\"coder-session-token\":\"$TOKEN\",\"x-members-organization\":\"acme\"$extra}"
	{
		echo "BEGIN ISOLATION LEVEL READ COMMITTED $mode;"
		echo "select set_config('search_path', '\"members_api\", \"public\"', true), set_config('role', 'members_web', true), set_config('request.jwt.claims', '{\"role\":\"members_web\"}', true), set_config('request.method', '$method', true), set_config('request.path', '/rpc/$fn', true), set_config('request.headers', '$headers', true), set_config('request.cookies', '{}', true);"
		[ "$pre" = 1 ] && echo 'select "members_api"."authenticate"();'
		echo "WITH pgrst_source AS (SELECT pgrst_call.pgrst_scalar FROM (SELECT \"members_api\".\"$fn\"($arg) pgrst_scalar) pgrst_call) SELECT null::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, coalesce(json_agg(_postgrest_t.pgrst_scalar)->0, 'null') AS body, nullif(current_setting('response.headers', true), '') AS response_headers, nullif(current_setting('response.status', true), '') AS response_status, '' AS response_inserted FROM (SELECT \"$fn\".* FROM \"pgrst_source\" AS \"$fn\") _postgrest_t;"
		echo "COMMIT;"
	} >"$WORK/$name.sql"
}

script baseline GET "READ ONLY" bench_trivial "" 0
script authenticate GET "READ ONLY" bench_trivial "" 1
script organization_members GET "READ ONLY" organization_members "" 1
script paginated_members GET "READ ONLY" paginated_organization_members "" 1 ',"x-members-limit":"10","x-members-offset":"20"'
script organization_roles GET "READ ONLY" organization_roles "" 1
script site_roles GET "READ ONLY" site_roles "" 1
script update_member_roles POST "READ WRITE" update_organization_member_roles \
	"'{\"roles\":[\"organization-auditor\"]}'::text" 1 ',"x-members-user":"m1"'

ADMIN_ID=$("$PG_BIN/psql" -X -At -d "$DB" -c "SELECT id FROM members.users WHERE username = 'admin'")
# The floor for the listing: an RPC that returns the listing's answer, stored
# beforehand, through the same sequence (with the pre-request).  PostgREST's
# wrapping (json_agg over the jsonb, then ->0) costs in proportion to the
# answer's size, so no listing of this size can be cheaper than this line.
"${PSQL[@]}" >/dev/null <<SQL
SET members.actor = '$ADMIN_ID';
CREATE TABLE public.bench_answer AS SELECT members.organization_members('acme') AS doc;
GRANT SELECT ON public.bench_answer TO members_web;
CREATE FUNCTION members_api.bench_stored() RETURNS jsonb
	LANGUAGE sql STABLE AS \$\$ SELECT doc FROM public.bench_answer \$\$;
GRANT EXECUTE ON FUNCTION members_api.bench_stored() TO members_web;
SQL
script stored_answer GET "READ ONLY" bench_stored "" 1
printf "BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY;\nSELECT set_config('members.actor', '%s', true);\nSELECT members.organization_members('acme');\nCOMMIT;\n" \
	"$ADMIN_ID" >"$WORK/direct_members.sql"

# Every script must answer what PostgREST would send back, not an error body.
for s in organization_members paginated_members organization_roles site_roles update_member_roles; do
	out=$("$PG_BIN/psql" -X -At -v ON_ERROR_STOP=1 -U members_authenticator -d "$DB" -f "$WORK/$s.sql" 2>&1 | tail -n +2)
	case "$out" in
		*'"message"'*|*ERROR*) echo "bench/http.sh: $s does not answer: $out" >&2; exit 1 ;;
	esac
done

run() {
	local user=members_authenticator
	[ "$1" = direct_members ] && user=postgres
	"$PG_BIN/pgbench" -n -M prepared -U "$user" -c "$CLIENTS" -j "$CLIENTS" \
		-T "$SECONDS_PER_RUN" -f "$WORK/$1.sql" "$DB" 2>&1 |
		sed -n 's/^tps = \([0-9.]*\) .*/\1/p'
}

echo "HTTP path benchmark: $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs, pgbench -M prepared -c $CLIENTS -T $SECONDS_PER_RUN per line"
echo "server: $("$PG_BIN/psql" -X -At -d "$DB" -c 'SELECT version()')"
echo "organization of $ORG_COUNT members; each line: PostgREST's full statement sequence for one request"
declare -A TPS
b1=$(run baseline)
for s in authenticate organization_members direct_members stored_answer paginated_members organization_roles site_roles update_member_roles; do
	TPS[$s]=$(run "$s")
done
b2=$(run baseline)
base=$(awk -v a="$b1" -v b="$b2" 'BEGIN { printf "%.1f", (a + b) / 2 }')
printf '%-28s %10s %10s %8s\n' "request" "req/s" "ms/req" "ratio"
printf '%-28s %10s %10.3f %8s\n' "baseline (trivial RPC)" "$base" "$(awk -v t="$base" 'BEGIN { print 1000 / t }')" "1.00"
printf '%-28s %10s\n' "  (first, last baseline)" "$b1, $b2"
for s in authenticate organization_members direct_members stored_answer paginated_members organization_roles site_roles update_member_roles; do
	t=${TPS[$s]}
	label=$s
	[ "$s" = authenticate ] && label="pre-request + trivial RPC"
	[ "$s" = direct_members ] && label="  (listing alone, no HTTP)"
	[ "$s" = stored_answer ] && label="  (its answer, stored)"
	printf '%-28s %10s %10.3f %8.2f\n' "$label" "$t" "$(awk -v t="$t" 'BEGIN { print 1000 / t }')" \
		"$(awk -v t="$t" -v b="$base" 'BEGIN { print b / t }')"
done
awk -v a="${TPS[authenticate]}" -v b="$base" 'BEGIN {
	printf "authenticate(): %.3f ms per request (goal <= 0.2)\n", 1000 / a - 1000 / b }'
awk -v a="${TPS[organization_members]}" -v b="$base" 'BEGIN {
	printf "members of a %d-member organization: %.2fx the trivial request (goal <= 2)\n", '"$ORG_COUNT"', b / a }'
