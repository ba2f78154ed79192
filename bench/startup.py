"""Start-up of `backroutine --version` and `backroutine validate` against `python -c pass`.

Target (issue 2): `--version` under 3x `python -c pass`; no Textual import on that path.
    .venv/bin/python bench/startup.py [--runs 20]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _report import machine, summary, table

ROUTINES = Path(__file__).parents[1] / "routines"
# The installed console script, as a patient runs it.
BACKROUTINE = str(Path(sys.executable).with_name("backroutine"))


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    commands = {
        "`python -c pass` (baseline)": [sys.executable, "-c", "pass"],
        "`backroutine --version`": [BACKROUTINE, "--version"],
        "`backroutine validate routines/`": [BACKROUTINE, "validate", str(ROUTINES)],
        "`python -c 'import textual.app'` (for scale)": [
            sys.executable,
            "-c",
            "import textual.app",
        ],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):  # interleaved, so background load hits every command alike
        for name, command in commands.items():
            times[name].append(timed(command))
    baseline = statistics.median(next(iter(times.values())))
    print(f"Start-up, {args.runs} runs each, on {machine()}\n")
    rows = [
        [name, summary(values), f"{statistics.median(values) / baseline:.2f}x"]
        for name, values in times.items()
    ]
    rows[1][2] += " (target < 3x)"
    print(table(["command", "wall time: median (min-max)", "ratio to baseline"], rows))


if __name__ == "__main__":
    main()
