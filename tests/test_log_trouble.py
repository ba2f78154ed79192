"""A full disk and a log locked by another program: named for what they are, the session
goes on, and nothing finished is lost.

The full disk is real: a tiny tmpfs, filled up (root only; skipped elsewhere).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from plain_runs import start_plain, wait_for_segments

from backroutine.log.store import CompletionLog
from backroutine.routine.catalog import Catalog
from backroutine.routine.loader import load_routine
from backroutine.session.engine import FakeClock
from backroutine.session.recorder import SessionRecorder
from backroutine.tui.app import AppContext, create_app
from backroutine.tui.screens.player import PlayerScreen

FOUR_EXERCISES = "title: Four\nsteps:\n" + "".join(
    f"  - {{name: Move {n}, hold: 1s, prepare: 1s}}\n" for n in range(1, 5)
)


class Disk:
    """A tiny disk of its own, which a test can fill up and free again."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._filler = folder / "filler"

    def fill(self) -> None:
        handle = os.open(self._filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        try:
            while True:
                os.write(handle, b"\0" * 4096)
        except OSError:  # no space left
            pass
        finally:
            os.close(handle)

    def free(self) -> None:
        self._filler.unlink(missing_ok=True)


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Disk]:
    folder = tmp_path / "disk"
    folder.mkdir()
    if (
        os.geteuid() != 0
        or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(folder)], capture_output=True
        ).returncode
    ):
        pytest.skip("needs root to mount a tiny disk")
    yield Disk(folder)
    subprocess.run(["umount", "-l", str(folder)], check=True)


def the_session(log_file: Path):
    with CompletionLog.open(log_file) as log:
        (session,) = log.sessions(with_exercises=True)
        return session


def test_starting_on_a_full_disk_names_the_full_disk_and_keeps_the_log(disk: Disk, tmp_path):
    routine = tmp_path / "four.yaml"
    routine.write_text(FOUR_EXERCISES)
    run = start_plain(routine, disk.folder)
    assert run.wait(timeout=60) == 0, run.stderr.read()
    log_file = disk.folder / "log.sqlite3"
    before = log_file.read_bytes()
    disk.fill()
    for command in (["history"], ["run", str(routine), "--plain", "--no-checkin"]):
        result = subprocess.run(
            [sys.executable, "-m", "backroutine", *command, "--data-dir", str(disk.folder)],
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        assert "is full: free some space" in result.stderr
        assert "damaged" not in result.stderr and "move it away" not in result.stderr
    assert log_file.read_bytes() == before
    disk.free()
    assert the_session(log_file).status == "completed"


@pytest.mark.slow
def test_a_disk_filling_up_mid_session_loses_nothing(disk: Disk, tmp_path: Path):
    routine = tmp_path / "four.yaml"
    routine.write_text(FOUR_EXERCISES)
    log_file = disk.folder / "log.sqlite3"
    run = start_plain(routine, disk.folder)
    wait_for_segments(log_file, 2)
    disk.fill()
    line = ""
    while "waiting to save your session" not in line:
        line = run.stderr.readline()
        assert line, "the session ended without waiting to save"
    assert "is full: free some space" in line
    disk.free()
    out, err = run.communicate(timeout=60)
    assert run.returncode == 0, err
    assert "Traceback" not in err
    assert "Cannot save to the log now: the disk holding the log" in out
    assert "The log can be written again" in out
    session = the_session(log_file)
    assert session.status == "completed"
    assert [e.outcome for e in session.exercises] == ["done"] * 4


@pytest.mark.slow
def test_killed_on_a_full_disk_the_session_resumes_from_what_was_saved(disk: Disk, tmp_path):
    routine = tmp_path / "four.yaml"
    routine.write_text(FOUR_EXERCISES)
    log_file = disk.folder / "log.sqlite3"
    run = start_plain(routine, disk.folder)
    wait_for_segments(log_file, 2)
    saved = the_session(log_file).exercises
    disk.fill()
    while "Cannot save to the log now" not in run.stdout.readline():
        assert run.poll() is None
    run.kill()
    run.wait()
    disk.free()
    session = the_session(log_file)
    assert session.status == "in_progress"
    assert session.exercises[: len(saved)] == saved  # nothing finished was lost
    with CompletionLog.open(log_file) as log:
        recorder = SessionRecorder.resume(log, session, load_routine(routine))
        assert recorder.engine.status == "paused"


LOCKER = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
db.execute("ROLLBACK")
"""


def hold_locked(log_file: Path, seconds: float) -> subprocess.Popen:
    """Another program holding the log's write lock for `seconds`."""
    locker = subprocess.Popen(
        [sys.executable, "-c", LOCKER, str(log_file), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert locker.stdout.readline().strip() == "locked"
    return locker


@pytest.mark.slow
def test_a_log_locked_elsewhere_for_long_is_waited_for_and_nothing_is_lost(tmp_path: Path):
    routine = tmp_path / "four.yaml"
    routine.write_text(FOUR_EXERCISES)
    log_file = tmp_path / "log.sqlite3"
    run = start_plain(routine, tmp_path)
    wait_for_segments(log_file, 1)
    locker = hold_locked(log_file, 9)
    out, err = run.communicate(timeout=90)
    locker.wait()
    assert run.returncode == 0, err
    assert "Traceback" not in err
    assert "Cannot save to the log now: the log" in out and "is locked by another program" in out
    session = the_session(log_file)
    assert session.status == "completed"
    assert [e.outcome for e in session.exercises] == ["done"] * 4


async def play_through_trouble(folder: Path, trouble: str, begin, end) -> None:
    """The real app plays FOUR_EXERCISES logged in `folder`; `begin()` makes the log
    unwritable after its first exercise starts, `end()` clears it halfway."""
    routines = folder / "routines"
    routines.mkdir()
    (routines / "four.yaml").write_text(FOUR_EXERCISES)
    clock = FakeClock()
    log = CompletionLog.open(folder / "log.sqlite3")
    app = create_app(
        AppContext(
            routines=Catalog(routines),
            clock=clock,
            log=log,
            check_in=False,
            start_with=routines / "four.yaml",
        )
    )

    async def play(segments: int) -> None:
        for _ in range(segments):
            clock.advance(1.01)
            app.screen.sync()
            await pilot.pause()

    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PlayerScreen)
        begin()
        await play(4)  # two exercises: each a get-ready and a hold
        assert log.unsaved > 0
        assert any(trouble in str(n.message) for n in app._notifications)
        end()
        await play(4)
        assert log.unsaved == 0
        assert any("can be written again" in str(n.message) for n in app._notifications)
        await pilot.pause()  # the summary's title drawn before the app closes
    (session,) = log.sessions(with_exercises=True)
    log.close()
    assert session.status == "completed"
    assert [e.outcome for e in session.exercises] == ["done"] * 4


@pytest.mark.slow
async def test_the_app_tells_the_patient_and_goes_on_while_the_log_is_locked(tmp_path: Path):
    locker = sqlite3.connect(tmp_path / "log.sqlite3", isolation_level=None)
    await play_through_trouble(
        tmp_path,
        "locked by another program",
        begin=lambda: locker.execute("BEGIN IMMEDIATE"),
        end=locker.close,
    )


async def test_the_app_tells_the_patient_and_goes_on_while_the_disk_is_full(disk: Disk):
    await play_through_trouble(
        disk.folder, "is full: free some space", begin=disk.fill, end=disk.free
    )
