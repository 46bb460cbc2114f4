#!/usr/bin/env python3
"""Accuracy benchmark: how often `readiness` agrees with an expert's labels.

    python3 bench/accuracy.py CHECKOUTS            # every labelled repository
    python3 bench/accuracy.py CHECKOUTS --repo fmind/mlops-python-package -v
    python3 bench/accuracy.py CHECKOUTS --json     # machine-readable totals

CHECKOUTS is a folder holding one checkout per labelled repository, at the
labelled commit, named OWNER+NAME (what the corpus README's `fetch` and
`extract.py` produce) or NAME. The labels are `bench/corpus/dev.yaml`, a copy
of the development corpus; see docs/accuracy.md for how to bring the trees.

For each repository it runs `readiness score --evidence-only --format json`
(release build, built first) and prints, per repository and in total:

- overall level exact, and within the labelled alternatives;
- area levels exact (data layer counts when it is labelled with a level);
- mean absolute error over the labelled areas (not applicable counts as 0);
- data layer "not applicable" right (label null <=> report not applicable);
- evidence agreement: for each area labelled 1 or higher, whether the report
  cites, as evidence of a met check in that area, at least one file the
  labels cite for that area;
- trap hits: a `false_positive` trap's file cited as evidence of a met check
  in the trap's area (any area when the trap names none); how many of them
  are cited by a check that defines a level (the rest only support an area),
  and how many cite the trap's own line (the rest cite another line of the
  same file).

Needs Python 3 with PyYAML (`pip install pyyaml`).
"""

import argparse
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import target_dir  # noqa: E402

try:
    import yaml
except ImportError:  # pragma: no cover - message for a fresh machine
    sys.exit("bench/accuracy.py needs PyYAML: pip install pyyaml")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LABELS = os.path.join(ROOT, "bench", "corpus", "dev.yaml")
AREAS = ["versioning", "evals", "monitoring", "ownership", "rollback", "data_layer"]


def report_area(area):
    return "data-layer" if area == "data_layer" else area


def checkout_for(folder, repo):
    for name in (repo.replace("/", "+"), repo.split("/")[1]):
        path = os.path.join(folder, name)
        if os.path.isdir(path):
            return path
    return None


def run_readiness(binary, path):
    out = subprocess.run(
        [binary, "score", "--evidence-only", "--format", "json", path],
        capture_output=True,
        text=True,
    )
    if out.returncode not in (0, 1):
        raise RuntimeError(f"readiness failed on {path}: {out.stderr.strip()}")
    return json.loads(out.stdout)


def cited(report, area, defining_only=False):
    """Files cited as evidence of met checks in `area` (any area if None)."""
    return set(citing(report, area, defining_only))


def citing(report, area, defining_only=False):
    """path -> ids of the met checks in `area` that cite it."""
    out = {}
    for a in report["areas"]:
        if area is not None and a["id"] != report_area(area):
            continue
        for c in a["checks"]:
            if c["outcome"] != "met" or (defining_only and not c.get("defines", True)):
                continue
            for e in c.get("evidence", []):
                out.setdefault(e["path"], []).append(c["id"])
    return out


def cited_lines(report, area, path):
    """The lines of `path` cited as evidence of a met check in `area`."""
    lines = set()
    for a in report["areas"]:
        if area is not None and a["id"] != report_area(area):
            continue
        for c in a["checks"]:
            if c["outcome"] == "met":
                lines.update(e.get("line") for e in c.get("evidence", []) if e["path"] == path)
    return lines - {None}


def measure(entry, report):
    exp = entry["expected"]
    got_overall = report["overall"]["level"]
    alternatives = exp.get("overall_level_alternatives") or [exp["overall_level"]]
    row = {
        "repo": entry["repo"],
        "overall": (exp["overall_level"], got_overall),
        "overall_exact": got_overall == exp["overall_level"],
        "overall_within": got_overall in alternatives,
        "areas": {},
        "area_exact": 0,
        "area_total": 0,
        "abs_error": 0,
        "na_right": None,
        "agree": 0,
        "agree_total": 0,
        "agree_missed": [],
        "trap_hits": [],
    }
    by_id = {a["id"]: a for a in report["areas"]}
    for area in AREAS:
        label = exp["areas"].get(area)
        got = by_id.get(report_area(area))
        level = got["level"] if got and got["applicable"] else None
        row["areas"][area] = (label, level)
        if area == "data_layer":
            row["na_right"] = (label is None) == (level is None)
        if label is None:
            continue
        row["area_total"] += 1
        row["area_exact"] += int(level == label)
        row["abs_error"] += abs((level or 0) - label)
        if label >= 1:
            want = {e["path"] for e in entry.get("evidence", {}).get(area) or []}
            if want:
                row["agree_total"] += 1
                if want & cited(report, area):
                    row["agree"] += 1
                else:
                    row["agree_missed"].append(area)
    for trap in entry.get("traps") or []:
        if trap.get("kind") != "false_positive":
            continue
        by = citing(report, trap.get("area"))
        if trap["path"] in by:
            checks = sorted(set(by[trap["path"]]))
            defining = sorted(set(citing(report, trap.get("area"), True).get(trap["path"], [])))
            lines = sorted(cited_lines(report, trap.get("area"), trap["path"]))
            at_line = trap.get("line") is None or trap["line"] in lines
            row["trap_hits"].append(
                {**trap, "checks": checks, "defining": defining, "cited_lines": lines, "at_line": at_line}
            )
    return row


def fmt_areas(areas):
    def one(v):
        return "-" if v is None else str(v)

    labels = " ".join(one(l) for l, _ in areas.values())
    got = " ".join(one(g) for _, g in areas.values())
    return labels, got



