"""The completion log file: created safely, read back faithfully, never clobbered."""

from __future__ import annotations

import sqlite3
import stat
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from msgspec.structs import replace

from backroutine.log.store import (
    APPLICATION_ID,
    SCHEMA_VERSION,
    BestStep,
    CheckInRecord,
    CompletionLog,
    ExerciseRecord,
    LogError,
)
from backroutine.routine.model import Frequency

LONDON = ZoneInfo("Europe/London")


def start(log: CompletionLog, started: datetime, **fields) -> int:
    values = {
        "routine_title": "Low back basics",
        "routine_path": "/routines/low-back.yaml",
        "routine_sha256": "ab" * 32,
        "frequency": Frequency(3, "week"),
        "planned_seconds": 600,
        "started": started,
        "time_zone": "Europe/London",
    }
    values.update(fields)
    return log.start_session(**values)


def bird_dog(outcome="done", active=55.0) -> ExerciseRecord:
    return ExerciseRecord(0, "Bird-dog", 60, active, 2, 2, 10, 5, outcome)


def test_a_new_log_is_private_in_wal_mode_and_marked_as_ours(tmp_path: Path):
    path = tmp_path / "new" / "folder" / "log.sqlite3"
    CompletionLog.open(path).close()

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert raw.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    raw.close()


def test_a_session_reads_back_as_written_in_the_patients_local_time(tmp_path: Path):
    started = datetime(2024, 7, 1, 7, 30, tzinfo=LONDON)
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        session_id = start(log, started, pain_before=4)
        log.record_progress(
            session_id,
            segments_done=5,
            active_seconds=55.0,
            snapshot={"index": 5},
            exercise=bird_dog(),
        )
        log.finish_session(session_id, status="completed", ended=started + timedelta(minutes=12))
        log.check_out(session_id, pain_after=3, note="easier than last week")

    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        session = log.session(session_id)
    assert session.started == started
    assert session.started.hour == 7 and session.started.utcoffset() == timedelta(hours=1)
    assert session.ended == started + timedelta(minutes=12)
    assert (session.status, session.pain_before, session.pain_after) == ("completed", 4, 3)
    assert session.note == "easier than last week"
    assert session.frequency == Frequency(3, "week")
    assert session.segments_done == 5
    assert session.exercises == (bird_dog(),)


def test_progress_replaces_the_exercise_record_and_keeps_the_latest_snapshot(tmp_path: Path):
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        session_id = start(log, datetime(2024, 7, 1, 8, tzinfo=timezone.utc))
        log.record_progress(
            session_id,
            segments_done=1,
            active_seconds=10,
            snapshot={"index": 1},
            exercise=bird_dog("started", 10),
        )
        log.record_progress(
            session_id,
            segments_done=2,
            active_seconds=20,
            snapshot={"index": 2},
            exercise=bird_dog("hurt", 20),
        )

        assert log.snapshot(session_id) == {"index": 2}
        assert log.session(session_id).exercises == (bird_dog("hurt", 20),)
        assert [s.id for s in log.unfinished_sessions()] == [session_id]

        log.finish_session(
            session_id, status="abandoned", ended=datetime(2024, 7, 1, 8, 5, tzinfo=timezone.utc)
        )
        assert log.unfinished_sessions() == []
        assert log.snapshot(session_id) is None
        assert log.session(session_id).status == "abandoned"


def test_sessions_since_a_time_and_with_or_without_exercises(tmp_path: Path):
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        ids = []
        for day in range(1, 4):
            session_id = start(log, datetime(2024, 7, day, 8, tzinfo=LONDON))
            log.record_progress(
                session_id, segments_done=1, active_seconds=1, snapshot={}, exercise=bird_dog()
            )
            ids.append(session_id)

        assert [s.id for s in log.sessions()] == ids
        assert all(s.exercises == () for s in log.sessions())
        recent = log.sessions(since=datetime(2024, 7, 2, tzinfo=LONDON), with_exercises=True)
        assert [s.id for s in recent] == ids[1:]
        assert all(s.exercises == (bird_dog(),) for s in recent)


