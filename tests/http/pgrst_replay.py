"""Replay of PostgREST's per-request SQL (v12.2 shape), for tests.

PostgREST cannot be installed from this project's package sources, so the
HTTP tests do not run it.  This module runs, for one HTTP request addressed
to PostgREST, exactly the statement sequence PostgREST v12 sends
(shared/spec/postgrest-contract.md, sections 2.2 and 2.4), connected as the
authenticator role, and derives the HTTP status, headers and body with
PostgREST's rules (sections 2.4 to 2.7):

  1. BEGIN ISOLATION LEVEL READ COMMITTED, READ ONLY for GET/HEAD and for
     POST to a STABLE/IMMUTABLE function, READ WRITE for POST to a VOLATILE
     one;
  2. one statement of set_config(..., true) calls: search_path, the
     impersonated role's own settings, role, request.jwt.claims,
     request.method, request.path, request.headers, request.cookies;
     values bound as untyped ("unknown") parameters;
  3. select "<schema>"."<pre-request>"();
  4. the RPC call as a CTE named pgrst_source, arguments through
     json_to_record over a json-typed parameter (or one unnamed json/jsonb
     parameter receiving the whole body), aggregated with json_agg, reading
     response.headers and response.status in the same statement;
  5. COMMIT, or ROLLBACK on error.

JWTs (HS256/384/512) are verified as PostgREST does when a secret is given.
It is not a PostgREST look-alike server: it is called in-process by the test
runners.  Only what the members API uses is covered: RPC with scalar
results (json, jsonb, void, text...).
"""

import base64
import hashlib
import hmac
import json
import re
import time
import urllib.parse

import psycopg
from psycopg.types.json import Json

RESERVED_KEYS = {"select", "columns", "on_conflict", "order", "limit", "offset", "and", "or"}


class Response:
    """What PostgREST would answer."""

    def __init__(self, status, headers=None, body=b"", sql=None, sqlstate=None):
        self.status = status
        self.headers = headers or {}
        self.body = body if isinstance(body, bytes) else body.encode()
        self.sql = sql or []
        self.sqlstate = sqlstate

    def json(self):
        if not self.body:
            return None
        return json.loads(self.body)

    def __repr__(self):
        return "Response(%d, %r)" % (self.status, self.body[:300])


def _error_body(code, message, details=None, hint=None):
    return json.dumps({"code": code, "details": details, "hint": hint, "message": message})


def _b64url_decode(s):
    s = s + "=" * (-len(s) % 4)
    return base64.urlsafe_b64decode(s.encode())


def _b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def make_jwt(claims, secret, alg="HS256"):
    """An HS256 JWT (for test fixtures)."""
    header = {"alg": alg, "typ": "JWT"}
    digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}[alg]
    signing = _b64url(json.dumps(header, separators=(",", ":")).encode()) + "." + \
        _b64url(json.dumps(claims, separators=(",", ":")).encode())
    sig = hmac.new(secret.encode(), signing.encode(), digest).digest()
    return signing + "." + _b64url(sig)


def pg_error_status(sqlstate, authenticated):
    """PostgREST's Error.hs pgErrorStatus (v12)."""
    c = sqlstate or ""
    if c.startswith("PT") and re.fullmatch(r"PT\d{3}", c):
        return int(c[2:])
    if c == "42501":
        return 403 if authenticated else 401
    table = [
        ("08", 503), ("09", 500), ("0L", 403), ("0P", 403),
        ("23503", 409), ("23505", 409), ("25006", 405), ("25", 500),
        ("28", 403), ("2D", 500), ("38", 500), ("39", 500), ("3B", 500),
        ("40", 500), ("53400", 500), ("53", 503), ("54", 500), ("55", 500),
        ("57P01", 503), ("57", 500), ("58", 500), ("F0", 500), ("HV", 500),
        ("P0001", 400), ("P0", 500), ("XX", 500), ("42883", 404),
        ("42P01", 404), ("42P17", 500), ("21000", 500),
    ]
    # longest prefix first
    for prefix, status in sorted(table, key=lambda t: -len(t[0])):
        if c.startswith(prefix):
            return status
    return 400


