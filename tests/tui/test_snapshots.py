"""Every screen at 80x24, in the dark and the light theme. Review changes by eye before
accepting them with `pytest tests/tui/test_snapshots.py --snapshot-update`."""

from __future__ import annotations

import pytest

from backroutine.session.engine import FakeClock
from backroutine.tui.screens.checkin import SETTLE_SECONDS

from .conftest import read_check_in, until

THEMES = ["textual-dark", "textual-light"]


def showing(pilot, screen: str) -> bool:
    return type(pilot.app.screen).__name__ == screen


def picker_ready(pilot) -> bool:
    focused = pilot.app.focused
    mounted = focused is not None and focused.id == "routines"
    return showing(pilot, "RoutinePickerScreen") and mounted


def screens(clock: FakeClock):
    """Each screen name -> what to do to reach it from the picker."""

    async def checkin(pilot):
        await pilot.press("slash", *"short", "enter")
        await until(pilot, lambda: showing(pilot, "CheckInScreen"), "showed the check-in")

    async def hold(pilot):
        await checkin(pilot)
        await pilot.press("3")
        await read_check_in(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        clock.advance(5.5 + 7)
        pilot.app.screen.sync()

    async def paused(pilot):
        await hold(pilot)
        await pilot.press("space")

    async def hurt(pilot):
        await hold(pilot)
        await pilot.press("h")

    async def red_flag(pilot):
        await checkin(pilot)
        await pilot.press("tab", "space", "tab", "space")  # two emergency signs
        await pilot.pause(SETTLE_SECONDS + 0.1)

    async def summary(pilot):
        await hold(pilot)
        await pilot.press("h", "y")
        await pilot.pause()
        await pilot.press("6")

    async def picker(pilot):
        await pilot.pause()

    return {
        "picker": picker,
        "checkin": checkin,
        "red-flag": red_flag,
        "hold": hold,
        "paused": paused,
        "hurt": hurt,
        "summary": summary,
    }


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize(
    "screen", ["picker", "checkin", "red-flag", "hold", "paused", "hurt", "summary"]
)
def test_screen(snap_compare, make_app, clock, screen: str, theme: str):
    app = make_app()
    steps = screens(clock)[screen]

    async def run_before(pilot):
        # The first screen opens once the first frame is drawn: on a busy machine, later.
        await until(pilot, lambda: picker_ready(pilot), "showed the picker")
        pilot.app.theme = theme
        await steps(pilot)
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
