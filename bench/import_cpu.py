"""Processor time of importing what the app loads before its exercise is on the screen.

Each measurement is a fresh interpreter that loads Textual's app first (the hello app loads
it too, so it is not ours to save), then times (user + system CPU, `time.process_time`) the
import of the command line, the app, its flow and the player screen with what they load. CPU
time, not wall time: it holds steady while the shared machine is busy.
`--baseline REF` (default `main`) imports another git revision's `src` (`git archive`), turn
about with this checkout's, so both meet the same load; the table gives the medians and the
ratio of this checkout to REF.
    .venv/bin/python bench/import_cpu.py [--runs 21] [--baseline main]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _report import machine, summary, table
from app_in_tmux import export_revision

SOURCE = Path(__file__).resolve().parents[1] / "src"
# As `entry.py` runs the app: no cycle collection while it starts.
MEASURE = """
import gc, sys, time
gc.disable()
import textual.app
start = time.process_time()
import backroutine.cli.main, backroutine.cli.root, backroutine.tui.app, backroutine.tui.flow
import backroutine.tui.screens.player, backroutine.routine.prevalidate
print(time.process_time() - start)
"""


def import_seconds(source: Path) -> float:
    """CPU seconds one fresh interpreter spends importing the app's modules from `source`."""
    result = subprocess.run(
        [sys.executable, "-c", MEASURE],
        env={"PYTHONPATH": str(source), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    return float(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--baseline", metavar="REF", default="main")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        sources = {
            "this checkout": SOURCE,
            args.baseline: export_revision(args.baseline, Path(folder)),
        }
        for source in sources.values():
            import_seconds(source)  # writes the bytecode caches: not timed
        times: dict[str, list[float]] = {name: [] for name in sources}
        for _ in range(args.runs):  # turn about, so background load hits both alike
            for name, source in sources.items():
                times[name].append(import_seconds(source))
    mine, theirs = (statistics.median(values) for values in times.values())
    print(
        f"Importing the app's modules after `import textual.app`, {args.runs} runs each, "
        f"on {machine()}\n"
    )
    print(
        table(
            ["source", "CPU time: median (min-max)"],
            [[name, summary(values)] for name, values in times.items()],
        )
    )
    print(
        f"\nthis checkout / {args.baseline}: {mine / theirs:.2f}x "
        f"({(mine - theirs) * 1000:+.1f} ms)"
    )


if __name__ == "__main__":
    main()
