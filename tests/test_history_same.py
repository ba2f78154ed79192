"""The quick history says what the plain computation says, over years of a varied log.

`read_history` reads exercise rows only for recent weeks, older sessions in outline with the
furthest their steps went as the log keeps it, and reviews the pain of only the sessions it
shows, keeping only the scores the trend reads; here every number it gives is compared with
the plain way (every session read with its exercises, every earlier pain score passed to the
pain model for every session), so a speed-up cannot change what a patient or therapist sees.
"""

from __future__ import annotations

import io
import json
import random
import shutil
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from msgspec.structs import replace

from backroutine.log.export import export
from backroutine.log.history import histories, pain_points, pain_reviews, read_history
from backroutine.log.store import (
    COUNTING_KINDS,
    BestStep,
    CheckInRecord,
    CompletionLog,
    ExerciseRecord,
    SessionRecord,
    StageAnswer,
    StepKind,
)
from backroutine.routine.frequency import Frequency
from backroutine.routine.safety import PainReview, review_pain

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 20, 21, 0, tzinfo=LONDON)
DAYS = 3 * 365
ROUTINES = (  # path, title, frequency, staged
    ("/routines/low-back.yaml", "Low back basics", Frequency(1, "day"), False),
    ("/routines/staged.yaml", "Back to running", Frequency(3, "week"), True),
    ("/routines/neck.yaml", "Neck, as needed", None, False),
)
STEPS: tuple[tuple[str, StepKind], ...] = (
    ("Why pain is not damage", "card"),
    ("Heat pack", "pack"),
    ("Bird-dog", "exercise"),
    ("Breathing", "breathing"),
    ("Bridge", "exercise"),
    ("Walk", "walk"),
)


def _exercise(index: int, name: str, kind: StepKind, outcome: str) -> ExerciseRecord:
    return ExerciseRecord(
        index,
        name,
        60,
        55.0,
        1 if outcome == "done" else 0,
        2,
        None,
        None,
        outcome,  # type: ignore[arg-type]
        hurt_side="right" if outcome == "hurt" else None,
        hurt_set=1 if outcome == "hurt" else None,
        kind=kind,
    )


