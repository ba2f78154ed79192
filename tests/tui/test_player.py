"""The player, driven by a patient's keys, with a fake clock."""

from __future__ import annotations

import pytest
from textual.widgets import OptionList

from backroutine.tui.screens.player import STOP_NOTE, PlayerScreen
from backroutine.tui.screens.summary import SummaryScreen
from backroutine.tui.widgets.key_bar import KeyBar

from .conftest import BellSound, advance, check_in_and_start, opened, shown


async def start_short_routine(pilot, app) -> None:
    """From the picker: filter to the short routine, start it, skip the check-in answers."""
    await pilot.press("slash", *"short", "enter")
    await pilot.pause()
    await check_in_and_start(pilot)
    assert isinstance(app.screen, PlayerScreen)


async def test_a_whole_routine_runs_through_and_ends_on_the_summary(make_app, clock):
    app = make_app()
    async with opened(app, size=(80, 24)) as pilot:
        await start_short_routine(pilot, app)
        assert shown(app, "#kind").strip() == "GET READY"
        assert shown(app, "#name") == "Knee to chest"
        assert shown(app, "#detail") == "Left side"
        assert shown(app, "#countdown") == "5"
        assert "Pull the knee gently" in shown(app, "#tips")
        assert "Stop if your hip pinches." in shown(app, "#caution")

        await advance(pilot, clock, 5.2)
        assert shown(app, "#kind").strip() == "HOLD"
        assert shown(app, "#countdown") == "20"
        await advance(pilot, clock, 10)
        assert shown(app, "#countdown") == "10"
        await advance(pilot, clock, 10)
        assert shown(app, "#kind").strip() == "SWITCH SIDES"
        assert (
            "Next: Knee to chest, right side" in shown(app, "#next")
            or shown(app, "#detail") == "Right side"
        )
        await advance(pilot, clock, 5 + 20)
        assert shown(app, "#kind").strip() == "REST"
        # The rest step named once on its line ("Rest"), not "Rest ... Rest".
        assert (shown(app, "#name"), shown(app, "#position")) == ("Rest", "")
        await advance(pilot, clock, 10 + 5)
        assert (shown(app, "#kind").strip(), shown(app, "#detail")) == ("HOLD", "Rep 1 of 2")
        await advance(pilot, clock, 5)
        assert shown(app, "#kind").strip() == "RELAX"
        await advance(pilot, clock, 2 + 5 + 5)  # rep 2, then the get-ready for sit to stand
        assert shown(app, "#kind").strip() == "YOUR PACE"
        assert "press Enter" in shown(app, "#prompt")
        await advance(pilot, clock, 60)  # a self-paced set waits for the patient
        assert shown(app, "#kind").strip() == "YOUR PACE"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert "routine complete" in shown(app, "#heading")
        assert shown(app, "#counts").startswith("3 done · 0 skipped · 0 hurt")


async def test_pause_stops_the_countdown_and_space_carries_on(make_app, clock):
    app = make_app()
    async with opened(app, size=(80, 24)) as pilot:
        await start_short_routine(pilot, app)
        await advance(pilot, clock, 5.5 + 4)  # 4 s into a 20 s hold
        assert shown(app, "#countdown") == "16"
        await pilot.press("space")
        assert "PAUSED" in shown(app, "#kind")
        await advance(pilot, clock, 300)
        assert shown(app, "#countdown") == "16"
        await pilot.press("space")  # 3 s get-back-into-position lead-in first
        await pilot.pause()
        assert shown(app, "#countdown") == "3"
        await advance(pilot, clock, 3.2)
        assert shown(app, "#countdown") == "16"


@pytest.mark.parametrize("size", [(60, 20), (80, 24)])
async def test_a_click_on_a_key_in_the_key_bar_presses_it(make_app, clock, size):
    app = make_app()
    async with opened(app, size=size) as pilot:
        await start_short_routine(pilot, app)
        await advance(pilot, clock, 5.5 + 4)
        bar = app.screen.query_one(KeyBar)
        lines = [strip.text for strip in bar.render_lines(bar.region.reset_offset)]
        (row,) = [y for y, line in enumerate(lines) if "Pause" in line]
        await pilot.click(KeyBar, offset=(lines[row].index("Pause"), row))
        assert "PAUSED" in shown(app, "#kind")
        assert "Go on" in " ".join(key.description for key in bar.shown_keys())


