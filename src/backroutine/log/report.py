"""What the therapist reads at the review visit, from an export: `backroutine report`.

The report is built from the JSON export (`export.py`, docs/export.schema.json), the one
thing a patient hands over, so the patient's own log and a file they sent give the same
page. This module holds the data and its sentences; `report_html` draws it. A new field
in the export (a stage, a block) is one more column on `SessionLine` or `ExerciseLine`.
"""

from __future__ import annotations

import gc
import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

import msgspec

from backroutine.base import clock
from backroutine.log.history import did_the_routine, stage_spans
from backroutine.log.store import BestStep
from backroutine.routine.frequency import Frequency, parse_frequency
from backroutine.routine.safety import PAIN_ACCEPTABLE_MAX

Document = Mapping[str, Any]
"""An export as read from JSON (`export.py`, version 3)."""

EXPORT_FORMAT = "backroutine-log-export"
READABLE_VERSIONS = (3,)
DAILY = Frequency(1, "day")
COUNTING_OUTCOMES = ("done", "partly_done")


class NotAnExport(ValueError):
    """A file that is not a backroutine export this version can read; says why."""


def check_export(document: object, source: str) -> Document:
    """`document` if it is an export this version reads, else `NotAnExport`."""
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        raise NotAnExport(
            f"{source} is not a backroutine export (backroutine export --format json)"
        )
    if document.get("version") not in READABLE_VERSIONS:
        raise NotAnExport(
            f"{source} is an export of version {document.get('version')}; this backroutine "
            f"reads version {', '.join(map(str, READABLE_VERSIONS))}: ask for a new export"
        )
    return document


try:
    import orjson
except ImportError:  # an install without it: the standard library's parser, 2-3x slower
    PARSERS: tuple[Callable[[bytes], Any], ...] = (json.loads,)
else:
    # orjson refuses a little that json reads (a lone surrogate's escape, a huge integer):
    # such a file is read by json after all.
    PARSERS = (orjson.loads, json.loads)


def read_export(data: bytes, source: str) -> Document:
    """The export in `data` (a JSON file's bytes, from `source`), else `NotAnExport`."""
    # Parsed JSON has no reference cycles: the cyclic garbage collector, set off again
    # and again by the many new objects, would only slow the parse (by a third).
    collecting = gc.isenabled()
    gc.disable()
    try:
        for parse in PARSERS:
            try:
                return check_export(parse(data), source)
            except (UnicodeDecodeError, json.JSONDecodeError) as error:
                failure = error
        raise NotAnExport(f"{source} is not a JSON export ({failure})")
    finally:
        if collecting:
            gc.enable()


class Hurt(msgspec.Struct, frozen=True):
    """One time an exercise was stopped because it hurt."""

    day: date
    side: str | None
    set_number: int | None


class ExerciseLine(msgspec.Struct):
    """One exercise over the period."""

    name: str
    done: int = 0
    partly_done: int = 0
    skipped: int = 0
    not_finished: int = 0
    hurts: list[Hurt] = msgspec.field(default_factory=list)


class SessionLine(msgspec.Struct, frozen=True):
    """One session, as the table of sessions shows it."""

    started: datetime
    status: str
    routine_id: str | None
    routine_version: str | None
    week: int | None
    pain_before: int | None
    pain_after: int | None
    settled_next_morning: bool | None
    flag: str | None
    exercises_done: int
    exercises: int
    stage: int | None = None
    """The stage of a staged routine it was done at (None: not staged, or not exported)."""
    best_step: BestStep | None = None
    """The furthest its steps went (a kind not exported is an exercise's)."""

    @property
    def counts(self) -> bool:
        """Completed and `did_the_routine`: it counts towards adherence, as in the history."""
        return self.status == "completed" and did_the_routine(self.best_step)


class Screened(msgspec.Struct, frozen=True):
    """A check-in that stopped the session, with the advice given."""

    at: datetime
    summary: str
    advice: tuple[str, ...]


