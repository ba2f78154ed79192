"""A set paced by the routine file's beat (`pace:`), in the full-screen player."""

from __future__ import annotations

import pytest

from backroutine.tui.screens.player import PlayerScreen
from backroutine.tui.screens.summary import SummaryScreen

from .conftest import advance, check_in_and_start, opened, shown

PACED = """title: Paced mobility
steps:
  - name: Cat-cow
    reps: 10
    pace: 4s
    prepare: 5s
"""


@pytest.mark.parametrize("key", ["enter", "space"])
async def test_enter_or_space_ends_a_set_paced_by_the_files_beat_early(
    make_app, clock, routines_dir, key
):
    (routines_dir / "paced.yaml").write_text(PACED)
    app = make_app()
    async with opened(app, size=(80, 24)) as pilot:
        await pilot.press("slash", *"paced", "enter")
        await pilot.pause()
        await check_in_and_start(pilot)
        assert isinstance(app.screen, PlayerScreen)
        await advance(pilot, clock, 5.2 + 9)  # the get-ready, then 9 s of the 40 s set
        assert shown(app, "#kind").strip() == "YOUR PACE"
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert shown(app, "#counts").startswith("1 done · 0 skipped · 0 hurt")
