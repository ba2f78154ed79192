"""The log for the therapist (CSV or JSON) and the plain-text `backroutine history`.

Both only read the log; nothing here changes it.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import PurePath
from typing import Any, Literal, TextIO

from backroutine.base.clock import local_now
from backroutine.base.text import printable, replace_unsafe
from backroutine.log.history import (
    FLAG_RUN_ALERT,
    HEAT_LEGEND,
    TROUBLE_WEEKS,
    Adherence,
    DayCount,
    RoutineHistory,
    heat_symbol,
    pain_reviews,
    read_history,
)
from backroutine.log.store import CheckInRecord, CompletionLog, ExerciseRecord, SessionRecord
from backroutine.routine.safety import QUESTIONS, PainReview, Tier

EXPORT_FORMAT_VERSION = 3
"""2: every check-in (JSON `check_ins`; CSV check-in columns, and a `not_started` row for
one that stopped the session), and the pain-monitoring model's advice.
3: what was prescribed (routine id, version, week); local times with their UTC offset
only; the routine's file name, not its path (unless asked); a quit session's end time;
partly done exercises, and the side and set of a hurt; a staged routine's stage and what
each step is (`kind`: exercise, card, pack, breathing or walk), both added within version 3:
older version 3 exports have neither. Described by
docs/export.schema.json."""

SESSION_COLUMNS = (
    "session_id",
    "routine_title",
    "routine_id",
    "routine_version",
    "week",
    "routine_file",
    "routine_sha256",
    "frequency",
    "stage",
    "started",
    "ended",
    "last_progress",
    "time_zone",
    "status",
    "pain_before",
    "pain_after",
    "settled_next_morning",
    "pain_flag",
    "pain_advice",
    "note",
    "planned_seconds",
    "active_seconds",
    "check_in_at",
    "check_in",
    "check_in_pain",
    "check_in_leg_pain",
    "check_in_leg_reach",
    "check_in_settled",
    "check_in_answered_yes",
    "check_in_advice",
)
NOT_STARTED = "not_started"
"""The status of a CSV row for a check-in that stopped the session."""
EXERCISE_COLUMNS = (
    "step",
    "exercise",
    "kind",
    "outcome",
    "sets_done",
    "set_count",
    "reps_done",
    "reps_planned",
    "rep_count",
    "hurt_side",
    "hurt_set",
    "planned_seconds_exercise",
    "active_seconds_exercise",
)
ExportedStatus = Literal["completed", "abandoned", "quit", "unfinished"]
"""A session's status in the export: `quit` is left by the patient and still resumable,
`unfinished` has no end (running now, or the program was killed)."""
ExportedOutcome = Literal["done", "partly_done", "skipped", "hurt", "not_finished"]
_SPARK = "▁▂▃▄▅▆▇█"


def export(
    log: CompletionLog,
    format: Literal["csv", "json"] = "csv",
    since: date | None = None,
    out: TextIO | None = None,
    *,
    paths: bool = False,
    now: datetime | None = None,
) -> None:
    """Write the sessions (from `since`, local date, on) to `out`.

    CSV has one row per exercise per session, with the session's columns repeated (a
    session with no exercise yet gets one row); JSON nests the exercises in each session.
    Routine files are named by file name only, unless `paths` asks for where they were.
    `now` (local, timezone-aware; default the present) is when the JSON says it was made.
    """
    if out is None:
        raise ValueError("export needs a text stream to write to")
    if format not in ("csv", "json"):
        raise ValueError(f"unknown export format {format!r}: use csv or json")
    sessions = log.sessions(with_exercises=True)
    reviews = pain_reviews(sessions)  # over every session: the trend needs the earlier ones
    check_ins = log.check_ins()
    if since is not None:
        sessions = [session for session in sessions if session.started.date() >= since]
        check_ins = [check_in for check_in in check_ins if check_in.asked_at.date() >= since]
    file = _full_path if paths else _file_name
    if format == "csv":
        _write_csv(sessions, reviews, check_ins, out, file)
    else:
        made = now or local_now()
        _write_json(sessions, reviews, check_ins, out, file, made)


def _file_name(path: str) -> str:
    # The folders say where the patient keeps things (often their name): not for sharing.
    return PurePath(path).name


def _full_path(path: str) -> str:
    return path


def exported_status(session: SessionRecord) -> ExportedStatus:
    """What became of a session, as the export and the report say it."""
    if session.status == "in_progress":
        return "quit" if session.ended else "unfinished"
    return session.status


def exported_outcome(exercise: ExerciseRecord) -> ExportedOutcome:
    """What was done of an exercise, as the export and the report say it."""
    if exercise.outcome == "started":
        return "not_finished"
    if exercise.partly_done:
        return "partly_done"
    return exercise.outcome


def _local(moment: datetime | None) -> str | None:
    """ISO 8601 in the patient's local time then, with its UTC offset."""
    return moment.isoformat() if moment else None


