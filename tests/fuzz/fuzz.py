#!/usr/bin/env python3
"""Fuzz every members.* endpoint function with malformed input.

Runs against the cluster that PGHOST/PGPORT/PGUSER point at (a superuser),
in a database of its own (created here, dropped at the end; the extension
must be installed with `make install`).  For each endpoint of the README (and
a few helpers) and each acting subject -- the owner, a plain member, and a
plain database role without an actor -- it generates inputs from a fixed
seed: bad JSON shapes, huge arrays, deeply nested JSON, unicode, control
characters (never NUL), NULLs, injection strings, huge strings, next to
plausible values so that the deeper code paths run too.

Every call runs in a subtransaction that is rolled back (a successful call
is undone by raising after it), inside one transaction per batch.  Passes
when
  - every call either succeeded or failed with an expected SQLSTATE class
    (22xxx, 23505, P0002, 42501, 28000), inputs that PostgreSQL itself
    refuses to cast (e.g. jsonb nested deeper than the parser allows) being
    counted apart and never reaching the function;
  - the server answers a trivial query after every batch, and its log has
    no "terminated by signal" (or assertion failure);
  - every members table is unchanged (checksums before and after), except
    that members.audit_log may gain rows of refused attempts (status >= 400),
    which are committed on purpose by the autonomous audit writer.

Then the caps of src/caps.h: sizes drawn around each cap must be accepted
up to it and refused past it with 22023 naming the limit (rolled back).

Prints TAP-like "ok - ..." / "not ok - ..." lines and exits non-zero on
any failure.  Uses only python3 and psql.
"""

import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import uuid

SEED = int(os.environ.get("FUZZ_SEED", "4042"))
DB = os.environ.get("FUZZ_DB", "members_fuzz")
PLAIN_ROLE = "members_fuzz_plain"
# cases per (function, actor) batch
N_USER = int(os.environ.get("FUZZ_CASES", "160"))
N_PLAIN = int(os.environ.get("FUZZ_CASES_PLAIN", "25"))
BATCH_TIMEOUT = "90s"

ACCEPTED = re.compile(r"^(22...|23505|P0002|42501|28000)$")

# Fixed fixture ids.
ORG = "0f100000-0000-4000-8000-000000000001"
OTHER_ORG = "0f100000-0000-4000-8000-000000000002"
OWNER = "0f200000-0000-4000-8000-000000000001"
MEMBER = "0f200000-0000-4000-8000-000000000002"
ADMIN = "0f200000-0000-4000-8000-000000000003"
TARGET = "0f200000-0000-4000-8000-000000000004"
SUSPENDED = "0f200000-0000-4000-8000-000000000005"
NIL = "00000000-0000-0000-0000-000000000000"

ACTORS = {"owner": OWNER, "member": MEMBER, "plain": None}

# function -> argument types, with the kind of value each argument gets.
SIGNATURES = {
    "organization_members": [("text", "org")],
    "paginated_organization_members": [("text", "org"), ("integer", "int"), ("integer", "int")],
    "organization_roles": [("text", "org")],
    "insert_custom_role": [("text", "org"), ("jsonb", "role_body")],
    "update_custom_role": [("text", "org"), ("jsonb", "role_body")],
    "delete_custom_role": [("text", "org"), ("text", "role_name")],
    "add_organization_member": [("text", "org"), ("text", "user")],
    "remove_organization_member": [("text", "org"), ("text", "user")],
    "update_organization_member_roles": [("text", "org"), ("text", "user"), ("text[]", "org_roles")],
    "site_roles": [],
    "update_user_site_roles": [("text", "user"), ("text[]", "site_roles")],
    "authorize": [("text", "action"), ("text", "resource"), ("uuid", "uuid"), ("uuid", "uuid"),
                  ("boolean", "bool")],
    "authorize_user": [("uuid", "user_uuid"), ("text", "action"), ("text", "resource"),
                       ("uuid", "uuid"), ("uuid", "uuid"), ("boolean", "bool")],
    "check_permissions": [("jsonb", "checks")],
    "explain_authorize": [("text", "action"), ("text", "resource"), ("uuid", "uuid"),
                          ("uuid", "uuid"), ("boolean", "bool")],
    "create_organization": [("text", "name"), ("text", "text"), ("text", "text"), ("text", "text"),
                            ("boolean", "bool")],
    "set_workspace_sharing": [("text", "org"), ("boolean", "bool")],
    "create_user": [("text", "name"), ("text", "email"), ("text", "text"), ("text", "text"),
                    ("text[]", "site_roles"), ("text", "status")],
    "create_api_key": [("text", "user"), ("interval", "interval")],
    "current_actor": [],
    # helpers outside the README's endpoint table, fuzzed as well
    "can_assign_role": [("text", "role_name"), ("uuid", "uuid")],
    "authenticate_api_key": [("text", "token")],
    "audit_log_entries": [("text", "org"), ("integer", "int")],
}
# the README's endpoint table first, then the helpers
FUNCTIONS = list(SIGNATURES)

TABLES = ["organizations", "users", "organization_members", "custom_roles", "api_keys"]

