"""What the completion log says about a patient's routine: streaks, adherence, pain.

Pure functions over logged sessions (`LoggedSession`); `read_history` is the one entry
point that reads a `CompletionLog`. A session counts (`counts`) when it was completed with at
least one exercise, breathing or walk done (`did_the_routine`): going through a routine
skipping everything, or only reading its card, is not doing it. It counts on the local day it
started, in the UTC offset the patient had then (a session that crosses midnight counts on its
first day; one done while travelling counts on the day the patient lived). "Today" is taken
in the zone `tz`.
"""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from collections.abc import Collection, Iterable, Sequence
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Literal, Protocol

import msgspec
from msgspec.structs import replace

from backroutine.base.clock import local_now
from backroutine.log.store import COUNTING_KINDS, BestStep, CompletionLog, ExerciseRecord
from backroutine.routine.frequency import Frequency
from backroutine.routine.safety import TREND_SESSIONS, PainReview, review_pain

# A routine without a frequency is counted as daily, the most common prescription.
DEFAULT_FREQUENCY = Frequency(1, "day")
HEATMAP_WEEKS = 13
TROUBLE_WEEKS = 12
FLAG_RUN_ALERT = 3
PAIN_POINTS = 30
NOTES = 5


class Streak(msgspec.Struct, frozen=True):
    """Consecutive periods (days or weeks) in which the prescription was met."""

    current: int
    best: int
    unit: Literal["day", "week"]


class Adherence(msgspec.Struct, frozen=True):
    """Sessions done against sessions prescribed (extra sessions in a period not counted)."""

    done: int
    prescribed: int

    @property
    def percent(self) -> int | None:
        """Rounded percentage, or None when nothing was prescribed yet."""
        return round(100 * self.done / self.prescribed) if self.prescribed else None


class DayCount(msgspec.Struct, frozen=True):
    """Sessions on one local day: those that count, and the others started that day."""

    day: date
    completed: int
    unfinished: int


class PainPoint(msgspec.Struct, frozen=True):
    """The pain scores (0-10) given for one session, and why it is flagged, if it is."""

    session_id: int
    day: date
    before: int | None
    after: int | None
    flag: str | None
    advice: tuple[str, ...] = ()
    """What to do about it (`safety.review_pain`)."""


class SessionNote(msgspec.Struct, frozen=True):
    """The note the patient wrote after one session."""

    day: date
    text: str


class ExerciseTrouble(msgspec.Struct, frozen=True):
    """How often one exercise was skipped or stopped because it hurt."""

    name: str
    skipped: int
    hurt: int


class RoutineHistory(msgspec.Struct, frozen=True):
    """Everything the history screen and `backroutine history` show for one routine."""

    title: str
    routine_path: str
    frequency: Frequency
    frequency_given: bool
    """False when the routine gives no frequency and it is counted as daily."""
    completed: int
    """Sessions that count: gone to the end, with at least one exercise, breathing or walk
    done (said as "done", not "completed": some steps may have been skipped)."""
    none_done: int
    """Sessions completed with none done (only a card read, say): not counted."""
    last_day: date | None
    """The day of the latest session that counts (None: none does yet)."""
    streak: Streak
    this_week: Adherence
    last_four_weeks: Adherence
    """The four whole weeks before this one."""
    heatmap: list[list[DayCount | None]]
    """Columns of weeks, Monday first; None for days still to come."""
    pain: list[PainPoint]
    flag_run: int
    """How many of the latest sessions in a row are pain-flagged."""
    troubles: list[ExerciseTrouble]
    """Exercises skipped or marked hurt over the last 12 weeks, the most often first."""
    notes: list[SessionNote]
    """The latest notes, the newest first."""
    stage: int | None = None
    """The stage the patient is at in a staged routine (None: not staged)."""
    started: int = 0
    """Every session begun, however far it went: `completed` of them count."""
    partly: int = 0
    """Of the `completed`, those with an exercise, breathing or walk skipped or stopped because
    it hurt (1 of 9 done counts, and is not a whole routine done)."""


