"""The moving figure in the player: beside the countdown, in time with the session, mirrored
for the other side, out of the way when the terminal is too small or the patient turns it off.
Snapshots at 80x24 and 120x40 are reviewed by eye before `--snapshot-update`."""

from __future__ import annotations

import pytest

from backroutine.figures.braille import render
from backroutine.figures.load import library
from backroutine.figures.motion import frame_at
from backroutine.tui.widgets.figure import FigureView

from .conftest import opened, read_check_in


async def _to_player(pilot) -> None:
    await pilot.press("slash", *"short", "enter")
    await pilot.pause()
    await pilot.press("3")
    await read_check_in(pilot)
    await pilot.press("ctrl+s")
    await pilot.pause()


def _shown(pilot) -> str:
    view = pilot.app.screen.query_one(FigureView)
    return str(view.render()) if view.display else ""


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_player_with_the_figure(snap_compare, make_app, clock, size):
    async def run_before(pilot):
        await pilot.pause()
        await _to_player(pilot)
        clock.advance(5.5 + 7)  # get ready, then well into the first hold
        pilot.app.screen.sync()
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=size, run_before=run_before)


async def test_the_figure_moves_into_the_hold_and_mirrors_for_the_other_side(make_app, clock):
    app = make_app()
    knee = library()["knee-to-chest"]
    async with opened(app, (80, 24)) as pilot:
        await _to_player(pilot)
        view = app.screen.query_one(FigureView)
        width, height = view.content_region.width, view.content_region.height
        assert width >= 24 and height >= 5  # beside the countdown at 80x24

        def drawing(kind: str, elapsed: float, other: bool) -> str:
            frame = frame_at(knee, kind, elapsed, other)
            return "\n".join(render(frame.figure, frame.pose, width, height))

        assert _shown(pilot) == drawing("prepare", 0, False)  # get ready: the start pose
        clock.advance(5.5 + 7)
        app.screen.sync()
        await pilot.pause()
        held = _shown(pilot)
        assert held == drawing("hold", 7, False) != drawing("prepare", 0, False)
        clock.advance(20 + 5)  # the rest of the hold, then switch sides
        app.screen.sync()
        clock.advance(6)
        app.screen.sync()
        await pilot.pause()
        assert app.screen.engine.current.side == "right"
        assert _shown(pilot) == drawing("hold", 99, True) != held


async def test_f_hides_the_figure_and_a_small_terminal_has_none(make_app, clock):
    app = make_app()
    async with opened(app, (80, 24)) as pilot:
        await _to_player(pilot)
        assert _shown(pilot)
        await pilot.press("f")
        assert _shown(pilot) == ""
        await pilot.press("f")
        assert _shown(pilot)
    small = make_app()
    async with opened(small, (58, 24)) as pilot:
        await _to_player(pilot)
        assert _shown(pilot) == ""
        assert "Knee to chest" in str(small.screen.query_one("#name").render())


async def test_a_larger_terminal_draws_a_larger_figure(make_app):
    sizes = []
    for size in [(80, 24), (120, 40)]:
        app = make_app()
        async with opened(app, size) as pilot:
            await _to_player(pilot)
            region = app.screen.query_one(FigureView).content_region
            sizes.append((region.width, region.height))
    assert sizes[1][0] > sizes[0][0] and sizes[1][1] > sizes[0][1]
