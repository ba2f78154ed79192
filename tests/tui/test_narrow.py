"""At 60x20, the smallest size the player is laid out for, nothing the patient must read is cut."""

from __future__ import annotations

import pytest

from backroutine.routine.safety import PACK_SAFETY
from backroutine.routine.words import PAUSED
from backroutine.tui.screens.player import PlayerScreen

from .conftest import advance, check_in_and_start, opened, shown
from .test_sound_in_app import BellSound

EVERY_PROMPT = """\
backroutine: 2
title: Every prompt
steps:
  - card: {title: About your back, text: "Backs are strong."}
  - name: Pelvic tilt
    reps: 3
    per_side: true
  - rest: 10s
  - heat: 1 min
  - walk: {steps: 100, times: 1}
  - walk: {minutes: 1}
"""


def on_screen(app, selector: str) -> str:
    """The lines a widget draws where it is, joined: what the patient can read of it."""
    widget = app.screen.query_one(selector)
    lines = [strip.text.strip() for strip in widget.render_lines(widget.region.reset_offset)]
    return " ".join(line for line in lines if line)


def drawn_lines(app, selector: str) -> list[str]:
    """The lines a widget draws, each stripped, blank ones left out."""
    widget = app.screen.query_one(selector)
    lines = [strip.text.strip() for strip in widget.render_lines(widget.region.reset_offset)]
    return [line for line in lines if line]


def rows_drawn(app, selector: str) -> int:
    widget = app.screen.query_one(selector)
    return sum(
        bool(strip.text.strip()) for strip in widget.render_lines(widget.region.reset_offset)
    )


def prompt_is_whole(app) -> bool:
    said = shown(app, "#prompt")
    assert said, "no prompt shown"
    return on_screen(app, "#prompt") == " ".join(said.split())


async def test_every_prompt_of_the_player_is_whole_at_60x20(make_app, clock, routines_dir):
    (routines_dir / "every.yaml").write_text(EVERY_PROMPT)
    app = make_app()
    async with opened(app, size=(60, 20)) as pilot:
        await pilot.press("slash", *"every", "enter")
        await pilot.pause()
        await check_in_and_start(pilot)
        assert isinstance(app.screen, PlayerScreen)
        seen = {}

        seen["card"] = prompt_is_whole(app)
        await pilot.press("enter")
        await advance(pilot, clock, 0.2)
        seen["get ready"] = prompt_is_whole(app)
        figure = app.screen.query_one("#figure")
        assert figure.display  # an exercise has its figure beside the countdown
        await pilot.press("space")
        await pilot.pause()
        assert shown(app, "#prompt") == PAUSED
        seen["paused"] = prompt_is_whole(app)
        assert rows_drawn(app, "#prompt") == 1  # beside the figure: no "carry / on"
        await pilot.press("space")
        await advance(pilot, clock, 5.2)
        assert "reps" in shown(app, "#prompt")
        seen["own pace"] = prompt_is_whole(app)
        await pilot.press("enter")
        await advance(pilot, clock, 0.2)
        seen["switch sides"] = prompt_is_whole(app)
        await advance(pilot, clock, 5.2)
        await pilot.press("h")  # it hurts: the session stays paused after Escape
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert shown(app, "#prompt") == PAUSED
        seen["hurt, paused"] = prompt_is_whole(app)
        await pilot.press("space")  # carry on: the exercise that hurt was left for the rest
        await advance(pilot, clock, 0.2)
        assert shown(app, "#prompt") == "Rest"
        seen["rest"] = prompt_is_whole(app)
        await advance(pilot, clock, 10.2)
        seen["pack"] = prompt_is_whole(app)
        # A pack has no figure: the countdown and its prompt take the whole width.
        assert not figure.display
        assert app.screen.query_one("#prompt").region.height == 1
        seen["pack's safety words"] = on_screen(app, "#tips") == " ".join(
            PACK_SAFETY["heat"].split()
        )
        await pilot.press("n", "n")  # the pack's get-ready, then its heat
        await advance(pilot, clock, 5.2)  # the walk's get-ready
        assert "Walk 100 steps" in shown(app, "#prompt")
        seen["walk by steps"] = prompt_is_whole(app)
        # Broken between its clauses, never one word alone on a line.
        assert drawn_lines(app, "#prompt") == [
            "Walk 100 steps, then press Enter,",
            "or type how many you did",
        ]
        await pilot.press(*"95")
        await pilot.pause()
        seen["steps typed"] = prompt_is_whole(app)
        await pilot.press("enter")
        await advance(pilot, clock, 5.2 + 60.2)
        assert "Did you walk" in shown(app, "#prompt")
        seen["walk by minutes"] = prompt_is_whole(app)
        assert all(seen.values()), f"cut at 60x20: {[k for k, whole in seen.items() if not whole]}"