class LoggedSession(Protocol):
    """A session as the history reads it: a `SessionRecord`, or a `SessionOutline` for one
    it shows only in sums."""

    @property
    def id(self) -> int: ...
    @property
    def routine_title(self) -> str: ...
    @property
    def routine_path(self) -> str: ...
    @property
    def frequency(self) -> Frequency | None: ...
    @property
    def started(self) -> datetime: ...
    @property
    def status(self) -> str: ...
    @property
    def pain_before(self) -> int | None: ...
    @property
    def pain_after(self) -> int | None: ...
    @property
    def note(self) -> str | None: ...
    @property
    def best_step(self) -> BestStep | None: ...
    @property
    def settled_next_morning(self) -> bool | None: ...
    @property
    def stage(self) -> int | None: ...
    @property
    def exercises(self) -> tuple[ExerciseRecord, ...]: ...


def local_day(session: LoggedSession) -> date:
    """The day the session counts on: the local date it started."""
    return session.started.date()


def period_start(day: date, period: Literal["day", "week"]) -> date:
    """The first day of the day or (Monday-first) week that holds `day`."""
    return day if period == "day" else day - timedelta(days=day.weekday())


def week_start(day: date) -> date:
    """The Monday of `day`'s week."""
    return period_start(day, "week")


NOT_THE_ROUTINE = "No exercise, breathing or walk was done: not counted as the routine done."
"""What the summary says of a completed session `did_the_routine` does not count."""


# A tuple, not a set: hashing an enum member runs Python code, and this is asked of every
# session several times.
_DID_THE_ROUTINE = (None, BestStep.OTHER_DONE, BestStep.COUNTING_DONE)


def did_the_routine(best: BestStep | None) -> bool:
    """Whether a completed session whose steps went as far as `best` counts: at least one
    exercise, breathing or walk done (`COUNTING_KINDS`); in a routine with none of those
    (only cards or packs), any step done. A session with no step logged counts."""
    return best in _DID_THE_ROUTINE


def counts(session: LoggedSession) -> bool:
    """Whether a session counts towards streaks, adherence and "done": it was completed, and
    `did_the_routine`."""
    if session.status != "completed":
        return False
    if session.best_step is None and session.exercises:  # a record not read from a log
        return did_the_routine(BestStep.of((e.kind, e.outcome) for e in session.exercises))
    return did_the_routine(session.best_step)


def completed_per_period(
    sessions: Iterable[LoggedSession], period: Literal["day", "week"]
) -> Counter[date]:
    """Sessions that count in each period, keyed by the period's first day."""
    return Counter(
        period_start(local_day(session), period) for session in sessions if counts(session)
    )


def streak(sessions: Sequence[LoggedSession], frequency: Frequency, today: date) -> Streak:
    """Current and best run of periods that met the prescription.

    The current period counts once it is met, and does not break the streak while it is
    still under way: a "3 per week" streak survives rest days, and today's session not done
    yet does not end a daily streak.
    """
    counts = completed_per_period(sessions, frequency.period)
    if frequency.as_needed:  # no target, so no run of met targets
        return Streak(0, 0, "day")
    if frequency.on:
        return _streak_on_days(counts, frequency, today)
    step = timedelta(days=1 if frequency.period == "day" else 7)
    met = sorted(start for start, count in counts.items() if count >= frequency.count)

    best = run = 0
    previous: date | None = None
    for start in met:
        run = run + 1 if previous is not None and start - previous == step else 1
        best = max(best, run)
        previous = start

    current = 0
    start = period_start(today, frequency.period)
    if counts[start] < frequency.count:
        start -= step
    while counts[start] >= frequency.count:
        current += 1
        start -= step
    return Streak(current, max(best, current), frequency.period)


def _streak_on_days(counts: Counter[date], frequency: Frequency, today: date) -> Streak:
    """A streak of the named weekdays (`on: [mon, wed, fri]`): the days between do not count."""
    days = sorted(counts)
    first = days[0] if days else today
    planned = [
        first + timedelta(days=n)
        for n in range((today - first).days + 1)
        if frequency.expected_on(first + timedelta(days=n))
    ]
    if planned and planned[-1] == today and counts[today] < frequency.count:
        planned.pop()  # today's session not done yet does not break the streak
    best = run = 0
    for day in planned:
        run = run + 1 if counts[day] >= frequency.count else 0
        best = max(best, run)
    return Streak(run, best, "day")


