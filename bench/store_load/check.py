#!/usr/bin/env python3
"""After a store load run: every split run done exactly once, predictions stored for each, no trial duplicated.

  check.py sqlite FILE TRIALS SPLITS
  check.py postgres STUDY TRIALS SPLITS PORT        (psql as role signalminer on 127.0.0.1:PORT, db signalminer)

Prints one line of counts and "ok", or what is wrong, and exits 1 when a check fails. TRIALS excludes the benchmark.
"""
import sqlite3
import subprocess
import sys
from collections import Counter


def sqlite_rows(path):
    db = sqlite3.connect(path)
    trials = db.execute("SELECT id, config FROM trial").fetchall()
    runs = db.execute("SELECT trial, split, status, claims, owner, length(predictions) FROM split_run").fetchall()
    return trials, runs, None


def postgres_rows(study, port):
    def query(sql):
        out = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", port, "-U", "signalminer", "-d", "signalminer", "-qAt", "-F", "\t",
             "-v", "ON_ERROR_STOP=1", "-v", f"study={study}", "-c", sql],
            check=True, capture_output=True, text=True).stdout
        return [line.split("\t") for line in out.splitlines()]
    s = study.replace("'", "''")
    trials = query(f"SELECT id, config FROM signalminer.trial WHERE study = '{s}'")
    runs = query(f"SELECT trial, split, status, claims, owner, octet_length(predictions) FROM signalminer.split_run "
                 f"WHERE study = '{s}'")
    log = query(f"SELECT trial, split, owner, reason FROM signalminer.claim_log WHERE study = '{s}'")
    return trials, runs, log


def main():
    kind, where, trials_wanted, splits = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    trials, runs, log = sqlite_rows(where) if kind == "sqlite" else postgres_rows(where, sys.argv[5])
    problems = []
    if len(trials) != trials_wanted + 1:
        problems.append(f"{len(trials)} trials, expected {trials_wanted + 1} (with the benchmark)")
    if len({config for _, config in trials}) != len(trials):
        problems.append("a configuration is stored twice")
    if len({int(t) for t, _ in trials}) != len(trials):
        problems.append("a trial id is stored twice")
    keys = Counter((int(r[0]), int(r[1])) for r in runs)
    if len(runs) != len(trials) * splits or any(n != 1 for n in keys.values()):
        problems.append(f"{len(runs)} split runs for {len(trials)} trials × {splits} splits")
    not_done = [r for r in runs if r[2] != "done"]
    if not_done:
        problems.append(f"{len(not_done)} runs not done, e.g. {not_done[0][:3]}")
    claimed_twice = [r for r in runs if int(r[3]) != 1]
    if claimed_twice:
        problems.append(f"{len(claimed_twice)} runs with claims != 1, e.g. {claimed_twice[0][:4]}")
    sizes = {}
    for r in runs:
        sizes.setdefault(int(r[1]), set()).add(int(r[5]) if r[5] not in (None, "") else 0)
    if any(0 in s or len(s) != 1 for s in sizes.values()):
        problems.append(f"prediction sizes per split {sizes} (expected one non-zero size per split)")
    line = (f"{len(trials)} trials, {len(runs)} runs, {sum(int(r[3]) for r in runs)} claims; "
            f"prediction bytes per split {dict(sorted((k, sorted(v)) for k, v in sizes.items()))}")
    if log is not None:  # a finished run's owner is cleared; the claim log keeps who claimed it
        hosts = Counter(owner.rsplit(":", 1)[0] for _, _, owner, _ in log)
        line += f"; claims per host {dict(sorted(hosts.items()))}"
        per_run = Counter((int(t), int(s)) for t, s, _, _ in log)
        line += f"; claim_log {len(log)} rows, reasons {dict(Counter(r for _, _, _, r in log))}"
        if len(log) != len(runs) or any(n != 1 for n in per_run.values()):
            problems.append(f"claim_log has {len(log)} rows for {len(runs)} runs, max per run {max(per_run.values())}")
    print(line + ("; ok" if not problems else "; FAILED: " + "; ".join(problems)))
    sys.exit(1 if problems else 0)


main()