class Note(msgspec.Struct, frozen=True):
    """A note the patient wrote after a session."""

    day: date
    text: str


class Period(msgspec.Struct, frozen=True):
    """One week (or day) of the calendar: done against prescribed."""

    first: date
    done: int
    prescribed: int


class PatientReport(msgspec.Struct, frozen=True):
    """Everything on the review page for one patient."""

    title: str
    first: date
    last: date
    frequency: Frequency
    frequency_given: bool
    sessions: list[SessionLine]
    periods: list[Period]
    days: dict[date, str]
    """Each day with something logged: done, partly (started, not counted), screened."""
    exercises: list[ExerciseLine]
    screened: list[Screened]
    notes: list[Note]
    prescriptions: list[tuple[str | None, str | None, str]]
    """(id, version, weeks) of each prescription done in the period, in order."""
    stage_frequencies: list[tuple[date, Frequency]] = msgspec.field(default_factory=list)
    """From which Monday each stage's own frequency held, when a stage changed it (the
    first from the report's start); empty: `frequency` throughout."""

    def frequency_on(self, day: date) -> Frequency:
        """What was prescribed on `day`: the frequency of the stage current then."""
        held = [frequency for first, frequency in self.stage_frequencies if first <= day]
        if held:
            return held[-1]
        return self.stage_frequencies[0][1] if self.stage_frequencies else self.frequency

    @property
    def done(self) -> int:
        """Prescribed sessions done (more than prescribed in a period not counted)."""
        return sum(period.done for period in self.periods)

    @property
    def prescribed(self) -> int:
        """Sessions prescribed over the period's whole weeks (or days)."""
        return sum(period.prescribed for period in self.periods)

    @property
    def not_settled(self) -> list[SessionLine]:
        """Sessions after which the pain had not settled by the next morning."""
        return [s for s in self.sessions if s.settled_next_morning is False]

    @property
    def settled_known(self) -> list[SessionLine]:
        """Sessions the next check-in asked about."""
        return [s for s in self.sessions if s.settled_next_morning is not None]


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def default_since(document: Document) -> date | None:
    """The day the latest prescription was first done: the routine's last change."""
    sessions = document["sessions"]
    if not sessions:
        return None
    latest = sessions[-1]
    same = [
        s
        for s in sessions
        if s["routine_sha256"] == latest["routine_sha256"]
        and s["routine_title"] == latest["routine_title"]
    ]
    return _time(same[0]["started"]).date()


def patient_report(
    document: Document, *, since: date | None = None, until: date | None = None
) -> PatientReport:
    """The review page's data for the sessions and check-ins from `since` (default: the
    routine's last change) to `until` (default: the export's day, else the last session)."""
    since = since or default_since(document)
    # A local ISO 8601 time starts with its day, which compares as text as the days do:
    # no need to parse a clinic's worth of times to keep the last few weeks.
    start = since.isoformat() if since else ""
    end = until.isoformat() if until else "9999-12-31"
    sessions = [s for s in document["sessions"] if start <= s["started"][:10] <= end]
    check_ins = [c for c in document["check_ins"] if start <= c["asked_at"][:10] <= end]
    days_logged = [_time(s["started"]).date() for s in sessions]
    days_logged += [_time(c["asked_at"]).date() for c in check_ins]
    exported = document.get("exported_at")
    last = until or (_time(exported).date() if exported else max(days_logged, default=None))
    first = since or min(days_logged, default=None) or last
    if last is None or first is None:
        first = last = clock.today()
    # The prescription as last logged, even when nothing was done in the period.
    latest = document["sessions"][-1] if document["sessions"] else None
    frequency = parse_frequency(latest["frequency"]) if latest and latest["frequency"] else None
    lines = [_session_line(s) for s in sessions]
    stage_frequencies = _stage_frequencies(sessions, frequency or DAILY, first, last)
    title = latest["routine_title"] if latest else "No sessions"
    return PatientReport(
        title=title,
        first=first,
        last=last,
        frequency=frequency or DAILY,
        frequency_given=frequency is not None,
        sessions=lines,
        periods=[
            period
            for begin, end, frequency_then in stage_frequencies
            for period in _periods(lines, frequency_then, begin, end)
        ],
        days=_days(lines, check_ins),
        exercises=_exercises(sessions),
        screened=[
            Screened(_time(c["asked_at"]), c["summary"], tuple(c["advice"]))
            for c in check_ins
            if not c["went_ahead"]
        ],
        notes=[Note(_time(s["started"]).date(), s["note"]) for s in sessions if s["note"]],
        prescriptions=_prescriptions(sessions),
        stage_frequencies=[
            (begin, frequency_then) for begin, _, frequency_then in stage_frequencies
        ]
        if len({str(each) for _, _, each in stage_frequencies}) > 1
        else [],
    )


