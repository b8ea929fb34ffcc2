"""Run HTTP case files through the PostgREST replay (tests/http/pgrst_replay.py).

Each case file (tests/http/cases/*.json) gets a fresh database copied from a
template that has the extension and postgrest/roles.sql, its fixtures are
made as the superuser, then each case runs in order:

  {"name": "...",
   "request": {"method": "GET", "path": "/api/v2/...", "headers": {...}, "body": ...},
   "before_sql": ["UPDATE ...", ...],                -- as superuser, before the request
   "expect": {"status": 200, "body": ..., "match": "exact" | "subset", "headers": {...},
              "status_not": [401], "begin": "READ ONLY" | "READ WRITE",
              "body_len": N, "body_first": {...subset of element 0}},
   "check_sql": ["SELECT <boolean>", ...],          -- as superuser, after the request
   "eventually_sql": ["SELECT <boolean>", ...]}     -- polled for up to 10 s

"request" is what a Coder client sends; it goes through the nginx mapping of
tests/http/routes.json (coder_routes.py) and then PostgREST's SQL is replayed.
"pgrst_request" instead addresses PostgREST directly ({"method", "path",
"query", "headers", "body"}).  A case may also be plain SQL run as a role:
  {"name": "...", "sql_as": "members_web" | "members_authenticator",
   "sql": "..." or ["...", ...] (the last one's value counts),
   "expect_sqlstate": "42501" | "expect_value": ..., "check_sql": [...]}

Per case: "versions": [13] runs it under those PostgREST versions only;
"expect_v12" / "expect_v13" are merged over "expect" under that version.
Per file: "setup_sql": [...] runs as the superuser before the replay
connects (database or role settings the authenticator's sessions get);
"teardown_sql": [...] at the end (roles are cluster-wide).  {{db}} is the
file's database.

Templates in strings: {{id:NAME}} (user or organization made by a fixture),
{{token:NAME}}, {{key_id:NAME}}, {{jwt:USER}}, {{jwt_expired:USER}},
{{jwt_forged:USER}}, {{jwt_sub:TEXT}}, {{jwt_role:ROLE}}.  Matchers in expected bodies:
{{any}}, {{uuid}}, {{timestamp}}, {{session_token}}, {{re:REGEX}}.

Prints TAP-like "ok - ..." / "not ok - ..." lines; exit status 1 on failure.
"""

import argparse
import json
import os
import re
import sys
import time

import psycopg

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import coder_routes  # noqa: E402
import pgrst_replay  # noqa: E402

JWT_SECRET = "members-http-test-secret-0123456789abcdef"
UUID_RE = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
TS_RE = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$"
TOKEN_RE = r"^[a-zA-Z0-9]{10}-[a-zA-Z0-9]{22}$"


class Context:
    def __init__(self):
        self.ids = {}
        self.tokens = {}

    def jwt(self, sub, exp_offset=3600, secret=JWT_SECRET):
        now = int(time.time())
        claims = {"sub": sub, "role": "members_web", "iat": now - 10, "exp": now + exp_offset}
        return pgrst_replay.make_jwt(claims, secret)

    def expand(self, value):
        if isinstance(value, str):
            return re.sub(r"\{\{(\w+):([^}]*)\}\}", self._sub, value)
        if isinstance(value, list):
            return [self.expand(v) for v in value]
        if isinstance(value, dict):
            return {self.expand(k): self.expand(v) for k, v in value.items()}
        return value

    def _sub(self, m):
        kind, arg = m.group(1), m.group(2)
        if kind == "id":
            return self.ids[arg]
        if kind == "token":
            return self.tokens[arg]
        if kind == "key_id":
            return self.tokens[arg].split("-")[0]
        if kind == "jwt":
            return self.jwt(self.ids[arg])
        if kind == "jwt_expired":
            return self.jwt(self.ids[arg], exp_offset=-3600)
        if kind == "jwt_forged":
            return self.jwt(self.ids[arg], secret="not-the-secret-not-the-secret-000000")
        if kind == "jwt_sub":
            return self.jwt(arg)
        if kind == "jwt_role":
            now = int(time.time())
            return pgrst_replay.make_jwt({"sub": "x", "role": arg, "exp": now + 3600}, JWT_SECRET)
        return m.group(0)  # matchers stay


