"""Format 2: stages and frequency patterns, from the file through the log to due, history
and the calendar. Real routine files, a real SQLite log, the real session workflow."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from backroutine.base.paths import bundled_routines_dir
from backroutine.log.history import adherence, streak
from backroutine.log.store import MIGRATIONS, SCHEMA_VERSION, CompletionLog, StageAnswer
from backroutine.reminders.due import FollowedRoutine, due_status
from backroutine.reminders.ics import ScheduleError, routine_calendar, schedule_for
from backroutine.routine.frequency import parse_frequency
from backroutine.routine.loader import RoutineFileError, check_routine_file, load_routine
from backroutine.session.engine import FakeClock
from backroutine.session.workflow import (
    EngineOptions,
    for_today,
    next_resume_offer,
    stage_question,
    start_session,
)

LONDON = ZoneInfo("Europe/London")
MONDAY = date(2026, 11, 2)

STAGED = """\
backroutine: 2
title: Extension in lying
frequency: daily
stages:
  - name: Lying face down
    move_on: when the pain has eased or moved towards your back
    ask_every: every session
    steps:
      - {name: Lie face down, hold: 2s, prepare: 1s}
  - name: On elbows
    move_on: when you can stay 2 minutes without pain
    ask_every: 1 week
    steps:
      - {name: Prone on elbows, hold: 2s, prepare: 1s}
  - name: Press-ups
    steps:
      - {name: Press-up, reps: 2, hold: 1s, relax: 1s, prepare: 1s}
"""


def write(tmp_path: Path, text: str, name: str = "routine.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(RoutineFileError) as raised:
        load_routine(write(tmp_path, text))
    return [f"{p.line}:{p.column}: {p.message}" for p in raised.value.problems]


# --- the file -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "expected"),
    [
        ("every 2 hour between 08:00 and 20:00", "write 'every 2 hours'"),
        ("every 2 hours between 20:00 and 08:00", "the window ends before it starts"),
        ("every 20 minutes", "say between which times"),
        ("2-1 per day", "a range goes up"),
        ("as needed on mon", "'as needed' has no days"),
    ],
)
def test_frequency_slips_are_located_and_explained(tmp_path, frequency, expected):
    text = f"title: T\nfrequency: {frequency}\nsteps:\n  - {{name: A, hold: 5s}}\n"
    [problem] = problems(tmp_path, text)
    assert problem.startswith("2:12: frequency: ") and expected in problem


def test_a_misspelt_weekday_is_located_with_a_suggestion(tmp_path):
    text = "title: T\non: [mon, wensday]\nsteps:\n  - {name: A, hold: 5s, days: [thurs, fry]}\n"
    assert problems(tmp_path, text) == [
        "2:11: on item 2: 'wensday' is not a day of the week: did you mean wed?",
        "4:39: days item 2: 'fry' is not a day of the week: did you mean fri?",
    ]


def test_steps_and_stages_together_are_refused(tmp_path):
    text = STAGED.replace("stages:", "steps:\n  - {name: A, hold: 5s}\nstages:")
    assert any("not both" in problem for problem in problems(tmp_path, text))


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("1-2 times a day", "1-2 per day"),
        ("as needed", "as needed"),
        ("every 2 hours between 8:00 and 20:00", "every 2 hours between 08:00 and 20:00"),
        ("every 20 minutes between 09:00 and 17:00", "every 20 minutes between 09:00 and 17:00"),
        ("3 per week on mon, wed, fri", "daily on mon, wed, fri"),
    ],
)
def test_each_frequency_pattern_reads_and_is_said_back_the_same(written, said):
    frequency = parse_frequency(written)
    assert str(frequency) == said
    assert parse_frequency(said) == frequency  # how the log and the routine index keep it


def test_the_on_key_names_the_weekdays_of_the_frequency(tmp_path):
    text = "title: T\nfrequency: daily\non: [mon, thu]\nsteps:\n  - {name: A, hold: 5s}\n"
    assert str(load_routine(write(tmp_path, text)).routine.frequency) == "daily on mon, thu"


def test_every_bundled_routine_plays_the_same_through_the_format_2_workflow():
    for path in sorted(bundled_routines_dir().glob("*.yaml")):
        loaded = load_routine(path)
        for day in (MONDAY + timedelta(days=n) for n in range(7)):
            played = for_today(None, loaded, day, None).routine
            assert played.segments() == loaded.routine.segments(), path.name


# --- steps for the day and the week ----------------------------------------------------

BY_DAY = """\
title: Strength and walking
steps:
  - {name: Sit to stand, reps: 5, days: [mon, thu]}
  - rest: 30s
  - {name: Walk, duration: 10m, days: [tue, fri]}
  - rest: 30s
  - {name: Cobra, hold: 20s, from_week: 4}
  - {name: Breathing, hold: 1m}
