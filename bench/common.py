"""Helpers the benchmark scripts share."""

import json
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def target_dir():
    """Cargo's target directory (honours CARGO_TARGET_DIR and .cargo/config)."""
    out = subprocess.run(
        ["cargo", "metadata", "--no-deps", "--format-version", "1"],
        check=True, cwd=ROOT, capture_output=True, text=True,
    ).stdout
    return json.loads(out)["target_directory"]
