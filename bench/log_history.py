"""Ten years of daily sessions in a real log: how fast is the history, and a durable write?

Run: .venv/bin/python bench/log_history.py
Prints a Markdown table: the history computation and `backroutine history`'s rendering
(target < 100 ms), one segment written durably (target < 5 ms median) beside the same
write with synchronous=OFF and a plain append+fsync, and the log's size on disk.

Run: .venv/bin/python bench/log_history.py --against 132ee21 main
Measures the history (`read_history`, and open + `render_history` without check-ins and with
one before every session) of this tree and of each git revision given, turn about in
separate processes, each on the log its own bench generates; prints CPU and wall time per
tree and the ratio to this tree.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from backroutine.log.export import render_history
from backroutine.log.history import read_history
from backroutine.log.store import CheckInRecord, CompletionLog, ExerciseRecord
from backroutine.routine.model import Frequency

YEARS = 10
EXERCISES = 14
RUNS = 7
WRITES = 200
TZ = ZoneInfo("Europe/London")
NOW = datetime(2025, 6, 1, 20, 0, tzinfo=TZ)
SNAPSHOT = {  # about the size of a real engine snapshot mid-session
    "version": 1,
    "segment_count": 60,
    "state": "active",
    "index": 30,
    "elapsed": 0.0,
    "added": 0.0,
    "waiting_for_ready": False,
    "step_active": 12.0,
    "step_worked": True,
    "records": [
        {"index": i, "outcome": "completed", "active_seconds": 10.0, "added_seconds": 0.0}
        for i in range(30)
    ],
}


def exercise(step: int, day: int) -> ExerciseRecord:
    outcome = "skipped" if (day + step) % 17 == 0 else "hurt" if (day * step) % 41 == 1 else "done"
    return ExerciseRecord(step, f"Exercise {step + 1}", 60, 58.5, 2, 2, 20, 10, outcome)


def generate(path: Path) -> int:
    """Write ten years of daily sessions; returns the number of sessions."""
    days = 365 * YEARS
    with CompletionLog.open(path) as log:
        # Generation only: durability is measured below, not while filling the file.
        log._db.execute("PRAGMA synchronous = OFF")
        for day in range(days):
            started = NOW - timedelta(days=days - day, hours=12)
            session_id = log.start_session(
                routine_title="Low back basics",
                routine_path="/routines/low-back.yaml",
                routine_sha256="ab" * 32,
                frequency=Frequency(1, "day"),
                planned_seconds=900,
                started=started,
                time_zone="Europe/London",
                pain_before=day % 5,
            )
            for step in range(EXERCISES):
                log.record_progress(
                    session_id,
                    segments_done=step + 1,
                    active_seconds=60.0,
                    snapshot=SNAPSHOT,
                    exercise=exercise(step, day),
                )
            log.finish_session(
                session_id,
                status="completed" if day % 9 else "abandoned",
                ended=started + timedelta(minutes=16),
                pain_after=(day % 7) + 1,
            )
    return days


def add_check_ins(path: Path) -> None:
    """A check-in before every session, answering for the one before (as the app asks)."""
    with CompletionLog.open(path) as log:
        log._db.execute("PRAGMA synchronous = OFF")
        previous = None
        for session in log.sessions():
            log.record_check_in(
                CheckInRecord(
                    routine_title=session.routine_title,
                    routine_path=session.routine_path,
                    asked_at=session.started - timedelta(minutes=1),
                    asked=True,
                    went_ahead=True,
                    pain_now=session.pain_before,
                    settled=previous is not None,
                    settled_session_id=previous,
                )
            )
            previous = session.id


def timed(action, runs: int = RUNS) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return times


def segment_writes(path: Path, synchronous: str) -> list[float]:
    with CompletionLog.open(path) as log:
        log._db.execute(f"PRAGMA synchronous = {synchronous}")
        session_id = log.start_session(
            routine_title="Bench",
            routine_path="/bench.yaml",
            routine_sha256="0" * 64,
            frequency=None,
            planned_seconds=60,
            started=NOW,
            time_zone="Europe/London",
        )
        return timed(
            lambda: log.record_progress(
                session_id,
                segments_done=1,
                active_seconds=1,
                snapshot=SNAPSHOT,
                exercise=exercise(0, 0),
            ),
            WRITES,
        )


def append_fsync(path: Path) -> list[float]:
    line = (str(SNAPSHOT) + "\n").encode()
    with open(path, "ab") as file:

        def write() -> None:
            file.write(line)
            file.flush()
            os.fsync(file.fileno())

        return timed(write, WRITES)


def row(name: str, times: list[float], target: str = "", baseline: float | None = None) -> str:
    median = statistics.median(times)
    spread = f"{min(times):.2f} – {max(times):.2f}"
    ratio = f"{median / baseline:.1f}×" if baseline else ""
    return f"| {name} | {median:.2f} | {spread} | {ratio} | {target} |"


ROUNDS = 5
# Run in a process whose `backroutine` is one tree's, with that tree's bench (so its
# generator and its imports): prints the median CPU and wall ms of read_history, of
# open + render_history, and of the same with a check-in before every session (null for
# a tree whose bench cannot add them).
TREE_HISTORY = """
import importlib.util, io, json, shutil, statistics, sys, time
from pathlib import Path
bench_file, log_path, runs = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
checked_path = log_path.with_suffix(".checked")
spec = importlib.util.spec_from_file_location("tree_bench", bench_file)
bench = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bench)
if not log_path.exists():
    bench.generate(log_path)
    if hasattr(bench, "add_check_ins"):
        shutil.copy(log_path, checked_path)
        bench.add_check_ins(checked_path)