def _write_years(path: Path) -> None:
    """Three years of a patient with three routines: pain that rises and falls, scores left
    out, next mornings that did not settle, stages moved on and back, steps skipped and
    hurt, sessions of only a card read, quit and abandoned sessions, notes."""
    chance = random.Random(6)
    with CompletionLog.open(path) as log:
        log._db.execute("PRAGMA synchronous = OFF")  # filling the file only
        stage = 1
        previous: int | None = None
        for day in range(DAYS):
            for path_text, title, frequency, staged in ROUTINES:
                if chance.random() < (0.3 if frequency is None else 0.2):
                    continue
                started = NOW - timedelta(days=DAYS - day, hours=chance.randint(2, 12))
                # A check-in asks about the session before; now and then twice (the
                # latest answer is the one that holds).
                answers = 0 if previous is None else chance.choices([0, 1, 2], [6, 3, 1])[0]
                for answer in range(answers):
                    log.record_check_in(
                        CheckInRecord(
                            routine_title=title,
                            routine_path=path_text,
                            asked_at=started - timedelta(minutes=answers - answer),
                            asked=True,
                            went_ahead=True,
                            pain_now=chance.randint(0, 6),
                            settled=chance.random() < 0.7,
                            settled_session_id=previous,
                        )
                    )
                session = log.start_session(
                    routine_title=title,
                    routine_path=path_text,
                    routine_sha256="ab" * 32,
                    frequency=frequency,
                    planned_seconds=600,
                    started=started,
                    time_zone="Europe/London",
                    pain_before=chance.choice([None, *range(8)]),
                    stage=stage if staged else None,
                )
                previous = session
                only_a_card = chance.random() < 0.05
                for index, (name, kind) in enumerate(STEPS[:1] if only_a_card else STEPS):
                    outcome = chance.choices(["done", "skipped", "hurt", "started"], [20, 3, 1, 1])[
                        0
                    ]
                    log.record_progress(
                        session,
                        segments_done=index + 1,
                        active_seconds=55.0,
                        snapshot=None,
                        exercise=_exercise(index, name, kind, outcome),
                    )
                ending = chance.random()
                if ending < 0.05:
                    log.record_quit(session, ended=started + timedelta(minutes=5))
                    continue
                # Pain after climbs for a run of days now and then, so the trend flags.
                climbing = (day // 7) % 9 == 0
                after = min(10, 2 + day % 7) if climbing else chance.choice([None, *range(7)])
                log.finish_session(
                    session,
                    status="abandoned" if ending < 0.1 else "completed",
                    ended=started + timedelta(minutes=12),
                    pain_after=after,
                    note=f"Day {day}: fine" if chance.random() < 0.1 else None,
                )
                if staged and chance.random() < 0.05:
                    moving_on = chance.random() < 0.6 or stage == 1
                    after_stage = stage + 1 if moving_on else stage - 1
                    log.record_stage_answer(
                        StageAnswer(
                            routine_path=path_text,
                            asked_at=started + timedelta(minutes=13),
                            question="move_on" if moving_on else "go_back",
                            answer=True,
                            stage_before=stage,
                            stage_after=after_stage,
                            session_id=session,
                        )
                    )
                    stage = after_stage


def plain_pain_reviews(sessions: list[SessionRecord]) -> dict[int, PainReview]:
    """The pain model given every earlier after-session score of the routine."""
    afters: dict[str, list[int | None]] = {}
    reviews = {}
    for session in sessions:
        earlier = afters.setdefault(session.routine_path, [])
        reviews[session.id] = review_pain(
            session.pain_before, session.pain_after, session.settled_next_morning, earlier
        )
        earlier.append(session.pain_after)
    return reviews


@pytest.fixture(scope="module")
def years(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("years") / "log.sqlite3"
    _write_years(path)
    return path


@pytest.fixture(scope="module")
def migrated(years: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same years as a version 5 log had them (no best step kept per session, check-ins
    not indexed by session), opened once so the log migrates it."""
    path = tmp_path_factory.mktemp("migrated") / "log.sqlite3"
    shutil.copy(years, path)
    raw = sqlite3.connect(path)
    raw.execute("DROP INDEX check_in_by_settled_session")
    raw.execute("ALTER TABLE session DROP COLUMN best_step")
    raw.execute("PRAGMA user_version = 5")
    raw.commit()
    raw.close()
    CompletionLog.open(path).close()
    return path


def test_the_log_holds_what_the_comparison_needs(years: Path):
    with CompletionLog.open(years) as log:
        sessions = log.sessions(with_exercises=True)
        reviews = plain_pain_reviews(sessions)
        assert len(sessions) > 2000
        assert any("rising" in (review.flag or "") for review in reviews.values())
        assert any(session.settled_next_morning is False for session in sessions)
        assert len({session.stage for session in sessions} - {None}) > 1
        outcomes = {e.outcome for session in sessions for e in session.exercises}
        assert {"done", "skipped", "hurt", "started"} <= outcomes
        assert any(
            session.status == "completed" and [e.kind for e in session.exercises] == ["card"]
            for session in sessions
        )


def test_each_session_reads_the_latest_answer_about_its_next_morning(years: Path):
    raw = sqlite3.connect(years)
    latest = dict(
        raw.execute(
            "SELECT id, (SELECT settled FROM check_in WHERE settled_session_id = session.id"
            " AND settled IS NOT NULL ORDER BY asked_utc DESC LIMIT 1) FROM session"
        ).fetchall()
    )
    asked_twice = raw.execute(
        "SELECT count(*) FROM (SELECT settled_session_id FROM check_in"
        " GROUP BY settled_session_id HAVING count(DISTINCT settled) = 2)"
    ).fetchone()[0]
    raw.close()
    assert asked_twice > 10
    with CompletionLog.open(years) as log:
        read = {session.id: session.settled_next_morning for session in log.sessions()}
        one = log.session(max(id for id, settled in read.items() if settled is False))
    assert read == {
        session_id: None if settled is None else bool(settled)
        for session_id, settled in latest.items()
    }
    assert one.settled_next_morning == read[one.id]


def test_every_history_number_is_the_plain_computations(years: Path):
    with CompletionLog.open(years) as log:
        found = read_history(log, now=NOW, tz=LONDON)
        # Every step read, and whether a session counts decided from them, not the log's
        # one number per session.
        every_step = [replace(s, best_step=None) for s in log.sessions(with_exercises=True)]
        partly_done = {
            s.id
            for s in every_step
            for e in s.exercises
            if e.outcome in {"skipped", "hurt"} and (e.kind or "exercise") in COUNTING_KINDS
        }
        plain = histories(every_step, NOW.date(), partly_done)
        current = {path: log.current_stage(path) for path, *_ in ROUTINES}
    assert [history.routine_path for history in found] == [h.routine_path for h in plain]
    for quick, expected in zip(found, plain, strict=True):
        if expected.stage is not None:
            assert quick.stage == current[expected.routine_path]
            expected = replace(expected, stage=quick.stage)
        assert quick == expected
    assert any(point.flag and "rising" in point.flag for h in found for point in h.pain)


def test_every_exported_pain_flag_and_advice_is_the_plain_computations(years: Path):
    with CompletionLog.open(years) as log:
        sessions = log.sessions(with_exercises=True)
        out = io.StringIO()
        export(log, "json", out=out, now=NOW)
    assert pain_reviews(sessions) == plain_pain_reviews(sessions)
    expected = plain_pain_reviews(sessions)
    exported = json.loads(out.getvalue())["sessions"]
    assert len(exported) == len(sessions)
    for session, row in zip(sessions, exported, strict=True):
        assert row["pain_flag"] == expected[session.id].flag
        assert row["pain_advice"] == (" ".join(expected[session.id].advice) or None)


@pytest.mark.parametrize("log_file", ["years", "migrated"])
def test_each_outline_says_what_the_session_read_in_full_says(log_file: str, request):
    with CompletionLog.open(request.getfixturevalue(log_file)) as log:
        outlines = log.outlines()
        sessions = log.sessions(with_exercises=True)
    assert len(outlines) == len(sessions)
    for outline, session in zip(outlines, sessions, strict=True):
        # The furthest its steps went, from the steps themselves.
        assert outline.best_step == BestStep.of((e.kind, e.outcome) for e in session.exercises)
        assert outline == (
            session.id,
            session.routine_title,
            session.routine_path,
            session.frequency,
            session.started,
            session.status,
            session.pain_before,
            session.pain_after,
            session.note,
            session.best_step,
            session.settled_next_morning,
            session.stage,
            (),
        )
        assert outline.started.utcoffset() == session.started.utcoffset()


def test_a_migrated_log_gives_the_same_history(years: Path, migrated: Path):
    with CompletionLog.open(years) as log:
        written = read_history(log, now=NOW, tz=LONDON)
    with CompletionLog.open(migrated) as log:
        assert read_history(log, now=NOW, tz=LONDON) == written


def test_every_pain_point_shown_is_reviewed_with_every_earlier_score(years: Path):
    with CompletionLog.open(years) as log:
        sessions = log.sessions()
    flags = set()
    for path, *_ in ROUTINES:
        routine = [session for session in sessions if session.routine_path == path]
        plain = plain_pain_reviews(routine)  # a review reads only the sessions before it
        # The history as it was on every seventh session: the latest 30 points, each with
        # its review.
        for end in range(1, len(routine) + 1, 7):
            scored = [
                session
                for session in routine[:end]
                if (session.pain_before, session.pain_after, session.settled_next_morning)
                != (None, None, None)
            ]
            expected = [(s.id, plain[s.id].flag, plain[s.id].advice) for s in scored[-30:]]
            points = pain_points(routine[:end])
            assert [(p.session_id, p.flag, p.advice) for p in points] == expected
            flags |= {point.flag for point in points}
    assert any(flag and "rising" in flag for flag in flags)
