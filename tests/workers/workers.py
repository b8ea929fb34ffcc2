#!/usr/bin/env python3
"""The members background worker under attack and under hostile settings.

Run by tests/suites/workers.sh against a cluster with max_worker_processes
= 1 (and no logical replication launcher or parallel workers), so exactly
one background worker slot exists, and members.worker_idle_timeout =
500ms.  Each check uses a database of its own.  Prints TAP-like lines.

Checks:
  burst      1,000 refused requests of one user from 8 connections, while 4
             other connections present 300 stale tokens in READ ONLY
             transactions: every refusal has its audit row, no WARNING was
             raised, every token's last_used is recorded, and the worker
             was started a handful of times, not once per event (the review
             that prompted this lost 4-23 of 130 rows with one worker per
             event);
  nologin    the extension owned by a NOLOGIN role: refusals are audited
             and read-only token uses recorded;
  owner      a long-lived connection follows REASSIGN OWNED (old owner
             dropped) and a dropped and re-created extension (previous owner
             dropped): its calls still work and its refusals are audited;
  dbowner    a non-superuser database owner sets statement_timeout,
             lock_timeout and default_transaction_read_only for the
             database: refusals are still audited, token uses recorded;
  scarce     the only slot held by another database's worker: a refusal
             gets a WARNING that its row is queued, and the row is written
             once a worker can start: nothing is lost.
"""

import os
import sys
import threading
import time

import psycopg

ORG = "0f300000-0000-4000-8000-000000000001"
ALICE = "0f300000-0000-4000-8000-0000000000a1"
BOB = "0f300000-0000-4000-8000-0000000000b0"

failures = 0


def report(ok, name, detail=""):
    global failures
    if ok:
        print(f"ok - workers: {name}")
    else:
        failures += 1
        print(f"not ok - workers: {name}" + (f" ({detail})" if detail else ""))
    sys.stdout.flush()


def connect(db="postgres", user="postgres", options=None, notices=None):
    kw = dict(host=os.environ["PGHOST"], port=os.environ["PGPORT"], user=user,
              dbname=db, autocommit=True)
    if options:
        kw["options"] = options
    conn = psycopg.connect(**kw)
    if notices is not None:
        conn.add_notice_handler(lambda d: notices.append(
            f"{d.severity}: {d.message_primary} {d.message_detail or ''}"))
    return conn


def wait_no_worker(admin):
    """Wait (bounded) until no members worker runs, so the next database
    can have the one slot."""
    for _ in range(100):
        n = admin.execute("SELECT count(*) FROM pg_stat_activity "
                          "WHERE backend_type = 'members worker'").fetchone()[0]
        if n == 0:
            return True
        time.sleep(0.1)
    return False


def eventually(conn, sql, seconds=15):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if conn.execute(sql).fetchone()[0]:
            return True
        time.sleep(0.1)
    return False


def fixture(db, owner_sql=None):
    """A database with the extension (created by owner_sql's role when
    given), organization o1 with members alice and bob."""
    admin = connect()
    admin.execute(f"DROP DATABASE IF EXISTS {db}")
    admin.execute(f"CREATE DATABASE {db}")
    admin.close()
    c = connect(db)
    if owner_sql:
        c.execute(owner_sql)
    c.execute("CREATE EXTENSION members")
    c.execute("RESET ROLE")
    c.execute("INSERT INTO members.organizations (id, name, display_name, is_default) "
              "VALUES (%s, 'o1', 'O1', true)", (ORG,))
    c.execute("INSERT INTO members.users (id, username, email) VALUES "
              "(%s, 'alice', 'alice@example.com'), (%s, 'bob', 'bob@example.com')",
              (ALICE, BOB))
    c.execute("INSERT INTO members.organization_members (organization_id, user_id) "
              "VALUES (%s, %s), (%s, %s)", (ORG, ALICE, ORG, BOB))
    return c


def refuse(conn, n=1):
    """n refused removals of bob by alice (each audited by the worker);
    returns the SQLSTATEs seen."""
    states = []
    for _ in range(n):
        try:
            with conn.transaction():
                conn.execute("SELECT set_config('members.actor', %s, true)", (ALICE,))
                conn.execute("SELECT members.remove_organization_member('o1', 'bob')")
            states.append("00000")
        except psycopg.Error as e:
            states.append(e.sqlstate)
    return states


