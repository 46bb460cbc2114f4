#!/usr/bin/env python3
"""Benchmark: `readiness score` against `rg --no-unicode` searching the same
regexes over the same synthetic ML monorepo.

    python3 bench/run.py                 # 10k and 100k files, 5 runs each
    python3 bench/run.py --files 10000 --runs 3
    python3 bench/run.py --tree ../corpus --runs 7   # real trees instead
    python3 bench/run.py --git           # the synthetic trees as git checkouts
    python3 bench/run.py --files 1000000 --ml-percent 0 8 100   # memory per hit
    python3 bench/run.py --trees-in /dev/shm/readiness-bench --files 10000 100000 1000000
                                         # trees in memory: the disk sets no time
    python3 bench/run.py --one-system --files 200000 --ml-percent 0 100   # one report, every hit
    python3 bench/real_trees.py /work/.mirror && \
      python3 bench/run.py --tree target/bench/real/composite   # issue 13's real trees

It builds the release binaries, generates each tree once (deterministic,
under target/bench/ or the folder `--trees-in` names), dumps the content
regexes the built-in rules use, then times both tools (warm cache, one
warm-up run, median of the runs) and records CPU time and peak resident
memory from the kernel's rusage, and the machine's load average before and
after each tree. Each run also times the walk alone (`rg --files`, the same
walk options), the floor under both tools: the time per file of each is
shown beside it, to compare across tree sizes. ripgrep is taken from PATH,
or installed from crates.io into target/bench-tools/ on first use.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import target_dir  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))



TARGET = target_dir()
BENCH = os.path.join(TARGET, "bench")
TOOLS = os.path.join(TARGET, "bench-tools")


def sh(cmd, **kw):
    subprocess.run(cmd, check=True, cwd=ROOT, **kw)


def ripgrep():
    found = shutil.which("rg") or (os.path.join(TOOLS, "bin", "rg") if os.path.exists(os.path.join(TOOLS, "bin", "rg")) else None)
    if found:
        return found
    print("installing ripgrep into target/bench-tools (once)...", file=sys.stderr)
    sh(["cargo", "install", "ripgrep", "--locked", "--root", TOOLS])
    return os.path.join(TOOLS, "bin", "rg")


# rg walks as readiness does: hidden files included, `.git` and ignored
# paths skipped; byte-oriented regexes, one count per file.
WALK_ARGS = ["--hidden", "-g", "!.git"]
RG_ARGS = [*WALK_ARGS, "--no-unicode", "-c"]


def prepare():
    """Builds the release binaries, dumps the regexes the built-in rules run
    over content into target/bench/patterns.txt, and returns (rg, that
    file)."""
    sh(["cargo", "build", "--release", "--quiet", "--bins", "--examples"])
    rg = ripgrep()
    os.makedirs(BENCH, exist_ok=True)
    patterns = os.path.join(BENCH, "patterns.txt")
    with open(patterns, "wb") as out:
        sh([os.path.join(TARGET, "release", "examples", "patterns")], stdout=out)
    return rg, patterns


def measure(cmd):
    """Wall seconds, CPU seconds (user + system) and peak RSS (MiB) of one
    run; output discarded. The command runs under `rss` (bench/rss.rs): a
    child forked from this Python process would count its memory too."""
    rss = os.path.join(TARGET, "release", "examples", "rss")
    with open(os.devnull, "wb") as null:
        proc = subprocess.run([rss, *cmd], stdout=null, stderr=subprocess.PIPE, cwd=ROOT)
    err = proc.stderr.decode(errors="replace")
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{cmd[0]} failed with {proc.returncode}: {err}")
    wall, cpu, peak_kib = err.rstrip().splitlines()[-1].split()[1:]
    return float(wall), float(cpu), int(peak_kib) / 1024.0


# The share of Python modules with an ML line in the default tree.
DEFAULT_ML_PERCENT = 8


def tree(files, ml_percent=DEFAULT_ML_PERCENT, folder=BENCH):
    """The synthetic tree of `files` files, `ml_percent` of whose Python
    modules hold an ML line (the same shape at every share), in `folder`."""
    name = f"monorepo-{files}" + ("" if ml_percent == DEFAULT_ML_PERCENT else f"-ml{ml_percent}")
    path = os.path.join(folder, name)
    marker = os.path.join(path, ".generated")
    if not os.path.exists(marker):
        print(f"generating {files}-file monorepo in {os.path.relpath(path, ROOT)}...", file=sys.stderr)
        sh([os.path.join(TARGET, "release", "examples", "gen-monorepo"), path, str(files), str(ml_percent)])
        open(marker, "w").close()
    return path


# The id of the empty blob: the benchmark index lists every file with it.
# readiness reads only the paths and modes of `.git/index`, so the blobs
# need not exist, and a million-file checkout is built in seconds.
EMPTY_BLOB = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"


def git_twin(path):
    """A git checkout of the tree at `path`: the same files (hard links)
    beside it, with an index listing every file git would add (what
    `.gitignore` leaves out stays untracked). A user runs readiness in a
    checkout, where the scan also reads the index."""
    twin = path.rstrip("/") + "-git"
    marker = os.path.join(twin, ".git", "benchmark-index")
    if os.path.exists(marker):
        return twin
    print(f"building the git checkout {os.path.relpath(twin, ROOT)}...", file=sys.stderr)
    shutil.rmtree(twin, ignore_errors=True)
    sh(["cp", "-al", path, twin])
    sh(["git", "init", "-q", twin])
    listed = subprocess.run(
        ["git", "-C", twin, "ls-files", "-z", "--others", "--exclude-standard"],
        check=True,
        capture_output=True,
    ).stdout
    entries = b"".join(
        b"100644 " + EMPTY_BLOB.encode() + b" 0\t" + name + b"\0"
        for name in listed.split(b"\0")
        if name
    )
    subprocess.run(["git", "-C", twin, "update-index", "-z", "--index-info"], input=entries, check=True)
    open(marker, "w").close()
    return twin


def one_system_twin(path):
    """The tree at `path` as one system: the same files (hard links) beside
    it, with a root Dockerfile (a system definition), so that one report
    takes in every hit instead of sharing them out among projects: the
    case where memory must not grow with the hits."""
    twin = path.rstrip("/") + "-one"
    marker = os.path.join(twin, ".one-system")
    if os.path.exists(marker):
        return twin
    print(f"building the one-system twin {os.path.relpath(twin, ROOT)}...", file=sys.stderr)
    shutil.rmtree(twin, ignore_errors=True)
    sh(["cp", "-al", path, twin])
    with open(os.path.join(twin, "Dockerfile"), "w") as f:
        f.write("FROM python:3.11-slim\nCOPY . /app\nCMD [\"python\", \"-m\", \"app\"]\n")
    open(marker, "w").close()
    return twin


def count_files(path):
    """Files under `path` outside `.git` (what both tools may read)."""
    total = 0
    for _, dirs, files in os.walk(path):
        dirs[:] = [d for d in dirs if d != ".git"]
        total += len(files)
    return total


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--tree",
        nargs="+",
        default=[],
        help="time these directories (real checkouts) instead of the synthetic trees",
    )
    parser.add_argument(
        "--trees-in",
        default=BENCH,
        help="folder to generate the synthetic trees in (default target/bench); "
        "a tmpfs such as /dev/shm/readiness-bench holds a 1M-file tree in memory, "
        "so that the disk does not set both tools' time",
    )
    parser.add_argument(
        "--git",
        action="store_true",
        help="time each synthetic tree as a git checkout (with .git/index)",
    )
    parser.add_argument(
        "--one-system",
        action="store_true",
        help="time each synthetic tree as one system (a root Dockerfile): one "
        "report holds every hit",
    )
    parser.add_argument(
        "--ml-percent",
        type=int,
        nargs="+",
        default=[DEFAULT_ML_PERCENT],
        help="share of Python modules with an ML line in the synthetic trees: "
        "several shares give the same tree with more or fewer hits",
    )
    parser.add_argument(
        "--readiness",
        default=os.path.join(TARGET, "release", "readiness"),
        help="the readiness binary to time (default: this checkout's release build), "
        "e.g. an earlier commit's build to compare against",
    )
    args = parser.parse_args()

    rg, patterns = prepare()
    count = sum(1 for _ in open(patterns))
    readiness = os.path.abspath(args.readiness)
    rg_version = subprocess.run([rg, "--version"], capture_output=True, text=True).stdout.splitlines()[0]

    rows = []
    if args.tree:
        targets = [(os.path.abspath(t), count_files(t)) for t in args.tree]
    else:
        folder = os.path.abspath(args.trees_in)
        targets = [(tree(files, share, folder), files) for files in args.files for share in args.ml_percent]
        if args.one_system:
            targets = [(one_system_twin(path), files) for path, files in targets]
        if args.git:
            targets = [(git_twin(path), files) for path, files in targets]
    for path, files in targets:
        commands = {
            "readiness": [readiness, "score", path, "--format", "json"],
            # Same walk semantics: hidden files included, .git and gitignored paths skipped.
            "rg": [rg, *RG_ARGS, "-f", patterns, path],
            # The walk alone: the floor under both, per file.
            "walk": [rg, "--files", *WALK_ARGS, path],
        }
        runs = {name: [] for name in commands}
        load_before = os.getloadavg()[0]
        for cmd in commands.values():
            measure(cmd)  # warm the page cache
        # Interleave the tools so background noise on a shared machine hits
        # both alike; report each tool's median.
        for _ in range(args.runs):
            for name, cmd in commands.items():
                runs[name].append(measure(cmd))
        results = {
            name: (
                statistics.median(w for w, _, _ in r),
                statistics.median(c for _, c, _ in r),
                max(m for _, _, m in r),
            )
            for name, r in runs.items()
        }
        (rt, rc, rm), (gt, gc, gm) = results["readiness"], results["rg"]
        wt = results["walk"][0]
        named = args.tree or args.git or args.one_system or len(args.ml_percent) > 1
        label = os.path.basename(path.rstrip("/")) if named else ""
        load = (load_before, os.getloadavg()[0])
        rows.append((files, rt, gt, rt / gt, rc, gc, rm, gm, load, label, wt))

    print(f"\n{count} regexes; {rg_version}; {os.cpu_count()} cores; median of {args.runs} interleaved warm runs\n")
    named = args.tree or args.git or args.one_system or len(args.ml_percent) > 1
    tree_column = "tree | " if named else ""
    print(
        f"| {tree_column}files | readiness (s) | rg --no-unicode (s) | ratio | readiness CPU (s) | rg CPU (s) "
        "| readiness peak RSS (MiB) | rg peak RSS (MiB) | µs per file: readiness, rg, walk alone "
        "| load (1 min) before, after |"
    )
    print("|" + ("---|" if named else "") + "---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for files, rt, gt, ratio, rc, gc, rm, gm, load, label, wt in rows:
        name = f"{label} | " if named else ""
        per_file = ", ".join(f"{t / max(files, 1) * 1e6:.1f}" for t in (rt, gt, wt))
        print(
            f"| {name}{files:,} | {rt:.3f} | {gt:.3f} | {ratio:.2f}x | {rc:.3f} | {gc:.3f} "
            f"| {rm:.1f} | {gm:.1f} | {per_file} | {load[0]:.2f}, {load[1]:.2f} |"
        )


if __name__ == "__main__":
    main()