def test_naive_times_are_refused(tmp_path: Path):
    with CompletionLog.open(tmp_path / "log.sqlite3") as log, pytest.raises(ValueError):
        start(log, datetime(2024, 7, 1, 8))


def refused(path: Path) -> str:
    before = path.read_bytes()
    with pytest.raises(LogError) as caught:
        CompletionLog.open(path)
    assert path.read_bytes() == before, "the file must be kept as it was"
    message = str(caught.value)
    assert str(path) in message and "kept" in message and "--data-dir" in message
    return message


def test_a_file_that_is_not_sqlite_is_kept(tmp_path: Path):
    path = tmp_path / "log.sqlite3"
    path.write_text("my shopping list\n" * 100)
    assert "not an SQLite database" in refused(path)


def test_another_programs_database_is_kept(tmp_path: Path):
    path = tmp_path / "log.sqlite3"
    other = sqlite3.connect(path)
    other.execute("CREATE TABLE notes (text)")
    other.execute("INSERT INTO notes VALUES ('keep me')")
    other.commit()
    other.close()
    assert "another program" in refused(path)


def test_a_log_from_a_newer_version_is_kept(tmp_path: Path):
    path = tmp_path / "log.sqlite3"
    CompletionLog.open(path).close()
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA user_version = 99")
    raw.close()
    assert "newer backroutine" in refused(path)


def test_a_damaged_log_is_kept(tmp_path: Path):
    path = tmp_path / "log.sqlite3"
    with CompletionLog.open(path) as log:
        for day in range(200):
            session_id = start(
                log,
                datetime(2024, 1, 1, tzinfo=LONDON) + timedelta(days=day),
                routine_title="x" * 200,
            )
            log.record_progress(
                session_id,
                segments_done=1,
                active_seconds=1,
                snapshot={"pad": "y" * 500},
                exercise=bird_dog(),
            )
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw.close()
    data = bytearray(path.read_bytes())
    page = 4096
    data[3 * page : 6 * page] = bytes(range(256)) * (3 * page // 256)
    path.write_bytes(bytes(data))
    assert "damaged" in refused(path)


def test_values_out_of_range_are_still_refused_after_the_open_checked_the_file(tmp_path: Path):
    # Opening checks the file's pages without its CHECK constraints; writes keep them.
    path = tmp_path / "log.sqlite3"
    CompletionLog.open(path).close()
    with CompletionLog.open(path) as log:
        session_id = start(log, datetime(2024, 1, 1, 9, tzinfo=LONDON))
        with pytest.raises(sqlite3.IntegrityError):
            log.finish_session(
                session_id,
                status="completed",
                ended=datetime(2024, 1, 1, 9, 20, tzinfo=LONDON),
                pain_after=11,
            )


WRITER = """
import sys
from datetime import datetime, timedelta, timezone
from backroutine.log.store import CompletionLog, ExerciseRecord
from backroutine.routine.model import Frequency

path, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
log = CompletionLog.open(path)
for number in range(count):
    session_id = log.start_session(
        routine_title=name, routine_path=name, routine_sha256="0" * 64,
        frequency=Frequency(1, "day"), planned_seconds=60,
        started=datetime(2024, 1, 1, tzinfo=timezone.utc) + timedelta(hours=number),
        time_zone="UTC")
    for step in range(5):
        log.record_progress(session_id, segments_done=step + 1, active_seconds=step,
                            snapshot={"index": step + 1},
                            exercise=ExerciseRecord(step, f"{name}-{step}", 10, 10, 1, 1,
                                                    None, None, "done"))
    log.finish_session(session_id, status="completed",
                       ended=datetime(2024, 1, 1, tzinfo=timezone.utc))
log.close()
"""


def test_two_processes_logging_at_once_into_a_new_file_lose_nothing(tmp_path: Path):
    path = tmp_path / "log.sqlite3"
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), name, "40"], stderr=subprocess.PIPE, text=True
        )
        for name in ("first", "second")
    ]
    for writer in writers:
        _, errors = writer.communicate(timeout=60)
        assert writer.returncode == 0, errors

    with CompletionLog.open(path) as log:
        assert log.integrity_problems() == []
        sessions = log.sessions(with_exercises=True)
    for name in ("first", "second"):
        mine = [s for s in sessions if s.routine_title == name]
        assert len(mine) == 40
        assert all(s.status == "completed" and s.segments_done == 5 for s in mine)
        assert all([e.name for e in s.exercises] == [f"{name}-{i}" for i in range(5)] for s in mine)