async def test_skip_back_and_add_time(make_app, clock):
    app = make_app()
    async with opened(app, size=(80, 24)) as pilot:
        await start_short_routine(pilot, app)
        await advance(pilot, clock, 6)
        await pilot.press("plus")
        await pilot.pause()
        assert shown(app, "#countdown") == "29"
        await pilot.press("n")
        await pilot.pause()
        assert shown(app, "#kind").strip() == "SWITCH SIDES"
        await pilot.press("b")
        await pilot.pause()
        assert (shown(app, "#kind").strip(), shown(app, "#detail")) == ("GET READY", "Left side")


async def test_this_hurts_stops_the_exercise_and_warns(make_app, clock):
    app = make_app()
    async with opened(app, size=(80, 24)) as pilot:
        await start_short_routine(pilot, app)
        await advance(pilot, clock, 8)
        await pilot.press("h")
        await pilot.pause()
        warning = str(app.screen.query_one("#warning").render())
        assert "numbness, tingling or weakness" in warning
        await pilot.press("escape")  # stay paused, to think it over
        await pilot.pause()
        assert shown(app, "#kind").strip() == "PAUSED · REST"
        await pilot.press("q")
        await pilot.pause()
        await pilot.click("#yes")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert "ended early" in shown(app, "#heading")
        assert "1 hurt" in shown(app, "#counts")


async def test_quit_asks_first_and_keeps_going_on_no(make_app, clock):
    app = make_app()
    async with opened(app, size=(80, 24)) as pilot:
        await start_short_routine(pilot, app)
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, PlayerScreen)
        assert "PAUSED" not in shown(app, "#kind")


async def test_the_screen_survives_resizing(make_app, clock):
    app = make_app()
    async with opened(app, size=(80, 24)) as pilot:
        await start_short_routine(pilot, app)
        for size in [(60, 20), (40, 12), (120, 40), (80, 24)]:
            await pilot.resize_terminal(*size)
            await advance(pilot, clock, 1)
        assert shown(app, "#name") == "Knee to chest"


async def test_at_60x20_the_warnings_stay_whole_and_the_quit_key_shown(make_app, clock):
    app = make_app(sound=BellSound([], clock))  # with a sound to mute: every key
    async with opened(app, size=(60, 20)) as pilot:
        await start_short_routine(pilot, app)
        await advance(pilot, clock, 5.2)
        caution, note = (app.screen.query_one(f"#{name}") for name in ("caution", "stop-note"))
        assert note.region.height == 2  # wrapped, not cut
        lines = [strip.text.strip() for strip in note.render_lines(note.region.reset_offset)]
        assert " ".join(lines) == STOP_NOTE
        # Not "any tingling": nerve glides may tingle; what stops a session is what does not ease.
        assert "does not ease" in STOP_NOTE and "new or spreading" in STOP_NOTE
        assert caution.region.height > 0 and caution.region.bottom <= note.region.y
        assert "Stop if your hip pinches." in shown(app, "#caution")
        bar = app.screen.query_one(KeyBar)
        words = " ".join(strip.text for strip in bar.render_lines(bar.region.reset_offset))
        assert bar.region.right <= 60
        assert all(f"{key.shown} {key.description}" in words for key in bar.shown_keys())
        assert "q Quit" in words and "m Mute" in words