class Prescribed(msgspec.Struct, frozen=True):
    """One frequency and the weeks it was prescribed in: a stage's, while it was current."""

    frequency: Frequency
    first: date
    """The Monday of its first week (`date.min`: since before the first session)."""
    last: date
    """The Sunday of its last week (`date.max`: still prescribed)."""
    sessions: tuple[LoggedSession, ...]
    """The sessions of its weeks."""


def prescriptions(sessions: Sequence[LoggedSession]) -> list[Prescribed]:
    """What was prescribed week by week, oldest first (`sessions` oldest first; at least one).

    A stage's frequency is the one logged with its latest session, as a routine's is: one
    span for a routine without stages. See `stage_spans` for which weeks are whose.
    """
    spans = stage_spans([(local_day(session), session.stage) for session in sessions])
    return [
        Prescribed(_logged_frequency(sessions[begin:end]), first, last, tuple(sessions[begin:end]))
        for begin, end, first, last in spans
    ]


def stage_spans(
    days_and_stages: Sequence[tuple[date, int | None]],
) -> list[tuple[int, int, date, date]]:
    """The weeks each stage was current, from the day and stage of each session (oldest
    first): `(begin, end, first, last)`, the span's sessions `[begin:end]`, its first Monday
    (`date.min` for the first span) and last Sunday (`date.max` for the latest).

    A week is judged by the stage of its first session (a week with none, by the stage
    before it), so a stage that changes how often starts in the week after the patient
    moves on mid-week, and a session of the new stage in that week counts with the old.
    """
    begins: list[int] = []
    mondays: list[date] = []
    for index, (day, stage) in enumerate(days_and_stages):
        monday = week_start(day)
        new_week = not begins or week_start(days_and_stages[index - 1][0]) != monday
        if not begins or (new_week and stage != days_and_stages[begins[-1]][1]):
            begins.append(index)
            mondays.append(monday)
    if not begins:
        return []
    ends = [*begins[1:], len(days_and_stages)]
    firsts = [date.min, *mondays[1:]]
    lasts = [*(monday - timedelta(days=1) for monday in mondays[1:]), date.max]
    return list(zip(begins, ends, firsts, lasts, strict=True))


def _logged_frequency(run: Sequence[LoggedSession]) -> Frequency:
    """The frequency logged with the latest session at the stage of the run's first."""
    at_stage = [session for session in run if session.stage == run[0].stage]
    return at_stage[-1].frequency or DEFAULT_FREQUENCY


def staged_streak(spans: Sequence[Prescribed], today: date) -> Streak:
    """The streak against what each stage prescribed: a new frequency starts a new run; the
    best is the best run of any counted in the same unit (days or weeks) as the latest."""
    latest = spans[-1]
    now = streak(latest.sessions, latest.frequency, today)
    runs = [*(streak(s.sessions, s.frequency, min(s.last, today)) for s in spans[:-1]), now]
    best = max(run.best for run in runs if run.unit == now.unit)
    return Streak(now.current, max(best, now.best), now.unit)


def staged_adherence(spans: Sequence[Prescribed], first: date, last: date) -> Adherence:
    """Done against prescribed from `first` to `last`, each week by its stage's frequency;
    sessions done while `as needed` count only when nothing else was prescribed."""
    parts = [
        (span.frequency.as_needed, adherence(span.sessions, span.frequency, start, end))
        for span in spans
        for start, end in [(max(first, span.first), min(last, span.last))]
        if start <= end
    ]
    prescribed = [part for as_needed, part in parts if not as_needed] or [p for _, p in parts]
    return Adherence(sum(p.done for p in prescribed), sum(p.prescribed for p in prescribed))


