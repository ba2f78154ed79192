"""Writes a session into the completion log as the engine reports it, and resumes one.

The recorder listens to a `SessionEngine`. Each finished segment is committed at once,
with the engine's snapshot, so a session killed at any moment can be resumed where it
stopped. Subscribe it before any listener that reports progress (the plain runner's
printer, the player's widgets): events reach listeners in subscription order, so what
the patient sees as finished is already in the log.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from backroutine.base.clock import WallClock, local_now, zone_name
from backroutine.log.store import (
    CompletionLog,
    ExerciseRecord,
    LoggedOutcome,
    SessionRecord,
    StepKind,
)
from backroutine.routine.model import LoadedRoutine, Segment, SegmentKind
from backroutine.session.engine import (
    Clock,
    Event,
    ExerciseDone,
    Paused,
    SegmentEnded,
    SegmentRecord,
    SessionEngine,
    SessionFinished,
    SessionStarted,
)

STEP_KINDS: dict[SegmentKind, StepKind] = {
    SegmentKind.HOLD: "exercise",
    SegmentKind.ACTIVITY: "exercise",
    SegmentKind.REP: "exercise",
    SegmentKind.SELF_PACED: "exercise",
    SegmentKind.CARD: "card",
    SegmentKind.HEAT: "pack",
    SegmentKind.COLD: "pack",
    SegmentKind.BREATHE_IN: "breathing",
    SegmentKind.BREATHE_OUT: "breathing",
    SegmentKind.WALK: "walk",
}
"""What a step is, from the kind of its work segments."""


def step_kind(segments: Sequence[Segment], step_index: int) -> StepKind | None:
    """What the step at `step_index` is (None for a rest, which has no work)."""
    work = (each for each in segments if each.step_index == step_index and each.kind.is_work)
    first = next(work, None)
    return STEP_KINDS[first.kind] if first is not None else None


class CannotResume(Exception):
    """An unfinished session that cannot be resumed; it can only be closed as abandoned."""


class SessionRecorder:
    """Keeps one session's log entry up to date from the engine's events.

    Create it with `start` (a new session) or `resume` (an unfinished one). Quitting
    (`engine.quit()`) leaves the session unfinished and resumable; close it for good with
    `abandon()`. After the session, `check_out()` records the pain score and a note.
    """

    def __init__(
        self,
        log: CompletionLog,
        engine: SessionEngine,
        session_id: int,
        *,
        now: WallClock = local_now,
    ) -> None:
        self.log = log
        self.engine = engine
        self.session_id = session_id
        self._now = now
        self._hurt: Segment | None = None
        """The segment that hurt, until its step's `ExerciseDone` is written."""
        engine.subscribe(self)

    @classmethod
    def start(
        cls,
        log: CompletionLog,
        loaded: LoadedRoutine,
        engine: SessionEngine,
        *,
        pain_before: int | None = None,
        week: int | None = None,
        stage: int | None = None,
        now: WallClock = local_now,
    ) -> SessionRecorder:
        """Log a new in-progress session of `loaded` (in progression `week`, if it has
        progressions; at `stage`, for a staged routine) and record `engine`'s events into it."""
        started = now()
        routine = loaded.routine
        session_id = log.start_session(
            routine_title=routine.title,
            routine_path=str(loaded.source.resolve()),
            routine_sha256=loaded.sha256,
            frequency=routine.frequency_for(stage),
            planned_seconds=sum(segment.planned_seconds for segment in engine.segments),
            started=started,
            time_zone=zone_name(started),
            pain_before=pain_before,
            routine_id=routine.id,
            routine_version=routine.version,
            week=week,
            stage=stage,
        )
        return cls(log, engine, session_id, now=now)

    @classmethod
    def resume(
        cls,
        log: CompletionLog,
        session: SessionRecord,
        loaded: LoadedRoutine,
        clock: Clock = time.monotonic,
        *,
        now: WallClock = local_now,
        **engine_options: Any,
    ) -> SessionRecorder:
        """Rebuild the engine of an unfinished session, paused where it stopped.

        The recorder's `engine` is the restored engine; call its `resume()` to go on.
        Raises `CannotResume` when the routine file changed since or nothing was saved.
        """
        if loaded.sha256 != session.routine_sha256:
            raise CannotResume(
                f"the routine file {loaded.source} has changed since this session started"
            )
        snapshot = log.snapshot(session.id)
        if snapshot is None:
            raise CannotResume("nothing of this session was saved to resume from")
        try:
            engine = SessionEngine.restore(
                loaded.routine.segments(), snapshot, clock, **engine_options
            )
        except (KeyError, TypeError, ValueError) as error:
            raise CannotResume(f"its saved state cannot be used ({error})") from None
        if engine.status == "finished":
            # Killed between its last segment and being closed: it was completed.
            log.finish_session(session.id, status="completed", ended=now())
            raise CannotResume("it was already complete, and is now logged as completed")
        if engine.status != "paused":
            raise CannotResume("it had already ended")
        return cls(log, engine, session.id, now=now)

    def __call__(self, event: Event) -> None:
        """Write what `event` changes to the log."""
        if isinstance(event, SessionStarted):
            self._save(None)  # resumable from its first segment
        elif isinstance(event, SegmentEnded) and event.outcome != "abandoned":
            if event.outcome == "hurt":
                self._hurt = event.segment
            self._save(_exercise_record(self.engine, event.segment, "started"))
        elif isinstance(event, ExerciseDone):
            segment = next(s for s in self.engine.segments if s.step_index == event.step_index)
            hurt = self._hurt if event.outcome == "hurt" else None
            self._hurt = None
            self._save(_exercise_record(self.engine, segment, event.outcome, hurt))
        elif isinstance(event, Paused):
            self._save(None)  # a resume point within the segment
        elif isinstance(event, SessionFinished) and event.status == "completed":
            self.log.finish_session(self.session_id, status="completed", ended=self._now())
        elif isinstance(event, SessionFinished):
            # A quit keeps the last saved snapshot, resumable; its end time is kept too.
            self.log.record_quit(self.session_id, ended=self._now())

    def _save(self, exercise: ExerciseRecord | None) -> None:
        records = self.engine.records
        # After quit() the engine's snapshot is final: keep the last resumable one instead.
        quit_ = self.engine.status == "abandoned"
        self.log.record_progress(
            self.session_id,
            segments_done=sum(record.outcome != "abandoned" for record in records),
            active_seconds=sum(record.active_seconds for record in records),
            snapshot=None if quit_ else self.engine.snapshot(),
            exercise=exercise,
        )

    def abandon(self) -> None:
        """Close the session as abandoned: it will not be offered for resuming."""
        self.log.finish_session(self.session_id, status="abandoned", ended=self._now())

    def check_out(self, pain_after: int | None, note: str | None = None) -> None:
        """Record the pain score (0-10) and the note given after the session."""
        self.log.check_out(self.session_id, pain_after=pain_after, note=note)


