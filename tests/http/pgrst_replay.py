"""Replay of PostgREST's request handling (v12.2 or v13.0), for tests.

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

Before any SQL it parses the request as PostgREST does (read from v12.2.12
and v13.0.x: ApiRequest.hs, QueryParams.hs, Plan.hs, Auth.hs, Error.hs):
  - the query string: strict UTF-8 (500 otherwise), reserved keys, every
    other key a filter when its value has an operator prefix (eq., in.,
    is., not. ...; a malformed one is 400 PGRST100), else an argument
    (GET) or PGRST100 (POST);
  - the body by Content-Type: application/json parsed into payload
    attributes (empty = {}, invalid = PGRST102, an array of objects with
    the same keys, a scalar = [], other arrays PGRST102 "All object keys
    must match"); text/plain, text/xml, octet-stream raw for a function
    with a single parameter of that type;
  - Authorization as wai-extra's extractBearerAuth (scheme in any case,
    whitespace skipped); an empty token is anonymous in v12, PGRST301 in v13.
JWTs (HS256/384/512) are verified as PostgREST does when a secret is given;
version 13 answers claim failures with PGRST303, adds Proxy-Status to
every error and answers 22023 "role ... does not exist" with 401.  Role
settings come from pg_roles.rolconfig of the roles the authenticator is a
member of, filtered and lower-cased as Config/Database.hs does, read once
(PostgREST reads them at startup).
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

RESERVED_KEYS = {"select", "columns", "on_conflict"}
RESERVED_EMBEDDABLE = {"order", "limit", "offset", "and", "or"}
# QueryParams.hs: operators a filter value may start with
OPERATORS = {"eq", "gte", "gt", "lte", "lt", "neq", "like", "ilike", "match", "imatch", "in", "is",
             "isdistinct", "cs", "cd", "ov", "sl", "sr", "nxr", "nxl", "adj",
             "fts", "plfts", "phfts", "wfts"}
JSON_CT = {"Content-Type": "application/json; charset=utf-8"}


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


def pg_error_status(sqlstate, authenticated, version=12, message=""):
    """PostgREST's Error.hs pgErrorStatus (v12; v13 adds 22023 role)."""
    c = sqlstate or ""
    if version >= 13 and c == "22023" and message.startswith("role") and message.endswith("does not exist"):
        return 401
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
    """Runs PostgREST's handling of requests against one database."""

    def __init__(self, conninfo, schema="members_api", anon_role="members_web",
                 pre_request="members_api.authenticate", jwt_secret=None,
                 jwt_aud=None, extra_search_path=("public",), role_claim_key="role", version=12):
        if version not in (12, 13):
            raise ValueError("version must be 12 or 13")
        self.version = version
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
        self.role_settings, self.role_isolation = self._query_role_settings()

    def close(self):
        self.conn.close()

    def _query_role_settings(self):
        """Config/Database.hs queryRoleSettings: the settings of every role
        the authenticator is a member of, from pg_roles.rolconfig (not per
        database), values lower-cased, only settings of context "user" or
        that the authenticator may SET; default_transaction_isolation kept
        apart as the role's isolation level."""
        cur = self.conn.cursor()
        cur.execute("""
            WITH role_setting AS (
              SELECT r.rolname, unnest(r.rolconfig) AS setting
                FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles r ON r.oid = m.roleid
               WHERE m.member = current_user::regrole::oid),
            kv AS (
              SELECT rolname, substr(setting, 1, strpos(setting, '=') - 1) AS key,
                     lower(substr(setting, strpos(setting, '=') + 1)) AS value
                FROM role_setting)
            SELECT kv.rolname, kv.key, kv.value
              FROM kv JOIN pg_catalog.pg_settings ps ON ps.name = kv.key
                   AND (ps.context = 'user' OR has_parameter_privilege(current_user::regrole::oid, ps.name, 'set'))
             ORDER BY 1, 2""")
        settings, iso = {}, {}
        for rolname, key, value in cur.fetchall():
            if key == "default_transaction_isolation":
                iso[rolname] = value
            else:
                settings.setdefault(rolname, []).append((key, value))
        return settings, iso

    # ---- errors (Error.hs) ----

    def _err(self, status, code, message, details=None, hint=None, headers=None, sql=None, sqlstate=None):
        h = dict(JSON_CT)
        h.update(headers or {})
        if self.version >= 13:
            h["Proxy-Status"] = "PostgREST; error=%s" % code
        return Response(status, h, _error_body(code, message, details, hint), sql, sqlstate)

    # ---- authentication (Auth.hs, wai-extra extractBearerAuth) ----

    @staticmethod
    def bearer_token(value):
        """wai-extra's extractBearerAuth: None when the header is absent or
        its scheme is not "bearer" (any case); else the rest after the
        whitespace that follows the scheme (possibly empty)."""
        if value is None:
            return None
        m = re.match(r"^(\S*)(.*)$", value, re.S)
        if m.group(1).lower() != "bearer":
            return None
        return m.group(2).lstrip(" \t\r\n\f\v")

    def _claims(self, headers):
        """(claims, role, error Response or None)."""
        token = self.bearer_token(headers.get("authorization"))
        if token is None or (token == "" and self.version == 12):
            # v12: fromMaybe "" -> anonymous; v13: Nothing -> anonymous
            return {}, self.anon_role, None

        def decode_error(msg):
            return None, None, self._err(
                401, "PGRST301", msg,
                headers={"WWW-Authenticate": 'Bearer error="invalid_token", error_description="%s"' % msg})

        def claims_error(msg):
            # v12: every JWT failure is PGRST301; v13: claim failures PGRST303
            return None, None, self._err(
                401, "PGRST303" if self.version >= 13 else "PGRST301", msg,
                headers={"WWW-Authenticate": 'Bearer error="invalid_token", error_description="%s"' % msg})

        if token == "":
            return decode_error("Empty JWT is sent in Authorization header")
        if not self.jwt_secret:
            return None, None, self._err(500, "PGRST300", "Server lacks JWT secret")
        parts = token.split(".")
        if len(parts) != 3:
            return decode_error("Expected 3 parts in JWT; got %d" % len(parts)
                                if self.version >= 13 else "JWSError (CompactDecodeError Invalid number of parts)")
        try:
            header = json.loads(_b64url_decode(parts[0]))
            claims = json.loads(_b64url_decode(parts[1]))
            sig = _b64url_decode(parts[2])
        except Exception:
            return decode_error("JWT couldn't be decoded" if self.version >= 13 else "JWSError JWSInvalidSignature")
        digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384,
                  "HS512": hashlib.sha512}.get(header.get("alg") if isinstance(header, dict) else None)
        if digest is None:
            return decode_error("Wrong or unsupported encoding algorithm" if self.version >= 13
                                else "JWSError (JWSInvalidHeader \"unsupported algorithm\")")
        want = hmac.new(self.jwt_secret.encode(), (parts[0] + "." + parts[1]).encode(), digest).digest()
        if not hmac.compare_digest(want, sig):
            return decode_error("JWT cryptographic operation failed" if self.version >= 13
                                else "JWSError JWSInvalidSignature")
        if not isinstance(claims, dict):
            return claims_error("Parsing claims failed")
        now = time.time()
        skew = 30
        v12 = self.version == 12
        if "exp" in claims and now > claims["exp"] + skew:
            return claims_error("JWT expired")
        if "nbf" in claims and now < claims["nbf"] - skew:
            return claims_error("JWTNotYetValid" if v12 else "JWT not yet valid")
        if "iat" in claims and now < claims["iat"] - skew:
            return claims_error("JWTIssuedAtFuture" if v12 else "JWT issued at future")
        if self.jwt_aud is not None and claims.get("aud") not in (None, []):
            aud = claims["aud"]
            auds = aud if isinstance(aud, list) else [aud]
            if self.jwt_aud not in auds:
                return claims_error("JWTNotInAudience" if v12 else "JWT not in audience")
        role = claims.get(self.role_claim_key)
        if role is None:
            role = self.anon_role
        elif not isinstance(role, str):
            role = json.dumps(role)
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
            return not keys and not (is_post and content_type in ("application/octet-stream",
                                                                    "text/plain", "text/xml"))
        req = {p["name"] for p in params if p["required"]}
        opt = {p["name"] for p in params if not p["required"]}
        if not opt:
            return keys == req
        if not req:
            return keys <= opt
        return (keys - opt) == req

    @staticmethod
    def _single_unnamed(routine, is_post, content_type):
        """Plan.hs hasSingleUnnamedParam: any function of exactly one
        parameter, on POST, by content type and parameter type."""
        params = routine["params"]
        if not is_post or len(params) != 1:
            return False
        return (content_type, params[0]["type"]) in {
            ("application/json", "json"), ("application/json", "jsonb"), ("text/plain", "text"),
            ("text/xml", "xml"), ("application/octet-stream", "bytea")}

    # ---- the query string (QueryParams.hs) ----

    def _parse_query(self, raw_query, is_rpc_read):
        """(arguments dict, filters list of (key, op, value), limit, offset)
        or an error Response."""
        pairs = []
        for part in (raw_query or "").split("&"):
            if part == "":
                continue
            k, _, v = part.partition("=")
            try:
                k = urllib.parse.unquote_to_bytes(k.replace("+", " ")).decode("utf-8", "strict")
                v = urllib.parse.unquote_to_bytes(v.replace("+", " ")).decode("utf-8", "strict")
            except UnicodeDecodeError:
                # T.decodeUtf8 throws: warp answers 500 with a plain text body
                return Response(500, {"Content-Type": "text/plain; charset=utf-8"}, b"Something went wrong")
            pairs.append((k, v))
        args, filters, limit, offset = {}, [], None, None
        for k, v in pairs:
            last = k.split(".")[-1]
            if k in RESERVED_KEYS:
                continue
            if last in RESERVED_EMBEDDABLE:
                if last in ("limit", "offset"):
                    if not re.fullmatch(r"[0-9]+", v):
                        return self._err(400, "PGRST100", "\"failed to parse %s parameter (%s)\"" % (last, v))
                    if k == "limit":
                        limit = int(v)
                    elif k == "offset":
                        offset = int(v)
                continue
            if v == "":
                continue  # nonemptyParams
            m = re.match(r"^(not\.)?([a-z]+)(\((any|all)\))?\.(.*)$", v, re.S)
            if m and m.group(2) in OPERATORS:
                op, val = m.group(2), m.group(5)
                ok = True
                if op == "in":
                    ok = bool(re.fullmatch(r"\(.*\)", val, re.S))
                elif op == "is":
                    ok = val.lower() in ("null", "not_null", "true", "false", "unknown")
                if not ok:
                    return self._err(400, "PGRST100", "\"failed to parse filter (%s)\" (line 1, column %d)"
                                     % (v, len(v) + 1), "unexpected end of input")
                filters.append((k, op, val))
            elif v.startswith("not.") or (m and not is_rpc_read):
                return self._err(400, "PGRST100", "\"failed to parse filter (%s)\" (line 1, column 1)" % v,
                                 "unexpected \"%s\" expecting operator" % v[:1])
            elif is_rpc_read:
                args[k] = v
            else:
                return self._err(400, "PGRST100", "\"failed to parse filter (%s)\" (line 1, column 1)" % v,
                                 "unexpected \"%s\" expecting \"not\" or operator" % v[:1])
        return args, filters, limit, offset

    # ---- the body (ApiRequest.hs getPayload / payloadAttributes) ----

    def _payload(self, body, content_type):
        """(raw text bound to the query, keys, is_object) or an error Response."""
        raw = body or ""
        if content_type == "application/json":
            if raw == "":
                return "", set(), True  # emptyObject, but the raw (empty) body is bound
            try:
                parsed = json.loads(raw)
            except ValueError:
                return self._err(400, "PGRST102", "Empty or invalid json")
            if isinstance(parsed, dict):
                return raw, set(parsed.keys()), True
            if isinstance(parsed, list):
                if not parsed:
                    return "[]", set(), False
                if not isinstance(parsed[0], dict):
                    return self._err(400, "PGRST102", "All object keys must match")
                keys = set(parsed[0].keys())
                if not all(isinstance(e, dict) and set(e.keys()) == keys for e in parsed):
                    return self._err(400, "PGRST102", "All object keys must match")
                return raw, keys, False
            return "[]", set(), False  # scalars are truncated to an empty array
        if content_type in ("text/plain", "text/xml", "application/octet-stream"):
            return raw, set(), None
        if content_type == "application/x-www-form-urlencoded":
            pairs = urllib.parse.parse_qsl(raw, keep_blank_values=True)
            return json.dumps(dict(pairs)), {k for k, _ in pairs}, True
        return self._err(415, "PGRST107", "None of these media types are available: " + content_type)

    # ---- one request ----

    def request(self, method, path, query=None, headers=None, body=None):
        """method, path without query string, query as a list of (key, value)
        or a raw string, headers as a dict (any case), body as str/bytes."""
        headers = {k.lower(): v for k, v in (headers or {}).items()}
        if isinstance(query, (list, tuple)):
            query = urllib.parse.urlencode(list(query))
        if isinstance(body, bytes):
            body = body.decode()

        m = re.fullmatch(r"/rpc/([^/]+)", path)
        if not m:
            if self.version >= 13:
                return self._err(404, "PGRST125", "Invalid path specified in request URL")
            return Response(404, JSON_CT, b"{}")
        fname = urllib.parse.unquote(m.group(1))
        if method == "OPTIONS":
            return Response(200, {"Allow": "OPTIONS,GET,HEAD,POST"}, b"")
        if method not in ("GET", "HEAD", "POST"):
            return self._err(405, "PGRST101", "Only GET, HEAD or POST are allowed for RPC")
        is_post = method == "POST"

        q = self._parse_query(query, not is_post)
        if isinstance(q, Response):
            return q
        qargs, filters, limit, offset = q

        claims, role, err = self._claims(headers)
        if err is not None:
            return err
        authenticated = role != self.anon_role
        claims = dict(claims)
        claims["role"] = role

        content_type = (headers.get("content-type") or "application/json").split(";")[0].strip().lower()
        if is_post:
            pl = self._payload(body, content_type)
            if isinstance(pl, Response):
                return pl
            payload, keys, is_object = pl
        else:
            keys = set(qargs.keys())
            payload, is_object = json.dumps(qargs), True

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
            return self._err(404, "PGRST202",
                             "Could not find the function %s.%s(%s) in the schema cache" % (
                                 self.schema, fname, ", ".join(sorted(keys))))
        else:
            return self._err(300, "PGRST203", "Could not choose the best candidate function")
        if routine["retset"] or routine["composite"]:
            raise NotImplementedError("only scalar-returning functions are replayed")
        if is_post and one_pos is False and is_object is None:
            return self._err(415, "PGRST107", "None of these media types are available: " + content_type)

        read_only = method in ("GET", "HEAD") or not routine["volatile"]
        qi = '"%s"."%s"' % (self.schema.replace('"', '""'), fname.replace('"', '""'))
        alias = '"%s"' % fname.replace('"', '""')

        if one_pos:
            call = "FROM (SELECT %s(%%s::%s) pgrst_scalar) pgrst_call" % (qi, routine["params"][0]["type"])
            call_params = [payload]
        else:
            spec = [p for p in routine["params"] if p["name"] in keys]
            if not spec:
                # Plan.hs: KeyParams [] calls the function once, with its
                # defaults, whatever the body holds
                call = "FROM (SELECT %s() pgrst_scalar) pgrst_call" % qi
                call_params = []
            else:
                cols = ", ".join('"%s"' % p["name"] for p in spec)
                typed = ", ".join('"%s" %s' % (p["name"], p["type"]) for p in spec)
                named_args = ", ".join('"%s" := pgrst_body."%s"' % (p["name"], p["name"]) for p in spec)
                to_rec = "json_to_record" if is_object else "json_to_recordset"
                call = ("FROM (SELECT %%s AS json_data) pgrst_payload, "
                        "LATERAL (SELECT %s FROM %s(pgrst_payload.json_data) AS _(%s) LIMIT 1) pgrst_body , "
                        "LATERAL (SELECT %s(%s) pgrst_scalar) pgrst_call") % (cols, to_rec, typed, qi, named_args)
                call_params = [Json(payload, dumps=lambda x: x)]
        where, where_params = "", []
        if filters:
            # filters apply to the result: on a scalar result they name
            # columns that do not exist (PostgreSQL answers 42703)
            where = " WHERE " + " AND ".join('%s."%s" = %%s' % (alias, k.replace('"', '""')) for k, _, _ in filters)
            where_params = [v for _, _, v in filters]
        page = ""
        if limit is not None:
            page += " LIMIT %d" % limit
        if offset is not None:
            page += " OFFSET %d" % offset
        main = ("WITH pgrst_source AS (SELECT pgrst_call.pgrst_scalar " + call + ") "
                "SELECT null::bigint AS total_result_set, pg_catalog.count(_postgrest_t) AS page_total, "
                "coalesce(json_agg(_postgrest_t.pgrst_scalar)->0, 'null') AS body, "
                "nullif(current_setting('response.headers', true), '') AS response_headers, "
                "nullif(current_setting('response.status', true), '') AS response_status, "
                "'' AS response_inserted "
                "FROM (SELECT " + alias + ".* FROM \"pgrst_source\" AS " + alias + where + page + ") _postgrest_t")
        call_params = call_params + where_params

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
        for k, v in self.role_settings.get(role, []):
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

        iso = {"serializable": "SERIALIZABLE", "repeatable read": "REPEATABLE READ"}.get(
            self.role_isolation.get(role, ""), "READ COMMITTED")
        begin = "BEGIN ISOLATION LEVEL " + iso + " " + ("READ ONLY" if read_only else "READ WRITE")
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
                return self._err(500, "PGRST112", "response.status guc must be a valid status code", sql=sql_log)
            status = int(gstatus)
        if gheaders is not None:
            try:
                items = json.loads(gheaders)
                assert isinstance(items, list) and all(isinstance(i, dict) and len(i) == 1 for i in items)
            except Exception:
                return self._err(500, "PGRST111", "response.headers guc must be a JSON array composed of objects with a single key and a string value", sql=sql_log)
            for item in items:
                out_headers.update(item)
        if self.version >= 13 and out_body:
            out_headers["Content-Length"] = str(len(out_body))
        return Response(status, out_headers, out_body, sql_log)

    def _error_response(self, e, authenticated, sql_log):
        diag = e.diag
        code = diag.sqlstate or "XX000"
        message = diag.message_primary or str(e)
        details = diag.message_detail
        hint = diag.message_hint
        if code == "PGRST":
            try:
                m = json.loads(message)
                d = json.loads(details or "")
                assert isinstance(m, dict) and isinstance(m["code"], str) and isinstance(m["message"], str)
                assert isinstance(d, dict) and isinstance(d["status"], int) and isinstance(d["headers"], dict)
                for k in ("details", "hint"):
                    assert m.get(k) is None or isinstance(m.get(k), str)
            except Exception:
                return self._err(500, "PGRST121", "Could not parse JSON in the \"RAISE SQLSTATE 'PGRST'\" error",
                                 sql=sql_log, sqlstate=code)
            return self._err(d["status"], m["code"], m["message"], m.get("details"), m.get("hint"),
                             headers=d["headers"], sql=sql_log, sqlstate=code)
        status = pg_error_status(code, authenticated, self.version, message)
        extra = {}
        if code == "42501" and not authenticated:
            extra["WWW-Authenticate"] = "Bearer"
        return self._err(status, code, message, details, hint, headers=extra, sql=sql_log, sqlstate=code)
