"""Sessions in the app: hurting, resuming, one live session per log, what the patient said.

Each test drives the real app with Pilot on a real SQLite log, as a patient would.
"""

from __future__ import annotations

import os
import pty
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from backroutine.log.store import CompletionLog
from backroutine.routine.catalog import Catalog
from backroutine.routine.loader import load_routine
from backroutine.session.lock import SessionLock
from backroutine.session.recorder import SessionRecorder
from backroutine.tui.app import AppContext, create_app
from backroutine.tui.screens.dialogs import Question
from backroutine.tui.screens.picker import RoutinePickerScreen
from backroutine.tui.screens.player import PlayerScreen
from backroutine.tui.screens.summary import SummaryScreen

from .conftest import advance, opened, shown

BUNDLED = Path(__file__).parents[2] / "src" / "backroutine" / "routines"

SETS_ROUTINE = """\
title: Sets test routine
defaults:
  switch: 3s
steps:
  - name: Bridge
    hold: 10s
    sets: 3
    rest: 15s
  - name: Side plank
    hold: 10s
    per_side: true
    sets: 2
    rest: 15s
"""


@pytest.fixture
def log_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "log.sqlite3"


@pytest.fixture
def log(log_path: Path):
    with CompletionLog.open(log_path) as log:
        yield log


@pytest.fixture
def run_routine(clock, routines_dir, log):
    """`backroutine run ROUTINE --no-checkin` on the test log."""

    def make(name: str = "short.yaml", **options):
        options.setdefault("check_in", False)
        options.setdefault("log", log)
        return create_app(
            AppContext(
                routines=Catalog(routines_dir),
                clock=clock,
                start_with=routines_dir / name,
                **options,
            )
        )

    return make


def in_stack(app, kind) -> bool:
    return any(isinstance(screen, kind) for screen in app.screen_stack)


async def quit_after(pilot, clock, seconds: float) -> None:
    """Play `seconds`, then q and confirm; the summary is shown."""
    await advance(pilot, clock, seconds)
    await pilot.press("q", "y")
    await pilot.pause()
    assert isinstance(pilot.app.screen, SummaryScreen)


# -- 1: this hurts on the last exercise ----------------------------------------------------


async def test_this_hurts_on_the_last_exercise_ends_on_the_summary(
    run_routine, routines_dir, clock, log
):
    (routines_dir / "desk-break.yaml").write_text((BUNDLED / "desk-break.yaml").read_text())
    app = run_routine("desk-break.yaml")
    async with opened(app, size=(80, 24)) as pilot:
        for _ in range(5):  # every exercise but the last
            await pilot.press("N")
            await pilot.pause()
        assert shown(app, "#position") == "Exercise 6 of 6"
        last = shown(app, "#name")
        await advance(pilot, clock, 8)
        await pilot.press("h")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert "0 done · 5 skipped · 1 hurt" in shown(app, "#counts")
        assert "contact your clinician" in shown(app, ".warning").lower()
        assert f"{last}: stopped (it hurt)" in shown(app, ".-hurt")
    (session,) = log.sessions(with_exercises=True)
    assert session.exercises[-1].outcome == "hurt"


# -- 2 and 3: run ROUTINE --no-checkin and the resume offer ---------------------------------


async def test_a_session_started_with_run_no_checkin_can_be_resumed(run_routine, clock, log):
    app = run_routine()
    async with opened(app, size=(80, 24)) as pilot:
        await quit_after(pilot, clock, 5 + 20 + 5 + 3)  # 3 s into the right side
    (session,) = log.sessions()
    assert session.status == "in_progress"

    again = run_routine()
    async with opened(again, size=(80, 24)) as pilot:
        assert isinstance(again.screen, Question)
        assert "Knee to chest, right side" in shown(again, "#question")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(again.screen, PlayerScreen)
        assert shown(again, "#detail") == "Right side"
    assert len(log.sessions()) == 1


async def test_a_session_killed_right_after_start_can_be_resumed(run_routine, clock, log):
    app = run_routine()
    async with opened(app, size=(80, 24)) as pilot:
        await advance(pilot, clock, 2)
        # The terminal closes: nothing is asked, nothing is closed.
    (session,) = log.sessions()
    assert session.status == "in_progress"
    assert log.snapshot(session.id) is not None