def medians(action):
    action()  # warm
    cpu, wall = [], []
    for _ in range(runs):
        start_cpu, start_wall = time.process_time(), time.perf_counter()
        action()
        cpu.append((time.process_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start_wall) * 1000)
    return statistics.median(cpu), statistics.median(wall)
with bench.CompletionLog.open(log_path) as log:
    history = medians(lambda: bench.read_history(log, now=bench.NOW, tz=bench.TZ))
def rendered(path):
    with bench.CompletionLog.open(path) as log:
        bench.render_history(log, io.StringIO(), now=bench.NOW, tz=bench.TZ)
checked = medians(lambda: rendered(checked_path)) if checked_path.exists() else None
print(json.dumps([history, medians(lambda: rendered(log_path)), checked]))
"""


def against(revisions: list[str], rounds: int) -> None:
    """This tree's history against each revision's, turn about (see the module's doc)."""
    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory(dir=Path.home()) as folder:
        trees = {"this tree": root}
        for revision in revisions:
            tree = Path(folder) / f"tree-{len(trees)}"
            tree.mkdir()
            archive = subprocess.run(
                ["git", "-C", str(root), "archive", revision, "src", "bench"],
                capture_output=True,
                check=True,
            ).stdout
            subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
            trees[revision] = tree
        results: dict[str, list[list[list[float] | None]]] = {name: [] for name in trees}
        for _ in range(rounds):
            for number, (name, tree) in enumerate(trees.items()):
                command = [
                    sys.executable,
                    "-c",
                    TREE_HISTORY,
                    str(tree / "bench" / "log_history.py"),
                    str(Path(folder) / f"log-{number}.sqlite3"),
                    str(RUNS),
                ]
                environment = {**os.environ, "PYTHONPATH": str(tree / "src")}
                done = subprocess.run(
                    command, env=environment, capture_output=True, text=True, check=True
                )
                results[name].append(json.loads(done.stdout))
    load = os.getloadavg()[0]
    print(
        f"History of ten years, turn about over {rounds} rounds of {RUNS} runs "
        f"(load {load:.1f}); ms, median of the rounds' medians, ratio to this tree.\n"
    )
    print(
        "| tree | read_history CPU | wall | open + render CPU | wall "
        "| with check-ins: open + render CPU | wall |"
    )
    print("|---|---|---|---|---|---|---|")
    ours = _round_medians(results["this tree"])
    for name, rounds_done in results.items():
        figures = _round_medians(rounds_done)
        cells = [
            "–" if value is None or base is None else f"{value:.0f} ({value / base:.2f}×)"
            for value, base in zip(figures, ours, strict=True)
        ]
        print(f"| {name} | " + " | ".join(cells) + " |")


def _round_medians(rounds_done: list[list[list[float] | None]]) -> list[float | None]:
    """read_history CPU, wall, render CPU, wall, the same with check-ins: each the median
    over the rounds (None where the tree could not measure it)."""
    figures: list[float | None] = []
    for measure in (0, 1, 2):
        measured = [round_done[measure] for round_done in rounds_done]
        for clock in (0, 1):
            figures.append(
                statistics.median(m[clock] for m in measured if m is not None)
                if None not in measured
                else None
            )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--against", nargs="+", metavar="REVISION", default=[])
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args()
    if args.against:
        against(args.against, args.rounds)
        return
    with tempfile.TemporaryDirectory(dir=Path.home()) as folder:
        path = Path(folder) / "log.sqlite3"
        start = time.perf_counter()
        sessions = generate(path)
        generated = time.perf_counter() - start
        with CompletionLog.open(path) as log:
            rows = sum(len(s.exercises) for s in log.sessions(with_exercises=True))
            history = timed(lambda: read_history(log, now=NOW, tz=TZ))

        def cli_history() -> None:
            with CompletionLog.open(path) as log:
                render_history(log, io.StringIO(), now=NOW, tz=TZ)

        rendered = timed(cli_history)
        checked_path = Path(folder) / "checked.sqlite3"
        shutil.copy(path, checked_path)
        add_check_ins(checked_path)
        with CompletionLog.open(checked_path) as log:
            checked = timed(lambda: read_history(log, now=NOW, tz=TZ))

        def cli_history_checked() -> None:
            with CompletionLog.open(checked_path) as log:
                render_history(log, io.StringIO(), now=NOW, tz=TZ)

        rendered_checked = timed(cli_history_checked)
        size = sum(p.stat().st_size for p in Path(folder).glob("log.sqlite3*"))

        durable = segment_writes(Path(folder) / "writes.sqlite3", "FULL")
        unsynced = segment_writes(Path(folder) / "unsynced.sqlite3", "OFF")
        appended = append_fsync(Path(folder) / "append.log")

    print(
        f"Log: {sessions:,} sessions, {rows:,} exercise rows, {size / 1e6:.1f} MB on disk "
        f"(generated in {generated:.1f} s). Times in ms, median of {RUNS} runs "
        f"({WRITES} for writes).\n"
    )
    print("| measure | median ms | min – max | ratio to baseline | target |")
    print("|---|---|---|---|---|")
    print(row("history computed from the log (read_history)", history, "< 100 ms"))
    print(row("`backroutine history`: open + render_history", rendered, "< 100 ms"))
    print(row("read_history, a check-in before every session", checked, "< 100 ms"))
    print(
        row("open + render_history, a check-in before every session", rendered_checked, "< 100 ms")
    )
    print(
        row(
            "segment write, WAL synchronous=FULL (durable)",
            durable,
            "< 5 ms",
            statistics.median(unsynced),
        )
    )
    print(row("baseline: same write, synchronous=OFF", unsynced))
    print(row("baseline: file append + fsync", appended))


if __name__ == "__main__":
    main()
