"""Real nginx with postgrest/nginx.conf in front of a recording upstream.

Starts a small HTTP server on 127.0.0.1 that records every request it gets
(method, path, query, headers, body) and answers 200, and Debian's nginx with
a copy of postgrest/nginx.conf whose include files point nginx at a free
loopback port and the upstream at the recorder.  Then:

  - every route and method of tests/http/routes.json, and every other method
    on those paths: the recorded upstream request must be exactly what
    coder_routes.to_postgrest() says (rpc path, method, query arguments,
    X-Members-* headers, Content-Type, body), and refused methods must get
    405 without reaching the upstream;
  - credentials: JWT bearer kept, Coder bearer moved to Coder-Session-Token,
    other Authorization values dropped, Coder's token order;
  - client-supplied X-Members-*, Prefer, Range and profile headers never
    reach PostgREST; unknown paths 404;
  - chained: Coder-shaped requests through nginx, their recorded rewrite
    replayed through tests/http/pgrst_replay.py against a database, and the
    Coder status checked.

Everything listens on 127.0.0.1 only, every wait is bounded, and both
servers are stopped at the end.  Prints "ok - ..." / "not ok - ..." lines.
"""

import argparse
import http.client
import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import coder_routes  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RESULTS = {"ok": 0, "fail": 0}


def report(ok, name, why=""):
    if ok:
        RESULTS["ok"] += 1
        print("ok - nginx: %s" % name)
    else:
        RESULTS["fail"] += 1
        print("not ok - nginx: %s" % name)
        for line in str(why).splitlines():
            print("#   " + line)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Recorder(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, addr):
        super().__init__(addr, RecordingHandler)
        self.records = []
        self.lock = threading.Lock()


class RecordingHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _record(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else None
        path, _, query = self.path.partition("?")
        rec = {"method": self.command, "path": path, "query": query,
               "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body}
        with self.server.lock:
            self.server.records.append(rec)
        out = json.dumps({"recorded": True}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _record

    def log_message(self, *args):
        pass


class Nginx:
    def __init__(self, upstream_port):
        self.dir = tempfile.mkdtemp(prefix="members-nginx-")
        os.chmod(self.dir, 0o755)
        os.mkdir(os.path.join(self.dir, "logs"))
        self.port = free_port()
        conf_dir = os.path.join(self.dir, "conf")
        os.mkdir(conf_dir)
        shutil.copy(os.path.join(ROOT, "postgrest", "nginx.conf"), conf_dir)
        with open(os.path.join(conf_dir, "nginx-listen.conf"), "w") as f:
            f.write("listen 127.0.0.1:%d;\n" % self.port)
        with open(os.path.join(conf_dir, "nginx-upstream.conf"), "w") as f:
            f.write("server 127.0.0.1:%d;\n" % upstream_port)
        self.conf = os.path.join(conf_dir, "nginx.conf")
        globals_ = "daemon off;"
        if os.geteuid() == 0:
            # as root the workers need a user; keep the prefix readable to it
            globals_ += " user nobody nogroup;"
            for d in ("logs",):
                os.chmod(os.path.join(self.dir, d), 0o777)
        self.globals = globals_
        self.proc = None

    def test_config(self):
        return subprocess.run(["/usr/sbin/nginx", "-t", "-p", self.dir, "-c", self.conf,
                               "-e", "stderr", "-g", self.globals],
                              capture_output=True, text=True, timeout=30)

    def start(self):
        self.proc = subprocess.Popen(["/usr/sbin/nginx", "-p", self.dir, "-c", self.conf,
                                      "-e", "stderr", "-g", self.globals],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.time() + 15
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("nginx exited: " + self.proc.stderr.read().decode())
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("nginx did not start listening within 15 s")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)


def send(port, method, target, headers=None, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, target, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
    finally:
        conn.close()


def take(recorder):
    with recorder.lock:
        recs = list(recorder.records)
        recorder.records.clear()
    return recs


SAMPLE = {"organization": "acme", "user": "alice", "roleName": "my-role"}
CLIENT_BODY = {"POST": '{"name":"x"}', "PUT": '{"roles":["organization-admin"]}'}


def sample_path(route):
    path = route["path"]
    for k, v in SAMPLE.items():
        path = path.replace("{%s}" % k, v)
    return path


def compare(expected, rec):
    """Differences between the expected upstream request and the recorded one."""
    diffs = []
    if rec["method"] != expected["method"]:
        diffs.append("method %s != %s" % (rec["method"], expected["method"]))
    if rec["path"] != expected["path"]:
        diffs.append("path %s != %s" % (rec["path"], expected["path"]))
    if rec["query"] != expected["query"]:
        diffs.append("query %r != %r" % (rec["query"], expected["query"]))
    for h in ("x-members-organization", "x-members-user", "x-members-role", "x-members-limit",
              "x-members-offset", "content-type",
              "authorization", "coder-session-token", "prefer", "range", "accept-profile",
              "content-profile", "accept", "cookie"):
        if rec["headers"].get(h) != expected["headers"].get(h):
            diffs.append("header %s: %r != %r" % (h, rec["headers"].get(h), expected["headers"].get(h)))
    if expected["method"] == "POST" and (rec["body"] or "") != (expected["body"] or ""):
        diffs.append("body %r != %r" % (rec["body"], expected["body"]))
    return diffs


def check_request(nginx, recorder, name, method, target, headers=None, body=None):
    """Send through nginx; compare with coder_routes. Returns the record."""
    exp = coder_routes.to_postgrest(method, target, headers or {}, body)
    status, rheaders, data = send(nginx.port, method, target, headers, body)
    recs = take(recorder)
    if exp["kind"] == "local":
        ok = status == exp["status"] and not recs
        why = "status %d (want %d), %d upstream requests" % (status, exp["status"], len(recs))
        if ok and exp["status"] == 405:
            ok = rheaders.get("allow") == exp["allow"]
            why = "Allow %r, want %r" % (rheaders.get("allow"), exp["allow"])
        if ok and method != "HEAD":
            try:
                ok = json.loads(data) == exp["body"]
            except ValueError:
                ok = False
            why = "body %r" % data
        report(ok, name, why)
        return None
    if status != 200 or len(recs) != 1:
        report(False, name, "status %d, %d upstream requests: %r" % (status, len(recs), data[:200]))
        return None
    diffs = compare(exp, recs[0])
    report(not diffs, name, "\n".join(diffs))
    return recs[0]


def run_mapping(nginx, recorder):
    token = "AbCdEfGhIj-0123456789abcdefghijKL"
    for route in coder_routes.ROUTES:
        path = sample_path(route)
        for method in ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"):
            target = path
            if route["route"] == "org_paginated":
                target += "?limit=10&offset=20"
            body = CLIENT_BODY.get(method)
            headers = {"Coder-Session-Token": token}
            if body is not None:
                headers["Content-Type"] = "application/json"
            allowed = method in route["methods"]
            label = "%s %s -> %s" % (method, route["path"],
                                     route["methods"][method]["rpc"] if allowed else "405")
            check_request(nginx, recorder, label, method, target, headers, body)

    # arguments and path values
    check_request(nginx, recorder, "paginated without limit/offset: empty page_limit/page_offset",
                  "GET", "/api/v2/organizations/acme/paginated-members", {"Coder-Session-Token": token})
    check_request(nginx, recorder, "paginated: limit=eq.5, offset=%FF travel raw in headers, never in PostgREST's query string",
                  "GET", "/api/v2/organizations/acme/paginated-members?limit=eq.5&offset=%FF",
                  {"Coder-Session-Token": token})
    check_request(nginx, recorder, "paginated: limit=in.5 travels raw in X-Members-Limit",
                  "GET", "/api/v2/organizations/acme/paginated-members?limit=in.5",
                  {"Coder-Session-Token": token})
    check_request(nginx, recorder, "a client body is sent as text/plain whatever the client's Content-Type",
                  "PUT", "/api/v2/users/alice/roles",
                  {"Coder-Session-Token": token, "Content-Type": "application/json"}, '[{"roles":[]}]')
    check_request(nginx, recorder, "an empty client body is forwarded empty, as text/plain",
                  "POST", "/api/v2/users", {"Coder-Session-Token": token}, "")
    check_request(nginx, recorder, "paginated: only limit and offset reach PostgREST (no select=, order=)",
                  "GET", "/api/v2/organizations/acme/paginated-members?limit=5&select=id&order=x&organization=evil",
                  {"Coder-Session-Token": token})
    check_request(nginx, recorder, "uuid and me as path values",
                  "PUT", "/api/v2/organizations/7c60d51f-b44e-4682-87d6-449835ea4de6/members/me/roles",
                  {"Coder-Session-Token": token, "Content-Type": "application/json"}, '{"roles":[]}')
    check_request(nginx, recorder, "DELETE /members/roles is not remove-member: 405",
                  "DELETE", "/api/v2/organizations/acme/members/roles", {"Coder-Session-Token": token})
    check_request(nginx, recorder, "roles/{roleName} wins over {user}/roles (Coder's static segment)",
                  "DELETE", "/api/v2/organizations/acme/members/roles/roles", {"Coder-Session-Token": token})
    check_request(nginx, recorder, "the client's body is replaced by {} where Coder reads none",
                  "POST", "/api/v2/organizations/acme/members/alice",
                  {"Coder-Session-Token": token, "Content-Type": "application/json"}, '{"user":"admin"}')
    check_request(nginx, recorder, "unknown path: 404",
                  "GET", "/api/v2/organizations/acme/widgets", {"Coder-Session-Token": token})
    check_request(nginx, recorder, "path value outside [A-Za-z0-9_.-]: 404",
                  "GET", "/api/v2/organizations/ac%20me/members", {"Coder-Session-Token": token})
    check_request(nginx, recorder, "not under /api/v2: 404", "GET", "/rpc/site_roles", {})

    # headers a client must not control
    check_request(nginx, recorder, "client X-Members-* headers never reach PostgREST (GET)",
                  "GET", "/api/v2/users/roles",
                  {"Coder-Session-Token": token, "X-Members-User": "admin", "X-Members-Organization": "x",
                   "X-Members-Role": "owner"})
    check_request(nginx, recorder, "client X-Members-User is replaced by the path value",
                  "POST", "/api/v2/users/alice/keys", {"Coder-Session-Token": token, "X-Members-User": "admin"})
    check_request(nginx, recorder, "Prefer, Range, Accept-Profile, Content-Profile are dropped; Accept is JSON",
                  "POST", "/api/v2/organizations",
                  {"Coder-Session-Token": token, "Prefer": "tx=rollback", "Range": "0-1",
                   "Accept-Profile": "members", "Content-Profile": "members",
                   "Accept": "application/vnd.pgrst.plan", "Content-Type": "text/plain"}, '{"name":"x"}')

    # credentials
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"
    check_request(nginx, recorder, "JWT bearer is passed to PostgREST",
                  "GET", "/api/v2/users/roles", {"Authorization": "Bearer " + jwt})
    check_request(nginx, recorder, "Coder token as bearer moves to Coder-Session-Token",
                  "GET", "/api/v2/users/roles", {"Authorization": "Bearer " + token})
    check_request(nginx, recorder, "lower-case bearer scheme works too",
                  "GET", "/api/v2/users/roles", {"Authorization": "bearer " + token})
    check_request(nginx, recorder, "a bearer that is neither is dropped",
                  "GET", "/api/v2/users/roles", {"Authorization": "Bearer abc.def"})
    check_request(nginx, recorder, "Basic authorization is dropped",
                  "GET", "/api/v2/users/roles", {"Authorization": "Basic YWxpY2U6c2VjcmV0"})
    check_request(nginx, recorder, "query parameter token wins over header and bearer",
                  "GET", "/api/v2/users/roles?coder_session_token=QqQqQqQqQq-0123456789abcdefghijKL",
                  {"Coder-Session-Token": token, "Authorization": "Bearer ZzZzZzZzZz-0123456789abcdefghijKL"})
    check_request(nginx, recorder, "header token wins over bearer",
                  "GET", "/api/v2/users/roles",
                  {"Coder-Session-Token": token, "Authorization": "Bearer ZzZzZzZzZz-0123456789abcdefghijKL"})
    check_request(nginx, recorder, "cookie passes untouched (read by the pre-request)",
                  "GET", "/api/v2/users/roles", {"Cookie": "coder_session_token=" + token})


def run_chained(nginx, recorder, dbname, version):
    """Coder-shaped requests through real nginx, replayed into the database
    as PostgREST <version> handles them."""
    import psycopg
    import pgrst_replay

    admin = psycopg.connect(dbname=dbname, user="postgres", autocommit=True)
    replayer = pgrst_replay.Replayer("dbname=%s user=members_authenticator" % dbname, version=version)
    try:
        cur = admin.cursor()
        cur.execute("DELETE FROM members.api_keys")
        cur.execute("DELETE FROM members.organization_members")
        cur.execute("DELETE FROM members.organizations")
        cur.execute("DELETE FROM members.users")
        cur.execute("SELECT members.create_organization('acme', is_default => true)")
        cur.execute("SELECT members.create_user('admin', 'admin@example.com', site_roles => '{owner}')")
        cur.execute("SELECT members.create_user('alice', 'alice@example.com')")
        cur.execute("SELECT members.create_api_key('admin')")
        admin_token = cur.fetchone()[0]
        cur.execute("SELECT members.create_api_key('alice')")
        alice_token = cur.fetchone()[0]

        cases = [
            ("owner creates a key for alice: 201", "POST", "/api/v2/users/alice/keys",
             {"Coder-Session-Token": admin_token}, None, 201, lambda b: len(b["key"]) == 33),
            ("bearer Coder token creates an organization: 201", "POST", "/api/v2/organizations",
             {"Authorization": "Bearer " + admin_token, "Content-Type": "application/json"},
             '{"name": "widgets"}', 201, lambda b: b["name"] == "widgets"),
            ("query-parameter token, member forbidden: 403", "POST",
             "/api/v2/organizations?coder_session_token=" + alice_token,
             {"Content-Type": "application/json"}, '{"name": "mine"}', 403,
             lambda b: b["message"] == "Forbidden."),
            ("forged token: 401", "POST", "/api/v2/users/me/keys",
             {"Coder-Session-Token": admin_token[:11] + "A" * 22}, None, 401,
             lambda b: b["details"] == "API key secret is invalid."),
            ("no token: 401", "POST", "/api/v2/users/me/keys", {}, None, 401,
             lambda b: b["code"] == "28000"),
            ("member naming another user: 404", "POST", "/api/v2/users/admin/keys",
             {"Coder-Session-Token": alice_token}, None, 404,
             lambda b: b == {"message": "Resource not found or you do not have access to this resource"}),
            ("GET read endpoint runs read-only", "GET", "/api/v2/users/roles",
             {"Coder-Session-Token": alice_token}, None, None, None),
            ("empty body to PUT site roles: Coder's 400", "PUT", "/api/v2/users/alice/roles",
             {"Coder-Session-Token": admin_token, "Content-Type": "application/json"}, "", 400,
             lambda b: b["message"] == "Request body must be valid JSON."),
            ("array body to POST organizations: Coder's 400", "POST", "/api/v2/organizations",
             {"Coder-Session-Token": admin_token, "Content-Type": "application/json"}, '[{"name":"x"}]', 400,
             lambda b: b["message"] == "Request body must be valid JSON."),
            ("limit=eq.5: Coder's validation 400", "GET", "/api/v2/organizations/acme/paginated-members?limit=eq.5",
             {"Coder-Session-Token": admin_token}, None, 400,
             lambda b: b["validations"][0]["field"] == "limit"),
            ("limit=%FF: Coder's validation 400, not 500", "GET", "/api/v2/organizations/acme/paginated-members?limit=%FF",
             {"Coder-Session-Token": admin_token}, None, 400,
             lambda b: "\\xff" in b["validations"][0]["detail"]),
            ("duplicate organization: 409", "POST", "/api/v2/organizations",
             {"Coder-Session-Token": admin_token}, '{"name": "acme"}', 409,
             lambda b: b == {"message": "Organization already exists with that name."}),
        ]
        for name, method, target, headers, body, want_status, check in cases:
            status, _, _ = send(nginx.port, method, target, headers, body)
            recs = take(recorder)
            if status != 200 or len(recs) != 1:
                report(False, "chained v%d: %s" % (version, name), "nginx answered %d, %d upstream requests" % (status, len(recs)))
                continue
            rec = recs[0]
            resp = replayer.request(rec["method"], rec["path"], rec["query"], rec["headers"], rec["body"])
            if want_status is None:
                ok = resp.sql and resp.sql[0].endswith("READ ONLY") and resp.status != 401
                report(ok, "chained v%d: %s" % (version, name), "%r %r" % (resp, resp.sql[:1]))
                continue
            try:
                ok = resp.status == want_status and check(resp.json())
            except Exception as e:  # noqa: BLE001
                ok, resp = False, "%r (%s)" % (resp, e)
            report(ok, "chained v%d: %s" % (version, name), repr(resp))
    finally:
        replayer.close()
        admin.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", help="database with the extension and roles.sql, for the chained checks")
    args = ap.parse_args()

    recorder = Recorder(("127.0.0.1", 0))
    thread = threading.Thread(target=recorder.serve_forever, daemon=True)
    thread.start()
    nginx = Nginx(recorder.server_address[1])
    try:
        t = nginx.test_config()
        report(t.returncode == 0, "nginx -t accepts postgrest/nginx.conf", t.stderr)
        if t.returncode != 0:
            return 1
        nginx.start()
        report(True, "nginx started on 127.0.0.1:%d (prefix %s)" % (nginx.port, nginx.dir))
        run_mapping(nginx, recorder)
        if args.db:
            for version in (12, 13):
                run_chained(nginx, recorder, args.db, version)
    finally:
        nginx.stop()
        recorder.shutdown()
        recorder.server_close()
    return 0 if RESULTS["fail"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
