"""A format-2 routine played in the real app: the equipment before the session, the words
of ranges, tempo phases, breaths, alternating sides and rounds on screen, one log row a step."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from backroutine.log.store import CompletionLog
from backroutine.routine.catalog import Catalog
from backroutine.tui.screens.checkin import CheckInScreen
from backroutine.tui.screens.player import PlayerScreen
from backroutine.tui.screens.summary import SummaryScreen

from .conftest import advance, opened, read_check_in, shown

FORMAT_2 = Path(__file__).parents[1] / "data" / "good" / "format-2-steps.yaml"


@pytest.fixture
def settings_home(tmp_path: Path, monkeypatch) -> Path:
    """The patient's settings folder, with a breath of 2 s."""
    home = tmp_path / "config"
    (home / "backroutine").mkdir(parents=True)
    (home / "backroutine" / "settings.json").write_text('{"breath_seconds": 2}')
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    return home


async def test_a_format_2_routine_plays_with_its_words_on_screen(
    make_app, clock, tmp_path: Path, settings_home: Path
):
    folder = tmp_path / "v2"
    folder.mkdir()
    shutil.copy(FORMAT_2, folder / "steps.yaml")
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        app = make_app(routines=Catalog(folder), log=log)
        async with opened(app, size=(100, 30)) as pilot:
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, CheckInScreen)
            assert shown(app, "#you-need") == "You need: a mat, a chair, a red band"
            await pilot.press("2")
            await read_check_in(pilot)
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, PlayerScreen)

            # A rep range played at its target, paced by its tempo, phase by phase.
            assert shown(app, "#name") == "Squat"
            await advance(pilot, clock, 1.2)
            assert (shown(app, "#kind").strip(), shown(app, "#detail")) == ("LOWER", "Rep 1 of 2")
            await advance(pilot, clock, 1)
            assert shown(app, "#kind").strip() == "LIFT"
            # The pyramid: 2 reps in set 1, then 1 in set 2.
            await advance(pilot, clock, 3 + 1)
            assert shown(app, "#detail") == "Set 1 of 2 · Rep 1 of 2"
            await advance(pilot, clock, 1 + 1 + 1)
            assert shown(app, "#detail") == "Set 2 of 2 · Rep 1 of 1"
            # A breath hold at the patient's breath length.
            await advance(pilot, clock, 1 + 1)
            assert (shown(app, "#name"), shown(app, "#countdown")) == ("Belly breathing", "2")
            # The affected side, as the routine names it.
            await advance(pilot, clock, 2 + 1)
            assert (shown(app, "#name"), shown(app, "#detail")) == (
                "Heel raise",
                "Left side · 2 reps",
            )
            await pilot.press("enter")
            await pilot.pause()
            # The block: round 1, bird-dog alternating sides rep by rep.
            await advance(pilot, clock, 1.2)
            assert shown(app, "#detail") == "Round 1 of 2 · Left side · Rep 1 of 1"
            await advance(pilot, clock, 1 + 1)
            assert shown(app, "#detail") == "Round 1 of 2 · Right side · Rep 1 of 1"
            await advance(pilot, clock, 1 + 4)  # the rest of the rep; side plank, both sides
            assert shown(app, "#kind").strip() == "REST"
            await advance(pilot, clock, 1 + 1.2)
            assert shown(app, "#detail") == "Round 2 of 2 · Left side · Rep 1 of 1"
            await advance(pilot, clock, 30)
            assert isinstance(app.screen, SummaryScreen)
        (session,) = log.sessions(with_exercises=True)
        rows = session.exercises
    # One row a step, not one a round: the block's two rounds are two sets of each step.
    assert [(row.name, row.sets_done, row.set_count, row.reps_done) for row in rows] == [
        ("Squat", 1, 1, 2),
        ("Curl-up", 2, 2, 3),
        ("Belly breathing", 1, 1, None),
        ("Heel raise", 1, 1, 2),
        ("Bird-dog", 2, 2, 4),
        ("Side plank", 2, 2, None),
    ]