def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("checkouts", help="folder with one checkout per labelled repository")
    ap.add_argument("--labels", default=LABELS)
    ap.add_argument("--binary", help="readiness binary (default: build target/release/readiness)")
    ap.add_argument("--repo", action="append", help="only this OWNER/NAME (repeatable)")
    ap.add_argument("-v", "--verbose", action="store_true", help="list trap hits and missed evidence")
    ap.add_argument("--json", action="store_true", help="print the totals as JSON")
    ap.add_argument("--markdown", action="store_true", help="print the per-repository table of docs/accuracy.md")
    args = ap.parse_args()

    binary = args.binary
    if not binary:
        subprocess.run(["cargo", "build", "--release", "--quiet"], check=True, cwd=ROOT)
        binary = os.path.join(target_dir(), "release", "readiness")
    # The labels are a copy of the development corpus; say so when the two
    # have drifted apart (the shared copy exists only in the workplace).
    shared = os.path.join(ROOT, "..", "shared", "corpus", "dev.yaml")
    if os.path.exists(shared) and args.labels == LABELS:
        if open(shared, "rb").read() != open(LABELS, "rb").read():
            print("warning: bench/corpus/dev.yaml differs from ../shared/corpus/dev.yaml; copy it over", file=sys.stderr)
    labels = yaml.safe_load(open(args.labels, encoding="utf-8"))
    entries = [e for e in labels["entries"] if not args.repo or e["repo"] in args.repo]

    rows, missing = [], []
    for entry in entries:
        path = checkout_for(args.checkouts, entry["repo"])
        if path is None:
            missing.append(entry["repo"])
            continue
        rows.append(measure(entry, run_readiness(binary, path)))
    if missing:
        print(f"missing checkouts ({len(missing)}): " + ", ".join(missing), file=sys.stderr)
    if not rows:
        sys.exit("no checkouts found")

    n = len(rows)
    tot = {
        "repositories": n,
        "overall_exact": sum(r["overall_exact"] for r in rows),
        "overall_within": sum(r["overall_within"] for r in rows),
        "area_exact": sum(r["area_exact"] for r in rows),
        "area_total": sum(r["area_total"] for r in rows),
        "area_mae": round(sum(r["abs_error"] for r in rows) / max(1, sum(r["area_total"] for r in rows)), 3),
        "na_right": sum(bool(r["na_right"]) for r in rows if r["areas"]["data_layer"][0] is None),
        "na_total": sum(1 for r in rows if r["areas"]["data_layer"][0] is None),
        "evidence_agreement": sum(r["agree"] for r in rows),
        "evidence_total": sum(r["agree_total"] for r in rows),
        "trap_hits": sum(len(r["trap_hits"]) for r in rows),
        "trap_hits_defining": sum(1 for r in rows for t in r["trap_hits"] if t["defining"]),
        "trap_hits_at_line": sum(1 for r in rows for t in r["trap_hits"] if t["at_line"]),
    }
    if args.json:
        print(json.dumps(tot, indent=2))
        return
    if args.markdown:
        print("| repository | labelled | readiness | areas exact | evidence | trap hits |")
        print("|---|---|---|---:|---:|---:|")
        for r in rows:
            lab, got = fmt_areas(r["areas"])
            mark = "=" if r["overall_exact"] else ("~" if r["overall_within"] else "x")
            evidence = f"{r['agree']}/{r['agree_total']}" if r["agree_total"] else "–"
            print(
                f"| {r['repo']} | {r['overall'][0]} · {lab} | {r['overall'][1]} · {got} {mark} |"
                f" {r['area_exact']}/{r['area_total']} | {evidence} | {len(r['trap_hits'])} |"
            )
        return

    print("areas: versioning evals monitoring ownership rollback data-layer (- = not applicable)")
    print(f"{'repository':<58} {'overall':>8} {'labelled areas':>14} {'readiness':>12} {'exact':>6} {'evid.':>6} {'traps':>5}")
    for r in rows:
        lab, got = fmt_areas(r["areas"])
        mark = "=" if r["overall_exact"] else ("~" if r["overall_within"] else "x")
        print(
            f"{r['repo']:<58} {r['overall'][0]:>3} {r['overall'][1]} {mark} {lab:>14} {got:>12}"
            f" {r['area_exact']:>3}/{r['area_total']} {r['agree']:>3}/{r['agree_total']} {len(r['trap_hits']):>5}"
        )
        if args.verbose:
            for area in r["agree_missed"]:
                print(f"    evidence not cited for {area}")
            for t in r["trap_hits"]:
                kind = "defining " + ",".join(t["defining"]) if t["defining"] else "supporting"
                cited = ",".join(map(str, t["cited_lines"]))
                print(f"    trap hit [{t.get('area')}] {t['path']}:{t.get('line')} cited by {', '.join(t['checks'])} at line {cited} ({kind}): {t['note'][:90]}")
    pct = lambda a, b: f"{100 * a / b:.0f} %" if b else "-"
    print()
    print(f"overall exact            {tot['overall_exact']} / {n}")
    print(f"overall within alts      {tot['overall_within']} / {n}")
    print(f"area levels exact        {tot['area_exact']} / {tot['area_total']} ({pct(tot['area_exact'], tot['area_total'])})")
    print(f"area mean abs. error     {tot['area_mae']}")
    print(f"data layer n/a right     {tot['na_right']} / {tot['na_total']}")
    print(f"evidence agreement       {tot['evidence_agreement']} / {tot['evidence_total']} ({pct(tot['evidence_agreement'], tot['evidence_total'])})")
    print(
        f"false_positive trap hits {tot['trap_hits']} ({tot['trap_hits_defining']} by a check that defines a level,"
        f" {tot['trap_hits_at_line']} at the trap's own line)"
    )


if __name__ == "__main__":
    main()
