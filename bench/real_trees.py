#!/usr/bin/env python3
"""Builds the real benchmark trees from git snapshots, at pinned commits.

    python3 bench/real_trees.py /work/.mirror      # snapshots as `fetch` leaves them
    python3 bench/run.py --tree target/bench/real/composite target/bench/real/kubeflow+pipelines

Bring each repository below with the search tool's `fetch github:OWNER/NAME`;
it leaves a bare snapshot at MIRRORS/OWNER+NAME/repo (pass `--snapshot
OWNER/NAME=PATH` for one kept elsewhere). Each is written out at its commit
under target/bench/real/OWNER+NAME (regular files only: symbolic links and
submodules are left out, and blobs a snapshot lacks, files of 4 MiB and more,
are skipped and counted). `composite` holds all of them side by side, one
folder each, as hard links: the 78k-file tree of issue 13 (ML platforms, an
RTOS in C, a polyglot solutions archive, a recommender in Scala and Python,
a course).

Nothing from these trees is ever committed: they live under target/.
"""

import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import target_dir  # noqa: E402

# (repository, commit): the commits the figures in docs/benchmark.md used.
REPOS = [
    ("kubeflow/pipelines", "7b70c7b95f6832772efd6fd0029a4024491a0f44"),
    ("kserve/kserve", "aaac4e294dae2c7b1aa1886447793f3aa1c30912"),
    ("kubeflow/manifests", "009c88084074904c7743384ff50d3bd70012ef55"),
    ("DataTalksClub/mlops-zoomcamp", "86e42886b59477481fc3e37eb40fb7409d886e1d"),
    ("apache/nuttx", "4ebc8a7291df955dece09073b8798db2dfd6490b"),
    ("doocs/leetcode", "b6ee4f59f28bcf325b7ec535d0a0e12b409e70f4"),
    ("twitter/the-algorithm", "72eda9a24f815f6d566818cbf8518138e29d83e9"),
]


def extract(snapshot, commit, dest):
    """Writes the regular files of `commit` to `dest`; returns (written, missing)."""
    listing = subprocess.run(
        ["git", "--git-dir", snapshot, "ls-tree", "-r", "-z", "--full-tree", commit],
        check=True, capture_output=True,
    ).stdout
    blobs = []
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, path = entry.split(b"\t", 1)
        mode, kind, sha = meta.split(b" ")
        if kind == b"blob" and mode in (b"100644", b"100755"):
            blobs.append((sha, path.decode("utf-8", "surrogateescape"), mode == b"100755"))
    cat = subprocess.Popen(
        ["git", "--git-dir", snapshot, "cat-file", "--batch"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
    )
    written = missing = 0
    for sha, path, executable in blobs:
        cat.stdin.write(sha + b"\n")
        cat.stdin.flush()
        header = cat.stdout.readline().split()
        if len(header) < 3 or header[1] != b"blob":
            missing += 1
            continue
        data = cat.stdout.read(int(header[2]))
        cat.stdout.read(1)  # the newline after the contents
        target = os.path.join(dest, path)
        if os.path.relpath(target, dest).startswith(".."):
            continue
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as out:
            out.write(data)
        if executable:
            os.chmod(target, 0o755)
        written += 1
    cat.stdin.close()
    cat.wait()
    return written, missing


def link_tree(src, dest):
    for folder, _, files in os.walk(src):
        rel = os.path.relpath(folder, src)
        os.makedirs(os.path.join(dest, rel), exist_ok=True)
        for name in files:
            os.link(os.path.join(folder, name), os.path.join(dest, rel, name))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mirrors", help="folder holding OWNER+NAME/repo snapshots (fetch's layout)")
    parser.add_argument("--snapshot", action="append", default=[], metavar="OWNER/NAME=PATH")
    args = parser.parse_args()
    given = dict(s.split("=", 1) for s in args.snapshot)
    out = os.path.join(target_dir(), "bench", "real")
    os.makedirs(out, exist_ok=True)
    folders = []
    for repo, commit in REPOS:
        name = repo.replace("/", "+")
        snapshot = given.get(repo, os.path.join(args.mirrors, name, "repo"))
        dest = os.path.join(out, name)
        marker = os.path.join(out, f".{name}.extracted")  # outside the tree: both tools would count it
        if not os.path.exists(marker):
            if not os.path.isdir(snapshot):
                raise SystemExit(f"{repo}: no snapshot at {snapshot}; bring it with `fetch github:{repo}`")
            written, missing = extract(snapshot, commit, dest)
            with open(marker, "w") as m:
                m.write(f"{commit}\n{written} files\n{missing} missing\n")
            print(f"{repo} at {commit[:7]}: {written:,} files, {missing} blobs missing", file=sys.stderr)
        folders.append((name, dest))
    composite = os.path.join(out, "composite")
    assembled = os.path.join(out, ".composite.assembled")
    if not os.path.exists(assembled):
        for name, dest in folders:
            link_tree(dest, os.path.join(composite, name))
        open(assembled, "w").close()
    print(composite)


if __name__ == "__main__":
    main()
