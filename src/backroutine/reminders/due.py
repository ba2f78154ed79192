"""What is due now: each routine's prescribed frequency against the completion log.

A routine counts when the patient has done it at least once (it is in the log) or it is
in their own routines folder. Due means:

- N per day: fewer than N completed today;
- N per week: fewer than N completed this (Monday-first, local) week, and none today;
- N per day on named weekdays: fewer than N completed today, on those days only;
- a range, 1-2 per day: fewer than its lower end (the target) completed;
- every N hours between two times: fewer than the times of the window that have come;
- as needed, or no frequency: never due (an as-needed routine still says how often it was done).

Days and weeks are counted as `backroutine.log.history` counts them, so `due` and `history`
always agree.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time, tzinfo
from pathlib import Path

import msgspec

from backroutine.base.clock import local_now
from backroutine.log.history import (
    Streak,
    completed_per_period,
    prescriptions,
    streak,
    week_start,
)
from backroutine.log.store import CompletionLog, SessionRecord
from backroutine.routine.frequency import Frequency


class FollowedRoutine(msgspec.Struct, frozen=True):
    """A routine the patient follows, with the frequency it prescribes now."""

    title: str
    path: str
    """The routine file, as the log records it (resolved)."""
    frequency: Frequency | None
    run_name: str
    """What to type after `backroutine run` to start it."""
    stage: int | None = None
    """The patient's stage in a routine in stages (None: not staged, or not known)."""


class DueStatus(msgspec.Struct, frozen=True):
    """Where one routine stands today."""

    routine: FollowedRoutine
    frequency: Frequency
    done_today: int
    done_this_week: int
    streak: Streak
    today: date
    now: time | None = None
    """The time of day it is: a rhythm is due only at its times (None: the whole day)."""

    @property
    def due(self) -> bool:
        """True while another session is expected today."""
        if self.frequency.period == "day":
            return self.done_today < self.frequency.expected_by(self.today, self.now)
        return self.done_this_week < self.frequency.count and self.done_today == 0

    def describe(self) -> str:
        """One line, e.g. `Core stability: due today, 1 of 3 this week done; streak 5 days`."""
        if self.frequency.as_needed:
            so_far = f"done {_times(self.done_today)}" if self.done_today else "not done"
            return f"{self.routine.title}: as needed, {so_far} today"
        if self.frequency.period == "day" and not self.frequency.expected_on(self.today):
            return f"{self.routine.title}: not today ({self.frequency})"
        count, period = self.frequency.count, self.frequency.period
        done = self.done_today if period == "day" else self.done_this_week
        when = "today" if period == "day" else "this week"
        later = [at for at in self.frequency.times_of_day() if self.now and at > self.now]
        if self.due:
            state = "due today" + (f", {done} of {count} {when} done" if count > 1 else "")
        elif later and done < count:
            state = f"done for now, {done} of {count} today; next at {later[0]:%H:%M}"
        elif period == "week" and done < count:
            state = f"done for today, {done} of {count} this week"
        else:
            state = f"done for {when}" + (f" ({done} of {count})" if count > 1 else "")
        line = f"{self.routine.title}: {state}"
        if self.streak.current:
            unit = self.streak.unit + ("s" if self.streak.current != 1 else "")
            line += f"; streak {self.streak.current} {unit}"
        return line


def due_status(
    routine: FollowedRoutine,
    sessions: Sequence[SessionRecord],
    today: date,
    now: time | None = None,
) -> DueStatus | None:
    """Where `routine` stands on `today` at `now` (the whole day when None), from its own
    sessions; None without a frequency."""
    frequency = routine.frequency
    if frequency is None:
        return None
    # The streak runs since the stage's frequency began (see `history.prescriptions`); a
    # patient who moved on after their latest session has none yet at the new stage.
    latest = prescriptions(sessions)[-1].sessions if sessions else ()
    if latest and routine.stage is not None and latest[0].stage != routine.stage:
        latest = ()
    return DueStatus(
        routine=routine,
        frequency=frequency,
        done_today=completed_per_period(sessions, "day")[today],
        done_this_week=completed_per_period(sessions, "week")[week_start(today)],
        streak=streak(latest, frequency, today),
        today=today,
        now=now,
    )


def check_due(
    routines: Iterable[FollowedRoutine],
    sessions: Sequence[SessionRecord],
    today: date,
    now: time | None = None,
) -> list[DueStatus]:
    """The status of every routine that has a frequency, the due ones first."""
    by_path: dict[str, list[SessionRecord]] = {}
    for session in sessions:
        by_path.setdefault(session.routine_path, []).append(session)
    statuses = [
        due_status(routine, by_path.get(routine.path, []), today, now) for routine in routines
    ]
    found = [status for status in statuses if status is not None]
    return sorted(found, key=lambda status: not status.due)  # stable: keeps the given order


def followed_routines(
    sessions: Sequence[SessionRecord],
    user_dir: Path | None,
    stage_of: Callable[[str], int] = lambda path: 1,
) -> list[FollowedRoutine]:
    """The patient's own routine files, then every other routine in the log (latest first).

    A file's current frequency wins over the one logged with its sessions, since the
    therapist may have changed it; in a routine in stages, that of the patient's stage
    (`stage_of` a routine path). Files that do not load are left out here: `list` and
    `validate` are where their problems are shown.
    """
    followed: dict[str, FollowedRoutine] = {}
    if user_dir is not None and user_dir.is_dir():
        from backroutine.base.paths import cache_dir
        from backroutine.reminders.routine_index import summaries

        for path, routine in summaries(user_dir, cache_dir() / "routine-index.json").items():
            resolved = str(path.resolve())
            stage = stage_of(resolved) if routine.stage_frequencies else None
            followed[resolved] = FollowedRoutine(
                routine.title, resolved, routine.frequency_for(stage or 1), path.stem, stage
            )
    for session in reversed(sessions):
        if session.routine_path not in followed:
            followed[session.routine_path] = FollowedRoutine(
                session.routine_title,
                session.routine_path,
                session.frequency,
                _run_name(Path(session.routine_path)),
            )
    return list(followed.values())


def _times(count: int) -> str:
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


def _run_name(path: Path) -> str:
    from backroutine.base.paths import bundled_routines_dir

    if path.parent == bundled_routines_dir().resolve():
        return path.stem
    return shlex.quote(str(path))


def read_due(
    log: CompletionLog,
    user_dir: Path | None,
    *,
    now: datetime | None = None,
    tz: tzinfo | None = None,
) -> list[DueStatus]:
    """Every followed routine's status as of `now` (the present) in `tz` (the system's)."""
    sessions = log.sessions()
    moment = (now or local_now()).astimezone(tz)
    followed = followed_routines(sessions, user_dir, log.current_stage)
    return check_due(followed, sessions, moment.date(), moment.time())
