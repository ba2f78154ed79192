"""Real session processes killed (SIGKILL) at many moments lose no finished segment.

Each process runs a short routine (1 s segments, real clock) in plain mode, printing a
line as each segment starts; the recorder commits a segment before the next one's line
is printed. After the kill, the log must be sound, hold every segment the output shows
as finished, and resume at the right segment.
"""

from __future__ import annotations

import random
import subprocess
import threading
import time
from pathlib import Path

from plain_runs import SHORT_ROUTINE, plain_command

from backroutine.log.store import CompletionLog
from backroutine.plain.session import describe
from backroutine.routine.loader import load_routine
from backroutine.session.engine import FakeClock, SegmentStarted
from backroutine.session.recorder import CannotResume, SessionRecorder

KILLS = 20
EARLY_KILLS = 3


class KilledSession:
    """One session process, killed `after` seconds after its first line (or, `early`,
    after it was started: while it imports, opens or creates the log)."""

    def __init__(self, routine: Path, folder: Path, after: float, early=False) -> None:
        folder.mkdir()
        self.log_path = folder / "log.sqlite3"
        self.after = after
        self.early = early
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            plain_command(routine, folder),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.reader = threading.Thread(target=self._read)
        self.reader.start()
        if early:
            threading.Timer(after, self.process.kill).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            if not self.lines and not self.early:
                threading.Timer(self.after, self.process.kill).start()
            self.lines.append(line.rstrip("\n"))

    def wait(self) -> None:
        self.reader.join(timeout=60)
        self.process.wait(timeout=10)


def test_sessions_killed_at_random_moments_keep_every_finished_segment(tmp_path: Path):
    routine_path = tmp_path / "kill-test.yaml"
    routine_path.write_text(SHORT_ROUTINE)
    loaded = load_routine(routine_path)
    segments = loaded.routine.segments()
    length = sum(segment.planned_seconds for segment in segments)
    start_lines = [describe(SegmentStarted(0, i, s)) for i, s in enumerate(segments)]

    rng = random.Random(6)
    moments = [length * (n + rng.random()) / KILLS for n in range(KILLS)]
    sessions = [KilledSession(routine_path, tmp_path / f"run{n}", moments[n]) for n in range(KILLS)]
    sessions += [
        KilledSession(routine_path, tmp_path / f"early{n}", 0.1 + 0.15 * n, early=True)
        for n in range(EARLY_KILLS)
    ]
    for session in sessions:
        session.wait()

    resumed = 0
    for session in sessions:
        assert session.process.returncode == -9, session.process.stderr.read()
        started = [line for line in session.lines if line in start_lines]
        assert started == start_lines[: len(started)]  # a linear run, each line once
        finished_per_output = len(started) - 1
        if not started and not session.log_path.exists():
            continue  # killed before it opened the log

        with CompletionLog.open(session.log_path) as log:
            assert log.integrity_problems() == []
            found = log.sessions(with_exercises=True)
            if not started and not found:
                continue  # killed before the session began
            [logged] = found
            # The kill can fall between a commit and the next line: one ahead at most.
            assert finished_per_output <= logged.segments_done <= finished_per_output + 1
            assert logged.status == "in_progress"
            assert [u.id for u in log.unfinished_sessions()] == [logged.id]
            snapshot_index = log.snapshot(logged.id)["index"]
            clock = FakeClock()
            try:
                recorder = SessionRecorder.resume(log, logged, loaded, clock)
            except CannotResume:
                assert logged.segments_done == len(segments)  # killed while closing
                continue
            engine = recorder.engine
            assert engine.index == logged.segments_done == snapshot_index
            assert engine.status == "paused"
            engine.resume()
            while engine.status != "finished":
                clock.advance(0.5)
                engine.update()
            finished = log.session(logged.id)
            assert finished.status == "completed"
            assert finished.segments_done == len(segments)
            assert {e.name: e.outcome for e in finished.exercises} == {
                "Bridge": "done",
                "Plank": "done",
            }
            resumed += 1
    assert resumed >= KILLS - 2, "most kills should fall mid-session"


def test_a_session_process_left_alone_logs_a_completed_session(tmp_path: Path):
    routine_path = tmp_path / "one-hold.yaml"
    routine_path.write_text(
        "title: One hold\ndefaults:\n  prepare: 1\nsteps:\n  - name: Plank\n    hold: 1\n"
    )
    started = time.monotonic()
    result = subprocess.run(
        plain_command(routine_path, tmp_path),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Routine complete" in result.stdout
    assert time.monotonic() - started < 30
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        [logged] = log.sessions()
    assert logged.status == "completed"