def _session_fields(
    session: SessionRecord, review: PainReview, file: Callable[[str], str]
) -> dict[str, Any]:
    return {
        "session_id": session.id,
        "routine_title": session.routine_title,
        "routine_id": session.routine_id,
        "routine_version": session.routine_version,
        "week": session.week,
        "routine_file": file(session.routine_path),
        "routine_sha256": session.routine_sha256,
        "frequency": str(session.frequency) if session.frequency else None,
        "stage": session.stage,
        "started": _local(session.started),
        "ended": _local(session.ended),
        "last_progress": _local(session.last_progress),
        "time_zone": session.time_zone,
        "status": exported_status(session),
        "pain_before": session.pain_before,
        "pain_after": session.pain_after,
        "settled_next_morning": session.settled_next_morning,
        "pain_flag": review.flag,
        "pain_advice": " ".join(review.advice) or None,
        "note": session.note,
        "planned_seconds": session.planned_seconds,
        "active_seconds": round(session.active_seconds, 1),
    }


def _exercise_fields(exercise: ExerciseRecord) -> dict[str, Any]:
    return {
        "step": exercise.step_index + 1,
        "exercise": exercise.name,
        "kind": exercise.kind,
        "outcome": exported_outcome(exercise),
        "sets_done": exercise.sets_done,
        "set_count": exercise.set_count,
        "reps_done": exercise.reps_done,
        "reps_planned": exercise.reps_planned,
        "rep_count": exercise.rep_count,
        "hurt_side": exercise.hurt_side,
        "hurt_set": exercise.hurt_set,
        "planned_seconds_exercise": exercise.planned_seconds,
        "active_seconds_exercise": round(exercise.active_seconds, 1),
    }


def _cell(value: Any) -> Any:
    """A CSV cell that is safe to open in a spreadsheet and to print on a terminal."""
    if not isinstance(value, str):
        return value
    # Text from routine files or notes starting with = + - @ would run as a formula
    # when the therapist opens the CSV in a spreadsheet (OWASP "CSV injection").
    if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        value = "'" + value
    return printable(value, keep_newlines=True)


def _check_in_fields(check_in: CheckInRecord, file: Callable[[str], str]) -> dict[str, Any]:
    return {
        "session_id": check_in.session_id,
        "routine_title": check_in.routine_title,
        "routine_file": file(check_in.routine_path),
        "asked_at": _local(check_in.asked_at),
        "asked": check_in.asked,
        "went_ahead": check_in.went_ahead,
        "summary": check_in_summary(check_in),
        "pain_now": check_in.pain_now,
        "leg_pain": check_in.leg_pain,
        "leg_reach": check_in.leg_reach,
        "settled_by_next_morning": check_in.settled,
        "settled_session_id": check_in.settled_session_id,
        "answered_yes": list(check_in.answered_yes),
        "tier": check_in.tier,
        "advice": list(check_in.advice),
    }


