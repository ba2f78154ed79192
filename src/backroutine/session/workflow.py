"""One session workflow for every front end: resume or start, this week's numbers, the lock.

The app (`tui/flow.py`) and plain mode (`cli/root.py`) only present what is decided here,
so a session started in one resumes in the other at the same segment with the same
progression week. No Textual here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import msgspec
from msgspec.structs import asdict, replace

from backroutine.base.clock import WallClock, local_now
from backroutine.base.settings import Settings, load_settings
from backroutine.log.store import CompletionLog, SessionRecord
from backroutine.routine.model import LoadedRoutine
from backroutine.routine.progression import as_of, first_done, has_progression, week_number
from backroutine.routine.stages import routine_for_day
from backroutine.routine.words import stopped_when, where_stopped
from backroutine.session.checkin import checks_in_again
from backroutine.session.engine import Clock, SessionEngine
from backroutine.session.recorder import CannotResume, SessionRecorder

# The question after a session of a staged routine, asked by both front ends.
from backroutine.session.stages import StageQuestion as StageQuestion
from backroutine.session.stages import stage_question as stage_question


class EngineOptions(msgspec.Struct, frozen=True):
    """How a front end wants its sessions run."""

    wait_before_exercise: bool = False
    """Wait for the patient to say ready before each exercise."""
    resume_lead_in: float = 0.0
    """Seconds of "get ready" before a resumed or unpaused hold goes on."""
    self_paced_beat: float = 0.0
    """Seconds per rep of a beat that paces each set done at the patient's own pace, which
    then ends by itself; 0: no beat, the patient says when the set is done."""


def this_week(
    log: CompletionLog | None, loaded: LoadedRoutine, day: date, settings: Settings | None = None
) -> tuple[LoadedRoutine, int | None]:
    """`loaded` with the numbers of its progression week on `day`, and that week (None when
    the routine has no progressions or there is no log to count weeks from), timed and
    sided for the patient (`settings`, else theirs from the settings file)."""
    loaded = for_the_patient(loaded, settings)
    if log is None or not has_progression(loaded.routine):
        return loaded, None
    return as_of(loaded, log.sessions(), day)


def for_today(
    log: CompletionLog | None, loaded: LoadedRoutine, day: date, stage: int | None
) -> LoadedRoutine:
    """`loaded` with the steps played on `day`: those of `stage` (for a staged routine), of
    `day`'s weekday and of the routine week `day` is in (steps with `from_week`)."""
    routine = loaded.routine
    if not routine.stages and not any(step.days or step.from_week for step in routine.exercises):
        return loaded
    sessions = log.sessions() if log is not None else []
    week = week_number(first_done(sessions, loaded.sha256), day)
    return replace(loaded, routine=routine_for_day(routine, stage=stage or 1, week=week, day=day))


def current_stage(log: CompletionLog | None, loaded: LoadedRoutine) -> int | None:
    """The patient's stage in a staged routine (1 before any answer); None when not staged.

    A new version of the routine with fewer stages keeps the patient at its last one.
    """
    stages = len(loaded.routine.stages)
    if not stages:
        return None
    return 1 if log is None else min(log.current_stage(str(loaded.source.resolve())), stages)


def as_played(log: CompletionLog | None, loaded: LoadedRoutine, day: date) -> LoadedRoutine:
    """`loaded` as a session started on `day` plays it: at the patient's stage, with
    `day`'s steps and its progression week's numbers (what `start_session` plays)."""
    todays = for_today(log, loaded, day, current_stage(log, loaded))
    return this_week(log, todays, day)[0]


def for_the_patient(loaded: LoadedRoutine, settings: Settings | None = None) -> LoadedRoutine:
    """`loaded` with holds in breaths timed at the patient's breath length and `side:
    affected` made their affected side, from `settings` (else the settings file, read only
    for a routine that needs it)."""
    if not loaded.routine.depends_on_the_patient:
        return loaded
    settings = settings or load_settings().settings
    routine = loaded.routine.for_patient(settings.breath_seconds, settings.affected_side)
    return replace(loaded, routine=routine)


