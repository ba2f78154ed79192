"""The app and its factory, shared by the CLI and the tests."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import msgspec
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Static

from backroutine.base.text import printable

if TYPE_CHECKING:
    from backroutine.audio.cue_player import CuePlayer
    from backroutine.log.store import CompletionLog
    from backroutine.routine.catalog import Catalog
    from backroutine.routine.model import Routine
    from backroutine.session.engine import SessionEngine
    from backroutine.tui.flow import AppFlow
    from backroutine.tui.screens.picker import RoutinePickerScreen


class SoundChoice(Protocol):
    """Chooses how cues are played. That takes a while, so the app starts it once open."""

    def start(self) -> None:
        """Begin choosing, in the background."""

    def prepare(self, routine: Routine) -> None:
        """Begin making what `routine` will say (its voice's phrases), in the background."""

    def cue_player(self, engine: SessionEngine, routine: Routine) -> CuePlayer:
        """A cue player following `engine` through `routine` (waits for the choice)."""

    @property
    def note(self) -> str | None:
        """One sentence on which sound backend is active and why, shown once."""


class AppContext(msgspec.Struct):
    """Everything the app is handed instead of finding or loading it itself."""

    routines: Catalog
    """Where the routine files come from."""
    clock: Callable[[], float] = time.monotonic
    start_with: Path | None = None
    """Open this routine straight away instead of the picker."""
    check_in: bool = True
    """Ask the check-in before each session; False (--no-checkin) logs that none was asked."""
    emergency_number: str | None = None
    """The number emergency advice names; None: from the settings or the locale."""
    now: Callable[[], datetime] | None = None
    """The local wall-clock time, timezone-aware; None: the system's (`recorder.local_now`)."""
    wait_before_exercise: bool = False
    self_paced_beat: float = 0.0
    """Seconds per rep of the beat that paces sets done at the patient's own pace; 0: none."""
    sound: SoundChoice | None = None
    """How the cues are played; None: silently."""
    log: CompletionLog | None = None
    """The completion log; None: sessions are shown but not kept."""
    flash: bool = False
    """Flash an outline round the countdown when the phase changes (the `flash` setting)."""


class BackroutineApp(App[None]):
    """Pick a routine, check in, get guided through it, see how it went."""

    TITLE = "backroutine"
    CSS_PATH = "app.tcss"
    BINDINGS = [Binding("ctrl+t", "toggle_theme", "Light/dark", show=False)]

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.flow: AppFlow | None = None

    def compose(self) -> ComposeResult:
        opening = self.context.start_with
        what = f"Opening {printable(opening.name)}…" if opening else "Finding your routines…"
        yield Static(Content(what), id="opening")

    def on_mount(self) -> None:
        if self.context.log is not None:  # a full disk or a lock held elsewhere
            self.context.log.on_trouble = self._log_trouble
        # The sound is set up while the first frame is drawn.
        if self.context.sound is not None:
            self.context.sound.start()

    def on_ready(self) -> None:
        # Ready comes as soon as the first frame is on the terminal. (`call_after_refresh`
        # waited for a second screen update, which the first frame's widgets ask for when
        # they next idle: 17-30 ms later on an idle machine.)
        self._open()

    def _log_trouble(self, message: str) -> None:
        self.notify(message, severity="warning", timeout=10)

    def _open(self) -> None:
        # Imported once the first frame is drawn: the engine and the screens take
        # a while to load, and the patient should see the app answer at once.
        from backroutine.tui.flow import AppFlow

        self.flow = AppFlow(self, self.context)
        self.flow.open()
        self.set_timer(COLLECT_AFTER_SECONDS, _collect_again)

    def on_unmount(self) -> None:
        if self.flow is not None:
            self.flow.close()

    def on_routine_picker_screen_chosen(self, message: RoutinePickerScreen.Chosen) -> None:
        assert self.flow is not None  # the flow pushed the picker
        self.flow.chosen(message.entry)

    def action_history(self) -> None:
        if self.context.log is None:
            self.notify("No completion log is open.", timeout=3)
            return
        # Loaded when first opened: most sessions never need it, and start-up time matters.
        from backroutine.log.history import read_history
        from backroutine.tui.screens.history import HistoryScreen

        log = self.context.log
        self.push_screen(HistoryScreen(read_history(log), log.check_ins()))

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"


COLLECT_AFTER_SECONDS = 1.0
"""When the app collects cycles again, if the command line put it off (`entry`): by then its
first screen is drawn (about 0.2 s after the first frame on an idle machine)."""


def _collect_again() -> None:
    """Collect what start-up left, then set aside what it made and keeps (nearly all of it,
    for the whole session) so that no later collection scans it again."""
    if not gc.isenabled():
        gc.collect()
        gc.freeze()
        gc.enable()


def create_app(context: AppContext) -> BackroutineApp:
    """The one place an app is built, for the CLI and the tests alike."""
    return BackroutineApp(context)