def _stage_frequencies(
    sessions: Sequence[Mapping[str, Any]], latest: Frequency, first: date, last: date
) -> list[tuple[date, date, Frequency]]:
    """`(first, last, frequency)` of each stage's weeks from `first` to `last`, as the
    history judges them (`history.stage_spans`); the latest stage's is the prescription as
    last logged."""
    spans = stage_spans([(_time(s["started"]).date(), s.get("stage")) for s in sessions])
    found = []
    for number, (begin, end, span_first, span_last) in enumerate(spans, 1):
        logged = [
            s["frequency"]
            for s in sessions[begin:end]
            if s.get("stage") == sessions[begin].get("stage")
        ]
        frequency = (
            latest if number == len(spans) or not logged[-1] else parse_frequency(logged[-1])
        )
        start, stop = max(first, span_first), min(last, span_last)
        if start <= stop:
            found.append((start, stop, frequency))
    return found or [(first, last, latest)]


def _session_line(session: Mapping[str, Any]) -> SessionLine:
    exercises = session["exercises"]
    return SessionLine(
        started=_time(session["started"]),
        status=session["status"],
        routine_id=session["routine_id"],
        routine_version=session["routine_version"],
        week=session["week"],
        pain_before=session["pain_before"],
        pain_after=session["pain_after"],
        settled_next_morning=session["settled_next_morning"],
        flag=session["pain_flag"],
        exercises_done=sum(e["outcome"] in COUNTING_OUTCOMES for e in exercises),
        exercises=len(exercises),
        stage=session.get("stage"),  # exported from log version 4 on
        best_step=BestStep.of(  # kinds exported from log version 5 on
            (e.get("kind"), "done" if e["outcome"] in COUNTING_OUTCOMES else e["outcome"])
            for e in exercises
        ),
    )


def _period_start(day: date, frequency: Frequency) -> date:
    return day if frequency.period == "day" else day - timedelta(days=day.weekday())


def _periods(
    sessions: Sequence[SessionLine], frequency: Frequency, first: date, last: date
) -> list[Period]:
    """Done against prescribed in each day or week; a day prescribes what the frequency
    expects on it (nothing `as needed`, nothing on a day `on:` does not name), and `as
    needed` counts every session done, as the history does."""
    done = Counter(_period_start(s.started.date(), frequency) for s in sessions if s.counts)
    step = timedelta(days=1 if frequency.period == "day" else 7)
    periods = []
    start = _period_start(first, frequency)
    while start <= last:
        expected = frequency.expected_on(start) if frequency.period == "day" else frequency.count
        counted = done[start] if frequency.as_needed else min(done[start], expected)
        periods.append(Period(start, counted, expected))
        start += step
    return periods