def adherence(
    sessions: Sequence[LoggedSession], frequency: Frequency, first: date, last: date
) -> Adherence:
    """Done against prescribed over the whole periods from `first`'s to `last`'s.

    `as needed` prescribes nothing (so no percentage); named weekdays prescribe only theirs.
    """
    counts = completed_per_period(sessions, frequency.period)
    if frequency.as_needed or frequency.on:
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        expected = {day: frequency.expected_on(day) for day in days}
        done = sum(
            counts[day] if frequency.as_needed else min(counts[day], expected[day]) for day in days
        )
        return Adherence(done, sum(expected.values()))
    step = timedelta(days=1 if frequency.period == "day" else 7)
    done = prescribed = 0
    start = period_start(first, frequency.period)
    while start <= last:
        done += min(counts[start], frequency.count)
        prescribed += frequency.count
        start += step
    return Adherence(done, prescribed)


def heatmap(
    sessions: Iterable[LoggedSession], today: date, weeks: int = HEATMAP_WEEKS
) -> list[list[DayCount | None]]:
    """Per-day counts for the last `weeks` weeks (this one included), as columns of weeks."""
    completed: Counter[date] = Counter()
    unfinished: Counter[date] = Counter()
    for session in sessions:
        (completed if counts(session) else unfinished)[local_day(session)] += 1
    first = week_start(today) - timedelta(weeks=weeks - 1)
    columns = []
    for week in range(weeks):
        column: list[DayCount | None] = []
        for weekday in range(7):
            day = first + timedelta(weeks=week, days=weekday)
            column.append(DayCount(day, completed[day], unfinished[day]) if day <= today else None)
        columns.append(column)
    return columns


HEAT_LEGEND = (
    ("·", "none"),
    ("░", "started, not done"),
    ("▓", "1 done"),
    ("█", "2 or more"),
)


def heat_symbol(cell: DayCount | None) -> str:
    """The heatmap character for a day: its shape alone tells the count, without colour."""
    if cell is None:
        return " "
    if cell.completed:
        return "█" if cell.completed >= 2 else "▓"
    return "░" if cell.unfinished else "·"


def pain_reviews(
    sessions: Iterable[LoggedSession], of: Collection[int] | None = None
) -> dict[int, PainReview]:
    """Session id -> the pain-monitoring model's review of it (`sessions` oldest first), for
    the sessions whose ids are in `of` (None: every one).

    The trend is read within each routine: pain after different routines differs.
    """
    # The trend (`safety.rising`) reads only the latest TREND_SESSIONS scores given, so
    # only those are kept: passing every earlier score made ten years of sessions quadratic.
    latest_afters: defaultdict[str, deque[int]] = defaultdict(lambda: deque(maxlen=TREND_SESSIONS))
    reviews = {}
    for session in sessions:
        earlier = latest_afters[session.routine_path]
        if of is None or session.id in of:
            reviews[session.id] = review_pain(
                session.pain_before, session.pain_after, session.settled_next_morning, earlier
            )
        if session.pain_after is not None:
            earlier.append(session.pain_after)
    return reviews


def pain_points(sessions: Sequence[LoggedSession], limit: int = PAIN_POINTS) -> list[PainPoint]:
    """The latest `limit` sessions that have a pain score, oldest first."""
    scored = [
        session
        for session in sessions
        if session.pain_before is not None
        or session.pain_after is not None
        or session.settled_next_morning is not None
    ]
    shown = scored[-limit:] if limit else scored
    # Only those shown are reviewed: reviewing all ten years took a sixth of the history's time.
    reviews = pain_reviews(sessions, of={session.id for session in shown})
    return [
        PainPoint(
            session.id,
            local_day(session),
            session.pain_before,
            session.pain_after,
            reviews[session.id].flag,
            reviews[session.id].advice,
        )
        for session in shown
    ]


def latest_notes(sessions: Iterable[LoggedSession], limit: int = NOTES) -> list[SessionNote]:
    """The latest `limit` notes written after a session, the newest first."""
    notes = [
        SessionNote(local_day(session), session.note)
        for session in sessions
        if session.note and session.note.strip()
    ]
    return notes[::-1][:limit]


def flag_run(points: Sequence[PainPoint]) -> int:
    """How many of the latest sessions with an after-score are flagged, in a row."""
    run = 0
    for point in reversed(points):
        if point.after is None:
            continue
        if point.flag is None:
            break
        run += 1
    return run