def _version_1_log(path: Path) -> None:
    """A log as backroutine wrote it before check-ins were kept (schema version 1)."""
    from backroutine.log.store import MIGRATIONS

    raw = sqlite3.connect(path)
    raw.executescript(MIGRATIONS[0])
    raw.execute(
        "INSERT INTO session (routine_title, routine_path, routine_sha256, started_utc,"
        " utc_offset_minutes, time_zone, status, pain_before, pain_after, planned_seconds)"
        " VALUES ('Old routine', '/r/old.yaml', 'ab', '2024-03-01T08:00:00+00:00', 0, 'UTC',"
        " 'completed', 3, 4, 300)"
    )
    raw.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    raw.execute("PRAGMA user_version = 1")
    raw.commit()
    raw.close()


def test_a_version_1_log_is_migrated_keeping_its_sessions(tmp_path: Path):
    path = tmp_path / "log.sqlite3"
    _version_1_log(path)
    with CompletionLog.open(path) as log:
        [old] = log.sessions()
        assert (old.routine_title, old.pain_before, old.pain_after) == ("Old routine", 3, 4)
        assert old.last_progress is None and old.settled_next_morning is None
        asked = datetime(2024, 3, 3, 9, 0, tzinfo=LONDON)
        log.record_check_in(
            CheckInRecord(
                "Old routine",
                "/r/old.yaml",
                asked,
                asked=True,
                went_ahead=False,
                answered_yes=("chest_pain",),
                tier="emergency",
                advice=("Go now.",),
            )
        )
        assert [c.tier for c in log.check_ins()] == ["emergency"]
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    raw.close()


def _version_5_log(path: Path) -> None:
    """A log as backroutine wrote it before version 6: five completed sessions, the
    furthest their steps went worked out on every read, and check-ins not indexed by the
    session whose next morning they answer."""
    from backroutine.log.store import MIGRATIONS

    raw = sqlite3.connect(path)
    raw.execute("PRAGMA journal_mode = WAL")
    for migration in MIGRATIONS[:5]:
        raw.executescript(migration)
    steps = (  # each session's steps as (kind, outcome); a kind NULL was logged before kinds
        [("card", "done")],
        [("card", "done"), ("exercise", "done")],
        [(None, "done")],
        [("card", "done"), ("breathing", "skipped")],
        [],
    )
    for day, session_steps in enumerate(steps, start=1):
        raw.execute(
            "INSERT INTO session (id, routine_title, routine_path, routine_sha256,"
            " started_utc, utc_offset_minutes, time_zone, status, planned_seconds)"
            f" VALUES ({day}, 'Old routine', '/r/old.yaml', 'ab', '2026-10-0{day}T08:00:00+00:00',"
            " 60, 'Europe/London', 'completed', 300)"
        )
        for index, (kind, outcome) in enumerate(session_steps):
            raw.execute(
                "INSERT INTO exercise (session_id, step_index, name, planned_seconds,"
                " active_seconds, sets_done, set_count, outcome, kind)"
                " VALUES (?, ?, 'Step', 60, 60, 1, 1, ?, ?)",
                (day, index, outcome, kind),
            )
    raw.execute(
        "INSERT INTO check_in (routine_title, routine_path, asked_utc, utc_offset_minutes,"
        " asked, settled, settled_session_id, answered_yes, went_ahead, advice)"
        " VALUES ('Old routine', '/r/old.yaml', '2026-10-03T07:00:00+00:00', 60, 1, 0, 2,"
        " '[]', 1, '[]')"
    )
    raw.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    raw.execute("PRAGMA user_version = 5")
    raw.commit()
    raw.close()


