"""The player paints the exercise's name, phase and countdown first, and the rest right after
without moving anything a patient already sees."""

from __future__ import annotations

from pathlib import Path

from textual.geometry import Region
from textual.widgets import Footer

from backroutine.tui.screens.player import PlayerScreen
from backroutine.tui.widgets.figure import FigureView

from .conftest import opened, shown

SEEN_FIRST = ["#name", "#position", "#detail", "#kind", "#countdown", "#prompt"]
"""What the first paint shows: the exercise, its phase and the countdown."""
PLACED_FIRST = [*SEEN_FIRST, "#caution", "#tips", "#next", "#stop-note", "#time-left"]
"""Everything on the screen at the first paint, each in the place it keeps."""


async def test_the_rest_arrives_after_the_first_paint_and_nothing_moves(
    make_app, routines_dir: Path, monkeypatch
):
    at_first_paint: dict[str, object] = {}
    mount_the_rest = PlayerScreen._mount_the_rest

    async def first_paint_then_the_rest(screen: PlayerScreen) -> None:
        at_first_paint.update(
            {selector: screen.query_one(selector).region for selector in PLACED_FIRST}
        )
        at_first_paint["name"] = shown(screen.app, "#name")
        at_first_paint["phase"] = shown(screen.app, "#kind")
        at_first_paint["figure"] = bool(screen.query(FigureView))
        at_first_paint["keys"] = bool(screen.query(Footer))
        await mount_the_rest(screen)

    monkeypatch.setattr(PlayerScreen, "_mount_the_rest", first_paint_then_the_rest)
    app = make_app(start_with=routines_dir / "short.yaml", check_in=False)
    async with opened(app, (80, 24)) as pilot:
        while not isinstance(app.screen, PlayerScreen) or not app.screen.query(Footer):
            await pilot.pause(0.05)
        await pilot.pause()
        screen = app.screen
        # The first paint: the exercise and its phase, before the figure and the key bar.
        assert at_first_paint["name"] == "Knee to chest"
        assert at_first_paint["phase"] == "GET READY"
        assert not at_first_paint["figure"] and not at_first_paint["keys"]
        # Settled: the figure drawn beside the countdown, the progress bar, the key bar.
        figure = screen.query_one(FigureView)
        assert figure.region.area and str(figure.render()).strip()
        progress = screen.query_one("#progress")
        assert progress.region.width >= 40
        keys = screen.query_one(Footer)
        assert keys.region == Region(0, 23, 80, 1)
        assert any("Quit" in str(key.render()) for key in keys.query("FooterKey"))
        assert "Short test routine" in str(screen.query_one("HeaderTitle").render())
        # Nothing a patient saw at the first paint moved or changed size.
        for selector in PLACED_FIRST:
            assert screen.query_one(selector).region == at_first_paint[selector], selector
