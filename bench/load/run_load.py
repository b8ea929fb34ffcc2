#!/usr/bin/env python3
"""Load and consistency check of bench/load.sh.

Runs against the cluster that PGHOST/PGPORT/PGUSER (a superuser) point at,
in database --db, which bench/load/setup.sql has filled.  Uses only the
standard library, psql and pgbench.

1. Opens a "keeper": one psql session held open for the whole run, which
   answers the consistency sample (load.sample: every user, 6 checks each)
   once before the load, so its subject cache is warm, and again about once
   a second while the load runs (its cache is rebuilt under concurrent
   commits and invalidations).
2. Runs each mix with pgbench -c 2 -j 2 -T <seconds> -M prepared and
   per-transaction logs:
     check  99% permission checks (check.pgbench), 1% role and membership
            changes (change.pgbench);
     write  add member 20%, remove member 20%, assign roles 40% (a fifth of
            them site roles), create custom role 10%, delete custom role 10%.
   Prints TPS, and p50/p99 latency per mix and per script from the logs.
3. After each mix, checks (TAP-like "ok - ..." / "not ok - ..." lines):
   - pgbench: no failed transaction, no aborted client (the load.*
     wrappers catch only the expected refusals 22023, 23505, P0002, 42501
     and raise anything else, which aborts the client);
   - the outcomes are only "ok" and those refusals;
   - every stored role name exists (load.bad_role_names is empty);
   - each successful operation wrote exactly one audit row with a success
     status (the change and its audit row commit together);
   - the keeper's answers, first rebuilt and then from its warm cache,
     equal a fresh session's answers to the same sample, and the keeper
     really cached every sampled subject; the same for a second session,
     warmed just before the mix and idle during it (its invalidations
     arrive while idle, or as a reset when it falls behind); how many
     sampled answers the mix changed is printed;
   - the server log has no ERROR, FATAL, PANIC, deadlock, crash or
     "could not be audited" line written during the mix.
Exits non-zero when any check fails.
"""

import argparse
import glob
import os
import re
import subprocess
import sys
import threading
import time

EXPECTED_REFUSALS = {"22023", "23505", "P0002", "42501"}
PG_BIN = os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin")
HERE = os.path.dirname(os.path.abspath(__file__))

failures = 0


def tap(ok, msg):
    global failures
    if not ok:
        failures += 1
    print("%s - %s" % ("ok" if ok else "not ok", msg), flush=True)