rng = random.Random(SEED)
failures = 0
oks = 0


def tap(ok, text):
    global failures, oks
    text = " ".join(text.split())
    if ok:
        oks += 1
        print("ok - " + text, flush=True)
    else:
        failures += 1
        print("not ok - " + text, flush=True)


def psql(sql, db=DB, timeout=300):
    """Run sql with psql; returns (returncode, stdout, stderr)."""
    env = dict(os.environ, PGCLIENTENCODING="UTF8", PGOPTIONS="-c client_min_messages=warning")
    p = subprocess.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", db],
                       input=sql, capture_output=True, text=True, env=env, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


# ---------------------------------------------------------------------------
# Value generators.  None is SQL NULL; everything else is the text form of
# the value, cast to the argument's type in SQL.

INJECTIONS = [
    "'; DROP TABLE members.users; --", "\"; DROP TABLE members.users; --", "' OR '1'='1",
    "); SELECT pg_sleep(5); --", "$$; SELECT 1; $$", "$1", "%s%s%s%n", "%x%x", "\\", "\\x00",
    "\\u0000", "{", "}", "[", "]", "null", "NULL", "true", "::", ":", "a:b:c",
    "owner:" + ORG, "*", "../../etc/passwd", "<script>alert(1)</script>", "${jndi:x}",
    "members.users", "pg_catalog.pg_authid", "' || pg_sleep(1) || '", "E'\\n'", "--", "/*", "*/",
]
UNICODE = [
    "ünïcødé", "日本語のロール", "🙂🙃🙂", "\u202eevil\u202c", "zero\u200bwidth", "e\u0301", "ǅ",
    "İstanbul", "ß", "ΣΊΣΥΦΟΣ", "\ufeffbom", "\U0001F9D1\u200d\U0001F680", "ﬁ", "Ａｄｍｉｎ",
    "\u0130", "\u212a", "owner\u0301", "ORGANIZATION-ADMİN", "\u00a0nbsp", "\u3000",
]
EDGE_NAMES = [
    "a" * 32, "a" * 33, "new", "create", "NEW", "-a", "a-", "a--b", "a_b", "a b", "a.b", "0",
    "x", "A", "-", "", " ", "\t", "a\nb",
]


def control_string():
    n = rng.randint(1, 20)
    return "".join(chr(rng.choice(list(range(1, 32)) + [0x7f])) for _ in range(n))


def random_unicode(n):
    out = []
    while len(out) < n:
        c = rng.randint(1, 0x2FFFF)
        if 0xD800 <= c <= 0xDFFF:
            continue
        out.append(chr(c))
    return "".join(out)


def huge_string():
    r = rng.random()
    if r < 0.15:
        return "x" * 1_000_000
    if r < 0.5:
        return "a" * rng.choice([1000, 10_000, 100_000])
    if r < 0.8:
        return random_unicode(rng.choice([100, 5000]))
    return ("owner-" * 20000)


def garbage():
    """A hostile string."""
    r = rng.random()
    if r < 0.22:
        return rng.choice(INJECTIONS)
    if r < 0.42:
        return rng.choice(UNICODE)
    if r < 0.55:
        return control_string()
    if r < 0.70:
        return rng.choice(EDGE_NAMES)
    if r < 0.77:
        return huge_string()
    if r < 0.9:
        n = rng.randint(1, 64)
        return "".join(chr(rng.randint(32, 126)) for _ in range(n))
    return random_unicode(rng.randint(1, 40))


def maybe(plausible, null_rate=0.08, garbage_rate=0.4):
    """NULL, garbage or one of the plausible values."""
    r = rng.random()
    if r < null_rate:
        return None
    if r < null_rate + garbage_rate:
        return garbage()
    v = rng.choice(plausible)
    return v() if callable(v) else v


ORG_VALUES = ["fz-org", "FZ-ORG", "default", ORG, OTHER_ORG, NIL, "fz-other", "no-such-org",
              lambda: str(uuid.UUID(int=rng.getrandbits(128), version=4)),
              "{" + ORG + "}", ORG.upper(), ORG.replace("-", "")]
USER_VALUES = ["me", "fz-member", "FZ-Target", TARGET, "fz-owner", "fz-admin", OWNER, MEMBER,
               "fz-suspended", "no-such-user", NIL, lambda: str(uuid.uuid4())]
ROLE_NAMES = ["fz-role", "FZ-ROLE", "fz-role2", "organization-admin", "owner", "member",
              "organization-member", "auditor", "user-admin", "template-admin",
              "organization-user-admin", "organization-auditor", "organization-template-admin",
              "organization-workspace-creation-ban", "custom-organization-role", "custom-site-role",
              "fz-role:" + ORG, "owner:" + ORG, "no-such-role", "system"]
ACTIONS = ["read", "create", "update", "delete", "*", "assign", "unassign", "share", "ssh",
           "READ", "", "use", "view_insights", "read_personal"]
RESOURCES = ["template", "workspace", "*", "organization_member", "assign_org_role",
             "assign_role", "organization", "user", "audit_log", "user_secret", "nope",
             "TEMPLATE", "", "workspace_dormant"]
