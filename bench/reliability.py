"""Hostile routine files at scale: how many were tried, and how many ended in a traceback.

The generator is the test suite's (tests/test_hostile_files.py); this runs it with more
inputs and prints the counts for BENCHMARKS.md.
    .venv/bin/python bench/reliability.py [--files 20000]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).parent))
from _report import machine, table
from test_hostile_files import hostile_files, load_all


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp) / "routines"
        folder.mkdir()
        start = time.perf_counter()
        outcomes = load_all(folder, hostile_files(random.Random(args.seed), args.files))
        took = time.perf_counter() - start
    failures = sum(v for k, v in outcomes.items()
                   if k.startswith(("traceback", "unlocated", "read outside")))
    print(f"Hostile routine files, seed {args.seed}, {took:.1f} s, on {machine()}\n")
    rows = [[kind, str(count)] for kind, count in sorted(outcomes.items())]
    rows.append(["**failures** (tracebacks, unlocated errors, reads outside the folder)",
                 f"**{failures}**"])
    print(table(["outcome", "count"], rows))


if __name__ == "__main__":
    main()
