"""The summary says honestly how the session went."""

from __future__ import annotations

from backroutine.log.history import NOT_THE_ROUTINE
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
        assert not app.screen.query("#not-counted")  # the heading says it already


async def test_a_session_with_some_exercises_skipped_says_it_was_partly_done(make_app, clock):
    app = make_app()
    async with opened(app, size=(80, 24)) as pilot:
        await skip_to_summary(pilot, clock, last="enter")
        assert shown(app, "#heading") == "Routine partly done: 1 of 3 steps done"


ELEVEN = "title: Eleven\nsteps:\n" + "".join(
    f"  - {{name: Exercise {n}, hold: 5s}}\n" for n in range(1, 12)
)


def screen_text(app) -> str:
    """What the terminal shows right now."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def test_at_60x20_how_it_went_stays_in_sight_with_the_pain_question(
    make_app, clock, routines_dir
):
    (routines_dir / "eleven.yaml").write_text(ELEVEN)
    app = make_app()
    async with opened(app, size=(60, 20)) as pilot:
        await pilot.press("slash", *"eleven", "enter")
        await pilot.pause()
        await check_in_and_start(pilot)
        await pilot.press(*"N" * 11)
        await until(pilot, lambda: isinstance(app.screen, SummaryScreen), "summed up")
        await pilot.pause()
        seen = screen_text(app)
        assert "Nothing done this time: every step was skipped" in seen
        assert "0 done · 11 skipped · 0 hurt" in seen
        assert "none  0  1  2" in seen  # the pain question, which has the focus
        assert app.focused is app.screen.query_one("#pain")
        # How to answer on a line of its own, not wrapped after the question ("→)" alone).
        lines = [line.strip() for line in seen.splitlines()]
        asked = lines.index("How much does your back hurt now?")
        assert lines[asked + 1] == "(0-9, t for 10, or ← →)"


CARD_THEN_EXERCISE = """\
backroutine: 2
title: Card first
steps:
  - card: {title: About your back, text: "Backs are strong."}
  - {name: Bridge, hold: 5s}
"""


async def test_a_session_where_only_the_card_was_read_says_it_does_not_count(
    make_app, clock, routines_dir
):
    (routines_dir / "card.yaml").write_text(CARD_THEN_EXERCISE)
    app = make_app()
    async with opened(app, size=(80, 24)) as pilot:
        await pilot.press("slash", *"card first", "enter")
        await pilot.pause()
        await check_in_and_start(pilot)
        await pilot.press("enter")  # the card, read
        await advance(pilot, clock, 0.2)
        await pilot.press("N")  # the bridge, skipped
        await until(pilot, lambda: isinstance(app.screen, SummaryScreen), "summed up")
        assert shown(app, "#heading") == "Routine partly done: 1 of 2 steps done"
        assert shown(app, "#not-counted") == NOT_THE_ROUTINE  # as the history will count it
