"""The recorder writes a session into the log as it goes, and resumes an unfinished one."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from backroutine.base.clock import zone_name
from backroutine.log.store import CompletionLog
from backroutine.routine.loader import load_routine
from backroutine.routine.model import SegmentKind
from backroutine.session.engine import FakeClock, SessionEngine
from backroutine.session.recorder import CannotResume, SessionRecorder

ROUTINE = """\
title: Short test routine
frequency: 3 per week
defaults:
  prepare: 1
  relax: 1
steps:
  - name: Bridge
    reps: 3
    hold: 1
  - rest: 1
  - name: Plank
    hold: 2
    sets: 2
    rest: 1
  - name: Cat-cow
    reps: 5
"""
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def loaded(tmp_path: Path):
    path = tmp_path / "short.yaml"
    path.write_text(ROUTINE)
    return load_routine(path)


@pytest.fixture
def log(tmp_path: Path):
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        yield log


class WallClock:
    """Wall-clock time that follows the fake monotonic clock."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.start = datetime(2024, 3, 31, 0, 50, tzinfo=LONDON)  # just before BST begins

    def __call__(self) -> datetime:
        return self.start + timedelta(seconds=self.clock())


def run_for(engine: SessionEngine, clock: FakeClock, seconds: float) -> None:
    for _ in range(int(seconds * 10)):
        clock.advance(0.1)
        engine.update()
        if engine.status == "waiting":  # the self-paced set: the patient presses Done
            engine.done()


def test_a_whole_session_is_logged_with_each_exercise(loaded, log):
    clock = FakeClock()
    engine = SessionEngine(loaded.routine.segments(), clock)
    recorder = SessionRecorder.start(log, loaded, engine, pain_before=3, now=WallClock(clock))
    engine.start()
    run_for(engine, clock, 30)
    recorder.check_out(pain_after=2, note="fine")

    assert engine.status == "finished"
    session = log.session(recorder.session_id)
    assert (session.status, session.pain_before, session.pain_after) == ("completed", 3, 2)
    assert session.routine_title == "Short test routine"
    assert session.routine_path == str(loaded.source.resolve())
    assert session.routine_sha256 == loaded.sha256
    assert session.time_zone == "Europe/London"
    assert session.started == datetime(2024, 3, 31, 0, 50, tzinfo=LONDON)
    assert session.segments_done == len(engine.segments)
    assert log.snapshot(session.id) is None
    rows = {e.name: e for e in session.exercises}
    assert set(rows) == {"Bridge", "Plank", "Cat-cow"}
    assert (rows["Bridge"].reps_done, rows["Bridge"].rep_count, rows["Bridge"].outcome) == (
        3,
        3,
        "done",
    )
    assert (rows["Plank"].sets_done, rows["Plank"].set_count) == (2, 2)
    assert rows["Plank"].planned_seconds == 4
    assert rows["Plank"].active_seconds == pytest.approx(4, abs=0.2)
    assert rows["Cat-cow"].reps_done == 5


def test_skipped_and_hurt_exercises_are_logged_as_such(loaded, log):
    clock = FakeClock()
    engine = SessionEngine(loaded.routine.segments(), clock)
    recorder = SessionRecorder.start(log, loaded, engine, now=WallClock(clock))
    engine.start()
    engine.skip_exercise()  # Bridge
    engine.skip_exercise()  # the rest
    clock.advance(2.5)  # into Plank's first hold
    engine.update()
    engine.hurt()

    rows = {e.name: e for e in log.session(recorder.session_id).exercises}
    assert rows["Bridge"].outcome == "skipped" and rows["Bridge"].reps_done == 0
    assert rows["Plank"].outcome == "hurt" and rows["Plank"].sets_done == 0
    assert log.session(recorder.session_id).status == "in_progress"


def test_a_quit_session_resumes_where_it_stopped_and_completes(loaded, log):
    clock = FakeClock()
    engine = SessionEngine(loaded.routine.segments(), clock)
    first = SessionRecorder.start(log, loaded, engine, now=WallClock(clock))
    engine.start()
    run_for(engine, clock, 6.55)  # get ready, reps and relaxes, then half the rest step
    stopped_at = engine.index
    engine.pause()
    engine.quit()

    [unfinished] = log.unfinished_sessions()
    assert unfinished.id == first.session_id
    assert unfinished.segments_done == stopped_at

    later = FakeClock(1000)
    recorder = SessionRecorder.resume(log, unfinished, loaded, later, now=WallClock(later))
    resumed = recorder.engine
    assert (resumed.status, resumed.index) == ("paused", stopped_at)
    assert resumed.segments[stopped_at].kind is SegmentKind.REST
    assert resumed.elapsed() == pytest.approx(0.55, abs=0.11)
    resumed.resume()
    run_for(resumed, later, 30)

    session = log.session(first.session_id)
    assert session.status == "completed" and log.unfinished_sessions() == []
    assert [e.outcome for e in session.exercises] == ["done", "done", "done"]


def test_an_unfinished_session_of_a_changed_routine_cannot_be_resumed(loaded, log, tmp_path):
    clock = FakeClock()
    engine = SessionEngine(loaded.routine.segments(), clock)
    SessionRecorder.start(log, loaded, engine, now=WallClock(clock))
    engine.start()
    run_for(engine, clock, 2)
    loaded.source.write_text(ROUTINE.replace("reps: 3", "reps: 4"))

    [unfinished] = log.unfinished_sessions()
    with pytest.raises(CannotResume, match="changed"):
        SessionRecorder.resume(log, unfinished, load_routine(loaded.source), FakeClock())


def test_an_abandoned_session_is_no_longer_offered(loaded, log):
    clock = FakeClock()
    engine = SessionEngine(loaded.routine.segments(), clock)
    recorder = SessionRecorder.start(log, loaded, engine, now=WallClock(clock))
    engine.start()
    run_for(engine, clock, 2)
    engine.quit()
    recorder.abandon()
    assert log.unfinished_sessions() == []
    assert log.session(recorder.session_id).status == "abandoned"


def test_the_time_zone_is_named():
    assert zone_name(datetime(2024, 7, 1, tzinfo=LONDON)) == "Europe/London"
    assert zone_name(datetime(2024, 7, 1, tzinfo=LONDON).astimezone()) != ""


def test_the_resume_question_says_when_the_session_stopped_not_when_it_started(loaded, log):
    from backroutine.session.workflow import next_resume_offer

    clock = FakeClock()
    engine = SessionEngine(loaded.routine.segments(), clock)
    SessionRecorder.start(log, loaded, engine, now=WallClock(clock))  # 00:50 London
    engine.start()
    clock.advance(20 * 60)  # twenty minutes in (the self-paced set waits): quit at 01:10
    engine.update()
    engine.pause()
    engine.quit()

    later = FakeClock(10_000)
    offer = next_resume_offer(
        log, lambda path: loaded, routine=loaded.source, clock=later, now=WallClock(later)
    )
    assert offer is not None
    # 01:10 GMT, 02:10 in London once the clocks went forward (it said 00:50, the start).
    assert "You stopped Short test routine today at 02:10, at" in offer.question
