"""What counts as having done the routine: an exercise, breathing or a walk, not a card read
or a pack put on. One definition (`history.did_the_routine`), the same in the history,
`due` and the therapist's report, from sessions the real recorder wrote into a real log."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from backroutine.log.export import export, history_lines
from backroutine.log.history import read_history
from backroutine.log.report import patient_report
from backroutine.log.store import CompletionLog
from backroutine.reminders.due import read_due
from backroutine.routine.loader import load_routine
from backroutine.session.engine import FakeClock, SessionEngine
from backroutine.session.recorder import SessionRecorder

LONDON = ZoneInfo("Europe/London")
MONDAY = datetime(2025, 5, 5, 8, tzinfo=LONDON)
ROUTINE = """\
backroutine: 2
title: Back in the morning
frequency: daily
steps:
  - card: {title: About your back, text: "Backs are strong."}
  - heat: 1 min
  - name: Pelvic tilt
    reps: 5
  - rest: 10s
"""
CARD_ONLY = """\
backroutine: 2
title: Reading
frequency: daily
steps:
  - card: {title: About your back, text: "Backs are strong."}
"""


def play(log: CompletionLog, path: Path, started: datetime, *, do_the_exercise: bool) -> None:
    """One session as the patient plays it: the card read, the pack skipped, the exercise
    done or skipped; the session goes to its end either way."""
    clock = FakeClock()
    engine = SessionEngine(load_routine(path).routine.segments(), clock)
    recorder = SessionRecorder.start(
        log, load_routine(path), engine, now=lambda: started + timedelta(seconds=clock())
    )
    engine.start()
    clock.advance(20)
    engine.done()  # the card, read
    while engine.status != "finished":
        segment = engine.current
        assert segment is not None
        if segment.step_index == 1:
            engine.skip_exercise()  # the pack
        elif not do_the_exercise:
            engine.skip_exercise()
        else:
            clock.advance(5)
            engine.update()
            if engine.waiting_for is not None:
                engine.done() if engine.waiting_for == "done" else engine.ready()
    recorder.check_out(pain_after=None)


def test_a_session_where_only_the_card_was_read_is_not_the_routine_done(tmp_path: Path):
    routines = tmp_path / "routines"
    routines.mkdir()
    path = routines / "morning.yaml"
    path.write_text(ROUTINE)
    friday = MONDAY + timedelta(days=4, hours=12)
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        play(log, path, MONDAY, do_the_exercise=True)
        for day in range(1, 5):  # Tuesday to Friday: the card read, nothing else done
            play(log, path, MONDAY + timedelta(days=day), do_the_exercise=False)
        [history] = read_history(log, now=friday, tz=LONDON)
        due = read_due(log, routines, now=friday, tz=LONDON)
        out = io.StringIO()
        export(log, "json", out=out, now=friday)
    document = json.loads(out.getvalue())
    assert (history.completed, history.none_done) == (1, 4)
    assert history.streak.current == 0
    said = "\n".join(history_lines(history))
    assert "Sessions done: 1 of 5 started, the last on Mon 05 May 2025." in said  # not Friday
    assert "4 sessions with no exercise done are not counted" in said
    [morning] = due
    assert morning.due  # Friday's card alone did not do Friday's routine
    report = patient_report(document, since=MONDAY.date())
    assert report.done == 1
    assert [line.counts for line in report.sessions] == [True, False, False, False, False]
    kinds = [each.get("kind") for each in document["sessions"][0]["exercises"]]
    assert kinds == ["card", "pack", "exercise"]  # what the therapist's export says of each


def test_in_a_routine_of_only_a_card_reading_it_is_doing_it(tmp_path: Path):
    path = tmp_path / "reading.yaml"
    path.write_text(CARD_ONLY)
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        play(log, path, MONDAY, do_the_exercise=False)
        [history] = read_history(log, now=MONDAY + timedelta(hours=1), tz=LONDON)
    assert (history.completed, history.none_done) == (1, 0)


def test_the_skipped_or_hurt_list_names_the_exercise_skipped_not_the_pack(tmp_path: Path):
    path = tmp_path / "morning.yaml"
    path.write_text(ROUTINE)
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        for day in range(3):  # the pack skipped each day, the exercise twice
            play(log, path, MONDAY + timedelta(days=day), do_the_exercise=day == 0)
        [history] = read_history(log, now=MONDAY + timedelta(days=3), tz=LONDON)
    said = "\n".join(history_lines(history))
    assert [(t.name, t.skipped, t.hurt) for t in history.troubles] == [("Pelvic tilt", 2, 0)]
    assert "Pelvic tilt" in said
    assert "Heat pack" not in said
