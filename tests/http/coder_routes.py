"""Coder's URL shapes onto PostgREST's /rpc/ calls, as postgrest/nginx.conf
does them, driven by tests/http/routes.json.

to_postgrest() returns the request nginx would send upstream, or nginx's own
answer (404 unknown path, 405 method not allowed).  tests/suites/http_nginx.sh
runs real nginx and checks it against this; the replay suite uses this to
turn a Coder-shaped request into the PostgREST request it replays.
"""

import json
import os
import re
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
SEGMENT = r"[A-Za-z0-9_.-]+"

# headers nginx.conf redefines (never copied from the client)
REDEFINED = {"authorization", "coder-session-token", "x-members-organization",
             "x-members-user", "x-members-role", "x-members-limit", "x-members-offset", "content-type", "accept", "prefer",
             "range", "accept-profile", "content-profile", "connection", "host",
             "content-length", "transfer-encoding"}

JWT_RE = re.compile(r"^bearer\s+[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\s*$", re.I)
CODER_BEARER_RE = re.compile(r"^bearer\s+([A-Za-z0-9]{10}-[A-Za-z0-9]{22})\s*$", re.I)


def load_routes():
    with open(os.path.join(HERE, "routes.json")) as f:
        routes = json.load(f)["routes"]
    for r in routes:
        names = re.findall(r"\{(\w+)\}", r["path"])
        pattern = re.escape(r["path"])
        for n in names:
            pattern = pattern.replace(re.escape("{%s}" % n), "(?P<%s>%s)" % (n, SEGMENT))
        r["regex"] = re.compile("^" + pattern + "$")
    return routes


ROUTES = load_routes()


def raw_arg(raw_query, name):
    """nginx's $arg_<name>: the first argument of that name (case-insensitive),
    raw (not decoded); '' when absent."""
    for part in (raw_query or "").split("&"):
        k, sep, v = part.partition("=")
        if k.lower() == name.lower():
            return v
    return ""


def _fill(template, values, raw_query):
    if template.startswith("$arg_"):
        return raw_arg(raw_query, template[5:])
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], template)


def to_postgrest(method, target, headers=None, body=None):
    """target: the request target (path and query) as the client sends it.
    Returns {"kind": "local", "status": ...} or {"kind": "proxy", "method",
    "path", "query", "headers" (lower-case names), "body"}."""
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    path, _, raw_query = target.partition("?")
    path = re.sub(r"/+", "/", urllib.parse.unquote(path))
    for r in ROUTES:
        m = r["regex"].match(path)
        if not m:
            continue
        spec = r["methods"].get(method)
        if spec is None:
            return {"kind": "local", "status": 405, "route": r["route"],
                    "allow": ", ".join(r["methods"].keys()),
                    "body": {"message": "Method not allowed."}}
        values = m.groupdict()
        rpc_method = "GET" if method == "GET" else "POST"
        out = {k: v for k, v in headers.items() if k not in REDEFINED}
        if "host" in headers:
            out["host"] = headers["host"].split(":")[0].lower()
        auth = headers.get("authorization", "")
        if JWT_RE.match(auth):
            out["authorization"] = auth
        bearer = CODER_BEARER_RE.match(auth)
        token = (raw_arg(raw_query, "coder_session_token")
                 or headers.get("coder-session-token", "")
                 or (bearer.group(1) if bearer else ""))
        if token:
            out["coder-session-token"] = token
        for h, t in spec.get("headers", {}).items():
            v = _fill(t, values, raw_query)
            if v:
                out[h.lower()] = v
        out["accept"] = "application/json"
        query = ""
        if rpc_method == "GET":
            new_body = body
        else:
            b = spec.get("body", "client")
            out["content-type"] = "text/plain" if b == "client" else "application/json"
            new_body = body if b == "client" else b
        return {"kind": "proxy", "route": r["route"], "method": rpc_method,
                "path": "/rpc/" + spec["rpc"], "query": query, "headers": out,
                "body": new_body}
    return {"kind": "local", "status": 404, "body": {"message": "Route not found."}}