def _exercise_record(
    engine: SessionEngine, segment: Segment, outcome: LoggedOutcome, hurt: Segment | None = None
) -> ExerciseRecord | None:
    """What has been done of `segment`'s exercise step so far (None for a rest step);
    `hurt` is the segment being done when it hurt."""
    step = [
        (index, each)
        for index, each in enumerate(engine.segments)
        if each.step_index == segment.step_index
    ]
    work = [(index, each) for index, each in step if each.kind.is_work]
    if not work:
        return None
    latest: dict[int, SegmentRecord] = {}
    for record in engine.records:  # a segment repeated after back(): its last pass counts
        latest[record.index] = record
    completed = [(index, each) for index, each in work if _completed(latest.get(index))]
    # A step in a block is done once a round: each round's sets count as sets of the step.
    sets_done = sum(
        all(_completed(latest.get(index)) for index, each in work if _set_of(each) == number)
        for number in {_set_of(each) for _, each in work}
    )
    first = work[0][1]
    return ExerciseRecord(
        step_index=segment.step_index,
        name=segment.name,
        planned_seconds=float(sum(each.planned_seconds for _, each in work)),
        active_seconds=sum(latest[index].active_seconds for index, _ in work if index in latest),
        sets_done=sets_done,
        set_count=first.set_count * first.round_count,
        reps_done=(
            sum(_reps_done(each, latest[index]) for index, each in completed)
            if first.rep_count is not None
            else None
        ),
        rep_count=first.rep_count,
        outcome=outcome,
        hurt_side=hurt.side if hurt else None,
        hurt_set=hurt.set_number if hurt else None,
        reps_planned=(
            sum(_reps_of(each) for _, each in work) if first.rep_count is not None else None
        ),
        kind=STEP_KINDS[first.kind],
    )


def _set_of(segment: Segment) -> tuple[int, int]:
    return (segment.round_number, segment.set_number)


def _reps_done(segment: Segment, record: SegmentRecord) -> int:
    """The reps a completed work segment finished: what the patient typed (the steps of a
    walk), else what it plans."""
    return record.count if record.count is not None else _reps_of(segment)


def _reps_of(segment: Segment) -> int:
    """The reps a work segment finishes as planned: a rep's last phase counts one, a breath
    one, a self-paced set its reps (on each side when it alternates)."""
    if segment.kind is SegmentKind.REP:
        return int(segment.ends_rep)
    if segment.kind in {SegmentKind.BREATHE_IN, SegmentKind.BREATHE_OUT}:
        return int(segment.kind is SegmentKind.BREATHE_IN)
    return (segment.rep_count or 0) * (2 if segment.alternate else 1)


def _completed(record: SegmentRecord | None) -> bool:
    return record is not None and record.outcome == "completed"
