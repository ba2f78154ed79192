"""The app keeps every session in a real SQLite log, offers to resume, shows history."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import OptionList

from backroutine.log.store import CompletionLog
from backroutine.tui.screens.dialogs import Question
from backroutine.tui.screens.history import HistoryScreen
from backroutine.tui.screens.player import PlayerScreen
from backroutine.tui.screens.summary import SummaryScreen

from .conftest import advance, opened, shown
from .test_player import start_short_routine


@pytest.fixture
def log(tmp_path: Path):
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        yield log


async def test_a_finished_session_is_logged_with_pain_and_note(make_app, clock, log):
    app = make_app(log=log)
    async with opened(app, size=(80, 24)) as pilot:
        await start_short_routine(pilot, app)  # pain before: 2
        await advance(pilot, clock, 200)
        await pilot.press("enter")  # the self-paced sit to stand
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        await pilot.press("6")
        assert "Pain 6/10 after the session. Some discomfort" in shown(app, "#flag")
        assert "next time do fewer reps, shorter holds" in shown(app, "#flag")
        await pilot.press("5")
        assert "fine if it settles by the next morning" in shown(app, "#flag")
        assert "⚑" not in shown(app, "#flag")
        await pilot.press("tab", *"left hip tight", "enter")
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        assert "last done today" in str(options.get_option_at_index(0).prompt)
    (session,) = log.sessions(with_exercises=True)
    assert (session.status, session.pain_before, session.pain_after, session.note) == (
        "completed",
        2,
        5,
        "left hip tight",
    )
    assert [e.outcome for e in session.exercises] == ["done", "done", "done"]


async def test_a_session_cut_short_is_offered_for_resuming_at_the_same_place(make_app, clock, log):
    app = make_app(log=log)
    async with opened(app, size=(80, 24)) as pilot:
        await start_short_routine(pilot, app)
        await advance(pilot, clock, 5 + 20 + 5 + 3)  # 3 s into the right side
        assert shown(app, "#detail") == "Right side"
        await pilot.press("q", "y")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)

    again = make_app(log=log)
    async with opened(again, size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(again.screen, Question)
        question = str(again.screen.query_one("#question").render())
        assert "Short test routine" in question and "Knee to chest, right side" in question
        await pilot.press("enter")  # the safe answer: go on; closing it would lose the place
        await pilot.pause()
        assert isinstance(again.screen, PlayerScreen)
        assert (shown(again, "#name"), shown(again, "#detail")) == ("Knee to chest", "Right side")
        assert "PAUSED" in shown(again, "#kind")
        await pilot.press("space")
        await advance(pilot, clock, 3.1)  # the lead-in, then the hold goes on where it was
        assert shown(again, "#countdown") == "17"


async def test_declining_to_resume_closes_the_session(make_app, clock, log):
    app = make_app(log=log)
    async with opened(app, size=(80, 24)) as pilot:
        await start_short_routine(pilot, app)
        await advance(pilot, clock, 8)
        await pilot.press("q", "y")
        await pilot.pause()
    again = make_app(log=log)
    async with opened(again, size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert not isinstance(again.screen, Question)
    assert [s.status for s in log.sessions()] == ["abandoned"]


async def test_history_opens_from_the_picker(make_app, log):
    app = make_app(log=log)
    async with opened(app, size=(80, 24)) as pilot:
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HistoryScreen)


async def test_the_player_plays_this_weeks_numbers_of_a_progression(
    make_app, clock, log, routines_dir
):
    from datetime import datetime, timedelta

    from backroutine.routine.loader import load_routine

    path = routines_dir / "grows.yaml"
    path.write_text(
        "title: Grows\nsteps:\n  - name: Plank\n    hold: 20s\n"
        "    progression:\n      hold: +5s per week, up to 60s\n"
    )
    loaded = load_routine(path)
    first = datetime.now().astimezone() - timedelta(days=15)  # so today is in week 3
    log.start_session(
        routine_title="Grows",
        routine_path=str(path.resolve()),
        routine_sha256=loaded.sha256,
        frequency=None,
        planned_seconds=25,
        started=first,
        time_zone="UTC",
    )
    app = make_app(log=log, check_in=False)
    async with opened(app, size=(80, 24)) as pilot:
        await pilot.press("n")  # close the unfinished session, not resume it
        await pilot.pause()
        await pilot.press("slash", *"grows", "enter")
        await pilot.pause()
        await advance(pilot, clock, 5.1)
        assert (shown(app, "#name"), shown(app, "#countdown")) == ("Plank", "30")


async def test_the_summary_flags_pain_rising_over_sessions_of_this_routine(
    make_app, clock, log, routines_dir
):
    from datetime import datetime, timedelta

    path = str((routines_dir / "short.yaml").resolve())
    for days_ago, after in ((3, 3), (2, 4)):
        started = datetime.now().astimezone() - timedelta(days=days_ago)
        earlier = log.start_session(
            routine_title="Short test routine",
            routine_path=path,
            routine_sha256="0" * 64,
            frequency=None,
            planned_seconds=60,
            started=started,
            time_zone="UTC",
        )
        log.finish_session(earlier, status="completed", ended=started, pain_after=after)
    app = make_app(log=log)
    async with opened(app, size=(80, 24)) as pilot:
        await start_short_routine(pilot, app)
        await advance(pilot, clock, 200)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        await pilot.press("5")
        assert "⚑ Pain after sessions rising. Your pain after sessions has gone up" in shown(
            app, "#flag"
        )
        await pilot.press("4")
        assert "⚑" not in shown(app, "#flag")


async def test_at_60x20_each_skipped_step_in_the_history_is_a_bullet_of_its_own(
    make_app, clock, log
):
    from .test_summary import skip_to_summary

    app = make_app(log=log)
    async with opened(app, size=(60, 20)) as pilot:
        await skip_to_summary(pilot, clock, last="enter")  # two skipped, one done
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        troubles = app.screen.query_one("#troubles")
        drawn = [s.text.strip() for s in troubles.render_lines(troubles.region.reset_offset)]
        items = [line for line in drawn if line.startswith("• ")]
        # Beside the heatmap an item wraps: its second line must not read as an item.
        assert [item.split(":")[0] for item in items] == ["• Bridge", "• Knee to chest"]
        assert len(drawn) > len(items) + 1  # wrapped, under its heading
