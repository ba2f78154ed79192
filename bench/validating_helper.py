"""The app's validating helper (`backroutine.routine.prevalidate`): processor time from its
start to its answer, for `run` (one routine, at its first opening and again, when the helper
remembers it) and for the picker (every bundled routine); and `backroutine validate` of one
routine, which runs the same code in the command's own process.

Target (issue 15): the helper's answer to `run`, when it validates, in at most about 150 ms of
processor time, well before the app asks for it (the app waits for it with nothing else to do).
`--baseline REF` runs the same requests with the `src` of another git revision, turn about in
the same run, so both meet the same machine load; the table says this checkout's ratio to it.
Processor time (user + system, `resource.getrusage(RUSAGE_CHILDREN)`) is steady under load;
wall time is shown too, but swings with what else the machine does.
    .venv/bin/python bench/validating_helper.py [--runs 15] [--baseline REF]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _report import machine, table

HERE = Path(__file__).resolve().parent
ROUTINE = "title: Long hold\nsteps:\n  - {name: Plank, hold: 10m, prepare: 2s}\n"


def export_revision(ref: str, folder: Path) -> Path:
    """`src` of git revision `ref` of this checkout, written under `folder`; its path."""
    archive = subprocess.run(
        ["git", "-C", str(HERE.parent), "archive", "--format=tar", ref, "src"],
        capture_output=True,
        check=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder / "src"


def measured(command: list[str], source: Path, stdin: bytes, cache: Path) -> tuple[float, float]:
    """Processor and wall seconds of one run of `command` with `source` on its path and
    `cache` as the user's cache folder (where the helper remembers what it validated)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        command,
        input=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # `validate`'s warnings about the routine
        env={"PYTHONPATH": str(source), "PATH": "/usr/bin:/bin", "XDG_CACHE_HOME": str(cache)},
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0 or not done.stdout:
        sys.exit(f"{' '.join(command)} failed with {source} ({done.returncode})")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15, help="runs of each request, each tree")
    parser.add_argument("--baseline", metavar="REF", help="a git revision to run side by side")
    args = parser.parse_args()
    python = sys.executable
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        routine = folder / "hold.yaml"
        routine.write_text(ROUTINE)
        sources = {"this checkout": HERE.parent / "src"}
        if args.baseline:
            (folder / "baseline").mkdir()
            sources[args.baseline] = export_revision(args.baseline, folder / "baseline")
        for source in sources.values():
            # Bytecode for every module, as `pip install` writes it: where
            # PYTHONDONTWRITEBYTECODE is set a checkout would compile on every start.
            package = str(source / "backroutine")
            subprocess.run([python, "-m", "compileall", "-q", package], check=True)
        helper = [python, "-m", "backroutine.routine.prevalidate"]
        validate = [python, "-m", "backroutine", "validate", str(routine)]
        # (command, routines asked for or None for `validate`, the picker's too, a new cache)
        requests = {
            "helper, `run`, a routine's first opening": (helper, [str(routine)], False, True),
            "helper, `run`, the same routine again": (helper, [str(routine)], False, False),
            "helper, the picker (every bundled routine), first": (helper, [], True, True),
            "`backroutine validate` of one routine": (validate, None, False, True),
        }
        results: dict[tuple[str, str], list[tuple[float, float]]] = {
            (request, name): [] for request in requests for name in sources
        }
        for n in range(args.runs):
            # Turn about, reversed each round: neither tree always runs first.
            for name, source in list(sources.items())[:: 1 if n % 2 else -1]:
                cache = folder / "cache"
                for request, (command, paths, entries, first) in requests.items():
                    if first:  # nothing remembered from an earlier opening
                        cache = Path(tempfile.mkdtemp(dir=folder, prefix="cache-"))
                    line = {"user_dir": None, "paths": paths, "entries": entries}
                    stdin = json.dumps(line).encode() + b"\n" if paths is not None else b""
                    results[request, name].append(measured(command, source, stdin, cache))

    def spread(values: list[float]) -> str:
        ms = [value * 1000 for value in values]
        return f"{statistics.median(ms):.0f} ({min(ms):.0f}-{max(ms):.0f})"

    header = ["request", "measure, ms: median (min-max)", *sources]
    if args.baseline:
        header.append(f"ratio to {args.baseline}")
    rows = []
    for request in requests:
        for index, measure in enumerate(["processor time", "wall time"]):
            values = [[run[index] for run in results[request, name]] for name in sources]
            row = [request, measure, *map(spread, values)]
            if args.baseline:
                row.append(f"{statistics.median(values[0]) / statistics.median(values[1]):.2f}x")
            rows.append(row)
    print(f"The validating helper: {args.runs} runs of each request, each tree, on {machine()}\n")
    print(table(header, rows))
    print(
        "\nProcessor time: user + system time of the process from its start to its exit "
        "(the helper exits once it has written its answer). A first opening validates the "
        "routine; opened again, the helper may use what it remembered of it (a revision that "
        "remembers nothing validates it again). Every tree's modules are compiled "
        "first, as an install has them. Target: the helper's answer to `run` at a first "
        "opening in at most about 150 ms of processor time."
    )


if __name__ == "__main__":
    main()