def match(expected, actual, subset, path="$"):
    """None if actual matches expected, else a description of the mismatch."""
    if isinstance(expected, str) and expected.startswith("{{") and expected.endswith("}}"):
        inner = expected[2:-2]
        if inner == "any":
            return None
        pattern = {"uuid": UUID_RE, "timestamp": TS_RE, "session_token": TOKEN_RE}.get(inner)
        if inner.startswith("re:"):
            pattern = inner[3:]
        if pattern is not None:
            if isinstance(actual, str) and re.search(pattern, actual):
                return None
            return "%s: %r does not match %s" % (path, actual, expected)
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return "%s: expected an object, got %r" % (path, actual)
        if not subset and set(expected) != set(actual):
            return "%s: keys %s != expected %s" % (path, sorted(actual), sorted(expected))
        for k, v in expected.items():
            if k not in actual:
                return "%s: missing key %r" % (path, k)
            r = match(v, actual[k], subset, path + "." + k)
            if r:
                return r
        return None
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(expected) != len(actual):
            return "%s: expected %r, got %r" % (path, expected, actual)
        for i, (e, a) in enumerate(zip(expected, actual)):
            r = match(e, a, subset, "%s[%d]" % (path, i))
            if r:
                return r
        return None
    if expected != actual:
        return "%s: expected %r, got %r" % (path, expected, actual)
    return None


def body_of(resp):
    """The response body as JSON, or as text when it is not JSON (None if empty)."""
    if not resp.body:
        return None
    try:
        return resp.json()
    except ValueError:
        return resp.body.decode(errors="replace")


def run_fixtures(admin, ctx, steps):
    cur = admin.cursor()
    for step in steps:
        if "org" in step:
            cur.execute("SELECT members.create_organization(%s, display_name => %s, is_default => %s)",
                        (step["org"], step.get("display_name"), step.get("default", False)))
            ctx.ids[step["org"]] = cur.fetchone()[0]["id"]
        elif "user" in step and "token" not in step:
            cur.execute("SELECT members.create_user(%s, %s, name => %s, site_roles => %s, status => %s)",
                        (step["user"], step.get("email", step["user"] + "@example.com"),
                         step.get("name", ""), step.get("site_roles", []), step.get("status", "active")))
            ctx.ids[step["user"]] = cur.fetchone()[0]["id"]
        elif "token" in step:
            cur.execute("SELECT members.create_api_key(%s, %s::interval)",
                        (step["user"], step.get("lifetime", "7 days")))
            ctx.tokens[step["token"]] = cur.fetchone()[0]
        elif "member" in step:
            m = step["member"]
            cur.execute("INSERT INTO members.organization_members (organization_id, user_id, roles) "
                        "VALUES (%s, %s, %s)", (ctx.ids[m["org"]], ctx.ids[m["user"]], m.get("roles", [])))
        elif "sql" in step:
            cur.execute(ctx.expand(step["sql"]))
        else:
            raise ValueError("unknown fixture step %r" % step)


def sql_true(admin, sql):
    with admin.cursor() as cur:
        cur.execute(sql)
        row = cur.fetchone()
        return row is not None and row[0] is True


def run_http_case(case, ctx, replayer, admin, label):
    problems = []
    for q in case.get("before_sql", []):
        admin.execute(ctx.expand(q))
    if "request" in case:
        req = ctx.expand(case["request"])
        body = req.get("body")
        if body is not None and not isinstance(body, str):
            body = json.dumps(body)
        mapped = coder_routes.to_postgrest(req["method"], req["path"], req.get("headers", {}), body)
        if mapped["kind"] == "local":
            status, actual_body, headers = mapped["status"], mapped["body"], {}
            sql = []
        else:
            resp = replayer.request(mapped["method"], mapped["path"], mapped["query"],
                                    mapped["headers"], mapped["body"])
            status, headers, sql = resp.status, resp.headers, resp.sql
            actual_body = body_of(resp)
    else:
        req = ctx.expand(case["pgrst_request"])
        body = req.get("body")
        if body is not None and not isinstance(body, str):
            body = json.dumps(body)
        resp = replayer.request(req["method"], req["path"], req.get("query", ""),
                                req.get("headers", {}), body)
        status, headers, sql = resp.status, resp.headers, resp.sql
        actual_body = body_of(resp)

    expect = dict(case["expect"])
    expect.update(case.get("expect_v%d" % replayer.version, {}))
    expect = ctx.expand(expect)
    if "status" in expect and status != expect["status"]:
        problems.append("status %d, expected %d" % (status, expect["status"]))
    if status in expect.get("status_not", []):
        problems.append("status %d, expected anything but %s" % (status, expect["status_not"]))
    if "begin" in expect and not (sql and sql[0].endswith(expect["begin"])):
        problems.append("transaction began %r, expected %s" % (sql[0] if sql else None, expect["begin"]))
    if "body" in expect:
        r = match(expect["body"], actual_body, expect.get("match") == "subset")
        if r:
            problems.append("body: " + r)
    if "body_len" in expect and not (isinstance(actual_body, list) and len(actual_body) == expect["body_len"]):
        problems.append("body is not a list of %d" % expect["body_len"])
    if "body_first" in expect:
        r = match(expect["body_first"], (actual_body or [None])[0] if isinstance(actual_body, list) else None, True)
        if r:
            problems.append("first element: " + r)
    for k, v in expect.get("headers", {}).items():
        if headers.get(k) != v:
            problems.append("header %s: %r, expected %r" % (k, headers.get(k), v))
    for q in case.get("check_sql", []):
        if not sql_true(admin, ctx.expand(q)):
            problems.append("check failed: " + q)
    for q in case.get("eventually_sql", []):
        deadline = time.time() + 10
        while not sql_true(admin, ctx.expand(q)):
            if time.time() > deadline:
                problems.append("never became true: " + q)
                break
            time.sleep(0.1)
    if problems:
        print("not ok - %s" % label)
        for p in problems:
            print("#   " + p)
        print("#   response: %d %s" % (status, json.dumps(actual_body)[:600]))
        for s in sql:
            print("#   sql: " + s[:300])
        return False
    print("ok - %s" % label)
    return True