"""


def test_the_engine_plays_only_the_steps_for_today_and_this_week(tmp_path):
    loaded = load_routine(write(tmp_path, BY_DAY))
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        monday = start_session(
            log,
            loaded,
            FakeClock(),
            EngineOptions(),
            pain_before=None,
            check_in_id=None,
            day=MONDAY,
        )
        names = [step.name for step in monday.loaded.routine.exercises]
        assert names == ["Sit to stand", "Breathing"]
        assert [s.name for s in monday.engine.segments if s.kind.is_work] == [
            "Sit to stand",
            "Breathing",
        ]
        # A Friday in week 4 of the routine (counted from the day it was first done).
        first = log.sessions()[0].started.date()
        friday = first + timedelta(weeks=3, days=(4 - first.weekday()) % 7)
        friday_routine = for_today(log, loaded, friday, None).routine
        assert [step.name for step in friday_routine.exercises] == ["Walk", "Cobra", "Breathing"]
        assert len(friday_routine.steps) == 4  # the rest before the walk kept, no rest left doubled


STAGED_BLOCKS = """\
backroutine: 2
title: Big 3 in stages
stages:
  - name: Gentle
    move_on: when it is easy
    steps:
      - {name: Breathing, hold: 3 breaths}
      - block:
          name: Big 3
          rounds: 2
          rest_between_rounds: 10s
          steps:
            - {name: Curl-up, reps: 8-12, target: 10, hold: 2s, days: [mon]}
            - rest: 5s
            - {name: Side plank, hold: 10s, side: left, days: [tue]}
  - name: Stronger
    steps:
      - {name: Bird-dog, reps: [6, 4], hold: 3s, sides: alternate}
"""


def test_a_stage_takes_blocks_and_format_2_steps_each_day_its_own(tmp_path):
    loaded = load_routine(write(tmp_path, STAGED_BLOCKS))
    monday = for_today(None, loaded, MONDAY, 1).routine
    work = [s for s in monday.segments() if s.kind.is_work]
    # Breathing, then the block's Monday step in each round: no rest left alone in it.
    assert [(s.name, s.round_number) for s in work if s.rep_number in (None, 1)] == [
        ("Breathing", 1),
        ("Curl-up", 1),
        ("Curl-up", 2),
    ]
    assert {s.rep_count for s in work if s.name == "Curl-up"} == {10}  # the target
    assert [step.name for step in monday.steps if hasattr(step, "name")] == [
        "Breathing",
        "Curl-up",
    ]
    tuesday = for_today(None, loaded, MONDAY + timedelta(days=1), 1).routine
    plank = [s for s in tuesday.segments() if s.kind.is_work and s.name == "Side plank"]
    assert [(s.side, s.round_number) for s in plank] == [("left", 1), ("left", 2)]
    stronger = for_today(None, loaded, MONDAY, 2).routine
    sides = [s.side for s in stronger.segments() if s.kind.is_work][:4]
    assert sides == ["left", "right", "left", "right"]


def test_a_slip_in_a_block_of_a_stage_is_located_there(tmp_path):
    text = STAGED_BLOCKS.replace("side: left", "side: lefty").replace("target: 10", "target: 20")
    assert problems(tmp_path, text) == [
        "13:15: step 1 of the block in step 2 of stage 1: target: 20 is outside reps: 8-12: "
        "give a target within the range",
        "15:51: side: 'lefty' is not a side: did you mean left? write left, right or affected",
    ]


STAGED_ACTIVITIES = """\
backroutine: 2
title: Staged with a card and a walk
stages:
  - name: First
    move_on: when it is easy
    steps:
      - card: {title: Why, text: Moving helps.}
      - name: Bridge
        reps: 5
  - name: Second
    steps:
      - walk: {minutes: 10}
      - heat: 45 min
      - name: Plank
        hold: 10s