UUIDS = [ORG, OTHER_ORG, NIL, OWNER, MEMBER, TARGET, "{" + ORG + "}",
         lambda: str(uuid.uuid4())]


def json_scalar():
    r = rng.random()
    if r < 0.15:
        return None
    if r < 0.3:
        return rng.choice([True, False])
    if r < 0.5:
        return rng.choice([0, -1, 1, 2**31, 2**63, 10**40, -(10**40), 1.5, 1e308, -0.0, 1e-300])
    return garbage()


def json_value(depth=0):
    r = rng.random()
    if depth > 3 or r < 0.5:
        return json_scalar()
    if r < 0.75:
        return [json_value(depth + 1) for _ in range(rng.randint(0, 4))]
    return {garbage()[:40]: json_value(depth + 1) for _ in range(rng.randint(0, 4))}


def deep_json(depth, leaf=None):
    """Nested arrays or objects, depth levels, as text."""
    if rng.random() < 0.5:
        return "[" * depth + json.dumps(leaf) + "]" * depth
    return '{"a": ' * depth + json.dumps(leaf) + "}" * depth


def permission():
    r = rng.random()
    if r < 0.45:
        return {"negate": rng.random() < 0.15, "resource_type": rng.choice(RESOURCES),
                "action": rng.choice(ACTIONS)}
    if r < 0.6:
        keys = ["negate", "resource_type", "action", "Negate", "RESOURCE_TYPE", "Action", "x"]
        return {rng.choice(keys): json_scalar() for _ in range(rng.randint(0, 5))}
    if r < 0.8:
        return {"negate": json_scalar(), "resource_type": json_scalar(), "action": json_scalar()}
    return json_value(1)


def permission_list():
    r = rng.random()
    if r < 0.1:
        return None
    if r < 0.2:
        return json_scalar()
    if r < 0.3:
        return json_value(1)
    if r < 0.38:
        n = rng.choice([1000, 10_000, 50_000])
        p = {"negate": False, "resource_type": rng.choice(RESOURCES), "action": rng.choice(ACTIONS)}
        return [p] * n
    return [permission() for _ in range(rng.randint(0, 6))]


BODY_KEYS = ["name", "display_name", "site_permissions", "user_permissions",
             "organization_permissions", "organization_member_permissions"]


def role_body():
    r = rng.random()
    if r < 0.05:
        return None
    if r < 0.12:
        return json.dumps(json_scalar())
    if r < 0.18:
        return json.dumps(json_value(0))
    if r < 0.25:
        return deep_json(rng.choice([10, 100, 1000, 3000, 20000]), rng.choice([None, "x", 1]))
    if r < 0.32:
        key = rng.choice(BODY_KEYS)
        inner = deep_json(rng.choice([50, 500, 2000]), None)
        return '{"name": "fz-new", "%s": %s}' % (key, inner)
    body = {}
    for k in BODY_KEYS:
        if rng.random() < 0.6:
            kk = k if rng.random() < 0.85 else rng.choice([k.upper(), k.title(), k + "x"])
            if k == "name":
                body[kk] = maybe(ROLE_NAMES + ["fz-new", "Fz-New2"], null_rate=0.05, garbage_rate=0.5)
                if rng.random() < 0.08:
                    body[kk] = json_scalar()
            elif k == "display_name":
                body[kk] = garbage() if rng.random() < 0.7 else json_scalar()
            else:
                body[kk] = permission_list()
    for _ in range(rng.randint(0, 2)):
        body[garbage()[:50]] = json_value(1)
    return json.dumps(body, ensure_ascii=rng.random() < 0.5)


def check_object():
    r = rng.random()
    if r < 0.2:
        return json_value(1)
    obj = {}
    for k, gen in [("resource_type", lambda: rng.choice(RESOURCES) if rng.random() < 0.7 else json_scalar()),
                   ("organization_id", lambda: rng.choice([ORG, NIL, "not-a-uuid", ""]) if rng.random() < 0.7 else json_scalar()),
                   ("owner_id", lambda: rng.choice([OWNER, MEMBER, "", "x"]) if rng.random() < 0.7 else json_scalar()),
                   ("any_org", lambda: rng.choice([True, False]) if rng.random() < 0.7 else json_scalar())]:
        if rng.random() < 0.7:
            obj[k] = gen()
    return {"object": obj if rng.random() < 0.85 else json_scalar(),
            "action": rng.choice(ACTIONS) if rng.random() < 0.7 else json_scalar()}


def checks():
    r = rng.random()
    if r < 0.05:
        return None
    if r < 0.12:
        return json.dumps(json_scalar())
    if r < 0.2:
        return deep_json(rng.choice([10, 100, 1000, 3000, 20000]), None)
    if r < 0.27:
        n = rng.choice([1000, 5000])
        return json.dumps({"k%d" % i: {"object": {"resource_type": rng.choice(RESOURCES),
                                                  "organization_id": rng.choice([ORG, OTHER_ORG]),
                                                  "owner_id": rng.choice([OWNER, MEMBER, TARGET]),
                                                  "any_org": False},
                                       "action": rng.choice(ACTIONS)}
                           for i in range(n)})
    if r < 0.33:
        return json.dumps([check_object() for _ in range(rng.randint(0, 3))])
    return json.dumps({garbage()[:60]: check_object() for _ in range(rng.randint(0, 6))},
                      ensure_ascii=rng.random() < 0.5)