def _days(
    sessions: Sequence[SessionLine], check_ins: Iterable[Mapping[str, Any]]
) -> dict[date, str]:
    days: dict[date, str] = {}
    for check_in in check_ins:
        if not check_in["went_ahead"]:
            days[_time(check_in["asked_at"]).date()] = "screened"
    for session in sessions:
        day = session.started.date()
        if session.counts:
            days[day] = "done"
        elif days.get(day) != "done":
            days[day] = "started"
    return days


def _exercises(sessions: Iterable[Mapping[str, Any]]) -> list[ExerciseLine]:
    lines: dict[str, ExerciseLine] = {}
    for session in sessions:
        day = _time(session["started"]).date()
        for exercise in session["exercises"]:
            line = lines.setdefault(exercise["exercise"], ExerciseLine(exercise["exercise"]))
            outcome = exercise["outcome"]
            if outcome == "hurt":
                line.hurts.append(Hurt(day, exercise["hurt_side"], exercise["hurt_set"]))
            elif outcome in ("done", "partly_done", "skipped", "not_finished"):
                setattr(line, outcome, getattr(line, outcome) + 1)
    return list(lines.values())


def _prescriptions(
    sessions: Iterable[Mapping[str, Any]],
) -> list[tuple[str | None, str | None, str]]:
    weeks: dict[tuple[str | None, str | None], list[int]] = {}
    for session in sessions:
        key = (session["routine_id"], session["routine_version"])
        found = weeks.setdefault(key, [])
        if session["week"] is not None:
            found.append(session["week"])
    return [(id_, version, _span(found)) for (id_, version), found in weeks.items()]


def _span(weeks: Sequence[int]) -> str:
    if not weeks:
        return "no progression weeks"
    low, high = min(weeks), max(weeks)
    return f"week {low}" if low == high else f"weeks {low}-{high}"


# --- the summary in sentences ---------------------------------------------------------

_TIMES = {1: "once", 2: "twice"}
_ALL_OF = {2: "both", 3: "all three", 4: "all four"}


def times(count: int) -> str:
    """`once`, `twice`, `3 times`."""
    return _TIMES.get(count, f"{count} times")


def summary(report: PatientReport) -> list[str]:
    """The top of the page: what a therapist asks first, in sentences."""
    sentences = [_adherence_sentence(report)]
    pain = _pain_sentence(report)
    if pain:
        sentences.append(pain)
    sentences += [_hurt_sentence(line) for line in report.exercises if line.hurts]
    partly = [line for line in report.exercises if line.partly_done]
    for line in partly:
        sentences.append(
            f"{line.name} partly done {times(line.partly_done)} (some reps or sets left)."
        )
    if report.screened:
        count = len(report.screened)
        sentences.append(
            f"{count} check-in{'s' if count > 1 else ''} stopped the session: "
            + "; ".join(f"{s.at:%d %b}, {s.summary}" for s in report.screened)
            + "."
        )
    quit_ = [s for s in report.sessions if s.status in ("quit", "unfinished", "abandoned")]
    if quit_:
        sentences.append(
            f"{len(quit_)} session{'s' if len(quit_) > 1 else ''} stopped before the end."
        )
    return sentences


def _adherence_sentence(report: PatientReport) -> str:
    often = str(report.frequency) if report.frequency_given else "daily (none prescribed)"
    if report.stage_frequencies:  # the stages changed it: each, in order
        often = ", then ".join(str(frequency) for _, frequency in report.stage_frequencies)
    if report.frequency.as_needed:  # nothing prescribed to be done against
        return (
            f"Did it {times(report.done)} ({often}, "
            f"{report.first:%d %b} to {report.last:%d %b %Y})."
        )
    return (
        f"Did {report.done} of {report.prescribed} prescribed sessions "
        f"({often}, {report.first:%d %b} to {report.last:%d %b %Y})."
    )