"""


def test_a_stage_takes_cards_packs_and_walks_whose_slips_are_located_there(tmp_path):
    typo = STAGED_ACTIVITIES.replace("minutes: 10", "minits: 10")
    assert problems(tmp_path, typo) == [
        "12:16: unknown key 'minits' in step 1 of stage 2: did you mean 'minutes'?"
    ]
    loaded, warnings = check_routine_file(write(tmp_path, STAGED_ACTIVITIES))
    assert [f"{w.line}:{w.column}: {w.message}" for w in warnings] == [
        "13:9: step 2: a heat pack for 45 min is more than the 20 minutes it may "
        "stay on the skin: write 15 min or 20 min"
    ]
    first = for_today(None, loaded, MONDAY, 1).routine
    assert [step.name for step in first.steps] == ["Why", "Bridge"]
    second = for_today(None, loaded, MONDAY, 2).routine
    assert [step.name for step in second.steps] == ["Walk", "Heat pack", "Plank"]


# --- stages in the log and the workflow ------------------------------------------------


def finish(log: CompletionLog, new, pain_after: int | None) -> None:
    """Play the whole session on the fake clock, then answer the check-out."""
    clock = new.engine._clock  # the FakeClock given to start_session
    new.engine.start()
    while new.engine.status != "finished":
        clock.advance(0.5)
        new.engine.update()
    new.recorder.check_out(pain_after)


def start(log, loaded, clock, day, pain_before=None):
    return start_session(
        log, loaded, clock, EngineOptions(), pain_before=pain_before, check_in_id=None, day=day
    )


def at(day: date, hour: int = 18) -> datetime:
    return datetime.combine(day, time(hour), LONDON)


def test_a_yes_moves_on_a_stage_and_worse_pain_offers_to_go_back(tmp_path):
    loaded = load_routine(write(tmp_path, STAGED))
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        first = start(log, loaded, FakeClock(), MONDAY, pain_before=3)
        assert [step.name for step in first.loaded.routine.exercises] == ["Lie face down"]
        finish(log, first, pain_after=2)
        question = stage_question(log, first.loaded, first.recorder.session_id, at(MONDAY))
        assert question is not None and question.kind == "move_on"
        assert question.text == (
            "You are at stage 1 of 3, Lying face down. Move on when the pain has eased or moved "
            "towards your back. Is that true for you now? A yes moves you on to stage 2 of 3, "
            "On elbows."
        )
        said = question.answer(log, True, at(MONDAY))
        assert said == "From your next session: stage 2 of 3, On elbows."

        second = start(log, loaded, FakeClock(), MONDAY + timedelta(days=1), pain_before=2)
        assert [step.name for step in second.loaded.routine.exercises] == ["Prone on elbows"]
        assert log.session(second.recorder.session_id).stage == 2
        finish(log, second, pain_after=6)  # worse than before: the pain rule
        offer = stage_question(log, second.loaded, second.recorder.session_id, at(MONDAY))
        assert offer is not None and offer.kind == "go_back"
        assert "Go back to stage 1 of 3, Lying face down" in offer.text
        offer.answer(log, True, at(MONDAY + timedelta(days=1)))
        assert log.current_stage(str(loaded.source.resolve())) == 1
        assert [
            (a.question, a.answer, a.stage_before, a.stage_after)
            for a in log.stage_answers(str(loaded.source.resolve()))
        ] == [("move_on", True, 1, 2), ("go_back", True, 2, 1)]


def test_a_no_keeps_the_stage_and_the_question_waits_for_ask_every(tmp_path):
    loaded = load_routine(write(tmp_path, STAGED))
    path = str(loaded.source.resolve())
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        new = start(log, loaded, FakeClock(), MONDAY)
        finish(log, new, pain_after=None)
        stage_question(log, new.loaded, new.recorder.session_id, at(MONDAY)).answer(
            log, True, at(MONDAY)
        )
        # Stage 2 asks once a week: not the next days, then again a week after the move.
        for days in (1, 6, 7):
            day = MONDAY + timedelta(days=days)
            new = start(log, loaded, FakeClock(), day)
            finish(log, new, pain_after=1)
            question = stage_question(log, new.loaded, new.recorder.session_id, at(day))
            assert (question is not None) == (days == 7), days
        question.answer(log, False, at(day))
        assert log.current_stage(path) == 2


def test_a_resumed_session_keeps_the_stage_it_was_started_at(tmp_path):
    loaded = load_routine(write(tmp_path, STAGED))
    path = str(loaded.source.resolve())
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        clock = FakeClock()
        new = start(log, loaded, clock, MONDAY)
        new.engine.start()
        clock.advance(1.5)  # into the hold of stage 1's exercise, then the app is killed
        new.engine.update()
        new.engine.pause()
        done = start(log, loaded, FakeClock(), MONDAY)  # meanwhile another, which moved on
        finish(log, done, pain_after=None)
        stage_question(log, done.loaded, done.recorder.session_id, at(MONDAY)).answer(
            log, True, at(MONDAY)
        )
        assert log.current_stage(path) == 2
        offer = next_resume_offer(
            log, lambda _: load_routine(loaded.source), routine=None, clock=FakeClock()
        )
        assert offer is not None and offer.session.id == new.recorder.session_id
        assert [step.name for step in offer.loaded.routine.exercises] == ["Lie face down"]
        assert offer.recorder.engine.current.name == "Lie face down"


def test_a_version_2_log_is_migrated_keeping_its_sessions(tmp_path):
    path = tmp_path / "log.sqlite3"
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA journal_mode = WAL")
    for migration in MIGRATIONS[:2]:
        raw.executescript(migration)
    raw.execute("PRAGMA application_id = 1651665772")
    raw.execute("PRAGMA user_version = 2")
    raw.execute(
        "INSERT INTO session (routine_title, routine_path, routine_sha256, frequency_count,"
        " frequency_period, started_utc, utc_offset_minutes, time_zone, status,"
        " planned_seconds) VALUES ('Old', '/r.yaml', 'abc', 3, 'week',"
        " '2026-10-01T08:00:00+00:00', 60, 'Europe/London', 'completed', 60)"
    )
    raw.commit()
    raw.close()
    with CompletionLog.open(path) as log:
        [old] = log.sessions()
        assert (old.routine_title, str(old.frequency), old.stage) == ("Old", "3 per week", None)
        assert log.current_stage("/r.yaml") == 1
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 6


def test_a_version_3_log_is_migrated_keeping_what_it_said_and_takes_stages(tmp_path):
    # Version 3 as backroutine wrote it before stages: the prescription's id, version
    # and week on each session, the side and set of a hurt, the reps planned.
    path = tmp_path / "log.sqlite3"
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA journal_mode = WAL")
    for migration in MIGRATIONS[:3]:
        raw.executescript(migration)
    raw.execute("PRAGMA application_id = 1651665772")
    raw.execute("PRAGMA user_version = 3")
    raw.execute(
        "INSERT INTO session (routine_title, routine_path, routine_sha256, frequency_count,"
        " frequency_period, started_utc, utc_offset_minutes, time_zone, status,"
        " planned_seconds, routine_id, routine_version, week) VALUES ('Old', '/r.yaml', 'abc',"
        " 5, 'week', '2026-10-01T08:00:00+00:00', 60, 'Europe/London', 'completed', 60,"
        " 'low-back', '1.2', 3)"
    )
    raw.execute(
        "INSERT INTO exercise (session_id, step_index, name, planned_seconds, active_seconds,"
        " sets_done, set_count, reps_done, rep_count, outcome, hurt_side, hurt_set,"
        " reps_planned) VALUES (1, 0, 'Bird-dog', 60, 40, 1, 2, 6, 4, 'hurt', 'right', 2, 8)"
    )
    raw.commit()
    raw.close()
    with CompletionLog.open(path) as log:
        [old] = log.sessions()
        assert (old.routine_id, old.routine_version, old.week) == ("low-back", "1.2", 3)
        assert (str(old.frequency), old.stage) == ("5 per week", None)
        [bird_dog] = log.session(old.id).exercises
        assert (bird_dog.hurt_side, bird_dog.hurt_set, bird_dog.reps_planned) == ("right", 2, 8)
        assert log.current_stage("/r.yaml") == 1
        log.record_stage_answer(
            StageAnswer("/r.yaml", at(MONDAY), "move_on", True, 1, 2, session_id=old.id)
        )
        assert log.current_stage("/r.yaml") == 2
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_frequency_pattern_is_logged_in_its_words(tmp_path):
    text = (
        "title: T\nfrequency: every 2 hours between 08:00 and 20:00\n"
        "steps:\n  - {name: A, hold: 1s}\n"
    )
    loaded = load_routine(write(tmp_path, text))
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        start(log, loaded, FakeClock(), MONDAY)
        [session] = log.sessions()
        assert str(session.frequency) == "every 2 hours between 08:00 and 20:00"


# --- due, history and the calendar for each pattern ------------------------------------


@pytest.fixture
def log(tmp_path):
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        yield log


def sessions_on(log: CompletionLog, *days_and_counts: tuple[date, int]):
    """Completed sessions logged on those days (as many as each count), read back."""
    for day, count in days_and_counts:
        for n in range(count):
            started = at(day, 8 + n)
            session_id = log.start_session(
                routine_title="R",
                routine_path="/r.yaml",
                routine_sha256="r",
                frequency=None,
                planned_seconds=60,
                started=started,
                time_zone="Europe/London",
            )
            log.finish_session(session_id, status="completed", ended=started + timedelta(minutes=1))
    return log.sessions()


def due(frequency: str, sessions, today: date, now: time | None = None):
    followed = FollowedRoutine("R", "/r.yaml", parse_frequency(frequency), "r")
    return due_status(followed, sessions, today, now)


def test_as_needed_is_never_due_and_has_no_adherence_target(log):
    sessions = sessions_on(log, (MONDAY, 3))
    status = due("as needed", sessions, MONDAY)
    assert not status.due
    assert status.describe() == "R: as needed, done 3 times today"
    assert (
        due("as needed", [], MONDAY).describe() == "R: as needed, not done today"
    )  # not "no times"
    frequency = parse_frequency("as needed")
    assert adherence(sessions, frequency, MONDAY, MONDAY + timedelta(days=6)).percent is None
    assert streak(sessions, frequency, MONDAY).current == 0


def test_a_range_is_met_at_its_lower_end(log):
    assert due("1-2 per day", [], MONDAY).due
    done = due("1-2 per day", sessions_on(log, (MONDAY, 1)), MONDAY)
    assert not done.due and done.describe() == "R: done for today; streak 1 day"
    frequency = parse_frequency("1-2 per day")
    # One more on Monday (two: the most) and one on Tuesday: the target met both days.
    two_days = sessions_on(log, (MONDAY, 1), (MONDAY + timedelta(days=1), 1))
    assert adherence(two_days, frequency, MONDAY, MONDAY + timedelta(days=1)).percent == 100
    assert adherence(two_days, frequency, MONDAY, MONDAY + timedelta(days=2)).percent == 67


def test_every_two_hours_is_due_until_each_time_in_the_window_is_done(log):
    status = due("every 2 hours between 08:00 and 20:00", sessions_on(log, (MONDAY, 3)), MONDAY)
    assert status.due and status.describe() == "R: due today, 3 of 7 today done"
    all_seven = sessions_on(log, (MONDAY, 4))  # four more: one at each time of the day
    assert not due("every 2 hours between 08:00 and 20:00", all_seven, MONDAY).due
    rhythm = parse_frequency("every 2 hours between 08:00 and 20:00")
    # At a time of day, only the times that have come are due: 08:00, 10:00 by 10:30.
    three = all_seven[:3]
    assert not due(str(rhythm), three[:2], MONDAY, time(9, 30)).due
    assert due(str(rhythm), three[:2], MONDAY, time(9, 30)).describe() == (
        "R: done for now, 2 of 7 today; next at 10:00"
    )
    assert not due(str(rhythm), three, MONDAY, time(10, 30)).due
    assert due(str(rhythm), three, MONDAY, time(14, 0)).due  # 14:00 is the fourth
    assert not due(str(rhythm), [], MONDAY, time(7, 0)).due  # before the window
    assert adherence(all_seven, rhythm, MONDAY, MONDAY).percent == 100
    assert adherence(all_seven, rhythm, MONDAY, MONDAY + timedelta(days=1)).percent == 50


def test_named_weekdays_are_due_on_those_days_only_and_the_days_between_keep_the_streak(log):
    frequency = "daily on mon, wed, fri"
    assert due(frequency, [], MONDAY).due
    tuesday = MONDAY + timedelta(days=1)
    assert not due(frequency, [], tuesday).due
    assert due(frequency, [], tuesday).describe() == "R: not today (daily on mon, wed, fri)"
    week = sessions_on(
        log, (MONDAY, 1), (MONDAY + timedelta(days=2), 1), (MONDAY + timedelta(days=4), 1)
    )
    sunday = MONDAY + timedelta(days=6)
    parsed = parse_frequency(frequency)
    assert streak(week, parsed, sunday).current == 3
    assert adherence(week, parsed, MONDAY, sunday).percent == 100


def test_the_calendar_has_an_event_at_each_time_of_a_rhythm_and_on_named_days(tmp_path):
    routine = load_routine(
        write(
            tmp_path,
            "title: Desk\nfrequency: every 2 hours between 08:00 and 14:00\n"
            "steps:\n  - {name: Stand, duration: 1m}\n",
        )
    ).routine
    schedule = schedule_for(routine.frequency, [], None)
    assert [moment.strftime("%H:%M") for moment in schedule.times] == [
        "08:00",
        "10:00",
        "12:00",
        "14:00",
    ]
    calendar = (
        routine_calendar(routine, "desk", schedule, start=MONDAY, tz=LONDON, stamp=at(MONDAY))
        .to_ical()
        .decode()
    )
    assert calendar.count("BEGIN:VEVENT") == 4 and "RRULE:FREQ=DAILY" in calendar

    on_days = schedule_for(parse_frequency("daily on tue, fri"), ["18:00"], None)
    assert on_days.days == ("tu", "fr")
    weekly = (
        routine_calendar(routine, "desk", on_days, start=MONDAY, tz=LONDON, stamp=at(MONDAY))
        .to_ical()
        .decode()
    )
    assert "RRULE:FREQ=WEEKLY;BYDAY=TU,FR" in weekly

    assert len(schedule_for(parse_frequency("1-2 per day"), [], None).times) == 1
    with pytest.raises(ScheduleError, match="as needed"):
        schedule_for(parse_frequency("as needed"), [], None)


def test_the_history_of_an_as_needed_routine_says_how_often_without_a_target(tmp_path):
    from backroutine.log.export import summary_lines
    from backroutine.log.history import read_history

    text = "title: Flare-up plan\nfrequency: as needed\nsteps:\n  - {name: Knee rolls, hold: 1s}\n"
    loaded = load_routine(write(tmp_path, text))
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        for _ in range(2):
            new = start(log, loaded, FakeClock(), MONDAY)
            finish(log, new, pain_after=None)
        [history] = read_history(log)
    lines = summary_lines(history)
    assert lines[0].startswith("  Prescribed: as needed. Sessions done: 2 of 2 started,")
    assert lines[1] == "  Done this week so far: 2 times. Last 4 weeks: 0 times."
    assert not any("Streak" in line or "%" in line for line in lines)


def test_the_handout_lists_the_stages_and_shows_the_patients_stage(tmp_path, capsys):
    from backroutine.cli.main import main
    from backroutine.log.store import StageAnswer

    path = write(tmp_path, STAGED)
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        log.record_stage_answer(StageAnswer(str(path.resolve()), at(MONDAY), "move_on", True, 1, 2))
    assert main(["print", str(path), "--data-dir", str(tmp_path)]) == 0
    handout = capsys.readouterr().out
    assert (
        "- Stage 1, Lying face down: move on when the pain has eased or moved towards your "
        "back (asked after every session)\n"
        "- Stage 2, On elbows: move on when you can stay 2 minutes without pain (asked every "
        "week). Your stage now: the exercises below\n"
        "- Stage 3, Press-ups\n"
        "- If your symptoms get worse, go back a stage.\n" in handout
    )
    assert "### 1. Prone on elbows" in handout and "Lie face down" not in handout


def test_the_handout_says_on_which_days_and_from_which_week(tmp_path, capsys):
    from backroutine.cli.main import main

    assert main(["print", str(write(tmp_path, BY_DAY)), "--data-dir", str(tmp_path)]) == 0
    handout = capsys.readouterr().out
    assert "**5 reps; on Mon, Thu**" in handout
    assert "**hold 20 s; from week 4**" in handout


def test_stage_steps_take_library_exercises_and_their_pictures_are_checked(tmp_path):
    text = (
        "title: Library stages\nstages:\n"
        "  - name: One\n    steps:\n      - exercise: bird-dog\n"
        "  - name: Two\n    steps:\n      - exercise: bridgee\n"
        "      - {name: B, hold: 5s, image: ../x.png}\n"
    )
    assert problems(tmp_path, text) == [
        "8:19: unknown exercise 'bridgee': did you mean 'bridge'?",
        "9:36: image: the image must be in the routine's folder or below it: '..' is not allowed",
    ]
    fixed = text.replace("bridgee", "bridge").replace(
        "      - {name: B, hold: 5s, image: ../x.png}\n", ""
    )
    routine = load_routine(write(tmp_path, fixed)).routine
    assert [step.name for stage in routine.stages for step in stage.steps] == [
        "Bird-dog",
        "Bridge",
    ]


def test_dose_warnings_in_a_stage_point_at_the_stage(tmp_path):
    from backroutine.routine.loader import check_routine_file

    text = (
        "title: Warn\nstages:\n"
        "  - name: One\n    steps:\n      - {name: A, hold: 5s}\n"
        "  - name: Two\n    steps:\n      - {name: B, hold: 5s}\n      - {name: C, hold: 12m}\n"
    )
    _, warnings = check_routine_file(write(tmp_path, text))
    assert [f"{w.line}:{w.column}: {w.message}" for w in warnings] == [
        "9:19: step 2: a hold of 12 min is over 3 minutes: check it is not meant in seconds"
    ]


def test_a_new_version_with_fewer_stages_keeps_the_patient_at_its_last(tmp_path):
    from backroutine.log.store import StageAnswer

    loaded = load_routine(write(tmp_path, STAGED))
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        path = str(loaded.source.resolve())
        log.record_stage_answer(StageAnswer(path, at(MONDAY), "move_on", True, 2, 3))
        two_stages = STAGED[: STAGED.index("  - name: Press-ups")]
        shorter = load_routine(write(tmp_path, two_stages))
        new = start(log, shorter, FakeClock(), MONDAY)
        assert new.stage == 2
        assert [step.name for step in new.loaded.routine.exercises] == ["Prone on elbows"]
