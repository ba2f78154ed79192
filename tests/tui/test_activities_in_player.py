"""Cards, packs, breathing and walks in the player, driven by a patient's keys."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList

from backroutine.log.store import CompletionLog
from backroutine.routine.safety import PACK_SAFETY
from backroutine.tui.screens.player import PlayerScreen
from backroutine.tui.screens.summary import SummaryScreen

from .conftest import advance, check_in_and_start, opened, shown

LONG_TEXT = " ".join(f"Line {number} of the card." for number in range(1, 80))
ROUTINE = f"""\
backroutine: 2
title: Flare-up test
steps:
  - card: {{title: Hurt does not mean harm, text: "{LONG_TEXT}"}}
  - heat: 1 min
    name: Heat on your back
  - breathing: {{minutes: 0.5, in: 4, out: 6}}
  - walk: {{minutes: 1}}
"""


async def test_a_card_a_pack_breathing_and_a_walk(make_app, clock, routines_dir):
    (routines_dir / "flare.yaml").write_text(ROUTINE)
    app = make_app()
    async with opened(app, size=(80, 24)) as pilot:
        await pilot.press("slash", *"flare")
        await pilot.pause()
        listed = [str(o.prompt) for each in app.screen.query(OptionList) for o in each.options]
        assert any("Flare-up test\n4 steps ·" in text for text in listed)  # not "0 exercises"
        await pilot.press("enter")
        await pilot.pause()
        await check_in_and_start(pilot)
        assert isinstance(app.screen, PlayerScreen)

        # The card waits for the patient however long they read, and scrolls.
        assert shown(app, "#kind").strip() == "READ"
        assert shown(app, "#name") == "Hurt does not mean harm"
        assert shown(app, "#position") == "Step 1 of 4"  # a card is not an exercise
        assert "Line 1 of the card." in shown(app, "#card-text")
        assert shown(app, "#prompt") == "Press Enter to go on"
        await advance(pilot, clock, 120)
        assert shown(app, "#kind").strip() == "READ"
        card = app.screen.query_one("#card")
        assert card.max_scroll_y > 0  # too long for the screen: it scrolls, nothing is cut
        await pilot.press("down", "down")
        assert card.scroll_y == 2
        await pilot.press("enter")
        await pilot.pause()

        # The pack's safety words, and no timer until the pack is on.
        assert shown(app, "#name") == "Heat on your back"
        assert PACK_SAFETY["heat"][:40] in shown(app, "#tips")
        assert not app.screen.query_one("#card").display
        assert shown(app, "#prompt") == "Press Enter when the pack is on"
        assert shown(app, "#countdown") == "--"
        await advance(pilot, clock, 30)
        assert shown(app, "#prompt") == "Press Enter when the pack is on"
        await pilot.press("enter")
        await advance(pilot, clock, 0.2)
        assert shown(app, "#kind").strip() == "HEAT"
        assert shown(app, "#countdown") == "1:00"
        await advance(pilot, clock, 60 + 5)  # the heat, then breathing's get-ready

        assert shown(app, "#kind").strip() == "BREATHE IN"
        assert shown(app, "#detail") == "Breath 1 of 3"
        await advance(pilot, clock, 4)
        assert shown(app, "#kind").strip() == "BREATHE OUT"
        assert shown(app, "#detail") == "Breath 1 of 3"  # steady through the breath
        await advance(pilot, clock, 6)
        assert shown(app, "#detail") == "Breath 2 of 3"
        await advance(pilot, clock, 6 * 2 + 4 * 2 + 5 + 60.2)  # the breaths, then the walk

        assert shown(app, "#prompt") == "Did you walk 1 min? Enter: yes, n: no"
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert shown(app, "#counts").startswith("3 done · 1 skipped · 0 hurt")


async def test_the_steps_walked_typed_in_the_player_are_logged(
    make_app, clock, routines_dir, tmp_path
):
    (routines_dir / "steps.yaml").write_text(
        "backroutine: 2\ntitle: Steps today\nsteps:\n  - walk: {target_steps: 3000}\n"
    )
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        app = make_app(log=log)
        async with opened(app, size=(80, 24)) as pilot:
            await pilot.press("slash", *"steps", "enter")
            await pilot.pause()
            await check_in_and_start(pilot)
            assert shown(app, "#prompt") == (
                "Walk 3,000 steps, then press Enter,\nor type how many you did"
            )
            await pilot.press(*"25009", "backspace")
            assert shown(app, "#prompt") == "Steps walked: 2500, then press Enter"
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, SummaryScreen)
        (session,) = log.sessions(with_exercises=True)
    (walk,) = session.exercises
    assert (walk.outcome, walk.reps_done, walk.rep_count) == ("done", 2500, 3000)


async def test_before_a_walks_second_time_next_names_it_not_the_end(make_app, clock, routines_dir):
    programme = Path(__file__).parents[2] / "docs" / "programmes" / "desk-micro-breaks.yaml"
    (routines_dir / "desk.yaml").write_text(programme.read_text())
    app = make_app()
    async with opened(app, size=(80, 24)) as pilot:
        await pilot.press("slash", *"micro", "enter")
        await pilot.pause()
        await check_in_and_start(pilot)
        await pilot.press("N", "N")  # the two exercises, to the walk's get-ready
        await advance(pilot, clock, 5.2)
        assert shown(app, "#kind").strip() == "WALK"
        assert shown(app, "#detail") == "Walk 1 of 2"  # walked twice: walks, not sets
        assert shown(app, "#next") == "Next: Walk away from the desk and back, 2 of 2"
        await pilot.press("enter")
        await advance(pilot, clock, 0.2)
        assert shown(app, "#detail") == "Walk 2 of 2"
        assert shown(app, "#next") == "Next: the end of the routine"


async def test_this_hurts_during_a_walk_names_the_walk(make_app, clock, routines_dir):
    programme = Path(__file__).parents[2] / "docs" / "programmes" / "graded-walking.yaml"
    (routines_dir / "walking.yaml").write_text(programme.read_text())
    app = make_app()
    async with opened(app, size=(80, 24)) as pilot:
        await pilot.press("slash", *"graded", "enter")
        await pilot.pause()
        await check_in_and_start(pilot)
        await pilot.press("enter")  # the card read
        await advance(pilot, clock, 5.2)  # the walk's get-ready
        assert shown(app, "#name") == "Walk at a moderate pace"
        await pilot.press("h")
        await pilot.pause()
        said = " ".join(str(each.render()) for each in app.screen.query("Static"))
        assert "Walk at a moderate pace hurt, so it was stopped" in said
        assert "during the rest" not in said  # it said so of a 15-minute walk


async def test_enter_on_a_paused_card_or_pack_goes_on_as_the_key_bar_says(
    make_app, clock, routines_dir
):
    (routines_dir / "flare.yaml").write_text(ROUTINE)
    app = make_app()
    async with opened(app, size=(60, 20)) as pilot:
        await pilot.press("slash", *"flare", "enter")
        await pilot.pause()
        await check_in_and_start(pilot)
        assert shown(app, "#kind").strip() == "READ"
        await pilot.press("space")  # paused while reading
        await pilot.pause()
        assert shown(app, "#kind").strip() == "PAUSED · READ"
        await pilot.press("enter")
        await pilot.pause()
        assert shown(app, "#name") == "Heat on your back"  # the card read, the pack next
        assert shown(app, "#prompt") == "Press Enter when the pack is on"
        await pilot.press("space")
        await pilot.pause()
        await pilot.press("enter")
        await advance(pilot, clock, 1.2)
        assert shown(app, "#kind").strip() == "HEAT"  # on, and counting down
        assert shown(app, "#countdown") == "59"


async def test_more_time_on_a_card_says_nothing_was_added(make_app, clock, routines_dir):
    (routines_dir / "flare.yaml").write_text(ROUTINE)
    app = make_app()
    async with opened(app, size=(80, 24), notifications=True) as pilot:
        await pilot.press("slash", *"flare", "enter")
        await pilot.pause()
        await check_in_and_start(pilot)
        await pilot.press("plus")  # a card waits as long as it is read: no clock to add to
        await pilot.pause()
        assert "+10 seconds" not in [str(note.message) for note in app._notifications]
        await pilot.press("enter", "enter")  # the card read, the pack on
        await pilot.press("plus")
        await pilot.pause()
        assert "+10 seconds" in [str(note.message) for note in app._notifications]
        assert shown(app, "#countdown") == "1:10"
