"""Drive the real app headlessly with a fake clock."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from backroutine.audio.backends import BellBackend
from backroutine.audio.cue_player import CuePlayer
from backroutine.routine.catalog import Catalog
from backroutine.session.engine import FakeClock
from backroutine.tui.app import AppContext, BackroutineApp, create_app
from backroutine.tui.widgets.big_text import BigText

SHORT_ROUTINE = """\
title: Short test routine
safety:
  - Stop on sharp pain, numbness, tingling or leg weakness.
steps:
  - name: Knee to chest
    hold: 20s
    per_side: true
    tips: [Pull the knee gently towards your chest]
    caution: Stop if your hip pinches.
  - rest: 10s
  - name: Bridge
    reps: 2
    hold: 5s
    relax: 2s
  - name: Sit to stand
    reps: 5
"""


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def routines_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "routines"
    folder.mkdir()
    (folder / "short.yaml").write_text(SHORT_ROUTINE)
    return folder


@pytest.fixture
def make_app(clock, routines_dir):
    def make(**options) -> BackroutineApp:
        options.setdefault("routines", Catalog(routines_dir))
        options.setdefault("emergency_number", "999")  # not the machine's locale
        return create_app(AppContext(clock=clock, **options))

    return make


@asynccontextmanager
async def opened(app: BackroutineApp, size: tuple[int, int], **options) -> AsyncIterator[Pilot]:
    """Run the app headlessly, from when its first screen is open."""
    async with app.run_test(size=size, **options) as pilot:
        await pilot.pause()  # the app opens its first screen once its first frame is drawn
        assert app.flow is not None
        yield pilot
        # A screen opened last sets the header's title on the next refresh; closing the app
        # before it comes makes Textual's header look for a title it has already removed.
        await pilot.pause()


def shown(app: BackroutineApp, selector: str) -> str:
    """The text a widget shows right now."""
    widget = app.screen.query_one(selector)
    if isinstance(widget, BigText):
        return widget.text
    assert isinstance(widget, Static)
    return str(widget.render())


async def shown_once_drawn(pilot, selector: str) -> str:
    """The text a widget shows once it shows any: on a busy machine a preview filled on the
    next refresh can still be empty right after the screen opens."""
    await until(pilot, lambda: shown(pilot.app, selector), f"drew {selector}")
    return shown(pilot.app, selector)


async def until(pilot, condition, what: str, timeout: float = 10.0) -> None:
    """Let the app run until `condition()` holds: on a busy machine a screen the test waits
    for can take more than one refresh to open."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"never {what}"
        await pilot.pause(0.05)


async def advance(pilot, clock: FakeClock, seconds: float) -> None:
    """Let `seconds` of session time pass, then let the app catch up."""
    clock.advance(seconds)
    pilot.app.screen.sync()
    await pilot.pause()


async def read_check_in(pilot: Pilot, pages: int = 20) -> None:
    """Scroll the check-in page by page until every question has been on screen."""
    from textual.widgets import Button

    from backroutine.tui.screens.checkin import SETTLE_SECONDS

    start = pilot.app.screen.query_one("#start", Button)
    for _ in range(pages):
        await pilot.pause(SETTLE_SECONDS + 0.1)
        if not start.disabled:
            return
        await pilot.press("pagedown")
    raise AssertionError("Start is still disabled after scrolling the whole check-in")


async def check_in_and_start(pilot: Pilot, pain: str = "2") -> None:
    """Give a pain score, read every question (answering none yes), and start."""
    await pilot.press(pain)
    await read_check_in(pilot)
    await pilot.press("ctrl+s")
    await pilot.pause()


class BellSound:
    """The terminal bell, as the app's sound: each ring's time goes into `rings`."""

    note = "no sound device found: using the terminal bell"

    def __init__(self, rings: list[float], clock) -> None:
        self.backend = BellBackend(self.note, lambda: rings.append(clock()))

    def start(self) -> None:
        pass

    def prepare(self, routine) -> None:
        pass  # a bell has nothing to make ahead

    def cue_player(self, engine, routine) -> CuePlayer:
        cues = CuePlayer(self.backend, routine)
        engine.subscribe(cues.on_event)
        return cues
