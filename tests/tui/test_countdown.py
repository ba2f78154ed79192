"""The big countdown: readable from the floor at every terminal size, one colour per phase
readable in both themes, and words (never a countdown) for a self-paced set.

Snapshots at 60x20, 80x24, 120x40 and 200x60 are reviewed by eye before `--snapshot-update`.
"""

from __future__ import annotations

import pytest
from textual.color import Color

from backroutine.tui.screens import player
from backroutine.tui.widgets.big_text import BigText
from backroutine.tui.widgets.block_font import FONTS, draw, fit
from backroutine.tui.widgets.figure import FigureView

from .conftest import advance, opened, read_check_in, shown

SIZES = [(60, 20), (80, 24), (120, 40), (200, 60)]


async def _to_hold(pilot, clock) -> None:
    """Start the short routine and go well into its first hold (20 s, 12.5 s left)."""
    await pilot.press("slash", *"short", "enter")
    await pilot.pause()
    await pilot.press("3")
    await read_check_in(pilot)
    await pilot.press("ctrl+s")
    await pilot.pause()
    await advance(pilot, clock, 5.5 + 7)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_the_player_during_a_hold(snap_compare, make_app, clock, size):
    async def run_before(pilot):
        await pilot.pause()
        await _to_hold(pilot, clock)

    assert snap_compare(make_app(), terminal_size=size, run_before=run_before)


async def _drawn_rows(make_app, clock, size: tuple[int, int]) -> dict[str, int]:
    app = make_app()
    async with opened(app, size) as pilot:
        await _to_hold(pilot, clock)
        countdown = app.screen.query_one("#countdown", BigText)
        word = app.screen.query_one("#kind", BigText)
        assert (countdown.text, word.text) == ("13", "HOLD")
        figure = app.screen.query_one(FigureView)
        return {
            "countdown": countdown.drawing.rows if countdown.drawing else 1,
            "word": word.drawing.rows if word.drawing else 1,
            "figure": figure.content_region.height if figure.display else 0,
        }


async def test_the_countdown_grows_with_the_terminal(make_app, clock):
    rows = {size: await _drawn_rows(make_app, clock, size) for size in SIZES}
    assert rows[60, 20]["countdown"] >= 3  # still large digits on a small terminal
    assert rows[80, 24]["countdown"] >= 5
    assert rows[80, 24]["figure"] >= 5  # the figure still fits beside it
    assert rows[120, 40]["countdown"] >= 40 // 3
    assert rows[200, 60]["countdown"] >= 60 // 3
    assert rows[200, 60]["word"] >= 5  # the phase word is large too
    countdowns = [rows[size]["countdown"] for size in SIZES]
    assert countdowns == sorted(countdowns)
    figures = [rows[size]["figure"] for size in SIZES[1:]]
    assert figures == sorted(figures)


def test_the_drawn_digits_are_the_number_shown():
    """Each drawing is its font's glyphs side by side: '13' is a 1 then a 3, not a blob."""
    for font in FONTS:
        drawing = draw("13", font, 1)
        one = draw("1", font, 1).columns
        assert drawing.columns == one + 1 + draw("3", font, 1).columns
        assert [line[:one] for line in drawing.lines] == list(draw("1", font, 1).lines)
    assert fit("13", 1, 1) is None  # too small for block letters: shown as a line of text


def _contrast(one: Color, other: Color) -> float:
    """The WCAG 2 contrast ratio of two colours."""

    def luminance(colour: Color) -> float:
        def channel(value: int) -> float:
            c = value / 255
            return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

        return 0.2126 * channel(colour.r) + 0.7152 * channel(colour.g) + 0.0722 * channel(colour.b)

    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_each_phase_has_its_own_colour_readable_on_the_theme(make_app, clock, theme):
    app = make_app()
    colours: dict[str, Color] = {}
    async with opened(app, (80, 24)) as pilot:
        app.theme = theme
        await pilot.press("slash", *"short", "enter")
        await pilot.pause()
        await pilot.press("3")
        await read_check_in(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        # get ready 5, hold 20, switch 5, hold 20, rest 10, get ready 5, rep 5, relax 2
        for seconds in [0.5, 5, 20, 5 + 20, 10, 5, 5]:
            await advance(pilot, clock, seconds)
            word = app.screen.query_one("#kind", BigText)
            colour = word.styles.color
            background = word.background_colors[1]
            ratio = _contrast(colour, background)
            assert ratio >= 4.5, f"{word.text} in {theme}: {colour.hex} on {background.hex}"
            colours[word.text] = colour
        await pilot.press("space")
        await pilot.pause()
        paused = app.screen.query_one("#kind", BigText)
        assert paused.text.startswith("PAUSED")
        assert _contrast(paused.styles.color, paused.background_colors[1]) >= 4.5
        colours["PAUSED"] = paused.styles.color
    assert set(colours) == {"GET READY", "HOLD", "SWITCH SIDES", "REST", "RELAX", "PAUSED"}
    assert len({colour.hex for colour in colours.values()}) == len(colours)


async def test_a_self_paced_set_shows_its_reps_in_words(make_app, clock):
    app = make_app()
    async with opened(app, (80, 24)) as pilot:
        await _to_hold(pilot, clock)
        await pilot.press("N", "N")  # past the knee to chest and the rest
        await pilot.pause()
        await pilot.press("N")  # past the bridge, to sit to stand
        await pilot.pause()
        await advance(pilot, clock, 5.5)
        assert shown(app, "#kind") == "YOUR PACE"
        assert shown(app, "#countdown") == "5 reps"
        await advance(pilot, clock, 3)
        assert shown(app, "#countdown") == "5 reps"  # not counting, up or down


async def test_the_flash_setting_outlines_the_countdown_when_the_phase_changes(
    make_app, clock, monkeypatch
):
    # Long enough to be seen on a loaded machine; the outline then goes by itself.
    monkeypatch.setattr(player, "FLASH_SECONDS", 3.0)
    app = make_app(flash=True)
    async with opened(app, (80, 24)) as pilot:
        await pilot.press("slash", *"short", "enter")
        await pilot.pause()
        await pilot.press("3")
        await read_check_in(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        box = app.screen.query_one("#clock")
        assert not box.has_class("-flash")  # the first phase is no change
        await advance(pilot, clock, 5.2)  # get ready -> hold
        assert box.has_class("-flash")
        assert box.styles.outline_top[0] == "heavy"
        for _ in range(50):
            await pilot.pause(0.2)
            if not box.has_class("-flash"):
                break
        assert not box.has_class("-flash")
        await advance(pilot, clock, 1)  # the same hold, one second on: no flash
        assert not box.has_class("-flash")


async def test_no_flash_unless_asked_for(make_app, clock):
    app = make_app()
    async with opened(app, (80, 24)) as pilot:
        await _to_hold(pilot, clock)
        assert not app.screen.query_one("#clock").has_class("-flash")
