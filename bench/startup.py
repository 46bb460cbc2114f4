#!/usr/bin/env python3
"""Start-up benchmark: `readiness score` on an empty directory, against rg
with the same regexes and with one regex, and a program that does nothing
(the cost of starting any process from this script).

    python3 bench/startup.py                    # 300 interleaved rounds
    python3 bench/startup.py --runs 100 --also /tmp/old-readiness

It builds the release binaries, dumps the content regexes the built-in rules
use (as bench/run.py does), then runs every command once per round, the
commands interleaved so that background noise on a shared machine hits
them alike, and prints each one's minimum, first quartile and median wall
time. `--also` adds other readiness binaries (an earlier build) to compare.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import target_dir  # noqa: E402
from run import RG_ARGS, ROOT, prepare  # noqa: E402


def wall(cmd):
    with open(os.devnull, "wb") as null:
        start = time.perf_counter()
        subprocess.run(cmd, stdout=null, stderr=null, cwd=ROOT)
        return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--also", nargs="+", default=[], help="other readiness binaries to time alike")
    args = parser.parse_args()

    target = target_dir()
    rg, patterns = prepare()
    with tempfile.TemporaryDirectory() as empty:
        commands = {"readiness": [os.path.join(target, "release", "readiness"), "score", empty, "--format", "json"]}
        for path in args.also:
            commands[path] = [path, "score", empty, "--format", "json"]
        commands["rg, same regexes"] = [rg, *RG_ARGS, "-f", patterns, empty]
        commands["rg, one regex"] = [rg, *RG_ARGS, "-e", "readiness", empty]
        commands["true (process start)"] = ["true"]
        times = {name: [] for name in commands}
        for cmd in commands.values():
            wall(cmd)  # warm the page cache
        for _ in range(args.runs):
            for name, cmd in commands.items():
                times[name].append(wall(cmd))
    print(f"{args.runs} interleaved rounds; load (1 min) {os.getloadavg()[0]:.2f}\n")
    print("| command | min (ms) | p25 (ms) | median (ms) |")
    print("|---|---:|---:|---:|")
    for name, runs in times.items():
        runs.sort()
        print(f"| {name} | {runs[0] * 1e3:.2f} | {runs[len(runs) // 4] * 1e3:.2f} | {statistics.median(runs) * 1e3:.2f} |")


if __name__ == "__main__":
    main()
