"""The app and its factory, shared by the CLI and the tests."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from textual import on
from textual.app import App
from textual.binding import Binding

from backroutine.catalog import CatalogEntry, find_routines, load_entry
from backroutine.engine import Clock, SessionEngine
from backroutine.loader import LoadedRoutine, RoutineFileError, load_routine
from backroutine.log import CompletionLog
from backroutine.plain import where_stopped
from backroutine.progression import as_of, has_progression
from backroutine.recorder import CannotResume, SessionRecorder, local_now
from backroutine.tui.checkin import CheckIn, CheckInScreen
from backroutine.tui.dialogs import Question
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
    log: CompletionLog | None = None
    """The completion log; None: sessions are shown but not kept."""


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
            self.push_screen(RoutinePickerScreen(self._catalog(), self._last_done()))
        self._offer_resume()

    def _catalog(self) -> list[CatalogEntry]:
        return find_routines(self.context.user_routines)

    def _last_done(self) -> dict[str, str]:
        """Routine file name -> when it was last completed, in words."""
        log = self.context.log
        if log is None:
            return {}
        today = local_now().date()
        last: dict[str, str] = {}
        for session in log.sessions():
            if session.status == "completed":
                days = (today - session.started.date()).days
                words = {0: "today", 1: "yesterday"}.get(days, f"{days} days ago")
                last[Path(session.routine_path).stem] = words
        return last

    # -- resuming --------------------------------------------------------------------

    def _offer_resume(self) -> None:
        """If a session was cut short (killed or quit), offer to go on where it stopped."""
        log = self.context.log
        if log is None:
            return
        for session in reversed(log.unfinished_sessions()):
            try:
                loaded = self._as_of(load_routine(session.routine_path), session.started.date())
                recorder = SessionRecorder.resume(
                    log, session, loaded, self.context.clock, **self._engine_options()
                )
            except (RoutineFileError, CannotResume):
                log.finish_session(session.id, status="abandoned", ended=local_now())
                continue

            def answered(
                resume: bool | None, recorder=recorder, loaded=loaded, session=session
            ) -> None:
                if resume:
                    self._play(
                        loaded,
                        recorder.engine,
                        recorder,
                        session.pain_before,
                        back_to_picker=self.context.start_with is None,
                    )
                else:
                    recorder.abandon()
                    self._offer_resume()

            self.push_screen(
                Question(
                    f"You stopped {loaded.routine.title} on {session.started:%A %d %B at %H:%M}, "
                    f"at {where_stopped(recorder.engine)}.\n\nResume where you stopped?",
                    yes="Resume",
                    no="Close it",
                    yes_variant="success",
                ),
                answered,
            )
            return

    # -- a session -------------------------------------------------------------------

    @on(RoutinePickerScreen.Chosen)
    def _chosen(self, message: RoutinePickerScreen.Chosen) -> None:
        self._begin(message.entry.loaded, back_to_picker=True)

    def _engine_options(self) -> dict[str, Any]:
        return {
            "wait_before_exercise": self.context.wait_before_exercise,
            "resume_lead_in": RESUME_LEAD_IN_SECONDS,
        }

    def _begin(self, loaded: LoadedRoutine, *, back_to_picker: bool) -> None:
        def checked_in(answer: CheckIn | None) -> None:
            if answer is None:
                if not back_to_picker:
                    self.exit()
                return
            self._start(loaded, answer.pain_before, back_to_picker)

        if self.context.check_in:
            self.push_screen(CheckInScreen(loaded.routine), checked_in)
        else:
            self._start(loaded, None, back_to_picker)

    def _as_of(self, loaded: LoadedRoutine, day: date) -> LoadedRoutine:
        """The routine with this week's numbers, when it has progressions."""
        if self.context.log is None or not has_progression(loaded.routine):
            return loaded
        progressed, week = as_of(loaded, self.context.log.sessions(), day)
        self.notify(f"Week {week} of this routine", timeout=4)
        return progressed

    def _start(self, loaded: LoadedRoutine, pain_before: int | None, back_to_picker: bool) -> None:
        loaded = self._as_of(loaded, local_now().date())
        engine = SessionEngine(
            loaded.routine.segments(), self.context.clock, **self._engine_options()
        )
        recorder = None
        if self.context.log is not None:
            # Subscribed before the player, so the log has a segment before the screen shows it.
            recorder = SessionRecorder.start(
                self.context.log, loaded, engine, pain_before=pain_before
            )
        self._play(loaded, engine, recorder, pain_before, back_to_picker=back_to_picker)

    def _play(
        self,
        loaded: LoadedRoutine,
        engine: SessionEngine,
        recorder: SessionRecorder | None,
        pain_before: int | None,
        *,
        back_to_picker: bool,
    ) -> None:
        """Run `engine` in the player; `recorder` (None: no log) keeps it in the log."""
        routine = loaded.routine
        audio = self.context.audio(engine, routine) if self.context.audio else None

        def finished(outcome: SessionOutcome | None) -> None:
            def debriefed(debrief: Debrief | None) -> None:
                if debrief is not None and recorder is not None:
                    recorder.check_out(debrief.pain_after, debrief.note or None)
                if not back_to_picker:
                    self.exit()
                else:
                    self._refresh_picker()

            logged = recorder is not None
            summary = SummaryScreen(routine.title, outcome, pain_before, logged=logged)
            self.push_screen(summary, debriefed)

        self.push_screen(
            PlayerScreen(routine, engine, audio=audio, audio_note=self.context.audio_note),
            finished,
        )

    def _refresh_picker(self) -> None:
        picker = next((s for s in self.screen_stack if isinstance(s, RoutinePickerScreen)), None)
        if picker is not None:
            picker.update_last_done(self._last_done())

    def action_history(self) -> None:
        if self.context.log is None:
            self.notify("No completion log is open.", timeout=3)
            return
        # Loaded when first opened: most sessions never need it, and start-up time matters.
        from backroutine.history import read_history
        from backroutine.tui.history_screen import HistoryScreen

        self.push_screen(HistoryScreen(read_history(self.context.log)))

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"


def create_app(context: AppContext) -> BackroutineApp:
    """The one place an app is built, for the CLI and the tests alike."""
    return BackroutineApp(context)