async def test_picker_lists_routines_with_time_and_frequency(make_app):
    app = make_app()
    async with opened(app, size=(80, 24)) as pilot:
        options = app.screen.query_one(OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any(p.startswith("Short test routine\n3 exercises · ") for p in prompts)
        assert len(prompts) >= 7
        await pilot.press("slash", *"bird")
        await pilot.pause()
        assert options.option_count >= 1
        assert all(
            "Short" not in str(options.get_option_at_index(i).prompt)
            for i in range(options.option_count)
        )


async def test_a_broken_routine_file_is_listed_with_its_error_and_does_not_start(
    make_app, routines_dir
):
    (routines_dir / "typo.yaml").write_text("title: Typo\nsteps:\n  - name: Plank\n    hodl: 30s\n")
    app = make_app()
    async with opened(app, size=(80, 24)) as pilot:
        await pilot.press("slash", *"typo", "enter")
        await pilot.pause()
        preview = shown(app, "#preview")
        assert "line 4, column 5: unknown key 'hodl' in step 1: did you mean 'hold'?" in preview
        assert not isinstance(app.screen, PlayerScreen)


async def test_waiting_for_a_key_before_each_exercise(make_app, clock):
    app = make_app(wait_before_exercise=True)
    async with opened(app, size=(80, 24)) as pilot:
        await start_short_routine(pilot, app)
        assert shown(app, "#kind").strip() == "WHEN YOU ARE READY"
        await advance(pilot, clock, 60)
        assert shown(app, "#kind").strip() == "WHEN YOU ARE READY"
        await pilot.press("enter")
        await pilot.pause()
        assert shown(app, "#kind").strip() == "GET READY"
        await advance(pilot, clock, 5.2)
        assert shown(app, "#kind").strip() == "HOLD"


async def test_skip_exercise_goes_to_the_next_exercise(make_app, clock):
    app = make_app()
    async with opened(app, size=(80, 24)) as pilot:
        await start_short_routine(pilot, app)
        await pilot.press("N")
        await pilot.pause()
        assert (shown(app, "#kind").strip(), shown(app, "#name")) == ("REST", "Rest")
        await pilot.press("N")
        await pilot.pause()
        assert (shown(app, "#kind").strip(), shown(app, "#name")) == ("GET READY", "Bridge")


async def test_the_first_frame_says_what_is_opening_then_the_routine_plays(
    make_app, routines_dir, monkeypatch
):
    from backroutine.tui.app import BackroutineApp

    on_screen_when_opening: list[str] = []
    really_open = BackroutineApp._open

    def opening(app: BackroutineApp) -> None:
        strips = app.screen._compositor.render_strips()
        on_screen_when_opening.append("\n".join(strip.text for strip in strips))
        really_open(app)

    monkeypatch.setattr(BackroutineApp, "_open", opening)
    app = make_app(start_with=routines_dir / "short.yaml", check_in=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        [first_frame] = on_screen_when_opening
        assert "Opening short.yaml…" in first_frame
        assert isinstance(app.screen, PlayerScreen)
        assert shown(app, "#name") == "Knee to chest"


async def test_under_the_hurt_dialog_the_players_keys_are_not_shown(make_app, clock):
    from backroutine.tui.screens.dialogs import HurtQuestion

    app = make_app()
    async with opened(app, size=(60, 20)) as pilot:
        await start_short_routine(pilot, app)
        await advance(pilot, clock, 5.5)
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, HurtQuestion)
        seen = "\n".join(strip.text for strip in app.screen._compositor.render_strips())
        assert "End session" in seen
        assert "Go on" not in seen and "Done" not in seen  # not the player's keys: Enter ends
        await pilot.press("escape")  # stay paused
        await pilot.pause()
        bar = app.screen.query_one(KeyBar)
        assert bar.visible and "Go on" in [key.description for key in bar.shown_keys()]


async def test_next_is_true_at_every_moment_of_a_one_exercise_routine(
    make_app, clock, routines_dir
):
    (routines_dir / "plank.yaml").write_text(
        "title: Just planks\nsteps:\n  - name: Plank\n    hold: 20s\n    sets: 2\n    rest: 10s\n"
    )
    app = make_app()
    async with opened(app, size=(80, 24)) as pilot:
        await pilot.press("slash", *"planks", "enter")
        await pilot.pause()
        await check_in_and_start(pilot)
        said = []
        for seconds in (0, 5.2, 20, 10):
            await advance(pilot, clock, seconds)
            said.append((shown(app, "#kind").strip(), shown(app, "#next")))
    assert said == [
        ("GET READY", "Next: Plank, set 1 of 2"),  # was "Next: the end of the routine"
        ("HOLD", "Next: Plank, set 2 of 2"),
        ("REST", "Next: Plank, set 2 of 2"),
        ("HOLD", "Next: the end of the routine"),
    ]