class Replayer:
    """Runs PostgREST's SQL for requests against one database."""

    def __init__(self, conninfo, schema="members_api", anon_role="members_web",
                 pre_request="members_api.authenticate", jwt_secret=None,
                 jwt_aud=None, extra_search_path=("public",), role_claim_key="role"):
        self.conninfo = conninfo
        self.schema = schema
        self.anon_role = anon_role
        self.pre_request = pre_request
        self.jwt_secret = jwt_secret
        self.jwt_aud = jwt_aud
        self.extra_search_path = list(extra_search_path)
        self.role_claim_key = role_claim_key
        self.conn = psycopg.connect(conninfo, autocommit=True)
        # PostgREST keeps connections; prepared statements per connection
        self.conn.prepare_threshold = 0

    def close(self):
        self.conn.close()

    # ---- authentication (Auth.hs) ----

    def _claims(self, headers):
        """(claims, role, error Response or None)."""
        auth = headers.get("authorization")
        if auth is None:
            return {}, self.anon_role, None
        m = re.match(r"^[Bb]earer (.*)$", auth)
        if not m:
            # other schemes are ignored by PostgREST
            return {}, self.anon_role, None
        token = m.group(1).strip()
        if not self.jwt_secret:
            return None, None, Response(500, {"Content-Type": "application/json; charset=utf-8"},
                                        _error_body("PGRST300", "Server lacks JWT secret"))

        def invalid(msg):
            return None, None, Response(
                401, {"Content-Type": "application/json; charset=utf-8",
                      "WWW-Authenticate": 'Bearer error="invalid_token", error_description="%s"' % msg},
                _error_body("PGRST301", msg))

        parts = token.split(".")
        if len(parts) != 3:
            return invalid("Expected 3 parts in JWT; got %d" % len(parts))
        try:
            header = json.loads(_b64url_decode(parts[0]))
            claims = json.loads(_b64url_decode(parts[1]))
            sig = _b64url_decode(parts[2])
        except Exception:
            return invalid("JWSError JWSInvalidSignature")
        digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384,
                  "HS512": hashlib.sha512}.get(header.get("alg"))
        if digest is None:
            return invalid("JWSError (JWSInvalidHeader \"unsupported algorithm\")")
        want = hmac.new(self.jwt_secret.encode(), (parts[0] + "." + parts[1]).encode(), digest).digest()
        if not hmac.compare_digest(want, sig):
            return invalid("JWSError JWSInvalidSignature")
        if not isinstance(claims, dict):
            return invalid("Parsing claims failed")
        now = time.time()
        skew = 30
        if "exp" in claims and now > claims["exp"] + skew:
            return invalid("JWT expired")
        if "nbf" in claims and now < claims["nbf"] - skew:
            return invalid("JWT not yet valid")
        if "iat" in claims and now < claims["iat"] - skew:
            return invalid("JWT issued at future")
        if self.jwt_aud is not None and "aud" in claims:
            aud = claims["aud"]
            auds = aud if isinstance(aud, list) else [aud]
            if self.jwt_aud not in auds:
                return invalid("JWT not in audience")
        role = claims.get(self.role_claim_key) or self.anon_role
        return claims, role, None

    # ---- the function (Plan.findProc) ----

    def _routines(self, cur, name):
        cur.execute(
            """SELECT p.oid, p.provolatile, p.proretset,
                      pg_catalog.format_type(p.prorettype, NULL) AS rettype,
                      t.typtype,
                      coalesce(p.proargnames, '{}'::text[]) AS argnames,
                      ARRAY(SELECT pg_catalog.format_type(a, NULL)
                              FROM unnest(p.proargtypes) WITH ORDINALITY AS x(a, i) ORDER BY i) AS argtypes,
                      p.pronargs, p.pronargdefaults
                 FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_type t ON t.oid = p.prorettype
                WHERE p.pronamespace = %s::regnamespace AND p.proname = %s""",
            (self.schema, name))
        out = []
        for oid, vol, retset, rettype, typtype, argnames, argtypes, nargs, ndefaults in cur.fetchall():
            params = []
            for i in range(nargs):
                pname = argnames[i] if i < len(argnames) else ""
                params.append({"name": pname, "type": argtypes[i], "required": i < nargs - ndefaults})
            out.append({"oid": oid, "volatile": vol == "v", "retset": retset, "rettype": rettype,
                        "composite": typtype == "c", "params": params})
        return out

    @staticmethod
    def _matches(routine, keys, is_post, content_type):
        params = routine["params"]
        if not params:
            return not keys
        if any(p["name"] == "" for p in params):
            return False
        req = {p["name"] for p in params if p["required"]}
        opt = {p["name"] for p in params if not p["required"]}
        if not opt:
            return keys == req
        if not req:
            return keys <= opt
        return (keys - opt) == req

    @staticmethod
    def _single_unnamed(routine, is_post, content_type):
        params = routine["params"]
        if not is_post or len(params) != 1 or params[0]["name"] != "":
            return False
        t = params[0]["type"]
        if content_type in ("application/json", ""):
            return t in ("json", "jsonb")
        if content_type == "text/plain":
            return t == "text"
        if content_type == "text/xml":
            return t == "xml"
        if content_type == "application/octet-stream":
            return t == "bytea"
        return False

    # ---- one request ----

    def request(self, method, path, query=None, headers=None, body=None):
        """method, path without query string, query as a list of (key, value)
        or a raw string, headers as a dict (any case), body as str/bytes."""
        headers = {k.lower(): v for k, v in (headers or {}).items()}
        if isinstance(query, str):
            query = urllib.parse.parse_qsl(query, keep_blank_values=True)
        query = list(query or [])
        if isinstance(body, bytes):
            body = body.decode()
        json_ct = {"Content-Type": "application/json; charset=utf-8"}

        m = re.fullmatch(r"/rpc/([^/]+)", path)
        if not m:
            return Response(404, json_ct, b"{}")
        fname = urllib.parse.unquote(m.group(1))
        if method == "OPTIONS":
            return Response(200, {"Allow": "OPTIONS,GET,HEAD,POST"}, b"")
        if method not in ("GET", "HEAD", "POST"):
            return Response(405, json_ct, _error_body(
                "PGRST101", "Only GET, HEAD or POST are allowed for RPC"))

        claims, role, err = self._claims(headers)
        if err is not None:
            return err
        authenticated = role != self.anon_role
        claims = dict(claims)
        claims.setdefault("role", role)

        is_post = method == "POST"
        content_type = (headers.get("content-type") or "application/json").split(";")[0].strip().lower()
        if is_post:
            payload = body if body not in (None, "") else "{}"
            try:
                parsed = json.loads(payload) if content_type == "application/json" else None
            except ValueError:
                return Response(400, json_ct, _error_body(
                    "PGRST102", "Empty or invalid json"))
            keys = set(parsed.keys()) if isinstance(parsed, dict) else set()
        else:
            args = {}
            for k, v in query:
                if k in RESERVED_KEYS:
                    continue
                args[k] = v
            keys = set(args.keys())
            payload = json.dumps(args)

        sql_log = []
        cur = self.conn.cursor()
        routines = self._routines(cur, fname)
        named = [r for r in routines if self._matches(r, keys, is_post, content_type)]
        unnamed = [r for r in routines if self._single_unnamed(r, is_post, content_type)]
        if len(named) == 1:
            routine, one_pos = named[0], False
        elif not named and len(unnamed) == 1:
            routine, one_pos = unnamed[0], True
        elif not named and not unnamed:
            return Response(404, json_ct, _error_body(
                "PGRST202",
                "Could not find the function %s.%s(%s) in the schema cache" % (
                    self.schema, fname, ", ".join(sorted(keys))),
                None, None))
        else:
            return Response(300, json_ct, _error_body(
                "PGRST203", "Could not choose the best candidate function"))
        if routine["retset"] or routine["composite"]:
            raise NotImplementedError("only scalar-returning functions are replayed")

        read_only = method in ("GET", "HEAD") or not routine["volatile"]
        qi = '"%s"."%s"' % (self.schema.replace('"', '""'), fname.replace('"', '""'))
        alias = '"%s"' % fname.replace('"', '""')

        if one_pos:
            call = "FROM (SELECT %s(%%s::%s) pgrst_scalar) pgrst_call" % (qi, routine["params"][0]["type"])
            call_params = [payload]
        else:
            spec = [p for p in routine["params"] if p["name"] in keys]
            if not spec:
                call = "FROM (SELECT %s() pgrst_scalar) pgrst_call" % qi
                call_params = []
            else:
                cols = ", ".join('"%s"' % p["name"] for p in spec)
                typed = ", ".join('"%s" %s' % (p["name"], p["type"]) for p in spec)
                named_args = ", ".join('"%s" := pgrst_body."%s"' % (p["name"], p["name"]) for p in spec)
                call = ("FROM (SELECT %%s AS json_data) pgrst_payload, "
                        "LATERAL (SELECT %s FROM json_to_record(pgrst_payload.json_data) AS _(%s) LIMIT 1) pgrst_body , "
                        "LATERAL (SELECT %s(%s) pgrst_scalar) pgrst_call") % (cols, typed, qi, named_args)
                call_params = [Json(payload, dumps=lambda x: x)]
        main = ("WITH pgrst_source AS (SELECT pgrst_call.pgrst_scalar " + call + ") "
                "SELECT null::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, "
                "coalesce(json_agg(_postgrest_t.pgrst_scalar)->0, 'null') AS body, "
                "nullif(current_setting('response.headers', true), '') AS response_headers, "
                "nullif(current_setting('response.status', true), '') AS response_status, "
                "'' AS response_inserted "
                "FROM (SELECT " + alias + ".* FROM \"pgrst_source\" AS " + alias + ") _postgrest_t")

        # request.headers: every header but Cookie; request.cookies: the cookies
        req_headers = {k: v for k, v in headers.items() if k != "cookie"}
        cookies = {}
        if "cookie" in headers:
            for part in headers["cookie"].split(";"):
                if "=" in part:
                    k, v = part.split("=", 1)
                    cookies[k.strip()] = v.strip()

        search_path = ", ".join('"%s"' % s.replace('"', '""') for s in [self.schema] + self.extra_search_path)
        set_items = ["set_config('search_path', %s, true)"]
        set_params = [search_path]
        cur.execute(
            """SELECT unnest(s.setconfig) FROM pg_catalog.pg_db_role_setting s
                WHERE s.setrole = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = %s)
                  AND s.setdatabase IN (0, (SELECT oid FROM pg_catalog.pg_database
                                             WHERE datname = current_database()))""", (role,))
        for (setting,) in cur.fetchall():
            k, v = setting.split("=", 1)
            set_items.append("set_config(%s, %s, true)")
            set_params += [k, v]
        for name, value in (("role", role),
                            ("request.jwt.claims", json.dumps(claims)),
                            ("request.method", method),
                            ("request.path", path),
                            ("request.headers", json.dumps(req_headers)),
                            ("request.cookies", json.dumps(cookies))):
            set_items.append("set_config('%s', %%s, true)" % name)
            set_params.append(value)
        set_sql = "select " + ", ".join(set_items)

        begin = "BEGIN ISOLATION LEVEL READ COMMITTED " + ("READ ONLY" if read_only else "READ WRITE")
        try:
            sql_log.append(begin)
            cur.execute(begin)
            sql_log.append(set_sql)
            cur.execute(set_sql, set_params, prepare=True)
            if self.pre_request:
                schema, _, fn = self.pre_request.rpartition(".")
                pre = 'select "%s"."%s"()' % (schema or self.schema, fn)
                sql_log.append(pre)
                cur.execute(pre, prepare=True)
            sql_log.append(main)
            cur.execute(main, call_params, prepare=True)
            row = cur.fetchone()
            sql_log.append("COMMIT")
            cur.execute("COMMIT")
        except psycopg.Error as e:
            try:
                self.conn.execute("ROLLBACK")
            except psycopg.Error:
                pass
            sql_log.append("ROLLBACK")
            return self._error_response(e, authenticated, sql_log)

        _, _, body_json, gheaders, gstatus, _ = row
        is_void = routine["rettype"] == "void"
        out_headers = {"Content-Range": "0-0/*"}
        if is_void:
            status, out_body = 204, b""
        else:
            status = 200
            out_headers["Content-Type"] = "application/json; charset=utf-8"
            out_body = b"" if method == "HEAD" else json.dumps(body_json).encode()
        if gstatus is not None:
            if not re.fullmatch(r"\d+", gstatus):
                return Response(500, json_ct, _error_body("PGRST112", "response.status guc must be a valid status code"), sql_log)
            status = int(gstatus)
        if gheaders is not None:
            try:
                items = json.loads(gheaders)
                assert isinstance(items, list) and all(isinstance(i, dict) and len(i) == 1 for i in items)
            except Exception:
                return Response(500, json_ct, _error_body("PGRST111", "response.headers guc must be a JSON array composed of objects with a single key and a string value"), sql_log)
            for item in items:
                out_headers.update(item)
        return Response(status, out_headers, out_body, sql_log)

    def _error_response(self, e, authenticated, sql_log):
        diag = e.diag
        code = diag.sqlstate or "XX000"
        message = diag.message_primary or str(e)
        details = diag.message_detail
        hint = diag.message_hint
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if code == "PGRST":
            try:
                m = json.loads(message)
                d = json.loads(details or "")
                assert isinstance(m, dict) and isinstance(m["code"], str) and isinstance(m["message"], str)
                assert isinstance(d, dict) and isinstance(d["status"], int) and isinstance(d["headers"], dict)
                for k in ("details", "hint"):
                    assert m.get(k) is None or isinstance(m.get(k), str)
            except Exception:
                return Response(500, headers, _error_body(
                    "PGRST121", "Could not parse JSON in the \"RAISE SQLSTATE 'PGRST'\" error"), sql_log, code)
            headers.update(d["headers"])
            return Response(d["status"], headers, _error_body(m["code"], m["message"], m.get("details"), m.get("hint")),
                            sql_log, code)
        status = pg_error_status(code, authenticated)
        if code == "42501" and not authenticated:
            headers["WWW-Authenticate"] = "Bearer"
        return Response(status, headers, _error_body(code, message, details, hint), sql_log, code)