def test_a_version_5_log_is_migrated_counting_the_same_sessions(tmp_path: Path):
    from backroutine.log.history import read_history

    path = tmp_path / "log.sqlite3"
    _version_5_log(path)
    with CompletionLog.open(path) as log:
        [history] = read_history(log, now=datetime(2026, 10, 8, 20, tzinfo=LONDON))
        sessions = log.sessions()
    # The card read and the breathing skipped: not counted.
    assert (history.completed, history.none_done) == (4, 1)
    assert [session.best_step for session in sessions] == [
        BestStep.OTHER_DONE,
        BestStep.COUNTING_DONE,
        BestStep.COUNTING_DONE,
        BestStep.COUNTING_NOT_DONE,
        None,
    ]
    assert [session.settled_next_morning for session in sessions] == [
        None,
        False,
        None,
        None,
        None,
    ]
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 6
    raw.close()


@pytest.mark.parametrize("version", [5, SCHEMA_VERSION], ids=["migrated", "new"])
def test_check_ins_are_found_by_the_session_they_answer_for_without_reading_them_all(
    tmp_path: Path, version: int
):
    path = tmp_path / "log.sqlite3"
    if version == 5:
        _version_5_log(path)
    CompletionLog.open(path).close()
    raw = sqlite3.connect(path)
    plan = raw.execute(
        "EXPLAIN QUERY PLAN SELECT settled FROM check_in WHERE settled_session_id = 2"
    ).fetchall()
    raw.close()
    assert [row[3] for row in plan] == [
        "SEARCH check_in USING INDEX check_in_by_settled_session (settled_session_id=?)"
    ]


def test_a_step_logged_again_counts_as_it_went_the_last_time(tmp_path: Path):
    from backroutine.log.history import read_history

    started = datetime(2024, 7, 1, 8, tzinfo=LONDON)
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        session_id = start(log, started)
        for outcome in ("done", "skipped"):  # went back to it, and skipped it this time
            log.record_progress(
                session_id,
                segments_done=1,
                active_seconds=10,
                snapshot=None,
                exercise=bird_dog(outcome),
            )
        log.finish_session(session_id, status="completed", ended=started + timedelta(minutes=5))
        [history] = read_history(log, now=started + timedelta(hours=1))
        assert (history.completed, history.none_done) == (0, 1)
        assert log.outlines()[0].best_step == BestStep.COUNTING_NOT_DONE


def test_a_check_in_reads_back_as_written_and_answers_the_session_before_it(tmp_path: Path):
    started = datetime(2024, 7, 1, 7, 30, tzinfo=LONDON)
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        first = start(log, started, pain_before=2)
        asked = started + timedelta(days=1)
        written = CheckInRecord(
            "Low back basics",
            "/routines/low-back.yaml",
            asked,
            asked=True,
            went_ahead=True,
            pain_now=3,
            leg_pain=4,
            leg_reach="thigh",
            settled=False,
            settled_session_id=first,
            answered_yes=("not_improving",),
            tier="therapist",
            advice=("Tell them.", "Easy."),
        )
        check_in_id = log.record_check_in(written)
        second = start(log, asked)
        log.attach_check_in(check_in_id, second)
        [read] = log.check_ins()
        assert read == replace(written, id=check_in_id, session_id=second)
        assert read.asked_at == asked and read.asked_at.utcoffset() == timedelta(hours=1)
        sessions = {session.id: session for session in log.sessions()}
        assert sessions[first].settled_next_morning is False
        assert sessions[second].settled_next_morning is None
        assert log.check_ins(since=asked + timedelta(seconds=1)) == []
