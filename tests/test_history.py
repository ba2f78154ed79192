"""Streaks, adherence, heatmap and pain flags, as a patient would count them."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from msgspec.structs import replace

from backroutine.base.clock import today
from backroutine.log.export import history_lines, pain_lines, summary_lines
from backroutine.log.history import (
    Adherence,
    adherence,
    flag_run,
    heat_symbol,
    heatmap,
    histories,
    local_day,
    pain_points,
    read_history,
    streak,
    troubles,
)
from backroutine.log.store import CompletionLog, ExerciseRecord, SessionRecord
from backroutine.routine.model import Frequency

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
DAILY = Frequency(1, "day")
THREE_A_WEEK = Frequency(3, "week")
TWICE_A_DAY = Frequency(2, "day")

_ids = iter(range(1, 1_000_000))


def session(
    started: datetime,
    status="completed",
    *,
    pain=(None, None),
    exercises=(),
    frequency=DAILY,
    path="/r/low-back.yaml",
) -> SessionRecord:
    return SessionRecord(
        id=next(_ids),
        routine_title="Low back",
        routine_path=path,
        routine_sha256="0" * 64,
        frequency=frequency,
        started=started,
        time_zone=str(started.tzinfo),
        ended=started + timedelta(minutes=15),
        status=status,
        pain_before=pain[0],
        pain_after=pain[1],
        note=None,
        planned_seconds=900,
        active_seconds=800,
        segments_done=20,
        exercises=tuple(exercises),
    )


def on_days(days, hour=8, tz=LONDON, **fields) -> list[SessionRecord]:
    return [session(datetime(d.year, d.month, d.day, hour, tzinfo=tz), **fields) for d in days]


def days_from(first: date, count: int) -> list[date]:
    return [first + timedelta(days=n) for n in range(count)]


# --- daily ---------------------------------------------------------------------------


def test_a_daily_streak_counts_consecutive_days_and_survives_today_not_done_yet():
    sessions = on_days(days_from(date(2024, 5, 1), 10))  # 1-10 May
    assert streak(sessions, DAILY, date(2024, 5, 10)).current == 10
    assert streak(sessions, DAILY, date(2024, 5, 11)).current == 10  # not done yet today
    assert streak(sessions, DAILY, date(2024, 5, 12)).current == 0  # missed the 11th


def test_a_missed_day_breaks_the_daily_streak_but_the_best_is_kept():
    days = days_from(date(2024, 5, 1), 7) + days_from(date(2024, 5, 9), 3)  # gap on the 8th
    result = streak(on_days(days), DAILY, date(2024, 5, 11))
    assert (result.current, result.best, result.unit) == (3, 7, "day")


def test_unfinished_sessions_do_not_count():
    sessions = on_days(days_from(date(2024, 5, 1), 3))
    sessions += on_days([date(2024, 5, 4)], status="abandoned")
    assert streak(sessions, DAILY, date(2024, 5, 5)).current == 0
    assert adherence(sessions, DAILY, date(2024, 5, 1), date(2024, 5, 4)) == Adherence(3, 4)


# --- N per week ----------------------------------------------------------------------


def test_three_a_week_is_not_broken_by_rest_days():
    # Mon, Wed, Fri for three weeks from Monday 6 May 2024.
    days = [date(2024, 5, 6) + timedelta(weeks=w, days=d) for w in range(3) for d in (0, 2, 4)]
    result = streak(on_days(days, frequency=THREE_A_WEEK), THREE_A_WEEK, date(2024, 5, 28))
    assert (result.current, result.unit) == (3, "week")


def test_a_week_short_of_its_count_breaks_the_weekly_streak():
    weeks = [date(2024, 5, 6) + timedelta(weeks=w) for w in range(4)]
    days = [w + timedelta(days=d) for w in weeks for d in (0, 2, 4)]
    days.remove(weeks[1] + timedelta(days=4))  # only 2 sessions in the second week
    result = streak(on_days(days), THREE_A_WEEK, weeks[3] + timedelta(days=6))
    assert (result.current, result.best) == (2, 2)


def test_weekly_adherence_caps_extra_sessions_in_a_week():
    monday = date(2024, 5, 6)
    days = [*days_from(monday, 7), monday + timedelta(days=7)]  # 7, then 1 the next week
    assert adherence(on_days(days), THREE_A_WEEK, monday, monday + timedelta(days=13)) == (
        Adherence(3 + 1, 6)
    )


# --- N per day -----------------------------------------------------------------------


def test_twice_a_day_counts_each_session_and_needs_both_for_the_streak():
    morning = on_days(days_from(date(2024, 5, 1), 4), hour=8)
    evening = on_days(days_from(date(2024, 5, 1), 4), hour=19)
    del evening[1]  # only the morning session on 2 May
    sessions = sorted(morning + evening, key=lambda s: s.started)

    result = streak(sessions, TWICE_A_DAY, date(2024, 5, 4))
    assert (result.current, result.best) == (2, 2)
    assert adherence(sessions, TWICE_A_DAY, date(2024, 5, 1), date(2024, 5, 4)) == (Adherence(7, 8))
    assert heatmap(sessions, date(2024, 5, 4))[-1][2].completed == 2  # Wednesday 1 May


# --- time zones, DST, midnight -------------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "change"),
    [
        (LONDON, date(2024, 3, 31)),
        (LONDON, date(2024, 10, 27)),
        (NEW_YORK, date(2024, 3, 10)),
        (NEW_YORK, date(2024, 11, 3)),
    ],
)
@pytest.mark.parametrize("hour", [0, 1, 3, 23])
def test_a_daily_streak_runs_through_a_clock_change(tz, change, hour, tmp_path: Path):
    # Sessions at the same local hour each day around the change, written to and read
    # back from a real log: none is lost to, or doubled by, the hour that moves.
    days = days_from(change - timedelta(days=3), 7)
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        for day in days:
            started = datetime(day.year, day.month, day.day, hour, 30, tzinfo=tz)
            log.start_session(
                routine_title="Low back",
                routine_path="/r.yaml",
                routine_sha256="0" * 64,
                frequency=DAILY,
                planned_seconds=60,
                started=started,
                time_zone=tz.key,
            )
        stored = log.sessions()
    assert [local_day(s) for s in stored] == days
    completed = [session(s.started) for s in stored]
    assert streak(completed, DAILY, days[-1]).current == 7


def test_a_session_that_crosses_midnight_counts_on_the_day_it_started():
    late = session(datetime(2024, 3, 30, 23, 50, tzinfo=LONDON))
    next_day = session(datetime(2024, 3, 31, 18, 0, tzinfo=LONDON))
    assert late.ended.date() == date(2024, 3, 31)
    assert local_day(late) == date(2024, 3, 30)
    assert streak([late, next_day], DAILY, date(2024, 3, 31)).current == 2


def test_a_session_counts_on_the_day_the_patient_lived_even_when_travelling():
    # 21:00 in New York is 02:00 the next day in London.
    evening_abroad = session(datetime(2024, 6, 3, 21, 0, tzinfo=NEW_YORK))
    home = session(datetime(2024, 6, 4, 8, 0, tzinfo=LONDON))
    assert [local_day(evening_abroad), local_day(home)] == [date(2024, 6, 3), date(2024, 6, 4)]
    assert streak([evening_abroad, home], DAILY, date(2024, 6, 4)).current == 2


def test_today_is_taken_in_the_given_zone():
    now = datetime(2024, 3, 31, 23, 30, tzinfo=timezone.utc)
    assert today(LONDON, now) == date(2024, 4, 1)  # 00:30 BST
    assert today(NEW_YORK, now) == date(2024, 3, 31)  # 19:30 EDT


# --- heatmap -------------------------------------------------------------------------


def test_the_heatmap_covers_13_weeks_monday_first_with_no_future_days():
    today = date(2024, 5, 8)  # a Wednesday
    sessions = on_days([date(2024, 5, 6), date(2024, 5, 6), date(2024, 5, 7)])
    sessions += on_days([date(2024, 5, 8)], status="abandoned")
    columns = heatmap(sessions, today)

    assert len(columns) == 13 and all(len(week) == 7 for week in columns)
    assert columns[0][0].day == date(2024, 2, 12)
    this_week = columns[-1]
    assert [heat_symbol(cell) for cell in this_week] == ["█", "▓", "░", " ", " ", " ", " "]
    assert heat_symbol(columns[-2][0]) == "·"


# --- pain ----------------------------------------------------------------------------


def test_a_run_of_flagged_sessions_is_counted_from_the_latest():
    scores = [(3, 8), (2, 2), (2, 5), (3, 3), (3, 7), (3, None), (4, 7), (2, 6)]
    days = days_from(date(2024, 5, 1), len(scores))
    sessions = [
        session(datetime(d.year, d.month, d.day, 8, tzinfo=LONDON), pain=p)
        for d, p in zip(days, scores, strict=True)
    ]
    points = pain_points(sessions)
    assert [p.flag is not None for p in points] == [
        True,
        False,
        False,
        False,
        True,
        False,
        True,
        True,
    ]
    assert points[-1].advice and "next time do fewer reps" in points[-1].advice[0]
    assert flag_run(points) == 3  # the session without an after-score is passed over
    assert flag_run(points[:4]) == 0


# --- troubles ------------------------------------------------------------------------


def exercise(name: str, outcome: str, step=0) -> ExerciseRecord:
    return ExerciseRecord(step, name, 60, 30, 1, 2, None, None, outcome)


def test_the_trend_is_read_within_each_routine_and_the_next_mornings_answer_counts():
    days = days_from(date(2024, 5, 1), 4)
    back = [
        session(datetime(d.year, d.month, d.day, 8, tzinfo=LONDON), pain=(2, after))
        for d, after in zip(days[:3], (2, 3, 4), strict=True)
    ]
    neck = [
        session(
            datetime(d.year, d.month, d.day, 9, tzinfo=LONDON), pain=(1, 1), path="/r/neck.yaml"
        )
        for d in days[:3]
    ]
    unsettled = replace(
        session(datetime(2024, 5, 4, 8, tzinfo=LONDON), pain=(2, 3), path="/r/neck.yaml"),
        settled_next_morning=False,
    )
    sessions = sorted(back + neck + [unsettled], key=lambda s: s.started)
    flags = {point.session_id: point.flag for point in pain_points(sessions)}
    assert flags[back[-1].id] == "pain after sessions rising"
    assert flags[neck[-1].id] is None
    assert flags[unsettled.id] == "pain not settled by the next morning"


def test_exercises_most_often_skipped_or_hurt_come_first():
    sessions = [
        session(
            datetime(2024, 5, 1, 8, tzinfo=LONDON),
            exercises=[exercise("Bridge", "skipped"), exercise("Bird-dog", "hurt", 1)],
        ),
        session(
            datetime(2024, 5, 2, 8, tzinfo=LONDON),
            exercises=[exercise("Bridge", "skipped"), exercise("Cat-cow", "done", 1)],
        ),
    ]
    assert [(t.name, t.skipped, t.hurt) for t in troubles(sessions)] == [
        ("Bridge", 2, 0),
        ("Bird-dog", 0, 1),
    ]


# --- whole history -------------------------------------------------------------------


def test_each_routine_gets_its_own_history_the_latest_first():
    low_back = on_days(days_from(date(2024, 5, 1), 3), frequency=THREE_A_WEEK)
    neck = on_days([date(2024, 5, 4)], hour=9, path="/r/neck.yaml", frequency=None)
    found = histories(sorted(low_back + neck, key=lambda s: s.started), date(2024, 5, 5))

    assert [h.routine_path for h in found] == ["/r/neck.yaml", "/r/low-back.yaml"]
    neck_history, back_history = found
    assert not neck_history.frequency_given and neck_history.frequency == DAILY
    assert back_history.this_week == Adherence(3, 3)
    assert back_history.streak.current == 1


def test_read_history_from_a_log(tmp_path: Path):
    now = datetime(2024, 5, 10, 12, tzinfo=LONDON)
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        for back in range(200):  # older than the recent window, too
            started = now - timedelta(days=back, hours=3)
            session_id = log.start_session(
                routine_title="Low back",
                routine_path="/r.yaml",
                routine_sha256="0" * 64,
                frequency=DAILY,
                planned_seconds=60,
                started=started,
                time_zone="Europe/London",
            )
            log.record_progress(
                session_id,
                segments_done=1,
                active_seconds=1,
                snapshot={},
                exercise=exercise("Bridge", "skipped"),
            )
            log.record_progress(
                session_id,
                segments_done=2,
                active_seconds=2,
                snapshot={},
                exercise=exercise("Plank", "done", step=1),
            )
            log.finish_session(session_id, status="completed", ended=started)
        [history] = read_history(log, now=now, tz=LONDON)
    assert (history.streak.current, history.completed) == (200, 200)
    assert history.troubles[0].skipped == 11 * 7 + 5  # 11 whole weeks and Monday to Friday


def log_session(
    log: CompletionLog, started: datetime, outcomes: list[str], note=None, *, stopped=False
) -> None:
    """A completed session, written as the recorder writes one; `stopped`: left where it
    stopped, as a session quit or cut short is."""
    session_id = log.start_session(
        routine_title="Low back",
        routine_path="/r.yaml",
        routine_sha256="0" * 64,
        frequency=DAILY,
        planned_seconds=60,
        started=started,
        time_zone="Europe/London",
    )
    for step, outcome in enumerate(outcomes):
        log.record_progress(
            session_id,
            segments_done=step + 1,
            active_seconds=1,
            snapshot={},
            exercise=exercise(f"Exercise {step}", outcome, step=step),
        )
    if not stopped:
        log.finish_session(session_id, status="completed", ended=started, note=note)


def test_a_session_stopped_at_its_first_step_is_started_not_done(tmp_path: Path):
    now = datetime(2024, 5, 10, 20, tzinfo=LONDON)
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        log_session(log, datetime(2024, 5, 9, 8, tzinfo=LONDON), ["done"] * 9)
        log_session(log, datetime(2024, 5, 10, 8, tzinfo=LONDON), ["done"], stopped=True)
        [history] = read_history(log, now=now, tz=LONDON)
        lines = summary_lines(history)
    assert (
        lines[0]
        == "  Prescribed: daily. Sessions done: 1 of 2 started, the last on Thu 09 May 2024."
    )
    assert lines[1] == "  1 session stopped before the end: not counted."


def test_a_session_with_every_exercise_skipped_does_not_count(tmp_path: Path):
    now = datetime(2024, 5, 10, 20, tzinfo=LONDON)
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        log_session(log, datetime(2024, 5, 8, 8, tzinfo=LONDON), ["done", "skipped"])
        log_session(log, datetime(2024, 5, 9, 8, tzinfo=LONDON), ["skipped", "skipped"])
        log_session(log, datetime(2024, 5, 9, 9, tzinfo=LONDON), ["skipped", "hurt"])
        log_session(log, datetime(2024, 5, 10, 8, tzinfo=LONDON), ["skipped", "done"])
        [history] = read_history(log, now=now, tz=LONDON)
        text = "\n".join(history_lines(history))
    assert history.completed == 2
    assert (history.streak.current, history.streak.best) == (1, 1)  # the 9th broke it
    assert history.this_week == Adherence(2, 5)  # Monday 6 to Friday 10 May
    days = {cell.day: cell for week in history.heatmap for cell in week if cell}
    assert heat_symbol(days[date(2024, 5, 9)]) == "░"
    # Both counted sessions skipped a step: "done", and said to be partly done (was "Sessions
    # completed: 2", a word a therapist reads as the whole routine done).
    assert "Sessions done: 2 of 4 started" in text
    assert "2 of them were partly done: steps skipped, or stopped as they hurt." in text
    assert "2 sessions with no exercise done are not counted" in text
    assert "a session counts when an exercise, breathing or walk was done" in text.lower()


def test_a_session_record_with_its_exercises_counts_only_with_one_done():
    skipped = [exercise("Bridge", "skipped"), exercise("Plank", "hurt", step=1)]
    sessions = on_days([date(2024, 5, 1)], exercises=skipped)
    sessions += on_days([date(2024, 5, 2)], exercises=[*skipped, exercise("Cat", "done", 2)])
    assert streak(sessions, DAILY, date(2024, 5, 2)).best == 1
    assert adherence(sessions, DAILY, date(2024, 5, 1), date(2024, 5, 2)) == Adherence(1, 2)


def test_old_sessions_with_every_exercise_skipped_do_not_count_either(tmp_path: Path):
    now = datetime(2024, 5, 10, 20, tzinfo=LONDON)
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        for back in range(300):  # far older than the weeks whose exercises are read
            started = now - timedelta(days=back, hours=3)
            log_session(log, started, ["done"] if back % 2 else ["skipped"])
        [history] = read_history(log, now=now, tz=LONDON)
    assert history.completed == 150


def test_the_history_shows_the_latest_notes_literally(tmp_path: Path):
    now = datetime(2024, 5, 10, 20, tzinfo=LONDON)
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        log_session(log, datetime(2024, 5, 8, 8, tzinfo=LONDON), ["done"], note="hip tight")
        log_session(log, datetime(2024, 5, 9, 8, tzinfo=LONDON), ["done"])
        log_session(
            log, datetime(2024, 5, 10, 8, tzinfo=LONDON), ["done"], note="better\x1b[2J today"
        )
        [history] = read_history(log, now=now, tz=LONDON)
    text = "\n".join(history_lines(history))
    assert "Wed 08 May 2024: hip tight" in text
    assert "Fri 10 May 2024: better␛[2J today" in text
    assert text.index("10 May 2024: better") < text.index("08 May 2024: hip tight")


def test_the_heatmap_names_its_months_and_its_last_day():
    sessions = on_days([date(2024, 5, 1)])
    [history] = histories(sessions, date(2024, 5, 10))
    lines = history_lines(history)
    months = next(line for line in lines if "Feb" in line and "May" in line)
    mondays = next(line for line in lines if line.strip().startswith("Mon"))
    # Each month is named above the first week that starts in it: 4 March is in column 4.
    assert months.index("Mar") == mondays.index("Mon") + 4 + 2 * 3
    assert "to Fri 10 May 2024" in "\n".join(lines)


@pytest.mark.parametrize("scores", [[2, 7], [7, 2], [0, 10, 5], [3]])
def test_the_pain_trend_is_drawn_on_a_fixed_0_to_10_scale(scores):
    sessions = [
        session(datetime(2024, 5, day, 8, tzinfo=LONDON), pain=(None, score))
        for day, score in enumerate(scores, start=1)
    ]
    [history] = histories(sessions, date(2024, 5, 10))
    bars = "▁▂▃▄▅▆▇█"
    (line,) = [line for line in pain_lines(history) if "after" in line]
    drawn = line.split()[1]
    assert [bars.index(bar) for bar in drawn] == [score * 7 // 10 for score in scores]


@pytest.mark.parametrize(
    ("scores", "said"),
    [([3], "the one session with a score"), ([3, 4], "last 2 sessions with a score")],
)
def test_the_pain_trend_counts_its_sessions_in_words(scores, said):
    sessions = [
        session(datetime(2024, 5, day, 8, tzinfo=LONDON), pain=(None, score))
        for day, score in enumerate(scores, start=1)
    ]
    [history] = histories(sessions, date(2024, 5, 10))
    assert pain_lines(history)[0] == f"  Pain (0-10), {said}:"  # was "last 1 sessions"
