"""The completion log: every session, written as it goes, in one SQLite file.

Each finished segment is committed in its own transaction (WAL, `synchronous=FULL`), so
a session killed at any moment keeps everything done before the kill, together with the
engine snapshot it can be resumed from. A file that is damaged, foreign or written by a
newer backroutine is never touched: opening it raises `LogError`. An older one is brought up to
date in one transaction, keeping all it holds, whatever part of the update it has already.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime, timedelta, timezone
from enum import IntEnum
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, NamedTuple

import msgspec

from backroutine.base.clock import local_now
from backroutine.routine.frequency import Frequency, parse_frequency

APPLICATION_ID = 0x62726B6C  # "brkl": marks the file as a backroutine log
SCHEMA_VERSION = 6
BUSY_TIMEOUT_MS = 5000
RETRY_TIMEOUT_MS = 100
"""How long a retry waits for a lock while writes are already waiting."""

SessionStatus = Literal["in_progress", "completed", "abandoned"]
LoggedOutcome = Literal["done", "skipped", "hurt", "started"]
StepKind = Literal["exercise", "card", "pack", "breathing", "walk"]
"""What a logged step is: an exercise (holds, reps, timed), an education card, a heat or cold
pack, guided breathing or a walk."""
COUNTING_KINDS: frozenset[str] = frozenset({"exercise", "breathing", "walk"})
"""The steps whose doing is doing the routine (`history.did_the_routine`). Reading a card or
putting on a pack alone is not: a therapist asks whether the exercises (or the breathing, or
the walk) were done. A step logged before kinds were (version 5) is an exercise."""
_COUNTING_SQL = "coalesce(kind, 'exercise') IN ({})".format(
    ", ".join(f"'{kind}'" for kind in sorted(COUNTING_KINDS))
)


class BestStep(IntEnum):
    """The furthest a session's logged steps went, in the order `history.did_the_routine`
    weighs them (None where no step was logged)."""

    OTHER_NOT_DONE = 0
    """Only cards or packs, none of them done."""
    OTHER_DONE = 1
    """A card read or a pack put on; no exercise, breathing or walk in the routine."""
    COUNTING_NOT_DONE = 2
    """An exercise, breathing or walk (`COUNTING_KINDS`), none of them done."""
    COUNTING_DONE = 3
    """An exercise, breathing or walk done."""

    @classmethod
    def of(cls, steps: Iterable[tuple[str | None, str]]) -> BestStep | None:
        """The best of steps given as (kind, outcome); a kind None is an exercise's."""
        ranks = [
            2 * ((kind or "exercise") in COUNTING_KINDS) + (outcome == "done")
            for kind, outcome in steps
        ]
        return cls(max(ranks)) if ranks else None


_BEST_STEPS = tuple(BestStep)
"""Each `BestStep` at its value's index: quicker to look up than `BestStep(value)`."""

# `BestStep.of` in SQL: one number per session, NULL when no step was logged. Kept in
# `session.best_step` as each step is logged (version 6): worked out on every read, it was
# an eighth of `backroutine history`'s time over ten years of sessions.
_BEST_STEP_SQL = (
    f"(SELECT max(2 * ({_COUNTING_SQL}) + (outcome = 'done')) FROM exercise"
    " WHERE session_id = session.id)"
)

