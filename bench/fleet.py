#!/usr/bin/env python3
"""Benchmark: `readiness fleet` over N generated JSON reports.

    python3 bench/fleet.py                # 10,000 reports, 5 runs
    python3 bench/fleet.py --reports 1000 --runs 3

It builds the release binary, scores each bundled example once, then writes
N reports (deterministic: each a copy of one example's report with its own
repository name and commit date, one folder per repository, as a scheduled
job would download CI artifacts) under target/bench/fleet-N/, and times
`readiness fleet DIR --format json` (warm cache, one warm-up run, median of
the runs) with peak resident memory from the kernel's rusage.
"""

import argparse
import json
import os
import sys
import statistics
import subprocess
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import target_dir  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))



def timed(cmd):
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{cmd[0]} failed")
    return wall, usage.ru_maxrss / 1024.0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reports", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], check=True, cwd=ROOT)
    target = target_dir()
    binary = os.path.join(target, "release", "readiness")
    examples = sorted(
        e for e in os.listdir(os.path.join(ROOT, "examples"))
        if os.path.isdir(os.path.join(ROOT, "examples", e))
    )
    templates = []
    for e in examples:
        out = subprocess.run(
            [binary, "score", "--format", "json", os.path.join(ROOT, "examples", e)],
            capture_output=True, check=False,
        ).stdout
        templates.append(json.loads(out))
    folder = os.path.join(target, "bench", f"fleet-{args.reports}")
    marker = os.path.join(folder, ".generated")
    if not os.path.exists(marker):
        for i in range(args.reports):
            report = dict(templates[i % len(templates)])
            report["provenance"] = {
                "repository": f"org/repo-{i:05d}",
                "commit": f"{i:040x}",
                "commit_date": f"2026-{1 + i % 11:02d}-{1 + i % 28:02d}",
            }
            repo_dir = os.path.join(folder, f"repo-{i:05d}")
            os.makedirs(repo_dir, exist_ok=True)
            with open(os.path.join(repo_dir, "readiness.json"), "w") as f:
                json.dump(report, f, indent=2)
        open(marker, "w").close()
    size = sum(
        os.path.getsize(os.path.join(d, f))
        for d, _, files in os.walk(folder) for f in files
    )
    cmd = [binary, "fleet", "--format", "json", "--today", "2026-11-30", folder]
    timed(cmd)
    runs = [timed(cmd) for _ in range(args.runs)]
    wall = statistics.median(r[0] for r in runs)
    rss = max(r[1] for r in runs)
    print(f"{args.reports:,} reports ({size / 2**20:.0f} MiB of JSON), median of {args.runs} warm runs:")
    print(f"| reports | JSON (MiB) | readiness fleet (s) | peak RSS (MiB) |")
    print(f"|---:|---:|---:|---:|")
    print(f"| {args.reports:,} | {size / 2**20:.0f} | {wall:.3f} | {rss:.1f} |")


if __name__ == "__main__":
    main()
