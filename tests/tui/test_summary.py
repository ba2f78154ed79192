"""The summary says honestly how the session went."""

from __future__ import annotations

from backroutine.tui.screens.summary import SummaryScreen

from .conftest import advance, check_in_and_start, opened, shown, until


async def skip_to_summary(pilot, clock, *, last: str) -> None:
    """Start the short routine, skip each exercise with N, and end its last set with `last`."""
    await pilot.press("slash", *"short", "enter")
    await pilot.pause()
    await check_in_and_start(pilot)
    await pilot.press("N")  # knee to chest
    await advance(pilot, clock, 10.5)  # the rest runs out
    await pilot.press("N")  # bridge
    await advance(pilot, clock, 5.5)  # sit to stand's get-ready, then its set waits
    await pilot.press(last)
    await until(pilot, lambda: isinstance(pilot.app.screen, SummaryScreen), "summed up")


async def test_a_session_with_every_exercise_skipped_does_not_say_well_done(make_app, clock):
    app = make_app()
    async with opened(app, size=(80, 24)) as pilot:
        await skip_to_summary(pilot, clock, last="N")
        heading = shown(app, "#heading")
        assert "Well done" not in heading and "complete" not in heading
        assert heading == "Nothing done this time: every step was skipped"
        assert shown(app, "#counts").startswith("0 done · 3 skipped")


async def test_a_session_with_some_exercises_skipped_says_it_was_partly_done(make_app, clock):
    app = make_app()
    async with opened(app, size=(80, 24)) as pilot:
        await skip_to_summary(pilot, clock, last="enter")
        assert shown(app, "#heading") == "Routine partly done: 1 of 3 steps done"