def _pain_sentence(report: PatientReport) -> str | None:
    known = len(report.settled_known)
    if not known:
        return None
    unsettled = len(report.not_settled)
    if unsettled == 0:
        how = "after every session asked about"
    elif unsettled == 1 and known > 1:
        how = "after all but one"
    else:
        how = f"after {known - unsettled} of {known} sessions asked about"
    return f"Pain settled by the next morning {how}."


def _hurt_sentence(line: ExerciseLine) -> str:
    count = len(line.hurts)
    sides = Counter(hurt.side for hurt in line.hurts if hurt.side)
    said = f"{line.name} reported painful {times(count)}"
    if len(sides) == 1 and sum(sides.values()) == count:
        (side,) = sides
        where = "on the" if count == 1 else f"{_ALL_OF.get(count, f'all {count}')} on the"
        return f"{said}, {where} {side} side."
    if sides:
        return f"{said}: " + ", ".join(f"{n} on the {side}" for side, n in sides.items()) + "."
    return f"{said}."


# --- the clinic view -------------------------------------------------------------------


class ClinicLine(msgspec.Struct, frozen=True):
    """One patient on the clinic view."""

    patient: str
    title: str
    done: int
    prescribed: int
    pain_trend: str
    """rising, falling or steady (after-session pain, the first half against the last)."""
    flags: tuple[str, ...]
    last_session: date | None
    attention: int
    """The higher, the sooner to look: stopped check-ins, hurts, pain, missed sessions."""

    @property
    def percent(self) -> int | None:
        """Adherence in percent; None when nothing was prescribed."""
        return round(100 * self.done / self.prescribed) if self.prescribed else None


CLINIC_WEEKS = 4
"""The clinic view looks at the last four weeks of each patient's export."""


def clinic_line(patient: str, document: Document, today: date) -> ClinicLine:
    """One patient's line: their last `CLINIC_WEEKS` weeks (since the routine's last
    change, when that is later)."""
    since = today - timedelta(weeks=CLINIC_WEEKS)
    changed = default_since(document)
    if changed is not None and changed > since:
        since = changed
    report = patient_report(document, since=since, until=today)
    afters = [s.pain_after for s in report.sessions if s.pain_after is not None]
    half = len(afters) // 2
    trend = "steady"
    if half:
        before, after = sum(afters[:half]) / half, sum(afters[-half:]) / half
        trend = "rising" if after - before >= 1 else "falling" if before - after >= 1 else "steady"
    flags = []
    urgent = [s for s in report.screened if "emergency" in s.summary or "same day" in s.summary]
    if report.screened:
        flags.append(f"{len(report.screened)} stopped at check-in")
    hurts = sum(len(line.hurts) for line in report.exercises)
    if hurts:
        flags.append(f"{hurts} hurt")
    unsettled = len(report.not_settled)
    if unsettled:
        flags.append(f"{unsettled} not settled next morning")
    high = sum(1 for s in report.sessions if (s.pain_after or 0) > PAIN_ACCEPTABLE_MAX)
    if high:
        flags.append(f"{high} with pain over {PAIN_ACCEPTABLE_MAX}")
    last = max((s.started.date() for s in report.sessions), default=None)
    attention = (
        10 * len(urgent)
        + 3 * len(report.screened)
        + 2 * hurts
        + 2 * unsettled
        + 2 * high
        + (3 if trend == "rising" else 0)
        + max(0, report.prescribed - report.done) // max(report.frequency.count, 1)
        + (4 if last is None or (today - last).days > 7 else 0)
    )
    return ClinicLine(
        patient=patient,
        title=report.title,
        done=report.done,
        prescribed=report.prescribed,
        pain_trend=trend,
        flags=tuple(flags),
        last_session=last,
        attention=attention,
    )


def clinic(documents: Iterable[tuple[str, Document]], today: date) -> list[ClinicLine]:
    """Every patient's line, who needs attention first (then by name)."""
    lines = [clinic_line(patient, document, today) for patient, document in documents]
    return sorted(lines, key=lambda line: (-line.attention, line.patient))
