"""The app loads each screen when it is first shown: a routine started from the command line
is on the screen before the picker, the check-in, the dialogs and the summary are loaded,
and every screen still opens when its turn comes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from backroutine.log.store import CompletionLog
from backroutine.tui.screens.checkin import CheckInScreen
from backroutine.tui.screens.dialogs import Question
from backroutine.tui.screens.history import HistoryScreen
from backroutine.tui.screens.picker import RoutinePickerScreen
from backroutine.tui.screens.player import PlayerScreen
from backroutine.tui.screens.summary import SummaryScreen

from .conftest import advance, check_in_and_start, opened, until

NOT_BEFORE_THE_EXERCISE = {
    "backroutine.tui.screens.picker",
    "backroutine.tui.screens.checkin",
    "backroutine.tui.screens.dialogs",
    "backroutine.tui.screens.summary",
    "backroutine.tui.screens.history",
    "backroutine.log.history",
    "backroutine.log.export",
    "pydantic",
    "yaml",
}
"""Modules a session started with `run ROUTINE --no-checkin` has no use for before its
exercise is on the screen (the app's own start-up budget: each costs milliseconds)."""


def test_a_routine_started_directly_shows_its_exercise_before_loading_other_screens(
    routines_dir: Path, tmp_path: Path
):
    # A fresh interpreter: in this one, other tests have loaded every screen already.
    code = f"""
import asyncio, sys
from pathlib import Path
from backroutine.log.store import CompletionLog
from backroutine.routine.prevalidate import PreparedCatalog
from backroutine.session.engine import FakeClock
from backroutine.tui.app import AppContext, create_app

routine = Path({str(routines_dir / "short.yaml")!r})
log = CompletionLog.open(Path({str(tmp_path / "log.sqlite3")!r}))
app = create_app(AppContext(PreparedCatalog(None, [routine], entries=False), FakeClock(),
                            start_with=routine, check_in=False, log=log))

async def main():
    async with app.run_test(size=(80, 24)) as pilot:
        while type(app.screen).__name__ != "PlayerScreen":
            await pilot.pause(0.05)
        print(*sorted(sys.modules))

asyncio.run(main())
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    loaded = set(result.stdout.split())
    assert "backroutine.tui.screens.player" in loaded, result.stderr
    assert loaded & NOT_BEFORE_THE_EXERCISE == set()


async def test_every_screen_opens_when_its_turn_comes(make_app, clock, tmp_path: Path):
    """From the picker: the check-in, the player, the question before quitting, the
    summary, back to the picker, the history; then, at the next start, the question whether
    to resume the session ended early."""
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        app = make_app(log=log)
        async with opened(app, (80, 24)) as pilot:
            assert isinstance(app.screen, RoutinePickerScreen)
            await pilot.press("slash", *"short", "enter")
            await until(pilot, lambda: isinstance(app.screen, CheckInScreen), "checked in")
            await check_in_and_start(pilot)
            await until(pilot, lambda: isinstance(app.screen, PlayerScreen), "played")
            await advance(pilot, clock, 8)
            await pilot.press("q")
            await until(pilot, lambda: isinstance(app.screen, Question), "asked to end")
            await pilot.press("y")
            await until(pilot, lambda: isinstance(app.screen, SummaryScreen), "summed up")
            await pilot.press("ctrl+s")
            await until(pilot, lambda: isinstance(app.screen, RoutinePickerScreen), "picked")
            await pilot.press("h")
            await until(pilot, lambda: isinstance(app.screen, HistoryScreen), "showed history")
        # The session ended early: the next start offers to go on with it.
        app = make_app(log=log)
        async with opened(app, (80, 24)) as pilot:
            await until(pilot, lambda: isinstance(app.screen, Question), "offered to resume")
            assert "Resume" in str(app.screen.query_one("#yes").render())
