"""Progressions: a routine's numbers as they stand in a given week.

Week 1 starts on the day the patient first did the routine; a routine never done is in
week 1. `routine_for_week` applies a routine's `progression:` rules to give the routine
as it is to be done that week. Pure functions: the dates come from the caller.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

from msgspec.structs import replace

from backroutine.base.text import human_duration
from backroutine.routine.model import (
    MAX_REPS,
    MAX_SECONDS,
    MAX_SETS,
    ExerciseStep,
    Growth,
    Progression,
    Routine,
    Rule,
)

if TYPE_CHECKING:
    from backroutine.routine.model import LoadedRoutine


class DoneSession(Protocol):
    """What the progression reads of a logged session (the log's `SessionRecord`): a routine
    knows nothing of the log, which is a layer above it."""

    @property
    def started(self) -> datetime: ...

    @property
    def routine_sha256(self) -> str: ...


_LIMITS = {"hold": MAX_SECONDS, "duration": MAX_SECONDS, "reps": MAX_REPS, "sets": MAX_SETS}


def week_number(first_done: date | None, today: date) -> int:
    """The week of the routine `today` is in: 1 in the first seven days, 2 in the next..."""
    if first_done is None or today <= first_done:
        return 1
    return (today - first_done).days // 7 + 1


def first_done(sessions: Iterable[DoneSession], sha256: str) -> date | None:
    """The day this version of the routine was first done, from the log's sessions.

    Matched on the routine's key (`backroutine.routine.loader.routine_key`: its id and version,
    else its file name), so a new version from the therapist starts again at week 1: they
    set its numbers for where the patient is now.
    """
    days = [record.started.date() for record in sessions if record.routine_sha256 == sha256]
    return min(days, default=None)


def routine_for_week(routine: Routine, week: int) -> Routine:
    """The routine with its progressions applied for `week` (1 = as written).

    The result has no progression left, so it can be shown or played as it is. Every value
    stays within the format's limits.
    """
    steps = [
        _step_for_week(step, routine, week) if isinstance(step, ExerciseStep) else step
        for step in routine.steps
    ]
    return replace(routine, steps=tuple(steps), progression=None)


def _step_for_week(step: ExerciseStep, routine: Routine, week: int) -> ExerciseStep:
    # Fields named at run time, so replace() cannot check them: the limits below keep them valid.
    changes: dict[str, Any] = {"progression": None}
    for field, rule in rules(step, routine).items():
        base = getattr(step, field)
        if field == "sets":
            base = routine.timing(step).sets
        if base is None:  # a routine-wide rule for a field this step does not have
            continue
        # A target moves through its range, never past it.
        written_range = {"reps": step.reps_range, "hold": step.hold_range}.get(field)
        ceiling = written_range[1] if written_range else _LIMITS[field]
        changes[field] = value_in_week(rule, base, week, ceiling)
    # Only values the step has change, and within the limits: it stays a valid step.
    return replace(step, **changes)


def rules(step: ExerciseStep, routine: Routine) -> dict[str, Rule]:
    """The rule for each of a step's fields: the step's own, else the routine's.

    A step with `progression: false` (an empty progression) takes no routine-wide rule.
    A routine-wide `hold` rule grows single holds (stretches, planks) only: the short hold
    of each paced rep is a different dose, which a step grows with its own rule. A
    routine-wide `duration` rule leaves a warm-up and a cool-down (a timed activity
    opening or closing a routine of several exercises) as written.
    """
    own = step.progression
    rules = {} if own is not None and not _rules_of(own) else _rules_of(routine.progression)
    if step.kind != "hold":
        rules.pop("hold", None)
    if _warms_up_or_cools_down(step, routine):
        rules.pop("duration", None)
    rules = {**rules, **_rules_of(own)}  # the step's own rule wins
    # A hold in breaths is timed by the patient's breath, and a pyramid's reps are set by set:
    # no rule for one number applies to them (the schema refuses a step's own).
    if step.breaths is not None:
        rules.pop("hold", None)
    if step.reps_per_set:
        rules.pop("reps", None)
        rules.pop("sets", None)
    return rules


def _rules_of(progression: Progression | None) -> dict[str, Rule]:
    if progression is None:
        return {}
    return {f: rule for f in _LIMITS if (rule := getattr(progression, f)) is not None}


def _warms_up_or_cools_down(step: ExerciseStep, routine: Routine) -> bool:
    exercises = routine.exercises
    return (
        step.kind == "duration"
        and len(exercises) > 1
        and (step is exercises[0] or step is exercises[-1])
    )


def value_in_week(rule: Rule, base: int, week: int, ceiling: int) -> int:
    """A value `base` as a rule makes it in `week`, kept between 1 and `ceiling`."""
    if isinstance(rule, Growth):
        value = base + rule.change * rule.increments(week)
        if rule.limit is not None:
            # The limit stops the change; it never pulls a value that is already past it.
            if rule.change > 0 and base < rule.limit:
                value = min(value, rule.limit)
            elif rule.change < 0 and base > rule.limit:
                value = max(value, rule.limit)
    else:
        in_week = (v for (first, last), v in rule.items() if first <= week <= (last or week))
        value = next(in_week, base)
    return max(1, min(value, ceiling))


def describe(field: str, rule: Rule) -> str:
    """A rule in words, e.g. `hold: +5 s every week from week 2, up to 60 s`."""

    def amount(value: int) -> str:
        return human_duration(value) if field in {"hold", "duration"} else str(value)

    if isinstance(rule, Growth):
        change = ("+" if rule.change > 0 else "-") + amount(abs(rule.change))
        if rule.every_weeks is None:
            text = f"{change} from week {rule.from_week}"
        else:
            every = "every week" if rule.every_weeks == 1 else f"every {rule.every_weeks} weeks"
            text = f"{change} {every} from week {rule.from_week}"
        if rule.limit is not None:
            text += f", {'up' if rule.change > 0 else 'down'} to {amount(rule.limit)}"
        return f"{field}: {text}"
    spans = []
    for (first, last), value in sorted(rule.items()):
        weeks = (
            f"week {first} on"
            if last is None
            else f"week {first}"
            if first == last
            else f"weeks {first}-{last}"
        )
        spans.append(f"{weeks}: {amount(value)}")
    return f"{field}: {'; '.join(spans)}"


def describe_all(step: ExerciseStep, routine: Routine) -> list[str]:
    """Every rule that applies to a step, in words."""
    return [describe(field, rule) for field, rule in rules(step, routine).items()]


def has_progression(routine: Routine) -> bool:
    """True when the routine's numbers change from week to week."""
    return bool(_rules_of(routine.progression)) or any(
        _rules_of(step.progression) for step in routine.exercises
    )


def as_of(
    loaded: LoadedRoutine, sessions: Iterable[DoneSession], day: date
) -> tuple[LoadedRoutine, int]:
    """`loaded` with the routine as it is to be done on `day`, and the week number."""
    week = week_number(first_done(sessions, loaded.sha256), day)
    return replace(loaded, routine=routine_for_week(loaded.routine, week)), week
