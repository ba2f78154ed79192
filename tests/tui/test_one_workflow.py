"""One session workflow for both front ends: the same progression week, resume across
front ends at the exact segment, one resume rule, and Escape that only puts resuming off.

Each test uses a real SQLite log file; plain mode runs as the real `backroutine run --plain`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest
from plain_runs import start_plain

from backroutine.base.clock import local_now, zone_name
from backroutine.cli.main import main
from backroutine.log.store import CompletionLog
from backroutine.routine.catalog import Catalog
from backroutine.routine.loader import load_routine
from backroutine.tui.app import AppContext, create_app
from backroutine.tui.screens.dialogs import Question
from backroutine.tui.screens.picker import RoutinePickerScreen
from backroutine.tui.screens.player import PlayerScreen

from .conftest import advance, opened, shown

# Week 1 holds the plank 1 s; from the eighth day on (week 2) 6 s.
PROGRESSING = """\
title: Progressing plank
steps:
  - name: Plank
    hold: 1s
    prepare: 1s
    progression:
      hold: +5s per week, up to 60s
  - name: Bridge
    hold: 2s
    prepare: 1s
"""
OTHER = "title: Other routine\nsteps:\n  - {name: Cat-cow, hold: 20s, prepare: 1s}\n"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    (folder / "routines").mkdir(parents=True)
    return folder


@pytest.fixture
def routine(data: Path) -> Path:
    """The progressing routine, first done eight days ago: it is in week 2 today."""
    path = data / "routines" / "progressing.yaml"
    path.write_text(PROGRESSING)
    loaded = load_routine(path)
    started = local_now() - timedelta(days=8)
    with CompletionLog.open(data / "log.sqlite3") as log:
        first = log.start_session(
            routine_title="Progressing plank",
            routine_path=str(path.resolve()),
            routine_sha256=loaded.sha256,
            frequency=None,
            planned_seconds=5,
            started=started,
            time_zone=zone_name(started),
        )
        log.finish_session(first, status="completed", ended=started + timedelta(minutes=1))
    return path


@pytest.fixture
def log(data: Path):
    with CompletionLog.open(data / "log.sqlite3") as log:
        yield log


def app_for(data: Path, clock, log, start_with: Path | None):
    return create_app(
        AppContext(
            routines=Catalog(data / "routines"),
            clock=clock,
            start_with=start_with,
            log=log,
            check_in=False,
            emergency_number="999",
        )
    )


def read_until(process: subprocess.Popen, wanted: str) -> list[str]:
    """The lines plain mode printed, up to and including the first with `wanted`."""
    lines: list[str] = []
    while not lines or wanted not in lines[-1]:
        line = process.stdout.readline()
        assert line, f"plain mode ended without printing {wanted!r}: {lines}"
        lines.append(line.rstrip("\n"))
    return lines


# -- the same progression week in list, plain mode and the app ---------------------------------


@pytest.mark.slow
def test_run_plain_plays_the_week_that_list_shows(data, routine, capsys):
    assert main(["list", "--data-dir", str(data)]) == 0
    assert "week 2" in capsys.readouterr().out
    process = start_plain(routine, data, stderr=subprocess.DEVNULL)
    try:
        lines = read_until(process, "Hold")
    finally:
        process.kill()
        process.wait()
    assert "Progressing plank: 2 exercises, 10 s" in lines  # as list counts it
    assert "Week 2 of this routine" in lines
    assert lines[-1] == "Hold 6 s"


async def test_the_app_plays_the_same_week(data, routine, clock, log):
    app = app_for(data, clock, log, routine)
    async with opened(app, size=(80, 24)):
        assert isinstance(app.screen, PlayerScreen)
        plank_hold = app.screen.engine.segments[1]
        assert (plank_hold.name, plank_hold.planned_seconds) == ("Plank", 6)


# -- a session started in one front end resumes in the other at the exact segment -------------


@pytest.mark.slow
async def test_a_session_started_in_the_app_resumes_in_plain_mode(data, routine, clock, log):
    app = app_for(data, clock, log, routine)
    async with opened(app, size=(80, 24)) as pilot:
        await advance(pilot, clock, 1 + 4)  # 4 s into the week-2 hold of 6 s
        # The terminal closes: the session is left unfinished.
    (_, session) = log.sessions()
    assert session.status == "in_progress"

    # Resume (y), then Enter through every check-in question.
    process = start_plain(
        routine, data, check_in=True, stdin=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    out, _ = process.communicate("y\n" + "\n" * 40, timeout=60)
    (_, session) = log.sessions(with_exercises=True)
    assert session.status == "completed"
    assert [exercise.outcome for exercise in session.exercises] == ["done", "done"]
    assert session.active_seconds == pytest.approx(1 + 6 + 1 + 2, abs=0.5)
    assert "Get ready: Plank" not in out  # went on from the hold, not from the start
    assert "You stopped Progressing plank" in out and "at Plank." in out


@pytest.mark.slow
async def test_a_session_started_in_plain_mode_resumes_in_the_app(data, routine, clock, log):
    process = start_plain(routine, data, stderr=subprocess.DEVNULL)
    try:
        read_until(process, "Hold 6 s")
        time.sleep(0.5)
        os.kill(process.pid, signal.SIGKILL)  # the terminal closed, nothing tidied up
    finally:
        process.kill()
        process.wait()

    app = app_for(data, clock, log, routine)
    async with opened(app, size=(80, 24)) as pilot:
        assert isinstance(app.screen, Question)
        assert "at Plank." in shown(app, "#question")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PlayerScreen)
        engine = app.screen.engine
        assert (engine.current.name, engine.current.planned_seconds) == ("Plank", 6)
    (_, session) = log.sessions()
    assert session.status == "in_progress"


# -- one resume rule, and Escape -------------------------------------------------------------


async def test_run_x_offers_only_x_and_the_picker_offers_any(data, clock, log):
    other = data / "routines" / "other.yaml"
    other.write_text(OTHER)
    asked_for = data / "routines" / "progressing.yaml"
    asked_for.write_text(PROGRESSING)
    app = app_for(data, clock, log, other)
    async with opened(app, size=(80, 24)) as pilot:
        await advance(pilot, clock, 3)
        # closed mid-session: Other routine is left unfinished

    run_x = app_for(data, clock, log, asked_for)
    async with opened(run_x, size=(80, 24)):
        assert not any(isinstance(screen, Question) for screen in run_x.screen_stack)
        assert isinstance(run_x.screen, PlayerScreen)
    picker = app_for(data, clock, log, None)
    async with opened(picker, size=(80, 24)) as pilot:
        assert "You stopped Progressing plank" in shown(picker, "#question")
        await pilot.click("#no")  # close it: the next offer is of any routine too
        await pilot.pause()
        assert "You stopped Other routine" in shown(picker, "#question")


async def test_escape_on_the_resume_question_leaves_the_session_unfinished(data, clock, log):
    other = data / "routines" / "other.yaml"
    other.write_text(OTHER)
    app = app_for(data, clock, log, other)
    async with opened(app, size=(80, 24)) as pilot:
        await advance(pilot, clock, 3)

    again = app_for(data, clock, log, None)
    async with opened(again, size=(80, 24)) as pilot:
        assert isinstance(again.screen, Question)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(again.screen, RoutinePickerScreen)
    (session,) = log.sessions()
    assert session.status == "in_progress"

    closing = app_for(data, clock, log, None)
    async with opened(closing, size=(80, 24)) as pilot:
        await pilot.click("#no")  # "Close it": the deliberate button
        await pilot.pause()
    (session,) = log.sessions()
    assert session.status == "abandoned"
