"""One live session per log: a lock that a killed process cannot keep."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from plain_runs import plain_command, start_plain

from backroutine.session.lock import SessionLock

HOLD_THE_LOCK = """\
import sys, time
from pathlib import Path
from backroutine.session.lock import SessionLock
lock = SessionLock.beside(Path(sys.argv[1]))
print("held" if lock.acquire() else "refused", flush=True)
time.sleep(60)
"""


def holder(log_path: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD_THE_LOCK, str(log_path)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout.readline().strip() == "held"
    return process


def test_the_lock_lives_beside_the_log(tmp_path: Path):
    lock = SessionLock.beside(tmp_path / "log.sqlite3")
    assert lock.path == tmp_path / "log.sqlite3.lock"


def test_a_second_holder_is_refused_until_the_first_releases(tmp_path: Path):
    first, second = (SessionLock.beside(tmp_path / "log.sqlite3") for _ in range(2))
    assert first.acquire() and first.held
    assert not second.acquire() and not second.held
    first.release()
    assert second.acquire()
    second.release()


def test_another_process_holding_the_lock_refuses_this_one(tmp_path: Path):
    process = holder(tmp_path / "log.sqlite3")
    try:
        assert not SessionLock.beside(tmp_path / "log.sqlite3").acquire()
    finally:
        process.kill()
        process.wait()


def test_a_process_killed_with_sigkill_does_not_keep_the_lock(tmp_path: Path):
    process = holder(tmp_path / "log.sqlite3")
    lock = SessionLock.beside(tmp_path / "log.sqlite3")
    assert not lock.acquire()
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL
    assert lock.acquire()
    lock.release()


@pytest.mark.slow
def test_plain_mode_holds_the_lock_while_it_plays_and_a_kill_frees_it(tmp_path: Path):
    folder = tmp_path / "data"
    routine = tmp_path / "long.yaml"
    routine.write_text("title: Long hold\nsteps:\n  - name: Plank\n    hold: 5m\n")
    process = start_plain(routine, folder)
    try:
        assert process.stdout.readline()  # the routine's title: it has started
        lock = SessionLock.beside(folder / "log.sqlite3")
        deadline = time.monotonic() + 20
        while lock.acquire():  # until the session is live
            lock.release()
            assert time.monotonic() < deadline, "plain mode never took the lock"
            time.sleep(0.05)
        second = subprocess.run(
            plain_command(routine, folder),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert second.returncode != 0
        assert "running elsewhere" in second.stderr
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        assert lock.acquire()
        lock.release()
    finally:
        process.kill()
        process.wait()


def test_the_lock_is_core_code_without_textual():
    code = "import sys, backroutine.session.lock; print('textual' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr
