"""The app and its factory, shared by the CLI and the tests."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textual import on
from textual.app import App
from textual.binding import Binding

from backroutine.catalog import CatalogEntry, find_routines, load_entry
from backroutine.engine import Clock, SessionEngine
from backroutine.loader import LoadedRoutine
from backroutine.tui.checkin import CheckIn, CheckInScreen
from backroutine.tui.picker import RoutinePickerScreen
from backroutine.tui.player import PlayerScreen, SessionOutcome
from backroutine.tui.summary import Debrief, SummaryScreen

RESUME_LEAD_IN_SECONDS = 3.0


@dataclass
class AppContext:
    """Everything the app is handed instead of finding or loading it itself."""

    user_routines: Path | None
    """The patient's own routines folder (None: bundled routines only)."""
    clock: Clock = time.monotonic
    start_with: Path | None = None
    """Open this routine straight away instead of the picker."""
    check_in: bool = True
    wait_before_exercise: bool = False
    audio: Any = None
    """Builds a cue player for a session: `audio(engine, routine) -> CuePlayer`; None: silent."""
    audio_note: str | None = None
    """One sentence on which sound backend is active and why, shown once."""
    extra: dict[str, Any] = field(default_factory=dict)


class BackroutineApp(App[None]):
    """Pick a routine, check in, get guided through it, see how it went."""

    TITLE = "backroutine"
    CSS_PATH = "app.tcss"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (72, "-wide")]
    BINDINGS = [Binding("ctrl+t", "toggle_theme", "Light/dark", show=False)]

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context

    def on_mount(self) -> None:
        if self.context.start_with is not None:
            entry = load_entry(self.context.start_with)
            if entry.loaded is None:
                self.exit(message="\n".join(map(str, entry.problems)), return_code=1)
                return
            self._begin(entry.loaded, back_to_picker=False)
        else:
            self.push_screen(RoutinePickerScreen(self._catalog()))

    def _catalog(self) -> list[CatalogEntry]:
        return find_routines(self.context.user_routines)

    @on(RoutinePickerScreen.Chosen)
    def _chosen(self, message: RoutinePickerScreen.Chosen) -> None:
        self._begin(message.entry.loaded, back_to_picker=True)

    def _begin(self, loaded: LoadedRoutine, *, back_to_picker: bool) -> None:
        def checked_in(answer: CheckIn | None) -> None:
            if answer is None:
                if not back_to_picker:
                    self.exit()
                return
            self._play(loaded, answer.pain_before, back_to_picker)

        if self.context.check_in:
            self.push_screen(CheckInScreen(loaded.routine), checked_in)
        else:
            self._play(loaded, None, back_to_picker)

    def _play(self, loaded: LoadedRoutine, pain_before: int | None, back_to_picker: bool) -> None:
        routine = loaded.routine
        engine = SessionEngine(
            routine.segments(), self.context.clock,
            wait_before_exercise=self.context.wait_before_exercise,
            resume_lead_in=RESUME_LEAD_IN_SECONDS,
        )
        audio = self.context.audio(engine, routine) if self.context.audio else None

        def finished(outcome: SessionOutcome | None) -> None:
            def debriefed(debrief: Debrief | None) -> None:
                if not back_to_picker:
                    self.exit()

            self.push_screen(SummaryScreen(routine.title, outcome, pain_before), debriefed)

        self.push_screen(
            PlayerScreen(routine, engine, audio=audio, audio_note=self.context.audio_note),
            finished,
        )

    def action_history(self) -> None:
        self.notify("History arrives with the completion log.", timeout=3)

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"


def create_app(context: AppContext) -> BackroutineApp:
    """The one place an app is built, for the CLI and the tests alike."""
    return BackroutineApp(context)
