#!/usr/bin/env python3
"""Measurements of bench/workers.sh (see there).  Runs against PGHOST/PGPORT
as postgres, in a database "bench" it creates."""

import os
import statistics
import sys
import threading
import time

import psycopg

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
CLIENTS = int(sys.argv[2]) if len(sys.argv) > 2 else 8
ORG = "0f500000-0000-4000-8000-000000000001"
ADMIN = "0f500000-0000-4000-8000-0000000000ad"
ALICE = "0f500000-0000-4000-8000-0000000000a1"


def connect(db="bench"):
    return psycopg.connect(host=os.environ["PGHOST"], port=os.environ["PGPORT"],
                           user="postgres", dbname=db, autocommit=True)


def setup():
    c = connect("postgres")
    c.execute("DROP DATABASE IF EXISTS bench")
    c.execute("CREATE DATABASE bench")
    c.close()
    c = connect()
    c.execute("CREATE EXTENSION members")
    c.execute("INSERT INTO members.organizations (id, name, display_name, is_default) "
              "VALUES (%s, 'o1', 'O1', true)", (ORG,))
    c.execute("INSERT INTO members.users (id, username, email) VALUES "
              "(%s, 'admin', 'admin@example.com'), (%s, 'alice', 'alice@example.com')",
              (ADMIN, ALICE))
    c.execute("INSERT INTO members.organization_members (organization_id, user_id, roles) "
              "VALUES (%s, %s, '{organization-admin}'), (%s, %s, '{}')",
              (ORG, ADMIN, ORG, ALICE))
    users = [f"bob{i}" for i in range(CLIENTS)]
    for u in users:
        uid = c.execute("SELECT (members.create_user(%s, %s))->>'id'",
                        (u, f"{u}@example.com")).fetchone()[0]
        c.execute("INSERT INTO members.organization_members (organization_id, user_id) "
                  "VALUES (%s, %s)", (ORG, uid))
    return c, users


def request(conn, actor, target, i):
    """PUT /organizations/o1/members/{target}/roles; True if allowed."""
    roles = "{organization-auditor}" if i % 2 else "{}"
    try:
        with conn.transaction():
            conn.execute("SELECT set_config('members.actor', %s, true)", (actor,))
            conn.execute("SELECT members.update_organization_member_roles('o1', %s, %s)",
                         (target, roles))
        return True
    except psycopg.Error as e:
        if e.sqlstate != "42501":
            raise
        return False


def sequential(actor, target, n):
    conn = connect()
    request(conn, actor, target, 0)  # warm the backend
    times = []
    for i in range(n):
        t0 = time.perf_counter()
        request(conn, actor, target, i)
        times.append(time.perf_counter() - t0)
    conn.close()
    return statistics.mean(times), statistics.median(times)


def concurrent(actor, users, n):
    per = n // len(users)
    conns = [connect() for _ in users]
    for c, u in zip(conns, users):
        request(c, actor, u, 0)
    ths = [threading.Thread(target=lambda c=c, u=u: [request(c, actor, u, i) for i in range(per)])
           for c, u in zip(conns, users)]
    t0 = time.perf_counter()
    for t in ths:
        t.start()
    for t in ths:
        t.join()
    el = time.perf_counter() - t0
    for c in conns:
        c.close()
    return per * len(users) / el


def gets(c, n):
    toks = [c.execute("SELECT members.create_api_key('alice')").fetchone()[0] for _ in range(n)]
    c.execute("UPDATE members.api_keys SET last_used = now() - interval '2 hours'")
    conn = connect()
    t0 = time.perf_counter()
    for t in toks:
        conn.execute("BEGIN READ ONLY")
        conn.execute("SELECT members.authenticate_api_key(%s)", (t,))
        conn.execute("COMMIT")
    el = time.perf_counter() - t0
    c.execute("UPDATE members.api_keys SET last_used = now()")
    t0 = time.perf_counter()
    for t in toks:
        conn.execute("BEGIN READ ONLY")
        conn.execute("SELECT members.authenticate_api_key(%s)", (t,))
        conn.execute("COMMIT")
    fresh = time.perf_counter() - t0
    conn.close()
    return el / n, fresh / n


def main():
    c, users = setup()
    before = c.execute("SELECT count(*) FROM members.audit_log").fetchone()[0]
    a_mean, a_med = sequential(ADMIN, users[0], N)
    r_mean, r_med = sequential(ALICE, users[0], N)
    a_tps = concurrent(ADMIN, users, N)
    r_tps = concurrent(ALICE, users, N)
    stale, fresh = gets(c, min(N, 300))
    refused_rows = c.execute("SELECT count(*) FROM members.audit_log WHERE user_id = %s "
                             "AND status_code = 403", (ALICE,)).fetchone()[0]
    expected_refused = N + 1 + (N // len(users)) * len(users) + len(users)
    st = c.execute("SELECT members.worker_stats()").fetchone()[0]
    print(f"requests per measurement: {N}, concurrent clients: {len(users)}")
    print(f"sequential allowed: mean {a_mean * 1000:.3f} ms, median {a_med * 1000:.3f} ms")
    print(f"sequential refused: mean {r_mean * 1000:.3f} ms, median {r_med * 1000:.3f} ms")
    print(f"ratio refused/allowed (sequential, mean): {r_mean / a_mean:.2f}")
    print(f"concurrent allowed: {a_tps:.0f} requests/s; refused: {r_tps:.0f} requests/s")
    print(f"ratio refused/allowed (concurrent, time per request): {a_tps / r_tps:.2f}")
    print(f"read-only token use: stale last_used (queued) {stale * 1000:.3f} ms, "
          f"fresh {fresh * 1000:.3f} ms, ratio {stale / fresh:.2f}")
    print(f"refused requests audited: {refused_rows} of {expected_refused}")
    print(f"worker: {st['starts']} starts, {st['transactions']} transactions, "
          f"{st['written']} records written, {st['failed']} failed, {st['refused']} refused")
    c.close()
    ok = refused_rows == expected_refused
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
