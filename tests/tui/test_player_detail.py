"""The detail line under the exercise's name, at every kind of segment, paused or not: it
says where in the exercise the patient is, or takes no room (it was an empty row, paused on a
relax most of all)."""

from __future__ import annotations

import pytest

from backroutine.tui.screens.player import PlayerScreen

from .conftest import check_in_and_start, opened, shown

EVERY_KIND = """\
backroutine: 2
title: Every kind
steps:
  - name: Bridge
    reps: 2
    hold: 3s
    relax: 2s
  - name: Knee to chest
    hold: 10s
    per_side: true
  - name: Child's pose
    hold: 10s
    sets: 2
    rest: 5s
  - rest: 10s
  - name: Plank
    hold: 10s
  - name: Sit to stand
    reps: 5
  - card: {title: Hurt does not mean harm, text: Pain is not damage.}
  - heat: 1 min
    name: Heat on your back
  - breathing: {minutes: 0.2, in: 4, out: 6}
  - walk: {minutes: 1}
"""


@pytest.mark.parametrize("size", [(80, 24), (60, 20)], ids=["80x24", "60x20"])
@pytest.mark.parametrize("paused", [False, True], ids=["running", "paused"])
async def test_the_detail_line_says_where_the_patient_is_or_takes_no_room(
    make_app, routines_dir, size, paused
):
    (routines_dir / "every.yaml").write_text(EVERY_KIND)
    app = make_app()
    async with opened(app, size=size) as pilot:
        await pilot.press("slash", *"every", "enter")
        await pilot.pause()
        await check_in_and_start(pilot)
        screen = app.screen
        assert isinstance(screen, PlayerScreen)
        if paused:
            screen.action_toggle_pause()  # a skipped segment leaves the next one paused
        seen = {}
        while screen.engine.current is not None and screen.engine.status != "finished":
            await pilot.pause()
            segment = screen.engine.current
            assert (screen.engine.status == "paused") == paused
            detail = screen.query_one("#detail")
            text = shown(app, "#detail")
            # Shown only with words in it: never a blank row taken from the countdown.
            assert detail.display == bool(text.strip()), (segment, text)
            assert detail.region.height == (1 if text.strip() else 0), (segment, text)
            seen.setdefault(segment.kind.value, text)
            await pilot.press("n")
            if app.screen is not screen:
                break
        assert seen["relax"] == "Rep 1 of 2 done"
        assert seen["rep"] == "Rep 1 of 2"
        assert seen["hold"] == "Left side"
        assert seen["switch-sides"] == "Right side"
        assert seen["rest"] == "Set 1 of 2"
        assert seen["card"] == ""
        assert len(seen) >= 12  # every kind of segment was looked at
