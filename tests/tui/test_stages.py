"""The stage question in the app: asked after the summary, kept in the real log, and the next
session plays the stage the answer led to."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import OptionList

from backroutine.log.store import CompletionLog
from backroutine.routine.catalog import Catalog
from backroutine.tui.app import AppContext, create_app
from backroutine.tui.screens.dialogs import Question
from backroutine.tui.screens.player import PlayerScreen
from backroutine.tui.screens.summary import SummaryScreen

from .conftest import advance, opened

STAGED = """\
backroutine: 2
title: Extension in lying
stages:
  - name: Lying face down
    move_on: when the pain has eased
    ask_every: every session
    steps:
      - {name: Lie face down, hold: 2s, prepare: 1s}
  - name: On elbows
    move_on: when you can stay 2 minutes without pain
    ask_every: every session
    steps:
      - {name: Prone on elbows, hold: 2s, prepare: 1s}
  - name: Press-ups
    steps:
      - {name: Press-up, hold: 2s, prepare: 1s}
"""


@pytest.fixture
def staged(routines_dir: Path) -> Path:
    path = routines_dir / "staged.yaml"
    path.write_text(STAGED)
    return path


@pytest.fixture
def log(tmp_path: Path):
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        yield log


def app_for(routines_dir: Path, staged: Path, clock, log):
    return create_app(
        AppContext(
            routines=Catalog(routines_dir),
            clock=clock,
            start_with=staged,
            log=log,
            check_in=False,
            emergency_number="999",
        )
    )


async def play_to_summary(pilot, clock) -> str:
    """Play the one-exercise session; the name of the exercise played."""
    app = pilot.app
    assert isinstance(app.screen, PlayerScreen)
    played = app.screen.engine.segments[-1].name
    await advance(pilot, clock, 1 + 2 + 1)
    assert isinstance(app.screen, SummaryScreen)
    return played


async def test_a_yes_in_the_app_moves_on_and_worse_pain_offers_to_go_back(
    routines_dir, staged, clock, log
):
    path = str(staged.resolve())
    app = app_for(routines_dir, staged, clock, log)
    async with opened(app, size=(80, 24)) as pilot:
        assert await play_to_summary(pilot, clock) == "Lie face down"
        await pilot.press("1", "ctrl+s")  # pain after 1 of 10, saved
        await pilot.pause()
        assert isinstance(app.screen, Question)
        assert app.screen.text.startswith("You are at stage 1 of 3, Lying face down. Move on")
        await pilot.press("y")
        await pilot.pause()
    assert log.current_stage(path) == 2

    again = app_for(routines_dir, staged, clock, log)
    async with opened(again, size=(80, 24)) as pilot:
        assert await play_to_summary(pilot, clock) == "Prone on elbows"
        await pilot.press("7", "ctrl+s")  # pain after 7 of 10: worse
        await pilot.pause()
        assert isinstance(again.screen, Question)
        assert "Go back to stage 1 of 3, Lying face down" in again.screen.text
        await pilot.press("y")
        await pilot.pause()
    assert log.current_stage(path) == 1
    assert [session.stage for session in log.sessions()] == [1, 2]


async def test_enter_on_the_stage_question_keeps_the_stage(routines_dir, staged, clock, log):
    app = app_for(routines_dir, staged, clock, log)
    async with opened(app, size=(80, 24)) as pilot:
        await play_to_summary(pilot, clock)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, Question)
        await pilot.press("enter")  # the safe answer: no
        await pilot.pause()
    assert log.current_stage(str(staged.resolve())) == 1
    [answer] = log.stage_answers(str(staged.resolve()))
    assert (answer.question, answer.answer) == ("move_on", False)


async def test_the_picker_shows_the_stage_the_patient_is_at_now(routines_dir, staged, clock, log):
    app = app_for(routines_dir, staged, clock, log)
    async with opened(app, size=(80, 24)) as pilot:
        await play_to_summary(pilot, clock)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
    picker = create_app(
        AppContext(
            routines=Catalog(routines_dir),
            clock=clock,
            log=log,
            check_in=False,
            emergency_number="999",
        )
    )
    async with opened(picker, size=(80, 24)):
        options = picker.screen.query_one(OptionList)
        prompts = [str(options.get_option_at_index(n).prompt) for n in range(options.option_count)]
        [staged_prompt] = [prompt for prompt in prompts if "Extension in lying" in prompt]
        assert "last done today, now at stage 2" in staged_prompt
