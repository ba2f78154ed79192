"""What the app shows, in order: the picker or a routine, a resume offer, check-in, player, summary.

Loaded once the app's first frame is on the screen (see `BackroutineApp`), with the session
workflow. Each screen is imported when it is first shown: a patient who starts a routine sees
its exercise sooner when the picker, the check-in, the dialogs and the summary are not loaded
before it (`tests/tui/test_lazy_imports.py` keeps it so).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from backroutine.base.clock import local_now
from backroutine.base.text import printable
from backroutine.routine.safety import stopped_advice
from backroutine.routine.stages import stage_started
from backroutine.routine.words import week_said
from backroutine.session.checkin import begin_check_in
from backroutine.session.lock import RUNNING_ELSEWHERE, SessionLock
from backroutine.session.workflow import (
    EngineOptions,
    as_played,
    next_resume_offer,
    stage_question,
    start_session,
)

if TYPE_CHECKING:
    from backroutine.routine.catalog import CatalogEntry
    from backroutine.routine.model import LoadedRoutine, Routine
    from backroutine.routine.safety import CheckInAnswers
    from backroutine.session.engine import SessionEngine
    from backroutine.session.recorder import SessionRecorder
    from backroutine.session.workflow import ResumeOffer
    from backroutine.tui.app import AppContext, BackroutineApp
    from backroutine.tui.screens.player import ExerciseResult, SessionOutcome
    from backroutine.tui.screens.summary import Debrief

RESUME_LEAD_IN_SECONDS = 3.0


class AppFlow:
    """Moves the app from screen to screen for the routine files and log in `context`."""

    def __init__(self, app: BackroutineApp, context: AppContext) -> None:
        self.app = app
        self.context = context
        self._now = context.now or local_now
        # One live session per log, across windows: held from the resume offer or the
        # start of a session until its summary is closed.
        self.lock = SessionLock.beside(context.log.path) if context.log is not None else None

    def open(self) -> None:
        """The first screen: any resume offer first, then the routine asked for or the picker.

        Nothing is started before the resume question is answered: a session started
        behind it would run unseen, and would itself look like one to resume.
        """
        if self.context.start_with is not None:
            entry = self.context.routines.entry(self.context.start_with)
            if entry.loaded is None:
                self.app.exit(message="\n".join(map(str, entry.problems)), return_code=1)
                return
            loaded = entry.loaded
            self._offer_resume(then=lambda: self._begin(loaded, back_to_picker=False))
        else:
            self._show_picker()
            self._offer_resume()

    def close(self) -> None:
        """The app is closing: let another window play a session."""
        if self.lock is not None:
            self.lock.release()

    def _show_picker(self) -> None:
        from backroutine.tui.screens.picker import RoutinePickerScreen

        if not any(isinstance(screen, RoutinePickerScreen) for screen in self.app.screen_stack):
            entries = self.context.routines.entries()
            self.app.push_screen(RoutinePickerScreen(entries, self._last_done()))

    def _claim_log(self) -> bool:
        """Take the log for a session; if another window plays one, say so and offer the
        picker instead."""
        if self.lock is None or self.lock.acquire():
            return True
        self.app.notify(
            f"{RUNNING_ELSEWHERE} Meanwhile your routines and history are here.",
            severity="warning",
            timeout=10,
        )
        self._show_picker()
        return False

    def _release_log(self) -> None:
        if self.lock is not None:
            self.lock.release()

    def _last_done(self) -> dict[str, str]:
        """Routine file name -> when it was last done (as the history counts it), in words,
        with the stage the patient is at now in a staged routine."""
        from backroutine.log.history import counts

        log = self.context.log
        if log is None:
            return {}
        today = self._now().date()
        last: dict[str, str] = {}
        staged: dict[str, str] = {}
        for session in log.sessions():
            if counts(session):
                days = (today - session.started.date()).days
                words = {0: "today", 1: "yesterday"}.get(days, f"{days} days ago")
                last[Path(session.routine_path).stem] = words
                if session.stage is not None:
                    staged[Path(session.routine_path).stem] = session.routine_path
        for name, path in staged.items():
            last[name] += f", now at stage {log.current_stage(path)}"
        return last

    # -- resuming --------------------------------------------------------------------

    def _offer_resume(
        self, then: Callable[[], None] | None = None, routine: Path | None = None
    ) -> None:
        """If a session was cut short (killed or quit), offer to go on where it stopped
        (only `routine`'s, or the routine asked for when one was: the workflow's rule); once
        none is left to offer, or the patient puts the question off, call `then`."""
        log = self.context.log
        if log is None:
            if then is not None:
                then()
            return
        if not self._claim_log():
            return  # the unfinished session may be the one live in the other window

        def find(path: Path) -> LoadedRoutine | None:
            return self.context.routines.entry(path).loaded

        offer = next_resume_offer(
            log,
            find,
            routine=routine or self.context.start_with,
            clock=self.context.clock,
            options=self._engine_options(),
            now=self._now,
        )
        if offer is None:
            self._release_log()  # `then` claims it again if it starts a session
            if then is not None:
                then()
            return

        def answered(resume: bool | None) -> None:
            if resume is None:  # Escape: not now; the session stays unfinished for later
                self._release_log()
                if then is not None:
                    then()
            elif resume:
                self._resume(offer)
            else:
                offer.close()
                self._offer_resume(then, routine)

        from backroutine.tui.screens.dialogs import Question

        self.app.push_screen(
            Question(
                f"{offer.question}\n\nResume where you stopped?",
                yes="Resume",
                no="Close it",
                yes_variant="success",
                safe_yes=True,  # Enter goes on with the session; closing it is final
                escape=None,  # so Escape only puts the question off
            ),
            answered,
        )

    def _resume(self, offer: ResumeOffer) -> None:
        """Go on with `offer`'s session, after the check-in again when it stopped long ago."""
        from backroutine.tui.screens.player import ExerciseResult
        from backroutine.tui.screens.summary import Debrief

        log = offer.recorder.log
        session = offer.session
        back_to_picker = self.context.start_with is None

        def play(_pain: int | None, check_in_id: int | None) -> None:
            if check_in_id is not None:
                log.attach_check_in(check_in_id, session.id)
            earlier = {
                exercise.step_index: ExerciseResult(exercise.name, exercise.outcome, exercise.kind)
                for exercise in log.session(session.id).exercises
                if exercise.outcome != "started"
            }
            self._play(
                offer.loaded,
                offer.recorder.engine,
                offer.recorder,
                session.pain_before,
                back_to_picker=back_to_picker,
                earlier=earlier,
                said=Debrief(session.pain_after, session.note or ""),
            )

        self._prepare_sound(offer.loaded.routine)
        if offer.checks_in_again(self._now()):
            self._check_in(offer.loaded, play, back_to_picker, resuming=session.id)
        else:
            play(None, None)

    # -- a session -------------------------------------------------------------------

    def chosen(self, entry: CatalogEntry) -> None:
        """Start the routine the patient picked, after offering to go on with a session cut
        short (its summary said "next time you can go on where you stopped")."""
        loaded = entry.loaded
        assert loaded is not None  # the picker offers only routines that load
        self._offer_resume(lambda: self._begin(loaded, back_to_picker=True), loaded.source)

    def _engine_options(self) -> EngineOptions:
        return EngineOptions(
            wait_before_exercise=self.context.wait_before_exercise,
            resume_lead_in=RESUME_LEAD_IN_SECONDS,
            self_paced_beat=self.context.self_paced_beat,
        )

    def _begin(self, loaded: LoadedRoutine, *, back_to_picker: bool) -> None:
        if not self._claim_log():
            return
        self._prepare_sound(as_played(self.context.log, loaded, self._now().date()).routine)

        def start(pain_before: int | None, check_in_id: int | None) -> None:
            self._start(loaded, pain_before, back_to_picker, check_in_id)

        self._check_in(loaded, start, back_to_picker)

    def _prepare_sound(self, routine: Routine) -> None:
        """Start making the voice's phrases as soon as the routine is chosen: the check-in
        takes the patient long enough for them to be ready by the first get-ready."""
        if self.context.sound is not None:
            self.context.sound.prepare(routine)

    # -- the check-in ----------------------------------------------------------------

    def _check_in(
        self,
        loaded: LoadedRoutine,
        go_on: Callable[[int | None, int | None], None],
        back_to_picker: bool,
        *,
        resuming: int | None = None,
    ) -> None:
        """Ask the check-in and log it (or log that none was asked), then go on with
        `go_on(pain now, check-in id)`; back to the picker, or out, if it stopped the session."""
        asked = begin_check_in(
            self.context.log,
            loaded,
            now=self._now(),
            number=self.context.emergency_number,
            resuming=resuming,
        )

        def answered(answers: CheckInAnswers | None) -> None:
            said = None
            if answers is not None:
                result = asked.answered(answers)
                if result.went_ahead:
                    go_on(result.pain_now, result.check_in_id)
                    return
                said = stopped_advice(answers, asked.context.emergency_number)
            self._release_log()
            if not back_to_picker:
                # Advice to go to the emergency department stays on the terminal.
                self.app.exit(message=said)

        if self.context.check_in:
            from backroutine.tui.screens.checkin import CheckInScreen

            self.app.push_screen(CheckInScreen(loaded.routine, asked.context), answered)
        else:
            go_on(None, asked.answered(None).check_in_id)

    def _start(
        self,
        loaded: LoadedRoutine,
        pain_before: int | None,
        back_to_picker: bool,
        check_in_id: int | None = None,
    ) -> None:
        new = start_session(
            self.context.log,
            loaded,
            self.context.clock,
            self._engine_options(),
            pain_before=pain_before,
            check_in_id=check_in_id,
            day=self._now().date(),
        )
        if new.week is not None:
            self.app.notify(week_said(new.week), timeout=4)
        if new.stage is not None:
            # The stage's name is the therapist's text: shown literally.
            said = printable(stage_started(new.loaded.routine, new.stage))
            self.app.notify(said, timeout=4, markup=False)
        self._play(new.loaded, new.engine, new.recorder, pain_before, back_to_picker=back_to_picker)

    def _play(
        self,
        loaded: LoadedRoutine,
        engine: SessionEngine,
        recorder: SessionRecorder | None,
        pain_before: int | None,
        *,
        back_to_picker: bool,
        earlier: dict[int, ExerciseResult] | None = None,
        said: Debrief | None = None,
    ) -> None:
        """Run `engine` in the player; `recorder` (None: no log) keeps it in the log.

        A resumed session brings the exercises it left `earlier` and what the patient
        `said` when it stopped, so its summary is of the whole session.
        """
        from backroutine.tui.screens.player import PlayerScreen

        routine = loaded.routine
        sound = self.context.sound
        audio = sound.cue_player(engine, routine) if sound else None

        def keep(debrief: Debrief) -> None:
            assert recorder is not None
            recorder.check_out(debrief.pain_after, debrief.note or None)

        def finished(outcome: SessionOutcome | None) -> None:
            from backroutine.tui.screens.dialogs import Question
            from backroutine.tui.screens.summary import SummaryScreen

            assert outcome is not None, "the player always ends with its outcome"

            def done() -> None:
                self._release_log()  # kept as it was typed, by `keep`
                if not back_to_picker:
                    self.app.exit()
                else:
                    self._refresh_picker()

            def debriefed(debrief: Debrief | None) -> None:
                log = self.context.log
                if log is None or recorder is None or not log.save_pending():
                    done()
                    return
                question = stage_question(log, loaded, recorder.session_id, self._now())
                if question is None:
                    done()
                    return

                def answered(yes: bool | None) -> None:
                    said = printable(question.answer(log, bool(yes), self._now()))
                    self.app.notify(said, timeout=8, markup=False)
                    done()

                # The safe answer is no: the patient stays where they are.
                self.app.push_screen(
                    Question(question.text, "Yes", "No", yes_variant="primary"), answered
                )

            summary = SummaryScreen(
                routine.title,
                outcome,
                pain_before,
                logged=recorder is not None,
                said=said,
                keep=keep if recorder is not None else None,
                earlier_afters=self._earlier_afters(recorder),
            )
            self.app.push_screen(summary, debriefed)

        player = PlayerScreen(
            routine,
            engine,
            audio=audio,
            audio_note=sound.note if sound else None,
            earlier=earlier,
            flash=self.context.flash,
        )
        # A screen bringing a style sheet Textual has not read makes it parse every sheet
        # anew as it is shown; read ahead, only the new sheet is parsed (the player's is on
        # the way to the first exercise).
        for path in player.css_path:
            self.app.stylesheet.read(path)
        self.app.push_screen(player, finished)

    def _earlier_afters(self, recorder: SessionRecorder | None) -> list[int | None]:
        """Pain after each earlier session of the recorded routine: the trend so far."""
        log = self.context.log
        if log is None or recorder is None:
            return []
        this = log.session(recorder.session_id)
        return [
            session.pain_after
            for session in log.sessions()  # oldest first
            if session.routine_path == this.routine_path
            and (session.started, session.id) < (this.started, this.id)
        ]

    def _refresh_picker(self) -> None:
        from backroutine.tui.screens.picker import RoutinePickerScreen

        for screen in self.app.screen_stack:
            if isinstance(screen, RoutinePickerScreen):
                screen.update_last_done(self._last_done())