def _check_in_columns(check_ins: Sequence[CheckInRecord]) -> dict[str, Any]:
    """The CSV's check-in columns; a resumed session may have had more than one."""
    if not check_ins:
        return {}

    def joined(values: Iterable[object]) -> str | None:
        shown = [str(value) for value in values if value is not None and value != ""]
        return " | ".join(shown) or None

    return {
        "check_in_at": joined(c.asked_at.isoformat() for c in check_ins),
        "check_in": joined(check_in_summary(c) for c in check_ins),
        "check_in_pain": joined(c.pain_now for c in check_ins),
        "check_in_leg_pain": joined(c.leg_pain for c in check_ins),
        "check_in_leg_reach": joined(c.leg_reach for c in check_ins),
        "check_in_settled": joined(
            None if c.settled is None else ("yes" if c.settled else "no") for c in check_ins
        ),
        "check_in_answered_yes": joined(";".join(c.answered_yes) for c in check_ins),
        "check_in_advice": joined(" ".join(c.advice) for c in check_ins),
    }


def _write_csv(
    sessions: Sequence[SessionRecord],
    reviews: dict[int, PainReview],
    check_ins: Sequence[CheckInRecord],
    out: TextIO,
    file: Callable[[str], str],
) -> None:
    writer = csv.DictWriter(out, fieldnames=SESSION_COLUMNS + EXERCISE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    by_session: dict[int, list[CheckInRecord]] = {}
    for check_in in check_ins:
        if check_in.session_id is not None:
            by_session.setdefault(check_in.session_id, []).append(check_in)
    # Sessions and the check-ins that stopped one (no session followed), in time order.
    # Times are kept to the second: at a tie the check-in came first, as it does in life.
    rows: list[tuple[datetime, int, list[dict[str, Any]]]] = []
    for session in sessions:
        fields = dict(
            _session_fields(session, reviews[session.id], file),
            **_check_in_columns(by_session.get(session.id, [])),
        )
        rows.append(
            (
                session.started,
                1,
                [
                    dict(fields, **_exercise_fields(exercise)) if exercise else fields
                    for exercise in session.exercises or (None,)
                ],
            )
        )
    for check_in in check_ins:
        if check_in.session_id is None:
            fields = {
                "routine_title": check_in.routine_title,
                "routine_file": file(check_in.routine_path),
                "started": _local(check_in.asked_at),
                "status": NOT_STARTED,
                "pain_before": check_in.pain_now,
                **_check_in_columns([check_in]),
            }
            rows.append((check_in.asked_at, 0, [fields]))
    rows.sort(key=lambda row: row[:2])
    for _, _, lines in rows:
        for row in lines:
            writer.writerow({key: _cell(value) for key, value in row.items()})


def _write_json(
    sessions: Sequence[SessionRecord],
    reviews: dict[int, PainReview],
    check_ins: Sequence[CheckInRecord],
    out: TextIO,
    file: Callable[[str], str],
    made: datetime,
) -> None:
    document = {
        "format": "backroutine-log-export",
        "version": EXPORT_FORMAT_VERSION,
        "exported_at": made.isoformat(timespec="seconds"),
        "sessions": [
            dict(
                _session_fields(session, reviews[session.id], file),
                exercises=[_exercise_fields(exercise) for exercise in session.exercises],
            )
            for session in sessions
        ],
        "check_ins": [_check_in_fields(check_in, file) for check_in in check_ins],
    }
    # Compact: a third smaller than indented, so a clinic's year of exports reads faster
    # (`python -m json.tool` or a browser shows it indented).
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    # Readable words and emoji, but every control or invisible character escaped (\u001b,
    # \u202e): the JSON reads back exactly and is harmless to print.
    out.write(replace_unsafe(text, lambda char: json.dumps(char)[1:-1]) + "\n")


# --- backroutine history -------------------------------------------------------------


def render_history(
    log: CompletionLog, out: TextIO, *, now: datetime | None = None, tz: tzinfo | None = None
) -> None:
    """Write a plain-text summary of every routine's history, for `backroutine history`."""
    found = read_history(log, now=now, tz=tz)
    check_ins = check_in_lines(log.check_ins())
    if not found and not check_ins:
        out.write("No sessions logged yet.\n")
        return
    for number, history in enumerate(found):
        if number:
            out.write("\n")
        out.write("\n".join(history_lines(history)) + "\n")
    if check_ins:
        out.write(("\n" if found else "") + "\n".join(check_ins) + "\n")


CHECK_IN_LINES = 10


def check_in_lines(check_ins: Sequence[CheckInRecord]) -> list[str]:
    """The check-ins a therapist must see: those that stopped a session, said something
    for the therapist, or were skipped (--no-checkin); the latest last."""
    notable = [
        check_in
        for check_in in check_ins
        if not check_in.went_ahead or check_in.tier or not check_in.asked
    ]
    if not notable:
        return []
    stopped = sum(not check_in.went_ahead for check_in in check_ins)
    lines = [
        f"Check-ins: {len(check_ins)}, {stopped} of them stopped the session. "
        f"The latest worth telling your therapist:"
    ]
    for check_in in notable[-CHECK_IN_LINES:]:
        mark = "!" if not check_in.went_ahead else "-"
        lines.append(
            f"  {mark} {check_in.asked_at:%a %d %b %Y %H:%M}, "
            f"{printable(check_in.routine_title)}: {check_in_summary(check_in)}"
        )
    return lines


def history_lines(history: RoutineHistory) -> list[str]:
    """The plain-text history of one routine, one line per item."""
    return [
        f"{printable(history.title)}  ({printable(history.routine_path)})",
        *summary_lines(history),
        "",
        *heatmap_lines(history),
        "",
        *pain_lines(history),
        *flag_lines(history),
        *trouble_lines(history),
        *note_lines(history),
    ]


def summary_lines(history: RoutineHistory) -> list[str]:
    """Prescription, streak and adherence."""
    streak = history.streak
    unit = streak.unit
    often = str(history.frequency) if history.frequency_given else "not given, counted as daily"
    last = f", the last on {_day(history.last_day)}" if history.last_day else ""
    # "Done of started": a session stopped at its first step is started, not "completed".
    done = f"Sessions done: {history.completed} of {history.started} started{last}."
    lines = [f"  Prescribed: {often}. {done}"]
    if history.partly:
        partly = "was" if history.partly == 1 else "were"
        said = f"{history.partly} of them {partly} partly done"
        lines.append(f"  {said}: steps skipped, or stopped as they hurt.")
    stopped = history.started - history.completed - history.none_done
    if stopped:
        lines.append(f"  {_count(stopped, 'session')} stopped before the end: not counted.")
    if history.stage is not None:
        lines.append(f"  Stage now: {history.stage}.")
    if history.none_done:
        lines += [
            f"  {_count(history.none_done, 'session')} with no exercise done "
            f"{'is' if history.none_done == 1 else 'are'} not counted:",
            "  a session counts when an exercise, breathing or walk was done,"
            " not just a card or pack.",
        ]
    if history.frequency.as_needed:  # no target: how often, without a streak or a percentage
        return [
            *lines,
            f"  Done this week so far: {_count(history.this_week.done, 'time')}. "
            f"Last 4 weeks: {_count(history.last_four_weeks.done, 'time')}.",
        ]
    lines += [
        f"  Streak: {_count(streak.current, unit)} (best {_count(streak.best, unit)}).",
        f"  This week so far: {_ratio(history.this_week)}. "
        f"Last 4 weeks: {_ratio(history.last_four_weeks)}.",
    ]
    return lines


def heatmap_lines(history: RoutineHistory) -> list[str]:
    """The calendar heatmap: months above a row per weekday, a column per week, a legend."""
    columns = history.heatmap
    last = max(cell.day for week in columns for cell in week if cell is not None)
    lines = [f"  Last {len(columns)} weeks, to {_day(last)}:", "        " + _month_row(columns)]
    for weekday, name in enumerate(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")):
        lines.append(f"    {name} " + " ".join(heat_symbol(week[weekday]) for week in columns))
    legend = [f"{symbol} {meaning}" for symbol, meaning in HEAT_LEGEND]
    lines.append("    " + "  ".join(legend[:2]))
    lines.append("    " + "  ".join(legend[2:]))
    return lines


def _month_row(columns: list[list[DayCount | None]]) -> str:
    """Each month's name above the first week that starts in it (2 characters a week)."""
    first = columns[0][0]
    assert first is not None  # the oldest week is always in the past
    labels: list[tuple[int, str]] = []
    for number in range(len(columns)):
        monday = first.day + timedelta(weeks=number)
        if number == 0 or monday.day <= 7:
            position = 2 * number
            if labels and labels[-1][0] + 4 > position:
                labels.pop()  # too close to the next month's name, which says more
            labels.append((position, f"{monday:%b}"))
    row = ""
    for position, name in labels:
        row = row.ljust(position) + name
    return row.rstrip()


def pain_lines(history: RoutineHistory) -> list[str]:
    """The pain trend as text sparklines, before and after."""
    points = history.pain
    if not points:
        return ["  No pain scores given yet."]
    which = "the one session" if len(points) == 1 else f"last {len(points)} sessions"
    lines = [f"  Pain (0-10), {which} with a score:"]
    for label, values in (
        ("before", [point.before for point in points]),
        ("after ", [point.after for point in points]),
    ):
        given = [value for value in values if value is not None]
        if given:
            lines.append(f"    {label} {spark(values)}  latest {given[-1]}")
    return lines


def flag_lines(history: RoutineHistory) -> list[str]:
    """The latest pain-flagged sessions, and a call-out for a run of them."""
    flagged = [point for point in history.pain if point.flag]
    if not flagged:
        return []
    lines = [f"  {len(flagged)} of the last {len(history.pain)} sessions flagged; the latest:"]
    for point in flagged[-3:]:
        lines.append(f"    ! {_day(point.day)}: {point.flag}")
    lines.extend(f"  {advice}" for advice in flagged[-1].advice)
    if history.flag_run >= FLAG_RUN_ALERT:
        lines.append(
            f"  ! The last {history.flag_run} sessions were flagged for pain: tell your therapist."
        )
    else:
        lines.append("  Flagged sessions are worth telling your therapist about.")
    return lines


def trouble_lines(history: RoutineHistory) -> list[str]:
    """The exercises most often skipped or marked hurt lately."""
    if not history.troubles:
        return []
    lines = [f"  Skipped or hurt in the last {TROUBLE_WEEKS} weeks:"]
    for trouble in history.troubles[:5]:
        lines.append(
            f"    {printable(trouble.name)}: skipped {trouble.skipped}, hurt {trouble.hurt}"
        )
    return lines


def note_lines(history: RoutineHistory) -> list[str]:
    """The latest notes written after a session, the newest first."""
    if not history.notes:
        return []
    lines = ["  Your latest notes:"]
    for note in history.notes:
        lines.append(f"    {_day(note.day)}: {printable(note.text)}")
    return lines


def spark(values: Sequence[int | None]) -> str:
    """0-10 scores as a line of block characters; a space where no score was given."""
    return "".join(" " if value is None else _SPARK[min(value, 10) * 7 // 10] for value in values)


def _day(day: date) -> str:
    return datetime.combine(day, time()).strftime("%a %d %b %Y")


def _count(number: int, unit: str) -> str:
    return f"{number} {unit}{'' if number == 1 else 's'}"


def _ratio(adherence: Adherence) -> str:
    if adherence.percent is None:
        return "nothing prescribed yet"
    return f"{adherence.done} of {adherence.prescribed} ({adherence.percent}%)"


def check_in_summary(check_in: CheckInRecord) -> str:
    """One line on a check-in for the therapist: `told to go to the emergency department`."""
    if not check_in.asked:
        return "no check-in asked (--no-checkin)"
    said = [
        question.text.lower() for question in QUESTIONS if question.key in check_in.answered_yes
    ]
    told = {
        Tier.EMERGENCY.value: "told to go to the emergency department or call the emergency "
        "number now, no exercise",
        Tier.SAME_DAY.value: "told to call their GP or clinician the same day, no exercise",
        Tier.THERAPIST.value: "told to tell their therapist",
    }.get(check_in.tier or "", "no warning signs")
    return told + (f" (said yes to: {'; '.join(said)})" if said else "")