def psql(db, sql, timeout=600):
    p = subprocess.run([os.path.join(PG_BIN, "psql"), "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1",
                        "-d", db, "-c", sql],
                       capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        raise RuntimeError("psql failed (%s): %s" % (sql[:80], p.stderr.strip()))
    return p.stdout.strip()


class Session:
    """One psql process held open; query() runs SQL and returns its output."""

    MARK = "__members_load_done__"

    def __init__(self, db):
        self.p = subprocess.Popen([os.path.join(PG_BIN, "psql"), "-X", "-q", "-At", "-d", db],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True, bufsize=1)
        self.lock = threading.Lock()

    def query(self, sql):
        with self.lock:
            self.p.stdin.write(sql.rstrip().rstrip(";") + ";\n\\echo " + self.MARK + "\n")
            self.p.stdin.flush()
            lines = []
            while True:
                line = self.p.stdout.readline()
                if line == "":
                    raise RuntimeError("keeper session ended: %s" % "".join(lines))
                if line.rstrip("\n") == self.MARK:
                    break
                lines.append(line.rstrip("\n"))
            out = "\n".join(lines)
            if "ERROR:" in out or "FATAL:" in out:
                raise RuntimeError("keeper query failed (%s): %s" % (sql[:80], out))
            return out

    def close(self):
        try:
            self.p.stdin.close()
            self.p.wait(timeout=30)
        except Exception:
            self.p.kill()


def server_log_path(db):
    data = psql(db, "SHOW data_directory")
    cand = os.path.join(os.path.dirname(data), "server.log")
    if os.path.isfile(cand):
        return cand
    cur = psql(db, "SELECT coalesce(pg_current_logfile(), '')")
    if cur:
        return cur if os.path.isabs(cur) else os.path.join(data, cur)
    return None


def percentile(sorted_vals, q):
    if not sorted_vals:
        return float("nan")
    k = max(0, min(len(sorted_vals) - 1, int(round(q * (len(sorted_vals) - 1)))))
    return sorted_vals[k]


def parse_pgbench_logs(prefix):
    """Per-transaction logs: client_id transaction_no time script_no time_epoch time_us."""
    by_script = {}
    allv = []
    for path in glob.glob(prefix + ".*"):
        with open(path) as f:
            for line in f:
                parts = line.split()
                if len(parts) < 6 or not all(p.isdigit() for p in parts[:6]):
                    continue		# failed or skipped transactions
                us = int(parts[2])
                by_script.setdefault(int(parts[3]), []).append(us)
                allv.append(us)
    allv.sort()
    for v in by_script.values():
        v.sort()
    return allv, by_script


MIXES = [
    ("check", "99% permission checks, 1% role and membership changes",
     [("check.pgbench", 99), ("change.pgbench", 1)]),
    ("write", "add/remove members, assign roles, create/delete custom roles",
     [("add_member.pgbench", 20), ("remove_member.pgbench", 20), ("assign_roles.pgbench", 40),
      ("create_role.pgbench", 10), ("delete_role.pgbench", 10)]),
]


def run_mix(db, out, seconds, keeper, log_path, name, title, scripts, summary):
    norgs, nusers = psql(db, "SELECT norgs || ' ' || nusers FROM load.settings").split()
    npairs = psql(db, "SELECT count(*) FROM load.pairs")
    audit_ok_before = int(psql(db, "SELECT count(*) FROM members.audit_log WHERE status_code < 400"))
    log_offset = os.path.getsize(log_path) if log_path and os.path.isfile(log_path) else 0

    prefix = os.path.join(out, "pgbench-" + name)
    for old in glob.glob(prefix + ".*"):
        os.unlink(old)
    cmd = [os.path.join(PG_BIN, "pgbench"), "-n", "-M", "prepared", "-c", "2", "-j", "2",
           "-T", str(seconds), "--log", "--log-prefix=" + prefix,
           "-D", "norgs=" + norgs, "-D", "nusers=" + nusers, "-D", "npairs=" + npairs]
    for script, weight in scripts:
        cmd += ["-f", "%s@%d" % (os.path.join(HERE, script), weight)]
    cmd.append(db)
    env = dict(os.environ, PGOPTIONS="-c load.mix=" + name)
    print("# %s mix: %s" % (name, " ".join(cmd[1:])), flush=True)

    # answers before the load, from the warm cache of the active keeper, and
    # an idle session warmed now that runs nothing until the load is over
    before = keeper.query("SELECT load.sample_answers()")
    idle = Session(db)
    idle.query("SELECT load.sample_answers()")

    t0 = time.time()
    proc = subprocess.Popen(cmd, cwd=out, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    refreshes = 0
    keeper_error = None
    while proc.poll() is None:
        time.sleep(1.0)
        if proc.poll() is not None:
            break
        try:
            keeper.query("SELECT length(load.sample_answers())")
            refreshes += 1
        except Exception as e:		# reported below
            keeper_error = str(e)
            break
    text = proc.communicate()[0]
    elapsed = time.time() - t0
    with open(prefix + "-output.txt", "w") as f:
        f.write(text)

    tps = re.search(r"^tps = ([0-9.]+)", text, re.M)
    failed = re.search(r"^number of failed transactions: (\d+)", text, re.M)
    processed = re.search(r"^number of transactions actually processed: (\d+)", text, re.M)
    aborted = [l for l in text.splitlines() if "aborted" in l or "error" in l.lower()]
    ok = (proc.returncode == 0 and tps is not None and failed is not None
          and int(failed.group(1)) == 0 and not aborted)
    tap(ok, "%s mix: pgbench -c 2 -j 2 -T %d ran %.0f s, %s transactions, no failed transaction, no aborted client%s"
        % (name, seconds, elapsed, processed.group(1) if processed else "?",
           "" if ok else " (exit %d): %s" % (proc.returncode, "; ".join(aborted[:5]) or text[-800:])))
    tap(keeper_error is None, "%s mix: the open session answered the sample %d times during the load%s"
        % (name, refreshes, "" if keeper_error is None else ": " + keeper_error))

    allv, by_script = parse_pgbench_logs(prefix)
    row = {"mix": name, "title": title, "tps": float(tps.group(1)) if tps else float("nan"),
           "n": len(allv), "p50": percentile(allv, 0.50) / 1000.0,
           "p99": percentile(allv, 0.99) / 1000.0, "scripts": []}
    for i, (script, weight) in enumerate(scripts):
        v = by_script.get(i, [])
        row["scripts"].append((script, weight, len(v), percentile(v, 0.5) / 1000.0,
                               percentile(v, 0.99) / 1000.0))
    summary.append(row)

    # outcomes: only ok and the expected refusals
    rows = psql(db, "SELECT op, result, count(*) FROM load.outcomes WHERE mix = '%s' "
                    "GROUP BY 1, 2 ORDER BY 1, 2" % name)
    counts = {}
    for line in rows.splitlines():
        op, result, n = line.split("|")
        counts.setdefault(op, {})[result] = int(n)
    bad = {op: {r: n for r, n in c.items() if r != "ok" and r not in EXPECTED_REFUSALS}
           for op, c in counts.items()}
    bad = {op: c for op, c in bad.items() if c}
    desc = "; ".join("%s %s" % (op, ", ".join("%s %d" % (r, n) for r, n in sorted(c.items())))
                     for op, c in sorted(counts.items()))
    tap(not bad and counts, "%s mix: outcomes are only ok and expected refusals (%s)" % (name, desc))

    # stored role names
    badnames = psql(db, "SELECT count(*) || coalesce(': ' || string_agg(tab || ' ' || usr || ' ' || name, ', '), '') "
                        "FROM (SELECT * FROM load.bad_role_names LIMIT 5) b")
    total_bad = psql(db, "SELECT count(*) FROM load.bad_role_names")
    roles_n = psql(db, "SELECT (SELECT count(*) FROM members.organization_members) || ' memberships, ' || "
                       "(SELECT count(*) FROM members.custom_roles) || ' custom roles'")
    tap(total_bad == "0", "%s mix: every stored role name exists (org roles: built-in or a custom role of "
        "that organization; site roles: built-in) over %s%s"
        % (name, roles_n, "" if total_bad == "0" else "; bad: " + badnames))

    # audit rows of successes
    ok_ops = sum(c.get("ok", 0) for c in counts.values())
    audit_ok = int(psql(db, "SELECT count(*) FROM members.audit_log WHERE status_code < 400")) - audit_ok_before
    tap(audit_ok == ok_ops, "%s mix: one success audit row per successful operation (%d rows, %d operations)"
        % (name, audit_ok, ok_ops))

    # cached answers vs a fresh session
    fresh = compare_cache(db, keeper, name, "the open session")
    compare_cache(db, idle, name, "a session idle during the load")
    idle.close()
    changed = sum(1 for a, b in zip(before, fresh) if a != b and a != " ")
    print("# %s mix: %d of %d sampled answers changed during the load" % (name, changed, len(fresh) - 1),
          flush=True)

    # server log
    if log_path and os.path.isfile(log_path):
        with open(log_path, "rb") as f:
            f.seek(log_offset)
            lines = f.read().decode("utf-8", "replace").splitlines()
        pat = re.compile(r"ERROR:|FATAL:|PANIC:|deadlock|terminated by signal|TRAP:|could not be audited"
                         r"|exited with exit code")
        hits = [l for l in lines if pat.search(l)]
        tap(not hits, "%s mix: server log has no error, deadlock, crash or unaudited refusal (%d lines read)%s"
            % (name, len(lines), "" if not hits else ": " + " | ".join(h[:200] for h in hits[:5])))
    else:
        tap(True, "%s mix: server log not found, skipped # SKIP" % name)


def compare_cache(db, keeper, name, who):
    nsample = int(psql(db, "SELECT count(*) FROM load.sample"))
    nusers = int(psql(db, "SELECT count(DISTINCT usr) FROM load.sample"))
    rebuilt = keeper.query("SELECT load.sample_answers()")		# first statement after the load
    # The second pass must come from the warm cache.  An ANALYZE of a members
    # table (autovacuum) between two statements legitimately empties the
    # cache (a relcache invalidation of the table itself); then the pair is
    # taken again, up to three times.
    for _ in range(3):
        info = keeper.query("SELECT subjects || ' ' || bytes FROM members.subject_cache_info()")
        cached = keeper.query("SELECT load.sample_answers()")		# from the warm cache
        info2 = keeper.query("SELECT subjects || ' ' || bytes FROM members.subject_cache_info()")
        if info == info2:
            break
    fresh = psql(db, "SELECT load.sample_answers()")
    subjects, nbytes = (int(x) for x in info2.split())

    def diff(a, b):
        return [i for i in range(min(len(a), len(b))) if a[i] != b[i]] + \
            ([-1] if len(a) != len(b) else [])

    d_cached = diff(cached, fresh)
    d_rebuilt = diff(rebuilt, fresh)
    halves = fresh.split(" ")
    ok = not d_cached and not d_rebuilt and len(halves) == 2 and halves[0] == halves[1] \
        and subjects >= nusers and info == info2
    detail = ""
    if not ok:
        idx = [i for i in (d_cached or d_rebuilt) if i >= 0][:5]
        rows = []
        for i in idx:
            sid = (i % (nsample + 1)) + 1
            r = psql(db, "SELECT usr || ' ' || action || ' ' || resource_type || ' ' || coalesce(org::text, '-') "
                         "|| ' ' || coalesce(owner::text, '-') || ' ' || any_org FROM load.sample WHERE id = %d" % sid)
            rows.append("check %d (%s): cached %s, fresh %s" % (sid, r, cached[i:i + 1], fresh[i:i + 1]))
        detail = "; cache info before/after %s / %s; halves equal %s; %s" % (
            info, info2, len(halves) == 2 and halves[0] == halves[1], "; ".join(rows))
    tap(ok, "%s mix: %s answers (rebuilt, then from its warm cache of %d subjects, %d bytes) "
        "as a fresh session does, %d checks x 2 (authorize_user, authorize as actor)%s"
        % (name, who, subjects, nbytes, nsample, detail))
    return fresh


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)

    log_path = server_log_path(args.db)
    keeper = Session(args.db)
    summary = []
    try:
        pid = keeper.query("SELECT pg_backend_pid()")
        keeper.query("SELECT load.sample_answers()")
        info = keeper.query("SELECT subjects || ' subjects, ' || bytes || ' bytes' FROM members.subject_cache_info()")
        print("# keeper session: backend %s, warm cache before the load: %s" % (pid, info), flush=True)
        for name, title, scripts in MIXES:
            run_mix(args.db, args.out, args.seconds, keeper, log_path, name, title, scripts, summary)
    except Exception as e:
        tap(False, "load run: %s" % e)
    finally:
        keeper.close()

    print("#")
    print("# mix    | TPS      | p50 ms | p99 ms | transactions | what")
    for r in summary:
        print("# %-6s | %8.0f | %6.3f | %6.3f | %12d | %s" % (r["mix"], r["tps"], r["p50"], r["p99"], r["n"], r["title"]))
        for script, weight, n, p50, p99 in r["scripts"]:
            print("#   %-22s weight %3d: %8d transactions, p50 %7.3f ms, p99 %7.3f ms" % (script, weight, n, p50, p99))
    print("# per-transaction logs and pgbench output: %s" % args.out)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
