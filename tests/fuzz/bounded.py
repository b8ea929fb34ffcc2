#!/usr/bin/env python3
"""Bounded work per request: every input at its cap (src/caps.h), and the
review's 40,000-name role list, with statement_timeout = 100ms.

Each call must end (success or a clean error: 22023, 42501, P0002, or
57014 if the timeout fired) within the timeout plus MARGIN seconds, a
generous margin for a loaded 2-core machine: before the caps, 40,000 names
took about 6 s and ignored the timeout.  An over-cap input is refused
with 22023 naming the limit (or cancelled by the timeout while PostgreSQL
itself still parses the huge argument; sql/36_hardening checks each cap's
message without a timeout).  Runs in database
members_bounded on the cluster of PGHOST/PGPORT; prints TAP-like lines.
"""

import json
import os
import sys
import time

import psycopg

DB = "members_bounded"
TIMEOUT_MS = 100
MARGIN = 2.0
ORG = "0f600000-0000-4000-8000-000000000001"
OWNER = "0f600000-0000-4000-8000-0000000000a1"
MEMBER = "0f600000-0000-4000-8000-0000000000b1"
TARGET = "0f600000-0000-4000-8000-0000000000c1"
ACCEPTED = {"00000", "22023", "42501", "P0002", "57014"}

failures = 0


def report(ok, name, detail=""):
    global failures
    if not ok:
        failures += 1
    print(("ok" if ok else "not ok") + f" - bounded: {name}" + (f" ({detail})" if detail else ""))
    sys.stdout.flush()


def connect(db):
    return psycopg.connect(host=os.environ["PGHOST"], port=os.environ["PGPORT"],
                           user=os.environ.get("PGUSER", "postgres"), dbname=db, autocommit=True)


def call(conn, actor, sql, params):
    """Run sql as actor with the timeout; (sqlstate, message, seconds)."""
    t0 = time.perf_counter()
    try:
        with conn.transaction():
            conn.execute("SET LOCAL statement_timeout = %d" % TIMEOUT_MS)
            conn.execute("SELECT set_config('members.actor', %s, true)", (actor,))
            conn.execute(sql, params)
        state, msg = "00000", ""
    except psycopg.Error as e:
        state, msg = e.sqlstate, (e.diag.message_primary or "")
    return state, msg, time.perf_counter() - t0


def main():
    admin = connect("postgres")
    admin.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    admin.execute(f"CREATE DATABASE {DB}")
    c = connect(DB)
    c.execute("CREATE EXTENSION members")
    c.execute("INSERT INTO members.organizations (id, name, display_name, is_default) "
              "VALUES (%s, 'b1', 'B1', true)", (ORG,))
    c.execute("INSERT INTO members.users (id, username, email, rbac_roles) VALUES "
              "(%s, 'bowner', 'bowner@example.com', '{owner}'), "
              "(%s, 'bmember', 'bmember@example.com', '{}'), "
              "(%s, 'btarget', 'btarget@example.com', '{}')", (OWNER, MEMBER, TARGET))
    c.execute("INSERT INTO members.organization_members (organization_id, user_id) VALUES "
              "(%s, %s), (%s, %s), (%s, %s)", (ORG, OWNER, ORG, MEMBER, ORG, TARGET))

    longest = ["r%03d" % i + "x" * 252 for i in range(100)]          # 100 names of 256 bytes
    perm = {"negate": False, "resource_type": "template", "action": "read"}
    cases = [
        ("largest role list (100 names of 256 bytes), organization roles, as the owner", OWNER,
         "SELECT members.update_organization_member_roles('b1', 'btarget', %s)", (longest,), None),
        ("largest role list, organization roles, as a plain member (refused, audited)", MEMBER,
         "SELECT members.update_organization_member_roles('b1', 'btarget', %s)", (longest,), None),
        ("largest role list, site roles, as the owner", OWNER,
         "SELECT members.update_user_site_roles('btarget', %s)", (longest,), None),
        ("largest custom role (1000 permissions)", OWNER,
         "SELECT members.insert_custom_role('b1', %s::jsonb)",
         (json.dumps({"name": "b-big", "organization_permissions": [perm] * 1000}),), None),
        ("deepest custom role body (16 levels)", OWNER,
         "SELECT members.insert_custom_role('b1', %s::jsonb)",
         ('{"name": "b-deep", "x": ' + "[" * 15 + "]" * 15 + "}",), None),
        ("largest page (1000)", OWNER,
         "SELECT members.paginated_organization_members('b1', 1000)", (), None),
        ("largest check_permissions body (1000 checks, any_org)", MEMBER,
         "SELECT members.check_permissions(%s::jsonb)",
         (json.dumps({"k%04d" % i: {"object": {"resource_type": "workspace", "any_org": True},
                                    "action": "create"} for i in range(1000)}),), None),
        ("100,000 checks (refused by the cap)", MEMBER,
         "SELECT members.check_permissions(%s::jsonb)",
         (json.dumps({"k%06d" % i: {"object": {"resource_type": "template"}, "action": "read"}
                      for i in range(100000)}),), "too many checks"),
        ("the review's input: 40,000 role names (refused by the cap)", MEMBER,
         "SELECT members.update_organization_member_roles('b1', 'btarget', %s)",
         (["organization-admin", "x"] * 20000,), "too many roles"),
        ("40,000 site role names (refused by the cap)", OWNER,
         "SELECT members.update_user_site_roles('btarget', %s)",
         (["auditor"] * 40000,), "too many roles"),
        ("100,000 permissions (refused by the cap)", OWNER,
         "SELECT members.insert_custom_role('b1', %s::jsonb)",
         (json.dumps({"name": "b-huge", "organization_permissions": [perm] * 100000}),),
         "too many permissions"),
        ("JSON nested 5,000 deep (refused by the cap)", OWNER,
         "SELECT members.insert_custom_role('b1', %s::jsonb)",
         ('{"name": "b-deep2", "x": ' + "[" * 5000 + "]" * 5000 + "}",), "is nested too deeply"),
    ]
    for name, actor, sql, params, cap_msg in cases:
        state, msg, secs = call(c, actor, sql, params)
        ok = state in ACCEPTED and secs < TIMEOUT_MS / 1000 + MARGIN
        if cap_msg is not None:
            # refused by the cap, or cancelled by the timeout while
            # PostgreSQL itself was still reading the huge argument
            ok = ok and ((state == "22023" and cap_msg in msg) or state == "57014")
        report(ok, f"{name}: ends within {TIMEOUT_MS} ms + {MARGIN:.0f} s margin, cleanly",
               f"{state} {msg[:80]!r} in {secs * 1000:.0f} ms")
    c.close()
    admin.execute(f"DROP DATABASE {DB} WITH (FORCE)")
    admin.close()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