class NewSession(msgspec.Struct, frozen=True):
    """A session just started."""

    loaded: LoadedRoutine
    """The routine as played: with this week's numbers when it has progressions."""
    week: int | None
    """Its progression week (None: the routine has none, or there is no log)."""
    engine: SessionEngine
    recorder: SessionRecorder | None
    """None when there is no log to keep the session in."""
    stage: int | None = None
    """The stage of a staged routine the session is done at (None: not staged)."""


def start_session(
    log: CompletionLog | None,
    loaded: LoadedRoutine,
    clock: Clock,
    options: EngineOptions,
    *,
    pain_before: int | None,
    check_in_id: int | None,
    day: date,
) -> NewSession:
    """A new session of `loaded` as of `day`'s progression week, logged when there is a log.

    The recorder subscribes to the engine first, so the log has a segment before any
    front end shows it.
    """
    stage = current_stage(log, loaded)
    progressed, week = this_week(log, for_today(log, loaded, day, stage), day)
    engine = SessionEngine(progressed.routine.segments(), clock, **asdict(options))
    if log is None:
        return NewSession(progressed, week, engine, None, stage)
    recorder = SessionRecorder.start(
        log, progressed, engine, pain_before=pain_before, week=week, stage=stage
    )
    if check_in_id is not None:
        log.attach_check_in(check_in_id, recorder.session_id)
    return NewSession(progressed, week, engine, recorder, stage)


class ResumeOffer(msgspec.Struct, frozen=True):
    """An unfinished session that can go on where it stopped."""

    session: SessionRecord
    loaded: LoadedRoutine
    """The routine as of the week the session started in: its segments are the session's."""
    recorder: SessionRecorder
    """Holds the restored engine, paused where the session stopped."""
    offered: datetime | None = None
    """When it was offered, in the patient's time zone: the question says "today at 08:20"."""

    @property
    def question(self) -> str:
        """What the patient is told before being asked whether to resume."""
        segment = self.recorder.engine.current
        assert segment is not None  # a restored engine is paused at a segment
        where = where_stopped(segment)
        # When it stopped (quit, or last made progress before it was killed), not started:
        # a session stopped after twenty minutes said the minute it began.
        session = self.session
        stopped = session.ended or session.last_progress or session.started
        when = stopped_when(stopped, self.offered)
        return f"You stopped {self.loaded.routine.title} {when}, at {where}."

    def checks_in_again(self, now: datetime) -> bool:
        """Whether resuming now asks the check-in again: it stopped long ago."""
        return checks_in_again(self.session, now)

    def close(self) -> None:
        """Close the session for good (a deliberate choice, never a dismissed question)."""
        self.recorder.abandon()


def next_resume_offer(
    log: CompletionLog,
    find: Callable[[Path], LoadedRoutine | None],
    *,
    routine: Path | None,
    clock: Clock = time.monotonic,
    options: EngineOptions = EngineOptions(),
    closed: Callable[[SessionRecord, str], None] = lambda session, why: None,
    now: WallClock = local_now,
) -> ResumeOffer | None:
    """The latest unfinished session to offer for resuming, or None.

    The rule, for both front ends: when a routine was asked for (`routine`), only its
    sessions are offered; when the picker opens (None), any routine's. A session that cannot
    be resumed (its file gone, changed or invalid) is closed as abandoned and `closed(session,
    why)` is told.
    """
    wanted = None if routine is None else str(routine.resolve())
    for session in reversed(log.unfinished_sessions()):
        if wanted is not None and session.routine_path != wanted:
            continue
        loaded = find(Path(session.routine_path))
        try:
            if loaded is None:
                raise CannotResume("its routine file is gone or no longer valid")
            # As the session started: that day's steps, at the stage it was done at.
            day = session.started.date()
            loaded, _ = this_week(log, for_today(log, loaded, day, session.stage), day)
            recorder = SessionRecorder.resume(
                log, session, loaded, clock, now=now, **asdict(options)
            )
        except CannotResume as error:
            if log.session(session.id).status == "in_progress":
                log.finish_session(session.id, status="abandoned", ended=now())
            closed(session, str(error))
            continue
        return ResumeOffer(session, loaded, recorder, now())
    return None