def run_sql_case(case, ctx, dbname, admin, label):
    conn = psycopg.connect(dbname=dbname, user="members_authenticator", autocommit=True)
    try:
        cur = conn.cursor()
        cur.execute("BEGIN")
        if case["sql_as"] != "members_authenticator":
            cur.execute('SET LOCAL ROLE "%s"' % case["sql_as"].replace('"', '""'))
        got_state, got_value = None, None
        statements = case["sql"] if isinstance(case["sql"], list) else [case["sql"]]
        try:
            for stmt in statements:
                cur.execute(ctx.expand(stmt))
            got_value = cur.fetchone()[0] if cur.description else None
        except psycopg.Error as e:
            got_state = e.diag.sqlstate
        conn.execute("ROLLBACK")
    finally:
        conn.close()
    ok = True
    if "expect_sqlstate" in case:
        ok = got_state == case["expect_sqlstate"]
    elif "expect_value" in case:
        ok = got_state is None and got_value == ctx.expand(case["expect_value"])
    failed_checks = [q for q in case.get("check_sql", []) if not sql_true(admin, ctx.expand(q))]
    ok = ok and not failed_checks
    print(("ok - %s" if ok else "not ok - %s") % label)
    if not ok:
        print("#   got sqlstate %r value %r" % (got_state, got_value))
        for q in failed_checks:
            print("#   check failed: " + q)
    return ok


def run_file(path, template, prefix, n, version):
    name = os.path.splitext(os.path.basename(path))[0]
    with open(path) as f:
        spec = json.load(f)
    dbname = "%s_%d" % (prefix, n)
    admin0 = psycopg.connect(dbname="postgres", user="postgres", autocommit=True)
    admin0.execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % dbname)
    admin0.execute('CREATE DATABASE "%s" TEMPLATE "%s"' % (dbname, template))
    ok_all = True
    admin = psycopg.connect(dbname=dbname, user="postgres", autocommit=True)
    for q in spec.get("setup_sql", []):
        admin.execute(q.replace("{{db}}", dbname))
    replayer = pgrst_replay.Replayer("dbname=%s user=members_authenticator" % dbname,
                                     jwt_secret=JWT_SECRET, version=version)
    try:
        ctx = Context()
        run_fixtures(admin, ctx, spec.get("fixtures", []))
        for case in spec["cases"]:
            if version not in case.get("versions", [12, 13]):
                continue
            label = "replay v%d %s: %s" % (version, name, case["name"])
            try:
                if "sql_as" in case:
                    ok = run_sql_case(case, ctx, dbname, admin, label)
                else:
                    ok = run_http_case(case, ctx, replayer, admin, label)
            except Exception as e:  # a broken case fails, the run goes on
                print("not ok - %s" % label)
                print("#   %s: %s" % (type(e).__name__, e))
                ok = False
            ok_all = ok_all and ok
    finally:
        replayer.close()
        for q in spec.get("teardown_sql", []):
            admin.execute(q.replace("{{db}}", dbname))
        admin.close()
        admin0.execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % dbname)
        admin0.close()
    return ok_all


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--template", required=True)
    ap.add_argument("--prefix", default="members_http_case")
    ap.add_argument("--version", type=int, choices=(12, 13), default=12,
                    help="the PostgREST version whose request handling is replayed")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    ok = True
    for n, f in enumerate(sorted(args.files)):
        ok = run_file(f, args.template, args.prefix, n, args.version) and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
