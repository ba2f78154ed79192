"""Ten years of daily sessions in a real log: how fast is the history, and a durable write?

Run: .venv/bin/python bench/log_history.py
Prints a Markdown table: the history computation and `backroutine history`'s rendering
(target < 100 ms), one segment written durably (target < 5 ms median) beside the same
write with synchronous=OFF and a plain append+fsync, and the log's size on disk.
"""

from __future__ import annotations

import io
import os
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from backroutine.log.export import render_history
from backroutine.log.history import read_history
from backroutine.log.store import CompletionLog, ExerciseRecord
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


def main() -> None:
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