def pg_array(elems):
    """A text[] literal of the elements (None = NULL element)."""
    out = []
    for e in elems:
        if e is None:
            out.append("NULL")
        else:
            out.append('"' + e.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return "{" + ",".join(out) + "}"


def text_array(names):
    r = rng.random()
    if r < 0.08:
        return None
    if r < 0.15:
        return "{}"
    if r < 0.2:
        return "{NULL}"
    if r < 0.25:
        return "{{" + ",".join(rng.sample(names, 2)) + "},{a,b}}"
    if r < 0.3:
        return pg_array([rng.choice(names)] * rng.choice([1000, 10_000]))
    if r < 0.35:
        return rng.choice(["{", "{a,", "not an array", "{\"a}", "{a}}"])
    elems = []
    for _ in range(rng.randint(1, 5)):
        q = rng.random()
        elems.append(None if q < 0.05 else garbage() if q < 0.45 else rng.choice(names))
    return pg_array(elems)


INTERVALS = ["7 days", "0", "-1 day", "1 second", "366 days", "365 days", "1 microsecond",
             "2 hours", "P1Y", "1000000 years", "177999999 years", "-178000000 years",
             "1 day ago", "00:00:00.000001"]


def value(kind):
    if kind == "org":
        return maybe(ORG_VALUES)
    if kind == "user":
        return maybe(USER_VALUES)
    if kind == "role_name":
        return maybe(ROLE_NAMES)
    if kind == "role_body":
        return role_body()
    if kind == "checks":
        return checks()
    if kind == "org_roles":
        return text_array(ROLE_NAMES)
    if kind == "site_roles":
        return text_array(["owner", "member", "auditor", "user-admin", "template-admin",
                           "Owner", "organization-admin", "custom-site-role", "fz-role"])
    if kind == "int":
        return maybe(["0", "1", "-1", "10", "2147483647", "-2147483648", "5", "100000"],
                     garbage_rate=0.05)
    if kind in ("uuid", "user_uuid"):
        return maybe(UUIDS + ([SUSPENDED, ADMIN] if kind == "user_uuid" else []), garbage_rate=0.08)
    if kind == "bool":
        return maybe(["true", "false"], garbage_rate=0.03)
    if kind == "action":
        return maybe(ACTIONS)
    if kind == "resource":
        return maybe(RESOURCES)
    if kind == "name":
        return maybe(["fz-new", "FZ-ORG", "fz-member", "Fz-New-2", "fz-other"])
    if kind == "email":
        return maybe(["fz-new@example.com", "fz-member@example.com", "FZ-MEMBER@example.com",
                      "a@b", "@b", "a@", "a@@b"])
    if kind == "status":
        return maybe(["active", "dormant", "suspended", "deleted", "ACTIVE"])
    if kind == "interval":
        return maybe(INTERVALS, garbage_rate=0.1)
    if kind == "token":
        return maybe([lambda: TOKEN, lambda: TOKEN.upper(), lambda: TOKEN + "x",
                      lambda: TOKEN.split("-")[0] + "-", "abcdefghij-abcdefghijklmnopqrstuv",
                      "short", "a-b-c"])
    if kind == "text":
        return maybe(["", "Fuzz Display", "https://example.com/x.png", "A description"])
    raise ValueError(kind)


TOKEN = None

# Hand-written cases for the custom-role endpoints (the rest is random).
TARGETED_ROLE_BODIES = [
    None, "null", "[]", "{}", '"x"', "1", "true",
    '{"name": null}', '{"name": 1}', '{"name": "fz-new", "display_name": []}',
    '{"name": "fz-new", "organization_permissions": {}}',
    '{"name": "fz-new", "organization_permissions": [null]}',
    '{"name": "fz-new", "organization_permissions": [[]]}',
    '{"name": "fz-new", "organization_permissions": [{"negate": null, "resource_type": "template", "action": "read"}]}',
    '{"name": "fz-role", "organization_permissions": [{"negate": false, "resource_type": "template", "action": "read"}]}',
    '{"name": "FZ-ROLE", "organization_permissions": [{"negate": true, "resource_type": "*", "action": "*"}]}',
    '{"name": "fz-new", "organization_permissions": [{"negate": false, "resource_type": "user_secret", "action": "read"}]}',
    '{"name": "fz-new", "site_permissions": [1], "user_permissions": "x"}',
    '{"name": "owner"}', '{"name": "Organization-Member"}', '{"name": "new"}', '{"name": "NEW"}',
    '{"name": "%s"}' % ("a" * 1_000_000),
    '{"name": "fz-new", "display_name": "%s"}' % ("d" * 1_000_000),
    '{"name": "fz-new", "organization_permissions": %s}' % json.dumps(
        [{"negate": False, "resource_type": "template", "action": "read"}] * 100_000),
    '{"name": "fz-new", "organization_permissions": %s}' % json.dumps(
        [{"negate": False, "resource_type": "nope%d" % i, "action": "read"} for i in range(20_000)]),
    '{"name": "fz-new", "organization_permissions": [%s]}' % deep_json(1000, None),
    '{"name": "fz\\u0000"}',
    '{"name": "fz-new", "display_name": "\\u0001\\u001f\\u007f\\ud83d\\ude00"}',
]


def cases_for(fn, actor, n):
    """n argument tuples for fn (values as text or None)."""
    sig = SIGNATURES[fn]
    out = []
    if not sig:
        return [()] * max(1, min(n, 3))
    if fn in ("insert_custom_role", "update_custom_role") and actor != "plain":
        for b in TARGETED_ROLE_BODIES:
            out.append((rng.choice(["fz-org", ORG, "default"]), b))
    if fn == "delete_custom_role" and actor != "plain":
        for name in ROLE_NAMES + EDGE_NAMES + INJECTIONS[:10] + ["x" * 1_000_000, None]:
            out.append(("fz-org", name))
    while len(out) < n:
        out.append(tuple(value(kind) for _, kind in sig))
    return out


# ---------------------------------------------------------------------------
# SQL pieces.

SETUP_SQL = """
SET client_min_messages = warning;
CREATE EXTENSION members;
DO $$ BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '%(plain)s') THEN
		CREATE ROLE %(plain)s NOLOGIN;
	END IF;
END $$;
GRANT USAGE ON SCHEMA members TO %(plain)s;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA members TO %(plain)s;

INSERT INTO members.organizations (id, name, display_name, is_default) VALUES
	('%(org)s', 'fz-org', 'Fuzz Org', true),
	('%(other)s', 'fz-other', 'Other Org', false);
INSERT INTO members.users (id, username, email, rbac_roles, status) VALUES
	('%(owner)s', 'fz-owner', 'fz-owner@example.com', '{owner}', 'active'),
	('%(member)s', 'fz-member', 'fz-member@example.com', '{}', 'active'),
	('%(admin)s', 'fz-admin', 'fz-admin@example.com', '{}', 'active'),
	('%(target)s', 'fz-target', 'fz-target@example.com', '{}', 'active'),
	('%(susp)s', 'fz-suspended', 'fz-suspended@example.com', '{}', 'suspended');
INSERT INTO members.custom_roles (name, display_name, org_permissions, organization_id) VALUES
	('fz-role', 'Fuzz Role', '[{"negate": false, "resource_type": "template", "action": "read"}]', '%(org)s'),
	('fz-role2', 'Fuzz Role 2', '[]', '%(org)s'),
	('fz-role', 'Other Fuzz Role', '[]', '%(other)s');
INSERT INTO members.organization_members (organization_id, user_id, roles) VALUES
	('%(org)s', '%(owner)s', '{}'),
	('%(org)s', '%(member)s', '{fz-role}'),
	('%(org)s', '%(admin)s', '{organization-admin}'),
	('%(org)s', '%(target)s', '{fz-role,organization-auditor}'),
	('%(org)s', '%(susp)s', '{}'),
	('%(other)s', '%(target)s', '{}');

CREATE SCHEMA fuzz;
CREATE TABLE fuzz.actors (label text PRIMARY KEY, id uuid);
INSERT INTO fuzz.actors VALUES ('owner', '%(owner)s'), ('member', '%(member)s'), ('plain', NULL);
CREATE TABLE fuzz.signatures (fn text PRIMARY KEY, types text[] NOT NULL);
CREATE TABLE fuzz.cases (id integer PRIMARY KEY, batch integer NOT NULL, fn text NOT NULL,
	actor text NOT NULL, a1 text, a2 text, a3 text, a4 text, a5 text, a6 text);
CREATE TABLE fuzz.results (id integer PRIMARY KEY, outcome text NOT NULL, sqlstate text, message text);

-- Run one batch: each case in a subtransaction that is always rolled back.
CREATE FUNCTION fuzz.run(p_batch integer) RETURNS integer LANGUAGE plpgsql AS $f$
DECLARE
	c record;
	types text[];
	args text[];
	call text;
	st text;
	msg text;
	ok boolean;
	n integer := 0;
	who uuid;
BEGIN
	FOR c IN SELECT * FROM fuzz.cases WHERE batch = p_batch ORDER BY id LOOP
		SELECT s.types INTO types FROM fuzz.signatures s WHERE s.fn = c.fn;
		args := ARRAY[c.a1, c.a2, c.a3, c.a4, c.a5, c.a6];
		ok := true;
		-- values PostgreSQL itself cannot cast never reach the function
		FOR i IN 1 .. coalesce(array_length(types, 1), 0) LOOP
			CONTINUE WHEN args[i] IS NULL;
			BEGIN
				EXECUTE format('SELECT $1::%%s', types[i]) USING args[i];
			EXCEPTION WHEN OTHERS THEN
				GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
				INSERT INTO fuzz.results VALUES (c.id, 'input', st, left(msg, 300));
				ok := false;
				EXIT;
			END;
		END LOOP;
		CONTINUE WHEN NOT ok;
		call := format('SELECT members.%%I(%%s)::text', c.fn,
			coalesce((SELECT string_agg(format('$%%s::%%s', i, types[i]), ', ' ORDER BY i)
			            FROM generate_subscripts(types, 1) AS i), ''));
		SELECT a.id INTO who FROM fuzz.actors a WHERE a.label = c.actor;
		BEGIN
			PERFORM set_config('members.actor', coalesce(who::text, ''), true);
			IF c.actor = 'plain' THEN
				SET LOCAL ROLE %(plain)s;
			END IF;
			EXECUTE call USING args[1], args[2], args[3], args[4], args[5], args[6];
			RAISE EXCEPTION USING ERRCODE = 'FZ000', MESSAGE = 'fuzz: undo the successful call';
		EXCEPTION WHEN OTHERS THEN
			GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
			INSERT INTO fuzz.results VALUES (c.id,
				CASE WHEN st = 'FZ000' THEN 'ok' ELSE 'error' END,
				CASE WHEN st = 'FZ000' THEN NULL ELSE st END, left(msg, 300));
		END;
		n := n + 1;
	END LOOP;
	RETURN n;
END
$f$;
""" % {"plain": PLAIN_ROLE, "org": ORG, "other": OTHER_ORG, "owner": OWNER, "member": MEMBER,
       "admin": ADMIN, "target": TARGET, "susp": SUSPENDED}

CHECKSUM_SQL = " UNION ALL ".join(
    "SELECT '%s', count(*)::text || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') "
    "FROM members.%s t" % (t, t) for t in TABLES) + ";"


# ---------------------------------------------------------------------------
# The caps of src/caps.h: sizes drawn around each cap; at or under it the
# cap's error never appears, over it the call fails with 22023 and the
# message naming the limit.

CAPS = [
    # (label, cap, message, SQL template of the size n)
    ("roles per request", 100, "too many roles",
     "SELECT members.update_organization_member_roles('fz-org', 'fz-target', "
     "(SELECT coalesce(array_agg('r' || i), '{{}}') FROM generate_series(1, {n}) i))"),
    ("site roles per request", 100, "too many roles",
     "SELECT members.update_user_site_roles('fz-target', "
     "(SELECT coalesce(array_agg('auditor'::text), '{{}}') FROM generate_series(1, {n}) i))"),
    ("role name bytes", 256, "role name is too long",
     "SELECT members.update_organization_member_roles('fz-org', 'fz-target', ARRAY[repeat('a', {n})])"),
    ("permissions per custom role", 1000, "too many permissions",
     "SELECT members.insert_custom_role('fz-org', jsonb_build_object('name', 'fz-cap', "
     "'organization_permissions', (SELECT coalesce(jsonb_agg('{{\"negate\": false, "
     "\"resource_type\": \"template\", \"action\": \"read\"}}'::jsonb), '[]') "
     "FROM generate_series(1, {n}))))"),
    ("custom role name bytes", 256, "role name is too long",
     "SELECT members.insert_custom_role('fz-org', jsonb_build_object('name', repeat('n', {n})))"),
    ("custom role display name bytes", 256, "role display name is too long",
     "SELECT members.insert_custom_role('fz-org', jsonb_build_object('name', 'fz-cap', "
     "'display_name', repeat('d', {n})))"),
    ("JSON depth", 16, "nested too deeply",
     "SELECT members.insert_custom_role('fz-org', ('{{\"name\": \"fz-cap\", \"x\": ' "
     "|| repeat('[', {n} - 1) || repeat(']', {n} - 1) || '}}')::jsonb)"),
    ("organization bytes", 256, "organization is too long",
     "SELECT members.organization_members(repeat('o', {n}))"),
    ("user bytes", 256, "user is too long",
     "SELECT members.add_organization_member('fz-org', repeat('u', {n}))"),
    ("page limit", 1000, "limit is too large",
     "SELECT members.paginated_organization_members('fz-org', {n})"),
    ("audit page limit", 1000, "limit is too large",
     "SELECT members.audit_log_entries('fz-org', {n})"),
]


def check_caps():
    """Each cap at random sizes around it, as the owner, rolled back."""
    cases = []
    for label, cap, msg, tmpl in CAPS:
        sizes = {cap - 1, cap, cap + 1, rng.randint(1, cap), rng.randint(cap + 2, cap * 5)}
        for n in sorted(sizes):
            cases.append((label, cap, msg, n, tmpl.format(n=n)))
    script = ["BEGIN;",
              "CREATE FUNCTION pg_temp.cap_try(q text) RETURNS text LANGUAGE plpgsql AS $f$",
              "DECLARE st text; m text;",
              "BEGIN",
              "  PERFORM set_config('members.actor', '%s', true);" % OWNER,
              "  EXECUTE q; RETURN '00000|';",
              "EXCEPTION WHEN OTHERS THEN",
              "  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, m = MESSAGE_TEXT;",
              "  RETURN st || '|' || replace(m, E'\\n', ' ');",
              "END $f$;"]
    for _, _, _, _, q in cases:
        script.append("SELECT pg_temp.cap_try($q$%s$q$);" % q)
    script.append("ROLLBACK;")
    rc, out, err = psql("\n".join(script) + "\n")
    lines = out.splitlines()
    if rc != 0 or len(lines) != len(cases):
        tap(False, "caps: the checks ran: %s" % err.strip()[:300])
        return
    by_cap = {}
    for (label, cap, msg, n, _), line in zip(cases, lines):
        state, _, text = line.partition("|")
        over = n > cap
        ok = (state == "22023" and msg in text) if over else (msg not in text)
        by_cap.setdefault((label, cap), []).append((n, ok, state, text))
    for (label, cap), res in by_cap.items():
        bad = ["%d: %s %s" % (n, st, t[:80]) for n, ok, st, t in res if not ok]
        tap(not bad, "caps: %s (limit %d) at sizes %s: 22023 naming the limit exactly past it%s"
            % (label, cap, ",".join(str(n) for n, _, _, _ in res),
               "" if not bad else ": " + "; ".join(bad)))


def csv_field(v):
    if v is None:
        return ""
    return '"' + v.replace('"', '""') + '"'


def server_log_path():
    rc, out, _ = psql("SHOW data_directory;", db="postgres")
    if rc != 0:
        return None
    data = out.strip()
    for cand in (os.path.join(os.path.dirname(data), "server.log"),):
        if os.path.isfile(cand):
            return cand
    rc, out, _ = psql("SELECT pg_current_logfile();", db="postgres")
    if rc == 0 and out.strip():
        p = out.strip()
        return p if os.path.isabs(p) else os.path.join(data, p)
    return None


def server_alive():
    for _ in range(30):
        rc, out, _ = psql("SELECT 1;", db="postgres", timeout=30)
        if rc == 0 and out.strip() == "1":
            return True
        time.sleep(1)
    return False


def main():
    global TOKEN
    start = time.time()
    log_path = server_log_path()
    log_offset = os.path.getsize(log_path) if log_path else 0

    psql("DROP DATABASE IF EXISTS %s WITH (FORCE);" % DB, db="postgres")
    rc, _, err = psql("CREATE DATABASE %s;" % DB, db="postgres")
    if rc != 0:
        tap(False, "create database %s: %s" % (DB, err.strip()))
        return 1
    try:
        rc, _, err = psql(SETUP_SQL)
        tap(rc == 0, "setup: database %s with the extension and fixtures%s"
            % (DB, "" if rc == 0 else ": " + err.strip()))
        if rc != 0:
            return 1
        rc, out, err = psql("SELECT members.create_api_key('fz-member', '1 day');")
        TOKEN = out.strip() if rc == 0 else "abcdefghij-abcdefghijklmnopqrstuv"

        # which functions exist, with the expected argument types
        rc, out, _ = psql(
            "SELECT p.proname || ':' || coalesce(array_to_string(ARRAY("
            "  SELECT format_type(t, NULL) FROM unnest(p.proargtypes) AS t), ','), '') "
            "FROM pg_proc p WHERE p.pronamespace = 'members'::regnamespace;")
        present = {}
        for line in out.splitlines():
            name, _, types = line.partition(":")
            present.setdefault(name, []).append(types)

        rows_sig = []
        batches = []
        cases = []
        stats = {}
        next_id = 1
        for fn in FUNCTIONS:
            want = ",".join(
                {"text[]": "text[]", "integer": "integer", "boolean": "boolean"}.get(t, t)
                for t, _ in SIGNATURES[fn])
            if want not in present.get(fn, []):
                # still generate its cases, so that the seed stays stable
                for actor in ACTORS:
                    cases_for(fn, actor, N_PLAIN if actor == "plain" else N_USER)
                tap(True, "%s: skipped, members.%s(%s) does not exist yet # SKIP"
                    % (fn, fn, want))
                continue
            rows_sig.append("(%s, %s)" % (
                "'%s'" % fn, "ARRAY[%s]::text[]" % ",".join("'%s'" % t for t, _ in SIGNATURES[fn])))
            for actor in ACTORS:
                n = N_PLAIN if actor == "plain" else N_USER
                batch = len(batches) + 1
                batches.append((batch, fn, actor))
                for args in cases_for(fn, actor, n):
                    args = list(args) + [None] * (6 - len(args))
                    cases.append((next_id, batch, fn, actor, args))
                    next_id += 1

        with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".csv", delete=False) as f:
            csv_path = f.name
            for cid, batch, fn, actor, args in cases:
                f.write(",".join([str(cid), str(batch), csv_field(fn), csv_field(actor)]
                                 + [csv_field(a) for a in args]) + "\n")
        os.chmod(csv_path, 0o644)
        rc, _, err = psql("INSERT INTO fuzz.signatures VALUES %s;\n"
                          "\\copy fuzz.cases FROM '%s' WITH (FORMAT csv)\n"
                          % (", ".join(rows_sig), csv_path))
        os.unlink(csv_path)
        tap(rc == 0, "generated %d inputs for %d functions (seed %d)%s"
            % (len(cases), len(rows_sig), SEED, "" if rc == 0 else ": " + err.strip()))
        if rc != 0:
            return 1

        rc, before, err = psql(CHECKSUM_SQL)
        rc2, audit_before, _ = psql("SELECT count(*) FROM members.audit_log;")
        if rc != 0 or rc2 != 0:
            tap(False, "checksums before: %s" % err.strip())
            return 1

        alive_failures = []
        for batch, fn, actor in batches:
            t0 = time.time()
            rc, out, err = psql("SET statement_timeout = '%s';\nSELECT fuzz.run(%d);"
                                % (BATCH_TIMEOUT, batch))
            if not server_alive():
                alive_failures.append(batch)
                tap(False, "%s as %s: the server stopped answering" % (fn, actor))
                continue
            if rc != 0:
                tap(False, "%s as %s: the batch failed: %s" % (fn, actor, err.strip()[:500]))
                continue
            rc, out, err = psql(
                "SELECT coalesce(json_agg(json_build_object("
                "'id', c.id, 'outcome', r.outcome, 'sqlstate', r.sqlstate, 'message', r.message, "
                "'a1', left(c.a1, 60), 'a2', left(c.a2, 60)) ORDER BY c.id), '[]') "
                "FROM fuzz.cases c JOIN fuzz.results r USING (id) WHERE c.batch = %d;" % batch)
            total = 0
            counts = {}
            bad = []
            for r in json.loads(out) if rc == 0 else []:
                total += 1
                key = r["outcome"] if r["outcome"] != "error" else r["sqlstate"]
                counts[key] = counts.get(key, 0) + 1
                if r["outcome"] == "error" and not ACCEPTED.match(r["sqlstate"] or ""):
                    bad.append("case %d (%r, %r): %s %s" % (r["id"], r["a1"], r["a2"],
                                                           r["sqlstate"], r["message"]))
            stats[(fn, actor)] = (total, counts)
            summary = ", ".join("%s %d" % (k, v) for k, v in sorted(counts.items()))
            want = sum(1 for c in cases if c[1] == batch)
            if total != want:
                tap(False, "%s as %s: %d results for %d inputs" % (fn, actor, total, want))
            elif bad:
                tap(False, "%s as %s: %d calls, %d unexpected errors: %s"
                    % (fn, actor, total, len(bad), "; ".join(bad[:3])))
            else:
                tap(True, "%s as %s: %d calls in %.1f s, only clean errors (%s)"
                    % (fn, actor, total, time.time() - t0, summary))

        tap(not alive_failures, "the server answered a trivial query after every one of %d batches"
            % len(batches))

        check_caps()

        if log_path and os.path.isfile(log_path):
            with open(log_path, "rb") as f:
                f.seek(log_offset)
                text = f.read().decode("utf-8", "replace")
            crashes = [l for l in text.splitlines()
                       if "terminated by signal" in l or "TRAP:" in l
                       or "server process" in l and "exited with exit code" in l]
            tap(not crashes, "server log: no backend terminated by a signal%s"
                % ("" if not crashes else ": " + crashes[0][:300]))
        else:
            tap(True, "server log: not found, crash check by query only # SKIP")

        rc, after, err = psql(CHECKSUM_SQL)
        changed = [l.split("|")[0] for l in set(before.splitlines()) ^ set(after.splitlines())]
        tap(rc == 0 and not changed, "members tables unchanged (%s)%s"
            % (", ".join(TABLES), "" if not changed else ": changed " + ", ".join(sorted(set(changed)))))
        rc, out, err = psql(
            "SELECT count(*), count(*) FILTER (WHERE status_code < 400) FROM members.audit_log;")
        n_after, n_success = (int(x) for x in out.strip().split("|"))
        n_new = n_after - int(audit_before.strip())
        tap(rc == 0 and n_success == 0 and n_new >= 0,
            "audit_log gained only refused-attempt rows (%d new, %d with a success status)"
            % (n_new, n_success))

        # per-function statistics
        per_fn = {}
        for (fn, actor), (total, counts) in stats.items():
            per_fn.setdefault(fn, {})[actor] = total
        print("# inputs per function (owner/member/plain):")
        for fn in FUNCTIONS:
            if fn in per_fn:
                d = per_fn[fn]
                print("#   %-34s %5d / %5d / %4d" % (fn, d.get("owner", 0), d.get("member", 0),
                                                    d.get("plain", 0)))
        rc, out, _ = psql("SELECT outcome, count(*) FROM fuzz.results GROUP BY 1 ORDER BY 1;")
        print("# outcomes: " + ", ".join(l.replace("|", " ") for l in out.splitlines()))
        elapsed = time.time() - start
        # for information only: timings are never asserted (a loaded machine
        # is slow, not wrong)
        print("# finished in %.1f s" % elapsed)
    finally:
        psql("DROP DATABASE IF EXISTS %s WITH (FORCE);" % DB, db="postgres")
        psql("DROP ROLE IF EXISTS %s;" % PLAIN_ROLE, db="postgres")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
