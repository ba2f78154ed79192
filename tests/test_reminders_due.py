"""`backroutine due`: what is due now, from each routine's frequency and the real log."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from backroutine.cli.main import main
from backroutine.log.store import CompletionLog
from backroutine.reminders.due import read_due
from backroutine.routine.model import Frequency

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
DAILY = Frequency(1, "day")
TWICE_A_DAY = Frequency(2, "day")
THREE_A_WEEK = Frequency(3, "week")

ROUTINE_FILE = """\
title: {title}
{frequency_line}
safety:
  - Stop if your leg goes numb.
steps:
  - name: Bird-dog
    hold: 10s
"""


def write_routine(folder: Path, name: str, title: str, frequency: str | None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    line = f"frequency: {frequency}" if frequency else ""
    path.write_text(ROUTINE_FILE.format(title=title, frequency_line=line), encoding="utf-8")
    return path


def log_session(
    log: CompletionLog,
    started: datetime,
    *,
    path: Path | str,
    title: str,
    frequency: Frequency | None,
    status: str = "completed",
) -> None:
    session_id = log.start_session(
        routine_title=title,
        routine_path=str(Path(path).resolve()),
        routine_sha256="0" * 64,
        frequency=frequency,
        planned_seconds=600,
        started=started,
        time_zone=getattr(started.tzinfo, "key", "UTC"),
    )
    if status != "in_progress":
        log.finish_session(session_id, status=status, ended=started + timedelta(minutes=10))


@pytest.fixture
def user_dir(tmp_path: Path) -> Path:
    return tmp_path / "routines"


@pytest.fixture
def log(tmp_path: Path):
    with CompletionLog.open(tmp_path / "log.sqlite3") as opened:
        yield opened


def lines(log, user_dir, now, tz) -> list[str]:
    return [status.describe() for status in read_due(log, user_dir, now=now, tz=tz)]


def due_titles(log, user_dir, now, tz) -> list[str]:
    return [s.routine.title for s in read_due(log, user_dir, now=now, tz=tz) if s.due]


# --- daily -----------------------------------------------------------------------------


def test_a_daily_routine_never_done_is_due(log, user_dir):
    write_routine(user_dir, "morning", "Morning", "daily")
    assert lines(log, user_dir, datetime(2025, 5, 7, 9, tzinfo=LONDON), LONDON) == [
        "Morning: due today"
    ]


def test_a_daily_routine_done_today_is_not_due_and_its_streak_shows(log, user_dir):
    path = write_routine(user_dir, "morning", "Morning", "daily")
    for day in range(3, 8):  # 3rd to 7th May, five days in a row
        log_session(
            log,
            datetime(2025, 5, day, 8, tzinfo=LONDON),
            path=path,
            title="Morning",
            frequency=DAILY,
        )
    assert lines(log, user_dir, datetime(2025, 5, 7, 21, tzinfo=LONDON), LONDON) == [
        "Morning: done for today; streak 5 days"
    ]


def test_a_daily_routine_done_yesterday_is_due_again_and_keeps_its_streak(log, user_dir):
    path = write_routine(user_dir, "morning", "Morning", "daily")
    log_session(
        log, datetime(2025, 5, 6, 8, tzinfo=LONDON), path=path, title="Morning", frequency=DAILY
    )
    assert lines(log, user_dir, datetime(2025, 5, 7, 9, tzinfo=LONDON), LONDON) == [
        "Morning: due today; streak 1 day"
    ]


def test_an_abandoned_or_unfinished_session_today_does_not_count(log, user_dir):
    path = write_routine(user_dir, "morning", "Morning", "daily")
    for status, hour in (("abandoned", 7), ("in_progress", 8)):
        log_session(
            log,
            datetime(2025, 5, 7, hour, tzinfo=LONDON),
            path=path,
            title="Morning",
            frequency=DAILY,
            status=status,
        )
    assert due_titles(log, user_dir, datetime(2025, 5, 7, 9, tzinfo=LONDON), LONDON) == ["Morning"]


def test_a_session_just_before_midnight_counts_for_that_day_only(log, user_dir):
    path = write_routine(user_dir, "evening", "Evening", "daily")
    log_session(
        log,
        datetime(2025, 5, 6, 23, 50, tzinfo=LONDON),
        path=path,
        title="Evening",
        frequency=DAILY,
    )
    assert due_titles(log, user_dir, datetime(2025, 5, 6, 23, 59, tzinfo=LONDON), LONDON) == []
    assert due_titles(log, user_dir, datetime(2025, 5, 7, 0, 10, tzinfo=LONDON), LONDON) == [
        "Evening"
    ]


# --- N per day -------------------------------------------------------------------------


def test_twice_a_day_stays_due_until_the_second_session(log, user_dir):
    path = write_routine(user_dir, "desk", "Desk break", "2 per day")
    now = datetime(2025, 5, 7, 13, tzinfo=LONDON)
    assert lines(log, user_dir, now, LONDON) == ["Desk break: due today, 0 of 2 today done"]
    log_session(
        log,
        datetime(2025, 5, 7, 8, tzinfo=LONDON),
        path=path,
        title="Desk break",
        frequency=TWICE_A_DAY,
    )
    assert lines(log, user_dir, now, LONDON) == ["Desk break: due today, 1 of 2 today done"]
    log_session(
        log,
        datetime(2025, 5, 7, 12, tzinfo=LONDON),
        path=path,
        title="Desk break",
        frequency=TWICE_A_DAY,
    )
    assert lines(log, user_dir, now, LONDON) == [
        "Desk break: done for today (2 of 2); streak 1 day"
    ]


# --- N per week ------------------------------------------------------------------------


def test_three_a_week_partial_week_is_due_on_a_day_not_done_yet(log, user_dir):
    path = write_routine(user_dir, "core", "Core stability", "3 per week")
    log_session(
        log,
        datetime(2025, 5, 5, 8, tzinfo=LONDON),
        path=path,
        title="Core stability",
        frequency=THREE_A_WEEK,
    )  # Monday
    wednesday = datetime(2025, 5, 7, 9, tzinfo=LONDON)
    assert lines(log, user_dir, wednesday, LONDON) == [
        "Core stability: due today, 1 of 3 this week done"
    ]


def test_three_a_week_is_not_due_again_on_a_day_already_done(log, user_dir):
    path = write_routine(user_dir, "core", "Core stability", "3 per week")
    log_session(
        log,
        datetime(2025, 5, 7, 8, tzinfo=LONDON),
        path=path,
        title="Core stability",
        frequency=THREE_A_WEEK,
    )
    assert lines(log, user_dir, datetime(2025, 5, 7, 20, tzinfo=LONDON), LONDON) == [
        "Core stability: done for today, 1 of 3 this week"
    ]


def test_three_a_week_met_is_not_due_until_monday(log, user_dir):
    path = write_routine(user_dir, "core", "Core stability", "3 per week")
    for day in (5, 7, 9):  # Mon, Wed, Fri
        log_session(
            log,
            datetime(2025, 5, day, 8, tzinfo=LONDON),
            path=path,
            title="Core stability",
            frequency=THREE_A_WEEK,
        )
    sunday = datetime(2025, 5, 11, 9, tzinfo=LONDON)
    monday = datetime(2025, 5, 12, 9, tzinfo=LONDON)
    assert lines(log, user_dir, sunday, LONDON) == [
        "Core stability: done for this week (3 of 3); streak 1 week"
    ]
    assert lines(log, user_dir, monday, LONDON) == [
        "Core stability: due today, 0 of 3 this week done; streak 1 week"
    ]


# --- time zones and daylight saving -------------------------------------------------


def test_london_autumn_change_counts_days_in_local_time_not_utc(log, user_dir):
    path = write_routine(user_dir, "morning", "Morning", "daily")
    # 00:30 BST on the 26th October 2025 is 23:30 UTC on the 25th; clocks go back at 02:00.
    log_session(
        log,
        datetime(2025, 10, 26, 0, 30, tzinfo=LONDON),
        path=path,
        title="Morning",
        frequency=DAILY,
    )
    late_that_day = datetime(2025, 10, 26, 23, 30, tzinfo=LONDON)  # GMT now
    assert due_titles(log, user_dir, late_that_day, LONDON) == []


def test_london_just_after_midnight_before_the_change_is_a_new_day(log, user_dir):
    path = write_routine(user_dir, "evening", "Evening", "daily")
    # 23:30 BST on the 25th, then 00:10 BST on the 26th: both the 25th in UTC.
    log_session(
        log,
        datetime(2025, 10, 25, 23, 30, tzinfo=LONDON),
        path=path,
        title="Evening",
        frequency=DAILY,
    )
    just_after_midnight = datetime(2025, 10, 26, 0, 10, tzinfo=LONDON)
    assert due_titles(log, user_dir, just_after_midnight, LONDON) == ["Evening"]


def test_new_york_spring_change_a_late_evening_session_is_not_today(log, user_dir):
    path = write_routine(user_dir, "morning", "Morning", "daily")
    # 21:00 EST on 8 March 2025 is 02:00 UTC on the 9th, the day clocks go forward.
    log_session(
        log, datetime(2025, 3, 8, 21, tzinfo=NEW_YORK), path=path, title="Morning", frequency=DAILY
    )
    next_morning_utc = datetime(2025, 3, 9, 14, tzinfo=timezone.utc)  # 10:00 EDT
    assert lines(log, user_dir, next_morning_utc, NEW_YORK) == ["Morning: due today; streak 1 day"]


def test_a_week_spanning_the_spring_change_ends_on_local_sunday_midnight(log, user_dir):
    path = write_routine(user_dir, "core", "Core stability", "3 per week")
    for day in (3, 5, 7):  # Mon, Wed, Fri before the change on Sunday 9 March
        log_session(
            log,
            datetime(2025, 3, day, 8, tzinfo=NEW_YORK),
            path=path,
            title="Core stability",
            frequency=THREE_A_WEEK,
        )
    sunday_late = datetime(2025, 3, 9, 23, 30, tzinfo=NEW_YORK)  # already Monday in UTC
    assert due_titles(log, user_dir, sunday_late, NEW_YORK) == []
    monday = datetime(2025, 3, 10, 0, 30, tzinfo=NEW_YORK)
    assert due_titles(log, user_dir, monday, NEW_YORK) == ["Core stability"]


# --- which routines count -----------------------------------------------------------


def test_routines_in_the_log_count_even_when_not_in_the_users_folder(log, tmp_path, user_dir):
    elsewhere = tmp_path / "bundled-like" / "sciatica.yaml"
    log_session(
        log,
        datetime(2025, 5, 1, 8, tzinfo=LONDON),
        path=elsewhere,
        title="Sciatica",
        frequency=DAILY,
    )
    statuses = read_due(log, user_dir, now=datetime(2025, 5, 7, 9, tzinfo=LONDON), tz=LONDON)
    assert [(s.routine.title, s.due) for s in statuses] == [("Sciatica", True)]
    assert statuses[0].routine.run_name == str(elsewhere.resolve())


def test_routines_without_a_frequency_are_never_due(log, tmp_path, user_dir):
    write_routine(user_dir, "stretch", "Stretch", None)
    log_session(
        log,
        datetime(2025, 5, 1, 8, tzinfo=LONDON),
        path=tmp_path / "old.yaml",
        title="Old",
        frequency=None,
    )
    assert read_due(log, user_dir, now=datetime(2025, 5, 7, 9, tzinfo=LONDON), tz=LONDON) == []


def test_the_files_current_frequency_wins_over_the_logged_one(log, user_dir):
    path = write_routine(user_dir, "core", "Core stability", "3 per week")
    # Logged while it was daily; the therapist has since changed it to 3 per week.
    log_session(
        log,
        datetime(2025, 5, 7, 8, tzinfo=LONDON),
        path=path,
        title="Core stability",
        frequency=DAILY,
    )
    statuses = read_due(log, user_dir, now=datetime(2025, 5, 7, 20, tzinfo=LONDON), tz=LONDON)
    assert [(s.frequency, s.due) for s in statuses] == [(THREE_A_WEEK, False)]


def test_due_routines_are_listed_first(log, user_dir):
    done = write_routine(user_dir, "a-done", "Done one", "daily")
    write_routine(user_dir, "b-due", "Due one", "daily")
    log_session(
        log, datetime(2025, 5, 7, 8, tzinfo=LONDON), path=done, title="Done one", frequency=DAILY
    )
    assert lines(log, user_dir, datetime(2025, 5, 7, 9, tzinfo=LONDON), LONDON) == [
        "Due one: due today",
        "Done one: done for today; streak 1 day",
    ]


# --- the command ------------------------------------------------------------------------


def test_due_command_exits_zero_when_due_and_one_when_not(tmp_path, capsys):
    data = tmp_path / "data"
    path = write_routine(data / "routines", "morning", "Morning", "daily")
    assert main(["--data-dir", str(data), "due"]) == 0
    assert "Morning: due today" in capsys.readouterr().out
    with CompletionLog.open(data / "log.sqlite3") as log:
        log_session(log, datetime.now().astimezone(), path=path, title="Morning", frequency=DAILY)
    assert main(["due", "--data-dir", str(data)]) == 1
    assert "Morning: done for today" in capsys.readouterr().out


def test_due_starts_afresh_from_a_routine_index_that_is_not_a_mapping(
    tmp_path, capsys, monkeypatch
):
    """The cache is only a cache: valid JSON of the wrong shape is read as no cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    index = tmp_path / "cache" / "backroutine" / "routine-index.json"
    index.parent.mkdir(parents=True)
    index.write_text("[]", encoding="utf-8")
    data = tmp_path / "data"
    write_routine(data / "routines", "morning", "Morning", "daily")
    assert main(["--data-dir", str(data), "due"]) == 0
    assert "Morning: due today" in capsys.readouterr().out
    assert index.read_text(encoding="utf-8").startswith("{")  # rewritten


def test_due_quiet_prints_nothing_but_keeps_the_exit_status(tmp_path, capsys):
    data = tmp_path / "data"
    write_routine(data / "routines", "morning", "Morning", "daily")
    assert main(["--data-dir", str(data), "due", "--quiet"]) == 0
    assert capsys.readouterr().out == ""


def test_due_with_no_routines_says_why_nothing_is_due(tmp_path, capsys):
    assert main(["--data-dir", str(tmp_path / "data"), "due"]) == 1
    assert "Nothing is due" in capsys.readouterr().out


def test_due_and_the_nudge_never_import_textual(tmp_path):
    data = tmp_path / "data"
    write_routine(data / "routines", "morning", "Morning", "daily")
    stamp = str(tmp_path / "stamp")
    script = (
        "import sys\nfrom backroutine.cli.main import main\n"
        f"main(['--data-dir', {str(data)!r}, 'due', '--quiet'])\n"
        "from backroutine.reminders import nudge\n"
        f"nudge.main(['--data-dir', {str(data)!r}, {stamp!r}])\n"
        "print('textual' in sys.modules, 'icalendar' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.splitlines()[-1] == "False False"
    assert "Morning: due today" in result.stdout  # the nudge did run
