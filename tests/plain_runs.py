"""The real `backroutine run --plain` in its own process, for the tests (and benchmarks) that
kill it, fill its disk, lock its log or resume what it left: one way to start it and watch it;
and keys typed at set moments of a fake clock, for plain mode run in the test's process."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from backroutine.log.store import CompletionLog
from backroutine.session.engine import FakeClock

SHORT_ROUTINE = """\
title: Kill test
defaults:
  prepare: 1
  relax: 1
steps:
  - name: Bridge
    reps: 3
    hold: 1
  - rest: 1
  - name: Plank
    hold: 1
    sets: 2
    rest: 1
"""
"""Nine seconds of segments of every kind, short enough to kill at any moment."""


def plain_command(routine: Path, data: Path, *more: str, check_in: bool = False) -> list[str]:
    """Plain mode on `routine`, silent, logging into `data`; unattended unless `check_in`."""
    unattended = [] if check_in else ["--no-checkin"]
    return [
        sys.executable,
        "-m",
        "backroutine",
        "run",
        str(routine),
        "--plain",
        *unattended,
        "--no-audio",
        "--data-dir",
        str(data),
        *more,
    ]


def start_plain(
    routine: Path,
    data: Path,
    *more: str,
    check_in: bool = False,
    stdin: int = subprocess.DEVNULL,
    stderr: int = subprocess.PIPE,
) -> subprocess.Popen[str]:
    """Plain mode started, its output readable line by line as it plays."""
    return subprocess.Popen(
        plain_command(routine, data, *more, check_in=check_in),
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    )


def wait_for_segments(log_file: Path, count: int, timeout: float = 20) -> None:
    """Until the log holds a session with `count` finished segments."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log_file.exists():
            with CompletionLog.open(log_file) as log:
                if any(s.segments_done >= count for s in log.sessions()):
                    return
        time.sleep(0.1)
    raise AssertionError(f"the log never had {count} finished segments")


def scripted_keys(
    clock: FakeClock, keys_at: dict[float, str], give_up_at: float | None = None
) -> Callable[[float], str | None]:
    """Plain mode's key reader for keys pressed at set times of `clock`: waiting for a key
    moves the clock on, to the next key's time or by the whole timeout."""
    pending = sorted(keys_at.items())

    def keys(timeout: float) -> str | None:
        assert give_up_at is None or clock() < give_up_at, "the session never ended"
        if pending and clock() + timeout >= pending[0][0]:
            at, key = pending.pop(0)
            clock.advance(max(0.0, at - clock()))
            return key
        clock.advance(timeout)
        return None

    return keys