# MIGRATIONS[n] brings a file from schema version n to n + 1; a new file starts at 0. Each
# statement is safe to run on a file that has what it makes already (`_migrate`): tables and
# indexes `IF NOT EXISTS`, and a column is added only where it is missing.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE IF NOT EXISTS session (
        id INTEGER PRIMARY KEY,
        routine_title TEXT NOT NULL,
        routine_path TEXT NOT NULL,
        routine_sha256 TEXT NOT NULL,
        frequency_count INTEGER,
        frequency_period TEXT CHECK (frequency_period IN ('day', 'week')),
        started_utc TEXT NOT NULL,
        utc_offset_minutes INTEGER NOT NULL,
        time_zone TEXT NOT NULL,
        ended_utc TEXT,
        status TEXT NOT NULL CHECK (status IN ('in_progress', 'completed', 'abandoned')),
        pain_before INTEGER CHECK (pain_before BETWEEN 0 AND 10),
        pain_after INTEGER CHECK (pain_after BETWEEN 0 AND 10),
        note TEXT,
        planned_seconds REAL NOT NULL,
        active_seconds REAL NOT NULL DEFAULT 0,
        segments_done INTEGER NOT NULL DEFAULT 0,
        snapshot TEXT
    );
    CREATE INDEX IF NOT EXISTS session_by_start ON session (started_utc);
    CREATE INDEX IF NOT EXISTS session_unfinished ON session (status) WHERE status = 'in_progress';
    CREATE TABLE IF NOT EXISTS exercise (
        session_id INTEGER NOT NULL REFERENCES session (id) ON DELETE CASCADE,
        step_index INTEGER NOT NULL,
        name TEXT NOT NULL,
        planned_seconds REAL NOT NULL,
        active_seconds REAL NOT NULL,
        sets_done INTEGER NOT NULL,
        set_count INTEGER NOT NULL,
        reps_done INTEGER,
        rep_count INTEGER,
        outcome TEXT NOT NULL CHECK (outcome IN ('done', 'skipped', 'hurt', 'started')),
        PRIMARY KEY (session_id, step_index)
    ) WITHOUT ROWID;
    """,
    # Version 2: every check-in, including those that stopped a session and runs that
    # asked none; when a session last made progress, to tell how long ago it stopped.
    """
    ALTER TABLE session ADD COLUMN last_progress_utc TEXT;
    CREATE TABLE IF NOT EXISTS check_in (
        id INTEGER PRIMARY KEY,
        session_id INTEGER REFERENCES session (id) ON DELETE SET NULL,
        routine_title TEXT NOT NULL,
        routine_path TEXT NOT NULL,
        asked_utc TEXT NOT NULL,
        utc_offset_minutes INTEGER NOT NULL,
        asked INTEGER NOT NULL CHECK (asked IN (0, 1)),
        pain_now INTEGER CHECK (pain_now BETWEEN 0 AND 10),
        leg_pain INTEGER CHECK (leg_pain BETWEEN 0 AND 10),
        leg_reach TEXT,
        settled INTEGER CHECK (settled IN (0, 1)),
        settled_session_id INTEGER REFERENCES session (id) ON DELETE SET NULL,
        answered_yes TEXT NOT NULL,
        tier TEXT CHECK (tier IN ('emergency', 'same_day', 'therapist')),
        went_ahead INTEGER NOT NULL CHECK (went_ahead IN (0, 1)),
        advice TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS check_in_by_time ON check_in (asked_utc);
    """,
    # Version 3: what was prescribed (the routine's id, version and progression week) on
    # every session; where an exercise hurt (side and set) and how many reps were planned
    # over all its sets and sides, so a partly done exercise reads as partly done.
    """
    ALTER TABLE session ADD COLUMN routine_id TEXT;
    ALTER TABLE session ADD COLUMN routine_version TEXT;
    ALTER TABLE session ADD COLUMN week INTEGER CHECK (week >= 1);
    ALTER TABLE exercise ADD COLUMN hurt_side TEXT
        CHECK (hurt_side IN ('left', 'right', 'affected'));
    ALTER TABLE exercise ADD COLUMN hurt_set INTEGER;
    ALTER TABLE exercise ADD COLUMN reps_planned INTEGER;
    """,
    # Version 4 (format 2): a frequency in words (`every 2 hours between 08:00 and 20:00`,
    # `as needed`...), the stage each session was done at, and every stage question asked.
    """
    ALTER TABLE session ADD COLUMN frequency TEXT;
    ALTER TABLE session ADD COLUMN stage INTEGER CHECK (stage >= 1);
    CREATE TABLE IF NOT EXISTS stage_answer (
        id INTEGER PRIMARY KEY,
        routine_path TEXT NOT NULL,
        session_id INTEGER REFERENCES session (id) ON DELETE SET NULL,
        asked_utc TEXT NOT NULL,
        utc_offset_minutes INTEGER NOT NULL,
        question TEXT NOT NULL CHECK (question IN ('move_on', 'go_back')),
        answer INTEGER NOT NULL CHECK (answer IN (0, 1)),
        stage_before INTEGER NOT NULL CHECK (stage_before >= 1),
        stage_after INTEGER NOT NULL CHECK (stage_after >= 1)
    );
    CREATE INDEX IF NOT EXISTS stage_answer_by_routine ON stage_answer (routine_path, asked_utc);
    """,
    # Version 5: what each logged step is, so a session where only a card was read or a pack
    # put on does not count as the routine done (NULL: logged before, read as an exercise).
    """
    ALTER TABLE exercise ADD COLUMN kind TEXT
        CHECK (kind IN ('exercise', 'card', 'pack', 'breathing', 'walk'));
    """,
    # Version 6: the furthest each session's steps went (`BestStep`), kept as they are
    # logged so the history reads one number per session; check-ins found by the session
    # whose next morning they answer without reading them all.
    f"""
    ALTER TABLE session ADD COLUMN best_step INTEGER CHECK (best_step BETWEEN 0 AND 3);
    UPDATE session SET best_step = {_BEST_STEP_SQL};
    CREATE INDEX IF NOT EXISTS check_in_by_settled_session ON check_in (settled_session_id);
    """,
)
assert len(MIGRATIONS) == SCHEMA_VERSION


class CheckInRecord(msgspec.Struct, frozen=True):
    """One check-in before a session (or the note that none was asked)."""

    routine_title: str
    routine_path: str
    asked_at: datetime
    """When it was answered, in the patient's local UTC offset then."""
    asked: bool
    """False when the session was started with --no-checkin."""
    went_ahead: bool
    """False when the answers stopped the session."""
    pain_now: int | None = None
    leg_pain: int | None = None
    leg_reach: str | None = None
    settled: bool | None = None
    """Was the pain back to usual by the morning after the session `settled_session_id`."""
    settled_session_id: int | None = None
    answered_yes: tuple[str, ...] = ()
    """Keys of the questions answered yes (`safety.QUESTIONS`)."""
    tier: str | None = None
    """The most urgent tier answered yes: emergency, same_day or therapist."""
    advice: tuple[str, ...] = ()
    """Every piece of advice shown, in the words shown."""
    session_id: int | None = None
    """The session it came before; None when none followed."""
    id: int | None = None


class StageAnswer(msgspec.Struct, frozen=True):
    """The patient's answer to a stage question after a session: move on, or go back."""

    routine_path: str
    asked_at: datetime
    """When it was answered, in the patient's local UTC offset then."""
    question: Literal["move_on", "go_back"]
    answer: bool
    stage_before: int
    stage_after: int
    """The stage from then on: one up on a yes to move on, one down on a yes to go back."""
    session_id: int | None = None
    """The session it was asked after."""
    id: int | None = None


class LogError(Exception):
    """The log file cannot be used; the message says why and that the file was kept."""


class LogFull(LogError):
    """The disk holding the log is full; the log itself is sound."""


class LogBusy(LogError):
    """Another program holds the log locked for longer than the busy timeout."""


# SQLite's primary result codes (the low byte of its extended codes).
_BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 5, 6, 8, 10, 11, 13, 14, 26
_NEARLY_FULL_BYTES = 256 * 1024


def classify(error: sqlite3.Error, path: Path) -> LogError:
    """What an SQLite error means for the patient: a full disk, a lock held elsewhere, a
    damaged file, or another reason the log cannot be used right now.

    Only SQLite's word that the file is corrupt or not a database calls it damaged: a
    patient told that would move a good log, and their history, away.
    """
    code = getattr(error, "sqlite_errorcode", None)  # Python 3.11+
    primary = None if code is None else code & 0xFF
    text = str(error).lower()
    if (
        primary == _FULL
        or "disk is full" in text
        or ((primary in (_IOERR, _CANTOPEN) or "disk i/o" in text) and _disk_nearly_full(path))
    ):
        return LogFull(
            f"the disk holding the log {path} is full: free some space. The log itself is fine."
        )
    if primary in (_BUSY, _LOCKED) or "locked" in text or "busy" in text:
        return LogBusy(f"the log {path} is locked by another program")
    if primary in (_CORRUPT, _NOTADB) or "malformed" in text or "not a database" in text:
        return _kept(path, f"it is damaged or not an SQLite database ({error})")
    if primary == _READONLY or "readonly" in text:
        return LogError(f"the log {path} cannot be written: it is read-only ({error})")
    return LogError(
        f"the log {path} cannot be used right now ({error}); the file was kept as it is"
    )


def _disk_nearly_full(path: Path) -> bool:
    try:
        disk = os.statvfs(path.parent)
    except OSError:
        return False
    return disk.f_bavail * disk.f_frsize < _NEARLY_FULL_BYTES


class ExerciseRecord(msgspec.Struct, frozen=True):
    """What was done of one exercise step in one session."""

    step_index: int
    name: str
    planned_seconds: float
    """Planned time of the exercise's work segments (holds, reps, activity)."""
    active_seconds: float
    """Time actually spent on them, pauses excluded."""
    sets_done: int
    set_count: int
    reps_done: int | None
    """Reps completed over all sets (and sides); None for holds and activities."""
    rep_count: int | None
    """Reps prescribed per set."""
    outcome: LoggedOutcome
    """`done`, `skipped`, `hurt` (stopped because it hurt) or `started` (not finished).
    `done` means the step was left going forward with some of its work done: it was done
    in full only when `sets_done == set_count` (see `partly_done`)."""
    hurt_side: Literal["left", "right", "affected"] | None = None
    """The side being done when it hurt (None: not hurt, or not a one-sided exercise);
    `affected` when the routine did not say which side that is."""
    hurt_set: int | None = None
    """The set being done when it hurt (1 = the first)."""
    reps_planned: int | None = None
    """Reps prescribed over all sets and sides; None for holds and activities, and in
    logs written before version 3."""
    kind: StepKind | None = None
    """What the step is (None: logged before version 5, when only exercises were common)."""

    @property
    def partly_done(self) -> bool:
        """Left going forward with only some of its sets done: a set counts as done when
        every rep (and side) of it was."""
        return self.outcome == "done" and self.sets_done < self.set_count


class SessionRecord(msgspec.Struct, frozen=True):
    """One session as logged."""

    id: int
    routine_title: str
    routine_path: str
    routine_sha256: str
    frequency: Frequency | None
    """The routine's prescribed frequency when the session was done."""
    started: datetime
    """Start time in the patient's local UTC offset at that moment."""
    time_zone: str
    """Name of the patient's time zone then, e.g. Europe/London (or an abbreviation)."""
    ended: datetime | None
    """When it was completed, abandoned or (still `in_progress`, resumable) quit; None for
    a session running now or killed (see `last_progress`)."""
    status: SessionStatus
    pain_before: int | None
    pain_after: int | None
    note: str | None
    planned_seconds: float
    active_seconds: float
    segments_done: int
    """How many segments were finished (completed, skipped or hurt)."""
    exercises: tuple[ExerciseRecord, ...] = ()
    """Filled only when asked for (`sessions(with_exercises=True)`)."""
    best_step: BestStep | None = None
    """The furthest its logged steps went (None: none logged), read with every session: what
    `history.counts` decides from."""
    last_progress: datetime | None = None
    """When the session started or last finished a segment (None: logged before version 2)."""
    settled_next_morning: bool | None = None
    """The answer at a later check-in: was the pain back to usual by the next morning."""
    routine_id: str | None = None
    """The routine's `id:` (None when the file has none, or logged before version 3)."""
    routine_version: str | None = None
    """The routine's `version:` (None when the file has none, or logged before version 3)."""
    week: int | None = None
    """The progression week the session was done in (None: no progressions, or logged
    before version 3)."""
    stage: int | None = None
    """The stage of a staged routine the session was done at (None: not staged)."""


class SessionOutline(NamedTuple):
    """What the history reads of a session it shows only in sums: whether it counts, on
    which day, at which stage, and its pain scores and note (`CompletionLog.outlines`).

    A tuple of these columns only, not a `SessionRecord`: ten years of sessions are read in
    under half the time.
    """

    id: int
    routine_title: str
    routine_path: str
    frequency: Frequency | None
    started: datetime
    """Start time in the patient's local UTC offset at that moment."""
    status: SessionStatus
    pain_before: int | None
    pain_after: int | None
    note: str | None
    best_step: BestStep | None
    settled_next_morning: bool | None
    stage: int | None
    exercises: tuple[ExerciseRecord, ...] = ()
    """Always empty: an outline's steps are summed up in `best_step`."""


@lru_cache(maxsize=64)  # a log holds a few frequencies, each on thousands of sessions
def _frequency(text: str | None, count: int | None, period: str | None) -> Frequency | None:
    """A logged frequency: its words (version 4), else its count and period (before)."""
    if text:
        with suppress(ValueError):  # words a later backroutine wrote: count and period
            return parse_frequency(text)
    if count and period in ("day", "week"):
        return Frequency(count, "day" if period == "day" else "week")
    return None


@lru_cache(maxsize=256)  # check-ins give the same few answers and advice again and again
def _texts(saved: str) -> tuple[str, ...]:
    """A list of texts as saved in JSON: a third of the time of reading every check-in was
    decoding the same few lists."""
    return tuple(json.loads(saved))


def _utc_text(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("log times must be timezone-aware")
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def _from_utc_text(text: str, offset_minutes: int) -> datetime:
    return datetime.fromisoformat(text).astimezone(_offset_zone(offset_minutes))


@lru_cache(maxsize=64)  # a patient lives in a few offsets: one zone each for every session
def _offset_zone(minutes: int) -> timezone:
    return timezone(timedelta(minutes=minutes))


def _offset_minutes(moment: datetime) -> int:
    offset = moment.utcoffset()
    if offset is None:
        raise ValueError("log times must be timezone-aware")
    return round(offset.total_seconds() / 60)


class CompletionLog:
    """The SQLite completion log. Open with `CompletionLog.open(path)`; close when done."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self.path = path
        self._pending: deque[Callable[[sqlite3.Connection], object]] = deque()
        self._reserved_ids: dict[str, list[int]] = {}
        self.trouble: LogError | None = None
        """Why writes are waiting (a full disk, a lock held elsewhere), or None."""
        self.on_trouble: Callable[[str], None] | None = None
        """Told, in a sentence for the patient, when writing stops and starts again."""

    @classmethod
    def open(cls, path: str | Path) -> CompletionLog:
        """Open the log at `path`, creating it (and its folder) if missing.

        Raises `LogError` for a file that is not a backroutine log, is damaged, or was
        written by a newer version; the file is left exactly as it was.
        """
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Health data: readable by the patient only. SQLite gives -wal/-shm the same mode.
            os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
        except OSError as error:
            raise LogError(f"cannot open the log {path}: {error.strerror}") from None
        connection = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            # Set first: every later statement may meet another process's lock.
            connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            _prepare(connection, path)
            connection.execute("PRAGMA synchronous = FULL")
            connection.execute("PRAGMA foreign_keys = ON")
        except sqlite3.DatabaseError as error:
            connection.close()
            raise classify(error, path) from None
        except LogError:
            connection.close()
            raise
        return cls(connection, path)

    def close(self) -> None:
        """Close the file; everything written is already durable."""
        self._db.close()

    def __enter__(self) -> CompletionLog:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
            self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:  # SQLite may have rolled back a failed commit
                with suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
            raise

    # --- writes that wait for a full disk or a lock ----------------------------------

    def _write(self, work: Callable[[sqlite3.Connection], object]) -> None:
        """Run `work` in its own transaction, after every write still waiting.

        When the disk is full or another program holds the log locked, the write waits
        in memory, in order, and is retried with the next one (or `save_pending`): a
        session goes on and nothing finished is lost.
        """
        self._pending.append(work)
        self.save_pending()

    def save_pending(self) -> bool:
        """Try the writes still waiting; True when none is left."""
        while self._pending:
            try:
                with self._transaction() as db:
                    self._pending[0](db)
            except sqlite3.OperationalError as error:
                self._troubled(classify(error, self.path))
                return False
            self._pending.popleft()
        self._troubled(None)
        return True

    @property
    def unsaved(self) -> int:
        """How many writes wait for the disk or the lock."""
        return len(self._pending)

    def _troubled(self, trouble: LogError | None) -> None:
        was, self.trouble = self.trouble, trouble
        if (was is None) == (trouble is None):
            return
        # While writes wait, each retry is brief: the patient's session must not stall.
        timeout = BUSY_TIMEOUT_MS if trouble is None else RETRY_TIMEOUT_MS
        with suppress(sqlite3.Error):
            self._db.execute(f"PRAGMA busy_timeout = {timeout}")
        if self.on_trouble is None:
            return
        if trouble is None:
            self.on_trouble("The log can be written again: everything is saved.")
        else:
            why = str(trouble).rstrip(".")
            self.on_trouble(
                f"Cannot save to the log now: {why}. Your session goes on and is "
                "saved as soon as the log can be written."
            )

    # --- writing ----------------------------------------------------------------------

    def start_session(
        self,
        *,
        routine_title: str,
        routine_path: str,
        routine_sha256: str,
        frequency: Frequency | None,
        planned_seconds: float,
        started: datetime,
        time_zone: str,
        pain_before: int | None = None,
        routine_id: str | None = None,
        routine_version: str | None = None,
        week: int | None = None,
        stage: int | None = None,
    ) -> int:
        """Add an in-progress session and return its id. `started` must be timezone-aware.

        When the log cannot be written now, the session gets the next free id and is
        written with the writes that wait (see `_write`).
        """
        values = (
            routine_title,
            routine_path,
            routine_sha256,
            frequency.count if frequency else None,
            frequency.period if frequency else None,
            _utc_text(started),
            _offset_minutes(started),
            time_zone,
            pain_before,
            planned_seconds,
            _utc_text(started),
            routine_id,
            routine_version,
            week,
            str(frequency) if frequency else None,
            stage,
        )
        insert = (
            "INSERT INTO session (id, routine_title, routine_path, routine_sha256,"
            " frequency_count, frequency_period, started_utc, utc_offset_minutes, time_zone,"
            " status, pain_before, planned_seconds, last_progress_utc, routine_id,"
            " routine_version, week, frequency, stage)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'in_progress', ?, ?, ?, ?, ?, ?, ?, ?)"
        )
        return self._insert("session", insert, values)

    def _insert(self, table: str, insert: str, values: tuple[Any, ...]) -> int:
        """Run `insert` (its first value the row's id) and return the new row's id.

        When the log cannot be written now, the row gets the next free id and waits with
        the other writes (see `_write`), so what follows can refer to it.
        """
        if not self._pending:
            try:
                with self._transaction() as db:
                    row_id = db.execute(insert, (None, *values)).lastrowid
                    assert row_id is not None  # an INSERT always sets it
                    return row_id
            except sqlite3.OperationalError as error:
                self._troubled(classify(error, self.path))
        # Reading still works while the disk is full or another program writes.
        latest = self._db.execute(f"SELECT max(id) FROM {table}").fetchone()[0] or 0
        reserved = self._reserved_ids.setdefault(table, [])
        row_id = max([latest, *reserved]) + 1
        reserved.append(row_id)
        self._write(lambda db: db.execute(insert, (row_id, *values)))
        return row_id

    def record_progress(
        self,
        session_id: int,
        *,
        segments_done: int,
        active_seconds: float,
        snapshot: dict[str, Any] | None,
        exercise: ExerciseRecord | None = None,
    ) -> None:
        """Durably save a session's progress (and one exercise's record) in one transaction.

        `snapshot` is the engine's, to resume from; None keeps the one saved before.
        """
        saved = None if snapshot is None else json.dumps(snapshot)
        progressed = _utc_text(local_now())  # when it happened, not was saved

        def work(db: sqlite3.Connection) -> None:
            # Progress means the session is going again: a quit's end time no longer holds.
            db.execute(
                "UPDATE session SET segments_done = ?, active_seconds = ?,"
                " snapshot = coalesce(?, snapshot), last_progress_utc = ?,"
                " ended_utc = CASE status WHEN 'in_progress' THEN NULL ELSE ended_utc END"
                " WHERE id = ?",
                (segments_done, active_seconds, saved, progressed, session_id),
            )
            if exercise is not None:
                db.execute(
                    "INSERT OR REPLACE INTO exercise (session_id, step_index, name,"
                    " planned_seconds, active_seconds, sets_done, set_count, reps_done,"
                    " rep_count, outcome, hurt_side, hurt_set, reps_planned, kind)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        session_id,
                        exercise.step_index,
                        exercise.name,
                        exercise.planned_seconds,
                        exercise.active_seconds,
                        exercise.sets_done,
                        exercise.set_count,
                        exercise.reps_done,
                        exercise.rep_count,
                        exercise.outcome,
                        exercise.hurt_side,
                        exercise.hurt_set,
                        exercise.reps_planned,
                        exercise.kind,
                    ),
                )
                # Worked out again from every step: a step logged again may have gone less far.
                db.execute(
                    f"UPDATE session SET best_step = {_BEST_STEP_SQL} WHERE id = ?", (session_id,)
                )

        self._write(work)

    def finish_session(
        self,
        session_id: int,
        *,
        status: Literal["completed", "abandoned"],
        ended: datetime,
        pain_after: int | None = None,
        note: str | None = None,
    ) -> None:
        """Close a session as completed or abandoned; it can no longer be resumed."""
        values = (status, _utc_text(ended), pain_after, note, session_id)
        self._write(
            lambda db: db.execute(
                "UPDATE session SET status = ?, ended_utc = ?, snapshot = NULL,"
                " pain_after = coalesce(?, pain_after), note = coalesce(?, note) WHERE id = ?",
                values,
            )
        )

    def record_quit(self, session_id: int, *, ended: datetime) -> None:
        """Record when the patient quit a session that stays resumable (`in_progress`)."""
        self._write(
            lambda db: db.execute(
                "UPDATE session SET ended_utc = ? WHERE id = ? AND status = 'in_progress'",
                (_utc_text(ended), session_id),
            )
        )

    def check_out(self, session_id: int, *, pain_after: int | None, note: str | None) -> None:
        """Record the pain score and note given after the session."""
        self._write(
            lambda db: db.execute(
                "UPDATE session SET pain_after = ?, note = ? WHERE id = ?",
                (pain_after, note, session_id),
            )
        )

    def record_check_in(self, check_in: CheckInRecord) -> int:
        """Add a check-in (its `id` is ignored) and return its id."""
        return self._insert(
            "check_in",
            "INSERT INTO check_in (id, session_id, routine_title, routine_path, asked_utc,"
            " utc_offset_minutes, asked, pain_now, leg_pain, leg_reach, settled,"
            " settled_session_id, answered_yes, tier, went_ahead, advice)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                check_in.session_id,
                check_in.routine_title,
                check_in.routine_path,
                _utc_text(check_in.asked_at),
                _offset_minutes(check_in.asked_at),
                check_in.asked,
                check_in.pain_now,
                check_in.leg_pain,
                check_in.leg_reach,
                check_in.settled,
                check_in.settled_session_id,
                json.dumps(list(check_in.answered_yes)),
                check_in.tier,
                check_in.went_ahead,
                json.dumps(list(check_in.advice)),
            ),
        )

    def record_stage_answer(self, answer: StageAnswer) -> int:
        """Add a stage question's answer (its `id` is ignored) and return its id."""
        return self._insert(
            "stage_answer",
            "INSERT INTO stage_answer (id, routine_path, session_id, asked_utc,"
            " utc_offset_minutes, question, answer, stage_before, stage_after)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                answer.routine_path,
                answer.session_id,
                _utc_text(answer.asked_at),
                _offset_minutes(answer.asked_at),
                answer.question,
                answer.answer,
                answer.stage_before,
                answer.stage_after,
            ),
        )

    def stage_answers(self, routine_path: str) -> list[StageAnswer]:
        """Every stage question answered for the routine at `routine_path`, oldest first."""
        rows = self._db.execute(
            "SELECT id, routine_path, session_id, asked_utc, utc_offset_minutes, question,"
            " answer, stage_before, stage_after FROM stage_answer WHERE routine_path = ?"
            " ORDER BY asked_utc, id",
            (routine_path,),
        ).fetchall()
        return [
            StageAnswer(
                id=row[0],
                routine_path=row[1],
                session_id=row[2],
                asked_at=_from_utc_text(row[3], row[4]),
                question=row[5],
                answer=bool(row[6]),
                stage_before=row[7],
                stage_after=row[8],
            )
            for row in rows
        ]

    def current_stage(self, routine_path: str) -> int:
        """The stage the patient is at in the routine at `routine_path`: 1 until they move on."""
        row = self._db.execute(
            "SELECT stage_after FROM stage_answer WHERE routine_path = ?"
            " ORDER BY asked_utc DESC, id DESC LIMIT 1",
            (routine_path,),
        ).fetchone()
        return row[0] if row else 1

    def attach_check_in(self, check_in_id: int, session_id: int) -> None:
        """Link a check-in to the session that followed it."""
        self._write(
            lambda db: db.execute(
                "UPDATE check_in SET session_id = ? WHERE id = ?", (session_id, check_in_id)
            )
        )

    def check_ins(self, *, since: datetime | None = None) -> list[CheckInRecord]:
        """Every check-in (or those at or after `since`), oldest first."""
        where, parameters = ("WHERE asked_utc >= ?", (_utc_text(since),)) if since else ("", ())
        rows = self._db.execute(
            "SELECT id, session_id, routine_title, routine_path, asked_utc, utc_offset_minutes,"
            " asked, pain_now, leg_pain, leg_reach, settled, settled_session_id, answered_yes,"
            f" tier, went_ahead, advice FROM check_in {where} ORDER BY asked_utc, id",
            parameters,
        ).fetchall()
        return [
            CheckInRecord(
                id=row[0],
                session_id=row[1],
                routine_title=row[2],
                routine_path=row[3],
                asked_at=_from_utc_text(row[4], row[5]),
                asked=bool(row[6]),
                pain_now=row[7],
                leg_pain=row[8],
                leg_reach=row[9],
                settled=None if row[10] is None else bool(row[10]),
                settled_session_id=row[11],
                answered_yes=_texts(row[12]),
                tier=row[13],
                went_ahead=bool(row[14]),
                advice=_texts(row[15]),
            )
            for row in rows
        ]

    # --- reading ----------------------------------------------------------------------

    def unfinished_sessions(self) -> list[SessionRecord]:
        """Sessions left in progress (the app was killed or quit), oldest first."""
        return self._select("WHERE status = 'in_progress'", ())

    def snapshot(self, session_id: int) -> dict[str, Any] | None:
        """The engine snapshot saved with an unfinished session, for `SessionEngine.restore`."""
        query = "SELECT snapshot FROM session WHERE id = ?"
        row = self._db.execute(query, (session_id,)).fetchone()
        return json.loads(row[0]) if row and row[0] else None

    def session(self, session_id: int) -> SessionRecord:
        """One session with its exercises; KeyError if there is none with this id."""
        found = self._select("WHERE id = ?", (session_id,), with_exercises=True)
        if not found:
            raise KeyError(session_id)
        return found[0]

    def sessions(
        self, *, since: datetime | None = None, with_exercises: bool = False
    ) -> list[SessionRecord]:
        """Every session (or those started at or after `since`), oldest first."""
        if since is None:
            return self._select("", (), with_exercises=with_exercises)
        return self._select(
            "WHERE started_utc >= ?", (_utc_text(since),), with_exercises=with_exercises
        )

    def _select(
        self, where: str, parameters: tuple[Any, ...], *, with_exercises: bool = False
    ) -> list[SessionRecord]:
        rows = self._db.execute(
            "SELECT id, routine_title, routine_path, routine_sha256, frequency_count,"
            " frequency_period, started_utc, utc_offset_minutes, time_zone, ended_utc, status,"
            " pain_before, pain_after, note, planned_seconds, active_seconds, segments_done,"
            " best_step,"
            " last_progress_utc, routine_id, routine_version, week, frequency, stage"
            f" FROM session {where} ORDER BY started_utc, id",
            parameters,
        ).fetchall()
        settled = self._settled(where, parameters)
        exercises: dict[int, list[ExerciseRecord]] = {}
        if with_exercises and rows:
            for row in self._db.execute(
                "SELECT session_id, step_index, name, planned_seconds, active_seconds,"
                " sets_done, set_count, reps_done, rep_count, outcome, hurt_side, hurt_set,"
                " reps_planned, kind FROM exercise"
                f" WHERE session_id IN (SELECT id FROM session {where})"
                " ORDER BY session_id, step_index",
                parameters,
            ):
                exercises.setdefault(row[0], []).append(ExerciseRecord(*row[1:]))
        return [
            SessionRecord(
                id=row[0],
                routine_title=row[1],
                routine_path=row[2],
                routine_sha256=row[3],
                frequency=_frequency(row[22], row[4], row[5]),
                started=_from_utc_text(row[6], row[7]),
                time_zone=row[8],
                ended=_from_utc_text(row[9], row[7]) if row[9] else None,
                status=row[10],
                pain_before=row[11],
                pain_after=row[12],
                note=row[13],
                planned_seconds=row[14],
                active_seconds=row[15],
                segments_done=row[16],
                exercises=tuple(exercises.get(row[0], ())),
                best_step=None if row[17] is None else _BEST_STEPS[row[17]],
                last_progress=_from_utc_text(row[18], row[7]) if row[18] else None,
                settled_next_morning=bool(settled[row[0]]) if row[0] in settled else None,
                routine_id=row[19],
                routine_version=row[20],
                week=row[21],
                stage=row[23],
            )
            for row in rows
        ]

    def partly_done(self) -> set[int]:
        """The sessions with an exercise, breathing or walk skipped or stopped because it hurt:
        one pass over the steps (an outline's `best_step` says only the best of them)."""
        rows = self._db.execute(
            "SELECT DISTINCT session_id FROM exercise"
            f" WHERE outcome IN ('skipped', 'hurt') AND {_COUNTING_SQL}"
        )
        return {row[0] for row in rows}

    def outlines(self) -> list[SessionOutline]:
        """Every session in outline, oldest first: what the history needs of its old ones."""
        rows = self._db.execute(
            "SELECT id, routine_title, routine_path, frequency, frequency_count,"
            " frequency_period, started_utc, utc_offset_minutes, status, pain_before,"
            " pain_after, note, best_step, stage FROM session ORDER BY started_utc, id"
        ).fetchall()
        settled = self._settled("", ())
        return [
            SessionOutline(
                row[0],
                row[1],
                row[2],
                _frequency(row[3], row[4], row[5]),
                _from_utc_text(row[6], row[7]),
                row[8],
                row[9],
                row[10],
                row[11],
                None if row[12] is None else _BEST_STEPS[row[12]],
                bool(settled[row[0]]) if row[0] in settled else None,
                row[13],
            )
            for row in rows
        ]

    def _settled(self, where: str, parameters: tuple[Any, ...]) -> dict[int, int]:
        """Session id -> the latest answer about its next morning, for the sessions `where`
        selects: one pass over their check-ins, the latest last so that it wins. (A subquery
        per session scanned every check-in for each before version 6 indexed them by
        session: 1.2 s for ten years of check-ins before sessions.)"""
        # For every session, the check-ins are read in order of time without asking for
        # theirs (an answer about no session in the log is never looked up): a third of the
        # time of finding each session's through the index.
        among = f" AND settled_session_id IN (SELECT id FROM session {where})" if where else ""
        return dict(
            self._db.execute(
                "SELECT settled_session_id, settled FROM check_in WHERE settled IS NOT NULL"
                f"{among} ORDER BY asked_utc, id",
                parameters,
            ).fetchall()
        )

    def integrity_problems(self) -> list[str]:
        """What `PRAGMA integrity_check` finds wrong; empty when the file is sound."""
        result = [row[0] for row in self._db.execute("PRAGMA integrity_check")]
        return [] if result == ["ok"] else result


# --- opening ------------------------------------------------------------------------


def _kept(path: Path, reason: str) -> LogError:
    return LogError(
        f"the log {path} cannot be used: {reason}. The file was kept as it is; "
        "move it away, or use --data-dir to keep a new log elsewhere."
    )


def _prepare(db: sqlite3.Connection, path: Path) -> None:
    """Recognise the file, and create or migrate its schema."""
    # One read transaction, so the reads see one state of the file: another process may be
    # creating it meanwhile, and its tables without its application id look like another
    # program's database.
    db.execute("BEGIN")
    try:
        version = _recognise(db, path)
    finally:
        if db.in_transaction:  # an error (a full disk) may have ended it already
            db.execute("COMMIT")
    if version == SCHEMA_VERSION:
        return
    if version == 0:
        _switch_to_wal(db)
    db.execute("BEGIN IMMEDIATE")
    try:
        # Another process may have created or migrated the file while we waited.
        if _recognise(db, path) < SCHEMA_VERSION:
            _migrate(db)
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _migrate(db: sqlite3.Connection) -> None:
    """Bring the file's schema to `SCHEMA_VERSION`, in the caller's transaction.

    Every step runs, from the first, each skipping what the file has already: a log whose
    migration was cut short, or one written by a development build or a branch, may hold a
    later version's columns under an earlier number, or lack some its number promises.
    Nothing is dropped or rewritten, so nothing the log holds is lost.
    """
    for migration in MIGRATIONS:
        for statement in migration.split(";"):
            words = statement.split()
            if not words:
                continue
            if words[:2] == ["ALTER", "TABLE"] and words[3:5] == ["ADD", "COLUMN"]:
                table, column = words[2], words[5]
                if column in {row[1] for row in db.execute(f"PRAGMA table_info({table})")}:
                    continue
            db.execute(statement)


def _recognise(db: sqlite3.Connection, path: Path) -> int:
    """The file's schema version (0 for a new, empty file); LogError if it is not ours."""
    application_id = db.execute("PRAGMA application_id").fetchone()[0]
    version: int = db.execute("PRAGMA user_version").fetchone()[0]
    if application_id != APPLICATION_ID:
        has_tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if application_id or version or has_tables:
            raise _kept(path, "it is an SQLite database of another program, not a backroutine log")
        return 0
    if version > SCHEMA_VERSION:
        raise _kept(
            path,
            f"it was written by a newer backroutine (log version {version}, "
            f"this one reads up to {SCHEMA_VERSION})",
        )
    problems = _structure_problems(db)
    if problems != ["ok"]:
        raise _kept(path, "it is damaged (" + "; ".join(problems[:3]) + ")")
    return version


def _structure_problems(db: sqlite3.Connection) -> list[str]:
    """What `PRAGMA quick_check` finds wrong in the file's pages and records (["ok"]: none).

    Its CHECK constraints are left out: they are enforced on every write already, and
    checking them on every row made opening ten years of sessions take most of the time
    `backroutine history` takes (90 of 180 ms); damaged pages are found all the same.
    """
    db.execute("PRAGMA ignore_check_constraints = ON")
    try:
        return [row[0] for row in db.execute("PRAGMA quick_check")]
    finally:
        db.execute("PRAGMA ignore_check_constraints = OFF")


def _switch_to_wal(db: sqlite3.Connection) -> None:
    # Two processes converting a new file at once can get "database is locked" even
    # with a busy timeout, so retry for a little while.
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)
