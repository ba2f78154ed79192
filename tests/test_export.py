"""The export a therapist can read and a program can trust, over a generated fortnight."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import jsonschema
import pytest
from patient_log import patient_log

from backroutine.log.export import EXERCISE_COLUMNS, SESSION_COLUMNS, export, exported_status
from backroutine.log.store import (
    APPLICATION_ID,
    MIGRATIONS,
    SCHEMA_VERSION,
    CompletionLog,
    ExerciseRecord,
)

SCHEMA = Path(__file__).parent.parent / "docs" / "export.schema.json"


@pytest.fixture(scope="module")
def fortnight(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return patient_log(tmp_path_factory.mktemp("patient"))


def exported(log_path: Path, format: str = "json", **options: bool) -> str:
    out = io.StringIO(newline="")
    with CompletionLog.open(log_path) as log:
        export(log, format, None, out, **options)  # type: ignore[arg-type]
    return out.getvalue()


def test_the_json_export_follows_its_published_schema(fortnight: Path):
    document = json.loads(exported(fortnight))
    jsonschema.validate(document, json.loads(SCHEMA.read_text()))
    assert document["version"] == 3


def test_every_session_says_which_prescription_and_week_it_was(fortnight: Path):
    sessions = json.loads(exported(fortnight))["sessions"]
    assert {(s["routine_id"], s["routine_version"]) for s in sessions} == {
        ("low-back-basics", "1.2")
    }
    assert [s["week"] for s in sessions] == [1, 1, 1, 1, 2, 2, 2, 2, 2, 2]


def test_times_are_local_with_their_offset_and_paths_are_left_out(fortnight: Path):
    document = json.loads(exported(fortnight))
    first = document["sessions"][0]
    assert first["started"] == "2026-06-01T08:01:00+01:00"  # British Summer Time
    assert first["time_zone"] == "Europe/London"
    files = {s["routine_file"] for s in document["sessions"]}
    files |= {c["routine_file"] for c in document["check_ins"]}
    assert files == {"low-back.yaml"}
    assert str(fortnight.parent) not in exported(fortnight)
    assert str(fortnight.parent) not in exported(fortnight, "csv")
    with_paths = json.loads(exported(fortnight, paths=True))
    assert with_paths["sessions"][0]["routine_file"] == str(fortnight.parent / "low-back.yaml")


def test_partly_done_hurt_and_quit_are_said_as_they_happened(fortnight: Path):
    sessions = json.loads(exported(fortnight))["sessions"]
    outcomes = {(s["started"][:10], e["exercise"]): e for s in sessions for e in s["exercises"]}
    partly = outcomes[("2026-06-05", "Bridge")]  # the first rep skipped
    assert (partly["outcome"], partly["reps_done"], partly["reps_planned"]) == (
        "partly_done",
        2,
        3,
    )
    hurt = outcomes[("2026-06-03", "Bird-dog")]
    assert (hurt["outcome"], hurt["hurt_side"], hurt["hurt_set"]) == ("hurt", "right", 2)
    assert (hurt["sets_done"], hurt["set_count"], hurt["reps_done"], hurt["reps_planned"]) == (
        1,
        2,
        6,
        8,
    )
    quit_ = next(s for s in sessions if s["started"].startswith("2026-06-11"))
    assert quit_["status"] == "quit" and quit_["ended"].startswith("2026-06-11T08:01:")
    assert [e["outcome"] for e in quit_["exercises"]] == ["done", "not_finished"]
    resumed = next(s for s in sessions if s["started"].startswith("2026-06-09"))
    assert resumed["status"] == "completed" and resumed["ended"].startswith("2026-06-09T09:")


def test_the_csv_has_a_row_per_exercise_with_the_same_words(fortnight: Path):
    rows = list(csv.DictReader(io.StringIO(exported(fortnight, "csv"))))
    assert list(rows[0]) == [*SESSION_COLUMNS, *EXERCISE_COLUMNS]
    assert (rows[9]["status"], rows[9]["exercise"]) == ("not_started", "")  # screened out
    partly = next(r for r in rows if r["outcome"] == "partly_done")
    assert (partly["exercise"], partly["reps_done"], partly["reps_planned"]) == ("Bridge", "2", "3")
    hurt = [r for r in rows if r["outcome"] == "hurt"]
    assert [(r["hurt_side"], r["hurt_set"], r["week"]) for r in hurt] == [
        ("right", "2", "1"),
        ("right", "2", "2"),
    ]


def _version_2_log(path: Path) -> None:
    """A log as backroutine wrote it before version 3 (no routine id, week, hurt side)."""
    raw = sqlite3.connect(path)
    for migration in MIGRATIONS[:2]:
        raw.executescript(migration)
    raw.execute(
        "INSERT INTO session (routine_title, routine_path, routine_sha256, started_utc,"
        " utc_offset_minutes, time_zone, status, pain_before, pain_after, planned_seconds,"
        " ended_utc) VALUES ('Old routine', '/home/ann/r/old.yaml', 'ab',"
        " '2025-07-01T07:00:00+00:00', 60, 'Europe/London', 'completed', 3, 4, 300,"
        " '2025-07-01T07:10:00+00:00')"
    )
    raw.execute("INSERT INTO exercise VALUES (1, 0, 'Bridge', 60, 58, 1, 2, 10, 10, 'done')")
    raw.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    raw.execute("PRAGMA user_version = 2")
    raw.commit()
    raw.close()


def test_a_version_2_log_is_migrated_and_exports_what_it_knows(tmp_path: Path):
    path = tmp_path / "log.sqlite3"
    _version_2_log(path)
    document = json.loads(exported(path))
    jsonschema.validate(document, json.loads(SCHEMA.read_text()))
    (old,) = document["sessions"]
    assert (old["routine_id"], old["week"], old["routine_file"]) == (None, None, "old.yaml")
    assert old["started"] == "2025-07-01T08:00:00+01:00"
    (bridge,) = old["exercises"]
    # One set of two done, logged as "done" before version 3: now said as partly done.
    assert (bridge["outcome"], bridge["reps_planned"], bridge["hurt_side"]) == (
        "partly_done",
        None,
        None,
    )
    with CompletionLog.open(path) as log:
        log.record_progress(
            1,
            segments_done=3,
            active_seconds=70,
            snapshot=None,
            exercise=ExerciseRecord(1, "Plank", 30, 10, 0, 1, None, None, "hurt", "left", 1),
        )
        plank = log.session(1).exercises[1]
        assert (plank.hurt_side, plank.hurt_set) == ("left", 1)
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 6
    raw.close()


def test_a_quit_session_keeps_its_end_time_until_it_goes_on(tmp_path: Path):
    started = datetime(2026, 6, 1, 8, 0, tzinfo=ZoneInfo("Europe/London"))
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        session_id = log.start_session(
            routine_title="Low back",
            routine_path="/r/low-back.yaml",
            routine_sha256="ab",
            frequency=None,
            planned_seconds=60,
            started=started,
            time_zone="Europe/London",
        )
        log.record_quit(session_id, ended=started + timedelta(minutes=3))
        quit_ = log.session(session_id)
        assert (exported_status(quit_), quit_.ended) == ("quit", started + timedelta(minutes=3))
        # Resumed: going on again, it has no end until it ends again.
        log.record_progress(session_id, segments_done=2, active_seconds=30, snapshot=None)
        assert exported_status(log.session(session_id)) == "unfinished"
        log.finish_session(session_id, status="completed", ended=started + timedelta(hours=1))
        log.record_quit(session_id, ended=started)  # too late: a completed session keeps its end
        done = log.session(session_id)
        assert (exported_status(done), done.ended) == ("completed", started + timedelta(hours=1))