def make_tokens(conn, n):
    """n tokens of alice whose last_used is two hours old."""
    toks = [conn.execute("SELECT members.create_api_key('alice')").fetchone()[0]
            for _ in range(n)]
    conn.execute("UPDATE members.api_keys SET last_used = now() - interval '2 hours'")
    return toks


def get_with(conn, tok):
    """A GET as PostgREST runs it: a READ ONLY transaction authenticating."""
    conn.execute("BEGIN READ ONLY")
    conn.execute("SELECT members.authenticate_api_key(%s)", (tok,))
    conn.execute("COMMIT")


def refused_rows(conn):
    return conn.execute("SELECT count(*) FROM members.audit_log "
                        "WHERE user_id = %s AND status_code >= 400", (ALICE,)).fetchone()[0]


def stale_tokens(conn):
    return conn.execute("SELECT count(*) FROM members.api_keys "
                        "WHERE last_used < now() - interval '1 hour'").fetchone()[0]


def check_burst():
    db = "members_w_burst"
    c = fixture(db)
    toks = make_tokens(c, 300)
    notices = []
    errors = []
    states = []
    lock = threading.Lock()

    def refuser(k):
        try:
            conn = connect(db, notices=notices)
            s = refuse(conn, k)
            with lock:
                states.extend(s)
            conn.close()
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))

    def getter(part):
        try:
            conn = connect(db, notices=notices)
            for t in part:
                get_with(conn, t)
            conn.close()
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))

    threads = [threading.Thread(target=refuser, args=(125,)) for _ in range(8)]
    threads += [threading.Thread(target=getter, args=(toks[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    report(not errors and len(states) == 1000 and all(s == "P0002" for s in states),
           "burst: 1,000 refused removals answered 404 (P0002)",
           f"errors={errors[:3]} states={sorted(set(states))} n={len(states)}")
    rows = refused_rows(c)
    report(rows == 1000, "burst: every one of the 1,000 refusals has its audit row",
           f"{rows} rows")
    warn = [n for n in notices if n.startswith("WARNING")]
    report(not warn, "burst: no refusal went unaudited (no WARNING)", "; ".join(warn[:3]))
    report(eventually(c, "SELECT count(*) = 0 FROM members.api_keys "
                         "WHERE last_used < now() - interval '1 hour'"),
           "burst: the last_used of all 300 tokens used in READ ONLY transactions is recorded",
           f"{stale_tokens(c)} still stale")
    st = c.execute("SELECT members.worker_stats()").fetchone()[0]
    report(st["starts"] <= 5 and st["failed"] == 0 and st["refused"] == 0,
           "burst: 1,300 queued records took a handful of worker starts, not one each",
           f"{st}")
    report(st["transactions"] < st["written"],
           "burst: the worker batched records (fewer transactions than records)", f"{st}")
    c.close()


def check_nologin():
    db = "members_w_nologin"
    admin = connect()
    admin.execute("DROP ROLE IF EXISTS members_w_nologin_owner")
    admin.execute("CREATE ROLE members_w_nologin_owner SUPERUSER NOLOGIN")
    c = fixture(db, "SET ROLE members_w_nologin_owner")
    owner = c.execute("SELECT r.rolname FROM pg_extension e JOIN pg_roles r "
                      "ON r.oid = e.extowner WHERE e.extname = 'members'").fetchone()[0]
    notices = []
    c.add_notice_handler(lambda d: notices.append(f"{d.severity}: {d.message_primary}"))
    toks = make_tokens(c, 3)
    states = refuse(c, 3)
    for t in toks:
        get_with(c, t)
    report(owner == "members_w_nologin_owner" and states == ["P0002"] * 3 and refused_rows(c) == 3
           and not notices,
           "nologin: refusals audited when the extension owner may not log in",
           f"owner={owner} states={states} rows={refused_rows(c)} notices={notices}")
    report(eventually(c, "SELECT count(*) = 0 FROM members.api_keys "
                         "WHERE last_used < now() - interval '1 hour'"),
           "nologin: read-only token uses recorded when the owner may not log in",
           f"{stale_tokens(c)} still stale")
    c.close()
    wait_no_worker(admin)
    admin.execute(f"DROP DATABASE {db}")
    admin.execute("DROP ROLE members_w_nologin_owner")
    admin.close()


def check_owner_reset():
    db = "members_w_owner"
    admin = connect()
    for r in ("members_w_own1", "members_w_own2", "members_w_own3"):
        admin.execute(f"DROP ROLE IF EXISTS {r}")
        admin.execute(f"CREATE ROLE {r} SUPERUSER LOGIN")
    c = fixture(db, "SET ROLE members_w_own1")
    notices = []
    # the long-lived connection: caches the owner, its worker too
    lc = connect(db, notices=notices)
    lc.execute("SELECT members.organization_members('o1')")
    first = refuse(lc, 1)
    other = connect(db)
    other.execute("REASSIGN OWNED BY members_w_own1 TO members_w_own2")
    other.execute("DROP OWNED BY members_w_own1")
    other.execute("DROP ROLE members_w_own1")
    ok = True
    detail = ""
    try:
        n = len(lc.execute("SELECT members.organization_members('o1')").fetchone()[0])
        ok = n == 2
        detail = f"{n} members"
    except psycopg.Error as e:
        ok = False
        detail = f"{e.sqlstate}: {e}"
    report(ok, "owner: a long-lived connection follows REASSIGN OWNED (old owner dropped)", detail)
    second = refuse(lc, 1)
    report(first == ["P0002"] and second == ["P0002"] and refused_rows(lc) == 2 and not notices,
           "owner: refusals before and after REASSIGN OWNED are audited",
           f"{first} {second} rows={refused_rows(lc)} notices={notices}")

    # drop and re-create the extension under another owner, drop the old one
    other.execute("DROP EXTENSION members CASCADE")
    other.execute("DROP SCHEMA IF EXISTS members CASCADE")
    other.execute("SET ROLE members_w_own3")
    other.execute("CREATE EXTENSION members")
    other.execute("RESET ROLE")
    other.execute("INSERT INTO members.organizations (id, name, display_name, is_default) "
                  "VALUES (%s, 'o1', 'O1', true)", (ORG,))
    other.execute("INSERT INTO members.users (id, username, email) VALUES "
                  "(%s, 'alice', 'alice@example.com'), (%s, 'bob', 'bob@example.com')",
                  (ALICE, BOB))
    other.execute("INSERT INTO members.organization_members (organization_id, user_id) "
                  "VALUES (%s, %s), (%s, %s)", (ORG, ALICE, ORG, BOB))
    other.execute("DROP ROLE members_w_own2")
    try:
        n = len(lc.execute("SELECT members.organization_members('o1')").fetchone()[0])
        ok = n == 2
        detail = f"{n} members"
    except psycopg.Error as e:
        ok = False
        detail = f"{e.sqlstate}: {e}"
    report(ok, "owner: a long-lived connection follows a re-created extension (previous owner dropped)",
           detail)
    third = refuse(lc, 1)
    report(third == ["P0002"] and refused_rows(lc) == 1 and not notices,
           "owner: refusals after re-creating the extension are audited",
           f"{third} rows={refused_rows(lc)} notices={notices}")
    lc.close()
    other.close()
    c.close()
    wait_no_worker(admin)
    admin.execute(f"DROP DATABASE {db}")
    admin.execute("DROP ROLE members_w_own3")
    admin.close()


def check_dbowner():
    db = "members_w_dbowner"
    admin = connect()
    admin.execute("DROP ROLE IF EXISTS members_w_dbown")
    admin.execute("CREATE ROLE members_w_dbown LOGIN")
    c = fixture(db)
    toks = make_tokens(c, 3)
    c.close()
    admin.execute(f"ALTER DATABASE {db} OWNER TO members_w_dbown")
    o = connect(db, user="members_w_dbown")
    for setting in ("statement_timeout = '1ms'", "lock_timeout = '1ms'",
                    "default_transaction_read_only = on",
                    "idle_in_transaction_session_timeout = '1ms'",
                    "search_path = 'nowhere'"):
        o.execute(f"ALTER DATABASE {db} SET {setting}")
    o.close()
    notices = []
    c = connect(db, notices=notices,
                options="-c statement_timeout=0 -c lock_timeout=0 "
                        "-c default_transaction_read_only=off "
                        "-c idle_in_transaction_session_timeout=0")
    states = refuse(c, 3)
    for t in toks:
        get_with(c, t)
    report(states == ["P0002"] * 3 and refused_rows(c) == 3 and not notices,
           "dbowner: refusals audited despite the database owner's statement_timeout, "
           "lock_timeout and default_transaction_read_only",
           f"states={states} rows={refused_rows(c)} notices={notices}")
    report(eventually(c, "SELECT count(*) = 0 FROM members.api_keys "
                         "WHERE last_used < now() - interval '1 hour'"),
           "dbowner: read-only token uses recorded despite the database owner's settings",
           f"{stale_tokens(c)} still stale")
    c.close()
    wait_no_worker(admin)
    admin.execute(f"DROP DATABASE {db}")
    admin.execute("DROP ROLE members_w_dbown")
    admin.close()


def check_scarce():
    """The only worker slot taken (database A's worker stuck on a lock):
    a refusal in database B cannot start B's worker; it is answered after a
    bounded wait with a WARNING that its row is queued, and the row is
    written by the worker that the next refusal starts once the slot is
    free: nothing is lost."""
    a, b = "members_w_scarce_a", "members_w_scarce_b"
    ca = fixture(a)
    cb = fixture(b)
    admin = connect()
    locker = connect(a)
    locker.execute("BEGIN")
    locker.execute("LOCK TABLE members.audit_log IN ACCESS EXCLUSIVE MODE")
    stuck_states = []

    def stuck_refusal():
        conn = connect(a)
        stuck_states.extend(refuse(conn, 1))
        conn.close()

    t = threading.Thread(target=stuck_refusal)
    t.start()
    # A's worker starts and waits for the lock, holding the only slot
    ok = False
    for _ in range(100):
        n = admin.execute("SELECT count(*) FROM pg_stat_activity WHERE backend_type = "
                          "'members worker' AND wait_event_type = 'Lock'").fetchone()[0]
        if n == 1:
            ok = True
            break
        time.sleep(0.05)
    notices = []
    nb = connect(b, notices=notices)
    first = refuse(nb, 1)
    queued_warning = any("not yet audited" in n for n in notices)
    rows_while_busy = refused_rows(cb)
    locker.execute("ROLLBACK")
    t.join()
    wait_no_worker(admin)
    notices.clear()
    second = refuse(nb, 1)
    report(ok and first == ["P0002"] and queued_warning and rows_while_busy == 0,
           "scarce: with the only worker slot taken, a refusal is answered after a bounded wait "
           "with a WARNING that its row is queued",
           f"slot_taken={ok} states={first} notices={notices} rows={rows_while_busy}")
    report(second == ["P0002"] and refused_rows(cb) == 2 and not notices,
           "scarce: the queued row is written once the slot is free (both refusals audited)",
           f"states={second} rows={refused_rows(cb)} notices={notices}")
    report(stuck_states == ["P0002"] and refused_rows(ca) == 1,
           "scarce: the refusal whose worker waited for a lock is audited after the lock is released",
           f"states={stuck_states} rows={refused_rows(ca)}")
    for c in (ca, cb, nb, locker):
        c.close()
    wait_no_worker(admin)
    admin.execute(f"DROP DATABASE {a}")
    admin.execute(f"DROP DATABASE {b}")
    admin.close()


def main():
    admin = connect()
    for name, fn in (("burst", check_burst), ("nologin", check_nologin),
                     ("owner", check_owner_reset), ("dbowner", check_dbowner),
                     ("scarce", check_scarce)):
        wait_no_worker(admin)
        try:
            fn()
        except Exception as e:  # noqa: BLE001
            report(False, f"{name}: ran to the end", repr(e))
    wait_no_worker(admin)
    admin.execute("DROP DATABASE IF EXISTS members_w_burst")
    admin.close()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
