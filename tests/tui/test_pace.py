"""A set paced by the routine file's beat (`pace:`), in the full-screen player."""

from __future__ import annotations

from backroutine.tui.screens.player import PlayerScreen
from backroutine.tui.screens.summary import SummaryScreen
from backroutine.tui.widgets.key_bar import KeyBar

from .conftest import advance, check_in_and_start, opened, shown

PACED = """title: Paced mobility
steps:
  - name: Cat-cow
    reps: 10
    pace: 4s
    prepare: 5s
"""


async def test_enter_ends_a_set_paced_by_the_files_beat_early(make_app, clock, routines_dir):
    (routines_dir / "paced.yaml").write_text(PACED)
    app = make_app()
    async with opened(app, size=(80, 24)) as pilot:
        await pilot.press("slash", *"paced", "enter")
        await pilot.pause()
        await check_in_and_start(pilot)
        assert isinstance(app.screen, PlayerScreen)
        await advance(pilot, clock, 5.2 + 9)  # the get-ready, then 9 s of the 40 s set
        assert shown(app, "#kind").strip() == "YOUR PACE"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert shown(app, "#counts").startswith("1 done · 0 skipped · 0 hurt")


OWN_PACE = PACED.replace("    pace: 4s\n", "")


def space_in_key_bar(app) -> str:
    """What the key bar says space does."""
    (key,) = [key for key in app.screen.query_one(KeyBar).shown_keys() if key.key == "space"]
    return key.description


async def start_paced(pilot, app) -> None:
    await pilot.press("slash", *"paced", "enter")
    await pilot.pause()
    await check_in_and_start(pilot)
    assert isinstance(app.screen, PlayerScreen)


async def test_space_pauses_a_paced_set_as_the_key_bar_says(make_app, clock, routines_dir):
    (routines_dir / "paced.yaml").write_text(PACED)
    app = make_app()
    async with opened(app, size=(80, 24)) as pilot:
        await start_paced(pilot, app)
        await advance(pilot, clock, 5.2 + 9)  # 9 s into the 40 s set
        assert space_in_key_bar(app) == "Pause"
        await pilot.press("space")
        await pilot.pause()
        assert isinstance(app.screen, PlayerScreen)
        assert "PAUSED" in shown(app, "#kind")
        await advance(pilot, clock, 120)
        assert "PAUSED" in shown(app, "#kind")
        await pilot.press("space")
        await advance(pilot, clock, 31.2)  # the rest of the set: it ends by itself
        assert isinstance(app.screen, SummaryScreen)
        assert shown(app, "#counts").startswith("1 done · 0 skipped · 0 hurt")


async def test_a_set_paced_by_the_runs_beat_says_it_ends_by_itself(make_app, clock, routines_dir):
    (routines_dir / "paced.yaml").write_text(OWN_PACE)
    app = make_app(self_paced_beat=3)
    async with opened(app, size=(80, 24)) as pilot:
        await start_paced(pilot, app)
        await advance(pilot, clock, 5.2 + 4)
        assert shown(app, "#prompt") == "Do 10 reps, one every 3 s; Enter ends the set early"
        assert space_in_key_bar(app) == "Pause"
        await advance(pilot, clock, 26.2)  # 10 reps of 3 s: the set ends by itself
        assert isinstance(app.screen, SummaryScreen)


async def test_in_a_set_at_your_own_pace_the_key_bar_says_space_is_done(
    make_app, clock, routines_dir
):
    (routines_dir / "paced.yaml").write_text(OWN_PACE)
    app = make_app()
    async with opened(app, size=(80, 24)) as pilot:
        await start_paced(pilot, app)
        assert space_in_key_bar(app) == "Pause"  # the get-ready
        await advance(pilot, clock, 5.2)
        assert "at your own pace" in shown(app, "#prompt")
        assert space_in_key_bar(app) == "Done"
        await pilot.press("space")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
