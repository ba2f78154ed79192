"""A patient's fortnight, written into a real log by the real engine and recorder.

Two weeks of a "5 per week" routine (id, version, progressions) as a review visit would
find them: sessions done in full, a day screened out at the check-in, bird-dog stopped
twice because it hurt on the right side, a bridge with reps skipped (partly done), a
session quit and resumed later the same day, one quit and left, pain that did not settle
by the next morning once, and notes, one of them hostile.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from backroutine.log.store import CheckInRecord, CompletionLog
from backroutine.routine.loader import load_routine
from backroutine.routine.model import LoadedRoutine
from backroutine.routine.safety import CheckInAnswers, check_in_advice
from backroutine.session.engine import FakeClock, SessionEngine
from backroutine.session.recorder import SessionRecorder

ROUTINE = """\
title: Low back, weeks 1-6
id: low-back-basics
version: "1.2"
frequency: 5 per week
defaults: {prepare: 1, relax: 1}
progression: {hold: "+1s per week, up to 3s"}
steps:
  - {name: Bird-dog, reps: 2, hold: 1, per_side: true, sets: 2, rest: 1}
  - {name: Bridge, reps: 3, hold: 1}
  - {name: Knee hug, hold: 2}
"""
LONDON = ZoneInfo("Europe/London")
FIRST_DAY = date(2026, 6, 1)  # a Monday, in British Summer Time
HOSTILE_NOTE = "<script>alert(1)</script> \x1b[31mred\x1b[0m [bold]markup[/bold] & more"


@dataclass(frozen=True)
class Day:
    """What happened on one day of the fortnight."""

    plan: str
    """full, hurt, partial, quit_resume, quit, screened, none."""
    before: int | None = None
    after: int | None = None
    settled: bool | None = None
    """The answer, at this day's check-in, about the last session's next morning."""
    note: str | None = None


FORTNIGHT = (
    Day("full", 3, 2, note="Felt loose afterwards."),
    Day("full", 2, 2, settled=True),
    Day("hurt", 3, 5, settled=True, note="Right side of the back twinged on bird-dog."),
    Day("screened", 4, settled=True),  # a fever: told to call the GP today
    Day("partial", 3, 3),
    Day("none"),
    Day("none"),
    Day("full", 2, 1, settled=False),  # the partial day's pain did not settle
    Day("quit_resume", 2, 2, settled=True),
    Day("hurt", 4, 6, settled=True, note=HOSTILE_NOTE),
    Day("quit", 3, settled=True),
    Day("full", 2, 2),
    Day("full", 2, 1, settled=True),
    Day("none"),
)


def write_routine(folder: Path) -> LoadedRoutine:
    """The fortnight's routine file, loaded."""
    path = folder / "low-back.yaml"
    path.write_text(ROUTINE)
    return load_routine(path)


class _Wall:
    """Local wall-clock time that follows the fake monotonic clock from `start`."""

    def __init__(self, clock: FakeClock, start: datetime) -> None:
        self.clock, self.start, self.origin = clock, start, clock()

    def __call__(self) -> datetime:
        return self.start + timedelta(seconds=self.clock() - self.origin)


def _run(engine: SessionEngine, clock: FakeClock, *, until: str | None = None) -> None:
    """Run the engine until it finishes, or until the step named `until` is under way."""
    while engine.status not in ("finished", "abandoned"):
        segment = engine.segments[engine.index]
        if until and segment.name == until and segment.kind.is_work:
            return
        clock.advance(0.1)
        engine.update()
        if engine.status == "waiting":
            engine.done()


def _to(engine: SessionEngine, clock: FakeClock, name: str, side: str, set_number: int) -> None:
    while True:
        segment = engine.segments[engine.index]
        where = (segment.name, segment.side, segment.set_number)
        if where == (name, side, set_number) and segment.kind.is_work:
            return
        clock.advance(0.1)
        engine.update()


def write_fortnight(log: CompletionLog, loaded: LoadedRoutine) -> None:
    """Write the fortnight into `log`, each day at 08:00 London time."""
    for number, day in enumerate(FORTNIGHT):
        morning = datetime.combine(FIRST_DAY + timedelta(days=number), time(8), LONDON)
        week = number // 7 + 1
        if day.plan == "none":
            continue
        previous = log.sessions()
        answers = CheckInAnswers(
            pain_now=day.before,
            settled=day.settled,
            answered_yes=("fever_unwell",) if day.plan == "screened" else (),
        )
        check_in_id = log.record_check_in(
            CheckInRecord(
                loaded.routine.title,
                str(loaded.source),
                morning,
                asked=True,
                went_ahead=answers.go_ahead,
                pain_now=day.before,
                settled=day.settled,
                settled_session_id=previous[-1].id
                if previous and day.settled is not None
                else None,
                answered_yes=answers.answered_yes,
                tier=answers.tier.value if answers.tier else None,
                advice=tuple(check_in_advice(answers, "999")),
            )
        )
        if not answers.go_ahead:
            continue
        clock = FakeClock()
        wall = _Wall(clock, morning + timedelta(minutes=1))
        engine = SessionEngine(loaded.routine.segments(), clock)
        recorder = SessionRecorder.start(
            log, loaded, engine, pain_before=day.before, week=week, now=wall
        )
        log.attach_check_in(check_in_id, recorder.session_id)
        engine.start()
        if day.plan == "hurt":
            _to(engine, clock, "Bird-dog", "right", 2)
            engine.hurt()
            engine.resume()  # a hurt pauses before the next exercise
        elif day.plan == "partial":
            _run(engine, clock, until="Bridge")
            engine.skip_segment()  # the first rep; the other two done
        elif day.plan in ("quit", "quit_resume"):
            _run(engine, clock, until="Bridge")
            engine.quit()
            if day.plan == "quit":
                continue
            clock.advance(3600)  # back an hour later
            (session,) = log.unfinished_sessions()
            recorder = SessionRecorder.resume(log, session, loaded, clock, now=wall)
            engine = recorder.engine
            engine.resume()
        _run(engine, clock)
        recorder.check_out(day.after, day.note)


def patient_log(folder: Path) -> Path:
    """A log of the fortnight in `folder` (routine file beside it); returns the log's path."""
    loaded = write_routine(folder)
    path = folder / "log.sqlite3"
    with CompletionLog.open(path) as log:
        write_fortnight(log, loaded)
    return path
