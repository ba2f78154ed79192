"""The detail line under the exercise's name, at every kind of segment, paused or not: it
says where in the exercise the patient is (it was empty on a relax, paused or not), and the
countdown under it keeps its place from phase to phase."""

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
async def test_the_detail_line_says_where_the_patient_is_and_the_countdown_stays_put(
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
        countdown_at: dict[int, set[int]] = {}  # step -> the rows its countdown began at
        while screen.engine.current is not None and screen.engine.status != "finished":
            await pilot.pause()
            segment = screen.engine.current
            assert (screen.engine.status == "paused") == paused
            text = shown(app, "#detail")
            seen.setdefault(segment.kind.value, text)
            countdown = screen.query_one("#countdown")
            if countdown.display:
                countdown_at.setdefault(segment.step_index, set()).add(countdown.region.y)
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
        # A row that came and went with the words moved the digits down a row, and
        # resized them, between an exercise's get-ready and its reps.
        moved = {step: rows for step, rows in countdown_at.items() if len(rows) > 1}
        assert not moved