def troubles(sessions: Iterable[LoggedSession]) -> list[ExerciseTrouble]:
    """Steps skipped or marked hurt in `sessions`, the most often first: any step that hurt,
    but only the skipped steps whose doing is doing the routine (`COUNTING_KINDS`, as
    `did_the_routine` weighs them); a card or pack skipped is not the therapist's worry."""
    skipped: Counter[str] = Counter()
    hurt: Counter[str] = Counter()
    for session in sessions:
        for exercise in session.exercises:
            if exercise.outcome == "skipped" and (exercise.kind or "exercise") in COUNTING_KINDS:
                skipped[exercise.name] += 1
            elif exercise.outcome == "hurt":
                hurt[exercise.name] += 1
    names = set(skipped) | set(hurt)
    ranked = sorted(names, key=lambda name: (-(hurt[name] + skipped[name]), -hurt[name], name))
    return [ExerciseTrouble(name, skipped[name], hurt[name]) for name in ranked]


def routine_history(
    sessions: Sequence[LoggedSession], today: date, partly_done: Collection[int] = ()
) -> RoutineHistory:
    """The history of one routine from its sessions (oldest first; at least one);
    `partly_done`: the ids of sessions with a step skipped or stopped (`partly_done()`)."""
    latest = sessions[-1]
    spans = prescriptions(sessions)
    frequency = spans[-1].frequency
    this_week = week_start(today)
    first_week = week_start(local_day(sessions[0]))
    four_weeks_ago = max(this_week - timedelta(weeks=4), first_week)
    trouble_since = this_week - timedelta(weeks=TROUBLE_WEEKS - 1)
    points = pain_points(sessions)
    return RoutineHistory(
        title=latest.routine_title,
        routine_path=latest.routine_path,
        frequency=frequency,
        frequency_given=latest.frequency is not None,
        completed=sum(counts(session) for session in sessions),
        none_done=sum(
            session.status == "completed" and not counts(session) for session in sessions
        ),
        last_day=max((local_day(s) for s in sessions if counts(s)), default=None),
        streak=staged_streak(spans, today),
        this_week=staged_adherence(spans, this_week, today),
        last_four_weeks=staged_adherence(spans, four_weeks_ago, this_week - timedelta(days=1)),
        heatmap=heatmap(sessions, today),
        pain=points,
        flag_run=flag_run(points),
        troubles=troubles(s for s in sessions if local_day(s) >= trouble_since),
        notes=latest_notes(sessions),
        stage=latest.stage,
        started=len(sessions),
        partly=sum(counts(session) and session.id in partly_done for session in sessions),
    )


def histories(
    sessions: Sequence[LoggedSession], today: date, partly_done: Collection[int] = ()
) -> list[RoutineHistory]:
    """One history per routine file, the most recently done first."""
    by_routine: dict[str, list[LoggedSession]] = {}
    for session in sessions:
        by_routine.setdefault(session.routine_path, []).append(session)
    ordered = sorted(by_routine.values(), key=lambda group: group[-1].started, reverse=True)
    return [routine_history(group, today, partly_done) for group in ordered]


def read_history(
    log: CompletionLog, *, now: datetime | None = None, tz: tzinfo | None = None
) -> list[RoutineHistory]:
    """Read the log and compute every routine's history as of `now` in `tz`.

    Sessions are read in full, with their exercises, only for the recent weeks the history
    looks at; older ones in outline. Ten years of sessions stay quick.
    """
    moment = (now or local_now()).astimezone(tz)
    today = moment.date()
    # A week's margin covers sessions logged in another UTC offset.
    weeks = max(HEATMAP_WEEKS, TROUBLE_WEEKS) + 1
    recent = datetime.combine(week_start(today) - timedelta(weeks=weeks), time(), moment.tzinfo)
    detailed = {session.id: session for session in log.sessions(since=recent, with_exercises=True)}
    sessions = [detailed.get(outline.id, outline) for outline in log.outlines()]
    return [
        # A stage question answered after the latest session moved the patient on (or back).
        history if history.stage is None else replace(history, stage=log.current_stage(path))
        for history in histories(sessions, today, log.partly_done())
        for path in [history.routine_path]
    ]