def app_in_a_terminal(routine: Path, folder: Path) -> tuple[subprocess.Popen[bytes], int]:
    """`backroutine run ROUTINE --no-checkin` in a terminal of its own (a pty at 80x24): the
    process, and the terminal's other end to read its screen from and type into."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "backroutine",
            "run",
            str(routine),
            "--no-checkin",
            "--no-audio",
            "--data-dir",
            str(folder),
        ],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        close_fds=True,
        start_new_session=True,
        env={**os.environ, "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24"},
    )
    os.close(terminal)
    return process, controller


@pytest.mark.slow
def test_the_full_screen_app_killed_with_sigkill_leaves_a_resumable_session(routines_dir, tmp_path):
    folder = tmp_path / "app-data"
    process, controller = app_in_a_terminal(routines_dir / "short.yaml", folder)

    def drain() -> None:  # a terminal nobody reads would block the app
        with open(controller, "rb", buffering=0) as screen:
            while True:
                try:
                    if not screen.read(4096):
                        return
                except OSError:
                    return

    threading.Thread(target=drain, daemon=True).start()
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.2)
            if not (folder / "log.sqlite3").exists():
                continue
            with CompletionLog.open(folder / "log.sqlite3") as log:
                sessions = log.sessions()
                if sessions and log.snapshot(sessions[0].id) is not None:
                    break
        time.sleep(1.0)  # a second into the session: still playing
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    finally:
        process.kill()
        process.wait()
    with CompletionLog.open(folder / "log.sqlite3") as log:
        (session,) = log.sessions()
        assert session.status == "in_progress"
        recorder = SessionRecorder.resume(log, session, load_routine(routines_dir / "short.yaml"))
        assert recorder.engine.status == "paused"
        assert SessionLock.beside(log.path).acquire()


@pytest.mark.slow
def test_the_app_ends_when_its_terminal_hangs_up_with_its_output_stuck(routines_dir, tmp_path):
    """A terminal window closed as the app paints: its output thread stuck, the app must
    still end (it used to hang for ever, holding the session lock)."""
    folder = tmp_path / "app-data"
    process, controller = app_in_a_terminal(routines_dir / "short.yaml", folder)
    try:
        seen = b""
        deadline = time.monotonic() + 60
        while b"Knee to chest" not in seen:  # read until the exercise is on the screen
            assert process.poll() is None and time.monotonic() < deadline
            seen += os.read(controller, 65536)
        # Nobody reads the terminal any more: redrawing the whole screen again and again
        # fills it, then Textual's queue of writes, as a terminal gone mid-paint does.
        for _ in range(60):
            os.write(controller, b"\x14")  # ctrl+t: the other theme, every cell redrawn
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGHUP)
        process.wait(timeout=15)
    finally:
        process.kill()
        process.wait()
        os.close(controller)
    with CompletionLog.open(folder / "log.sqlite3") as log:
        (session,) = log.sessions()
        assert session.status == "in_progress"  # resumable, as after a SIGKILL
        assert SessionLock.beside(log.path).acquire()


async def test_nothing_plays_behind_the_resume_question(run_routine, clock, log):
    app = run_routine()
    async with opened(app, size=(80, 24)) as pilot:
        await quit_after(pilot, clock, 8)

    again = run_routine()
    async with opened(again, size=(80, 24)) as pilot:
        assert isinstance(again.screen, Question)
        clock.advance(600)  # the patient reads the question for ten minutes
        await pilot.pause()
        assert not in_stack(again, PlayerScreen)
        assert len(log.sessions()) == 1  # no second session was started
        await pilot.press("n")  # close the old one: now the routine asked for starts
        await pilot.pause()
        assert isinstance(again.screen, PlayerScreen)
        assert shown(again, "#countdown") == "5"
    first, second = log.sessions()
    assert (first.status, second.status) == ("abandoned", "in_progress")


# -- 4: one live session per log -----------------------------------------------------------


async def test_a_second_window_does_not_offer_to_resume_the_live_session(
    run_routine, clock, log, log_path
):
    app = run_routine()
    async with opened(app, size=(80, 24)) as pilot:
        await quit_after(pilot, clock, 8)

    # Another window plays a session on this log: it holds the log's session lock.
    other_window = SessionLock.beside(log_path)
    assert other_window.acquire()
    try:
        again = run_routine()
        async with opened(again, size=(80, 24)) as pilot:
            assert not in_stack(again, Question)
            assert isinstance(again.screen, RoutinePickerScreen)
            notes = " ".join(str(n.message) for n in again._notifications)
            assert "running elsewhere" in notes
            # Starting one from the picker is refused too, and says why.
            await pilot.press("slash", *"short", "enter")
            await pilot.pause()
            assert isinstance(again.screen, RoutinePickerScreen)
        assert [s.status for s in log.sessions()] == ["in_progress"]
    finally:
        other_window.release()

    after = run_routine()
    async with opened(after, size=(80, 24)) as pilot:
        assert isinstance(after.screen, Question)  # the other window closed: resumable


async def test_the_app_holds_the_lock_while_a_session_is_live(run_routine, clock, log_path):
    app = run_routine()
    async with opened(app, size=(80, 24)) as pilot:
        await advance(pilot, clock, 3)
        assert isinstance(app.screen, PlayerScreen)
        second = SessionLock.beside(log_path)
        assert not second.acquire()
        await quit_after(pilot, clock, 1)
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert second.acquire()
    second.release()


@pytest.mark.slow
async def test_plain_mode_live_in_another_process_then_killed(
    run_routine, routines_dir, log, log_path
):
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "backroutine",
            "run",
            str(routines_dir / "short.yaml"),
            "--plain",
            "--no-checkin",
            "--no-audio",
            "--data-dir",
            str(log_path.parent),
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        while "Get ready" not in process.stdout.readline():  # its session is live
            assert process.poll() is None
        second_window = run_routine()
        async with opened(second_window, size=(80, 24)):
            assert not in_stack(second_window, Question)
            assert isinstance(second_window.screen, RoutinePickerScreen)
        os.kill(process.pid, signal.SIGKILL)  # kill -9: no chance to unlock anything
        process.wait()
        time.sleep(0.1)
        after_the_kill = run_routine()
        async with opened(after_the_kill, size=(80, 24)):
            assert isinstance(after_the_kill.screen, Question)
            assert "Knee to chest, left side" in shown(after_the_kill, "#question")
    finally:
        process.kill()
        process.wait()


# -- 5: a resumed session is one session -----------------------------------------------------


async def test_resume_keeps_what_the_patient_said_and_the_whole_session(run_routine, clock, log):
    app = run_routine()
    async with opened(app, size=(80, 24)) as pilot:
        await quit_after(pilot, clock, 5 + 20 + 5 + 20 + 1)  # knee to chest done, in the rest
        await pilot.press("4", "tab", *"left hip tight", "enter")
        await pilot.pause()

    again = run_routine()
    async with opened(again, size=(80, 24)) as pilot:
        await pilot.press("enter")  # resume
        await pilot.pause()
        await pilot.press("space")
        await advance(pilot, clock, 300)
        await pilot.press("enter")  # the self-paced sit to stand
        await pilot.pause()
        assert isinstance(again.screen, SummaryScreen)
        assert shown(again, "#counts").startswith("3 done · 0 skipped · 0 hurt")
        assert "Knee to chest: done" in shown(again, ".exercise")
        await pilot.press("ctrl+s")  # saved without touching the answers
        await pilot.pause()
    (session,) = log.sessions()
    assert (session.status, session.pain_after, session.note) == ("completed", 4, "left hip tight")


# -- 6: what is typed in the summary is kept as it is typed ----------------------------------


async def test_pain_and_note_typed_in_the_summary_are_kept_before_save(
    run_routine, clock, log_path
):
    app = run_routine()
    async with opened(app, size=(80, 24)) as pilot:
        await quit_after(pilot, clock, 8)
        await pilot.press("6", "tab", *"sore after the bridge")
        await pilot.pause(1.0)  # no Save: the terminal dies now
        with CompletionLog.open(log_path) as reader:  # what is on disk, not in memory
            (session,) = reader.sessions()
        assert (session.pain_after, session.note) == (6, "sore after the bridge")


# -- 8: Next: names the next set --------------------------------------------------------------


async def test_next_names_the_next_set_during_a_rest_between_sets(run_routine, routines_dir, clock):
    (routines_dir / "sets.yaml").write_text(SETS_ROUTINE)
    app = run_routine("sets.yaml", log=None)
    async with opened(app, size=(80, 24)) as pilot:
        await advance(pilot, clock, 5 + 10 + 1)
        assert shown(app, "#kind").strip() == "REST"
        assert shown(app, "#next") == "Next: Bridge, set 2 of 3"
        await advance(pilot, clock, 14 + 10 + 1)
        assert shown(app, "#next") == "Next: Bridge, set 3 of 3"
        await advance(pilot, clock, 14 + 10 + 1)  # the rest after the last set
        assert shown(app, "#next") == "Next: Side plank, left side"
        await advance(pilot, clock, 14 + 5 + 10 + 3 + 10 + 1)  # set 1, both sides
        assert shown(app, "#kind").strip() == "REST"
        assert shown(app, "#next") == "Next: Side plank, left side, set 2 of 2"


# -- 9: after "this hurts" the safe default is to stop and think -----------------------------


@pytest.mark.parametrize("key", ["enter", "escape", "n", "space"])
async def test_no_key_in_the_hurt_dialog_starts_the_next_exercise_by_default(
    run_routine, clock, key
):
    app = run_routine(log=None)
    async with opened(app, size=(80, 24)) as pilot:
        await advance(pilot, clock, 8)
        await pilot.press("h")
        await pilot.pause()
        assert "numbness, tingling or weakness" in shown(app, "#warning")
        await pilot.press(key)
        await pilot.pause()
        if isinstance(app.screen, PlayerScreen):
            assert "PAUSED" in shown(app, "#kind")
            before = shown(app, "#countdown")
            await advance(pilot, clock, 30)
            assert shown(app, "#countdown") == before
        else:
            # Still asking, or ended: either way nothing runs on.
            assert isinstance(app.screen, SummaryScreen) or app.screen.query("#warning")


async def test_enter_in_the_hurt_dialog_ends_the_session(run_routine, clock):
    app = run_routine(log=None)
    async with opened(app, size=(80, 24)) as pilot:
        await advance(pilot, clock, 8)
        await pilot.press("h", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert "1 hurt" in shown(app, "#counts")


async def test_carrying_on_after_it_hurt_is_a_deliberate_choice(run_routine, clock):
    app = run_routine(log=None)
    async with opened(app, size=(80, 24)) as pilot:
        await advance(pilot, clock, 8)
        await pilot.press("h")
        await pilot.pause()
        await pilot.click("#carry-on")
        await pilot.pause()
        assert isinstance(app.screen, PlayerScreen)
        assert "PAUSED" not in shown(app, "#kind")
        assert shown(app, "#kind").strip() == "REST"


async def test_this_hurts_during_a_rest_step_says_so_and_the_summary_warns(run_routine, clock):
    app = run_routine(log=None)
    async with opened(app, size=(80, 24)) as pilot:
        await advance(pilot, clock, 5 + 20 + 5 + 20 + 3)  # 3 s into the rest step
        assert shown(app, "#kind").strip() == "REST"
        await pilot.press("h")
        await pilot.pause()
        assert "it hurt during the rest" in shown(app, "#question")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert "contact your clinician" in shown(app, ".warning").lower()


async def test_a_note_typed_just_before_the_app_closes_is_kept(run_routine, clock, log_path):
    app = run_routine()
    async with opened(app, size=(80, 24)) as pilot:
        await quit_after(pilot, clock, 8)
        await pilot.press("3", "tab", *"felt fine")
        # The window closes at once, before the note's pause in typing has passed.
    with CompletionLog.open(log_path) as reader:
        (session,) = reader.sessions()
    assert (session.pain_after, session.note) == (3, "felt fine")


async def test_a_session_quit_is_offered_again_when_its_routine_is_picked_again(
    clock, routines_dir, log
):
    app = create_app(
        AppContext(routines=Catalog(routines_dir), clock=clock, check_in=False, log=log)
    )
    async with opened(app, size=(80, 24)) as pilot:
        await pilot.press("slash", *"short", "enter")
        await pilot.pause()
        await quit_after(pilot, clock, 5 + 20 + 5 + 20 + 1)  # knee to chest done, in the rest
        await pilot.press("ctrl+s")  # the summary kept: back to the picker
        await pilot.pause()
        assert isinstance(app.screen, RoutinePickerScreen)
        await pilot.press("slash", *"short", "enter")
        await pilot.pause()
        # The summary said "next time you can go on where you stopped": the routine picked
        # again started anew, and the session quit was offered only at the app's next start.
        assert isinstance(app.screen, Question)
        await pilot.press("enter")  # resume
        await pilot.pause()
        assert isinstance(app.screen, PlayerScreen)
        assert shown(app, "#name") == "Rest"  # where it stopped
    assert len(log.sessions()) == 1


async def test_picking_another_routine_does_not_ask_about_the_one_quit(clock, routines_dir, log):
    (routines_dir / "plank.yaml").write_text("title: Planks\nsteps:\n  - {name: Plank, hold: 9s}\n")
    app = create_app(
        AppContext(routines=Catalog(routines_dir), clock=clock, check_in=False, log=log)
    )
    async with opened(app, size=(80, 24)) as pilot:
        await pilot.press("slash", *"short", "enter")
        await pilot.pause()
        await quit_after(pilot, clock, 10)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("slash", *"planks", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PlayerScreen)  # the short routine's is offered for it
        assert shown(app, "#name") == "Plank"
