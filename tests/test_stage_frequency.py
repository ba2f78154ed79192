"""`frequency:` on a stage: how often while that stage is the patient's, from the file
through the log to history, due, the clinic report and the handout. Real routine files (the
graded walking programme), a real SQLite log, the real session workflow."""

from __future__ import annotations

import io
import json
import shutil
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from backroutine.log.export import export
from backroutine.log.history import read_history
from backroutine.log.report import patient_report, summary
from backroutine.log.report_html import render_report
from backroutine.log.store import CompletionLog, StageAnswer
from backroutine.reminders.due import read_due
from backroutine.routine.loader import RoutineFileError, check_routine_file, load_routine
from backroutine.session.engine import FakeClock
from backroutine.session.workflow import EngineOptions, start_session

LONDON = ZoneInfo("Europe/London")
MONDAY = date(2026, 11, 2)
GRADED_WALKING = Path(__file__).parent.parent / "docs" / "programmes" / "graded-walking.yaml"

STAGED = """\
backroutine: 2
title: Return to activity
frequency: daily
stages:
  - name: Every day
    steps:
      - {name: Bridge, hold: 2s, prepare: 1s}
  - name: Three days a week
    frequency: {frequency}
    steps:
      - {name: Squat, reps: 2}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "routine.yaml"
    path.write_text(text)
    return path


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(RoutineFileError) as raised:
        load_routine(write(tmp_path, text))
    return [f"{p.line}:{p.column}: {p.message}" for p in raised.value.problems]


# --- the file -------------------------------------------------------------------------


def test_a_stage_says_how_often_and_the_others_keep_the_routines(tmp_path):
    routine = load_routine(write(tmp_path, STAGED.replace("{frequency}", "3 per week"))).routine
    assert [str(routine.frequency_for(number)) for number in (1, 2)] == ["daily", "3 per week"]
    days = STAGED.replace("{frequency}", "3 per week\n    on: [mon, wed, fri]")
    routine = load_routine(write(tmp_path, days)).routine
    assert str(routine.frequency_for(2)) == "daily on mon, wed, fri"
    rhythm = STAGED.replace("{frequency}", "every 2 hours between 08:00 and 20:00")
    assert str(load_routine(write(tmp_path, rhythm)).routine.frequency_for(2)) == (
        "every 2 hours between 08:00 and 20:00"
    )


def test_a_stage_frequency_slip_is_said_as_the_routines_is_at_the_stages_line(tmp_path):
    at_routine = problems(
        tmp_path, "title: T\nfrequency: 3 per wek\nsteps:\n  - {name: A, hold: 5s}\n"
    )
    at_stage = problems(tmp_path, STAGED.replace("{frequency}", "3 per wek"))
    assert [line.split(": ", 1)[1] for line in at_stage] == [
        line.split(": ", 1)[1] for line in at_routine
    ]
    assert at_stage[0].startswith("9:16: frequency: '3 per wek' is not a frequency")
    misspelt = problems(tmp_path, STAGED.replace("frequency: {frequency}", "frequncy: daily"))
    assert misspelt == ["9:5: unknown key 'frequncy' in stage 2: did you mean 'frequency'?"]
    as_needed = problems(tmp_path, STAGED.replace("{frequency}", "as needed\n    on: [mon]"))
    assert as_needed[0].startswith("8:5: ") and "'as needed' has no days" in as_needed[0]


def test_a_stage_that_repeats_the_routines_frequency_is_warned_about(tmp_path):
    _, warnings = check_routine_file(write(tmp_path, STAGED.replace("{frequency}", "daily")))
    assert [f"{w.line}:{w.column}: {w.message}" for w in warnings] == [
        "9:5: frequency: daily is the routine's already: leave it out of the stage, or give"
        " the stage its own"
    ]


# --- the log, history, due and the report ---------------------------------------------


def at(day: date, hour: int = 18) -> datetime:
    return datetime.combine(day, time(hour), LONDON)


def test_a_session_logs_the_frequency_of_its_stage(tmp_path):
    loaded = load_routine(write(tmp_path, STAGED.replace("{frequency}", "3 per week")))
    path = str(loaded.source.resolve())
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        options = EngineOptions()
        first = start_session(
            log, loaded, FakeClock(), options, pain_before=None, check_in_id=None, day=MONDAY
        )
        log.record_stage_answer(StageAnswer(path, at(MONDAY), "move_on", True, 1, 2))
        second = start_session(
            log, loaded, FakeClock(), options, pain_before=None, check_in_id=None, day=MONDAY
        )
        logged = [log.session(new.recorder.session_id) for new in (first, second)]
    assert [(s.stage, str(s.frequency)) for s in logged] == [(1, "daily"), (2, "3 per week")]


@pytest.fixture
def walked(tmp_path: Path) -> tuple[Path, Path]:
    """Graded walking, as a patient's own file: two weeks of stage 1 (3 per week) on Mon,
    Wed and Fri, a yes to move on, then stage 2 (4 per week) on Mon, Tue and Wed of week 3.
    Each session is logged with its stage and the frequency its stage prescribes."""
    folder = tmp_path / "routines"
    folder.mkdir()
    path = folder / "graded-walking.yaml"
    shutil.copy(GRADED_WALKING, path)
    routine = load_routine(path).routine
    days = [(week * 7 + day, 1) for week in (0, 1) for day in (0, 2, 4)]
    days += [(14 + day, 2) for day in (0, 1, 2)]
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        for offset, stage in days:
            started = at(MONDAY + timedelta(days=offset), 8)
            session_id = log.start_session(
                routine_title=routine.title,
                routine_path=str(path.resolve()),
                routine_sha256="walk",
                frequency=routine.frequency_for(stage),
                planned_seconds=1500,
                started=started,
                time_zone="Europe/London",
                stage=stage,
            )
            log.finish_session(session_id, status="completed", ended=started + timedelta(hours=1))
        friday = at(MONDAY + timedelta(days=11), 9)
        log.record_stage_answer(StageAnswer(str(path.resolve()), friday, "move_on", True, 1, 2))
    return folder, tmp_path / "log.sqlite3"


THURSDAY_WEEK_3 = MONDAY + timedelta(days=17)


def test_history_judges_each_week_by_the_stage_current_then(walked):
    _, log_file = walked
    with CompletionLog.open(log_file) as log:
        [history] = read_history(log, now=at(THURSDAY_WEEK_3, 7), tz=LONDON)
    assert str(history.frequency) == "4 per week"
    # Weeks 1 and 2 met their 3 a week; judged by stage 2's 4 they would be 6 of 8.
    assert (history.last_four_weeks.done, history.last_four_weeks.prescribed) == (6, 6)
    assert (history.this_week.done, history.this_week.prescribed) == (3, 4)
    # Stage 2's run starts this week, not yet met; stage 1's best run was its two weeks.
    assert (history.streak.current, history.streak.best, history.streak.unit) == (0, 2, "week")


def test_due_asks_for_the_days_of_the_patients_stage(walked):
    folder, log_file = walked
    with CompletionLog.open(log_file) as log:
        [status] = read_due(log, folder, now=at(THURSDAY_WEEK_3, 7), tz=LONDON)
    # With the routine's 3 per week it would be "done for this week (3 of 3)".
    assert status.due
    assert status.describe() == "Graded walking: due today, 3 of 4 this week done"


def test_the_report_prescribes_each_week_what_its_stage_did(walked):
    _, log_file = walked
    out = io.StringIO()
    with CompletionLog.open(log_file) as log:
        export(log, "json", None, out, now=at(THURSDAY_WEEK_3 + timedelta(days=3)))
    report = patient_report(json.loads(out.getvalue()), since=MONDAY)
    assert [(p.first, p.done, p.prescribed) for p in report.periods] == [
        (MONDAY, 3, 3),
        (MONDAY + timedelta(weeks=1), 3, 3),
        (MONDAY + timedelta(weeks=2), 3, 4),
    ]
    page = render_report(report)
    assert page.count("<td>3 of 3</td>") == 2 and page.count("<td>3 of 4</td>") == 1
    assert summary(report)[0] == (
        "Did 9 of 10 prescribed sessions (3 per week, then 4 per week, 02 Nov to 22 Nov 2026)."
    )


def test_the_handout_says_each_stages_frequency_and_the_patients(walked, capsys):
    from backroutine.cli.main import main

    folder, log_file = walked
    data = log_file.parent
    assert main(["print", str(folder / "graded-walking.yaml"), "--data-dir", str(data)]) == 0
    handout = capsys.readouterr().out
    assert "How often: 4 per week" in handout
    assert "- Stage 1, 15 minutes, weeks 1 and 2 (3 per week): move on" in handout
    assert "- Stage 2, 20 minutes, week 3 (4 per week): move on" in handout
    assert "- Stage 4, 25 minutes on five days, from week 5 (5 per week)\n" in handout


def test_list_and_the_calendar_take_the_frequency_of_the_patients_stage(walked, capsys):
    from backroutine.cli.main import main

    _, log_file = walked
    data = log_file.parent
    assert main(["list", "--data-dir", str(data)]) == 0
    [line] = [line for line in capsys.readouterr().out.splitlines() if "Graded walking" in line]
    assert "4 per week" in line and "3 per week" not in line
    calendar = ["--data-dir", str(data), "remind", "ics", "graded-walking"]
    calendar += ["--days", "mon,tue,thu,sat", "-o", str(data / "walk.ics")]
    assert main(calendar) == 0  # four days, as stage 2 prescribes: 3 per week would refuse them
    assert "4 per week on mo, tu, th, sa at 08:00" in capsys.readouterr().err


def test_moving_on_starts_the_new_stages_streak_before_its_first_session(tmp_path):
    folder = tmp_path / "routines"
    folder.mkdir()
    path = folder / "activity.yaml"
    path.write_text(STAGED.replace("{frequency}", "3 per week"))
    routine = load_routine(path).routine
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        for day in range(7):  # stage 1 daily, every day of the week
            started = at(MONDAY + timedelta(days=day), 8)
            session_id = log.start_session(
                routine_title=routine.title,
                routine_path=str(path.resolve()),
                routine_sha256="a",
                frequency=routine.frequency_for(1),
                planned_seconds=60,
                started=started,
                time_zone="Europe/London",
                stage=1,
            )
            log.finish_session(session_id, status="completed", ended=started + timedelta(hours=1))
        sunday = at(MONDAY + timedelta(days=6), 9)
        log.record_stage_answer(StageAnswer(str(path.resolve()), sunday, "move_on", True, 1, 2))
        [status] = read_due(log, folder, now=at(MONDAY + timedelta(days=7), 7), tz=LONDON)
    # Not "streak 1 week" from stage 1's daily sessions: stage 2's run has not begun.
    assert status.describe() == "Return to activity: due today, 0 of 3 this week done"


def test_a_stage_twice_a_day_then_one_three_times_a_week_is_judged_in_days_then_weeks(
    tmp_path,
):
    from backroutine.routine.frequency import parse_frequency

    twice_daily = [(day, hour, 1, "2 per day") for day in range(7) for hour in (8, 18)]
    three_a_week = [(7 + day, 8, 2, "3 per week") for day in (0, 2, 4)]
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        for day, hour, stage, frequency in twice_daily + three_a_week:
            started = at(MONDAY + timedelta(days=day), hour)
            session_id = log.start_session(
                routine_title="McKenzie-style",
                routine_path="/m.yaml",
                routine_sha256="m",
                frequency=parse_frequency(frequency),
                planned_seconds=60,
                started=started,
                time_zone="Europe/London",
                stage=stage,
            )
            log.finish_session(session_id, status="completed", ended=started + timedelta(minutes=5))
        [history] = read_history(log, now=at(MONDAY + timedelta(days=13), 20), tz=LONDON)
    # Week 1 prescribed 14 (twice on each of 7 days), all done; week 2 its 3.
    assert (history.last_four_weeks.done, history.last_four_weeks.prescribed) == (14, 14)
    assert (history.this_week.done, history.this_week.prescribed) == (3, 3)
    # One week met at stage 2; stage 1's 7 days are not a run of weeks.
    assert (history.streak.current, history.streak.best, history.streak.unit) == (1, 1, "week")
