"""Opening an older log brings it up to date, whatever state its last migration left it in.

Each log here is a real SQLite file built as an older backroutine wrote it (the migrations up
to its version, then rows in every table it had), or as a migration cut short left it (part of
a step's schema changes made, its version not bumped), or the log a development build wrote
(`data/logs/`: version 3 by its number, with version 4's columns and without version 3's).
Opened, each must read back every row it held, unchanged, and take new sessions.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import pytest

from backroutine.log.store import (
    APPLICATION_ID,
    MIGRATIONS,
    SCHEMA_VERSION,
    BestStep,
    CompletionLog,
    ExerciseRecord,
)
from backroutine.routine.frequency import Frequency

DEVELOPMENT_LOG = Path(__file__).parent / "data" / "logs" / "development-build-version-3.sqlite3"


def _statements(migration: str) -> list[str]:
    return [statement for statement in migration.split(";") if statement.strip()]


def _rows(path: Path) -> dict[str, list[dict[str, object]]]:
    """Every row of every table, as column -> value."""
    raw = sqlite3.connect(path)
    raw.row_factory = sqlite3.Row
    tables = [row[0] for row in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    rows = {
        table: [dict(row) for row in raw.execute(f"SELECT * FROM {table} ORDER BY 1, 2")]
        for table in tables
    }
    raw.close()
    return rows


def _kept_everything(before: dict[str, list[dict[str, object]]], path: Path) -> None:
    after = _rows(path)
    for table, rows in before.items():
        # The columns a migration added are new, and `best_step` is worked out afresh from
        # the steps (version 6); every other value the file held is as it was.
        columns = [column for column in (rows[0] if rows else ()) if column != "best_step"]
        assert [{column: row[column] for column in columns} for row in after[table]] == [
            {column: row[column] for column in columns} for row in rows
        ]


def _log_at(path: Path, version: int, *, then: tuple[str, ...] = ()) -> None:
    """A log as backroutine wrote it at schema `version`, holding a session with a step and,
    from version 2, a check-in; `then`: statements a cut-short migration made after that."""
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA journal_mode = WAL")
    for migration in MIGRATIONS[:version]:
        raw.executescript(migration)
    raw.execute(
        "INSERT INTO session (id, routine_title, routine_path, routine_sha256, frequency_count,"
        " frequency_period, started_utc, utc_offset_minutes, time_zone, ended_utc, status,"
        " pain_before, pain_after, note, planned_seconds, active_seconds, segments_done)"
        " VALUES (1, 'Old routine', '/r/old.yaml', 'ab', 3, 'week', '2024-03-01T08:00:00+00:00',"
        " 60, 'Europe/Paris', '2024-03-01T08:10:00+00:00', 'completed', 3, 2, 'stiff', 300,"
        " 290, 4)"
    )
    raw.execute(
        "INSERT INTO exercise (session_id, step_index, name, planned_seconds, active_seconds,"
        " sets_done, set_count, reps_done, rep_count, outcome)"
        " VALUES (1, 0, 'Bird-dog', 60, 55, 2, 2, 10, 5, 'done')"
    )
    if version >= 2:
        raw.execute(
            "INSERT INTO check_in (routine_title, routine_path, asked_utc, utc_offset_minutes,"
            " asked, pain_now, settled, settled_session_id, answered_yes, went_ahead, advice)"
            " VALUES ('Old routine', '/r/old.yaml', '2024-03-02T07:00:00+00:00', 60, 1, 2, 1, 1,"
            " '[]', 1, '[]')"
        )
    for statement in then:
        raw.execute(statement)
    raw.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    raw.execute(f"PRAGMA user_version = {version}")
    raw.commit()
    raw.close()


def _takes_a_new_session(path: Path) -> None:
    started = datetime(2026, 11, 30, 8, tzinfo=timezone.utc)
    with CompletionLog.open(path) as log:
        session_id = log.start_session(
            routine_title="Low back basics",
            routine_path="/r/low-back.yaml",
            routine_sha256="cd" * 32,
            frequency=Frequency(2, "day"),
            planned_seconds=120,
            started=started,
            time_zone="UTC",
            routine_id="low-back",
            week=1,
            stage=2,
        )
        log.record_progress(
            session_id,
            segments_done=1,
            active_seconds=30,
            snapshot=None,
            exercise=ExerciseRecord(0, "Bridge", 30, 30, 1, 1, 5, 5, "done", kind="exercise"),
        )
        log.finish_session(session_id, status="completed", ended=started)
        new = log.session(session_id)
    assert (new.routine_id, new.week, new.stage, new.exercises[0].kind) == (
        "low-back",
        1,
        2,
        "exercise",
    )
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    raw.close()


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
def test_a_log_at_each_older_version_opens_keeping_all_it_held(tmp_path: Path, version: int):
    path = tmp_path / "log.sqlite3"
    _log_at(path, version)
    before = _rows(path)

    with CompletionLog.open(path) as log:
        [old] = log.sessions(with_exercises=True)
    assert (old.routine_title, old.pain_before, old.pain_after, old.note) == (
        "Old routine",
        3,
        2,
        "stiff",
    )
    assert old.frequency == Frequency(3, "week")
    assert [(step.name, step.reps_done) for step in old.exercises] == [("Bird-dog", 10)]
    assert old.best_step == BestStep.COUNTING_DONE
    _kept_everything(before, path)
    _takes_a_new_session(path)


CUT_SHORT = [
    pytest.param(version, tuple(_statements(MIGRATIONS[version])[:made]), id=f"{version}+{made}")
    for version in range(1, SCHEMA_VERSION)
    for made in {1, len(_statements(MIGRATIONS[version]))}
]


@pytest.mark.parametrize(("version", "made"), CUT_SHORT)
def test_a_log_whose_migration_was_cut_short_before_its_version_bump_opens(
    tmp_path: Path, version: int, made: tuple[str, ...]
):
    """Part (or all) of the next step's schema made, the version number still the old one:
    the old code stopped at "duplicate column name" and the patient lost their history."""
    path = tmp_path / "log.sqlite3"
    _log_at(path, version, then=made)
    before = _rows(path)

    with CompletionLog.open(path) as log:
        [old] = log.sessions(with_exercises=True)
    assert old.routine_title == "Old routine"
    assert len(old.exercises) == 1
    assert old.best_step == BestStep.COUNTING_DONE
    _kept_everything(before, path)
    _takes_a_new_session(path)


def test_the_log_a_development_build_wrote_opens_with_its_unfinished_session(tmp_path: Path):
    path = tmp_path / "log.sqlite3"
    shutil.copyfile(DEVELOPMENT_LOG, path)
    before = _rows(path)

    with CompletionLog.open(path) as log:
        [unfinished] = log.unfinished_sessions()
        assert log.snapshot(unfinished.id) is not None
        [session] = log.sessions(with_exercises=True)
    assert session.routine_title == "Sciatica relief"
    assert session.frequency == Frequency(2, "day")
    assert [(step.name, step.outcome) for step in session.exercises] == [
        ("Piriformis stretch", "started")
    ]
    _kept_everything(before, path)
    _takes_a_new_session(path)


def test_a_new_log_is_made_the_same_as_one_migrated_from_its_first_version(tmp_path: Path):
    new, migrated = tmp_path / "new.sqlite3", tmp_path / "migrated.sqlite3"
    CompletionLog.open(new).close()
    _log_at(migrated, 1)
    CompletionLog.open(migrated).close()

    def schema(path: Path) -> dict[str, list[str]]:
        raw = sqlite3.connect(path)
        names = [row[0] for row in raw.execute("SELECT name FROM sqlite_master ORDER BY name")]
        columns = {
            name: [row[1] for row in raw.execute(f"PRAGMA table_info({name})")] for name in names
        }
        raw.close()
        return columns

    assert schema(migrated) == schema(new)