WORDS = "#name, #position, #detail, #kind, #countdown, #prompt, #caution, #tips, #card-text, "
WORDS += "#next, #stop-note, #status, #time-left"
"""Everything in the player that says something: all but the figure and the bars."""


def hidden_by_notes(app) -> list[str]:
    """The words of the player drawn where a note (toast) covers them."""
    from textual.widgets._toast import Toast

    notes = [toast.region for toast in app.screen.query(Toast)]
    assert notes, "no note shown"
    hidden = []
    for widget in app.screen.query(WORDS):
        if not widget.display:
            continue
        for row, strip in enumerate(widget.render_lines(widget.region.reset_offset)):
            y = widget.region.y + row
            for note in notes:
                left = max(note.x, widget.region.x) - widget.region.x
                right = min(note.right, widget.region.right) - widget.region.x
                if not (note.y <= y < note.bottom and left < right):
                    continue
                if under := strip.crop(left, right).text.strip():
                    hidden.append(f"{widget.id}: {under!r}")
    return hidden


@pytest.mark.parametrize("size", [(60, 20), (80, 24)])
async def test_notes_hide_none_of_the_players_words(make_app, clock, routines_dir, size):
    (routines_dir / "every.yaml").write_text(EVERY_PROMPT)
    app = make_app(sound=BellSound([], clock))  # its note: no sound device, the bell instead
    async with opened(app, size=size, notifications=True) as pilot:
        await pilot.press("slash", *"every", "enter")
        await pilot.pause()
        await check_in_and_start(pilot)
        await pilot.pause()
        # A card has no figure: the note goes over the header and the step's number.
        assert [h for h in hidden_by_notes(app) if not h.startswith("position")] == []
        await pilot.press("enter")
        await advance(pilot, clock, 0.2)
        await pilot.press("plus")  # "+10 seconds", under the sound's note
        await pilot.pause()
        assert len(app._notifications) == 2
        assert hidden_by_notes(app) == []  # an exercise: over its figure, nothing else
        await pilot.press("N")  # to the pack, which waits for it to be on
        await advance(pilot, clock, 10.2)
        assert "pack is on" in shown(app, "#prompt")
        await pilot.press("plus")
        await pilot.pause()
        # "WHEN YOU ARE READY" and the countdown as wide as the screen stay whole.
        assert [h for h in hidden_by_notes(app) if not h.startswith("position")] == []


async def test_at_60x20_the_tips_shown_are_whole_never_cut_mid_sentence(clock, routines_dir):
    from backroutine.base.paths import bundled_routines_dir
    from backroutine.routine.catalog import Catalog
    from backroutine.tui.app import AppContext, create_app

    routine = bundled_routines_dir() / "morning-5-minutes.yaml"
    context = AppContext(
        routines=Catalog(routines_dir), clock=clock, start_with=routine, check_in=False
    )
    app = create_app(context)
    async with opened(app, size=(60, 20)) as pilot:
        tips_seen = 0
        for _ in range(9):  # each exercise's get-ready, its tips under the countdown
            assert shown(app, "#kind").strip() == "GET READY"
            said = shown(app, "#tips")
            assert said.startswith("• "), f"no tips for {shown(app, '#name')}"
            assert on_screen(app, "#tips") == " ".join(said.split()), shown(app, "#name")
            tips_seen += said.count("• ")
            await pilot.press("N")
            await pilot.pause()
        assert tips_seen >= 9 + 4  # not only each exercise's first tip
